/**
 * The access-record recorder: watches the reference run's steps and writes, for every executed
 * opcode that has a record kind (lib/witness/records.ts), the record an honest prover gives — its
 * arguments from the stack when the opcode starts, its results from the stack when the next
 * instruction starts. A record opcode that halts (out of gas, stack underflow) gives no record: the
 * hypervisor halts at the same point without taking one. SSTORE's storageWrite record is the exception: it is taken
 * as the opcode starts once it gets past the static-frame check and the sentry (lib/native/keys.ts), also when it
 * then runs out of gas, and its result (the state root after the write) is not on the stack: the recorder notes the
 * write and the run fills in the root (lib/native/run.ts). A call's record (CALL, CALLCODE, DELEGATECALL,
 * STATICCALL) states the callee's outcome, which the frame's stack does not show: the recorder keeps its place when
 * the call gets past the checks before its key lookups (lib/native/keys.ts, callPastChecks), and the run fills it in
 * from the callee's message, or drops it when the call itself ran out of gas (lib/native/calls.ts).
 */
import type { InterpreterStep } from '@ethereumjs/evm';
import { padHex, toHex } from 'viem';
import { encodeRecord, recordKindOf, RECORD_KINDS, type RecordFieldSpec, type RecordKindName, type TypedRecord } from '../witness/records.ts';
import { OP } from '../evm/opcodes.ts';
import type { AccessRecord, Hex } from '../witness/types.ts';
import { CALL_OPCODES, callPastChecks, CREATE_OPCODES, createPastChecks, isNativePrecompileCall, passesKeyChecks } from './keys.ts';

/** A storage write the frame made (or began: the SSTORE may then have run out of gas), and the index of its record. */
export interface StorageWrite {
  recordIndex: number;
  slot: bigint;
  value: bigint;
}

const NO_ROOT: Hex = `0x${'00'.repeat(32)}`;

/**
 * A call or create the frame made (or began: it may then have run out of gas, and take no record), and the index of
 * its record. Its record depends on the callee's outcome, which the frame's own stack does not show: the run fills it
 * in (lib/native/calls.ts), or removes it when the call halted.
 */
export interface CallPlaceholder {
  recordIndex: number;
  opcode: number;
  pc: number;
}

interface PendingRecord {
  kind: RecordKindName;
  /** pc of the record opcode. */
  pc: number;
  /** Argument values, in the kind's field order (top of stack first). */
  args: bigint[];
}

function fieldValue(f: RecordFieldSpec, v: bigint): bigint | Hex {
  if (f.type === 'uint256') return v;
  return f.type === 'address' ? padHex(toHex(v & ((1n << 160n) - 1n)), { size: 20 }) : padHex(toHex(v), { size: 32 });
}

/** The frame's SELFDESTRUCT past its static-frame check (it may then have run out of gas), and the index of its record. */
export interface SelfDestructPlaceholder {
  recordIndex: number;
  beneficiary: Hex;
}

export class AccessRecorder {
  private pending: PendingRecord | undefined;
  /**
   * The SELFDESTRUCT, if the frame reached one past its static-frame check: its record's balance and state root are
   * not on the stack, so the run fills them in (lib/native/run.ts), or drops the record when it ran out of gas.
   */
  selfDestruct: SelfDestructPlaceholder | undefined;
  private readonly out: AccessRecord[] = [];
  /** The storage writes, in execution order (their records hold a zero state root until the run fills it in). */
  readonly writes: StorageWrite[] = [];
  /** The calls past the checks before their key lookups, in execution order (their records are placeholders until the run fills them in). */
  readonly calls: CallPlaceholder[] = [];

  /** `frame.depth` is the depth of the traced frame in its message tree (0, the message's own frame, by default). */
  constructor(private readonly frame: { isStatic: boolean; depth?: number } = { isStatic: false }) {}

  /**
   * Observes one step of the message's own frame (depth 0); `opcode` is the code byte at step.pc
   * (ethereumjs gives a generic entry for undefined opcodes).
   */
  onStep(step: InterpreterStep, opcode: number): void {
    if (step.depth !== (this.frame.depth ?? 0)) return;
    this.complete(step.stack);
    const kind = recordKindOf(opcode);
    if (kind === undefined) return;
    if (CREATE_OPCODES.has(opcode)) {
      if (createPastChecks(opcode, step, this.frame.isStatic) === undefined) return;
      this.calls.push({ recordIndex: this.out.length, opcode, pc: step.pc });
      this.out.push({ opcode, data: '0x' });
      return;
    }
    if (CALL_OPCODES.has(opcode)) {
      const o = callPastChecks(opcode, step, this.frame.isStatic);
      if (o === undefined || isNativePrecompileCall(opcode, o)) return; // the hypervisor calls a precompile itself
      this.calls.push({ recordIndex: this.out.length, opcode, pc: step.pc });
      this.out.push({ opcode, data: '0x' });
      return;
    }
    if (opcode === OP.SELFDESTRUCT) {
      if (!passesKeyChecks(opcode, step.gasLeft, step.stack.length, this.frame.isStatic)) return;
      const beneficiary = padHex(toHex(step.stack[step.stack.length - 1]! & ((1n << 160n) - 1n)), { size: 20 });
      this.selfDestruct = { recordIndex: this.out.length, beneficiary };
      this.out.push({ opcode, data: '0x' });
      return;
    }
    if (opcode === OP.SSTORE) {
      if (!passesKeyChecks(opcode, step.gasLeft, step.stack.length, this.frame.isStatic)) return;
      const n = step.stack.length;
      const [slot, value] = [step.stack[n - 1]!, step.stack[n - 2]!];
      this.writes.push({ recordIndex: this.out.length, slot, value });
      this.out.push(encodeRecord({ kind: 'storageWrite', slot, value, stateRoot: NO_ROOT }));
      return;
    }
    const argFields = RECORD_KINDS[kind].fields.filter((f: RecordFieldSpec) => f.role === 'argument');
    const n = step.stack.length;
    if (n < argFields.length) return; // a stack underflow halts before any record is taken
    this.pending = { kind, pc: step.pc, args: argFields.map((_: RecordFieldSpec, i: number) => step.stack[n - 1 - i]!) };
  }

  /** How many records the frame has taken so far (a pending record counts: it is taken as its opcode starts). */
  taken(): number {
    return this.out.length + (this.pending === undefined ? 0 : 1);
  }

  /**
   * The records, in execution order. `end` is the frame's program counter and stack when it ended. A record opcode
   * with no step after it is complete when the frame's pc moved past it: the EVM advances the pc once the opcode's
   * gas is paid, and its stack items were there (else no record is pending), so it ran, and the next instruction
   * failed before its step was reported (REVERT over too few items) or the code ended; its result is on top.
   * When the pc stayed, the opcode itself ran out of gas: no record.
   */
  records(end?: { pc: number; stack: readonly bigint[] }): AccessRecord[] {
    if (end !== undefined && this.pending !== undefined && end.pc > this.pending.pc) this.complete(end.stack);
    this.pending = undefined;
    return [...this.out];
  }

  private complete(stack: readonly bigint[]): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    const fields = RECORD_KINDS[p.kind].fields as readonly RecordFieldSpec[];
    const results = fields.filter((f) => f.role === 'result');
    const n = stack.length;
    const typed: Record<string, unknown> = { kind: p.kind };
    let a = 0;
    let r = 0;
    for (const f of fields) {
      if (f.role === 'argument') typed[f.name] = fieldValue(f, p.args[a++]!);
      else typed[f.name] = fieldValue(f, stack[n - results.length + r++]!);
    }
    this.out.push(encodeRecord(typed as unknown as TypedRecord));
  }
}
