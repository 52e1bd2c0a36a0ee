import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jumpdestsOf } from './jumpdests.ts';

test('JUMPDESTs outside push data only, hex or bytes', () => {
  // 0: JUMPDEST, 1: PUSH2 0x5b5b, 4: JUMPDEST, 5: PUSH32 (31 bytes, runs off the end)
  assert.deepEqual(jumpdestsOf('0x5b615b5b5b7f5b'), [0, 4]);
  assert.deepEqual(jumpdestsOf(Uint8Array.from([0x60, 0x5b, 0x5b])), [2]);
  assert.deepEqual(jumpdestsOf('0x'), []);
});
