/**
 * Judging a verified item: the hypervisor's verdict against the expectation (prepare.ts), and the
 * two reference EVMs against each other.
 */
import type { BatchResult, NativeRevmOutcome } from '../lib/forge/index.ts';
import { readsOutside, type NativeOutcome } from '../lib/native/index.ts';
import { formatVerdict, type Hex, type Verdict } from '../lib/witness/index.ts';
import type { CheckItem, Expectation } from './prepare.ts';

/**
 * Kinds of finding:
 *   rejected-valid        the witness is a faithful record (honest, or a mutation that changed nothing
 *                         observable) but the hypervisor said InvalidWitness
 *   accepted-invalid      the witness misstates the execution but the hypervisor said valid
 *   wrong-code            rejected, as it should be, but for another reason than the first failing check
 *   no-verdict            empty revert (hypervisor out of gas with 1e9 gas), CodeNotArchived for an
 *                         archived `to`, or anything that is not a verdict
 *   reference-divergence  revm and @ethereumjs/evm disagree on the native outcome (status, gasUsed, returndata)
 *   harness-error         the fuzzer itself failed on the case (e.g. the reference runner threw)
 */
export type FindingKind = 'rejected-valid' | 'accepted-invalid' | 'wrong-code' | 'no-verdict' | 'reference-divergence' | 'harness-error';

export const FINDING_KINDS: readonly FindingKind[] = ['rejected-valid', 'accepted-invalid', 'wrong-code', 'no-verdict', 'reference-divergence', 'harness-error'];

export interface Judgement {
  kind: FindingKind;
  role: 'honest' | 'mutant';
  detail: string;
  /** Identifies "the same bug" for de-duplication and for the shrinker. */
  signature: string;
}

export function describeExpectation(e: Expectation): string {
  switch (e.verdict) {
    case 'valid': return 'valid';
    case 'invalid': return `InvalidWitness code ${e.code}${e.record !== undefined ? ` at record ${e.record}` : ''}`;
    case 'invalid-encoding': return 'InvalidWitness with an encoding code (1-18)';
    case 'any': return `any verdict (${e.why})`;
    case 'not-archived': return `CodeNotArchived(${e.codeHash}) (not a verdict)`;
  }
}

function verdictTag(v: Verdict): string {
  return v.kind === 'invalid' ? `invalid:${v.code}` : v.kind;
}

/** The verdict half of the oracle. */
export function judgeVerdict(item: CheckItem, v: Verdict): Judgement | undefined {
  const e = item.expect;
  const sig = (kind: FindingKind): string => `${kind}/${item.role}/${e.verdict === 'invalid' ? e.code : e.verdict}/${verdictTag(v)}`;
  const mk = (kind: FindingKind): Judgement => ({
    kind,
    role: item.role,
    detail: `${item.role} witness: expected ${describeExpectation(e)}, got ${formatVerdict(v)}`,
    signature: sig(kind),
  });
  if (e.verdict === 'not-archived') {
    // a verdict here means the hypervisor ran code the witness does not name
    if (v.kind === 'notArchived' && v.notArchived.toLowerCase() === e.codeHash.toLowerCase()) return undefined;
    return mk(v.kind === 'valid' ? 'accepted-invalid' : v.kind === 'invalid' ? 'wrong-code' : 'no-verdict');
  }
  // an account's claimed code hash without an archive: CodeNotArchived when the frame reads its code
  if (e.verdict === 'any' && v.kind === 'notArchived' && (e.mayBeNotArchived ?? []).includes(v.notArchived.toLowerCase() as Hex)) return undefined;
  if (v.kind === 'inconclusive' && e.verdict === 'any' && e.mayNotConclude === true) return undefined;
  if (v.kind !== 'valid' && v.kind !== 'invalid') return mk('no-verdict');
  switch (e.verdict) {
    case 'valid':
      return v.kind === 'valid' ? undefined : mk('rejected-valid');
    case 'invalid':
      // an error of a call record names the offending record
      if (v.kind === 'invalid' && v.code === e.code && (e.record === undefined || v.recordIndex === e.record)) return undefined;
      if (v.kind === 'valid') return mk('accepted-invalid');
      return mk('wrong-code');
    case 'invalid-encoding':
      if (v.kind === 'valid') return mk('accepted-invalid');
      return v.code >= 1 && v.code <= 18 ? undefined : mk('wrong-code');
    case 'any':
      return undefined;
  }
  return undefined;
}

/** Fields on which the two natives differ (empty when they agree or revm could not run the message). */
export function nativeDifferences(ej: NativeOutcome, revm: NativeRevmOutcome): string[] {
  if (revm.status === 'unknown') return [];
  const d: string[] = [];
  if (revm.status !== ej.status) d.push(`status ethereumjs ${ej.status} revm ${revm.status}`);
  if (revm.gasUsed !== ej.gasUsed) d.push(`gasUsed ethereumjs ${ej.gasUsed} revm ${revm.gasUsed}`);
  if (revm.returndata.toLowerCase() !== ej.returndata.toLowerCase()) d.push(`returndata ethereumjs ${short(ej.returndata)} revm ${short(revm.returndata)}`);
  return d;
}

const short = (h: string): string => (h.length > 74 ? `${h.slice(0, 74)}…(${(h.length - 2) / 2} bytes)` : h);

/** All findings for one verified item. */
export function judge(item: CheckItem, r: BatchResult): Judgement[] {
  const out: Judgement[] = [];
  const j = judgeVerdict(item, r.verdict);
  if (j) out.push(j);
  // a message that reaches a record opcode depends on state the two harnesses model differently
  // (block hashes, chain id, balances, storage, other accounts; revm's native run is not given the
  // reference run's records): only local executions are compared
  if (r.revmNative && item.native && !readsOutside(item.native)) {
    const d = nativeDifferences(item.native, r.revmNative);
    if (d.length > 0) {
      const fields = d.map((x) => x.split(' ')[0]).join('+');
      out.push({
        kind: 'reference-divergence',
        role: item.role,
        detail: `native runs disagree: ${d.join('; ')}`,
        signature: `reference-divergence/${fields}`,
      });
    }
  }
  return out;
}
