/** The honest witness of a message: the record the hypervisor must accept. */
import { keccak256 } from 'viem';
import type { MessageWitness, WitnessFile } from '../witness/types.ts';
import { DEFAULT_BLOCK, type MessageContext } from './context.ts';
import { runNative, type NativeOutcome } from './run.ts';

/**
 * Runs the message natively and builds its witness: the context's fields, status and gasUsed
 * from the run, returndataHash = keccak256(return/revert data) (of empty data for a halt or
 * STOP), codeHash = keccak256(code), the block values of the context, the access records of the run
 * (lib/native/recorder.ts: every executed opcode that has a record kind, the calls' records from the callees'
 * messages, lib/native/calls.ts; creates, SELFDESTRUCT and calls to precompiles are not supported yet, so callers
 * should check unsupportedOpcodes(native) first), the keys the run looked up with their claims at frame entry
 * (lib/native/keys.ts), the refund counter change and the logs hash of a successful run (0 otherwise), and the state
 * roots of runNative's synthetic pre-state: stateRootEnter is the Merkle-Patricia root of the pre-state (`to` holding
 * the code, the context's accounts and storage, the caller's funding for a plain call with value), each storageWrite
 * record's root is the state before it (the frame's writes so far and the effects of its successful calls) with the
 * write applied, a call record's root that state after the call if the callee succeeded, and stateRootLeave is the
 * last of these roots for a successful run and stateRootEnter otherwise. The code of accounts the frame reads or calls
 * comes with the file (`accountCode`), to be archived before verifying.
 */
export async function buildHonestWitness(ctx: MessageContext): Promise<{ file: WitnessFile; native: NativeOutcome }> {
  const native = await runNative(ctx);
  return { file: honestWitness(ctx, native), native };
}

/** The honest witness of `ctx` given its native outcome (see buildHonestWitness). */
export function honestWitness(ctx: MessageContext, native: NativeOutcome): WitnessFile {
  const witness: MessageWitness = {
    stateRootEnter: native.preStateRoot,
    stateRootLeave: native.stateRootLeave,
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
    block: ctx.block ?? DEFAULT_BLOCK,
    refund: native.gasRefund,
    logsHash: native.logsHash,
    storageKeys: native.storageKeys,
    transientKeys: native.transientKeys,
    accountKeys: native.accountKeys,
  };
  return { code: ctx.code, witness, ...(native.accountCode.length > 0 ? { accountCode: native.accountCode } : {}) };
}
