/**
 * Guest programs: a structured description (what the arbitraries generate and shrink) and the
 * assembler that turns it into bytecode.
 *
 * A program is a list of fragments and an epilogue. Fragments are chosen so that most programs
 * are well formed (every `op` fragment pushes its own operands) while the rest of the EVM's edge
 * cases are reached on purpose: `raw` opcodes that use whatever is on the stack (underflow),
 * bounded loops, forward jumps over junk, bad jumps (into PUSH data holding a JUMPDEST byte, past the end of
 * code, to huge destinations, to non-JUMPDESTs), deep stacks around the hypervisor's 1000-item
 * native limit and the EVM's 1024-item limit, memory at small and huge offsets, copies and hashes
 * of odd lengths, and PUSH data running off the end of the code.
 *
 * Generated programs never contain a record opcode (they would make the hypervisor answer
 * UNSUPPORTED_OPCODE) except as PUSH data or as junk that is jumped over; a case whose native run
 * executes one anyway is counted as skipped.
 */
import fc from 'fast-check';
import { hypervisorHandlers } from './handlers.ts';
import { immediateSize, OP, OPCODES, pushOpcode, type OperandRole, type OpSpec } from '../lib/evm/opcodes.ts';
import type { Hex } from '../lib/witness/types.ts';

// ---------------------------------------------------------------------------------------------
// Types

/** How an `op` fragment disposes of the values its opcode pushes. */
export type Keep = 'stack' | 'pop' | 'mstore';

export interface OpFragment {
  t: 'op';
  op: number;
  /** Operands in stack order: args[0] is the top of the stack when the opcode runs. */
  args: bigint[];
  keep: Keep;
}
export interface RawFragment {
  /** An opcode without prepared operands: runs on whatever the stack holds (may underflow). */
  t: 'raw';
  op: number;
}
export interface PushFragment {
  /** PUSH<data.length> data (PUSH0 for empty data). */
  t: 'push';
  data: number[];
}
export interface LoopFragment {
  /** do { body } while (--counter != 0), the counter kept on the stack; body is stack-neutral. */
  t: 'loop';
  iters: number;
  body: OpFragment[];
}
export interface SkipFragment {
  /** A forward jump over junk bytes to a JUMPDEST ('jumpi-not-taken' runs the junk). */
  t: 'skip';
  how: 'jump' | 'jumpi-taken' | 'jumpi-not-taken';
  junk: number[];
}
export type BadJumpTarget = 'pushdata' | 'pushdata32' | 'past-end' | 'non-jumpdest' | 'huge';
export interface BadJumpFragment {
  t: 'badJump';
  target: BadJumpTarget;
  via: 'jump' | 'jumpi' | 'jumpi-zero';
  /** past-end: destination = code length + delta; pushdata32: index of the JUMPDEST byte in the data. */
  delta: number;
  huge: bigint;
}
export interface DeepStep {
  /** Absolute guest stack height to reach (as tracked statically by the assembler). */
  target: number;
  fill: 'pc' | 'push0' | 'push1' | 'dup1' | 'gas' | 'dup16';
  fold: 'add' | 'xor' | 'pop';
  probe: 'none' | 'dup16' | 'swap16' | 'dup16-swap16';
}
export interface DeepFragment {
  /** Grow or shrink the stack to each target in turn (past 1000 and back, up to overflow at 1025). */
  t: 'deep';
  steps: DeepStep[];
}
export interface SpinFragment {
  /** JUMPDEST PUSH2 L JUMP: loops until out of gas (programs with it get little gas). */
  t: 'spin';
}
/**
 * A PUSHn whose data (and the PUSH32 of code right after it) copies instruction entries that name a
 * hypervisor handler, run, then a jump back into the data: the EVM halts (not a JUMPDEST). With
 * `layout` 'entries' the handler sits in the low 16 bits of each 8-byte entry the analysis would
 * fill from these bytes, the rest zero (a well-formed forgery); with 'every' every other byte pair
 * holds it (phase 0 or 1), so it appears at every alignment.
 */
export interface ForgedJumpFragment {
  t: 'forgedJump';
  n: number;
  handler: number;
  layout: 'entries' | 'every';
  phase: 0 | 1;
  /** Data position jumped to: 1..n into the PUSHn, n+2.. into the PUSH32 after it. */
  target: number;
  via: 'jump' | 'jumpi' | 'dyn-jump' | 'dyn-jumpi';
}
/**
 * A loop whose head is JUMPDEST number before + 1 of a run of before + 1 + after JUMPDESTs (a run is one
 * block of the analysis, cut at the code's 64-byte boundaries, and a jump into it is checked against the
 * rest of the block), entered by falling through the whole run or by a jump straight to the head; the body
 * may hold GAS (which reads the block's gas after it).
 */
export interface RunLoopFragment {
  t: 'runLoop';
  before: number;
  after: number;
  iters: number;
  enter: 'fall' | 'jump';
  gas: boolean;
}
export type Fragment =
  | OpFragment
  | RawFragment
  | PushFragment
  | LoopFragment
  | SkipFragment
  | BadJumpFragment
  | DeepFragment
  | SpinFragment
  | ForgedJumpFragment
  | RunLoopFragment;

export type Epilogue =
  | { t: 'none' } // run off the end of the code
  | { t: 'stop' }
  | { t: 'returnTop'; n: number; revert: boolean } // store the top n items at 0, 32, ...; RETURN/REVERT them
  | { t: 'ret'; off: bigint; len: bigint; revert: boolean }
  | { t: 'returnMem'; revert: boolean } // MSIZE PUSH0 RETURN
  | { t: 'invalid'; op: number } // INVALID or an undefined opcode
  | { t: 'truncPush'; n: number; data: number[] }; // PUSHn with fewer than n bytes left

export interface ProgramSpec {
  fragments: Fragment[];
  epilogue: Epilogue;
}

// ---------------------------------------------------------------------------------------------
// Opcode sets

const codes = (specs: readonly OpSpec[]): number[] => specs.map((o) => o.code);
const LOCAL = OPCODES.filter((o) => o.kind === 'local');
/**
 * Which opcodes `op` fragments draw from: 'all' (the default), or 'classic' (environment ISO_FUZZ_OPS=classic): without
 * CREATE, CREATE2 and SELFDESTRUCT, the case stream of the campaigns from before they were generated (the
 * fault-injection tests keep the seeds they were chosen on with it). Read once, when the module loads, in every process
 * of a campaign (workers inherit the environment).
 */
export const GENERATED_OPS: 'all' | 'classic' = process.env.ISO_FUZZ_OPS === 'classic' ? 'classic' : 'all';
const NOT_GENERATED: ReadonlySet<number> = new Set(GENERATED_OPS === 'classic' ? [OP.CREATE, OP.CREATE2, OP.SELFDESTRUCT] : []);
/** Record opcodes the hypervisor executes (their honest records come from the reference run). */
const RECORDED = OPCODES.filter((o) => o.kind === 'recorded' && !NOT_GENERATED.has(o.code));
const UNDEFINED = codes(OPCODES.filter((o) => o.kind === 'undefined'));
/** Opcodes the hypervisor answers from the witness's key lists (state). */
const KEYED = OPCODES.filter((o) => o.kind === 'keyed');
/** LOG0-LOG4: local, but they end their block (their gas is charged by their handler). */
const LOGS = LOCAL.filter((o) => o.name.startsWith('LOG'));
const isPush = (op: number): boolean => immediateSize(op) > 0;
const isJump = (o: OpSpec): boolean => o.operands.includes('jumpDest');

/**
 * Opcodes an `op` fragment can run (operands pushed by the fragment): local ones that neither end the block nor push
 * data, and the record, keyed and LOG opcodes the hypervisor executes (they end their block, but execution goes on).
 */
export const OP_FRAGMENT_OPS: readonly number[] = [...codes(LOCAL.filter((o) => !o.endsBlock && o.immediate === 0)), ...codes(RECORDED), ...codes(KEYED), ...codes(LOGS)];
/** Opcodes a `raw` fragment can run: every local opcode but the jumps (wild jumps could loop), and undefined ones. */
export const RAW_OPS: readonly number[] = [...codes(LOCAL.filter((o) => !isJump(o))), ...UNDEFINED];
/** Bytes for junk that is jumped over or run: anything but record opcodes and jumps. */
export const JUNK_BYTES: readonly number[] = [...RAW_OPS].sort((a, b) => a - b);
/** Opcodes that read or write guest memory: the local ones with a memory offset operand. */
export const MEMORY_OPS: ReadonlySet<number> = new Set(codes(LOCAL.filter((o) => o.operands.includes('memOffset'))));
/**
 * Every opcode whose memory range the guest pays to expand: the local ones, the calls (input and output ranges) and the
 * creates (init code). A program holding one of these bytes gets bounded gas (gasCap, prepare.ts).
 */
export const MEMORY_RANGE_OPS: ReadonlySet<number> = new Set(codes(OPCODES.filter((o) => o.kind !== 'undefined' && o.operands.includes('memOffset'))));
/** JUMP and JUMPI. */
const JUMPS: ReadonlySet<number> = new Set(codes(LOCAL.filter(isJump)));

// ---------------------------------------------------------------------------------------------
// Operand arbitraries

/** A few fixed accounts, so that caller = origin = context coincide now and then. */
export const ADDRESS_POOL: readonly Hex[] = [
  '0x1000000000000000000000000000000000000001',
  '0xc0ffee00000000000000000000000000000000c0',
  '0xffffffffffffffffffffffffffffffffffffffff',
  '0x8000000000000000000000000000000000000000',
];

const U256_MAX = (1n << 256n) - 1n;
const pow2 = (n: number): bigint => 1n << BigInt(n);

const interestingWords = fc.constantFrom(
  0n, 1n, 2n, 3n, 7n, 8n, 16n, 31n, 32n, 33n, 63n, 64n, 255n, 256n, BigInt(OP.JUMPDEST),
  pow2(255), pow2(255) - 1n, U256_MAX, U256_MAX - 1n, pow2(128), pow2(64) - 1n, pow2(64), pow2(32), pow2(160) - 1n,
);

/** Any 256-bit word, biased to edge values. */
export const wordArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.bigInt(0n, 255n), weight: 3 },
  { arbitrary: interestingWords, weight: 3 },
  { arbitrary: fc.bigInt(0n, U256_MAX), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 32 }).chain((bytes) => fc.bigInt(0n, pow2(8 * bytes) - 1n)), weight: 2 },
  { arbitrary: fc.bigInt(1n, 1000n).map((v) => (1n << 256n) - v), weight: 1 },
);

/** Memory offsets: mostly small (often odd), sometimes large, sometimes beyond any gas. */
export const offsetArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.bigInt(0n, 100n), weight: 20 },
  { arbitrary: fc.bigInt(0n, 4096n), weight: 5 },
  { arbitrary: fc.constantFrom(pow2(16) - 1n, pow2(17) + 3n, pow2(20) - 33n, pow2(20), pow2(22)), weight: 1 },
  { arbitrary: fc.constantFrom(pow2(32), pow2(32) - 1n, pow2(64) - 1n, pow2(64), pow2(255), U256_MAX), weight: 1 },
);

/** Lengths of copies, hashes and return data: mostly small and odd, sometimes huge. */
export const lengthArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.bigInt(0n, 70n), weight: 20 },
  { arbitrary: fc.bigInt(0n, 2048n), weight: 5 },
  { arbitrary: fc.constantFrom(pow2(16) + 1n, pow2(20)), weight: 1 },
  { arbitrary: fc.constantFrom(pow2(32), pow2(64) - 1n, pow2(64), U256_MAX), weight: 1 },
);

/** Byte indexes and shift amounts. */
const smallArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.bigInt(0n, 40n), weight: 4 },
  { arbitrary: fc.bigInt(240n, 300n), weight: 1 },
  { arbitrary: wordArb, weight: 1 },
);

/** EXP exponents of every byte length. */
const exponentArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.bigInt(0n, 3n), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 32 }).map((n) => pow2(8 * n) - 1n), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 255 }).map((n) => pow2(n)), weight: 1 },
  { arbitrary: wordArb, weight: 2 },
);

/** Offsets into calldata or code (often just around their end). */
const sourceOffsetArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.bigInt(0n, 120n), weight: 10 },
  { arbitrary: fc.constantFrom(pow2(32), pow2(64) - 1n, pow2(64), U256_MAX), weight: 1 },
);

/** RETURNDATACOPY offset/length: no call has returned data, so anything but 0 halts. */
const returndataArgArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.constant(0n), weight: 12 },
  { arbitrary: fc.bigInt(1n, 40n), weight: 1 },
  { arbitrary: fc.constantFrom(pow2(64), U256_MAX), weight: 1 },
);

/** Storage and transient slots: mostly the few slots a context's pre-state holds (ts-fuzz/spec.ts), so keys repeat. */
export const slotArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.bigInt(0n, 7n), weight: 8 },
  { arbitrary: wordArb, weight: 1 },
);

/** Accounts: the address pool of the contexts, precompiles, a few others, any word (only its low 160 bits count). */
export const accountArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.constantFrom(...ADDRESS_POOL.map((a) => BigInt(a))), weight: 4 },
  { arbitrary: fc.bigInt(0n, 0x12n), weight: 2 },
  { arbitrary: fc.constantFrom(0xdeadn, 0xbeefn, (1n << 160n) | 0xdeadn), weight: 2 },
  { arbitrary: wordArb, weight: 1 },
);

/** The distribution an operand is drawn from. */
type OperandDomain = 'word' | 'offset' | 'length' | 'small' | 'exp' | 'source' | 'rd' | 'slot' | 'account';
const DOMAIN_ARBS: Record<OperandDomain, fc.Arbitrary<bigint>> = {
  word: wordArb, offset: offsetArb, length: lengthArb, small: smallArb, exp: exponentArb, source: sourceOffsetArb, rd: returndataArgArb,
  slot: slotArb, account: accountArb,
};

/** The distribution of each operand role (lib/evm/opcodes.ts); the roles not listed are any word. */
const ROLE_DOMAINS: Partial<Record<OperandRole, OperandDomain>> = {
  memOffset: 'offset', length: 'length', dataOffset: 'source', returnDataOffset: 'rd', index: 'small', shift: 'small', exponent: 'exp',
  blockNumber: 'small', slot: 'slot', address: 'account',
};

/** Operand distributions of an opcode, top of the stack first, from its operand roles. */
export function operandDomains(op: number): OperandDomain[] {
  const roles = OPCODES[op]!.operands;
  // no call has returned data: a length into the empty return data is drawn like its offset (anything but 0 halts)
  const readsReturnData = roles.includes('returnDataOffset');
  return roles.map((r) => (readsReturnData && r === 'length' ? 'rd' : ROLE_DOMAINS[r] ?? 'word'));
}

function opFragmentArb(op: number, keeps: readonly Keep[]): fc.Arbitrary<OpFragment> {
  const domains = operandDomains(op);
  return fc.record({
    t: fc.constant('op' as const),
    op: fc.constant(op),
    args: domains.length === 0 ? fc.constant<bigint[]>([]) : (fc.tuple(...domains.map((d) => DOMAIN_ARBS[d])) as fc.Arbitrary<bigint[]>),
    keep: fc.constantFrom(...keeps),
  });
}

/** Operand roles whose edge cases an opcode is drawn more often for: memory, calldata/code/return data offsets, exponents. */
const FAVOURED_ROLES: ReadonlySet<OperandRole> = new Set(['memOffset', 'dataOffset', 'returnDataOffset', 'exponent']);

/** Weight of each opcode among `op` fragments: memory, copy, hash, calldata and EXP opcodes more often. */
function opWeight(op: number): number {
  const o = OPCODES[op]!;
  if (o.operands.some((r) => FAVOURED_ROLES.has(r))) return 4;
  if (/^(DUP|SWAP)[0-9]+$/.test(o.name)) return 1; // 32 DUP/SWAP variants
  return 2;
}

const opArb = (keeps: readonly Keep[]): fc.Arbitrary<OpFragment> =>
  fc.oneof(...OP_FRAGMENT_OPS.map((op) => ({ arbitrary: opFragmentArb(op, keeps), weight: opWeight(op) })));

export const opFragment: fc.Arbitrary<OpFragment> = opArb(['stack', 'stack', 'pop', 'mstore']);
/** Stack-neutral op fragments, for loop bodies. */
export const neutralOpFragment: fc.Arbitrary<OpFragment> = opArb(['pop', 'mstore']);

const byteArb = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 255 }), weight: 4 }, { arbitrary: fc.constant(OP.JUMPDEST), weight: 1 });

export const rawFragment: fc.Arbitrary<RawFragment> = fc.record({ t: fc.constant('raw' as const), op: fc.constantFrom(...RAW_OPS) });

export const pushFragment: fc.Arbitrary<PushFragment> = fc.record({
  t: fc.constant('push' as const),
  data: fc.integer({ min: 0, max: 32 }).chain((n) => fc.array(byteArb, { minLength: n, maxLength: n })),
});

export const loopFragment: fc.Arbitrary<LoopFragment> = fc.record({
  t: fc.constant('loop' as const),
  iters: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 5 }), weight: 8 }, { arbitrary: fc.integer({ min: 1, max: 64 }), weight: 4 }, { arbitrary: fc.integer({ min: 100, max: 300 }), weight: 1 }),
  body: fc.array(neutralOpFragment, { maxLength: 4 }),
});

export const skipFragment: fc.Arbitrary<SkipFragment> = fc.record({
  t: fc.constant('skip' as const),
  how: fc.constantFrom('jump' as const, 'jumpi-taken' as const, 'jumpi-not-taken' as const),
  junk: fc.array(fc.oneof({ arbitrary: fc.constantFrom(...JUNK_BYTES), weight: 3 }, { arbitrary: fc.constant(OP.JUMPDEST), weight: 1 }), { maxLength: 8 }),
});

export const badJumpFragment: fc.Arbitrary<BadJumpFragment> = fc.record({
  t: fc.constant('badJump' as const),
  target: fc.constantFrom<BadJumpTarget>('pushdata', 'pushdata32', 'past-end', 'non-jumpdest', 'huge'),
  via: fc.constantFrom('jump' as const, 'jumpi' as const, 'jumpi-zero' as const),
  delta: fc.integer({ min: 0, max: 40 }),
  huge: fc.constantFrom(pow2(16), pow2(32), pow2(64), pow2(64) + 1n, U256_MAX),
});

const deepStep: fc.Arbitrary<DeepStep> = fc.record({
  target: fc.oneof(
    { arbitrary: fc.integer({ min: 995, max: 1026 }), weight: 4 },
    { arbitrary: fc.integer({ min: 1020, max: 1026 }), weight: 2 },
    { arbitrary: fc.integer({ min: 480, max: 530 }), weight: 1 },
    { arbitrary: fc.integer({ min: 0, max: 1030 }), weight: 2 },
  ),
  fill: fc.constantFrom('pc' as const, 'push0' as const, 'push1' as const, 'dup1' as const, 'gas' as const, 'dup16' as const),
  fold: fc.constantFrom('add' as const, 'xor' as const, 'pop' as const),
  probe: fc.constantFrom('none' as const, 'dup16' as const, 'swap16' as const, 'dup16-swap16' as const),
});

export const deepFragment: fc.Arbitrary<DeepFragment> = fc.record({
  t: fc.constant('deep' as const),
  steps: fc.array(deepStep, { minLength: 1, maxLength: 4 }),
});

export const forgedJumpFragment: fc.Arbitrary<ForgedJumpFragment> = fc
  .record({
    t: fc.constant('forgedJump' as const),
    n: fc.integer({ min: 1, max: 32 }),
    handler: fc.oneof(fc.constantFrom(...hypervisorHandlers().entry), fc.constantFrom(...hypervisorHandlers().all)),
    layout: fc.constantFrom('entries' as const, 'every' as const),
    phase: fc.constantFrom(0 as const, 1 as const),
    target: fc.integer({ min: 1, max: 70 }),
    via: fc.constantFrom('jump' as const, 'jumpi' as const, 'dyn-jump' as const, 'dyn-jumpi' as const),
  })
  // mostly the positions whose entries the analysis fills: the first 4 of each push
  .map((f) => ({ ...f, target: f.target <= 40 ? 1 + (f.target % Math.min(f.n, 4)) : f.target <= 55 ? f.n + 2 + (f.target % 4) : 1 + (f.target % (f.n + 33)) }));

export const runLoopFragment: fc.Arbitrary<RunLoopFragment> = fc.record({
  t: fc.constant('runLoop' as const),
  before: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 130 })),
  after: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 130 })),
  iters: fc.integer({ min: 1, max: 4 }),
  enter: fc.constantFrom('fall' as const, 'jump' as const),
  gas: fc.boolean(),
});

export const fragmentArb: fc.Arbitrary<Fragment> = fc.oneof(
  { arbitrary: opFragment, weight: 200 },
  { arbitrary: pushFragment, weight: 12 },
  { arbitrary: loopFragment, weight: 15 },
  { arbitrary: skipFragment, weight: 8 },
  { arbitrary: badJumpFragment, weight: 3 },
  { arbitrary: forgedJumpFragment, weight: 3 },
  { arbitrary: rawFragment, weight: 8 },
  { arbitrary: deepFragment, weight: 3 },
  { arbitrary: fc.constant<SpinFragment>({ t: 'spin' }), weight: 1 },
  { arbitrary: runLoopFragment, weight: 4 },
);

export const epilogueArb: fc.Arbitrary<Epilogue> = fc.oneof(
  { arbitrary: fc.constant<Epilogue>({ t: 'none' }), weight: 2 },
  { arbitrary: fc.constant<Epilogue>({ t: 'stop' }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('returnTop' as const), n: fc.integer({ min: 1, max: 8 }), revert: fc.boolean() }), weight: 6 },
  { arbitrary: fc.record({ t: fc.constant('ret' as const), off: offsetArb, len: lengthArb, revert: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('returnMem' as const), revert: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('invalid' as const), op: fc.oneof(fc.constant(OP.INVALID), fc.constantFrom(...UNDEFINED)) }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant('truncPush' as const),
      n: fc.integer({ min: 1, max: 32 }),
      data: fc.array(byteArb, { maxLength: 31 }),
    }).map((e) => ({ ...e, data: e.data.slice(0, e.n - 1) })),
    weight: 1,
  },
);

export const programArb: fc.Arbitrary<ProgramSpec> = fc.record({
  fragments: fc.array(fragmentArb, { maxLength: 12 }),
  epilogue: epilogueArb,
});

// ---------------------------------------------------------------------------------------------
// Assembler

/** Minimal big-endian bytes of v (empty for 0). */
export function bytesOf(v: bigint): number[] {
  const out: number[] = [];
  for (let x = v; x > 0n; x >>= 8n) out.unshift(Number(x & 0xffn));
  return out;
}

type Fixup = { at: number; width: number; value: (labels: Map<string, number>, codeLength: number) => bigint };

class Assembler {
  readonly code: number[] = [];
  readonly labels = new Map<string, number>();
  readonly fixups: Fixup[] = [];
  /** Guest stack height as far as straight-line tracking can tell. */
  height = 0;
  private nextLabel = 0;
  private slot = 0;

  fresh(prefix: string): string {
    return `${prefix}${this.nextLabel++}`;
  }
  get pc(): number {
    return this.code.length;
  }
  byte(...bs: number[]): void {
    for (const b of bs) this.code.push(b & 0xff);
  }
  /** An executed opcode with its stack effect. */
  op(op: number): void {
    this.byte(op);
    const o = OPCODES[op]!;
    this.height = Math.max(0, this.height - o.pops) + o.pushes;
  }
  push(v: bigint): void {
    const b = bytesOf(v);
    this.byte(pushOpcode(b.length), ...b);
    this.height++;
  }
  /** PUSH2 of a value known only at the end (label position, code length). */
  pushLater(value: Fixup['value']): void {
    this.byte(OP.PUSH2);
    this.fixups.push({ at: this.pc, width: 2, value });
    this.byte(0, 0);
    this.height++;
  }
  label(name: string): void {
    this.labels.set(name, this.pc);
  }
  storeSlot(): void {
    // [v] -> mem[32 * slot] = v
    this.push(BigInt(32 * (this.slot++ % 16)));
    this.op(OP.MSTORE);
  }
  finish(): number[] {
    for (const f of this.fixups) {
      let v = f.value(this.labels, this.code.length);
      for (let i = f.width - 1; i >= 0; i--) {
        this.code[f.at + i] = Number(v & 0xffn);
        v >>= 8n;
      }
    }
    return this.code;
  }
}

function emitOp(a: Assembler, f: OpFragment): void {
  for (let i = f.args.length - 1; i >= 0; i--) a.push(f.args[i]!);
  a.op(f.op);
  const pushes = OPCODES[f.op]!.pushes;
  if (pushes === 0) return;
  if (f.keep === 'pop') for (let i = 0; i < pushes; i++) a.op(OP.POP);
  else if (f.keep === 'mstore') {
    a.storeSlot();
    for (let i = 1; i < pushes; i++) a.op(OP.POP);
  }
}

function emitFragment(a: Assembler, f: Fragment): void {
  switch (f.t) {
    case 'op':
      emitOp(a, f);
      return;
    case 'raw':
      a.op(f.op);
      // a raw PUSHn swallows the bytes that follow as its data, as the EVM does
      return;
    case 'push':
      a.byte(pushOpcode(f.data.length), ...f.data);
      a.height++;
      return;
    case 'loop': {
      const top = a.fresh('loop');
      const h = a.height;
      a.push(BigInt(f.iters));
      a.label(top);
      a.op(OP.JUMPDEST);
      for (const b of f.body) emitOp(a, b.keep === 'stack' ? { ...b, keep: 'pop' } : b);
      emitCountdown(a, top, h);
      return;
    }
    case 'skip': {
      const over = a.fresh('skip');
      if (f.how !== 'jump') a.push(f.how === 'jumpi-taken' ? 1n : 0n);
      a.pushLater((l) => BigInt(l.get(over)!));
      a.op(f.how === 'jump' ? OP.JUMP : OP.JUMPI);
      const h = a.height;
      a.byte(...f.junk);
      a.label(over);
      a.byte(OP.JUMPDEST);
      a.height = h;
      return;
    }
    case 'badJump': {
      if (f.via !== 'jump') a.push(f.via === 'jumpi' ? 1n : 0n);
      const here = a.pc;
      const data = a.fresh('data');
      switch (f.target) {
        case 'pushdata':
        case 'pushdata32':
          a.pushLater((l) => BigInt(l.get(data)!));
          break;
        case 'past-end':
          a.pushLater((_l, n) => BigInt(n + f.delta));
          break;
        case 'non-jumpdest':
          a.pushLater(() => BigInt(here));
          break;
        case 'huge':
          a.push(f.huge);
          break;
      }
      a.op(f.via === 'jump' ? OP.JUMP : OP.JUMPI);
      if (f.target === 'pushdata') {
        a.byte(OP.PUSH1);
        a.label(data);
        a.byte(OP.JUMPDEST);
        a.height++;
      } else if (f.target === 'pushdata32') {
        const k = f.delta % 32;
        a.byte(OP.PUSH32);
        for (let i = 0; i < 32; i++) {
          if (i === k) a.label(data);
          a.byte(i === k ? OP.JUMPDEST : (i * 37 + 11) & 0xff);
        }
        a.height++;
      }
      return;
    }
    case 'forgedJump':
      emitForgedJump(a, f);
      return;
    case 'deep':
      for (const s of f.steps) emitDeepStep(a, s);
      return;
    case 'runLoop': {
      const head = a.fresh('run');
      const h = a.height;
      a.push(BigInt(f.iters));
      if (f.enter === 'jump') {
        a.pushLater((l) => BigInt(l.get(head)!));
        a.op(OP.JUMP);
      }
      for (let i = 0; i < f.before; i++) a.op(OP.JUMPDEST);
      a.label(head);
      a.op(OP.JUMPDEST);
      for (let i = 0; i < f.after; i++) a.op(OP.JUMPDEST);
      if (f.gas) {
        a.op(OP.GAS);
        a.op(OP.POP);
      }
      emitCountdown(a, head, h);
      return;
    }
    case 'spin': {
      const l = a.fresh('spin');
      a.label(l);
      a.op(OP.JUMPDEST);
      a.pushLater((m) => BigInt(m.get(l)!));
      a.op(OP.JUMP);
      return;
    }
  }
}

/** The end of a counted loop: decrement the counter on top, jump back to `head` while it is nonzero, drop it; the
 * stack height is back to `height` (the height before the counter was pushed). */
function emitCountdown(a: Assembler, head: string, height: number): void {
  a.push(1n);
  a.op(OP.SWAP1);
  a.op(OP.SUB);
  a.op(OP.DUP1);
  a.pushLater((l) => BigInt(l.get(head)!));
  a.op(OP.JUMPI);
  a.op(OP.POP);
  a.height = height;
}

function emitDeepStep(a: Assembler, s: DeepStep): void {
  while (a.height < s.target) {
    switch (s.fill) {
      case 'pc': a.op(OP.PC); break;
      case 'push0': a.op(OP.PUSH0); break;
      case 'push1': a.push(BigInt((a.height * 7 + 1) & 0xff) || 1n); break;
      case 'dup1': a.op(OP.DUP1); break;
      case 'gas': a.op(OP.GAS); break;
      case 'dup16': a.op(OP.DUP16); break;
    }
    if (a.code.length > 40_000) break;
  }
  while (a.height > s.target) {
    if (s.fold === 'pop' || a.height < 2) a.op(OP.POP);
    else a.op(s.fold === 'add' ? OP.ADD : OP.XOR);
  }
  if (s.probe === 'dup16' || s.probe === 'dup16-swap16') a.op(OP.DUP16);
  if (s.probe === 'swap16' || s.probe === 'dup16-swap16') a.op(OP.SWAP16);
}

function emitEpilogue(a: Assembler, e: Epilogue): void {
  switch (e.t) {
    case 'none':
      return;
    case 'stop':
      a.op(OP.STOP);
      return;
    case 'returnTop': {
      const n = Math.min(e.n, a.height);
      for (let i = 0; i < n; i++) {
        a.push(BigInt(32 * i));
        a.op(OP.MSTORE);
      }
      a.push(BigInt(32 * n));
      a.push(0n);
      a.op(e.revert ? OP.REVERT : OP.RETURN);
      return;
    }
    case 'ret':
      a.push(e.len);
      a.push(e.off);
      a.op(e.revert ? OP.REVERT : OP.RETURN);
      return;
    case 'returnMem':
      a.op(OP.MSIZE);
      a.push(0n);
      a.op(e.revert ? OP.REVERT : OP.RETURN);
      return;
    case 'invalid':
      a.byte(e.op);
      return;
    case 'truncPush':
      a.byte(pushOpcode(e.n), ...e.data.slice(0, e.n - 1));
      return;
  }
}

function emitForgedJump(a: Assembler, f: ForgedJumpFragment): void {
  // PUSHn D at p, PUSH32 E at p + n + 1, POP POP, then the jump to p + target
  const p = a.pc;
  const bytes = new Array<number>(f.n + 34).fill(0);
  bytes[0] = pushOpcode(f.n);
  bytes[f.n + 1] = OP.PUSH32;
  const hi = (f.handler >> 8) & 0xff;
  const lo = f.handler & 0xff;
  const data = (x: number): boolean => x >= 1 && x <= f.n + 33 && x !== f.n + 1;
  if (f.layout === 'every') {
    for (let x = 1; x <= f.n + 33; x++) if (data(x)) bytes[x] = x % 2 === f.phase ? hi : lo;
  } else {
    // entry of data position k of a PUSH at q: code bytes q+8k-7 .. q+8k, handler field q+8k-1, q+8k
    for (const q of [0, f.n + 1]) {
      for (let k = 1; k <= 4; k++) {
        if (q === 0 && k > f.n) continue;
        if (data(q + 8 * k - 1)) bytes[q + 8 * k - 1] = hi;
        if (data(q + 8 * k)) bytes[q + 8 * k] = lo;
      }
    }
  }
  a.byte(...bytes);
  a.height += 2;
  a.op(OP.POP);
  a.op(OP.POP);
  if (f.via === 'jumpi' || f.via === 'dyn-jumpi') a.push(1n);
  a.pushLater(() => BigInt(p + f.target));
  if (f.via === 'dyn-jump' || f.via === 'dyn-jumpi') {
    // DUP1 POP: not fused with the PUSH
    a.op(OP.DUP1);
    a.op(OP.POP);
  }
  a.op(f.via === 'jump' || f.via === 'dyn-jump' ? OP.JUMP : OP.JUMPI);
}

/** Assembles a program. */
export function assemble(p: ProgramSpec): Hex {
  const a = new Assembler();
  for (const f of p.fragments) emitFragment(a, f);
  emitEpilogue(a, p.epilogue);
  return `0x${Buffer.from(a.finish()).toString('hex')}`;
}

// ---------------------------------------------------------------------------------------------
// Analysis

export interface ProgramTraits {
  /** May loop until out of gas: give it little gas. */
  unbounded: boolean;
  /** The code holds no memory opcode byte and no JUMP/JUMPI byte anywhere (even as data). */
  straightAndMemoryFree: boolean;
}

export function traits(p: ProgramSpec, code: Hex): ProgramTraits {
  const hasSpin = p.fragments.some((f) => f.t === 'spin');
  const hasLoop = p.fragments.some((f) => f.t === 'loop');
  // a raw PUSHn, or junk run by a JUMPI that is not taken, can swallow the start of a loop and jump
  // back into it with a counter that never reaches zero
  const hasRaw = p.fragments.some((f) => f.t === 'raw' || (f.t === 'skip' && f.junk.length > 0));
  const bytes = Buffer.from(code.slice(2), 'hex');
  let clean = true;
  for (const b of bytes) if (MEMORY_RANGE_OPS.has(b) || JUMPS.has(b)) clean = false;
  return { unbounded: hasSpin || (hasLoop && hasRaw), straightAndMemoryFree: clean };
}

/** Instructions in the code (a PUSH and its data count as one), as the shrinker's size measure. */
export function instructionCount(code: Hex): number {
  const bytes = Buffer.from(code.slice(2), 'hex');
  let n = 0;
  for (let pc = 0; pc < bytes.length; pc++) {
    n++;
    const op = bytes[pc]!;
    pc += immediateSize(op);
  }
  return n;
}

/** Human-readable disassembly, e.g. `PUSH1 0x01 PUSH1 0x02 EXP`. */
export function disassemble(code: Hex): string {
  const bytes = Buffer.from(code.slice(2), 'hex');
  const out: string[] = [];
  for (let pc = 0; pc < bytes.length; pc++) {
    const op = bytes[pc]!;
    const o = OPCODES[op]!;
    if (isPush(op)) {
      const data = bytes.subarray(pc + 1, pc + 1 + o.immediate);
      out.push(`${o.name} 0x${data.toString('hex')}${data.length < o.immediate ? ' (truncated)' : ''}`);
      pc += o.immediate;
    } else out.push(o.kind === 'undefined' ? `0x${op.toString(16).padStart(2, '0')}` : o.name);
  }
  return out.join(' ');
}
