/**
 * The worst-case benchmark's generators build the programs they describe, checked on native runs against counts and
 * gas computed here independently (iterations, JUMPDESTs executed, stack items pushed, instructions run), and its
 * ratio computation is right on one tiny program verified by the in-process hypervisor.
 *   node --import tsx --test scripts/bench/worst-case.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalHypervisor } from '../../lib/hypervisor/ethereumjs.ts';
import { buildHonestWitness, defaultContext, runNative, type NativeOutcome } from '../../lib/native/index.ts';
import type { Hex } from '../../lib/witness/types.ts';
import { OP } from '../../lib/evm/opcodes.ts';
import {
  MAX_CODE_SIZE,
  Measurer,
  PATTERNS,
  Rng,
  gasRatios,
  genomeProgram,
  jumpChain,
  jumpTable,
  jumpdestLoop,
  mutateGenome,
  randomGenome,
  recordLoop,
  callLoop,
  distinctCodeReads,
  runEnteredEverywhere,
  stackEffect,
  stackOscillation,
  straightJumpdests,
  straightPattern,
  type GuestProgram,
} from './worst-case.ts';

const { JUMPDEST, PUSH0, DUP1 } = OP;

async function run(p: GuestProgram): Promise<NativeOutcome> {
  return runNative(defaultContext({ code: p.code, gasAvailable: p.gasAvailable, ...(p.calldata ? { calldata: p.calldata } : {}) }));
}

const count = (n: NativeOutcome, op: number): number => n.opcodes.get(op) ?? 0;
const size = (code: Hex): number => (code.length - 2) / 2;

describe('family 1: loop over k JUMPDESTs', () => {
  for (const k of [1, 5, 64]) {
    it(`STOP variant, k = ${k}: n iterations of k JUMPDESTs, 5 + n (k + 25) gas, within the budget`, async () => {
      const budget = 20_000n;
      const native = await run(jumpdestLoop(k, budget, 'stop'));
      assert.equal(native.status, 1, native.error);
      // PUSH3 n; n x (k JUMPDESTs, PUSH1 SWAP1 SUB DUP1 PUSH2 JUMPI); POP STOP
      const n = Math.floor((20_000 - 5) / (k + 25));
      assert.equal(count(native, JUMPDEST), n * k);
      assert.equal(native.steps, 1 + n * (k + 6) + 2);
      assert.equal(native.gasUsed, BigInt(5 + n * (k + 25)));
      assert.ok(native.gasUsed <= budget && native.gasUsed > budget - BigInt(k + 25));
    });
  }

  it('out-of-gas variant, k = 7: iterations of 7 JUMPDESTs + PUSH2 JUMP (18 gas) until the budget is gone', async () => {
    const native = await run(jumpdestLoop(7, 18_000n, 'oog'));
    assert.equal(native.status, 0);
    assert.equal(native.error, 'out of gas');
    assert.equal(native.gasUsed, 18_000n);
    // 1000 full iterations use exactly 18,000 gas; the halt comes at the block check of the 1001st
    const jumpdests = count(native, JUMPDEST);
    assert.ok(jumpdests >= 7 * 1000 && jumpdests <= 7 * 1000 + 1, `${jumpdests} JUMPDESTs`);
  });
});

describe('loop position', () => {
  it('headMod puts the loop head at that pc modulo 64, past never-executed STOP bytes', async () => {
    for (const [items, at] of [[0, 0], [0, 60], [1023, 61], [5, 3]] as const) {
      const p = jumpdestLoop(1, 5_000n, 'oog', items, 'PUSH0', at);
      const head = Number(/head at pc (\d+)/.exec(p.name)![1]);
      assert.equal(head % 64, at);
      assert.equal(p.code.slice(2 + 2 * head, 2 + 2 * head + 10), `5b61${head.toString(16).padStart(4, '0')}56`);
      const native = await run(p);
      assert.equal(native.error, 'out of gas');
      assert.equal(count(native, 0x00), 0, 'the padding never runs');
      assert.equal(count(native, PUSH0), items);
      // items x 2 gas, the jump over the padding (11), then 12 gas per iteration
      assert.equal(count(native, JUMPDEST), Math.floor((5_000 - 2 * items - 11) / 12) + 1);
    }
  });
});

describe('family 2: items spilled out of the native stack', () => {
  it('1000 x PUSH0 then the loop: 1000 items pushed without overflow, the loop runs on top of them', async () => {
    const native = await run(jumpdestLoop(4, 10_000n, 'oog', 1000));
    assert.equal(count(native, PUSH0), 1000);
    assert.equal(native.error, 'out of gas');
    // 2,000 gas of PUSH0s, then iterations of 4 + 11 gas
    const iterations = Math.floor((10_000 - 2_000) / 15);
    assert.ok(count(native, JUMPDEST) >= 4 * iterations, `${count(native, JUMPDEST)} JUMPDESTs`);
  });

  it('1023 items: the loop pushes its jump target to height 1024 on every iteration', async () => {
    const native = await run(jumpdestLoop(1, 5_000n, 'oog', 1023));
    assert.equal(count(native, PUSH0), 1023);
    assert.equal(native.error, 'out of gas');
    // each PUSH2 runs at height 1023 (a stack overflow would be the error otherwise)
    assert.ok(count(native, 0x61) > 100, `${count(native, 0x61)} PUSH2s`);
    assert.throws(() => jumpdestLoop(1, 5_000n, 'oog', 1024));
  });

  it('DUP1 fill and the STOP variant over 1000 items', async () => {
    const dup = await run(jumpdestLoop(2, 10_000n, 'oog', 1000, 'DUP1'));
    assert.equal(count(dup, PUSH0), 1);
    assert.equal(count(dup, DUP1), 999);
    assert.equal(dup.error, 'out of gas');
    const stop = await run(jumpdestLoop(2, 30_000n, 'stop', 1000));
    assert.equal(stop.status, 1, stop.error);
    const n = Math.floor((30_000 - 2_000 - 5) / 27);
    assert.equal(count(stop, JUMPDEST), 2 * n);
    assert.equal(stop.gasUsed, BigInt(2_000 + 5 + 27 * n));
  });
});

describe('families 3, 4: straight-line code run once', () => {
  it('N JUMPDESTs then STOP: N gas, N + 1 steps; the largest fits the code size limit', async () => {
    for (const n of [1, 300, MAX_CODE_SIZE - 1]) {
      const p = straightJumpdests(n);
      const native = await run(p);
      assert.equal(native.status, 1);
      assert.equal(native.gasUsed, BigInt(n));
      assert.equal(native.steps, n + 1);
      assert.ok(size(p.code) <= MAX_CODE_SIZE);
    }
  });

  it('every pattern fills the code and runs once to STOP, each instruction once', async () => {
    for (const pattern of PATTERNS) {
      const p = straightPattern(pattern);
      const native = await run(p);
      assert.equal(native.status, 1, `${pattern.asm}: ${native.error}`);
      assert.ok(size(p.code) <= MAX_CODE_SIZE && size(p.code) > MAX_CODE_SIZE - 40, `${pattern.asm}: ${size(p.code)} bytes`);
      const reps = Number(/^([\d,]+) x/.exec(p.name)![1]!.replace(/,/g, ''));
      const perUnit = pattern.asm.split(/\s+/).filter((t) => !/^(0x[0-9a-f]+|\d+)$/i.test(t)).length;
      assert.equal(native.steps, (pattern.items ?? 0) + reps * perUnit + 1, pattern.asm);
    }
  });
});

describe('family 10: record opcodes', () => {
  it('a loop of k x PUSH0 BLOBHASH POP takes one record per BLOBHASH until out of gas, and its honest witness is accepted', async () => {
    const hv = await LocalHypervisor.create();
    for (const k of [1, 4]) {
      const p = recordLoop('BLOBHASH', k, 2_000n);
      const { file, native } = await buildHonestWitness(defaultContext({ code: p.code, gasAvailable: p.gasAvailable }));
      assert.equal(native.status, 0, 'runs out of gas');
      // an iteration: JUMPDEST (1), k x (PUSH0 2 + BLOBHASH 3 + POP 2), PUSH1 (3) JUMP (8)
      const perIteration = 1 + 7 * k + 11;
      assert.ok(count(native, OP.BLOBHASH) >= k * Math.floor(2_000 / perIteration), `${count(native, OP.BLOBHASH)} BLOBHASH`);
      // one record per BLOBHASH that ran; the last one reached may be where the gas ran out (no record then)
      const reached = count(native, OP.BLOBHASH);
      const records = file.witness.state_access_list.length;
      assert.ok(records === reached || records === reached - 1, `${records} records for ${reached} BLOBHASH reached`);
      assert.deepEqual((await hv.verify(file)).verdict, { valid: true, kind: 'valid' });
    }
  });
});

describe('family 12: calls', () => {
  it('calls an account without code (one call record each) or IDENTITY (no record) until out of gas; the honest witness is accepted', async () => {
    const hv = await LocalHypervisor.create();
    for (const kind of ['account', 'precompile'] as const) {
      const p = callLoop(kind, 2, 3_000n);
      const { file, native } = await buildHonestWitness(defaultContext({ code: p.code, gasAvailable: p.gasAvailable }));
      assert.equal(native.status, 0, 'runs out of gas');
      const op = kind === 'account' ? OP.CALL : OP.STATICCALL;
      // an iteration: JUMPDEST (1), 2 x (5 or 4 pushes, a call of 100 warm (2,600 the first account call), POP), JUMP
      const reached = count(native, op);
      assert.ok(reached >= 2 * Math.floor((3_000 - 2_500) / (1 + 2 * (100 + 20) + 11)), `${reached} calls`);
      const records = file.witness.state_access_list.length;
      if (kind === 'account') assert.ok(records === reached || records === reached - 1, `${records} records for ${reached} calls`);
      else assert.equal(records, 0, 'a precompile call takes no record');
      assert.deepEqual((await hv.verify(file)).verdict, { valid: true, kind: 'valid' });
    }
  });
});

describe('family 11: distinct archived codes', () => {
  it('reads the code of k distinct accounts, each warm at entry (100 gas), listed as warm account keys with its code to archive', async () => {
    const hv = await LocalHypervisor.create();
    const k = 5;
    for (const [op, perRead] of [['EXTCODESIZE', 3 + 100 + 2], ['EXTCODECOPY', 3 + 2 + 2 + 3 + 100 + 3]] as const) {
      const p = distinctCodeReads(op, k);
      const { file, native } = await buildHonestWitness(defaultContext({ code: p.code, gasAvailable: p.gasAvailable, preState: p.preState! }));
      assert.equal(native.status, 1, native.error);
      assert.equal(count(native, OP[op]), k);
      // EXTCODECOPY: 32 bytes to offset 0 every time, so memory grows once (3 gas)
      assert.equal(native.gasUsed, BigInt(k * perRead + (op === 'EXTCODECOPY' ? 3 : 0)), op);
      assert.equal(file.witness.accountKeys.length, k);
      assert.ok(file.witness.accountKeys.every((a) => a.warm), 'every account is warm at entry');
      assert.equal(new Set(file.accountCode).size, k, 'k distinct codes to archive');
      assert.deepEqual((await hv.verify(file)).verdict, { valid: true, kind: 'valid' }, op);
    }
  });
});

describe('family 6: jumps', () => {
  it('static, dynamic and backward chains reach every link once', async () => {
    for (const [kind, perLink] of [['static', 12], ['dynamic', 17], ['backward', 12]] as const) {
      const p = jumpChain(kind, 2_000);
      const native = await run(p);
      assert.equal(native.status, 1, `${kind}: ${native.error}`);
      const links = Number(/^([\d,]+) JUMPDESTs/.exec(p.name)![1]!.replace(/,/g, ''));
      assert.equal(count(native, JUMPDEST), links, kind);
      // every link but the last (JUMPDEST STOP) jumps; backward starts with PUSH2 JUMP (11)
      assert.equal(native.gasUsed, BigInt((links - 1) * perLink + 1 + (kind === 'backward' ? 11 : 0)), kind);
    }
  });

  it('the jump table reaches every entry once through the hub', async () => {
    const p = jumpTable(1_000);
    const entries = Math.floor((1_000 - 8) / 7);
    const native = await run(p);
    assert.equal(native.status, 1, native.error);
    // hub: entries + 1 times, entries, the final JUMPDEST STOP
    assert.equal(count(native, JUMPDEST), 2 * entries + 2);
  });

  it('a run of L JUMPDESTs entered at each point runs L (L + 1) / 2 of them', async () => {
    const l = 50;
    const native = await run(runEnteredEverywhere(l));
    assert.equal(native.status, 1, native.error);
    // plus the hub's JUMPDEST once per entry and the exit's once
    assert.equal(count(native, JUMPDEST), (l * (l + 1)) / 2 + l + 1);
  });
});

describe('family 7 and the random search', () => {
  it('the oscillation reaches base + m items without overflow', async () => {
    const native = await run(stackOscillation(1000, 23, false, 20_000n));
    assert.equal(native.error, 'out of gas');
    assert.equal(count(native, PUSH0), 1000);
    assert.ok(count(native, DUP1) >= 23 * 10);
  });

  it('stackEffect: need, net change and peak', () => {
    assert.deepEqual(stackEffect('0x5f5f01'), { need: 0, delta: 1, peak: 2 }); // PUSH0 PUSH0 ADD
    assert.deepEqual(stackEffect('0x9f'), { need: 17, delta: 0, peak: 0 }); // SWAP16
    assert.deepEqual(stackEffect(`0x50507f${'00'.repeat(32)}`), { need: 2, delta: -1, peak: 0 }); // POP POP PUSH32
  });

  it('random genomes and their mutations build programs that halt cleanly (out of gas or STOP)', async () => {
    const rng = new Rng(7);
    let g = randomGenome(rng);
    let built = 0;
    for (let i = 0; i < 12; i++) {
      g = i % 3 === 0 ? randomGenome(rng) : mutateGenome(g, rng);
      const loop = genomeProgram(g, 'loop', 4_000n);
      if (loop) {
        built++;
        const native = await run(loop);
        assert.equal(native.error, 'out of gas', loop.name);
      }
      const straight = genomeProgram(g, 'straight');
      if (straight && i % 4 === 0) {
        const native = await run(straight);
        assert.equal(native.status, 1, `${straight.name}: ${native.error}`);
      }
    }
    assert.ok(built >= 8, `${built} programs built`);
  });
});

describe('ratios', () => {
  it('gasRatios divides total and excess verification gas by guest gas', () => {
    assert.deepEqual(gasRatios(100n, 1_500n, 500n), { ratio: 15, ratioWithoutSetup: 10 });
    assert.equal(gasRatios(0n, 1n, 1n).ratio, Infinity);
  });

  it('one tiny program: the measurement matches verifications done here', async () => {
    const code: Hex = '0x5f5f0150005b'; // PUSH0 PUSH0 ADD POP STOP JUMPDEST
    const program: GuestProgram = { family: 'test', name: 'tiny', code, gasAvailable: 1_000n };
    const m = await Measurer.create();
    const got = await m.measure(program);
    assert.deepEqual(m.rejections, []);
    assert.ok(got);

    const hv = await LocalHypervisor.create();
    const honest = await buildHonestWitness(defaultContext({ code, gasAvailable: 1_000n }));
    const setup = await buildHonestWitness(defaultContext({ code, gasAvailable: 0n }));
    const total = await hv.verify(honest.file);
    const base = await hv.verify(setup.file);
    assert.equal(total.verdict.kind, 'valid');
    assert.equal(base.verdict.kind, 'valid');
    assert.equal(setup.native.status, 0);
    assert.equal(got.guestGas, 2n + 2n + 3n + 2n);
    assert.equal(got.verificationGas, total.hypervisorGas);
    assert.equal(got.setupGas, base.hypervisorGas);
    assert.ok(got.setupGas > 0n && got.setupGas < got.verificationGas);
    assert.equal(got.ratio, Number(total.hypervisorGas) / 9);
    assert.equal(got.ratioWithoutSetup, Number(total.hypervisorGas - base.hypervisorGas) / 9);
    assert.equal(got.codeSize, 6);
    assert.equal(got.steps, 5);
  });
});
