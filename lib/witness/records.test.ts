import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { keccak256, type Hex } from 'viem';
import { OPCODES } from '../evm/opcodes.ts';
import {
  decodeRecord,
  encodeRecord,
  hasCallTail,
  recordDataSize,
  RECORD_KIND_NAMES,
  RECORD_KINDS,
  RecordFormatError,
  recordFromJson,
  recordKindOf,
  recordToJson,
  type TypedRecord,
} from './records.ts';

const H: Hex = keccak256('0x');

test('every record kind answers an opcode the hypervisor executes, the table names the kind, and no two kinds share one', () => {
  const seen = new Set<number>();
  for (const kind of RECORD_KIND_NAMES) {
    const op = OPCODES.find((o) => o.name === RECORD_KINDS[kind].opcodeName);
    assert.ok(op, `${kind}: no opcode ${RECORD_KINDS[kind].opcodeName}`);
    assert.ok(op.kind === 'recorded' || op.kind === 'keyed', `${kind}: ${op.name} is not an opcode the hypervisor executes with a record in lib/evm/opcodes.ts`);
    assert.equal(op.recordKind, kind, `${kind}: lib/evm/opcodes.ts gives ${op.name} the record kind ${op.recordKind}`);
    assert.ok(!seen.has(op.code), `${kind}: opcode ${op.name} answered twice`);
    seen.add(op.code);
    assert.equal(recordKindOf(op.code), kind);
  }
  assert.equal(recordKindOf(OPCODES.find((o) => o.name === 'ADD')!.code), undefined);
});

test('a record encodes as its opcode and one word per field, in table order', () => {
  const r: TypedRecord = { kind: 'blockHash', number: 0x1234n, hash: H };
  const wire = encodeRecord(r);
  assert.equal(wire.opcode, OPCODES.find((o) => o.name === 'BLOCKHASH')!.code);
  assert.equal(wire.data, `0x${'0'.repeat(60)}1234${H.slice(2)}`);
  assert.deepEqual(decodeRecord(wire), r);
});

test('decoding refuses an unknown opcode and a data length other than the kind\'s', () => {
  const wire = encodeRecord({ kind: 'blobHash', index: 3n, hash: H });
  assert.throws(() => decodeRecord({ opcode: OPCODES.find((o) => o.name === 'ADD')!.code, data: wire.data }), (e: unknown) => e instanceof RecordFormatError && e.reason === 'unknown-opcode');
  for (const data of ['0x', wire.data.slice(0, 66), `${wire.data}00`, `${wire.data}${'0'.repeat(64)}`] as Hex[]) {
    assert.throws(() => decodeRecord({ opcode: wire.opcode, data }), (e: unknown) => e instanceof RecordFormatError && e.reason === 'length');
  }
});

test('encoding refuses values that do not fit their field', () => {
  assert.throws(() => encodeRecord({ kind: 'blockHash', number: 1n << 256n, hash: H }), RecordFormatError);
  assert.throws(() => encodeRecord({ kind: 'blockHash', number: -1n, hash: H }), RecordFormatError);
  assert.throws(() => encodeRecord({ kind: 'blockHash', number: 1n, hash: '0x12' }), RecordFormatError);
});

test('JSON form: decimal numbers and hex, round trip, and errors that name the field', () => {
  const r: TypedRecord = { kind: 'blockHash', number: 2n ** 200n, hash: H };
  const json = recordToJson(r);
  assert.deepEqual(json, { kind: 'blockHash', number: (2n ** 200n).toString(), hash: H });
  assert.deepEqual(recordFromJson(JSON.parse(JSON.stringify(json))), r);
  assert.throws(() => recordFromJson({ kind: 'sload' }), /unknown record kind "sload"/);
  assert.throws(() => recordFromJson({ kind: 'blockHash', number: '0x10', hash: H }), /blockHash\.number: expected a decimal string/);
  assert.throws(() => recordFromJson({ kind: 'blockHash', number: '1' }), /blockHash\.hash: missing/);
  assert.throws(() => recordFromJson({ kind: 'blockHash', number: '1', hash: H, extra: '1' }), /unknown field "extra"/);
});

test('src/hypervisor/RecordLayout.huff is generated from lib/witness/records.ts', async () => {
  const script = fileURLToPath(new URL('../../scripts/gen-records.ts', import.meta.url));
  const r = await execa('npx', ['tsx', script, '--check'], { reject: false });
  assert.equal(r.exitCode, 0, r.stderr);
});

test('docs/witness.md has one table per record kind, matching RECORD_KINDS field for field', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/witness.md', import.meta.url)), 'utf8');
  const sections = [...doc.matchAll(/^### (\w+) \((\w+), opcode 0x([0-9a-f]{2})\)\n([\s\S]*?)(?=\n### |\n## )/gm)];
  assert.deepEqual(sections.map((m) => m[1]), [...RECORD_KIND_NAMES]);
  for (const [, kind, opName, opHex, body] of sections) {
    const spec = RECORD_KINDS[kind as keyof typeof RECORD_KINDS];
    assert.equal(opName, spec.opcodeName);
    assert.equal(Number.parseInt(opHex!, 16), OPCODES.find((o) => o.name === opName)!.code);
    const same = /^Fields and tail as `(\w+)`\.$/m.exec(body!);
    if (same !== null) {
      // a kind documented by reference shares that kind's fields (the call kinds)
      assert.equal(spec.fields, RECORD_KINDS[same[1] as keyof typeof RECORD_KINDS].fields, `docs/witness.md, ${kind}: not the fields of ${same[1]}`);
      continue;
    }
    const rows = [...body!.matchAll(/^\| (\d+) \| (\w+) \| (argument|result) \|/gm)].map((r) => [Number(r[1]), r[2], r[3]]);
    assert.deepEqual(rows, spec.fields.map((f, i) => [i, f.name, f.role]), `docs/witness.md, ${kind}`);
  }
});

test('a create record has the outcome fields of a call record at the same offsets (Contract.huff reads both through REC_CALL_*)', () => {
  const call: string[] = RECORD_KINDS.call.fields.map((f) => f.name);
  for (const kind of ['create', 'create2'] as const) {
    const fields = RECORD_KINDS[kind].fields;
    // the outcome: status through updateCount, word for word
    for (const name of ['status', 'gasUsed', 'refund', 'logsHash', 'stateRoot', 'returndataLength', 'updateCount']) {
      assert.equal(fields.findIndex((f) => f.name === name), call.indexOf(name), `${kind}.${name}`);
    }
    // the arguments the call handler's checks mirror: value and gas at the call's offsets, the address at the target's
    assert.equal(fields.findIndex((f) => f.name === 'address'), call.indexOf('target'));
    assert.equal(fields.findIndex((f) => f.name === 'value'), call.indexOf('value'));
    assert.equal(fields.findIndex((f) => f.name === 'gas'), call.indexOf('gas'));
    assert.ok(hasCallTail(kind) && recordDataSize(kind) === recordDataSize('call') + 64, kind);
  }
});
