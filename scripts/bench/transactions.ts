/**
 * Real transactions verified frame by frame: a token swap through a Uniswap V2 pair and a router, an ERC-20 transfer,
 * and a contract whose nested calls revert at depth 2.
 *
 * The world is built by executing real deployments and calls from EOAs in @ethereumjs/evm (Prague, mainnet chain id,
 * a MerkleStateManager: the EVM lib/native/run.ts uses):
 * - the official compiled artifacts of @uniswap/v2-core 1.0.1 (`build/*.json`, Solidity 0.5.16, which the repository's
 *   solc 0.8.30 cannot compile): UniswapV2Factory(feeToSetter), two test ERC20(totalSupply) tokens, factory.createPair
 *   (a CREATE2 of the pair inside the factory), both tokens transferred to the pair, pair.mint(deployer);
 * - bench/Transactions.sol compiled with the repository's solc-js (scripts/bench/solc.ts): SwapRouter (one hop of
 *   UniswapV2Router02.swapExactTokensForTokens), BenchToken (OpenZeppelin ERC20), Inner / Middle / Outer (nested calls);
 * - the user is funded with token A and approves the router; the user and Bob get BenchTokens.
 *
 * Then the whole state (every account of the trie with its code, storage, balance and nonce; storage read with
 * MerkleStateManager.dumpStorage, its hashed keys mapped back to the slots the setup wrote) becomes the pre-state of a
 * case (lib/native/case.ts, `accountsAtStart`), one per transaction, in the next block. Each transaction's message is
 * the user's call; lib/native/tree.ts builds one honest witness per frame, each is verified by the hypervisor
 * (LocalHypervisor, in process) and checkTransaction checks every link. As an independent check, the same transaction
 * is also executed as a plain runCall in the setup world (same warm set as a transaction: EIP-2929/3651): its messages,
 * in order, must be the tree's frames (target, depth, status, gas used). The dump is exact: the pre-state lib/native
 * rebuilds from it has the setup world's state root (scripts/bench/transactions.test.ts checks each stateRootEnter).
 *
 *   tsx scripts/bench/transactions.ts [--no-write]     (npm run bench runs it too)
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, EVMError, type EVM, type EVMResult, type InterpreterStep, type Message } from '@ethereumjs/evm';
import { MerkleStateManager } from '@ethereumjs/statemanager';
import { Account, bigIntToBytes, bytesToBigInt, createAddressFromString, hexToBytes, setLengthLeft } from '@ethereumjs/util';
import { bytesToHex, decodeFunctionResult, encodeDeployData, encodeFunctionData, size, toFunctionSelector, type Abi, type AbiFunction } from 'viem';
import { LocalHypervisor } from '../../lib/hypervisor/ethereumjs.ts';
import { buildFrameWitnesses, checkTransaction, contextOfCase, DEFAULT_BLOCK, formatPath, headerOf, warmAtEntry, type BrokenLink, type MessageCase, type MessageTree } from '../../lib/native/index.ts';
import { encodeWitness } from '../../lib/witness/abi.ts';
import { formatVerdict } from '../../lib/witness/errors.ts';
import type { BlockValues, Hex, Status } from '../../lib/witness/types.ts';
import { publishReport } from './report.ts';
import { compileSolidityContracts, REPO_ROOT, solcVersion, type CompiledContract } from './solc.ts';

export const TRANSACTIONS_SOURCE = 'bench/Transactions.sol';
export const TRANSACTIONS_REPORT = path.join(REPO_ROOT, 'scripts', 'bench', 'transactions.md');
export const UNISWAP_V2_CORE = '@uniswap/v2-core';

export const DEPLOYER: Hex = '0x00000000000000000000000000000000000de907';
export const USER: Hex = '0x000000000000000000000000000000000000a11c';
export const BOB: Hex = '0x0000000000000000000000000000000000000b0b';

/** The setup runs in one block, the verified transactions in the next. */
export const SETUP_BLOCK: BlockValues = { ...DEFAULT_BLOCK, number: 20_000_000n, timestamp: 1_700_000_000n };
export const TX_BLOCK: BlockValues = { ...DEFAULT_BLOCK, number: 20_000_001n, timestamp: 1_700_000_012n };
/** Gas given to each verified transaction's message (its gas limit less the intrinsic gas, in a real transaction). */
export const TX_GAS = 1_000_000n;
export const TX_GAS_PRICE = DEFAULT_BLOCK.baseFee;

/** Amounts of the scenario (18-decimal tokens). */
export const E18 = 10n ** 18n;
export const SUPPLY = 1_000_000n * E18;
export const LIQUIDITY_A = 10_000n * E18;
export const LIQUIDITY_B = 40_000n * E18;
export const USER_A = 1_000n * E18;
export const SWAP_IN = 10n * E18;
export const BENCH_SUPPLY = 1_000_000n * E18;
export const USER_BNC = 500n * E18;
export const BOB_BNC = 20n * E18;
export const TRANSFER_AMOUNT = 125n * E18;
/** Inner.attempt reverts for x ≥ 10. */
export const NESTED_X = 42n;

/** A compiled contract from an artifact or solc: ABI, creation code, runtime code. */
export type Contract = CompiledContract;

/** One of the official artifacts of @uniswap/v2-core (build/<name>.json): its ABI and `evm.bytecode.object` / `evm.deployedBytecode.object`. */
export function uniswapArtifact(name: 'UniswapV2Factory' | 'UniswapV2Pair' | 'ERC20'): Contract {
  const file = path.join(REPO_ROOT, 'node_modules', '@uniswap', 'v2-core', 'build', `${name}.json`);
  const json = JSON.parse(readFileSync(file, 'utf8')) as { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } };
  return { abi: json.abi, bytecode: `0x${json.evm.bytecode.object}`, deployedBytecode: `0x${json.evm.deployedBytecode.object}` };
}

/** The version of the installed @uniswap/v2-core. */
export function uniswapVersion(): string {
  return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', '@uniswap', 'v2-core', 'package.json'), 'utf8')) as { version: string }).version;
}

export interface Contracts {
  factory: Contract;
  pair: Contract;
  uniToken: Contract;
  router: Contract;
  token: Contract;
  inner: Contract;
  middle: Contract;
  outer: Contract;
}

export function loadContracts(): Contracts {
  const c = compileSolidityContracts(TRANSACTIONS_SOURCE, ['SwapRouter', 'BenchToken', 'Inner', 'Middle', 'Outer']);
  return {
    factory: uniswapArtifact('UniswapV2Factory'),
    pair: uniswapArtifact('UniswapV2Pair'),
    uniToken: uniswapArtifact('ERC20'),
    router: c.SwapRouter,
    token: c.BenchToken,
    inner: c.Inner,
    middle: c.Middle,
    outer: c.Outer,
  };
}


/** A MerkleStateManager that can list the (hashed) keys of its account trie. */
class DumpableState extends MerkleStateManager {
  async accountTrieKeys(): Promise<Hex[]> {
    await this.flush();
    const { values } = await this._getAccountTrie().getValueMap();
    return Object.keys(values).map((k) => (k.startsWith('0x') ? k : `0x${k}`).toLowerCase() as Hex);
  }
}

const lower = (a: string): Hex => a.toLowerCase() as Hex;
const word = (n: bigint): Uint8Array => setLengthLeft(bigIntToBytes(n), 32);

/** What the setup world saw: every address a message touched or created, every slot written (the preimages of the tries' hashed keys). */
interface Seen {
  addresses: Set<Hex>;
  slots: Map<Hex, Set<bigint>>;
}

/** One message of a plain run, as the EVM ran it (to check the tree's frames against). */
export interface RunMessage {
  depth: number;
  to: Hex;
  status: Status;
  gasUsed: bigint;
  returndata: Hex;
}

/** The setup world: the EVM and state after the setup transactions, and the deployed addresses. */
export interface World {
  contracts: Contracts;
  state: DumpableState;
  common: Common;
  seen: Seen;
  addresses: { factory: Hex; tokenA: Hex; tokenB: Hex; pair: Hex; router: Hex; token: Hex; inner: Hex; middle: Hex; outer: Hex };
  /** address → the name the tables use. */
  names: Map<Hex, string>;
  /** The setup transactions: what each did and its execution gas. */
  setup: { what: string; gasUsed: bigint }[];
}

/** Records the addresses and written slots of every message of `evm` into `seen`; with `messages`, the messages too. */
function watch(evm: EVM, seen: Seen, messages?: RunMessage[]): void {
  // the messages still running, innermost last (indices into `messages`)
  const open: number[] = [];
  evm.events.on('beforeMessage', (m: Message) => {
    seen.addresses.add(lower(m.caller.toString()));
    if (m.to !== undefined) seen.addresses.add(lower(m.to.toString()));
    if (messages === undefined) return;
    open.push(messages.length);
    messages.push({ depth: m.depth, to: m.to === undefined ? '0x' : lower((m.codeAddress ?? m.to).toString()), status: 1, gasUsed: 0n, returndata: '0x' });
  });
  evm.events.on('afterMessage', (r: EVMResult) => {
    if (r.createdAddress !== undefined) seen.addresses.add(lower(r.createdAddress.toString()));
    if (messages === undefined) return;
    const m = messages[open.pop()!]!;
    const err = r.execResult.exceptionError;
    m.status = err === undefined ? 1 : err.error === EVMError.errorMessages.REVERT ? 2 : 0;
    m.gasUsed = r.execResult.executionGasUsed;
    m.returndata = bytesToHex(r.execResult.returnValue);
  });
  evm.events.on('step', (s: InterpreterStep) => {
    if (s.opcode.name !== 'SSTORE') return;
    const a = lower(s.address.toString());
    const slots = seen.slots.get(a) ?? new Set<bigint>();
    slots.add(s.stack[s.stack.length - 1]!);
    seen.slots.set(a, slots);
  });
}

/** Sends one transaction of the setup: `data` to `to` (a create when `to` is undefined); throws unless it succeeds. */
async function send(evm: EVM, state: MerkleStateManager, from: Hex, to: Hex | undefined, data: Hex, what: string): Promise<{ returndata: Hex; created?: Hex; gasUsed: bigint }> {
  // each transaction starts with nothing warm but what a transaction warms, and with its own original values
  await evm.journal.cleanup();
  state.originalStorageCache.clear();
  const r = await evm.runCall({
    caller: createAddressFromString(from),
    origin: createAddressFromString(from),
    ...(to === undefined ? {} : { to: createAddressFromString(to) }),
    data: hexToBytes(data),
    gasLimit: SETUP_BLOCK.gasLimit,
    gasPrice: TX_GAS_PRICE,
    block: headerOf(SETUP_BLOCK),
  });
  const err = r.execResult.exceptionError;
  if (err !== undefined) throw new Error(`setup: ${what}: ${err.error} (return data ${bytesToHex(r.execResult.returnValue)})`);
  return {
    returndata: bytesToHex(r.execResult.returnValue),
    ...(r.createdAddress === undefined ? {} : { created: lower(r.createdAddress.toString()) }),
    gasUsed: r.execResult.executionGasUsed,
  };
}

function call(c: Contract, functionName: string, args: readonly unknown[] = []): Hex {
  return encodeFunctionData({ abi: c.abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);
}

function deployData(c: Contract, args: readonly unknown[] = []): Hex {
  return encodeDeployData({ abi: c.abi, bytecode: c.bytecode, args } as Parameters<typeof encodeDeployData>[0]);
}

function decode(c: Contract, functionName: string, data: Hex): unknown {
  return decodeFunctionResult({ abi: c.abi, functionName, data } as Parameters<typeof decodeFunctionResult>[0]);
}

/** Builds the world by executing the setup transactions (see the file's comment). */
export async function buildWorld(contracts: Contracts = loadContracts()): Promise<World> {
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const state = new DumpableState({ common });
  for (const eoa of [DEPLOYER, USER]) await state.putAccount(createAddressFromString(eoa), new Account(0n, 100n * E18));
  const evm = await createEVM({ common, stateManager: state });
  const seen: Seen = { addresses: new Set([DEPLOYER, USER]), slots: new Map() };
  watch(evm, seen);
  const setup: World['setup'] = [];
  const tx = async (from: Hex, to: Hex | undefined, data: Hex, what: string): Promise<{ returndata: Hex; created?: Hex }> => {
    const r = await send(evm, state, from, to, data, what);
    setup.push({ what, gasUsed: r.gasUsed });
    return r;
  };
  const deploy = async (from: Hex, c: Contract, args: readonly unknown[], what: string): Promise<Hex> => {
    const r = await tx(from, undefined, deployData(c, args), what);
    if (r.created === undefined) throw new Error(`setup: ${what}: no contract created`);
    return r.created;
  };
  const { factory: F, uniToken: U, pair: P, router: R, token: T } = contracts;
  const factory = await deploy(DEPLOYER, F, [DEPLOYER], 'deploy UniswapV2Factory(feeToSetter)');
  const tokenA = await deploy(DEPLOYER, U, [SUPPLY], 'deploy ERC20 A (v2-core test token)');
  const tokenB = await deploy(DEPLOYER, U, [SUPPLY], 'deploy ERC20 B (v2-core test token)');
  const created = await tx(DEPLOYER, factory, call(F, 'createPair', [tokenA, tokenB]), 'factory.createPair(A, B)');
  const pair = lower(decode(F, 'createPair', created.returndata) as string);
  await tx(DEPLOYER, tokenA, call(U, 'transfer', [pair, LIQUIDITY_A]), 'A.transfer(pair)');
  await tx(DEPLOYER, tokenB, call(U, 'transfer', [pair, LIQUIDITY_B]), 'B.transfer(pair)');
  await tx(DEPLOYER, pair, call(P, 'mint', [DEPLOYER]), 'pair.mint(deployer)');
  const router = await deploy(DEPLOYER, R, [], 'deploy SwapRouter');
  await tx(DEPLOYER, tokenA, call(U, 'transfer', [USER, USER_A]), 'A.transfer(user)');
  await tx(USER, tokenA, call(U, 'approve', [router, 2n * SWAP_IN]), 'A.approve(router) by the user');
  const token = await deploy(DEPLOYER, T, [BENCH_SUPPLY], 'deploy BenchToken (OpenZeppelin ERC20)');
  await tx(DEPLOYER, token, call(T, 'transfer', [USER, USER_BNC]), 'BenchToken.transfer(user)');
  await tx(DEPLOYER, token, call(T, 'transfer', [BOB, BOB_BNC]), 'BenchToken.transfer(bob)');
  const inner = await deploy(DEPLOYER, contracts.inner, [], 'deploy Inner');
  const middle = await deploy(DEPLOYER, contracts.middle, [inner], 'deploy Middle(inner)');
  const outer = await deploy(DEPLOYER, contracts.outer, [middle], 'deploy Outer(middle)');
  await evm.journal.cleanup();
  const addresses = { factory, tokenA, tokenB, pair, router, token, inner, middle, outer };
  const names = scenarioNames(addresses, [[DEPLOYER, 'deployer'], [USER, 'user'], [BOB, 'bob']]);
  return { contracts, state, common, seen, addresses, names, setup };
}

/** The scenario's contracts (and `people`) by name, for tables: the two tokens say which is the pair's token0. */
export function scenarioNames(
  a: { factory: Hex; tokenA: Hex; tokenB: Hex; pair: Hex; router: Hex; token: Hex; inner: Hex; middle: Hex; outer: Hex },
  people: readonly [Hex, string][],
): Map<Hex, string> {
  const token0 = BigInt(a.tokenA) < BigInt(a.tokenB) ? a.tokenA : a.tokenB;
  return new Map<Hex, string>([
    [a.factory, 'UniswapV2Factory'],
    [a.tokenA, `ERC20 A (token${token0 === a.tokenA ? 0 : 1})`],
    [a.tokenB, `ERC20 B (token${token0 === a.tokenB ? 0 : 1})`],
    [a.pair, 'UniswapV2Pair'],
    [a.router, 'SwapRouter'],
    [a.token, 'BenchToken'],
    [a.inner, 'Inner'],
    [a.middle, 'Middle'],
    [a.outer, 'Outer'],
    ...people,
  ]);
}

export interface DumpedAccount {
  balance: bigint;
  nonce: bigint;
  code?: Hex;
  storage?: Map<bigint, bigint>;
}

/**
 * Every account of the world's state trie with its balance, nonce, code and storage (dumpStorage; the trie's keys are
 * hashed, so each is mapped back through the addresses and slots the setup touched: a key without one is an error).
 */
export async function dumpState(world: World): Promise<Map<Hex, DumpedAccount>> {
  const { state, seen } = world;
  const byHash = new Map<Hex, Hex>([...seen.addresses].map((a) => [lower(bytesToHex(state.getAppliedKey(hexToBytes(a)))), a]));
  const out = new Map<Hex, DumpedAccount>();
  for (const key of await state.accountTrieKeys()) {
    const a = byHash.get(key);
    if (a === undefined) throw new Error(`dump: the state holds an account (trie key ${key}) no setup message touched`);
    const address = createAddressFromString(a);
    const account = (await state.getAccount(address))!;
    const code = bytesToHex(await state.getCode(address));
    const slotByHash = new Map<Hex, bigint>([...(seen.slots.get(a) ?? [])].map((s) => [lower(bytesToHex(state.getAppliedKey(word(s)))), s]));
    const storage = new Map<bigint, bigint>();
    for (const k of Object.keys(await state.dumpStorage(address))) {
      const hashed = lower(k.startsWith('0x') ? k : `0x${k}`);
      const slot = slotByHash.get(hashed);
      if (slot === undefined) throw new Error(`dump: ${a} holds a slot (trie key ${hashed}) no SSTORE of the setup wrote`);
      storage.set(slot, bytesToBigInt(await state.getStorage(address, word(slot))));
    }
    out.set(a, {
      balance: account.balance,
      nonce: account.nonce,
      ...(code === '0x' ? {} : { code }),
      ...(storage.size === 0 ? {} : { storage }),
    });
  }
  return out;
}

/** One verified transaction: the user's call to `to`. */
export interface TransactionSpec {
  name: string;
  to: Hex;
  calldata: Hex;
}

export function transactionSpecs(world: World): TransactionSpec[] {
  const { contracts: c, addresses: a } = world;
  return [
    {
      name: 'Uniswap V2 swap (router → pair)',
      to: a.router,
      calldata: call(c.router, 'swapExactTokensForTokens', [a.pair, a.tokenA, SWAP_IN, 1n, USER]),
    },
    { name: 'ERC-20 transfer (OpenZeppelin)', to: a.token, calldata: call(c.token, 'transfer', [BOB, TRANSFER_AMOUNT]) },
    { name: 'nested calls, revert at depth 2', to: a.outer, calldata: call(c.outer, 'run', [NESTED_X]) },
  ];
}

/** The case (lib/native/case.ts) of the user's call `spec` against the dumped state. */
export function transactionCase(spec: TransactionSpec, dump: Map<Hex, DumpedAccount>): MessageCase {
  const target = dump.get(spec.to);
  if (target?.code === undefined) throw new Error(`${spec.name}: ${spec.to} holds no code`);
  return {
    name: spec.name,
    code: target.code,
    codeAddress: spec.to,
    address: spec.to,
    caller: USER,
    origin: USER,
    callvalue: 0n,
    calldata: spec.calldata,
    gasLimit: TX_GAS,
    isStatic: false,
    gasPrice: TX_GAS_PRICE,
    preStorage: new Map(target.storage ?? []),
    warmAtStart: { addresses: [], slots: new Map() },
    accountsAtStart: new Map([...dump].map(([address, d]) => [address, { ...d }])),
    block: TX_BLOCK,
  };
}

/**
 * Runs the user's call as a plain transaction in a copy of the setup world (warm: what warmAtEntry gives a
 * transaction) and returns its messages in the order they start.
 */
export async function runPlain(world: World, c: MessageCase): Promise<RunMessage[]> {
  await world.state.getStateRoot();
  const state = world.state.shallowCopy(false);
  const evm = await createEVM({ common: world.common, stateManager: state });
  const ctx = contextOfCase(c);
  for (const a of warmAtEntry(ctx, world.common)) evm.journal.addAlwaysWarmAddress(a);
  const messages: RunMessage[] = [];
  watch(evm, { addresses: new Set(), slots: new Map() }, messages);
  await evm.runCall({
    caller: createAddressFromString(c.caller),
    origin: createAddressFromString(c.origin),
    to: createAddressFromString(c.address),
    data: hexToBytes(c.calldata),
    gasLimit: c.gasLimit,
    gasPrice: c.gasPrice,
    block: headerOf(c.block ?? DEFAULT_BLOCK),
  });
  return messages;
}

/** One frame of a verified transaction: a row of the table. */
export interface TransactionFrameRow {
  transaction: string;
  path: number[];
  depth: number;
  to: Hex;
  /** The contract's name in the scenario. */
  toName: string;
  /** The function called (from the calldata's selector), or the selector. */
  fn: string;
  isStatic: boolean;
  status: Status;
  /** The frame's gasUsed (its callees' gas included). */
  nativeGas: bigint;
  /** nativeGas less its callee frames' gasUsed: the gas of the frame's own code (the rows' ownGas sum to the message's gasUsed). */
  ownGas: bigint;
  /** The execution gas of the hypervisor call that verified the frame's witness. */
  verificationGas: bigint;
  witnessBytes: number;
  codeBytes: number;
  verdict: string;
}

export interface VerifiedTransaction {
  spec: TransactionSpec;
  case: MessageCase;
  tree: MessageTree;
  rows: TransactionFrameRow[];
  broken: BrokenLink[];
  /** The plain run's messages (see runPlain). */
  plain: RunMessage[];
}

/** selector → function name, over every ABI of the scenario. */
function functionNames(contracts: Contracts): Map<Hex, string> {
  const out = new Map<Hex, string>();
  for (const c of Object.values(contracts)) {
    for (const item of c.abi) if (item.type === 'function') out.set(toFunctionSelector(item as AbiFunction), (item as AbiFunction).name);
  }
  return out;
}

/** Builds, verifies and link-checks every frame of each transaction (see the file's comment). */
export async function verifyTransactions(opts: { world?: World; hv?: LocalHypervisor; log?: (m: string) => void } = {}): Promise<VerifiedTransaction[]> {
  const log = opts.log ?? (() => {});
  const world = opts.world ?? (await buildWorld());
  const hv = opts.hv ?? (await LocalHypervisor.create());
  const dump = await dumpState(world);
  const fns = functionNames(world.contracts);
  const out: VerifiedTransaction[] = [];
  for (const spec of transactionSpecs(world)) {
    const c = transactionCase(spec, dump);
    log(`transactions: ${spec.name}: building the frames`);
    const tree = await buildFrameWitnesses(contextOfCase(c), { check: false });
    const broken = checkTransaction(tree.frames, { transfers: tree.transfers });
    const plain = await runPlain(world, c);
    const rows: TransactionFrameRow[] = [];
    for (const f of tree.frames) {
      const w = f.file.witness;
      log(`transactions: ${spec.name}: verifying frame ${formatPath(f.path)}`);
      const r = await hv.verify(f.file);
      const to = lower(w.to);
      const callees = tree.frames.filter((g) => g.depth === f.depth + 1 && formatPath(g.path.slice(0, -1)) === formatPath(f.path));
      rows.push({
        transaction: spec.name,
        path: f.path,
        depth: f.depth,
        to,
        toName: world.names.get(to) ?? to,
        fn: fns.get(lower(w.calldata.slice(0, 10))) ?? w.calldata.slice(0, 10),
        isStatic: w.isStatic,
        status: w.status,
        nativeGas: w.gasUsed,
        ownGas: w.gasUsed - callees.reduce((sum, g) => sum + g.file.witness.gasUsed, 0n),
        verificationGas: r.hypervisorGas,
        witnessBytes: size(encodeWitness(w)),
        codeBytes: size(f.file.code),
        verdict: f.unsupported.length > 0 ? `unsupported opcodes ${f.unsupported.join(',')}; ${formatVerdict(r.verdict)}` : formatVerdict(r.verdict),
      });
    }
    out.push({ spec, case: c, tree, rows, broken, plain });
  }
  return out;
}

const fmt = (n: bigint | number): string => (typeof n === 'bigint' ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 }));
const ratio = (a: bigint, b: bigint): string => fmt(Number(a) / Number(b));
const STATUS_NAMES: Record<Status, string> = { 0: 'halt', 1: 'success', 2: 'revert' };

/** The frames table: one row per frame, and per transaction a total row (the message's gas, the frames' verification gas). */
export function transactionsTable(results: readonly VerifiedTransaction[]): string[] {
  const lines: string[] = [];
  lines.push('| transaction | frame | to | call | status | native gas | own gas | verification gas | ratio | ratio to own gas | witness bytes | verdict |');
  lines.push('|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const t of results) {
    for (const r of t.rows) {
      const indent = r.depth === 0 ? '' : `${'&nbsp;&nbsp;'.repeat(r.depth)}`;
      lines.push(
        `| ${t.spec.name} | ${indent}${formatPath(r.path)} | ${r.toName} | ${r.isStatic ? 'static ' : ''}${r.fn} | ${STATUS_NAMES[r.status]} | ${fmt(r.nativeGas)} | ` +
          `${fmt(r.ownGas)} | ${fmt(r.verificationGas)} | ${ratio(r.verificationGas, r.nativeGas)} | ${ratio(r.verificationGas, r.ownGas)} | ${fmt(BigInt(r.witnessBytes))} | ${r.verdict} |`,
      );
    }
    const top = t.rows[0]!;
    const total = t.rows.reduce((s, r) => s + r.verificationGas, 0n);
    const bytes = t.rows.reduce((s, r) => s + BigInt(r.witnessBytes), 0n);
    const frames = t.rows.length === 1 ? 'its 1 frame' : `all ${t.rows.length} frames`;
    lines.push(
      `| **${t.spec.name}: ${frames}** | | | | | ${fmt(top.nativeGas)} | ${fmt(top.nativeGas)} | ${fmt(total)} | ${ratio(total, top.nativeGas)} | ${ratio(total, top.nativeGas)} | ${fmt(bytes)} | ` +
        `${t.broken.length === 0 ? 'no broken link' : `${t.broken.length} broken links`} |`,
    );
  }
  return lines;
}

/** The report: how it was measured, and the table. */
export function renderTransactions(results: readonly VerifiedTransaction[]): string {
  const lines: string[] = [];
  lines.push('<!-- generated by `npm run bench` (scripts/bench/transactions.ts); do not edit -->');
  lines.push('# Real transactions, frame by frame');
  lines.push('');
  lines.push(
    `The world is built by executing real deployments and calls from EOAs in @ethereumjs/evm (Prague): the official compiled artifacts ` +
      `of @uniswap/v2-core ${uniswapVersion()} (UniswapV2Factory, UniswapV2Pair created by factory.createPair, two test ERC20 tokens; ` +
      `liquidity added with pair.mint), and \`${TRANSACTIONS_SOURCE}\` compiled with solc-js ${solcVersion().split('+')[0]} ` +
      '(optimizer on, 200 runs, evmVersion prague): a one-hop router, an OpenZeppelin ERC20, and Outer → Middle → Inner. ' +
      'The whole resulting state (every account\'s code, storage, balance and nonce) is the pre-state of each transaction, run in the next block ' +
      `with ${fmt(TX_GAS)} gas from the user's EOA. lib/native/tree.ts builds one honest witness per frame; each is verified by the ` +
      'hypervisor in process (verification gas: execution gas of the verifying call, no transaction base cost or calldata gas) and ' +
      'checkTransaction finds every link between frames intact. Native gas is the frame\'s gasUsed, its callees\' gas included; own gas ' +
      'leaves out the gas its callee frames used. A frame\'s verification does not re-execute its callees (their outcomes are claims of ' +
      'its call records, checked by their own frames), so "ratio to own gas" is the one to compare between frames, and the total row ' +
      'compares the message\'s gas with the sum of every frame\'s verification gas (and witness bytes: the ABI-encoded witnesses). The frames are also checked against a ' +
      'plain run of the same transaction (same target, depth, status and gas for every message), and the dump is exact: each ' +
      'transaction\'s stateRootEnter is the state root of the setup world.',
  );
  lines.push('');
  lines.push(...transactionsTable(results));
  return lines.join('\n');
}

/** Measures, prints the table and (unless write is false) writes scripts/bench/transactions.md. Throws unless every frame is valid and every link holds. */
export async function runTransactionsBench(opts: { write?: boolean; log?: (m: string) => void } = {}): Promise<string> {
  const log = opts.log ?? ((m: string) => console.error(m));
  log('transactions: building the world (setup transactions in @ethereumjs/evm)');
  const results = await verifyTransactions({ log });
  for (const t of results) {
    if (t.broken.length > 0) throw new Error(`transactions: ${t.spec.name}: broken links:\n${t.broken.map((b) => b.message).join('\n')}`);
    for (const r of t.rows) if (r.verdict !== 'valid') throw new Error(`transactions: ${t.spec.name}: frame ${formatPath(r.path)}: ${r.verdict}`);
  }
  const table = renderTransactions(results);
  publishReport(table, TRANSACTIONS_REPORT, opts.write ?? true);
  return table;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { 'no-write': { type: 'boolean', default: false } } });
  runTransactionsBench({ write: !values['no-write'] }).catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  });
}
