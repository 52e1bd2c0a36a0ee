/**
 * Verifies witnesses with the hypervisor inside revm (forge), many per forge process.
 *
 *   const results = await verifyBatch(files, { revmNative: true, onProgress: (d, t) => … });
 *
 * One `forge script script/VerifyBatch.s.sol` process per call: the batch is written as one
 * ABI blob to a temporary directory inside the repository (forge's fs_permissions only cover the
 * project), the script appends one JSON line per finished case (polled for onProgress), and the
 * verdicts are decoded with decodeVerdict. The build artifacts of these runs go to
 * cache/forge-batch/{out,cache} so a batch never races with (or invalidates) `forge test`'s build.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { decodeVerdict, type Hex, type Verdict } from '../witness/index.ts';
import { encodeBatch, parseResultLine, type BatchCase } from './batch.ts';

export { encodeBatch, parseResultLine, type BatchCase, type RawResultLine, CASE_COMPONENTS } from './batch.ts';

/** The repository root (where foundry.toml is). */
export const REPO_ROOT: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface NativeRevmOutcome {
  /** 0 exceptional halt, 1 success, 2 revert; 'unknown' when revm could not run the message as given. */
  status: 0 | 1 | 2 | 'unknown';
  gasUsed: bigint;
  returndata: Hex;
  /** Why the status is 'unknown'. */
  reason?: string;
}

export interface BatchResult {
  verdict: Verdict;
  /** Exact gas used by the hypervisor's call frame (calldata and transaction costs not included). */
  hypervisorGas: bigint;
  /** The guest run natively in revm (only with `revmNative`). */
  revmNative?: NativeRevmOutcome;
}

export interface VerifyBatchOptions {
  onProgress?: (done: number, total: number) => void;
  /** Also run each guest natively in revm through GasMeter (exact gas). */
  revmNative?: boolean;
  /** HuffDeployer path of the hypervisor, relative to src/ without extension (default "Hypervisor"). */
  hypervisorSource?: string;
  /** Extra Huff constants (`-c NAME=VALUE`), e.g. for fault-injection builds. */
  constants?: Record<string, string>;
  /** Gas for the hypervisor frame per case (default 1,000,000,000). */
  hypervisorGasLimit?: bigint;
  /** Huff `-e` evm version (default prague). */
  evmVersion?: string;
  /** Forge executable (default: FORGE_BIN env var, else node_modules' forge). */
  forgeBin?: string;
  /** Abort the forge process. */
  signal?: AbortSignal;
}

export class ForgeBatchError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
    readonly exitCode: number | undefined,
  ) {
    super(message);
    this.name = 'ForgeBatchError';
  }
}

const CONSTANT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CONSTANT_VALUE = /^(0x[0-9a-fA-F]+|true|false)$/;

/**
 * A Foundry tool installed from npm (`@foundry-rs/<tool>`): the platform binary (node_modules/@foundry-rs/
 * <tool>-<platform>-<arch>/bin/<tool>), else the package's wrapper in node_modules/.bin (an extra node process; the
 * forge wrapper always exits 0, see scripts/forge.ts).
 */
export function foundryTool(tool: 'forge' | 'anvil'): string {
  const native = path.join(REPO_ROOT, 'node_modules', '@foundry-rs', `${tool}-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`, 'bin', tool);
  if (fs.existsSync(native)) return native;
  return path.join(REPO_ROOT, 'node_modules', '.bin', tool);
}

/** The forge to run: `opt`, else $FORGE_BIN, else the npm package's (foundryTool). */
export function forgeExecutable(opt?: string): string {
  return opt || process.env.FORGE_BIN || foundryTool('forge');
}

function tail(s: string, lines = 40): string {
  return s.split('\n').slice(-lines).join('\n').trim();
}

/** Verifies every case with the hypervisor in one forge process. Results are in input order. */
export async function verifyBatch(cases: readonly BatchCase[], opts: VerifyBatchOptions = {}): Promise<BatchResult[]> {
  const total = cases.length;
  if (total === 0) return [];
  const constants = opts.constants ?? {};
  for (const [k, v] of Object.entries(constants)) {
    if (!CONSTANT_NAME.test(k)) throw new Error(`verifyBatch: bad constant name ${JSON.stringify(k)}`);
    if (!CONSTANT_VALUE.test(v)) throw new Error(`verifyBatch: constant ${k}: value must be 0x-hex, true or false, got ${JSON.stringify(v)}`);
  }
  const hvSource = opts.hypervisorSource ?? 'Hypervisor';
  if (!/^[A-Za-z0-9_./-]+$/.test(hvSource)) throw new Error(`verifyBatch: bad hypervisorSource ${JSON.stringify(hvSource)}`);

  const tmpRoot = path.join(REPO_ROOT, 'cache', 'forge-batch');
  const dir = path.join(tmpRoot, `run-${process.pid}-${randomBytes(6).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true });
  const inPath = path.join(dir, 'batch.bin');
  const outPath = path.join(dir, 'results.jsonl');
  try {
    const blob = encodeBatch(cases, opts.revmNative ?? false);
    fs.writeFileSync(inPath, Buffer.from(blob.slice(2), 'hex'));

    const args = [
      'script',
      'script/VerifyBatch.s.sol:VerifyBatch',
      '--sig',
      'run(string,string)',
      path.relative(REPO_ROOT, inPath),
      path.relative(REPO_ROOT, outPath),
      '--out',
      path.join('cache', 'forge-batch', 'out'),
      '--cache-path',
      path.join('cache', 'forge-batch', 'cache'),
      '--skip',
      'test',
      '--gas-limit',
      '18446744073709551615',
      '--memory-limit',
      String(16n << 30n),
      '--isolate',
      '--offline',
      '--quiet',
    ];
    const env: Record<string, string> = {
      HV_SOURCE: hvSource,
      HV_CONSTANTS: Object.entries(constants)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      HV_GAS: String(opts.hypervisorGasLimit ?? 1_000_000_000n),
      HV_EVM: opts.evmVersion ?? 'prague',
      NO_COLOR: '1',
    };

    let done = 0;
    const poll = (): void => {
      if (!opts.onProgress) return;
      let n = 0;
      try {
        const text = fs.readFileSync(outPath, 'latin1');
        for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
      } catch {
        return;
      }
      if (n !== done) {
        done = n;
        opts.onProgress(done, total);
      }
    };
    const timer = opts.onProgress ? setInterval(poll, 250) : undefined;
    let result;
    try {
      result = await execa(forgeExecutable(opts.forgeBin), args, {
        cwd: REPO_ROOT,
        env,
        reject: false,
        all: true,
        cancelSignal: opts.signal,
        maxBuffer: 256 * 1024 * 1024,
      });
    } finally {
      if (timer) clearInterval(timer);
    }
    if (result.exitCode !== 0 || result.failed) {
      const out = tail(String(result.all ?? `${result.stdout}\n${result.stderr}`));
      throw new ForgeBatchError(
        `verifyBatch: forge script failed (exit ${result.exitCode ?? result.signal ?? '?'}; hypervisor "${hvSource}")\n${out}`,
        out,
        result.exitCode,
      );
    }
    const text = fs.existsSync(outPath) ? fs.readFileSync(outPath, 'utf8') : '';
    const lines = text.split('\n').filter((l) => l.length > 0);
    if (lines.length !== total) {
      const out = tail(String(result.all ?? ''));
      throw new ForgeBatchError(`verifyBatch: expected ${total} results, forge wrote ${lines.length}\n${out}`, out, result.exitCode);
    }
    const results = lines.map((line, i): BatchResult => {
      const r = parseResultLine(line);
      if (r.i !== i) throw new Error(`verifyBatch: result ${i} is numbered ${r.i}`);
      const res: BatchResult = {
        verdict: r.error
          ? { valid: false, kind: 'unexpected', success: false, data: '0x', reason: r.error }
          : decodeVerdict(r.ok, r.data),
        hypervisorGas: BigInt(r.gas),
      };
      if (r.native) {
        res.revmNative =
          r.native.status === 'unknown'
            ? { status: 'unknown', gasUsed: 0n, returndata: '0x', reason: r.native.reason }
            : { status: r.native.status, gasUsed: BigInt(r.native.gasUsed), returndata: r.native.returndata };
      }
      return res;
    });
    if (opts.onProgress && done !== total) opts.onProgress(total, total);
    return results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
