/** End to end: bin/iso-hv.mjs as a user runs it (needs forge; the real-hypervisor part needs src/Hypervisor.huff). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { REPO_ROOT } from '../lib/forge/index.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'iso-hv.mjs');
const iso = (args: string[], input?: string) => execa('node', [BIN, ...args], { reject: false, ...(input !== undefined ? { input } : {}) });

describe('iso-hv end to end (FakeHypervisor)', () => {
  const fake = ['--hypervisor', '../test/fixtures/FakeHypervisor'];

  it('run --json', async () => {
    const r = await iso(['run', '--code', '0x600160020160005260206000f3', '--json', ...fake]);
    assert.equal(r.exitCode, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.deepEqual(o.native, { status: 1, gasUsed: '24', returndata: `0x${'0'.repeat(63)}3` });
    assert.equal(o.verdict.valid, true);
    assert.match(o.hypervisorGas, /^[1-9][0-9]*$/);
  });

  it('verify from stdin with an invalid verdict exits 1', async () => {
    const w = await iso(['witness', '--code', '0x6001']);
    assert.equal(w.exitCode, 0);
    const r = await iso(['verify', '-', '--json', ...fake, '--constant', 'FAKE_VERDICT=0x02'], w.stdout);
    assert.equal(r.exitCode, 1, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.native, undefined);
    assert.deepEqual(o.verdict, { valid: false, kind: 'invalid', code: 35, name: 'GAS_USED_MISMATCH', guestPc: 0, recordIndex: 0 });
  });

  it('verify refuses a file whose code does not hash to its codeHash, saying so (exit 2)', async () => {
    const w = await iso(['witness', '--code', '0x6001']);
    const json = JSON.parse(w.stdout);
    json.code = '0x6002';
    const r = await iso(['verify', '-', ...fake], JSON.stringify(json));
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /"code" hashes to 0x[0-9a-f]{64}, but "codeHash" is 0x[0-9a-f]{64}/);
    assert.equal(r.stdout, '');
  });

  it('usage error exits 2', async () => {
    const r = await iso(['run', '--code', '0x1']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /odd number of hex digits/);
  });

  it('a hypervisor that does not compile exits 3 with forge\'s message', async () => {
    const r = await iso(['run', '--code', '0x00', '--hypervisor', '../test/fixtures/Broken']);
    assert.equal(r.exitCode, 3);
    assert.match(r.stderr, /Broken.huff:4:5/);
  });
});

describe('iso-hv end to end (src/Hypervisor.huff)', () => {
  const corpus = path.join(REPO_ROOT, '..', 'shared', 'conformance', 'cases.json');
  it('run --case: a case of the shared conformance corpus, its outcome compared with the case\'s', { skip: !fs.existsSync(corpus) && 'corpus not found' }, async () => {
    const r = await iso(['run', '--case', corpus, '--name', 'gasCostMemory_d36g0v0', '--json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.case, 'gasCostMemory_d36g0v0');
    assert.deepEqual({ matches: o.expectedMatches, differences: o.differences }, { matches: true, differences: [] });
    assert.equal(o.verdict.valid, true);
    const bad = await iso(['run', '--case', corpus]);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /holds 300 cases: name one with --name/);
  });

  it('run: an honest witness is valid (human output)', async () => {
    const r = await iso(['run', '--code', '0x600160020160005260206000f3', '--calldata', '0x01', '--value', '5', '--gas', '50000']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /native: +success \(status 1\), gasUsed 24/);
    assert.match(r.stdout, /verdict: +valid/);
    assert.match(r.stdout, /hypervisor: +[0-9]+ gas/);
  });

  it('verify: a tampered witness file is invalid', async () => {
    const w = await iso(['witness', '--code', '0x6001600201', '--gas', '1000']);
    const json = JSON.parse(w.stdout);
    json.gasUsed = '10';
    const f = path.join(REPO_ROOT, 'cache', `iso-hv-e2e-${process.pid}.json`);
    fs.writeFileSync(f, JSON.stringify(json));
    try {
      const r = await iso(['verify', f, '--json']);
      assert.equal(r.exitCode, 1, r.stderr);
      assert.equal(JSON.parse(r.stdout).verdict.name, 'GAS_USED_MISMATCH');
      json.gasUsed = '9';
      fs.writeFileSync(f, JSON.stringify(json));
      const ok = await iso(['verify', f]);
      assert.equal(ok.exitCode, 0, ok.stderr);
      assert.match(ok.stdout, /verdict: +valid/);
    } finally {
      fs.rmSync(f, { force: true });
    }
  });
});
