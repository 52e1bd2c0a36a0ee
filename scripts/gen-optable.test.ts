/**
 * The OP_META words scripts/gen-optable.ts writes, read back the way src/hypervisor decodes them (MemoryLayout.huff:
 * META_IMM, META_POPS, META_DELTA; Analysis.huff adds the delta to its height << 13 | gas accumulator).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPCODES } from '../lib/evm/opcodes.ts';
import { readHuffConstants } from '../lib/huff-constants.ts';
import { HYPERVISOR_SOURCE } from '../lib/hypervisor/ethereumjs.ts';
import { maxBlockGas, META_DELTA_SHIFT, META_HEIGHT_UNIT, metaWord } from './gen-optable.ts';

/** META_DELTA: bits 13-31 of the word, sign-extended. */
function delta(m: number): number {
  return (m | 0) >> META_DELTA_SHIFT;
}

test('every defined opcode: the meta word gives back its immediate size, pops, height change and static gas', () => {
  for (const o of OPCODES.filter((x) => x.kind !== 'undefined')) {
    const m = metaWord(o.code);
    const d = delta(m);
    assert.equal((m >>> 1) & 0x3f, o.immediate, `${o.name}: immediate`);
    assert.equal((m >>> 8) & 0x1f, o.pops, `${o.name}: pops`);
    assert.equal(Math.floor(d / META_HEIGHT_UNIT), o.pushes - o.pops, `${o.name}: height change`);
    assert.equal(((d % META_HEIGHT_UNIT) + META_HEIGHT_UNIT) % META_HEIGHT_UNIT, o.gas, `${o.name}: static gas`);
    assert.equal((m >>> 7) & 1, o.endsBlock ? 1 : 0, `${o.name}: ends its block`);
  }
});

test("a block's static gas stays below the accumulator's height field (63 instructions and a block end)", () => {
  assert.ok(maxBlockGas() < META_HEIGHT_UNIT, `${maxBlockGas()}`);
  const analysis = HYPERVISOR_SOURCE.replace(/Hypervisor\.huff$/, 'hypervisor/Analysis.huff');
  const huff = readHuffConstants(analysis, { program: HYPERVISOR_SOURCE });
  assert.equal(BigInt(META_HEIGHT_UNIT), 1n << huff.get('ACC_HEIGHT_SHIFT')!);
  assert.equal(BigInt(META_HEIGHT_UNIT - 1), huff.get('ACC_GAS_MASK'));
});
