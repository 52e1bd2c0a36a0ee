/**
 * The real-calls benchmark contract does what the table says: compiled with solc-js, each call of REAL_CALLS runs
 * natively, succeeds and returns the value computed here independently (bigint math, JavaScript's toString,
 * Buffer's base64, a Merkle tree built here).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { concat, decodeFunctionResult, encodeAbiParameters, encodeFunctionData, keccak256, size, type Abi } from 'viem';
import { runNative, defaultContext } from '../../lib/native/index.ts';
import type { Hex } from '../../lib/witness/types.ts';
import { compileRealCalls, REAL_CALLS, realCallData, type RealCall } from './real-calls.ts';

let abi: Abi;
let code: Hex;

before(() => {
  const c = compileRealCalls();
  abi = c.abi;
  code = c.deployedBytecode;
});

async function call(functionName: RealCall['functionName'], args: readonly unknown[]): Promise<unknown> {
  const native = await runNative(defaultContext({ code, calldata: encodeFunctionData({ abi, functionName, args }) }));
  assert.equal(native.status, 1, `${functionName}: ${native.error ?? ''}`);
  return decodeFunctionResult({ abi, functionName, data: native.returndata });
}

/** floor(sqrt(n)) by Newton's method on bigints. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** A sorted-pair Merkle tree built level by level, independently of real-calls.ts. */
function tree(leaves: Hex[]): Hex[][] {
  const levels: Hex[][] = [leaves];
  while (levels[levels.length - 1]!.length > 1) {
    const prev = levels[levels.length - 1]!;
    const next: Hex[] = [];
    for (let j = 0; j < prev.length; j += 2) {
      const [a, b] = [prev[j]!, prev[j + 1]!].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
      next.push(keccak256(concat([a!, b!])));
    }
    levels.push(next);
  }
  return levels;
}

describe('real-calls benchmark contract', () => {
  it('is about 3 KB of runtime code', () => {
    assert.ok(size(code) > 2000 && size(code) < 5000, `code size ${size(code)}`);
  });

  it('every benchmark call succeeds natively and returns the right value', async () => {
    assert.equal(REAL_CALLS.length, 7);
    for (const c of REAL_CALLS) {
      const native = await runNative(defaultContext({ code, calldata: realCallData(abi, c) }));
      assert.equal(native.status, 1, `${c.call}: ${native.error ?? ''}`);
      const got = decodeFunctionResult({ abi, functionName: c.functionName, data: native.returndata });
      const a = c.args;
      let want: unknown;
      switch (c.functionName) {
        case 'mulDiv':
          want = ((a[0] as bigint) * (a[1] as bigint)) / (a[2] as bigint);
          assert.ok((a[0] as bigint) * (a[1] as bigint) >= 2n ** 256n, 'mulDiv must exercise the 512-bit product');
          break;
        case 'sqrt':
          want = isqrt(a[0] as bigint);
          break;
        case 'log2':
          want = BigInt((a[0] as bigint).toString(2).length - 1);
          break;
        case 'toString':
          want = (a[0] as bigint).toString(10);
          break;
        case 'toHexString':
          want = `0x${(a[0] as bigint).toString(16)}`;
          break;
        case 'base64':
          want = Buffer.from((a[0] as Hex).slice(2), 'hex').toString('base64');
          break;
        case 'merkleVerify':
          want = true;
          assert.equal((a[0] as Hex[]).length, 8);
          break;
      }
      assert.deepEqual(got, want, c.call);
    }
  });

  it('spot values: the expected results themselves', async () => {
    assert.equal(await call('sqrt', [2n ** 255n - 19n]), 240615969168004511545033772477625056927n);
    assert.equal(await call('log2', [2n ** 200n + 5n]), 200n);
    assert.equal(await call('toHexString', [2n ** 160n - 1n]), `0x${'f'.repeat(40)}`);
    assert.equal(await call('base64', ['0xabab']), 'q6s=');
  });

  it('MerkleProof.verify accepts a real proof of a tree built here and rejects a wrong one', async () => {
    const leaves = Array.from({ length: 256 }, (_, i) => keccak256(encodeAbiParameters([{ type: 'string' }], [`leaf ${i}`])));
    const levels = tree(leaves);
    const root = levels[levels.length - 1]![0]!;
    const index = 200;
    const proof = levels.slice(0, -1).map((level, d) => level[(index >> d) ^ 1]!);
    assert.equal(proof.length, 8);
    assert.equal(await call('merkleVerify', [proof, root, leaves[index]]), true);
    assert.equal(await call('merkleVerify', [proof, root, leaves[index + 1]]), false);
    const bad = [...proof];
    bad[3] = keccak256('0x01');
    assert.equal(await call('merkleVerify', [bad, root, leaves[index]]), false);
  });
});
