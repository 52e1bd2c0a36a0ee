/**
 * Messages between the campaign coordinator (campaign.ts) and its worker processes (worker.ts),
 * over the child-process IPC channel (JSON).
 *
 * A worker is given batches (a batch = cases start..start+count-1 of the campaign's one case
 * stream), prepares them (native runs), verifies them (one forge process per batch on revm),
 * judges them, shrinks each finding it has not been told is known, and reports:
 *   - `finding` as soon as a failing case is judged, with an unshrunk corpus entry, so that the
 *     coordinator writes it to the corpus before the (long) shrink starts;
 *   - `shrunk` when the shrink of a new finding ends;
 *   - `done` when the batch is complete, with everything it adds to the campaign's totals.
 * Only `done` counts: a batch whose worker dies before `done` is run again from the start.
 */
import type { CorpusEntry } from './corpus.ts';
import type { EngineName } from './engines.ts';
import type { FindingKind } from './oracle.ts';
import type { BatchFinding, StatsDelta } from './stats.ts';

/** What every worker of a campaign needs to know (plain JSON). */
export interface WorkerSettings {
  seed: number;
  engine: EngineName;
  constants: Record<string, string>;
  /** Shrink new findings, with this time budget each. */
  shrink: boolean;
  shrinkTimeMs: number;
  /** Also report every repeat of a known finding, unshrunk. */
  saveAll: boolean;
  alwaysRerun: boolean;
  /** Prepare the next batch while the engine verifies the current one. */
  pipeline: boolean;
  /** Stop judging once the campaign knows this many distinct findings. */
  stopAfterFindings?: number;
}

export interface BatchTask {
  batch: number;
  /** First case index. */
  start: number;
  count: number;
}

export interface BatchReport {
  task: BatchTask;
  delta: StatsDelta;
  findings: BatchFinding[];
  /** stopAfterFindings was reached in this batch: the worker takes no further batch. */
  stopped: boolean;
  /** Wall time in the worker, from the start of preparing to the end of judging. */
  ms: number;
  /** The worker's resident set size when it finished the batch. */
  rss: number;
}

export type ToWorker =
  | { type: 'init'; slot: number; settings: WorkerSettings; known: string[] }
  | { type: 'task'; task: BatchTask }
  /** The signatures the campaign already has (or is shrinking): repeats are only counted. */
  | { type: 'known'; signatures: string[] }
  /** No more batches for this worker: exit once the assigned ones are done. */
  | { type: 'finish' };

export interface FindingMessage {
  type: 'finding';
  batch: number;
  index: number;
  signature: string;
  kind: FindingKind;
  detail: string;
  /** The failing case as found (unshrunk). */
  entry: CorpusEntry;
  /** A repeat of a known signature (only sent with saveAll). */
  repeat: boolean;
  /** The worker shrinks it now (a `shrunk` message follows). */
  shrinking: boolean;
}

export interface ShrunkMessage {
  type: 'shrunk';
  batch: number;
  index: number;
  signature: string;
  entry: CorpusEntry;
  ms: number;
}

export type FromWorker =
  | { type: 'ready'; pid: number }
  | { type: 'log'; line: string }
  | FindingMessage
  | ShrunkMessage
  | { type: 'done'; report: BatchReport }
  /** The worker cannot go on (e.g. the hypervisor does not build with these constants). */
  | { type: 'fatal'; message: string };
