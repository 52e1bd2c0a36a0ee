/** The calls this version cannot verify (MODEXP, value to a precompile), the opcodes that read outside the message, and record opcodes' names, from lib/evm/opcodes.ts. */
import { BLOCK_FIELDS, OPCODES, type ContextField } from '../evm/opcodes.ts';

/** Record opcode (one that takes an access record) → its name. */
export const RECORD_OPCODE_NAMES: ReadonlyMap<number, string> = new Map<number, string>(
  OPCODES.filter((o) => o.recordKind !== 'none').map((o) => [o.code, o.name]),
);

/**
 * Opcodes whose result comes from outside the message: those the hypervisor executes with a record or a key (state),
 * and the block opcodes (the witness's block values).
 */
export const OUTSIDE_OPCODES: ReadonlySet<number> = new Set(
  OPCODES.filter((o) => o.kind === 'recorded' || o.kind === 'keyed' || (BLOCK_FIELDS as readonly ContextField[]).includes(o.field as ContextField)).map((o) => o.code),
);

/** Whether a run executed an opcode whose result comes from outside the frame (its outcome depends on more than the message). */
export function readsOutside(outcome: { opcodes: ReadonlyMap<number, number> }): boolean {
  return [...outcome.opcodes.keys()].some((op) => OUTSIDE_OPCODES.has(op));
}

/**
 * The call opcodes a run executed that this version cannot verify, in ascending order: those with which the frame
 * called MODEXP or sent value to a precompile (`precompileCalls`, lib/native/run.ts; the hypervisor answers them
 * UNSUPPORTED_OPCODE). Every other opcode has its handler and its records (a create's creation frame is not built by
 * lib/native/tree.ts, which says so itself).
 */
export function unsupportedOpcodes(outcome: { precompileCalls?: readonly number[] }): number[] {
  return [...new Set(outcome.precompileCalls ?? [])].sort((a, b) => a - b);
}

/** Name of a record opcode, or `0x..` for any other opcode. */
export function recordOpcodeName(opcode: number): string {
  return RECORD_OPCODE_NAMES.get(opcode) ?? `0x${opcode.toString(16).padStart(2, '0')}`;
}
