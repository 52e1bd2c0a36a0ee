/**
 * iso-hv witness --tx and verify --tx: the witnesses of a mined transaction, built from a node (lib/chain/trace.ts),
 * written to files or verified frame by frame (in process, or on the chain's deployed hypervisor) with the link check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANVIL_DEFAULT_KEY } from '../lib/chain/anvil.ts';
import { verifyOnChain } from '../lib/chain/deploy.ts';
import { CrossCheckError, TraceError, witnessesOfTransaction, type TransactionWitnesses } from '../lib/chain/trace.ts';
import { REPO_ROOT } from '../lib/forge/index.ts';
import { LocalHypervisor } from '../lib/hypervisor/ethereumjs.ts';
import { checkTransaction, formatPath, recordOpcodeName, UnsupportedMessageError } from '../lib/native/index.ts';
import { formatVerdict, stringifyWitness, type Verdict } from '../lib/witness/index.ts';
import type { Hex } from '../lib/witness/types.ts';
import { EXIT_INVALID, EXIT_NO_VERDICT, EXIT_USAGE, EXIT_VALID, UsageError, type OnchainOptions } from './args.ts';

/** Where the CLI writes (stdout: results, stderr: progress and errors). */
export interface TxIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** What `npm start -- --keep` records about the anvil it leaves running (.iso-hv/anvil.json). */
export interface AnvilRecord {
  url: string;
  hypervisor: Hex;
  factory: Hex;
  chainId: number;
}

export const ANVIL_RECORD = path.join('.iso-hv', 'anvil.json');

/** The anvil record in the working directory, else in the repository; undefined when neither exists. Throws a UsageError for a malformed one. */
export function readAnvilRecord(cwd: string = process.cwd()): { record: AnvilRecord; file: string } | undefined {
  for (const dir of [...new Set([cwd, REPO_ROOT])]) {
    const file = path.join(dir, ANVIL_RECORD);
    if (!fs.existsSync(file)) continue;
    let o: unknown;
    try {
      o = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new UsageError(`${file}: ${(e as Error).message}; pass --rpc, or run \`npm start -- --keep\` again`);
    }
    const r = o as Partial<AnvilRecord> | null;
    const address = (a: unknown): boolean => typeof a === 'string' && /^0x[0-9a-fA-F]{40}$/.test(a);
    if (r === null || typeof r !== 'object' || typeof r.url !== 'string' || !address(r.hypervisor) || !address(r.factory) || typeof r.chainId !== 'number') {
      throw new UsageError(`${file} is not of the shape { "url", "hypervisor", "factory", "chainId" }: pass --rpc, or run \`npm start -- --keep\` again`);
    }
    return { record: r as AnvilRecord, file };
  }
  return undefined;
}

/** The node to ask: --rpc, else the recorded anvil's URL; a UsageError that says what to do when there is neither. */
function nodeUrl(rpc: string | undefined, io: TxIo): { url: string; record?: AnvilRecord } {
  if (rpc !== undefined) return { url: rpc };
  const found = readAnvilRecord();
  if (found === undefined) throw new UsageError(`no node: pass --rpc <url>, or run \`npm start -- --keep\` (it leaves an anvil running and records it in ${ANVIL_RECORD})`);
  io.stderr(`iso-hv: using the anvil recorded in ${found.file}: ${found.record.url}\n`);
  return { url: found.record.url, record: found.record };
}

/** The file name of a frame's witness: frame-top.json for the transaction's own frame, frame-0-1.json for [0,1]. */
export function frameFileName(p: readonly number[]): string {
  return `frame-${p.length === 0 ? 'top' : p.join('-')}.json`;
}

/** Builds the witnesses, reporting progress on stderr; maps the library's errors to the exit codes (UsageError, TraceError). */
async function build(url: string, tx: Hex, io: TxIo): Promise<TransactionWitnesses> {
  const w = await witnessesOfTransaction(url, tx, { onProgress: (line) => io.stderr(`iso-hv: ${line}\n`) });
  for (const f of w.tree.frames) {
    if (f.unsupported.length > 0) {
      io.stderr(`iso-hv: warning: frame ${formatPath(f.path)} executes ${f.unsupported.map(recordOpcodeName).join(', ')}, which this hypervisor version does not support: expect UNSUPPORTED_OPCODE (64)\n`);
    }
  }
  return w;
}

/** Runs `f`, turning the errors a user can act on into messages and exit codes. */
async function guarded(io: TxIo, f: () => Promise<number>): Promise<number> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`iso-hv: ${e.message}\n`);
      return EXIT_USAGE;
    }
    // the node and the builder disagreeing is no verdict (3); everything else a TraceError says the user can act on (2)
    if (e instanceof TraceError && !(e instanceof CrossCheckError)) {
      io.stderr(`iso-hv: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof UnsupportedMessageError) {
      io.stderr(`iso-hv: not supported: ${e.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`iso-hv: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_NO_VERDICT;
  }
}

/** Left-aligned columns, the last one unpadded. */
function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]): string => `  ${cells.map((x, k) => (k === cells.length - 1 ? x : x.padEnd(widths[k]!))).join('  ')}\n`;
  return line(head) + rows.map(line).join('');
}

const STATUS = ['halt', 'success', 'revert'] as const;

/** witness --tx: one witness file per frame under `out`/<tx hash>/, one row per frame on stdout. */
export async function witnessTx(cmd: { tx: Hex; rpc?: string; out: string }, io: TxIo): Promise<number> {
  return guarded(io, async () => {
    const { url } = nodeUrl(cmd.rpc, io);
    const w = await build(url, cmd.tx, io);
    const dir = path.join(cmd.out, w.txHash);
    fs.mkdirSync(dir, { recursive: true });
    const rows = w.tree.frames.map((f) => {
      const file = path.join(dir, frameFileName(f.path));
      fs.writeFileSync(file, stringifyWitness(f.file));
      return [formatPath(f.path), String(f.depth), f.file.witness.to, STATUS[f.native.status], String(f.native.gasUsed), file];
    });
    io.stdout(
      `transaction: ${w.txHash} (block ${w.receipt.blockNumber}, ${w.receipt.status}, gasUsed ${w.receipt.gasUsed}, intrinsic ${w.intrinsicGas})\n` +
        `frames:      ${w.tree.frames.length}, written to ${dir}\n` +
        table(['path', 'depth', 'to', 'status', 'gasUsed', 'file'], rows),
    );
    return EXIT_VALID;
  });
}

/** A frame's verification: its verdict and the gas it took (undefined when the chain gave none). */
interface FrameVerification {
  verdict: Verdict;
  gas?: bigint;
}

/** The deployment for --onchain: the flags, else the recorded anvil's (whose key is anvil's first default one). */
function deploymentOf(o: OnchainOptions, url: string, record: AnvilRecord | undefined): { hypervisor: Hex; factory: Hex; privateKey: Hex } {
  const fromRecord = record !== undefined && record.url === url ? record : undefined;
  const hypervisor = o.hypervisor ?? fromRecord?.hypervisor;
  const factory = o.factory ?? fromRecord?.factory;
  const privateKey = o.privateKey ?? (fromRecord !== undefined ? (ANVIL_DEFAULT_KEY as Hex) : undefined);
  const missing = [hypervisor === undefined ? '--hypervisor' : '', factory === undefined ? '--factory' : '', privateKey === undefined ? '--private-key' : ''].filter((x) => x !== '');
  if (missing.length > 0) {
    throw new UsageError(`verify --tx --onchain needs ${missing.join(', ')} (the deployed hypervisor, its archive factory, a funded key that archives code), or no --rpc to use the anvil of \`npm start -- --keep\``);
  }
  return { hypervisor: hypervisor!, factory: factory!, privateKey: privateKey! };
}

/** verify --tx: every frame verified, every link checked; one row per frame. */
export async function verifyTx(cmd: { tx: Hex; rpc?: string; onchain?: OnchainOptions; json: boolean }, io: TxIo): Promise<number> {
  return guarded(io, async () => {
    const { url, record } = nodeUrl(cmd.rpc, io);
    const chain = cmd.onchain === undefined ? undefined : deploymentOf(cmd.onchain, url, record);
    const w = await build(url, cmd.tx, io);
    const frames = w.tree.frames;
    const results: FrameVerification[] = [];
    if (chain === undefined) {
      io.stderr('iso-hv: verifying in process (the hypervisor in @ethereumjs/evm)\n');
      const hv = await LocalHypervisor.create();
      for (const f of frames) {
        const r = await hv.verify(f.file);
        results.push({ verdict: r.verdict, gas: r.hypervisorGas });
      }
    } else {
      io.stderr(`iso-hv: verifying on ${url} with the hypervisor at ${chain.hypervisor} (archiving missing code through ${chain.factory})\n`);
      const d = { hypervisor: chain.hypervisor, factory: chain.factory, chainId: 0 };
      for (const f of frames) {
        io.stderr(`iso-hv: frame ${formatPath(f.path)}\n`);
        const r = await verifyOnChain(url, chain.privateKey, d, f.file);
        results.push({ verdict: r.verdict, ...(r.gas !== undefined ? { gas: r.gas } : {}) });
      }
    }
    const broken = checkTransaction(frames, { transfers: w.tree.transfers });
    const verdicts = results.map((r) => r.verdict);
    const exit = verdicts.some((v) => v.kind === 'invalid') || broken.length > 0 ? EXIT_INVALID : verdicts.every((v) => v.kind === 'valid') ? EXIT_VALID : EXIT_NO_VERDICT;
    const ratio = (gas: bigint | undefined, native: bigint): string => (gas === undefined || native === 0n ? '-' : (Number(gas) / Number(native)).toFixed(1));
    if (cmd.json) {
      io.stdout(
        `${JSON.stringify({
          transaction: w.txHash,
          receipt: { status: w.receipt.status, gasUsed: w.receipt.gasUsed.toString(), blockNumber: w.receipt.blockNumber.toString() },
          intrinsicGas: w.intrinsicGas.toString(),
          verifier: chain === undefined ? 'local' : 'onchain',
          frames: frames.map((f, i) => ({
            path: f.path,
            depth: f.depth,
            to: f.file.witness.to,
            status: f.native.status,
            gasUsed: f.native.gasUsed.toString(),
            verificationGas: results[i]!.gas?.toString() ?? null,
            verdict: formatVerdict(results[i]!.verdict),
            valid: results[i]!.verdict.kind === 'valid',
          })),
          links: { count: frames.length - 1, hold: broken.length === 0, broken: broken.map((b) => b.message) },
          valid: exit === EXIT_VALID,
        })}\n`,
      );
      return exit;
    }
    const rows = frames.map((f, i) => {
      const r = results[i]!;
      return [formatPath(f.path), String(f.depth), f.file.witness.to, String(f.native.gasUsed), r.gas?.toString() ?? '-', ratio(r.gas, f.native.gasUsed), formatVerdict(r.verdict)];
    });
    const links = frames.length - 1;
    io.stdout(
      `transaction: ${w.txHash} (block ${w.receipt.blockNumber}, ${w.receipt.status}, gasUsed ${w.receipt.gasUsed}, intrinsic ${w.intrinsicGas})\n` +
        `frames:      ${frames.length} (in execution order; verification ${chain === undefined ? 'in process' : 'on chain, eth_estimateGas'})\n` +
        table(['path', 'depth', 'to', 'native gas', 'verification gas', 'ratio', 'verdict'], rows) +
        `links:       ${broken.length === 0 ? `all ${links} hold` : `${broken.length} broken`}\n` +
        broken.map((b) => `  ${b.message}\n`).join('') +
        `verdict:     ${exit === EXIT_VALID ? 'valid (every frame valid, every link holds)' : exit === EXIT_INVALID ? 'invalid' : 'no verdict'}\n`,
    );
    return exit;
  });
}
