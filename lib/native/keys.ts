/**
 * The key recorder: watches the reference run's steps and notes every key the frame looks up (docs/witness.md,
 * "Key lists"): a keyed opcode (lib/evm/opcodes.ts, kind 'keyed') looks its key up exactly when it starts with its
 * stack items present and at least its static gas left, is not a state change in a static frame, and, for SSTORE,
 * with more than the 2,300 gas of the EIP-2200 sentry left. A call (CALL, CALLCODE, DELEGATECALL, STATICCALL) looks
 * its target up, and the delegate of a target delegated by EIP-7702, once it gets past its block's check, the static
 * frame's check of CALL with value and its memory ranges' 2^64 check (callPastChecks), unless the target is a
 * precompile (unsupported in this version). The hypervisor looks up the same keys, so the honest witness lists
 * exactly these.
 */
import type { InterpreterStep } from '@ethereumjs/evm';
import { OP, OPCODES } from '../evm/opcodes.ts';
import { isPrecompile } from '../evm/precompiles.ts';
import type { Hex } from '../witness/types.ts';

/** The first lookup of one key: which list, the key (a slot, or an account as lowercase hex), and how many access records the frame had taken before it. */
export interface KeyLookup {
  list: 'storage' | 'transient' | 'account';
  key: bigint;
  recordsBefore: number;
  /** The opcode that looked it up first. */
  opcode: number;
}

/** EIP-2200: SSTORE halts unless more than this much gas is left. */
export const SSTORE_SENTRY = 2300n;

const ADDRESS_MASK = (1n << 160n) - 1n;

/** An address as lowercase 0x-hex of 20 bytes. */
export const addressHex = (a: bigint): Hex => `0x${(a & ADDRESS_MASK).toString(16).padStart(40, '0')}`;

/** Whether an opcode that starts with `gasLeft` gas and `height` stack items gets past the checks before its key or record. */
export function passesKeyChecks(opcode: number, gasLeft: bigint, height: number, isStatic: boolean): boolean {
  const spec = OPCODES[opcode];
  if (spec === undefined) return false;
  if (height < spec.pops || gasLeft < BigInt(spec.gas)) return false;
  if (isStatic && spec.inStaticFrame === 'halts') return false;
  return opcode !== OP.SSTORE || gasLeft > SSTORE_SENTRY;
}

/** The call opcodes: CALL, CALLCODE, DELEGATECALL, STATICCALL. */
export const CALL_OPCODES: ReadonlySet<number> = new Set([OP.CALL, OP.CALLCODE, OP.DELEGATECALL, OP.STATICCALL]);

/** The operands of a call opcode, as it pops them; `value` only for CALL and CALLCODE. */
export interface CallOperands {
  gas: bigint;
  target: bigint;
  value?: bigint;
  inOffset: bigint;
  inSize: bigint;
  outOffset: bigint;
  outSize: bigint;
}

const WORD64 = 1n << 64n;

/** The operands of call opcode `opcode` from the stack (top last), or undefined when the stack has too few items. */
export function callOperands(opcode: number, stack: readonly bigint[]): CallOperands | undefined {
  const withValue = opcode === OP.CALL || opcode === OP.CALLCODE;
  const n = withValue ? 7 : 6;
  if (stack.length < n) return undefined;
  const at = (i: number): bigint => stack[stack.length - 1 - i]!;
  const v = withValue ? 1 : 0;
  return {
    gas: at(0),
    target: at(1),
    ...(withValue ? { value: at(2) } : {}),
    inOffset: at(2 + v),
    inSize: at(3 + v),
    outOffset: at(4 + v),
    outSize: at(5 + v),
  };
}

/**
 * The operands of a call opcode that gets past the checks before its key lookups (docs/witness.md, "Calls"): its
 * block's gas and stack check (passesKeyChecks), no CALL with value in a static frame, and memory ranges that are
 * empty or below 2^64 in offset and size (otherwise it halts: out of gas). Undefined when it halts before them.
 */
/** MODEXP: its price differs between forks (EIP-7883), so the hypervisor does not call it natively. */
const MODEXP = 0x05n;

/**
 * Whether the hypervisor executes this call to a precompile itself (no record, no key): every precompile but MODEXP,
 * when no value is sent (CALL and CALLCODE with value are UNSUPPORTED_OPCODE, like MODEXP).
 */
export function isNativePrecompileCall(opcode: number, o: CallOperands): boolean {
  if (!isPrecompile(addressHex(o.target))) return false;
  if ((o.target & ADDRESS_MASK) === MODEXP) return false;
  return !((opcode === OP.CALL || opcode === OP.CALLCODE) && o.value !== 0n);
}

export function callPastChecks(opcode: number, step: Pick<InterpreterStep, 'gasLeft' | 'stack'>, isStatic: boolean): CallOperands | undefined {
  if (!CALL_OPCODES.has(opcode) || !passesKeyChecks(opcode, step.gasLeft, step.stack.length, isStatic)) return undefined;
  const o = callOperands(opcode, step.stack);
  if (o === undefined) return undefined;
  if (isStatic && opcode === OP.CALL && o.value !== 0n) return undefined;
  const bad = (offset: bigint, size: bigint): boolean => size !== 0n && (offset >= WORD64 || size >= WORD64);
  if (bad(o.inOffset, o.inSize) || bad(o.outOffset, o.outSize)) return undefined;
  return o;
}

/** The creates: CREATE, CREATE2. */
export const CREATE_OPCODES: ReadonlySet<number> = new Set([OP.CREATE, OP.CREATE2]);

/** The operands of a create, as it pops them; `salt` 0 for CREATE. */
export interface CreateOperands {
  value: bigint;
  offset: bigint;
  size: bigint;
  salt: bigint;
}

/** EIP-3860: the most init code a create takes (more is out of gas). */
export const MAX_INITCODE_SIZE = 49_152n;

/**
 * The operands of a create that gets past the checks before its record (docs/witness.md, "create"): its block's gas
 * and stack check and the static frame (passesKeyChecks), init code of at most MAX_INITCODE_SIZE bytes, and an
 * offset below 2^64 when the length is not 0 (otherwise it halts). Undefined when it halts before them.
 */
export function createPastChecks(opcode: number, step: Pick<InterpreterStep, 'gasLeft' | 'stack'>, isStatic: boolean): CreateOperands | undefined {
  if (!CREATE_OPCODES.has(opcode) || !passesKeyChecks(opcode, step.gasLeft, step.stack.length, isStatic)) return undefined;
  const at = (i: number): bigint => step.stack[step.stack.length - 1 - i]!;
  const o: CreateOperands = { value: at(0), offset: at(1), size: at(2), salt: opcode === OP.CREATE2 ? at(3) : 0n };
  if (o.size > MAX_INITCODE_SIZE || (o.size !== 0n && o.offset >= WORD64)) return undefined;
  return o;
}

/** The delegate `d` of an EIP-7702 delegation designator (code exactly 0xef0100 ++ d), or undefined for other code. */
export function delegateOf(code: Hex | undefined): Hex | undefined {
  if (code === undefined || code.length !== 2 + 46 || !/^0xef0100/i.test(code)) return undefined;
  return `0x${code.slice(8).toLowerCase()}`;
}

export class KeyRecorder {
  /** Slots of `context`'s storage looked up. */
  readonly storage = new Set<bigint>();
  /** Transient slots of `context` looked up. */
  readonly transient = new Set<bigint>();
  /** Accounts looked up (lowercase hex). */
  readonly accounts = new Set<Hex>();
  /** Accounts whose code the frame read (EXTCODESIZE, EXTCODECOPY). */
  readonly codeRead = new Set<Hex>();

  /** The first lookup of every key, in execution order. */
  readonly lookups: KeyLookup[] = [];
  /** The call opcodes that called MODEXP or sent value to a precompile (past the checks before the key lookups): this version cannot verify them. */
  readonly precompileCalls = new Set<number>();

  /**
   * `recordsTaken` says how many access records the frame has taken so far (ordering lookups among records);
   * `codeOf` gives an account's code (lowercase hex; undefined or '0x' for none): a call looks the delegate of a
   * target delegated by EIP-7702 up too.
   */
  constructor(
    private readonly frame: { isStatic: boolean; context: Hex; depth?: number },
    private readonly recordsTaken: () => number = () => 0,
    private readonly codeOf: (account: Hex) => Hex | undefined = () => undefined,
  ) {}

  private note(list: KeyLookup['list'], set: Set<bigint> | Set<Hex>, key: bigint, opcode: number): void {
    const id = list === 'account' ? addressHex(key) : key;
    if ((set as Set<bigint | Hex>).has(id)) return;
    (set as Set<bigint | Hex>).add(id);
    this.lookups.push({ list, key, recordsBefore: this.recordsTaken(), opcode });
  }

  /** Observes one step of the message's own frame; `opcode` is the code byte at step.pc. */
  onStep(step: InterpreterStep, opcode: number): void {
    if (step.depth !== (this.frame.depth ?? 0)) return;
    if (CALL_OPCODES.has(opcode)) {
      this.onCall(step, opcode);
      return;
    }
    if (opcode === OP.SELFDESTRUCT) {
      // the executing account's key (its balance moves) and the beneficiary's, in that order (Host.huff)
      if (!passesKeyChecks(opcode, step.gasLeft, step.stack.length, this.frame.isStatic)) return;
      this.note('account', this.accounts, BigInt(this.frame.context), opcode);
      this.note('account', this.accounts, step.stack[step.stack.length - 1]! & ADDRESS_MASK, opcode);
      return;
    }
    const spec = OPCODES[opcode];
    if (spec === undefined || spec.kind !== 'keyed') return;
    if (!passesKeyChecks(opcode, step.gasLeft, step.stack.length, this.frame.isStatic)) return;
    const top = step.stack[step.stack.length - 1];
    if (spec.keyList === 'storage') this.note('storage', this.storage, top!, opcode);
    else if (spec.keyList === 'transient') this.note('transient', this.transient, top!, opcode);
    else if (opcode === OP.SELFBALANCE) this.note('account', this.accounts, BigInt(this.frame.context), opcode);
    else {
      this.note('account', this.accounts, top! & ADDRESS_MASK, opcode);
      if (opcode === OP.EXTCODESIZE || opcode === OP.EXTCODECOPY) this.codeRead.add(addressHex(top!));
    }
  }

  /**
   * A call looks up its target's account key, and the delegate's when the target's code is an EIP-7702 designator;
   * the target's code is read (the hypervisor reads its archive to see whether it is a designator). A call to a
   * precompile looks nothing up: the hypervisor calls it itself, or (MODEXP, value sent) answers UNSUPPORTED_OPCODE.
   */
  private onCall(step: InterpreterStep, opcode: number): void {
    const o = callPastChecks(opcode, step, this.frame.isStatic);
    if (o === undefined) return;
    const target = addressHex(o.target);
    if (isPrecompile(target)) {
      if (!isNativePrecompileCall(opcode, o)) this.precompileCalls.add(opcode);
      return;
    }
    this.note('account', this.accounts, o.target & ADDRESS_MASK, opcode);
    this.codeRead.add(target);
    const d = delegateOf(this.codeOf(target));
    if (d !== undefined) this.note('account', this.accounts, BigInt(d), opcode);
  }
}
