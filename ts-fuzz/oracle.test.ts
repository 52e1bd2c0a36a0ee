/**
 * The verdict half of the oracle on hand-made expectations: CodeNotArchived, which is not a verdict, is right where a
 * witness claims a code hash for an account that no archive holds, and a finding anywhere else.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keccak256 } from 'viem';
import { judgeVerdict } from './oracle.ts';
import type { CheckItem } from './prepare.ts';

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
