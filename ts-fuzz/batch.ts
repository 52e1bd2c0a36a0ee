/**
 * One worker's share of a campaign: generate a batch of cases (case i depends only on the
 * campaign seed and i), prepare them (native runs, witnesses, expectations), verify them with one
 * engine call (one forge process on revm), judge, and shrink each finding the campaign does not
 * know yet. `runBatches` pipelines this: the next batch is prepared while the engine verifies the
 * current one. Used by worker.ts (a child process of the coordinator, campaign.ts).
 */
import type fc from 'fast-check';
import { readsOutside } from '../lib/native/index.ts';
import { createEngine, EthereumjsEngine, type Engine } from './engines.ts';
import { evaluate, judgementsOf, prepareAll, verifyPreparedSafe, type CaseOutcome, type Prepared } from './evaluate.ts';
import { makeEntry } from './corpus.ts';
import type { Judgement } from './oracle.ts';
import type { PrepareOptions } from './prepare.ts';
import type { BatchReport, BatchTask, FindingMessage, ShrunkMessage, WorkerSettings } from './protocol.ts';
import { generateValue } from './random.ts';
import { reproduces, shrinkCase } from './shrink.ts';
import { caseArb, type CaseSpec } from './spec.ts';
import { emptyDelta, type BatchFinding, type StatsDelta } from './stats.ts';

/** Where a batch's findings go as they are made (worker.ts: to the coordinator). */
export interface FindingSink {
  finding(m: FindingMessage): void;
  shrunk(m: ShrunkMessage): void;
  log(line: string): void;
}

export interface PreparedBatch {
  task: BatchTask;
  values: Array<fc.Value<CaseSpec>>;
  prepared: Prepared[];
  startedAt: number;
  prepareMs: number;
}

export class BatchRunner {
  /** Signatures the campaign knows: repeats of these are counted, not shrunk. */
  readonly known = new Set<string>();
  private localEngine: Engine | undefined;
  private readonly prep: PrepareOptions;

  private constructor(readonly settings: WorkerSettings, private readonly engine: Engine) {
    this.prep = { derive: !settings.alwaysRerun };
    if (settings.engine === 'ethereumjs') this.localEngine = engine;
  }

  static async create(settings: WorkerSettings): Promise<BatchRunner> {
    return new BatchRunner(settings, await createEngine(settings.engine, { constants: settings.constants }));
  }

  async prepare(task: BatchTask): Promise<PreparedBatch> {
    const startedAt = Date.now();
    const values = Array.from({ length: task.count }, (_, i) => generateValue(caseArb, this.settings.seed, task.start + i));
    const prepared: Prepared[] = [];
    for (const v of values) {
      prepared.push(...(await prepareAll([v.value_], this.prep)));
      // ethereumjs's awaits resolve at once: without this, a batch would hold the event loop for
      // seconds and the worker would not hear from the coordinator (or notice it is gone)
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { task, values, prepared, startedAt, prepareMs: Date.now() - startedAt };
  }

  async verify(b: PreparedBatch, log: (line: string) => void): Promise<{ outcomes: CaseOutcome[]; verifyMs: number }> {
    const t0 = Date.now();
    const outcomes = await verifyPreparedSafe(this.engine, b.prepared, log);
    return { outcomes, verifyMs: Date.now() - t0 };
  }

  /** Counts the batch's outcomes and handles its findings (shrinking the new ones). */
  async judge(b: PreparedBatch, outcomes: readonly CaseOutcome[], verifyMs: number, sink: FindingSink): Promise<BatchReport> {
    const d: StatsDelta = emptyDelta();
    d.prepareMs = b.prepareMs;
    d.verifyMs = verifyMs;
    const opcodes = new Map<number, number>();
    const found = new Map<string, BatchFinding>();
    const shrinkingHere = new Set<string>();
    const limit = this.settings.stopAfterFindings;
    let stopped = false;
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i]!;
      const index = b.task.start + i;
      d.cases++;
      if (o.prepared) {
        if (o.prepared.skipped) d.skipped++;
        if (o.prepared.droppedMutant) d.droppedMutants++;
        d.nativeRuns += o.prepared.natives.ran;
        d.nativeDerived += o.prepared.natives.derived;
        const native = o.prepared.native;
        if (native !== undefined) {
          for (const op of native.opcodes.keys()) opcodes.set(op, (opcodes.get(op) ?? 0) + 1);
          d.statuses[native.status]++;
        }
        for (const it of o.items) {
          d.witnesses++;
          d.expectations[it.item.expect.verdict]++;
          if (it.result.revmNative) {
            if (it.result.revmNative.status === 'unknown' || !it.item.native || readsOutside(it.item.native)) d.revmUnknown++;
            else d.revmCompared++;
          }
        }
      }
      for (const { judgement } of judgementsOf(o)) {
        if (stopped) break;
        d.findingCount++;
        const seen = found.get(judgement.signature);
        if (seen) {
          seen.count++;
        } else found.set(judgement.signature, { signature: judgement.signature, kind: judgement.kind, detail: judgement.detail, count: 1, firstIndex: index });
        if (this.known.has(judgement.signature) || shrinkingHere.has(judgement.signature)) {
          if (this.settings.saveAll) sink.finding({ ...this.findingMessage(b.task, index, b.values[i]!, o, judgement), repeat: true, shrinking: false });
          continue;
        }
        shrinkingHere.add(judgement.signature);
        const t0 = Date.now();
        await this.newFinding(b.task, index, b.values[i]!, o, judgement, sink);
        d.shrinkMs += Date.now() - t0;
        if (limit !== undefined && new Set([...this.known, ...shrinkingHere]).size >= limit) stopped = true;
      }
    }
    d.opcodes = [...opcodes];
    return { task: b.task, delta: d, findings: [...found.values()], stopped, ms: Date.now() - b.startedAt, rss: process.memoryUsage.rss() };
  }

  private findingMessage(task: BatchTask, index: number, value: fc.Value<CaseSpec>, o: CaseOutcome, j: Judgement): Omit<FindingMessage, 'repeat' | 'shrinking'> {
    const item = judgementsOf(o).find((x) => x.judgement.signature === j.signature)?.item;
    const entry = makeEntry({
      judgement: j, spec: value.value_, ...(o.prepared ? { prepared: o.prepared } : {}), ...(item ? { item } : {}),
      seed: this.settings.seed, index, engine: this.settings.engine, constants: this.settings.constants, shrinkSteps: 0, shrinkEvaluations: 0,
    });
    return { type: 'finding', batch: task.batch, index, signature: j.signature, kind: j.kind, detail: j.detail, entry };
  }

  /** Reports a new finding at once (unshrunk), then shrinks it and reports the result. */
  private async newFinding(task: BatchTask, index: number, value: fc.Value<CaseSpec>, outcome: CaseOutcome, j: Judgement, sink: FindingSink): Promise<void> {
    const s = this.settings;
    sink.finding({ ...this.findingMessage(task, index, value, outcome, j), repeat: false, shrinking: s.shrink });
    if (!s.shrink) return;
    const t0 = Date.now();
    let shrinkEngine = this.engine;
    let chunk = s.engine === 'revm' ? 64 : 1;
    if (s.engine === 'revm' && j.kind !== 'reference-divergence') {
      // shrink in process when the finding reproduces there (much faster), confirm on revm after
      const local = await this.local();
      const [o] = await evaluate(local, [value.value_], this.prep);
      if (o && reproduces(o, j.signature)) {
        shrinkEngine = local;
        chunk = 1;
      }
    }
    sink.log(`  shrinking on ${shrinkEngine.name}…`);
    const r = await shrinkCase(caseArb, value, outcome, j.signature, shrinkEngine, { chunk, timeMs: s.shrinkTimeMs, prepare: this.prep });
    let final = r;
    if (shrinkEngine !== this.engine) {
      try {
        const [o] = await evaluate(this.engine, [r.value.value_], this.prep);
        if (o && reproduces(o, j.signature)) final = { ...r, outcome: o };
      } catch {
        /* keep the in-process outcome */
      }
    }
    const ms = Date.now() - t0;
    sink.log(`  shrunk in ${r.steps} steps / ${r.evaluations} evaluations (${(ms / 1000).toFixed(1)} s)${r.timedOut ? ', time budget reached' : ''}`);
    const found = judgementsOf(final.outcome).find((x) => x.judgement.signature === j.signature);
    const entry = makeEntry({
      judgement: found?.judgement ?? j, spec: final.value.value_, ...(final.outcome.prepared ? { prepared: final.outcome.prepared } : {}), ...(found?.item ? { item: found.item } : {}),
      seed: s.seed, index, engine: s.engine, constants: s.constants, shrinkSteps: final.steps, shrinkEvaluations: final.evaluations,
    });
    sink.shrunk({ type: 'shrunk', batch: task.batch, index, signature: j.signature, entry, ms });
  }

  private async local(): Promise<Engine> {
    return (this.localEngine ??= await EthereumjsEngine.create({ constants: this.settings.constants }));
  }
}

/** Where a worker's batches come from: resolves to undefined when there will be no more. */
export type TaskSource = () => Promise<BatchTask | undefined>;

/**
 * Runs batches until the source has no more (or stopAfterFindings is reached), preparing the next
 * batch while the engine verifies the current one.
 */
export async function runBatches(runner: BatchRunner, next: TaskSource, sink: FindingSink, done: (r: BatchReport) => Promise<void>): Promise<void> {
  const prepareNext = async (): Promise<PreparedBatch | undefined> => {
    const t = await next();
    return t ? runner.prepare(t) : undefined;
  };
  let cur = await prepareNext();
  while (cur) {
    const verifying = runner.verify(cur, sink.log);
    if (!runner.settings.pipeline) await verifying.catch(() => undefined);
    const following = prepareNext();
    // keep a rejection of one from becoming unhandled while the other is awaited
    following.catch(() => undefined);
    const { outcomes, verifyMs } = await verifying;
    const report = await runner.judge(cur, outcomes, verifyMs, sink);
    await done(report);
    if (report.stopped) return;
    cur = await following;
  }
}
