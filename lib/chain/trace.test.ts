/**
 * Witnesses of mined transactions from a node (lib/chain/trace.ts): real transactions on anvil, every frame verified by
 * the hypervisor in process, the cross-checks against the node, and the errors a user meets.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { keccak256 } from 'viem';
import { LocalHypervisor } from '../hypervisor/ethereumjs.ts';
import { checkTransaction, UnsupportedMessageError } from '../native/index.ts';
import { formatVerdict } from '../witness/errors.ts';
import { decodeRecord } from '../witness/records.ts';
import type { Hex } from '../witness/types.ts';
import { freeLoopbackPort, rpc } from './anvil.ts';
import { deployCode, startTraceScenario, type TraceScenario } from './trace.fixture.ts';
import {
  CrossCheckError,
  crossCheckCallTrace,
  floorGasOf,
  intrinsicGasOf,
  receiptGasUsed,
  TraceError,
  witnessesOfTransaction,
  type CallTraceFrame,
  type TransactionWitnesses,
} from './trace.ts';

describe('gas formulas (Prague)', () => {
  it('intrinsic gas: 21,000 + 4 per zero byte + 16 per nonzero byte + 2,400 per access-list address + 1,900 per slot', () => {
    assert.equal(intrinsicGasOf('0x'), 21_000n);
    assert.equal(intrinsicGasOf('0x00ff00'), 21_000n + 4n + 16n + 4n);
    assert.equal(intrinsicGasOf('0x01', [{ storageKeys: [] }, { storageKeys: ['0x01', '0x02'] }]), 21_000n + 16n + 2n * 2_400n + 2n * 1_900n);
  });

  it('EIP-7623 floor: 21,000 + 10 per token, a zero byte 1 token, a nonzero byte 4', () => {
    assert.equal(floorGasOf('0x'), 21_000n);
    assert.equal(floorGasOf('0x00ff'), 21_050n);
  });

  it('receipt gasUsed: spent − min(refund, spent / 5), at least the floor', () => {
    // spent 100,000: the refund 4,800 is below the cap 20,000
    assert.equal(receiptGasUsed({ intrinsicGas: 21_000n, executionGasUsed: 79_000n, refund: 4_800n, floorGas: 21_000n }), 95_200n);
    // spent 30,000: the cap 6,000 bounds a refund of 19,900
    assert.equal(receiptGasUsed({ intrinsicGas: 21_000n, executionGasUsed: 9_000n, refund: 19_900n, floorGas: 21_000n }), 24_000n);
    // below the floor
    assert.equal(receiptGasUsed({ intrinsicGas: 21_020n, executionGasUsed: 0n, refund: 0n, floorGas: 21_050n }), 21_050n);
  });
});

describe('witnessesOfTransaction on anvil', () => {
  let s: TraceScenario;
  let hv: LocalHypervisor;
  const built = new Map<Hex, TransactionWitnesses>();
  const witnesses = async (tx: Hex): Promise<TransactionWitnesses> => {
    if (!built.has(tx)) built.set(tx, await witnessesOfTransaction(s.anvil.url, tx));
    return built.get(tx)!;
  };
  /** Verifies every frame in process and checks the links; returns the verdicts. */
  const verifyAll = async (w: TransactionWitnesses): Promise<string[]> => {
    assert.deepEqual(checkTransaction(w.tree.frames, { transfers: w.tree.transfers }), []);
    const out: string[] = [];
    for (const f of w.tree.frames) out.push(formatVerdict((await hv.verify(f.file)).verdict));
    return out;
  };
  const nodeTx = (tx: Hex) => rpc<{ gas: Hex; input: Hex; from: Hex }>(s.anvil.url, 'eth_getTransactionByHash', [tx]);
  const nodeReceipt = (tx: Hex) => rpc<{ gasUsed: Hex; status: Hex }>(s.anvil.url, 'eth_getTransactionReceipt', [tx]);
  /**
   * Sends a transaction with eth_sendTransaction and waits until it is mined: anvil's automine may answer the send
   * before the block holds it (a loaded machine made a receipt read right after the send come back null), and may
   * give the receipt while eth_getTransactionByHash still shows the transaction pending (no blockNumber; seen once in
   * a fresh clone under load), so both are awaited.
   */
  const sendMined = async (tx: Record<string, string>): Promise<{ hash: Hex; contractAddress: Hex | null }> => {
    const hash = await rpc<Hex>(s.anvil.url, 'eth_sendTransaction', [tx]);
    for (let waited = 0; waited < 30_000; waited += 50) {
      const receipt = await rpc<{ contractAddress: Hex | null } | null>(s.anvil.url, 'eth_getTransactionReceipt', [hash]);
      const mined = await rpc<{ blockNumber: Hex | null } | null>(s.anvil.url, 'eth_getTransactionByHash', [hash]);
      if (receipt && mined?.blockNumber) return { hash, contractAddress: receipt.contractAddress };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`transaction ${hash} not mined after 30 s`);
  };

  before(async () => {
    [s, hv] = await Promise.all([startTraceScenario(), LocalHypervisor.create()]);
  });
  after(async () => {
    await s?.stop();
  });

  it('nested calls with a revert at depth 2: four frames, each valid, every link holds', async () => {
    const w = await witnesses(s.tx.nested);
    const { inner, middle, outer } = s.addresses;
    assert.deepEqual(
      w.tree.frames.map((f) => [f.path, f.file.witness.to, f.native.status]),
      [
        [[], outer, 1],
        [[0], middle, 1],
        [[0, 0], inner, 2],
        [[0, 1], inner, 1],
      ],
    );
    assert.equal(w.tree.frames[3]!.file.witness.isStatic, true, 'Middle reads Inner.attempts() with a STATICCALL');
    // Outer writes runs and total after the call: storage-write records in the top frame
    assert.ok(w.tree.frames[0]!.file.witness.state_access_list.map(decodeRecord).some((r) => r.kind === 'storageWrite'));
    // Outer.run(42): the selector (4 nonzero bytes), 31 zero bytes and 0x2a
    assert.equal(w.intrinsicGas, 21_000n + 5n * 16n + 31n * 4n);
    const tx = await nodeTx(s.tx.nested);
    assert.equal(w.message.gasAvailable, BigInt(tx.gas) - w.intrinsicGas);
    assert.equal(w.message.origin, tx.from.toLowerCase());
    assert.equal(w.receipt.status, 'success');
    assert.equal(w.receipt.gasUsed, BigInt((await nodeReceipt(s.tx.nested)).gasUsed));
    assert.deepEqual(await verifyAll(w), ['valid', 'valid', 'valid', 'valid']);
  });

  it('clearing a slot: the refund (4,800) is the top witness\'s, and the receipt follows from it', async () => {
    const w = await witnesses(s.tx.clear);
    assert.equal(w.tree.frames.length, 1);
    const top = w.tree.frames[0]!;
    assert.equal(top.file.witness.refund, 4_800n);
    assert.deepEqual(top.file.witness.storageKeys.map((k) => [k.slot, k.original, k.value]), [[0n, 1n, 1n]]);
    const spent = w.intrinsicGas + top.native.gasUsed;
    assert.equal(BigInt((await nodeReceipt(s.tx.clear)).gasUsed), spent - 4_800n);
    assert.deepEqual(await verifyAll(w), ['valid']);
  });

  it('a call to a precompile and a call never entered have no frame; the access list warms the slot and costs intrinsic gas', async () => {
    const w = await witnesses(s.tx.probe);
    assert.equal(w.tree.frames.length, 1);
    assert.equal(w.intrinsicGas, 21_000n + 2_400n + 1_900n);
    const calls = w.tree.frames[0]!.file.witness.state_access_list.map(decodeRecord).filter((r) => r.kind === 'call');
    // the SHA-256 call takes no record; the call with 1 wei the prober lacks is not entered (status 3)
    assert.deepEqual(calls.map((r) => ('status' in r ? r.status : undefined)), [3n]);
    assert.deepEqual(w.message.preState?.warmAccounts, [s.addresses.prober]);
    assert.equal(w.message.preState?.storage?.find((x) => x.slot === 5n)?.warm, true);
    assert.deepEqual(await verifyAll(w), ['valid']);
  });

  it('a plain transfer with calldata: EIP-7623\'s floor decides the receipt\'s gas', async () => {
    const w = await witnesses(s.tx.transfer);
    assert.equal(w.message.callvalue, 5n);
    assert.equal(w.message.code, '0x');
    assert.equal(w.receipt.gasUsed, 21_000n + 10n * (1n + 4n));
    assert.deepEqual(await verifyAll(w), ['valid']);
  });

  it('SELFDESTRUCT: its record moves the balance the node had (7 wei) to the beneficiary; the frame is valid', async () => {
    const w = await witnesses(s.tx.destruct);
    assert.equal(w.tree.frames.length, 1);
    const records = w.tree.frames[0]!.file.witness.state_access_list.map(decodeRecord);
    assert.deepEqual(records.map((r) => [r.kind, 'balance' in r ? r.balance : undefined, 'beneficiary' in r ? r.beneficiary : undefined]), [['selfDestruct', 7n, '0x000000000000000000000000000000000000beef']]);
    // 21,000 + PUSH2, CALLVALUE, PUSH1, JUMPI (3 + 2 + 3 + 10) + 5,000 + 2,600 (cold) + 25,000 (a new account funded)
    assert.equal(w.receipt.gasUsed, 21_000n + 18n + 5_000n + 2_600n + 25_000n);
    assert.deepEqual(await verifyAll(w), ['valid']);
  });

  it('the cross-check names the frame and the field the node disagrees on', async () => {
    const w = await witnesses(s.tx.nested);
    const trace = await rpc<CallTraceFrame>(s.anvil.url, 'debug_traceTransaction', [s.tx.nested, { tracer: 'callTracer' }]);
    const tx = await nodeTx(s.tx.nested);
    const ctx = { txGas: BigInt(tx.gas), intrinsicGas: w.intrinsicGas, receiptGasUsed: w.receipt.gasUsed };
    crossCheckCallTrace(w.tree.frames, trace, ctx); // the node's own trace matches
    const tampered = (edit: (t: CallTraceFrame) => void): CallTraceFrame => {
      const t = structuredClone(trace);
      edit(t);
      return t;
    };
    const rejects = (t: CallTraceFrame, path: number[], field: string): void => {
      assert.throws(
        () => crossCheckCallTrace(w.tree.frames, t, ctx),
        (e: unknown) => e instanceof CrossCheckError && JSON.stringify(e.path) === JSON.stringify(path) && e.field === field && e.message.includes(`frame [${path.join(',')}]: ${field}`),
      );
    };
    const innerFrame = (t: CallTraceFrame): CallTraceFrame => t.calls![0]!.calls![0]!;
    rejects(tampered((t) => (innerFrame(t).gasUsed = `0x${(BigInt(innerFrame(t).gasUsed) + 1n).toString(16)}`)), [0, 0], 'gasUsed');
    rejects(tampered((t) => (innerFrame(t).output = '0x')), [0, 0], 'output');
    rejects(tampered((t) => delete innerFrame(t).error), [0, 0], 'status');
    rejects(tampered((t) => (t.calls![0]!.calls![1]!.type = 'CALL')), [0, 1], 'call kind');
    rejects(tampered((t) => (t.calls![0]!.gas = '0x1')), [0], 'gas');
    rejects(tampered((t) => (t.gasUsed = '0x5208')), [], "gasUsed (the transaction's)");
    rejects(tampered((t) => t.calls![0]!.calls!.pop()), [0, 1], 'frame');
  });

  it('errors say what to do', async () => {
    const unknown = `0x${'ab'.repeat(32)}` as Hex;
    await assert.rejects(witnessesOfTransaction(s.anvil.url, unknown), (e: unknown) => e instanceof TraceError && /not found on http:\/\/127\.0\.0\.1:\d+/.test(e.message) && /mined on this chain/.test(e.hint));
    const closed = `http://127.0.0.1:${await freeLoopbackPort()}`;
    await assert.rejects(witnessesOfTransaction(closed, s.tx.nested), (e: unknown) => e instanceof TraceError && e.message.includes('ECONNREFUSED') && e.hint.includes(`is the node running at ${closed}?`));
    await assert.rejects(witnessesOfTransaction(s.anvil.url, s.tx.create), (e: unknown) => e instanceof TraceError && /creates a contract/.test(e.message));
    await assert.rejects(witnessesOfTransaction(s.anvil.url, '0x1234' as Hex), (e: unknown) => e instanceof TraceError && /not a transaction hash/.test(e.message));
  });

  it('a node without the debug API: the hint says how to start one', async () => {
    // a proxy to anvil that answers debug_* as a node without the debug namespace does (JSON-RPC -32601)
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString('utf8')));
      req.on('end', () => {
        const call = JSON.parse(body) as { id: number; method: string };
        const answer = (text: string): void => {
          res.setHeader('content-type', 'application/json');
          res.end(text);
        };
        if (call.method.startsWith('debug_')) answer(JSON.stringify({ jsonrpc: '2.0', id: call.id, error: { code: -32601, message: `the method ${call.method} does not exist/is not available` } }));
        else void fetch(s.anvil.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => answer(await r.text()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await assert.rejects(witnessesOfTransaction(url, s.tx.nested), (e: unknown) => e instanceof TraceError && /has no debug_traceTransaction/.test(e.message) && /--http\.api eth,debug/.test(e.hint));
    } finally {
      server.close();
    }
  });

  it('a pending transaction is refused until it is mined', async () => {
    await rpc(s.anvil.url, 'evm_setAutomine', [false]);
    try {
      const from = (await nodeTx(s.tx.nested)).from;
      const hash = await rpc<Hex>(s.anvil.url, 'eth_sendTransaction', [{ from, to: s.addresses.writer, data: `0x${'00'.repeat(32)}` }]);
      await assert.rejects(witnessesOfTransaction(s.anvil.url, hash), (e: unknown) => e instanceof TraceError && /is pending/.test(e.message));
    } finally {
      await rpc(s.anvil.url, 'evm_setAutomine', [true]);
      // mine what was left pending, so that the next test's transactions do not queue behind it
      await rpc(s.anvil.url, 'evm_mine', []);
    }
  });

  it('a transaction whose contract creates one: the creation frame runs the init code at the new address; a failing code deposit is refused with the hash', async () => {
    const from = (await nodeTx(s.tx.nested)).from;
    // the factory: CREATE of the init code PUSH1 0xfe PUSH0 MSTORE8 PUSH1 1 PUSH0 RETURN (it deposits the code 0xfe)
    const factoryOf = async (init: string): Promise<Hex> => {
      const runtime = `0x67${init}5f52600860185ff000` as Hex; // PUSH8 init, PUSH0 MSTORE, CREATE(0, 24, 8), STOP
      const { contractAddress } = await sendMined({ from, data: deployCode(runtime) });
      assert.ok(contractAddress, 'the factory was deployed');
      return contractAddress;
    };
    const factory = await factoryOf('60fe5f5360015ff3');
    // an explicit gas limit: the node's estimate would be the least gas with which the transaction succeeds, the create failing
    const { hash } = await sendMined({ from, to: factory, data: '0x', gas: '0x30d40' });
    const w = await witnessesOfTransaction(s.anvil.url, hash);
    assert.deepEqual(w.tree.frames.map((f) => [f.path, f.native.status]), [[[], 1], [[0], 1]]);
    const creation = w.tree.frames[1]!;
    assert.equal(creation.file.witness.codeHash, keccak256('0x60fe5f5360015ff3'));
    assert.equal(creation.returndata, '0xfe');
    assert.equal(await rpc<Hex>(s.anvil.url, 'eth_getCode', [creation.file.witness.to, 'latest']), '0xfe', 'the node deployed the code at the frame\'s address');
    assert.deepEqual(await verifyAll(w), ['valid', 'valid']);
    // init code returning 0xef...: its deposit fails (EIP-3541), which this version does not build
    const bad = await factoryOf('60ef5f5360015ff3');
    const { hash: badHash } = await sendMined({ from, to: bad, data: '0x', gas: '0x30d40' });
    await assert.rejects(witnessesOfTransaction(s.anvil.url, badHash), (e: unknown) => e instanceof UnsupportedMessageError && e.message.includes(badHash) && /deposit failed/.test(e.message));
  });


  it('the witnesses name the code that ran', async () => {
    const w = await witnesses(s.tx.nested);
    for (const f of w.tree.frames) {
      const code = await rpc<Hex>(s.anvil.url, 'eth_getCode', [f.file.witness.to, 'latest']);
      assert.equal(f.file.witness.codeHash, keccak256(code));
    }
  });
});
