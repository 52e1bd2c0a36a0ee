/**
 * Writes the TypeScript and Solidity mirrors of the hypervisor's Huff constants, read through the
 * Huff compiler (lib/huff-constants.ts), so that each number has one source:
 *
 *   src/hypervisor/WitnessLayout.huff  → lib/witness/layout.ts        (WITNESS_LAYOUT)
 *                                        test/utils/WitnessLayout.sol (library WitnessLayout)
 *   src/hypervisor/Errors.huff         → lib/witness/error-codes.ts   (ERROR_CODES, ERROR_SIGNATURES)
 *                                        test/utils/WitnessErrors.sol (library WitnessErrors)
 *   src/hypervisor/MemoryLayout.huff   → lib/hypervisor/layout.ts     (MEMORY_LAYOUT)
 *   src/hypervisor/Setup.huff (archive constants) → lib/hypervisor/layout.ts (ARCHIVE_LAYOUT)
 *                                        test/utils/ArchiveLayout.sol (library ArchiveLayout)
 *
 *   npm run gen:layouts                  (re)write the files
 *   npx tsx scripts/gen-layouts.ts --check   exit 1 if a file on disk differs (scripts/gen-layouts.test.ts)
 */
import * as path from 'node:path';
import { readHuffConstantFile, type HuffConstantFile } from '../lib/huff-constants.ts';
import {
  generatedBanner,
  jsDoc,
  screamingCase,
  solidityLibrary,
  tsConstObject,
  type MirroredConstant,
} from './layouts/render.ts';
import { isMain, REPO_ROOT, runGenerator, type GeneratedFile } from './generated-files.ts';
/** The program whose namespace evaluates every constant. */
const PROGRAM = 'src/Hypervisor.huff';

const WITNESS_LAYOUT_HUFF = 'src/hypervisor/WitnessLayout.huff';
const ERRORS_HUFF = 'src/hypervisor/Errors.huff';
const MEMORY_LAYOUT_HUFF = 'src/hypervisor/MemoryLayout.huff';
const SETUP_HUFF = 'src/hypervisor/Setup.huff';
/** The constants of Setup.huff that describe ArchiveFactory's archives (the others are build inputs or masks). */
const ARCHIVE_CONSTANTS = ['ARCHIVE_PART_DATA_MAX'] as const;
/** The constant of Setup.huff that names the target fork's precompiles (lib/evm/precompiles.ts reads it). */
const PRECOMPILE_CONSTANTS = ['LAST_PRECOMPILE'] as const;
/** Errors.huff names its codes `E_<NAME>`; the mirrors call them `<NAME>`. */
const ERROR_PREFIX = 'E_';

const SOLIDITY_PREAMBLE = ['// SPDX-License-Identifier: MIT', 'pragma solidity ^0.8.24;', ''];

function read(file: string): HuffConstantFile {
  return readHuffConstantFile(path.join(REPO_ROOT, file), { program: path.join(REPO_ROOT, PROGRAM) });
}

function asIs(f: HuffConstantFile): MirroredConstant[] {
  return f.constants.map((c) => ({ ...c, mirrorName: c.name }));
}

function withoutPrefix(f: HuffConstantFile, prefix: string): MirroredConstant[] {
  return f.constants.map((c) => {
    if (!c.name.startsWith(prefix)) throw new Error(`${f.path}:${c.line}: ${c.name} does not start with ${prefix}`);
    return { ...c, mirrorName: c.name.slice(prefix.length) };
  });
}

function only(f: HuffConstantFile, names: readonly string[]): MirroredConstant[] {
  return names.map((n) => {
    const c = f.constants.find((x) => x.name === n);
    if (!c) throw new Error(`${f.path} defines no constant ${n}`);
    return { ...c, mirrorName: n };
  });
}

/** `InvalidWitness(uint256,...)` → `InvalidWitness`. */
const errorName = (signature: string): string => signature.slice(0, signature.indexOf('('));
/** `InvalidWitness` → `INVALID_WITNESS`. */

const text = (lines: readonly string[]): string => `${lines.join('\n')}\n`;

function witnessLayoutTs(f: HuffConstantFile): string {
  return text([
    generatedBanner([WITNESS_LAYOUT_HUFF]),
    ...tsConstObject('WITNESS_LAYOUT', f.header, asIs(f)),
    '',
    'export type WitnessLayoutName = keyof typeof WITNESS_LAYOUT;',
    '',
    `/** Smallest canonical witness size in bytes (${Number(f.constants.find((c) => c.name === 'W_MIN_SIZE')!.value)}). */`,
    'export const MIN_WITNESS_SIZE: number = WITNESS_LAYOUT.W_MIN_SIZE;',
  ]);
}

function errorCodesTs(f: HuffConstantFile): string {
  return text([
    generatedBanner([ERRORS_HUFF]),
    ...tsConstObject('ERROR_CODES', [...f.header, '', `InvalidWitness codes by name (Errors.huff \`${ERROR_PREFIX}<NAME>\`).`], withoutPrefix(f, ERROR_PREFIX)),
    '',
    'export type ErrorName = keyof typeof ERROR_CODES;',
    '',
    ...jsDoc(['Canonical signatures of the errors the hypervisor reverts with (Errors.huff `#define error`).'], ''),
    'export const ERROR_SIGNATURES = {',
    ...f.errorSignatures.map((s) => `  ${errorName(s)}: '${s}',`),
    '} as const;',
  ]);
}

function hypervisorLayoutTs(memory: HuffConstantFile, setup: HuffConstantFile): string {
  return text([
    generatedBanner([MEMORY_LAYOUT_HUFF, SETUP_HUFF]),
    ...tsConstObject('MEMORY_LAYOUT', memory.header, asIs(memory)),
    '',
    ...tsConstObject(
      'ARCHIVE_LAYOUT',
      ['The archive format the hypervisor reads (Setup.huff), as src/ArchiveFactory.sol writes it.'],
      only(setup, ARCHIVE_CONSTANTS),
    ),
    '',
    ...tsConstObject(
      'PRECOMPILE_LAYOUT',
      ['The precompiles of the target fork (Setup.huff): every address from 0x01 to LAST_PRECOMPILE.'],
      only(setup, PRECOMPILE_CONSTANTS),
    ),
  ]);
}

function witnessLayoutSol(f: HuffConstantFile): string {
  return text([generatedBanner([WITNESS_LAYOUT_HUFF]), ...SOLIDITY_PREAMBLE, ...solidityLibrary('WitnessLayout', f.header, asIs(f))]);
}

function witnessErrorsSol(f: HuffConstantFile): string {
  const signatures = f.errorSignatures.flatMap((s) => [
    `    /// Signature of the hypervisor's \`${errorName(s)}\` error.`,
    `    string internal constant ${screamingCase(errorName(s))}_SIGNATURE = "${s}";`,
  ]);
  const nameOf = [
    '    /// The name of a code, or "UNKNOWN".',
    '    function name(uint256 code) internal pure returns (string memory) {',
    '        (string[] memory names, uint256[] memory codes) = all();',
    '        for (uint256 i = 0; i < codes.length; i++) {',
    '            if (codes[i] == code) return names[i];',
    '        }',
    '        return "UNKNOWN";',
    '    }',
  ];
  return text([
    generatedBanner([ERRORS_HUFF]),
    ...SOLIDITY_PREAMBLE,
    ...solidityLibrary('WitnessErrors', f.header, withoutPrefix(f, ERROR_PREFIX), [...signatures, '', ...nameOf]),
  ]);
}

function archiveLayoutSol(setup: HuffConstantFile): string {
  return text([
    generatedBanner([SETUP_HUFF]),
    ...SOLIDITY_PREAMBLE,
    ...solidityLibrary(
      'ArchiveLayout',
      ['The archive format the hypervisor reads (Setup.huff), as src/ArchiveFactory.sol writes it.'],
      only(setup, ARCHIVE_CONSTANTS),
    ),
  ]);
}

/** Every generated file: repo-relative path → content. */
export function renderLayouts(): Map<string, string> {
  const witness = read(WITNESS_LAYOUT_HUFF);
  const errors = read(ERRORS_HUFF);
  const memory = read(MEMORY_LAYOUT_HUFF);
  const setup = read(SETUP_HUFF);
  return new Map([
    ['lib/witness/layout.ts', witnessLayoutTs(witness)],
    ['lib/witness/error-codes.ts', errorCodesTs(errors)],
    ['lib/hypervisor/layout.ts', hypervisorLayoutTs(memory, setup)],
    ['test/utils/WitnessLayout.sol', witnessLayoutSol(witness)],
    ['test/utils/WitnessErrors.sol', witnessErrorsSol(errors)],
    ['test/utils/ArchiveLayout.sol', archiveLayoutSol(setup)],
  ]);
}

/** The generated files, as the shared generator driver takes them (rendered together: the Huff sources are read once). */
function generatedFiles(): GeneratedFile[] {
  return [...renderLayouts()].map(([file, content]) => ({ path: file, render: () => content }));
}

if (isMain(import.meta.url)) runGenerator(generatedFiles(), 'npm run gen:layouts');
