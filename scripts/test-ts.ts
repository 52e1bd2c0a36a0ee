/**
 * `npm run test:ts`: the TypeScript tests (node:test), two files at a time (the machines have two cores; node's
 * default is one file at a time there), then the files of SERIAL_TESTS one at a time (scripts/test-files.ts says why).
 *   tsx scripts/test-ts.ts [--list]      (--list: print the two groups and exit)
 * Exits with the first failing group's exit code.
 */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './generated-files.ts';
import { SERIAL_TESTS, testFiles } from './test-files.ts';

/** Files run two at a time. */
const CONCURRENCY = 2;

function run(files: readonly string[], concurrency: number): number {
  if (files.length === 0) return 0;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (r.error) {
    console.error(`scripts/test-ts.ts: cannot run node --test: ${r.error.message}`);
    return 1;
  }
  return r.status ?? 1;
}

const all = testFiles();
const missing = SERIAL_TESTS.filter((f) => !all.includes(f));
if (missing.length > 0) {
  console.error(`scripts/test-ts.ts: SERIAL_TESTS (scripts/test-files.ts) names files that do not exist: ${missing.join(', ')}`);
  process.exit(1);
}
const concurrent = all.filter((f) => !SERIAL_TESTS.includes(f));
if (process.argv.includes('--list')) {
  console.log(`two at a time (${concurrent.length}):\n  ${concurrent.join('\n  ')}\none at a time (${SERIAL_TESTS.length}):\n  ${SERIAL_TESTS.join('\n  ')}`);
  process.exit(0);
}
const first = run(concurrent, CONCURRENCY);
if (first !== 0) process.exit(first);
process.exit(run(SERIAL_TESTS, 1));
