/**
 * Witnesses of a mined transaction, built from a node alone.
 *
 * The node gives the transaction, its receipt, its block and chain id (eth_*), the state of every account the
 * transaction touched before it ran (`debug_traceTransaction` with geth's `prestateTracer`: balance, nonce, code, the
 * storage slots it accessed) and its frame tree (`callTracer`). From these, the transaction's message is rebuilt as a
 * lib/native MessageContext (caller = origin = the sender, gas = the gas limit less the intrinsic gas, the effective gas
 * price, the block's values, the pre-state, the access list warm) and lib/native buildFrameWitnesses runs it in
 * @ethereumjs/evm and writes one honest witness per frame.
 *
 * The reference EVM here is not the node's, so nothing is taken on trust: the builder's frames, in execution order, must
 * be the call trace's frames (call kind, target, sender, input, value, gas given, gas used, status, output), the
 * receipt's status and gasUsed must follow from the top frame (intrinsic gas + gas used − the capped refund, at least
 * the EIP-7623 floor), every BLOCKHASH the frames read must return the chain's block hash, and the sender's nonce in the
 * pre-state must be the transaction's. A difference throws a CrossCheckError naming the frame and the field: a
 * witness that differs from what the chain ran is never returned.
 *
 * Supported: legacy, EIP-2930 and EIP-1559 transactions that call an account (no creation), on a chain whose rules are
 * Prague's. Not supported (a TraceError says so): contract creation, blob (type 3) and set-code (type 4) transactions,
 * transactions to a precompile or to an EIP-7702-delegated account, access-list slots of other accounts than `to`, and
 * messages whose tree creates contracts or self-destructs (lib/native's UnsupportedMessageError, with the transaction).
 */
import { keccak256 } from 'viem';
import { isPrecompile } from '../evm/precompiles.ts';
import type { AccountState, MessageContext, SlotState } from '../native/context.ts';
import { formatPath } from '../native/links.ts';
import { CODE_DEPOSIT_BYTE } from '../native/run.ts';
import { buildFrameWitnesses, type FrameWitness, type MessageTree } from '../native/tree.ts';
import { UnsupportedMessageError } from '../native/unsupported.ts';
import { decodeRecord, hasCallTail, type TypedRecord } from '../witness/records.ts';
import type { BlockValues, Hex, Status } from '../witness/types.ts';

/** The honest witnesses of every frame of one mined transaction, with what they were built from. */
export interface TransactionWitnesses {
  txHash: Hex;
  /** The frames' honest witnesses and the tree, exactly as lib/native buildFrameWitnesses returns them. */
  tree: MessageTree;
  /** The transaction's message (what buildFrameWitnesses ran). */
  message: MessageContext;
  /** The transaction's receipt, as the node reports it. */
  receipt: { status: 'success' | 'reverted'; gasUsed: bigint; blockNumber: bigint };
  /** The gas the transaction paid before its first opcode (21,000 + calldata + access list). */
  intrinsicGas: bigint;
}

/** Options of witnessesOfTransaction. */
export interface WitnessesOfTransactionOptions {
  /** Called with one line per step (fetching, building, cross-checking). */
  onProgress?: (line: string) => void;
}

/** An error a user can act on: what went wrong (the message, which ends with the hint) and what to do (`hint`). */
export class TraceError extends Error {
  constructor(
    what: string,
    /** What to do about it. */
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${what}: ${hint}`, options);
    this.name = 'TraceError';
  }
}

/** The builder's witnesses differ from what the node says the chain ran: `path` is the frame ([] the top one), `field` what differs. */
export class CrossCheckError extends TraceError {
  constructor(
    readonly path: readonly number[],
    readonly field: string,
    detail: string,
  ) {
    super(
      `frame ${formatPath(path)}: ${field}: ${detail}`,
      "the reference EVM (@ethereumjs/evm) and the node disagree about this transaction, so its witnesses would not be honest; report it with the transaction hash and the node's client",
    );
    this.name = 'CrossCheckError';
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The node's JSON-RPC answers (the fields this module reads)

/** A transaction as eth_getTransactionByHash gives it. */
export interface RpcTransaction {
  hash: Hex;
  type?: Hex;
  from: Hex;
  to: Hex | null;
  input: Hex;
  value: Hex;
  gas: Hex;
  gasPrice?: Hex;
  nonce: Hex;
  blockNumber: Hex | null;
  accessList?: { address: Hex; storageKeys: Hex[] }[];
}

/** A receipt as eth_getTransactionReceipt gives it. */
export interface RpcReceipt {
  status: Hex;
  gasUsed: Hex;
  effectiveGasPrice?: Hex;
  blobGasPrice?: Hex;
  blockNumber: Hex;
}

/** A block header as eth_getBlockByNumber gives it. */
export interface RpcBlock {
  hash: Hex;
  number: Hex;
  miner: Hex;
  timestamp: Hex;
  mixHash?: Hex;
  prevRandao?: Hex;
  gasLimit: Hex;
  baseFeePerGas?: Hex;
  excessBlobGas?: Hex;
}

/** One frame of geth's `callTracer` (anvil, reth and geth give this shape). */
export interface CallTraceFrame {
  type: string;
  from: Hex;
  to?: Hex;
  gas: Hex;
  gasUsed: Hex;
  input: Hex;
  output?: Hex;
  value?: Hex;
  error?: string;
  calls?: CallTraceFrame[];
}

/** One account of geth's `prestateTracer` (default mode): its state before the transaction. */
export interface PrestateAccount {
  balance?: Hex;
  nonce?: number | Hex;
  code?: Hex;
  storage?: Record<Hex, Hex>;
}

export type Prestate = Record<Hex, PrestateAccount>;

// ---------------------------------------------------------------------------------------------------------------------
// JSON-RPC

const RPC_TIMEOUT_MS = 120_000;
const METHOD_NOT_FOUND = -32601;
const DEBUG_HINT = 'start the node with the debug API, e.g. geth --http.api eth,debug (anvil has it)';

/** One JSON-RPC call to `url`; every failure a TraceError that says what to do. */
async function rpcCall<T>(url: string, method: string, params: readonly unknown[]): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    const code = cause?.code ?? (e as Error).name;
    throw new TraceError(`cannot reach the node at ${url} (${method}: ${code})`, `is the node running at ${url}? Start it, or pass its URL with --rpc`, { cause: e });
  }
  const text = await res.text();
  let body: { result?: T; error?: { code?: number; message?: string } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new TraceError(`${url} answered ${method} with HTTP ${res.status} and no JSON-RPC (${text.slice(0, 120)})`, `is ${url} an Ethereum node's JSON-RPC endpoint?`);
  }
  if (body.error !== undefined) {
    const message = body.error.message ?? JSON.stringify(body.error);
    if (body.error.code === METHOD_NOT_FOUND || /method .*(not found|does not exist|not available)|not supported/i.test(message)) {
      if (method.startsWith('debug_')) throw new TraceError(`the node at ${url} has no ${method} (${message})`, DEBUG_HINT);
      throw new TraceError(`the node at ${url} has no ${method} (${message})`, 'use an Ethereum execution client (geth, reth, anvil) with the eth and debug APIs');
    }
    throw new TraceError(`${method} on ${url} failed: ${message}`, method.startsWith('debug_') ? `check that the node keeps the state of that block (an archive node, or a recent block) and that ${DEBUG_HINT}` : 'check the node and the transaction hash');
  }
  return body.result as T;
}

// ---------------------------------------------------------------------------------------------------------------------
// Gas

const big = (h: Hex | number | undefined): bigint => (h === undefined ? 0n : BigInt(h));
const lower = <T extends string>(a: T): T => a.toLowerCase() as T;

/** The calldata's zero and nonzero bytes. */
function byteCounts(data: Hex): { zero: bigint; nonzero: bigint } {
  let zero = 0n;
  let nonzero = 0n;
  for (let i = 2; i < data.length; i += 2) {
    if (data.slice(i, i + 2) === '00') zero++;
    else nonzero++;
  }
  return { zero, nonzero };
}

/**
 * The intrinsic gas of a transaction that calls an account (Prague): 21,000, 4 per zero and 16 per nonzero calldata
 * byte, 2,400 per access-list address and 1,900 per access-list slot (EIP-2028, EIP-2930).
 */
export function intrinsicGasOf(input: Hex, accessList: readonly { storageKeys: readonly Hex[] }[] = []): bigint {
  const { zero, nonzero } = byteCounts(input);
  const slots = accessList.reduce((n, e) => n + BigInt(e.storageKeys.length), 0n);
  return 21_000n + 4n * zero + 16n * nonzero + 2_400n * BigInt(accessList.length) + 1_900n * slots;
}

/** EIP-7623's floor on a transaction's gas: 21,000 + 10 per calldata token (a zero byte is 1 token, a nonzero byte 4). */
export function floorGasOf(input: Hex): bigint {
  const { zero, nonzero } = byteCounts(input);
  return 21_000n + 10n * (zero + 4n * nonzero);
}

/**
 * The gasUsed of a receipt (Prague): the gas spent (intrinsic + the top frame's), less the refund capped at a fifth of
 * it (EIP-3529), at least the EIP-7623 floor. `refund` is the transaction's refund counter at its end: the top frame's
 * refund when it succeeded, 0 otherwise.
 */
export function receiptGasUsed(p: { intrinsicGas: bigint; executionGasUsed: bigint; refund: bigint; floorGas: bigint }): bigint {
  const spent = p.intrinsicGas + p.executionGasUsed;
  const refund = p.refund < 0n ? 0n : p.refund < spent / 5n ? p.refund : spent / 5n;
  const used = spent - refund;
  return used > p.floorGas ? used : p.floorGas;
}

/** EIP-4844's fake_exponential(factor, numerator, denominator). */
function fakeExponential(factor: bigint, numerator: bigint, denominator: bigint): bigint {
  let i = 1n;
  let output = 0n;
  let acc = factor * denominator;
  while (acc > 0n) {
    output += acc;
    acc = (acc * numerator) / (denominator * i);
    i++;
  }
  return output / denominator;
}

/** Prague's blob base fee update fraction (EIP-7691). */
const BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE = 5_007_716n;

/** The block's blob base fee: the receipt's blobGasPrice when the node gives it, else Prague's formula over excessBlobGas (1 without it). */
function blobBaseFeeOf(block: RpcBlock, receipt: RpcReceipt): bigint {
  if (receipt.blobGasPrice !== undefined) return BigInt(receipt.blobGasPrice);
  return fakeExponential(1n, big(block.excessBlobGas), BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE);
}

// ---------------------------------------------------------------------------------------------------------------------
// The message

/** Transaction types this version builds witnesses of: legacy, EIP-2930 access list, EIP-1559 dynamic fee. */
const SUPPORTED_TYPES = new Set(['0x0', '0x1', '0x2']);
const TYPE_NAMES: Record<string, string> = { '0x3': 'a blob transaction (type 3, EIP-4844)', '0x4': 'a set-code transaction (type 4, EIP-7702)' };

/** Refuses what this version does not support, saying what it is. */
function checkSupported(tx: RpcTransaction): void {
  const type = tx.type === undefined ? '0x0' : `0x${BigInt(tx.type).toString(16)}`;
  if (!SUPPORTED_TYPES.has(type)) {
    throw new TraceError(
      `transaction ${tx.hash} is ${TYPE_NAMES[type] ?? `of type ${type}`}`,
      'this version builds witnesses of legacy, access-list (type 1) and EIP-1559 (type 2) transactions only',
    );
  }
  if (tx.to === null) {
    throw new TraceError(`transaction ${tx.hash} creates a contract`, 'this version builds witnesses of transactions that call an account; contract creation (init code frames) is not supported yet');
  }
  if (isPrecompile(tx.to)) throw new TraceError(`transaction ${tx.hash} calls the precompile ${tx.to}`, 'a message to a precompile runs no code, so it has no witness');
}

/** The block values of the transaction's block (docs/witness.md, "Block values"). */
function blockValuesOf(block: RpcBlock, receipt: RpcReceipt, chainId: bigint): BlockValues {
  const prevrandao = block.mixHash ?? block.prevRandao;
  if (prevrandao === undefined) throw new TraceError(`block ${BigInt(block.number)} has neither mixHash nor prevRandao`, 'use a post-merge chain (Prague rules)');
  return {
    coinbase: lower(block.miner),
    timestamp: BigInt(block.timestamp),
    number: BigInt(block.number),
    prevrandao: lower(prevrandao),
    gasLimit: BigInt(block.gasLimit),
    chainId,
    baseFee: big(block.baseFeePerGas),
    blobBaseFee: blobBaseFeeOf(block, receipt),
  };
}

/**
 * The transaction's message: what buildFrameWitnesses runs. The pre-state's accounts are the prestate's, except the
 * sender's balance, which has paid for its gas (gas limit × effective gas price) and, as lib/native's contexts state it
 * (lib/native/case.ts contextOfCase), is its balance after the message's value transfer, which the run moves back and
 * forth. The sender's nonce is the prestate's: the run raises it (ethereumjs runCall), as the transaction does.
 */
export function messageOfTransaction(p: { tx: RpcTransaction; receipt: RpcReceipt; block: RpcBlock; chainId: bigint; prestate: Prestate }): { message: MessageContext; intrinsicGas: bigint } {
  const { tx, receipt, prestate } = p;
  checkSupported(tx);
  const to = lower(tx.to!);
  const from = lower(tx.from);
  const accessList = tx.accessList ?? [];
  const intrinsicGas = intrinsicGasOf(tx.input, accessList);
  const gasLimit = BigInt(tx.gas);
  if (gasLimit < intrinsicGas) throw new TraceError(`transaction ${tx.hash}: gas limit ${gasLimit} below its intrinsic gas ${intrinsicGas}`, 'the node mined an invalid transaction; check the node');
  const gasPrice = receipt.effectiveGasPrice !== undefined ? BigInt(receipt.effectiveGasPrice) : big(tx.gasPrice);
  const callvalue = BigInt(tx.value);

  const pre = new Map<Hex, PrestateAccount>(Object.entries(prestate).map(([a, s]) => [lower(a as Hex), s]));
  const sender = pre.get(from);
  if (sender === undefined) throw new TraceError(`the prestate trace of ${tx.hash} lacks the sender ${from}`, "the node's prestateTracer gave an incomplete state; check the node");
  if (big(sender.nonce) !== BigInt(tx.nonce)) {
    throw new CrossCheckError([], 'sender nonce', `the prestate gives the sender nonce ${big(sender.nonce)}, the transaction has nonce ${BigInt(tx.nonce)}: the prestate is not the state before the transaction`);
  }
  const code = pre.get(to)?.code ?? '0x';
  if (/^0xef0100[0-9a-f]{40}$/i.test(code)) {
    throw new TraceError(`transaction ${tx.hash} calls ${to}, an account delegated by EIP-7702`, 'a transaction to a delegated account is not supported yet');
  }

  const warmSlots = new Set<string>();
  for (const e of accessList) {
    if (e.storageKeys.length > 0 && lower(e.address) !== to) {
      throw new TraceError(
        `transaction ${tx.hash}'s access list warms slots of ${lower(e.address)}`,
        "access-list slots of other accounts than the transaction's `to` are not supported yet (lib/native can warm only the executing account's slots at entry)",
      );
    }
    for (const k of e.storageKeys) warmSlots.add(BigInt(k).toString());
  }
  const toStorage = pre.get(to)?.storage ?? {};
  const slots = new Set<string>([...Object.keys(toStorage).map((k) => BigInt(k).toString()), ...warmSlots]);
  const storage: SlotState[] = [...slots].map((s) => {
    const slot = BigInt(s);
    const entry = Object.entries(toStorage).find(([k]) => BigInt(k) === slot);
    const value = entry === undefined ? 0n : BigInt(entry[1]);
    return { slot, value, original: value, warm: warmSlots.has(s) };
  });

  const accounts: AccountState[] = [...pre].map(([address, s]) => {
    const balance = address === from ? big(s.balance) - gasLimit * gasPrice - callvalue : big(s.balance);
    if (balance < 0n) throw new CrossCheckError([], 'sender balance', `the prestate's sender balance ${big(s.balance)} cannot pay ${gasLimit} gas at ${gasPrice} wei and ${callvalue} wei of value`);
    return {
      address,
      balance,
      nonce: big(s.nonce),
      ...(s.code !== undefined && s.code !== '0x' && address !== to ? { code: lower(s.code) } : {}),
      ...(s.storage !== undefined && address !== to ? { storage: Object.entries(s.storage).map(([k, v]) => ({ slot: BigInt(k), value: BigInt(v) })) } : {}),
    };
  });

  const message: MessageContext = {
    code: lower(code),
    calldata: lower(tx.input),
    callvalue,
    gasAvailable: gasLimit - intrinsicGas,
    caller: from,
    origin: from,
    to,
    context: to,
    gasPrice,
    isStatic: false,
    block: blockValuesOf(p.block, receipt, p.chainId),
    preState: { storage, accounts, warmAccounts: accessList.map((e) => lower(e.address)) },
  };
  return { message, intrinsicGas };
}

// ---------------------------------------------------------------------------------------------------------------------
// Cross-checks

const CALL_TYPES: Record<string, string> = { call: 'CALL', callCode: 'CALLCODE', delegateCall: 'DELEGATECALL', staticCall: 'STATICCALL' };
/** A call that was never entered (no frame): the call trace shows it with one of these errors and no gas used. */
const NOT_ENTERED = /insufficient balance|max call depth|call depth exceeded|calltoodeep|outoffunds/i;
const STATUS_NAMES: Record<Status, string> = { 0: 'exceptional halt', 1: 'success', 2: 'revert' };

/** The call trace's frames that have a witness, in execution order (preorder), with their place in the trace. */
function traceFrames(top: CallTraceFrame): { frame: CallTraceFrame; where: string }[] {
  const out: { frame: CallTraceFrame; where: string }[] = [];
  const walk = (f: CallTraceFrame, where: string): void => {
    out.push({ frame: f, where });
    (f.calls ?? []).forEach((c, i) => {
      const at = `${where}.calls[${i}]`;
      if (c.type.toUpperCase() === 'SELFDESTRUCT') return; // the tracer's entry for a SELFDESTRUCT's transfer: no frame (a record of its frame)
      if (c.to !== undefined && isPrecompile(c.to)) return; // a precompile runs no code: no frame (the hypervisor calls it itself)
      if (c.error !== undefined && NOT_ENTERED.test(c.error) && big(c.gasUsed) === 0n && (c.calls ?? []).length === 0) return;
      if (c.error !== undefined && /collision/i.test(c.error)) return; // a create at a taken address runs no code: no frame
      walk(c, at);
    });
  };
  walk(top, 'top');
  return out;
}

/** The frame's status as the call trace says it. */
function traceStatus(f: CallTraceFrame): Status {
  if (f.error === undefined) return 1;
  return /revert/i.test(f.error) ? 2 : 0;
}

/** The call kind that made frame `f` (CALL for the top frame): its caller's call record's. */
function callTypeOf(f: FrameWitness, byPath: Map<string, FrameWitness>): string {
  if (f.path.length === 0) return 'CALL';
  const parent = byPath.get(formatPath(f.path.slice(0, -1)));
  if (parent === undefined) return '?';
  // call and create records are numbered together in a path (lib/native/links.ts)
  const calls = parent.file.witness.state_access_list.map(decodeRecord).filter((r: TypedRecord) => hasCallTail(r.kind));
  const r = calls[f.path[f.path.length - 1]!];
  return r === undefined ? '?' : (CALL_TYPES[r.kind] ?? r.kind.toUpperCase());
}

/** What the cross-check needs to know about the transaction besides the frames. */
export interface TraceCheckContext {
  /** The transaction's gas limit. */
  txGas: bigint;
  intrinsicGas: bigint;
  /** The receipt's gasUsed (the call trace's top frame reports it as its gasUsed). */
  receiptGasUsed: bigint;
}

/**
 * Checks the builder's frames (in execution order) against the node's call trace: one frame per trace frame that ran
 * code (calls to precompiles and calls never entered have none), and for each: call kind, target (`to`), sender
 * (`from`: the caller, or the executing account for a DELEGATECALL), input, value (CALL and CALLCODE), gas given, gas
 * used, status, and output (the return or revert data, where the trace has it). The top frame's gas in the trace is
 * the transaction's gas limit (geth) or the limit less the intrinsic gas (anvil, reth); its gasUsed is the receipt's.
 * Throws a CrossCheckError naming the frame's path and the field at the first difference.
 */
export function crossCheckCallTrace(frames: readonly FrameWitness[], trace: CallTraceFrame, tx: TraceCheckContext): void {
  const expected = traceFrames(trace);
  const byPath = new Map(frames.map((f) => [formatPath(f.path), f]));
  const n = Math.min(frames.length, expected.length);
  for (let i = 0; i < n; i++) {
    const f = frames[i]!;
    const { frame: t, where } = expected[i]!;
    const ctx = f.ctx;
    const fail = (field: string, ours: unknown, theirs: unknown): never => {
      throw new CrossCheckError(f.path, field, `the witness builder has ${String(ours)}, the node's call trace (${where}) ${String(theirs)}`);
    };
    const type = callTypeOf(f, byPath);
    if (t.type.toUpperCase() !== type) fail('call kind', type, t.type);
    // a creation's address: anvil's call trace leaves it out (geth gives it)
    const creates = type === 'CREATE' || type === 'CREATE2';
    if (!(creates && t.to === undefined) && lower(t.to ?? '0x') !== lower(ctx.to)) fail('to', ctx.to, t.to);
    const from = type === 'DELEGATECALL' ? ctx.context : ctx.caller;
    if (lower(t.from) !== lower(from)) fail('from', from, t.from);
    // a creation frame's input in the trace is its init code (its code; it has no calldata)
    const creation = creates;
    const input = creation ? ctx.code : ctx.calldata;
    if (lower(t.input) !== lower(input)) fail('input', input, t.input);
    if ((type === 'CALL' || type === 'CALLCODE' || creation) && t.value !== undefined && BigInt(t.value) !== ctx.callvalue) fail('value', ctx.callvalue, BigInt(t.value));
    const gas = BigInt(t.gas);
    if (f.path.length === 0) {
      if (gas !== tx.txGas && gas !== ctx.gasAvailable) fail('gas', `${ctx.gasAvailable} (gas limit ${tx.txGas} less intrinsic ${tx.intrinsicGas})`, gas);
      if (BigInt(t.gasUsed) !== tx.receiptGasUsed) fail('gasUsed (the transaction\'s)', tx.receiptGasUsed, BigInt(t.gasUsed));
    } else {
      if (gas !== ctx.gasAvailable) fail('gas', ctx.gasAvailable, gas);
      // a successful creation's gas in the trace includes its code deposit (200 a byte), which follows its frame
      const deposit = creation && f.native.status === 1 ? CODE_DEPOSIT_BYTE * BigInt((f.native.returndata.length - 2) / 2) : 0n;
      if (BigInt(t.gasUsed) !== f.native.gasUsed + deposit) fail('gasUsed', f.native.gasUsed + deposit, BigInt(t.gasUsed));
    }
    const status = traceStatus(t);
    if (status !== f.native.status) fail('status', STATUS_NAMES[f.native.status] + (f.native.error ? ` (${f.native.error})` : ''), `${STATUS_NAMES[status]}${t.error ? ` (${t.error})` : ''}`);
    if (status !== 0 && t.output !== undefined && lower(t.output) !== lower(f.native.returndata)) fail('output', f.native.returndata, t.output);
  }
  if (frames.length > n) {
    const f = frames[n]!;
    throw new CrossCheckError(f.path, 'frame', `the witness builder has a frame to ${f.ctx.to} here, the node's call trace has no further frame (${frames.length} frames ≠ ${expected.length})`);
  }
  if (expected.length > n) {
    const { frame: t, where } = expected[n]!;
    const last = frames[n - 1];
    throw new CrossCheckError(last?.path ?? [], 'frame', `the node's call trace has a further frame ${where} (${t.type} to ${t.to}) after this one, the witness builder none (${frames.length} frames ≠ ${expected.length})`);
  }
}

/** The top frame's refund counter at the transaction's end: its witness's refund when it succeeded. */
function transactionRefund(tree: MessageTree): bigint {
  const top = tree.frames[0]!;
  return top.native.status === 1 ? top.file.witness.refund : 0n;
}

/** The receipt must follow from the top frame: status, and gasUsed (receiptGasUsed). */
export function crossCheckReceipt(tree: MessageTree, receipt: TransactionWitnesses['receipt'], tx: { intrinsicGas: bigint; input: Hex }): void {
  const top = tree.frames[0]!;
  const status = top.native.status === 1 ? 'success' : 'reverted';
  if (status !== receipt.status) throw new CrossCheckError([], 'receipt status', `the witness builder's top frame ends in ${STATUS_NAMES[top.native.status]}, the receipt says ${receipt.status}`);
  const refund = transactionRefund(tree);
  const gasUsed = receiptGasUsed({ intrinsicGas: tx.intrinsicGas, executionGasUsed: top.native.gasUsed, refund, floorGas: floorGasOf(tx.input) });
  if (gasUsed !== receipt.gasUsed) {
    throw new CrossCheckError(
      [],
      'receipt gasUsed',
      `intrinsic ${tx.intrinsicGas} + the top frame's ${top.native.gasUsed} − refund min(${refund}, 1/5) (at least the EIP-7623 floor ${floorGasOf(tx.input)}) = ${gasUsed}, the receipt says ${receipt.gasUsed}`,
    );
  }
}

/** Every blockHash record must hold the chain's hash of that block (0 outside the 256 blocks before the transaction's). */
async function crossCheckBlockHashes(rpcUrl: string, tree: MessageTree, blockNumber: bigint): Promise<number> {
  const cache = new Map<bigint, Hex>();
  let checked = 0;
  for (const f of tree.frames) {
    const records = f.file.witness.state_access_list.map(decodeRecord);
    for (const [i, r] of records.entries()) {
      if (r.kind !== 'blockHash') continue;
      let hash: Hex = `0x${'00'.repeat(32)}`;
      if (r.number < blockNumber && r.number + 256n >= blockNumber) {
        if (!cache.has(r.number)) cache.set(r.number, (await rpcCall<RpcBlock | null>(rpcUrl, 'eth_getBlockByNumber', [`0x${r.number.toString(16)}`, false]))?.hash ?? hash);
        hash = cache.get(r.number)!;
      }
      checked++;
      if (lower(hash) !== lower(r.hash)) {
        throw new CrossCheckError(f.path, `blockHash record ${i}`, `BLOCKHASH(${r.number}) returned ${r.hash} in the reference EVM, the chain's hash is ${hash} (the reference EVM does not know this chain's block hashes yet)`);
      }
    }
  }
  return checked;
}

// ---------------------------------------------------------------------------------------------------------------------

/**
 * Builds the honest witnesses of every frame of the mined transaction `txHash` from the node at `rpcUrl` (see the
 * file's comment), cross-checked against the node's call trace and receipt. Throws a TraceError (with a hint) for what
 * the user can fix or this version does not support, a CrossCheckError when the builder and the node disagree, and
 * lib/native's UnsupportedMessageError (its message naming the transaction) for a message it cannot express.
 */
export async function witnessesOfTransaction(rpcUrl: string, txHash: Hex, opts: WitnessesOfTransactionOptions = {}): Promise<TransactionWitnesses> {
  const progress = opts.onProgress ?? (() => {});
  if (!/^0x[0-9a-fA-F]{64}$/.test(txHash)) throw new TraceError(`${JSON.stringify(txHash)} is not a transaction hash`, 'give the 0x-prefixed 32-byte hash (66 characters)');
  const hash = lower(txHash);
  progress(`fetching transaction ${hash} from ${rpcUrl}`);
  const chainId = BigInt(await rpcCall<Hex>(rpcUrl, 'eth_chainId', []));
  const tx = await rpcCall<RpcTransaction | null>(rpcUrl, 'eth_getTransactionByHash', [hash]);
  if (tx === null) throw new TraceError(`transaction ${hash} not found on ${rpcUrl}`, 'was it mined on this chain? Check the hash and the --rpc URL');
  if (tx.blockNumber === null) throw new TraceError(`transaction ${hash} is pending`, 'wait until it is mined, then try again');
  checkSupported(tx);
  const receiptRaw = await rpcCall<RpcReceipt | null>(rpcUrl, 'eth_getTransactionReceipt', [hash]);
  if (receiptRaw === null) throw new TraceError(`transaction ${hash} has no receipt on ${rpcUrl}`, 'the node may still be indexing it; try again');
  const block = await rpcCall<RpcBlock | null>(rpcUrl, 'eth_getBlockByNumber', [tx.blockNumber, false]);
  if (block === null) throw new TraceError(`block ${BigInt(tx.blockNumber)} of transaction ${hash} not found on ${rpcUrl}`, 'check the node (a reorg?) and try again');
  progress(`tracing ${hash} (prestateTracer, callTracer)`);
  const prestate = await rpcCall<Prestate>(rpcUrl, 'debug_traceTransaction', [hash, { tracer: 'prestateTracer' }]);
  const callTrace = await rpcCall<CallTraceFrame>(rpcUrl, 'debug_traceTransaction', [hash, { tracer: 'callTracer' }]);
  if (typeof prestate !== 'object' || prestate === null || typeof callTrace !== 'object' || callTrace === null || typeof callTrace.type !== 'string') {
    throw new TraceError(`debug_traceTransaction on ${rpcUrl} did not answer with geth's prestateTracer and callTracer formats`, 'use a node whose debug API has the geth built-in tracers (geth, reth, anvil)');
  }
  const receipt: TransactionWitnesses['receipt'] = {
    status: BigInt(receiptRaw.status) === 1n ? 'success' : 'reverted',
    gasUsed: BigInt(receiptRaw.gasUsed),
    blockNumber: BigInt(receiptRaw.blockNumber),
  };
  const { message, intrinsicGas } = messageOfTransaction({ tx, receipt: receiptRaw, block, chainId, prestate });

  progress(`building the frames' witnesses (${Object.keys(prestate).length} accounts in the prestate, ${message.gasAvailable} gas after ${intrinsicGas} intrinsic)`);
  let tree: MessageTree;
  try {
    tree = await buildFrameWitnesses(message);
  } catch (e) {
    const text = `transaction ${hash}: ${(e as Error).message}`;
    if (e instanceof UnsupportedMessageError) throw new UnsupportedMessageError(text, { cause: e });
    throw new Error(text, { cause: e });
  }

  progress(`cross-checking ${tree.frames.length} frames against the node's call trace and receipt`);
  crossCheckCallTrace(tree.frames, callTrace, { txGas: BigInt(tx.gas), intrinsicGas, receiptGasUsed: receipt.gasUsed });
  crossCheckReceipt(tree, receipt, { intrinsicGas, input: tx.input });
  const hashes = await crossCheckBlockHashes(rpcUrl, tree, receipt.blockNumber);
  progress(`${tree.frames.length} frames match the node (call trace, receipt${hashes > 0 ? `, ${hashes} block hashes` : ''})`);
  // keccak256 of the message's code is the top witness's codeHash; a last sanity check that the code is the prestate's
  if (tree.frames[0]!.file.witness.codeHash !== keccak256(message.code)) throw new Error(`transaction ${hash}: the top frame's codeHash is not its code's`);
  return { txHash: hash, tree, message, receipt, intrinsicGas };
}
