/** Opcodes that need an access record (state, block, log, call and create opcodes). */

/** Record-needing opcode → its name. */
export const RECORD_OPCODE_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [0x31, 'BALANCE'],
  [0x3b, 'EXTCODESIZE'],
  [0x3c, 'EXTCODECOPY'],
  [0x3f, 'EXTCODEHASH'],
  [0x40, 'BLOCKHASH'],
  [0x41, 'COINBASE'],
  [0x42, 'TIMESTAMP'],
  [0x43, 'NUMBER'],
  [0x44, 'PREVRANDAO'],
  [0x45, 'GASLIMIT'],
  [0x46, 'CHAINID'],
  [0x47, 'SELFBALANCE'],
  [0x48, 'BASEFEE'],
  [0x49, 'BLOBHASH'],
  [0x4a, 'BLOBBASEFEE'],
  [0x54, 'SLOAD'],
  [0x55, 'SSTORE'],
  [0x5c, 'TLOAD'],
  [0x5d, 'TSTORE'],
  [0xa0, 'LOG0'],
  [0xa1, 'LOG1'],
  [0xa2, 'LOG2'],
  [0xa3, 'LOG3'],
  [0xa4, 'LOG4'],
  [0xf0, 'CREATE'],
  [0xf1, 'CALL'],
  [0xf2, 'CALLCODE'],
  [0xf4, 'DELEGATECALL'],
  [0xf5, 'CREATE2'],
  [0xfa, 'STATICCALL'],
  [0xff, 'SELFDESTRUCT'],
]);

/**
 * Opcodes that need an access record; the hypervisor does not support them yet (it raises
 * UNSUPPORTED_OPCODE), so a message that executes one cannot be verified by this version.
 */
export const RECORD_OPCODES: ReadonlySet<number> = new Set(RECORD_OPCODE_NAMES.keys());

/** The record opcodes a run executed (reached, even if it halted there), in ascending order. */
export function unsupportedOpcodes(outcome: { opcodes: ReadonlyMap<number, number> }): number[] {
  return [...outcome.opcodes.keys()].filter((op) => RECORD_OPCODES.has(op)).sort((a, b) => a - b);
}

/** Name of a record opcode, or `0x..` for any other opcode. */
export function recordOpcodeName(opcode: number): string {
  return RECORD_OPCODE_NAMES.get(opcode) ?? `0x${opcode.toString(16).padStart(2, '0')}`;
}
