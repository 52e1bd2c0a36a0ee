/**
 * Shrinking, driven here rather than by fc.assert so that candidates can be checked in batches:
 * fast-check's own shrink tree (Arbitrary.shrink) is walked the way fast-check walks it (take the
 * first candidate that still fails, then shrink that), but `chunk` candidates are evaluated per
 * engine call, so a revm shrink costs one forge process per chunk rather than per candidate. This
 * phase gets at most half of the time: on programs of thousands of instructions its small steps can
 * use it all, and the structural phase that follows is what removes whole fragments.
 *
 * fast-check's shrinks never change a fragment's kind (a loop around EXP cannot become a lone EXP),
 * so a second, greedy phase follows on plain values: structural simplifications (inline a loop's
 * body, drop a fragment, a mutation or the epilogue, smaller operands, generous gas…) are tried
 * and kept while the finding reproduces and the program gets smaller.
 */
import fc from 'fast-check';
import { assemble, instructionCount, type Fragment, type OpFragment, type ProgramSpec } from './program.ts';
import type { Engine } from './engines.ts';
import { evaluate, judgementsOf, type CaseOutcome } from './evaluate.ts';
import type { PrepareOptions } from './prepare.ts';
import type { CaseSpec } from './spec.ts';

export interface ShrinkOptions {
  /** Candidates per engine call (1 for in-process engines, e.g. 64 for revm). */
  chunk: number;
  /** Stop shrinking after this long (the best case so far is kept). */
  timeMs: number;
  /** Stop after this many candidate evaluations. */
  maxEvaluations?: number;
  prepare?: PrepareOptions;
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
  const phase1Deadline = Date.now() + opts.timeMs / 2;
  const maxEvals = opts.maxEvaluations ?? Infinity;
  let cur = start;
  let curOutcome = startOutcome;
  let steps = 0;
  let evaluations = 0;
  let timedOut = false;
  let phase1Cut = false;
  outer: for (;;) {
    const it = arb.shrink(cur.value_, cur.context)[Symbol.iterator]();
    for (;;) {
      if (evaluations >= maxEvals) {
        timedOut = true;
        break outer;
      }
      if (Date.now() > phase1Deadline) {
        phase1Cut = true; // the rest of the time is the structural phase's
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
      const outcomes = await evaluate(engine, chunk.map((v) => v.value_), opts.prepare);
      const i = outcomes.findIndex((o) => reproduces(o, signature));
      if (i >= 0) {
        cur = chunk[i]!;
        curOutcome = outcomes[i]!;
        steps++;
        continue outer;
      }
    }
  }
  // phase 2: greedy structural simplification
  let spec = cur.value_;
  if (!timedOut) {
    phase2: for (;;) {
      const size = measure(spec);
      const cands = simplifications(spec).filter((c) => lessThan(measure(c), size));
      for (let i = 0; i < cands.length; i += opts.chunk) {
        if (Date.now() > deadline || evaluations >= maxEvals) {
          timedOut = true;
          break phase2;
        }
        const chunk = cands.slice(i, i + opts.chunk);
        evaluations += chunk.length;
        let outcomes: CaseOutcome[];
        try {
          outcomes = await evaluate(engine, chunk, opts.prepare);
        } catch {
          continue;
        }
        const k = outcomes.findIndex((o) => reproduces(o, signature));
        if (k >= 0) {
          spec = chunk[k]!;
          curOutcome = outcomes[k]!;
          steps++;
          continue phase2;
        }
      }
      break;
    }
  }
  return { value: spec === cur.value_ ? cur : new fc.Value(spec, undefined), outcome: curOutcome, steps, evaluations, timedOut: timedOut || phase1Cut };
}

/** [instructions, fragments + mutations, JSON length]: what the greedy phase minimises (lexicographically). */
function measure(s: CaseSpec): number[] {
  const json = JSON.stringify(s, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return [instructionCount(assemble(s.program)), s.program.fragments.length + s.mutations.length, json.length];
}

function lessThan(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

const withProgram = (s: CaseSpec, p: Partial<ProgramSpec>): CaseSpec => ({ ...s, program: { ...s.program, ...p } });

/** Simpler variants of a case, simplest first. */
export function simplifications(s: CaseSpec): CaseSpec[] {
  const out: CaseSpec[] = [];
  const fr = s.program.fragments;
  const setFragments = (f: Fragment[]): void => void out.push(withProgram(s, { fragments: f }));
  // drop a suffix, a fragment
  for (let i = 0; i < fr.length; i++) setFragments(fr.slice(0, i));
  for (let i = 0; i < fr.length; i++) setFragments([...fr.slice(0, i), ...fr.slice(i + 1)]);
  // inline loops, unwrap deep steps
  fr.forEach((f, i) => {
    if (f.t === 'loop') {
      setFragments([...fr.slice(0, i), ...f.body, ...fr.slice(i + 1)]);
      if (f.iters > 1) setFragments([...fr.slice(0, i), { ...f, iters: 1 }, ...fr.slice(i + 1)]);
    }
    if (f.t === 'runLoop') {
      const simpler: Fragment[] = [];
      if (f.before > 0) simpler.push({ ...f, before: 0 }, { ...f, before: f.before >> 1 });
      if (f.after > 0) simpler.push({ ...f, after: 0 }, { ...f, after: f.after >> 1 });
      if (f.iters > 1) simpler.push({ ...f, iters: 1 });
      if (f.gas) simpler.push({ ...f, gas: false });
      for (const g of simpler) setFragments([...fr.slice(0, i), g, ...fr.slice(i + 1)]);
    }
    if (f.t === 'deep' && f.steps.length > 1) f.steps.forEach((_, k) => setFragments([...fr.slice(0, i), { ...f, steps: f.steps.filter((_x, j) => j !== k) }, ...fr.slice(i + 1)]));
    if (f.t === 'op') {
      const simpler: OpFragment[] = [];
      if (f.keep !== 'stack') simpler.push({ ...f, keep: 'stack' });
      f.args.forEach((a, k) => {
        for (const v of [0n, 1n, a >> 1n, a - 1n]) if (v >= 0n && v < a) simpler.push({ ...f, args: f.args.map((x, j) => (j === k ? v : x)) });
      });
      for (const g of simpler) setFragments([...fr.slice(0, i), g, ...fr.slice(i + 1)]);
    }
  });
  if (s.program.epilogue.t !== 'none') out.push(withProgram(s, { epilogue: { t: 'none' } }), withProgram(s, { epilogue: { t: 'stop' } }));
  s.mutations.forEach((_, i) => out.push({ ...s, mutations: s.mutations.filter((_m, j) => j !== i) }));
  if (s.gas.t !== 'generous') out.push({ ...s, gas: { t: 'generous' } });
  return out;
}
