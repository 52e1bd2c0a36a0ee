/**
 * iso-hv: run and verify EVM message witnesses (see USAGE in ./args.ts).
 * Entry point: bin/iso-hv.mjs → main(process.argv.slice(2)).
 */
import * as fs from 'node:fs';
import { keccak256 } from 'viem';
import { verifyBatch, type BatchResult } from '../lib/forge/index.ts';
import {
  buildHonestWitness,
  contextOfCase,
  defaultContext,
  differencesFromExpected,
  messageCaseFromJson,
  recordOpcodeName,
  unsupportedOpcodes,
  type MessageCase,
  type MessageContext,
} from '../lib/native/index.ts';
import { formatVerdict, stringifyWitness, witnessFromJson, type Verdict, type WitnessFile } from '../lib/witness/index.ts';
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
  const hypervisorSource = build.hypervisor ?? process.env.ISO_HV_SOURCE ?? 'Hypervisor';
  const [r] = await verifyBatch([file], {
    hypervisorSource,
    constants: build.constants,
    ...(build.hvGas !== undefined ? { hypervisorGasLimit: build.hvGas } : {}),
  });
  return r!;
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
  try {
    if (cmd.kind === 'witness') {
      const ctx = contextOf(cmd.message);
      const { file, native } = await buildHonestWitness(ctx);
      warnUnsupported(native, ctx, io);
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

/** run: the native run, the honest witness, its verdict; with a case that states an outcome, the comparison too. */
async function runMessage(ctx: MessageContext, c: MessageCase | undefined, build: BuildOptions, json: boolean, io: Io): Promise<number> {
  const { file, native } = await buildHonestWitness(ctx);
  warnUnsupported(native, ctx, io);
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

function warnUnsupported(native: Parameters<typeof unsupportedOpcodes>[0], frame: { isStatic: boolean }, io: Io): void {
  const ops = unsupportedOpcodes(native, frame);
  if (ops.length > 0) {
    io.stderr(
      `iso-hv: warning: the message executes ${ops.map(recordOpcodeName).join(', ')}, which need access records ` +
        'this hypervisor version does not support: expect UNSUPPORTED_OPCODE (64)\n',
    );
  }
}
