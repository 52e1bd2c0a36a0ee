/**
 * Compiles Solidity with the repository's pinned solc-js (npm `solc`, 0.8.30) through standard JSON: optimizer on,
 * 200 runs, evmVersion prague (the settings of foundry.toml). Imports resolve against the repository root and
 * node_modules (`@openzeppelin/contracts/...`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Abi } from 'viem';
import type { Hex } from '../../lib/witness/types.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Solc {
  compile(input: string, callbacks?: { import: (p: string) => { contents: string } | { error: string } }): string;
  version(): string;
}

export interface CompiledContract {
  abi: Abi;
  /** Creation code. */
  bytecode: Hex;
  /** Runtime code. */
  deployedBytecode: Hex;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
}

let solc: Solc | undefined;
function loadSolc(): Solc {
  solc ??= createRequire(import.meta.url)('solc') as Solc;
  return solc;
}

/** The solc-js version string (e.g. 0.8.30+commit.73712a01.Emscripten.clang). */
export function solcVersion(): string {
  return loadSolc().version();
}

/** Reads an import: repository-relative first, then node_modules. */
function readImport(p: string): { contents: string } | { error: string } {
  for (const base of [REPO_ROOT, path.join(REPO_ROOT, 'node_modules')]) {
    const full = path.resolve(base, p);
    if (!full.startsWith(base + path.sep)) continue;
    if (existsSync(full)) return { contents: readFileSync(full, 'utf8') };
  }
  return { error: `not found: ${p}` };
}

/** Compiles the repository file `source` (e.g. 'bench/RealCalls.sol') and returns contract `name`. Throws on errors. */
export function compileSolidity(source: string, name: string): CompiledContract {
  return compileSolidityContracts(source, [name])[name]!;
}

/** Compiles the repository file `source` once and returns each of the contracts `names`. Throws on errors. */
export function compileSolidityContracts<N extends string>(source: string, names: readonly N[]): Record<N, CompiledContract> {
  const input = {
    language: 'Solidity',
    sources: { [source]: { content: readFileSync(path.join(REPO_ROOT, source), 'utf8') } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'prague',
      outputSelection: { [source]: Object.fromEntries(names.map((n) => [n, ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object']])) },
    },
  };
  const out = JSON.parse(loadSolc().compile(JSON.stringify(input), { import: readImport })) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc: ${source}:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const result = {} as Record<N, CompiledContract>;
  for (const name of names) {
    const c = out.contracts?.[source]?.[name];
    if (!c) throw new Error(`solc: ${source} has no contract ${name}`);
    result[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}`, deployedBytecode: `0x${c.evm.deployedBytecode.object}` };
  }
  return result;
}
