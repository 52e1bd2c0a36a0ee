/**
 * A fuzzing campaign: generate cases in batches, prepare them (native runs, witnesses,
 * expectations), verify each batch with one engine call (one forge process on revm), judge, and
 * shrink + save every new kind of finding. On revm the next batch is prepared while forge works on
 * the current one.
 */
import type fc from 'fast-check';
import { OPCODES } from '../lib/evm/opcodes.ts';
import { unsupportedOpcodes } from '../lib/native/index.ts';
import { createEngine, EthereumjsEngine, type Engine, type EngineName } from './engines.ts';
import { evaluate, judgementsOf, prepareAll, verifyPreparedSafe, type CaseOutcome, type ItemOutcome, type Prepared } from './evaluate.ts';
import { makeEntry, saveEntry, type CorpusEntry } from './corpus.ts';
import type { FindingKind, Judgement } from './oracle.ts';
import { generateValue } from './random.ts';
import { reproduces, shrinkCase } from './shrink.ts';
import { caseArb, type CaseSpec } from './spec.ts';

export const LOCAL_OPCODES: readonly number[] = OPCODES.filter((o) => o.kind === 'local').map((o) => o.code);

export interface CampaignOptions {
  seed: number;
  /** Number of cases (programs); default unlimited (then timeMs must be set). */
  runs?: number;
  /** Stop starting new batches after this long. */
  timeMs?: number;
  /** Cases per batch (per forge process on revm). */
  batch: number;
  engine: EngineName;
  /** Huff constant overrides for the hypervisor build (fault injection). */
  constants?: Record<string, string>;
  /** Where to save findings (null: don't save). */
  corpusDir: string | null;
  /** Shrink each new finding (default true). */
  shrink?: boolean;
  /** Time budget per shrink (default 90 s). */
  shrinkTimeMs?: number;
  /** Save every failing case (unshrunk) too, not only the first of each signature. */
  saveAll?: boolean;
  /** Stop the campaign once this many distinct findings were made. */
  stopAfterFindings?: number;
  /** Index of the first case (to resume or replay a slice of a campaign). */
  startIndex?: number;
  arb?: fc.Arbitrary<CaseSpec>;
  /** Run every native context for real (no derivation, ts-fuzz/derive.ts). */
  alwaysRerun?: boolean;
  /** Prepare the next batch while the engine verifies the current one (default true). */
  pipeline?: boolean;
  /** Polled before each batch: true ends the campaign after the batches in flight. */
  shouldStop?: () => boolean;
  onProgress?: (s: CampaignStats) => void;
  onFinding?: (f: FindingRecord, s: CampaignStats) => void;
  log?: (line: string) => void;
}

export interface FindingRecord {
  signature: string;
  kind: FindingKind;
  detail: string;
  /** Cases that showed it. */
  count: number;
  firstIndex: number;
  /** The saved (shrunk) reproducer. */
  entry?: CorpusEntry;
  file?: string;
  /** Guest instructions of the shrunk program. */
  instructions?: number;
  shrinkMs?: number;
}

export interface CampaignStats {
  cases: number;
  witnesses: number;
  skipped: number;
  /** Judgements that are findings (every occurrence). */
  findingCount: number;
  findings: Map<string, FindingRecord>;
  /** Local opcodes executed by the honest native runs. */
  opcodes: Set<number>;
  statuses: [number, number, number];
  expectations: Record<'valid' | 'invalid' | 'invalid-encoding' | 'any' | 'not-archived', number>;
  revmCompared: number;
  revmUnknown: number;
  /** ethereumjs runs made, and outcomes derived from them instead of run. */
  nativeRuns: number;
  nativeDerived: number;
  /** Mutants not checked: a corrupted gasAvailable far beyond what the fuzzer runs natively. */
  droppedMutants: number;
  startedAt: number;
  elapsedMs: number;
  shrinkMs: number;
  /** Time spent preparing (native runs) and verifying; they overlap on revm. */
  prepareMs: number;
  verifyMs: number;
  batches: number;
}

export function coveragePercent(s: CampaignStats): number {
  let hit = 0;
  for (const op of LOCAL_OPCODES) if (s.opcodes.has(op)) hit++;
  return (100 * hit) / LOCAL_OPCODES.length;
}

export function missingOpcodes(s: CampaignStats): number[] {
  return LOCAL_OPCODES.filter((op) => !s.opcodes.has(op));
}

export function newStats(): CampaignStats {
  return {
    cases: 0, witnesses: 0, skipped: 0, findingCount: 0, findings: new Map(), opcodes: new Set(), statuses: [0, 0, 0],
    expectations: { valid: 0, invalid: 0, 'invalid-encoding': 0, any: 0, 'not-archived': 0 }, revmCompared: 0, revmUnknown: 0, nativeRuns: 0, nativeDerived: 0, droppedMutants: 0,
    startedAt: Date.now(), elapsedMs: 0, shrinkMs: 0, prepareMs: 0, verifyMs: 0, batches: 0,
  };
}

interface Batch {
  start: number;
  values: Array<fc.Value<CaseSpec>>;
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignStats> {
  if (opts.runs === undefined && opts.timeMs === undefined) throw new Error('runCampaign: give runs or timeMs');
  const arb = opts.arb ?? caseArb;
  const constants = opts.constants ?? {};
  const engine = await createEngine(opts.engine, { constants });
  let localEngine: Engine | undefined = opts.engine === 'ethereumjs' ? engine : undefined;
  const getLocal = async (): Promise<Engine> => (localEngine ??= await EthereumjsEngine.create({ constants }));
  const stats = newStats();
  const prepOpts = { derive: !opts.alwaysRerun };
  const log = opts.log ?? (() => {});
  const first = opts.startIndex ?? 0;
  const end = opts.runs === undefined ? Infinity : first + opts.runs;
  const deadline = opts.timeMs === undefined ? Infinity : stats.startedAt + opts.timeMs;
  let next = first;
  let stop = false;

  const nextBatch = (): Batch | undefined => {
    if (stop || next >= end || Date.now() >= deadline || opts.shouldStop?.()) return undefined;
    const n = Math.min(opts.batch, end - next);
    const values = Array.from({ length: n }, (_, i) => generateValue(arb, opts.seed, next + i));
    const b = { start: next, values };
    next += n;
    return b;
  };
  const prepare = async (b: Batch | undefined): Promise<Prepared[] | undefined> => {
    if (!b) return undefined;
    const t0 = Date.now();
    const p = await prepareAll(b.values.map((v) => v.value_), prepOpts);
    stats.prepareMs += Date.now() - t0;
    return p;
  };

  const verifySafe = (prepared: Prepared[]): Promise<CaseOutcome[]> => verifyPreparedSafe(engine, prepared, log);

  const handleFinding = async (index: number, value: fc.Value<CaseSpec>, outcome: CaseOutcome, j: Judgement): Promise<void> => {
    stats.findingCount++;
    let rec = stats.findings.get(j.signature);
    if (rec) {
      rec.count++;
      if (opts.saveAll && opts.corpusDir) {
        const item = judgementsOf(outcome).find((x) => x.judgement.signature === j.signature)?.item;
        saveEntry(opts.corpusDir, makeEntry({ judgement: j, spec: value.value_, ...(outcome.prepared ? { prepared: outcome.prepared } : {}), ...(item ? { item } : {}), seed: opts.seed, index, engine: opts.engine, constants, shrinkSteps: 0, shrinkEvaluations: 0 }));
      }
      return;
    }
    rec = { signature: j.signature, kind: j.kind, detail: j.detail, count: 1, firstIndex: index };
    stats.findings.set(j.signature, rec);
    log(`finding #${stats.findings.size} at case ${index}: ${j.kind}: ${j.detail}`);
    let final = { value, outcome, steps: 0, evaluations: 0 };
    const t0 = Date.now();
    if (opts.shrink !== false) {
      const shrinkMs = opts.shrinkTimeMs ?? 90_000;
      let shrinkEngine = engine;
      let chunk = opts.engine === 'revm' ? 64 : 1;
      if (opts.engine === 'revm' && j.kind !== 'reference-divergence') {
        const local = await getLocal();
        const [o] = await evaluate(local, [value.value_], prepOpts);
        if (o && reproduces(o, j.signature)) {
          shrinkEngine = local;
          chunk = 1;
        }
      }
      log(`  shrinking on ${shrinkEngine.name}…`);
      const r = await shrinkCase(arb, value, outcome, j.signature, shrinkEngine, { chunk, timeMs: shrinkMs, prepare: prepOpts });
      final = r;
      if (shrinkEngine !== engine) {
        // confirm on the campaign's engine (and get its native run for the record)
        try {
          const [o] = await evaluate(engine, [r.value.value_], prepOpts);
          if (o && reproduces(o, j.signature)) final = { ...r, outcome: o };
        } catch {
          /* keep the in-process outcome */
        }
      }
      log(`  shrunk in ${r.steps} steps / ${r.evaluations} evaluations (${((Date.now() - t0) / 1000).toFixed(1)} s)${r.timedOut ? ', time budget reached' : ''}`);
    }
    rec.shrinkMs = Date.now() - t0;
    stats.shrinkMs += rec.shrinkMs;
    const found = judgementsOf(final.outcome).find((x) => x.judgement.signature === j.signature);
    const judgement = found?.judgement ?? j;
    const item: ItemOutcome | undefined = found?.item;
    rec.detail = judgement.detail;
    rec.entry = makeEntry({
      judgement, spec: final.value.value_, ...(final.outcome.prepared ? { prepared: final.outcome.prepared } : {}), ...(item ? { item } : {}),
      seed: opts.seed, index, engine: opts.engine, constants, shrinkSteps: final.steps, shrinkEvaluations: final.evaluations,
    });
    rec.instructions = rec.entry.program.instructions;
    if (opts.corpusDir) rec.file = saveEntry(opts.corpusDir, rec.entry);
    opts.onFinding?.(rec, stats);
    if (opts.stopAfterFindings !== undefined && stats.findings.size >= opts.stopAfterFindings) stop = true;
  };

  const account = async (b: Batch, outcomes: CaseOutcome[]): Promise<void> => {
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i]!;
      stats.cases++;
      if (o.prepared) {
        if (o.prepared.skipped) stats.skipped++;
        if (o.prepared.droppedMutant) stats.droppedMutants++;
        stats.nativeRuns += o.prepared.natives.ran;
        stats.nativeDerived += o.prepared.natives.derived;
        for (const op of o.prepared.native.opcodes.keys()) stats.opcodes.add(op);
        stats.statuses[o.prepared.native.status]++;
        for (const it of o.items) {
          stats.witnesses++;
          stats.expectations[it.item.expect.verdict]++;
          if (it.result.revmNative) {
            if (it.result.revmNative.status === 'unknown' || !it.item.native || unsupportedOpcodes(it.item.native).length > 0) stats.revmUnknown++;
            else stats.revmCompared++;
          }
        }
      }
      for (const { judgement } of judgementsOf(o)) {
        if (stop) break;
        await handleFinding(b.start + i, b.values[i]!, o, judgement);
      }
    }
  };

  let timer: NodeJS.Timeout | undefined;
  if (opts.onProgress) {
    timer = setInterval(() => {
      stats.elapsedMs = Date.now() - stats.startedAt;
      opts.onProgress!(stats);
    }, 1000);
  }
  try {
    let cur = nextBatch();
    let curPrep = await prepare(cur);
    while (cur && curPrep) {
      const tv = Date.now();
      const verifying = verifySafe(curPrep).finally(() => (stats.verifyMs += Date.now() - tv));
      if (opts.pipeline === false) await verifying.catch(() => undefined);
      const nxt = nextBatch();
      const nxtPrep = prepare(nxt);
      // keep an engine failure from becoming an unhandled rejection while the next batch is prepared
      const outcomes = await verifying;
      stats.batches++;
      await account(cur, outcomes);
      cur = stop ? undefined : nxt;
      curPrep = await nxtPrep;
      if (stop) break;
    }
  } finally {
    if (timer) clearInterval(timer);
    stats.elapsedMs = Date.now() - stats.startedAt;
  }
  return stats;
}
