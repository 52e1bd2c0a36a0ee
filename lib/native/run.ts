/** Reference execution of one message in @ethereumjs/evm (Prague). */
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, EVMError, getActivePrecompiles, type EVM, type EVMRunCallOpts, type InterpreterStep } from '@ethereumjs/evm';
import { MerkleStateManager } from '@ethereumjs/statemanager';
import { Account, createAddressFromString, createZeroAddress, hexToBytes } from '@ethereumjs/util';
import { bytesToHex } from 'viem';
import { immediateSize, OP } from '../evm/opcodes.ts';
import type { AccessRecord, Hex, Status } from '../witness/types.ts';
import { AccessRecorder } from './recorder.ts';
import type { MessageContext } from './context.ts';

export interface NativeOutcome {
  status: Status;
  /** Gas the message consumed; gasAvailable for an exceptional halt. */
  gasUsed: bigint;
  /** RETURN/REVERT data; empty for STOP and halts. */
  returndata: Hex;
  /** Executed opcode (reached, including one that halted) → count. */
  opcodes: Map<number, number>;
  /** Number of executed instructions. */
  steps: number;
  /** The message's refund counter at exit (0 unless it succeeded). */
  gasRefund: bigint;
  /** The EVM's error for a halt or revert, as ethereumjs names it ("out of gas", "stack underflow", "invalid JUMP", "revert", …). */
  error?: string;
  /** State root of the pre-state the message ran against (see preStateRoot). */
  preStateRoot: Hex;
  /** The access records an honest prover gives for this run, in execution order (lib/native/recorder.ts). */
  records: AccessRecord[];
}

/**
 * A fixed synthetic block. Block opcodes need access records, so their values never reach a
 * witness; the block only has to be complete (ethereumjs's default block has no blob base
 * fee, and BLOBBASEFEE then throws instead of halting).
 */
function syntheticBlock(): NonNullable<EVMRunCallOpts['block']> {
  return {
    header: {
      number: 1n,
      coinbase: createZeroAddress(),
      timestamp: 1n,
      difficulty: 0n,
      prevRandao: new Uint8Array(32),
      gasLimit: 30_000_000n,
      baseFeePerGas: 7n,
      getBlobGasPrice: () => 1n,
    },
  };
}

/** Builds the synthetic pre-state and runs the message once; `onStep` observes every step. */
async function execute(
  ctx: MessageContext,
  onStep?: (step: InterpreterStep) => void,
): Promise<{ result: Awaited<ReturnType<EVM['runCall']>>; preStateRoot: Hex }> {
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const stateManager = new MerkleStateManager({ common });
  const evm = await createEVM({ common, stateManager });

  const to = createAddressFromString(ctx.to);
  const context = createAddressFromString(ctx.context);
  const caller = createAddressFromString(ctx.caller);
  const delegatecall = !to.equals(context);
  const code = hexToBytes(ctx.code);

  await stateManager.putAccount(to, new Account());
  await stateManager.putCode(to, code);
  // the executing account exists (it is running code); ethereumjs cannot store into a missing one
  if (delegatecall) await stateManager.putAccount(context, new Account());
  if (!delegatecall && ctx.callvalue > 0n) {
    const existing = (await stateManager.getAccount(caller)) ?? new Account();
    existing.balance += ctx.callvalue;
    await stateManager.putAccount(caller, existing);
  }
  const preStateRoot = bytesToHex(await stateManager.getStateRoot());

  // EIP-2929: in any real message the origin, the caller (the parent frame's executing
  // account), `to` and `context` are already warm, and so are the precompiles; a stand-alone
  // runCall warms nothing (BALANCE(ADDRESS) would cost 2600 instead of 100).
  for (const a of [ctx.origin, ctx.caller, ctx.to, ctx.context]) evm.journal.addAlwaysWarmAddress(a.toLowerCase());
  for (const a of getActivePrecompiles(common).keys()) evm.journal.addAlwaysWarmAddress(a);
  if (onStep) evm.events.on('step', onStep);

  const result = await evm.runCall({
    block: syntheticBlock(),
    code,
    data: hexToBytes(ctx.calldata),
    gasLimit: ctx.gasAvailable,
    value: ctx.callvalue,
    caller,
    origin: createAddressFromString(ctx.origin),
    to: context,
    gasPrice: ctx.gasPrice,
    isStatic: ctx.isStatic,
    delegatecall,
  });
  return { result, preStateRoot };
}

/**
 * Runs the message as a single `runCall` (no block, no transaction) with gasLimit =
 * gasAvailable. The pre-state is minimal and synthetic: `to` holds `code`, `context` exists,
 * and for a plain call the caller holds exactly `callvalue` wei. When `context` differs from `to`, the
 * message runs as a DELEGATECALL frame: the code of `to` at the address and storage of
 * `context`, with CALLER and CALLVALUE as given and no value transfer.
 *
 * The warm set (EIP-2929) holds origin, caller, to, context and the precompiles, as in any real
 * message. Only opcodes without outside access are modelled faithfully: there is no storage,
 * block, transaction-level warm set or account state beyond the above, so runs that execute a
 * record opcode (see RECORD_OPCODES) do not reproduce a real chain's results.
 */
export async function runNative(ctx: MessageContext): Promise<NativeOutcome> {
  const opcodes = new Map<number, number>();
  let steps = 0;
  const code = hexToBytes(ctx.code);
  let last: { pc: number; op: number; top: bigint; second: bigint } | undefined;
  const recorder = new AccessRecorder();
  const onStep = (step: InterpreterStep): void => {
    // the byte at pc: step.opcode.code is a generic entry for undefined opcodes
    const op = code[step.pc] ?? OP.STOP;
    recorder.onStep(step, op);
    opcodes.set(op, (opcodes.get(op) ?? 0) + 1);
    steps++;
    const n = step.stack.length;
    last = { pc: step.pc, op, top: n > 0 ? step.stack[n - 1]! : 0n, second: n > 1 ? step.stack[n - 2]! : 0n };
  };
  let run: { result: Awaited<ReturnType<EVM['runCall']>>; preStateRoot: Hex };
  try {
    run = await execute(ctx, onStep);
  } catch (e) {
    // @ethereumjs/evm 10.1.3 builds the step event of RETURN/REVERT by reading the returned memory
    // range before charging its gas: a huge range (an out-of-gas halt for the EVM) makes the step
    // hook itself throw. The opcodes seen so far are right (execution stops at that instruction);
    // the outcome comes from a second run without the hook.
    if (!(e instanceof RangeError)) throw e;
    run = await execute(ctx);
    // count the instruction whose step event failed: the one after the last step seen
    let next = 0;
    if (last !== undefined) {
      const { pc, op, top, second } = last;
      const jumped = op === OP.JUMP || (op === OP.JUMPI && second !== 0n);
      next = jumped ? Number(top) : pc + 1 + immediateSize(op);
    }
    const failed = code[next] ?? OP.STOP;
    opcodes.set(failed, (opcodes.get(failed) ?? 0) + 1);
    steps++;
  }
  const { result, preStateRoot } = run;
  const exec = result.execResult;
  const err = exec.exceptionError;
  let status: Status;
  let gasUsed = exec.executionGasUsed;
  let returndata: Hex = bytesToHex(exec.returnValue);
  if (err === undefined) {
    status = 1;
  } else if (err.error === EVMError.errorMessages.REVERT) {
    status = 2;
  } else {
    status = 0;
    if (gasUsed !== ctx.gasAvailable) {
      throw new Error(`runNative: exceptional halt (${err.error}) used ${gasUsed} gas, not all ${ctx.gasAvailable}`);
    }
    gasUsed = ctx.gasAvailable;
    returndata = '0x';
  }
  return {
    status,
    gasUsed,
    returndata,
    opcodes,
    steps,
    gasRefund: status === 1 ? exec.gasRefund ?? 0n : 0n,
    // a record opcode with no step after it (the last before the end of the code, or followed by an instruction that
    // failed before its step was reported) gets its results from the frame's final state
    records: recorder.records(exec.runState && { pc: exec.runState.programCounter, stack: exec.runState.stack.getStack() }),
    // ethereumjs appends " at <code hash>/<address>:<pc>" to some errors (invalid JUMP)
    ...(err === undefined ? {} : { error: err.error.replace(/ at 0x[0-9a-f]+\/0x[0-9a-f]+:\d+$/i, '') }),
    preStateRoot,
  };
}
