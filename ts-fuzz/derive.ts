/**
 * Reusing a native run for another context, when EVM semantics make the outcome a function of what
 * was already observed. Native runs in @ethereumjs/evm cost 2-5 ms each (most of it in the step
 * hook lib/native needs to record the executed opcodes) and are the fuzzer's bottleneck, while the
 * mutated contexts of a case mostly differ from the honest one in values the program never reads.
 *
 * The rule is exact for the programs the fuzzer checks, which execute only local opcodes (a run
 * that reached a record opcode is never derived from or to):
 *   - a field can only influence execution through the opcodes that read it: caller (CALLER),
 *     origin (ORIGIN), context (ADDRESS), callvalue (CALLVALUE), gasPrice (GASPRICE), calldata
 *     (CALLDATALOAD/CALLDATASIZE/CALLDATACOPY); `to` only selects the code (same code here) and
 *     isStatic only makes the opcodes that change state halt (LOGn, and the keyed and record ones a
 *     derivable run never executes). If the run executed no reader of
 *     the fields that differ, the other context executes the very same instructions;
 *   - gasAvailable: if the run never executed GAS, the instruction sequence does not depend on the
 *     gas given, only whether it completes. A run that ended normally (status 1/2) after using
 *     `needed` gas ends identically with any G >= needed and halts out of gas (status 0, all gas
 *     used, no data) with any G < needed; a run that halted with gas G0 halts with any G < G0.
 * Everything else (other code, GAS read with other gas, an unknown `needed`) is run for real.
 * `--always-rerun` disables the rule; ts-fuzz/derive.test.ts checks it against real runs.
 */
import type { MessageContext, NativeOutcome } from '../lib/native/index.ts';
import { readsOutside } from '../lib/native/index.ts';
import { OP, OPCODES, readersOf } from '../lib/evm/opcodes.ts';
import { isPrecompile } from '../lib/evm/precompiles.ts';
import { NO_LOGS_HASH } from '../lib/witness/logs.ts';

/** The opcodes that read each context field (lib/evm/opcodes.ts: the opcodes whose `field` it is). */
export const FIELD_READERS: Readonly<Record<'caller' | 'origin' | 'context' | 'callvalue' | 'gasPrice' | 'calldata', readonly number[]>> = {
  caller: readersOf('caller'),
  origin: readersOf('origin'),
  context: readersOf('context'),
  callvalue: readersOf('callvalue'),
  gasPrice: readersOf('gasPrice'),
  calldata: readersOf('calldata'),
};

/** The outcome of `to` derived from the run `o` of `from`, or undefined when it must be run. */
export function deriveOutcome(from: MessageContext, o: NativeOutcome, to: MessageContext): NativeOutcome | undefined {
  if (from.code !== to.code) return undefined;
  // a message to a precompile runs no code: it has no outcome to derive (lib/native refuses to run it)
  if (isPrecompile(to.to)) return undefined;
  // an outcome with records (or with opcodes still unsupported) depends on more than the message: run it
  if (readsOutside(o)) return undefined;
  for (const [field, readers] of Object.entries(FIELD_READERS) as Array<[keyof typeof FIELD_READERS, readonly number[]]>) {
    if (from[field] !== to[field] && readers.some((r) => o.opcodes.has(r))) return undefined;
  }
  if (from.isStatic !== to.isStatic && [...o.opcodes.keys()].some((op) => OPCODES[op]?.inStaticFrame !== 'runs')) return undefined;
  if (from.gasAvailable === to.gasAvailable) return o;
  if (o.opcodes.has(OP.GAS)) return undefined;
  const g = to.gasAvailable;
  if (o.status === 0) {
    if (g > from.gasAvailable) return undefined; // might have completed with more gas
    return halted(o, g);
  }
  return g >= o.gasUsed ? o : halted(o, g);
}

/** The outcome of the same instructions halting with `gas`: no return data, and a halted frame keeps no refund and no logs. */
function halted(o: NativeOutcome, gas: bigint): NativeOutcome {
  return { ...o, status: 0, gasUsed: gas, returndata: '0x', gasRefund: 0n, logsHash: NO_LOGS_HASH, error: o.status === 0 ? o.error ?? 'halt' : 'out of gas' };
}
