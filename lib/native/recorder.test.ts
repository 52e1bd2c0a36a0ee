import type { InterpreterStep } from '@ethereumjs/evm';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keccak256, type Hex } from 'viem';
import { opcodeByName } from '../evm/opcodes.ts';
import { decodeRecord } from '../witness/records.ts';
import { defaultContext } from './context.ts';
import { honestWitness } from './honest.ts';
import { AccessRecorder } from './recorder.ts';
import { runNative } from './run.ts';

const code = (name: string): number => opcodeByName(name)!.code;
const step = (stack: bigint[], depth = 0, pc = 0): InterpreterStep => ({ stack, depth, pc }) as unknown as InterpreterStep;
const X = 0x1111_2222_3333_4444_5555_6666_7777_8888_9999_aaaa_bbbb_cccc_dddd_eeee_ffff_0000n;

test('the recorder takes arguments when the opcode starts and results when the next instruction starts', () => {
  const rec = new AccessRecorder();
  const hash = BigInt(keccak256('0x01'));
  rec.onStep(step([X, 5n]), code('BLOCKHASH'));
  rec.onStep(step([X, hash]), code('POP'));
  rec.onStep(step([X, 9n]), code('BLOBHASH'));
  rec.onStep(step([X, 0n]), code('STOP'));
  assert.deepEqual(rec.records().map(decodeRecord), [
    { kind: 'blockHash', number: 5n, hash: keccak256('0x01') },
    { kind: 'blobHash', index: 9n, hash: `0x${'0'.repeat(64)}` },
  ]);
});

test('the recorder ignores other frames, opcodes without a kind, and a record opcode that halts', () => {
  const rec = new AccessRecorder();
  rec.onStep(step([1n], 1), code('BLOCKHASH')); // inside a callee: that frame's own witness holds it
  rec.onStep(step([2n], 1), code('STOP'));
  rec.onStep(step([3n, 4n]), code('ADD'));
  rec.onStep(step([]), code('BLOCKHASH')); // stack underflow: no record
  rec.onStep(step([7n], 0, 4), code('BLOBHASH')); // then the run ends without a next step, its pc still there (out of gas)
  assert.deepEqual(rec.records({ pc: 4, stack: [7n] }), []);
});

test('a record opcode with no step after it, whose pc the run moved past, takes its result from the final stack', () => {
  const rec = new AccessRecorder();
  rec.onStep(step([6n], 0, 4), code('BLOBHASH'));
  assert.deepEqual(rec.records({ pc: 5, stack: [X] }).map(decodeRecord), [{ kind: 'blobHash', index: 6n, hash: `0x${X.toString(16).padStart(64, '0')}` }]);
});

test('reference runs record what the EVM computed, in order, and the honest witness carries the records', async () => {
  // PUSH32 X  PUSH1 0x2a BLOCKHASH  PUSH1 3 BLOBHASH  [STOP]
  const body = `7f${X.toString(16)}602a40600349`;
  for (const program of [`0x${body}00`, `0x${body}`] as Hex[]) {
    const native = await runNative(defaultContext({ code: program }));
    assert.equal(native.status, 1);
    const records = native.records.map(decodeRecord);
    // ethereumjs (no block history, no blobs in this message) answers zero for both
    assert.deepEqual(records, [
      { kind: 'blockHash', number: 0x2an, hash: `0x${'0'.repeat(64)}` },
      { kind: 'blobHash', index: 3n, hash: `0x${'0'.repeat(64)}` },
    ]);
    assert.deepEqual(honestWitness(defaultContext({ code: program }), native).witness.state_access_list, native.records);
  }
  const outOfGas = await runNative(defaultContext({ code: '0x602a40', gasAvailable: 3n + 19n }));
  assert.equal(outOfGas.status, 0);
  assert.deepEqual(outOfGas.records, []);
});
