/**
 * The message tree (lib/native/tree.ts): one honest witness per frame, each verified VALID by the hypervisor, and the
 * transaction-level link check (lib/native/links.ts): clean on honest trees, and every link field tampered on either
 * side (the caller's call record or the callee's witness) is caught, naming the frame and the field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatHex, decodeFunctionResult, encodeAbiParameters, encodeFunctionData, getContractAddress, keccak256, numberToHex, type Hex } from 'viem';
import { compileSolidity } from '../../scripts/bench/solc.ts';
import { assemble } from '../evm/asm.ts';
import { OP } from '../evm/opcodes.ts';
import { LocalHypervisor } from '../hypervisor/ethereumjs.ts';
import { decodeRecord, encodeRecord, type CallRecord, type CreateRecord, type TypedRecord } from '../witness/records.ts';
import type { MessageWitness } from '../witness/types.ts';
import {
  buildFrameWitnesses,
  buildHonestWitness,
  checkTransaction,
  formatPath,
  defaultContext,
  DEFAULT_CALLER,
  DEFAULT_TO,
  UnsupportedMessageError,
  type AccountState,
  type FrameWitness,
  type MessageContext,
  type MessageTree,
} from './index.ts';

const hv = LocalHypervisor.create();
const TO = DEFAULT_TO;
const A: Hex = '0x000000000000000000000000000000000000aaaa';
const B: Hex = '0x000000000000000000000000000000000000bbbb';
const LIB: Hex = '0x000000000000000000000000000000000000118b';
const V: Hex = '0x0000000000000000000000000000000000000f0f';
const word = (n: bigint | number): Hex => numberToHex(BigInt(n), { size: 32 });

type CallOp = 'CALL' | 'CALLCODE' | 'DELEGATECALL' | 'STATICCALL';
/** One call with all the gas left: input [inOff, inSize), output [0, outSize). */
function callAsm(op: CallOp, target: Hex, o: { value?: bigint; input?: [number, number]; out?: number } = {}): string {
  const [inOff, inSize] = o.input ?? [0, 0];
  const withValue = op === 'CALL' || op === 'CALLCODE';
  return [`PUSH ${o.out ?? 0}`, 'PUSH0', `PUSH ${inSize}`, `PUSH ${inOff}`, ...(withValue ? [`PUSH ${o.value ?? 0n}`] : []), `PUSH20 ${target}`, 'GAS', op].join(' ');
}

function ctxOf(code: Hex, accounts: AccountState[], over: Partial<MessageContext> = {}): MessageContext {
  return defaultContext({ code, gasAvailable: 1_000_000n, preState: { accounts }, ...over });
}

const paths = (tree: MessageTree): string[] => tree.frames.map((f) => JSON.stringify(f.path));
const frameAt = (tree: MessageTree, path: number[]): FrameWitness => tree.frames.find((f) => JSON.stringify(f.path) === JSON.stringify(path))!;
const callRecords = (w: MessageWitness): CallRecord[] => w.state_access_list.map(decodeRecord).filter((r: TypedRecord): r is CallRecord => ['call', 'callCode', 'delegateCall', 'staticCall'].includes(r.kind));

/** Every frame VALID in the hypervisor, no unsupported opcode, every link holds. */
async function expectAllValid(tree: MessageTree): Promise<void> {
  for (const f of tree.frames) {
    assert.deepEqual(f.unsupported, [], `frame ${JSON.stringify(f.path)}`);
    assert.deepEqual((await (await hv).verify(f.file)).verdict, { valid: true, kind: 'valid' }, `frame ${JSON.stringify(f.path)}`);
  }
  assert.deepEqual(checkTransaction(tree.frames, { transfers: tree.transfers }), []);
}

test('three deep: the depth-2 frame reverts, the depth-1 frame catches it and returns; each frame valid, every link holds', async () => {
  // B writes and reverts with data; A writes, calls B, returns B's success flag; the top writes, calls A, writes again
  const b = assemble('PUSH1 1 PUSH0 SSTORE PUSH1 0x42 PUSH0 MSTORE PUSH1 32 PUSH0 REVERT');
  const a = assemble(`PUSH1 7 PUSH1 3 SSTORE ${callAsm('CALL', B, { out: 32 })} PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN`);
  const top = assemble(`PUSH1 9 PUSH1 2 SSTORE ${callAsm('CALL', A, { out: 64 })} POP PUSH1 1 PUSH1 1 SSTORE PUSH1 64 PUSH0 RETURN`);
  const ctx = ctxOf(top, [{ address: A, code: a }, { address: B, code: b }]);
  const tree = await buildFrameWitnesses(ctx);
  assert.deepEqual(paths(tree), ['[]', '[0]', '[0,0]']);
  const [t, fa, fb] = tree.frames as [FrameWitness, FrameWitness, FrameWitness];
  assert.deepEqual([t.depth, fa.depth, fb.depth], [0, 1, 2]);
  assert.deepEqual([t.native.status, fa.native.status, fb.native.status], [1, 1, 2]);
  // A's return data: B's revert data, then B's success flag 0
  assert.equal(fa.native.returndata, `${word(0x42)}${word(0).slice(2)}`);
  // the message's own frame is the one buildHonestWitness builds
  assert.deepEqual(t.file, (await buildHonestWitness(ctx)).file);
  // A's message: caller the top's context, its own account, the gas of the record
  const [ra] = callRecords(t.file.witness);
  assert.deepEqual([fa.file.witness.caller, fa.file.witness.to, fa.file.witness.context, fa.file.witness.gasAvailable], [TO, A, A, ra!.gas]);
  // the roots: A starts from the top's root after its first write, B from A's after its write; B's revert leaves B's root
  const topWrite = decodeRecord(t.file.witness.state_access_list[0]!) as { stateRoot: Hex };
  assert.equal(fa.file.witness.stateRootEnter, topWrite.stateRoot);
  const aWrite = decodeRecord(fa.file.witness.state_access_list[0]!) as { stateRoot: Hex };
  assert.equal(fb.file.witness.stateRootEnter, aWrite.stateRoot);
  assert.equal(fb.file.witness.stateRootLeave, fb.file.witness.stateRootEnter);
  assert.equal(ra!.stateRoot, fa.file.witness.stateRootLeave);
  assert.equal(fa.file.witness.stateRootLeave, aWrite.stateRoot);
  // B's slot 0 was cold at its entry; A's slot 3 too, and B's code was read by A's call
  assert.deepEqual(fb.file.witness.storageKeys, [{ slot: 0n, warm: false, original: 0n, value: 0n }]);
  assert.deepEqual(fa.file.accountCode, [b]);
  await expectAllValid(tree);
});

test('CALL with value down two levels: balances at entry after each transfer, the roots leave the transfers out, the links apply them', async () => {
  // B returns CALLVALUE and SELFBALANCE; A forwards 100 of the 300 it got to B, then returns SELFBALANCE
  const b = assemble('CALLVALUE PUSH0 MSTORE SELFBALANCE PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN');
  const a = assemble(`${callAsm('CALL', B, { value: 100n, out: 64 })} POP SELFBALANCE PUSH1 64 MSTORE PUSH1 96 PUSH0 RETURN`);
  const top = assemble(`${callAsm('CALL', A, { value: 300n, out: 96 })} POP PUSH1 96 PUSH0 RETURN`);
  // (A holds wei of its own: a frame's roots leave the value it received out, so it cannot spend more than it held before)
  const ctx = ctxOf(top, [{ address: TO, balance: 1000n }, { address: A, balance: 1000n, code: a }, { address: B, balance: 5n, code: b }], { callvalue: 10n });
  const tree = await buildFrameWitnesses(ctx);
  assert.deepEqual(paths(tree), ['[]', '[0]', '[0,0]']);
  const [t, fa, fb] = tree.frames as [FrameWitness, FrameWitness, FrameWitness];
  // B saw 100 wei and a balance of 105; A a balance of 1200 after the call
  assert.equal(t.native.returndata, `${word(100)}${word(105).slice(2)}${word(1200).slice(2)}`);
  assert.deepEqual([fa.file.witness.callvalue, fb.file.witness.callvalue], [300n, 100n]);
  // A's SELFBALANCE key: 1300 at its first opcode (after its transfer); B's: 105
  assert.deepEqual(fa.file.witness.accountKeys.find((k) => k.account === A)?.balance, 1300n);
  assert.deepEqual(fb.file.witness.accountKeys.find((k) => k.account === B)?.balance, 105n);
  // the root chain leaves the transfers out: A enters and leaves the root the top started from (nothing else changed)
  assert.equal(fa.file.witness.stateRootEnter, t.file.witness.stateRootEnter);
  assert.equal(fb.file.witness.stateRootLeave, fb.file.witness.stateRootEnter);
  // the records hold the roots with the transfers; the link check applies each call's transfer to the callee's leave root
  const [ra] = callRecords(t.file.witness);
  assert.notEqual(ra!.stateRoot, fa.file.witness.stateRootLeave);
  assert.equal(tree.transfers.applyTransfer(fa.file.witness.stateRootLeave, { from: TO, to: A, value: 300n }), ra!.stateRoot);
  await expectAllValid(tree);
  // without the state, a link that moves value cannot be checked: reported, not passed
  const unchecked = checkTransaction(tree.frames);
  assert.deepEqual(unchecked.map((x) => [x.path, x.callIndex, x.field]), [[[], 0, 'stateRoot'], [[0], 0, 'stateRoot']]);
});

test('DELEGATECALL: a library writes the caller\'s storage and calls on; caller, context and value are the frame\'s', async () => {
  // the library writes CALLVALUE to slot 5 of the frame's context and calls A (a plain call: A's caller is the context)
  const a = assemble('CALLER PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  const lib = assemble(`CALLVALUE PUSH1 5 SSTORE ${callAsm('CALL', A, { out: 32 })} POP PUSH1 32 PUSH0 RETURN`);
  const top = assemble(`PUSH1 5 SLOAD POP ${callAsm('DELEGATECALL', LIB, { out: 32 })} POP PUSH1 5 SLOAD PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN`);
  const ctx = ctxOf(top, [{ address: A, code: a }, { address: LIB, code: lib }], { callvalue: 7n, preState: { accounts: [{ address: A, code: a }, { address: LIB, code: lib }], storage: [{ slot: 5n, value: 3n }] } });
  const tree = await buildFrameWitnesses(ctx);
  assert.deepEqual(paths(tree), ['[]', '[0]', '[0,0]']);
  const [t, fl, fa] = tree.frames as [FrameWitness, FrameWitness, FrameWitness];
  const w = fl.file.witness;
  assert.deepEqual([w.caller, w.to, w.context, w.callvalue], [DEFAULT_CALLER, LIB, TO, 7n]);
  // the library's storage key is the caller's slot 5: warm (the top read it), 3 at transaction start and at entry
  assert.deepEqual(w.storageKeys, [{ slot: 5n, warm: true, original: 3n, value: 3n }]);
  assert.equal(fl.file.witness.codeHash, keccak256(lib));
  // A is called by the context (TO), not by the library's address
  assert.deepEqual([fa.file.witness.caller, fa.file.witness.context], [TO, A]);
  assert.equal(t.native.returndata, `${word(BigInt(TO))}${word(7).slice(2)}`);
  await expectAllValid(tree);
});

test('STATICCALL: the callee and its callees run static; a reading callee with its own storage', async () => {
  // V reads its slot 1 and asks A (a plain CALL, still static) for CALLER
  const a = assemble('CALLER PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  const v = assemble(`PUSH1 1 SLOAD PUSH1 32 MSTORE ${callAsm('CALL', A, { out: 32 })} POP PUSH1 64 PUSH0 RETURN`);
  const top = assemble(`${callAsm('STATICCALL', V, { out: 64 })} POP PUSH1 64 PUSH0 RETURN`);
  const ctx = ctxOf(top, [{ address: A, code: a }, { address: V, code: v, storage: [{ slot: 1n, value: 77n }] }]);
  const tree = await buildFrameWitnesses(ctx);
  assert.deepEqual(paths(tree), ['[]', '[0]', '[0,0]']);
  const [t, fv, fa] = tree.frames as [FrameWitness, FrameWitness, FrameWitness];
  assert.deepEqual([t.file.witness.isStatic, fv.file.witness.isStatic, fa.file.witness.isStatic], [false, true, true]);
  assert.deepEqual(fv.file.witness.storageKeys, [{ slot: 1n, warm: false, original: 77n, value: 77n }]);
  assert.equal(t.native.returndata, `${word(BigInt(V))}${word(77).slice(2)}`);
  await expectAllValid(tree);
});

test('calls with no frame: a call not entered (status 3), a call to a precompile; a callee with no code has an empty frame', async () => {
  const EMPTY: Hex = '0x000000000000000000000000000000000000e000';
  const top = assemble(`${callAsm('CALL', A, { value: 5n })} POP ${callAsm('CALL', EMPTY)} POP STOP`);
  const tree = await buildFrameWitnesses(ctxOf(top, [{ address: A, code: '0x00' }]));
  // A is not entered (the context holds no wei); EMPTY runs no code
  assert.deepEqual(paths(tree), ['[]', '[1]']);
  assert.equal(callRecords(tree.frames[0]!.file.witness)[0]!.status, 3n);
  assert.equal(tree.frames[1]!.file.witness.codeHash, keccak256('0x'));
  await expectAllValid(tree);
  const pre = await buildFrameWitnesses(ctxOf(assemble(`${callAsm('STATICCALL', '0x0000000000000000000000000000000000000004')} STOP`), []));
  assert.deepEqual(paths(pre), ['[]']);
  assert.deepEqual(checkTransaction(pre.frames), []);
});

test('creates in a tree: a creation frame runs the init code at the new address; a create not entered has no frame; every link holds', async () => {
  // the init code writes slot 1, then returns the 2-byte code PUSH1 5; the top frame creates it with 3 wei, reads its
  // EXTCODESIZE and calls it; before, a CREATE with 50 wei the context lacks is not entered (status 3, no frame)
  const init = assemble('PUSH1 7 PUSH1 1 SSTORE PUSH2 0x6005 PUSH0 MSTORE PUSH1 2 PUSH1 30 RETURN');
  const n = (init.length - 2) / 2;
  const top = assemble(`PUSH0 PUSH0 PUSH1 50 CREATE POP PUSH${n} ${init} PUSH0 MSTORE PUSH1 ${n} PUSH1 ${32 - n} PUSH1 3 CREATE DUP1 EXTCODESIZE PUSH0 MSTORE PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 DUP6 GAS CALL POP PUSH1 32 PUSH0 RETURN`);
  const tree = await buildFrameWitnesses(ctxOf(top, [{ address: TO, balance: 10n }]));
  const created = getContractAddress({ from: TO, nonce: 0n }).toLowerCase() as Hex; // TO's nonce: 0, and the create not entered raised none
  assert.deepEqual(tree.frames.map((f) => [JSON.stringify(f.path), f.file.witness.to, f.native.status]), [['[]', TO, 1], ['[1]', created, 1], ['[2]', created, 1]]);
  assert.equal(tree.frames[0]!.native.returndata, word(2), 'EXTCODESIZE of the new contract: its 2 bytes');
  const creation = tree.frames[1]!;
  assert.deepEqual([creation.file.witness.codeHash, creation.file.witness.callvalue, creation.file.witness.calldata, creation.returndata], [keccak256(init), 3n, '0x', '0x6005']);
  const records = tree.frames[0]!.file.witness.state_access_list.map(decodeRecord).filter((r) => r.kind === 'create') as CreateRecord[];
  assert.deepEqual(records.map((r) => [r.status, r.nonce, r.address]), [[3n, 0n, created], [1n, 0n, created]]);
  // the record's gas is the creation frame's plus the code deposit (200 a byte)
  assert.equal(records[1]!.gasUsed, creation.native.gasUsed + 400n);
  await expectAllValid(tree);
  assert.deepEqual(checkTransaction(tree.frames, { transfers: tree.transfers }), []);
  // tampering: the record's gas, the creation frame's value, its return data
  const frames = copyFrames(tree);
  const i = frames[0]!.file.witness.state_access_list.findIndex((x) => x.opcode === OP.CREATE && decodeRecord(x).kind === 'create' && (decodeRecord(x) as CreateRecord).status === 1n);
  const rec = decodeRecord(frames[0]!.file.witness.state_access_list[i]!) as CreateRecord;
  frames[0]!.file.witness.state_access_list[i] = encodeRecord({ ...rec, gasUsed: rec.gasUsed - 1n });
  assert.deepEqual(checkTransaction(frames, { transfers: tree.transfers }).map((b) => [b.field, formatPath(b.path)]), [['gasUsed', '[]']]);
  const other = copyFrames(tree);
  other[1]!.file.witness.callvalue = 4n;
  assert.deepEqual(checkTransaction(other, { transfers: tree.transfers }).map((b) => b.field), ['value']);
  const noCode = copyFrames(tree).map((f) => ({ path: f.path, file: f.file }));
  assert.deepEqual(checkTransaction(noCode, { transfers: tree.transfers }).map((b) => b.field), ['returndata']);
});

test('a creation frame that reverts: the create record has its return data; one whose code deposit fails is not built', async () => {
  const init = assemble('PUSH2 0xabcd PUSH0 MSTORE PUSH1 2 PUSH1 30 REVERT');
  const n = (init.length - 2) / 2;
  const top = assemble(`PUSH${n} ${init} PUSH0 MSTORE PUSH1 ${n} PUSH1 ${32 - n} PUSH0 CREATE RETURNDATASIZE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`);
  const tree = await buildFrameWitnesses(ctxOf(top, []));
  assert.deepEqual(tree.frames.map((f) => [JSON.stringify(f.path), f.native.status]), [['[]', 1], ['[0]', 2]]);
  const [r] = tree.frames[0]!.file.witness.state_access_list.map(decodeRecord) as CreateRecord[];
  assert.deepEqual([r!.status, r!.returndata, tree.frames[0]!.native.returndata], [2n, '0xabcd', word(2)]);
  await expectAllValid(tree);
  // code starting with 0xef cannot be deposited (EIP-3541): the creation frame returned, its deposit failed
  const ef = assemble('PUSH1 0xef PUSH0 MSTORE8 PUSH1 1 PUSH0 RETURN');
  const m = (ef.length - 2) / 2;
  const bad = assemble(`PUSH${m} ${ef} PUSH0 MSTORE PUSH1 ${m} PUSH1 ${32 - m} PUSH0 CREATE STOP`);
  await assert.rejects(buildFrameWitnesses(ctxOf(bad, [])), (e: Error) => e instanceof UnsupportedMessageError && /deposit failed/.test(e.message));
});

/** A tree with every kind of link: value, logs, refund, return data, storage writes before and in the calls, a revert, a static call, a library. */
async function richTree(): Promise<MessageTree> {
  // B (depth 2): logs, clears its slot 1 (a refund), returns CALLVALUE
  const b = assemble('PUSH1 0xbb PUSH0 MSTORE PUSH1 32 PUSH0 LOG0 PUSH0 PUSH1 1 SSTORE CALLVALUE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  // A (depth 1): writes, logs, calls B with 100 of its wei and input, returns B's answer
  const a = assemble(`PUSH1 1 PUSH1 9 SSTORE PUSH2 0x1234 PUSH0 PUSH0 LOG1 PUSH1 0xab PUSH0 MSTORE ${callAsm('CALL', B, { value: 100n, input: [0, 32], out: 32 })} POP PUSH1 32 PUSH0 RETURN`);
  const r = assemble('PUSH1 1 PUSH0 SSTORE PUSH0 PUSH0 REVERT');
  const v = assemble('CALLDATASIZE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  const lib = assemble('PUSH1 3 PUSH1 4 SSTORE STOP');
  const R: Hex = '0x000000000000000000000000000000000000dead';
  const top = assemble(
    `PUSH1 1 PUSH1 2 SSTORE ${callAsm('CALL', A, { value: 300n, out: 32 })} POP ${callAsm('CALL', R)} POP ${callAsm('STATICCALL', V, { input: [0, 3] })} POP ${callAsm('DELEGATECALL', LIB)} POP STOP`,
  );
  const ctx = ctxOf(top, [
    { address: TO, balance: 1000n },
    { address: A, balance: 500n, code: a },
    { address: B, code: b, storage: [{ slot: 1n, value: 8n }] },
    { address: R, code: r },
    { address: V, code: v },
    { address: LIB, code: lib },
  ], { callvalue: 1n });
  return buildFrameWitnesses(ctx);
}

test('a rich tree: every frame valid, every link holds', async () => {
  const tree = await richTree();
  assert.deepEqual(paths(tree), ['[]', '[0]', '[0,0]', '[1]', '[2]', '[3]']);
  const fb = frameAt(tree, [0, 0]).file.witness;
  assert.deepEqual([fb.refund, BigInt(fb.logsHash) !== 0n, fb.status], [4800n, true, 1]);
  assert.equal(frameAt(tree, [1]).file.witness.status, 2);
  await expectAllValid(tree);
});

/** A copy of the tree's frames (witnesses deep-copied) for tampering. */
function copyFrames(tree: MessageTree): FrameWitness[] {
  return tree.frames.map((f) => ({ ...f, path: [...f.path], file: { ...f.file, witness: { ...f.file.witness, block: { ...f.file.witness.block }, state_access_list: [...f.file.witness.state_access_list] } } }));
}

/** Tampers call record `i` of the frame at `path` (its typed form). */
function tamperRecord(frames: FrameWitness[], path: number[], i: number, change: (r: CallRecord) => void): void {
  const f = frames.find((x) => JSON.stringify(x.path) === JSON.stringify(path))!;
  const list = f.file.witness.state_access_list;
  let k = -1;
  const at = list.findIndex((raw) => ['call', 'callCode', 'delegateCall', 'staticCall'].includes(decodeRecord(raw).kind) && ++k === i);
  const r = decodeRecord(list[at]!) as CallRecord;
  change(r);
  list[at] = encodeRecord(r);
}

const bump = (h: Hex): Hex => `0x${(BigInt(h) ^ 1n).toString(16).padStart(64, '0')}`;

test('tampering any link field, on the callee\'s side or the caller\'s record, is a broken link naming the frame and the field', async () => {
  const tree = await richTree();
  const expectBroken = (frames: FrameWitness[], path: number[], callIndex: number, field: string): void => {
    const broken = checkTransaction(frames, { transfers: tree.transfers });
    assert.ok(broken.length > 0, `${field} at ${JSON.stringify(path)}:${callIndex}: nothing broken`);
    assert.ok(
      broken.some((b) => JSON.stringify(b.path) === JSON.stringify(path) && b.callIndex === callIndex && b.field === field),
      `${field}: ${broken.map((b) => b.message).join('; ')}`,
    );
    const b = broken.find((x) => x.field === field)!;
    assert.match(b.message, new RegExp(`^frame \\[${path.join(',')}\\]: call record ${callIndex}: ${field}`));
  };
  type W = MessageWitness;
  // the callee's side: each field of the callee frame's witness ([0,0], the depth-2 frame; [2], the static call)
  const calleeSide: [string, number[], (w: W) => void][] = [
    ['target', [0, 0], (w) => (w.to = A)],
    ['value', [0, 0], (w) => (w.callvalue += 1n)],
    ['gas', [0, 0], (w) => (w.gasAvailable += 1n)],
    ['inputHash', [0, 0], (w) => (w.calldata = '0x01')],
    ['caller', [0, 0], (w) => (w.caller = B)],
    ['context', [0, 0], (w) => (w.context = A)],
    ['isStatic', [2], (w) => (w.isStatic = false)],
    ['isStatic', [0, 0], (w) => (w.isStatic = true)],
    ['origin', [0, 0], (w) => (w.origin = B)],
    ['gasPrice', [0, 0], (w) => (w.gasPrice = 1n)],
    ['block', [0, 0], (w) => (w.block.number += 1n)],
    ['status', [0, 0], (w) => (w.status = 2)],
    ['gasUsed', [0, 0], (w) => (w.gasUsed -= 1n)],
    ['refund', [0, 0], (w) => (w.refund = 0n)],
    ['logsHash', [0, 0], (w) => (w.logsHash = bump(w.logsHash))],
    ['returndata', [0, 0], (w) => (w.returndataHash = bump(w.returndataHash))],
    ['stateRootEnter', [0, 0], (w) => (w.stateRootEnter = bump(w.stateRootEnter))],
    ['stateRoot', [0, 0], (w) => (w.stateRootLeave = bump(w.stateRootLeave))],
    ['stateRoot', [3], (w) => (w.stateRootLeave = bump(w.stateRootLeave))],
  ];
  for (const [field, path, change] of calleeSide) {
    const frames = copyFrames(tree);
    change(frames.find((f) => JSON.stringify(f.path) === JSON.stringify(path))!.file.witness);
    expectBroken(frames, path.slice(0, -1), path[path.length - 1]!, field);
  }
  // the caller's side: each field of call record 0 of frame [0] (the call to B)
  const recordSide: [string, (r: CallRecord) => void][] = [
    ['target', (r) => (r.target = A)],
    ['value', (r) => (r.value += 1n)],
    ['gas', (r) => (r.gas -= 1n)],
    ['inputHash', (r) => (r.inputHash = bump(r.inputHash))],
    ['status', (r) => (r.status = 0n)],
    ['gasUsed', (r) => (r.gasUsed += 1n)],
    ['refund', (r) => (r.refund += 1n)],
    ['logsHash', (r) => (r.logsHash = bump(r.logsHash))],
    ['returndata', (r) => ((r.returndata = word(99)), (r.returndataLength = 32n))],
    ['stateRoot', (r) => (r.stateRoot = bump(r.stateRoot))],
  ];
  for (const [field, change] of recordSide) {
    const frames = copyFrames(tree);
    tamperRecord(frames, [0], 0, change);
    expectBroken(frames, [0], 0, field);
  }
  // the caller's chain: a different root before the call (the top's first write) breaks stateRootEnter of [0]
  {
    const frames = copyFrames(tree);
    const top = frames[0]!.file.witness;
    const w = decodeRecord(top.state_access_list[0]!) as TypedRecord & { kind: 'storageWrite' };
    top.state_access_list[0] = encodeRecord({ ...w, stateRoot: bump(w.stateRoot) });
    expectBroken(frames, [], 0, 'stateRootEnter');
  }
  // a callee frame missing; a frame left over (at a not-entered or precompile call's path, or nowhere); a frame twice
  {
    const frames = copyFrames(tree).filter((f) => JSON.stringify(f.path) !== '[0,0]');
    expectBroken(frames, [0], 0, 'callee');
    const extra = copyFrames(tree);
    extra.push({ ...extra[2]!, path: [0, 5] });
    const broken = checkTransaction(extra, { transfers: tree.transfers });
    assert.deepEqual(broken.map((b) => b.message), ['frame [0,5]: left over (no entered call record leads to it)']);
    const twice = copyFrames(tree);
    twice.push(twice[2]!);
    assert.deepEqual(checkTransaction(twice, { transfers: tree.transfers }).map((b) => b.message), ['frame [0,0]: given twice']);
    assert.deepEqual(checkTransaction(copyFrames(tree).slice(1), { transfers: tree.transfers })[0]?.message, "frame []: missing (the message's own frame)");
  }
  // the honest copy is clean
  assert.deepEqual(checkTransaction(copyFrames(tree), { transfers: tree.transfers }), []);
});

test('the builder refuses a tree whose links do not hold (a cross-check of the frames\' runs), naming the frame and field', async () => {
  // not reachable with an honest run: simulate by checking a tree whose frame [0] comes from another message
  const a = assemble('PUSH1 1 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  const top = assemble(`${callAsm('CALL', A, { out: 32 })} POP STOP`);
  const one = await buildFrameWitnesses(ctxOf(top, [{ address: A, code: a }]));
  const other = await buildFrameWitnesses(ctxOf(top, [{ address: A, code: assemble('PUSH1 2 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN') }]));
  const mixed = [one.frames[0]!, other.frames[1]!];
  assert.deepEqual(checkTransaction(mixed).map((b) => b.message), [
    `frame []: call record 0: returndata keccak256 ${keccak256(word(1))} ≠ callee returndataHash ${keccak256(word(2))}`,
    // the two callees' codes differ, so the states differ: the roots too
    `frame []: call record 0: stateRootEnter root before the call ${one.frames[0]!.file.witness.stateRootEnter} ≠ callee stateRootEnter ${other.frames[1]!.file.witness.stateRootEnter}`,
    `frame []: call record 0: stateRoot ${callRecords(one.frames[0]!.file.witness)[0]!.stateRoot} ≠ callee stateRootLeave ${other.frames[1]!.file.witness.stateRootLeave}`,
  ]);
});

test('ERC-20 (OpenZeppelin, compiled with solc): Router → Vault → the token\'s transfer and balanceOf, verified frame by frame', async () => {
  const src = 'lib/native/fixtures/TreeToken.sol';
  const [token, vault, router] = ['TreeToken', 'Vault', 'Router'].map((n) => compileSolidity(src, n));
  const TOKEN: Hex = '0x00000000000000000000000000000000000070c0';
  const VAULT: Hex = '0x0000000000000000000000000000000000000a17';
  const ALICE: Hex = '0x000000000000000000000000000000000000a11c';
  // OpenZeppelin 5 ERC20 storage: _balances at slot 0, _totalSupply at slot 2
  const balanceSlot = (a: Hex): bigint => BigInt(keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [a, 0n])));
  const calldata = encodeFunctionData({ abi: router!.abi, functionName: 'route', args: [VAULT, TOKEN, ALICE, 250n] });
  const ctx = defaultContext({
    code: router!.deployedBytecode,
    calldata,
    gasAvailable: 1_000_000n,
    preState: {
      accounts: [
        { address: TOKEN, code: token!.deployedBytecode, storage: [{ slot: balanceSlot(VAULT), value: 1000n }, { slot: balanceSlot(ALICE), value: 5n }, { slot: 2n, value: 1005n }] },
        { address: VAULT, code: vault!.deployedBytecode },
      ],
    },
  });
  const tree = await buildFrameWitnesses(ctx);
  assert.deepEqual(paths(tree), ['[]', '[0]', '[0,0]', '[0,1]']);
  const [r, v, transfer, balanceOf] = tree.frames as [FrameWitness, FrameWitness, FrameWitness, FrameWitness];
  assert.deepEqual(tree.frames.map((f) => [f.file.witness.to, f.native.status]), [[DEFAULT_TO, 1], [VAULT, 1], [TOKEN, 1], [TOKEN, 1]]);
  assert.equal(decodeFunctionResult({ abi: router!.abi, functionName: 'route', data: r.native.returndata }), 255n);
  assert.deepEqual([transfer.file.witness.isStatic, balanceOf.file.witness.isStatic], [false, true]);
  // the transfer writes both balances; its Transfer log is linked into the vault's chain and the router's
  assert.deepEqual(transfer.file.witness.storageKeys.map((k) => [k.slot, k.value, k.warm]), [[balanceSlot(VAULT), 1000n, false], [balanceSlot(ALICE), 5n, false]].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
  assert.notEqual(BigInt(transfer.file.witness.logsHash), 0n);
  assert.equal(callRecords(v.file.witness)[0]!.logsHash, transfer.file.witness.logsHash);
  // balanceOf reads Alice's slot, now warm (the transfer touched it) with its new value
  assert.deepEqual(balanceOf.file.witness.storageKeys, [{ slot: balanceSlot(ALICE), warm: true, original: 5n, value: 255n }]);
  assert.equal(balanceOf.file.witness.stateRootEnter, transfer.file.witness.stateRootLeave);
  assert.equal(concatHex([balanceOf.native.returndata]), word(255));
  await expectAllValid(tree);
});
