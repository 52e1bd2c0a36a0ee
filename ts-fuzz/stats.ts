/**
 * A campaign's counters: what one batch adds (StatsDelta, computed in a worker process and sent
 * to the coordinator, also stored in the campaign's state directory) and the merged totals
 * (CampaignStats). Merging is commutative, so the totals of a campaign do not depend on which
 * worker ran which batch, or in which order the batches completed.
 */
import { OPCODES } from '../lib/evm/opcodes.ts';
import type { CorpusEntry } from './corpus.ts';
import type { FindingKind } from './oracle.ts';

/** The opcodes the hypervisor executes (itself, with a record, or with a key list): what coverage counts. */
export const LOCAL_OPCODES: readonly number[] = OPCODES.filter((o) => o.kind === 'local' || o.kind === 'recorded' || o.kind === 'keyed').map((o) => o.code);

export type ExpectationCounts = Record<'valid' | 'invalid' | 'invalid-encoding' | 'any' | 'not-archived', number>;

/** The counters a batch adds and the campaign sums. */
export interface CaseCounters {
  cases: number;
  witnesses: number;
  skipped: number;
  /** Judgements that are findings (every occurrence). */
  findingCount: number;
  /** Honest runs ending in exceptional halt, success, revert. */
  statuses: [number, number, number];
  expectations: ExpectationCounts;
  revmCompared: number;
  revmUnknown: number;
  /** ethereumjs runs made, and outcomes derived from them instead of run. */
  nativeRuns: number;
  nativeDerived: number;
  /** Mutants not checked: a corrupted gasAvailable far beyond what the fuzzer runs natively. */
  droppedMutants: number;
  /** Summed over workers; prepare and verify overlap inside a worker. */
  shrinkMs: number;
  prepareMs: number;
  verifyMs: number;
}

/** What one batch contributes; plain JSON (sent between processes, stored in batches.jsonl). */
export interface StatsDelta extends CaseCounters {
  /** [opcode, number of cases whose honest run executed it]. */
  opcodes: Array<[number, number]>;
}

/** One distinct finding of a batch (by signature). */
export interface BatchFinding {
  signature: string;
  kind: FindingKind;
  detail: string;
  count: number;
  firstIndex: number;
}

export interface FindingRecord {
  signature: string;
  kind: FindingKind;
  detail: string;
  /** Cases that showed it, in completed batches. */
  count: number;
  firstIndex: number;
  /** The saved reproducer (shrunk once `shrunk` is true). */
  entry?: CorpusEntry;
  file?: string;
  shrunk: boolean;
  /** Guest instructions of the saved program. */
  instructions?: number;
  shrinkMs?: number;
}

/** Per worker slot, for this run of the campaign (a resumed campaign starts these at zero). */
export interface WorkerStats {
  slot: number;
  /** Every process that ran in this slot (a restart adds one). */
  pids: number[];
  cases: number;
  witnesses: number;
  batches: number;
  /** Times the slot's process died or was stopped for taking too long (replaced while batches are left). */
  restarts: number;
}

export interface CampaignStats extends CaseCounters {
  findings: Map<string, FindingRecord>;
  /** Local opcodes executed by the honest native runs → number of cases that executed them. */
  opcodes: Map<number, number>;
  /** Start of this run of the campaign (Date.now()). */
  startedAt: number;
  /** Wall time of the whole campaign, earlier runs of a resumed campaign included. */
  elapsedMs: number;
  batches: number;
  workers: WorkerStats[];
  /** Batches run again because their worker died. */
  replayedBatches: number;
  /** Batches given up after their worker died on each attempt (see docs/fuzzing.md). */
  failedBatches: number;
}

export function emptyDelta(): StatsDelta {
  return {
    cases: 0, witnesses: 0, skipped: 0, findingCount: 0, statuses: [0, 0, 0], expectations: { valid: 0, invalid: 0, 'invalid-encoding': 0, any: 0, 'not-archived': 0 },
    revmCompared: 0, revmUnknown: 0, nativeRuns: 0, nativeDerived: 0, droppedMutants: 0, prepareMs: 0, verifyMs: 0, shrinkMs: 0, opcodes: [],
  };
}

export function newStats(): CampaignStats {
  return {
    cases: 0, witnesses: 0, skipped: 0, findingCount: 0, findings: new Map(), opcodes: new Map(), statuses: [0, 0, 0],
    expectations: { valid: 0, invalid: 0, 'invalid-encoding': 0, any: 0, 'not-archived': 0 }, revmCompared: 0, revmUnknown: 0, nativeRuns: 0, nativeDerived: 0, droppedMutants: 0,
    startedAt: Date.now(), elapsedMs: 0, shrinkMs: 0, prepareMs: 0, verifyMs: 0, batches: 0, workers: [], replayedBatches: 0, failedBatches: 0,
  };
}

/** Adds a completed batch to the totals (counters, coverage, finding counts). */
export function addBatch(s: CampaignStats, d: StatsDelta, findings: readonly BatchFinding[]): void {
  s.cases += d.cases;
  s.witnesses += d.witnesses;
  s.skipped += d.skipped;
  s.findingCount += d.findingCount;
  for (let i = 0; i < 3; i++) s.statuses[i]! += d.statuses[i]!;
  for (const k of Object.keys(s.expectations) as Array<keyof ExpectationCounts>) s.expectations[k] += d.expectations[k];
  s.revmCompared += d.revmCompared;
  s.revmUnknown += d.revmUnknown;
  s.nativeRuns += d.nativeRuns;
  s.nativeDerived += d.nativeDerived;
  s.droppedMutants += d.droppedMutants;
  s.prepareMs += d.prepareMs;
  s.verifyMs += d.verifyMs;
  s.shrinkMs += d.shrinkMs;
  for (const [op, n] of d.opcodes) s.opcodes.set(op, (s.opcodes.get(op) ?? 0) + n);
  s.batches++;
  for (const f of findings) {
    const rec = s.findings.get(f.signature);
    if (rec) {
      rec.count += f.count;
      rec.firstIndex = Math.min(rec.firstIndex, f.firstIndex);
    } else s.findings.set(f.signature, { signature: f.signature, kind: f.kind, detail: f.detail, count: f.count, firstIndex: f.firstIndex, shrunk: false });
  }
}

export function coveragePercent(s: Pick<CampaignStats, 'opcodes'>): number {
  let hit = 0;
  for (const op of LOCAL_OPCODES) if (s.opcodes.has(op)) hit++;
  return (100 * hit) / LOCAL_OPCODES.length;
}

export function missingOpcodes(s: Pick<CampaignStats, 'opcodes'>): number[] {
  return LOCAL_OPCODES.filter((op) => !s.opcodes.has(op));
}
