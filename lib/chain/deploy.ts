/**
 * The hypervisor on a real chain: deployment by `forge script script/Deploy.s.sol` (an ArchiveFactory and a
 * hypervisor bound to it, self-checked by the script), archiving codes through the factory, and verifying a witness
 * with an eth_call (STATICCALL semantics: no state change, as fraud-proof contracts call it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { createPublicClient, createWalletClient, http, keccak256, parseAbi, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { forgeExecutable, REPO_ROOT } from '../forge/index.ts';
import { rpcAnswer } from './anvil.ts';
import { decodeVerdict, type Verdict } from '../witness/errors.ts';
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

/** Archives `code` through the factory (a transaction from `privateKey`) unless it is archived already. */
export async function archiveOnChain(rpcUrl: string, privateKey: Hex, factory: Address, code: Hex): Promise<Address> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const at = await client.readContract({ address: factory, abi: FACTORY_ABI, functionName: 'archiveOf', args: [keccak256(code)] });
  if (((await client.getCode({ address: at })) ?? '0x') !== '0x') return at;
  const account = privateKeyToAccount(privateKey);
  const chainId = await client.getChainId();
  const wallet = createWalletClient({ account, transport: http(rpcUrl), chain: { id: chainId, name: 'rpc', nativeCurrency: { name: 'ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } } });
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
