/**
 * The guest instruction set as the hypervisor sees it (Prague): static gas, stack effect, and how
 * each opcode is handled. This is the single source of the hypervisor's opcode metadata:
 * `scripts/gen-optable.ts` writes src/hypervisor/OpTable.huff from it, and a test checks it
 * against @ethereumjs/evm's own opcode table.
 */

/** How the hypervisor executes an opcode. */
export type OpKind =
  | 'local' // executed by a handler of the hypervisor, no outside access
  | 'record' // needs an access record kind that this version does not implement: UNSUPPORTED_OPCODE
  | 'undefined'; // not an opcode on Prague: exceptional halt

export interface OpSpec {
  code: number;
  name: string;
  kind: OpKind;
  /** Static gas charged before the opcode runs (dynamic parts are charged by the handler). */
  gas: number;
  pops: number;
  pushes: number;
  /** Number of immediate bytes (PUSH1..PUSH32). */
  immediate: number;
  /** Execution never continues to the next instruction in the same basic block after this opcode. */
  endsBlock: boolean;
  /** Huff label of the handler. */
  handler: string;
}

interface Def {
  name: string;
  gas: number;
  pops: number;
  pushes: number;
  kind?: OpKind;
  endsBlock?: boolean;
  handler?: string;
}

const defs = new Map<number, Def>();
function def(code: number, name: string, gas: number, pops: number, pushes: number, extra: Partial<Def> = {}): void {
  defs.set(code, { name, gas, pops, pushes, ...extra });
}
const END = { endsBlock: true };
const REC = { kind: 'record' as const, endsBlock: true, handler: 'op_unsupported' };

def(0x00, 'STOP', 0, 0, 0, END);
def(0x01, 'ADD', 3, 2, 1);
def(0x02, 'MUL', 5, 2, 1);
def(0x03, 'SUB', 3, 2, 1);
def(0x04, 'DIV', 5, 2, 1);
def(0x05, 'SDIV', 5, 2, 1);
def(0x06, 'MOD', 5, 2, 1);
def(0x07, 'SMOD', 5, 2, 1);
def(0x08, 'ADDMOD', 8, 3, 1);
def(0x09, 'MULMOD', 8, 3, 1);
def(0x0a, 'EXP', 10, 2, 1);
def(0x0b, 'SIGNEXTEND', 5, 2, 1);
def(0x10, 'LT', 3, 2, 1);
def(0x11, 'GT', 3, 2, 1);
def(0x12, 'SLT', 3, 2, 1);
def(0x13, 'SGT', 3, 2, 1);
def(0x14, 'EQ', 3, 2, 1);
def(0x15, 'ISZERO', 3, 1, 1);
def(0x16, 'AND', 3, 2, 1);
def(0x17, 'OR', 3, 2, 1);
def(0x18, 'XOR', 3, 2, 1);
def(0x19, 'NOT', 3, 1, 1);
def(0x1a, 'BYTE', 3, 2, 1);
def(0x1b, 'SHL', 3, 2, 1);
def(0x1c, 'SHR', 3, 2, 1);
def(0x1d, 'SAR', 3, 2, 1);
def(0x20, 'KECCAK256', 30, 2, 1);
def(0x30, 'ADDRESS', 2, 0, 1);
def(0x31, 'BALANCE', 0, 1, 1, REC);
def(0x32, 'ORIGIN', 2, 0, 1);
def(0x33, 'CALLER', 2, 0, 1);
def(0x34, 'CALLVALUE', 2, 0, 1);
def(0x35, 'CALLDATALOAD', 3, 1, 1);
def(0x36, 'CALLDATASIZE', 2, 0, 1);
def(0x37, 'CALLDATACOPY', 3, 3, 0);
def(0x38, 'CODESIZE', 2, 0, 1);
def(0x39, 'CODECOPY', 3, 3, 0);
def(0x3a, 'GASPRICE', 2, 0, 1);
def(0x3b, 'EXTCODESIZE', 0, 1, 1, REC);
def(0x3c, 'EXTCODECOPY', 0, 4, 0, REC);
def(0x3d, 'RETURNDATASIZE', 2, 0, 1);
def(0x3e, 'RETURNDATACOPY', 3, 3, 0);
def(0x3f, 'EXTCODEHASH', 0, 1, 1, REC);
def(0x40, 'BLOCKHASH', 0, 1, 1, REC);
def(0x41, 'COINBASE', 0, 0, 1, REC);
def(0x42, 'TIMESTAMP', 0, 0, 1, REC);
def(0x43, 'NUMBER', 0, 0, 1, REC);
def(0x44, 'PREVRANDAO', 0, 0, 1, REC);
def(0x45, 'GASLIMIT', 0, 0, 1, REC);
def(0x46, 'CHAINID', 0, 0, 1, REC);
def(0x47, 'SELFBALANCE', 0, 0, 1, REC);
def(0x48, 'BASEFEE', 0, 0, 1, REC);
def(0x49, 'BLOBHASH', 0, 1, 1, REC);
def(0x4a, 'BLOBBASEFEE', 0, 0, 1, REC);
def(0x50, 'POP', 2, 1, 0);
def(0x51, 'MLOAD', 3, 1, 1);
def(0x52, 'MSTORE', 3, 2, 0);
def(0x53, 'MSTORE8', 3, 2, 0);
def(0x54, 'SLOAD', 0, 1, 1, REC);
def(0x55, 'SSTORE', 0, 2, 0, REC);
def(0x56, 'JUMP', 8, 1, 0, END);
def(0x57, 'JUMPI', 10, 2, 0, END);
def(0x58, 'PC', 2, 0, 1);
def(0x59, 'MSIZE', 2, 0, 1);
// GAS ends its block so that the precharged block gas is exact when GAS reads it.
def(0x5a, 'GAS', 2, 0, 1);
def(0x5b, 'JUMPDEST', 1, 0, 0);
def(0x5c, 'TLOAD', 0, 1, 1, REC);
def(0x5d, 'TSTORE', 0, 2, 0, REC);
def(0x5e, 'MCOPY', 3, 3, 0);
def(0x5f, 'PUSH0', 2, 0, 1);
for (let n = 1; n <= 32; n++) def(0x5f + n, `PUSH${n}`, 3, 0, 1, { handler: `op_push${n}` });
for (let n = 1; n <= 16; n++) def(0x7f + n, `DUP${n}`, 3, n, n + 1, { handler: `op_dup${n}` });
for (let n = 1; n <= 16; n++) def(0x8f + n, `SWAP${n}`, 3, n + 1, n + 1, { handler: `op_swap${n}` });
for (let n = 0; n <= 4; n++) def(0xa0 + n, `LOG${n}`, 0, n + 2, 0, REC);
def(0xf0, 'CREATE', 0, 3, 1, REC);
def(0xf1, 'CALL', 0, 7, 1, REC);
def(0xf2, 'CALLCODE', 0, 7, 1, REC);
def(0xf3, 'RETURN', 0, 2, 0, END);
def(0xf4, 'DELEGATECALL', 0, 6, 1, REC);
def(0xf5, 'CREATE2', 0, 4, 1, REC);
def(0xfa, 'STATICCALL', 0, 6, 1, REC);
def(0xfd, 'REVERT', 0, 2, 0, END);
def(0xfe, 'INVALID', 0, 0, 0, { endsBlock: true, handler: 'op_invalid' });
def(0xff, 'SELFDESTRUCT', 0, 1, 0, REC);

function spec(code: number): OpSpec {
  const d = defs.get(code);
  if (!d) {
    return {
      code, name: `UNDEFINED_0x${code.toString(16).padStart(2, '0')}`, kind: 'undefined', gas: 0, pops: 0, pushes: 0,
      immediate: 0, endsBlock: true, handler: 'op_invalid',
    };
  }
  const immediate = code >= 0x60 && code <= 0x7f ? code - 0x5f : 0;
  return {
    code, name: d.name, kind: d.kind ?? 'local', gas: d.gas, pops: d.pops, pushes: d.pushes, immediate,
    endsBlock: d.endsBlock ?? false, handler: d.handler ?? `op_${d.name.toLowerCase()}`,
  };
}

/** All 256 opcodes, indexed by byte value. */
export const OPCODES: readonly OpSpec[] = Array.from({ length: 256 }, (_, i) => spec(i));

export function opcodeByName(name: string): OpSpec | undefined {
  return OPCODES.find((o) => o.name === name.toUpperCase());
}

/**
 * Opcodes that the analysis fuses with an immediately preceding PUSH1 or PUSH2 in the same block:
 * the pair runs as one instruction (src/hypervisor/instructions/Fused.huff), with the same gas and
 * stack effect as the two instructions.
 */
export const PUSH_FUSIONS: readonly string[] = ['ADD', 'MUL', 'SUB', 'AND', 'OR', 'XOR', 'EQ', 'LT', 'GT', 'SHL', 'SHR', 'JUMP', 'JUMPI', 'MLOAD', 'MSTORE', 'SWAP1'];

/** Label of the fused handler for PUSHn followed by `name`. */
export function fusedHandler(n: 1 | 2, name: string): string {
  return `fused${n}_${name.toLowerCase()}`;
}
