/**
 * The embedded chain: anvil from npm (`@foundry-rs/anvil`, the same version as forge), started by our tools on a free
 * loopback port and stopped when they are done, also on Ctrl-C, on SIGTERM and when the process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { foundryTool } from '../forge/index.ts';

/** Anvil's first default account (mnemonic "test test … junk"): for local use only, never on a real chain. */
export const ANVIL_DEFAULT_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const ANVIL_DEFAULT_ACCOUNT = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';

export interface AnvilOptions {
  /** The anvil binary (default: the platform package of @foundry-rs/anvil in node_modules, or ANVIL_BIN). */
  anvilBin?: string;
  /** The port (default: a free one on 127.0.0.1). */
  port?: number;
  /** The EVM hardfork (default prague, as the hypervisor's guests). */
  hardfork?: string;
  /** Gas limit per block (default 2^24 · 2: a verification may use up to one transaction's 2^24). */
  gasLimit?: bigint;
  /** Milliseconds to wait for the RPC to answer (default 20,000). */
  startTimeoutMs?: number;
  /** Called with each line anvil prints (default: nothing). */
  onLog?: (line: string) => void;
}

export interface Anvil {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Stops anvil (idempotent); resolves once the process has exited. */
  stop(): Promise<void>;
}

/** The anvil binary: `opt`, else $ANVIL_BIN, else the npm package's (@foundry-rs/anvil, lib/forge foundryTool). */
export function anvilExecutable(opt?: string): string {
  return opt || process.env.ANVIL_BIN || foundryTool('anvil');
}

/** Whether something listens on 127.0.0.1:`port` (another node would answer our RPC calls). */
async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/** A TCP port nobody listens on at 127.0.0.1 right now. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free loopback port'))));
    });
  });
}

/** A JSON-RPC answer: its result, or the node's error (a revert's `data` is the revert data). */
export interface RpcAnswer<T> {
  result?: T;
  error?: { message: string; data?: `0x${string}` };
}

/** One JSON-RPC call, the answer as the node gave it. */
export async function rpcAnswer<T>(url: string, method: string, params: unknown[] = []): Promise<RpcAnswer<T>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return (await res.json()) as RpcAnswer<T>;
}

/** One JSON-RPC call; throws with the node's message on an error answer. */
export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const body = await rpcAnswer<T>(url, method, params);
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

const running = new Set<ChildProcess>();
let handlersInstalled = false;

/** Kills every anvil this process started, when it exits or is interrupted. */
function installShutdownHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const killAll = (): void => {
    for (const child of running) child.kill('SIGTERM');
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * Starts anvil on 127.0.0.1 and resolves once its RPC answers. Throws, having stopped it, if it exits or does not
 * answer in time (the message says what anvil printed and what to do).
 */
export async function startAnvil(opts: AnvilOptions = {}): Promise<Anvil> {
  const bin = anvilExecutable(opts.anvilBin);
  if (!fs.existsSync(bin)) throw new Error(`anvil not found at ${bin}: run \`npm install\` (it installs @foundry-rs/anvil), or set ANVIL_BIN`);
  const port = opts.port ?? (await freeLoopbackPort());
  if (await portInUse(port)) throw new Error(`port ${port} on 127.0.0.1 is in use (another node?): give another port, or none to pick a free one`);
  const args = ['--host', '127.0.0.1', '--port', String(port), '--hardfork', opts.hardfork ?? 'prague', '--gas-limit', String(opts.gasLimit ?? 1n << 25n), '--silent'];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  installShutdownHandlers();
  const output: string[] = [];
  const onData = (d: Buffer): void => {
    for (const line of d.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > 50) output.shift();
      opts.onLog?.(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (!exited) child.kill('SIGTERM');
    await exit;
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  for (;;) {
    if (exited) throw new Error(`anvil exited before answering on ${url} (port taken? bad option?):\n${output.join('\n')}`);
    try {
      await rpc<string>(url, 'eth_chainId');
      return { url, port, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`anvil did not answer on ${url} within ${opts.startTimeoutMs ?? 20_000} ms:\n${output.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
