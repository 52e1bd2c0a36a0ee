import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { compile } from '../huffc/src/index.ts';
import { readHuffConstantFile, readHuffConstants } from './huff-constants.ts';

let dir: string;
let layout: string;
let main: string;
let shadowing: string;

const LAYOUT = `/// A memory map.
/// Second header line.

#define constant BASE = 0x0c00     // entries start here
// scratch words
#define constant SCRATCH = 0x00
/// q of pc 0: mload(q) ends with the entry
/// (three words below BASE)
#define constant Q = [BASE] - 24   // BASE - 24
#define constant TWICE_OTHER = [OTHER] * 2 + 1
#define constant NAME = "not a number"
#define constant SHADOWED = 0x01
#define error Oops(uint256, bytes32)
`;

const MAIN = `#include "./Other.huff"
#include "./Layout.huff"
#define macro MAIN() = takes(0) returns(0) { [Q] [TWICE_OTHER] }
`;

/** Includes a definition of SHADOWED before Layout.huff's: the compiler uses the first one. */
const SHADOWING = `#include "./Other.huff"
#include "./Shadow.huff"
#include "./Layout.huff"
`;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'huff-constants-'));
  layout = path.join(dir, 'Layout.huff');
  main = path.join(dir, 'Main.huff');
  writeFileSync(layout, LAYOUT);
  writeFileSync(main, MAIN);
  shadowing = path.join(dir, 'Shadowing.huff');
  writeFileSync(shadowing, SHADOWING);
  writeFileSync(path.join(dir, 'Other.huff'), '#define constant OTHER = 0x10\n');
  writeFileSync(path.join(dir, 'Shadow.huff'), '\n#define constant SHADOWED = 0x02\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('expression constants are evaluated in the namespace of the program', () => {
  const onlyOwn = `${LAYOUT.replace('#define constant SHADOWED = 0x01\n', '')}#define constant OTHER = 0x10\n`;
  const standalone = path.join(dir, 'Standalone.huff');
  writeFileSync(standalone, onlyOwn);
  const values = readHuffConstants(standalone);
  assert.equal(values.get('BASE'), 0xc00n);
  assert.equal(values.get('Q'), 0xbe8n); // 3072 - 24
  assert.equal(values.get('TWICE_OTHER'), 0x21n); // 16 * 2 + 1
  assert.equal(values.has('NAME'), false, 'a string constant has no number to mirror');
});

test('a constant referring to another file of the program reads through the program', () => {
  assert.throws(() => readHuffConstants(layout), /undefined constant "OTHER"/);
  assert.throws(() => readHuffConstants(layout, { program: layout.replace('Layout', 'Elsewhere') }), /file not found/);
  assert.equal(readHuffConstants(layout, { program: main }).get('TWICE_OTHER'), 0x21n);
  // Shadow.huff defines SHADOWED first, so the compiler never uses Layout.huff's definition
  assert.throws(() => readHuffConstants(layout, { program: shadowing }), /SHADOWED is defined first at .*Shadow\.huff:2/);
});

test('the values read are the ones the compiler pushes', () => {
  const values = readHuffConstants(layout, { program: main });
  // MAIN pushes [Q] then [TWICE_OTHER]: PUSH2 0x0be8, PUSH1 0x21
  assert.equal(compile({ entry: main }).runtime, '610be86021');
  assert.equal(values.get('Q'), 0x0be8n);
  assert.equal(values.get('TWICE_OTHER'), 0x21n);
});

test('comments: the file header, doc comments above and after a definition, and plain headings', () => {
  const f = readHuffConstantFile(layout, { program: main });
  assert.deepEqual(f.header, ['A memory map.', 'Second header line.']);
  const byName = new Map(f.constants.map((c) => [c.name, c]));
  assert.deepEqual(byName.get('BASE')!.doc, ['entries start here']);
  assert.deepEqual(byName.get('BASE')!.heading, []);
  assert.deepEqual(byName.get('SCRATCH')!.heading, ['scratch words']);
  assert.deepEqual(byName.get('SCRATCH')!.doc, []);
  assert.deepEqual(byName.get('Q')!.doc, ['q of pc 0: mload(q) ends with the entry', '(three words below BASE)', 'BASE - 24']);
  assert.equal(byName.get('Q')!.line, 9);
  assert.deepEqual([...byName.keys()], ['BASE', 'SCRATCH', 'Q', 'TWICE_OTHER', 'SHADOWED']);
  assert.deepEqual(f.errorSignatures, ['Oops(uint256,bytes32)']);
});
