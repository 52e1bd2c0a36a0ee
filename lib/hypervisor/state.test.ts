/**
 * State, block values and logs in the hypervisor, on hand-made witnesses whose gas is computed here from the EIP
 * rules (EIP-2929 access costs, EIP-2200/3529 SSTORE cost and refunds, EIP-1153, LOG costs), not from the code
 * under test: honest claims are accepted; each claim or list that breaks a rule is rejected with its own code.
 * (The reference-EVM comparisons of the same opcodes are in lib/native and the conformance runner.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatHex, keccak256, numberToHex, padHex, type Hex } from 'viem';
import { assemble } from '../evm/asm.ts';
import { encodeWitness } from '../witness/abi.ts';
import { ERROR_CODES, type Verdict } from '../witness/errors.ts';
import { encodeRecord } from '../witness/records.ts';
import type { AccountKey, MessageWitness, StorageKey, TransientKey } from '../witness/types.ts';
import { LocalHypervisor } from './ethereumjs.ts';

const hv = LocalHypervisor.create();
const ZERO: Hex = padHex('0x', { size: 32 });
const ROOT_A: Hex = keccak256('0xa0');
const ROOT_B: Hex = keccak256('0xb0');
const ROOT_C: Hex = keccak256('0xc0');
const ME: Hex = '0x2000000000000000000000000000000000000002';
const OTHER: Hex = '0x00000000000000000000000000000000000000ab';
const EMPTY_HASH = keccak256('0x');
const word = (n: bigint): Hex => numberToHex(n, { size: 32 });

function witnessOf(code: Hex, o: Partial<MessageWitness>): MessageWitness {
  return {
    stateRootEnter: ROOT_A, stateRootLeave: ROOT_A, isStatic: false, origin: ME, caller: ME, to: ME, context: ME,
    callvalue: 0n, gasPrice: 0n, gasAvailable: 100_000n, gasUsed: 0n, state_access_list: [], status: 1,
    returndataHash: EMPTY_HASH, calldata: '0x', codeHash: keccak256(code),
    block: { coinbase: '0x00000000000000000000000000000000000000c0', timestamp: 5n, number: 6n, prevrandao: keccak256('0x01'), gasLimit: 30_000_000n, chainId: 1n, baseFee: 7n, blobBaseFee: 1n },
    refund: 0n, logsHash: ZERO, storageKeys: [], transientKeys: [], accountKeys: [],
    ...o,
  };
}

async function verdictOf(code: Hex, o: Partial<MessageWitness>): Promise<Verdict> {
  const h = await hv;
  await h.archive(code);
  return (await h.verifyCalldata(encodeWitness(witnessOf(code, o)))).verdict;
}

async function verdictOfCalldata(code: Hex, calldata: Hex): Promise<Verdict> {
  const h = await hv;
  await h.archive(code);
  return (await h.verifyCalldata(calldata)).verdict;
}

const VALID = { valid: true, kind: 'valid' };

function expectInvalid(v: Verdict, code: number, guestPc?: number, recordIndex?: number): void {
  assert.equal(v.kind, 'invalid', JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x)));
  if (v.kind !== 'invalid') return;
  assert.equal(v.code, code, `code ${v.code}, expected ${code}`);
  if (guestPc !== undefined) assert.equal(v.guestPc, guestPc, 'guestPc');
  if (recordIndex !== undefined) assert.equal(v.recordIndex, recordIndex, 'recordIndex');
}

const slotKey = (slot: bigint, o: Partial<StorageKey> = {}): StorageKey => ({ slot, warm: false, original: 0n, value: 0n, ...o });
const accountKey = (account: Hex, o: Partial<AccountKey> = {}): AccountKey => ({ account, warm: false, balance: 0n, codeHash: EMPTY_HASH, ...o });
const transientKey = (slot: bigint, value = 0n): TransientKey => ({ slot, value });
const write = (slot: bigint, value: bigint, stateRoot: Hex) => encodeRecord({ kind: 'storageWrite', slot, value, stateRoot });
/** Returns the top of the stack as one word: PUSH0 MSTORE PUSH1 32 PUSH0 RETURN, 3 + 2 + 3 (memory) + 3 + 2 + 2 gas. */
const RETURN_TOP = 'PUSH0 MSTORE PUSH1 32 PUSH0 RETURN';
const RETURN_TOP_GAS = 2n + 3n + 3n + 3n + 2n;
const returns = (v: bigint): Hex => keccak256(word(v));

test('block values: the eight block opcodes push the witness words', async () => {
  const code = assemble(`COINBASE TIMESTAMP NUMBER PREVRANDAO GASLIMIT CHAINID BASEFEE BLOBBASEFEE
    PUSH1 0 MSTORE PUSH1 32 MSTORE PUSH1 64 MSTORE PUSH1 96 MSTORE PUSH1 128 MSTORE PUSH1 160 MSTORE PUSH1 192 MSTORE PUSH1 224 MSTORE
    PUSH2 256 PUSH0 RETURN`);
  const w = witnessOf(code, {});
  const b = w.block;
  const out = concatHex([word(b.blobBaseFee), word(b.baseFee), word(b.chainId), word(b.gasLimit), b.prevrandao, word(b.number), word(b.timestamp), padHex(b.coinbase, { size: 32 })]);
  // 8 x 2 + 8 x (3 + 3) + memory for 8 words (24) + 3 + 2
  const gas = 16n + 48n + 24n + 5n;
  assert.deepEqual(await verdictOf(code, { gasUsed: gas, returndataHash: keccak256(out) }), VALID);
  expectInvalid(await verdictOf(code, { gasUsed: gas, returndataHash: keccak256(out), block: { ...b, number: 7n } }), ERROR_CODES.RETURNDATA_HASH_MISMATCH);
});

test('SLOAD: the claimed value, 2,100 gas cold and 100 warm, and warm after the first access', async () => {
  const code = assemble(`PUSH1 5 SLOAD PUSH1 5 SLOAD ADD ${RETURN_TOP}`);
  const gas = (first: bigint): bigint => 3n + first + 3n + 100n + 3n + RETURN_TOP_GAS;
  assert.deepEqual(await verdictOf(code, { gasUsed: gas(2100n), returndataHash: returns(18n), storageKeys: [slotKey(5n, { value: 9n, original: 9n })] }), VALID);
  assert.deepEqual(await verdictOf(code, { gasUsed: gas(100n), returndataHash: returns(18n), storageKeys: [slotKey(5n, { value: 9n, original: 1n, warm: true })] }), VALID);
  expectInvalid(await verdictOf(code, { gasUsed: gas(100n), returndataHash: returns(18n), storageKeys: [slotKey(5n, { value: 9n })] }), ERROR_CODES.GAS_USED_MISMATCH);
});

test('SLOAD out of gas on its cold cost halts (and its key was looked up)', async () => {
  const code = assemble('PUSH1 5 SLOAD STOP');
  assert.deepEqual(await verdictOf(code, { gasAvailable: 2000n, gasUsed: 2000n, status: 0, storageKeys: [slotKey(5n)] }), VALID);
  expectInvalid(await verdictOf(code, { gasAvailable: 2000n, gasUsed: 2000n, status: 0 }), ERROR_CODES.MISSING_KEY, 2, 0);
});

/** EIP-2200 with EIP-2929/3529 costs, computed here: [original, current at entry, new] -> [gas of the SSTORE, refund]. */
function sstoreRule(o: bigint, c: bigint, v: bigint, warm: boolean): [bigint, bigint] {
  let gas = warm ? 0n : 2100n;
  let refund = 0n;
  if (c === v) gas += 100n;
  else if (o === c) {
    gas += o === 0n ? 20000n : 2900n;
    if (o !== 0n && v === 0n) refund += 4800n;
  } else {
    gas += 100n;
    if (o !== 0n) {
      if (c === 0n) refund -= 4800n;
      else if (v === 0n) refund += 4800n;
    }
    if (o === v) refund += o === 0n ? 19900n : 2800n;
  }
  return [gas, refund];
}

test('SSTORE: every EIP-2200/3529 case of original, current and new value, cold and warm, exact gas and refund', async () => {
  const values = [0n, 1n, 2n];
  let cases = 0;
  for (const o of values) for (const c of values) for (const v of values) for (const warm of [false, true]) {
    const code = assemble(`PUSH1 ${v} PUSH1 7 SSTORE STOP`);
    const [gas, refund] = sstoreRule(o, c, v, warm);
    const w: Partial<MessageWitness> = {
      gasUsed: 6n + gas, refund, stateRootLeave: ROOT_B, state_access_list: [write(7n, v, ROOT_B)],
      storageKeys: [slotKey(7n, { original: o, value: c, warm })],
    };
    assert.deepEqual(await verdictOf(code, w), VALID, `o=${o} c=${c} v=${v} warm=${warm}`);
    expectInvalid(await verdictOf(code, { ...w, gasUsed: 6n + gas + 1n }), ERROR_CODES.GAS_USED_MISMATCH);
    if (refund !== 0n) expectInvalid(await verdictOf(code, { ...w, refund: 0n }), ERROR_CODES.REFUND_MISMATCH, 5, 1);
    cases++;
  }
  assert.equal(cases, 54);
});

test('SSTORE then SLOAD and SSTORE again: the current value is what the frame wrote, the refund sums, the root chain ends at the last write', async () => {
  // slot 3: original 1 -> 0 (clear, +4800) -> 1 (restore: -4800 + 2800); read back in between
  const code = assemble(`PUSH0 PUSH1 3 SSTORE PUSH1 3 SLOAD PUSH1 1 PUSH1 3 SSTORE ${RETURN_TOP}`);
  const gas = 2n + 3n + (2100n + 2900n) + 3n + 100n + 3n + 3n + 100n + RETURN_TOP_GAS;
  const w: Partial<MessageWitness> = {
    gasUsed: gas, refund: 2800n, returndataHash: returns(0n), stateRootLeave: ROOT_C,
    state_access_list: [write(3n, 0n, ROOT_B), write(3n, 1n, ROOT_C)], storageKeys: [slotKey(3n, { original: 1n, value: 1n })],
  };
  assert.deepEqual(await verdictOf(code, w), VALID);
  expectInvalid(await verdictOf(code, { ...w, stateRootLeave: ROOT_B }), ERROR_CODES.STATE_ROOT_MISMATCH);
  expectInvalid(await verdictOf(code, { ...w, state_access_list: [write(3n, 0n, ROOT_B)] }), ERROR_CODES.MISSING_RECORD, 11, 1);
  expectInvalid(await verdictOf(code, { ...w, state_access_list: [write(4n, 0n, ROOT_B), write(3n, 1n, ROOT_C)] }), ERROR_CODES.RECORD_ARGUMENT_MISMATCH, 3, 0);
  expectInvalid(await verdictOf(code, { ...w, state_access_list: [write(3n, 5n, ROOT_B), write(3n, 1n, ROOT_C)] }), ERROR_CODES.RECORD_ARGUMENT_MISMATCH, 3, 0);
});

test('a reverted frame leaves the root it entered with, and claims no refund', async () => {
  const code = assemble('PUSH0 PUSH1 3 SSTORE PUSH0 PUSH0 REVERT');
  const gas = 2n + 3n + 2100n + 2900n + 2n + 2n;
  const w: Partial<MessageWitness> = { gasUsed: gas, status: 2, state_access_list: [write(3n, 0n, ROOT_B)], storageKeys: [slotKey(3n, { original: 1n, value: 1n })] };
  assert.deepEqual(await verdictOf(code, w), VALID);
  expectInvalid(await verdictOf(code, { ...w, stateRootLeave: ROOT_B }), ERROR_CODES.STATE_ROOT_MISMATCH);
  expectInvalid(await verdictOf(code, { ...w, refund: 4800n }), ERROR_CODES.REFUND_MISMATCH);
});

test('SSTORE halts on the 2,300-gas sentry before taking its record or key, and in a static frame', async () => {
  const code = assemble('PUSH1 1 PUSH0 SSTORE STOP');
  // 5 gas for the pushes: 2,300 left at SSTORE halts, 2,301 does not (then 2,100 + 20,000 is out of gas anyway)
  assert.deepEqual(await verdictOf(code, { gasAvailable: 2305n, gasUsed: 2305n, status: 0 }), VALID);
  assert.deepEqual(await verdictOf(code, { gasAvailable: 2306n, gasUsed: 2306n, status: 0, state_access_list: [write(0n, 1n, ROOT_B)], storageKeys: [slotKey(0n)] }), VALID);
  expectInvalid(await verdictOf(code, { gasAvailable: 2306n, gasUsed: 2306n, status: 0 }), ERROR_CODES.MISSING_RECORD, 3, 0);
  assert.deepEqual(await verdictOf(code, { isStatic: true, gasUsed: 100_000n, status: 0 }), VALID);
});

test('TLOAD and TSTORE: 100 each, the claimed value at entry until the frame writes, static halt', async () => {
  const code = assemble(`PUSH1 4 TLOAD PUSH1 9 PUSH1 4 TSTORE PUSH1 4 TLOAD ADD ${RETURN_TOP}`);
  const gas = 3n + 100n + 3n + 3n + 100n + 3n + 100n + 3n + RETURN_TOP_GAS;
  assert.deepEqual(await verdictOf(code, { gasUsed: gas, returndataHash: returns(12n), transientKeys: [transientKey(4n, 3n)] }), VALID);
  expectInvalid(await verdictOf(code, { gasUsed: gas, returndataHash: returns(12n), transientKeys: [transientKey(5n, 3n)] }), ERROR_CODES.MISSING_KEY, 2, 0);
  assert.deepEqual(await verdictOf(assemble('PUSH1 1 PUSH0 TSTORE STOP'), { isStatic: true, gasUsed: 100_000n, status: 0 }), VALID);
});

test('BALANCE, EXTCODEHASH, SELFBALANCE: claimed values, 2,600 cold then 100 warm; no account has no code hash', async () => {
  const code = assemble(`PUSH1 0xab BALANCE PUSH1 0xab EXTCODEHASH ADD SELFBALANCE ADD ${RETURN_TOP}`);
  const h = keccak256('0x6000');
  const sum = (1000n + BigInt(h) + 77n) % (1n << 256n);
  const gas = 3n + 2600n + 3n + 100n + 3n + 5n + 3n + RETURN_TOP_GAS;
  const keys = [accountKey(OTHER, { balance: 1000n, codeHash: h }), accountKey(ME, { warm: true, balance: 77n })];
  assert.deepEqual(await verdictOf(code, { gasUsed: gas, returndataHash: returns(sum), accountKeys: keys }), VALID);
  expectInvalid(await verdictOf(code, { gasUsed: gas, returndataHash: returns(sum), accountKeys: [keys[0]!] }), ERROR_CODES.MISSING_KEY, 7, 0);
  // an account that does not exist: code hash 0 (and then its balance must be 0)
  const code2 = assemble(`PUSH1 0xab EXTCODEHASH ${RETURN_TOP}`);
  assert.deepEqual(await verdictOf(code2, { gasUsed: 3n + 2600n + RETURN_TOP_GAS, returndataHash: returns(0n), accountKeys: [accountKey(OTHER, { codeHash: ZERO })] }), VALID);
  expectInvalid(await verdictOf(code2, { gasUsed: 3n + 2600n + RETURN_TOP_GAS, returndataHash: returns(0n), accountKeys: [accountKey(OTHER, { codeHash: ZERO, balance: 1n })] }), ERROR_CODES.BAD_ACCOUNT_KEY, 0, 0);
});

test('the account is the low 160 bits of the stack item', async () => {
  const code = assemble(`PUSH32 0xffffffffffffffffffffffff00000000000000000000000000000000000000ab BALANCE ${RETURN_TOP}`);
  assert.deepEqual(await verdictOf(code, { gasUsed: 3n + 100n + RETURN_TOP_GAS, returndataHash: returns(5n), accountKeys: [accountKey(OTHER, { warm: true, balance: 5n })] }), VALID);
});

test('EXTCODESIZE and EXTCODECOPY read the archive of the claimed code hash; no archive is not a verdict', async () => {
  const other = assemble('PUSH1 1 PUSH1 2 ADD STOP'); // 6 bytes
  const h = await hv;
  await h.archive(other);
  const size = assemble(`PUSH1 0xab EXTCODESIZE ${RETURN_TOP}`);
  const key = accountKey(OTHER, { warm: true, codeHash: keccak256(other) });
  assert.deepEqual(await verdictOf(size, { gasUsed: 3n + 100n + RETURN_TOP_GAS, returndataHash: returns(6n), accountKeys: [key] }), VALID);
  assert.deepEqual(await verdictOf(size, { gasUsed: 3n + 100n + RETURN_TOP_GAS, returndataHash: returns(0n), accountKeys: [{ ...key, codeHash: EMPTY_HASH }] }), VALID);
  const missing = await verdictOf(size, { gasUsed: 3n + 100n + RETURN_TOP_GAS, returndataHash: returns(0n), accountKeys: [{ ...key, codeHash: keccak256('0x1234') }] });
  assert.deepEqual(missing, { valid: false, kind: 'notArchived', notArchived: keccak256('0x1234') });
  // copy code[2, 2 + 40) to memory 1 (zeros past the code's end), then return memory [0, 64)
  const copy = assemble('PUSH1 40 PUSH1 2 PUSH1 1 PUSH1 0xab EXTCODECOPY PUSH1 64 PUSH0 RETURN');
  const mem = concatHex(['0x00', `0x${other.slice(2 + 4)}`, padHex('0x', { size: 64 - 1 - 4 })]);
  // 4 pushes, 100 warm, 3 x 2 words copied, memory 2 words (6), 2 pushes
  const gas = 12n + 100n + 6n + 6n + 5n;
  assert.deepEqual(await verdictOf(copy, { gasUsed: gas, returndataHash: keccak256(mem), accountKeys: [key] }), VALID);
  assert.deepEqual(await verdictOf(copy, { gasUsed: gas + 2500n, returndataHash: keccak256(mem), accountKeys: [{ ...key, warm: false }] }), VALID);
});

test('EXTCODECOPY past the code\'s end copies zeros, not the JUMPDEST bitmap that follows the code in its archive', async () => {
  // JUMPDEST x 8, STOP: its archive stream is the 9 code bytes, then the bitmap 0xff 0x00
  const other = assemble(`${'JUMPDEST '.repeat(8)}STOP`);
  const h = await hv;
  await h.archive(other);
  const key = accountKey(OTHER, { warm: true, codeHash: keccak256(other) });
  // copy code[src, src + 32) to memory 0 and return it: from inside the code across its end, at its end, past it
  for (const src of [0, 5, 8, 9, 10]) {
    const copy = assemble(`PUSH1 32 PUSH1 ${src} PUSH0 PUSH1 0xab EXTCODECOPY PUSH1 32 PUSH0 RETURN`);
    const mem = padHex(`0x${other.slice(2 + 2 * src)}`, { size: 32, dir: 'right' });
    // 3 pushes + PUSH0, 100 warm, 3 for one word copied, memory 1 word (3), PUSH1 + PUSH0
    const gas = 9n + 2n + 100n + 3n + 3n + 5n;
    assert.deepEqual(await verdictOf(copy, { gasUsed: gas, returndataHash: keccak256(mem), accountKeys: [key] }), VALID, `src ${src}`);
  }
});

test('EXTCODESIZE and EXTCODECOPY of codes whose archive has two parts: the size, the last bytes, zeros after them', async () => {
  const h = await hv;
  // 21,844 bytes: a stream of 24,575 (one full part); 21,845: its last bitmap byte in part 1; 24,575: the code fills
  // part 0, the bitmap is part 1; 24,576: the last code byte opens part 1. JUMPDESTs everywhere but the last 16 bytes
  // (so the bitmap after the code is not zero), then 16 bytes 0xe0..0xef
  for (const n of [21_844, 21_845, 24_575, 24_576]) {
    const other = `0x${'5b'.repeat(n - 16)}${Array.from({ length: 16 }, (_, i) => (0xe0 + i).toString(16)).join('')}` as Hex;
    await h.archive(other);
    const key = accountKey(OTHER, { warm: true, codeHash: keccak256(other) });
    const size = assemble(`PUSH1 0xab EXTCODESIZE ${RETURN_TOP}`);
    assert.deepEqual(await verdictOf(size, { gasUsed: 3n + 100n + RETURN_TOP_GAS, returndataHash: returns(BigInt(n)), accountKeys: [key] }), VALID, `${n}: size`);
    // copy code[n - 20, n + 12) to memory 0 and return it: 20 code bytes, then zeros
    const copy = assemble(`PUSH1 32 PUSH2 ${n - 20} PUSH0 PUSH1 0xab EXTCODECOPY PUSH1 32 PUSH0 RETURN`);
    const mem = padHex(`0x${other.slice(2 + 2 * (n - 20))}`, { size: 32, dir: 'right' });
    const gas = 3n + 3n + 2n + 3n + 100n + 3n + 3n + 5n;
    assert.deepEqual(await verdictOf(copy, { gasUsed: gas, returndataHash: keccak256(mem), accountKeys: [key] }), VALID, `${n}: copy`);
  }
});

test('LOG0-LOG4: gas 375 + 375 per topic + 8 per byte + memory, a hash chain over the logs, static halt', async () => {
  const code = assemble('PUSH1 0xaa PUSH0 MSTORE8 PUSH1 1 PUSH0 LOG0 PUSH1 7 PUSH1 6 PUSH1 2 PUSH0 LOG2 STOP');
  const link = (h: Hex, topics: bigint[], data: Hex): Hex => keccak256(concatHex([h, word(BigInt(topics.length)), ...topics.map(word), keccak256(data)]));
  const h = link(link(ZERO, [], '0xaa'), [6n, 7n], '0xaa00');
  const gas = 3n + 2n + 3n + 3n + (3n + 2n + 375n + 8n) + (3n + 3n + 3n + 2n + 375n * 3n + 16n);
  assert.deepEqual(await verdictOf(code, { gasUsed: gas, logsHash: h }), VALID);
  expectInvalid(await verdictOf(code, { gasUsed: gas, logsHash: link(ZERO, [], '0xaa') }), ERROR_CODES.LOGS_HASH_MISMATCH, 16, 0);
  // logs of a reverted frame are discarded: the claim is 0
  const reverting = assemble('PUSH0 PUSH0 LOG0 PUSH0 PUSH0 REVERT');
  assert.deepEqual(await verdictOf(reverting, { gasUsed: 2n + 2n + 375n + 2n + 2n, status: 2 }), VALID);
  expectInvalid(await verdictOf(reverting, { gasUsed: 2n + 2n + 375n + 2n + 2n, status: 2, logsHash: link(ZERO, [], '0x') }), ERROR_CODES.LOGS_HASH_MISMATCH);
  assert.deepEqual(await verdictOf(reverting, { isStatic: true, gasUsed: 100_000n, status: 0 }), VALID);
  // a huge data length is out of gas, not a crash
  assert.deepEqual(await verdictOf(assemble('PUSH32 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff PUSH0 LOG0'), { gasUsed: 100_000n, status: 0 }), VALID);
});

test('every listed key must be looked up: an unused key of each list is UNUSED_KEY', async () => {
  const code = assemble('STOP');
  expectInvalid(await verdictOf(code, { storageKeys: [slotKey(1n)] }), ERROR_CODES.UNUSED_KEY, 0, 0);
  expectInvalid(await verdictOf(code, { transientKeys: [transientKey(1n)] }), ERROR_CODES.UNUSED_KEY, 0, 0);
  expectInvalid(await verdictOf(code, { accountKeys: [accountKey(OTHER)] }), ERROR_CODES.UNUSED_KEY, 0, 0);
});

test('unused keys of a frame that halts are no error (its claims change nothing); of a frame that reverts they are', async () => {
  const invalid = assemble('INVALID');
  assert.deepEqual(await verdictOf(invalid, { gasUsed: 100_000n, status: 0, storageKeys: [slotKey(1n)], accountKeys: [accountKey(OTHER)] }), VALID);
  const revert = assemble('PUSH0 PUSH0 REVERT');
  expectInvalid(await verdictOf(revert, { gasUsed: 4n, status: 2, storageKeys: [slotKey(1n)] }), ERROR_CODES.UNUSED_KEY, 2, 0);
});

test('SELFBALANCE: the key of context found at setup, MISSING_KEY at its own pc', async () => {
  // PUSH0 POP SELFBALANCE ...: SELFBALANCE at pc 2 ends the first block
  const code = assemble(`PUSH0 POP SELFBALANCE ${RETURN_TOP}`);
  const gas = 2n + 2n + 5n + RETURN_TOP_GAS;
  assert.deepEqual(await verdictOf(code, { gasUsed: gas, returndataHash: returns(77n), accountKeys: [accountKey(ME, { warm: true, balance: 77n })] }), VALID);
  expectInvalid(await verdictOf(code, { gasUsed: gas, returndataHash: returns(77n) }), ERROR_CODES.MISSING_KEY, 2, 0);
  // a key of another account does not answer for context
  expectInvalid(await verdictOf(code, { gasUsed: gas, returndataHash: returns(77n), accountKeys: [accountKey(OTHER, { balance: 77n })] }), ERROR_CODES.MISSING_KEY, 2, 0);
  // more account keys around it: still found
  const around = [accountKey('0x0000000000000000000000000000000000000001'), accountKey(ME, { warm: true, balance: 77n }), accountKey('0xf000000000000000000000000000000000000000')];
  expectInvalid(await verdictOf(code, { gasUsed: gas, returndataHash: returns(77n), accountKeys: around }), ERROR_CODES.UNUSED_KEY);
});

test('SELFBALANCE in a block that fails its stack check: its key is needed exactly when the EVM looked it up', async () => {
  // SELFBALANCE POP POP: the EVM runs SELFBALANCE and POP, then underflows; so does the hypervisor, which runs a block
  // it reaches for the first time one instruction at a time
  const code = assemble('SELFBALANCE POP POP STOP');
  const halted = { gasAvailable: 1000n, gasUsed: 1000n, status: 0 as const };
  assert.deepEqual(await verdictOf(code, { ...halted, accountKeys: [accountKey(ME, { warm: true })] }), VALID);
  expectInvalid(await verdictOf(code, halted), ERROR_CODES.MISSING_KEY, 0, 0);
  // a loop whose block (JUMPDEST SELFBALANCE POP POP PUSH2 JUMP) runs three times, the third time on an empty stack: by
  // then the block is analysed and its check fails before the SELFBALANCE the EVM ran, but the first run looked the key up
  const loop = assemble('PUSH0 PUSH0 a: SELFBALANCE POP POP @a JUMP');
  assert.deepEqual(await verdictOf(loop, { ...halted, accountKeys: [accountKey(ME, { warm: true })] }), VALID);
  expectInvalid(await verdictOf(loop, halted), ERROR_CODES.MISSING_KEY, 3, 0);
});

test('key lists must be strictly ascending: duplicates and disorder in each list are KEYS_NOT_SORTED', async () => {
  const code = assemble('STOP');
  expectInvalid(await verdictOf(code, { storageKeys: [slotKey(2n), slotKey(1n)] }), ERROR_CODES.KEYS_NOT_SORTED, 0, 0);
  // the same slot twice with different claims would let a frame read two values of one slot
  expectInvalid(await verdictOf(code, { storageKeys: [slotKey(1n, { value: 1n }), slotKey(1n, { value: 2n })] }), ERROR_CODES.KEYS_NOT_SORTED);
  expectInvalid(await verdictOf(code, { transientKeys: [transientKey(1n), transientKey(1n)] }), ERROR_CODES.KEYS_NOT_SORTED);
  expectInvalid(await verdictOf(code, { accountKeys: [accountKey(ME), accountKey(OTHER)] }), ERROR_CODES.KEYS_NOT_SORTED);
});

/** The witness as calldata words, to edit words the encoder would not write. */
function words(calldata: Hex): string[] {
  return calldata.slice(2).match(/.{64}/g)!;
}
const fromWords = (w: string[]): Hex => `0x${w.join('')}`;

test('hostile key-list encodings: offsets, counts, bools, addresses and trailing bytes each have their code', async () => {
  const code = assemble('PUSH1 1 SLOAD PUSH1 0xab BALANCE STOP');
  const base = encodeWitness(witnessOf(code, {
    gasUsed: 3n + 2100n + 3n + 2600n, storageKeys: [slotKey(1n)], accountKeys: [accountKey(OTHER)],
  }));
  assert.deepEqual(await verdictOfCalldata(code, base), VALID);
  const w = words(base);
  const at = (offset: number): number => offset / 32;
  const storagePtr = at(0x360);
  const transientPtr = at(0x380);
  const accountPtr = at(0x3a0);
  const storageCount = 1 + parseInt(w[storagePtr]!, 16) / 32; // tuple-relative + 0x20
  const edit = (i: number, value: bigint): Hex => fromWords(w.map((x, j) => (j === i ? value.toString(16).padStart(64, '0') : x)));
  expectInvalid(await verdictOfCalldata(code, edit(storagePtr, BigInt(`0x${w[storagePtr]}`) + 32n)), ERROR_CODES.BAD_KEY_LIST_OFFSET, 0, 0);
  expectInvalid(await verdictOfCalldata(code, edit(transientPtr, 0n)), ERROR_CODES.BAD_KEY_LIST_OFFSET);
  expectInvalid(await verdictOfCalldata(code, edit(accountPtr, (1n << 256n) - 1n)), ERROR_CODES.BAD_KEY_LIST_OFFSET);
  expectInvalid(await verdictOfCalldata(code, edit(storageCount, 3n)), ERROR_CODES.KEY_LIST_OUT_OF_BOUNDS);
  expectInvalid(await verdictOfCalldata(code, edit(storageCount, (1n << 256n) - 1n)), ERROR_CODES.KEY_LIST_OUT_OF_BOUNDS);
  expectInvalid(await verdictOfCalldata(code, edit(storageCount + 2, 2n)), ERROR_CODES.BAD_BOOL); // storage key 0's warm
  const accountEntry = w.length - 4;
  expectInvalid(await verdictOfCalldata(code, edit(accountEntry + 1, 2n)), ERROR_CODES.BAD_BOOL);
  expectInvalid(await verdictOfCalldata(code, edit(accountEntry, (1n << 160n) | 0xabn)), ERROR_CODES.BAD_ADDRESS);
  expectInvalid(await verdictOfCalldata(code, edit(at(0x220), 1n << 160n)), ERROR_CODES.BAD_ADDRESS); // coinbase
  expectInvalid(await verdictOfCalldata(code, `${base}${'00'.repeat(32)}`), ERROR_CODES.TRAILING_BYTES);
  expectInvalid(await verdictOfCalldata(code, base.slice(0, -64) as Hex), ERROR_CODES.KEY_LIST_OUT_OF_BOUNDS);
});

test('key states lie below guest memory: a frame with keys sees MSIZE 0', async () => {
  const code = assemble(`PUSH1 1 SLOAD POP MSIZE ${RETURN_TOP}`);
  assert.deepEqual(await verdictOf(code, { gasUsed: 3n + 100n + 2n + 2n + RETURN_TOP_GAS, returndataHash: returns(0n), storageKeys: [slotKey(1n, { warm: true, value: 5n })] }), VALID);
});
