/**
 * A fuzzing campaign on N worker processes (docs/fuzzing.md, "Workers and crash safety").
 *
 * The campaign is one stream of cases (case i depends only on the seed and i, random.ts), cut into
 * batches of `batch` cases: batch b is cases start+b·batch … . The coordinator (this module) deals
 * batches to the workers (worker.ts, two at a time so that each can prepare one while its engine
 * verifies the other), merges what each completed batch adds, writes findings to the corpus as
 * the workers report them, and records every completed batch in the state directory (state.ts).
 * So the cases of a campaign, its findings and its totals depend on the seed and the number of
 * cases only, not on the number of workers or on timing (with --time: on how far it got).
 *
 * Crash safety: a worker that dies (killed, out of memory, a crash) is replaced and its batches
 * run again from the start (only a completed batch counts); a batch whose worker dies
 * MAX_ATTEMPTS times is given up and reported as a harness-error finding. A finding is written to
 * the corpus when it is found, before it is shrunk; the shrunk reproducer replaces it. A campaign
 * killed outright continues from its state directory with resumeCampaign (`--resume DIR`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { loadEntry, saveEntry, sourceFingerprint, type CorpusEntry } from './corpus.ts';
import type { EngineName } from './engines.ts';
import { sweepForgeDirs, WorkerProcess } from './pool.ts';
import type { BatchReport, BatchTask, FindingMessage, FromWorker, ShrunkMessage, WorkerSettings } from './protocol.ts';
import { CampaignState, STATE_FORMAT, type CampaignSettings } from './state.ts';
import { addBatch, emptyDelta, newStats, type CampaignStats, type FindingRecord } from './stats.ts';
import { campaignSummary, type CampaignStatus, type CampaignSummary } from './summary.ts';

export { coveragePercent, LOCAL_OPCODES, missingOpcodes, newStats, type CampaignStats, type FindingRecord } from './stats.ts';

/** Attempts at a batch before it is given up (its worker died on each). */
export const MAX_ATTEMPTS = 3;
/** A worker slot whose process dies this many times in a row before it is ready ends the campaign. */
const MAX_START_FAILURES = 3;
/** Default batch time-out: this long at least, and at least BATCH_TIMEOUT_FACTOR times the average batch. */
export const MIN_BATCH_TIMEOUT_MS = 5 * 60_000;
const BATCH_TIMEOUT_FACTOR = 20;
/** Time a batch may take on top of its time-out for each new finding its worker shrinks. */
const SHRINK_SLACK_MS = 60_000;
const SUMMARY_EVERY_MS = 5000;

export interface CampaignOptions {
  seed: number;
  /** Number of cases; default unlimited (then timeMs must be set). */
  runs?: number;
  /** Stop dealing new batches after this long. */
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
  /** Index of the first case (to replay a slice of a campaign). */
  startIndex?: number;
  /** Run every native context for real (no derivation, ts-fuzz/derive.ts). */
  alwaysRerun?: boolean;
  /**
   * Each worker prepares its next batch while its engine verifies the current one. Default
   * (undefined): when there are cores to spare, see pipelineByDefault.
   */
  pipeline?: boolean;
  /** State directory (created; must not hold a campaign yet), or null for none (no resume). */
  stateDir: string | null;
  /**
   * A batch whose worker has not finished it after this long (plus the shrink budget of each new
   * finding in it) is killed and run again, like a batch whose worker died. Default: the larger of
   * 5 minutes and 20 times the average batch.
   */
  batchTimeoutMs?: number;
}

/** What may change when a campaign is resumed; everything else comes from its campaign.json. */
export interface RunOptions {
  /** Worker processes (default: the number of cores, os.availableParallelism()). */
  workers?: number;
  /** Polled every second: true ends the campaign after the batches in flight. */
  shouldStop?: () => boolean;
  onProgress?: (s: CampaignStats) => void;
  /** A finding was saved (unshrunk when found, then again shrunk). */
  onFinding?: (f: FindingRecord, s: CampaignStats) => void;
  log?: (line: string) => void;
}

export interface CampaignResult {
  stats: CampaignStats;
  status: CampaignStatus;
  settings: CampaignSettings;
  /** Absolute state directory, or null. */
  stateDir: string | null;
  summary: CampaignSummary;
}

export function defaultWorkers(): number {
  return os.availableParallelism();
}

/**
 * Whether workers pipeline by default: a pipelined worker keeps about 1.5 cores busy (its node
 * process preparing, its forge process verifying) and spends ~10 % more CPU per case than one
 * that does one thing at a time, so pipelining pays only while the workers leave cores idle
 * (measured on 2 cores, docs/fuzzing.md: 1 worker 177 cases/s pipelined, 150 not; 2 workers
 * 216 pipelined, 241 not).
 */
export function pipelineByDefault(workers: number, cores = os.availableParallelism()): boolean {
  return 3 * workers <= 2 * cores;
}

/** Starts a new campaign. */
export async function runCampaign(opts: CampaignOptions & RunOptions): Promise<CampaignResult> {
  if (opts.runs === undefined && opts.timeMs === undefined) throw new Error('runCampaign: give runs or timeMs');
  const settings: CampaignSettings = {
    format: STATE_FORMAT, seed: opts.seed, engine: opts.engine, batch: opts.batch, constants: opts.constants ?? {},
    runs: opts.runs ?? null, timeMs: opts.timeMs ?? null, startIndex: opts.startIndex ?? 0, corpusDir: opts.corpusDir,
    shrink: opts.shrink ?? true, shrinkTimeMs: opts.shrinkTimeMs ?? 90_000, saveAll: opts.saveAll ?? false, alwaysRerun: opts.alwaysRerun ?? false,
    pipeline: opts.pipeline ?? null, stopAfterFindings: opts.stopAfterFindings ?? null, batchTimeoutMs: opts.batchTimeoutMs ?? null, createdAt: new Date().toISOString(), hypervisorSource: sourceFingerprint(),
  };
  const state = opts.stateDir === null ? CampaignState.inMemory(settings) : CampaignState.create(opts.stateDir, settings);
  return new Coordinator(state, newStats(), 0, opts).run();
}

/** Continues the campaign in `dir` from its last completed batch. */
export async function resumeCampaign(dir: string, opts: RunOptions = {}): Promise<CampaignResult> {
  const { state, batches, findings } = CampaignState.open(dir);
  const log = opts.log ?? (() => {});
  if (state.settings.hypervisorSource !== sourceFingerprint()) {
    log(`fuzz: note: the hypervisor's Huff sources changed since this campaign started (${state.settings.hypervisorSource} → ${sourceFingerprint()})`);
  }
  const stats = newStats();
  let elapsed = 0;
  for (const b of batches) {
    addBatch(stats, b.delta, b.findings);
    if (b.failed) stats.failedBatches++;
    elapsed = Math.max(elapsed, b.campaignMs);
  }
  const c = new Coordinator(state, stats, elapsed, opts);
  for (const f of findings) c.restoreFinding(f.signature, f.kind, f.detail, f.index, f.file, f.shrunk, f.shrinkMs);
  return c.run();
}

class Coordinator {
  private readonly settings: CampaignSettings;
  private readonly workerSettings: WorkerSettings;
  private readonly slots: Array<WorkerProcess | undefined> = [];
  private readonly startFailures: number[] = [];
  private readonly workerRss = new Map<number, number>();
  private readonly retry: BatchTask[] = [];
  private readonly attempts = new Map<number, number>();
  /** Signatures with a final corpus file (shrunk, or not to be shrunk). */
  private readonly final = new Set<string>();
  /** Signatures being shrunk, by the worker doing it. */
  private readonly shrinking = new Map<string, WorkerProcess>();
  private readonly totalBatches: number;
  private readonly deadline: number;
  private readonly depth: number;
  private readonly nWorkers: number;
  private readonly log: (line: string) => void;
  private nextFresh = 0;
  private stopping: CampaignStatus | undefined;
  private fatal: Error | undefined;
  private lastSummary = 0;
  private allReady = false;
  /** Moving average of the batches' wall time in their workers. */
  private avgBatchMs = 0;
  private wake: () => void = () => {};

  constructor(
    private readonly state: CampaignState,
    private readonly stats: CampaignStats,
    private readonly elapsedBefore: number,
    private readonly opts: RunOptions,
  ) {
    const s = (this.settings = state.settings);
    this.totalBatches = s.runs === null ? Infinity : Math.ceil(s.runs / s.batch);
    this.deadline = s.timeMs === null ? Infinity : Date.now() + s.timeMs - elapsedBefore;
    this.log = opts.log ?? (() => {});
    const left = this.totalBatches - state.completed;
    this.nWorkers = Math.max(1, Math.min(opts.workers ?? defaultWorkers(), left));
    const pipeline = s.pipeline ?? pipelineByDefault(this.nWorkers);
    this.depth = pipeline ? 2 : 1;
    this.workerSettings = {
      seed: s.seed, engine: s.engine, constants: s.constants, shrink: s.shrink, shrinkTimeMs: s.shrinkTimeMs, saveAll: s.saveAll,
      alwaysRerun: s.alwaysRerun, pipeline, ...(s.stopAfterFindings !== null ? { stopAfterFindings: s.stopAfterFindings } : {}),
    };
    stats.elapsedMs = elapsedBefore;
    if (s.stopAfterFindings !== null && stats.findings.size >= s.stopAfterFindings) this.stopping = 'stopped';
  }

  /** A finding line of the state directory (resume). */
  restoreFinding(signature: string, kind: FindingRecord['kind'], detail: string, index: number, file: string | null, shrunk: boolean, shrinkMs: number | undefined): void {
    let rec = this.stats.findings.get(signature);
    if (!rec) {
      rec = { signature, kind, detail, count: 0, firstIndex: index, shrunk: false };
      this.stats.findings.set(signature, rec);
    }
    let entry: CorpusEntry | undefined;
    if (file !== null && fs.existsSync(file)) {
      try {
        entry = loadEntry(file);
      } catch {
        entry = undefined;
      }
    }
    if (entry && file !== null) {
      if (!shrunk && rec.file && rec.file !== file && !this.settings.saveAll) return; // a raw file written after a shrunk one: keep the shrunk one
      rec.entry = entry;
      rec.file = file;
      rec.instructions = entry.program.instructions;
      rec.detail = detail;
    }
    if (shrunk) {
      rec.shrunk = true;
      if (shrinkMs !== undefined) rec.shrinkMs = shrinkMs;
    }
    if (shrunk || !this.settings.shrink) this.final.add(signature);
  }

  async run(): Promise<CampaignResult> {
    const killAll = (): void => {
      for (const w of this.slots) w?.kill();
    };
    process.on('exit', killAll);
    sweepForgeDirs();
    const timer = setInterval(() => this.tick(), 1000);
    try {
      for (let slot = 0; slot < this.nWorkers; slot++) {
        this.stats.workers.push({ slot: slot + 1, pids: [], cases: 0, witnesses: 0, batches: 0, restarts: 0 });
        this.startFailures.push(0);
        if (!this.noMoreTasks()) this.startWorker(slot);
      }
      while (this.slots.some((w) => w !== undefined)) await new Promise<void>((resolve) => (this.wake = resolve));
    } finally {
      clearInterval(timer);
      killAll();
      process.off('exit', killAll);
    }
    sweepForgeDirs();
    this.stats.elapsedMs = this.elapsedBefore + (Date.now() - this.stats.startedAt);
    if (this.fatal) {
      this.state.writeSummary(this.summary('failed'));
      throw this.fatal;
    }
    const status: CampaignStatus = this.stopping ?? 'finished';
    const summary = this.summary(status === 'running' ? 'finished' : status);
    this.state.writeSummary(summary);
    return { stats: this.stats, status: summary.status, settings: this.settings, stateDir: this.state.dir, summary };
  }

  private summary(status: CampaignStatus): CampaignSummary {
    const s = this.settings;
    return campaignSummary(this.stats, {
      status, seed: s.seed, engine: s.engine, batch: s.batch, constants: s.constants, runs: s.runs, timeMs: s.timeMs, workers: this.nWorkers, pipeline: this.workerSettings.pipeline,
      stateDir: this.state.dir, workerRss: this.workerRss,
    });
  }

  private tick(): void {
    this.stats.elapsedMs = this.elapsedBefore + (Date.now() - this.stats.startedAt);
    if (!this.stopping && this.opts.shouldStop?.()) this.stop('interrupted');
    if (!this.stopping && Date.now() >= this.deadline) this.stop('finished');
    this.watchdog();
    this.opts.onProgress?.(this.stats);
    if (Date.now() - this.lastSummary >= SUMMARY_EVERY_MS) {
      this.lastSummary = Date.now();
      this.state.writeSummary(this.summary('running'));
    }
  }

  private batchTimeout(): number {
    return this.settings.batchTimeoutMs ?? Math.max(MIN_BATCH_TIMEOUT_MS, BATCH_TIMEOUT_FACTOR * this.avgBatchMs);
  }

  /** Kills workers stuck on a batch (a case that takes hours, a hung forge): the batch runs again. */
  private watchdog(): void {
    const limit = this.batchTimeout();
    for (const w of this.slots) {
      if (!w || !w.ready || w.discarded || w.timedOut || w.assigned.length === 0) continue;
      const ms = Date.now() - w.busySince;
      if (ms <= limit + w.allowanceMs) continue;
      const min = (x: number): string => (x < 60_000 ? `${(x / 1000).toFixed(1)} s` : `${(x / 60_000).toFixed(1)} min`);
      w.timedOut = `timed out: batch ${w.assigned[0]!.batch} ran for ${min(ms)}, limit ${min(limit + w.allowanceMs)}${this.settings.batchTimeoutMs === null ? ` (the larger of ${min(MIN_BATCH_TIMEOUT_MS)} and ${BATCH_TIMEOUT_FACTOR}× the average batch; see --batch-timeout)` : ' (--batch-timeout)'}`;
      w.kill();
    }
  }

  private stop(status: CampaignStatus): void {
    this.stopping ??= status;
    this.dispatch();
  }

  // ---- dealing batches -------------------------------------------------------------------------

  private skipDone(): void {
    while (this.nextFresh < this.totalBatches && this.state.isDone(this.nextFresh)) this.nextFresh++;
  }

  private noMoreTasks(): boolean {
    if (this.stopping || this.fatal) return true;
    this.skipDone();
    return this.retry.length === 0 && this.nextFresh >= this.totalBatches;
  }

  private takeTask(): BatchTask | undefined {
    if (this.noMoreTasks()) return undefined;
    if (Date.now() >= this.deadline) {
      this.stopping = 'finished';
      return undefined;
    }
    const retried = this.retry.shift();
    if (retried) return retried;
    const b = this.nextFresh++;
    const s = this.settings;
    const start = s.startIndex + b * s.batch;
    const count = s.runs === null ? s.batch : Math.min(s.batch, s.startIndex + s.runs - start);
    return { batch: b, start, count };
  }

  private dispatch(): void {
    for (const w of this.slots) {
      if (!w || !w.ready || w.discarded) continue;
      while (w.assigned.length < this.depth) {
        const t = this.takeTask();
        if (!t) break;
        w.assign(t);
      }
      if (w.assigned.length === 0) w.send({ type: 'finish' });
    }
  }

  // ---- workers ---------------------------------------------------------------------------------

  private known(): string[] {
    return [...new Set([...this.final, ...this.shrinking.keys()])];
  }

  private broadcastKnown(): void {
    const signatures = this.known();
    for (const w of this.slots) if (w?.ready && !w.discarded) w.send({ type: 'known', signatures });
  }

  private startWorker(slot: number): void {
    const w = WorkerProcess.start(slot + 1, this.workerSettings, this.known(), {
      message: (w, m) => this.onMessage(w, m),
      exit: (w, code, signal) => this.onExit(w, code, signal),
    });
    this.slots[slot] = w;
  }

  private onMessage(w: WorkerProcess, m: FromWorker): void {
    if (w.discarded) return;
    switch (m.type) {
      case 'ready': {
        this.startFailures[w.slot - 1] = 0;
        const ws = this.stats.workers[w.slot - 1]!;
        ws.pids.push(m.pid);
        if (ws.pids.length > 1) this.log(`worker ${w.slot} restarted (pid ${m.pid})`);
        else if (!this.allReady && this.slots.every((x) => !x || x.ready)) {
          this.allReady = true;
          this.log(`fuzz: ${this.nWorkers} worker${this.nWorkers > 1 ? 's' : ''} ready (pid ${this.stats.workers.map((x) => x.pids.join('/')).join(', ')})${this.workerSettings.pipeline ? ', pipelined' : ''}`);
        }
        w.send({ type: 'known', signatures: this.known() });
        this.dispatch();
        break;
      }
      case 'log':
        this.log(`  [worker ${w.slot}] ${m.line.trim()}`);
        break;
      case 'finding':
        this.onFinding(w, m);
        break;
      case 'shrunk':
        this.onShrunk(w, m);
        break;
      case 'done':
        this.onDone(w, m.report);
        break;
      case 'fatal':
        if (!w.ready) {
          this.fatal = new Error(`worker ${w.slot} could not start: ${m.message.split('\n').slice(0, 12).join('\n')}`);
          this.abort();
        } else this.log(`worker ${w.slot} (pid ${w.pid}) failed: ${m.message.split('\n').slice(0, 6).join('\n')}`);
        break;
    }
  }

  private save(entry: CorpusEntry): string | undefined {
    return this.settings.corpusDir === null ? undefined : saveEntry(this.settings.corpusDir, entry);
  }

  private onFinding(w: WorkerProcess, m: FindingMessage): void {
    if (m.repeat) {
      this.save(m.entry);
      return;
    }
    let rec = this.stats.findings.get(m.signature);
    if (!rec) {
      rec = { signature: m.signature, kind: m.kind, detail: m.detail, count: 0, firstIndex: m.index, shrunk: false };
      this.stats.findings.set(m.signature, rec);
      this.log(`finding #${this.stats.findings.size} at case ${m.index} (worker ${w.slot}, pid ${w.pid}): ${m.kind}: ${m.detail}`);
    }
    if (!rec.file && !rec.shrunk) {
      // written now, before the shrink: a worker that dies while shrinking loses nothing
      const file = this.save(m.entry);
      rec.entry = m.entry;
      rec.instructions = m.entry.program.instructions;
      if (file) rec.file = file;
      this.state.recordFinding({ signature: m.signature, kind: m.kind, detail: m.detail, index: m.index, file: file ?? null, shrunk: false, instructions: m.entry.program.instructions });
      this.opts.onFinding?.(rec, this.stats);
    }
    if (m.shrinking) w.allowanceMs += this.settings.shrinkTimeMs + SHRINK_SLACK_MS;
    if (m.shrinking && !rec.shrunk) this.shrinking.set(m.signature, w);
    else if (!m.shrinking) this.final.add(m.signature);
    this.broadcastKnown();
    const limit = this.settings.stopAfterFindings;
    if (limit !== null && this.stats.findings.size >= limit && !this.stopping) {
      // the others' batches are dropped (not completed: a resumed campaign runs them)
      for (const other of this.slots) {
        if (other && other !== w) {
          other.discarded = true;
          other.kill();
        }
      }
      this.stop('stopped');
    }
  }

  private onShrunk(w: WorkerProcess, m: ShrunkMessage): void {
    const rec = this.stats.findings.get(m.signature);
    if (!rec) return;
    if (this.shrinking.get(m.signature) === w) this.shrinking.delete(m.signature);
    const better = !rec.shrunk || rec.instructions === undefined || m.entry.program.instructions < rec.instructions;
    if (better) {
      const old = rec.file;
      const file = this.save(m.entry);
      if (old && file && old !== file && !this.settings.saveAll) fs.rmSync(old, { force: true }); // the unshrunk (or a larger) reproducer
      rec.entry = m.entry;
      rec.instructions = m.entry.program.instructions;
      rec.detail = m.entry.detail;
      rec.shrunk = true;
      rec.shrinkMs = m.ms;
      if (file) rec.file = file;
      this.state.recordFinding({ signature: m.signature, kind: rec.kind, detail: rec.detail, index: m.index, file: file ?? null, shrunk: true, instructions: rec.instructions, shrinkMs: m.ms });
      this.opts.onFinding?.(rec, this.stats);
    }
    this.final.add(m.signature);
    this.broadcastKnown();
  }

  private onDone(w: WorkerProcess, r: BatchReport): void {
    const i = w.assigned.findIndex((t) => t.batch === r.task.batch);
    if (i >= 0) w.assigned.splice(i, 1);
    w.busySince = Date.now();
    w.allowanceMs = 0;
    this.avgBatchMs = this.avgBatchMs === 0 ? r.ms : 0.9 * this.avgBatchMs + 0.1 * r.ms;
    if (this.state.isDone(r.task.batch)) return;
    addBatch(this.stats, r.delta, r.findings);
    const ws = this.stats.workers[w.slot - 1]!;
    ws.cases += r.delta.cases;
    ws.witnesses += r.delta.witnesses;
    ws.batches++;
    this.workerRss.set(w.slot, r.rss);
    this.attempts.delete(r.task.batch);
    this.stats.elapsedMs = this.elapsedBefore + (Date.now() - this.stats.startedAt);
    this.state.recordBatch({
      batch: r.task.batch, start: r.task.start, count: r.task.count, slot: w.slot, ms: r.ms, campaignMs: this.stats.elapsedMs,
      delta: r.delta, findings: r.findings, ...(r.stopped ? { stopped: true } : {}),
    });
    if (r.stopped) {
      // the worker takes no further batch and exits; the one it had prefetched is not run
      w.assigned.length = 0;
      w.discarded = true;
      this.stop('stopped');
    }
    this.dispatch();
  }

  private onExit(w: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const slot = w.slot - 1;
    if (this.slots[slot] === w) this.slots[slot] = undefined;
    const clean = code === 0 && w.assigned.length === 0;
    if (!w.discarded && !clean && !this.fatal) {
      const how = w.timedOut ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
      const tail = w.timedOut ? '' : w.stderrTail.split('\n').slice(-8).join('\n');
      this.log(
        `worker ${w.slot} (pid ${w.pid}) ${w.timedOut ? 'stopped' : 'died'} (${how})${w.assigned.length ? ` in batch${w.assigned.length > 1 ? 'es' : ''} ${w.assigned.map((t) => t.batch).join(', ')}` : ''}` +
          `${tail ? `; its last output:\n${tail}` : ''}`,
      );
      for (const [sig, owner] of this.shrinking) if (owner === w) this.shrinking.delete(sig); // shrunk again when the batch runs again
      for (const t of [...w.assigned].reverse()) {
        const n = (this.attempts.get(t.batch) ?? 0) + 1;
        this.attempts.set(t.batch, n);
        if (n >= MAX_ATTEMPTS) this.giveUp(t, how);
        else {
          this.retry.unshift(t);
          this.stats.replayedBatches++;
        }
      }
      if (!w.ready) {
        this.startFailures[slot]!++;
        if (this.startFailures[slot]! >= MAX_START_FAILURES) {
          this.fatal = new Error(`worker ${w.slot} died ${MAX_START_FAILURES} times before it was ready (${how})${tail ? `; its last output:\n${tail}` : ''}`);
          this.abort();
        }
      } else this.stats.workers[slot]!.restarts++;
      this.broadcastKnown();
      if (!this.noMoreTasks()) this.startWorker(slot);
      this.dispatch();
    }
    this.wake();
  }

  /** A batch whose worker died MAX_ATTEMPTS times: counted as a harness error, the campaign goes on. */
  private giveUp(t: BatchTask, how: string): void {
    const last = t.start + t.count - 1;
    const finding = {
      signature: 'harness-error/worker-died', kind: 'harness-error' as const,
      detail: `a worker died or timed out on each of ${MAX_ATTEMPTS} attempts at batch ${t.batch} (cases ${t.start}..${last}), last: ${how}; run them alone with --start-index ${t.start} --runs ${t.count} --workers 1 to see why`,
      count: 1, firstIndex: t.start,
    };
    this.log(`fuzz: giving up batch ${t.batch}: ${finding.detail}`);
    addBatch(this.stats, emptyDelta(), [finding]);
    this.stats.failedBatches++;
    this.attempts.delete(t.batch);
    this.state.recordBatch({ batch: t.batch, start: t.start, count: t.count, slot: 0, ms: 0, campaignMs: this.stats.elapsedMs, delta: emptyDelta(), findings: [finding], failed: how });
  }

  private abort(): void {
    for (const w of this.slots) {
      if (w) {
        w.discarded = true;
        w.kill();
      }
    }
  }
}
