/**
 * A fuzz case: a guest program, its call context, how much gas it gets, and the mutations to make
 * to its honest witness. All of it generated (and shrunk) by fast-check.
 */
import fc from 'fast-check';
import { LAST_PRECOMPILE } from '../lib/evm/precompiles.ts';
import type { Hex } from '../lib/witness/types.ts';
import { OP } from '../lib/evm/opcodes.ts';
import { ADDRESS_POOL, programArb, wordArb, type ProgramSpec } from './program.ts';

export interface CtxSpec {
  caller: Hex;
  /** Origin equal to the caller (a call from an EOA) or another account. */
  origin: Hex | 'caller';
  to: Hex;
  /** The executing account: `to` (a CALL frame) or another account (a DELEGATECALL frame). */
  context: Hex | 'to';
  callvalue: bigint;
  gasPrice: bigint;
  /** Ignored (false) when callvalue > 0: no static frame carries value. */
  isStatic: boolean;
  calldata: number[];
  /** The world at frame entry (absent: empty storage, nothing warm beyond what every message has). */
  state?: StateSpec;
}

/** A pre-state for the keyed opcodes: the context's storage and transient storage, its balance, warm accounts. */
export interface StateSpec {
  /** Slots of the context's storage: value at frame entry, value at transaction start, warmth. */
  storage: Array<{ slot: bigint; value: bigint; original: bigint; warm: boolean }>;
  transient: Array<{ slot: bigint; value: bigint }>;
  /** The context's balance before the message's value arrives. */
  balance: bigint;
  warmAccounts: Hex[];
}

/**
 * Gas given to the message. The program is first run natively with generous gas to learn what it
 * needs (`needed`: gasUsed of that run if it did not halt).
 *   generous     10,000,000 (30,000 for a program that may spin until out of gas)
 *   rel          needed + d: from a few units short of what it needs to a few units over
 *   frac         needed * pct / 100
 *   tiny         a handful of units
 *   big          2^32 .. 2^64-1 (only for straight-line, memory-free code; otherwise generous)
 */
export type GasSpec =
  | { t: 'generous' }
  | { t: 'rel'; d: number }
  | { t: 'frac'; pct: number }
  | { t: 'tiny'; g: number }
  | { t: 'big'; g: bigint };

export type AddrField = 'origin' | 'caller' | 'context' | 'to' | 'toAndContext';

/** A change to the honest witness (or to the archived code, or to the encoded calldata). */
export type Mutation =
  | { t: 'gasUsed'; d: bigint }
  | { t: 'status'; s: 0 | 1 | 2 }
  | { t: 'returndataHash'; v: 'empty' | Hex }
  | { t: 'root'; which: 'enter' | 'leave' | 'both'; v: Hex }
  | { t: 'isStatic' }
  | { t: 'address'; field: AddrField; a: Hex }
  | { t: 'callvalue'; v: bigint }
  | { t: 'gasPrice'; v: bigint }
  | { t: 'gasAvailable'; d: bigint }
  | { t: 'calldata'; how: 'flip' | 'append' | 'truncate' | 'appendZero'; pos: number; byte: number }
  | { t: 'record'; how: 'insert'; at: number; opcode: number; data: number[] }
  | { t: 'record'; how: 'remove'; at: number }
  | { t: 'record'; how: 'swap'; i: number; j: number }
  /** The witness names other code: this one with a byte changed, archived too (codeHash = its hash). */
  | { t: 'code'; pos: number; byte: number }
  /** codeHash of code nobody archived (not a verdict: CodeNotArchived), or of the empty code (no archive needed). */
  | { t: 'codeHash'; which: 'unarchived'; v: Hex }
  | { t: 'codeHash'; which: 'empty' }
  | { t: 'raw'; how: 'flip'; pos: number; byte: number }
  | { t: 'raw'; how: 'truncate' | 'append'; n: number }
  | { t: 'raw'; how: 'word'; word: number; v: bigint }
  /** One block value replaced (index in struct order: coinbase, timestamp, number, prevrandao, gasLimit, chainId, baseFee, blobBaseFee). */
  | { t: 'block'; field: number; v: bigint }
  | { t: 'refund'; d: bigint }
  | { t: 'logsHash'; v: 'zero' | Hex }
  /** One word of a record's data changed (an argument, or a result such as a state root). */
  | { t: 'recordWord'; at: number; word: number; how: 'plus1' | 'set'; v: bigint }
  /** A key list edited: a key dropped, a key added (kept in order), or one claim of a key changed. */
  | { t: 'key'; list: KeyListName; how: 'remove'; at: number }
  | { t: 'key'; list: KeyListName; how: 'insert'; key: bigint; warm: boolean; v: bigint }
  | { t: 'key'; list: KeyListName; how: 'flipWarm' | 'value' | 'original' | 'balance' | 'codeHash'; at: number; v: bigint };

export type KeyListName = 'storageKeys' | 'transientKeys' | 'accountKeys';

export interface CaseSpec {
  program: ProgramSpec;
  ctx: CtxSpec;
  gas: GasSpec;
  /** Empty: only the honest witness is checked; otherwise also the mutated one. */
  mutations: Mutation[];
}

// ---------------------------------------------------------------------------------------------

const hexOf = (bytes: readonly number[]): Hex => `0x${Buffer.from(bytes).toString('hex')}`;
const bytesN = (n: number) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n });

export { ADDRESS_POOL };

/** Addresses that are never a precompile nor one of the batch runner's contracts (first byte >= 0x10). */
export const addressArb: fc.Arbitrary<Hex> = fc.oneof(
  { arbitrary: fc.constantFrom(...ADDRESS_POOL), weight: 2 },
  { arbitrary: fc.tuple(fc.integer({ min: 0x10, max: 0xff }), bytesN(19)).map(([b, rest]) => hexOf([b, ...rest])), weight: 3 },
);

/** `to`: random accounts only (the pool is for callers and origins). */
const toArb: fc.Arbitrary<Hex> = fc.tuple(fc.integer({ min: 0x20, max: 0xef }), bytesN(19)).map(([b, rest]) => hexOf([b, ...rest]));

const U256_MAX = (1n << 256n) - 1n;

export const valueArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.constant(0n), weight: 6 },
  { arbitrary: fc.bigInt(1n, 1000n), weight: 2 },
  { arbitrary: fc.bigInt(0n, U256_MAX), weight: 1 },
);

const gasPriceArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.constant(0n), weight: 6 },
  { arbitrary: fc.bigInt(1n, 10n ** 12n), weight: 3 },
  { arbitrary: fc.constantFrom(U256_MAX, 1n << 128n, 1n << 64n), weight: 1 },
);

const calldataArb: fc.Arbitrary<number[]> = fc.oneof(
  { arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 4 }).chain((w) => bytesN(32 * w)), weight: 2 },
  { arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 200 }), weight: 1 },
);

/** Storage values: the EIP-2200 cases need zero, equal and different values. */
const storageValueArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.bigInt(0n, 2n), weight: 6 },
  { arbitrary: wordArb, weight: 1 },
);

export const stateArb: fc.Arbitrary<StateSpec> = fc.record({
  storage: fc.uniqueArray(
    // a slot whose value differs from its original was written earlier in the transaction: it is warm
    fc.record({ slot: fc.bigInt(0n, 7n), value: storageValueArb, original: storageValueArb, warm: fc.boolean() }).map((e) => (e.value === e.original ? e : { ...e, warm: true })),
    { maxLength: 6, selector: (e) => e.slot },
  ),
  transient: fc.uniqueArray(fc.record({ slot: fc.bigInt(0n, 7n), value: storageValueArb }), { maxLength: 3, selector: (e) => e.slot }),
  balance: fc.oneof({ arbitrary: fc.constant(0n), weight: 2 }, { arbitrary: fc.bigInt(1n, 10n ** 20n), weight: 1 }),
  warmAccounts: fc.uniqueArray(fc.oneof(fc.constantFrom(...ADDRESS_POOL), fc.constantFrom<Hex>('0x000000000000000000000000000000000000dead', '0x000000000000000000000000000000000000beef')), { maxLength: 2 }),
});

export const ctxArb: fc.Arbitrary<CtxSpec> = fc.record({
  caller: addressArb,
  origin: fc.oneof({ arbitrary: fc.constant('caller' as const), weight: 3 }, { arbitrary: addressArb, weight: 1 }),
  to: toArb,
  context: fc.oneof({ arbitrary: fc.constant('to' as const), weight: 8 }, { arbitrary: addressArb, weight: 1 }),
  callvalue: valueArb,
  gasPrice: gasPriceArb,
  isStatic: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
  calldata: calldataArb,
  state: fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: stateArb, weight: 2 }),
}, { requiredKeys: ['caller', 'origin', 'to', 'context', 'callvalue', 'gasPrice', 'isStatic', 'calldata'] });

export const gasArb: fc.Arbitrary<GasSpec> = fc.oneof(
  { arbitrary: fc.constant<GasSpec>({ t: 'generous' }), weight: 5 },
  { arbitrary: fc.record({ t: fc.constant('rel' as const), d: fc.integer({ min: -6, max: 6 }) }), weight: 4 },
  { arbitrary: fc.record({ t: fc.constant('frac' as const), pct: fc.integer({ min: 1, max: 99 }) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('tiny' as const), g: fc.integer({ min: 0, max: 40 }) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('big' as const), g: fc.bigInt(1n << 32n, (1n << 64n) - 1n) }), weight: 1 },
);

const hash32Arb: fc.Arbitrary<Hex> = bytesN(32).map(hexOf);

const smallDelta = fc.oneof(
  { arbitrary: fc.constantFrom(1n, -1n), weight: 4 },
  { arbitrary: fc.bigInt(-100n, 100n), weight: 2 },
  { arbitrary: fc.constantFrom(1n << 64n, -(1n << 64n), 1n << 255n), weight: 1 },
);

/** Mutations of the witness fields, the code, the record list and the encoding. */
const keyListArb: fc.Arbitrary<KeyListName> = fc.constantFrom('storageKeys', 'transientKeys', 'accountKeys');

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('gasUsed' as const), d: smallDelta }), weight: 4 },
  { arbitrary: fc.record({ t: fc.constant('status' as const), s: fc.constantFrom(0 as const, 1 as const, 2 as const) }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('returndataHash' as const), v: fc.oneof(fc.constant('empty' as const), hash32Arb) }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('root' as const), which: fc.constantFrom('enter' as const, 'leave' as const, 'both' as const), v: hash32Arb }), weight: 2 },
  { arbitrary: fc.constant<Mutation>({ t: 'isStatic' }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant('address' as const),
      field: fc.constantFrom<AddrField>('caller', 'origin', 'context', 'to', 'toAndContext'),
      a: addressArb,
    }),
    weight: 4,
  },
  {
    // a message to a precompile runs no code: the hypervisor answers PRECOMPILE_FRAME
    arbitrary: fc.record({
      t: fc.constant('address' as const),
      field: fc.constantFrom<AddrField>('to', 'toAndContext'),
      a: fc.integer({ min: 1, max: LAST_PRECOMPILE }).map((n): Hex => `0x${n.toString(16).padStart(40, '0')}`),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ t: fc.constant('callvalue' as const), v: valueArb }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('gasPrice' as const), v: gasPriceArb }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('gasAvailable' as const), d: smallDelta }), weight: 3 },
  {
    arbitrary: fc.record({
      t: fc.constant('calldata' as const),
      how: fc.constantFrom('flip' as const, 'append' as const, 'truncate' as const, 'appendZero' as const),
      pos: fc.nat(300),
      byte: fc.integer({ min: 1, max: 255 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.oneof(
      {
        arbitrary: fc.record({
          t: fc.constant('record' as const),
          how: fc.constant('insert' as const),
          at: fc.nat(4),
          opcode: fc.oneof(fc.constantFrom(OP.SLOAD, OP.SSTORE, OP.BALANCE, OP.CALL, OP.LOG0), fc.integer({ min: 0, max: 255 }), fc.constant(Number.MAX_SAFE_INTEGER)),
          data: fc.oneof(fc.constant([] as number[]), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 96 })),
        }),
        weight: 3,
      },
      { arbitrary: fc.record({ t: fc.constant('record' as const), how: fc.constant('remove' as const), at: fc.nat(4) }), weight: 1 },
      { arbitrary: fc.record({ t: fc.constant('record' as const), how: fc.constant('swap' as const), i: fc.nat(4), j: fc.nat(4) }), weight: 1 },
    ),
    weight: 2,
  },
  { arbitrary: fc.record({ t: fc.constant('code' as const), pos: fc.nat(2000), byte: fc.integer({ min: 0, max: 255 }) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('block' as const), field: fc.nat(7), v: fc.oneof(fc.bigInt(0n, 3n), wordArb) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('refund' as const), d: fc.oneof(fc.constantFrom(1n, -1n, 2800n, -4800n, 19900n), smallDelta) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('logsHash' as const), v: fc.oneof(fc.constant('zero' as const), hash32Arb) }), weight: 1 },
  {
    arbitrary: fc.record({ t: fc.constant('recordWord' as const), at: fc.nat(3), word: fc.nat(2), how: fc.constantFrom('plus1' as const, 'set' as const), v: wordArb }),
    weight: 2,
  },
  {
    arbitrary: fc.oneof(
      fc.record({ t: fc.constant('key' as const), list: keyListArb, how: fc.constant('remove' as const), at: fc.nat(4) }),
      fc.record({ t: fc.constant('key' as const), list: keyListArb, how: fc.constant('insert' as const), key: fc.oneof(fc.bigInt(0n, 8n), wordArb), warm: fc.boolean(), v: fc.bigInt(0n, 3n) }),
      fc.record({
        t: fc.constant('key' as const),
        list: keyListArb,
        how: fc.constantFrom('flipWarm' as const, 'value' as const, 'original' as const, 'balance' as const, 'codeHash' as const),
        at: fc.nat(4),
        v: fc.oneof(fc.bigInt(0n, 3n), wordArb),
      }),
    ),
    weight: 3,
  },
  {
    arbitrary: fc.oneof(
      fc.record({ t: fc.constant('codeHash' as const), which: fc.constant('unarchived' as const), v: hash32Arb }),
      fc.constant<Mutation>({ t: 'codeHash', which: 'empty' }),
    ),
    weight: 1,
  },
  {
    arbitrary: fc.oneof(
      { arbitrary: fc.record({ t: fc.constant('raw' as const), how: fc.constant('flip' as const), pos: fc.nat(2000), byte: fc.integer({ min: 1, max: 255 }) }), weight: 3 },
      { arbitrary: fc.record({ t: fc.constant('raw' as const), how: fc.constantFrom('truncate' as const, 'append' as const), n: fc.integer({ min: 1, max: 64 }) }), weight: 1 },
      {
        arbitrary: fc.record({
          t: fc.constant('raw' as const),
          how: fc.constant('word' as const),
          word: fc.integer({ min: 0, max: 17 }),
          v: fc.oneof(wordArb, fc.constantFrom(0x1e0n, 0x1e1n, 0x20n, 0x21n, 0x200n, 2n, 3n, 1n << 64n, 1n << 160n)),
        }),
        weight: 2,
      },
    ),
    weight: 2,
  },
);

export const caseArb: fc.Arbitrary<CaseSpec> = fc.record({
  program: programArb,
  ctx: ctxArb,
  gas: gasArb,
  mutations: fc.oneof(
    { arbitrary: fc.constant<Mutation[]>([]), weight: 1 },
    { arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 2 }), weight: 3 },
  ),
});

// ---------------------------------------------------------------------------------------------
// JSON (corpus files): bigints as {"$big": "<decimal>"}

export function toJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? { $big: v.toString() } : v)));
}

export function fromJson<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $big?: unknown }).$big === 'string'
      ? BigInt((v as { $big: string }).$big)
      : v,
  ) as T;
}
