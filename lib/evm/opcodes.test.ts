/**
 * lib/evm/opcodes.ts (the single source of the hypervisor's opcode metadata) checked against
 * @ethereumjs/evm's own Prague opcode table, and OpTable.huff checked to be generated from it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { getOpcodesForHF, paramsEVM } from '@ethereumjs/evm';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { OPCODES } from './opcodes.ts';

const reference = getOpcodesForHF(new Common({ chain: Mainnet, hardfork: Hardfork.Prague, params: paramsEVM })).opcodes;

test('the same opcodes are defined as in @ethereumjs/evm (Prague)', () => {
  for (const o of OPCODES) {
    const ref = reference.get(o.code);
    assert.equal(o.kind !== 'undefined', ref !== undefined, `0x${o.code.toString(16)} ${o.name}`);
    if (ref) assert.equal(o.name, ref.fullName === 'SHA3' ? 'KECCAK256' : ref.fullName);
  }
});

test('static gas of every opcode the hypervisor executes equals the reference fee', () => {
  for (const o of OPCODES.filter((x) => x.kind === 'local')) {
    const ref = reference.get(o.code)!;
    // INVALID consumes all gas through the halt, not through a fee
    if (o.name === 'INVALID') continue;
    assert.equal(o.gas, ref.fee, `${o.name}: static gas ${o.gas}, reference ${ref.fee}`);
  }
});

test('src/hypervisor/OpTable.huff is generated from lib/evm/opcodes.ts', async () => {
  const script = fileURLToPath(new URL('../../scripts/gen-optable.ts', import.meta.url));
  const r = await execa('npx', ['tsx', script, '--check'], { reject: false });
  assert.equal(r.exitCode, 0, r.stderr);
});
