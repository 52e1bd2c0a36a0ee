/**
 * Writes the opcode tables derived from lib/evm/opcodes.ts (the single source of opcode facts):
 *   src/hypervisor/OpTable.huff   the hypervisor's handler, fusion and meta tables;
 *   test/utils/Opcodes.sol        a Solidity library of opcode numbers, for Forge tests;
 *   test/utils/opcodes.mjs        the same numbers for plain-node tools (test/utils/asm.mjs);
 *   docs/opcodes.md               the instruction set as the hypervisor executes it, one row per opcode.
 * `--check` exits 1 if a file on disk differs from what would be written (used by the tests).
 */
import { fusedHandler, OPCODES, PUSH_FUSIONS } from '../lib/evm/opcodes.ts';
import { isMain, runGenerator, type GeneratedFile } from './generated-files.ts';

export type { GeneratedFile };

const GENERATOR = 'scripts/gen-optable.ts';
const FROM = 'lib/evm/opcodes.ts';

/** Meta word layout (src/hypervisor/Analysis.huff reads it): bit 0 "rare" (JUMPDEST, GAS, PUSHn or ending the block: the
 * analysis leaves its plain path), bits 1-6 the immediate size n, bit 7 ends the block, bits 8-12 pops, bits 13-31 the
 * signed 19-bit delta (pushes - pops) * 8192 + gas, added to the analysis's (height << 13 | gas) accumulator. */
export const META_DELTA_SHIFT = 13;
export const META_HEIGHT_UNIT = 8192;
/** The analysis keeps a block's static gas below META_HEIGHT_UNIT (the entry's 13-bit gas field): a block holds at most
 * 64 instructions, so 63 that do not end it and one that does must stay below it. */
export function maxBlockGas(): number {
  const defined = OPCODES.filter((o) => o.kind !== 'undefined');
  const inside = Math.max(...defined.filter((o) => !o.endsBlock).map((o) => o.gas));
  const ending = Math.max(...defined.filter((o) => o.endsBlock).map((o) => o.gas));
  return 63 * inside + ending;
}

/** The accumulator delta (pushes - pops) * META_HEIGHT_UNIT + gas shared by PUSH1-PUSH32 (throws if they differ). */
export function pushAccDelta(): number {
  const deltas = new Set(OPCODES.filter((o) => o.immediate > 0).map((o) => (o.pushes - o.pops) * META_HEIGHT_UNIT + o.gas));
  if (deltas.size !== 1) throw new Error('pushAccDelta: PUSH1-PUSH32 do not share one accumulator delta');
  return [...deltas][0]!;
}

/** The accumulator delta of JUMPDEST, which is its gas (throws if JUMPDEST moved an item: the analysis uses it as gas). */
export function jumpdestAccDelta(): number {
  const o = OPCODES[0x5b]!;
  if (o.name !== 'JUMPDEST' || o.pops !== 0 || o.pushes !== 0) throw new Error('jumpdestAccDelta: 0x5b is not a JUMPDEST that moves no item');
  return o.gas;
}

/** Meta word of one opcode (see META_DELTA_SHIFT). */
export function metaWord(i: number): number {
  const o = OPCODES[i]!;
  // GAS is rare: the analysis gives a GAS inside a block its own handler and the gas to add back
  const rare = o.name === 'JUMPDEST' || o.name === 'GAS' || o.immediate > 0 || o.endsBlock;
  const delta = (o.pushes - o.pops) * META_HEIGHT_UNIT + o.gas;
  if (o.gas >= 256 || o.pops > 31 || o.immediate > 63) throw new Error(`metaWord: ${o.name} does not fit the meta word`);
  return (((delta & 0x7ffff) << META_DELTA_SHIFT) | (o.pops << 8) | ((o.endsBlock ? 1 : 0) << 7) | (o.immediate << 1) | (rare ? 1 : 0)) >>> 0;
}

/** FIRST_INFO layout (src/hypervisor/MemoryLayout.huff): the check of an opcode run as a block of its own. */
export const FIRST_GAS_SHIFT = 12;
export const FIRST_E_SHIFT = 20;
/** The need and E fields' bias (MemoryLayout.huff HEIGHT_FIELD_BIAS). */
export const HEIGHT_FIELD_BIAS = 0x800;

/** The check part of a FIRST_INFO word (MemoryLayout.huff FIRST_CHECK_MASK). */
export const FIRST_CHECK_MASK = (1 << FIRST_E_SHIFT) - 1;

/** FIRST_INFO word of one opcode: pops + bias | gas << 12 | (pushes + bias) << 20. */
export function firstInfoWord(i: number): number {
  const o = OPCODES[i]!;
  if (o.gas >= 1 << (FIRST_E_SHIFT - FIRST_GAS_SHIFT)) throw new Error(`firstInfoWord: ${o.name}'s gas does not fit the FIRST_INFO word`);
  return ((o.pops + HEIGHT_FIELD_BIAS) | (o.gas << FIRST_GAS_SHIFT) | ((o.pushes + HEIGHT_FIELD_BIAS) << FIRST_E_SHIFT)) >>> 0;
}

/** The PUSH widths with a first-reach handler of their own (FirstReach.huff PUSH_FROM_CODE); the others share one. */
const FIRST_PUSH_WIDTHS: readonly number[] = [1, 2, 4, 32];

/** The handler of an opcode's first reach (FirstReach.huff): its block-start handler, except for the opcodes whose
 * block-start handler reads what only the analysis writes (PUSHn data after the entry, GAS's block info) or that run
 * a JUMPDEST run at once. */
export function firstHandler(i: number): string {
  const o = OPCODES[i]!;
  if (o.immediate > 0) return FIRST_PUSH_WIDTHS.includes(o.immediate) ? `op_push${o.immediate}_first` : 'op_push_first';
  if (o.name === 'GAS') return 'op_gas_first';
  if (o.name === 'JUMPDEST') return 'op_jumpdest_first';
  return o.handler;
}

const hexByte = (code: number): string => `0x${code.toString(16).padStart(2, '0')}`;
const DEFINED = OPCODES.filter((o) => o.kind !== 'undefined');

/** A `jumptable__packed` of 256 handler labels, indexed by opcode, eight to a line. */
function packedTable(name: string, handlerOf: (code: number) => string): string[] {
  const lines = [`#define jumptable__packed ${name} {`];
  for (let i = 0; i < 256; i += 8) lines.push('    ' + Array.from({ length: 8 }, (_, j) => handlerOf(i + j)).join(' '));
  return [...lines, '}', ''];
}

/** A `table` of 256 four-byte words, indexed by opcode, eight to a line with the first opcode of each. */
function wordTable(name: string, wordOf: (code: number) => number): string[] {
  const lines = [`#define table ${name} {`];
  for (let i = 0; i < 256; i += 8) {
    const words = Array.from({ length: 8 }, (_, j) => '0x' + wordOf(i + j).toString(16).padStart(8, '0'));
    lines.push(`    ${words.join(' ')} // ${hexByte(i)}`);
  }
  return [...lines, '}', ''];
}

export function renderOpTable(): string {
  const fused = new Set<string>(PUSH_FUSIONS);
  const lines: string[] = [];
  lines.push(`/// Opcode tables of the hypervisor. GENERATED by ${GENERATOR} from ${FROM}: do not edit.`);
  lines.push('///');
  lines.push('/// OP_HANDLERS: 256 packed 2-byte handler addresses, indexed by opcode.');
  lines.push('/// OP_META: 256 4-byte words, indexed by opcode: bit 0 rare (JUMPDEST, PUSHn or block end), bits 1-6 immediate size,');
  lines.push('/// bit 7 ends the block, bits 8-12 pops, bits 13-31 signed delta (pushes - pops) * 8192 + gas.');
  lines.push('');
  lines.push(...packedTable('OP_HANDLERS', (i) => OPCODES[i]!.handler));
  for (const n of [1, 2] as const) {
    lines.push(`/// FUSE_PUSH${n}: handler of PUSH${n} inside a block followed by the indexed opcode in the same block: fused, or`);
    lines.push(`/// op_push${n}e (the data in the entry, Analysis.huff); the STOP row (0x00) is never fused.`);
    lines.push(...packedTable(`FUSE_PUSH${n}`, (i) => (fused.has(OPCODES[i]!.name) ? fusedHandler(n, OPCODES[i]!.name) : `op_push${n}e`)));
  }
  if (fused.has('STOP')) throw new Error('renderOpTable: the analysis looks up FUSE_PUSHn row 0x00 (STOP) for a PUSH that is never fused');
  lines.push('/// The analysis accumulator delta of every PUSH1-PUSH32 (one item, no pops, its gas): OP_META\'s delta of each.');
  lines.push(`#define constant PUSH_ACC_DELTA = 0x${pushAccDelta().toString(16)}`);
  lines.push('/// The analysis accumulator delta of JUMPDEST: its gas, as it moves no item (OP_META\'s delta of 0x5b).');
  lines.push(`#define constant JUMPDEST_ACC_DELTA = 0x${jumpdestAccDelta().toString(16)}`);
  // a first reach of a JUMPDEST charges the JUMPDESTs after it one gas each (FirstReach.huff, jdf_end)
  if (jumpdestAccDelta() !== 1) throw new Error('renderOpTable: op_jumpdest_first charges the JUMPDESTs of a run one gas each');
  lines.push('/// The check part of JUMPDEST\'s FIRST_INFO word (gas << 12 | pops + 0x800), for a JUMPDEST first reached by a jump.');
  lines.push(`#define constant JUMPDEST_FIRST_CHECK = 0x${(firstInfoWord(0x5b) & FIRST_CHECK_MASK).toString(16)}`);
  lines.push('/// JUMPDEST\'s gas as MEM_STATE counts it (gas << 12): what a first reach charges the second JUMPDEST of a run of two.');
  lines.push(`#define constant JUMPDEST_STATE_GAS = 0x${(OPCODES[0x5b]!.gas << FIRST_GAS_SHIFT).toString(16)}`);
  lines.push('');
  if (maxBlockGas() >= META_HEIGHT_UNIT) throw new Error(`renderOpTable: a block's static gas (up to ${maxBlockGas()}) would reach the analysis's height field`);
  lines.push('/// FIRST_HANDLERS: handler of an instruction\'s first reach, indexed by opcode (FirstReach.huff).');
  lines.push(...packedTable('FIRST_HANDLERS', firstHandler));
  lines.push('/// FIRST_INFO: 256 4-byte words, indexed by opcode: its check as a block of its own (MemoryLayout.huff): bits 0-11');
  lines.push('/// pops + 0x800, bits 12-19 gas, bits 20-31 pushes + 0x800.');
  lines.push(...wordTable('FIRST_INFO', firstInfoWord));
  lines.push(...wordTable('OP_META', metaWord));
  return lines.join('\n');
}

/** test/utils/Opcodes.sol: `Opcodes.MSTORE` is 0x52 in Solidity. */
export function renderOpcodesSol(): string {
  const lines = [
    `// GENERATED by ${GENERATOR} from ${FROM}: do not edit.`,
    '// SPDX-License-Identifier: MIT',
    'pragma solidity ^0.8.24;',
    '',
    '/// The number of every opcode defined on Prague, by name, for tests that compare opcodes.',
    'library Opcodes {',
    ...DEFINED.map((o) => `    uint8 internal constant ${o.name} = ${hexByte(o.code)};`),
    '}',
    '',
  ];
  return lines.join('\n');
}

/** test/utils/opcodes.mjs: the same map for plain node scripts that cannot import TypeScript. */
export function renderOpcodesMjs(): string {
  const lines = [
    `// GENERATED by ${GENERATOR} from ${FROM}: do not edit.`,
    '/** The number of every opcode defined on Prague, by name. */',
    'export const OPCODES = Object.freeze({',
    ...DEFINED.map((o) => `  ${o.name}: ${hexByte(o.code)},`),
    '});',
    '',
  ];
  return lines.join('\n');
}

/** docs/opcodes.md: one row per defined opcode, from the table's own fields. */
export function renderOpcodesDoc(): string {
  const what = (o: (typeof OPCODES)[number]): string => {
    const inStatic = o.inStaticFrame === 'halts' ? '; halts in a static frame' : o.inStaticFrame === 'haltsWithValue' ? '; halts in a static frame when it sends value' : '';
    if (o.kind === 'recorded') return `record \`${o.recordKind}\`${inStatic}`;
    return o.field === 'none' ? '' : `message field \`${o.field}\``;
  };
  const lines = [
    `<!-- GENERATED by ${GENERATOR} from ${FROM}: do not edit (npm run gen:optable). -->`,
    '# Instruction set',
    '',
    'Every opcode defined on Prague, as the hypervisor executes it: the handler and the file of',
    '`src/hypervisor/instructions/` it lives in, the static gas (charged per basic block, docs/gas.md), the',
    "rule of the gas its handler charges on top (docs/gas.md, \"How guest gas is charged\"), the operands it pops (top of the",
    'stack first) and what it reads from outside the frame (a message field of the witness, or an access record',
    'kind, docs/witness.md). Undefined opcodes halt (`op_invalid`, Control.huff). How to add one:',
    'docs/adding-an-opcode.md.',
    '',
    '| opcode | name | family | handler | gas | dynamic gas | operands (top first) | pushes | reads |',
    '|---|---|---|---|---:|---|---|---:|---|',
    ...DEFINED.map(
      (o) =>
        `| \`${hexByte(o.code)}\` | ${o.name} | ${o.family} | \`${o.handler}\` | ${o.gas} | ${o.dynamicGas === 'none' ? '' : o.dynamicGas} | ${o.operands.join(', ')} | ${o.pushes} | ${what(o)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** Every file this script writes. */
export const GENERATED_FILES: readonly GeneratedFile[] = [
  { path: 'src/hypervisor/OpTable.huff', render: renderOpTable },
  { path: 'test/utils/Opcodes.sol', render: renderOpcodesSol },
  { path: 'test/utils/opcodes.mjs', render: renderOpcodesMjs },
  { path: 'docs/opcodes.md', render: renderOpcodesDoc },
];

if (isMain(import.meta.url)) runGenerator(GENERATED_FILES, 'npm run gen:optable');
