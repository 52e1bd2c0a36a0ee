/**
 * A campaign's state directory, what `--resume DIR` continues from:
 *
 *   campaign.json    the settings (seed, engine, batch size, constants, runs/time, …)
 *   batches.jsonl    one line per completed batch: what it added to the totals, its findings
 *   findings.jsonl   one line per corpus file written (unshrunk when found, shrunk later)
 *   summary.json     the campaign summary (summary.ts), rewritten while it runs and at the end
 *
 * Lines are appended when a batch completes, so a campaign killed at any moment loses at most the
 * batches in flight (they run again on resume). A torn last line (killed mid-write) is dropped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../lib/forge/index.ts';
import type { EngineName } from './engines.ts';
import type { FindingKind } from './oracle.ts';
import type { BatchFinding, StatsDelta } from './stats.ts';

export const STATE_FORMAT = 'iso-hypervisor-fuzz-campaign/1';
/** Where campaigns keep their state unless --state says otherwise (git-ignored). */
export const DEFAULT_STATE_ROOT = path.join(REPO_ROOT, '.fuzz-campaigns');

/** What names a campaign: the cases it generates and how they are verified. */
export interface CampaignIdentity {
  seed: number;
  engine: EngineName;
  batch: number;
  constants: Record<string, string>;
  runs: number | null;
  timeMs: number | null;
}

export interface CampaignSettings extends CampaignIdentity {
  format: typeof STATE_FORMAT;
  startIndex: number;
  corpusDir: string | null;
  shrink: boolean;
  shrinkTimeMs: number;
  saveAll: boolean;
  alwaysRerun: boolean;
  /** Pipelined workers (batch.ts runBatches); null: decided by the number of workers (campaign.ts pipelineByDefault). */
  pipeline: boolean | null;
  stopAfterFindings: number | null;
  /** A batch running longer is killed and run again (null: campaign.ts batchTimeout). */
  batchTimeoutMs: number | null;
  createdAt: string;
  /** sha256 of the hypervisor's Huff sources when the campaign started (corpus.ts sourceFingerprint). */
  hypervisorSource: string;
}

export interface BatchLine {
  batch: number;
  start: number;
  count: number;
  /** Worker slot that ran it. */
  slot: number;
  ms: number;
  /** Campaign time (all runs of it) when the batch completed. */
  campaignMs: number;
  delta: StatsDelta;
  findings: BatchFinding[];
  /** stopAfterFindings was reached in it. */
  stopped?: boolean;
  /** Given up: its worker died on every attempt. */
  failed?: string;
}

export interface FindingLine {
  signature: string;
  kind: FindingKind;
  detail: string;
  index: number;
  /** The corpus file written, or null when the campaign saves no corpus. */
  file: string | null;
  shrunk: boolean;
  instructions: number;
  shrinkMs?: number;
}

/** A new state directory under DEFAULT_STATE_ROOT named by date, time and seed, e.g. 20260601-031500-seed-42. */
export function defaultStateDir(seed: number, now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const base = path.join(DEFAULT_STATE_ROOT, `${stamp}-seed-${seed}`);
  let dir = base;
  for (let i = 2; fs.existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
}

function readLines<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  let text = fs.readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) {
    // killed in the middle of appending: drop the torn line for good
    text = text.slice(0, end);
    fs.writeFileSync(file, text);
  }
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export class CampaignState {
  /** Every batch below `low` is complete; `above` holds the complete ones above it. */
  private low = 0;
  private readonly above = new Set<number>();
  private completedCount = 0;

  /** `dir` null: a campaign without a state directory (nothing written, cannot be resumed). */
  private constructor(readonly dir: string | null, readonly settings: CampaignSettings) {}

  private file(name: string): string {
    if (this.dir === null) throw new Error('CampaignState: this campaign has no state directory');
    return path.join(this.dir, name);
  }
  get settingsFile(): string {
    return this.file('campaign.json');
  }
  get batchesFile(): string {
    return this.file('batches.jsonl');
  }
  get findingsFile(): string {
    return this.file('findings.jsonl');
  }
  get summaryFile(): string {
    return this.file('summary.json');
  }
  get completed(): number {
    return this.completedCount;
  }

  /** A new campaign in `dir` (created); refuses a directory that already holds one. */
  static create(dir: string, settings: CampaignSettings): CampaignState {
    const s = new CampaignState(path.resolve(dir), settings);
    if (fs.existsSync(s.settingsFile)) {
      throw new Error(`${dir} already holds a campaign: continue it with --resume ${dir}, or give another --state directory`);
    }
    fs.mkdirSync(path.resolve(dir), { recursive: true });
    writeAtomic(s.settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
    return s;
  }

  /** A campaign that keeps its state in memory only. */
  static inMemory(settings: CampaignSettings): CampaignState {
    return new CampaignState(null, settings);
  }

  /** An existing campaign, with its completed batches and findings so far. */
  static open(dir: string): { state: CampaignState; batches: BatchLine[]; findings: FindingLine[] } {
    const file = path.join(path.resolve(dir), 'campaign.json');
    if (!fs.existsSync(file)) throw new Error(`${dir} holds no campaign (no campaign.json); the directory is printed when a campaign starts`);
    const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as CampaignSettings;
    if (settings.format !== STATE_FORMAT) throw new Error(`${file}: not a campaign state of this fuzzer (format ${String(settings.format)}, expected ${STATE_FORMAT})`);
    const state = new CampaignState(path.resolve(dir), settings);
    const batches = readLines<BatchLine>(state.batchesFile);
    for (const b of batches) state.markDone(b.batch);
    return { state, batches, findings: readLines<FindingLine>(state.findingsFile) };
  }

  isDone(batch: number): boolean {
    return batch < this.low || this.above.has(batch);
  }

  private markDone(batch: number): void {
    if (this.isDone(batch)) return;
    this.completedCount++;
    this.above.add(batch);
    while (this.above.delete(this.low)) this.low++;
  }

  recordBatch(line: BatchLine): void {
    if (this.dir !== null) fs.appendFileSync(this.batchesFile, `${JSON.stringify(line)}\n`);
    this.markDone(line.batch);
  }

  recordFinding(line: FindingLine): void {
    if (this.dir !== null) fs.appendFileSync(this.findingsFile, `${JSON.stringify(line)}\n`);
  }

  writeSummary(summary: object): void {
    if (this.dir !== null) writeAtomic(this.summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  }
}
