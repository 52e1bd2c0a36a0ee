import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { keccak256, pad, toHex } from 'viem';
import { decodeWitness, encodeWitness } from '../witness/abi.ts';
import type { Hex } from '../witness/types.ts';
import { OP, type OpName } from '../evm/opcodes.ts';
import { assemble } from '../evm/asm.ts';
import { LocalHypervisor } from '../hypervisor/ethereumjs.ts';
import { balanceChangeOf, buildHonestWitness, contextOfCase, transferredValue, defaultContext, differencesFromExpected, messageCaseFromJson, OUTSIDE_OPCODES, runNative, unsupportedOpcodes, type MessageContext } from './index.ts';

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

test('the message\'s own value transfer: caller to context in a plain call only', async () => {
  const caller: Hex = `0x${'11'.repeat(20)}`;
  const to: Hex = `0x${'22'.repeat(20)}`;
  const other: Hex = `0x${'33'.repeat(20)}`;
  const plain = { to, context: to, caller, callvalue: 7n };
  assert.equal(transferredValue(plain), 7n);
  assert.equal(balanceChangeOf(plain, to), 7n);
  assert.equal(balanceChangeOf(plain, caller.toUpperCase().replace('0X', '0x') as Hex), -7n);
  assert.equal(balanceChangeOf(plain, other), 0n);
  // a DELEGATECALL frame (code of `to` at `context`) and a call to oneself move nothing
  assert.equal(transferredValue({ ...plain, context: other }), 0n);
  assert.equal(balanceChangeOf({ ...plain, context: other }, other), 0n);
  assert.equal(transferredValue({ ...plain, caller: to }), 0n);
  // the run agrees: SELFBALANCE of a plain call with value 7 from an account holding 10 sees the context's 5 + 7
  const native = await run(assemble('SELFBALANCE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN'), {
    caller, to, context: to, callvalue: 7n, preState: { accounts: [{ address: caller, balance: 10n }, { address: to, balance: 5n }] },
  });
  assert.equal(BigInt(native.returndata), 12n);
  assert.equal(native.accountKeys.find((k) => k.account === to)?.balance, 12n, 'the key claims the balance at the first opcode');
});

test('a message to a precompile is refused: it runs the precompile, not code', async () => {
  await assert.rejects(run('0x', { to: '0x0000000000000000000000000000000000000004' }), /is a precompile: .*PRECOMPILE_FRAME/);
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
  assert.deepEqual(unsupportedOpcodes(o), []);
  assert.deepEqual(o.accountKeys.map((k) => [k.account, k.warm]), [
    ['0x0000000000000000000000000000000000000001', true],
    ['0x1000000000000000000000000000000000000001', true],
    ['0x2000000000000000000000000000000000000002', true],
  ]);
});

test('OUTSIDE_OPCODES and unsupportedOpcodes', async () => {
  // what the hypervisor executes from outside the message: a record, a key list or the block values
  const outside: OpName[] = [
    'BLOCKHASH', 'BLOBHASH', 'BALANCE', 'EXTCODESIZE', 'EXTCODECOPY', 'EXTCODEHASH', 'SELFBALANCE', 'SLOAD', 'SSTORE', 'TLOAD', 'TSTORE',
    'COINBASE', 'TIMESTAMP', 'NUMBER', 'PREVRANDAO', 'GASLIMIT', 'CHAINID', 'BASEFEE', 'BLOBBASEFEE', 'CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL',
    'CREATE', 'CREATE2', 'SELFDESTRUCT',
  ];
  for (const name of outside) assert.ok(OUTSIDE_OPCODES.has(OP[name]), name);
  assert.equal(OUTSIDE_OPCODES.size, outside.length);
  const local: OpName[] = ['ADDRESS', 'ORIGIN', 'CALLER', 'CALLVALUE', 'GASPRICE', 'CODESIZE', 'CODECOPY', 'RETURNDATASIZE', 'RETURNDATACOPY', 'GAS', 'MCOPY', 'RETURN', 'REVERT', 'INVALID', 'LOG0', 'LOG4'];
  for (const name of local) assert.ok(!OUTSIDE_OPCODES.has(OP[name]), name);
  // a CALL to MODEXP (0x05), then CREATE twice, then SELFDESTRUCT: only the call is unsupported
  const o = await run(assemble('PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 5 GAS CALL POP PUSH0 PUSH0 PUSH0 CREATE POP PUSH0 PUSH0 PUSH0 CREATE POP PUSH0 SELFDESTRUCT'));
  assert.deepEqual(o.precompileCalls, [OP.CALL]);
  assert.deepEqual(unsupportedOpcodes(o), [OP.CALL]);
  assert.equal(o.opcodes.get(OP.CREATE), 2);
  // a CALL to an account is supported
  const c = await run(assemble('PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 0xff GAS CALL'));
  assert.deepEqual([c.status, c.precompileCalls, unsupportedOpcodes(c)], [1, [], []]);
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
test('conformance corpus: the builder matches every case it supports (status, gas, return data, refund, logs)', { skip: !existsSync(corpus) && 'corpus not found' }, async () => {
  const { cases } = JSON.parse(readFileSync(corpus, 'utf8')) as { cases: unknown[] };
  let checked = 0;
  const failures: string[] = [];
  for (const raw of cases) {
    const c = messageCaseFromJson(raw);
    const ctx = contextOfCase(c);
    const { native } = await buildHonestWitness(ctx);
    if (unsupportedOpcodes(native).length > 0) continue;
    checked++;
    const d = differencesFromExpected(c.expected!, native);
    if (d.length > 0) failures.push(`${c.name}: ${d.join('; ')}`);
  }
  assert.deepEqual(failures, []);
  // the corpus holds only frames without nested calls or creates: every case is checked
  assert.equal(checked, cases.length);
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

test('a frame may lower the refund counter below its start: un-clearing a slot an earlier frame cleared (EIP-3529)', async () => {
  // original 1, current 0 (cleared earlier in the transaction, so warm), written back to 1: -4,800 for un-clearing,
  // +2,800 for restoring
  const ctx = defaultContext({ code: assemble('PUSH1 1 PUSH1 4 SSTORE STOP'), preState: { storage: [{ slot: 4n, value: 0n, original: 1n, warm: true }] } });
  const { native, file } = await buildHonestWitness(ctx);
  assert.equal(native.status, 1, native.error);
  assert.equal(native.gasRefund, -2000n);
  assert.equal(native.gasUsed, 3n + 3n + 100n);
  assert.equal(file.witness.refund, -2000n);
  assert.deepEqual(file.witness.storageKeys, [{ slot: 4n, warm: true, original: 1n, value: 0n }]);
  assert.deepEqual((await (await LocalHypervisor.create()).verify(file)).verdict, { valid: true, kind: 'valid' });
});

test('the caller exists while the frame runs (its nonce was raised): EXTCODEHASH(CALLER) is the empty code hash, and so is its claim', async () => {
  const ctx = defaultContext({ code: assemble('CALLER EXTCODEHASH PUSH0 MSTORE PUSH1 32 PUSH0 RETURN'), caller: '0xffffffffffffffffffffffffffffffffffffffff' });
  const { native, file } = await buildHonestWitness(ctx);
  assert.equal(native.returndata, keccak256('0x'));
  assert.deepEqual(file.witness.accountKeys.map((k) => [k.account, k.codeHash]), [['0xffffffffffffffffffffffffffffffffffffffff', keccak256('0x')]]);
  assert.deepEqual((await (await LocalHypervisor.create()).verify(file)).verdict, { valid: true, kind: 'valid' });
});
