/**
 * First reaches (src/hypervisor/FirstReach.huff): an instruction reached for the first time runs on its own, checked with
 * its opcode's FIRST_INFO word, and a block is analysed on its second reach (the `reached` mark, ENTRY_REACHED). Each
 * program runs on the product and on the test build that analyses every block on its first reach
 * (test/huff/HypervisorAnalysingFirstReach.huff); both must give the reference EVM's outcome to the unit of gas.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { hexToBytes } from 'viem';
import { assemble } from '../evm/asm.ts';
import { pushOpcode } from '../evm/opcodes.ts';
import { buildHonestWitness, defaultContext } from '../native/index.ts';
import type { Hex, WitnessFile } from '../witness/types.ts';
import { expectExact as expectExactOn } from './expect.ts';
import { ANALYSING_FIRST_REACH_SOURCE, compileHypervisor, LocalHypervisor } from './ethereumjs.ts';
import { MEMORY_LAYOUT } from './layout.ts';

test('ENTRY_REACHED is the offset of `reached`: a zero entry goes to the first reach, a reached one to the analysis', () => {
  const { ENTRY_REACHED } = MEMORY_LAYOUT;
  const product = hexToBytes(compileHypervisor());
  const analysing = hexToBytes(compileHypervisor({ source: ANALYSING_FIRST_REACH_SOURCE }));
  for (const code of [product, analysing]) {
    // offset 0: JUMPDEST MSIZE PUSH2 <unreached> JUMPI; then `reached`: JUMPDEST MSIZE PUSH2 analyze_block JUMPI
    assert.deepEqual([code[0], code[1], code[2], code[5]], [0x5b, 0x59, 0x61, 0x57]);
    assert.equal(ENTRY_REACHED, 6);
    assert.deepEqual([code[ENTRY_REACHED], code[ENTRY_REACHED + 1], code[ENTRY_REACHED + 2], code[ENTRY_REACHED + 5]], [0x5b, 0x59, 0x61, 0x57]);
  }
  const target = (code: Uint8Array, at: number): number => (code[at]! << 8) | code[at + 1]!;
  // the test build sends a zero entry where the product sends a reached one: to the analysis
  assert.equal(target(analysing, 3), target(analysing, ENTRY_REACHED + 3));
  assert.notEqual(target(product, 3), target(product, ENTRY_REACHED + 3));
  assert.equal(product[target(product, 3)], 0x5b, 'the first reach is a JUMPDEST of the hypervisor');
});

test('the code address of an instruction is (q >> 3) + MEM_CODE_FROM_Q: Q_BASE is a multiple of 8', () => {
  assert.equal(MEMORY_LAYOUT.Q_BASE % 8, 0);
  assert.equal(MEMORY_LAYOUT.Q_BASE, MEMORY_LAYOUT.MEM_ENTRIES - MEMORY_LAYOUT.ENTRY_OFFSET);
});

const BUILDS = [
  ['product', {}],
  ['analysing test build', { source: ANALYSING_FIRST_REACH_SOURCE }],
] as const;

for (const [buildName, build] of BUILDS) {
  describe(`first reach and second reach (${buildName})`, () => {
    let hv: LocalHypervisor;
    before(async () => {
      hv = await LocalHypervisor.create(build);
    });

    /** The exactness check of lib/hypervisor/expect.ts on this build. */
    const expectExact = (code: Hex, gasAvailable: bigint, what: string): Promise<WitnessFile> => expectExactOn(hv, code, gasAvailable, what);

    /**
     * `code` succeeds natively with 100,000 gas; expectExact at each gas value `gases` picks from its gas used, and the
     * witness succeeds exactly when the gas given covers the gas used.
     */
    const expectSweep = async (code: Hex, gases: (gasUsed: bigint) => bigint[], what: string): Promise<void> => {
      const { native } = await buildHonestWitness(defaultContext({ code, gasAvailable: 100_000n }));
      assert.equal(native.status, 1, what);
      for (const gas of gases(native.gasUsed)) {
        const file = await expectExact(code, gas, `${what}, gas ${gas}`);
        assert.equal(file.witness.status, gas >= native.gasUsed ? 1 : 0, `${what}, gas ${gas}`);
      }
    };
    /** Every gas value from 0 to one over the gas used. */
    const everyGas = (gasUsed: bigint): bigint[] => Array.from({ length: Number(gasUsed) + 2 }, (_, i) => BigInt(i));

    test('out of gas at every instruction of a straight program (pushes, stack, memory, hashing, GAS, JUMPDEST runs)', async () => {
      const code = assemble(
        'PUSH1 0x2a PUSH2 0x0102 DUP2 SWAP1 ADD JUMPDEST JUMPDEST JUMPDEST PUSH3 0x010203 MUL GAS POP JUMPDEST JUMPDEST PUSH0 MSTORE ' +
          'JUMPDEST PUSH1 0x40 PUSH0 KECCAK256 PUSH32 0xff00000000000000000000000000000000000000000000000000000000000001 ' +
          'XOR JUMPDEST JUMPDEST JUMPDEST JUMPDEST JUMPDEST PUSH1 0x20 MSTORE PUSH1 0x40 PUSH0 RETURN',
      );
      await expectSweep(code, everyGas, 'straight program');
    });

    test('runs of two, three and four JUMPDESTs: out of gas at each, at the code end, before a PUSH1 of 0x5b, run twice', async () => {
      for (const asm of [
        'PUSH0 JUMPDEST JUMPDEST',
        'PUSH0 JUMPDEST JUMPDEST JUMPDEST',
        'JUMPDEST JUMPDEST PUSH1 0x5b POP JUMPDEST JUMPDEST JUMPDEST PUSH1 0x5b POP JUMPDEST JUMPDEST JUMPDEST JUMPDEST PUSH2 0x5b5b',
        'PUSH1 2 top: JUMPDEST JUMPDEST PUSH1 1 SWAP1 SUB DUP1 @top JUMPI JUMPDEST JUMPDEST STOP',
        'PUSH1 2 top: JUMPDEST JUMPDEST JUMPDEST PUSH1 1 SWAP1 SUB DUP1 @top JUMPI JUMPDEST JUMPDEST JUMPDEST STOP',
      ]) {
        await expectSweep(assemble(asm), everyGas, asm);
      }
    });

    test('jumps back to a loop head, static and dynamic, over 1,000 items (spilled): out of gas at each gas of the loop', async () => {
      // the jumps' target check (JUMP_CHECK) fails into each branch of jump_slow: never reached (`end`), reached once,
      // analysed with more than SPILL_FAST_MAX items spilled (the spilled lane), and out of gas
      const fill = 'PUSH0 '.repeat(1000);
      for (const jump of ['@top JUMPI', '@top DUP1 POP JUMPI']) {
        const code = assemble(`${fill} PUSH1 3 top: JUMPDEST PUSH1 1 SWAP1 SUB DUP1 ${jump} POP @end JUMP end: JUMPDEST STOP`);
        // every 11th gas from the loop's start (each jump's target check fails for a range of gas values), and the end
        const loopGas = (gasUsed: bigint): bigint[] => {
          const gases = [];
          for (let gas = 2_000n; gas < gasUsed; gas += 11n) gases.push(gas);
          return [...gases, gasUsed - 1n, gasUsed, gasUsed + 1n];
        };
        await expectSweep(code, loopGas, jump);
      }
    });

    test('deep stacks on a first reach: spilled items, the spilled lane, overflow at 1,025 items, underflow', async () => {
      for (const n of [17, 300, 1000, 1024]) {
        // n items, then fold them all with ADD: every instruction reached once
        const code = assemble(`${'PUSH1 0x01 '.repeat(n)}${'ADD '.repeat(n - 1)}PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN`);
        const file = await expectExact(code, 1_000_000n, `${n} items folded`);
        assert.equal(file.witness.status, 1);
        // out of gas in the middle of the folding (spilled items still on the careful path)
        await expectExact(code, BigInt(3 * n + 3 * Math.floor(n / 2)), `${n} items, out of gas while folding`);
      }
      const overflow = await expectExact(assemble(`${'PUSH0 '.repeat(1025)}STOP`), 1_000_000n, '1,025 items');
      assert.equal(overflow.witness.status, 0);
      const underflow = await expectExact(assemble('PUSH0 POP POP STOP'), 1000n, 'POP on an empty stack');
      assert.equal(underflow.witness.status, 0);
      const dup = await expectExact(assemble(`${'PUSH0 '.repeat(15)}DUP16 STOP`), 1000n, 'DUP16 on 15 items');
      assert.equal(dup.witness.status, 0);
    });

    test('jumps to JUMPDESTs never reached: out of gas at each, and with items spilled (the general first reach)', async () => {
      // static and dynamic jumps forward and back to single JUMPDESTs and to runs, every gas value up to the end
      const chain = (items: number) =>
        assemble(`${'PUSH1 0x01 '.repeat(items)}@a JUMP b: PUSH2 0x0102 POP @c JUMP a: JUMPDEST @b DUP1 POP JUMP c: JUMPDEST JUMPDEST d: PUSH0 @d JUMPI STOP`);
      const code = chain(0);
      const { native } = await buildHonestWitness(defaultContext({ code, gasAvailable: 100_000n }));
      assert.equal(native.status, 1);
      for (let gas = 0n; gas <= native.gasUsed; gas++) await expectExact(code, gas, `chain, gas ${gas}`);
      // over 240 spilled items the fast check fails: the general first reach takes the spilled lane
      for (const items of [300, 1000]) {
        const deep = chain(items);
        const run = await buildHonestWitness(defaultContext({ code: deep, gasAvailable: 1_000_000n }));
        assert.equal(run.native.status, 1);
        await expectExact(deep, 1_000_000n, `chain over ${items} items`);
        for (const short of [1n, 5n, 12n, 20n]) await expectExact(deep, run.native.gasUsed - short, `chain over ${items} items, ${short} gas short`);
      }
    });

    test('PUSHn at the end of the code, its data cut off: zeros', async () => {
      for (let n = 1; n <= 32; n++) {
        for (const given of [0, 1, n - 1]) {
          if (given >= n && n > 1) continue;
          // PUSH0 PUSH0 RETURN after it would be data: instead the code ends in the PUSH; STOP follows implicitly
          const data = Array.from({ length: given }, (_, i) => (0xc1 + i).toString(16)).join('');
          const code = `${assemble('PUSH1 0x07 PUSH0 MSTORE')}${pushOpcode(n).toString(16)}${data}` as Hex;
          await expectExact(code, 1000n, `PUSH${n} with ${given} data bytes at the code's end`);
        }
      }
    });

    test('hot code is analysed along its fall-throughs: loop bodies of several blocks, entered by static and dynamic jumps', async () => {
      const filler = 'PUSH0 POP '.repeat(40); // 80 bytes: the body's blocks are cut at 64 bytes too
      const bodies = [
        // [counter] JUMPDEST, a JUMPI not taken, straight code past the 64-byte limit, the loop's JUMPI (static)
        (n: number) => `PUSH1 ${n} loop: PUSH0 @never JUMPI ${filler}PUSH1 0x01 SWAP1 SUB DUP1 @loop JUMPI PUSH0 PUSH0 RETURN never: INVALID`,
        // the loop's jump dynamic: the target kept on the stack
        (n: number) => `@loop PUSH1 ${n} loop: ${filler}PUSH1 0x01 SWAP1 SUB DUP1 ISZERO @out JUMPI DUP2 JUMP out: PUSH0 PUSH0 RETURN`,
        // the loop head inside a JUMPDEST run, reached first by falling through the run
        (n: number) => `PUSH1 ${n} JUMPDEST JUMPDEST loop: JUMPDEST JUMPDEST ${filler}PUSH1 0x01 SWAP1 SUB DUP1 @loop JUMPI STOP`,
      ];
      for (const [i, body] of bodies.entries()) {
        for (const n of [1, 2, 3, 5]) {
          const code = assemble(body(n));
          const { native } = await buildHonestWitness(defaultContext({ code, gasAvailable: 100_000n }));
          assert.equal(native.status, 1, `body ${i} x ${n}`);
          await expectExact(code, 100_000n, `body ${i} x ${n}`);
          // out of gas in the last iteration, and in the middle of the second
          await expectExact(code, native.gasUsed - 1n, `body ${i} x ${n}, one gas short`);
          await expectExact(code, native.gasUsed / 2n, `body ${i} x ${n}, half the gas`);
        }
      }
    });
  });
}
