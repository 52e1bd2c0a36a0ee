/** Reference execution of one message in @ethereumjs/evm (Prague). */
import { Common, createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, EVMError, getActivePrecompiles, type EVM, type EVMRunCallOpts, type InterpreterStep, type Message } from '@ethereumjs/evm';
import { MerkleStateManager } from '@ethereumjs/statemanager';
import { Account, bigIntToBytes, createAddressFromString, hexToBytes, setLengthLeft } from '@ethereumjs/util';
import { bytesToHex, keccak256 } from 'viem';
import { immediateSize, OP } from '../evm/opcodes.ts';
import { NO_LOGS_HASH, type FrameLog } from '../witness/logs.ts';
import { CALL_NOT_ENTERED, encodeRecord } from '../witness/records.ts';
import type { AccessRecord, AccountKey, BlockValues, Hex, Status, StorageKey, TransientKey } from '../witness/types.ts';
import { isPrecompile } from '../evm/precompiles.ts';
import { balanceChangeOf, DEFAULT_BLOCK, type MessageContext } from './context.ts';
import { FrameTracer, type EntryClaim, type FrameCall, type KeyLists, type TracedFrame } from './calls.ts';
import { CALL_OPCODES, KeyRecorder, type KeyLookup } from './keys.ts';
import { AccessRecorder, type StorageWrite } from './recorder.ts';
import { UnsupportedMessageError } from './unsupported.ts';

/**
 * A frame of the message tree other than the message's own (lib/native/tree.ts): which message of the run it is
 * (TracedFrame), and its own message (code, caller, to, context, value, gas, calldata, isStatic; origin, gasPrice and
 * block are the message's).
 */
/** Gas per byte of code a creation deposits (Prague). */
export const CODE_DEPOSIT_BYTE = 200n;

export interface DeepFrame extends TracedFrame {
  ctx: MessageContext;
}

/** One entry of NativeOutcome.logChain: a log of the frame's own, or the call or create of record `record`. */
export type LogChainEntry = { kind: 'log'; log: FrameLog } | { kind: 'call'; record: number };

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
  /** The change of the refund counter the message made (0 unless it succeeded; may be negative). */
  gasRefund: bigint;
  /** The EVM's error for a halt or revert, as ethereumjs names it ("out of gas", "stack underflow", "invalid JUMP", "revert", …). */
  error?: string;
  /** State root of the pre-state the message ran against (see preStateRoot). */
  preStateRoot: Hex;
  /** The access records an honest prover gives for this run, in execution order (lib/native/recorder.ts). */
  records: AccessRecord[];
  /**
   * The state root at exit: the root of the last state-changing record (a storage write, or a call whose callee
   * succeeded) if the message succeeded, else preStateRoot.
   */
  stateRootLeave: Hex;
  /** The logs hash chain of the run over its own logs and its successful calls (docs/witness.md, "Logs"); 0 unless it succeeded. */
  logsHash: Hex;
  /**
   * What the logs hash chains, in order, if the run succeeded (else empty): its own logs, and every call or create that
   * took a record (by record index), where its callee's chain links in if that record claims success and a nonzero
   * logs hash. So a chain can be worked out from other claims than the run's own (ts-fuzz's oracle).
   */
  logChain: LogChainEntry[];
  /** The keys the frame looked up, ascending, with their claims at frame entry (lib/native/keys.ts). */
  storageKeys: StorageKey[];
  transientKeys: TransientKey[];
  accountKeys: AccountKey[];
  /** Code of the looked-up accounts whose code the frame read (EXTCODESIZE, EXTCODECOPY, a call's target), where not empty. */
  accountCode: Hex[];
  /** The first lookup of every key, in execution order, with the number of records taken before it. */
  keyLookups: KeyLookup[];
  /**
   * The call opcodes (ascending) with which the frame called a precompile (0x01-0x11), past the checks before a call's
   * key lookups: this version answers such a call UNSUPPORTED_OPCODE (see unsupportedOpcodes).
   */
  precompileCalls: number[];
}

/** The block header of the run: the context's block values (ethereumjs takes the chain id from the Common). */
export function headerOf(block: BlockValues): NonNullable<EVMRunCallOpts['block']> {
  return {
    header: {
      number: block.number,
      coinbase: createAddressFromString(block.coinbase),
      timestamp: block.timestamp,
      difficulty: 0n,
      prevRandao: hexToBytes(block.prevrandao),
      gasLimit: block.gasLimit,
      baseFeePerGas: block.baseFee,
      getBlobGasPrice: () => block.blobBaseFee,
    },
  };
}

const word = (n: bigint): Uint8Array => setLengthLeft(bigIntToBytes(n), 32);

/** Where the run's refund counter starts (far above anything a frame can take back, far below 2^256). */
const REFUND_BIAS = 1n << 128n;

/** The accounts every message has warm (EIP-2929, EIP-3651): origin, caller, to, context, coinbase and the precompiles, plus the context's own. */
export function warmAtEntry(ctx: MessageContext, common: Common = pragueCommon(ctx)): Set<Hex> {
  const block = ctx.block ?? DEFAULT_BLOCK;
  const out = new Set<Hex>([ctx.origin, ctx.caller, ctx.to, ctx.context, block.coinbase, ...(ctx.preState?.warmAccounts ?? [])].map((a) => a.toLowerCase() as Hex));
  for (const a of getActivePrecompiles(common).keys()) out.add(`0x${a.replace(/^0x/, '').padStart(40, '0')}` as Hex);
  return out;
}

function pragueCommon(ctx: MessageContext): Common {
  const chainId = (ctx.block ?? DEFAULT_BLOCK).chainId;
  if (chainId === 1n) return new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  return createCustomCommon({ chainId: Number(chainId) }, Mainnet, { hardfork: Hardfork.Prague });
}

/**
 * The synthetic pre-state of a message in a fresh MerkleStateManager: `to` holds `code`, `context` exists, the
 * context's accounts and `context`'s storage at frame entry, and for a plain call with value the caller's funding.
 */
async function buildPreState(ctx: MessageContext, common: Common): Promise<MerkleStateManager> {
  const stateManager = new MerkleStateManager({ common });
  const pre = ctx.preState ?? {};
  const to = createAddressFromString(ctx.to);
  const context = createAddressFromString(ctx.context);
  const caller = createAddressFromString(ctx.caller);
  const delegatecall = !to.equals(context);
  for (const a of pre.accounts ?? []) {
    const address = createAddressFromString(a.address);
    await stateManager.putAccount(address, new Account(a.nonce ?? 0n, a.balance ?? 0n));
    if (a.code !== undefined && a.code !== '0x' && !address.equals(to)) await stateManager.putCode(address, hexToBytes(a.code));
    for (const x of a.storage ?? []) if (x.value !== 0n) await stateManager.putStorage(address, word(x.slot), bigIntToBytes(x.value));
  }
  if ((await stateManager.getAccount(to)) === undefined) await stateManager.putAccount(to, new Account());
  await stateManager.putCode(to, hexToBytes(ctx.code));
  // the executing account exists (it is running code); ethereumjs cannot store into a missing one
  if ((await stateManager.getAccount(context)) === undefined) await stateManager.putAccount(context, new Account());
  if (!delegatecall && ctx.callvalue > 0n) {
    const existing = (await stateManager.getAccount(caller)) ?? new Account();
    existing.balance += ctx.callvalue;
    await stateManager.putAccount(caller, existing);
  }
  for (const s of pre.storage ?? []) await stateManager.putStorage(context, word(s.slot), bigIntToBytes(s.value));
  return stateManager;
}

/**
 * The synthetic pre-state of a run, built once: the key claims read it, and the run and the replay of the storage
 * writes each change a copy of it (a shallow copy shares the trie's nodes, which writes never change).
 */
interface BuiltPreState {
  common: Common;
  state: MerkleStateManager;
  root: Hex;
}

async function preStateOf(ctx: MessageContext): Promise<BuiltPreState> {
  const common = pragueCommon(ctx);
  const state = await buildPreState(ctx, common);
  // getStateRoot flushes the caches into the trie, so that copies see every account and slot
  const root = bytesToHex(await state.getStateRoot());
  return { common, state, root };
}

/** Runs the message once on a copy of the pre-state (which has no caches: lib/native/calls.ts reads its trie); `tracer` follows the run. */
async function execute(
  ctx: MessageContext,
  pre: BuiltPreState,
  tracer?: FrameTracer,
): Promise<Awaited<ReturnType<EVM['runCall']>>> {
  const { common } = pre;
  const stateManager = pre.state.shallowCopy(false);
  const evm = await createEVM({ common, stateManager });
  const context = createAddressFromString(ctx.context);
  const delegatecall = ctx.to.toLowerCase() !== ctx.context.toLowerCase();
  const preState = ctx.preState ?? {};

  // EIP-2929: a stand-alone runCall warms nothing (BALANCE(ADDRESS) would cost 2600 instead of 100)
  for (const a of warmAtEntry(ctx, common)) evm.journal.addAlwaysWarmAddress(a);
  for (const s of preState.storage ?? []) {
    if (s.warm === true) evm.journal.addAlwaysWarmSlot(ctx.context.toLowerCase(), bytesToHex(word(s.slot)));
    // EIP-2200's original value: the value at transaction start, as ethereumjs caches it at the first access
    if (s.original !== undefined) stateManager.originalStorageCache.put(context, word(s.slot), bigIntToBytes(s.original));
  }
  for (const t of preState.transientStorage ?? []) evm.transientStorage.put(context, word(t.slot), bigIntToBytes(t.value));
  // the frame's refund counter starts at REFUND_BIAS: a frame may take back refunds that earlier frames of its
  // transaction earned (EIP-3529 un-clearing), which ethereumjs, counting from 0, would treat as an error
  evm.events.on('beforeMessage', (message: Message) => {
    if (message.depth === 0) message.gasRefund = REFUND_BIAS;
  });
  tracer?.install(evm);

  const result = await evm.runCall({
    block: headerOf(ctx.block ?? DEFAULT_BLOCK),
    code: hexToBytes(ctx.code),
    data: hexToBytes(ctx.calldata),
    gasLimit: ctx.gasAvailable,
    value: ctx.callvalue,
    caller: createAddressFromString(ctx.caller),
    origin: createAddressFromString(ctx.origin),
    to: context,
    gasPrice: ctx.gasPrice,
    isStatic: ctx.isStatic,
    delegatecall,
  });
  return result;
}

const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** The keys the frame looked up, each list ascending (the order of the witness's key lists). */
function keyListsOf(keys: KeyRecorder): KeyLists {
  return {
    storage: [...keys.storage].sort(ascending),
    transient: [...keys.transient].sort(ascending),
    accounts: [...keys.accounts].sort((a, b) => ascending(BigInt(a), BigInt(b))),
  };
}

/** The claims at frame entry of every key the frame looked up, each list ascending (docs/witness.md, "Key lists"). */
async function keyClaims(ctx: MessageContext, keys: KeyRecorder, built: BuiltPreState): Promise<Pick<NativeOutcome, 'storageKeys' | 'transientKeys' | 'accountKeys' | 'accountCode'>> {
  const pre = ctx.preState ?? {};
  const lists = keyListsOf(keys);
  const storageKeys = lists.storage.map((slot): StorageKey => {
    const s = pre.storage?.find((x) => x.slot === slot);
    return { slot, warm: s?.warm ?? false, original: s?.original ?? s?.value ?? 0n, value: s?.value ?? 0n };
  });
  const transientKeys = lists.transient.map((slot): TransientKey => ({ slot, value: pre.transientStorage?.find((x) => x.slot === slot)?.value ?? 0n }));
  const accountKeys: AccountKey[] = [];
  const accountCode: Hex[] = [];
  if (keys.accounts.size > 0) {
    const warm = warmAtEntry(ctx, built.common);
    const { state } = built;
    // the accounts as the frame's first opcode sees them: after the message's value transfer
    for (const account of lists.accounts) {
      const found = await state.getAccount(createAddressFromString(account));
      const balance = (found?.balance ?? 0n) + balanceChangeOf(ctx, account);
      const code = found === undefined ? '0x' : bytesToHex(await state.getCode(createAddressFromString(account)));
      // runCall raises the caller's nonce before the frame runs, as a transaction or a calling contract has one
      const nonce = (found?.nonce ?? 0n) + (account === ctx.caller.toLowerCase() ? 1n : 0n);
      const exists = balance !== 0n || nonce !== 0n || code !== '0x';
      accountKeys.push({ account, warm: warm.has(account), balance, codeHash: exists ? keccak256(code) : NO_LOGS_HASH });
      if (keys.codeRead.has(account) && code !== '0x') accountCode.push(code);
    }
  }
  return { storageKeys, transientKeys, accountKeys, accountCode };
}

/** The code of every account of the pre-state (lowercase address → code): whether a call's target is delegated (EIP-7702). */
function codeMapOf(ctx: MessageContext): Map<Hex, Hex> {
  const out = new Map<Hex, Hex>();
  for (const a of ctx.preState?.accounts ?? []) if (a.code !== undefined) out.set(a.address.toLowerCase() as Hex, a.code.toLowerCase() as Hex);
  out.set(ctx.to.toLowerCase() as Hex, ctx.code.toLowerCase() as Hex);
  return out;
}

/** One traced run of the message: its result and what the recorders and the tracer saw. */
interface TracedRun {
  result: Awaited<ReturnType<EVM['runCall']>>;
  recorder: AccessRecorder;
  keys: KeyRecorder;
  tracer: FrameTracer;
  opcodes: Map<number, number>;
  steps: number;
}

/**
 * Runs the message with the recorders and the tracer (lib/native/calls.ts); with `keyLists`, the tracer reads the key
 * updates of the frame's calls.
 */
async function traceRun(ctx: MessageContext, pre: BuiltPreState, keyLists?: KeyLists, deep?: DeepFrame): Promise<TracedRun> {
  const opcodes = new Map<number, number>();
  let steps = 0;
  // the traced frame: the message's own, or a deep frame of its tree (the run is always the whole message's)
  const frame = deep?.ctx ?? ctx;
  const depth = deep?.depth ?? 0;
  const code = hexToBytes(frame.code);
  let last: { pc: number; op: number; top: bigint; second: bigint } | undefined;
  const recorder = new AccessRecorder({ isStatic: frame.isStatic, depth });
  const codes = codeMapOf(ctx);
  const keys = new KeyRecorder({ isStatic: frame.isStatic, context: frame.context, depth }, () => recorder.taken(), (a) => codes.get(a));
  const onStep = (step: InterpreterStep, op: number): void => {
    // a call and SELFDESTRUCT look their keys up before they take their record; SSTORE takes its record first
    const keysFirst = CALL_OPCODES.has(op) || op === OP.SELFDESTRUCT;
    if (keysFirst) keys.onStep(step, op);
    recorder.onStep(step, op);
    if (!keysFirst) keys.onStep(step, op);
    opcodes.set(op, (opcodes.get(op) ?? 0) + 1);
    steps++;
    const n = step.stack.length;
    last = { pc: step.pc, op, top: n > 0 ? step.stack[n - 1]! : 0n, second: n > 1 ? step.stack[n - 2]! : 0n };
  };
  const tracer = new FrameTracer({
    ctx: frame,
    common: pre.common,
    preState: pre.state,
    code,
    onStep,
    ...(keyLists === undefined ? {} : { keyLists }),
    ...(deep === undefined ? {} : { frame: { ordinal: deep.ordinal, depth: deep.depth, ancestors: deep.ancestors, topCaller: deep.topCaller, ...(deep.creation === true ? { creation: true } : {}) } }),
  });
  let result: Awaited<ReturnType<EVM['runCall']>>;
  try {
    result = await execute(ctx, pre, tracer);
  } catch (e) {
    if (deep !== undefined && e instanceof RangeError) throw new UnsupportedMessageError(`runNative: the step hook of frame ${deep.ordinal} failed (${e.message}): a REVERT of a huge range in a callee frame is not supported`);
    if (e instanceof Error && /kzg not initialized/i.test(e.message)) {
      throw new UnsupportedMessageError('runNative: the message calls the point-evaluation precompile (0x0a), which the reference EVM here cannot run (@ethereumjs/evm has no KZG library in this build); the hypervisor calls it natively on the verifying chain', { cause: e });
    }
    // @ethereumjs/evm 10.1.3 builds the step event of REVERT by reading the returned memory range before charging
    // its gas: a huge range (an out-of-gas halt for the EVM) makes the step hook itself throw. The tracer listens to
    // steps only while the frame itself runs, so this is the frame's own REVERT: the opcodes seen so far are right
    // (execution stops at that instruction); the outcome comes from a second run without the hook.
    if (!(e instanceof RangeError)) throw e;
    result = await execute(ctx, pre);
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
  tracer.throwIfFailed();
  if (deep !== undefined) {
    // the traced frame's outcome is its own message's, not the run's
    if (tracer.result === undefined) throw new Error(`runNative: message ${deep.ordinal} of the run never ended`);
    result = { ...result, execResult: tracer.result };
  }
  tracer.finish(result.execResult.runState?.programCounter);
  return { result, recorder, keys, tracer, opcodes, steps };
}

/** The frame's own logs and its recorded calls (each after the logs it ran before it) in execution order. */
function logChainOf(own: readonly FrameLog[], calls: ReadonlyArray<{ record: number; logsBefore: number }>): LogChainEntry[] {
  const out: LogChainEntry[] = [];
  let c = 0;
  for (let i = 0; i <= own.length; i++) {
    for (; c < calls.length && calls[c]!.logsBefore === i; c++) out.push({ kind: 'call', record: calls[c]!.record });
    if (i < own.length) out.push({ kind: 'log', log: own[i]! });
  }
  if (c !== calls.length) throw new Error('runNative: a call ran after more logs than the frame has');
  return out;
}

/** Whether a call record changes the root: a call that succeeded, a create that was entered. */
function changesRoot(call: FrameCall): boolean {
  return call.kind === 'create' || call.kind === 'create2' ? call.status !== CALL_NOT_ENTERED : call.status === 1;
}

/**
 * The call record of `call` (lib/witness/records.ts): its stateRoot is the root after it if its callee succeeded,
 * else `rootBefore`, the root in force before it.
 */
function callRecord(call: FrameCall, rootBefore: Hex): AccessRecord {
  const stateRoot = changesRoot(call) ? call.stateRootAfter! : rootBefore;
  const tail = { returndataLength: BigInt((call.returndata.length - 2) / 2), updateCount: BigInt(call.updates.length), returndata: call.returndata, updates: call.updates };
  const outcome = { status: BigInt(call.status), gasUsed: call.gasUsed, refund: call.refund, logsHash: call.logsHash, stateRoot };
  if (call.kind === 'create' || call.kind === 'create2') {
    return encodeRecord({ kind: call.kind, address: call.target, value: call.value, gas: call.gas, initCodeHash: call.inputHash, ...outcome, ...tail, salt: call.salt!, nonce: call.nonce! });
  }
  return encodeRecord({ kind: call.kind, target: call.target, value: call.value, gas: call.gas, inputHash: call.inputHash, ...outcome, ...tail });
}

/**
 * Runs the message as a single `runCall` (no block, no transaction) with gasLimit =
 * gasAvailable. The pre-state is minimal and synthetic: `to` holds `code`, `context` exists,
 * and for a plain call the caller holds exactly `callvalue` wei. When `context` differs from `to`, the
 * message runs as a DELEGATECALL frame: the code of `to` at the address and storage of
 * `context`, with CALLER and CALLVALUE as given and no value transfer.
 *
 * The warm set (EIP-2929) holds origin, caller, to, context and the precompiles, as in any real
 * message, plus the pre-state's warm accounts and slots; storage, accounts and the block are the
 * context's (PreState, `block`), so opcodes that read outside the message (OUTSIDE_OPCODES) see only
 * that world.
 */
export async function runNative(ctx: MessageContext): Promise<NativeOutcome> {
  if (isPrecompile(ctx.to)) {
    throw new Error(`to ${ctx.to} is a precompile: a message to it runs the precompile, not code, so it has no witness (the hypervisor answers PRECOMPILE_FRAME); give an account that holds code`);
  }
  return (await runFrame(ctx, await preStateOf(ctx))).native;
}

/** The outcome of one frame of a message's tree, with its calls (their callees' messages) and, for a deep frame, its exit roots. */
export interface FrameRun {
  native: NativeOutcome;
  calls: FrameCall[];
  /** A deep frame that succeeded: its root at exit with its own value transfer applied (its caller's root after the call). */
  leaveWithTransfer?: Hex;
  /** A deep frame that succeeded: the live state's root at exit without its own transfer (must be its stateRootLeave). */
  leaveLive?: Hex;
}

/** The message tree's runs share the message's pre-state (built once). */
export type MessagePreState = BuiltPreState;

/** Builds the synthetic pre-state of the message `ctx` (see runNative) for runFrame. */
export async function messagePreState(ctx: MessageContext): Promise<MessagePreState> {
  return preStateOf(ctx);
}

/**
 * Runs the whole message `ctx` and follows one frame of its tree: its own (no `deep`), or the deep frame `deep` (see
 * DeepFrame). The outcome is the frame's, with records, roots, keys and claims as runNative gives them for the
 * message's own frame; a deep frame's claims at entry and its stateRootEnter are read from the live state as its
 * message starts (lib/native/calls.ts), its roots leave out the value transfers of the messages on the way to it.
 */
export async function runFrame(ctx: MessageContext, pre: BuiltPreState, deep?: DeepFrame): Promise<FrameRun> {
  const frame = deep?.ctx ?? ctx;
  const run = await traceRun(ctx, pre, undefined, deep);
  const { result, recorder, keys, tracer, opcodes, steps } = run;
  const calls = tracer.calls;
  if (calls.length !== recorder.calls.length) throw new Error(`runNative: ${calls.length} calls traced, ${recorder.calls.length} recorded`);
  // the key updates of the calls need the frame's final key lists: a second run reads them at every call (and a deep
  // frame's claims at entry)
  const lists = keyListsOf(keys);
  let entryClaims = tracer.entryClaims;
  let updatedCodes: Hex[] = [];
  const anyKey = lists.storage.length + lists.transient.length + lists.accounts.length > 0;
  if (anyKey && (calls.some((c) => c.entered) || deep !== undefined)) {
    const again = await traceRun(ctx, pre, lists, deep);
    const same = again.tracer.calls.length === calls.length && again.tracer.calls.every((c, i) => c.pc === calls[i]!.pc && c.status === calls[i]!.status);
    if (!same || again.keys.lookups.length !== keys.lookups.length) throw new Error('runNative: the second run of the message differs from the first');
    again.tracer.calls.forEach((c, i) => {
      calls[i]!.updates = c.updates;
    });
    entryClaims = again.tracer.entryClaims;
    updatedCodes = codesOfUpdates(lists, keys, calls, again.tracer.codes);
  }
  const preStateRoot = deep === undefined ? pre.root : tracer.entryRoot!;
  const ctxOfFrame = frame;
  const exec = result.execResult;
  const err = exec.exceptionError;
  let status: Status;
  let gasUsed = exec.executionGasUsed;
  let returndata: Hex = bytesToHex(exec.returnValue);
  if (deep?.creation === true && err !== undefined && err.error !== EVMError.errorMessages.REVERT && tracer.lastOpcode === OP.RETURN) {
    throw new UnsupportedMessageError(`runNative: the creation frame ${deep.ordinal} returned its code, whose deposit failed (${err.error}): this version does not build such a creation frame`);
  }
  if (err === undefined) {
    status = 1;
    // a creation's gas includes its code deposit, which comes after the creation frame (its create record has it)
    if (deep?.creation === true) gasUsed -= CODE_DEPOSIT_BYTE * BigInt(exec.returnValue.length);
  } else if (err.error === EVMError.errorMessages.REVERT) {
    status = 2;
  } else {
    status = 0;
    if (gasUsed !== ctxOfFrame.gasAvailable) {
      throw new Error(`runNative: exceptional halt (${err.error}) used ${gasUsed} gas, not all ${ctxOfFrame.gasAvailable}`);
    }
    gasUsed = ctxOfFrame.gasAvailable;
    returndata = '0x';
  }
  // a record opcode with no step after it (the last before the end of the code, or followed by an instruction that
  // failed before its step was reported) gets its results from the frame's final state
  const records = recorder.records(exec.runState && { pc: exec.runState.programCounter, stack: exec.runState.stack.getStack() });
  // the state-changing records in order: each storage write's root, and each call's (the root before it unless its
  // callee succeeded); a call that ran out of gas itself takes no record (it is the frame's last)
  const changes = [
    ...recorder.writes.map((w: StorageWrite, i: number) => ({ recordIndex: w.recordIndex, write: w, root: tracer.writeRoots[i]! })),
    ...recorder.calls.map((c, i) => ({ recordIndex: c.recordIndex, call: calls[i]! })),
  ].sort((a, b) => a.recordIndex - b.recordIndex);
  if (tracer.writeRoots.length !== recorder.writes.length) throw new Error('runNative: a storage write without its root');
  let root = preStateRoot;
  let dropped: number | undefined;
  for (const ch of changes) {
    if ('write' in ch) {
      root = ch.root;
      records[ch.recordIndex] = encodeRecord({ kind: 'storageWrite', slot: ch.write.slot, value: ch.write.value, stateRoot: root });
    } else if (!ch.call.completed) {
      dropped = ch.recordIndex;
    } else {
      records[ch.recordIndex] = callRecord(ch.call, root);
      if (changesRoot(ch.call)) root = ch.call.stateRootAfter!;
    }
  }
  if (dropped !== undefined) {
    if (dropped !== records.length - 1) throw new Error(`runNative: the call of record ${dropped} halted, but records follow it`);
    records.pop();
  }
  // SELFDESTRUCT ends the frame: its record is the last; it ran out of gas unless the frame succeeded
  const sd = recorder.selfDestruct;
  if (sd !== undefined) {
    if (sd.recordIndex !== records.length - 1) throw new Error(`runNative: the SELFDESTRUCT of record ${sd.recordIndex} is not the frame's last record`);
    if (status === 1) {
      if (tracer.selfDestructBalance === undefined || tracer.selfDestructRoot === undefined) throw new Error('runNative: a SELFDESTRUCT without its balance or root');
      root = tracer.selfDestructRoot;
      records[sd.recordIndex] = encodeRecord({ kind: 'selfDestruct', beneficiary: sd.beneficiary, balance: tracer.selfDestructBalance, stateRoot: root });
    } else {
      records.pop();
    }
  }
  const entry = deep === undefined ? await keyClaims(ctx, keys, pre) : deepClaims(lists, keys, entryClaims);
  // the code a call's key update gives an account whose code the frame reads (EXTCODESIZE, EXTCODECOPY, a call's
  // designator check) is archived too
  const claims = { ...entry, accountCode: [...new Set([...entry.accountCode, ...updatedCodes])] };
  const refundStart = deep === undefined ? REFUND_BIAS : tracer.entryRefund;
  const native: NativeOutcome = {
    status,
    gasUsed,
    returndata,
    opcodes,
    steps,
    gasRefund: status === 1 ? (exec.gasRefund ?? refundStart) - refundStart : 0n,
    records,
    stateRootLeave: status === 1 ? root : preStateRoot,
    logsHash: status === 1 ? tracer.logsHash : NO_LOGS_HASH,
    logChain: status === 1 ? logChainOf(tracer.ownLogs, changes.flatMap((ch) => ('call' in ch && ch.call.completed ? [{ record: ch.recordIndex, logsBefore: ch.call.logsBefore }] : []))) : [],
    ...claims,
    keyLookups: keys.lookups,
    precompileCalls: [...keys.precompileCalls].sort((a, b) => a - b),
    // ethereumjs appends " at <code hash>/<address>:<pc>" to some errors (invalid JUMP)
    ...(err === undefined ? {} : { error: err.error.replace(/ at 0x[0-9a-f]+\/0x[0-9a-f]+:\d+$/i, '') }),
    preStateRoot,
  };
  return {
    native,
    calls,
    ...(tracer.leaveWithTransfer === undefined ? {} : { leaveWithTransfer: tracer.leaveWithTransfer }),
    ...(tracer.leave === undefined ? {} : { leaveLive: tracer.leave }),
  };
}

/** The code of every code hash a call's key update gives an account whose code the frame reads. */
function codesOfUpdates(lists: KeyLists, keys: KeyRecorder, calls: readonly FrameCall[], codes: ReadonlyMap<Hex, Hex>): Hex[] {
  const a0 = lists.storage.length + lists.transient.length;
  const out: Hex[] = [];
  for (const c of calls) {
    for (const u of c.updates) {
      const account = lists.accounts[u.key - a0];
      if (account === undefined || !keys.codeRead.has(account)) continue;
      const code = codes.get(u.codeHash);
      if (code !== undefined && code !== '0x') out.push(code);
    }
  }
  return out;
}

/** A deep frame's key claims: the values the live state held at its first instruction (lib/native/calls.ts). */
function deepClaims(lists: KeyLists, keys: KeyRecorder, entry: readonly EntryClaim[] | undefined): Pick<NativeOutcome, 'storageKeys' | 'transientKeys' | 'accountKeys' | 'accountCode'> {
  const n = lists.storage.length + lists.transient.length + lists.accounts.length;
  if (n > 0 && (entry === undefined || entry.length !== n)) throw new Error('runNative: no claims at entry of the frame\'s keys');
  const at = (i: number) => entry![i]!;
  const storageKeys = lists.storage.map((slot, i): StorageKey => ({ slot, warm: at(i).warm, original: at(i).original!, value: at(i).value }));
  const t0 = lists.storage.length;
  const transientKeys = lists.transient.map((slot, i): TransientKey => ({ slot, value: at(t0 + i).value }));
  const a0 = t0 + lists.transient.length;
  const accountKeys = lists.accounts.map((account, i): AccountKey => ({ account, warm: at(a0 + i).warm, balance: at(a0 + i).value, codeHash: at(a0 + i).codeHash! }));
  const accountCode = lists.accounts.flatMap((account, i) => (keys.codeRead.has(account) && at(a0 + i).code !== undefined && at(a0 + i).code !== '0x' ? [at(a0 + i).code!] : []));
  return { storageKeys, transientKeys, accountKeys, accountCode };
}
