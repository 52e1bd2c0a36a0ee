/** Opcodes the witness builder cannot express yet (creates, SELFDESTRUCT; MODEXP and value to a precompile by call) and those that read outside the message, from lib/evm/opcodes.ts. */
import { BLOCK_FIELDS, OP, OPCODES, type ContextField } from '../evm/opcodes.ts';

/** Record opcode (one that takes an access record) → its name. */
export const RECORD_OPCODE_NAMES: ReadonlyMap<number, string> = new Map<number, string>(
  OPCODES.filter((o) => o.recordKind !== 'none').map((o) => [o.code, o.name]),
);

/**
 * The opcodes whose records lib/native does not build yet, so a message that executes one (outside a static frame,
 * where they halt with no record) cannot be given an honest witness by this version: CREATE and CREATE2. The
 * hypervisor executes them (Contract.huff); a call to MODEXP or sending value to a precompile is
 * NativeOutcome.precompileCalls.
 */
export const UNSUPPORTED_OPCODES: ReadonlySet<number> = new Set([OP.CREATE, OP.CREATE2]);
/** The same set, by its older name (the record opcodes this version reports unsupported). */
export const RECORD_OPCODES: ReadonlySet<number> = UNSUPPORTED_OPCODES;

/**
 * Opcodes whose result comes from outside the message: the unsupported ones, those the hypervisor executes with a
 * record or a key (state), and the block opcodes (the witness's block values).
 */
export const OUTSIDE_OPCODES: ReadonlySet<number> = new Set(
  OPCODES.filter((o) => o.kind === 'recorded' || o.kind === 'keyed' || (BLOCK_FIELDS as readonly ContextField[]).includes(o.field as ContextField)).map((o) => o.code),
);

/** Whether a run executed an opcode whose result comes from outside the frame (its outcome depends on more than the message). */
export function readsOutside(outcome: { opcodes: ReadonlyMap<number, number> }): boolean {
  return [...outcome.opcodes.keys()].some((op) => OUTSIDE_OPCODES.has(op));
}

/**
 * The opcodes a run executed (reached, even if it halted there) that this version cannot verify, in ascending order:
 * the unsupported record opcodes (UNSUPPORTED_OPCODES), and a call opcode with which the frame called a precompile
 * (`precompileCalls`, lib/native/run.ts). In a static frame an opcode that changes state halts where it is reached
 * (OpSpec.inStaticFrame 'halts'), with no record, so the hypervisor verifies it: pass the frame to leave those out.
 */
export function unsupportedOpcodes(outcome: { opcodes: ReadonlyMap<number, number>; precompileCalls?: readonly number[] }, frame?: { isStatic: boolean }): number[] {
  const ops = new Set([...outcome.opcodes.keys()].filter((op) => UNSUPPORTED_OPCODES.has(op) && !(frame?.isStatic === true && OPCODES[op]!.inStaticFrame === 'halts')));
  for (const op of outcome.precompileCalls ?? []) ops.add(op);
  return [...ops].sort((a, b) => a - b);
}

/** Name of a record opcode, or `0x..` for any other opcode. */
export function recordOpcodeName(opcode: number): string {
  return RECORD_OPCODE_NAMES.get(opcode) ?? `0x${opcode.toString(16).padStart(2, '0')}`;
}
