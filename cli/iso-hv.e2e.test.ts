/** End to end: bin/iso-hv.mjs as a user runs it (needs forge; the real-hypervisor part needs src/Hypervisor.huff). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { REPO_ROOT } from '../lib/forge/index.ts';
import { assemble } from '../lib/evm/asm.ts';
import { startTraceScenario, type TraceScenario } from '../lib/chain/trace.fixture.ts';
import { witnessFromJson } from '../lib/witness/index.ts';

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

describe('iso-hv run --case: a message tree (src/Hypervisor.huff)', () => {
  // the top calls A, which writes, calls B (which writes and reverts with data) and returns; the top then STATICCALLs B'
  const A = '0x000000000000000000000000000000000000aaaa';
  const B = '0x000000000000000000000000000000000000bbbb';
  const B2 = '0x000000000000000000000000000000000000bbb2';
  const TO = '0x2000000000000000000000000000000000000002';
  const call = (op: string, target: string, out = 0): string =>
    `PUSH ${out} PUSH0 PUSH0 PUSH0 ${op === 'CALL' ? 'PUSH0 ' : ''}PUSH20 ${target} GAS ${op}`;
  const b = assemble('PUSH1 1 PUSH0 SSTORE PUSH1 0x42 PUSH0 MSTORE PUSH1 32 PUSH0 REVERT');
  const a = assemble(`PUSH1 7 PUSH1 3 SSTORE ${call('CALL', B, 32)} PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN`);
  const b2 = assemble('PUSH1 1 SLOAD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN');
  const top = assemble(`${call('CALL', A, 64)} POP ${call('STATICCALL', B2, 32)} POP PUSH1 64 PUSH0 RETURN`);
  const theCase = {
    name: 'tree', code: top, codeAddress: TO, address: TO, caller: `0x${'10'.repeat(20)}`, origin: `0x${'10'.repeat(20)}`, callvalue: '0', calldata: '0x',
    gasLimit: '200000', isStatic: false,
    accountsAtStart: { [A]: { balance: '0', nonce: '1', code: a }, [B]: { balance: '0', nonce: '1', code: b }, [B2]: { balance: '0', nonce: '1', code: b2, storage: { '0x1': '0x2a' } } },
  };

  it('one row per frame, the links, valid; --json too', async () => {
    const f = path.join(REPO_ROOT, 'cache', `iso-hv-e2e-tree-${process.pid}.json`);
    fs.writeFileSync(f, JSON.stringify(theCase));
    try {
      const r = await iso(['run', '--case', f]);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /frames: +4 \(the message tree, in execution order\)/);
      assert.match(r.stdout, /\n +depth +path +to +native +native gas +verification gas +verdict\n/);
      for (const [depth, p, to, status] of [['0', '[]', TO, 'success'], ['1', '[0]', A, 'success'], ['2', '[0,0]', B, 'revert'], ['1', '[1]', B2, 'success']]) {
        assert.match(r.stdout, new RegExp(`\\n +${depth} +${p.replace(/[[\],]/g, '\\$&')} +${to} +${status} +[0-9]+ +[0-9]+ +valid\\n`));
      }
      assert.match(r.stdout, /links: +all 3 hold/);
      assert.match(r.stdout, /verdict: +valid \(every frame valid, every link holds\)/);
      const j = await iso(['run', '--case', f, '--json']);
      assert.equal(j.exitCode, 0, j.stderr);
      const o = JSON.parse(j.stdout);
      assert.deepEqual(o.frames.map((x: { path: number[]; depth: number; status: number; verdict: { valid: boolean } }) => [x.path, x.depth, x.status, x.verdict.valid]), [[[], 0, 1, true], [[0], 1, 1, true], [[0, 0], 2, 2, true], [[1], 1, 1, true]]);
      assert.deepEqual(o.links, { count: 3, hold: true, broken: [] });
      assert.equal(o.valid, true);
      // word 0: B2's answer (the STATICCALL's output overwrote A's), word 1: B's success flag 0
      assert.equal(o.native.returndata, `0x${'0'.repeat(62)}2a${'0'.repeat(64)}`);
      // a frame the hypervisor finds invalid (a fault-injection build: every verdict GAS_USED_MISMATCH) exits 1
      const bad = await iso(['run', '--case', f, '--json', '--hypervisor', '../test/fixtures/FakeHypervisor', '--constant', 'FAKE_VERDICT=0x02']);
      assert.equal(bad.exitCode, 1, bad.stderr);
      assert.equal(JSON.parse(bad.stdout).valid, false);
    } finally {
      fs.rmSync(f, { force: true });
    }
  });
});

describe('iso-hv witness|verify --tx: a mined transaction from a node (anvil, src/Hypervisor.huff)', () => {
  let s: TraceScenario;
  before(async () => {
    s = await startTraceScenario();
  });
  after(async () => {
    await s?.stop();
  });

  it('witness --rpc --tx --out: one witness file per frame, one row per frame', async () => {
    const out = fs.mkdtempSync(path.join(REPO_ROOT, 'cache', 'iso-hv-e2e-tx-'));
    try {
      const r = await iso(['witness', '--rpc', s.anvil.url, '--tx', s.tx.nested, '--out', out]);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stderr, /cross-checking 4 frames against the node's call trace and receipt/);
      const dir = path.join(out, s.tx.nested);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['frame-0-0.json', 'frame-0-1.json', 'frame-0.json', 'frame-top.json']);
      const { inner, middle, outer } = s.addresses;
      for (const [file, p, depth, to, status] of [['frame-top.json', '[]', 0, outer, 'success'], ['frame-0.json', '[0]', 1, middle, 'success'], ['frame-0-0.json', '[0,0]', 2, inner, 'revert'], ['frame-0-1.json', '[0,1]', 2, inner, 'success']] as const) {
        const w = witnessFromJson(fs.readFileSync(path.join(dir, file), 'utf8')).witness;
        assert.equal(w.to, to);
        assert.equal(w.status, status === 'revert' ? 2 : 1);
        assert.match(r.stdout, new RegExp(`\\n +${p.replace(/[[\],]/g, '\\$&')} +${depth} +${to} +${status} +${w.gasUsed} +${path.join(dir, file).replace(/[.]/g, '\\.')}(\\n|$)`));
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('verify --rpc --tx --local: every frame valid, every link holds (exit 0); --json too', async () => {
    const r = await iso(['verify', '--rpc', s.anvil.url, '--tx', s.tx.nested, '--local']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /\n +path +depth +to +native gas +verification gas +ratio +verdict\n/);
    for (const [p, depth, to] of [['\\[\\]', 0, s.addresses.outer], ['\\[0\\]', 1, s.addresses.middle], ['\\[0,0\\]', 2, s.addresses.inner], ['\\[0,1\\]', 2, s.addresses.inner]] as const) {
      assert.match(r.stdout, new RegExp(`\\n +${p} +${depth} +${to} +[1-9][0-9]* +[1-9][0-9]* +[0-9]+\\.[0-9] +valid\\n`));
    }
    assert.match(r.stdout, /links: +all 3 hold/);
    assert.match(r.stdout, /verdict: +valid \(every frame valid, every link holds\)/);
    const j = await iso(['verify', '--rpc', s.anvil.url, '--tx', s.tx.clear, '--json']);
    assert.equal(j.exitCode, 0, j.stderr);
    const o = JSON.parse(j.stdout);
    assert.deepEqual(o.frames.map((f: { path: number[]; valid: boolean }) => [f.path, f.valid]), [[[], true]]);
    assert.equal(o.valid, true);
  });

  it('errors: a contract creation is not supported, an unknown hash is not found, a closed port is unreachable (exit 2)', async () => {
    const create = await iso(['verify', '--rpc', s.anvil.url, '--tx', s.tx.create]);
    assert.equal(create.exitCode, 2);
    assert.match(create.stderr, /creates a contract: .*not supported/);
    const unknown = await iso(['witness', '--rpc', s.anvil.url, '--tx', `0x${'cd'.repeat(32)}`]);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /not found on http:\/\/127\.0\.0\.1:\d+: was it mined on this chain\?/);
    const closed = await iso(['witness', '--rpc', 'http://127.0.0.1:9', '--tx', s.tx.nested]);
    assert.equal(closed.exitCode, 2);
    assert.match(closed.stderr, /is the node running at http:\/\/127\.0\.0\.1:9\?/);
  });
});
