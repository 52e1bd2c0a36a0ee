import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { getActivePrecompiles } from '@ethereumjs/evm';
import { isPrecompile, LAST_PRECOMPILE } from './precompiles.ts';

test('isPrecompile: 0x01 to 0x11 (Prague), nothing else', () => {
  const at = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as const;
  for (let n = 1; n <= 0x11; n++) assert.equal(isPrecompile(at(n)), true, at(n));
  for (const n of [0, 0x12, 0x100, 0xffff]) assert.equal(isPrecompile(at(n)), false, at(n));
  assert.equal(isPrecompile(`0x${'ff'.repeat(20)}`), false);
});

test('the hypervisor\'s precompile set (Setup.huff LAST_PRECOMPILE) is the reference EVM\'s for Prague', () => {
  const reference = [...getActivePrecompiles(new Common({ chain: Mainnet, hardfork: Hardfork.Prague })).keys()].map((a) => Number(BigInt(`0x${a.replace(/^0x/, '')}`)));
  assert.deepEqual(reference.sort((a, b) => a - b), Array.from({ length: LAST_PRECOMPILE }, (_, i) => i + 1));
});
