import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keccak256, size } from 'viem';
import type { Hex } from '../witness/types.ts';
import { archiveParts, jumpdestBitmap, streamCodeLength } from './index.ts';

const FACTORY = '0x00000000000000000000000000000000a4c41e00';
const INIT = keccak256('0x');

test('JUMPDEST bitmap: bit 7 - pc % 8 of byte pc / 8, never inside push data', () => {
  // 0: JUMPDEST, 1: PUSH2 0x5b5b, 4: JUMPDEST, 5..8: STOP, 9: JUMPDEST
  assert.equal(jumpdestBitmap('0x5b615b5b5b000000005b'), '0x8840');
  assert.equal(jumpdestBitmap('0x'), '0x');
  assert.equal(jumpdestBitmap('0x7f5b'), '0x00'); // a PUSH32 running off the end
});

test('parts: the stream (code, then its JUMPDEST bitmap) behind 0x00, in part 0 and, past 24,575 bytes, part 1; none for empty code', () => {
  assert.deepEqual(archiveParts('0x', FACTORY, INIT), []);
  const small = archiveParts('0x5b00', FACTORY, INIT);
  assert.deepEqual(small.map((p) => [p.index, p.runtime]), [[0, '0x005b0080']]);
  assert.equal(BigInt(small[0]!.salt), BigInt(keccak256('0x5b00')));
  // 21,844 bytes: a stream of 24,575, one full part; 21,845: 24,576, the last bitmap byte in part 1
  for (const [n, sizes] of [
    [21_844, [[0, 24_576]]],
    [21_845, [[0, 24_576], [1, 2]]],
    [24_575, [[0, 24_576], [1, 3_073]]],
    [24_576, [[0, 24_576], [1, 3_074]]],
  ] as const) {
    const code = `0x${'5b'.repeat(n)}` as Hex;
    const parts = archiveParts(code, FACTORY, INIT);
    assert.deepEqual(parts.map((p) => [p.index, size(p.runtime)]), sizes, `${n} bytes`);
    assert.equal(BigInt(parts.at(-1)!.salt), BigInt(keccak256(code)) ^ BigInt(parts.length - 1));
    // every code byte behind part 0's 0x00, then the bitmap: all ones (every byte a JUMPDEST), the last byte's unused bits zero
    const stream = parts.map((p) => p.runtime.slice(4)).join('');
    assert.equal(stream.slice(0, 2 * n), '5b'.repeat(n));
    assert.equal(`0x${stream.slice(2 * n)}`, jumpdestBitmap(code));
  }
  assert.throws(() => archiveParts(`0x${'00'.repeat(24_577)}`, FACTORY, INIT), /24577 bytes cannot be archived/);
});

test('streamCodeLength inverts n + ceil(n / 8) for every code length an archive can hold', () => {
  for (let n = 0; n <= 24_576; n++) assert.equal(streamCodeLength(n + Math.ceil(n / 8)), n, `n = ${n}`);
});
