/**
 * The verdict half of the oracle on hand-made expectations: CodeNotArchived, which is not a verdict, is right where a
 * witness claims a code hash for an account that no archive holds, and a finding anywhere else; a mutant addressed to
 * a precompile expects PRECOMPILE_FRAME.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keccak256 } from 'viem';
import { buildHonestWitness, defaultContext } from '../lib/native/index.ts';
import { ERROR_CODES } from '../lib/witness/index.ts';
import { judgeVerdict } from './oracle.ts';
import { encodeCall, isCallOpcode, parseCall } from './callrecords.ts';
import { mutantItem, NativeCache, notArchivedClaims, type CheckItem } from './prepare.ts';
import { traits } from './program.ts';

const unarchived = keccak256('0x0100');
const item = (expect: CheckItem['expect']): CheckItem => ({ role: 'mutant', file: { code: '0x', witness: {} as CheckItem['file']['witness'] }, expect });

test('CodeNotArchived of an account\'s claimed code hash answers an unchecked expectation that names it, and only that', () => {
  const notArchived = { valid: false, kind: 'notArchived', notArchived: unarchived } as const;
  assert.equal(judgeVerdict(item({ verdict: 'any', why: 'unknown code', mayBeNotArchived: [unarchived] }), notArchived), undefined);
  assert.equal(judgeVerdict(item({ verdict: 'any', why: 'unknown code' }), notArchived)?.kind, 'no-verdict');
  assert.equal(judgeVerdict(item({ verdict: 'any', why: 'unknown code', mayBeNotArchived: [keccak256('0x02')] }), notArchived)?.kind, 'no-verdict');
  // a verdict is still fine for an unchecked expectation
  assert.equal(judgeVerdict(item({ verdict: 'any', why: 'unknown code', mayBeNotArchived: [unarchived] }), { valid: true, kind: 'valid' }), undefined);
});

test('a mutant addressed to a precompile expects PRECOMPILE_FRAME, and needs no native run', async () => {
  const code = '0x60016000f3' as const;
  const honest = (await buildHonestWitness(defaultContext({ code, gasAvailable: 50_000n }))).file;
  const t = traits({ fragments: [], epilogue: { t: 'stop' } }, code);
  for (const field of ['to', 'toAndContext'] as const) {
    const natives = new NativeCache(false);
    const item = await mutantItem(honest, [{ t: 'address', field, a: '0x0000000000000000000000000000000000000004' }], t, natives);
    assert.deepEqual(item?.expect, { verdict: 'invalid', code: ERROR_CODES.PRECOMPILE_FRAME }, field);
    assert.equal(item?.native, undefined);
  }
  // the same mutation to an ordinary address still runs and gets an ordinary expectation
  const other = await mutantItem(honest, [{ t: 'address', field: 'toAndContext', a: '0x0000000000000000000000000000000000000012' }], t, new NativeCache(false));
  assert.notDeepEqual(other?.expect, { verdict: 'invalid', code: ERROR_CODES.PRECOMPILE_FRAME });
  assert.ok(other?.native !== undefined);
});

test('the code hashes a witness claims, for CodeNotArchived: its account keys\' and its records\' key updates\', not 0 or the empty code\'s', async () => {
  // CALL(0xdead) of an account without code; its record then claims an update of account key 0 with a code hash
  const code = '0x5f5f5f5f5f61dead62010000f100' as const;
  const file = (await buildHonestWitness(defaultContext({ code, gasAvailable: 200_000n }))).file;
  const w = file.witness;
  const record = w.state_access_list[0]!;
  assert.ok(isCallOpcode(record.opcode));
  const parts = parseCall(record.data)!;
  const claimed = keccak256('0x0200');
  const withUpdate = encodeCall({ ...parts, updates: [[0n, 1n, 0n, BigInt(claimed)]] });
  const keyHash = keccak256('0x0300');
  const account = { ...w.accountKeys[0]!, codeHash: keyHash };
  const mutant = { ...w, accountKeys: [account], state_access_list: [{ ...record, data: withUpdate }] };
  assert.deepEqual(new Set(notArchivedClaims(mutant).mayBeNotArchived), new Set([keyHash, claimed]));
  // 0 and the empty code's hash name no code
  const none = { ...mutant, accountKeys: [{ ...account, codeHash: keccak256('0x') }], state_access_list: [{ ...record, data: encodeCall({ ...parts, updates: [[0n, 1n, 0n, 0n]] }) }] };
  assert.deepEqual(notArchivedClaims(none), {});
});
