/** The samples against the opcode table: every opcode the hypervisor executes itself has one, by its table name. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opcodeByName } from '../evm/opcodes.ts';
import { SAMPLES, uncoveredLocalOpcodes, type Sample } from './opcodes.ts';

test('every opcode the hypervisor executes itself is covered by a sample', () => {
  assert.deepEqual(uncoveredLocalOpcodes(), []);
});

test('a sample list without MCOPY and JUMPDEST leaves exactly those uncovered', () => {
  const without: Sample[] = SAMPLES.map((s) => ({ ...s, covers: s.covers.filter((n) => n !== 'MCOPY' && n !== 'JUMPDEST') }));
  assert.deepEqual(uncoveredLocalOpcodes(without), ['JUMPDEST', 'MCOPY']);
});

test('every name a sample covers is a defined opcode that the hypervisor executes itself', () => {
  for (const s of SAMPLES) {
    for (const name of s.covers) {
      const o = opcodeByName(name);
      assert.ok(o !== undefined && o.name === name, `${s.name}: ${name} is not an opcode name`);
      assert.ok(o.kind === 'local' || o.kind === 'recorded' || o.kind === 'keyed', `${s.name}: ${name} is a ${o.kind} opcode`);
    }
  }
});
