/**
 * Call-record mutations (ts-fuzz/callrecords.ts): each structural kind gets the error code it aims at, naming the
 * call's record, and the hypervisor (in process) answers exactly that; semantic kinds whose effect the oracle can
 * derive (gasUsed of the last call, a success's state root, refund and logs hash) get that exact verdict, the others
 * any verdict.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildHonestWitness, defaultContext } from '../lib/native/index.ts';
import { ERROR_CODES, encodeWitness, formatVerdict, type Hex, type WitnessFile } from '../lib/witness/index.ts';
import { encodeCall, isCallOpcode, parseCall } from './callrecords.ts';
import { createEngine } from './engines.ts';
import { describeExpectation, judgeVerdict } from './oracle.ts';
import { mutantItem, NativeCache, type CheckItem, type Expectation } from './prepare.ts';
import { traits } from './program.ts';
import type { CallRecordMutation } from './spec.ts';

// SLOAD(0), TLOAD(0) (a storage and a transient key), CALL(65536 gas, 0xdead, no value, no input, no output), then
// RETURN the call's success flag
const CODE: Hex = '0x5f54505f5c505f5f5f5f5f61dead62010000f15f5260205ff3';
const T = traits({ fragments: [], epilogue: { t: 'stop' } }, CODE);

async function honest(): Promise<WitnessFile> {
  const { file } = await buildHonestWitness(defaultContext({ code: CODE, gasAvailable: 200_000n, preState: { storage: [{ slot: 0n, value: 5n, original: 5n, warm: false }], transientStorage: [{ slot: 0n, value: 1n }] } }));
  return file;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
const m = (x: DistributiveOmit<CallRecordMutation, 't' | 'at'>): CallRecordMutation => ({ t: 'callRecord', at: 0, ...x }) as CallRecordMutation;
const invalid = (code: number): Expectation => ({ verdict: 'invalid', code, record: 0 });

const STRUCTURAL: Array<[string, CallRecordMutation, Expectation]> = [
  ['extra word', m({ how: 'extraWord', v: 0n }), invalid(ERROR_CODES.RECORD_LENGTH_MISMATCH)],
  ['missing word', m({ how: 'missingWord' }), invalid(ERROR_CODES.RECORD_LENGTH_MISMATCH)],
  ['returndataLength without its tail', m({ how: 'count', field: 'returndataLength', d: 1n }), invalid(ERROR_CODES.RECORD_LENGTH_MISMATCH)],
  ['updateCount without its tail', m({ how: 'count', field: 'updateCount', d: 1n }), invalid(ERROR_CODES.RECORD_LENGTH_MISMATCH)],
  ['returndataLength wrapping to the same size', m({ how: 'hugeCount', field: 'returndataLength', v: 'wrap' }), invalid(ERROR_CODES.RECORD_LENGTH_MISMATCH)],
  ['updateCount wrapping to the same size', m({ how: 'hugeCount', field: 'updateCount', v: 'wrap' }), invalid(ERROR_CODES.RECORD_LENGTH_MISMATCH)],
  ['updateCount 2^32', m({ how: 'hugeCount', field: 'updateCount', v: 1n << 32n }), invalid(ERROR_CODES.RECORD_LENGTH_MISMATCH)],
  ['target', m({ how: 'argument', field: 'target', v: 1n }), invalid(ERROR_CODES.RECORD_ARGUMENT_MISMATCH)],
  ['target with upper bytes', m({ how: 'argument', field: 'target', v: 1n << 160n }), invalid(ERROR_CODES.RECORD_ARGUMENT_MISMATCH)],
  ['value', m({ how: 'argument', field: 'value', v: 1n }), invalid(ERROR_CODES.RECORD_ARGUMENT_MISMATCH)],
  ['gas', m({ how: 'argument', field: 'gas', v: 1n }), invalid(ERROR_CODES.RECORD_ARGUMENT_MISMATCH)],
  ['inputHash', m({ how: 'argument', field: 'inputHash', v: 1n << 255n }), invalid(ERROR_CODES.RECORD_ARGUMENT_MISMATCH)],
  ['status 4', m({ how: 'badStatus', v: 4n }), invalid(ERROR_CODES.CALL_STATUS_INVALID)],
  ['status 2^256-1', m({ how: 'badStatus', v: (1n << 256n) - 1n }), invalid(ERROR_CODES.CALL_STATUS_INVALID)],
  ['gasUsed > gas', m({ how: 'badGasUsed', which: 'over', d: 1n }), invalid(ERROR_CODES.CALL_GAS_USED_INVALID)],
  ['halt with gasUsed < gas', m({ how: 'badGasUsed', which: 'halt', d: 1n }), invalid(ERROR_CODES.CALL_GAS_USED_INVALID)],
  ['not entered with gasUsed 1', m({ how: 'badGasUsed', which: 'notEntered', d: 1n }), invalid(ERROR_CODES.CALL_GAS_USED_INVALID)],
  ...(['refund', 'logsHash', 'updates', 'stateRoot', 'returndata'] as const).flatMap((claim) =>
    ([0, 2, 3] as const).map((status): [string, CallRecordMutation, Expectation] => [
      `status ${status} claiming ${claim}`,
      m({ how: 'inconsistent', status, claim, v: 7n, k: 1, data: [1, 2, 3] }),
      invalid(ERROR_CODES.CALL_OUTCOME_INCONSISTENT),
    ]),
  ),
  ['nonzero padding', m({ how: 'padding', data: [0xaa, 0xbb], pos: 5, byte: 1 }), invalid(ERROR_CODES.RETURNDATA_PADDING)],
  ...(['duplicate', 'descending', 'keyRange', 'warm', 'transientWarm'] as const).map((which): [string, CallRecordMutation, Expectation] => [
    `key update: ${which}`,
    m({ how: 'badUpdate', which, k: 1, v: 9n }),
    invalid(ERROR_CODES.KEY_UPDATE_INVALID),
  ]),
];

const SEMANTIC: Array<[string, CallRecordMutation, Expectation]> = [
  // the callee's gas comes back to the frame, which never reads GAS: its gasUsed moves by as much
  ['gasUsed of the last call', m({ how: 'gasUsed', v: 100n }), { verdict: 'invalid', code: ERROR_CODES.GAS_USED_MISMATCH }],
  ['state root of a success', m({ how: 'stateRoot', v: `0x${'11'.repeat(32)}` }), { verdict: 'invalid', code: ERROR_CODES.STATE_ROOT_MISMATCH }],
  ['refund of a success', m({ how: 'refund', d: 2800n }), { verdict: 'invalid', code: ERROR_CODES.REFUND_MISMATCH }],
  ['logs hash of a success', m({ how: 'logsHash', v: `0x${'22'.repeat(32)}` }), { verdict: 'invalid', code: ERROR_CODES.LOGS_HASH_MISMATCH }],
];

test('call-record mutations: the oracle expects the code each structural kind aims at, exact verdicts where derivable, and the hypervisor agrees', async () => {
  const file = await honest();
  const calls = file.witness.state_access_list.filter((r) => isCallOpcode(r.opcode));
  assert.equal(calls.length, 1, 'the program makes one call');
  assert.equal(parseCall(calls[0]!.data)?.fields[4], 1n, 'the callee (no code) succeeds');
  assert.equal(encodeCall(parseCall(calls[0]!.data)!), calls[0]!.data.toLowerCase(), 'parseCall/encodeCall round trip');
  assert.equal(file.witness.storageKeys.length + file.witness.transientKeys.length > 1, true);
  const engine = await createEngine('ethereumjs');
  const items: Array<[string, CheckItem, Expectation]> = [];
  for (const [name, mutation, expect] of [...STRUCTURAL, ...SEMANTIC]) {
    const item = await mutantItem(file, [mutation], T, new NativeCache(false));
    assert.ok(item, name);
    assert.deepEqual(item.expect, expect, `${name}: expected ${describeExpectation(expect)}, the oracle says ${describeExpectation(item.expect)}`);
    items.push([name, item, expect]);
  }
  // semantic kinds the guest sees: any verdict (but a verdict)
  for (const mutation of [m({ how: 'status', status: 2 }), m({ how: 'returndata', data: [1, 2, 3], flip: false }), m({ how: 'addUpdate', k: 0, warm: true, v: 3n })]) {
    const item = await mutantItem(file, [mutation], T, new NativeCache(false));
    assert.equal(item?.expect.verdict, 'any', mutation.how);
    items.push([mutation.how, item!, item!.expect]);
  }
  const results = await engine.verify(items.map(([, item]) => ({ ...item.file, rawWitness: item.raw ?? encodeWitness(item.file.witness) })));
  items.forEach(([name, item], i) => {
    const j = judgeVerdict(item, results[i]!.verdict);
    assert.equal(j, undefined, `${name}: ${j?.detail ?? ''} (${formatVerdict(results[i]!.verdict)})`);
  });
});

test('an error of a call record must name the record', () => {
  const item = { role: 'mutant', file: { code: '0x', witness: {} }, expect: invalid(ERROR_CODES.CALL_STATUS_INVALID) } as unknown as CheckItem;
  const verdict = (recordIndex: number) => ({ valid: false, kind: 'invalid', code: ERROR_CODES.CALL_STATUS_INVALID, name: 'CALL_STATUS_INVALID', guestPc: 18, recordIndex }) as const;
  assert.equal(judgeVerdict(item, verdict(0)), undefined);
  assert.equal(judgeVerdict(item, verdict(1))?.kind, 'wrong-code');
});
