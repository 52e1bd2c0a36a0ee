/**
 * The JUMPDEST offsets of EVM code (JUMPDEST bytes outside push data, in the code's one decoding from
 * offset 0). Applied to the hypervisor's own runtime it lists every address the hypervisor can
 * jump to: every handler address is among them, which is what the forged-entry tests and the
 * fuzzer plant in guest push data.
 */
import type { Hex } from '../witness/types.ts';
import { immediateSize, OP } from './opcodes.ts';

export function jumpdestsOf(code: Hex | Uint8Array): number[] {
  const bytes = typeof code === 'string' ? Buffer.from(code.slice(2), 'hex') : code;
  const out: number[] = [];
  for (let pc = 0; pc < bytes.length; pc++) {
    const op = bytes[pc]!;
    if (op === OP.JUMPDEST) out.push(pc);
    else pc += immediateSize(op);
  }
  return out;
}
