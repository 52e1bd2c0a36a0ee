/**
 * The split of `npm run test:ts` (scripts/test-files.ts): every test file that starts anvil, runs forge on the project's
 * folders or the iso-hv CLI is in SERIAL_TESTS, and SERIAL_TESTS names only such files.
 *   node --import tsx --test scripts/test-files.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsSerial, SERIAL_TESTS, testFiles } from './test-files.ts';

test('SERIAL_TESTS is exactly the test files that start anvil, run forge on the project or the iso-hv CLI', () => {
  const files = testFiles();
  assert.ok(files.length > 40, `only ${files.length} test files found`);
  assert.ok(files.includes('scripts/test-files.test.ts'), 'this file is one of them');
  assert.deepEqual(files.filter(needsSerial), [...SERIAL_TESTS].sort());
});
