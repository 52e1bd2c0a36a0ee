/**
 * One message described as a case of ../shared/conformance/cases.json: the frame (code, codeAddress, address,
 * caller, origin, callvalue, calldata, gasLimit, isStatic), the transaction's gas price, and the state around it
 * (preStorage, accountsAtStart, warmAtStart, block). `iso-hv run --case` and scripts/conformance.ts read cases
 * through this module.
 *
 * This version runs the frame itself from the case; the state around it matters only to opcodes that read outside
 * the frame, and those that this version executes (BLOCKHASH, BLOBHASH) take their answers from the reference run's
 * synthetic block (lib/native/run.ts), so `unmodelledState` names what a case carries that the run does not use.
 */
import type { Hex, Status } from '../witness/types.ts';
import type { MessageContext } from './context.ts';
import type { NativeOutcome } from './run.ts';

/** A case's name for an outcome status. */
export type CaseStatus = 'success' | 'revert' | 'halt';
export const CASE_STATUS: Readonly<Record<Status, CaseStatus>> = { 0: 'halt', 1: 'success', 2: 'revert' };

export interface MessageCase {
  name?: string;
  code: Hex;
  /** The account whose code runs (`to`). */
  codeAddress: Hex;
  /** The executing account (`context`): differs from codeAddress for a DELEGATECALL frame. */
  address: Hex;
  caller: Hex;
  origin: Hex;
  callvalue: bigint;
  calldata: Hex;
  /** Gas given to the message. */
  gasLimit: bigint;
  isStatic: boolean;
  gasPrice: bigint;
  preStorage: Record<string, string>;
  warmAtStart: { addresses: string[]; slots: Record<string, string[]> };
  accountsAtStart: Record<string, unknown>;
  block: Record<string, string>;
  /** The outcome the case states, if it states one. */
  expected?: { status: CaseStatus; error?: string; returndata: Hex; gasUsed: bigint };
}

/** A case that is not of the expected shape; `field` names the offending field. */
export class MessageCaseError extends Error {
  constructor(readonly field: string | undefined, message: string) {
    super(field === undefined ? `case: ${message}` : `case: field "${field}": ${message}`);
    this.name = 'MessageCaseError';
  }
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

function hex(o: Json, key: string, bytes?: number): Hex {
  const v = o[key];
  const ok = typeof v === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(v) && (bytes === undefined || v.length === 2 + 2 * bytes);
  if (!ok) throw new MessageCaseError(key, `expected ${bytes === undefined ? '0x-hex of whole bytes' : `0x-hex of ${bytes} bytes`}, got ${JSON.stringify(v)}`);
  return (v as string).toLowerCase() as Hex;
}

function quantity(o: Json, key: string, where = key): bigint {
  const v = o[key];
  if (typeof v !== 'string' || !/^(0x[0-9a-fA-F]+|0|[1-9][0-9]*)$/.test(v)) {
    throw new MessageCaseError(where, `expected a number as 0x-hex or decimal string, got ${JSON.stringify(v)}`);
  }
  return BigInt(v);
}

/**
 * Reads one case. `value` is the case object itself, or a whole cases file (`{ cases: [...] }`) with `name`
 * selecting the case.
 */
export function messageCaseFromJson(value: unknown, name?: string): MessageCase {
  let c: unknown = value;
  if (isObject(value) && Array.isArray(value.cases)) {
    const cases = value.cases as unknown[];
    if (name === undefined) {
      if (cases.length !== 1) throw new MessageCaseError(undefined, `the file holds ${cases.length} cases: name one with --name`);
      c = cases[0];
    } else {
      c = cases.find((x) => isObject(x) && x.name === name);
      if (c === undefined) throw new MessageCaseError(undefined, `no case named ${JSON.stringify(name)} in the file`);
    }
  } else if (name !== undefined && (!isObject(value) || value.name !== name)) {
    throw new MessageCaseError('name', `the file is one case, not named ${JSON.stringify(name)}`);
  }
  if (!isObject(c)) throw new MessageCaseError(undefined, 'expected a JSON object');
  if (typeof c.isStatic !== 'boolean') throw new MessageCaseError('isStatic', `expected true or false, got ${JSON.stringify(c.isStatic)}`);
  const tx = isObject(c.tx) ? c.tx : {};
  const gasPrice = tx.effectiveGasPrice !== undefined ? quantity(tx, 'effectiveGasPrice', 'tx.effectiveGasPrice') : tx.gasPrice !== undefined ? quantity(tx, 'gasPrice', 'tx.gasPrice') : 0n;
  const out: MessageCase = {
    code: hex(c, 'code'),
    codeAddress: hex(c, 'codeAddress', 20),
    address: hex(c, 'address', 20),
    caller: hex(c, 'caller', 20),
    origin: hex(c, 'origin', 20),
    callvalue: quantity(c, 'callvalue'),
    calldata: hex(c, 'calldata'),
    gasLimit: quantity(c, 'gasLimit'),
    isStatic: c.isStatic,
    gasPrice,
    preStorage: isObject(c.preStorage) ? (c.preStorage as Record<string, string>) : {},
    warmAtStart: isObject(c.warmAtStart)
      ? { addresses: Array.isArray(c.warmAtStart.addresses) ? (c.warmAtStart.addresses as string[]) : [], slots: isObject(c.warmAtStart.slots) ? (c.warmAtStart.slots as Record<string, string[]>) : {} }
      : { addresses: [], slots: {} },
    accountsAtStart: isObject(c.accountsAtStart) ? c.accountsAtStart : {},
    block: isObject(c.block) ? (c.block as Record<string, string>) : {},
  };
  if (typeof c.name === 'string') out.name = c.name;
  if (out.gasLimit >= 1n << 64n) throw new MessageCaseError('gasLimit', `${out.gasLimit} is 2^64 or more`);
  if (isObject(c.expected)) {
    const e = c.expected;
    if (e.status !== 'success' && e.status !== 'revert' && e.status !== 'halt') {
      throw new MessageCaseError('expected.status', `expected success, revert or halt, got ${JSON.stringify(e.status)}`);
    }
    out.expected = {
      status: e.status,
      ...(typeof e.error === 'string' ? { error: e.error } : {}),
      returndata: hex(e, 'returndata'),
      gasUsed: quantity(e, 'gasUsed', 'expected.gasUsed'),
    };
  }
  return out;
}

/** The message context of a case. */
export function contextOfCase(c: MessageCase): MessageContext {
  return {
    code: c.code,
    calldata: c.calldata,
    callvalue: c.callvalue,
    gasAvailable: c.gasLimit,
    caller: c.caller,
    origin: c.origin,
    to: c.codeAddress,
    context: c.address,
    gasPrice: c.gasPrice,
    isStatic: c.isStatic,
  };
}

/** The parts of a case's state that the reference run does not use (empty when the case has none). */
export function unmodelledState(c: MessageCase): string[] {
  const out: string[] = [];
  if (Object.keys(c.preStorage).length > 0) out.push('preStorage');
  if (Object.keys(c.block).length > 0) out.push('block');
  return out;
}

/** How a native run differs from the outcome a case expects (empty when it matches): status, gasUsed, return data. */
export function differencesFromExpected(expected: NonNullable<MessageCase['expected']>, native: NativeOutcome): string[] {
  const out: string[] = [];
  const status = CASE_STATUS[native.status];
  if (status !== expected.status) {
    out.push(`status ${status}${native.error ? ` (${native.error})` : ''}, the case expects ${expected.status}${expected.error ? ` (${expected.error})` : ''}`);
  }
  if (native.gasUsed !== expected.gasUsed) out.push(`gasUsed ${native.gasUsed}, the case expects ${expected.gasUsed}`);
  if (native.returndata.toLowerCase() !== expected.returndata) out.push(`returndata ${native.returndata}, the case expects ${expected.returndata}`);
  return out;
}
