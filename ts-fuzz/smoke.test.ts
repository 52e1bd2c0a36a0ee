/**
 * Fixed-seed smoke campaign, part of `npm test` (about a minute): a short campaign on each engine
 * must make zero findings while reaching (almost) every supported opcode, checking honest and
 * mutated witnesses, and (on revm) comparing the two reference EVMs. A finding fails the test and
 * is saved, shrunk, to ts-fuzz/corpus/, where corpus.test.ts replays it from then on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCampaignCli, type CampaignJson } from './testing.ts';

function check(s: CampaignJson, minCases: number, stdout: string): void {
  const findings = s.findings.map((f) => `${f.kind} ×${f.count}: ${f.detail}${f.file ? ` (saved ${f.file})` : ''}`);
  assert.deepEqual(findings, [], `the smoke campaign found divergences:\n${stdout}`);
  assert.ok(s.cases >= minCases, `only ${s.cases} cases ran`);
  assert.ok(s.expectations.valid > s.cases / 2 && s.expectations.invalid > s.cases / 10, 'too few honest or rejected witnesses');
  assert.ok(s.coveragePercent >= 95, `coverage ${s.coveragePercent.toFixed(1)}%, never ran ${s.missingOpcodes.join(' ')}`);
}

test('smoke campaign on revm (batched through forge): zero findings', { timeout: 150_000 }, async () => {
  const { run, stats } = await runCampaignCli(['--engine', 'revm', '--seed', '20260601', '--runs', '5000', '--batch', '1000', '--shrink-time', '30s']);
  process.stderr.write(`revm smoke: ${stats.cases} cases, ${stats.witnesses} witnesses in ${(stats.elapsedMs / 1000).toFixed(1)} s (${stats.casesPerSecond.toFixed(0)} cases/s), coverage ${stats.coveragePercent.toFixed(1)}%, ${stats.revmCompared} revm/ethereumjs comparisons\n`);
  check(stats, 5000, run.stdout);
  assert.ok(stats.revmCompared > 1000, `revm and ethereumjs compared on only ${stats.revmCompared} witnesses`);
  assert.equal(run.exitCode, 0);
});

test('smoke campaign on ethereumjs (in process): zero findings', { timeout: 150_000 }, async () => {
  const { run, stats } = await runCampaignCli(['--engine', 'ethereumjs', '--seed', '20260602', '--runs', '700', '--shrink-time', '30s']);
  process.stderr.write(`ethereumjs smoke: ${stats.cases} cases in ${(stats.elapsedMs / 1000).toFixed(1)} s, coverage ${stats.coveragePercent.toFixed(1)}%\n`);
  check(stats, 700, run.stdout);
  assert.equal(run.exitCode, 0);
});
