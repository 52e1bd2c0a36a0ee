/**
 * Hostile calldata for the hypervisor: malformed encodings of one honest witness, each with the
 * answer the hypervisor must give. The one list of these cases: lib/hypervisor/hostile.test.ts runs
 * them on the local hypervisor, scripts/gen-fixtures.ts writes them to
 * test/fixtures/hypervisor/hostile.json for test/HypervisorHostile.t.sol.
 */
import { concat, keccak256, pad, size, toHex } from 'viem';
import { encodeWitness } from './abi.ts';
import type { ErrorName } from './error-codes.ts';
import { WITNESS_LAYOUT as L } from './layout.ts';
import type { Hex, MessageWitness } from './types.ts';

/**
 * The guest every case is a witness of: CALLDATALOAD(0), with one calldata byte (so the calldata
 * has padding to corrupt). Its code must be archived for the cases to reach a verdict.
 */
export const HOSTILE_GUEST = { code: '0x600035', calldata: '0xab' } as const satisfies { code: Hex; calldata: Hex };

/** What the hypervisor must answer. */
export type HostileExpectation =
  | { readonly kind: 'valid' }
  /** InvalidWitness(code of `error`, guestPc 0, recordIndex 0): raised before execution */
  | { readonly kind: 'invalid'; readonly error: ErrorName }
  /** CodeNotArchived(codeHash): not a verdict */
  | { readonly kind: 'notArchived'; readonly codeHash: Hex };

export interface HostileCase {
  /** Unique among the cases. */
  readonly name: string;
  /** The hypervisor's calldata. */
  readonly data: Hex;
  readonly expect: HostileExpectation;
}

const MAX = (1n << 256n) - 1n;

/** A copy of `data` with the 32-byte word at byte offset `at` replaced. */
export function setWord(data: Hex, at: number, value: bigint): Hex {
  if (size(data) < at + 32) throw new Error(`setWord at 0x${at.toString(16)} is past the end`);
  const h = data.slice(2);
  return `0x${h.slice(0, at * 2)}${pad(toHex(value), { size: 32 }).slice(2)}${h.slice(at * 2 + 64)}`;
}

/** A copy of `data` with the byte at offset `at` replaced. */
export function setByte(data: Hex, at: number, value: number): Hex {
  if (size(data) < at + 1) throw new Error(`setByte at 0x${at.toString(16)} is past the end`);
  const h = data.slice(2);
  return `0x${h.slice(0, at * 2)}${value.toString(16).padStart(2, '0')}${h.slice(at * 2 + 2)}`;
}

/**
 * The cases, built from `honest`: the honest witness of HOSTILE_GUEST (first case: accepted as it
 * is). Record offsets inside a record: +0x20 the opcode word, +0x40 the offset of `data`, then its
 * length and bytes.
 */
export function hostileCases(honest: MessageWitness): HostileCase[] {
  const base = encodeWitness(honest);
  // one record of 5 data bytes: a valid encoding, leftover at exit
  const withRecord = encodeWitness({ ...honest, state_access_list: [{ opcode: 0x54, data: '0x0102030405' }] });
  const notArchivedHash: Hex = keccak256('0x6001600201'); // code nobody archived
  const record = L.W_RECORD_OFFSETS + 0x20; // the record's first word, after the one record offset

  const cases: HostileCase[] = [];
  const valid = (name: string, data: Hex): void => {
    cases.push({ name, data, expect: { kind: 'valid' } });
  };
  const invalid = (name: string, data: Hex, error: ErrorName): void => {
    cases.push({ name, data, expect: { kind: 'invalid', error } });
  };

  valid('the honest witness is accepted (baseline)', base);
  invalid('empty calldata', '0x', 'WITNESS_TOO_SHORT');
  invalid('truncated below the minimum', base.slice(0, 2 + 2 * (L.W_MIN_SIZE - 1)) as Hex, 'WITNESS_TOO_SHORT');
  invalid('truncated tail (the account key count)', base.slice(0, base.length - 64) as Hex, 'KEY_LIST_OUT_OF_BOUNDS');
  invalid('tuple offset not 0x20', setWord(base, L.W_TUPLE_OFFSET, 0x40n), 'BAD_TUPLE_OFFSET');
  invalid('tuple offset near 2^256', setWord(base, L.W_TUPLE_OFFSET, MAX), 'BAD_TUPLE_OFFSET');
  invalid('record list offset moved', setWord(base, L.W_ACCESS_LIST_PTR, BigInt(L.W_ACCESS_LIST_CANONICAL + 0x20)), 'BAD_ACCESS_LIST_OFFSET');
  invalid('record list offset near 2^256', setWord(base, L.W_ACCESS_LIST_PTR, MAX - 31n), 'BAD_ACCESS_LIST_OFFSET');
  invalid('record count near 2^256', setWord(base, L.W_RECORD_COUNT, MAX), 'ACCESS_LIST_OUT_OF_BOUNDS');
  invalid('record count past the end', setWord(base, L.W_RECORD_COUNT, BigInt(size(base) / 32)), 'ACCESS_LIST_OUT_OF_BOUNDS');
  invalid('record offset not canonical', setWord(withRecord, L.W_RECORD_OFFSETS, 0x40n), 'BAD_RECORD_OFFSET');
  invalid('record offset near 2^256', setWord(withRecord, L.W_RECORD_OFFSETS, MAX), 'BAD_RECORD_OFFSET');
  invalid('record data offset not 0x40', setWord(withRecord, record + 0x20, BigInt(L.W_RECORD_DATA_PTR + 0x20)), 'BAD_RECORD_ENCODING');
  invalid('record opcode above 0xff', setWord(withRecord, record, 0x154n), 'BAD_RECORD_ENCODING');
  invalid('record data length near 2^256', setWord(withRecord, record + 0x40, MAX), 'ACCESS_LIST_OUT_OF_BOUNDS');
  invalid('record data padding not zero', setByte(withRecord, record + 0x60 + 5, 1), 'NONZERO_PADDING');
  invalid('calldata offset moved', setWord(base, L.W_CALLDATA_PTR, BigInt(L.W_RECORD_OFFSETS - L.W_TUPLE_BASE + 0x20)), 'BAD_CALLDATA_OFFSET');
  invalid('calldata offset near 2^256', setWord(base, L.W_CALLDATA_PTR, MAX), 'BAD_CALLDATA_OFFSET');
  // with no records, the calldata length word sits where the first record offset would be
  invalid('calldata length near 2^256', setWord(base, L.W_RECORD_OFFSETS, MAX), 'CALLDATA_OUT_OF_BOUNDS');
  invalid('calldata length past the end', setWord(base, L.W_RECORD_OFFSETS, BigInt(size(base))), 'CALLDATA_OUT_OF_BOUNDS');
  // the calldata: its length word, then its one byte and 31 bytes of padding
  invalid('calldata padding not zero', setByte(base, L.W_RECORD_OFFSETS + 63, 0xff), 'NONZERO_PADDING');
  invalid('one byte too many', concat([base, '0x00']), 'TRAILING_BYTES');
  invalid('a whole word too many', concat([base, pad('0x00', { size: 32 })]), 'TRAILING_BYTES');
  invalid('isStatic neither 0 nor 1', setWord(base, L.W_IS_STATIC, 2n), 'BAD_BOOL');
  for (const [field, at] of [['origin', L.W_ORIGIN], ['caller', L.W_CALLER], ['to', L.W_TO], ['context', L.W_CONTEXT]] as const) {
    invalid(`${field} with dirty upper bytes`, setWord(base, at, (1n << 160n) | 5n), 'BAD_ADDRESS');
  }
  invalid('block.coinbase with dirty upper bytes', setWord(base, L.W_COINBASE, (1n << 160n) | 5n), 'BAD_ADDRESS');
  invalid('status 3', setWord(base, L.W_STATUS, 3n), 'BAD_STATUS');
  invalid('status near 2^256', setWord(base, L.W_STATUS, MAX), 'BAD_STATUS');
  invalid('gasAvailable of 2^64', setWord(base, L.W_GAS_AVAILABLE, 1n << 64n), 'GAS_AVAILABLE_TOO_LARGE');
  // the same program with more gas: gasUsed is unchanged, so only the claim decides
  valid('gasAvailable just below 2^64 is accepted as a value', encodeWitness({ ...honest, gasAvailable: (1n << 64n) - 1n }));
  cases.push({
    name: 'a codeHash without an archive is not a verdict',
    data: encodeWitness({ ...honest, codeHash: notArchivedHash }),
    expect: { kind: 'notArchived', codeHash: notArchivedHash },
  });
  // the archive is chosen by codeHash alone, but a message to a precompile (Prague: 0x01-0x11) runs no code
  for (const to of ['0x0000000000000000000000000000000000000001', '0x0000000000000000000000000000000000000004', '0x0000000000000000000000000000000000000011'] as const) {
    invalid(`\`to\` ${to} (a precompile) runs no code`, encodeWitness({ ...honest, to }), 'PRECOMPILE_FRAME');
  }
  for (const to of ['0x0000000000000000000000000000000000000000', '0x0000000000000000000000000000000000000012', '0x0000000000000000000000000000000000000100'] as const) {
    valid(`\`to\` ${to} (next to the precompiles) verifies`, encodeWitness({ ...honest, to }));
  }
  valid('`to` 0x00000000000000000000000000000000deadbeef (no code anywhere) verifies', encodeWitness({ ...honest, to: '0x00000000000000000000000000000000deadbeef' }));

  // the key lists: after the calldata (length word + one padded word), each a count then its entries
  const storageAt = L.W_RECORD_OFFSETS + 64;
  for (const [list, ptr, shift] of [['storage', L.W_STORAGE_KEYS_PTR, 0], ['transient', L.W_TRANSIENT_KEYS_PTR, 32], ['account', L.W_ACCOUNT_KEYS_PTR, 64]] as const) {
    const canonical = BigInt(storageAt + shift - L.W_TUPLE_BASE);
    invalid(`${list} key list offset moved`, setWord(base, ptr, canonical + 32n), 'BAD_KEY_LIST_OFFSET');
    invalid(`${list} key list offset near 2^256`, setWord(base, ptr, MAX), 'BAD_KEY_LIST_OFFSET');
    invalid(`${list} key count near 2^256`, setWord(base, storageAt + shift, MAX), 'KEY_LIST_OUT_OF_BOUNDS');
    invalid(`${list} key count past the end`, setWord(base, storageAt + shift, 1n), 'KEY_LIST_OUT_OF_BOUNDS');
  }
  const slotKey = (slot: bigint) => ({ slot, warm: false, original: 0n, value: 0n });
  const accountKey = (account: Hex, balance = 0n, codeHash: Hex = keccak256('0x')) => ({ account, warm: false, balance, codeHash });
  invalid('storage keys out of order', encodeWitness({ ...honest, storageKeys: [slotKey(2n), slotKey(1n)] }), 'KEYS_NOT_SORTED');
  invalid('a storage key listed twice', encodeWitness({ ...honest, storageKeys: [slotKey(1n), slotKey(1n)] }), 'KEYS_NOT_SORTED');
  invalid('transient keys out of order', encodeWitness({ ...honest, transientKeys: [{ slot: 9n, value: 0n }, { slot: 3n, value: 0n }] }), 'KEYS_NOT_SORTED');
  invalid('account keys out of order', encodeWitness({ ...honest, accountKeys: [accountKey('0x00000000000000000000000000000000000000b0'), accountKey('0x00000000000000000000000000000000000000a0')] }), 'KEYS_NOT_SORTED');
  invalid('an account key with code hash 0 and a balance', encodeWitness({ ...honest, accountKeys: [accountKey('0x00000000000000000000000000000000000000a0', 1n, `0x${'00'.repeat(32)}`)] }), 'BAD_ACCOUNT_KEY');
  const oneStorageKey = encodeWitness({ ...honest, storageKeys: [slotKey(1n)] });
  invalid('a storage key warm flag of 2', setWord(oneStorageKey, storageAt + 32 + L.KEY_WARM, 2n), 'BAD_BOOL');
  const oneAccountKey = encodeWitness({ ...honest, accountKeys: [accountKey('0x00000000000000000000000000000000000000a0')] });
  invalid('an account key warm flag of 2', setWord(oneAccountKey, storageAt + 64 + 32 + L.KEY_WARM, 2n), 'BAD_BOOL');
  invalid('an account key with dirty upper bytes', setWord(oneAccountKey, storageAt + 64 + 32, (1n << 160n) | 0xa0n), 'BAD_ADDRESS');
  // a listed key that the frame never looks up is checked at exit, after the guest ran (code 37, at the end of the code)

  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`two hostile cases are named ${JSON.stringify(c.name)}`);
    names.add(c.name);
  }
  return cases;
}
