/**
 * `npm run test:ts`: the TypeScript tests (node:test). Most test files are independent processes that only compute, so
 * they run two at a time (the machines have two cores; node's default is one file at a time there). The files that
 * start anvil or run `forge script` on the project's own out/ and cache/ folders run after them, one at a time, so
 * that two forge compilations never write the same artifacts at once.
 *   tsx scripts/test-ts.ts [--list]      (--list: print the two groups and exit)
 * Exits with the first failing group's exit code.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

/** Folders whose `*.test.ts` files (not their subfolders) are the TypeScript tests. */
const TEST_FOLDERS: readonly string[] = ['huffc/test', 'lib', ...subfolders('lib'), 'cli', 'tools', 'scripts', 'scripts/bench'];

/** Test files that start anvil, deploy with `forge script` or verify batches in forge: run one at a time. */
const SERIAL_TESTS: readonly string[] = [
  'lib/chain/anvil.test.ts',
  'lib/chain/deploy.test.ts',
  'lib/chain/trace.test.ts',
  'lib/forge/forge.test.ts',
  'cli/iso-hv.e2e.test.ts',
  'scripts/start.test.ts',
];

/** Files run two at a time. */
const CONCURRENCY = 2;

function subfolders(dir: string): string[] {
  return fs
    .readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${dir}/${e.name}`)
    .sort();
}

/** Every test file, relative to the repository, sorted. */
function testFiles(): string[] {
  return TEST_FOLDERS.flatMap((dir) =>
    fs
      .readdirSync(path.join(REPO_ROOT, dir))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => `${dir}/${f}`),
  ).sort();
}

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
  console.error(`scripts/test-ts.ts: SERIAL_TESTS names files that do not exist: ${missing.join(', ')} (update the list)`);
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
