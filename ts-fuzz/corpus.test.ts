/**
 * Replays every finding saved in ts-fuzz/corpus/*.json against the CURRENT hypervisor: the verdict
 * must be what the oracle says the witness deserves (so a fixed bug stays fixed), on both engines,
 * and on revm the two reference EVMs must agree on the message. Findings made against fault-
 * injected builds (ts-fuzz/corpus/injected/) are not replayed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CORPUS_DIR, listCorpus, loadEntry } from './corpus.ts';
import { runCli } from './testing.ts';

const files = listCorpus(CORPUS_DIR);
const skip = files.length === 0 && 'the corpus is empty';

test('corpus files are well formed', { skip }, () => {
  for (const f of files) {
    const e = loadEntry(f);
    assert.ok(e.witness.code !== undefined && e.kind && e.signature && e.spec, f);
  }
});

for (const engine of ['ethereumjs', 'revm'] as const) {
  test(`corpus replays on ${engine}`, { skip, timeout: 150_000 }, async () => {
    const r = await runCli(['--replay', CORPUS_DIR, '--engine', engine]);
    assert.equal(r.exitCode, 0, `corpus findings are back on ${engine}:\n${r.stdout.split('\n').filter((l) => !l.startsWith('ok ')).join('\n')}${r.stderr.slice(-2000)}`);
  });
}
