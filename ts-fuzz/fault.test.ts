/**
 * Proof that the fuzzer finds bugs: the hypervisor is built with an injected fault, selected by a
 * compile-time constant override, and a campaign on the default engine (revm, batched through
 * forge) must catch it within two minutes and shrink it to a program of at most 10 instructions.
 *
 * The fault: `--constants G_EXP_BYTE=0x31`, i.e. `-c G_EXP_BYTE=0x31` for the Huff compiler: EXP
 * charges 49 instead of 50 gas per exponent byte (src/hypervisor/Gas.huff). The project's Huff
 * compiler lets `-c` override a defined constant, so no source change is needed to inject it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildHonestWitness, defaultContext } from '../lib/native/index.ts';
import { EthereumjsEngine } from './engines.ts';
import { runCampaignCli, runCli } from './testing.ts';

const FAULT = 'G_EXP_BYTE=0x31';
/** The campaigns below keep the case stream their seeds were chosen on: programs without creates and SELFDESTRUCT. */
const CLASSIC = { ISO_FUZZ_OPS: 'classic' };

test('the injected fault is active in the faulty build only', async () => {
  const { file } = await buildHonestWitness(defaultContext({ code: '0x6001600a0a', gasAvailable: 100_000n })); // 10 ** 1
  const [bad] = await (await EthereumjsEngine.create({ constants: { G_EXP_BYTE: '0x31' } })).verify([file]);
  assert.equal(bad!.verdict.kind, 'invalid', `${FAULT} did not change the build: was the constant renamed?`);
  const [ok] = await (await EthereumjsEngine.create()).verify([file]);
  assert.equal(ok!.verdict.kind, 'valid');
});

test(`a campaign on revm catches ${FAULT} within two minutes and shrinks it to <= 10 instructions`, { timeout: 200_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-fuzz-fault-'));
  try {
    const { run, stats } = await runCampaignCli(
      ['--engine', 'revm', '--workers', '1', '--seed', '64023', '--runs', '50000', '--time', '110s', '--batch', '250', '--constants', FAULT, '--corpus', dir, '--stop-after', '1', '--shrink-time', '60s'],
      150_000,
      CLASSIC,
    );
    assert.equal(stats.findings.length, 1, `fault not caught in ${stats.cases} cases:\n${run.stdout}`);
    assert.equal(run.exitCode, 1, 'a campaign with findings must exit 1');
    assert.ok(run.ms < 120_000, `took ${run.ms} ms`);
    const f = stats.findings[0]!;
    assert.ok(['rejected-valid', 'accepted-invalid', 'wrong-code'].includes(f.kind), `unexpected kind ${f.kind}: ${f.detail}`);
    assert.ok(f.instructions !== null && f.instructions <= 10, `shrunk to ${f.instructions} instructions: ${f.disassembly}`);
    assert.match(f.disassembly ?? '', /\bEXP\b/, 'the shrunk program does not even run EXP');
    // the saved reproducer replays: failing on the faulty build, passing on the real one
    assert.ok(f.file && fs.existsSync(f.file), 'no corpus file saved');
    const onFaulty = await runCli(['--replay', f.file, '--constants', FAULT], undefined, CLASSIC);
    assert.equal(onFaulty.exitCode, 1, `the reproducer passes on the faulty build:\n${onFaulty.stdout}`);
    const onReal = await runCli(['--replay', f.file], undefined, CLASSIC);
    assert.equal(onReal.exitCode, 0, `the reproducer fails on the real build:\n${onReal.stdout}`);
    process.stderr.write(`fault caught at case ${f.firstIndex} and shrunk to ${f.instructions} instructions (${f.disassembly}); campaign took ${(run.ms / 1000).toFixed(1)} s\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a campaign on revm catches GUEST_STACK_LIMIT=0x0401 (overflow at 1026 instead of 1025) within two minutes', { timeout: 200_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-fuzz-fault-'));
  try {
    const { run, stats } = await runCampaignCli(
      ['--engine', 'revm', '--workers', '1', '--seed', '6', '--runs', '50000', '--time', '100s', '--batch', '500', '--constants', 'GUEST_STACK_LIMIT=0x0401', '--corpus', dir, '--stop-after', '1', '--shrink-time', '60s'],
      150_000,
      CLASSIC,
    );
    assert.equal(stats.findings.length, 1, `fault not caught in ${stats.cases} cases:\n${run.stdout}`);
    assert.ok(run.ms < 120_000, `took ${run.ms} ms`);
    const f = stats.findings[0]!;
    // the smallest witness of this fault: 1025 one-byte pushes, the EVM halts on the last one
    assert.ok(f.instructions !== null && f.instructions <= 1030, `shrunk to ${f.instructions} instructions`);
    process.stderr.write(`stack-limit fault caught at case ${f.firstIndex}, shrunk to ${f.instructions} instructions; campaign took ${(run.ms / 1000).toFixed(1)} s\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
