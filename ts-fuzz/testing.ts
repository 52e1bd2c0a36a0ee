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
import type { statsJson } from './cli.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO_ROOT, 'ts-fuzz', 'cli.ts');

export type CampaignJson = ReturnType<typeof statsJson>;

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export async function runCli(args: string[], timeoutMs = 180_000): Promise<CliRun> {
  const t0 = Date.now();
  const r = await execa(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, reject: false, timeout: timeoutMs, env: { NO_COLOR: '1' } });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), ms: Date.now() - t0 };
}

/** Runs a campaign through the CLI and returns its --json results. */
export async function runCampaignCli(args: string[], timeoutMs?: number): Promise<{ run: CliRun; stats: CampaignJson }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-fuzz-'));
  const json = path.join(dir, 'stats.json');
  try {
    const run = await runCli([...args, '--quiet', '--json', json], timeoutMs);
    if (!fs.existsSync(json)) throw new Error(`the campaign wrote no results (exit ${run.exitCode})\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-3000)}`);
    return { run, stats: JSON.parse(fs.readFileSync(json, 'utf8')) as CampaignJson };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
