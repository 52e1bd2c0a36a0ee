import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keccak256, pad, size, slice, toHex } from 'viem';
import fc from 'fast-check';
import { decodeWitness, encodeWitness, WitnessDecodeError } from './abi.ts';
import { MIN_WITNESS_SIZE, WITNESS_LAYOUT as L } from './layout.ts';
import type { AccountKey, Hex, MessageWitness, Status, StorageKey, TransientKey } from './types.ts';

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
    block: {
      coinbase: `0x${'cb'.repeat(20)}`,
      timestamp: 11n,
      number: 12n,
      prevrandao: `0x${'d0'.repeat(32)}`,
      gasLimit: 13n,
      chainId: 14n,
      baseFee: 15n,
      blobBaseFee: 16n,
    },
    refund: -4800n,
    logsHash: `0x${'e0'.repeat(32)}`,
    storageKeys: [],
    transientKeys: [],
    accountKeys: [],
    ...over,
  };
}

const word = (hex: Hex, offset: number): Hex => slice(hex, offset, offset + 32, { strict: true });
const w = (n: number | bigint | boolean): Hex => pad(toHex(n), { size: 32 });

test('minimal witness is 1,120 bytes and every head field sits at its layout offset', () => {
  const wit = sample();
  const enc = encodeWitness(wit);
  assert.equal(size(enc), 1120);
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
  assert.equal(word(enc, L.W_COINBASE), pad(wit.block.coinbase, { size: 32 }));
  assert.equal(word(enc, L.W_TIMESTAMP), w(11));
  assert.equal(word(enc, L.W_NUMBER), w(12));
  assert.equal(word(enc, L.W_PREVRANDAO), wit.block.prevrandao);
  assert.equal(word(enc, L.W_GAS_LIMIT), w(13));
  assert.equal(word(enc, L.W_CHAIN_ID), w(14));
  assert.equal(word(enc, L.W_BASE_FEE), w(15));
  assert.equal(word(enc, L.W_BLOB_BASE_FEE), w(16));
  assert.equal(word(enc, L.W_REFUND), w((1n << 256n) - 4800n), 'refund in two\'s complement');
  assert.equal(word(enc, L.W_LOGS_HASH), wit.logsHash);
  // no records: the list is just its count, calldata follows right after it
  assert.equal(L.W_TUPLE_BASE + L.W_ACCESS_LIST_CANONICAL, L.W_RECORD_COUNT);
  assert.equal(word(enc, L.W_RECORD_COUNT), w(0));
  assert.equal(word(enc, L.W_CALLDATA_PTR), w(L.W_RECORD_OFFSETS - L.W_TUPLE_BASE));
  assert.equal(word(enc, L.W_RECORD_OFFSETS), w(0)); // calldata length
  // then the three key lists, each just its count
  assert.equal(word(enc, L.W_STORAGE_KEYS_PTR), w(L.W_RECORD_OFFSETS + 32 - L.W_TUPLE_BASE));
  assert.equal(word(enc, L.W_TRANSIENT_KEYS_PTR), w(L.W_RECORD_OFFSETS + 64 - L.W_TUPLE_BASE));
  assert.equal(word(enc, L.W_ACCOUNT_KEYS_PTR), w(L.W_RECORD_OFFSETS + 96 - L.W_TUPLE_BASE));
  assert.equal(L.W_RECORD_OFFSETS + 128, L.W_MIN_SIZE);
});

test('key list tails follow the calldata, one list after the other, each entry its words in struct order', () => {
  const storageKeys: StorageKey[] = [{ slot: 1n, warm: true, original: 2n, value: 3n }, { slot: 9n, warm: false, original: 0n, value: 5n }];
  const transientKeys: TransientKey[] = [{ slot: 4n, value: 6n }];
  const accountKeys: AccountKey[] = [{ account: `0x${'0a'.repeat(20)}`, warm: true, balance: 7n, codeHash: `0x${'ee'.repeat(32)}` }];
  const enc = encodeWitness(sample({ calldata: '0x12', storageKeys, transientKeys, accountKeys }));
  const at = (ptr: number): number => L.W_TUPLE_BASE + Number(BigInt(word(enc, ptr)));
  const calldataAt = at(L.W_CALLDATA_PTR);
  assert.equal(at(L.W_STORAGE_KEYS_PTR), calldataAt + 64, 'storage keys right after the padded calldata');
  const s = at(L.W_STORAGE_KEYS_PTR);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => BigInt(word(enc, s + 32 * i))), [2n, 1n, 1n, 2n, 3n, 9n, 0n, 0n, 5n]);
  const t = at(L.W_TRANSIENT_KEYS_PTR);
  assert.equal(t, s + 32 * 9);
  assert.deepEqual([0, 1, 2].map((i) => BigInt(word(enc, t + 32 * i))), [1n, 4n, 6n]);
  const a = at(L.W_ACCOUNT_KEYS_PTR);
  assert.equal(a, t + 32 * 3);
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => word(enc, a + 32 * i)), [w(1), pad(accountKeys[0]!.account, { size: 32 }), w(1), w(7), accountKeys[0]!.codeHash]);
  assert.equal(size(enc), a + 32 * 5, 'nothing after the account keys');
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
  assert.equal(word(enc, L.W_STORAGE_KEYS_PTR), w(calldataAt + 32 + 64 - L.W_TUPLE_BASE), 'the key lists right after the padded calldata');
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
  block: fc.record({
    coinbase: hexBytes(20, 20),
    timestamp: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
    number: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
    prevrandao: hexBytes(32, 32),
    gasLimit: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
    chainId: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
    baseFee: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
    blobBaseFee: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
  }),
  refund: fc.bigInt({ min: -(1n << 255n), max: (1n << 255n) - 1n }),
  logsHash: hexBytes(32, 32),
  // strictly ascending keys: distinct values, sorted
  storageKeys: fc
    .uniqueArray(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), { maxLength: 4 })
    .chain((slots) => fc.tuple(...[...slots].sort((a, b) => (a < b ? -1 : 1)).map((slot) => fc.record({ slot: fc.constant(slot), warm: fc.boolean(), original: fc.bigInt({ min: 0n, max: 1000n }), value: fc.bigInt({ min: 0n, max: 1000n }) })))),
  transientKeys: fc
    .uniqueArray(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), { maxLength: 4 })
    .chain((slots) => fc.tuple(...[...slots].sort((a, b) => (a < b ? -1 : 1)).map((slot) => fc.record({ slot: fc.constant(slot), value: fc.bigInt({ min: 0n, max: 1000n }) })))),
  accountKeys: fc
    .uniqueArray(hexBytes(20, 20), { maxLength: 4, selector: (a) => a.toLowerCase() })
    .chain((accounts) => fc.tuple(...[...accounts].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).map((account) => fc.record({ account: fc.constant(account), warm: fc.boolean(), balance: fc.bigInt({ min: 1n, max: 1000n }), codeHash: hexBytes(32, 32).filter((h) => BigInt(h) !== 0n) })))),
});

test('encode/decode round trip (property)', () => {
  fc.assert(
    fc.property(arbWitness, (arb) => {
      // fast-check records have a null prototype; deepEqual compares prototypes
      const wit: MessageWitness = {
        ...arb,
        block: { ...arb.block },
        state_access_list: arb.state_access_list.map((r) => ({ ...r })),
        storageKeys: arb.storageKeys.map((k) => ({ ...k })),
        transientKeys: arb.transientKeys.map((k) => ({ ...k })),
        accountKeys: arb.accountKeys.map((k) => ({ ...k })),
      };
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
  assert.throws(() => decodeWitness(slice(enc, 0, 1119)), /shorter than the 1120-byte minimum/);
  assert.throws(() => decodeWitness(`${enc}00` as Hex), /not canonical/);
  assert.throws(() => decodeWitness(`${enc}${'00'.repeat(32)}` as Hex), /not canonical: .* bytes where the canonical encoding has/);
  assert.throws(() => decodeWitness(patch(enc, L.W_STATUS, w(3))), /status is 3/);
  assert.throws(() => decodeWitness(patch(enc, L.W_IS_STATIC, w(2))), WitnessDecodeError);
  assert.throws(() => decodeWitness(patch(enc, L.W_ORIGIN, `0x01${'00'.repeat(31)}`)), WitnessDecodeError);
  // nonzero padding after calldata
  const calldataEnd = L.W_RECORD_OFFSETS + 64; // no records: calldata length, one padded word
  assert.throws(() => decodeWitness(patch(enc, calldataEnd - 1, '0x01')), new RegExp(`not canonical: differs .* byte 0x${(calldataEnd - 1).toString(16)}`));
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

test('decodeWitness rejects key lists that are not strictly ascending and an account key with code hash 0 and a balance, as the hypervisor does (codes 17, 18)', () => {
  const slotKey = (slot: bigint): StorageKey => ({ slot, warm: false, original: 0n, value: 0n });
  assert.throws(() => decodeWitness(encodeWitness(sample({ storageKeys: [slotKey(2n), slotKey(1n)] }))), /storageKeys\[1\] is not above storageKeys\[0\]/);
  assert.throws(() => decodeWitness(encodeWitness(sample({ storageKeys: [slotKey(2n), slotKey(2n)] }))), /KEYS_NOT_SORTED/);
  assert.throws(() => decodeWitness(encodeWitness(sample({ transientKeys: [{ slot: 5n, value: 0n }, { slot: 5n, value: 1n }] }))), /transientKeys\[1\]/);
  const account = (a: string, balance = 0n, codeHash: Hex = EMPTY_HASH): AccountKey => ({ account: a as Hex, warm: false, balance, codeHash });
  assert.throws(() => decodeWitness(encodeWitness(sample({ accountKeys: [account(`0x${'02'.repeat(20)}`), account(`0x${'01'.repeat(20)}`)] }))), /accountKeys\[1\]/);
  assert.throws(() => decodeWitness(encodeWitness(sample({ accountKeys: [account(`0x${'02'.repeat(20)}`, 1n, `0x${'00'.repeat(32)}`)] }))), /BAD_ACCOUNT_KEY/);
  // code hash 0 with balance 0 (an account that does not exist) and ascending lists are fine
  const ok = sample({ storageKeys: [slotKey(1n), slotKey(2n)], accountKeys: [account(`0x${'01'.repeat(20)}`, 0n, `0x${'00'.repeat(32)}`), account(`0x${'02'.repeat(20)}`, 5n)] });
  assert.deepEqual(decodeWitness(encodeWitness(ok)), ok);
});
