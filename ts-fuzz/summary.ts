/**
 * The campaign summary file (summary.json in the state directory, and `--json FILE`): what CI or
 * a user reads after (or during) a campaign. Format documented in docs/fuzzing.md.
 */
import { OPCODES } from '../lib/evm/opcodes.ts';
import type { CampaignIdentity } from './state.ts';
import type { FindingKind } from './oracle.ts';
import { coveragePercent, LOCAL_OPCODES, missingOpcodes, type CampaignStats, type ExpectationCounts, type WorkerStats } from './stats.ts';

export const SUMMARY_FORMAT = 'iso-hypervisor-fuzz-summary/1';

/**
 * running: still going; finished: every case ran (or the time was up); stopped: --stop-after was
 * reached; interrupted: Ctrl-C (or shouldStop); failed: the workers could not run (see the log).
 */
export type CampaignStatus = 'running' | 'finished' | 'stopped' | 'interrupted' | 'failed';

export interface SummaryFinding {
  kind: FindingKind;
  signature: string;
  detail: string;
  count: number;
  firstIndex: number;
  file: string | null;
  shrunk: boolean;
  instructions: number | null;
  disassembly: string | null;
  shrinkMs: number | null;
}

/** A worker slot's counters (stats.ts), with its rate and memory. */
export interface SummaryWorker extends WorkerStats {
  /** Cases of this worker per second of this run of the campaign. */
  casesPerSecond: number;
  /** Resident set size reported with its last batch. */
  rssBytes: number | null;
}

export interface CampaignSummary extends CampaignIdentity {
  format: typeof SUMMARY_FORMAT;
  status: CampaignStatus;
  workers: number;
  /** Each worker prepares its next batch while its engine verifies the current one. */
  pipeline: boolean;
  stateDir: string | null;
  updatedAt: string;
  cases: number;
  witnesses: number;
  skipped: number;
  elapsedMs: number;
  shrinkMs: number;
  prepareMs: number;
  verifyMs: number;
  casesPerSecond: number;
  witnessesPerSecond: number;
  batches: number;
  replayedBatches: number;
  failedBatches: number;
  expectations: ExpectationCounts;
  /** Honest runs: exceptional halt, success, revert. */
  statuses: [number, number, number];
  nativeRuns: number;
  nativeDerived: number;
  droppedMutants: number;
  revmCompared: number;
  revmUnknown: number;
  coveragePercent: number;
  missingOpcodes: string[];
  /** Every supported opcode → number of cases whose honest run executed it (0: never). */
  coverage: Record<string, number>;
  findingCount: number;
  findings: SummaryFinding[];
  perWorker: SummaryWorker[];
  /** The coordinator process's resident set size when the summary was written. */
  coordinatorRssBytes: number;
}

export interface SummaryInfo extends CampaignIdentity {
  status: CampaignStatus;
  workers: number;
  pipeline: boolean;
  stateDir: string | null;
  /** Last reported RSS per worker slot. */
  workerRss: ReadonlyMap<number, number>;
}

export function campaignSummary(s: CampaignStats, o: SummaryInfo): CampaignSummary {
  const secs = Math.max(s.elapsedMs / 1000, 0.001);
  const runSecs = Math.max((Date.now() - s.startedAt) / 1000, 0.001);
  const coverage: Record<string, number> = {};
  for (const op of LOCAL_OPCODES) coverage[OPCODES[op]!.name] = s.opcodes.get(op) ?? 0;
  return {
    format: SUMMARY_FORMAT,
    status: o.status,
    seed: o.seed, engine: o.engine, batch: o.batch, constants: o.constants, runs: o.runs, timeMs: o.timeMs, workers: o.workers, pipeline: o.pipeline, stateDir: o.stateDir,
    updatedAt: new Date().toISOString(),
    cases: s.cases, witnesses: s.witnesses, skipped: s.skipped, elapsedMs: s.elapsedMs, shrinkMs: s.shrinkMs, prepareMs: s.prepareMs, verifyMs: s.verifyMs,
    casesPerSecond: s.cases / secs, witnessesPerSecond: s.witnesses / secs,
    batches: s.batches, replayedBatches: s.replayedBatches, failedBatches: s.failedBatches,
    expectations: s.expectations, statuses: s.statuses, nativeRuns: s.nativeRuns, nativeDerived: s.nativeDerived, droppedMutants: s.droppedMutants,
    revmCompared: s.revmCompared, revmUnknown: s.revmUnknown,
    coveragePercent: coveragePercent(s), missingOpcodes: missingOpcodes(s).map((op) => OPCODES[op]!.name), coverage,
    findingCount: s.findingCount,
    findings: [...s.findings.values()].map((f) => ({
      kind: f.kind, signature: f.signature, detail: f.detail, count: f.count, firstIndex: f.firstIndex, file: f.file ?? null, shrunk: f.shrunk,
      instructions: f.entry?.program.instructions ?? null, disassembly: f.entry?.program.disassembly ?? null, shrinkMs: f.shrinkMs ?? null,
    })),
    perWorker: s.workers.map((w) => ({ ...w, pids: [...w.pids], casesPerSecond: w.cases / runSecs, rssBytes: o.workerRss.get(w.slot) ?? null })),
    coordinatorRssBytes: process.memoryUsage.rss(),
  };
}
