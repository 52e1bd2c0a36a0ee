/**
 * iso-hv: run and verify EVM message witnesses (see USAGE in ./args.ts).
 * Entry point: bin/iso-hv.mjs → main(process.argv.slice(2)).
 */
import * as fs from 'node:fs';
import { keccak256 } from 'viem';
import { verifyBatch, type BatchResult } from '../lib/forge/index.ts';
import { isPrecompile } from '../lib/evm/precompiles.ts';
import {
  buildFrameWitnesses,
  buildHonestWitness,
  checkTransaction,
  contextOfCase,
  formatPath,
  defaultContext,
  differencesFromExpected,
  messageCaseFromJson,
  recordOpcodeName,
  unsupportedOpcodes,
  type MessageCase,
  type MessageContext,
} from '../lib/native/index.ts';
import { formatVerdict, stringifyWitness, witnessFromJson, type Verdict, type WitnessFile } from '../lib/witness/index.ts';
import { CALL_NOT_ENTERED, decodeRecord, type CallRecord } from '../lib/witness/records.ts';
import {
  EXIT_INVALID,
  EXIT_NO_VERDICT,
  EXIT_USAGE,
  EXIT_VALID,
  parseCli,
  USAGE,
  UsageError,
  type BuildOptions,
  type MessageOptions,
} from './args.ts';
import { verifyTx, witnessTx } from './tx.ts';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
}

const defaultIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

const STATUS_NAMES = ['exceptional halt', 'success', 'revert'] as const;

function verdictJson(v: Verdict): Record<string, unknown> {
  switch (v.kind) {
    case 'valid':
      return { valid: true, kind: 'valid', code: null, guestPc: null, recordIndex: null };
    case 'invalid':
      return { valid: false, kind: 'invalid', code: v.code, name: v.name, guestPc: v.guestPc, recordIndex: v.recordIndex };
    case 'notArchived':
      return { valid: false, kind: 'notArchived', code: null, guestPc: null, recordIndex: null, notArchived: v.notArchived };
    case 'inconclusive':
      return { valid: false, kind: 'inconclusive', code: null, guestPc: null, recordIndex: null };
    case 'unexpected':
      return { valid: false, kind: 'unexpected', code: null, guestPc: null, recordIndex: null, reason: v.reason, data: v.data };
  }
}

function exitFor(v: Verdict): number {
  if (v.kind === 'valid') return EXIT_VALID;
  if (v.kind === 'invalid') return EXIT_INVALID;
  return EXIT_NO_VERDICT;
}

function contextOf(m: MessageOptions) {
  return defaultContext({
    code: m.code,
    calldata: m.calldata,
    callvalue: m.value,
    gasAvailable: m.gas,
    gasPrice: m.gasPrice,
    isStatic: m.isStatic,
    ...(m.caller ? { caller: m.caller } : {}),
    ...(m.origin ? { origin: m.origin } : {}),
    ...(m.to ? { to: m.to } : {}),
  });
}

async function verifyOne(file: WitnessFile, build: BuildOptions): Promise<BatchResult> {
  const [r] = await verifyFiles([file], build);
  return r!;
}

/** Verifies witnesses in one forge batch. */
async function verifyFiles(files: readonly WitnessFile[], build: BuildOptions): Promise<BatchResult[]> {
  const hypervisorSource = build.hypervisor ?? process.env.ISO_HV_SOURCE ?? 'Hypervisor';
  return verifyBatch(files, {
    hypervisorSource,
    constants: build.constants,
    ...(build.hvGas !== undefined ? { hypervisorGasLimit: build.hvGas } : {}),
  });
}

/** Whether a frame's witness has a call that leads to a callee frame (entered, not a precompile). */
function makesCalls(file: WitnessFile): boolean {
  return file.witness.state_access_list
    .map(decodeRecord)
    .some((r) => ['call', 'callCode', 'delegateCall', 'staticCall'].includes(r.kind) && Number((r as CallRecord).status) !== CALL_NOT_ENTERED && !isPrecompile((r as CallRecord).target));
}

export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  let cmd;
  try {
    cmd = parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`iso-hv: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  if (cmd.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return EXIT_VALID;
  }
  if (cmd.kind === 'witnessTx') return witnessTx(cmd, io);
  if (cmd.kind === 'verifyTx') return verifyTx(cmd, io);
  try {
    if (cmd.kind === 'witness') {
      const ctx = contextOf(cmd.message);
      const { file, native } = await buildHonestWitness(ctx);
      warnUnsupported(native, io);
      io.stdout(stringifyWitness(file));
      return EXIT_VALID;
    }
    if (cmd.kind === 'run') return await runMessage(contextOf(cmd.message), undefined, cmd.build, cmd.json, io);
    if (cmd.kind === 'runCase') {
      let c: MessageCase;
      try {
        const text = fs.readFileSync(cmd.file, 'utf8');
        c = messageCaseFromJson(JSON.parse(text), cmd.name);
      } catch (e) {
        io.stderr(`iso-hv: ${cmd.file}: ${(e as Error).message}\n`);
        return EXIT_USAGE;
      }
      return await runMessage(contextOfCase(c), c, cmd.build, cmd.json, io);
    }
    // verify
    let text: string;
    try {
      text = cmd.file === '-' ? await io.readStdin() : fs.readFileSync(cmd.file, 'utf8');
    } catch (e) {
      io.stderr(`iso-hv: cannot read ${cmd.file === '-' ? 'standard input' : cmd.file}: ${(e as Error).message}\n`);
      return EXIT_USAGE;
    }
    let file: WitnessFile;
    try {
      file = witnessFromJson(text);
    } catch (e) {
      io.stderr(`iso-hv: ${cmd.file === '-' ? 'standard input' : cmd.file}: ${(e as Error).message}\n`);
      return EXIT_USAGE;
    }
    const codeHash = keccak256(file.code);
    if (codeHash !== file.witness.codeHash) {
      io.stderr(
        `iso-hv: ${cmd.file === '-' ? 'standard input' : cmd.file}: "code" hashes to ${codeHash}, but "codeHash" is ${file.witness.codeHash}: ` +
          `the witness names other code than the file carries. Put the code that ran in "code" (verify archives it), or set "codeHash" to its keccak256.\n`,
      );
      return EXIT_USAGE;
    }
    const r = await verifyOne(file, cmd.build);
    if (cmd.json) {
      io.stdout(`${JSON.stringify({ verdict: verdictJson(r.verdict), hypervisorGas: r.hypervisorGas.toString() })}\n`);
    } else {
      io.stdout(`verdict:     ${formatVerdict(r.verdict)}\nhypervisor:  ${r.hypervisorGas} gas\n`);
    }
    return exitFor(r.verdict);
  } catch (e) {
    io.stderr(`iso-hv: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_NO_VERDICT;
  }
}

/**
 * run: the native run, the honest witness, its verdict; with a case that states an outcome, the comparison too. A case
 * whose message makes calls (its pre-state holds the callees' code) runs as a message tree (runTree).
 */
async function runMessage(ctx: MessageContext, c: MessageCase | undefined, build: BuildOptions, json: boolean, io: Io): Promise<number> {
  const { file, native } = await buildHonestWitness(ctx);
  if (c !== undefined && makesCalls(file)) return runTree(ctx, c, build, json, io);
  warnUnsupported(native, io);
  const r = await verifyOne(file, build);
  const e = c?.expected;
  const differences = e === undefined ? [] : differencesFromExpected(e, native);
  if (json) {
    io.stdout(
      `${JSON.stringify({
        ...(c?.name !== undefined ? { case: c.name } : {}),
        native: { status: native.status, gasUsed: native.gasUsed.toString(), returndata: native.returndata },
        ...(e !== undefined ? { expectedMatches: differences.length === 0, differences } : {}),
        verdict: verdictJson(r.verdict),
        hypervisorGas: r.hypervisorGas.toString(),
      })}\n`,
    );
  } else {
    io.stdout(
      (c?.name !== undefined ? `case:        ${c.name}\n` : '') +
        `native:      ${STATUS_NAMES[native.status]} (status ${native.status}), gasUsed ${native.gasUsed}` +
        `${native.error && native.status !== 1 ? ` (${native.error})` : ''}\n` +
        `returndata:  ${native.returndata}\n` +
        (e !== undefined ? `expected:    ${differences.length === 0 ? 'matches the case' : differences.join('; ')}\n` : '') +
        `verdict:     ${formatVerdict(r.verdict)}\n` +
        `hypervisor:  ${r.hypervisorGas} gas\n`,
    );
  }
  return exitFor(r.verdict);
}

function warnUnsupported(native: Parameters<typeof unsupportedOpcodes>[0], io: Io): void {
  const ops = unsupportedOpcodes(native);
  if (ops.length > 0) {
    io.stderr(
      `iso-hv: warning: the message calls MODEXP or sends value to a precompile with ${ops.map(recordOpcodeName).join(', ')}, ` +
        'which this hypervisor version does not execute: expect UNSUPPORTED_OPCODE (64)\n',
    );
  }
}

/**
 * run --case for a message that makes calls: one honest witness per frame of the message tree (lib/native/tree.ts),
 * each verified, and the link check (lib/native/links.ts). One row per frame: depth, path, to, native gas,
 * verification gas, verdict. Valid only if every frame is valid and every link holds; an invalid frame or a broken
 * link exits 1, a frame without a verdict 3.
 */
async function runTree(ctx: MessageContext, c: MessageCase, build: BuildOptions, json: boolean, io: Io): Promise<number> {
  const tree = await buildFrameWitnesses(ctx, { check: false });
  for (const f of tree.frames) {
    const ops = f.unsupported;
    if (ops.length > 0) {
      io.stderr(
        `iso-hv: warning: frame ${formatPath(f.path)} calls MODEXP or sends value to a precompile with ${ops.map(recordOpcodeName).join(', ')}, ` +
          'which this hypervisor version does not execute: expect UNSUPPORTED_OPCODE (64)\n',
      );
    }
  }
  const results = await verifyFiles(tree.frames.map((f) => f.file), build);
  const broken = checkTransaction(tree.frames, { transfers: tree.transfers });
  const native = tree.frames[0]!.native;
  const e = c.expected;
  const differences = e === undefined ? [] : differencesFromExpected(e, native);
  const verdicts = results.map((r) => r.verdict);
  const exit = verdicts.some((v) => v.kind === 'invalid') || broken.length > 0 ? EXIT_INVALID : verdicts.every((v) => v.kind === 'valid') ? EXIT_VALID : EXIT_NO_VERDICT;
  const links = tree.frames.length - 1;
  if (json) {
    io.stdout(
      `${JSON.stringify({
        ...(c.name !== undefined ? { case: c.name } : {}),
        native: { status: native.status, gasUsed: native.gasUsed.toString(), returndata: native.returndata },
        ...(e !== undefined ? { expectedMatches: differences.length === 0, differences } : {}),
        frames: tree.frames.map((f, i) => ({
          path: f.path,
          depth: f.depth,
          to: f.file.witness.to,
          status: f.native.status,
          gasUsed: f.native.gasUsed.toString(),
          verdict: verdictJson(results[i]!.verdict),
          hypervisorGas: results[i]!.hypervisorGas.toString(),
        })),
        links: { count: links, hold: broken.length === 0, broken: broken.map((b) => b.message) },
        valid: exit === EXIT_VALID,
      })}\n`,
    );
    return exit;
  }
  const rows = tree.frames.map((f, i) => [String(f.depth), formatPath(f.path), f.file.witness.to, `${STATUS_NAMES[f.native.status]}`, String(f.native.gasUsed), String(results[i]!.hypervisorGas), formatVerdict(results[i]!.verdict)]);
  const head = ['depth', 'path', 'to', 'native', 'native gas', 'verification gas', 'verdict'];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]): string => `  ${cells.map((x, k) => (k === cells.length - 1 ? x : x.padEnd(widths[k]!))).join('  ')}\n`;
  io.stdout(
    (c.name !== undefined ? `case:        ${c.name}\n` : '') +
      `native:      ${STATUS_NAMES[native.status]} (status ${native.status}), gasUsed ${native.gasUsed}` +
      `${native.error && native.status !== 1 ? ` (${native.error})` : ''}\n` +
      `returndata:  ${native.returndata}\n` +
      (e !== undefined ? `expected:    ${differences.length === 0 ? 'matches the case' : differences.join('; ')}\n` : '') +
      `frames:      ${tree.frames.length} (the message tree, in execution order)\n` +
      line(head) +
      rows.map(line).join('') +
      `links:       ${broken.length === 0 ? `all ${links} hold` : `${broken.length} broken`}\n` +
      broken.map((b) => `  ${b.message}\n`).join('') +
      `verdict:     ${exit === EXIT_VALID ? 'valid (every frame valid, every link holds)' : exit === EXIT_INVALID ? 'invalid' : 'no verdict'}\n`,
  );
  return exit;
}
