/**
 * Hostile calldata (the cases of lib/witness/hostile.ts): every malformed witness gets
 * InvalidWitness with its own code before execution, never a crash (an empty revert or any other
 * outcome would fail these tests).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildHonestWitness, defaultContext } from '../native/index.ts';
import { ERROR_CODES, type ErrorName } from '../witness/errors.ts';
import { HOSTILE_GUEST, hostileCases, type HostileCase } from '../witness/hostile.ts';
import { LocalHypervisor } from './ethereumjs.ts';

// top-level await: the cases are built from the honest witness, so they exist only once it has run
const hv = await LocalHypervisor.create();
const { file } = await buildHonestWitness(defaultContext({ code: HOSTILE_GUEST.code, calldata: HOSTILE_GUEST.calldata }));
await hv.archive(file.code);
const CASES = hostileCases(file.witness);

async function expectAnswer(c: HostileCase): Promise<void> {
  const { verdict } = await hv.verifyCalldata(c.data);
  switch (c.expect.kind) {
    case 'valid':
      assert.equal(verdict.kind, 'valid', `expected valid, got ${JSON.stringify(verdict)}`);
      return;
    case 'invalid':
      assert.equal(verdict.kind, 'invalid', `expected ${c.expect.error}, got ${JSON.stringify(verdict)}`);
      assert.equal(verdict.kind === 'invalid' && verdict.name, c.expect.error);
      assert.equal(verdict.kind === 'invalid' && verdict.guestPc, 0);
      assert.equal(verdict.kind === 'invalid' && verdict.recordIndex, 0);
      return;
    case 'notArchived':
      assert.deepEqual(verdict, { valid: false, kind: 'notArchived', notArchived: c.expect.codeHash });
      return;
  }
}

for (const c of CASES) test(c.name, () => expectAnswer(c));

test('every witness-encoding error code (below 0x20) is expected by some case', () => {
  const encodingErrors = Object.entries(ERROR_CODES).filter(([, code]) => code < 0x20).map(([name]) => name);
  const expected = new Set(CASES.flatMap((c) => (c.expect.kind === 'invalid' ? [c.expect.error] : [])));
  assert.ok(encodingErrors.length > 0);
  assert.deepEqual(encodingErrors.filter((name) => !expected.has(name as ErrorName)), []);
});
