/** The offline solc wrapper that foundry.toml points forge at. */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const SOLC = fileURLToPath(new URL('./solc/solc', import.meta.url));
const pinned = (JSON.parse(
  (await import('node:fs')).readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
) as { dependencies: Record<string, string> }).dependencies['solc'];

test('--version prints the line forge parses, with the pinned solc-js version', async () => {
  const { stdout } = await execa(SOLC, ['--version']);
  assert.match(stdout, new RegExp(`^Version: ${pinned!.replace(/\./g, '\\.')}\\+commit\\.[0-9a-f]{8}`, 'm'));
});

test('--standard-json compiles from stdin and resolves imports against --base-path and --include-path', async () => {
  const root = mkdtempSync(join(tmpdir(), 'solc-wrapper-'));
  mkdirSync(join(root, 'lib'));
  writeFileSync(join(root, 'lib', 'B.sol'), 'pragma solidity ^0.8.0; library B { function two() internal pure returns (uint) { return 2; } }');
  const input = {
    language: 'Solidity',
    sources: { 'A.sol': { content: 'pragma solidity ^0.8.0; import "B.sol"; contract A { function f() external pure returns (uint) { return B.two(); } }' } },
    settings: { outputSelection: { '*': { '*': ['evm.bytecode.object'] } } },
  };
  const { stdout } = await execa(SOLC, ['--standard-json', '--allow-paths', root, '--base-path', root, '--include-path', join(root, 'lib')], {
    input: JSON.stringify(input),
  });
  const out = JSON.parse(stdout) as { contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>; errors?: Array<{ severity: string; message: string }> };
  assert.deepEqual((out.errors ?? []).filter((e) => e.severity === 'error'), []);
  assert.ok(out.contracts['A.sol']!['A']!.evm.bytecode.object.length > 100);
});

test('a missing import is reported by the compiler, not a crash', async () => {
  const input = {
    language: 'Solidity',
    sources: { 'A.sol': { content: 'pragma solidity ^0.8.0; import "Nope.sol"; contract A {}' } },
    settings: { outputSelection: { '*': { '*': ['evm.bytecode.object'] } } },
  };
  const { stdout } = await execa(SOLC, ['--standard-json', '--base-path', tmpdir()], { input: JSON.stringify(input) });
  const out = JSON.parse(stdout) as { errors: Array<{ severity: string; message: string }> };
  assert.ok(out.errors.some((e) => e.severity === 'error' && /Nope\.sol/.test(e.message)));
});

test('unsupported arguments fail with a message', async () => {
  const r = await execa(SOLC, ['--bin', 'x.sol'], { reject: false });
  assert.equal(r.exitCode, 1);
  assert.match(r.stderr, /unsupported argument --bin/);
});
