/**
 * Record kinds: the typed form of an access record (docs/witness.md, "Access records").
 *
 * An `AccessRecord` on the wire is `{ opcode, data }`; its kind is fixed by the opcode and its
 * `data` is the kind's fields, one 32-byte word each, in the order of RECORD_KINDS. This table is
 * the single source of the record layouts: `scripts/gen-records.ts` writes
 * src/hypervisor/RecordLayout.huff (opcode, size and field offsets per kind) from it, and the
 * hypervisor reads records only through `NEXT_RECORD` (src/hypervisor/Records.huff).
 *
 * Each field is an `argument` (a value the frame computes itself: the hypervisor checks it against
 * its own stack) or a `result` (a claim about the world outside the frame that the hypervisor
 * pushes or copies; a fraud-proof system checks it against the state, docs/witness.md).
 */
import { opcodeByName } from '../evm/opcodes.ts';
import type { AccessRecord, Hex } from './types.ts';

/** How a field's word is typed: a number, a signed number (two's complement), a 32-byte value, or an address (upper 12 bytes zero). */
export type RecordFieldType = 'uint256' | 'int256' | 'bytes32' | 'address';
/** `argument`: checked against the hypervisor's own stack; `result`: the outside value it uses. */
export type RecordFieldRole = 'argument' | 'result';

export interface RecordFieldSpec {
  readonly name: string;
  readonly type: RecordFieldType;
  readonly role: RecordFieldRole;
  /** What the field is, for docs/witness.md and RecordLayout.huff. */
  readonly doc: string;
}

export interface RecordKindSpec {
  /** The mnemonic of the opcode this kind answers (lib/evm/opcodes.ts); its number is a record's first word. */
  readonly opcodeName: string;
  readonly doc: string;
  readonly fields: readonly RecordFieldSpec[];
  /**
   * The variable part after the fields of a call record ('call') or a create record ('create') (docs/witness.md,
   * "Calls", "Creates"): the return data (`returndataLength` bytes, zero-padded to whole words), then `updateCount`
   * key updates of KEY_UPDATE_WORDS words each.
   */
  readonly tail?: 'call' | 'create';
}

/**
 * One key update of a call or create record: key state `key` (the keys of the three lists numbered in order: storage
 * keys, then transient keys, then account keys) has `value` (a slot's value, an account's balance) and, for an
 * account key, `codeHash` (what EXTCODEHASH answers: 0 for an account that does not exist or is empty) in the
 * caller's view after the call, and is warm if `warm`. A storage or transient key's codeHash is 0.
 */
export interface KeyUpdate {
  key: number;
  warm: boolean;
  value: bigint;
  codeHash: Hex;
}

/** Words per key update in a call record's tail: key index, warm (0 or 1), value, code hash. */
export const KEY_UPDATE_WORDS = 4;

/** A key update's code hash for a storage or transient key, and an account's that does not exist. */
export const NO_CODE_HASH: Hex = `0x${'00'.repeat(32)}`;

/** A call record's status: the callee's status (0 halt, 1 success, 2 revert), or 3 when it was never entered. */
export const CALL_NOT_ENTERED = 3;
/** A create record's status when the new address already has code, a nonce or storage (EIP-7610): all its gas is used. */
export const CREATE_COLLISION = 4;
/** The largest nonce an account can have (EIP-2681): a create from an account with this nonce is not entered. */
export const NONCE_MAX = (1n << 64n) - 1n;

/** The fields every call record kind has (CALL, CALLCODE, DELEGATECALL, STATICCALL), in word order. */
const CALL_FIELDS = [
  { name: 'target', type: 'address', role: 'argument', doc: "the address operand (the callee frame's `to`)" },
  { name: 'value', type: 'uint256', role: 'argument', doc: "the callee's callvalue: the value operand (CALL, CALLCODE), the frame's own callvalue (DELEGATECALL), 0 (STATICCALL)" },
  { name: 'gas', type: 'uint256', role: 'argument', doc: "the callee's gasAvailable: the gas operand capped at all but 1/64 of the gas left (EIP-150), plus the 2,300 stipend when value is sent" },
  { name: 'inputHash', type: 'bytes32', role: 'argument', doc: "keccak256 of the input memory range (the callee's calldata)" },
  { name: 'status', type: 'uint256', role: 'result', doc: "the callee's status (0 halt, 1 success, 2 revert), or 3: not entered (depth limit or insufficient balance)" },
  { name: 'gasUsed', type: 'uint256', role: 'result', doc: "the callee's gasUsed (gas for a halt, 0 when not entered)" },
  { name: 'refund', type: 'int256', role: 'result', doc: "the callee's refund change (0 unless status 1)" },
  { name: 'logsHash', type: 'bytes32', role: 'result', doc: "the callee's logs hash (0 unless status 1)" },
  { name: 'stateRoot', type: 'bytes32', role: 'result', doc: 'the state root after the call (the root before it unless status 1)' },
  { name: 'returndataLength', type: 'uint256', role: 'result', doc: "the length of the callee's return data (0 for a halt or when not entered)" },
  { name: 'updateCount', type: 'uint256', role: 'result', doc: 'the number of key updates in the tail' },
] as const satisfies readonly RecordFieldSpec[];

/**
 * The fields of a create record (CREATE, CREATE2). The first eleven words mean for the creation frame what a call
 * record's mean for the callee frame (the hypervisor reads the outcome of both through the same offsets), then the
 * two words only a creation has.
 */
const CREATE_FIELDS = [
  { name: 'address', type: 'address', role: 'argument', doc: "the new account's address (the creation frame's `to` and `context`): CREATE's from the executing account and `nonce`, CREATE2's from the executing account, `salt` and `initCodeHash` (EIP-1014)" },
  { name: 'value', type: 'uint256', role: 'argument', doc: "the value operand (the creation frame's callvalue)" },
  { name: 'gas', type: 'uint256', role: 'argument', doc: "the creation frame's gasAvailable: all but 1/64 of the gas left after the create's own cost (EIP-150)" },
  { name: 'initCodeHash', type: 'bytes32', role: 'argument', doc: "keccak256 of the init code memory range (the creation frame's codeHash)" },
  { name: 'status', type: 'uint256', role: 'result', doc: 'the creation\'s status: 0 halt (of the init code, or of the code deposit), 1 success, 2 revert, 3 not entered (insufficient balance, depth limit, nonce at 2^64-1), 4 address collision' },
  { name: 'gasUsed', type: 'uint256', role: 'result', doc: 'the creation frame\'s gasUsed with the code deposit (200 a byte); all of `gas` for statuses 0 and 4, 0 for status 3' },
  { name: 'refund', type: 'int256', role: 'result', doc: "the creation frame's refund change (0 unless status 1)" },
  { name: 'logsHash', type: 'bytes32', role: 'result', doc: "the creation frame's logs hash (0 unless status 1)" },
  { name: 'stateRoot', type: 'bytes32', role: 'result', doc: "the state root after the create (the root before it for status 3; a failed creation still raises the executing account's nonce)" },
  { name: 'returndataLength', type: 'uint256', role: 'result', doc: "the length of the return data after the create: a revert's data, else 0 (a successful creation's return data is the deployed code, not return data)" },
  { name: 'updateCount', type: 'uint256', role: 'result', doc: 'the number of key updates in the tail (0 unless status 1)' },
  { name: 'salt', type: 'uint256', role: 'argument', doc: "CREATE2's salt operand; 0 for CREATE" },
  { name: 'nonce', type: 'uint256', role: 'result', doc: "the executing account's nonce before the create: below 2^64, and 2^64-1 only with status 3 (EIP-2681)" },
] as const satisfies readonly RecordFieldSpec[];

/**
 * Every record kind. Arguments are listed top of stack first, as the opcode pops them; results in
 * the order the opcode pushes them.
 */
export const RECORD_KINDS = {
  blockHash: {
    opcodeName: 'BLOCKHASH',
    doc: 'the hash of one of the 256 most recent blocks (zero outside that window)',
    fields: [
      { name: 'number', type: 'uint256', role: 'argument', doc: 'the block number BLOCKHASH was asked for' },
      { name: 'hash', type: 'bytes32', role: 'result', doc: 'the hash BLOCKHASH returns' },
    ],
  },
  blobHash: {
    opcodeName: 'BLOBHASH',
    doc: "a versioned hash of the transaction's blobs (zero past the last one)",
    fields: [
      { name: 'index', type: 'uint256', role: 'argument', doc: 'the blob index BLOBHASH was asked for' },
      { name: 'hash', type: 'bytes32', role: 'result', doc: 'the versioned hash BLOBHASH returns' },
    ],
  },
  call: { opcodeName: 'CALL', doc: 'a message call: the callee\'s claimed outcome, its return data and the caller\'s key updates', fields: CALL_FIELDS, tail: 'call' },
  callCode: { opcodeName: 'CALLCODE', doc: 'a call running target\'s code in the frame\'s own context (as `call`)', fields: CALL_FIELDS, tail: 'call' },
  delegateCall: { opcodeName: 'DELEGATECALL', doc: 'a call running target\'s code with the frame\'s own context, caller and value (as `call`)', fields: CALL_FIELDS, tail: 'call' },
  staticCall: { opcodeName: 'STATICCALL', doc: 'a call whose callee runs static (as `call`)', fields: CALL_FIELDS, tail: 'call' },
  create: { opcodeName: 'CREATE', doc: "a contract creation: the creation frame's claimed outcome, the return data after it and the creator's key updates", fields: CREATE_FIELDS, tail: 'create' },
  create2: { opcodeName: 'CREATE2', doc: 'a contract creation at an address from a salt (as `create`)', fields: CREATE_FIELDS, tail: 'create' },
  selfDestruct: {
    opcodeName: 'SELFDESTRUCT',
    doc: "the executing account's balance sent to a beneficiary (EIP-6780), and the state root after it; the frame stops",
    fields: [
      { name: 'beneficiary', type: 'address', role: 'argument', doc: 'the address operand' },
      { name: 'balance', type: 'uint256', role: 'argument', doc: "the balance moved: the executing account's balance in the frame's view (its account key)" },
      { name: 'stateRoot', type: 'bytes32', role: 'result', doc: 'the state root after the transfer (and the account\'s deletion, for an account created in the same transaction)' },
    ],
  },
  storageWrite: {
    opcodeName: 'SSTORE',
    doc: "a write to the executing account's storage: the slot and value (from the stack) and the state root after it",
    fields: [
      { name: 'slot', type: 'uint256', role: 'argument', doc: 'the slot SSTORE writes' },
      { name: 'value', type: 'uint256', role: 'argument', doc: 'the value SSTORE writes' },
      { name: 'stateRoot', type: 'bytes32', role: 'result', doc: 'the state root after the write' },
    ],
  },
} as const satisfies Record<string, RecordKindSpec>;

export type RecordKindName = keyof typeof RECORD_KINDS;
export const RECORD_KIND_NAMES: readonly RecordKindName[] = Object.keys(RECORD_KINDS) as RecordKindName[];

type FieldValue<T extends RecordFieldType> = T extends 'uint256' | 'int256' ? bigint : Hex;
type FieldsOf<K extends RecordKindName> = (typeof RECORD_KINDS)[K]['fields'][number];
/** A call record's variable part, typed: the return data and the key updates (their counts are fields too). */
export interface CallTail {
  returndata: Hex;
  updates: KeyUpdate[];
}
type TailOf<K extends RecordKindName> = (typeof RECORD_KINDS)[K] extends { tail: 'call' | 'create' } ? CallTail : unknown;
/** The typed record of kind K: `{ kind: K, <field>: value, … }`, and for a call kind its tail. */
export type RecordOf<K extends RecordKindName> = { kind: K } & { [F in FieldsOf<K> as F['name']]: FieldValue<F['type']> } & TailOf<K>;
/** The call record kinds (CALL, CALLCODE, DELEGATECALL, STATICCALL). */
export type CallKindName = { [K in RecordKindName]: (typeof RECORD_KINDS)[K] extends { tail: 'call' } ? K : never }[RecordKindName];
/** A typed call record. */
export type CallRecord = RecordOf<CallKindName>;
/** The create record kinds (CREATE, CREATE2). */
export type CreateKindName = { [K in RecordKindName]: (typeof RECORD_KINDS)[K] extends { tail: 'create' } ? K : never }[RecordKindName];
/** A typed create record. */
export type CreateRecord = RecordOf<CreateKindName>;
/** Any typed record: a union discriminated by `kind`. */
export type TypedRecord = { [K in RecordKindName]: RecordOf<K> }[RecordKindName];

/** The JSON form of a typed record: `{ "kind": …, <field>: decimal string or 0x-hex }`. */
export type TypedRecordJson = { kind: RecordKindName } & Record<string, string | KeyUpdateJson[]>;
/** The JSON form of a key update. */
export interface KeyUpdateJson {
  key: number;
  warm: boolean;
  value: string;
  codeHash: string;
}

/** A record that is not a well-formed record of any kind; `reason` says which rule it breaks. */
export class RecordFormatError extends Error {
  constructor(readonly reason: 'unknown-opcode' | 'length' | 'field', message: string) {
    super(message);
    this.name = 'RecordFormatError';
  }
}

/** The opcode number kind `kind` answers. */
export function recordOpcode(kind: RecordKindName): number {
  const name = RECORD_KINDS[kind].opcodeName;
  const op = opcodeByName(name);
  if (op === undefined) throw new Error(`record kind ${kind}: lib/evm/opcodes.ts has no opcode ${name}`);
  return op.code;
}

const BY_OPCODE = new Map<number, RecordKindName>(RECORD_KIND_NAMES.map((k) => [recordOpcode(k), k]));

/** The kind that answers `opcode`, or undefined if no record kind does (yet). */
export function recordKindOf(opcode: number): RecordKindName | undefined {
  return BY_OPCODE.get(opcode);
}

/** Bytes of a record's fixed `data` for kind `kind`: one word per field (a call record's tail follows them). */
export function recordDataSize(kind: RecordKindName): number {
  return RECORD_KINDS[kind].fields.length * 32;
}

/** Whether kind `kind` has a call tail (return data and key updates): the call and create kinds. */
export function hasCallTail(kind: RecordKindName): boolean {
  return (RECORD_KINDS[kind] as RecordKindSpec).tail !== undefined;
}

/** Bytes of a call record's `data`: its fields, the return data padded to whole words, the key updates. */
export function callRecordDataSize(kind: RecordKindName, returndataLength: bigint, updateCount: bigint): bigint {
  return BigInt(recordDataSize(kind)) + ((returndataLength + 31n) / 32n) * 32n + updateCount * BigInt(KEY_UPDATE_WORDS * 32);
}

function fieldsOf(kind: RecordKindName): readonly RecordFieldSpec[] {
  return RECORD_KINDS[kind].fields;
}

const WORD_MAX = (1n << 256n) - 1n;

function wordOf(kind: RecordKindName, f: RecordFieldSpec, value: unknown): string {
  const where = `${kind}.${f.name}`;
  let n: bigint;
  if (f.type === 'uint256' || f.type === 'int256') {
    if (typeof value !== 'bigint') throw new RecordFormatError('field', `${where}: expected a bigint`);
    n = value;
    if (f.type === 'int256') {
      if (n < -(1n << 255n) || n >= 1n << 255n) throw new RecordFormatError('field', `${where}: ${n} does not fit in an int256`);
      n = BigInt.asUintN(256, n);
    }
  } else {
    if (typeof value !== 'string' || !/^0x[0-9a-fA-F]*$/.test(value)) {
      throw new RecordFormatError('field', `${where}: expected 0x-hex`);
    }
    const digits = f.type === 'address' ? 40 : 64;
    if (value.length !== 2 + digits) {
      throw new RecordFormatError('field', `${where}: expected ${digits / 2} bytes of 0x-hex, got ${(value.length - 2) / 2}`);
    }
    n = BigInt(value);
  }
  if (n < 0n || n > WORD_MAX) throw new RecordFormatError('field', `${where}: ${n} does not fit in 32 bytes`);
  return n.toString(16).padStart(64, '0');
}

/** The wire form of a typed record. */
export function encodeRecord(record: TypedRecord): AccessRecord {
  const spec = RECORD_KINDS[record.kind];
  if (spec === undefined) throw new RecordFormatError('unknown-opcode', `unknown record kind ${String(record.kind)}`);
  const values = record as unknown as Record<string, unknown>;
  let data = spec.fields.map((f: RecordFieldSpec) => wordOf(record.kind, f, values[f.name])).join('');
  if (hasCallTail(record.kind)) data += encodeCallTail(record.kind, values);
  return { opcode: recordOpcode(record.kind), data: `0x${data}` };
}

const hexWord = (n: bigint): string => n.toString(16).padStart(64, '0');

function encodeCallTail(kind: RecordKindName, values: Record<string, unknown>): string {
  const { returndata, updates } = values as unknown as Partial<CallTail>;
  if (typeof returndata !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(returndata)) throw new RecordFormatError('field', `${kind}.returndata: expected 0x-hex bytes`);
  if (!Array.isArray(updates)) throw new RecordFormatError('field', `${kind}.updates: expected an array of key updates`);
  const bytes = (returndata.length - 2) / 2;
  if (values.returndataLength !== BigInt(bytes)) throw new RecordFormatError('field', `${kind}.returndataLength is ${String(values.returndataLength)}, the return data has ${bytes} bytes`);
  if (values.updateCount !== BigInt(updates.length)) throw new RecordFormatError('field', `${kind}.updateCount is ${String(values.updateCount)}, there are ${updates.length} updates`);
  let out = returndata.slice(2).toLowerCase();
  out += '0'.repeat((64 - (out.length % 64)) % 64);
  for (const [i, u] of updates.entries()) {
    if (!Number.isSafeInteger(u.key) || u.key < 0) throw new RecordFormatError('field', `${kind}.updates[${i}].key: expected a key index`);
    if (typeof u.value !== 'bigint' || u.value < 0n || u.value > WORD_MAX) throw new RecordFormatError('field', `${kind}.updates[${i}].value: expected a 256-bit value`);
    if (typeof u.codeHash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(u.codeHash)) throw new RecordFormatError('field', `${kind}.updates[${i}].codeHash: expected 32 bytes of 0x-hex`);
    out += hexWord(BigInt(u.key)) + hexWord(u.warm ? 1n : 0n) + hexWord(u.value) + u.codeHash.slice(2).toLowerCase();
  }
  return out;
}

/**
 * The typed form of a wire record. Throws RecordFormatError for an opcode no kind answers, a
 * `data` of another length than the kind's, or an address field with nonzero upper bytes (the
 * hypervisor rejects the first two with their own InvalidWitness codes).
 */
export function decodeRecord(record: AccessRecord): TypedRecord {
  const kind = recordKindOf(record.opcode);
  if (kind === undefined) {
    throw new RecordFormatError('unknown-opcode', `no record kind answers opcode 0x${record.opcode.toString(16)}`);
  }
  const hex = record.data.slice(2);
  const size = recordDataSize(kind);
  if (hasCallTail(kind) ? hex.length < size * 2 : hex.length !== size * 2) {
    throw new RecordFormatError('length', `${kind} record: data is ${hex.length / 2} bytes, expected ${hasCallTail(kind) ? 'at least ' : ''}${size}`);
  }
  const out: Record<string, unknown> = { kind };
  fieldsOf(kind).forEach((f, i) => {
    const word = hex.slice(64 * i, 64 * (i + 1));
    if (f.type === 'uint256') out[f.name] = BigInt(`0x${word}`);
    else if (f.type === 'int256') out[f.name] = BigInt.asIntN(256, BigInt(`0x${word}`));
    else if (f.type === 'bytes32') out[f.name] = `0x${word}`;
    else {
      if (!/^0{24}/.test(word)) throw new RecordFormatError('field', `${kind}.${f.name}: address with nonzero upper bytes`);
      out[f.name] = `0x${word.slice(24)}`;
    }
  });
  if (hasCallTail(kind)) decodeCallTail(kind, hex.slice(size * 2), out);
  return out as unknown as TypedRecord;
}

/** The tail of a call record, as the hypervisor checks it: exact length, zero padding, ascending keys, warm 0 or 1. */
function decodeCallTail(kind: RecordKindName, tail: string, out: Record<string, unknown>): void {
  const length = out.returndataLength as bigint;
  const count = out.updateCount as bigint;
  const expected = callRecordDataSize(kind, length, count) - BigInt(recordDataSize(kind));
  if (BigInt(tail.length / 2) !== expected) throw new RecordFormatError('length', `${kind} record: the tail is ${tail.length / 2} bytes, its counts say ${expected}`);
  const n = Number(length);
  const padded = Math.ceil(n / 32) * 64;
  if (!/^0*$/.test(tail.slice(2 * n, padded))) throw new RecordFormatError('field', `${kind}.returndata: nonzero padding`);
  out.returndata = `0x${tail.slice(0, 2 * n)}`;
  const updates: KeyUpdate[] = [];
  for (let i = 0; i < Number(count); i++) {
    const at = padded + i * KEY_UPDATE_WORDS * 64;
    const key = BigInt(`0x${tail.slice(at, at + 64)}`);
    const warm = BigInt(`0x${tail.slice(at + 64, at + 128)}`);
    if (warm > 1n) throw new RecordFormatError('field', `${kind}.updates[${i}].warm: must be 0 or 1`);
    if (key > BigInt(Number.MAX_SAFE_INTEGER) || (i > 0 && Number(key) <= updates[i - 1]!.key)) throw new RecordFormatError('field', `${kind}.updates: keys must be strictly ascending`);
    updates.push({ key: Number(key), warm: warm === 1n, value: BigInt(`0x${tail.slice(at + 128, at + 192)}`), codeHash: `0x${tail.slice(at + 192, at + 256)}` });
  }
  out.updates = updates;
}

/**
 * Whether two records of the same kind and data length claim different values for a field the frame computes itself
 * (an argument): word by word, as RECORD_ARGUMENT compares them.
 */
export function argumentsDiffer(kind: RecordKindName, a: AccessRecord, b: AccessRecord): boolean {
  const word = (data: Hex, i: number): string => data.slice(2 + 64 * i, 66 + 64 * i).toLowerCase();
  return fieldsOf(kind).some((f, i) => f.role === 'argument' && word(a.data, i) !== word(b.data, i));
}

/** JSON form: numbers as decimal strings, the rest as 0x-hex. */
export function recordToJson(record: TypedRecord): TypedRecordJson {
  const values = record as unknown as Record<string, bigint | Hex>;
  const out: TypedRecordJson = { kind: record.kind };
  for (const f of fieldsOf(record.kind)) {
    const v = values[f.name]!;
    out[f.name] = typeof v === 'bigint' ? v.toString(10) : v;
  }
  if (hasCallTail(record.kind)) {
    const tail = record as unknown as CallTail;
    out.returndata = tail.returndata;
    out.updates = tail.updates.map((u) => ({ key: u.key, warm: u.warm, value: u.value.toString(10), codeHash: u.codeHash }));
  }
  return out;
}

/** Reads the JSON form; errors name the record kind and field. */
export function recordFromJson(json: unknown): TypedRecord {
  if (typeof json !== 'object' || json === null) throw new RecordFormatError('field', 'a record must be a JSON object');
  const obj = json as Record<string, unknown>;
  const kind = obj.kind;
  if (typeof kind !== 'string' || !(kind in RECORD_KINDS)) {
    throw new RecordFormatError('unknown-opcode', `unknown record kind ${JSON.stringify(kind)} (known: ${RECORD_KIND_NAMES.join(', ')})`);
  }
  const k = kind as RecordKindName;
  const out: Record<string, unknown> = { kind: k };
  const known = new Set<string>(['kind', ...fieldsOf(k).map((f) => f.name), ...(hasCallTail(k) ? ['returndata', 'updates'] : [])]);
  for (const key of Object.keys(obj)) {
    if (!known.has(key)) throw new RecordFormatError('field', `${k} record: unknown field "${key}"`);
  }
  for (const f of fieldsOf(k)) {
    const v = obj[f.name];
    if (typeof v !== 'string') throw new RecordFormatError('field', `${k}.${f.name}: missing (a string)`);
    if (f.type === 'uint256' || f.type === 'int256') {
      if (!(f.type === 'int256' ? /^-?\d+$/ : /^\d+$/).test(v)) throw new RecordFormatError('field', `${k}.${f.name}: expected a decimal string, got "${v}"`);
      out[f.name] = BigInt(v);
    } else {
      out[f.name] = v.toLowerCase();
    }
  }
  if (hasCallTail(k)) {
    if (typeof obj.returndata !== 'string') throw new RecordFormatError('field', `${k}.returndata: missing (0x-hex bytes)`);
    out.returndata = obj.returndata.toLowerCase();
    if (!Array.isArray(obj.updates)) throw new RecordFormatError('field', `${k}.updates: missing (an array of { key, warm, value })`);
    out.updates = obj.updates.map((u: unknown, i: number): KeyUpdate => {
      const x = u as Record<string, unknown>;
      if (typeof x !== 'object' || x === null || typeof x.key !== 'number' || typeof x.warm !== 'boolean' || typeof x.value !== 'string' || !/^\d+$/.test(x.value) || typeof x.codeHash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(x.codeHash)) {
        throw new RecordFormatError('field', `${k}.updates[${i}]: expected { "key": number, "warm": boolean, "value": decimal string, "codeHash": 0x-hex of 32 bytes }`);
      }
      return { key: x.key, warm: x.warm, value: BigInt(x.value), codeHash: x.codeHash.toLowerCase() as Hex };
    });
  }
  const typed = out as unknown as TypedRecord;
  encodeRecord(typed); // validates widths and ranges
  return typed;
}
