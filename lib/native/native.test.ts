import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { keccak256, pad, toHex } from 'viem';
import { decodeWitness, encodeWitness } from '../witness/abi.ts';
import type { Hex } from '../witness/types.ts';
import { OP, type OpName } from '../evm/opcodes.ts';
import { buildHonestWitness, defaultContext, OUTSIDE_OPCODES, RECORD_OPCODES, runNative, unsupportedOpcodes, type MessageContext } from './index.ts';

const run = (code: Hex, over: Partial<MessageContext> = {}) => runNative(defaultContext({ code, gasAvailable: 100_000n, ...over }));
const word = (n: number | bigint): Hex => pad(toHex(n), { size: 32 });

test('defaultContext', () => {
  const c = defaultContext({ code: '0x00' });
  assert.equal(c.gasAvailable, 10_000_000n);
  assert.equal(c.callvalue, 0n);
  assert.equal(c.gasPrice, 0n);
  assert.equal(c.context, c.to);
  assert.equal(c.isStatic, false);
  assert.equal(c.calldata, '0x');
  assert.equal(defaultContext({ to: `0x${'AB'.repeat(20)}` }).context, `0x${'ab'.repeat(20)}`);
});

test('exact gas: 1 + 2 returned', async () => {
  // PUSH1 1 (3) PUSH1 2 (3) ADD (3) PUSH1 0 (3) MSTORE (3 + 3 for the first memory word)
  // PUSH1 32 (3) PUSH1 0 (3) RETURN (0, memory already 1 word) = 24
  const o = await run('0x600160020160005260206000f3');
  assert.equal(o.status, 1);
  assert.equal(o.gasUsed, 24n);
  assert.equal(o.returndata, word(3));
  assert.equal(o.steps, 8);
  assert.equal(o.error, undefined);
  assert.deepEqual(unsupportedOpcodes(o), []);
});

test('exact gas: running off the end and STOP are success with empty data', async () => {
  const o = await run('0x6001'); // PUSH1 1 (3), then off the end
  assert.deepEqual([o.status, o.gasUsed, o.returndata], [1, 3n, '0x']);
  const s = await run('0x600100'); // PUSH1 1 (3) STOP (0)
  assert.deepEqual([s.status, s.gasUsed, s.returndata], [1, 3n, '0x']);
  const e = await run('0x');
  assert.deepEqual([e.status, e.gasUsed, e.steps], [1, 0n, 0]);
});

test('exact gas: GAS sees all of gasAvailable (no intrinsic gas in a message)', async () => {
  // GAS (2) -> 100000 - 2; PUSH1 0 (3) MSTORE (3+3) PUSH1 32 (3) PUSH1 0 (3) RETURN (0) = 17
  const o = await run('0x5a60005260206000f3');
  assert.equal(o.returndata, word(99_998));
  assert.equal(o.gasUsed, 17n);
});

test('exact gas: memory expansion and KECCAK256', async () => {
  // PUSH1 64 (3) PUSH1 0 (3) KECCAK256 (30 + 6*2 words + memory 3*2 + 4/512=0 -> 48)
  // PUSH1 0 (3) MSTORE (3) PUSH1 32 (3) PUSH1 0 (3) RETURN (0) = 66
  const o = await run('0x604060002060005260206000f3');
  assert.equal(o.gasUsed, 66n);
  assert.equal(o.returndata, keccak256(`0x${'00'.repeat(64)}`));
});

test('revert: status 2, data returned, unused gas kept', async () => {
  // PUSH1 0xaa (3) PUSH1 0 (3) MSTORE (6) PUSH1 32 (3) PUSH1 0 (3) REVERT (0) = 18
  const o = await run('0x60aa60005260206000fd');
  assert.equal(o.status, 2);
  assert.equal(o.gasUsed, 18n);
  assert.equal(o.returndata, word(0xaa));
  assert.equal(o.error, 'revert');
});

test('halts use all gas and return nothing', async () => {
  const cases: Array<[string, Hex, string, Partial<MessageContext>?]> = [
    ['invalid opcode 0xfe', '0xfe', 'invalid opcode'],
    ['undefined opcode 0x0c', '0x0c', 'invalid opcode'],
    ['stack underflow', '0x01', 'stack underflow'],
    ['bad jump past the end', '0x600556', 'invalid JUMP'],
    ['jump into PUSH data', '0x600256605b', 'invalid JUMP'],
    ['stack overflow at 1025 items', `0x${'5f'.repeat(1025)}` as Hex, 'stack overflow'],
    ['out of gas in a loop', '0x5b600056', 'out of gas'],
    ['out of gas one unit short', '0x600160020160005260206000f3', 'out of gas', { gasAvailable: 23n }],
    ['out of gas on memory expansion', '0x63ffffffff51', 'out of gas'],
    ['static state change', '0x600160005500', 'static state change', { isStatic: true }],
  ];
  for (const [name, code, error, over] of cases) {
    const gas = over?.gasAvailable ?? 100_000n;
    const o = await run(code, over);
    assert.equal(o.status, 0, name);
    assert.equal(o.gasUsed, gas, name);
    assert.equal(o.returndata, '0x', name);
    assert.equal(o.error, error, name);
  }
  // the jump to a real JUMPDEST works: PUSH1 3 (3) JUMP (8) JUMPDEST (1) = 12
  const ok = await run('0x6003565b');
  assert.deepEqual([ok.status, ok.gasUsed], [1, 12n]);
  // 1024 items are fine
  assert.equal((await run(`0x${'5f'.repeat(1024)}` as Hex)).status, 1);
});

test('DELEGATECALL-style context: code of `to`, ADDRESS of `context`, CALLER and CALLVALUE as given', async () => {
  // CALLVALUE ADDRESS CALLER CODESIZE stored at 0, 32, 64, 96; RETURN 128 bytes
  const code: Hex = '0x3460005230602052336040523860605260806000f3';
  const context: Hex = `0x${'cc'.repeat(20)}`;
  const caller: Hex = `0x${'ee'.repeat(20)}`;
  const o = await run(code, { context, caller, callvalue: 7n });
  assert.equal(o.status, 1);
  assert.equal(o.returndata, `0x${[word(7), pad(context, { size: 32 }), pad(caller, { size: 32 }), word(21)].map((w) => w.slice(2)).join('')}`);
  // same gas as a plain call: CALLVALUE/ADDRESS/CALLER/CODESIZE 2 each, 4x (PUSH 3 + MSTORE 3) + 4 words memory 12, PUSH PUSH RETURN 6
  assert.equal(o.gasUsed, 8n + 24n + 12n + 6n);
  const plain = await run(code, { caller, callvalue: 7n });
  assert.equal(plain.gasUsed, o.gasUsed);
  assert.equal(plain.returndata.slice(2 + 64 + 24, 2 + 128), defaultContext().to.slice(2));
});

test('warm set: executing account, caller and precompiles are warm', async () => {
  // ADDRESS (2) BALANCE (100 warm) ; CALLER (2) BALANCE (100) ; PUSH1 1 (3) BALANCE (100)
  const o = await run('0x303133316001315f');
  assert.equal(o.gasUsed, 2n + 100n + 2n + 100n + 3n + 100n + 2n);
  assert.deepEqual(unsupportedOpcodes(o), [OP.BALANCE]);
});

test('RECORD_OPCODES and unsupportedOpcodes', async () => {
  // the opcodes that read or change state, the block, logs, calls and creates (Prague) and have no record kind yet
  const needRecords: OpName[] = [
    'BALANCE', 'EXTCODESIZE', 'EXTCODECOPY', 'EXTCODEHASH', 'COINBASE', 'TIMESTAMP', 'NUMBER', 'PREVRANDAO',
    'GASLIMIT', 'CHAINID', 'SELFBALANCE', 'BASEFEE', 'BLOBBASEFEE', 'SLOAD', 'SSTORE', 'TLOAD', 'TSTORE',
    'LOG0', 'LOG1', 'LOG2', 'LOG3', 'LOG4', 'CREATE', 'CALL', 'CALLCODE', 'DELEGATECALL', 'CREATE2', 'STATICCALL', 'SELFDESTRUCT',
  ];
  // the ones the hypervisor executes with a record
  const recorded: OpName[] = ['BLOCKHASH', 'BLOBHASH'];
  assert.equal(RECORD_OPCODES.size, needRecords.length);
  for (const name of needRecords) assert.ok(RECORD_OPCODES.has(OP[name]) && OUTSIDE_OPCODES.has(OP[name]), name);
  for (const name of recorded) assert.ok(!RECORD_OPCODES.has(OP[name]) && OUTSIDE_OPCODES.has(OP[name]), name);
  assert.equal(OUTSIDE_OPCODES.size, needRecords.length + recorded.length);
  const local: OpName[] = ['ADDRESS', 'ORIGIN', 'CALLER', 'CALLVALUE', 'GASPRICE', 'CODESIZE', 'CODECOPY', 'RETURNDATASIZE', 'RETURNDATACOPY', 'GAS', 'MCOPY', 'RETURN', 'REVERT', 'INVALID'];
  for (const name of local) assert.ok(!RECORD_OPCODES.has(OP[name]), name);
  // SLOAD then SSTORE then TLOAD: all reported, sorted, once each
  const o = await run('0x5f545f5f555f5c5f545f55');
  assert.deepEqual(unsupportedOpcodes(o), [OP.SLOAD, OP.SSTORE, OP.TLOAD]);
  assert.equal(o.opcodes.get(OP.SLOAD), 2);
  // an opcode that halted counts as executed
  const h = await run('0x6001545f55', { gasAvailable: 100n });
  assert.equal(h.status, 0);
  assert.deepEqual(unsupportedOpcodes(h), [OP.SLOAD]);
});

test('buildHonestWitness: success, revert, halt', async () => {
  const ctx = defaultContext({ code: '0x600160020160005260206000f3', calldata: '0x1234', callvalue: 5n, gasPrice: 9n, gasAvailable: 50_000n });
  const { file, native } = await buildHonestWitness(ctx);
  const w = file.witness;
  assert.equal(file.code, ctx.code);
  assert.deepEqual(
    [w.status, w.gasUsed, w.returndataHash, w.calldata, w.callvalue, w.gasPrice, w.gasAvailable, w.to, w.context, w.caller, w.origin, w.isStatic],
    [1, 24n, keccak256(word(3)), '0x1234', 5n, 9n, 50_000n, ctx.to, ctx.context, ctx.caller, ctx.origin, false],
  );
  assert.equal(native.gasUsed, 24n);
  assert.deepEqual(w.state_access_list, []);
  assert.match(w.stateRootEnter, /^0x[0-9a-f]{64}$/);
  assert.equal(w.stateRootEnter, w.stateRootLeave);
  assert.deepEqual(decodeWitness(encodeWitness(w)), w);
  // deterministic
  assert.deepEqual((await buildHonestWitness(ctx)).file, file);

  const r = await buildHonestWitness(defaultContext({ code: '0x60aa60005260206000fd' }));
  assert.deepEqual([r.file.witness.status, r.file.witness.gasUsed, r.file.witness.returndataHash], [2, 18n, keccak256(word(0xaa))]);

  const h = await buildHonestWitness(defaultContext({ code: '0x01', gasAvailable: 1234n }));
  assert.deepEqual([h.file.witness.status, h.file.witness.gasUsed, h.file.witness.returndataHash], [0, 1234n, keccak256('0x')]);
});

// The shared corpus, when present: every case without record opcodes matches its expected outcome.
const corpus = fileURLToPath(new URL('../../../shared/conformance/cases.json', import.meta.url));
test('conformance corpus: builder matches expected on every record-free case', { skip: !existsSync(corpus) && 'corpus not found' }, async () => {
  interface Case { name: string; code: Hex; codeAddress: Hex; address: Hex; caller: Hex; origin: Hex; callvalue: Hex; calldata: Hex; gasLimit: Hex; isStatic: boolean; tx: { gasPrice?: Hex; effectiveGasPrice?: Hex }; expected: { status: string; returndata: Hex; gasUsed: Hex } }
  const { cases } = JSON.parse(readFileSync(corpus, 'utf8')) as { cases: Case[] };
  let checked = 0;
  for (const c of cases) {
    const ctx = {
      code: c.code, calldata: c.calldata, callvalue: BigInt(c.callvalue), gasAvailable: BigInt(c.gasLimit),
      caller: c.caller, origin: c.origin, to: c.codeAddress, context: c.address,
      gasPrice: BigInt(c.tx.effectiveGasPrice ?? c.tx.gasPrice ?? '0x0'), isStatic: c.isStatic,
    };
    const { native } = await buildHonestWitness(ctx);
    if (unsupportedOpcodes(native, ctx).length > 0) continue;
    checked++;
    assert.equal(['halt', 'success', 'revert'][native.status], c.expected.status, c.name);
    assert.equal(native.returndata, c.expected.returndata.toLowerCase(), c.name);
    assert.equal(native.gasUsed, BigInt(c.expected.gasUsed), c.name);
  }
  // 74 cases need no record at all; one more reads BLOCKHASH or BLOBHASH, which the builder answers by record, and
  // two halt at SSTORE in a static frame
  assert.equal(checked, 77);
});

test('REVERT/RETURN of a huge memory range is an out-of-gas halt, not a crash of the reference run', async () => {
  const huge = `7f${'ff'.repeat(32)}`; // PUSH32 2^256-1
  for (const [name, code] of [
    ['REVERT(0, 2^256-1)', `0x${huge}5ffd`],
    ['RETURN(0, 2^256-1)', `0x${huge}5ff3`],
    ['REVERT(0, 2^31)', '0x63800000005ffd'],
  ] as const) {
    const out = await runNative(defaultContext({ code: code as `0x${string}`, gasAvailable: 100_000n }));
    assert.equal(out.status, 0, name);
    assert.equal(out.gasUsed, 100_000n, name);
    assert.equal(out.opcodes.get(OP.REVERT) ?? out.opcodes.get(OP.RETURN), 1, `${name}: the halting opcode counts as executed`);
  }
});
