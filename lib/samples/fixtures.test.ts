/**
 * The Forge fixtures (test/fixtures/hypervisor/*.json, written by scripts/gen-fixtures.ts) must be
 * what the generator writes today: a change to the samples, the witness encoder, the reference
 * EVM setup or the error codes that is not followed by `npx tsx scripts/gen-fixtures.ts` fails here,
 * before Forge tests the hypervisor against stale expectations.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { execa } from 'execa';
import { SAMPLES } from './opcodes.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('test/fixtures/hypervisor is up to date (scripts/gen-fixtures.ts --check)', async () => {
  const r = await execa(process.execPath, ['--import', 'tsx', 'scripts/gen-fixtures.ts', '--check'], {
    cwd: ROOT,
    reject: false,
    all: true,
  });
  assert.equal(r.exitCode, 0, `gen-fixtures --check failed (exit ${r.exitCode}):\n${r.all}`);
});

test('samples.json holds every sample, in order, with its expected status', () => {
  const j = JSON.parse(readFileSync(new URL('../../test/fixtures/hypervisor/samples.json', import.meta.url), 'utf8')) as {
    count: number;
    name: string[];
    status: number[];
    witness: string[];
  };
  assert.equal(j.count, SAMPLES.length);
  assert.deepEqual(j.name, SAMPLES.map((s) => s.name));
  assert.deepEqual(j.status, SAMPLES.map((s) => s.status));
  assert.equal(j.witness.length, SAMPLES.length);
});
