/**
 * Running the fuzzer's CLI from the node tests. Campaigns run in a child process: inside a
 * node:test callback every `await` pays for the test runner's async context tracking, which makes
 * @ethereumjs/evm (one await per interpreted instruction) several times slower.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { CampaignSummary } from './summary.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO_ROOT, 'ts-fuzz', 'cli.ts');

export type CampaignJson = CampaignSummary;

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the fuzz CLI; `env` adds environment variables (ISO_FUZZ_OPS, ts-fuzz/program.ts). */
export async function runCli(args: string[], timeoutMs = 180_000, env: Record<string, string> = {}): Promise<CliRun> {
  const t0 = Date.now();
  const r = await execa(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, reject: false, timeout: timeoutMs, env: { NO_COLOR: '1', ...env } });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), ms: Date.now() - t0 };
}

/** Runs a campaign through the CLI (its state in a temporary directory) and returns its --json summary. */
export async function runCampaignCli(args: string[], timeoutMs?: number, env: Record<string, string> = {}): Promise<{ run: CliRun; stats: CampaignJson }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-fuzz-'));
  const json = path.join(dir, 'stats.json');
  const state = args.includes('--state') || args.includes('--resume') ? [] : ['--state', path.join(dir, 'state')];
  try {
    const run = await runCli([...args, ...state, '--quiet', '--json', json], timeoutMs, env);
    if (!fs.existsSync(json)) throw new Error(`the campaign wrote no results (exit ${run.exitCode})\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-3000)}`);
    return { run, stats: JSON.parse(fs.readFileSync(json, 'utf8')) as CampaignJson };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A CLI run in progress, for tests that act on it while it runs (kill a worker, kill the campaign). */
export interface LiveCli {
  /** The CLI's process (the campaign coordinator). */
  pid: number;
  /** Resolves with the first stderr line matching `re` (lines already written included). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  done: Promise<CliRun>;
}

export function startCli(args: string[], timeoutMs = 180_000): LiveCli {
  const t0 = Date.now();
  const sub = execa(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, reject: false, timeout: timeoutMs, env: { NO_COLOR: '1' }, buffer: { stdout: true, stderr: false } });
  const lines: string[] = [];
  const watchers: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  let partial = '';
  sub.stderr.setEncoding('utf8');
  sub.stderr.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (let i = watchers.length - 1; i >= 0; i--) {
        const m = line.match(watchers[i]!.re);
        if (m) watchers.splice(i, 1)[0]!.resolve(m);
      }
    }
  });
  const done = sub.then((r) => ({ exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: [...lines, partial].join('\n'), ms: Date.now() - t0 }));
  return {
    pid: sub.pid!,
    done,
    waitFor: (re, ms = 120_000) =>
      new Promise((resolve, reject) => {
        for (const line of lines) {
          const m = line.match(re);
          if (m) return resolve(m);
        }
        const timer = setTimeout(() => reject(new Error(`no stderr line matched ${re} in ${ms} ms:\n${lines.slice(-20).join('\n')}`)), ms);
        const w = { re, resolve: (m: RegExpMatchArray) => (clearTimeout(timer), resolve(m)) };
        watchers.push(w);
        void done.then(() => {
          if (watchers.includes(w)) {
            clearTimeout(timer);
            reject(new Error(`the CLI ended before a stderr line matched ${re}:\n${lines.slice(-20).join('\n')}`));
          }
        });
      }),
  };
}

/** Is a process with this pid alive? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
