/**
 * `npm run test:forge` must fail when forge fails: scripts/forge.ts exits with forge's own exit code.
 *   node --import tsx --test scripts/forge.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execa } from 'execa';

const run = (args: string[]) => execa('node', ['--import', 'tsx', 'scripts/forge.ts', ...args], { reject: false });

test('forge\'s exit code comes through: 0 for --version, not 0 for an unknown option', async () => {
  const ok = await run(['--version']);
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.match(ok.stdout, /forge/i);
  const bad = await run(['--no-such-option']);
  assert.notEqual(bad.exitCode, 0, 'an error of forge is an error of the script');
  assert.match(bad.stderr, /no-such-option/);
});
