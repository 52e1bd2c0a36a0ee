/**
 * The campaign state directory (state.ts) and the merging of batch totals (stats.ts), without
 * running a campaign: what `--resume` relies on.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { OP } from '../lib/evm/opcodes.ts';
import { CampaignState, STATE_FORMAT, type BatchLine, type CampaignSettings } from './state.ts';
import { addBatch, emptyDelta, newStats, type StatsDelta } from './stats.ts';

const settings: CampaignSettings = {
  format: STATE_FORMAT, seed: 1, engine: 'revm', batch: 10, constants: {}, runs: 100, timeMs: null, startIndex: 0, corpusDir: null,
  shrink: true, shrinkTimeMs: 1000, saveAll: false, alwaysRerun: false, pipeline: true, stopAfterFindings: null, batchTimeoutMs: null, createdAt: '', hypervisorSource: 'x',
};

function delta(cases: number, ops: Array<[number, number]>): StatsDelta {
  return { ...emptyDelta(), cases, witnesses: 2 * cases, opcodes: ops, statuses: [cases, 0, 0] };
}

const line = (batch: number, d: StatsDelta): BatchLine => ({
  batch, start: batch * 10, count: 10, slot: 1, ms: 5, campaignMs: 1000 * (batch + 1), delta: d,
  findings: [{ signature: 'rejected-valid/x', kind: 'rejected-valid', detail: 'd', count: 1, firstIndex: batch * 10 + 3 }],
});

test('completed batches survive a restart, in any order; a torn last line is dropped', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-fuzz-state-'));
  try {
    const s = CampaignState.create(dir, settings);
    assert.throws(() => CampaignState.create(dir, settings), /already holds a campaign: continue it with --resume/);
    for (const b of [2, 0, 5]) s.recordBatch(line(b, delta(10, [[1, b]])));
    fs.appendFileSync(s.batchesFile, '{"batch":3,"start":30,'); // killed while appending
    const { state, batches } = CampaignState.open(dir);
    assert.deepEqual(batches.map((b) => b.batch), [2, 0, 5]);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((b) => state.isDone(b)), [true, false, true, false, false, true, false]);
    assert.equal(state.completed, 3);
    state.recordBatch(line(1, delta(10, [])));
    assert.ok(state.isDone(1) && state.isDone(0) && !state.isDone(3));
    assert.equal(CampaignState.open(dir).batches.length, 4, 'the torn line was not removed before appending');
    assert.throws(() => CampaignState.open(path.join(dir, 'nothing')), /holds no campaign/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('merged totals do not depend on the order in which batches complete', () => {
  const a = delta(10, [[OP.ADD, 4], [OP.EXP, 1]]);
  const b = delta(7, [[OP.ADD, 2], [OP.JUMPDEST, 7]]);
  const one = newStats();
  addBatch(one, a, line(0, a).findings);
  addBatch(one, b, line(4, b).findings);
  const two = newStats();
  addBatch(two, b, line(4, b).findings);
  addBatch(two, a, line(0, a).findings);
  for (const s of [one, two]) {
    assert.equal(s.cases, 17);
    assert.deepEqual([...s.opcodes].sort((x, y) => x[0] - y[0]), [[OP.ADD, 6], [OP.EXP, 1], [OP.JUMPDEST, 7]]);
    assert.deepEqual([...s.findings.values()].map((f) => [f.count, f.firstIndex]), [[2, 3]]);
  }
});
