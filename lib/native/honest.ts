/** The honest witness of a message: the record the hypervisor must accept. */
import { keccak256 } from 'viem';
import type { MessageWitness, WitnessFile } from '../witness/types.ts';
import type { MessageContext } from './context.ts';
import { runNative, type NativeOutcome } from './run.ts';

/**
 * Runs the message natively and builds its witness: the context's fields, status and gasUsed
 * from the run, returndataHash = keccak256(return/revert data) (of empty data for a halt or
 * STOP), codeHash = keccak256(code), the access records of the run (lib/native/recorder.ts: every
 * executed opcode that has a record kind; the hypervisor does not execute any of them yet, so callers
 * should check unsupportedOpcodes(native) first), and stateRootEnter = stateRootLeave = the state root of
 * runNative's synthetic pre-state (a Merkle-Patricia root of `to` holding the code, and the
 * caller's funding for a plain call with value), deterministic in the context. No record
 * changes state, so the hypervisor only checks that the two roots are equal.
 */
export async function buildHonestWitness(ctx: MessageContext): Promise<{ file: WitnessFile; native: NativeOutcome }> {
  const native = await runNative(ctx);
  return { file: honestWitness(ctx, native), native };
}

/** The honest witness of `ctx` given its native outcome (see buildHonestWitness). */
export function honestWitness(ctx: MessageContext, native: NativeOutcome): WitnessFile {
  const witness: MessageWitness = {
    stateRootEnter: native.preStateRoot,
    stateRootLeave: native.preStateRoot,
    isStatic: ctx.isStatic,
    origin: ctx.origin,
    caller: ctx.caller,
    to: ctx.to,
    context: ctx.context,
    callvalue: ctx.callvalue,
    gasPrice: ctx.gasPrice,
    gasAvailable: ctx.gasAvailable,
    gasUsed: native.gasUsed,
    state_access_list: native.records,
    status: native.status,
    returndataHash: keccak256(native.returndata),
    calldata: ctx.calldata,
    codeHash: keccak256(ctx.code),
  };
  return { code: ctx.code, witness };
}
