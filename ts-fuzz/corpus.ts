/**
 * Corpus files: one JSON file per finding in ts-fuzz/corpus/, replayable on its own (the witness,
 * its code and raw calldata are stored as given to the hypervisor; the spec lets the fuzzer
 * regenerate and re-shrink it).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeRevmOutcome } from '../lib/forge/index.ts';
import type { MessageContext, NativeOutcome } from '../lib/native/index.ts';
import { encodeWitness, formatVerdict, witnessFromJson, witnessToJson, type Hex, type WitnessFile, type WitnessJson } from '../lib/witness/index.ts';
import type { EngineName } from './engines.ts';
import type { ItemOutcome } from './evaluate.ts';
import type { FindingKind, Judgement } from './oracle.ts';
import type { Expectation, PreparedCase } from './prepare.ts';
import { disassemble, instructionCount } from './program.ts';
import { fromJson, toJson, type CaseSpec } from './spec.ts';

export const CORPUS_FORMAT = 'iso-hypervisor-fuzz-finding/1';
export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));
/** Findings made against a build with --constants (injected faults) go here, not into the replayed corpus. */
export const INJECTED_DIR = path.join(CORPUS_DIR, 'injected');

export interface NativeJson {
  status: number | 'unknown';
  gasUsed: string;
  returndata: Hex;
  error?: string;
}

export interface CorpusEntry {
  format: typeof CORPUS_FORMAT;
  kind: FindingKind;
  signature: string;
  detail: string;
  role: 'honest' | 'mutant';
  found: {
    seed: number;
    index: number;
    engine: EngineName;
    constants: Record<string, string>;
    date: string;
    shrinkSteps: number;
    shrinkEvaluations: number;
    /** sha256 of the hypervisor's Huff sources (every .huff file under src/) the finding was made with. */
    hypervisorSource: string;
    /** Cases of the campaign that showed the same signature when this file was written. */
    repeats?: number;
  };
  /**
   * When the finding was the oracle's mistake rather than the hypervisor's: what was wrong and what changed (`expect`
   * then holds the corrected expectation, which the replay checks).
   */
  resolution?: string;
  /** What the hypervisor owed this witness, and what it said. */
  expect: Expectation;
  verdict: string;
  /** The witness verified (JSON form of lib/witness, `code` = the archived guest code). */
  witness: WitnessJson;
  /** Exactly what the hypervisor was given (its calldata): encodeWitness(witness), or a corrupted encoding. */
  rawWitness: Hex;
  /** The honest message context the case was generated from. */
  context: Record<string, string | boolean>;
  native: { ethereumjs?: NativeJson; revm?: NativeJson };
  program: { instructions: number; disassembly: string };
  spec: unknown;
}

const nativeJson = (o: NativeOutcome): NativeJson => ({ status: o.status, gasUsed: o.gasUsed.toString(), returndata: o.returndata, ...(o.error ? { error: o.error } : {}) });
const revmJson = (o: NativeRevmOutcome): NativeJson => ({ status: o.status, gasUsed: o.gasUsed.toString(), returndata: o.returndata, ...(o.reason ? { error: o.reason } : {}) });

export function contextJson(c: MessageContext): Record<string, string | boolean> {
  return {
    code: c.code, calldata: c.calldata, callvalue: c.callvalue.toString(), gasAvailable: c.gasAvailable.toString(), caller: c.caller,
    origin: c.origin, to: c.to, context: c.context, gasPrice: c.gasPrice.toString(), isStatic: c.isStatic,
  };
}

let fingerprint: string | undefined;
/** sha256 over the hypervisor's Huff sources (paths and contents), computed once per process. */
export function sourceFingerprint(): string {
  if (fingerprint) return fingerprint;
  const root = fileURLToPath(new URL('../src/', import.meta.url));
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const f of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, f.name);
      if (f.isDirectory()) walk(p);
      else if (f.name.endsWith('.huff')) files.push(p);
    }
  };
  walk(root);
  const h = createHash('sha256');
  for (const f of files.sort()) h.update(path.relative(root, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  fingerprint = h.digest('hex').slice(0, 16);
  return fingerprint;
}

export interface EntryInput {
  judgement: Judgement;
  spec: CaseSpec;
  prepared?: PreparedCase;
  item?: ItemOutcome;
  seed: number;
  index: number;
  engine: EngineName;
  constants: Record<string, string>;
  shrinkSteps: number;
  shrinkEvaluations: number;
  repeats?: number;
}

export function makeEntry(x: EntryInput): CorpusEntry {
  const file: WitnessFile | undefined = x.item?.item.file ?? x.prepared?.items[0]?.file;
  const code = file?.code ?? x.prepared?.code ?? '0x';
  return {
    format: CORPUS_FORMAT,
    kind: x.judgement.kind,
    signature: x.judgement.signature,
    detail: x.judgement.detail,
    role: x.judgement.role,
    found: {
      seed: x.seed, index: x.index, engine: x.engine, constants: x.constants, date: new Date().toISOString(), hypervisorSource: sourceFingerprint(),
      shrinkSteps: x.shrinkSteps, shrinkEvaluations: x.shrinkEvaluations, ...(x.repeats !== undefined ? { repeats: x.repeats } : {}),
    },
    expect: x.item?.item.expect ?? { verdict: 'any', why: 'no witness (harness error)' },
    verdict: x.item ? formatVerdict(x.item.result.verdict) : 'none',
    witness: file ? witnessToJson(file) : ({ code } as WitnessJson),
    rawWitness: x.item?.item.raw ?? (file ? encodeWitness(file.witness) : '0x'),
    context: x.prepared ? contextJson(x.prepared.context) : {},
    native: {
      ...(x.item?.item.native ? { ethereumjs: nativeJson(x.item.item.native) } : {}),
      ...(x.item?.result.revmNative ? { revm: revmJson(x.item.result.revmNative) } : {}),
    },
    program: { instructions: instructionCount(code), disassembly: disassemble(code) },
    spec: toJson(x.spec),
  };
}

/** Writes the entry as `<kind>-<hash>.json`; returns the path. Same content → same file name. */
export function saveEntry(dir: string, e: CorpusEntry): string {
  fs.mkdirSync(dir, { recursive: true });
  const key = JSON.stringify({ s: e.signature, w: e.witness, r: e.rawWitness ?? null });
  const name = `${e.kind}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}.json`;
  const p = path.join(dir, name);
  // written whole or not at all (a campaign may be killed at any moment)
  const tmp = path.join(dir, `.${name}.tmp-${process.pid}`);
  fs.writeFileSync(tmp, `${JSON.stringify(e, null, 2)}\n`);
  fs.renameSync(tmp, p);
  return p;
}

export function loadEntry(p: string): CorpusEntry {
  const e = JSON.parse(fs.readFileSync(p, 'utf8')) as CorpusEntry;
  if (e.format !== CORPUS_FORMAT) throw new Error(`${p}: not a corpus file (format ${String(e.format)})`);
  return e;
}

/** The corpus files directly in `dir` (not in subdirectories such as injected/). */
export function listCorpus(dir: string = CORPUS_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * The witness of an entry. Leniently: a record whose fields lib/witness's JSON reader refuses
 * (an opcode above 0xff, say: a mutation the fuzzer makes on purpose) is taken as written.
 */
export function entryWitness(e: CorpusEntry): WitnessFile {
  const records = e.witness.state_access_list ?? [];
  const file = witnessFromJson({ ...e.witness, state_access_list: [] });
  file.witness.state_access_list = records.map((r) => ({ opcode: Number(r.opcode), data: r.data }));
  return file;
}

export function entrySpec(e: CorpusEntry): CaseSpec {
  return fromJson<CaseSpec>(e.spec);
}
