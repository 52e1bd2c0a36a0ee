/** The embedded chain starts on a free loopback port, answers JSON-RPC, and is gone after stop(). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANVIL_DEFAULT_ACCOUNT, freeLoopbackPort, rpc, startAnvil } from './anvil.ts';

test('anvil starts on a free loopback port at Prague, funds its default account, and stops', async () => {
  const chain = await startAnvil();
  try {
    assert.match(chain.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(BigInt(await rpc<string>(chain.url, 'eth_chainId')), 31337n);
    assert.ok(BigInt(await rpc<string>(chain.url, 'eth_getBalance', [ANVIL_DEFAULT_ACCOUNT, 'latest'])) > 0n);
    const block = await rpc<{ gasLimit: string }>(chain.url, 'eth_getBlockByNumber', ['latest', false]);
    assert.equal(BigInt(block.gasLimit), 1n << 25n);
  } finally {
    await chain.stop();
  }
  await assert.rejects(rpc(chain.url, 'eth_chainId'));
  await chain.stop(); // idempotent
});

test('a port already taken is an error (our RPC calls would reach the other node), and no anvil is started', async () => {
  const first = await startAnvil();
  try {
    await assert.rejects(startAnvil({ port: first.port, startTimeoutMs: 5_000 }), /port \d+ on 127\.0\.0\.1 is in use/);
  } finally {
    await first.stop();
  }
  assert.ok((await freeLoopbackPort()) > 0);
});
