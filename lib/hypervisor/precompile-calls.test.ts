/**
 * Calls to precompiles (src/hypervisor/instructions/Contract.huff, call_precompile): the hypervisor calls the
 * precompile itself with exactly the gas the callee gets and measures what it used, so a witness needs no record for
 * such a call. Checked against the reference EVM (precompiles warm, as in any transaction): success and failure, gas
 * given explicitly and capped by EIP-150, output copied and RETURNDATACOPY of it; value and MODEXP stay unsupported;
 * the hypervisor without the gas to give reverts empty (inconclusive), never a verdict.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEVM } from '@ethereumjs/evm';
import { bytesToHex, createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { keccak256, type Hex } from 'viem';
import { assemble } from '../evm/asm.ts';
import { LAST_PRECOMPILE } from '../evm/precompiles.ts';
import { buildHonestWitness, defaultContext } from '../native/index.ts';
import { ERROR_CODES } from '../witness/errors.ts';
import type { WitnessFile } from '../witness/types.ts';
import { LocalHypervisor } from './ethereumjs.ts';

const hv = LocalHypervisor.create();
const GAS = 100_000n;
const CALLER = '0x1000000000000000000000000000000000000001';
const TO = '0x00000000000000000000000000000000000c0de0';

/** The reference outcome of `code` run as a call with every precompile warm (EIP-2929), and the witness claiming it (no records, no keys). */
async function reference(code: Hex): Promise<{ file: WitnessFile; status: number; gasUsed: bigint; output: Hex }> {
  const evm = await createEVM();
  for (let a = 1; a <= LAST_PRECOMPILE; a++) evm.journal.addAlwaysWarmAddress(`0x${a.toString(16).padStart(40, '0')}`);
  const r = await evm.runCall({ code: hexToBytes(code), gasLimit: GAS, to: createAddressFromString(TO), caller: createAddressFromString(CALLER) });
  const err = r.execResult.exceptionError;
  const status = err === undefined ? 1 : err.error === 'revert' ? 2 : 0;
  const output = status === 0 ? '0x' : (bytesToHex(r.execResult.returnValue) as Hex);
  const gasUsed = status === 0 ? GAS : r.execResult.executionGasUsed;
  const { file } = await buildHonestWitness(defaultContext({ code: assemble('STOP'), caller: CALLER, to: TO, context: TO }));
  const witness = { ...file.witness, gasAvailable: GAS, gasUsed, status: status as 0 | 1 | 2, state_access_list: [], returndataHash: keccak256(output), codeHash: keccak256(code), accountKeys: [] };
  return { file: { code, witness }, status, gasUsed, output };
}

const RETURN_TOP = 'PUSH0 MSTORE PUSH1 32 PUSH0 RETURN';
const PROGRAMS: Record<string, string> = {
  // identity: 5 bytes in, output to [32, 96); returns ok, RETURNDATASIZE, the output range and RETURNDATACOPY of it
  identity: 'PUSH5 0x1122334455 PUSH0 MSTORE PUSH1 32 PUSH1 64 PUSH1 5 PUSH1 27 PUSH1 4 PUSH2 5000 STATICCALL PUSH0 MSTORE RETURNDATASIZE PUSH1 32 MSTORE PUSH1 5 PUSH1 0 PUSH1 96 RETURNDATACOPY PUSH1 160 PUSH0 RETURN',
  'sha256 with all the gas (EIP-150 cap)': 'PUSH1 0xab PUSH0 MSTORE8 PUSH1 32 PUSH1 64 PUSH1 1 PUSH0 PUSH1 2 GAS STATICCALL PUSH1 64 MLOAD ADD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN',
  'ripemd160 by CALL without value': 'PUSH1 32 PUSH1 64 PUSH1 3 PUSH0 PUSH0 PUSH1 3 GAS CALL PUSH1 64 MLOAD ADD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN',
  'ecrecover of a bad signature by DELEGATECALL (empty output)': `PUSH1 32 PUSH1 200 PUSH1 128 PUSH0 PUSH1 1 PUSH2 4000 DELEGATECALL RETURNDATASIZE ADD ${RETURN_TOP}`,
  'ecrecover out of gas': `PUSH1 32 PUSH1 200 PUSH1 128 PUSH0 PUSH1 1 PUSH2 2999 STATICCALL ${RETURN_TOP}`,
  'bn254 add of zeros': 'PUSH1 64 PUSH1 200 PUSH1 128 PUSH0 PUSH1 6 GAS STATICCALL PUSH1 200 MLOAD ADD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN',
  'blake2f with a bad input length, all the gas (failure takes it all)': `PUSH1 64 PUSH1 200 PUSH1 10 PUSH0 PUSH1 9 GAS STATICCALL RETURNDATASIZE ADD ${RETURN_TOP}`,
  'blake2f failing with an explicit gas above the cap': `PUSH1 64 PUSH1 200 PUSH1 10 PUSH0 PUSH1 9 PUSH3 0x018000 STATICCALL ${RETURN_TOP}`,
  'BLS12-381 G1 add with a bad input': `PUSH1 64 PUSH1 200 PUSH1 10 PUSH0 PUSH1 11 GAS STATICCALL ${RETURN_TOP}`,
  'CALLCODE to identity without value': `PUSH1 32 PUSH1 64 PUSH1 3 PUSH0 PUSH0 PUSH1 4 PUSH2 3000 CALLCODE ${RETURN_TOP}`,
  'an output range past the output, and a RETURNDATACOPY past its end (halts)': 'PUSH1 64 PUSH1 64 PUSH1 3 PUSH0 PUSH1 4 PUSH2 3000 STATICCALL PUSH1 4 PUSH0 PUSH0 RETURNDATACOPY STOP',
};

for (const [name, src] of Object.entries(PROGRAMS)) {
  test(`a call to a precompile needs no record and matches the reference EVM: ${name}`, async () => {
    const code = assemble(src);
    const { file, status } = await reference(code);
    assert.deepEqual((await (await hv).verify(file)).verdict, { valid: true, kind: 'valid' }, `status ${status}`);
    // the gas is exact: one more or less is rejected (a halt claims all of it, whatever)
    if (status !== 0) {
      for (const d of [1n, -1n]) {
        const v = (await (await hv).verify({ ...file, witness: { ...file.witness, gasUsed: file.witness.gasUsed + d } })).verdict;
        assert.equal(v.kind === 'invalid' ? v.code : v.kind, ERROR_CODES.GAS_USED_MISMATCH);
      }
    }
  });
}

test('value to a precompile (CALL, CALLCODE) and MODEXP are not executed natively: UNSUPPORTED_OPCODE', async () => {
  for (const [src, pc] of [
    ['PUSH1 32 PUSH1 200 PUSH1 3 PUSH0 PUSH1 1 PUSH1 4 GAS CALL STOP', 12],
    ['PUSH1 32 PUSH1 200 PUSH1 3 PUSH0 PUSH1 1 PUSH1 4 GAS CALLCODE STOP', 12],
    ['PUSH1 32 PUSH1 200 PUSH1 96 PUSH0 PUSH1 5 GAS STATICCALL STOP', 10],
  ] as const) {
    const { file } = await reference(assemble(src));
    const v = (await (await hv).verify(file)).verdict;
    assert.deepEqual(v.kind === 'invalid' ? [v.code, v.guestPc] : v.kind, [ERROR_CODES.UNSUPPORTED_OPCODE, pc], src);
  }
});

test('a hypervisor without the gas to give the precompile all of its gas reverts empty: inconclusive, not a verdict', async () => {
  const { file } = await reference(assemble(`PUSH1 64 PUSH1 200 PUSH1 10 PUSH0 PUSH1 9 GAS STATICCALL ${RETURN_TOP}`));
  const ok = await (await hv).verify(file);
  assert.deepEqual(ok.verdict, { valid: true, kind: 'valid' });
  // the precompile burns ~97k here: a hypervisor with less than that to spare cannot give it
  const short = await (await hv).verify(file, ok.hypervisorGas - 90_000n);
  assert.equal(short.verdict.kind, 'inconclusive');
});

test('a hypervisor called at the last call depth, whose call to the precompile cannot run, reverts empty: inconclusive', async () => {
  // the precompile fails here (a bad BLAKE2F input takes all its gas), which the hypervisor must tell from a call that
  // never ran: its own call depth 1024 makes the call fail at once, with no gas used
  const { file } = await reference(assemble(`PUSH1 64 PUSH1 200 PUSH1 10 PUSH0 PUSH1 9 PUSH2 5000 STATICCALL ${RETURN_TOP}`));
  assert.deepEqual((await (await hv).verify(file, undefined, 'call', 1023)).verdict, { valid: true, kind: 'valid' });
  assert.equal((await (await hv).verify(file, undefined, 'call', 1024)).verdict.kind, 'inconclusive');
});
