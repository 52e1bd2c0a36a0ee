/**
 * The honest builder's call records (lib/native/calls.ts), checked field by field against values computed here: the
 * callee's gas by EIP-150 from the gas left at the call (the static gas of the instructions before it) and the call's
 * own costs, the input hash from the bytes put in memory, the callee's gas used from its instructions, the roots from
 * a pre-state built here, the logs chain by hand. Every honest witness is also verified by the hypervisor.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MerkleStateManager } from '@ethereumjs/statemanager';
import { Account, bigIntToBytes, createAddressFromString, hexToBytes, setLengthLeft } from '@ethereumjs/util';
import { bytesToHex, concatHex, getContractAddress, keccak256, numberToHex, type Hex } from 'viem';
import { assemble } from '../evm/asm.ts';
import { immediateSize, OP, OPCODES } from '../evm/opcodes.ts';
import { LocalHypervisor } from '../hypervisor/ethereumjs.ts';
import { decodeRecord, encodeRecord, type CallRecord, type TypedRecord } from '../witness/records.ts';
import { logsHashOf, logsLinkOfCall, NO_LOGS_HASH } from '../witness/logs.ts';
import type { WitnessFile } from '../witness/types.ts';
import { buildHonestWitness, defaultContext, DEFAULT_CALLER, DEFAULT_TO, runNative, unsupportedOpcodes, type AccountState, type MessageContext } from './index.ts';

const hv = LocalHypervisor.create();
const G = 100_000n;
const CALLEE: Hex = '0x000000000000000000000000000000000000beef';
const CALLEE2: Hex = '0x000000000000000000000000000000000000bee2';
const TO = DEFAULT_TO;
const word = (n: bigint | number): Hex => numberToHex(BigInt(n), { size: 32 });
const MAX = (1n << 256n) - 1n;

/** Static gas of straight-line code (pushes, GAS, DUPs, …: no dynamic costs). */
function staticGas(code: Hex): bigint {
  const bytes = hexToBytes(code);
  let g = 0n;
  for (let pc = 0; pc < bytes.length; pc += 1 + immediateSize(bytes[pc]!)) g += BigInt(OPCODES[bytes[pc]!]!.gas);
  return g;
}
/** Memory cost of `words` words (yellow paper). */
const memCost = (words: bigint): bigint => 3n * words + (words * words) / 512n;
/** EIP-150: all but 1/64 of L. */
const allBut64th = (l: bigint): bigint => l - l / 64n;

type CallOp = 'CALL' | 'CALLCODE' | 'DELEGATECALL' | 'STATICCALL';
interface CallShape {
  target: Hex;
  value?: bigint;
  gas?: bigint; // default: GAS (all the gas left)
  input?: [number, number];
  output?: [number, number];
}
/** The assembly of one call (operands pushed last to first). */
function callAsm(op: CallOp, c: CallShape): string {
  const [inOff, inSize] = c.input ?? [0, 0];
  const [outOff, outSize] = c.output ?? [0, 0];
  const withValue = op === 'CALL' || op === 'CALLCODE';
  return [`PUSH ${outSize}`, `PUSH ${outOff}`, `PUSH ${inSize}`, `PUSH ${inOff}`, ...(withValue ? [`PUSH ${c.value ?? 0n}`] : []), `PUSH20 ${c.target}`, c.gas === undefined ? 'GAS' : `PUSH ${c.gas}`, op].join(' ');
}
/** After a call: return [success, RETURNDATASIZE, return data]. */
const RETURN_OUTCOME = 'PUSH0 MSTORE RETURNDATASIZE PUSH1 32 MSTORE RETURNDATASIZE PUSH0 PUSH1 64 RETURNDATACOPY RETURNDATASIZE PUSH1 64 ADD PUSH0 RETURN';

function ctxOf(code: Hex, accounts: AccountState[], over: Partial<MessageContext> = {}): MessageContext {
  return defaultContext({ code, gasAvailable: G, preState: { accounts }, ...over });
}

const callRecords = (file: WitnessFile): CallRecord[] =>
  file.witness.state_access_list.map(decodeRecord).filter((r: TypedRecord): r is CallRecord => ['call', 'callCode', 'delegateCall', 'staticCall'].includes(r.kind));

async function expectValid(file: WitnessFile): Promise<void> {
  assert.deepEqual((await (await hv).verify(file)).verdict, { valid: true, kind: 'valid' });
}

/** A state built here: accounts with balance, nonce, code and storage. */
async function rootOf(accounts: { address: Hex; balance?: bigint; nonce?: bigint; code?: Hex; storage?: [bigint, bigint][] }[]): Promise<Hex> {
  const sm = new MerkleStateManager();
  for (const a of accounts) {
    const address = createAddressFromString(a.address);
    await sm.putAccount(address, new Account(a.nonce ?? 0n, a.balance ?? 0n));
    if (a.code !== undefined && a.code !== '0x') await sm.putCode(address, hexToBytes(a.code));
    for (const [slot, value] of a.storage ?? []) await sm.putStorage(address, setLengthLeft(bigIntToBytes(slot), 32), bigIntToBytes(value));
  }
  return bytesToHex(await sm.getStateRoot());
}

test('CALL to a callee that returns 32 bytes: gas by EIP-150, the return data, the root unchanged', async () => {
  const callee = assemble('PUSH1 42 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  const calleeGas = 3n + 2n + (3n + memCost(1n)) + 3n + 2n;
  const prefix = assemble(callAsm('CALL', { target: CALLEE, output: [0, 32] }).replace(/ CALL$/, ''));
  const code = assemble(`${callAsm('CALL', { target: CALLEE, output: [0, 32] })} ${RETURN_OUTCOME}`);
  const { file, native } = await buildHonestWitness(ctxOf(code, [{ address: CALLEE, code: callee }]));
  assert.equal(native.status, 1, native.error);
  const gasLeft = G - staticGas(prefix);
  const l = gasLeft - 2600n - memCost(1n); // cold target, output range of one word
  const [r] = callRecords(file);
  assert.deepEqual(r, {
    kind: 'call', target: CALLEE, value: 0n, gas: allBut64th(l), inputHash: keccak256('0x'), status: 1n, gasUsed: calleeGas, refund: 0n,
    logsHash: NO_LOGS_HASH, stateRoot: file.witness.stateRootEnter, returndataLength: 32n, updateCount: 0n, returndata: word(42), updates: [],
  });
  assert.equal(file.witness.state_access_list.length, 1);
  assert.equal(native.returndata, concatHex([word(1), word(32), word(42)]));
  // the target is looked up (cold at entry) and its code comes with the file
  assert.deepEqual(file.witness.accountKeys, [{ account: CALLEE, warm: false, balance: 0n, codeHash: keccak256(callee) }]);
  assert.deepEqual(file.accountCode, [callee]);
  assert.equal(file.witness.stateRootLeave, file.witness.stateRootEnter);
  // the pre-state as built here (to holds the code, the callee its code)
  assert.equal(file.witness.stateRootEnter, await rootOf([{ address: TO, code }, { address: CALLEE, code: callee }]));
  await expectValid(file);
});

test('a callee that reverts with data: status 2, its gas, its data; its storage write is undone', async () => {
  const callee = assemble('PUSH1 1 PUSH0 SSTORE PUSH2 0xdead PUSH0 MSTORE PUSH1 2 PUSH1 30 REVERT');
  const calleeGas = 3n + 2n + 22_100n + 3n + 2n + (3n + memCost(1n)) + 3n + 3n;
  const call = callAsm('CALL', { target: CALLEE, gas: 50_000n });
  const { file, native } = await buildHonestWitness(ctxOf(assemble(`${call} ${RETURN_OUTCOME}`), [{ address: CALLEE, code: callee }]));
  assert.equal(native.status, 1, native.error);
  const [r] = callRecords(file);
  assert.deepEqual(
    [r!.status, r!.gas, r!.gasUsed, r!.returndata, r!.returndataLength, r!.refund, r!.logsHash, r!.stateRoot, r!.updates],
    [2n, 50_000n, calleeGas, '0xdead', 2n, 0n, NO_LOGS_HASH, file.witness.stateRootEnter, []],
  );
  assert.equal(native.returndata, concatHex([word(0), word(2), '0xdead']));
  await expectValid(file);
});

test('a callee that runs out of gas: status 0, gasUsed = gas, no return data', async () => {
  const callee = assemble('loop: @loop JUMP');
  const call = callAsm('CALL', { target: CALLEE, gas: 5000n, output: [0, 32] });
  const { file, native } = await buildHonestWitness(ctxOf(assemble(`${call} ${RETURN_OUTCOME}`), [{ address: CALLEE, code: callee }]));
  assert.equal(native.status, 1, native.error);
  const [r] = callRecords(file);
  assert.deepEqual([r!.status, r!.gas, r!.gasUsed, r!.returndata, r!.stateRoot], [0n, 5000n, 5000n, '0x', file.witness.stateRootEnter]);
  await expectValid(file);
});

test('CALL with value: the 2,300 stipend, the balance updates of context and target, the root after the transfer', async () => {
  const callee = assemble('CALLVALUE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  const call = callAsm('CALL', { target: CALLEE, value: 300n });
  // after the call the frame reads both balances: both are listed (ascending: the callee, then to)
  const code = assemble(`${call} POP SELFBALANCE PUSH20 ${CALLEE} BALANCE ADD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`);
  const { file, native } = await buildHonestWitness(ctxOf(code, [{ address: TO, balance: 1000n }, { address: CALLEE, code: callee }]));
  assert.equal(native.status, 1, native.error);
  assert.equal(native.returndata, word(1000));
  const prefix = assemble(call.replace(/ CALL$/, ''));
  const l = G - staticGas(prefix) - 2600n - 9000n; // cold target, value (the callee is alive: it has code)
  const [r] = callRecords(file);
  assert.deepEqual([r!.value, r!.gas, r!.status, r!.returndata], [300n, allBut64th(l) + 2300n, 1n, word(300)]);
  assert.deepEqual(file.witness.accountKeys.map((k) => [k.account, k.balance]), [[CALLEE, 0n], [TO, 1000n]]);
  // key 0 the callee (warm since the call's own access), key 1 to: both balances change
  assert.deepEqual(r!.updates, [{ key: 0, warm: true, value: 300n, codeHash: keccak256(callee) }, { key: 1, warm: true, value: 700n, codeHash: keccak256(code) }]);
  assert.equal(r!.stateRoot, await rootOf([{ address: TO, balance: 700n, code }, { address: CALLEE, balance: 300n, code: callee }]));
  assert.equal(file.witness.stateRootLeave, r!.stateRoot);
  await expectValid(file);
});

test('CALL with more value than the balance: status 3, not entered, the stipend returned, no updates', async () => {
  const callee = assemble('PUSH1 1 PUSH0 SSTORE');
  const pre = 'PUSH4 0x11223344 PUSH0 MSTORE';
  const call = callAsm('CALL', { target: CALLEE, value: 300n, input: [28, 4] });
  const post = 'SELFBALANCE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN';
  const code = assemble(`${pre} ${call} POP ${post}`);
  const { file, native } = await buildHonestWitness(ctxOf(code, [{ address: TO, balance: 100n }, { address: CALLEE, code: callee }]));
  assert.equal(native.status, 1, native.error);
  const before = staticGas(assemble(pre)) + memCost(1n) + staticGas(assemble(call.replace(/ CALL$/, '')));
  const l = G - before - 2600n - 9000n;
  const [r] = callRecords(file);
  assert.deepEqual(r, {
    kind: 'call', target: CALLEE, value: 300n, gas: allBut64th(l) + 2300n, inputHash: keccak256('0x11223344'), status: 3n, gasUsed: 0n, refund: 0n,
    logsHash: NO_LOGS_HASH, stateRoot: file.witness.stateRootEnter, returndataLength: 0n, updateCount: 0n, returndata: '0x', updates: [],
  });
  // the frame pays the call's costs less the stipend it gets back (the callee's gas is returned whole)
  assert.equal(native.gasUsed, before + 2600n + 9000n - 2300n + 2n + 5n + 2n + 3n + 3n + 2n);
  await expectValid(file);
});

test('DELEGATECALL to a library that writes the caller\'s storage: a storage key update, the root after it, the frame\'s callvalue', async () => {
  const LIB = CALLEE;
  const lib = assemble('PUSH1 7 PUSH1 5 SSTORE STOP');
  const call = callAsm('DELEGATECALL', { target: LIB });
  const code = assemble(`${call} POP PUSH1 5 SLOAD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`);
  const ctx = ctxOf(code, [{ address: LIB, code: lib }], { callvalue: 5n });
  const { file, native } = await buildHonestWitness(ctx);
  assert.equal(native.status, 1, native.error);
  assert.equal(native.returndata, word(7));
  const [r] = callRecords(file);
  const l = G - staticGas(assemble(call.replace(/ DELEGATECALL$/, ''))) - 2600n;
  assert.deepEqual([r!.kind, r!.target, r!.value, r!.gas, r!.status, r!.gasUsed], ['delegateCall', LIB, 5n, allBut64th(l), 1n, 3n + 3n + 22_100n]);
  // the keys: storage slot 5 (key 0), the library (key 1); slot 5 became 7 and warm in the call
  assert.deepEqual(file.witness.storageKeys, [{ slot: 5n, warm: false, original: 0n, value: 0n }]);
  assert.deepEqual(r!.updates, [{ key: 0, warm: true, value: 7n, codeHash: NO_LOGS_HASH }]);
  // the pre-state: the caller funded with the callvalue (before the message's own transfer), to, the library
  const enter = await rootOf([{ address: DEFAULT_CALLER, balance: 5n }, { address: TO, code }, { address: LIB, code: lib }]);
  assert.equal(file.witness.stateRootEnter, enter);
  // the frame's root after the call: the library's write, without the message's own transfer
  const after = await rootOf([{ address: DEFAULT_CALLER, balance: 5n }, { address: TO, code, storage: [[5n, 7n]] }, { address: LIB, code: lib }]);
  assert.equal(r!.stateRoot, after);
  assert.equal(file.witness.stateRootLeave, after);
  // the frame's SLOAD after the call is warm
  assert.equal(native.gasUsed, staticGas(assemble(call.replace(/ DELEGATECALL$/, ''))) + 2600n + r!.gasUsed + 2n + 3n + 100n + 2n + 3n + memCost(1n) + 3n + 2n);
  await expectValid(file);
});

test('a storage write after a call: its root includes the callee\'s effects; a call-free frame keeps the replayed roots', async () => {
  const LIB = CALLEE;
  const lib = assemble('PUSH1 7 PUSH1 5 SSTORE STOP');
  const code = assemble(`PUSH1 1 PUSH1 4 SSTORE ${callAsm('DELEGATECALL', { target: LIB })} POP PUSH1 9 PUSH1 6 SSTORE STOP`);
  const { file, native } = await buildHonestWitness(ctxOf(code, [{ address: LIB, code: lib }]));
  assert.equal(native.status, 1, native.error);
  const records = file.witness.state_access_list.map(decodeRecord);
  assert.deepEqual(records.map((r) => r.kind), ['storageWrite', 'delegateCall', 'storageWrite']);
  const state = (s: [bigint, bigint][]) => rootOf([{ address: TO, code, storage: s }, { address: LIB, code: lib }]);
  const roots = records.map((r) => (r as { stateRoot: Hex }).stateRoot);
  assert.deepEqual(roots, [await state([[4n, 1n]]), await state([[4n, 1n], [5n, 7n]]), await state([[4n, 1n], [5n, 7n], [6n, 9n]])]);
  assert.equal(file.witness.stateRootLeave, roots[2]);
  // the callee wrote slot 5, which the frame does not list: no update
  assert.deepEqual((records[1] as CallRecord).updates, []);
  await expectValid(file);

  // without calls: each root is the pre-state with the writes so far (an SSTORE that runs out of gas too)
  const plain = assemble('PUSH1 1 PUSH1 4 SSTORE PUSH1 2 PUSH1 4 SSTORE PUSH1 3 PUSH1 8 SSTORE');
  const p = await buildHonestWitness(ctxOf(plain, [], { gasAvailable: 30_000n }));
  assert.equal(p.native.status, 0);
  const pState = (s: [bigint, bigint][]) => rootOf([{ address: TO, code: plain, storage: s }]);
  assert.deepEqual(
    p.file.witness.state_access_list.map((r) => (decodeRecord(r) as { stateRoot: Hex }).stateRoot),
    [await pState([[4n, 1n]]), await pState([[4n, 2n]]), await pState([[4n, 2n], [8n, 3n]])],
  );
});

test('a library that writes the caller\'s transient storage: a transient key update, never warm', async () => {
  const lib = assemble('PUSH1 8 PUSH1 3 TSTORE');
  const call = callAsm('DELEGATECALL', { target: CALLEE });
  const code = assemble(`PUSH1 3 TLOAD POP ${call} POP PUSH1 3 TLOAD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`);
  const { file, native } = await buildHonestWitness(ctxOf(code, [{ address: CALLEE, code: lib }], { preState: { accounts: [{ address: CALLEE, code: lib }], transientStorage: [{ slot: 3n, value: 2n }] } }));
  assert.equal(native.status, 1, native.error);
  assert.equal(native.returndata, word(8));
  assert.deepEqual(file.witness.transientKeys, [{ slot: 3n, value: 2n }]);
  const [r] = callRecords(file);
  // no storage keys: the transient key is key 0, the library key 1 (warm since the call's own access: no update)
  assert.deepEqual(r!.updates, [{ key: 0, warm: false, value: 8n, codeHash: NO_LOGS_HASH }]);
  await expectValid(file);
});

test('STATICCALL: value 0, the input hash of the memory range, the echoed return data', async () => {
  const callee = assemble('PUSH0 CALLDATALOAD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  const pre = 'PUSH1 0xab PUSH0 MSTORE';
  const call = callAsm('STATICCALL', { target: CALLEE, input: [0, 32] });
  const { file, native } = await buildHonestWitness(ctxOf(assemble(`${pre} ${call} ${RETURN_OUTCOME}`), [{ address: CALLEE, code: callee }]));
  assert.equal(native.status, 1, native.error);
  const l = G - staticGas(assemble(pre)) - memCost(1n) - staticGas(assemble(call.replace(/ STATICCALL$/, ''))) - 2600n;
  const [r] = callRecords(file);
  assert.deepEqual(
    [r!.kind, r!.value, r!.gas, r!.inputHash, r!.status, r!.returndata, r!.gasUsed],
    ['staticCall', 0n, allBut64th(l), keccak256(word(0xab)), 1n, word(0xab), 2n + 3n + 2n + 3n + memCost(1n) + 3n + 2n],
  );
  await expectValid(file);
});

test('CALLCODE runs the target\'s code in the frame\'s context: its write is the frame\'s storage', async () => {
  const lib = assemble('CALLVALUE PUSH1 5 SSTORE');
  const call = callAsm('CALLCODE', { target: CALLEE, value: 0n });
  const code = assemble(`${call} POP PUSH1 5 SLOAD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`);
  const { file, native } = await buildHonestWitness(ctxOf(code, [{ address: CALLEE, code: lib }], { preState: { accounts: [{ address: CALLEE, code: lib }], storage: [{ slot: 5n, value: 3n }] } }));
  assert.equal(native.status, 1, native.error);
  const [r] = callRecords(file);
  assert.equal(r!.kind, 'callCode');
  // slot 5: 3 → 0 (clearing: a refund of 4,800)
  assert.deepEqual([r!.status, r!.refund, r!.updates], [1n, 4800n, [{ key: 0, warm: true, value: 0n, codeHash: NO_LOGS_HASH }]]);
  assert.equal(native.gasRefund, 4800n);
  assert.equal(file.witness.refund, 4800n);
  await expectValid(file);
});

test('a callee that logs: the call links its chain into the frame\'s; a reverted callee\'s logs are dropped', async () => {
  const topic = word(0x1234);
  // CALLEE2 logs once; CALLEE logs, then calls CALLEE2
  const callee2 = assemble('PUSH1 0xbb PUSH0 MSTORE PUSH2 0x1234 PUSH1 32 PUSH0 LOG1 STOP');
  const callee = assemble(`PUSH1 0xaa PUSH0 MSTORE PUSH1 32 PUSH0 LOG0 ${callAsm('CALL', { target: CALLEE2 })} STOP`);
  const reverting = assemble('PUSH1 32 PUSH0 LOG0 PUSH0 PUSH0 REVERT');
  const REVERTING: Hex = '0x000000000000000000000000000000000000dead';
  const code = assemble(
    `PUSH1 0x11 PUSH0 MSTORE PUSH1 32 PUSH0 LOG0 ${callAsm('CALL', { target: CALLEE })} POP ${callAsm('CALL', { target: REVERTING })} POP PUSH1 1 PUSH1 31 LOG0 STOP`,
  );
  const { file, native } = await buildHonestWitness(ctxOf(code, [{ address: CALLEE, code: callee }, { address: CALLEE2, code: callee2 }, { address: REVERTING, code: reverting }]));
  assert.equal(native.status, 1, native.error);
  const link = (h: Hex, n: bigint, topics: Hex[], data: Hex): Hex => keccak256(concatHex([h, word(n), ...topics, keccak256(data)]));
  const c2 = link(NO_LOGS_HASH, 1n, [topic], word(0xbb));
  const c = keccak256(concatHex([link(NO_LOGS_HASH, 0n, [], word(0xaa)), word(MAX), c2]));
  const [first, second] = callRecords(file);
  assert.equal(first!.logsHash, c);
  assert.equal(second!.status, 2n);
  assert.equal(second!.logsHash, NO_LOGS_HASH);
  const h1 = link(NO_LOGS_HASH, 0n, [], word(0x11));
  const h2 = keccak256(concatHex([h1, word(MAX), c]));
  const h3 = link(h2, 0n, [], '0x11');
  assert.equal(native.logsHash, h3);
  assert.equal(file.witness.logsHash, h3);
  // the library's helpers agree
  assert.equal(logsLinkOfCall(h1, c), h2);
  assert.equal(logsLinkOfCall(h1, NO_LOGS_HASH), h1);
  assert.equal(logsHashOf([{ topics: [], data: word(0x11) }, { callLogsHash: c }, { topics: [], data: '0x11' }]), h3);
  await expectValid(file);
});

test('a call to a precompile takes no record and looks no key up (the hypervisor calls it); MODEXP and value are unsupported', async () => {
  // identity, by CALL without value: verified, with no record and no key
  const id = await buildHonestWitness(ctxOf(assemble(`${callAsm('CALL', { target: '0x0000000000000000000000000000000000000004', input: [0, 0] })} STOP`), []));
  assert.equal(id.native.status, 1, id.native.error);
  assert.deepEqual([id.native.precompileCalls, unsupportedOpcodes(id.native), id.native.accountKeys, id.file.witness.state_access_list], [[], [], [], []]);
  await expectValid(id.file);
  // MODEXP by STATICCALL, and value to identity: reported unsupported, looking no key up
  const m = await runNative(ctxOf(assemble(`${callAsm('STATICCALL', { target: '0x0000000000000000000000000000000000000005' })} STOP`), []));
  assert.deepEqual([unsupportedOpcodes(m), m.accountKeys], [[OP.STATICCALL], []]);
  const withValue = assemble(`${callAsm('CALL', { target: '0x0000000000000000000000000000000000000004', value: 1n })} STOP`);
  const v = await runNative(ctxOf(withValue, [{ address: defaultContext({ code: withValue }).context, balance: 10n }]));
  assert.deepEqual([unsupportedOpcodes(v), v.accountKeys], [[OP.CALL], []]);
  // a CALL with value to a precompile in a static frame halts first: verifiable
  const h = await runNative(ctxOf(assemble(`${callAsm('CALL', { target: '0x0000000000000000000000000000000000000004', value: 1n })} STOP`), [], { isStatic: true }));
  assert.deepEqual([h.status, h.precompileCalls, unsupportedOpcodes(h)], [0, [], []]);
});

test('calls that halt take no record: out of gas at the call, CALL with value in a static frame, a huge memory range', async () => {
  // the call's own cost (2,600 cold) is more than the gas left
  const oog = await buildHonestWitness(ctxOf(assemble(`${callAsm('CALL', { target: CALLEE })} STOP`), [{ address: CALLEE, code: '0x00' }], { gasAvailable: 2000n }));
  assert.deepEqual([oog.native.status, oog.file.witness.state_access_list], [0, []]);
  // the target is looked up (a halted frame's keys are not checked for use)
  assert.deepEqual(oog.native.accountKeys.map((k) => k.account), [CALLEE]);
  await expectValid(oog.file);
  const staticValue = await buildHonestWitness(ctxOf(assemble(`${callAsm('CALL', { target: CALLEE, value: 1n })} STOP`), [], { isStatic: true }));
  assert.deepEqual([staticValue.native.status, staticValue.file.witness.state_access_list, staticValue.native.accountKeys], [0, [], []]);
  await expectValid(staticValue.file);
  const huge = await buildHonestWitness(ctxOf(assemble(`PUSH1 1 PUSH9 0x010000000000000000 PUSH0 PUSH0 PUSH0 PUSH20 ${CALLEE} GAS CALL STOP`), []));
  assert.deepEqual([huge.native.status, huge.file.witness.state_access_list, huge.native.accountKeys], [0, [], []]);
  await expectValid(huge.file);
});

test('a target delegated by EIP-7702: the delegate is looked up too, the designator comes with the file', async () => {
  const D: Hex = '0x000000000000000000000000000000000000d00d';
  const designator = `0xef0100${D.slice(2)}` as Hex;
  const delegateCode = assemble('PUSH1 9 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  const call = callAsm('CALL', { target: CALLEE });
  const { file, native } = await buildHonestWitness(ctxOf(assemble(`${call} ${RETURN_OUTCOME}`), [{ address: CALLEE, code: designator }, { address: D, code: delegateCode }]));
  assert.equal(native.status, 1, native.error);
  assert.deepEqual(file.witness.accountKeys.map((k) => [k.account, k.warm, k.codeHash]), [[CALLEE, false, keccak256(designator)], [D, false, keccak256(delegateCode)]]);
  assert.deepEqual(file.accountCode, [designator]);
  const [r] = callRecords(file);
  // both cold: 2,600 each
  const l = G - staticGas(assemble(call.replace(/ CALL$/, ''))) - 2600n - 2600n;
  assert.deepEqual([r!.gas, r!.status, r!.returndata], [allBut64th(l), 1n, word(9)]);
  await expectValid(file);
});

test('a call to an account that does not exist creates none: the root after it is the root before', async () => {
  const call = callAsm('CALL', { target: CALLEE });
  const { file, native } = await buildHonestWitness(ctxOf(assemble(`${call} POP PUSH1 1 PUSH0 SSTORE`), []));
  assert.equal(native.status, 1, native.error);
  const [c, w] = file.witness.state_access_list.map(decodeRecord) as [CallRecord, { stateRoot: Hex }];
  assert.equal(c.stateRoot, file.witness.stateRootEnter);
  assert.equal(w.stateRoot, await rootOf([{ address: TO, code: assemble(`${call} POP PUSH1 1 PUSH0 SSTORE`), storage: [[0n, 1n]] }]));
  await expectValid(file);
});

test('the builder\'s hooks do not change the run: outcomes as ethereumjs gives them without hooks', async () => {
  // a frame whose calls write, transfer and revert: status, gas and return data as runCall gives them untraced
  const { createEVM } = await import('@ethereumjs/evm');
  const { Common, Hardfork, Mainnet } = await import('@ethereumjs/common');
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const callee = assemble('PUSH1 7 PUSH1 5 SSTORE CALLVALUE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  const code = assemble(`PUSH1 1 PUSH1 4 SSTORE ${callAsm('CALL', { target: CALLEE, value: 3n })} POP ${callAsm('CALL', { target: CALLEE2 })} POP PUSH1 4 SLOAD PUSH0 MSTORE RETURNDATASIZE PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN`);
  const accounts = [{ address: TO, balance: 10n }, { address: CALLEE, code: callee }, { address: CALLEE2, code: assemble('PUSH0 PUSH0 REVERT') }];
  const native = await runNative(ctxOf(code, accounts));
  const sm = new MerkleStateManager({ common: common });
  for (const a of accounts) {
    await sm.putAccount(createAddressFromString(a.address), new Account(0n, a.balance ?? 0n));
    if (a.code !== undefined) await sm.putCode(createAddressFromString(a.address), hexToBytes(a.code));
  }
  await sm.putCode(createAddressFromString(TO), hexToBytes(code));
  const evm = await createEVM({ common, stateManager: sm });
  for (const a of [TO, DEFAULT_CALLER]) evm.journal.addAlwaysWarmAddress(a);
  const r = await evm.runCall({ code: hexToBytes(code), gasLimit: G, to: createAddressFromString(TO), caller: createAddressFromString(DEFAULT_CALLER) });
  assert.equal(native.status, 1, native.error);
  assert.deepEqual([native.gasUsed, native.returndata], [r.execResult.executionGasUsed, bytesToHex(r.execResult.returnValue)]);
});

test("a callee that deploys code at an account the frame lists: the call record's key update gives its code hash, which EXTCODESIZE and EXTCODEHASH then answer", async () => {
  // regression: the key states held an account's code hash at entry for the whole frame, so a witness answering
  // EXTCODESIZE/EXTCODEHASH of a contract a callee had just created with the stale entry claim (no code) was valid
  const deployed = '0xfe';
  const init = assemble('PUSH1 0xfe PUSH0 MSTORE8 PUSH1 1 PUSH0 RETURN');
  const n = (init.length - 2) / 2;
  const callee = assemble(`PUSH${n} ${init} PUSH0 MSTORE PUSH1 ${n} PUSH1 ${32 - n} PUSH0 CREATE STOP`);
  const created = getContractAddress({ from: CALLEE, nonce: 0n }).toLowerCase() as Hex;
  const code = assemble(`${callAsm('CALL', { target: CALLEE })} POP PUSH20 ${created} EXTCODESIZE PUSH0 MSTORE PUSH20 ${created} EXTCODEHASH PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN`);
  const { file, native } = await buildHonestWitness(ctxOf(code, [{ address: CALLEE, code: callee }]));
  assert.equal(native.status, 1, native.error);
  assert.equal(native.returndata, concatHex([word(1), keccak256(deployed)]));
  const created0 = file.witness.accountKeys.find((k) => k.account === created)!;
  assert.deepEqual([created0.codeHash, created0.balance], [NO_LOGS_HASH, 0n], 'the created address did not exist at entry');
  const [r] = callRecords(file);
  const key = file.witness.storageKeys.length + file.witness.transientKeys.length + file.witness.accountKeys.findIndex((k) => k.account === created);
  // warm too: the callee's CREATE warmed the address, and a successful callee's accesses stay warm (EIP-2929)
  assert.deepEqual(r!.updates.find((u) => u.key === key), { key, warm: true, value: 0n, codeHash: keccak256(deployed) });
  assert.ok((file.accountCode ?? []).includes(deployed), "the deployed code is archived with the witness (EXTCODESIZE reads it)");
  await expectValid(file);
  // the same witness with that update keeping the entry claim (no code there): the honest outcome is rejected
  const stale = { ...r!, updates: r!.updates.map((u) => (u.key === key ? { ...u, codeHash: NO_LOGS_HASH } : u)) };
  const i = file.witness.state_access_list.findIndex((x) => x.opcode === OP.CALL);
  const list = file.witness.state_access_list.map((x, j) => (j === i ? encodeRecord(stale) : x));
  const v = (await (await hv).verify({ ...file, witness: { ...file.witness, state_access_list: list } })).verdict;
  assert.equal(v.kind === 'invalid' ? v.name : v.kind, 'RETURNDATA_HASH_MISMATCH');
});

test("callees' inputs: copied as they were sent (later writes to memory do not change them), held as bytes, not strings, while the run lasts", async () => {
  // regression (fuzzer, seed 1, case 4327): a loop of calls with a 1 MiB input range made the builder hold each input as
  // a 2 MiB hex string until the run ended, and a worker ran out of memory
  const { messagePreState, runFrame } = await import('./run.ts');
  const loops = 48;
  // each iteration writes its counter at memory[0..32) and STATICCALLs 0xbeef with the input [0, 1 MiB)
  const code = assemble(`PUSH1 ${loops} top: JUMPDEST DUP1 PUSH0 MSTORE PUSH0 PUSH0 PUSH3 0x100000 PUSH0 PUSH2 0xbeef GAS STATICCALL POP PUSH1 1 SWAP1 SUB DUP1 @top JUMPI STOP`);
  const ctx = ctxOf(code, [], { gasAvailable: 10_000_000n });
  const pre = await messagePreState(ctx);
  const before = process.memoryUsage().heapUsed;
  const run = await runFrame(ctx, pre);
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(run.native.status, 1, run.native.error);
  assert.equal(run.calls.length, loops);
  // the i-th call's input starts with the counter it saw (loops - i), whatever was written after it
  run.calls.forEach((c, i) => assert.equal(c.callee!.calldata.slice(0, 66), word(loops - i), `call ${i}`));
  // as strings the inputs alone would be 48 * 2 MiB = 96 MiB of heap; as bytes they are outside it
  assert.ok(grown < 48 * 1024 * 1024, `the heap grew by ${Math.round(grown / 1e6)} MB during a run of ${loops} calls with 1 MiB inputs`);
});
