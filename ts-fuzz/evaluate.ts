/**
 * Prepare + verify + judge, for a list of cases at once (one engine call, so one forge process on
 * revm). Used by the campaign loop and by the shrinker.
 */
import type { BatchResult } from '../lib/forge/index.ts';
import type { Engine, EngineCase } from './engines.ts';
import { judge, type Judgement } from './oracle.ts';
import { contextOf, prepareCase, sameContext, type CheckItem, type PrepareOptions, type PreparedCase } from './prepare.ts';
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

export async function prepareAll(specs: readonly CaseSpec[], opts: PrepareOptions = {}): Promise<Prepared[]> {
  const out: Prepared[] = [];
  for (const spec of specs) {
    try {
      out.push({ spec, prepared: await prepareCase(spec, opts) });
    } catch (e) {
      out.push({ spec, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  }
  return out;
}

export function batchCaseOf(item: CheckItem, noNative = false): EngineCase {
  return { ...item.file, ...(item.raw !== undefined ? { rawWitness: item.raw } : {}), ...(noNative ? { noNative } : {}) };
}

/** The mutant's message is the honest one (only outcome claims, roots, records or the encoding changed). */
function sameMessage(a: CheckItem, b: CheckItem): boolean {
  return a.file.code === b.file.code && sameContext(contextOf(a.file.witness, a.file.code), contextOf(b.file.witness, b.file.code));
}

/** Verifies every item of the prepared cases with one engine call and judges the results. */
export async function verifyPrepared(engine: Engine, prepared: readonly Prepared[]): Promise<CaseOutcome[]> {
  const flat: EngineCase[] = [];
  for (const p of prepared) {
    if (!p.prepared) continue;
    const [honest, ...rest] = p.prepared.items;
    if (honest) flat.push(batchCaseOf(honest));
    // a second native run of the same message would only repeat the honest item's
    for (const m of rest) flat.push(batchCaseOf(m, honest !== undefined && sameMessage(honest, m)));
  }
  const results = flat.length > 0 ? await engine.verify(flat) : [];
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

/**
 * verifyPrepared, bisecting the batch when the engine itself fails (a forge script abort), so one
 * case the harness cannot take costs log2(batch) extra engine calls and becomes a harness-error
 * outcome of its own instead of sinking the batch.
 */
export async function verifyPreparedSafe(engine: Engine, prepared: readonly Prepared[], log?: (line: string) => void): Promise<CaseOutcome[]> {
  try {
    return await verifyPrepared(engine, prepared);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (prepared.length === 1) return [{ spec: prepared[0]!.spec, items: [], error: `engine ${engine.name} failed: ${msg}` }];
    log?.(`engine failed on a batch of ${prepared.length}; bisecting (${msg.split('\n').filter((l) => /^Error: /.test(l))[0] ?? msg.split('\n')[0]})`);
    const h = Math.ceil(prepared.length / 2);
    return [...(await verifyPreparedSafe(engine, prepared.slice(0, h), log)), ...(await verifyPreparedSafe(engine, prepared.slice(h), log))];
  }
}

export async function evaluate(engine: Engine, specs: readonly CaseSpec[], opts: PrepareOptions = {}): Promise<CaseOutcome[]> {
  return verifyPreparedSafe(engine, await prepareAll(specs, opts));
}

/** Every judgement of a case outcome, harness errors included. */
export function judgementsOf(o: CaseOutcome): Array<{ judgement: Judgement; item?: ItemOutcome }> {
  if (o.error !== undefined) {
    const lines = o.error.split('\n');
    const first = [lines[0], lines.find((l) => /^Error: /.test(l))].filter(Boolean).join(': ');
    return [{ judgement: { kind: 'harness-error', role: 'honest', detail: first, signature: `harness-error/${first.replace(/\d+/g, 'N').slice(0, 120)}` } }];
  }
  return o.items.flatMap((item) => item.judgements.map((judgement) => ({ judgement, item })));
}
