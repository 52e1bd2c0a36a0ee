/**
 * The addresses the hypervisor can jump to (every JUMPDEST of its runtime, a superset of its handler
 * addresses), for the builds the fuzzer verifies with: the in-process build (a short placeholder
 * factory address) and the revm build (a 20-byte factory address, which widens one PUSH and moves
 * every later handler). Forged-entry fragments plant these in push data and in the code after it,
 * so that a jump into push data that copies an instruction entry is searched on purpose.
 */
import { jumpdestsOf } from '../lib/evm/jumpdests.ts';
import { compileHypervisor } from '../lib/hypervisor/ethereumjs.ts';

let cached: readonly number[] | undefined;

export function hypervisorJumpTargets(): readonly number[] {
  if (cached === undefined) {
    const local = jumpdestsOf(compileHypervisor());
    const wide = jumpdestsOf(compileHypervisor({ constants: { ARCHIVE_FACTORY: `0x${'f1'.repeat(20)}` } }));
    cached = [...new Set([...local, ...wide])].sort((a, b) => a - b);
  }
  return cached;
}
