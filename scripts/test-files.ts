/**
 * The TypeScript test files of `npm run test:ts` (scripts/test-ts.ts) and which of them must run one at a time.
 * Most test files only compute, so they run two at a time. The files that start anvil, deploy with `forge script` on
 * the project's own out/ and cache/ folders, verify batches in forge or run the iso-hv CLI (which does both) run after
 * them, one at a time, so that two forge compilations never write the same artifacts at once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './generated-files.ts';

/** Test files that must run one at a time (SERIAL_MARKERS finds them; scripts/test-files.test.ts checks the list). */
export const SERIAL_TESTS: readonly string[] = [
  'cli/iso-hv.e2e.test.ts',
  'lib/chain/anvil.test.ts',
  'lib/chain/deploy.test.ts',
  'lib/forge/forge.test.ts',
  'scripts/start.test.ts',
];

/** What in a test file's source says that it starts anvil, runs forge on the project's folders or the iso-hv CLI. */
export const SERIAL_MARKERS: readonly RegExp[] = [/\bstartAnvil\b/, /\bdeployHypervisor\b/, /\bverifyBatch\b/, /\biso-hv\.mjs\b/];

/** The folders whose `*.test.ts` files (not those of their subfolders) are the TypeScript tests. */
function testFolders(): string[] {
  const lib = fs
    .readdirSync(path.join(REPO_ROOT, 'lib'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `lib/${e.name}`);
  return ['huffc/test', 'lib', ...lib, 'cli', 'tools', 'scripts', 'scripts/bench'];
}

/** Every TypeScript test file, relative to the repository, sorted. */
export function testFiles(): string[] {
  return testFolders()
    .flatMap((dir) =>
      fs
        .readdirSync(path.join(REPO_ROOT, dir))
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => `${dir}/${f}`),
    )
    .sort();
}

/** Whether the test file's source (relative path) shows one of SERIAL_MARKERS. */
export function needsSerial(file: string): boolean {
  const source = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
  return SERIAL_MARKERS.some((m) => m.test(source));
}
