/**
 * The record seam (src/hypervisor/Records.huff) through its test harness
 * (test/fixtures/RecordSeam.huff): the harness validates a witness as the hypervisor does and serves
 * the requests in its guest calldata with NEXT_RECORD and RECORD_ARGUMENT. Every error path is
 * exercised, with the guestPc (the request index) and recordIndex it must report.
 */
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM } from '@ethereumjs/evm';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, createAddressFromString, hexToBytes } from '@ethereumjs/util';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bytesToHex, concatHex, keccak256, numberToHex, padHex, type Hex } from 'viem';
import { compile } from '../../huffc/src/index.ts';
import { encodeWitness } from '../witness/abi.ts';
import { decodeVerdict, ERROR_CODES, type Verdict } from '../witness/errors.ts';
import { encodeRecord, type TypedRecord } from '../witness/records.ts';
import type { AccessRecord, MessageWitness } from '../witness/types.ts';
import { DEFAULT_BLOCK } from '../native/context.ts';

const HARNESS = fileURLToPath(new URL('../../test/fixtures/RecordSeam.huff', import.meta.url));
const ADDRESS = createAddressFromString('0x0000000000000000000000000000000000005eaa');
const SENDER = createAddressFromString('0x00000000000000000000000000000000000005e0');

const harness = (async () => {
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const state = new SimpleStateManager();
  const evm = await createEVM({ common, stateManager: state });
  await state.putAccount(ADDRESS, new Account());
  await state.putCode(ADDRESS, hexToBytes(`0x${compile({ entry: HARNESS, evmVersion: 'prague' }).runtime}`));
  return evm;
})();

type Request = { kind: 'blockHash' | 'blobHash'; argument: bigint };

function witnessOf(records: AccessRecord[], requests: Request[]): MessageWitness {
  const calldata = concatHex(
    requests.map((r) => concatHex([r.kind === 'blockHash' ? '0x00' : '0x01', padHex(numberToHex(r.argument), { size: 32 })])),
  );
  const zero = padHex('0x', { size: 32 });
  return {
    stateRootEnter: zero,
    stateRootLeave: zero,
    isStatic: false,
    origin: '0x0000000000000000000000000000000000000001',
    caller: '0x0000000000000000000000000000000000000002',
    to: '0x0000000000000000000000000000000000000033',
    context: '0x0000000000000000000000000000000000000033',
    callvalue: 0n,
    gasPrice: 0n,
    gasAvailable: 100_000n,
    gasUsed: 0n,
    state_access_list: records,
    status: 1,
    returndataHash: keccak256('0x'),
    calldata,
    codeHash: keccak256('0x'),
    block: DEFAULT_BLOCK,
    refund: 0n,
    logsHash: zero,
    storageKeys: [],
    transientKeys: [],
    accountKeys: [],
  };
}

/** What the harness answered: the records consumed and each request's result, or the verdict of its revert. */
async function serve(records: AccessRecord[], requests: Request[]): Promise<{ consumed: bigint; results: Hex[] } | Verdict> {
  const evm = await harness;
  const r = await evm.runCall({ caller: SENDER, origin: SENDER, to: ADDRESS, data: hexToBytes(encodeWitness(witnessOf(records, requests))), gasLimit: 10_000_000n });
  const out = bytesToHex(r.execResult.returnValue);
  if (r.execResult.exceptionError !== undefined) return decodeVerdict(false, out);
  const words = (out.length - 2) / 64;
  const word = (i: number): Hex => `0x${out.slice(2 + 64 * i, 66 + 64 * i)}`;
  return { consumed: BigInt(word(0)), results: Array.from({ length: words - 1 }, (_, i) => word(i + 1)) };
}

function expectError(got: Awaited<ReturnType<typeof serve>>, code: number, guestPc: number, recordIndex: number): void {
  assert.ok('kind' in got && got.kind === 'invalid', `expected InvalidWitness, got ${JSON.stringify(got, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
  assert.deepEqual({ code: got.code, guestPc: got.guestPc, recordIndex: got.recordIndex }, { code, guestPc, recordIndex });
}

const H1: Hex = keccak256('0x01');
const H2: Hex = keccak256('0x02');
const H3: Hex = keccak256('0x03');
const block = (number: bigint, hash: Hex): TypedRecord => ({ kind: 'blockHash', number, hash });
const blob = (index: bigint, hash: Hex): TypedRecord => ({ kind: 'blobHash', index, hash });

test('records are served in order, each answering its opcode with its result', async () => {
  const records = [block(5n, H1), blob(0n, H2), block(2n ** 255n + 7n, H3)].map(encodeRecord);
  const got = await serve(records, [
    { kind: 'blockHash', argument: 5n },
    { kind: 'blobHash', argument: 0n },
    { kind: 'blockHash', argument: 2n ** 255n + 7n },
  ]);
  assert.deepEqual(got, { consumed: 3n, results: [H1, H2, H3] });
});

test('a request with no record left: MISSING_RECORD at the record count', async () => {
  expectError(await serve([encodeRecord(block(5n, H1))], [{ kind: 'blockHash', argument: 5n }, { kind: 'blockHash', argument: 6n }]), ERROR_CODES.MISSING_RECORD, 1, 1);
  expectError(await serve([], [{ kind: 'blobHash', argument: 0n }]), ERROR_CODES.MISSING_RECORD, 0, 0);
});

test("a record of another opcode: RECORD_OPCODE_MISMATCH at that record's index", async () => {
  expectError(await serve([encodeRecord(blob(5n, H1))], [{ kind: 'blockHash', argument: 5n }]), ERROR_CODES.RECORD_OPCODE_MISMATCH, 0, 0);
  const records = [encodeRecord(block(5n, H1)), encodeRecord(block(0n, H2))];
  expectError(await serve(records, [{ kind: 'blockHash', argument: 5n }, { kind: 'blobHash', argument: 0n }]), ERROR_CODES.RECORD_OPCODE_MISMATCH, 1, 1);
});

test('a truncated or overlong record: RECORD_LENGTH_MISMATCH, and its words never reach another record', async () => {
  const honest = encodeRecord(block(5n, H1));
  const truncated: AccessRecord = { opcode: honest.opcode, data: honest.data.slice(0, 66) as Hex };
  const overlong: AccessRecord = { opcode: honest.opcode, data: concatHex([honest.data, H2]) };
  const empty: AccessRecord = { opcode: honest.opcode, data: '0x' };
  const unaligned: AccessRecord = { opcode: honest.opcode, data: concatHex([honest.data, '0x00']) };
  for (const bad of [truncated, overlong, empty, unaligned]) {
    expectError(await serve([bad], [{ kind: 'blockHash', argument: 5n }]), ERROR_CODES.RECORD_LENGTH_MISMATCH, 0, 0);
    expectError(await serve([honest, bad], [{ kind: 'blockHash', argument: 5n }, { kind: 'blockHash', argument: 5n }]), ERROR_CODES.RECORD_LENGTH_MISMATCH, 1, 1);
  }
});

test('an argument that differs from the frame\'s own value: RECORD_ARGUMENT_MISMATCH at that record', async () => {
  expectError(await serve([encodeRecord(block(6n, H1))], [{ kind: 'blockHash', argument: 5n }]), ERROR_CODES.RECORD_ARGUMENT_MISMATCH, 0, 0);
  const records = [encodeRecord(blob(0n, H1)), encodeRecord(blob(2n ** 256n - 1n, H2))];
  expectError(await serve(records, [{ kind: 'blobHash', argument: 0n }, { kind: 'blobHash', argument: 2n ** 256n - 2n }]), ERROR_CODES.RECORD_ARGUMENT_MISMATCH, 1, 1);
});

test('records the frame does not ask for stay unconsumed (the exit check reports them)', async () => {
  const records = [block(5n, H1), blob(0n, H2)].map(encodeRecord);
  assert.deepEqual(await serve(records, [{ kind: 'blockHash', argument: 5n }]), { consumed: 1n, results: [H1] });
});
