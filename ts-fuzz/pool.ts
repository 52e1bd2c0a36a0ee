/**
 * Worker processes of a campaign: starting one (node + tsx running worker.ts), talking to it,
 * and killing it together with the forge processes it started.
 *
 * Each worker is started detached, so it leads its own process group: killing the group kills the
 * worker and its forge child at once, and a Ctrl-C in the terminal reaches only the coordinator
 * (which then lets the workers finish their batches).
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../lib/forge/index.ts';
import type { BatchTask, FromWorker, ToWorker, WorkerSettings } from './protocol.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./worker.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const STDERR_TAIL = 8192;

export interface WorkerHandlers {
  message(w: WorkerProcess, m: FromWorker): void;
  /** The process ended (for any reason: finished, crashed, killed). */
  exit(w: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void;
}

export class WorkerProcess {
  /** Batches given to this process and not reported done. */
  readonly assigned: BatchTask[] = [];
  ready = false;
  exited = false;
  /** Set when the coordinator killed it on purpose (its batches are not replayed). */
  discarded = false;
  /** Since when the worker has been working on its oldest assigned batch (Date.now()). */
  busySince = 0;
  /** Extra time its current batch may take (shrinks of new findings). */
  allowanceMs = 0;
  /** Why the coordinator killed it for taking too long (its batches are replayed). */
  timedOut: string | undefined;
  private tail = '';
  private readonly child: ChildProcess;

  private constructor(readonly slot: number, settings: WorkerSettings, known: readonly string[], handlers: WorkerHandlers) {
    this.child = fork(WORKER_SCRIPT, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', TSX_LOADER],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: true,
      serialization: 'json',
      env: { ...process.env, NO_COLOR: '1' },
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.tail = (this.tail + chunk).slice(-STDERR_TAIL);
    });
    this.child.on('message', (m: FromWorker) => {
      if (m.type === 'ready') this.ready = true;
      handlers.message(this, m);
    });
    // 'close' (not 'exit'): every message and all of stderr have been read by then
    this.child.on('close', (code, signal) => {
      this.exited = true;
      this.cleanUp();
      handlers.exit(this, code, signal);
    });
    this.child.on('error', () => {
      /* reported through 'close' */
    });
    this.send({ type: 'init', slot, settings, known: [...known] });
  }

  static start(slot: number, settings: WorkerSettings, known: readonly string[], handlers: WorkerHandlers): WorkerProcess {
    return new WorkerProcess(slot, settings, known, handlers);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The end of what the process wrote to stderr (for error messages). */
  get stderrTail(): string {
    return this.tail.trim();
  }

  send(m: ToWorker): void {
    if (this.exited || !this.child.connected) return;
    this.child.send(m, (e) => {
      if (e) {
        /* the process is going away: its 'close' will say so */
      }
    });
  }

  assign(task: BatchTask): void {
    if (this.assigned.length === 0) this.busySince = Date.now();
    this.assigned.push(task);
    this.send({ type: 'task', task });
  }

  /** Kills the worker and every process of its group (forge) at once. */
  kill(): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  /**
   * A worker that died on its own (out of memory, say) may leave its forge process running, and
   * forge processes of a killed worker leave their batch directories behind (lib/forge).
   */
  private cleanUp(): void {
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      /* the group is gone */
    }
    if (this.child.pid !== undefined) removeForgeDirs((pid) => pid === this.child.pid);
  }
}

const FORGE_DIRS = path.join(REPO_ROOT, 'cache', 'forge-batch');

function removeForgeDirs(whose: (pid: number) => boolean): void {
  let names: string[];
  try {
    names = fs.readdirSync(FORGE_DIRS);
  } catch {
    return; // no batch directory yet
  }
  for (const d of names) {
    const m = /^run-(\d+)-[0-9a-f]+$/.exec(d);
    if (m && whose(Number(m[1]))) fs.rmSync(path.join(FORGE_DIRS, d), { recursive: true, force: true });
  }
}

/**
 * Removes the forge batch directories (lib/forge, cache/forge-batch/run-<pid>-…) of processes
 * that no longer exist: left by workers killed together with an earlier campaign.
 */
export function sweepForgeDirs(): void {
  removeForgeDirs((pid) => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  });
}
