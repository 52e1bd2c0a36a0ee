import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildAbi, type AbiItem } from './abi.js';
import { toHex } from './bytes.js';
import { generate } from './codegen.js';
import { assignStoragePointers, buildContract } from './contract.js';
import { fail } from './errors.js';
import { loadSources, type SourceHost } from './includes.js';
import { DEFAULT_EVM_VERSION, EVM_VERSIONS, type EvmVersion } from './opcodes.js';

export { HuffError } from './errors.js';
export type { SourcePos } from './errors.js';
export type { AbiItem, AbiParam, AbiFunction, AbiEvent, AbiError } from './abi.js';
export { EVM_VERSIONS, DEFAULT_EVM_VERSION, parseEvmVersion } from './opcodes.js';
export type { EvmVersion } from './opcodes.js';

export interface CompileOptions {
  /** Entry file path (relative paths are resolved against the cwd, or are keys of `files`). */
  readonly entry: string;
  /** Reads a file by absolute path; defaults to the file system. Return undefined if missing. */
  readonly readFile?: (absPath: string) => string | undefined;
  /** In-memory sources keyed by path (relative keys such as `src/Main.huff`); replaces the file system. */
  readonly files?: Readonly<Record<string, string>>;
  /** Default `osaka` like hnc. */
  readonly evmVersion?: EvmVersion;
  /** `-c` overrides: NAME → `0x...` | `true` | `false`. */
  readonly constants?: Readonly<Record<string, string>>;
  /** Runtime entry macro (`-m`), default MAIN. */
  readonly mainMacro?: string;
  /** Constructor entry macro (`-t`), default CONSTRUCTOR. */
  readonly constructorMacro?: string;
  /** Skip the 24576-byte runtime size check. */
  readonly noSizeLimit?: boolean;
  /**
   * hnc's `--relax-jumps`: a label reference whose target is below 256 is pushed with PUSH1
   * instead of PUSH2 (iterated to a fixed point). Default off.
   */
  readonly relaxJumps?: boolean;
}

export interface CompileResult {
  /** Runtime bytecode, lowercase hex without 0x. */
  readonly runtime: string;
  /** Constructor + bootstrap + runtime, lowercase hex without 0x. */
  readonly deploy: string;
  /** Constructor code alone (without the bootstrap). */
  readonly constructor: string;
  /** `#define function/event/error` declarations in flattened definition order. */
  readonly abi: AbiItem[];
}

function makeHost(o: CompileOptions): SourceHost {
  if (o.files) {
    const files = new Map<string, string>();
    for (const [k, v] of Object.entries(o.files)) files.set(path.normalize(k), v);
    return { key: (p) => path.normalize(p), read: (k) => files.get(k) };
  }
  const read =
    o.readFile ??
    ((abs: string): string | undefined => {
      try {
        return fs.readFileSync(abs, 'utf8');
      } catch {
        return undefined;
      }
    });
  return { key: (p) => path.resolve(p), read };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses a `-c` value: `0x` + hex digits, `true` or `false`. Returns the digits. */
export function parseOverrideValue(name: string, value: string): string {
  if (!IDENT.test(name)) throw new Error(`invalid constant name "${name}" in override`);
  if (value === 'true') return '01';
  if (value === 'false') return '00';
  const m = /^0x([0-9a-fA-F]+)$/.exec(value);
  if (!m) throw new Error(`invalid value "${value}" for constant ${name}: expected 0x-prefixed hex, true or false`);
  if (m[1]!.length > 64) throw new Error(`value for constant ${name} is longer than 32 bytes`);
  return m[1]!.toLowerCase();
}

/** Compiles a Huff program. Throws HuffError (`file:line:col: message`) on any compile error. */
export function compile(o: CompileOptions): CompileResult {
  const evm = o.evmVersion ?? DEFAULT_EVM_VERSION;
  if (!(EVM_VERSIONS as readonly string[]).includes(evm)) throw new Error(`unknown evm version "${evm}"`);
  const host = makeHost(o);
  const files = loadSources(o.entry, host);
  const contract = buildContract(files);
  assignStoragePointers(contract);
  const entryPos = { file: files[files.length - 1]!.path, line: 1, col: 1 };
  for (const [name, value] of Object.entries(o.constants ?? {})) {
    let digits: string;
    try {
      digits = parseOverrideValue(name, value);
    } catch (e) {
      fail(entryPos, (e as Error).message);
    }
    const prev = contract.constants.get(name);
    if (prev) prev.value = { k: 'hex', digits };
    else contract.constants.set(name, { name, value: { k: 'hex', digits }, pos: entryPos });
  }
  const g = generate(contract, {
    evm,
    mainName: o.mainMacro ?? 'MAIN',
    constructorName: o.constructorMacro ?? 'CONSTRUCTOR',
    constructorRequired: o.constructorMacro !== undefined,
    noSizeLimit: o.noSizeLimit ?? false,
    relaxJumps: o.relaxJumps ?? false,
    entryPos,
  });
  const runtime = toHex(g.runtime);
  const ctor = toHex(g.constructor);
  return { runtime, deploy: ctor + toHex(g.bootstrap) + runtime, constructor: ctor, abi: buildAbi(contract.abi) };
}
