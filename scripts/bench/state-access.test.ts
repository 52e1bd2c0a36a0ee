/**
 * The state-access benchmark's method: the per-access native gas it derives from two loops equals the EIP price of
 * the access (computed here, not read from the benchmark), and every honest witness it builds is accepted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalHypervisor } from '../../lib/hypervisor/ethereumjs.ts';
import { measureStateAccess, STATE_ACCESS_CASES } from './state-access.ts';

test('native gas per access is the EIP price: cold SLOAD 2,100, cold clean SSTORE 22,100, TLOAD 100, LOG0 of 32 bytes 375 + 8 x 32', async () => {
  const hv = await LocalHypervisor.create();
  const pick = (prefix: string) => STATE_ACCESS_CASES.find((c) => c.label.startsWith(prefix))!;
  const cases = [pick('SLOAD, 200 slots'), pick('SSTORE, 200 slots'), pick('TLOAD'), pick('LOG0')];
  const rows = await measureStateAccess(hv, cases);
  // LOG0 also expands memory by one word once (3 gas over the whole loop)
  assert.deepEqual(rows.map((r) => r.nativeGas), [2100, 22100, 100, 375 + 8 * 32 + 3 / 200]);
  for (const r of rows) assert.ok(r.verificationGas > 0, `${r.label}: verification gas ${r.verificationGas}`);
  // a cold slot is one storage key per access: 4 words, plus its share of nothing else
  assert.equal(rows[0]!.witnessBytes, 128);
});
