import assert from 'node:assert/strict';
import { test } from 'node:test';
import { delegateOf } from './delegation.ts';

test('delegateOf: exactly 0xef0100 and a 20-byte address (EIP-7702)', () => {
  assert.equal(delegateOf(`0xEF0100${'AB'.repeat(20)}`), `0x${'ab'.repeat(20)}`);
  assert.equal(delegateOf(`0xef0100${'00'.repeat(20)}`), `0x${'00'.repeat(20)}`);
  for (const code of [`0xef0100${'ab'.repeat(19)}`, `0xef0100${'ab'.repeat(21)}`, `0xef0101${'ab'.repeat(20)}`, `0x600100${'ab'.repeat(20)}`, '0x', '0xef0100'] as const) {
    assert.equal(delegateOf(code as `0x${string}`), undefined, code);
  }
});
