/**
 * JUMPDEST runs, PUSHes and GAS, on the product (src/Hypervisor.huff: a first reach runs each instruction on its own,
 * src/hypervisor/FirstReach.huff, and a block is analysed on its second reach) and on the test build that analyses every
 * block on its first reach (test/huff/HypervisorAnalysingFirstReach.huff), so that each program shape goes through the
 * analysis too (src/hypervisor/Analysis.huff): a run that starts a block is found in the JUMPDEST bitmap (its leading
 * ones, capped at the code's next 64-byte boundary and at the code's end) and its entries are written four to a word
 * (`ab_first_jumpdest`, `ab_after`); a PUSH takes its own path (`ab_push`, `ab_push_write`), also when it starts a block.
 * Every case must give the reference EVM's outcome to the unit of gas, when run straight, entered by a jump at any
 * JUMPDEST of a run, or out of gas inside.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assemble } from '../evm/asm.ts';
import { buildHonestWitness, defaultContext } from '../native/index.ts';
import type { Hex, WitnessFile } from '../witness/types.ts';
import { expectExact as expectExactOn } from './expect.ts';
import { ANALYSING_FIRST_REACH_SOURCE, LocalHypervisor, type HypervisorBuild } from './ethereumjs.ts';

let hv: LocalHypervisor;
const BUILDS: ReadonlyArray<[string, HypervisorBuild]> = [
  ['the product: first reaches run on their own', {}],
  ['the test build that analyses on the first reach', { source: ANALYSING_FIRST_REACH_SOURCE }],
];

/** The exactness check of lib/hypervisor/expect.ts on this file's hypervisor. */
const expectExact = (code: Hex, gasAvailable: bigint, what: string): Promise<WitnessFile> => expectExactOn(hv, code, gasAvailable, what);

const TAIL = 'PUSH1 0x2a PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN';

/** `offset` PUSH0s, a run of `length` JUMPDESTs (starting at pc = offset), then TAIL. */
function runProgram(offset: number, length: number, tail = TAIL): Hex {
  return assemble(`${'PUSH0 '.repeat(offset)}${'JUMPDEST '.repeat(length)}${tail}`);
}

for (const [buildName, build] of BUILDS) describe(`JUMPDEST runs, PUSHes and GAS (${buildName})`, () => {
  before(async () => {
    hv = await LocalHypervisor.create(build);
  });
  const lengths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 63, 64, 65, 70, 130];
  const offsets = [0, 1, 3, 60, 62, 63];

  test('run straight through: every length at every position, to the unit of gas', async () => {
    for (const offset of offsets) {
      for (const length of lengths) {
        const code = runProgram(offset, length);
        const { native } = await buildHonestWitness(defaultContext({ code, gasAvailable: 100_000n }));
        assert.equal(native.status, 1);
        await expectExact(code, 100_000n, `offset ${offset}, length ${length}`);
        // out of gas exactly at the end of the run's block, and one unit short of the whole program
        await expectExact(code, native.gasUsed - 1n, `offset ${offset}, length ${length}, one gas short`);
        await expectExact(code, BigInt(offset) * 2n + BigInt(Math.min(length, 64 - (offset % 64))) - 1n, `offset ${offset}, length ${length}, out of gas in the run`);
      }
    }
  });

  test('a run entered by a jump at each of its JUMPDESTs (the block from each ends where the run\'s does)', async () => {
    for (const [offset, length] of [[5, 9], [6, 64], [60, 11], [0, 70]] as const) {
      // PUSH2 target JUMP, then filler up to the run; the run ends in TAIL
      const head = 4; // PUSH2 xx xx JUMP
      const start = head + offset;
      for (let j = 0; j < length; j++) {
        const code = assemble(`PUSH2 ${start + j} JUMP ${'PUSH0 '.repeat(offset)}${'JUMPDEST '.repeat(length)}${TAIL}`);
        const { native } = await buildHonestWitness(defaultContext({ code, gasAvailable: 100_000n }));
        assert.equal(native.status, 1, `offset ${offset}, length ${length}, entered at ${j}`);
        await expectExact(code, 100_000n, `offset ${offset}, length ${length}, entered at ${j}`);
        await expectExact(code, 11n + 1n, `offset ${offset}, length ${length}, entered at ${j}, 1 gas after the jump`);
      }
    }
  });

  test('a run that reaches the end of the code, and a run cut by a 64-byte boundary with a JUMPDEST after it', async () => {
    for (const length of [1, 2, 5, 64, 66]) {
      await expectExact(assemble(`PUSH0 ${'JUMPDEST '.repeat(length)}`), 1000n, `run of ${length} ending the code`);
    }
    // the run from pc 1 is cut at pc 64, which is a JUMPDEST too: it starts the next block
    await expectExact(assemble(`PUSH0 ${'JUMPDEST '.repeat(63)}JUMPDEST PUSH1 7 ${TAIL}`), 1000n, 'run cut at pc 64');
  });

  test('the instruction after a run keeps its own entry: PUSH data and a fused PUSH after runs of every length mod 4', async () => {
    for (let length = 1; length <= 12; length++) {
      const file = await expectExact(runProgram(2, length, `PUSH1 0x5b PUSH1 0x5b ADD ${TAIL.replace('PUSH1 0x2a ', '')}`), 100_000n, `length ${length}`);
      assert.equal(file.witness.status, 1);
    }
  });

  test('a block that starts with PUSHn (every n) pushes its data: at pc 0, after a JUMPI falls through, after a 64-byte cut', async () => {
    for (let n = 1; n <= 32; n++) {
      const value = `0x${Array.from({ length: n }, (_, i) => (0xa1 + i).toString(16)).join('')}`;
      const ret = 'PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN';
      for (const [where, code] of [
        ['pc 0', assemble(`PUSH${n} ${value} ${ret}`)],
        ['after JUMPI', assemble(`PUSH0 PUSH0 JUMPI PUSH${n} ${value} ${ret}`)],
        ['after a 64-byte cut', assemble(`${'PUSH0 POP '.repeat(32)}PUSH${n} ${value} ${ret}`)],
      ] as const) {
        const file = await expectExact(code, 100_000n, `PUSH${n} starting a block, ${where}`);
        assert.equal(file.witness.status, 1, `PUSH${n}, ${where}`);
      }
    }
  });
  test('a PUSH1/PUSH2 inside a block pushes its value before every next instruction: fused, not fused, cut off', async () => {
    const ret = 'PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN';
    // the second instruction, with what the program does after it so that it returns one word
    const next: Array<[string, string]> = [
      ['ADD', `ADD ${ret}`], ['MUL', `MUL ${ret}`], ['SUB', `SUB ${ret}`], ['LT', `LT ${ret}`], ['GT', `GT ${ret}`],
      ['EQ', `EQ ${ret}`], ['AND', `AND ${ret}`], ['OR', `OR ${ret}`], ['XOR', `XOR ${ret}`], ['SHL', `SHL ${ret}`],
      ['SHR', `SHR ${ret}`], ['SWAP1', `SWAP1 POP ${ret}`], ['DUP1', `DUP1 ADD ${ret}`], ['POP', `POP ${ret}`],
      ['MLOAD', `MLOAD ADD ${ret}`], ['MSTORE', 'MSTORE PUSH1 0x40 PUSH0 RETURN'], ['ISZERO', `ISZERO ADD ${ret}`],
      ['JUMPDEST', `JUMPDEST ADD ${ret}`], ['PUSH1', `PUSH1 0x03 ADD ADD ${ret}`], ['GAS', `GAS POP ADD ${ret}`],
      ['the code end', ''],
    ];
    const values: Record<1 | 2, string[]> = { 1: ['0x00', '0x01', '0x5b', '0x80', '0xff'], 2: ['0x0000', '0x5b5b', '0x00ff', '0x8001', '0xffff'] };
    for (const n of [1, 2] as const) {
      for (const value of values[n]) {
        for (const [name, rest] of next) {
          // mid-block after PUSH0 (the operand b = 0x1234 below it); the same with the pair's second instruction cut off by
          // the block's 64-byte limit (the PUSH starting at pc 63 of a block from pc 0); and ending the code
          const programs: Array<[string, string]> = [
            ['mid-block', `PUSH2 0x1234 PUSH${n} ${value} ${rest}`],
            ['second instruction past the 64-byte limit', `PUSH2 0x1234 ${'PUSH0 POP '.repeat(30)}PUSH${n} ${value} ${rest}`],
          ];
          for (const [where, src] of programs) {
            const code = assemble(src);
            await expectExact(code, 100_000n, `PUSH${n} ${value} then ${name}, ${where}`);
          }
        }
      }
    }
  });

  test('PUSH1/PUSH2 then JUMP or JUMPI inside a block: a static jump to a JUMPDEST, a halt otherwise', async () => {
    for (const n of [1, 2] as const) {
      for (const jump of ['JUMP', 'JUMPI']) {
        // the target pc of each case: the JUMPDEST, the byte after it (a PUSH1's data: not a JUMPDEST), past the code
        const body = (target: number) => `PUSH1 0x01 PUSH2 0x1234 PUSH${n} ${target} ${jump} PUSH1 0x05 PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN JUMPDEST PUSH1 0x5b PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN`;
        const dest = assemble(body(0)).length / 2 - 1 - 9; // the JUMPDEST: 9 bytes before the end (JUMPDEST PUSH1 5b PUSH0 MSTORE PUSH1 20 PUSH0 RETURN)
        for (const [what, target] of [['a JUMPDEST', dest], ['push data', dest + 2], ['past the code', dest + 40]] as const) {
          await expectExact(assemble(body(target)), 100_000n, `PUSH${n} ${target} ${jump} to ${what}`);
        }
      }
    }
  });

  test('GAS inside a block gives the gas left after it, on its first run and on every run after (a loop)', async () => {
    // a loop whose body block holds GAS instructions at several places; each iteration adds the values GAS pushed
    // into memory word 0, which the program returns: any wrong GAS value changes the return data
    const bodies = [
      'GAS PUSH0 MLOAD ADD PUSH0 MSTORE',
      'PUSH1 0x01 POP GAS PUSH0 MLOAD ADD PUSH0 MSTORE GAS POP',
      'GAS GAS ADD PUSH0 MLOAD ADD PUSH0 MSTORE PUSH1 0x07 GAS MUL POP',
      `${'PUSH0 POP '.repeat(25)}GAS PUSH0 MLOAD ADD PUSH0 MSTORE`,
    ];
    for (const body of bodies) {
      for (const n of [1, 2, 5]) {
        // [counter] JUMPDEST body, counter - 1, loop while nonzero
        const code = assemble(`PUSH1 ${n} loop: JUMPDEST ${body} PUSH1 0x01 SWAP1 SUB DUP1 @loop JUMPI PUSH1 0x20 PUSH0 RETURN`);
        const { native } = await buildHonestWitness(defaultContext({ code, gasAvailable: 100_000n }));
        assert.equal(native.status, 1, `${body} x ${n}`);
        await expectExact(code, 100_000n, `${body} x ${n}`);
        // out of gas in the last iteration, after the GAS instructions ran before
        await expectExact(code, native.gasUsed - 1n, `${body} x ${n}, one gas short`);
      }
    }
  });
});
