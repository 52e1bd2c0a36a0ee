/** Assertions on the hypervisor's verdicts, shared by the tests of lib/hypervisor. */
import assert from 'node:assert/strict';
import { buildHonestWitness, defaultContext } from '../native/index.ts';
import { ERROR_CODES, type Verdict } from '../witness/errors.ts';
import type { Hex, WitnessFile } from '../witness/types.ts';
import type { LocalHypervisor } from './ethereumjs.ts';

/** `v` is InvalidWitness(code, guestPc, recordIndex). */
export function expectInvalid(v: Verdict, code: number, guestPc: number, recordIndex: number): void {
  assert.equal(v.kind, 'invalid', JSON.stringify(v));
  if (v.kind !== 'invalid') return;
  assert.deepEqual({ code: v.code, guestPc: v.guestPc, recordIndex: v.recordIndex }, { code, guestPc, recordIndex });
}

/**
 * The honest witness of `code` with `gasAvailable` is valid on `hv`, and the claim one unit of gas off (or the other
 * status, when the run halts) is rejected for it. Returns the file.
 */
export async function expectExact(hv: LocalHypervisor, code: Hex, gasAvailable: bigint, what: string): Promise<WitnessFile> {
  const { file } = await buildHonestWitness(defaultContext({ code, gasAvailable }));
  const w = file.witness;
  assert.deepEqual((await hv.verify(file)).verdict, { valid: true, kind: 'valid' }, `${what}: honest witness`);
  const off = w.status === 0 ? { status: 1 as const } : { gasUsed: w.gasUsed + 1n };
  const v = (await hv.verify({ ...file, witness: { ...w, ...off } })).verdict;
  const wrong = v.kind === 'invalid' ? v.code : v.kind;
  assert.ok(wrong === ERROR_CODES.GAS_USED_MISMATCH || wrong === ERROR_CODES.STATUS_MISMATCH, `${what}: a wrong claim gave ${wrong}`);
  return file;
}
