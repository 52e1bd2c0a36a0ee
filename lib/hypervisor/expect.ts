/** Assertions on the hypervisor's verdicts, shared by the tests of lib/hypervisor. */
import assert from 'node:assert/strict';
import type { Verdict } from '../witness/errors.ts';

/** `v` is InvalidWitness(code, guestPc, recordIndex). */
export function expectInvalid(v: Verdict, code: number, guestPc: number, recordIndex: number): void {
  assert.equal(v.kind, 'invalid', JSON.stringify(v));
  if (v.kind !== 'invalid') return;
  assert.deepEqual({ code: v.code, guestPc: v.guestPc, recordIndex: v.recordIndex }, { code, guestPc, recordIndex });
}
