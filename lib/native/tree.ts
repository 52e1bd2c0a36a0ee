/**
 * The message tree: one honest witness per frame of a message (DESIGN.md, "Frames, claims and transactions").
 *
 * The message runs once per frame (twice when the frame looks keys up), always whole and from the same synthetic
 * pre-state (lib/native/run.ts), and each run follows one frame with the tracer of lib/native/calls.ts: the message's
 * own frame as buildHonestWitness builds it, and each callee frame in place, inside the run, at its depth. So every
 * callee witness is exactly the frame the reference EVM ran:
 *
 * - its message (caller, to, context, callvalue, gasAvailable, calldata, isStatic) as ethereumjs sent it; origin,
 *   gasPrice and block the message's; codeHash the hash of the code that ran (the delegate's for a target delegated by
 *   EIP-7702);
 * - its records, key lists and outcome from the run (its own calls' records from its callees' messages);
 * - its claims at entry read from the live state at its first instruction: values, warmth (the transaction's warm
 *   sets at that moment), originals (ethereumjs's original-storage cache: the value at transaction start), balances
 *   after its own value transfer, transient storage;
 * - its roots: the root chain of every frame leaves out the value transfers of the messages on the way to it (the
 *   message's own, its callers', its own) and the message caller's nonce raise, as run.ts does for the message's own
 *   frame. So a callee's stateRootEnter is its caller's root before the call (a plain equality), and the caller's
 *   record holds the callee's stateRootLeave with the call's own value transfer applied (lib/native/links.ts).
 *
 * Cross-checks (an Error naming the frame's path): the callee's message as its own run sees it must be the message
 * its caller's run sent; a callee that succeeded must end with the live state's root (without its transfer) equal to
 * its record chain's last root; and, unless `check: false`, every link of the tree must hold (checkTransaction): the
 * caller's call record, from the caller's run, against the callee's witness, from the callee's run.
 *
 * A create that was entered (status 0, 1 or 2) has a creation frame: its code the init code, `to` and `context` the
 * new address, its callvalue the create's value, no calldata; its stateRootEnter is the root at its first instruction
 * (the creator's nonce raised, the new account there, without its value), its stateRootLeave the root at its exit
 * without the code it returns (deposited after it), its gasUsed without the deposit. A creation frame whose code
 * deposit fails (too large, 0xef, too little gas left) is not built (UnsupportedMessageError).
 *
 * Calls to precompiles, calls and creates that were not entered (status 3) and creates at a taken address (status
 * 4) have no frame. A frame's calls to MODEXP or with value to a precompile are listed in `unsupported`.
 */
import { isPrecompile } from '../evm/precompiles.ts';
import { CREATE_COLLISION } from '../witness/records.ts';
import type { Hex, WitnessFile } from '../witness/types.ts';
import type { FrameCall, TransferOf } from './calls.ts';
import { transferredValue, type MessageContext } from './context.ts';
import { honestWitness } from './honest.ts';
import { checkTransaction, formatPath, type TransferOracle, type ValueTransfer } from './links.ts';
import { unsupportedOpcodes } from './opcodes.ts';
import { messagePreState, runFrame, type DeepFrame, type FrameRun, type NativeOutcome } from './run.ts';
import { UnsupportedMessageError } from './unsupported.ts';

/** One frame of a message tree and its honest witness. */
export interface FrameWitness {
  /** The indices of the call and create records that lead to the frame ([] for the message's own frame, [0] for its first callee's…). */
  path: number[];
  /** Its depth (path.length). */
  depth: number;
  /** Its message's number among the run's messages, in the order they start (0 for the message itself). */
  ordinal: number;
  /** Its message (origin, gasPrice and block are the transaction's). */
  ctx: MessageContext;
  file: WitnessFile;
  native: NativeOutcome;
  /** The call opcodes of the frame that this version cannot verify (unsupportedOpcodes): calls to MODEXP, value sent to a precompile. */
  unsupported: number[];
  /** The frame's return data (a creation frame's is the code it deposits: the link check needs it). */
  returndata: Hex;
}

export interface MessageTree {
  /** Every frame of the tree, in execution order (the order their messages start). */
  frames: FrameWitness[];
  /** The value transfers of the tree's calls applied to the roots the builder computed (checkTransaction's state). */
  transfers: TransferOracle;
}

export interface FrameWitnessOptions {
  /** Check every link of the tree (checkTransaction) and throw on a broken one; default true. */
  check?: boolean;
}

const transferKey = (root: Hex, t: ValueTransfer): string => `${root}:${t.from.toLowerCase()}:${t.to.toLowerCase()}:${t.value}`;

/**
 * The roots the builder saw a value transfer move: each callee frame that succeeded and received value, and each
 * creation frame that succeeded, its stateRootLeave → the same state with its message's transfer applied (and, for a
 * creation, its code deposited): its caller's root after the call. Both roots are the live state's at the callee's
 * exit; a root or transfer the builder never saw is unknown (undefined).
 */
class BuiltTransfers implements TransferOracle {
  private readonly roots = new Map<string, Hex>();
  note(root: Hex, t: ValueTransfer, after: Hex): void {
    this.roots.set(transferKey(root, t), after);
  }
  applyTransfer(root: Hex, t: ValueTransfer): Hex | undefined {
    return this.roots.get(transferKey(root, t));
  }
}

/**
 * The callee frame a call of `parent` leads to, or the creation frame of its create, or undefined when it has none
 * (not entered, a precompile, an address collision).
 */
function calleeFrame(call: FrameCall, top: MessageContext, parent: DeepFrame | undefined): DeepFrame | undefined {
  const parentCtx = parent?.ctx ?? top;
  const ancestors: TransferOf[] = [...(parent?.ancestors ?? []), parentCtx];
  const k = call.creation;
  if (k !== undefined) {
    if (call.status === CREATE_COLLISION) return undefined;
    const ctx: MessageContext = {
      code: k.initCode,
      calldata: '0x',
      callvalue: call.value,
      gasAvailable: call.gas,
      caller: parentCtx.context,
      origin: top.origin,
      to: call.target,
      context: call.target,
      gasPrice: top.gasPrice,
      isStatic: false,
      ...(top.block === undefined ? {} : { block: top.block }),
      preState: {},
    };
    return { ordinal: k.ordinal, depth: k.depth, ancestors, topCaller: top.caller, creation: true, ctx };
  }
  const m = call.callee;
  if (m === undefined || isPrecompile(call.target)) return undefined;
  const ctx: MessageContext = {
    code: m.code,
    calldata: m.calldata,
    callvalue: m.callvalue,
    gasAvailable: m.gasAvailable,
    caller: m.caller,
    origin: top.origin,
    to: m.to,
    context: m.context,
    gasPrice: top.gasPrice,
    isStatic: m.isStatic,
    ...(top.block === undefined ? {} : { block: top.block }),
    preState: {},
  };
  return { ordinal: m.ordinal, depth: m.depth, ancestors, topCaller: top.caller, ctx };
}

/**
 * One honest witness per frame of the message `ctx` (see the file's comment), in execution order. The first is the
 * message's own frame, as buildHonestWitness builds it.
 */
export async function buildFrameWitnesses(ctx: MessageContext, opts: FrameWitnessOptions = {}): Promise<MessageTree> {
  const pre = await messagePreState(ctx);
  const transfers = new BuiltTransfers();
  const frames: FrameWitness[] = [];
  const todo: { path: number[]; deep?: DeepFrame }[] = [{ path: [] }];
  while (todo.length > 0) {
    const { path, deep } = todo.shift()!;
    let run: FrameRun;
    try {
      run = await runFrame(ctx, pre, deep);
    } catch (e) {
      const message = `frame ${formatPath(path)}: ${(e as Error).message}`;
      throw e instanceof UnsupportedMessageError ? new UnsupportedMessageError(message, { cause: e }) : new Error(message, { cause: e });
    }
    const frameCtx = deep?.ctx ?? ctx;
    const { native } = run;
    if (deep !== undefined && native.status === 1) {
      if (run.leaveLive !== native.stateRootLeave) {
        throw new Error(`frame ${formatPath(path)}: stateRootLeave ${native.stateRootLeave} (its records' chain) ≠ the live state's root at its exit ${run.leaveLive}`);
      }
      const value = transferredValue(frameCtx);
      const after = run.leaveWithTransfer!;
      if (deep.creation === true) {
        // the caller's root after a creation: its value and the code it deposits
        transfers.note(native.stateRootLeave, { from: frameCtx.caller, to: frameCtx.context, value }, after);
      } else if (value === 0n) {
        if (after !== native.stateRootLeave) throw new Error(`frame ${formatPath(path)}: no value moved, but its root at exit with its transfer is ${after}, not ${native.stateRootLeave}`);
      } else {
        transfers.note(native.stateRootLeave, { from: frameCtx.caller, to: frameCtx.context, value }, after);
      }
    }
    frames.push({
      path,
      depth: path.length,
      ordinal: deep?.ordinal ?? 0,
      ctx: frameCtx,
      file: honestWitness(frameCtx, native),
      native,
      unsupported: unsupportedOpcodes(native),
      returndata: native.returndata,
    });
    run.calls.forEach((call, i) => {
      const child = calleeFrame(call, ctx, deep);
      if (child !== undefined) todo.push({ path: [...path, i], deep: child });
    });
  }
  frames.sort((a, b) => a.ordinal - b.ordinal);
  if (opts.check !== false) {
    const broken = checkTransaction(frames, { transfers });
    if (broken.length > 0) throw new Error(`the message tree's links do not hold:\n${broken.map((b) => b.message).join('\n')}`);
  }
  return { frames, transfers };
}
