/** Reference execution of one message in @ethereumjs/evm (Prague). */
import { Common, createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, EVMError, getActivePrecompiles, type EVM, type EVMRunCallOpts, type InterpreterStep, type Message } from '@ethereumjs/evm';
import { MerkleStateManager } from '@ethereumjs/statemanager';
import { Account, bigIntToBytes, createAddressFromString, hexToBytes, setLengthLeft } from '@ethereumjs/util';
import { bytesToHex, keccak256 } from 'viem';
import { immediateSize, OP } from '../evm/opcodes.ts';
import { logsHashOf, NO_LOGS_HASH } from '../witness/logs.ts';
import { encodeRecord } from '../witness/records.ts';
import type { AccessRecord, AccountKey, BlockValues, Hex, Status, StorageKey, TransientKey } from '../witness/types.ts';
import { isPrecompile } from '../evm/precompiles.ts';
import { balanceChangeOf, DEFAULT_BLOCK, type MessageContext } from './context.ts';
import { KeyRecorder, type KeyLookup } from './keys.ts';
import { AccessRecorder, type StorageWrite } from './recorder.ts';

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
  /** The state root at exit: the last storage write's root if the message succeeded, else preStateRoot. */
  stateRootLeave: Hex;
  /** The logs hash chain of the run (docs/witness.md, "Logs"); 0 unless it succeeded. */
  logsHash: Hex;
  /** The keys the frame looked up, ascending, with their claims at frame entry (lib/native/keys.ts). */
  storageKeys: StorageKey[];
  transientKeys: TransientKey[];
  accountKeys: AccountKey[];
  /** Code of the looked-up accounts whose code the frame read (EXTCODESIZE, EXTCODECOPY), where not empty. */
  accountCode: Hex[];
  /** The first lookup of every key, in execution order, with the number of records taken before it. */
  keyLookups: KeyLookup[];
}

/** The block header of the run: the context's block values (ethereumjs takes the chain id from the Common). */
function headerOf(block: BlockValues): NonNullable<EVMRunCallOpts['block']> {
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

/** Runs the message once on a copy of the pre-state; `onStep` observes every step. */
async function execute(
  ctx: MessageContext,
  pre: BuiltPreState,
  onStep?: (step: InterpreterStep) => void,
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
  if (onStep) evm.events.on('step', onStep);

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

/** The claims at frame entry of every key the frame looked up, each list ascending (docs/witness.md, "Key lists"). */
async function keyClaims(ctx: MessageContext, keys: KeyRecorder, built: BuiltPreState): Promise<Pick<NativeOutcome, 'storageKeys' | 'transientKeys' | 'accountKeys' | 'accountCode'>> {
  const pre = ctx.preState ?? {};
  const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
  const storageKeys = [...keys.storage].sort(ascending).map((slot): StorageKey => {
    const s = pre.storage?.find((x) => x.slot === slot);
    return { slot, warm: s?.warm ?? false, original: s?.original ?? s?.value ?? 0n, value: s?.value ?? 0n };
  });
  const transientKeys = [...keys.transient].sort(ascending).map((slot): TransientKey => ({ slot, value: pre.transientStorage?.find((x) => x.slot === slot)?.value ?? 0n }));
  const accountKeys: AccountKey[] = [];
  const accountCode: Hex[] = [];
  if (keys.accounts.size > 0) {
    const warm = warmAtEntry(ctx, built.common);
    const { state } = built;
    // the accounts as the frame's first opcode sees them: after the message's value transfer
    for (const account of [...keys.accounts].sort((a, b) => ascending(BigInt(a), BigInt(b)))) {
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

/**
 * The state roots after each storage write of the frame, in order: the writes applied one by one to the pre-state
 * (the roots an honest prover states in the storageWrite records).
 */
async function rootsAfterWrites(ctx: MessageContext, writes: readonly StorageWrite[], pre: BuiltPreState): Promise<Hex[]> {
  if (writes.length === 0) return [];
  const stateManager = pre.state.shallowCopy(false);
  const context = createAddressFromString(ctx.context);
  const roots: Hex[] = [];
  for (const w of writes) {
    await stateManager.putStorage(context, word(w.slot), bigIntToBytes(w.value));
    roots.push(bytesToHex(await stateManager.getStateRoot()));
  }
  return roots;
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
  if (isPrecompile(ctx.to)) {
    throw new Error(`to ${ctx.to} is a precompile: a message to it runs the precompile, not code, so it has no witness (the hypervisor answers PRECOMPILE_FRAME); give an account that holds code`);
  }
  const opcodes = new Map<number, number>();
  let steps = 0;
  const code = hexToBytes(ctx.code);
  let last: { pc: number; op: number; top: bigint; second: bigint } | undefined;
  const recorder = new AccessRecorder({ isStatic: ctx.isStatic });
  const keys = new KeyRecorder({ isStatic: ctx.isStatic, context: ctx.context }, () => recorder.taken());
  const onStep = (step: InterpreterStep): void => {
    // the byte at pc: step.opcode.code is a generic entry for undefined opcodes
    const op = code[step.pc] ?? OP.STOP;
    recorder.onStep(step, op);
    keys.onStep(step, op);
    opcodes.set(op, (opcodes.get(op) ?? 0) + 1);
    steps++;
    const n = step.stack.length;
    last = { pc: step.pc, op, top: n > 0 ? step.stack[n - 1]! : 0n, second: n > 1 ? step.stack[n - 2]! : 0n };
  };
  const pre = await preStateOf(ctx);
  let result: Awaited<ReturnType<EVM['runCall']>>;
  try {
    result = await execute(ctx, pre, onStep);
  } catch (e) {
    // @ethereumjs/evm 10.1.3 builds the step event of RETURN/REVERT by reading the returned memory
    // range before charging its gas: a huge range (an out-of-gas halt for the EVM) makes the step
    // hook itself throw. The opcodes seen so far are right (execution stops at that instruction);
    // the outcome comes from a second run without the hook.
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
  const preStateRoot = pre.root;
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
  // a record opcode with no step after it (the last before the end of the code, or followed by an instruction that
  // failed before its step was reported) gets its results from the frame's final state
  const records = recorder.records(exec.runState && { pc: exec.runState.programCounter, stack: exec.runState.stack.getStack() });
  const roots = await rootsAfterWrites(ctx, recorder.writes, pre);
  recorder.writes.forEach((w: StorageWrite, i: number) => {
    records[w.recordIndex] = encodeRecord({ kind: 'storageWrite', slot: w.slot, value: w.value, stateRoot: roots[i]! });
  });
  const claims = await keyClaims(ctx, keys, pre);
  return {
    status,
    gasUsed,
    returndata,
    opcodes,
    steps,
    gasRefund: status === 1 ? (exec.gasRefund ?? REFUND_BIAS) - REFUND_BIAS : 0n,
    records,
    stateRootLeave: status === 1 && roots.length > 0 ? roots[roots.length - 1]! : preStateRoot,
    logsHash: status === 1 ? logsHashOf((exec.logs ?? []).map(([, topics, data]) => ({ topics: topics.map((t) => bytesToHex(t)), data: bytesToHex(data) }))) : NO_LOGS_HASH,
    ...claims,
    keyLookups: keys.lookups,
    // ethereumjs appends " at <code hash>/<address>:<pc>" to some errors (invalid JUMP)
    ...(err === undefined ? {} : { error: err.error.replace(/ at 0x[0-9a-f]+\/0x[0-9a-f]+:\d+$/i, '') }),
    preStateRoot,
  };
}
