/**
 * The whole product on a live node, as `npm start` runs it: deploy the factory and the hypervisor (forge script),
 * deploy the scenario's contracts and send its transactions (./scenario.ts), build every frame's honest witness from
 * the node's traces (lib/chain/trace.ts), verify each frame by sending a transaction to the hypervisor
 * (verifyByTransaction), then tamper with one call record and show that the hypervisor rejects it, with its reason.
 *
 * Start the node yourself (startAnvil, hardfork prague) and give its URL: runDemo neither starts nor stops it.
 */
import { encodeAbiParameters, size } from 'viem';
import { ANVIL_DEFAULT_KEY } from '../../lib/chain/anvil.ts';
import { deployHypervisor, verifyByTransaction, type Deployment } from '../../lib/chain/deploy.ts';
import { witnessesOfTransaction } from '../../lib/chain/trace.ts';
import { checkTransaction, formatPath, type FrameWitness } from '../../lib/native/index.ts';
import { encodeWitness } from '../../lib/witness/abi.ts';
import { formatVerdict, type ErrorName, type Verdict } from '../../lib/witness/errors.ts';
import { decodeRecord, encodeRecord, type CallRecord } from '../../lib/witness/records.ts';
import type { Hex, Status, WitnessFile } from '../../lib/witness/types.ts';
import { runScenario, type Scenario } from './scenario.ts';

/** One verified frame: a row of the table. */
export interface FrameResult {
  transaction: string;
  /** The scenario transaction's hash. */
  txHash: Hex;
  /** The call records leading to the frame ([] for the transaction's own message). */
  path: number[];
  depth: number;
  to: Hex;
  /** The contract's name in the scenario (or its address). */
  toName: string;
  /** The function called (from the calldata's selector), or the selector, or "(no calldata)". */
  fn: string;
  status: Status;
  /** The frame's gasUsed natively (its witness's gasUsed; its callees' gas included). */
  nativeGas: bigint;
  /** The verifying transaction's receipt gasUsed: 21,000 base and calldata included. */
  verificationGas: bigint;
  /** verificationGas less the verifying transaction's intrinsic gas (undefined when EIP-7623's floor set it). */
  executionGas?: bigint;
  /** The verifying transaction. */
  verifyTxHash: Hex;
  verdict: Verdict;
  /** Opcodes of the frame this version cannot verify (from lib/native). */
  unsupported: number[];
  /** Size of the ABI-encoded witness (the verifying transaction's calldata). */
  witnessBytes: number;
}

/** One scenario transaction, verified frame by frame. */
export interface TransactionResult {
  name: string;
  txHash: Hex;
  /** The scenario transaction's receipt gasUsed. */
  gasUsed: bigint;
  /** Its intrinsic gas (21,000 + calldata), as lib/chain/trace.ts computed it. */
  intrinsicGas: bigint;
  frames: FrameResult[];
  /** Broken links between the frames' witnesses (lib/native checkTransaction): empty when every link holds. */
  brokenLinks: string[];
}

/** The tampered record and what the hypervisor said of it. */
export interface TamperResult {
  transaction: string;
  path: number[];
  toName: string;
  fn: string;
  /** The index of the tampered record in the frame's state_access_list. */
  recordIndex: number;
  /** What was changed, in words. */
  description: string;
  /** The InvalidWitness reason expected (docs/errors.md), and why. */
  expected: ErrorName;
  expectedBecause: string;
  verdict: Verdict;
  verificationGas: bigint;
  verifyTxHash: Hex;
  /** The verdict is InvalidWitness with the expected reason. */
  rejectedAsExpected: boolean;
}

export interface DemoResult {
  rpcUrl: string;
  deployment: Deployment;
  scenario: Scenario;
  transactions: TransactionResult[];
  tamper: TamperResult;
  quick: boolean;
  /** Every honest frame is valid on-chain, every link holds and the tamper was rejected as expected. */
  ok: boolean;
}

export interface DemoOptions {
  /** Verify only the quick flow's transactions (an ERC-20 transfer, the swap and the nested revert). */
  quick?: boolean;
  /** Progress lines (one per step). */
  log?: (line: string) => void;
  /** Signs every transaction of the verification (default ANVIL_DEFAULT_KEY). */
  privateKey?: Hex;
}

/** The scenario transaction whose frame is tampered with, and the frame's path. */
export const TAMPER_TRANSACTION = 'Uniswap V2 swap';
export const TAMPER_PATH: readonly number[] = [];

const ABI_TRUE: Hex = encodeAbiParameters([{ type: 'bool' }], [true]);
const ABI_FALSE: Hex = encodeAbiParameters([{ type: 'bool' }], [false]);
const lower = (h: string): Hex => h.toLowerCase() as Hex;

function frameNames(scenario: Scenario, f: FrameWitness): { toName: string; fn: string } {
  const w = f.file.witness;
  const to = lower(w.to);
  const selector = lower(w.calldata.slice(0, 10));
  return { toName: scenario.names.get(to) ?? to, fn: w.calldata === '0x' ? '(no calldata)' : (scenario.functions.get(selector) ?? selector) };
}

/**
 * The tampered witness: in `file` (the swap's router frame), the first call record whose return data is an ABI
 * `true` (the token's transferFrom) now claims the callee returned `false`. The router's `require` then reverts right
 * after that call, so the records of its later calls (token0, getReserves, swap) are never consumed: the hypervisor
 * must reject the witness with LEFTOVER_RECORDS (docs/errors.md: the first outcome check at exit).
 */
export function tamperTransferResult(file: WitnessFile): { file: WitnessFile; recordIndex: number; record: CallRecord } {
  const records = file.witness.state_access_list;
  for (let i = 0; i < records.length; i++) {
    const typed = decodeRecord(records[i]!);
    if (typed.kind !== 'call' || lower(typed.returndata) !== ABI_TRUE) continue;
    const tampered = [...records];
    tampered[i] = encodeRecord({ ...typed, returndata: ABI_FALSE });
    return { file: { ...file, witness: { ...file.witness, state_access_list: tampered } }, recordIndex: i, record: typed };
  }
  throw new Error('tamper: the frame has no call record returning an ABI true (a successful transferFrom) to tamper with');
}

/** Builds, verifies and link-checks every frame of the scenario's transactions; then the tamper (see the file's comment). */
export async function runDemo(rpcUrl: string, opts: DemoOptions = {}): Promise<DemoResult> {
  const log = opts.log ?? (() => {});
  const key = opts.privateKey ?? ANVIL_DEFAULT_KEY;
  const quick = opts.quick ?? false;

  log('deploying the ArchiveFactory and the hypervisor (forge script script/Deploy.s.sol --broadcast)');
  const deployment = await deployHypervisor(rpcUrl, key);
  log(`deployed: factory ${deployment.factory}, hypervisor ${deployment.hypervisor} (chain id ${deployment.chainId})`);

  log('compiling bench/Transactions.sol, deploying the contracts and sending the transactions');
  const scenario = await runScenario(rpcUrl, { log: (l) => log(`  ${l}`) });

  const transactions: TransactionResult[] = [];
  const files = new Map<string, FrameWitness[]>();
  for (const tx of scenario.transactions.filter((t) => !quick || t.quick)) {
    log(`${tx.name}: building the frames' witnesses from the node's trace of ${tx.hash}`);
    const built = await witnessesOfTransaction(rpcUrl, tx.hash, { onProgress: (l) => log(`  ${l}`) });
    const frames = built.tree.frames;
    files.set(tx.name, frames);
    const brokenLinks = checkTransaction(frames, { transfers: built.tree.transfers }).map((b) => b.message);
    const links = frames.length === 1 ? '' : brokenLinks.length === 0 ? ', every link between them holds' : `, ${brokenLinks.length} broken links`;
    log(`${tx.name}: ${frames.length} frame${frames.length === 1 ? '' : 's'}${links}`);
    const rows: FrameResult[] = [];
    for (const f of frames) {
      const w = f.file.witness;
      const { toName, fn } = frameNames(scenario, f);
      const v = await verifyByTransaction(rpcUrl, key, deployment, f.file);
      log(`${tx.name}: frame ${formatPath(f.path)} ${toName}.${fn}: ${formatVerdict(v.verdict)}, verification gas ${v.gasUsed} (native ${w.gasUsed})`);
      rows.push({
        transaction: tx.name,
        txHash: tx.hash,
        path: f.path,
        depth: f.depth,
        to: lower(w.to),
        toName,
        fn,
        status: w.status,
        nativeGas: w.gasUsed,
        verificationGas: v.gasUsed,
        ...(v.executionGas === undefined ? {} : { executionGas: v.executionGas }),
        verifyTxHash: v.txHash,
        verdict: v.verdict,
        unsupported: f.unsupported,
        witnessBytes: size(encodeWitness(w)),
      });
    }
    transactions.push({ name: tx.name, txHash: tx.hash, gasUsed: built.receipt.gasUsed, intrinsicGas: built.intrinsicGas, frames: rows, brokenLinks });
  }

  const target = files.get(TAMPER_TRANSACTION)?.find((f) => formatPath(f.path) === formatPath(TAMPER_PATH));
  if (target === undefined) throw new Error(`tamper: no frame ${formatPath(TAMPER_PATH)} of "${TAMPER_TRANSACTION}" was built`);
  const { toName, fn } = frameNames(scenario, target);
  const t = tamperTransferResult(target.file);
  const calleeName = scenario.names.get(lower(t.record.target)) ?? t.record.target;
  const description = `record ${t.recordIndex} of frame ${formatPath(target.path)} (${toName}.${fn}), the call to ${calleeName}.transferFrom: its return data changed from true to false`;
  log(`tamper: ${description}; verifying on-chain`);
  const v = await verifyByTransaction(rpcUrl, key, deployment, t.file);
  const expected: ErrorName = 'LEFTOVER_RECORDS';
  const rejectedAsExpected = v.verdict.kind === 'invalid' && v.verdict.name === expected;
  log(`tamper: ${formatVerdict(v.verdict)}${rejectedAsExpected ? '' : ` (expected ${expected})`}`);
  const tamper: TamperResult = {
    transaction: TAMPER_TRANSACTION,
    path: target.path,
    toName,
    fn,
    recordIndex: t.recordIndex,
    description,
    expected,
    expectedBecause: "the router's require fails right after that call and reverts, leaving the records of its later calls (token0, getReserves, swap) unconsumed",
    verdict: v.verdict,
    verificationGas: v.gasUsed,
    verifyTxHash: v.txHash,
    rejectedAsExpected,
  };
  const ok = transactions.every((tx) => tx.brokenLinks.length === 0 && tx.frames.every((f) => f.verdict.kind === 'valid')) && rejectedAsExpected;
  return { rpcUrl, deployment, scenario, transactions, tamper, quick, ok };
}
