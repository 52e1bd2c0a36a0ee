/**
 * Crash safety of campaigns on several workers (campaign.ts), against a fault-injected build so
 * that there are findings to lose (G_EXP_BYTE=0x31, see fault.test.ts):
 *   - a worker killed while it shrinks a finding is replaced, its batch runs again, and the
 *     campaign ends normally with the same cases, totals and findings as an undisturbed campaign
 *     on one worker (which also shows that a campaign does not depend on its number of workers);
 *   - a campaign killed outright leaves no process behind and, resumed from its state directory,
 *     ends with the same totals and findings;
 *   - a batch that runs too long (--batch-timeout) is killed like a dead worker, tried again, and
 *     given up as a harness-error finding after three attempts; the campaign ends normally.
 * Throughput is not asserted here (docs/fuzzing.md has the measurements).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { alive, runCampaignCli, runCli, startCli, type CampaignJson } from './testing.ts';

const CAMPAIGN = ['--engine', 'revm', '--seed', '64023', '--runs', '300', '--batch', '60', '--constants', 'G_EXP_BYTE=0x31'];

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'iso-fuzz-workers-'));

let ref: Promise<CampaignJson> | undefined;
/** The undisturbed campaign, on one worker, without shrinking (counts do not depend on shrinking). */
function reference(): Promise<CampaignJson> {
  ref ??= (async () => {
    const dir = tmp();
    try {
      const { run, stats } = await runCampaignCli([...CAMPAIGN, '--workers', '1', '--no-shrink', '--corpus', dir]);
      assert.equal(run.exitCode, 1, `the reference campaign should find the injected fault:\n${run.stdout}${run.stderr.slice(-2000)}`);
      assert.ok(stats.findings.length >= 2, `the reference campaign made only ${stats.findings.length} distinct findings`);
      return stats;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })();
  return ref;
}

const findingsOf = (s: CampaignJson): Record<string, string> => Object.fromEntries(s.findings.map((f) => [f.signature, `×${f.count} first at ${f.firstIndex}`]));

/** Same cases, same totals, same findings (by signature, with their counts and first cases). */
function assertSameCampaign(got: CampaignJson, want: CampaignJson): void {
  assert.equal(got.status, 'finished');
  assert.equal(got.cases, want.cases);
  assert.equal(got.witnesses, want.witnesses);
  assert.deepEqual(got.expectations, want.expectations);
  assert.deepEqual(got.statuses, want.statuses);
  assert.deepEqual(got.coverage, want.coverage);
  assert.equal(got.findingCount, want.findingCount);
  assert.deepEqual(findingsOf(got), findingsOf(want));
}

test('a worker killed while shrinking a finding: replaced, its batch run again, no finding lost', { timeout: 150_000 }, async () => {
  const want = await reference();
  const dir = tmp();
  try {
    const corpus = path.join(dir, 'corpus');
    const json = path.join(dir, 'summary.json');
    const live = startCli([...CAMPAIGN, '--workers', '2', '--shrink-time', '1s', '--corpus', corpus, '--state', path.join(dir, 'state'), '--json', json, '--quiet']);
    // the coordinator reports a finding (and writes it, unshrunk) as the worker starts shrinking it
    const [, slot, pid] = await live.waitFor(/^finding #1 at case \d+ \(worker (\d+), pid (\d+)\)/);
    process.kill(Number(pid), 'SIGKILL');
    const run = await live.done;
    assert.match(run.stderr, new RegExp(`worker ${slot} \\(pid ${pid}\\) died \\(killed by SIGKILL\\) in batch`));
    assert.match(run.stderr, new RegExp(`worker ${slot} restarted \\(pid \\d+\\)`));
    assert.equal(run.exitCode, 1, `the campaign did not end normally:\n${run.stderr.slice(-3000)}`);
    const got = JSON.parse(fs.readFileSync(json, 'utf8')) as CampaignJson;
    assertSameCampaign(got, want);
    assert.equal(got.perWorker.reduce((n, w) => n + w.restarts, 0), 1);
    assert.ok(got.replayedBatches >= 1, 'no batch was run again');
    // every finding shrunk and saved once: the unshrunk files were replaced
    for (const f of got.findings) {
      assert.ok(f.shrunk && f.file && fs.existsSync(f.file), `finding ${f.signature} has no shrunk corpus file`);
    }
    assert.equal(fs.readdirSync(corpus).filter((f) => f.endsWith('.json')).length, got.findings.length);
    assert.ok(!alive(Number(pid)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a campaign killed outright leaves no process behind and resumes to the same result', { timeout: 150_000 }, async () => {
  const want = await reference();
  const dir = tmp();
  try {
    const state = path.join(dir, 'state');
    const live = startCli([...CAMPAIGN, '--workers', '2', '--no-shrink', '--corpus', path.join(dir, 'corpus'), '--state', state, '--quiet']);
    const [, pids] = await live.waitFor(/^fuzz: 2 workers ready \(pid (\d+, \d+)\)/);
    const batches = path.join(state, 'batches.jsonl');
    while (!(fs.existsSync(batches) && fs.readFileSync(batches, 'utf8').includes('\n'))) await new Promise((r) => setTimeout(r, 50));
    process.kill(live.pid, 'SIGKILL');
    await live.done;
    const workers = pids!.split(', ').map(Number);
    for (let i = 0; i < 300 && workers.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(workers.filter(alive), [], 'worker processes outlived their campaign');
    const done = fs.readFileSync(batches, 'utf8').trim().split('\n').length;
    assert.ok(done >= 1 && done < 5, `${done} of 5 batches were complete when the campaign was killed`);

    const changed = await runCli(['--resume', state, '--seed', '1']);
    assert.equal(changed.exitCode, 2);
    assert.match(changed.stderr, /only --workers, --json and --quiet may be given with it/);

    const { run, stats } = await runCampaignCli(['--resume', state, '--workers', '2']);
    assert.equal(run.exitCode, 1);
    assertSameCampaign(stats, want);
    const lines = fs.readFileSync(batches, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { batch: number }).batch);
    assert.deepEqual([...lines].sort(), [0, 1, 2, 3, 4], 'each batch recorded exactly once');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a batch that runs too long is killed, tried again, then given up as a harness error', { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    // no batch of 200 cases completes within 1 ms: each attempt is stopped at the first check (1 s)
    const { run, stats } = await runCampaignCli(['--engine', 'ethereumjs', '--seed', '1', '--runs', '200', '--batch', '200', '--batch-timeout', '1ms', '--corpus', dir]);
    assert.equal(run.exitCode, 1, run.stderr.slice(-2000));
    assert.equal(stats.status, 'finished');
    assert.equal(stats.failedBatches, 1);
    assert.equal(stats.replayedBatches, 2);
    assert.equal(stats.cases, 0);
    assert.deepEqual(stats.findings.map((f) => f.kind), ['harness-error']);
    assert.match(stats.findings[0]!.detail, /timed out on each of 3 attempts at batch 0 \(cases 0\.\.199\).*--start-index 0 --runs 200 --workers 1/);
    assert.equal(stats.perWorker[0]!.restarts, 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
