/**
 * Hostile calldata: every malformed witness gets InvalidWitness with its own code, never a crash
 * (an empty revert or any other outcome would fail these tests).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { concat, keccak256, pad, toHex, type Hex } from 'viem';
import { buildHonestWitness, defaultContext } from '../native/index.ts';
import { encodeWitness } from '../witness/abi.ts';
import { ERROR_CODES, type ErrorName } from '../witness/errors.ts';
import { WITNESS_LAYOUT as L } from '../witness/layout.ts';
import type { WitnessFile } from '../witness/types.ts';
import { LocalHypervisor } from './ethereumjs.ts';

let hv: LocalHypervisor;
let file: WitnessFile;
let base: Hex; // honest witness with one calldata byte
let withRecord: Hex; // the same with one record of 5 data bytes (valid encoding, leftover at exit)
const MAX = (1n << 256n) - 1n;

before(async () => {
  hv = await LocalHypervisor.create();
  file = (await buildHonestWitness(defaultContext({ code: '0x600035', calldata: '0xab' }))).file;
  await hv.archive(file.code);
  base = encodeWitness(file.witness);
  withRecord = encodeWitness({ ...file.witness, state_access_list: [{ opcode: 0x54, data: '0x0102030405' }] });
});

/** Replaces the 32-byte word at byte offset `at`. */
function setWord(data: Hex, at: number, value: bigint): Hex {
  const bytes = data.slice(2);
  return `0x${bytes.slice(0, at * 2)}${pad(toHex(value), { size: 32 }).slice(2)}${bytes.slice(at * 2 + 64)}`;
}
function setByte(data: Hex, at: number, value: number): Hex {
  const bytes = data.slice(2);
  return `0x${bytes.slice(0, at * 2)}${value.toString(16).padStart(2, '0')}${bytes.slice(at * 2 + 2)}`;
}
const size = (d: Hex): number => (d.length - 2) / 2;

async function expectCode(data: Hex, name: ErrorName): Promise<void> {
  const { verdict } = await hv.verifyCalldata(data);
  assert.equal(verdict.kind, 'invalid', `expected ${name}, got ${JSON.stringify(verdict)}`);
  assert.equal(verdict.kind === 'invalid' && verdict.name, name);
  assert.equal(verdict.kind === 'invalid' && verdict.guestPc, 0);
}

test('the honest witness is accepted (baseline)', async () => {
  assert.equal((await hv.verifyCalldata(base)).verdict.kind, 'valid');
});
test('empty calldata', () => expectCode('0x', 'WITNESS_TOO_SHORT'));
test('truncated below the minimum', () => expectCode(base.slice(0, 2 + 2 * (L.W_MIN_SIZE - 1)) as Hex, 'WITNESS_TOO_SHORT'));
test('truncated tail', () => expectCode(base.slice(0, base.length - 64) as Hex, 'CALLDATA_OUT_OF_BOUNDS'));
test('tuple offset not 0x20', () => expectCode(setWord(base, L.W_TUPLE_OFFSET, 0x40n), 'BAD_TUPLE_OFFSET'));
test('tuple offset near 2^256', () => expectCode(setWord(base, L.W_TUPLE_OFFSET, MAX), 'BAD_TUPLE_OFFSET'));
test('record list offset moved', () => expectCode(setWord(base, L.W_ACCESS_LIST_PTR, BigInt(L.W_ACCESS_LIST_CANONICAL + 0x20)), 'BAD_ACCESS_LIST_OFFSET'));
test('record list offset near 2^256', () => expectCode(setWord(base, L.W_ACCESS_LIST_PTR, MAX - 31n), 'BAD_ACCESS_LIST_OFFSET'));
test('record count near 2^256', () => expectCode(setWord(base, L.W_RECORD_COUNT, MAX), 'ACCESS_LIST_OUT_OF_BOUNDS'));
test('record count past the end', () => expectCode(setWord(base, L.W_RECORD_COUNT, 5n), 'ACCESS_LIST_OUT_OF_BOUNDS'));
test('record offset not canonical', () => expectCode(setWord(withRecord, L.W_RECORD_OFFSETS, 0x40n), 'BAD_RECORD_OFFSET'));
test('record offset near 2^256', () => expectCode(setWord(withRecord, L.W_RECORD_OFFSETS, MAX), 'BAD_RECORD_OFFSET'));
test('record data offset not 0x40', () => expectCode(setWord(withRecord, L.W_RECORD_OFFSETS + 0x20 + 0x20, 0x60n), 'BAD_RECORD_ENCODING'));
test('record opcode above 0xff', () => expectCode(setWord(withRecord, L.W_RECORD_OFFSETS + 0x20, 0x154n), 'BAD_RECORD_ENCODING'));
test('record data length near 2^256', () => expectCode(setWord(withRecord, L.W_RECORD_OFFSETS + 0x20 + 0x40, MAX), 'ACCESS_LIST_OUT_OF_BOUNDS'));
test('record data padding not zero', () => expectCode(setByte(withRecord, L.W_RECORD_OFFSETS + 0x20 + 0x60 + 5, 1), 'NONZERO_PADDING'));
test('calldata offset moved', () => expectCode(setWord(base, L.W_CALLDATA_PTR, 0x240n), 'BAD_CALLDATA_OFFSET'));
test('calldata offset near 2^256', () => expectCode(setWord(base, L.W_CALLDATA_PTR, MAX), 'BAD_CALLDATA_OFFSET'));
test('calldata length near 2^256', () => expectCode(setWord(base, L.W_RECORD_OFFSETS, MAX), 'CALLDATA_OUT_OF_BOUNDS'));
test('calldata length past the end', () => expectCode(setWord(base, L.W_RECORD_OFFSETS, 33n), 'CALLDATA_OUT_OF_BOUNDS'));
test('calldata padding not zero', () => expectCode(setByte(base, size(base) - 1, 0xff), 'NONZERO_PADDING'));
test('one byte too many', () => expectCode(concat([base, '0x00']), 'TRAILING_BYTES'));
test('a whole word too many', () => expectCode(concat([base, pad('0x00', { size: 32 })]), 'TRAILING_BYTES'));
test('isStatic neither 0 nor 1', () => expectCode(setWord(base, L.W_IS_STATIC, 2n), 'BAD_BOOL'));
for (const [field, at] of [['origin', L.W_ORIGIN], ['caller', L.W_CALLER], ['to', L.W_TO], ['context', L.W_CONTEXT]] as const) {
  test(`${field} with dirty upper bytes`, () => expectCode(setWord(base, at, (1n << 160n) | 5n), 'BAD_ADDRESS'));
}
test('status 3', () => expectCode(setWord(base, L.W_STATUS, 3n), 'BAD_STATUS'));
test('status near 2^256', () => expectCode(setWord(base, L.W_STATUS, MAX), 'BAD_STATUS'));
test('gasAvailable of 2^64', () => expectCode(setWord(base, L.W_GAS_AVAILABLE, 1n << 64n), 'GAS_AVAILABLE_TOO_LARGE'));
test('gasAvailable just below 2^64 is accepted as a value', async () => {
  const w = { ...file.witness, gasAvailable: (1n << 64n) - 1n };
  const { verdict } = await hv.verifyCalldata(encodeWitness(w));
  // the same program with more gas: gasUsed is unchanged, so only the claim decides
  assert.equal(verdict.kind, 'valid');
});
test('a codeHash without an archive is not a verdict: CodeNotArchived(codeHash)', async () => {
  const codeHash = keccak256('0x6001600201');
  const { verdict } = await hv.verifyCalldata(encodeWitness({ ...file.witness, codeHash }));
  assert.deepEqual(verdict, { valid: false, kind: 'notArchived', notArchived: codeHash });
});
test('the archive is chosen by codeHash, not by `to`: any `to` (a precompile address too) verifies', async () => {
  for (const to of ['0x0000000000000000000000000000000000000001', '0x0000000000000000000000000000000000000100', '0x00000000000000000000000000000000deadbeef'] as Hex[]) {
    assert.equal((await hv.verifyCalldata(encodeWitness({ ...file.witness, to }))).verdict.kind, 'valid', to);
  }
});
test('every encoding error code is exercised here', () => {
  const encodingCodes = Object.entries(ERROR_CODES).filter(([, c]) => c < 0x20).map(([n]) => n).sort();
  const used = ['WITNESS_TOO_SHORT', 'BAD_TUPLE_OFFSET', 'BAD_ACCESS_LIST_OFFSET', 'ACCESS_LIST_OUT_OF_BOUNDS', 'BAD_RECORD_OFFSET',
    'BAD_RECORD_ENCODING', 'BAD_CALLDATA_OFFSET', 'CALLDATA_OUT_OF_BOUNDS', 'NONZERO_PADDING', 'TRAILING_BYTES', 'BAD_BOOL',
    'BAD_ADDRESS', 'BAD_STATUS', 'GAS_AVAILABLE_TOO_LARGE'].sort();
  assert.deepEqual(encodingCodes, used);
});
