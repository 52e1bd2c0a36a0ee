/**
 * The hypervisor on a real chain: deployment by `forge script script/Deploy.s.sol` (an ArchiveFactory and a
 * hypervisor bound to it, self-checked by the script), archiving codes through the factory, and verifying a witness
 * with an eth_call (STATICCALL semantics: no state change, as fraud-proof contracts call it) or with a transaction
 * (verifyByTransaction: what a verification costs when it is mined).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { createPublicClient, createWalletClient, http, keccak256, parseAbi, type Address, type Chain, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { forgeExecutable, REPO_ROOT } from '../forge/index.ts';
import { rpcAnswer } from './anvil.ts';
import { decodeVerdict, formatVerdict, type Verdict } from '../witness/errors.ts';
import { encodeWitness } from '../witness/abi.ts';
import type { WitnessFile } from '../witness/types.ts';


export interface Deployment {
  factory: Address;
  hypervisor: Address;
  chainId: number;
}

const FACTORY_ABI = parseAbi(['function archive(bytes code) returns (address)', 'function archiveOf(bytes32 codeHash) view returns (address)']);

/**
 * Deploys the factory and the hypervisor with `forge script script/Deploy.s.sol --broadcast` on `rpcUrl`, signed by
 * `privateKey`; returns their addresses (from the script's broadcast record). Throws with forge's output if it fails.
 */
export async function deployHypervisor(rpcUrl: string, privateKey: Hex, opts: { forgeBin?: string } = {}): Promise<Deployment> {
  const r = await execa(forgeExecutable(opts.forgeBin), ['script', 'script/Deploy.s.sol', '--rpc-url', rpcUrl, '--private-key', privateKey, '--broadcast', '--slow'], {
    cwd: REPO_ROOT,
    reject: false,
    all: true,
  });
  if (r.exitCode !== 0) throw new Error(`forge script script/Deploy.s.sol failed (exit ${r.exitCode}):\n${String(r.all).split('\n').slice(-30).join('\n')}`);
  const chainId = await createPublicClient({ transport: http(rpcUrl) }).getChainId();
  const record = path.join(REPO_ROOT, 'broadcast', 'Deploy.s.sol', String(chainId), 'run-latest.json');
  const run = JSON.parse(fs.readFileSync(record, 'utf8')) as { transactions: { transactionType: string; contractAddress: string | null }[] };
  const created = run.transactions.filter((t) => t.transactionType === 'CREATE' && t.contractAddress !== null).map((t) => t.contractAddress!.toLowerCase() as Address);
  if (created.length < 2) throw new Error(`forge script's broadcast record ${record} lists ${created.length} contract creations, expected the factory and the hypervisor`);
  return { factory: created[0]!, hypervisor: created[1]!, chainId };
}

/** A viem chain for the node at `rpcUrl` (what a wallet client needs to sign for it). */
export function rpcChain(rpcUrl: string, chainId: number): Chain {
  return { id: chainId, name: 'rpc', nativeCurrency: { name: 'ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } };
}

/** Archives `code` through the factory (a transaction from `privateKey`) unless it is archived already. */
export async function archiveOnChain(rpcUrl: string, privateKey: Hex, factory: Address, code: Hex): Promise<Address> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const at = await client.readContract({ address: factory, abi: FACTORY_ABI, functionName: 'archiveOf', args: [keccak256(code)] });
  if (((await client.getCode({ address: at })) ?? '0x') !== '0x') return at;
  const account = privateKeyToAccount(privateKey);
  const wallet = createWalletClient({ account, transport: http(rpcUrl), chain: rpcChain(rpcUrl, await client.getChainId()) });
  const hash = await wallet.writeContract({ address: factory, abi: FACTORY_ABI, functionName: 'archive', args: [code] });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`archiving code ${keccak256(code)} failed (transaction ${hash})`);
  return at;
}

/**
 * Verifies a witness file on the deployed hypervisor: archives its code and account code first, then an eth_call
 * with the encoded witness (gas up to 2^24, one transaction's worth). Returns the verdict and the gas the call used
 * (eth_estimateGas of the same call when it is valid).
 */
export async function verifyOnChain(rpcUrl: string, privateKey: Hex, d: Deployment, file: WitnessFile): Promise<{ verdict: Verdict; gas?: bigint }> {
  for (const code of [file.code, ...(file.accountCode ?? [])]) if (code !== '0x') await archiveOnChain(rpcUrl, privateKey, d.factory, code);
  const data = encodeWitness(file.witness);
  const call = { to: d.hypervisor, data, gas: `0x${(1n << 24n).toString(16)}` };
  const body = await rpcAnswer<Hex>(rpcUrl, 'eth_call', [call, 'latest']);
  if (body.error !== undefined) {
    // a revert: InvalidWitness, CodeNotArchived, or empty (out of the hypervisor's own gas)
    if (body.error.data !== undefined || /revert/i.test(body.error.message)) return { verdict: decodeVerdict(false, body.error.data ?? '0x') };
    throw new Error(`eth_call to the hypervisor failed: ${body.error.message}`);
  }
  const verdict = decodeVerdict(true, body.result ?? '0x');
  if (verdict.kind !== 'valid') return { verdict };
  const gas = await createPublicClient({ transport: http(rpcUrl) }).estimateGas({ to: d.hypervisor, data });
  return { verdict, gas };
}

/** Gas a verifying transaction is given: one transaction's worth (EIP-7825's cap, 2^24). */
export const VERIFY_TX_GAS = 1n << 24n;

/** What verifyByTransaction found. */
export interface TransactionVerification {
  verdict: Verdict;
  /** The receipt's gasUsed: the 21,000 base and the calldata cost included. */
  gasUsed: bigint;
  /**
   * gasUsed less the transaction's intrinsic gas (21,000 + 4 per zero and 16 per non-zero calldata byte): the gas the
   * hypervisor's execution used. Undefined when the EIP-7623 calldata floor set gasUsed (then execution is not
   * separable from the receipt).
   */
  executionGas?: bigint;
  txHash: Hex;
}

/** The standard intrinsic gas of a call with `data` (no access list): 21,000 + 4 per zero byte + 16 per other byte. */
export function callIntrinsicGas(data: Hex): bigint {
  const { zeros, nonzeros } = calldataBytes(data);
  return 21_000n + 4n * zeros + 16n * nonzeros;
}

/** EIP-7623's floor on the gas of a call with `data`: 21,000 + 10 per token (a zero byte is 1 token, another byte 4). */
export function calldataFloorGas(data: Hex): bigint {
  const { zeros, nonzeros } = calldataBytes(data);
  return 21_000n + 10n * (zeros + 4n * nonzeros);
}

function calldataBytes(data: Hex): { zeros: bigint; nonzeros: bigint } {
  let zeros = 0n;
  let nonzeros = 0n;
  for (let i = 2; i < data.length; i += 2) {
    if (data.slice(i, i + 2) === '00') zeros += 1n;
    else nonzeros += 1n;
  }
  return { zeros, nonzeros };
}

/**
 * Verifies a witness file by sending a transaction to the hypervisor, as a fraud-proof submitter would: archives its
 * code and account code first (as verifyOnChain), then sends the encoded witness from `privateKey` with gas 2^24 and
 * waits for the receipt. A successful transaction means valid (its return data is checked with an eth_call at the
 * same block); a reverted one is decoded into its verdict (InvalidWitness code, pc, record; CodeNotArchived; empty =
 * inconclusive) by the same eth_call, since a receipt carries no revert data.
 */
export async function verifyByTransaction(rpcUrl: string, privateKey: Hex, d: Deployment, file: WitnessFile): Promise<TransactionVerification> {
  for (const code of [file.code, ...(file.accountCode ?? [])]) if (code !== '0x') await archiveOnChain(rpcUrl, privateKey, d.factory, code);
  const data = encodeWitness(file.witness);
  const client = createPublicClient({ transport: http(rpcUrl) });
  const account = privateKeyToAccount(privateKey);
  const wallet = createWalletClient({ account, transport: http(rpcUrl), chain: rpcChain(rpcUrl, d.chainId) });
  const txHash = await wallet.sendTransaction({ to: d.hypervisor, data, gas: VERIFY_TX_GAS });
  const receipt = await client.waitForTransactionReceipt({ hash: txHash });
  // the verdict from the same call at the block the transaction was mined in (the hypervisor holds no state)
  const call = { from: account.address, to: d.hypervisor, data, gas: `0x${VERIFY_TX_GAS.toString(16)}` };
  const body = await rpcAnswer<Hex>(rpcUrl, 'eth_call', [call, `0x${receipt.blockNumber.toString(16)}`]);
  if (body.error !== undefined && body.error.data === undefined && !/revert/i.test(body.error.message)) {
    throw new Error(`eth_call to the hypervisor (to decode transaction ${txHash}) failed: ${body.error.message}`);
  }
  const verdict = body.error === undefined ? decodeVerdict(true, body.result ?? '0x') : decodeVerdict(false, body.error.data ?? '0x');
  const mined = receipt.status === 'success';
  if (mined !== verdict.valid) {
    throw new Error(`transaction ${txHash} to the hypervisor ${mined ? 'succeeded' : 'reverted'}, but the same eth_call says ${formatVerdict(verdict)}: is ${d.hypervisor} the hypervisor?`);
  }
  const intrinsic = callIntrinsicGas(data);
  const floored = calldataFloorGas(data) >= receipt.gasUsed;
  return { verdict, gasUsed: receipt.gasUsed, ...(floored ? {} : { executionGas: receipt.gasUsed - intrinsic }), txHash };
}
