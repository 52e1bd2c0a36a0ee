/** The program generator: the assembler builds what each fragment promises. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultContext, runNative, unsupportedOpcodes } from '../lib/native/index.ts';
import type { Hex } from '../lib/witness/index.ts';
import { OP, type OpName } from '../lib/evm/opcodes.ts';
import { caseArb } from './spec.ts';
import { installMemoryGuard } from './guard.ts';
import { assemble, disassemble, instructionCount, traits, type Fragment, type ProgramSpec } from './program.ts';
import { generateValue } from './random.ts';
import { hypervisorHandlers, hypervisorJumpTargets } from './handlers.ts';

const run = async (p: ProgramSpec, gas = 1_000_000n) => {
  await installMemoryGuard();
  return runNative(defaultContext({ code: assemble(p), gasAvailable: gas }));
};
const word = (v: bigint): Hex => `0x${v.toString(16).padStart(64, '0')}`;

test('op fragments push their operands (top first) and keep, pop or store the result', async () => {
  const sub: Fragment = { t: 'op', op: OP.SUB, args: [10n, 3n], keep: 'stack' }; // SUB: a - b with a = top
  assert.equal(disassemble(assemble({ fragments: [sub], epilogue: { t: 'none' } })), 'PUSH1 0x03 PUSH1 0x0a SUB');
  const o = await run({ fragments: [sub], epilogue: { t: 'returnTop', n: 1, revert: false } });
  assert.equal(o.returndata, word(7n));
  const stored = await run({ fragments: [{ ...sub, keep: 'mstore' }], epilogue: { t: 'returnMem', revert: false } });
  assert.equal(stored.returndata, word(7n));
  const popped = await run({ fragments: [{ ...sub, keep: 'pop' }], epilogue: { t: 'returnTop', n: 4, revert: false } });
  assert.equal(popped.returndata, '0x'); // nothing left on the stack
});

test('loops run their body the given number of times', async () => {
  const body: Fragment[] = [{ t: 'op', op: OP.GAS, args: [], keep: 'pop' }]; // GAS POP
  const one = await run({ fragments: [{ t: 'loop', iters: 1, body: body as never }], epilogue: { t: 'stop' } });
  const ten = await run({ fragments: [{ t: 'loop', iters: 10, body: body as never }], epilogue: { t: 'stop' } });
  assert.equal(one.status, 1);
  assert.equal(ten.opcodes.get(OP.GAS), 10);
  assert.equal(ten.opcodes.get(OP.JUMPI), 10);
});

test('run loops: the head inside a run of JUMPDESTs, entered by falling through the run or by a jump to the head', async () => {
  for (const enter of ['fall', 'jump'] as const) {
    const r = await run({ fragments: [{ t: 'runLoop', before: 70, after: 5, iters: 3, enter, gas: true }], epilogue: { t: 'stop' } });
    assert.equal(r.status, 1);
    // every iteration runs the head and the 5 after it; the 70 before it run once when the run is fallen through
    assert.equal(r.opcodes.get(OP.JUMPDEST), 3 * 6 + (enter === 'fall' ? 70 : 0));
    assert.equal(r.opcodes.get(OP.GAS), 3);
    assert.equal(r.opcodes.get(OP.JUMPI), 3);
  }
});

test('skips land on their JUMPDEST; bad jumps halt', async () => {
  for (const how of ['jump', 'jumpi-taken'] as const) {
    const o = await run({ fragments: [{ t: 'skip', how, junk: [OP.INVALID, OP.ADD] }], epilogue: { t: 'stop' } });
    assert.equal(o.status, 1, how);
  }
  const notTaken = await run({ fragments: [{ t: 'skip', how: 'jumpi-not-taken', junk: [OP.INVALID] }], epilogue: { t: 'stop' } });
  assert.equal(notTaken.error, 'invalid opcode');
  for (const target of ['pushdata', 'pushdata32', 'past-end', 'non-jumpdest', 'huge'] as const) {
    const p: ProgramSpec = { fragments: [{ t: 'badJump', target, via: 'jump', delta: 5, huge: 1n << 64n }], epilogue: { t: 'stop' } };
    const o = await run(p);
    assert.equal(o.status, 0, target);
    assert.match(o.error ?? '', /invalid JUMP/, target);
    const code = assemble(p);
    if (target === 'pushdata') assert.match(disassemble(code), /JUMP PUSH1 0x5b STOP$/);
    // the same jump not taken runs on
    const z = await run({ fragments: [{ t: 'badJump', target, via: 'jumpi-zero', delta: 5, huge: 1n << 64n }], epilogue: { t: 'stop' } });
    assert.equal(z.status, 1, `${target} not taken`);
  }
});

test('deep steps reach their target height: 1024 is fine, 1025 overflows', async () => {
  const deep = (target: number, extra: Fragment[] = []): ProgramSpec => ({
    fragments: [{ t: 'deep', steps: [{ target, fill: 'pc', fold: 'add', probe: 'none' }] }, ...extra],
    epilogue: { t: 'stop' },
  });
  assert.equal((await run(deep(1024))).status, 1);
  assert.equal((await run(deep(1025))).error, 'stack overflow');
  // past 1000 and back down, then return the sum of everything that was on the stack
  const o = await run({
    fragments: [{ t: 'deep', steps: [{ target: 1010, fill: 'pc', fold: 'add', probe: 'swap16' }, { target: 1, fill: 'pc', fold: 'add', probe: 'none' }] }],
    epilogue: { t: 'returnTop', n: 1, revert: false },
  });
  assert.equal(o.status, 1);
  assert.equal(o.returndata.length, 66);
});

test('a truncated PUSH ends the code; instructionCount counts a PUSH with its data once', () => {
  const code = assemble({ fragments: [{ t: 'op', op: OP.ADD, args: [1n, 2n], keep: 'stack' }], epilogue: { t: 'truncPush', n: 4, data: [0xaa] } });
  assert.equal(code, '0x600260010163aa');
  assert.equal(instructionCount(code), 4);
  assert.match(disassemble(code), /PUSH4 0xaa \(truncated\)$/);
});

test('generated programs: no record opcode runs, traits are conservative', async () => {
  await installMemoryGuard();
  let records = 0;
  const memoryOrJump: OpName[] = ['MLOAD', 'MSTORE', 'MSTORE8', 'KECCAK256', 'MCOPY', 'CALLDATACOPY', 'CODECOPY', 'JUMP', 'JUMPI', 'RETURN', 'REVERT'];
  for (let i = 0; i < 150; i++) {
    const spec = generateValue(caseArb, 77, i).value_;
    const code = assemble(spec.program);
    const t = traits(spec.program, code);
    const o = await runNative(defaultContext({ code, gasAvailable: t.unbounded ? 30_000n : 1_000_000n }));
    if (unsupportedOpcodes(o).length > 0) records++;
    if (t.straightAndMemoryFree) for (const name of memoryOrJump) assert.ok(!o.opcodes.has(OP[name]), `case ${i} ran ${name}`);
  }
  // calls are generated (the hypervisor executes them); those whose target is a small number hit a precompile,
  // which this version does not execute: a few percent
  assert.ok(records <= 8, `${records} of 150 generated programs ran an unsupported opcode`);
});

test('forged-entry jumps plant hypervisor handler addresses in push data and halt at the jump', async () => {
  const handler = hypervisorJumpTargets()[5]!;
  assert.ok(hypervisorJumpTargets().length > 100);
  for (const layout of ['entries', 'every'] as const) {
    for (const via of ['jump', 'jumpi', 'dyn-jump', 'dyn-jumpi'] as const) {
      for (const [n, target] of [[1, 1], [4, 3], [32, 4], [32, 20], [7, 9]] as const) {
        const f: Fragment = { t: 'forgedJump', n, handler, layout, phase: 1, target, via };
        const p: ProgramSpec = { fragments: [f], epilogue: { t: 'stop' } };
        const code = assemble(p);
        const bytes = Buffer.from(code.slice(2), 'hex');
        assert.equal(bytes[0], OP[`PUSH${n}`], 'starts with the PUSHn');
        // the handler's two bytes are in the data
        assert.ok(code.slice(4).includes(handler.toString(16).padStart(4, '0')), `${layout}: handler planted`);
        const o = await run(p);
        assert.equal(o.status, 0, `${layout} ${via} n=${n} t=${target}`);
        assert.match(o.error ?? '', /invalid JUMP/);
      }
    }
  }
});

test('the entry handlers (block starts, static jumps) are among the handler addresses the fuzzer plants', () => {
  const { all, entry } = hypervisorHandlers();
  assert.ok(entry.length >= 6 && entry.length < 40, `${entry.length} entry handlers`);
  for (const h of entry) assert.ok(all.includes(h));
});
