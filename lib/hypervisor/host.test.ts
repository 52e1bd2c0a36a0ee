/**
 * The record opcodes the hypervisor executes (BLOCKHASH, BLOBHASH): the honest witness, built from the reference
 * run by the recorder, is accepted with the exact gas; a claimed result is what the guest sees; every change to a
 * record is rejected with its own code, the guest pc of the opcode and the index of the record.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatHex, keccak256, padHex, type Hex } from 'viem';
import { assemble } from '../evm/asm.ts';
import { OPCODES } from '../evm/opcodes.ts';
import { buildHonestWitness, defaultContext } from '../native/index.ts';
import { ERROR_CODES, type Verdict } from '../witness/errors.ts';
import { decodeRecord, encodeRecord } from '../witness/records.ts';
import type { AccessRecord, WitnessFile } from '../witness/types.ts';
import { LocalHypervisor } from './ethereumjs.ts';
import { expectInvalid } from './expect.ts';

const hv = LocalHypervisor.create();

async function verdictOf(file: WitnessFile, records: AccessRecord[], returndataHash?: Hex): Promise<Verdict> {
  const witness = { ...file.witness, state_access_list: records, ...(returndataHash ? { returndataHash } : {}) };
  return (await (await hv).verify({ ...file, witness })).verdict;
}


// pc 0: PUSH2 1000, pc 3: BLOCKHASH, pc 4: PUSH1 2, pc 6: BLOBHASH, then both hashes are returned
const PROGRAM = assemble('PUSH2 1000 BLOCKHASH PUSH1 2 BLOBHASH PUSH 32 MSTORE PUSH 0 MSTORE PUSH 64 PUSH 0 RETURN');
const BLOCKHASH_PC = 3;
const BLOBHASH_PC = 6;

test('the honest witness carries one record per executed record opcode and is accepted', async () => {
  const { file, native } = await buildHonestWitness(defaultContext({ code: PROGRAM }));
  assert.equal(native.status, 1);
  assert.deepEqual(file.witness.state_access_list.map(decodeRecord), [
    { kind: 'blockHash', number: 1000n, hash: padHex('0x', { size: 32 }) },
    { kind: 'blobHash', index: 2n, hash: padHex('0x', { size: 32 }) },
  ]);
  assert.deepEqual(await verdictOf(file, file.witness.state_access_list), { valid: true, kind: 'valid' });
});

test("a record's result is what the guest gets: other hashes, with the return data that follows from them, are accepted", async () => {
  const { file } = await buildHonestWitness(defaultContext({ code: PROGRAM }));
  const h1 = keccak256('0x01');
  const h2 = keccak256('0x02');
  const records = [encodeRecord({ kind: 'blockHash', number: 1000n, hash: h1 }), encodeRecord({ kind: 'blobHash', index: 2n, hash: h2 })];
  assert.deepEqual(await verdictOf(file, records, keccak256(concatHex([h1, h2]))), { valid: true, kind: 'valid' });
  // the same records with the honest (all-zero) return data: the re-executed return data differs
  assert.equal(((await verdictOf(file, records)) as { code?: number }).code, ERROR_CODES.RETURNDATA_HASH_MISMATCH);
});

test('each change to a record is rejected with its own code, at the opcode and the record it concerns', async () => {
  const { file } = await buildHonestWitness(defaultContext({ code: PROGRAM }));
  const [block, blob] = file.witness.state_access_list as [AccessRecord, AccessRecord];
  const zero = padHex('0x', { size: 32 });
  expectInvalid(await verdictOf(file, []), ERROR_CODES.MISSING_RECORD, BLOCKHASH_PC, 0);
  expectInvalid(await verdictOf(file, [block]), ERROR_CODES.MISSING_RECORD, BLOBHASH_PC, 1);
  expectInvalid(await verdictOf(file, [blob, block]), ERROR_CODES.RECORD_OPCODE_MISMATCH, BLOCKHASH_PC, 0);
  expectInvalid(await verdictOf(file, [block, block]), ERROR_CODES.RECORD_OPCODE_MISMATCH, BLOBHASH_PC, 1);
  expectInvalid(await verdictOf(file, [{ ...block, data: concatHex([block.data, zero]) }, blob]), ERROR_CODES.RECORD_LENGTH_MISMATCH, BLOCKHASH_PC, 0);
  expectInvalid(await verdictOf(file, [block, { ...blob, data: zero }]), ERROR_CODES.RECORD_LENGTH_MISMATCH, BLOBHASH_PC, 1);
  expectInvalid(await verdictOf(file, [encodeRecord({ kind: 'blockHash', number: 999n, hash: zero }), blob]), ERROR_CODES.RECORD_ARGUMENT_MISMATCH, BLOCKHASH_PC, 0);
  expectInvalid(await verdictOf(file, [block, encodeRecord({ kind: 'blobHash', index: 2n + (1n << 255n), hash: zero })]), ERROR_CODES.RECORD_ARGUMENT_MISMATCH, BLOBHASH_PC, 1);
  const v = await verdictOf(file, [block, blob, block]);
  assert.equal(v.kind === 'invalid' && v.code, ERROR_CODES.LEFTOVER_RECORDS);
});

test('a record opcode that halts takes no record: out of gas in its block, stack underflow', async () => {
  for (const ctx of [
    defaultContext({ code: assemble('PUSH1 5 BLOCKHASH STOP'), gasAvailable: 22n }),
    defaultContext({ code: assemble('BLOBHASH STOP') }),
  ]) {
    const { file, native } = await buildHonestWitness(ctx);
    assert.equal(native.status, 0);
    assert.deepEqual(file.witness.state_access_list, []);
    assert.deepEqual(await verdictOf(file, []), { valid: true, kind: 'valid' });
    // a record for it is left over: the hypervisor halts at the block check, before taking it
    const extra = encodeRecord({ kind: 'blockHash', number: 5n, hash: padHex('0x', { size: 32 }) });
    const v = await verdictOf(file, [extra]);
    assert.equal(v.kind === 'invalid' && v.code, ERROR_CODES.LEFTOVER_RECORDS);
  }
});

test('a record opcode followed by an instruction that halts before its step is reported still gives its record', async () => {
  // REVERT over one stack item: @ethereumjs/evm halts while building REVERT's step event, so no step follows BLOBHASH
  // (found by the fuzzer: ts-fuzz/corpus/wrong-code-0ec44113df0d.json)
  for (const code of [assemble('PUSH0 BLOBHASH REVERT'), assemble('PUSH2 1000 BLOCKHASH REVERT')]) {
    const { file, native } = await buildHonestWitness(defaultContext({ code }));
    assert.equal(native.status, 0);
    assert.equal(file.witness.state_access_list.length, 1, code);
    assert.deepEqual(await verdictOf(file, file.witness.state_access_list), { valid: true, kind: 'valid' });
  }
});

test('in a static frame the opcodes that change state halt, with no record; elsewhere they run', async () => {
  const verifier = await hv;
  const seven = 'PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH0';
  for (const op of OPCODES.filter((o) => o.inStaticFrame === 'halts')) {
    const code = assemble(`${seven} ${op.name} STOP`);
    const halted = await buildHonestWitness(defaultContext({ code, isStatic: true }));
    assert.equal(halted.native.status, 0, op.name);
    assert.deepEqual((await verifier.verify(halted.file)).verdict, { valid: true, kind: 'valid' }, op.name);
    // the claim that it ran is rejected: it halts
    const claimedSuccess = { ...halted.file, witness: { ...halted.file.witness, status: 1 as const, gasUsed: 21n } };
    assert.equal(((await verifier.verify(claimedSuccess)).verdict as { code?: number }).code, ERROR_CODES.STATUS_MISMATCH, op.name);
    const plain = await buildHonestWitness(defaultContext({ code }));
    assert.equal(plain.native.status, 1, op.name);
    assert.deepEqual((await verifier.verify(plain.file)).verdict, { valid: true, kind: 'valid' }, op.name);
  }
  // CALL halts in a static frame only when it sends value (the third operand from the top)
  const callWith = (value: string): Hex => assemble(`PUSH0 PUSH0 PUSH0 PUSH0 ${value} PUSH0 PUSH0 CALL STOP`);
  const withValue = await buildHonestWitness(defaultContext({ code: callWith('PUSH1 1'), isStatic: true }));
  assert.equal(withValue.native.status, 0);
  assert.deepEqual((await verifier.verify(withValue.file)).verdict, { valid: true, kind: 'valid' });
  // without value it calls (address 0, no code): a call record
  const noValue = await buildHonestWitness(defaultContext({ code: callWith('PUSH0'), isStatic: true }));
  assert.equal(noValue.native.status, 1);
  assert.deepEqual((await verifier.verify(noValue.file)).verdict, { valid: true, kind: 'valid' });
});
