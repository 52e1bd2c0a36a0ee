/**
 * Conformance run (`npm run conformance`): every case of the shared corpus
 * (../shared/conformance/cases.json, 300 single-message frames from ethereum/tests) is run
 * natively; cases that execute an opcode needing an access record are skipped (this version
 * of the hypervisor supports none); for the others the honest witness is built, its native
 * outcome checked against the case's `expected`, and all of them verified by the hypervisor
 * in one batch. A case passes iff the native run matches `expected` and the verdict is valid.
 *
 *   tsx scripts/conformance.ts [--cases <path>] [--filter <substring>] [--native-only] [--engine revm|ethereumjs] [--verbose]
 *
 * --native-only: no hypervisor, only the witness builder against `expected`.
 * --filter: only cases whose name, source or category contains the substring.
 * Output: progress and summary on stderr; finally exactly one line on stdout
 * `conformance: N passed, N failed, N skipped`. Exit code 1 on any failure.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildHonestWitness,
  contextOfCase,
  differencesFromExpected,
  messageCaseFromJson,
  recordOpcodeName,
  unsupportedOpcodes,
  type NativeOutcome,
} from '../lib/native/index.ts';
import { formatVerdict, type Hex, type Verdict, type WitnessFile } from '../lib/witness/index.ts';

interface ConformanceCase {
  name: string;
  source: string;
  category: string;
  kind: string;
  code: Hex;
  codeAddress: Hex;
  address: Hex;
  caller: Hex;
  origin: Hex;
  callvalue: Hex;
  calldata: Hex;
  gasLimit: Hex;
  isStatic: boolean;
  tx: { gasPrice?: Hex; effectiveGasPrice?: Hex };
  expected: { status: 'success' | 'revert' | 'halt'; error: string | null; returndata: Hex; gasUsed: Hex };
}

type Result =
  | { case: ConformanceCase; outcome: 'skipped'; needs: string[] }
  | { case: ConformanceCase; outcome: 'checked'; native: NativeOutcome; file: WitnessFile; mismatches: string[]; verdict?: Verdict; hypervisorGas?: bigint };

function usage(message?: string): never {
  if (message !== undefined) process.stderr.write(`conformance: ${message}\n`);
  process.stderr.write('usage: tsx scripts/conformance.ts [--cases <path>] [--filter <substring>] [--native-only] [--engine revm|ethereumjs] [--verbose]\n');
  process.exit(2);
}

function parseCli() {
  try {
    const { values } = parseArgs({
      options: {
        cases: { type: 'string', default: '../shared/conformance/cases.json' },
        filter: { type: 'string' },
        'native-only': { type: 'boolean', default: false },
        engine: { type: 'string', default: 'revm' },
        verbose: { type: 'boolean', short: 'v', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
    if (values.help) usage();
    return values;
  } catch (e) {
    return usage(e instanceof Error ? e.message : String(e));
  }
}

function loadCases(path: string): ConformanceCase[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return usage(`cannot read cases from ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const cases = (parsed as { cases?: unknown }).cases;
  if (!Array.isArray(cases)) return usage(`${path} has no "cases" array`);
  return cases as ConformanceCase[];
}

const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  const opts = parseCli();
  const path = resolve(process.cwd(), opts.cases);
  const filter = opts.filter;
  const all = loadCases(path);
  const cases = filter === undefined ? all : all.filter((c) => [c.name, c.source, c.category].some((s) => s.includes(filter)));
  log(`conformance: ${cases.length} of ${all.length} cases from ${path}${filter === undefined ? '' : ` (filter "${filter}")`}${opts['native-only'] ? ', native only' : ''}`);

  // 1. native runs and honest witnesses
  const results: Result[] = [];
  for (const [i, c] of cases.entries()) {
    // read as `iso-hv run --case` reads it (lib/native/case.ts); every corpus case states its expected outcome
    const message = messageCaseFromJson(c);
    const ctx = contextOfCase(message);
    const { file, native } = await buildHonestWitness(ctx);
    const needs = unsupportedOpcodes(native).map(recordOpcodeName);
    if (needs.length > 0) results.push({ case: c, outcome: 'skipped', needs });
    else results.push({ case: c, outcome: 'checked', native, file, mismatches: differencesFromExpected(message.expected!, native) });
    if ((i + 1) % 25 === 0 || i + 1 === cases.length) process.stderr.write(`\rnative: ${i + 1}/${cases.length}`);
  }
  process.stderr.write('\n');

  // 2. one hypervisor batch for every non-skipped witness
  const checked = results.filter((r): r is Extract<Result, { outcome: 'checked' }> => r.outcome === 'checked');
  if (!opts['native-only'] && checked.length > 0 && opts.engine === 'ethereumjs') {
    const { LocalHypervisor } = await import('../lib/hypervisor/ethereumjs.ts');
    const hv = await LocalHypervisor.create();
    for (const [i, r] of checked.entries()) {
      const run = await hv.verify(r.file);
      r.verdict = run.verdict;
      r.hypervisorGas = run.hypervisorGas;
      process.stderr.write(`\rhypervisor (ethereumjs): ${i + 1}/${checked.length}`);
    }
    process.stderr.write('\n');
  } else if (!opts['native-only'] && checked.length > 0) {
    let forge: typeof import('../lib/forge/index.ts');
    try {
      forge = await import('../lib/forge/index.ts');
    } catch (e) {
      throw new Error(`cannot load the hypervisor runner lib/forge (run with --native-only to skip it): ${e instanceof Error ? e.message : String(e)}`);
    }
    const { verifyBatch } = forge;
    const verdicts = await verifyBatch(
      checked.map((r) => r.file),
      { onProgress: (done: number, total: number) => process.stderr.write(`\rhypervisor: ${done}/${total}`) },
    );
    process.stderr.write('\n');
    if (verdicts.length !== checked.length) throw new Error(`verifyBatch returned ${verdicts.length} verdicts for ${checked.length} witnesses`);
    checked.forEach((r, i) => {
      r.verdict = verdicts[i]!.verdict;
      r.hypervisorGas = verdicts[i]!.hypervisorGas;
    });
  }

  // 3. report
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const byCategory = new Map<string, { passed: number; failed: number; skipped: number }>();
  const bySkip = new Map<string, number>();
  const failures: string[] = [];
  let hypervisorGas = 0n;
  for (const r of results) {
    const cat = byCategory.get(r.case.category) ?? { passed: 0, failed: 0, skipped: 0 };
    byCategory.set(r.case.category, cat);
    if (r.outcome === 'skipped') {
      skipped++;
      cat.skipped++;
      for (const op of r.needs) bySkip.set(op, (bySkip.get(op) ?? 0) + 1);
      if (opts.verbose) log(`skip ${r.case.name}: needs ${r.needs.join(', ')} record${r.needs.length > 1 ? 's' : ''}`);
      continue;
    }
    const problems = r.mismatches.map((m) => `builder: ${m}`);
    if (r.verdict !== undefined && !r.verdict.valid) problems.push(`hypervisor: ${formatVerdict(r.verdict)}`);
    if (r.hypervisorGas !== undefined) hypervisorGas += r.hypervisorGas;
    if (problems.length === 0) {
      passed++;
      cat.passed++;
      if (opts.verbose) log(`pass ${r.case.name}${r.hypervisorGas === undefined ? '' : ` (hypervisor gas ${r.hypervisorGas})`}`);
    } else {
      failed++;
      cat.failed++;
      failures.push(`FAIL ${r.case.name} [${r.case.category}, ${r.case.kind}] (${r.case.source})\n  ${problems.join('\n  ')}`);
    }
  }
  for (const f of failures) log(f);
  log('\nby category (passed/failed/skipped):');
  for (const [name, c] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) {
    log(`  ${name.padEnd(20)} ${String(c.passed).padStart(3)} ${String(c.failed).padStart(3)} ${String(c.skipped).padStart(3)}`);
  }
  if (bySkip.size > 0) {
    log('skipped, by record needed (a case may need several):');
    for (const [op, n] of [...bySkip].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) log(`  needs ${op} record: ${n}`);
  }
  if (!opts['native-only'] && checked.length > 0) log(`hypervisor gas, total over ${checked.length} witnesses: ${hypervisorGas}`);
  process.stdout.write(`conformance: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  process.stderr.write(`conformance: ${e instanceof Error ? (process.env.DEBUG ? (e.stack ?? e.message) : e.message) : String(e)}\n`);
  process.exit(1);
});
