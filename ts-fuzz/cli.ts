/**
 * The differential fuzzer's CLI (docs/fuzzing.md):
 *
 *   npm run fuzz -- [--runs N | --time 8h] [--seed S] [--workers N] [--batch K] [--engine revm|ethereumjs]
 *                   [--constants K=V,...] [--corpus DIR] [--state DIR] [--no-shrink] [--shrink-time 90s]
 *                   [--save-all] [--always-rerun] [--[no-]pipeline] [--stop-after N] [--start-index I]
 *                   [--batch-timeout 10m] [--json FILE] [--quiet]
 *   npm run fuzz -- --resume DIR [--workers N] [--json FILE] [--quiet]
 *   npm run fuzz -- --replay <corpus file|dir>... [--engine ...] [--constants ...]
 *
 * Progress on stderr (one line per second), a summary at the end (stdout, and summary.json in the
 * campaign's state directory). Exit code 0 when nothing diverged, 1 when anything did (or a replay
 * failed), 2 on a usage error or when the campaign could not run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { OPCODES } from '../lib/evm/opcodes.ts';
import { defaultWorkers, resumeCampaign, runCampaign, type CampaignResult, type RunOptions } from './campaign.ts';
import { CORPUS_DIR, INJECTED_DIR, listCorpus, loadEntry } from './corpus.ts';
import { createEngine, type EngineName } from './engines.ts';
import { planReplay, replay } from './replay.ts';
import { defaultStateDir } from './state.ts';
import { coveragePercent, LOCAL_OPCODES, missingOpcodes, type CampaignStats } from './stats.ts';

const USAGE = `usage: npm run fuzz -- [--runs N | --time 8h] [--seed S] [--workers N] [--batch K] [--engine revm|ethereumjs]
                      [--constants K=V,...] [--corpus DIR] [--state DIR] [--no-shrink] [--shrink-time 90s]
                      [--save-all] [--always-rerun] [--[no-]pipeline] [--stop-after N] [--start-index I]
                      [--batch-timeout 10m] [--json FILE] [--quiet]
       npm run fuzz -- --resume DIR [--workers N] [--json FILE] [--quiet]
       npm run fuzz -- --replay <file|dir>... [--engine revm|ethereumjs] [--constants K=V,...]`;

function usage(msg?: string): never {
  if (msg) process.stderr.write(`fuzz: ${msg}\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

/** "90", "90s", "10m", "8h", "1h30m", "2d" → milliseconds. */
export function parseDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)?/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m !== null && m[0] !== ''; m = re.exec(s)) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's']!;
    total += Number(m[1]) * unit;
    matched += m[0].length;
  }
  if (matched !== s.length || s.length === 0) throw new Error(`bad duration ${JSON.stringify(s)} (e.g. 90s, 10m, 8h, 1h30m)`);
  return total;
}

export function parseConstants(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of s.split(/[,\s]+/).filter(Boolean)) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`bad constant ${JSON.stringify(kv)} (expected NAME=VALUE)`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const hms = (ms: number): string => {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

export function progressLine(s: CampaignStats): string {
  const secs = Math.max(s.elapsedMs, 1) / 1000;
  const hit = LOCAL_OPCODES.filter((o) => s.opcodes.has(o)).length;
  const restarts = s.workers.reduce((n, w) => n + w.restarts, 0);
  return (
    `[${hms(s.elapsedMs)}] ${fmt(s.cases)} cases (${(s.cases / secs).toFixed(0)}/s), ${fmt(s.witnesses)} witnesses (${(s.witnesses / secs).toFixed(0)}/s)` +
    ` | findings ${s.findingCount} (${s.findings.size} distinct) | coverage ${coveragePercent(s).toFixed(1)}% (${hit}/${LOCAL_OPCODES.length})` +
    ` | skipped ${s.skipped}${s.revmCompared + s.revmUnknown > 0 ? ` | revm-vs-ethereumjs ${fmt(s.revmCompared)} compared` : ''}` +
    ` | ${s.workers.length} worker${s.workers.length === 1 ? '' : 's'}${restarts > 0 ? `, ${restarts} restarted` : ''}`
  );
}

export function summary(r: CampaignResult): string {
  const s = r.stats;
  const o = r.settings;
  const secs = Math.max(s.elapsedMs, 1) / 1000;
  const busy = Math.max(s.elapsedMs - s.shrinkMs / Math.max(s.workers.length, 1), 1) / 1000;
  const lines: string[] = [];
  lines.push('');
  lines.push(`== fuzz summary (seed ${o.seed}, engine ${o.engine}, batch ${o.batch}, ${s.workers.length} worker${s.workers.length === 1 ? '' : 's'}${Object.keys(o.constants).length ? `, constants ${Object.entries(o.constants).map(([k, v]) => `${k}=${v}`).join(',')}` : ''}): ${r.status}`);
  lines.push(`cases        ${fmt(s.cases)} in ${secs.toFixed(1)} s: ${(s.cases / secs).toFixed(1)} cases/s, ${(s.witnesses / secs).toFixed(1)} witnesses/s` + (s.shrinkMs > 0 ? ` (${(s.cases / busy).toFixed(1)} cases/s outside ${(s.shrinkMs / 1000).toFixed(1)} s of shrinking)` : ''));
  lines.push(`time         preparing (native runs) ${(s.prepareMs / 1000).toFixed(1)} s, verifying ${(s.verifyMs / 1000).toFixed(1)} s, shrinking ${(s.shrinkMs / 1000).toFixed(1)} s (summed over workers), ${s.batches} batches`);
  const runSecs = Math.max(Date.now() - s.startedAt, 1) / 1000;
  lines.push(`workers      ${s.workers.map((w) => `#${w.slot} ${fmt(w.cases)} cases (${(w.cases / runSecs).toFixed(1)}/s)${w.restarts ? `, died or stopped ${w.restarts}×` : ''}`).join('; ')}` + (s.replayedBatches || s.failedBatches ? `; ${s.replayedBatches} batches run again, ${s.failedBatches} given up` : ''));
  lines.push(`witnesses    ${fmt(s.witnesses)}: expected valid ${fmt(s.expectations.valid)}, invalid ${fmt(s.expectations.invalid)}, bad encoding ${fmt(s.expectations['invalid-encoding'])}, unchecked ${fmt(s.expectations.any)}, not archived ${fmt(s.expectations['not-archived'])}`);
  lines.push(`outcomes     honest runs: ${fmt(s.statuses[1])} success, ${fmt(s.statuses[2])} revert, ${fmt(s.statuses[0])} exceptional halt; ${fmt(s.skipped)} skipped (record opcode); ${fmt(s.droppedMutants)} mutants dropped (gas beyond native budget)`);
  lines.push(`natives      ethereumjs: ${fmt(s.nativeRuns)} runs, ${fmt(s.nativeDerived)} outcomes derived without a run (ts-fuzz/derive.ts)`);
  if (s.revmCompared + s.revmUnknown > 0) lines.push(`             revm vs ethereumjs compared on ${fmt(s.revmCompared)} witnesses (${fmt(s.revmUnknown)} not runnable through the revm meter)`);
  const missing = missingOpcodes(s);
  lines.push(`coverage     ${coveragePercent(s).toFixed(1)}% of the ${LOCAL_OPCODES.length} supported opcodes executed${missing.length ? `; never: ${missing.map((op) => OPCODES[op]!.name).join(' ')}` : ''}`);
  lines.push(`findings     ${s.findingCount} failing witnesses, ${s.findings.size} distinct`);
  for (const f of s.findings.values()) {
    lines.push(`  - ${f.kind} ×${f.count} (first at case ${f.firstIndex}): ${f.detail}`);
    if (f.entry) lines.push(`    ${f.shrunk && f.entry.found.shrinkSteps > 0 ? 'shrunk ' : f.shrunk ? '' : 'unshrunk '}program (${f.entry.program.instructions} instructions): ${f.entry.program.disassembly.slice(0, 300)}`);
    if (f.file) lines.push(`    saved: ${path.relative(process.cwd(), f.file)}`);
  }
  if (r.stateDir) {
    lines.push(`state        ${path.relative(process.cwd(), r.stateDir)} (summary.json${r.status === 'finished' ? '' : `; continue with: npm run fuzz -- --resume ${path.relative(process.cwd(), r.stateDir)}`})`);
  }
  return lines.join('\n');
}

async function replayMain(paths: string[], engineName: EngineName, constants: Record<string, string>): Promise<number> {
  const files = paths.flatMap((p) => (fs.statSync(p).isDirectory() ? listCorpus(p) : [p]));
  if (files.length === 0) {
    process.stderr.write('fuzz: no corpus files to replay\n');
    return 0;
  }
  const engine = await createEngine(engineName, { constants });
  const plans = await Promise.all(files.map(async (f) => planReplay(loadEntry(f))));
  const results = await replay(engine, plans);
  let bad = 0;
  results.forEach((r, i) => {
    const name = path.relative(process.cwd(), files[i]!);
    if (r.ok) process.stdout.write(`ok    ${name}: ${r.verdict}\n`);
    else {
      bad++;
      process.stdout.write(`FAIL  ${name}: expected ${r.expected}, got ${r.verdict}\n${r.problems.map((p) => `        ${p}\n`).join('')}`);
    }
  });
  process.stdout.write(`replay: ${results.length - bad} ok, ${bad} failing\n`);
  return bad > 0 ? 1 : 0;
}

const CAMPAIGN_OPTIONS = ['runs', 'time', 'seed', 'batch', 'engine', 'constants', 'corpus', 'state', 'no-shrink', 'shrink-time', 'save-all', 'always-rerun', 'pipeline', 'no-pipeline', 'stop-after', 'start-index', 'batch-timeout'] as const;

async function main(): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      options: {
        runs: { type: 'string' },
        time: { type: 'string' },
        seed: { type: 'string' },
        batch: { type: 'string' },
        workers: { type: 'string' },
        engine: { type: 'string' },
        constants: { type: 'string' },
        corpus: { type: 'string' },
        state: { type: 'string' },
        resume: { type: 'string' },
        'no-shrink': { type: 'boolean' },
        'shrink-time': { type: 'string' },
        'save-all': { type: 'boolean' },
        'always-rerun': { type: 'boolean' },
        json: { type: 'string' },
        pipeline: { type: 'boolean' },
        'no-pipeline': { type: 'boolean' },
        'stop-after': { type: 'string' },
        'start-index': { type: 'string' },
        'batch-timeout': { type: 'string' },
        replay: { type: 'boolean', default: false },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    return usage(e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const engine = (values.engine ?? 'revm') as EngineName;
  if (engine !== 'revm' && engine !== 'ethereumjs') return usage(`unknown engine ${JSON.stringify(values.engine)}`);
  let constants: Record<string, string> = {};
  try {
    if (values.constants) constants = parseConstants(values.constants);
  } catch (e) {
    return usage((e as Error).message);
  }
  if (values.replay) {
    if (positionals.length === 0) positionals = [CORPUS_DIR];
    return replayMain(positionals, engine, constants);
  }
  if (positionals.length > 0) return usage(`unexpected argument ${positionals[0]}`);

  const int = (name: string, v: string | undefined, min = 0): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min) usage(`--${name} must be an integer >= ${min}`);
    return Number(v);
  };
  const workers = int('workers', values.workers, 1) ?? defaultWorkers();
  const quiet = values.quiet;
  const tty = process.stderr.isTTY;
  let lastLen = 0;
  const progress = (s: CampaignStats): void => {
    if (quiet) return;
    const line = progressLine(s);
    if (tty) {
      process.stderr.write(`\r${line}${' '.repeat(Math.max(0, lastLen - line.length))}`);
      lastLen = line.length;
    } else process.stderr.write(`${line}\n`);
  };
  const log = (line: string): void => {
    if (tty && lastLen > 0) process.stderr.write('\n');
    lastLen = 0;
    process.stderr.write(`${line}\n`);
  };
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('fuzz: interrupted, finishing the batches in flight (Ctrl-C again to abort; the campaign can be resumed)');
    process.once('SIGINT', () => process.exit(130));
  });
  const run: RunOptions = { workers, shouldStop: () => interrupted, onProgress: progress, log };

  let result: CampaignResult;
  if (values.resume !== undefined) {
    const given = CAMPAIGN_OPTIONS.filter((k) => values[k] !== undefined);
    if (given.length > 0) {
      return usage(`--resume continues a campaign with the settings in ${path.join(values.resume, 'campaign.json')}; only --workers, --json and --quiet may be given with it (not --${given.join(', --')})`);
    }
    log(`fuzz: resuming the campaign in ${path.relative(process.cwd(), path.resolve(values.resume)) || '.'} with ${workers} worker${workers === 1 ? '' : 's'}`);
    try {
      result = await resumeCampaign(values.resume, run);
    } catch (e) {
      process.stderr.write(`fuzz: ${(e as Error).message}\n`);
      return 2;
    }
  } else {
    let timeMs: number | undefined;
    let shrinkTimeMs = 90_000;
    let batchTimeoutMs: number | undefined;
    try {
      if (values.time) timeMs = parseDuration(values.time);
      if (values['shrink-time']) shrinkTimeMs = parseDuration(values['shrink-time']);
      if (values['batch-timeout']) batchTimeoutMs = parseDuration(values['batch-timeout']);
    } catch (e) {
      return usage((e as Error).message);
    }
    if (values.pipeline && values['no-pipeline']) return usage('give --pipeline or --no-pipeline, not both');
    let runs = int('runs', values.runs, 1);
    if (runs === undefined && timeMs === undefined) runs = 1000;
    if (values.seed !== undefined && !/^(0x[0-9a-f]+|\d+)$/i.test(values.seed)) return usage('--seed must be an integer (decimal or 0x-hex)');
    const seed = values.seed !== undefined ? Number(BigInt.asUintN(32, BigInt(values.seed))) : (Date.now() ^ (process.pid << 16)) >>> 0;
    const batch = int('batch', values.batch, 1) ?? (engine === 'revm' ? 500 : 100);
    const corpusDir = path.resolve(values.corpus ?? (Object.keys(constants).length > 0 ? INJECTED_DIR : CORPUS_DIR));
    const stateDir = path.resolve(values.state ?? defaultStateDir(seed));
    log(
      `fuzz: seed ${seed}, engine ${engine}, batch ${batch}, ${workers} worker${workers === 1 ? '' : 's'}, ${runs !== undefined ? `${runs} cases` : ''}` +
        `${runs !== undefined && timeMs !== undefined ? ', ' : ''}${timeMs !== undefined ? `time ${values.time}` : ''}${Object.keys(constants).length ? `, constants ${values.constants}` : ''}` +
        `; findings to ${path.relative(process.cwd(), corpusDir) || '.'}`,
    );
    log(`fuzz: campaign state in ${path.relative(process.cwd(), stateDir)} (if stopped: npm run fuzz -- --resume ${path.relative(process.cwd(), stateDir)})`);
    try {
      result = await runCampaign({
        seed, ...(runs !== undefined ? { runs } : {}), ...(timeMs !== undefined ? { timeMs } : {}), batch, engine, constants, corpusDir, stateDir,
        shrink: !values['no-shrink'], shrinkTimeMs, saveAll: values['save-all'] ?? false, alwaysRerun: values['always-rerun'] ?? false,
        ...(values.pipeline || values['no-pipeline'] ? { pipeline: values.pipeline === true } : {}),
        ...(values['stop-after'] ? { stopAfterFindings: int('stop-after', values['stop-after'], 1)! } : {}),
        ...(values['start-index'] ? { startIndex: int('start-index', values['start-index'])! } : {}),
        ...(batchTimeoutMs !== undefined ? { batchTimeoutMs } : {}),
        ...run,
      });
    } catch (e) {
      process.stderr.write(`fuzz: ${(e as Error).message}\n`);
      return 2;
    }
  }
  progress(result.stats);
  if (tty && !quiet) process.stderr.write('\n');
  process.stdout.write(`${summary(result)}\n`);
  if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(result.summary, null, 2)}\n`);
  return result.stats.findings.size > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(2);
    },
  );
}
