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
  | { t: 'key'; list: KeyListName; how: 'flipWarm' | 'value' | 'original' | 'balance' | 'codeHash'; at: number; v: bigint }
  | CallRecordMutation;

/**
 * A change to one call record (CALL, CALLCODE, DELEGATECALL, STATICCALL): the `at`-th call record of the witness,
 * modulo their number (none: no change). ts-fuzz/callrecords.ts applies them and gives the hypervisor's checks.
 *
 * Structural (each aimed at one error code, docs/errors.md): the data length against the counts (67), an argument
 * (68), status > 3 (70), gasUsed out of bounds (71), a non-success claiming an effect or return data (72), nonzero
 * return data padding (73), an invalid key update (74). Semantic (another consistent outcome; its verdict depends
 * on the callee, so the oracle mostly accepts any verdict): return data, status, gasUsed, key updates, refund, logs
 * hash, state root.
 */
export type CallRecordMutation =
  | { t: 'callRecord'; at: number; how: 'extraWord'; v: bigint }
  | { t: 'callRecord'; at: number; how: 'missingWord' }
  /** returndataLength or updateCount changed by d (≠ 0) without its tail. */
  | { t: 'callRecord'; at: number; how: 'count'; field: CallCountField; d: bigint }
  /** A count of 2^32 or more: v, or 'wrap': one whose byte size wraps around 2^256 to the record's own size. */
  | { t: 'callRecord'; at: number; how: 'hugeCount'; field: CallCountField; v: bigint | 'wrap' }
  /** An argument XORed with v (0: 1). */
  | { t: 'callRecord'; at: number; how: 'argument'; field: 'target' | 'value' | 'gas' | 'inputHash'; v: bigint }
  /** status v (below 4: 4 + v). */
  | { t: 'callRecord'; at: number; how: 'badStatus'; v: bigint }
  /** gasUsed > gas ('over': gas + d), a halt with gasUsed ≠ gas, a call not entered with gasUsed d ≠ 0. */
  | { t: 'callRecord'; at: number; how: 'badGasUsed'; which: 'over' | 'halt' | 'notEntered'; d: bigint }
  /** A consistent non-success (status 0, 2 or 3) with one claim it cannot make; `k`: the key of an update, `data`: return data. */
  | { t: 'callRecord'; at: number; how: 'inconsistent'; status: 0 | 2 | 3; claim: 'refund' | 'logsHash' | 'updates' | 'stateRoot' | 'returndata'; v: bigint; k: number; data: number[] }
  /** A revert returning `data` with a nonzero byte in its padding. */
  | { t: 'callRecord'; at: number; how: 'padding'; data: number[]; pos: number; byte: number }
  /** A success whose key updates gain a bad one: a repeated key, a smaller key, a key past the lists, warm > 1, a warm transient key. */
  | { t: 'callRecord'; at: number; how: 'badUpdate'; which: 'duplicate' | 'descending' | 'keyRange' | 'warm' | 'transientWarm'; k: number; v: bigint }
  /** Semantic: other return data (`flip`: one byte of the record's own flipped) for a success or revert. */
  | { t: 'callRecord'; at: number; how: 'returndata'; data: number[]; flip: boolean }
  /** Semantic: another status, the claims made consistent with it. */
  | { t: 'callRecord'; at: number; how: 'status'; status: 0 | 1 | 2 | 3 }
  /** Semantic: gasUsed v mod (gas + 1), for a success or revert. */
  | { t: 'callRecord'; at: number; how: 'gasUsed'; v: bigint }
  /** Semantic: a valid key update added (key k mod the number of keys; kept ascending), or one changed. */
  | { t: 'callRecord'; at: number; how: 'addUpdate'; k: number; warm: boolean; v: bigint }
  | { t: 'callRecord'; at: number; how: 'changeUpdate'; i: number; flipWarm: boolean; v: bigint }
  /** Semantic: the refund changed by d (≠ 0), the logs hash or the state root replaced. */
  | { t: 'callRecord'; at: number; how: 'refund'; d: bigint }
  | { t: 'callRecord'; at: number; how: 'logsHash'; v: 'zero' | Hex }
  | { t: 'callRecord'; at: number; how: 'stateRoot'; v: Hex };

export type CallCountField = 'returndataLength' | 'updateCount';

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

const callCountFieldArb = fc.constantFrom<CallCountField>('returndataLength', 'updateCount');
const callAtArb = fc.nat(3);
const nonzeroDelta = fc.oneof(fc.constantFrom(1n, -1n, 32n, -32n, 96n, -96n), fc.bigInt(-100n, 100n).filter((d) => d !== 0n));
const smallBytes = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 70 });

/** Call-record mutations (spec.ts CallRecordMutation): structural ones and semantic ones about equally. */
export const callRecordMutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  // structural
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('extraWord' as const), v: fc.oneof(fc.constant(0n), wordArb) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('missingWord' as const) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('count' as const), field: callCountFieldArb, d: nonzeroDelta }), weight: 2 },
  {
    arbitrary: fc.record({
      t: fc.constant('callRecord' as const),
      at: callAtArb,
      how: fc.constant('hugeCount' as const),
      field: callCountFieldArb,
      v: fc.oneof(fc.constant('wrap' as const), fc.constantFrom(1n << 32n, (1n << 32n) + 1n, 1n << 64n, 1n << 251n, 1n << 255n, U256_MAX)),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      t: fc.constant('callRecord' as const),
      at: callAtArb,
      how: fc.constant('argument' as const),
      field: fc.constantFrom('target' as const, 'value' as const, 'gas' as const, 'inputHash' as const),
      v: fc.oneof(fc.constantFrom(1n, 1n << 160n, 1n << 255n), wordArb),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('badStatus' as const), v: fc.oneof(fc.bigInt(4n, 10n), fc.constantFrom(255n, 1n << 32n, 1n << 255n, U256_MAX)) }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant('callRecord' as const),
      at: callAtArb,
      how: fc.constant('badGasUsed' as const),
      which: fc.constantFrom('over' as const, 'halt' as const, 'notEntered' as const),
      d: fc.oneof(fc.constant(1n), fc.bigInt(1n, 100_000n), fc.constantFrom(1n << 64n, U256_MAX)),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      t: fc.constant('callRecord' as const),
      at: callAtArb,
      how: fc.constant('inconsistent' as const),
      status: fc.constantFrom(0 as const, 2 as const, 3 as const),
      claim: fc.constantFrom('refund' as const, 'logsHash' as const, 'updates' as const, 'stateRoot' as const, 'returndata' as const),
      v: fc.oneof(fc.constantFrom(1n, U256_MAX), wordArb),
      k: fc.nat(20),
      data: smallBytes,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('padding' as const), data: smallBytes, pos: fc.nat(31), byte: fc.integer({ min: 1, max: 255 }) }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant('callRecord' as const),
      at: callAtArb,
      how: fc.constant('badUpdate' as const),
      which: fc.constantFrom('duplicate' as const, 'descending' as const, 'keyRange' as const, 'warm' as const, 'transientWarm' as const),
      k: fc.nat(20),
      v: fc.oneof(fc.bigInt(0n, 3n), wordArb),
    }),
    weight: 3,
  },
  // semantic
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('returndata' as const), data: smallBytes, flip: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('status' as const), status: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('gasUsed' as const), v: fc.oneof(fc.bigInt(0n, 100n), fc.bigInt(0n, 1n << 64n)) }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('addUpdate' as const), k: fc.nat(20), warm: fc.boolean(), v: fc.oneof(fc.bigInt(0n, 3n), wordArb) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('changeUpdate' as const), i: fc.nat(4), flipWarm: fc.boolean(), v: fc.oneof(fc.bigInt(0n, 3n), wordArb) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('refund' as const), d: fc.oneof(fc.constantFrom(1n, -1n, 2800n, -4800n, 19900n), nonzeroDelta) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('logsHash' as const), v: fc.oneof(fc.constant('zero' as const), hash32Arb) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('callRecord' as const), at: callAtArb, how: fc.constant('stateRoot' as const), v: hash32Arb }), weight: 1 },
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
  { arbitrary: callRecordMutationArb, weight: 5 },
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
