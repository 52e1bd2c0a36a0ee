/**
 * The access-record recorder: watches the reference run's steps and writes, for every executed
 * opcode that has a record kind (lib/witness/records.ts), the record an honest prover gives — its
 * arguments from the stack when the opcode starts, its results from the stack when the next
 * instruction starts. A record opcode that halts (out of gas, stack underflow) gives no record: the
 * hypervisor halts at the same point without taking one.
 */
import type { InterpreterStep } from '@ethereumjs/evm';
import { padHex, toHex } from 'viem';
import { encodeRecord, recordKindOf, RECORD_KINDS, type RecordFieldSpec, type RecordKindName, type TypedRecord } from '../witness/records.ts';
import type { AccessRecord, Hex } from '../witness/types.ts';

interface PendingRecord {
  kind: RecordKindName;
  /** Argument values, in the kind's field order (top of stack first). */
  args: bigint[];
}

function fieldValue(f: RecordFieldSpec, v: bigint): bigint | Hex {
  if (f.type === 'uint256') return v;
  return f.type === 'address' ? padHex(toHex(v & ((1n << 160n) - 1n)), { size: 20 }) : padHex(toHex(v), { size: 32 });
}

export class AccessRecorder {
  private pending: PendingRecord | undefined;
  private readonly out: AccessRecord[] = [];

  /**
   * Observes one step of the message's own frame (depth 0); `opcode` is the code byte at step.pc
   * (ethereumjs gives a generic entry for undefined opcodes).
   */
  onStep(step: InterpreterStep, opcode: number): void {
    if (step.depth !== 0) return;
    this.complete(step.stack);
    const kind = recordKindOf(opcode);
    if (kind === undefined) return;
    const argFields = RECORD_KINDS[kind].fields.filter((f: RecordFieldSpec) => f.role === 'argument');
    const n = step.stack.length;
    if (n < argFields.length) return; // a stack underflow halts before any record is taken
    this.pending = { kind, args: argFields.map((_: RecordFieldSpec, i: number) => step.stack[n - 1 - i]!) };
  }

  /** The records, in execution order. `finalStack` is the frame's stack when it ended, if it ended normally. */
  records(finalStack?: readonly bigint[]): AccessRecord[] {
    if (finalStack !== undefined) this.complete(finalStack);
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
