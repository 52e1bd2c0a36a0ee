import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCli, UsageError } from './args.ts';
import { main } from './iso-hv.ts';

function usageError(argv: string[], re: RegExp): void {
  assert.throws(() => parseCli(argv), (e: unknown) => e instanceof UsageError && re.test(e.message));
}

describe('iso-hv argument parsing', () => {
  it('run with all message options', () => {
    const c = parseCli([
      'run', '--code', '0x6001AB', '--calldata', '0x1234', '--value', '0x10', '--gas', '50000',
      '--caller', '0x' + 'aB'.repeat(20), '--origin', '0x' + '11'.repeat(20), '--to', '0x' + '22'.repeat(20),
      '--gas-price', '7', '--json', '--hypervisor', '../test/fixtures/FakeHypervisor', '--constant', 'A=0x01',
      '--constant', 'B=true', '--hv-gas=123',
    ]);
    assert.equal(c.kind, 'run');
    if (c.kind !== 'run') return;
    assert.deepEqual(c.message, {
      code: '0x6001ab', calldata: '0x1234', value: 16n, gas: 50000n, caller: '0x' + 'ab'.repeat(20),
      origin: '0x' + '11'.repeat(20), to: '0x' + '22'.repeat(20), gasPrice: 7n, isStatic: false,
    });
    assert.equal(c.json, true);
    assert.deepEqual(c.build, { hypervisor: '../test/fixtures/FakeHypervisor', constants: { A: '0x01', B: 'true' }, hvGas: 123n });
  });

  it('defaults', () => {
    const c = parseCli(['witness', '--code', '0x']);
    assert.deepEqual(c, { kind: 'witness', message: { code: '0x', calldata: '0x', value: 0n, gas: 10_000_000n, gasPrice: 0n, isStatic: false } });
  });

  it('--flag=value and --static', () => {
    const c = parseCli(['run', '--code=0x00', '--static']);
    assert.equal(c.kind === 'run' && c.message.isStatic, true);
  });

  it('verify takes a file or -', () => {
    assert.deepEqual(parseCli(['verify', 'w.json']), { kind: 'verify', file: 'w.json', build: { constants: {} }, json: false });
    assert.deepEqual(parseCli(['verify', '-', '--json']), { kind: 'verify', file: '-', build: { constants: {} }, json: true });
  });

  it('run --case takes a case file, optionally a case name, and no message options', () => {
    assert.deepEqual(parseCli(['run', '--case', 'c.json']), { kind: 'runCase', file: 'c.json', build: { constants: {} }, json: false });
    assert.deepEqual(parseCli(['run', '--case', 'cases.json', '--name', 'add_d0g0v0', '--json']), {
      kind: 'runCase', file: 'cases.json', name: 'add_d0g0v0', build: { constants: {} }, json: true,
    });
    usageError(['run', '--case', 'c.json', '--code', '0x00'], /--code cannot be combined with --case/);
    usageError(['run', '--name', 'x'], /--name chooses a case of --case/);
    usageError(['witness', '--case', 'c.json'], /--case is an option of run only/);
    usageError(['verify', 'w.json', '--name', 'x'], /--name is an option of run only/);
  });

  it('help', () => {
    assert.deepEqual(parseCli(['--help']), { kind: 'help' });
    assert.deepEqual(parseCli(['run', '-h']), { kind: 'help' });
  });

  it('usage errors name the problem', () => {
    usageError([], /missing command/);
    usageError(['frobnicate'], /unknown command "frobnicate"/);
    usageError(['run', '--code', '0x00', '--bogus'], /unknown option --bogus/);
    usageError(['run'], /--code is required/);
    usageError(['run', '--code'], /--code needs a value/);
    usageError(['run', '--code', '--json'], /--code needs a value/);
    usageError(['run', '--code', '6001'], /--code: expected 0x-prefixed hex, got "6001"/);
    usageError(['run', '--code', '0xzz'], /--code: expected 0x-prefixed hex/);
    usageError(['run', '--code', '0x123'], /--code: odd number of hex digits/);
    usageError(['run', '--code', '0x', '--value', '-1'], /--value needs a value/);
    usageError(['run', '--code', '0x', '--value', '1.5'], /--value: expected a non-negative integer/);
    usageError(['run', '--code', '0x', '--gas', String(1n << 64n)], /--gas: .* too large/);
    usageError(['run', '--code', '0x', '--caller', '0x1234'], /--caller: expected an address/);
    usageError(['run', '--code', '0x', '--code', '0x'], /--code given more than once/);
    usageError(['run', '--code', '0x', 'extra'], /unexpected argument "extra"/);
    usageError(['run', '--code', '0x', '--static', '--value', '1'], /static call cannot carry value/);
    usageError(['run', '--code', '0x', '--constant', 'A'], /--constant: expected NAME=0xHEX/);
    usageError(['run', '--code', '0x', '--json=1'], /--json takes no value/);
    usageError(['verify'], /missing the witness file/);
    usageError(['verify', 'a', 'b'], /unexpected extra argument "b"/);
    usageError(['verify', 'a', '--code', '0x'], /--code is not an option of verify/);
    usageError(['witness', '--code', '0x', '--json'], /--json is not an option of witness/);
  });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), readStdin: async () => '{"not":"a witness"}' },
  };
}

describe('iso-hv main: usage errors exit 2 with a message', () => {
  it('bad argument', async () => {
    const c = capture();
    assert.equal(await main(['run', '--code', 'xyz'], c.io), 2);
    assert.match(c.err.join(''), /^iso-hv: --code: expected 0x-prefixed hex/);
    assert.equal(c.out.join(''), '');
  });

  it('unreadable file', async () => {
    const c = capture();
    assert.equal(await main(['verify', '/nonexistent/w.json'], c.io), 2);
    assert.match(c.err.join(''), /cannot read \/nonexistent\/w.json: ENOENT/);
  });

  it('invalid JSON', async () => {
    const c = capture();
    const f = `/tmp/iso-hv-test-${process.pid}.json`;
    (await import('node:fs')).writeFileSync(f, '{ nope');
    assert.equal(await main(['verify', f], c.io), 2);
    assert.match(c.err.join(''), /not valid JSON/);
  });

  it('JSON that is not a witness (stdin)', async () => {
    const c = capture();
    assert.equal(await main(['verify', '-'], c.io), 2);
    assert.match(c.err.join(''), /standard input: witness JSON: field "not": unknown field/);
  });

  it('--help exits 0', async () => {
    const c = capture();
    assert.equal(await main(['--help'], c.io), 0);
    assert.match(c.out.join(''), /Exit status: 0 valid verdict/);
  });

  it('witness prints the honest witness', async () => {
    const c = capture();
    assert.equal(await main(['witness', '--code', '0x6001600201', '--gas', '100'], c.io), 0);
    const w = JSON.parse(c.out.join(''));
    assert.equal(w.code, '0x6001600201');
    assert.equal(w.gasUsed, '9');
    assert.equal(w.status, '1');
    assert.equal(w.gasAvailable, '100');
  });
});

describe('iso-hv witness|verify --tx argument parsing', () => {
  const H = `0x${'Ab'.repeat(32)}`;
  const A = `0x${'11'.repeat(20)}`;
  const K = `0x${'22'.repeat(32)}`;

  it('witness --tx: --rpc optional, --out defaults to witnesses/', () => {
    assert.deepEqual(parseCli(['witness', '--tx', H]), { kind: 'witnessTx', tx: H.toLowerCase(), out: 'witnesses' });
    assert.deepEqual(parseCli(['witness', '--rpc', 'http://127.0.0.1:8545', '--tx', H, '--out', 'w']), { kind: 'witnessTx', tx: H.toLowerCase(), rpc: 'http://127.0.0.1:8545', out: 'w' });
  });

  it('verify --tx: local by default; --onchain takes the deployment (--hypervisor is then an address)', () => {
    assert.deepEqual(parseCli(['verify', '--tx', H, '--local']), { kind: 'verifyTx', tx: H.toLowerCase(), json: false });
    assert.deepEqual(parseCli(['verify', '--tx', H, '--onchain', '--hypervisor', A, '--factory', A, '--private-key', K, '--json']), {
      kind: 'verifyTx', tx: H.toLowerCase(), onchain: { hypervisor: A, factory: A, privateKey: K }, json: true,
    });
  });

  it('refuses what does not fit', () => {
    usageError(['witness', '--rpc', 'http://x'], /--tx <hash> is required/);
    usageError(['witness', '--tx', '0x1234'], /--tx: expected a transaction hash/);
    usageError(['verify', '--tx', H, '--rpc', 'localhost:8545'], /--rpc: expected a node URL/);
    usageError(['verify', '--tx', H, '--local', '--onchain'], /exclude each other/);
    usageError(['verify', '--tx', H, '--factory', A], /--factory is an option of verify --tx --onchain/);
    usageError(['verify', '--tx', H, '--onchain', '--hypervisor', 'Hypervisor'], /the deployed hypervisor's address/);
    usageError(['verify', '--tx', H, '--out', 'w'], /--out is an option of witness --tx/);
    usageError(['witness', '--tx', H, '--local'], /--local is not an option of witness --tx/);
    usageError(['witness', '--tx', H, '--code', '0x00'], /--code cannot be combined with --tx/);
    usageError(['run', '--tx', H], /not of run/);
    usageError(['verify', 'w.json', '--tx', H], /unexpected argument "w.json"/);
  });
});
