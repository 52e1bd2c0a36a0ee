/**
 * The addresses the hypervisor can jump to (every JUMPDEST of its runtime, a superset of its handler
 * addresses), for the builds the fuzzer verifies with: the in-process build (a short placeholder
 * factory address) and the revm build (a 20-byte factory address, which widens one PUSH and moves
 * every later handler). Forged-entry fragments plant these in push data and in the code after it,
 * so that a jump into push data that copies an instruction entry is searched on purpose.
 *
 * Among them, the *entry handlers* are the ones the hypervisor uses as data, not as jump targets: a
 * PUSH2 of a JUMPDEST not followed by JUMP/JUMPI (the analysis writes them into entries and compares
 * against them: the block-start and static-jump handlers). A forgery that matters most likely names
 * one of them, so the generator picks them half of the time.
 */
import { jumpdestsOf } from '../lib/evm/jumpdests.ts';
import { immediateSize, OP } from '../lib/evm/opcodes.ts';
import { compileHypervisor } from '../lib/hypervisor/ethereumjs.ts';
import type { Hex } from '../lib/witness/types.ts';

export interface HandlerSets {
  all: readonly number[];
  entry: readonly number[];
}

let cached: HandlerSets | undefined;

function entryHandlers(runtime: Hex): number[] {
  const b = Buffer.from(runtime.slice(2), 'hex');
  const jd = new Set(jumpdestsOf(runtime));
  const out: number[] = [];
  for (let pc = 0; pc < b.length; pc++) {
    const op = b[pc]!;
    if (op === OP.PUSH2 && pc + 3 < b.length) {
      const v = b.readUInt16BE(pc + 1);
      const next = b[pc + 3];
      if (jd.has(v) && next !== OP.JUMP && next !== OP.JUMPI) out.push(v);
    }
    pc += immediateSize(op);
  }
  return out;
}

export function hypervisorHandlers(): HandlerSets {
  if (cached === undefined) {
    const builds = [compileHypervisor(), compileHypervisor({ constants: { ARCHIVE_FACTORY: `0x${'f1'.repeat(20)}` } })];
    const uniq = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);
    cached = { all: uniq(builds.flatMap(jumpdestsOf)), entry: uniq(builds.flatMap(entryHandlers)) };
  }
  return cached;
}

/** Every JUMPDEST of the hypervisor builds the fuzzer uses. */
export function hypervisorJumpTargets(): readonly number[] {
  return hypervisorHandlers().all;
}
