import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseArgs, run } from '../src/cli.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'huffc-ts.mjs');

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huffc-cli-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(
    path.join(dir, 'src', 'Main.huff'),
    '#define constant OWNER = 0x00\n#define constant FLAG = 0x00\n#define macro MAIN() = { [FLAG] [OWNER] 0x00 }\n',
  );
  fs.writeFileSync(path.join(dir, 'src', 'Bad.huff'), '#define macro MAIN() = {\n  NOPE()\n}\n');
  fs.writeFileSync(path.join(dir, 'src', 'Jump.huff'), '#define macro MAIN() = { forward jump 0x01 forward: stop }\n');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI (bin/huffc-ts.mjs)', () => {
  it('-b prints deploy hex without newline, -r the runtime, from any cwd with a relative path', () => {
    const b = cli(['src/Main.huff', '-b']);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, '60038060093d393df35f5f5f');
    const r = cli(['src/Main.huff', '-r']);
    assert.equal(r.stdout, '5f5f5f');
    assert.equal(r.stderr, '');
  });

  it('-e paris, several -c values after one flag (foundry style)', () => {
    const r = cli(['src/Main.huff', '-r', '-e', 'paris', '-c', 'OWNER=0x' + '00'.repeat(19) + '01', 'FLAG=true']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '6001' + '6001' + '6000');
  });

  it('-b and -r together use the hnc two-line format', () => {
    const r = cli(['src/Main.huff', '-b', '-r']);
    assert.equal(r.stdout, '\nbytecode: 60038060093d393df35f5f5f\n\nruntime: 5f5f5f\n');
  });

  it('errors: file:line:col: message on stderr, exit code 1, nothing on stdout', () => {
    const r = cli(['src/Bad.huff', '-b']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'src/Bad.huff:2:3: unknown macro "NOPE"\n');
    const m = cli(['src/Missing.huff', '-b']);
    assert.equal(m.code, 1);
    assert.equal(m.stderr, 'src/Missing.huff:1:1: file not found: src/Missing.huff\n');
  });

  it('--relax-jumps (off by default) shrinks label pushes to PUSH1, in -r and -b', () => {
    // default: 61 0006 56, 6001, 5b @6, 00; relaxed: 60 05 56, 6001, 5b @5, 00
    assert.equal(cli(['src/Jump.huff', '-r']).stdout, '61000656' + '6001' + '5b00');
    const r = cli(['src/Jump.huff', '-r', '--relax-jumps']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '600556' + '6001' + '5b00');
    // 7-byte runtime, no constructor: bootstrap 60 07 80 60 09 3d 39 3d f3
    assert.equal(cli(['--relax-jumps', 'src/Jump.huff', '-b']).stdout, '60078060093d393df3' + '600556' + '6001' + '5b00');
  });

  it('the tsx fallback path gives the same output', () => {
    const r = cli(['src/Main.huff', '-b'], { HUFFC_TS_NO_CACHE: '1' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '60038060093d393df35f5f5f');
  });

  it('--help exits 0; bad usage exits 1', () => {
    const h = cli(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /^huffc-ts: Huff compiler/);
    const u = cli(['src/Main.huff', '-x']);
    assert.equal(u.code, 1);
    assert.match(u.stderr, /^huffc-ts: unknown option -x\n/);
  });
});

describe('CLI argument parsing (in process)', () => {
  it('parses foundry-huff style arguments', () => {
    const a = parseArgs(['src/__TEMP__x.huff', '-b', '-e', 'shanghai', '-c', 'A=0x01', 'B=false', '-m', 'ALT', '-t', 'CTOR']);
    assert.equal(a.file, 'src/__TEMP__x.huff');
    assert.equal(a.bytecode, true);
    assert.equal(a.evm, 'shanghai');
    assert.deepEqual(a.constants, { A: '0x01', B: 'false' });
    assert.equal(a.main, 'ALT');
    assert.equal(a.ctor, 'CTOR');
    assert.equal(a.relaxJumps, false);
    assert.equal(parseArgs(['x.huff', '-r', '--relax-jumps']).relaxJumps, true);
  });

  it('unknown evm versions fall back to osaka like hnc', () => {
    let out = '';
    const code = run([path.join(dir, 'src', 'Main.huff'), '-r', '-e', 'london'], { stdout: (s) => (out += s), stderr: () => {} });
    assert.equal(code, 0);
    assert.equal(out, '5f5f5f');
  });

  it('requires -b, -r or --abi', () => {
    let errOut = '';
    const code = run([path.join(dir, 'src', 'Main.huff')], { stdout: () => {}, stderr: (s) => (errOut += s) });
    assert.equal(code, 1);
    assert.equal(errOut, 'huffc-ts: nothing to print: pass -b (deploy bytecode), -r (runtime) or --abi\n');
  });
});
