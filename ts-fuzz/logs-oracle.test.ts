/**
 * The oracle's logs hash of a frame whose call records claim other callee logs hashes than the reference run's
 * (prepare.ts expectedVerdict): the frame's chain is its own logs and, where a call returned, the callee's claimed
 * chain when that call claims success and a nonzero logs hash (docs/witness.md, "Logs"). The witness here is the
 * shrunk finding accepted-invalid-744ca5a1eff8 (seed 20261207): LOG3, then a DELEGATECALL whose callee (the same
 * code) logs the very same LOG3; its record claims the callee logged nothing, and the frame's logsHash is the chain of
 * its own LOG3 alone. The oracle expected LOGS_HASH_MISMATCH (any other callee logs hash was taken to break the
 * frame's chain) and the hypervisor rightly found it valid: a false alarm of the oracle.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { LocalHypervisor } from '../lib/hypervisor/ethereumjs.ts';
import { runNative } from '../lib/native/index.ts';
import { ERROR_CODES, type Hex, type MessageWitness } from '../lib/witness/index.ts';
import { logsLinkOfCall, logsLinkOfLog } from '../lib/witness/logs.ts';
import { CALL_WORD } from './callrecords.ts';
import { CORPUS_DIR, entryWitness, loadEntry } from './corpus.ts';
import { contextOf, decodeCanonical, expectedVerdict } from './prepare.ts';

const entry = loadEntry(`${CORPUS_DIR}accepted-invalid-744ca5a1eff8.json`);
const file = entryWitness(entry);
const claimed = decodeCanonical(entry.rawWitness);
const ZERO: Hex = `0x${'00'.repeat(32)}`;
/** The link of the frame's own LOG3 (topics 0, 0, 0, no data): the chain of its logs alone. */
const ownLog = logsLinkOfLog(ZERO, { topics: [ZERO, ZERO, ZERO], data: '0x' });

let hv: LocalHypervisor;
before(async () => {
  hv = await LocalHypervisor.create();
});

/** The witness with its call record claiming callee logs hash `callee` and the frame claiming `frame`. */
function withLogs(callee: Hex, frame: Hex): MessageWitness {
  const r = claimed.state_access_list[0]!;
  const at = 2 + 64 * CALL_WORD.logsHash;
  const data = `${r.data.slice(0, at)}${callee.slice(2)}${r.data.slice(at + 64)}` as Hex;
  return { ...claimed, logsHash: frame, state_access_list: [{ ...r, data }] };
}

async function expectation(w: MessageWitness) {
  const native = await runNative(contextOf(w, file.code, file.accountCode ?? []));
  return expectedVerdict(w, native);
}

async function verdictOf(w: MessageWitness) {
  return (await hv.verify({ ...file, witness: w })).verdict;
}

test('a call record claiming no callee logs: the frame chain is its own LOG3 alone (valid), and the run\'s chain is a mismatch', async () => {
  assert.equal(claimed.logsHash, ownLog, 'the finding\'s frame claims the chain of its own LOG3');
  const asFound = withLogs(ZERO, ownLog);
  assert.deepEqual(await expectation(asFound), { verdict: 'valid' });
  assert.deepEqual(await verdictOf(asFound), { valid: true, kind: 'valid' });
  // the chain that links a callee chain in, although the record claims none
  const linked = withLogs(ZERO, logsLinkOfCall(ownLog, ownLog));
  assert.deepEqual(await expectation(linked), { verdict: 'invalid', code: ERROR_CODES.LOGS_HASH_MISMATCH });
  assert.equal((await verdictOf(linked)).kind, 'invalid');
});

test('a call record claiming some callee logs hash c: the frame chain links c where the call returned', async () => {
  const c: Hex = `0x${'ab'.repeat(32)}`;
  const right = withLogs(c, logsLinkOfCall(ownLog, c));
  assert.deepEqual(await expectation(right), { verdict: 'valid' });
  assert.deepEqual(await verdictOf(right), { valid: true, kind: 'valid' });
  for (const frame of [ownLog, logsLinkOfCall(ZERO, c), logsLinkOfLog(logsLinkOfCall(ZERO, c), { topics: [ZERO, ZERO, ZERO], data: '0x' })]) {
    const wrong = withLogs(c, frame);
    assert.deepEqual(await expectation(wrong), { verdict: 'invalid', code: ERROR_CODES.LOGS_HASH_MISMATCH }, frame);
    assert.equal((await verdictOf(wrong)).kind, 'invalid', frame);
  }
});
