/**
 * The key recorder: watches the reference run's steps and notes every key the frame looks up (docs/witness.md,
 * "Key lists"): a keyed opcode (lib/evm/opcodes.ts, kind 'keyed') looks its key up exactly when it starts with its
 * stack items present and at least its static gas left, is not a state change in a static frame, and, for SSTORE,
 * with more than the 2,300 gas of the EIP-2200 sentry left. The hypervisor looks up the same keys, so the honest
 * witness lists exactly these.
 */
import type { InterpreterStep } from '@ethereumjs/evm';
import { OP, OPCODES } from '../evm/opcodes.ts';
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

  /** `recordsTaken` says how many access records the frame has taken so far (ordering lookups among records). */
  constructor(
    private readonly frame: { isStatic: boolean; context: Hex },
    private readonly recordsTaken: () => number = () => 0,
  ) {}

  private note(list: KeyLookup['list'], set: Set<bigint> | Set<Hex>, key: bigint, opcode: number): void {
    const id = list === 'account' ? addressHex(key) : key;
    if ((set as Set<bigint | Hex>).has(id)) return;
    (set as Set<bigint | Hex>).add(id);
    this.lookups.push({ list, key, recordsBefore: this.recordsTaken(), opcode });
  }

  /** Observes one step of the message's own frame; `opcode` is the code byte at step.pc. */
  onStep(step: InterpreterStep, opcode: number): void {
    if (step.depth !== 0) return;
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
}
