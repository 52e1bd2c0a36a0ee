/**
 * One message described as a case of ../shared/conformance/cases.json: the frame (code, codeAddress, address,
 * caller, origin, callvalue, calldata, gasLimit, isStatic), the transaction's gas price, and the state around it
 * (preStorage, accountsAtStart, warmAtStart, block). `iso-hv run --case` and scripts/conformance.ts read cases
 * through this module.
 *
 * The frame runs against the case's state (contextOfCase): its block, the storage of `address` (whose values at
 * transaction start are the case's preStorage too), the warm set, and the accounts' balances and nonces at the first
 * opcode. An account of accountsAtStart may carry its `code` and its `storage` (slot → value, at transaction start):
 * the callees of a message that makes calls (`iso-hv run --case` then builds and verifies every frame of the message
 * tree, lib/native/tree.ts); other accounts run as accounts without code.
 */
import { logsHashOf } from '../witness/logs.ts';
import type { BlockValues, Hex, Status } from '../witness/types.ts';
import { transferredValue, type AccountState, type MessageContext, type SlotState } from './context.ts';
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
  /** Storage of `address` at the frame's first opcode (zero slots omitted): slot → value. */
  preStorage: Map<bigint, bigint>;
  warmAtStart: { addresses: Hex[]; slots: Map<Hex, bigint[]> };
  /** Balances and nonces at the frame's first opcode (after gas purchase and value transfer). */
  accountsAtStart: Map<Hex, { balance: bigint; nonce: bigint; code?: Hex; storage?: Map<bigint, bigint> }>;
  block?: BlockValues;
  /** The outcome the case states, if it states one. */
  expected?: {
    status: CaseStatus;
    error?: string;
    returndata: Hex;
    gasUsed: bigint;
    /** The frame's refund counter at exit. */
    refundCounter?: bigint;
    /** The logs hash chain (docs/witness.md, "Logs") of the case's logs. */
    logsHash?: Hex;
  };
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

function quantityValue(v: unknown, where: string): bigint {
  return quantity({ v }, 'v', where);
}

function address(v: unknown, where: string): Hex {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw new MessageCaseError(where, `expected an address, got ${JSON.stringify(v)}`);
  return v.toLowerCase() as Hex;
}

function blockOf(b: Json): BlockValues {
  return {
    coinbase: address(b.coinbase, 'block.coinbase'),
    timestamp: quantity(b, 'timestamp', 'block.timestamp'),
    number: quantity(b, 'number', 'block.number'),
    prevrandao: `0x${quantity(b, 'prevRandao', 'block.prevRandao').toString(16).padStart(64, '0')}`,
    gasLimit: quantity(b, 'gasLimit', 'block.gasLimit'),
    chainId: quantity(b, 'chainId', 'block.chainId'),
    baseFee: quantity(b, 'baseFee', 'block.baseFee'),
    blobBaseFee: b.blobBaseFee === undefined ? 1n : quantity(b, 'blobBaseFee', 'block.blobBaseFee'),
  };
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
    preStorage: new Map(Object.entries(isObject(c.preStorage) ? c.preStorage : {}).map(([k, v]) => [quantityValue(k, `preStorage key ${k}`), quantityValue(v, `preStorage.${k}`)])),
    warmAtStart: { addresses: [], slots: new Map() },
    accountsAtStart: new Map(),
  };
  if (isObject(c.warmAtStart)) {
    const w = c.warmAtStart;
    if (Array.isArray(w.addresses)) out.warmAtStart.addresses = w.addresses.map((a: unknown, i: number) => address(a, `warmAtStart.addresses[${i}]`));
    if (isObject(w.slots)) {
      for (const [a, slots] of Object.entries(w.slots)) {
        if (!Array.isArray(slots)) throw new MessageCaseError(`warmAtStart.slots.${a}`, 'expected an array of slots');
        out.warmAtStart.slots.set(address(a, `warmAtStart.slots.${a}`), slots.map((x: unknown, i: number) => quantityValue(x, `warmAtStart.slots.${a}[${i}]`)));
      }
    }
  }
  if (isObject(c.accountsAtStart)) {
    for (const [a, acc] of Object.entries(c.accountsAtStart)) {
      if (!isObject(acc)) throw new MessageCaseError(`accountsAtStart.${a}`, 'expected { balance, nonce }');
      const where = `accountsAtStart.${a}`;
      if (acc.storage !== undefined && !isObject(acc.storage)) throw new MessageCaseError(`${where}.storage`, 'expected an object of slot → value');
      out.accountsAtStart.set(address(a, where), {
        balance: quantity(acc, 'balance', `${where}.balance`),
        nonce: quantity(acc, 'nonce', `${where}.nonce`),
        ...(acc.code === undefined ? {} : { code: hex(acc, 'code') }),
        ...(isObject(acc.storage)
          ? { storage: new Map(Object.entries(acc.storage).map(([k, v]) => [quantityValue(k, `${where}.storage key ${k}`), quantityValue(v, `${where}.storage.${k}`)])) }
          : {}),
      });
    }
  }
  if (isObject(c.block)) out.block = blockOf(c.block);
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
      ...(e.refundCounter === undefined ? {} : { refundCounter: quantity(e, 'refundCounter', 'expected.refundCounter') }),
      ...(Array.isArray(e.logs) ? { logsHash: logsHashOf(e.logs.map((l: unknown, i: number) => logOf(l, `expected.logs[${i}]`))) } : {}),
    };
  }
  return out;
}

function logOf(l: unknown, where: string): { topics: Hex[]; data: Hex } {
  if (!isObject(l) || !Array.isArray(l.topics)) throw new MessageCaseError(where, 'expected { address, topics, data }');
  return {
    topics: l.topics.map((t: unknown, i: number) => `0x${quantityValue(t, `${where}.topics[${i}]`).toString(16).padStart(64, '0')}` as Hex),
    data: hex(l, 'data'),
  };
}

/**
 * The message context of a case, with its state: the block, `address`'s storage (original = value: the case's
 * storage is the transaction's pre-state), the warm set, and the accounts. The run itself transfers `callvalue` from
 * caller to address, so the executing account starts with its balance at the first opcode less the value.
 */
export function contextOfCase(c: MessageCase): MessageContext {
  const warmSlots = new Set((c.warmAtStart.slots.get(c.address) ?? []).map((s) => s.toString()));
  const slots = new Set<bigint>([...c.preStorage.keys(), ...(c.warmAtStart.slots.get(c.address) ?? [])]);
  const storage: SlotState[] = [...slots].map((slot) => ({ slot, value: c.preStorage.get(slot) ?? 0n, warm: warmSlots.has(slot.toString()) }));
  const transferred = transferredValue({ to: c.codeAddress, context: c.address, caller: c.caller, callvalue: c.callvalue });
  const accounts: AccountState[] = [...c.accountsAtStart].map(([address, a]) => ({
    address,
    nonce: a.nonce,
    balance: address === c.address ? a.balance - transferred : a.balance,
    ...(a.code === undefined ? {} : { code: a.code }),
    ...(a.storage === undefined ? {} : { storage: [...a.storage].map(([slot, value]) => ({ slot, value })) }),
  }));
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
    ...(c.block === undefined ? {} : { block: c.block }),
    preState: { storage, accounts, warmAccounts: c.warmAtStart.addresses },
  };
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
  if (expected.refundCounter !== undefined && native.status === 1 && native.gasRefund !== expected.refundCounter) {
    out.push(`refund ${native.gasRefund}, the case expects ${expected.refundCounter}`);
  }
  if (expected.logsHash !== undefined && native.status === 1 && native.logsHash !== expected.logsHash) out.push(`logs hash ${native.logsHash}, the case's logs hash to ${expected.logsHash}`);
  return out;
}
