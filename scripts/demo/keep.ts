/**
 * `npm start -- --keep`: an anvil that outlives the process that started it (lib/chain/anvil.ts's startAnvil stops its
 * nodes when the process exits, which is right everywhere else), and the file that tells other tools where it is.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { anvilExecutable, freeLoopbackPort, rpc } from '../../lib/chain/anvil.ts';
import type { Deployment } from '../../lib/chain/deploy.ts';
import { REPO_ROOT } from '../bench/solc.ts';

/** Where `--keep` writes the node's address and the deployment. */
export const KEEP_DIR = path.join(REPO_ROOT, '.iso-hv');
export const KEEP_FILE = path.join(KEEP_DIR, 'anvil.json');

/** A detached anvil: its URL, its process id, and how to stop it. */
export interface DetachedAnvil {
  url: string;
  pid: number;
  stop(): void;
}

/**
 * Starts anvil detached from this process (its own process group, output to .iso-hv/anvil.log), with the options
 * startAnvil uses (127.0.0.1, a free port, --hardfork prague, block gas limit 2^25), and resolves once it answers.
 */
export async function startDetachedAnvil(opts: { timeoutMs?: number } = {}): Promise<DetachedAnvil> {
  mkdirSync(KEEP_DIR, { recursive: true });
  const port = await freeLoopbackPort();
  const log = openSync(path.join(KEEP_DIR, 'anvil.log'), 'w');
  const args = ['--host', '127.0.0.1', '--port', String(port), '--hardfork', 'prague', '--gas-limit', String(1n << 25n)];
  const child = spawn(anvilExecutable(), args, { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${anvilExecutable()}: run \`npm install\` (it installs @foundry-rs/anvil)`);
  const url = `http://127.0.0.1:${port}`;
  const stop = (): void => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    try {
      await rpc<string>(url, 'eth_chainId');
      return { url, pid, stop };
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        stop();
        throw new Error(`anvil did not answer on ${url} (see ${path.join(KEEP_DIR, 'anvil.log')})`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** What .iso-hv/anvil.json holds: the node and the deployment on it (pid: the anvil process, to stop it). */
export interface KeptNode {
  url: string;
  hypervisor: string;
  factory: string;
  chainId: number;
  pid: number;
}

/** Writes .iso-hv/anvil.json; returns its path. */
export function writeKeptNode(url: string, d: Deployment, pid: number): string {
  mkdirSync(KEEP_DIR, { recursive: true });
  const node: KeptNode = { url, hypervisor: d.hypervisor, factory: d.factory, chainId: d.chainId, pid };
  writeFileSync(KEEP_FILE, JSON.stringify(node, null, 2) + '\n');
  return KEEP_FILE;
}
