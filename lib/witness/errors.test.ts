import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { concat, encodeAbiParameters, keccak256, pad, stringToHex, slice } from 'viem';
import {
  CODE_NOT_ARCHIVED_SELECTOR,
  decodeVerdict,
  ERROR_CODES,
  formatVerdict,
  INVALID_WITNESS_SELECTOR,
  isVerdict,
  VALID_RETURN_DATA,
} from './errors.ts';
import type { Hex } from './types.ts';

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

test('the codes (generated from src/hypervisor/Errors.huff) equal the table of docs/errors.md and are distinct', () => {
  const docs: Record<string, number> = {};
  for (const m of readFileSync(repo('docs/errors.md'), 'utf8').matchAll(/^\|\s*(\d+)\s*\|\s*([A-Z][A-Z0-9_]*)\s*\|/gm)) {
    assert.equal(docs[m[2]!], undefined, `docs/errors.md lists ${m[2]} once`);
    docs[m[2]!] = Number(m[1]!);
  }
  assert.deepEqual(docs, { ...ERROR_CODES });
  const codes = Object.values(ERROR_CODES);
  assert.equal(new Set(codes).size, codes.length, 'codes are distinct');
});

test('selectors', () => {
  assert.equal(INVALID_WITNESS_SELECTOR, slice(keccak256(stringToHex('InvalidWitness(uint256,uint256,uint256)')), 0, 4));
  assert.equal(CODE_NOT_ARCHIVED_SELECTOR, slice(keccak256(stringToHex('CodeNotArchived(bytes32)')), 0, 4));
  assert.equal(VALID_RETURN_DATA, pad('0x01', { size: 32 }));
});

const invalid = (code: bigint, pc: bigint, idx: bigint): Hex =>
  concat([INVALID_WITNESS_SELECTOR, encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }], [code, pc, idx])]);

test('decodeVerdict: valid', () => {
  const v = decodeVerdict(true, VALID_RETURN_DATA);
  assert.deepEqual(v, { valid: true, kind: 'valid' });
  assert.ok(isVerdict(v));
  assert.equal(formatVerdict(v), 'valid');
});

test('decodeVerdict: InvalidWitness', () => {
  const v = decodeVerdict(false, invalid(0x23n, 17n, 2n));
  assert.deepEqual(v, { valid: false, kind: 'invalid', code: 0x23, name: 'GAS_USED_MISMATCH', guestPc: 17, recordIndex: 2 });
  assert.ok(isVerdict(v));
  assert.match(formatVerdict(v), /GAS_USED_MISMATCH \(code 35\) at guest pc 17, record 2/);
  const u = decodeVerdict(false, invalid(99n, 0n, 0n));
  assert.equal(u.kind === 'invalid' && u.name, 'UNKNOWN_99');
  // malformed InvalidWitness payloads are not verdicts
  assert.equal(decodeVerdict(false, slice(invalid(1n, 0n, 0n), 0, 99)).kind, 'unexpected');
  assert.equal(decodeVerdict(false, invalid(1n << 100n, 0n, 0n)).kind, 'unexpected');
});

test('decodeVerdict: CodeNotArchived', () => {
  const codeHash: Hex = `0x${'ab'.repeat(32)}`;
  const v = decodeVerdict(false, concat([CODE_NOT_ARCHIVED_SELECTOR, codeHash]));
  assert.deepEqual(v, { valid: false, kind: 'notArchived', notArchived: codeHash });
  assert.ok(!isVerdict(v));
  assert.equal(decodeVerdict(false, concat([CODE_NOT_ARCHIVED_SELECTOR, `0x01${'00'.repeat(30)}`])).kind, 'unexpected');
});

test('decodeVerdict: empty revert is inconclusive', () => {
  const v = decodeVerdict(false, '0x');
  assert.deepEqual(v, { valid: false, kind: 'inconclusive', inconclusive: true });
  assert.ok(!isVerdict(v));
});

test('decodeVerdict: anything else is unexpected, never valid', () => {
  for (const [success, data] of [
    [true, '0x'],
    [true, pad('0x02', { size: 32 })],
    [true, `${VALID_RETURN_DATA}00`],
    [false, VALID_RETURN_DATA],
    [false, '0x08c379a0'],
    [false, '0x12'],
    [true, '0xzz'],
  ] as Array<[boolean, Hex]>) {
    const v = decodeVerdict(success, data);
    assert.equal(v.kind, 'unexpected', `${success} ${data}`);
    assert.equal(v.valid, false);
  }
  // uppercase hex of the valid answer is still valid
  assert.equal(decodeVerdict(true, VALID_RETURN_DATA.toUpperCase().replace('0X', '0x') as Hex).kind, 'valid');
});
