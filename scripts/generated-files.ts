/**
 * The shared driver of the generators (gen-optable, gen-layouts, gen-records): each renders files from one source
 * of truth; run plainly it writes them, with `--check` it exits 1 naming the files on disk that differ (the tests
 * run every generator that way, so a stale file fails them).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface GeneratedFile {
  /** Path from the repository root. */
  path: string;
  render: () => string;
}

/** The generated files that are missing or differ from what the generator writes now (repo-relative paths). */
export function staleFiles(files: readonly GeneratedFile[]): string[] {
  return files
    .filter((f) => {
      let onDisk: string | undefined;
      try {
        onDisk = readFileSync(path.join(REPO_ROOT, f.path), 'utf8');
      } catch {
        onDisk = undefined;
      }
      return onDisk !== f.render();
    })
    .map((f) => f.path);
}

/** Writes `files`, or with `--check` in argv exits 1 when one is stale, telling the user to run `command`. */
export function runGenerator(files: readonly GeneratedFile[], command: string, argv: readonly string[] = process.argv): void {
  if (argv.includes('--check')) {
    const stale = staleFiles(files);
    if (stale.length > 0) {
      console.error(`out of date: ${stale.join(', ')}: run \`${command}\``);
      process.exit(1);
    }
    console.log(`up to date: ${files.map((f) => f.path).join(', ')}`);
    return;
  }
  for (const f of files) {
    writeFileSync(path.join(REPO_ROOT, f.path), f.render());
    console.log(`wrote ${f.path}`);
  }
}

/** Whether the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === path.resolve(process.argv[1]);
}
