import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keccak256, size } from 'viem';
import type { Hex } from '../witness/types.ts';
import { archiveParts, jumpdestBitmap } from './index.ts';

const FACTORY = '0x00000000000000000000000000000000a4c41e00';
const INIT = keccak256('0x');

test('JUMPDEST bitmap: bit 7 - pc % 8 of byte pc / 8, never inside push data', () => {
  // 0: JUMPDEST, 1: PUSH2 0x5b5b, 4: JUMPDEST, 5..8: STOP, 9: JUMPDEST
  assert.equal(jumpdestBitmap('0x5b615b5b5b000000005b'), '0x8840');
  assert.equal(jumpdestBitmap('0x'), '0x');
  assert.equal(jumpdestBitmap('0x7f5b'), '0x00'); // a PUSH32 running off the end
});

test('parts: code in 0 (and 1 only for 24,576 bytes), the bitmap in 2, each behind 0x00; none for empty code', () => {
  assert.deepEqual(archiveParts('0x', FACTORY, INIT), []);
  const small = archiveParts('0x5b00', FACTORY, INIT);
  assert.deepEqual(small.map((p) => [p.index, p.runtime]), [[0, '0x005b00'], [2, '0x0080']]);
  const h = keccak256('0x5b00');
  assert.equal(BigInt(small[1]!.salt), BigInt(h) ^ 2n);
  for (const n of [24_575, 24_576]) {
    const code = `0x${'5b'.repeat(n)}` as Hex;
    const parts = archiveParts(code, FACTORY, INIT);
    assert.deepEqual(parts.map((p) => [p.index, size(p.runtime)]), n === 24_575 ? [[0, 24_576], [2, 3_073]] : [[0, 24_576], [1, 2], [2, 3_073]]);
  }
  assert.throws(() => archiveParts(`0x${'00'.repeat(24_577)}`, FACTORY, INIT), /24577 bytes cannot be archived/);
});
