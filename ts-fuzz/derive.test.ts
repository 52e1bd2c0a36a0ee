/**
 * The derivation rule (derive.ts) against real runs: for generated cases, every context the fuzzer
 * derives an outcome for is also run natively and the two must agree; and the honest witness
 * built from an outcome (prepare.ts honestWitnessFrom) is lib/native's buildHonestWitness.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildHonestWitness, runNative, UnsupportedMessageError, type NativeOutcome } from '../lib/native/index.ts';
import { deriveOutcome } from './derive.ts';
import { installMemoryGuard } from './guard.ts';
import { applyMutations, contextFromSpec, contextOf, honestWitnessFrom } from './prepare.ts';
import { assemble, traits } from './program.ts';
import { generateValue } from './random.ts';
import { caseArb } from './spec.ts';

/** The same outcome as far as a witness can tell: everything the honest witness takes from it but the synthetic state roots. */
const same = (a: NativeOutcome, b: NativeOutcome): boolean =>
  a.status === b.status && a.gasUsed === b.gasUsed && a.returndata === b.returndata && a.gasRefund === b.gasRefund && a.logsHash === b.logsHash &&
  JSON.stringify([a.records, a.storageKeys, a.transientKeys, a.accountKeys, a.keyLookups], (_, v) => (typeof v === 'bigint' ? v.toString() : v)) ===
    JSON.stringify([b.records, b.storageKeys, b.transientKeys, b.accountKeys, b.keyLookups], (_, v) => (typeof v === 'bigint' ? v.toString() : v));

test('derived outcomes equal real runs (gas and field changes of generated cases)', async () => {
  await installMemoryGuard();
  let derived = 0;
  let unsupported = 0;
  for (let i = 0; i < 250; i++) {
    const spec = generateValue(caseArb, 0xde51, i).value_;
    const code = assemble(spec.program);
    const t = traits(spec.program, code);
    const base = contextFromSpec(spec.ctx, code, t.unbounded ? 30_000n : 10_000_000n);
    let o: NativeOutcome;
    try {
      o = await runNative(base);
    } catch (e) {
      // a message the builder cannot express (the fuzzer skips it too), e.g. a create moving value the frame received
      if (!(e instanceof UnsupportedMessageError)) throw e;
      unsupported++;
      continue;
    }
    const variants = [
      { ...base, gasAvailable: o.gasUsed },
      { ...base, gasAvailable: o.gasUsed - 1n < 0n ? 0n : o.gasUsed - 1n },
      { ...base, gasAvailable: (o.gasUsed * 3n) / 4n },
    ];
    if (spec.mutations.length > 0) {
      const { w } = applyMutations(honestWitnessFrom(base, o), spec.mutations, t);
      if (w.gasAvailable < 1n << 64n) variants.push(contextOf(w, code));
    }
    for (const v of variants) {
      const d = deriveOutcome(base, o, v);
      if (!d) continue;
      derived++;
      const real = await runNative(v);
      assert.ok(same(d, real), `case ${i}: derived ${d.status}/${d.gasUsed}/${d.returndata} but ran ${real.status}/${real.gasUsed}/${real.returndata} (gas ${v.gasAvailable})`);
    }
  }
  assert.ok(derived > 300, `only ${derived} derivations exercised`);
  assert.ok(unsupported < 25, `${unsupported} of 250 cases the builder cannot express`);
});

test('honestWitnessFrom is buildHonestWitness', async () => {
  await installMemoryGuard();
  for (let i = 0; i < 40; i++) {
    const spec = generateValue(caseArb, 0x4057, i).value_;
    const ctx = contextFromSpec(spec.ctx, assemble(spec.program), 1_000_000n);
    const { file, native } = await buildHonestWitness(ctx);
    assert.deepEqual(honestWitnessFrom(ctx, native), file);
  }
});

test('an outcome derived as a halt keeps no logs and no refund (a LOG1 run given too little gas)', async () => {
  const base = { ...contextFromSpec({ caller: '0x1000000000000000000000000000000000000001', origin: 'caller', to: '0x2000000000000000000000000000000000000002', context: 'to', callvalue: 0n, gasPrice: 0n, isStatic: false, calldata: [] }, '0x5f5f5fa1', 10_000_000n) };
  const o = await runNative(base);
  assert.equal(o.status, 1);
  assert.notEqual(BigInt(o.logsHash), 0n);
  const short = { ...base, gasAvailable: o.gasUsed - 1n };
  const d = deriveOutcome(base, o, short);
  assert.ok(d !== undefined);
  const real = await runNative(short);
  assert.equal(real.status, 0);
  assert.equal(d.logsHash, real.logsHash);
  assert.equal(BigInt(d.logsHash), 0n);
});

test('no outcome is derived across the static flag for a run that executed an opcode a static frame forbids (LOG1)', async () => {
  const base = { ...contextFromSpec({ caller: '0x1000000000000000000000000000000000000001', origin: 'caller', to: '0x2000000000000000000000000000000000000002', context: 'to', callvalue: 0n, gasPrice: 0n, isStatic: false, calldata: [] }, '0x5f5f5fa1', 10_000_000n) };
  const o = await runNative(base);
  const asStatic = { ...base, isStatic: true };
  const real = await runNative(asStatic);
  assert.equal(real.status, 0);
  const d = deriveOutcome(base, o, asStatic);
  assert.ok(d === undefined || same(d, real), `derived status ${d?.status}, ran ${real.status}`);
});

test('no outcome is derived for a message to a precompile: it runs no code', async () => {
  const base = contextFromSpec({ caller: '0x1000000000000000000000000000000000000001', origin: 'caller', to: '0x2000000000000000000000000000000000000002', context: 'to', callvalue: 0n, gasPrice: 0n, isStatic: false, calldata: [] }, '0x00', 100_000n);
  const o = await runNative(base);
  assert.ok(deriveOutcome(base, o, { ...base }) !== undefined, 'the same message derives');
  assert.equal(deriveOutcome(base, o, { ...base, to: '0x0000000000000000000000000000000000000004', context: '0x0000000000000000000000000000000000000004' }), undefined);
});
