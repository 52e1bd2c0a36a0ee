/**
 * Prepare + verify + judge, for a list of cases at once (one engine call, so one forge process on
 * revm). Used by the campaign loop and by the shrinker.
 */
import type { BatchCase, BatchResult } from '../lib/forge/index.ts';
import type { Engine } from './engines.ts';
import { judge, type Judgement } from './oracle.ts';
import { prepareCase, type CheckItem, type PreparedCase } from './prepare.ts';
import type { CaseSpec } from './spec.ts';

export interface ItemOutcome {
  item: CheckItem;
  result: BatchResult;
  judgements: Judgement[];
}

export type CaseOutcome =
  | { spec: CaseSpec; prepared: PreparedCase; items: ItemOutcome[]; error?: undefined }
  | { spec: CaseSpec; prepared?: undefined; items: []; error: string };

export type Prepared = { spec: CaseSpec; prepared: PreparedCase; error?: undefined } | { spec: CaseSpec; prepared?: undefined; error: string };

export async function prepareAll(specs: readonly CaseSpec[]): Promise<Prepared[]> {
  const out: Prepared[] = [];
  for (const spec of specs) {
    try {
      out.push({ spec, prepared: await prepareCase(spec) });
    } catch (e) {
      out.push({ spec, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  }
  return out;
}

export function batchCaseOf(item: CheckItem): BatchCase {
  return { ...item.file, ...(item.raw !== undefined ? { rawWitness: item.raw } : {}) };
}

/** Verifies every item of the prepared cases with one engine call and judges the results. */
export async function verifyPrepared(engine: Engine, prepared: readonly Prepared[]): Promise<CaseOutcome[]> {
  const flat: CheckItem[] = [];
  for (const p of prepared) if (p.prepared) flat.push(...p.prepared.items);
  const results = flat.length > 0 ? await engine.verify(flat.map(batchCaseOf)) : [];
  let k = 0;
  return prepared.map((p): CaseOutcome => {
    if (!p.prepared) return { spec: p.spec, items: [], error: p.error };
    const items = p.prepared.items.map((item): ItemOutcome => {
      const result = results[k++]!;
      return { item, result, judgements: judge(item, result) };
    });
    return { spec: p.spec, prepared: p.prepared, items };
  });
}

export async function evaluate(engine: Engine, specs: readonly CaseSpec[]): Promise<CaseOutcome[]> {
  return verifyPrepared(engine, await prepareAll(specs));
}

/** Every judgement of a case outcome, harness errors included. */
export function judgementsOf(o: CaseOutcome): Array<{ judgement: Judgement; item?: ItemOutcome }> {
  if (o.error !== undefined) {
    const first = o.error.split('\n')[0] ?? o.error;
    return [{ judgement: { kind: 'harness-error', role: 'honest', detail: first, signature: `harness-error/${first.replace(/\d+/g, 'N').slice(0, 120)}` } }];
  }
  return o.items.flatMap((item) => item.judgements.map((judgement) => ({ judgement, item })));
}
