/**
 * Calls in the hypervisor (src/hypervisor/instructions/Contract.huff), checked with call records written here by
 * hand: what the record claims is what the guest sees, the caller's gas is the reference EVM's, and every error
 * path of a call record is rejected with its own code, the call's pc and the record's index. (The honest builder's
 * call records are checked against the reference run in lib/native/calls.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEVM } from '@ethereumjs/evm';
import { createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { concatHex, keccak256, numberToHex, padHex, type Hex } from 'viem';
import { assemble } from '../evm/asm.ts';
import { buildHonestWitness, defaultContext } from '../native/index.ts';
import { ERROR_CODES, type Verdict } from '../witness/errors.ts';
import { encodeRecord, type CallRecord, type KeyUpdate } from '../witness/records.ts';
import type { AccountKey, MessageWitness, StorageKey, WitnessFile } from '../witness/types.ts';
import { LocalHypervisor } from './ethereumjs.ts';
import { expectInvalid } from './expect.ts';

const hv = LocalHypervisor.create();
const TARGET: Hex = '0x000000000000000000000000000000000000beef';
const ZERO: Hex = padHex('0x', { size: 32 });
const GAS = 100_000n;
const word = (n: bigint | number): Hex => numberToHex(BigInt(n), { size: 32 });

/** CALL(gas 5000, TARGET, value 0, input [0, 0), output [0, 2)), then return [success, RETURNDATASIZE, mem[0..32)]. */
const CALL_PC = 12;
const PROGRAM = assemble(
  'PUSH1 2 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xbeef PUSH2 5000 CALL ' +
    'PUSH0 MLOAD PUSH1 64 MSTORE PUSH0 MSTORE RETURNDATASIZE PUSH1 32 MSTORE PUSH1 96 PUSH0 RETURN',
);

/** The reference EVM's gas for `code` when the callee (an empty account, cold) uses no gas. */
async function nativeGas(code: Hex): Promise<bigint> {
  const evm = await createEVM();
  const r = await evm.runCall({ code: hexToBytes(code), gasLimit: GAS, to: createAddressFromString('0x00000000000000000000000000000000000c0de0') });
  return r.execResult.executionGasUsed;
}

interface CallClaim {
  status: bigint;
  gasUsed: bigint;
  returndata: Hex;
  refund?: bigint;
  logsHash?: Hex;
  stateRoot?: Hex;
  updates?: KeyUpdate[];
  target?: Hex;
  value?: bigint;
  gas?: bigint;
  inputHash?: Hex;
}

function callRecord(root: Hex, c: CallClaim, kind: CallRecord['kind'] = 'call'): ReturnType<typeof encodeRecord> {
  const updates = c.updates ?? [];
  return encodeRecord({
    kind, target: c.target ?? TARGET, value: c.value ?? 0n, gas: c.gas ?? 5000n, inputHash: c.inputHash ?? keccak256('0x'),
    status: c.status, gasUsed: c.gasUsed, refund: c.refund ?? 0n, logsHash: c.logsHash ?? ZERO, stateRoot: c.stateRoot ?? root,
    returndataLength: BigInt((c.returndata.length - 2) / 2), updateCount: BigInt(updates.length), returndata: c.returndata, updates,
  } as CallRecord);
}

async function baseFile(code: Hex): Promise<WitnessFile> {
  const { file } = await buildHonestWitness(defaultContext({ code: assemble('STOP') }));
  return { code, witness: { ...file.witness, codeHash: keccak256(code), gasAvailable: GAS, accountKeys: [{ account: TARGET, warm: false, balance: 0n, codeHash: keccak256('0x') }] } };
}

async function verdictOf(file: WitnessFile, changes: Partial<MessageWitness>): Promise<Verdict> {
  return (await (await hv).verify({ ...file, witness: { ...file.witness, ...changes } })).verdict;
}


/** What PROGRAM returns when the call ends with `status` and return data `rd`. */
function programOutput(status: bigint, rd: Hex): Hex {
  const bytes = hexToBytes(rd);
  const mem0 = new Uint8Array(32);
  mem0.set(bytes.slice(0, 2));
  return concatHex([word(status === 1n ? 1 : 0), word(bytes.length), `0x${Buffer.from(mem0).toString('hex')}`]);
}

test("a call's claimed outcome is what the guest sees, with the caller's gas of the reference EVM", async () => {
  const file = await baseFile(PROGRAM);
  const base = await nativeGas(PROGRAM); // the callee used nothing
  const root = file.witness.stateRootEnter;
  const cases: [bigint, bigint, Hex][] = [[1n, 0n, '0x'], [1n, 700n, '0xaabbccdd'], [2n, 100n, '0xaabbcc'], [0n, 5000n, '0x'], [3n, 0n, '0x']];
  for (const [status, used, rd] of cases) {
    const v = await verdictOf(file, {
      state_access_list: [callRecord(root, { status, gasUsed: used, returndata: rd })],
      gasUsed: base + used, returndataHash: keccak256(programOutput(status, rd)),
    });
    assert.deepEqual(v, { valid: true, kind: 'valid' }, `status ${status}, used ${used}, return data ${rd}`);
  }
});

test('RETURNDATACOPY reads the return data of the last call; a copy past its end halts', async () => {
  const code = assemble('PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xbeef PUSH2 5000 CALL POP PUSH1 3 PUSH1 1 PUSH1 5 RETURNDATACOPY PUSH1 32 PUSH0 RETURN');
  const file = await baseFile(code);
  const base = await nativeGas(assemble('PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xbeef PUSH2 5000 CALL POP PUSH1 3 PUSH1 1 PUSH1 5 CALLDATACOPY PUSH1 32 PUSH0 RETURN'));
  const rec = callRecord(file.witness.stateRootEnter, { status: 1n, gasUsed: 0n, returndata: '0x0102030405' });
  const out = concatHex(['0x0000000000', '0x020304', padHex('0x', { size: 24 })]);
  assert.deepEqual(await verdictOf(file, { state_access_list: [rec], gasUsed: base, returndataHash: keccak256(out) }), { valid: true, kind: 'valid' });
  // 3 bytes of return data: byte 3 is past the end
  const short = callRecord(file.witness.stateRootEnter, { status: 1n, gasUsed: 0n, returndata: '0x010203' });
  assert.deepEqual(await verdictOf(file, { state_access_list: [short], gasUsed: GAS, status: 0, returndataHash: keccak256('0x') }), { valid: true, kind: 'valid' });
});

test('every inconsistent call record is rejected with its own code, at the call and its record', async () => {
  const file = await baseFile(PROGRAM);
  const root = file.witness.stateRootEnter;
  const bad = async (c: CallClaim, code: number, kind?: CallRecord['kind']): Promise<void> => {
    expectInvalid(await verdictOf(file, { state_access_list: [callRecord(root, c, kind)] }), code, CALL_PC, 0);
  };
  await bad({ status: 4n, gasUsed: 0n, returndata: '0x' }, ERROR_CODES.CALL_STATUS_INVALID);
  await bad({ status: 1n, gasUsed: 5001n, returndata: '0x' }, ERROR_CODES.CALL_GAS_USED_INVALID);
  await bad({ status: 0n, gasUsed: 4999n, returndata: '0x' }, ERROR_CODES.CALL_GAS_USED_INVALID);
  await bad({ status: 3n, gasUsed: 1n, returndata: '0x' }, ERROR_CODES.CALL_GAS_USED_INVALID);
  await bad({ status: 2n, gasUsed: 0n, returndata: '0x', refund: 1n }, ERROR_CODES.CALL_OUTCOME_INCONSISTENT);
  await bad({ status: 2n, gasUsed: 0n, returndata: '0x', refund: -1n }, ERROR_CODES.CALL_OUTCOME_INCONSISTENT);
  await bad({ status: 0n, gasUsed: 5000n, returndata: '0x', logsHash: keccak256('0x01') }, ERROR_CODES.CALL_OUTCOME_INCONSISTENT);
  await bad({ status: 2n, gasUsed: 0n, returndata: '0x', stateRoot: keccak256('0x02') }, ERROR_CODES.CALL_OUTCOME_INCONSISTENT);
  await bad({ status: 3n, gasUsed: 0n, returndata: '0x', updates: [{ key: 0, warm: true, value: 0n, codeHash: ZERO }] }, ERROR_CODES.CALL_OUTCOME_INCONSISTENT);
  await bad({ status: 0n, gasUsed: 5000n, returndata: '0x01' }, ERROR_CODES.CALL_OUTCOME_INCONSISTENT);
  await bad({ status: 3n, gasUsed: 0n, returndata: '0x01' }, ERROR_CODES.CALL_OUTCOME_INCONSISTENT);
  // the arguments are the hypervisor's own
  await bad({ status: 1n, gasUsed: 0n, returndata: '0x', target: '0x000000000000000000000000000000000000bee0' }, ERROR_CODES.RECORD_ARGUMENT_MISMATCH);
  await bad({ status: 1n, gasUsed: 0n, returndata: '0x', value: 1n }, ERROR_CODES.RECORD_ARGUMENT_MISMATCH);
  await bad({ status: 1n, gasUsed: 0n, returndata: '0x', gas: 5001n }, ERROR_CODES.RECORD_ARGUMENT_MISMATCH);
  await bad({ status: 1n, gasUsed: 0n, returndata: '0x', inputHash: ZERO }, ERROR_CODES.RECORD_ARGUMENT_MISMATCH);
  await bad({ status: 1n, gasUsed: 0n, returndata: '0x' }, ERROR_CODES.RECORD_OPCODE_MISMATCH, 'staticCall');
  // key updates: past the lists (one account key), not ascending, warm not 0 or 1
  await bad({ status: 1n, gasUsed: 0n, returndata: '0x', updates: [{ key: 1, warm: false, value: 0n, codeHash: ZERO }] }, ERROR_CODES.KEY_UPDATE_INVALID);
  const twice = callRecord(root, { status: 1n, gasUsed: 0n, returndata: '0x', updates: [{ key: 0, warm: false, value: 0n, codeHash: ZERO }] });
  const dup = { ...twice, data: (twice.data.slice(0, 2 + 64 * 10) + word(2).slice(2) + twice.data.slice(2 + 64 * 11) + twice.data.slice(2 + 64 * 11)) as Hex };
  expectInvalid(await verdictOf(file, { state_access_list: [dup] }), ERROR_CODES.KEY_UPDATE_INVALID, CALL_PC, 0);
  const warm2 = { ...twice, data: (twice.data.slice(0, 2 + 64 * 12) + word(2).slice(2) + twice.data.slice(2 + 64 * 13)) as Hex };
  expectInvalid(await verdictOf(file, { state_access_list: [warm2] }), ERROR_CODES.KEY_UPDATE_INVALID, CALL_PC, 0);
  // nonzero padding after the return data
  const padded = callRecord(root, { status: 1n, gasUsed: 0n, returndata: '0xaa' });
  const dirty = { ...padded, data: `${padded.data.slice(0, -2)}01` as Hex };
  expectInvalid(await verdictOf(file, { state_access_list: [dirty] }), ERROR_CODES.RETURNDATA_PADDING, CALL_PC, 0);
  // the data length must be what the counts say, also with counts too large for any calldata
  const honest = callRecord(root, { status: 1n, gasUsed: 0n, returndata: '0x' });
  expectInvalid(await verdictOf(file, { state_access_list: [{ ...honest, data: `${honest.data}${ZERO.slice(2)}` }] }), ERROR_CODES.RECORD_LENGTH_MISMATCH, CALL_PC, 0);
  const huge = { ...honest, data: (honest.data.slice(0, 2 + 64 * 9) + word(1n << 32n).slice(2) + honest.data.slice(2 + 64 * 10)) as Hex };
  expectInvalid(await verdictOf(file, { state_access_list: [huge] }), ERROR_CODES.RECORD_LENGTH_MISMATCH, CALL_PC, 0);
  expectInvalid(await verdictOf(file, { state_access_list: [] }), ERROR_CODES.MISSING_RECORD, CALL_PC, 0);
});

test("on success the callee's refund, logs chain and state root are the frame's; key updates set its view", async () => {
  // CALL, then SLOAD(7) and BALANCE(TARGET), returned
  const code = assemble('PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xbeef PUSH2 5000 CALL POP PUSH1 7 SLOAD PUSH0 MSTORE PUSH2 0xbeef BALANCE PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN');
  const file = await baseFile(code);
  const storageKeys: StorageKey[] = [{ slot: 7n, warm: false, original: 1n, value: 1n }];
  const accountKeys: AccountKey[] = [{ account: TARGET, warm: false, balance: 5n, codeHash: keccak256('0x') }];
  const root = file.witness.stateRootEnter;
  const after = keccak256('0xafter');
  const calleeLogs = keccak256('0xlogs');
  // the callee wrote slot 7 (a reentrant write) and warmed it; TARGET received 3 wei
  const updates: KeyUpdate[] = [{ key: 0, warm: true, value: 9n, codeHash: ZERO }, { key: 1, warm: false, value: 8n, codeHash: keccak256('0x') }];
  const rec = callRecord(root, { status: 1n, gasUsed: 0n, returndata: '0x', refund: -4800n, logsHash: calleeLogs, stateRoot: after, updates });
  // gas: the same program with slot 7 warm (100) and TARGET warm after the call (100), less the cold SLOAD's 2,000
  const base = await nativeGas(code);
  const expected = base - 2000n;
  const output = concatHex([word(9), word(8)]);
  const logsHash = keccak256(concatHex([ZERO, word((1n << 256n) - 1n), calleeLogs]));
  const ok = { state_access_list: [rec], storageKeys, accountKeys, gasUsed: expected, returndataHash: keccak256(output), stateRootLeave: after, refund: -4800n, logsHash };
  assert.deepEqual(await verdictOf(file, ok), { valid: true, kind: 'valid' });
  // without the update the frame sees the entry value
  const stale = callRecord(root, { status: 1n, gasUsed: 0n, returndata: '0x', refund: -4800n, logsHash: calleeLogs, stateRoot: after, updates: [updates[1]!] });
  assert.equal((await verdictOf(file, { ...ok, state_access_list: [stale] })).kind, 'invalid');
  assert.equal((await verdictOf(file, { ...ok, stateRootLeave: root })).kind, 'invalid');
  assert.equal((await verdictOf(file, { ...ok, refund: 0n })).kind, 'invalid');
  assert.equal((await verdictOf(file, { ...ok, logsHash: calleeLogs })).kind, 'invalid');
  // a storage key has no code hash: an update giving it one is rejected
  const coded = callRecord(root, { status: 1n, gasUsed: 0n, returndata: '0x', refund: -4800n, logsHash: calleeLogs, stateRoot: after, updates: [{ ...updates[0]!, codeHash: keccak256('0x01') }, updates[1]!] });
  expectInvalid(await verdictOf(file, { ...ok, state_access_list: [coded] }), ERROR_CODES.KEY_UPDATE_INVALID, 11, 0);
  // an account key's update sets its code hash: EXTCODEHASH answers it after the call
  const hashCode = assemble('PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xbeef PUSH2 5000 CALL POP PUSH2 0xbeef EXTCODEHASH PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  const hashFile = await baseFile(hashCode);
  const newHash = keccak256('0x6001');
  const withCode = callRecord(root, { status: 1n, gasUsed: 0n, returndata: '0x', stateRoot: after, updates: [{ key: 0, warm: true, value: 0n, codeHash: newHash }] });
  const hashGas = await nativeGas(hashCode); // the callee used nothing; TARGET is warm at EXTCODEHASH (the call touched it)
  assert.deepEqual(await verdictOf(hashFile, { state_access_list: [withCode], gasUsed: hashGas, returndataHash: keccak256(newHash), stateRootLeave: after }), { valid: true, kind: 'valid' });
  // a transient key cannot be made warm
  const t = callRecord(root, { status: 1n, gasUsed: 0n, returndata: '0x', updates: [{ key: 1, warm: true, value: 0n, codeHash: ZERO }] });
  expectInvalid(await verdictOf(file, { ...ok, transientKeys: [{ slot: 1n, value: 0n }], state_access_list: [t] }), ERROR_CODES.KEY_UPDATE_INVALID, 11, 0);
});

test('a call to MODEXP is not executed by this version; CALL with value in a static frame halts', async () => {
  const pre = assemble('PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 5 PUSH2 5000 CALL STOP');
  const file = await baseFile(pre);
  expectInvalid(await verdictOf(file, { gasUsed: 0n }), ERROR_CODES.UNSUPPORTED_OPCODE, 10, 0);
  const withValue = assemble('PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 PUSH2 0xbeef PUSH2 5000 CALL STOP');
  const f2 = await baseFile(withValue);
  assert.deepEqual(await verdictOf(f2, { isStatic: true, status: 0, gasUsed: GAS, accountKeys: [] }), { valid: true, kind: 'valid' });
  // an input range at 2^64 is out of gas before the target is looked up
  const huge = assemble('PUSH0 PUSH0 PUSH1 1 PUSH9 0x010000000000000000 PUSH0 PUSH2 0xbeef PUSH2 5000 CALL STOP');
  assert.deepEqual(await verdictOf(await baseFile(huge), { status: 0, gasUsed: GAS, accountKeys: [] }), { valid: true, kind: 'valid' });
});
