/**
 * The demo's scenario on a live node (anvil): real contracts deployed and real transactions sent with viem from anvil's
 * default accounts.
 *
 * Contracts: the official compiled artifacts of @uniswap/v2-core (UniswapV2Factory, two of its test ERC20 tokens, the
 * UniswapV2Pair that factory.createPair creates), and bench/Transactions.sol compiled with the repository's solc-js
 * (scripts/bench/solc.ts): SwapRouter (a one-hop router with addLiquidity and swapExactTokensForTokens), BenchToken (an
 * OpenZeppelin ERC20 from @openzeppelin/contracts) and Outer → Middle → Inner (nested calls, the innermost reverting).
 *
 * Setup transactions (sent, not verified): the deployments, createPair, and Alice's approvals of the router for both
 * pair tokens. The verified transactions, in order: an ERC-20 transfer, an approve and a transferFrom by the spender,
 * adding liquidity through the router (two transferFroms and pair.mint), a swap through the router, and a call whose
 * nested frame reverts (caught by its caller).
 */
import { createPublicClient, createWalletClient, encodeDeployData, encodeFunctionData, http, toFunctionSelector, type AbiFunction, type Address, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ANVIL_DEFAULT_KEY } from '../../lib/chain/anvil.ts';
import { rpcChain } from '../../lib/chain/deploy.ts';
import type { Hex } from '../../lib/witness/types.ts';
import { loadContracts, scenarioNames, type Contract, type Contracts } from '../bench/transactions.ts';

/** Anvil's second default account (mnemonic "test test … junk", index 1): for local use only. */
export const ANVIL_SECOND_KEY: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

const E18 = 10n ** 18n;
/** Amounts of the scenario (18-decimal tokens). */
export const AMOUNTS = {
  supply: 1_000_000n * E18,
  transfer: 125n * E18,
  allowance: 50n * E18,
  transferFrom: 30n * E18,
  liquidityA: 10_000n * E18,
  liquidityB: 40_000n * E18,
  swapIn: 10n * E18,
  /** Inner.attempt reverts for x ≥ 10. */
  nestedX: 42n,
} as const;

/** One verified transaction of the scenario. */
export interface ScenarioTransaction {
  name: string;
  hash: Hex;
  /** Part of the quick flow (`--quick`). */
  quick: boolean;
}

export interface ScenarioAddresses {
  alice: Hex;
  bob: Hex;
  factory: Hex;
  tokenA: Hex;
  tokenB: Hex;
  pair: Hex;
  router: Hex;
  token: Hex;
  inner: Hex;
  middle: Hex;
  outer: Hex;
}

/** What runScenario did. */
export interface Scenario {
  addresses: ScenarioAddresses;
  /** Lower-case address → the name tables use. */
  names: Map<Hex, string>;
  /** Lower-case 4-byte selector → function name, over every contract of the scenario. */
  functions: Map<Hex, string>;
  /** The setup transactions, in order. */
  setup: { what: string; hash: Hex }[];
  /** The transactions to verify, in order (all of them, also in quick mode: `quick` marks the quick flow's). */
  transactions: ScenarioTransaction[];
}

export interface ScenarioOptions {
  /** Called with one line per transaction sent. */
  log?: (line: string) => void;
  /** The compiled contracts (default: loadContracts(), which compiles bench/Transactions.sol). */
  contracts?: Contracts;
}

const lower = (a: string): Hex => a.toLowerCase() as Hex;

/** selector → function name over the ABIs of `contracts`. */
export function functionNames(contracts: Contracts): Map<Hex, string> {
  const out = new Map<Hex, string>();
  for (const c of Object.values(contracts) as Contract[]) {
    for (const item of c.abi) if (item.type === 'function') out.set(lower(toFunctionSelector(item as AbiFunction)), (item as AbiFunction).name);
  }
  return out;
}

/**
 * Deploys the scenario's contracts on the node at `rpcUrl` and sends its transactions (see the file's comment), each
 * mined before the next is sent. Alice is anvil's first default account (ANVIL_DEFAULT_KEY), Bob its second. Throws,
 * naming the step, if a transaction that should succeed does not.
 */
export async function runScenario(rpcUrl: string, opts: ScenarioOptions = {}): Promise<Scenario> {
  const log = opts.log ?? (() => {});
  const contracts = opts.contracts ?? loadContracts();
  const client: PublicClient = createPublicClient({ transport: http(rpcUrl) });
  const chain = rpcChain(rpcUrl, await client.getChainId());
  const aliceAccount = privateKeyToAccount(ANVIL_DEFAULT_KEY);
  const bobAccount = privateKeyToAccount(ANVIL_SECOND_KEY);
  const wallets = {
    alice: createWalletClient({ account: aliceAccount, transport: http(rpcUrl), chain }),
    bob: createWalletClient({ account: bobAccount, transport: http(rpcUrl), chain }),
  };
  const alice = lower(aliceAccount.address);
  const bob = lower(bobAccount.address);

  const setup: Scenario['setup'] = [];
  /** Sends `data` to `to` (a create when undefined) from `from`, waits for it to be mined and checks it succeeded. */
  const send = async (from: 'alice' | 'bob', to: Hex | undefined, data: Hex, what: string): Promise<{ hash: Hex; created?: Hex }> => {
    const wallet = wallets[from];
    // an explicit gas limit: viem would otherwise estimate, and a failing estimate hides which step failed
    const hash = await wallet.sendTransaction({ ...(to === undefined ? {} : { to }), data, gas: 10_000_000n });
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`scenario: ${what} (transaction ${hash}) reverted: the contracts or the node do not behave as the scenario expects`);
    log(`${what}: ${hash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`);
    return { hash, ...(receipt.contractAddress ? { created: lower(receipt.contractAddress) } : {}) };
  };
  const deploy = async (c: Contract, args: readonly unknown[], what: string): Promise<Hex> => {
    const data = encodeDeployData({ abi: c.abi, bytecode: c.bytecode, args } as Parameters<typeof encodeDeployData>[0]);
    const r = await send('alice', undefined, data, what);
    setup.push({ what, hash: r.hash });
    if (r.created === undefined) throw new Error(`scenario: ${what}: the receipt names no created contract`);
    return r.created;
  };
  const call = (c: Contract, functionName: string, args: readonly unknown[]): Hex =>
    encodeFunctionData({ abi: c.abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);
  const setupCall = async (to: Hex, data: Hex, what: string): Promise<void> => {
    setup.push({ what, hash: (await send('alice', to, data, what)).hash });
  };

  const { factory: F, uniToken: U, router: R, token: T } = contracts;
  const factory = await deploy(F, [alice], 'deploy UniswapV2Factory(feeToSetter = alice)');
  const tokenA = await deploy(U, [AMOUNTS.supply], 'deploy ERC20 A (v2-core test token)');
  const tokenB = await deploy(U, [AMOUNTS.supply], 'deploy ERC20 B (v2-core test token)');
  await setupCall(factory, call(F, 'createPair', [tokenA, tokenB]), 'factory.createPair(A, B)');
  const pair = lower(await client.readContract({ address: factory as Address, abi: F.abi, functionName: 'getPair', args: [tokenA, tokenB] }) as string);
  if (BigInt(pair) === 0n) throw new Error('scenario: factory.getPair(A, B) is 0 after createPair');
  const router = await deploy(R, [], 'deploy SwapRouter');
  const token = await deploy(T, [AMOUNTS.supply], 'deploy BenchToken (OpenZeppelin ERC20)');
  const inner = await deploy(contracts.inner, [], 'deploy Inner');
  const middle = await deploy(contracts.middle, [inner], 'deploy Middle(inner)');
  const outer = await deploy(contracts.outer, [middle], 'deploy Outer(middle)');
  const max = (1n << 256n) - 1n;
  await setupCall(tokenA, call(U, 'approve', [router, max]), 'A.approve(router)');
  await setupCall(tokenB, call(U, 'approve', [router, max]), 'B.approve(router)');

  const transactions: ScenarioTransaction[] = [];
  const verified = async (from: 'alice' | 'bob', to: Hex, data: Hex, name: string, quick: boolean): Promise<void> => {
    transactions.push({ name, hash: (await send(from, to, data, name)).hash, quick });
  };
  await verified('alice', token, call(T, 'transfer', [bob, AMOUNTS.transfer]), 'ERC-20 transfer', true);
  await verified('alice', token, call(T, 'approve', [bob, AMOUNTS.allowance]), 'ERC-20 approve', false);
  await verified('bob', token, call(T, 'transferFrom', [alice, bob, AMOUNTS.transferFrom]), 'ERC-20 transferFrom', false);
  await verified('alice', router, call(R, 'addLiquidity', [pair, tokenA, tokenB, AMOUNTS.liquidityA, AMOUNTS.liquidityB, alice]), 'Uniswap V2 add liquidity', false);
  await verified('alice', router, call(R, 'swapExactTokensForTokens', [pair, tokenA, AMOUNTS.swapIn, 1n, alice]), 'Uniswap V2 swap', true);
  await verified('alice', outer, call(contracts.outer, 'run', [AMOUNTS.nestedX]), 'nested calls, revert at depth 2', true);

  const names = scenarioNames({ factory, tokenA, tokenB, pair, router, token, inner, middle, outer }, [[alice, 'alice'], [bob, 'bob']]);
  return {
    addresses: { alice, bob, factory, tokenA, tokenB, pair, router, token, inner, middle, outer },
    names,
    functions: functionNames(contracts),
    setup,
    transactions,
  };
}
