/** What the benchmark reports share: the source revision they were measured on, and writing a report file. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './solc.ts';

/** The git commit of the repository and whether the hypervisor's sources (src/, lib/) have uncommitted changes. */
export function sourceRevision(): string | undefined {
  try {
    const git = (...args: string[]): string => execFileSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src', 'lib').length > 0;
    return dirty ? `${commit} with uncommitted changes in src/ or lib/` : commit;
  } catch {
    return undefined;
  }
}

/** Prints a generated table on stdout and, when `write`, writes it to `file` (saying so on stderr). */
export function publishReport(table: string, file: string, write: boolean): void {
  console.log(table);
  if (write) {
    writeFileSync(file, table + '\n');
    console.error(`wrote ${path.relative(REPO_ROOT, file)}`);
  }
}
