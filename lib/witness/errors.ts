/**
 * Verdicts of the hypervisor: decoding its answer. The codes and error signatures are generated
 * from src/hypervisor/Errors.huff into ./error-codes.ts (scripts/gen-layouts.ts); docs/errors.md
 * lists the same codes and a test checks the table against them.
 */
import { decodeAbiParameters, encodeAbiParameters, keccak256, size, slice, stringToHex } from 'viem';
import { ERROR_CODES, ERROR_SIGNATURES, type ErrorName } from './error-codes.ts';
import type { Hex } from './types.ts';

export { ERROR_CODES, ERROR_SIGNATURES, type ErrorName };

/** Code → name. */
export const ERROR_NAMES: ReadonlyMap<number, ErrorName> = new Map(
  (Object.entries(ERROR_CODES) as Array<[ErrorName, number]>).map(([name, code]) => [code, name]),
);

export const INVALID_WITNESS_SIGNATURE = ERROR_SIGNATURES.InvalidWitness;
export const CODE_NOT_ARCHIVED_SIGNATURE = ERROR_SIGNATURES.CodeNotArchived;

const selectorOf = (signature: string): Hex => slice(keccak256(stringToHex(signature)), 0, 4);

/** Selector of `error InvalidWitness(uint256 code, uint256 guestPc, uint256 recordIndex)`. */
export const INVALID_WITNESS_SELECTOR: Hex = selectorOf(INVALID_WITNESS_SIGNATURE);
/** Selector of `error CodeNotArchived(bytes32 codeHash)`. */
export const CODE_NOT_ARCHIVED_SELECTOR: Hex = selectorOf(CODE_NOT_ARCHIVED_SIGNATURE);

/** What the hypervisor returns for a valid witness: abi.encode(uint256(1)). */
export const VALID_RETURN_DATA: Hex = encodeAbiParameters([{ type: 'uint256' }], [1n]);

/**
 * The hypervisor's answer, decoded. Only `kind: 'valid'` and `kind: 'invalid'` are verdicts.
 * - `notArchived`: the code named by codeHash has no archive; archive it and retry.
 * - `inconclusive`: empty revert, the hypervisor ran out of its own gas; retry with more gas.
 *   Never treat it as a verdict.
 * - `unexpected`: anything else (success with other return data, unknown revert data): not a
 *   hypervisor answer at all (wrong address, bug); never treat it as a verdict either.
 */
export type Verdict =
  | { valid: true; kind: 'valid' }
  | {
      valid: false;
      kind: 'invalid';
      code: number;
      /** Name from ERROR_CODES, or `UNKNOWN_<code>` for a code this library does not know. */
      name: ErrorName | `UNKNOWN_${number}`;
      guestPc: number;
      recordIndex: number;
    }
  /** notArchived: the codeHash whose archive is missing. */
  | { valid: false; kind: 'notArchived'; notArchived: Hex }
  | { valid: false; kind: 'inconclusive'; inconclusive: true }
  | { valid: false; kind: 'unexpected'; success: boolean; data: Hex; reason: string };

/** True for the two outcomes that are verdicts about the witness (valid / invalid). */
export function isVerdict(v: Verdict): v is Extract<Verdict, { kind: 'valid' | 'invalid' }> {
  return v.kind === 'valid' || v.kind === 'invalid';
}

function toSafeNumber(x: bigint): number | undefined {
  return x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : undefined;
}

/**
 * Decodes the result of a call to the hypervisor: `success` says whether the call returned
 * (true) or reverted (false), `data` is its return or revert data.
 */
export function decodeVerdict(success: boolean, data: Hex): Verdict {
  const lower = data.toLowerCase() as Hex;
  const unexpected = (reason: string): Verdict => ({ valid: false, kind: 'unexpected', success, data: lower, reason });
  if (!/^0x([0-9a-f]{2})*$/.test(lower)) return unexpected('data is not 0x-prefixed hex of whole bytes');
  if (success) {
    if (lower === VALID_RETURN_DATA) return { valid: true, kind: 'valid' };
    return unexpected('successful call whose return data is not abi.encode(uint256(1))');
  }
  if (lower === '0x') return { valid: false, kind: 'inconclusive', inconclusive: true };
  if (size(lower) < 4) return unexpected('revert data shorter than a selector');
  const selector = slice(lower, 0, 4);
  const args: Hex = `0x${lower.slice(10)}`;
  if (selector === INVALID_WITNESS_SELECTOR) {
    if (size(args) !== 96) return unexpected('InvalidWitness revert data is not exactly three words');
    const [code, guestPc, recordIndex] = decodeAbiParameters(
      [{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }],
      args,
    );
    const c = toSafeNumber(code);
    const pc = toSafeNumber(guestPc);
    const ri = toSafeNumber(recordIndex);
    if (c === undefined || pc === undefined || ri === undefined) {
      return unexpected('InvalidWitness argument out of range');
    }
    return {
      valid: false,
      kind: 'invalid',
      code: c,
      name: ERROR_NAMES.get(c) ?? `UNKNOWN_${c}`,
      guestPc: pc,
      recordIndex: ri,
    };
  }
  if (selector === CODE_NOT_ARCHIVED_SELECTOR) {
    if (size(args) !== 32) return unexpected('CodeNotArchived revert data is not exactly one word');
    return { valid: false, kind: 'notArchived', notArchived: args };
  }
  return unexpected(`unknown revert selector ${selector}`);
}

/** One-line human description of a verdict. */
export function formatVerdict(v: Verdict): string {
  switch (v.kind) {
    case 'valid':
      return 'valid';
    case 'invalid':
      return `invalid: ${v.name} (code ${v.code}) at guest pc ${v.guestPc}, record ${v.recordIndex}`;
    case 'notArchived':
      return `not a verdict: the code with hash ${v.notArchived} is not archived (archive it first)`;
    case 'inconclusive':
      return 'not a verdict: inconclusive (hypervisor out of gas)';
    case 'unexpected':
      return `not a verdict: unexpected ${v.success ? 'return' : 'revert'} data ${v.data} (${v.reason})`;
  }
}
