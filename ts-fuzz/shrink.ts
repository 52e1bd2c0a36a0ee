/**
 * Shrinking, driven here rather than by fc.assert so that candidates can be checked in batches:
 * fast-check's own shrink tree (Arbitrary.shrink) is walked the way fast-check walks it (take the
 * first candidate that still fails, then shrink that), but `chunk` candidates are evaluated per
 * engine call, so a revm shrink costs one forge process per chunk rather than per candidate.
 */
import type fc from 'fast-check';
import type { Engine } from './engines.ts';
import { evaluate, judgementsOf, type CaseOutcome } from './evaluate.ts';
import type { CaseSpec } from './spec.ts';

export interface ShrinkOptions {
  /** Candidates per engine call (1 for in-process engines, e.g. 64 for revm). */
  chunk: number;
  /** Stop shrinking after this long (the best case so far is kept). */
  timeMs: number;
  /** Stop after this many candidate evaluations. */
  maxEvaluations?: number;
}

export interface ShrinkResult {
  value: fc.Value<CaseSpec>;
  /** Outcome of the final (smallest failing) case. */
  outcome: CaseOutcome;
  /** Successful shrink steps. */
  steps: number;
  evaluations: number;
  timedOut: boolean;
}

/** Does this outcome still show the finding with `signature`? */
export function reproduces(o: CaseOutcome, signature: string): boolean {
  return judgementsOf(o).some((j) => j.judgement.signature === signature);
}

export async function shrinkCase(
  arb: fc.Arbitrary<CaseSpec>,
  start: fc.Value<CaseSpec>,
  startOutcome: CaseOutcome,
  signature: string,
  engine: Engine,
  opts: ShrinkOptions,
): Promise<ShrinkResult> {
  const deadline = Date.now() + opts.timeMs;
  const maxEvals = opts.maxEvaluations ?? Infinity;
  let cur = start;
  let curOutcome = startOutcome;
  let steps = 0;
  let evaluations = 0;
  let timedOut = false;
  outer: for (;;) {
    const it = arb.shrink(cur.value_, cur.context)[Symbol.iterator]();
    for (;;) {
      if (Date.now() > deadline || evaluations >= maxEvals) {
        timedOut = true;
        break outer;
      }
      const chunk: Array<fc.Value<CaseSpec>> = [];
      while (chunk.length < opts.chunk) {
        const n = it.next();
        if (n.done) break;
        chunk.push(n.value);
      }
      if (chunk.length === 0) break outer; // no candidate fails any more: minimal
      evaluations += chunk.length;
      let outcomes: CaseOutcome[];
      try {
        outcomes = await evaluate(engine, chunk.map((v) => v.value_));
      } catch {
        // an engine failure on a candidate batch (e.g. forge died): try the candidates one by one
        outcomes = [];
        for (const v of chunk) {
          try {
            outcomes.push(...(await evaluate(engine, [v.value_])));
          } catch (e) {
            outcomes.push({ spec: v.value_, items: [], error: `engine failed: ${e instanceof Error ? e.message : String(e)}` });
          }
        }
      }
      const i = outcomes.findIndex((o) => reproduces(o, signature));
      if (i >= 0) {
        cur = chunk[i]!;
        curOutcome = outcomes[i]!;
        steps++;
        continue outer;
      }
    }
  }
  return { value: cur, outcome: curOutcome, steps, evaluations, timedOut };
}
