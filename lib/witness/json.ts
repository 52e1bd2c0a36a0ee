/**
 * JSON form of a witness file (docs/witness.md, "JSON form"): the struct's field names, numbers
 * as decimal strings, bytes and addresses as 0x-hex, isStatic a boolean, records as
 * `{ "opcode": "<decimal>", "data": "0x…" }` (read also in the typed form of their kind,
 * `{ "kind": "blockHash", "number": "5", "hash": "0x…" }`), plus a top-level `code`.
 */
import { encodeRecord, RecordFormatError, recordFromJson } from './records.ts';
import type { AccessRecord, AccountKey, BlockValues, Hex, MessageWitness, Status, StorageKey, TransientKey, WitnessFile } from './types.ts';

export interface AccessRecordJson {
  opcode: string;
  data: Hex;
}

/** An object's JSON form: numbers (bigint, status) as decimal strings, booleans and hex as they are. */
type JsonFields<T> = { [K in keyof T]: T[K] extends bigint | number ? string : T[K] };

export type BlockValuesJson = JsonFields<BlockValues>;
export type StorageKeyJson = JsonFields<StorageKey>;
export type TransientKeyJson = JsonFields<TransientKey>;
export type AccountKeyJson = JsonFields<AccountKey>;

/** The JSON form of a MessageWitness field: numbers (bigint, status) as decimal strings, records as AccessRecordJson. */
type JsonOf<T> = T extends bigint | number
  ? string
  : T extends AccessRecord[]
    ? AccessRecordJson[]
    : T extends BlockValues
      ? BlockValuesJson
      : T extends StorageKey[]
        ? StorageKeyJson[]
        : T extends TransientKey[]
          ? TransientKeyJson[]
          : T extends AccountKey[]
            ? AccountKeyJson[]
            : T;

/**
 * The JSON object of a witness file: the struct's fields in their JSON form, plus the guest `code` and, when the
 * frame reads other accounts' code, `accountCode`.
 */
export type WitnessJson = { code: Hex; accountCode?: Hex[] } & { [K in keyof MessageWitness]: JsonOf<MessageWitness[K]> };

/** Field order of the JSON object (= struct order, `code` first). */
export const WITNESS_JSON_FIELDS = [
  'code',
  'stateRootEnter',
  'stateRootLeave',
  'isStatic',
  'origin',
  'caller',
  'to',
  'context',
  'callvalue',
  'gasPrice',
  'gasAvailable',
  'gasUsed',
  'state_access_list',
  'status',
  'returndataHash',
  'calldata',
  'codeHash',
  'block',
  'refund',
  'logsHash',
  'storageKeys',
  'transientKeys',
  'accountKeys',
  'accountCode',
] as const satisfies ReadonlyArray<keyof WitnessJson>;


/** Thrown by witnessFromJson; `field` names the offending field (e.g. `state_access_list[2].data`). */
export class WitnessJsonError extends Error {
  readonly field: string | undefined;
  constructor(field: string | undefined, message: string) {
    super(field === undefined ? `witness JSON: ${message}` : `witness JSON: field "${field}": ${message}`);
    this.name = 'WitnessJsonError';
    this.field = field;
  }
}

/** The JSON object of a witness file (addresses and hex lowercase). */
export function witnessToJson(file: WitnessFile): WitnessJson {
  const w = file.witness;
  const lower = (h: Hex): Hex => h.toLowerCase() as Hex;
  return {
    code: lower(file.code),
    stateRootEnter: lower(w.stateRootEnter),
    stateRootLeave: lower(w.stateRootLeave),
    isStatic: w.isStatic,
    origin: lower(w.origin),
    caller: lower(w.caller),
    to: lower(w.to),
    context: lower(w.context),
    callvalue: w.callvalue.toString(10),
    gasPrice: w.gasPrice.toString(10),
    gasAvailable: w.gasAvailable.toString(10),
    gasUsed: w.gasUsed.toString(10),
    state_access_list: w.state_access_list.map((r) => ({ opcode: r.opcode.toString(10), data: lower(r.data) })),
    status: w.status.toString(10),
    returndataHash: lower(w.returndataHash),
    calldata: lower(w.calldata),
    codeHash: lower(w.codeHash),
    block: {
      coinbase: lower(w.block.coinbase),
      timestamp: w.block.timestamp.toString(10),
      number: w.block.number.toString(10),
      prevrandao: lower(w.block.prevrandao),
      gasLimit: w.block.gasLimit.toString(10),
      chainId: w.block.chainId.toString(10),
      baseFee: w.block.baseFee.toString(10),
      blobBaseFee: w.block.blobBaseFee.toString(10),
    },
    refund: w.refund.toString(10),
    logsHash: lower(w.logsHash),
    storageKeys: w.storageKeys.map((k) => ({ slot: k.slot.toString(10), warm: k.warm, original: k.original.toString(10), value: k.value.toString(10) })),
    transientKeys: w.transientKeys.map((k) => ({ slot: k.slot.toString(10), value: k.value.toString(10) })),
    accountKeys: w.accountKeys.map((k) => ({ account: lower(k.account), warm: k.warm, balance: k.balance.toString(10), codeHash: lower(k.codeHash) })),
    ...(file.accountCode === undefined || file.accountCode.length === 0 ? {} : { accountCode: file.accountCode.map(lower) }),
  };
}

/** The JSON text of a witness file (2-space indentation, trailing newline). */
export function stringifyWitness(file: WitnessFile): string {
  return `${JSON.stringify(witnessToJson(file), null, 2)}\n`;
}

const MAX_UINT256 = (1n << 256n) - 1n;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (x === undefined) return 'missing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 80 ? `${x.slice(0, 77)}...` : x)}`;
  if (typeof x === 'object') return 'an object';
  return `the ${typeof x} ${String(x)}`;
}

function uint(obj: Record<string, unknown>, key: string, field: string, max: bigint, what: string): bigint {
  const v = obj[key];
  if (typeof v !== 'string' || !/^(0|[1-9][0-9]*)$/.test(v)) {
    throw new WitnessJsonError(field, `expected ${what} as a decimal string without leading zeros (e.g. "0", "21000"), got ${describe(v)}`);
  }
  const n = BigInt(v);
  if (n > max) throw new WitnessJsonError(field, `expected ${what} at most ${max}, got ${v}`);
  return n;
}

const MIN_INT256 = -(1n << 255n);
const MAX_INT256 = (1n << 255n) - 1n;

function int256(obj: Record<string, unknown>, key: string, field: string): bigint {
  const v = obj[key];
  if (typeof v !== 'string' || !/^(0|-?[1-9][0-9]*)$/.test(v)) {
    throw new WitnessJsonError(field, `expected an int256 as a decimal string without leading zeros (e.g. "0", "-4800", "19900"), got ${describe(v)}`);
  }
  const n = BigInt(v);
  if (n < MIN_INT256 || n > MAX_INT256) throw new WitnessJsonError(field, `expected an int256 (from -2^255 to 2^255-1), got ${v}`);
  return n;
}

function bool(obj: Record<string, unknown>, key: string, field: string): boolean {
  const v = obj[key];
  if (typeof v !== 'boolean') throw new WitnessJsonError(field, `expected a boolean (true or false), got ${describe(v)}`);
  return v;
}

/** `obj` checked to be an object with exactly the keys `keys` (each error names the field). */
function objectWith(x: unknown, field: string, keys: readonly string[], example: string): Record<string, unknown> {
  if (!isRecord(x)) throw new WitnessJsonError(field, `expected an object ${example}, got ${describe(x)}`);
  for (const k of Object.keys(x)) {
    if (!keys.includes(k)) throw new WitnessJsonError(`${field}.${k}`, `unknown field (expected only: ${keys.join(', ')})`);
  }
  return x;
}

function arrayOf<T>(x: unknown, field: string, example: string, item: (v: unknown, f: string) => T): T[] {
  if (!Array.isArray(x)) throw new WitnessJsonError(field, `expected an array of ${example}, got ${describe(x)}`);
  return x.map((v: unknown, i: number) => item(v, `${field}[${i}]`));
}

const STORAGE_KEY_EXAMPLE = '{ "slot": "<decimal>", "warm": false, "original": "<decimal>", "value": "<decimal>" }';
const TRANSIENT_KEY_EXAMPLE = '{ "slot": "<decimal>", "value": "<decimal>" }';
const ACCOUNT_KEY_EXAMPLE = '{ "account": "0x…", "warm": false, "balance": "<decimal>", "codeHash": "0x…" }';
const BLOCK_EXAMPLE = '{ "coinbase": "0x…", "timestamp", "number", "prevrandao": "0x…", "gasLimit", "chainId", "baseFee", "blobBaseFee" }';

function hexBytes(obj: Record<string, unknown>, key: string, field: string, bytes?: number): Hex {
  return hexValue(obj[key], field, bytes);
}

function hexValue(v: unknown, field: string, bytes?: number): Hex {
  const what = bytes === undefined ? '0x-prefixed hex of whole bytes (e.g. "0x" or "0x00ff")' : `0x-prefixed hex of exactly ${bytes} bytes (${2 + 2 * bytes} characters)`;
  if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v) || (bytes !== undefined && v.length !== 2 + 2 * bytes)) {
    throw new WitnessJsonError(field, `expected ${what}, got ${describe(v)}`);
  }
  return v.toLowerCase() as Hex;
}

function blockFromJson(x: unknown): BlockValues {
  const b = objectWith(x, 'block', ['coinbase', 'timestamp', 'number', 'prevrandao', 'gasLimit', 'chainId', 'baseFee', 'blobBaseFee'], BLOCK_EXAMPLE);
  const n = (k: string): bigint => uint(b, k, `block.${k}`, MAX_UINT256, 'a uint256');
  return {
    coinbase: hexBytes(b, 'coinbase', 'block.coinbase', 20),
    timestamp: n('timestamp'),
    number: n('number'),
    prevrandao: hexBytes(b, 'prevrandao', 'block.prevrandao', 32),
    gasLimit: n('gasLimit'),
    chainId: n('chainId'),
    baseFee: n('baseFee'),
    blobBaseFee: n('blobBaseFee'),
  };
}

/**
 * Parses and validates the JSON form (text or an already parsed value). Every field is
 * required, unknown fields are rejected (they are likely typos), and every error names the
 * field and says what is expected.
 */
export function witnessFromJson(input: string | unknown): WitnessFile {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new WitnessJsonError(undefined, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!isRecord(value)) throw new WitnessJsonError(undefined, `expected an object, got ${describe(value)}`);
  const known = new Set<string>(WITNESS_JSON_FIELDS);
  for (const k of Object.keys(value)) {
    if (!known.has(k)) throw new WitnessJsonError(k, `unknown field (expected only: ${WITNESS_JSON_FIELDS.join(', ')})`);
  }
  const o = value;
  const isStatic = o.isStatic;
  if (typeof isStatic !== 'boolean') {
    throw new WitnessJsonError('isStatic', `expected a boolean (true or false), got ${describe(isStatic)}`);
  }
  const list = o.state_access_list;
  if (!Array.isArray(list)) {
    throw new WitnessJsonError('state_access_list', `expected an array of { "opcode": "<decimal>", "data": "0x…" }, got ${describe(list)}`);
  }
  const records: AccessRecord[] = list.map((r: unknown, i: number) => {
    const f = `state_access_list[${i}]`;
    if (!isRecord(r)) throw new WitnessJsonError(f, `expected an object { "opcode": "<decimal>", "data": "0x…" }, got ${describe(r)}`);
    if ('kind' in r) {
      // the typed form of a record kind (lib/witness/records.ts), e.g. { "kind": "blockHash", "number": "5", "hash": "0x…" }
      try {
        return encodeRecord(recordFromJson(r));
      } catch (e) {
        if (e instanceof RecordFormatError) throw new WitnessJsonError(f, e.message);
        throw e;
      }
    }
    for (const k of Object.keys(r)) {
      if (k !== 'opcode' && k !== 'data') throw new WitnessJsonError(`${f}.${k}`, 'unknown field (expected only: opcode, data)');
    }
    return { opcode: Number(uint(r, 'opcode', `${f}.opcode`, 255n, 'an opcode 0-255')), data: hexBytes(r, 'data', `${f}.data`) };
  });
  const witness: MessageWitness = {
    stateRootEnter: hexBytes(o, 'stateRootEnter', 'stateRootEnter', 32),
    stateRootLeave: hexBytes(o, 'stateRootLeave', 'stateRootLeave', 32),
    isStatic,
    origin: hexBytes(o, 'origin', 'origin', 20),
    caller: hexBytes(o, 'caller', 'caller', 20),
    to: hexBytes(o, 'to', 'to', 20),
    context: hexBytes(o, 'context', 'context', 20),
    callvalue: uint(o, 'callvalue', 'callvalue', MAX_UINT256, 'a uint256'),
    gasPrice: uint(o, 'gasPrice', 'gasPrice', MAX_UINT256, 'a uint256'),
    gasAvailable: uint(o, 'gasAvailable', 'gasAvailable', MAX_UINT256, 'a uint256'),
    gasUsed: uint(o, 'gasUsed', 'gasUsed', MAX_UINT256, 'a uint256'),
    state_access_list: records,
    status: Number(uint(o, 'status', 'status', 2n, 'a status "0" (halt), "1" (success) or "2" (revert)')) as Status,
    returndataHash: hexBytes(o, 'returndataHash', 'returndataHash', 32),
    calldata: hexBytes(o, 'calldata', 'calldata'),
    codeHash: hexBytes(o, 'codeHash', 'codeHash', 32),
    block: blockFromJson(o.block),
    refund: int256(o, 'refund', 'refund'),
    logsHash: hexBytes(o, 'logsHash', 'logsHash', 32),
    storageKeys: arrayOf(o.storageKeys, 'storageKeys', STORAGE_KEY_EXAMPLE, (v, f) => {
      const k = objectWith(v, f, ['slot', 'warm', 'original', 'value'], STORAGE_KEY_EXAMPLE);
      return {
        slot: uint(k, 'slot', `${f}.slot`, MAX_UINT256, 'a uint256'),
        warm: bool(k, 'warm', `${f}.warm`),
        original: uint(k, 'original', `${f}.original`, MAX_UINT256, 'a uint256'),
        value: uint(k, 'value', `${f}.value`, MAX_UINT256, 'a uint256'),
      };
    }),
    transientKeys: arrayOf(o.transientKeys, 'transientKeys', TRANSIENT_KEY_EXAMPLE, (v, f) => {
      const k = objectWith(v, f, ['slot', 'value'], TRANSIENT_KEY_EXAMPLE);
      return { slot: uint(k, 'slot', `${f}.slot`, MAX_UINT256, 'a uint256'), value: uint(k, 'value', `${f}.value`, MAX_UINT256, 'a uint256') };
    }),
    accountKeys: arrayOf(o.accountKeys, 'accountKeys', ACCOUNT_KEY_EXAMPLE, (v, f) => {
      const k = objectWith(v, f, ['account', 'warm', 'balance', 'codeHash'], ACCOUNT_KEY_EXAMPLE);
      return {
        account: hexBytes(k, 'account', `${f}.account`, 20),
        warm: bool(k, 'warm', `${f}.warm`),
        balance: uint(k, 'balance', `${f}.balance`, MAX_UINT256, 'a uint256'),
        codeHash: hexBytes(k, 'codeHash', `${f}.codeHash`, 32),
      };
    }),
  };
  const accountCode = o.accountCode === undefined ? undefined : arrayOf(o.accountCode, 'accountCode', '0x-hex code', (v, f) => hexValue(v, f));
  return { code: hexBytes(o, 'code', 'code'), witness, ...(accountCode === undefined ? {} : { accountCode }) };
}
