/**
 * Replaying corpus files against the current hypervisor: the expectation is derived again with
 * the oracle (prepare.ts) from the stored witness, so a replay checks the current hypervisor
 * against the current rule, and also that the stored expectation still holds.
 */
import type { BatchCase } from '../lib/forge/index.ts';
import { readsOutside, runNative } from '../lib/native/index.ts';
import { formatVerdict, type Verdict } from '../lib/witness/index.ts';
import { entryWitness, type CorpusEntry } from './corpus.ts';
import type { Engine } from './engines.ts';
import { installMemoryGuard } from './guard.ts';
import { nativeDifferences, describeExpectation, judgeVerdict } from './oracle.ts';
import { contextOf, decodeCanonical, expectedVerdict, namedCode, unrepresentableClaims, type CheckItem, type Expectation } from './prepare.ts';

export interface ReplayPlan {
  entry: CorpusEntry;
  item: CheckItem;
  batchCase: BatchCase;
}

export async function planReplay(entry: CorpusEntry): Promise<ReplayPlan> {
  await installMemoryGuard();
  const file = entryWitness(entry);
  let expect: Expectation;
  let claimed = file.witness;
  let encodingOk = true;
  try {
    claimed = decodeCanonical(entry.rawWitness);
  } catch {
    encodingOk = false;
  }
  const named = namedCode(claimed, file.code);
  const accountCode = file.accountCode ?? [];
  const native = claimed.gasAvailable < 1n << 64n && named !== undefined ? await runNative(contextOf(claimed, named, accountCode)) : undefined;
  if (!encodingOk) expect = { verdict: 'invalid-encoding' };
  else if (named === undefined && claimed.gasAvailable < 1n << 64n) expect = { verdict: 'not-archived', codeHash: claimed.codeHash };
  else expect = expectedVerdict(claimed, native, named === undefined ? undefined : unrepresentableClaims(claimed, named, accountCode));
  const item: CheckItem = { role: entry.role, file, raw: entry.rawWitness, expect, ...(native ? { native } : {}) };
  return { entry, item, batchCase: { ...file, rawWitness: entry.rawWitness } };
}

export interface ReplayResult {
  entry: CorpusEntry;
  ok: boolean;
  expected: string;
  verdict: string;
  problems: string[];
}

/** Replays the plans with one engine call; `ok` when the verdict is right (and, on revm, the natives agree). */
export async function replay(engine: Engine, plans: readonly ReplayPlan[]): Promise<ReplayResult[]> {
  const results = await engine.verify(plans.map((p) => p.batchCase));
  return plans.map((p, i) => {
    const r = results[i]!;
    const problems: string[] = [];
    const stored = JSON.stringify(p.entry.expect);
    if (p.entry.kind !== 'harness-error' && stored !== JSON.stringify(p.item.expect)) {
      problems.push(`stored expectation ${describeExpectation(p.entry.expect)} differs from the oracle's ${describeExpectation(p.item.expect)}`);
    }
    const j = judgeVerdict(p.item, r.verdict as Verdict);
    if (j) problems.push(j.detail);
    if (r.revmNative && p.item.native && !readsOutside(p.item.native)) {
      const d = nativeDifferences(p.item.native, r.revmNative);
      if (d.length > 0) problems.push(`native runs disagree: ${d.join('; ')}`);
    }
    return { entry: p.entry, ok: problems.length === 0, expected: describeExpectation(p.item.expect), verdict: formatVerdict(r.verdict), problems };
  });
}
