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

/** How a field's word is typed: a number, a 32-byte value, or an address (upper 12 bytes zero). */
export type RecordFieldType = 'uint256' | 'bytes32' | 'address';
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
}

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

type FieldValue<T extends RecordFieldType> = T extends 'uint256' ? bigint : Hex;
type FieldsOf<K extends RecordKindName> = (typeof RECORD_KINDS)[K]['fields'][number];
/** The typed record of kind K: `{ kind: K, <field>: value, … }`. */
export type RecordOf<K extends RecordKindName> = { kind: K } & { [F in FieldsOf<K> as F['name']]: FieldValue<F['type']> };
/** Any typed record: a union discriminated by `kind`. */
export type TypedRecord = { [K in RecordKindName]: RecordOf<K> }[RecordKindName];

/** The JSON form of a typed record: `{ "kind": …, <field>: decimal string or 0x-hex }`. */
export type TypedRecordJson = { kind: RecordKindName } & Record<string, string>;

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

/** Bytes of a record's `data` for kind `kind`: one word per field. */
export function recordDataSize(kind: RecordKindName): number {
  return RECORD_KINDS[kind].fields.length * 32;
}

function fieldsOf(kind: RecordKindName): readonly RecordFieldSpec[] {
  return RECORD_KINDS[kind].fields;
}

const WORD_MAX = (1n << 256n) - 1n;

function wordOf(kind: RecordKindName, f: RecordFieldSpec, value: unknown): string {
  const where = `${kind}.${f.name}`;
  let n: bigint;
  if (f.type === 'uint256') {
    if (typeof value !== 'bigint') throw new RecordFormatError('field', `${where}: expected a bigint`);
    n = value;
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
  const data = spec.fields.map((f: RecordFieldSpec) => wordOf(record.kind, f, values[f.name])).join('');
  return { opcode: recordOpcode(record.kind), data: `0x${data}` };
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
  if (hex.length !== size * 2) {
    throw new RecordFormatError('length', `${kind} record: data is ${hex.length / 2} bytes, expected ${size}`);
  }
  const out: Record<string, unknown> = { kind };
  fieldsOf(kind).forEach((f, i) => {
    const word = hex.slice(64 * i, 64 * (i + 1));
    if (f.type === 'uint256') out[f.name] = BigInt(`0x${word}`);
    else if (f.type === 'bytes32') out[f.name] = `0x${word}`;
    else {
      if (!/^0{24}/.test(word)) throw new RecordFormatError('field', `${kind}.${f.name}: address with nonzero upper bytes`);
      out[f.name] = `0x${word.slice(24)}`;
    }
  });
  return out as unknown as TypedRecord;
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
  const known = new Set<string>(['kind', ...fieldsOf(k).map((f) => f.name)]);
  for (const key of Object.keys(obj)) {
    if (!known.has(key)) throw new RecordFormatError('field', `${k} record: unknown field "${key}"`);
  }
  for (const f of fieldsOf(k)) {
    const v = obj[f.name];
    if (typeof v !== 'string') throw new RecordFormatError('field', `${k}.${f.name}: missing (a string)`);
    if (f.type === 'uint256') {
      if (!/^\d+$/.test(v)) throw new RecordFormatError('field', `${k}.${f.name}: expected a decimal string, got "${v}"`);
      out[f.name] = BigInt(v);
    } else {
      out[f.name] = v.toLowerCase();
    }
  }
  const typed = out as unknown as TypedRecord;
  encodeRecord(typed); // validates widths and ranges
  return typed;
}
