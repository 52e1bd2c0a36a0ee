/**
 * The hypervisor (src/Hypervisor.huff) run in @ethereumjs/evm against honest and dishonest
 * witnesses of every sample program (lib/samples/opcodes.ts).
 */
import assert from 'node:assert/strict';
import { assemble } from '../evm/asm.ts';
import { before, describe, test } from 'node:test';
import { keccak256 } from 'viem';
import { OP } from '../evm/opcodes.ts';
import { buildHonestWitness, defaultContext } from '../native/index.ts';
import { SAMPLES, type Sample } from '../samples/opcodes.ts';
import { ERROR_CODES } from '../witness/errors.ts';
import type { Verdict } from '../witness/errors.ts';
import type { WitnessFile } from '../witness/types.ts';
import { ANALYSING_FIRST_REACH_SOURCE, LocalHypervisor } from './ethereumjs.ts';

let hv: LocalHypervisor;
before(async () => {
  hv = await LocalHypervisor.create();
});

function codeOf(v: Verdict): number | string {
  return v.kind === 'invalid' ? v.code : v.kind;
}

async function honest(s: Sample): Promise<WitnessFile> {
  const { file, native } = await buildHonestWitness(
    defaultContext({
      code: s.code,
      ...(s.calldata ? { calldata: s.calldata } : {}),
      ...(s.callvalue ? { callvalue: s.callvalue } : {}),
      ...(s.gasAvailable ? { gasAvailable: s.gasAvailable } : { gasAvailable: 1_000_000n }),
    }),
  );
  assert.equal(native.status, s.status, `${s.name}: reference EVM status ${native.status} (${native.error ?? ''})`);
  return file;
}

describe('every sample: honest accepted, wrong status / returndataHash / gasUsed±1 rejected', () => {
  for (const s of SAMPLES) {
    test(s.name, async () => {
      const file = await honest(s);
      const w = file.witness;
      assert.deepEqual((await hv.verify(file)).verdict, { valid: true, kind: 'valid' });
      const wrongStatus = ((w.status + 1) % 3) as 0 | 1 | 2;
      assert.equal(codeOf((await hv.verify({ ...file, witness: { ...w, status: wrongStatus } })).verdict), ERROR_CODES.STATUS_MISMATCH);
      assert.equal(codeOf((await hv.verify({ ...file, witness: { ...w, returndataHash: keccak256('0x01') } })).verdict), ERROR_CODES.RETURNDATA_HASH_MISMATCH);
      assert.equal(codeOf((await hv.verify({ ...file, witness: { ...w, gasUsed: w.gasUsed + 1n } })).verdict), ERROR_CODES.GAS_USED_MISMATCH);
      if (w.gasUsed > 0n) {
        assert.equal(codeOf((await hv.verify({ ...file, witness: { ...w, gasUsed: w.gasUsed - 1n } })).verdict), ERROR_CODES.GAS_USED_MISMATCH);
      }
      assert.equal(codeOf((await hv.verify({ ...file, witness: { ...w, state_access_list: [...w.state_access_list, { opcode: OP.SLOAD, data: '0x' }] } })).verdict), ERROR_CODES.LEFTOVER_RECORDS);
      assert.equal(codeOf((await hv.verify({ ...file, witness: { ...w, stateRootLeave: keccak256('0x02') } })).verdict), ERROR_CODES.STATE_ROOT_MISMATCH);
    });
  }
});

describe('every sample on the test build that analyses every block on its first reach: honest accepted, gasUsed±1 rejected', () => {
  // the product analyses a block on its second reach only; this build takes each sample through the analysis
  let analysing: LocalHypervisor;
  before(async () => {
    analysing = await LocalHypervisor.create({ source: ANALYSING_FIRST_REACH_SOURCE });
  });
  for (const s of SAMPLES) {
    test(s.name, async () => {
      const file = await honest(s);
      const w = file.witness;
      assert.deepEqual((await analysing.verify(file)).verdict, { valid: true, kind: 'valid' });
      assert.equal(codeOf((await analysing.verify({ ...file, witness: { ...w, gasUsed: w.gasUsed + 1n } })).verdict), ERROR_CODES.GAS_USED_MISMATCH);
      if (w.gasUsed > 0n) {
        assert.equal(codeOf((await analysing.verify({ ...file, witness: { ...w, gasUsed: w.gasUsed - 1n } })).verdict), ERROR_CODES.GAS_USED_MISMATCH);
      }
    });
  }
});

test('a call this version does not execute is reported as unsupported, not as a verdict about honesty', async () => {
  // STATICCALL of MODEXP (0x05), whose price differs between forks: PUSH0 x 4, PUSH1 5, GAS, STATICCALL (pc 7)
  const { file } = await buildHonestWitness(defaultContext({ code: assemble('PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 5 GAS STATICCALL') }));
  const v = (await hv.verify(file)).verdict;
  assert.equal(codeOf(v), ERROR_CODES.UNSUPPORTED_OPCODE);
  assert.equal(v.kind === 'invalid' ? v.guestPc : -1, 7);
});
