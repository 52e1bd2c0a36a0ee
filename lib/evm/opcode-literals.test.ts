/**
 * Opcode numbers live in lib/evm/opcodes.ts only: TypeScript and plain-JS sources elsewhere name an
 * opcode through `OP` (or derive sets from the table), never by its number. This test scans them for
 * the forms an opcode number takes in code: a `case 0x56:`, a comparison `op === 0x56` or
 * `op >= 0x60`, a number-name pair `[0x31, 'BALANCE']`, a constant named after an opcode
 * (`JUMPDEST = 0x5b`, `GAS_OPCODE = 0x5a`) and PUSH/DUP/SWAP/LOG base arithmetic (`0x5f + n`).
 * Bytecode written as hex strings is not concerned.
 *
 * Not scanned: lib/evm (the table and its assembler), the files generated from the table, and
 * huffc/ (a Huff compiler for every EVM version, with its own version-gated opcode table).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OPCODES } from './opcodes.ts';
import { GENERATED_FILES } from '../../scripts/gen-optable.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCANNED_DIRS = ['lib', 'ts-fuzz', 'scripts', 'cli', 'tools', 'bench', 'test', 'bin'];
const SKIPPED = new Set(['lib/evm', 'huffc', 'node_modules', ...GENERATED_FILES.map((f) => f.path)]);

const BYTE = '0x[0-9a-fA-F]{2}\\b';
const NAMES = OPCODES.filter((o) => o.kind !== 'undefined').map((o) => o.name).join('|');

/** Each form an opcode number takes in code, with what it looks like. */
export const OPCODE_LITERAL_FORMS: ReadonlyArray<{ form: string; pattern: RegExp }> = [
  { form: 'case label', pattern: new RegExp(`\\bcase\\s+${BYTE}`) },
  { form: 'equality', pattern: new RegExp(`[!=]==?\\s*${BYTE}|\\b${BYTE}\\s*[!=]==?`) },
  { form: 'opcode range comparison', pattern: new RegExp(`\\b(?:op|opcode)\\s*[<>]=?\\s*${BYTE}`) },
  { form: 'number-name pair', pattern: new RegExp(`\\[\\s*${BYTE}\\s*,\\s*['"][A-Z][A-Z0-9]*['"]`) },
  { form: 'constant named after an opcode', pattern: new RegExp(`\\b(?:${NAMES})\\s*[:=]\\s*${BYTE}|\\b(?:const|let)\\s+[A-Z0-9_]*OPCODE\\s*=\\s*${BYTE}`) },
  { form: 'opcode base arithmetic', pattern: new RegExp(`\\b0x(?:5f|60|7f|80|8f|90|9f|a0)\\s*[+-]\\s*[a-z(]`) },
];

export interface OpcodeLiteral {
  file: string;
  line: number;
  form: string;
  text: string;
}

/** The opcode-number forms in one source text. */
export function findOpcodeLiterals(file: string, text: string): OpcodeLiteral[] {
  const found: OpcodeLiteral[] = [];
  text.split('\n').forEach((line, i) => {
    for (const { form, pattern } of OPCODE_LITERAL_FORMS) {
      if (pattern.test(line)) found.push({ file, line: i + 1, form, text: line.trim() });
    }
  });
  return found;
}

function sources(dir: string): string[] {
  const rel = path.relative(ROOT, dir);
  if (SKIPPED.has(rel)) return [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    const relFile = path.relative(ROOT, full);
    return /\.(ts|mts|mjs|js)$/.test(name) && !SKIPPED.has(relFile) ? [relFile] : [];
  });
}

test('each form of an opcode number is recognised, and hex that is not an opcode is left alone', () => {
  const flagged = (line: string): string[] => findOpcodeLiterals('x.ts', line).map((f) => f.form);
  assert.deepEqual(flagged('    case 0x52: return 1;'), ['case label']);
  assert.deepEqual(flagged('if (op === 0x56 || 0x57 !== next) {'), ['equality']);
  assert.deepEqual(flagged('else if (op >= 0x60 && op <= 0x7f) pc++;'), ['opcode range comparison']);
  assert.deepEqual(flagged("  [0x31, 'BALANCE'],"), ['number-name pair']);
  assert.deepEqual(flagged('const JUMPDEST = 0x5b;'), ['constant named after an opcode']);
  assert.deepEqual(flagged('const GAS_OPCODE = 0x5a;'), ['constant named after an opcode']);
  assert.deepEqual(flagged('  MSTORE: 0x52, MLOAD: 0x51,'), ['constant named after an opcode']);
  assert.deepEqual(flagged('out.push(0x5f + n);'), ['opcode base arithmetic']);
  for (const fine of ["const code = '0x600156';", 'const mask = x & 0xff;', 'W_TUPLE_OFFSET: 0x00,', 'UNSUPPORTED_OPCODE: 0x40,', '(first byte >= 0x10)', 'setWord(base, 0x40n)', 'if (c < 0x20) return;']) {
    assert.deepEqual(flagged(fine), [], fine);
  }
});

test('no TypeScript or JavaScript source outside lib/evm writes an opcode number', () => {
  const files = SCANNED_DIRS.flatMap((d) => sources(path.join(ROOT, d)));
  assert.ok(files.includes('ts-fuzz/program.ts') && files.includes('test/utils/asm.mjs'), 'the scan reaches the sources');
  const found = files.flatMap((f) => findOpcodeLiterals(f, readFileSync(path.join(ROOT, f), 'utf8')));
  assert.deepEqual(found.map((f) => `${f.file}:${f.line} (${f.form}) ${f.text}`), []);
});
