/**
 * What `npm start` prints and writes: the plain-text table on stdout, the chart (docs/real-transactions.svg, one point
 * per frame: verification gas against native gas) and the report docs/real-transactions.md (how it was produced, the
 * table, the chart, the tamper).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { anvilExecutable } from '../../lib/chain/anvil.ts';
import { VERIFY_TX_GAS } from '../../lib/chain/deploy.ts';
import { formatPath } from '../../lib/native/index.ts';
import { formatVerdict } from '../../lib/witness/errors.ts';
import type { Status } from '../../lib/witness/types.ts';
import { REPO_ROOT, solcVersion } from '../bench/solc.ts';
import { uniswapVersion } from '../bench/transactions.ts';
import { scatterSvg, type ChartPoint } from './chart.ts';
import type { DemoResult, FrameResult } from './flow.ts';

export const REPORT_FILE = path.join(REPO_ROOT, 'docs', 'real-transactions.md');
export const CHART_FILE = path.join(REPO_ROOT, 'docs', 'real-transactions.svg');
/** The reference ratios the chart draws (DESIGN.md: K ≤ 25, aim 11). */
export const CHART_RATIOS = [10, 25] as const;

const STATUS_NAMES: Record<Status, string> = { 0: 'halt', 1: 'success', 2: 'revert' };
const fmt = (n: bigint): string => n.toLocaleString('en-US');
const ratioOf = (a: bigint, b: bigint): string => (b === 0n ? '—' : (Number(a) / Number(b)).toFixed(1));

/** "[0,1] ERC20 A.transferFrom", indented by depth, with "(reverts)" or "(halts)" unless the frame succeeds. */
function frameLabel(f: FrameResult, indent: string): string {
  const outcome = f.status === 1 ? '' : f.status === 2 ? ' (reverts)' : ' (halts)';
  return `${indent.repeat(f.depth)}${formatPath(f.path)} ${f.toName}.${f.fn}${outcome}`;
}

function verdictText(f: FrameResult): string {
  const v = formatVerdict(f.verdict);
  return f.unsupported.length > 0 ? `${v} (unsupported opcodes ${f.unsupported.map((o) => `0x${o.toString(16)}`).join(', ')})` : v;
}

/** The plain-text table for stdout: transaction, frame, native gas, verification gas, ratio, verdict. */
export function textTable(result: DemoResult): string {
  const head = ['transaction', 'frame', 'native gas', 'verification gas', 'ratio', 'verdict'];
  const rows: string[][] = [];
  for (const t of result.transactions) {
    for (const f of t.frames) rows.push([t.name, frameLabel(f, '  '), fmt(f.nativeGas), fmt(f.verificationGas), `${ratioOf(f.verificationGas, f.nativeGas)}x`, verdictText(f)]);
  }
  const tm = result.tamper;
  rows.push([`TAMPERED: ${tm.transaction}`, `${formatPath(tm.path)} ${tm.toName}.${tm.fn}, record ${tm.recordIndex}`, '', fmt(tm.verificationGas), '', formatVerdict(tm.verdict)]);
  const right = new Set([2, 3, 4]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w, i) => (i === widths.length - 1 ? '-'.repeat(head[i]!.length) : '-'.repeat(w))).join('  '), ...rows.map(line)].join('\n');
}

/** The chart: one point per frame, verification gas (receipt) against native gas, coloured by transaction. */
export function renderChart(result: DemoResult): string {
  const points: ChartPoint[] = result.transactions.flatMap((t) =>
    t.frames.map((f) => ({
      x: Number(f.nativeGas),
      y: Number(f.verificationGas),
      series: t.name,
      label: `${t.name} ${formatPath(f.path)} ${f.toName}.${f.fn}: native ${fmt(f.nativeGas)}, verification ${fmt(f.verificationGas)} (${ratioOf(f.verificationGas, f.nativeGas)}x), ${formatVerdict(f.verdict)}`,
      ok: f.verdict.kind === 'valid',
    })),
  );
  const frames = points.length;
  return scatterSvg(points, {
    title: 'Verifying real transactions frame by frame on anvil (Prague)',
    subtitle: `${frames} frames; verification gas = gasUsed of the verifying transaction (21,000 base and calldata included)`,
    xLabel: 'native gas of the frame (its gasUsed, callees included)',
    yLabel: 'verification gas',
    referenceRatios: CHART_RATIOS,
  });
}

/** How the run was produced: tool versions and the commit. */
export interface Provenance {
  anvilVersion: string;
  solc: string;
  uniswap: string;
  openzeppelin: string;
  /** The repository commit (and whether it has uncommitted changes), or undefined outside git. */
  commit?: string;
  node: string;
  cpus: number;
}

/** Collects the provenance of a run (runs `anvil --version` and git). */
export function provenance(): Provenance {
  let anvilVersion = 'unknown';
  try {
    anvilVersion = execFileSync(anvilExecutable(), ['--version'], { encoding: 'utf8' }).split('\n')[0]!.replace(/^anvil Version:\s*/i, '').trim();
  } catch {
    // keep 'unknown'
  }
  let commit: string | undefined;
  try {
    const git = (...args: string[]): string => execFileSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!docs/real-transactions.md', ':!docs/real-transactions.svg', ':!README.md').length > 0;
    commit = dirty ? `${head} with uncommitted changes` : head;
  } catch {
    commit = undefined;
  }
  const oz = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', '@openzeppelin', 'contracts', 'package.json'), 'utf8')) as { version: string }).version;
  return { anvilVersion, solc: solcVersion().split('+')[0]!, uniswap: uniswapVersion(), openzeppelin: oz, ...(commit === undefined ? {} : { commit }), node: process.version, cpus: os.cpus().length };
}

/** The markdown report (see the file's comment); `elapsedMs` is how long the run took. */
export function renderReport(result: DemoResult, prov: Provenance, elapsedMs: number): string {
  const lines: string[] = [];
  const frames = result.transactions.flatMap((t) => t.frames);
  const valid = frames.filter((f) => f.verdict.kind === 'valid').length;
  lines.push('<!-- generated by `npm start` (scripts/start.ts, scripts/demo/); do not edit -->');
  lines.push('# Real transactions, verified on-chain frame by frame');
  lines.push('');
  lines.push(`![verification gas against native gas, one point per frame](real-transactions.svg)`);
  lines.push('');
  lines.push(
    `\`npm start\` started anvil ${prov.anvilVersion} (\`--hardfork prague\`), deployed the ArchiveFactory and the hypervisor with ` +
      '`forge script script/Deploy.s.sol --broadcast`, then deployed real contracts from anvil\'s default accounts: the official compiled ' +
      `artifacts of @uniswap/v2-core ${prov.uniswap} (UniswapV2Factory, two of its test ERC20 tokens, the UniswapV2Pair made by createPair) and ` +
      `\`bench/Transactions.sol\` compiled with solc-js ${prov.solc} (optimizer 200 runs, evmVersion prague): SwapRouter (addLiquidity, ` +
      `swapExactTokensForTokens), BenchToken (ERC20 of @openzeppelin/contracts ${prov.openzeppelin}) and Outer → Middle → Inner (Inner reverts, ` +
      'Middle catches it). It sent the transactions below, built every frame\'s honest witness from the node\'s `debug_traceTransaction` ' +
      '(lib/chain/trace.ts), and verified each frame by sending a transaction with the ABI-encoded witness to the hypervisor ' +
      `(lib/chain/deploy.ts \`verifyByTransaction\`, gas limit ${fmt(VERIFY_TX_GAS)}): a successful receipt is the verdict *valid*.`,
  );
  lines.push('');
  lines.push(
    `Result: ${valid} of ${frames.length} frames valid on-chain; ` +
      `${result.transactions.every((t) => t.brokenLinks.length === 0) ? 'every link between a caller\'s call record and its callee\'s witness holds (lib/native checkTransaction)' : 'some links between frames are broken (see below)'}; ` +
      `the tampered record was ${result.tamper.rejectedAsExpected ? 'rejected with the expected reason' : 'NOT rejected as expected'}.`,
  );
  lines.push('');
  lines.push(
    '- **native gas**: the frame\'s gasUsed (its witness\'s `gasUsed`), its callees\' gas included; for the top frame this is the ' +
      'transaction\'s execution gas, without its intrinsic 21,000 + calldata.',
  );
  lines.push(
    '- **verification gas**: the `gasUsed` of the receipt of the verifying transaction: it includes the 21,000 base cost and the ' +
      'calldata cost of the witness (4 gas per zero byte, 16 per other byte; witness bytes in the table).',
  );
  lines.push(
    '- **execution gas**: verification gas less that intrinsic gas: what the hypervisor\'s execution cost (setup, re-execution, ' +
      'outcome checks), comparable with the hypervisor gas of docs/gas.md.',
  );
  lines.push(
    '- A frame\'s verification does not re-execute its callees: their outcomes are claims of its call records, each checked by the ' +
      'callee\'s own frame. Every frame is one fraud proof of its own, so the ratio is per frame.',
  );
  lines.push('');
  lines.push('| transaction | frame | status | native gas | verification gas | ratio | execution gas | ratio (execution) | witness bytes | verdict |');
  lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const t of result.transactions) {
    for (const f of t.frames) {
      const exec = f.executionGas === undefined ? '—' : fmt(f.executionGas);
      const execRatio = f.executionGas === undefined ? '—' : ratioOf(f.executionGas, f.nativeGas);
      lines.push(
        `| ${t.name} | ${frameLabel(f, '&nbsp;&nbsp;')} | ${STATUS_NAMES[f.status]} | ${fmt(f.nativeGas)} | ${fmt(f.verificationGas)} | ` +
          `${ratioOf(f.verificationGas, f.nativeGas)} | ${exec} | ${execRatio} | ${fmt(BigInt(f.witnessBytes))} | ${verdictText(f)} |`,
      );
    }
  }
  lines.push('');
  lines.push('The transactions (receipt gas of the scenario transaction, its frames, the sum of their verification gas):');
  lines.push('');
  lines.push('| transaction | hash | gasUsed (receipt) | frames | verification gas, all frames | links |');
  lines.push('|---|---|---:|---:|---:|---|');
  for (const t of result.transactions) {
    const total = t.frames.reduce((s, f) => s + f.verificationGas, 0n);
    lines.push(`| ${t.name} | \`${t.txHash.slice(0, 10)}…\` | ${fmt(t.gasUsed)} | ${t.frames.length} | ${fmt(total)} | ${t.brokenLinks.length === 0 ? 'all hold' : t.brokenLinks.join('; ')} |`);
  }
  lines.push('');
  const tm = result.tamper;
  lines.push('## A tampered record is rejected');
  lines.push('');
  lines.push(
    `In the honest witness of "${tm.transaction}", ${tm.description}: a prover claiming the token refused the router's transferFrom. Sent to the hypervisor, ` +
      `the transaction reverted: **${formatVerdict(tm.verdict)}** (gasUsed ${fmt(tm.verificationGas)}). ` +
      `Expected ${tm.expected}: ${tm.expectedBecause}. ${tm.rejectedAsExpected ? 'As expected.' : 'NOT what was expected: this is a finding.'} ` +
      'A receipt carries no revert data: the reason is decoded from the same call made with eth_call at the block the transaction was mined in.',
  );
  lines.push('');
  lines.push('## How it was produced');
  lines.push('');
  lines.push(`- command: \`npm start${result.quick ? ' -- --quick' : ''}\` (scripts/start.ts, scripts/demo/); from anvil's start to the last verification it took ${(elapsedMs / 1000).toFixed(0)} s on a ${prov.cpus}-core machine, node ${prov.node}`);
  lines.push(`- node: anvil ${prov.anvilVersion} from npm @foundry-rs/anvil, \`--hardfork prague\`, chain id ${result.deployment.chainId}, one transaction per block (automine)`);
  lines.push(`- repository: ${prov.commit === undefined ? 'not a git checkout' : `commit ${prov.commit}`}`);
  lines.push(`- contracts: @uniswap/v2-core ${prov.uniswap} (official build artifacts), @openzeppelin/contracts ${prov.openzeppelin}, solc-js ${prov.solc}`);
  return lines.join('\n') + '\n';
}

/** Writes docs/real-transactions.md and docs/real-transactions.svg; returns their paths. */
export function writeReport(result: DemoResult, prov: Provenance, elapsedMs: number): string[] {
  writeFileSync(CHART_FILE, renderChart(result));
  writeFileSync(REPORT_FILE, renderReport(result, prov, elapsedMs));
  return [REPORT_FILE, CHART_FILE];
}
