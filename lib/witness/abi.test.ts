import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keccak256, pad, size, slice, toHex } from 'viem';
import fc from 'fast-check';
import { decodeWitness, encodeWitness, WitnessDecodeError } from './abi.ts';
import { MIN_WITNESS_SIZE, WITNESS_LAYOUT as L } from './layout.ts';
import type { Hex, MessageWitness, Status } from './types.ts';

const EMPTY_HASH = keccak256('0x');

function sample(over: Partial<MessageWitness> = {}): MessageWitness {
  return {
    stateRootEnter: `0x${'11'.repeat(32)}`,
    stateRootLeave: `0x${'22'.repeat(32)}`,
    isStatic: true,
    origin: `0x${'a1'.repeat(20)}`,
    caller: `0x${'a2'.repeat(20)}`,
    to: `0x${'a3'.repeat(20)}`,
    context: `0x${'a4'.repeat(20)}`,
    callvalue: 5n,
    gasPrice: 6n,
    gasAvailable: 7n,
    gasUsed: 8n,
    state_access_list: [],
    status: 2,
    returndataHash: EMPTY_HASH,
    calldata: '0x',
    codeHash: `0x${'c0'.repeat(32)}`,
    ...over,
  };
}

const word = (hex: Hex, offset: number): Hex => slice(hex, offset, offset + 32, { strict: true });
const w = (n: number | bigint | boolean): Hex => pad(toHex(n), { size: 32 });

test('minimal witness is 608 bytes and every head field sits at its layout offset', () => {
  const wit = sample();
  const enc = encodeWitness(wit);
  assert.equal(size(enc), 608);
  assert.equal(size(enc), MIN_WITNESS_SIZE);
  assert.equal(word(enc, L.W_TUPLE_OFFSET), w(0x20));
  assert.equal(word(enc, L.W_STATE_ROOT_ENTER), wit.stateRootEnter);
  assert.equal(word(enc, L.W_STATE_ROOT_LEAVE), wit.stateRootLeave);
  assert.equal(word(enc, L.W_IS_STATIC), w(1));
  assert.equal(word(enc, L.W_ORIGIN), pad(wit.origin, { size: 32 }));
  assert.equal(word(enc, L.W_CALLER), pad(wit.caller, { size: 32 }));
  assert.equal(word(enc, L.W_TO), pad(wit.to, { size: 32 }));
  assert.equal(word(enc, L.W_CONTEXT), pad(wit.context, { size: 32 }));
  assert.equal(word(enc, L.W_CALLVALUE), w(5));
  assert.equal(word(enc, L.W_GAS_PRICE), w(6));
  assert.equal(word(enc, L.W_GAS_AVAILABLE), w(7));
  assert.equal(word(enc, L.W_GAS_USED), w(8));
  assert.equal(word(enc, L.W_ACCESS_LIST_PTR), w(L.W_ACCESS_LIST_CANONICAL));
  assert.equal(word(enc, L.W_STATUS), w(2));
  assert.equal(word(enc, L.W_RETURNDATA_HASH), EMPTY_HASH);
  assert.equal(word(enc, L.W_CODE_HASH), wit.codeHash);
  // no records: the list is just its count, calldata follows right after it
  assert.equal(L.W_TUPLE_BASE + L.W_ACCESS_LIST_CANONICAL, L.W_RECORD_COUNT);
  assert.equal(word(enc, L.W_RECORD_COUNT), w(0));
  assert.equal(word(enc, L.W_CALLDATA_PTR), w(L.W_RECORD_OFFSETS - L.W_TUPLE_BASE));
  assert.equal(word(enc, L.W_RECORD_OFFSETS), w(0)); // calldata length
  assert.equal(L.W_RECORD_OFFSETS + 32, L.W_MIN_SIZE);
});

test('record and calldata tails are where docs/witness.md puts them', () => {
  const records = [
    { opcode: 0x54, data: `0x${'ab'.repeat(33)}` as Hex }, // 33 bytes -> 2 words
    { opcode: 0x31, data: '0x' as Hex }, // empty data -> 0 words
    { opcode: 0xf1, data: `0x${'cd'.repeat(32)}` as Hex }, // 1 word
  ];
  const calldata: Hex = `0x${'ee'.repeat(40)}`;
  const enc = encodeWitness(sample({ state_access_list: records, calldata }));
  assert.equal(word(enc, L.W_ACCESS_LIST_PTR), w(L.W_ACCESS_LIST_CANONICAL));
  assert.equal(word(enc, L.W_RECORD_COUNT), w(records.length));
  let expectedRecordStart = L.W_RECORD_OFFSETS + 32 * records.length;
  records.forEach((r, i) => {
    const rel = Number(BigInt(word(enc, L.W_RECORD_OFFSETS + 32 * i)));
    const at = L.W_RECORD_OFFSETS + rel;
    assert.equal(at, expectedRecordStart, `record ${i} starts right after the previous one`);
    assert.equal(word(enc, at), w(r.opcode));
    assert.equal(word(enc, at + 32), w(L.W_RECORD_DATA_PTR));
    const len = size(r.data);
    assert.equal(word(enc, at + L.W_RECORD_DATA_PTR), w(len));
    if (len > 0) assert.equal(slice(enc, at + 96, at + 96 + len), r.data);
    const padded = Math.ceil(len / 32) * 32;
    if (padded > len) assert.equal(slice(enc, at + 96 + len, at + 96 + padded), pad('0x', { size: padded - len }));
    expectedRecordStart = at + 96 + padded;
  });
  // calldata right after the record list
  const calldataAt = L.W_TUPLE_BASE + Number(BigInt(word(enc, L.W_CALLDATA_PTR)));
  assert.equal(calldataAt, expectedRecordStart);
  assert.equal(word(enc, calldataAt), w(40));
  assert.equal(slice(enc, calldataAt + 32, calldataAt + 72), calldata);
  assert.equal(size(enc), calldataAt + 32 + 64, 'nothing after the padded calldata');
});

const hexBytes = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => toHex(b) as Hex);
const arbWitness: fc.Arbitrary<MessageWitness> = fc.record({
  stateRootEnter: hexBytes(32, 32),
  stateRootLeave: hexBytes(32, 32),
  isStatic: fc.boolean(),
  origin: hexBytes(20, 20),
  caller: hexBytes(20, 20),
  to: hexBytes(20, 20),
  context: hexBytes(20, 20),
  callvalue: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
  gasPrice: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
  gasAvailable: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  gasUsed: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
  state_access_list: fc.array(fc.record({ opcode: fc.integer({ min: 0, max: 255 }), data: hexBytes(0, 100) }), { maxLength: 5 }),
  status: fc.constantFrom<Status>(0, 1, 2),
  returndataHash: hexBytes(32, 32),
  calldata: hexBytes(0, 200),
  codeHash: hexBytes(32, 32),
});

test('encode/decode round trip (property)', () => {
  fc.assert(
    fc.property(arbWitness, (arb) => {
      // fast-check records have a null prototype; deepEqual compares prototypes
      const wit: MessageWitness = { ...arb, state_access_list: arb.state_access_list.map((r) => ({ ...r })) };
      const enc = encodeWitness(wit);
      assert.deepEqual(decodeWitness(enc), wit);
      assert.equal(encodeWitness(decodeWitness(enc)), enc);
    }),
    { numRuns: 300 },
  );
});

test('encoder accepts mixed-case addresses, decoder returns lowercase', () => {
  const wit = sample({ origin: '0xAbCdEfabcdefABCDEFabcdefabcdefABCDEFabcd' });
  assert.equal(decodeWitness(encodeWitness(wit)).origin, '0xabcdefabcdefabcdefabcdefabcdefabcdefabcd');
});

test('decodeWitness rejects malformed and non-canonical input with clear errors', () => {
  const enc = encodeWitness(sample({ calldata: '0x1234' }));
  const patch = (hex: Hex, byteOffset: number, wordHex: Hex): Hex =>
    `0x${hex.slice(2, 2 + 2 * byteOffset)}${wordHex.slice(2)}${hex.slice(2 + 2 * byteOffset + wordHex.length - 2)}`;
  assert.throws(() => decodeWitness('0x1' as Hex), WitnessDecodeError);
  assert.throws(() => decodeWitness('xyz' as Hex), /0x-prefixed hex/);
  assert.throws(() => decodeWitness(slice(enc, 0, 607)), /shorter than the 608-byte minimum/);
  assert.throws(() => decodeWitness(`${enc}00` as Hex), /not canonical/);
  assert.throws(() => decodeWitness(`${enc}${'00'.repeat(32)}` as Hex), /not canonical: .* bytes where the canonical encoding has/);
  assert.throws(() => decodeWitness(patch(enc, L.W_STATUS, w(3))), /status is 3/);
  assert.throws(() => decodeWitness(patch(enc, L.W_IS_STATIC, w(2))), WitnessDecodeError);
  assert.throws(() => decodeWitness(patch(enc, L.W_ORIGIN, `0x01${'00'.repeat(31)}`)), WitnessDecodeError);
  // nonzero padding after calldata
  assert.throws(() => decodeWitness(patch(enc, size(enc) - 1, '0x01')), /not canonical: differs .* byte 0x27f/);
  // hostile offsets
  assert.throws(() => decodeWitness(patch(enc, L.W_TUPLE_OFFSET, w(0xffffffff))), WitnessDecodeError);
  assert.throws(() => decodeWitness(patch(enc, L.W_CALLDATA_PTR, w(0x40))), WitnessDecodeError);
  assert.throws(() => decodeWitness(patch(enc, L.W_RECORD_COUNT, w(1n << 200n))), WitnessDecodeError);
});

test('decodeWitness rejects a record opcode above 0xff, as the hypervisor does (docs/errors.md code 6)', () => {
  const enc = encodeWitness(sample({ state_access_list: [{ opcode: 0x100, data: '0x' }] }));
  assert.throws(() => decodeWitness(enc), /record 0: opcode 256 is above 0xff/);
  const ok = encodeWitness(sample({ state_access_list: [{ opcode: 0xff, data: '0x' }] }));
  assert.equal(decodeWitness(ok).state_access_list[0]!.opcode, 0xff);
});
