/**
 * On the embedded chain: `forge script script/Deploy.s.sol --broadcast` deploys the factory and the hypervisor (and
 * self-checks them), and honest witnesses of frames that call, built by lib/native, are valid on-chain, with a
 * tampered call record rejected with its code.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPublicClient, http } from 'viem';
import { assemble } from '../evm/asm.ts';
import { buildHonestWitness, defaultContext } from '../native/index.ts';
import { ERROR_CODES } from '../witness/errors.ts';
import { decodeRecord, encodeRecord, type CallRecord } from '../witness/records.ts';
import { ANVIL_DEFAULT_KEY, startAnvil, type Anvil } from './anvil.ts';
import { callIntrinsicGas, deployHypervisor, verifyByTransaction, verifyOnChain, type Deployment } from './deploy.ts';
import { encodeWitness } from '../witness/abi.ts';

let chain: Anvil;
let deployment: Deployment;

before(async () => {
  chain = await startAnvil();
  deployment = await deployHypervisor(chain.url, ANVIL_DEFAULT_KEY);
}, { timeout: 180_000 });
after(async () => chain?.stop());

test('the deployment script puts a factory and a hypervisor on the chain', async () => {
  const client = createPublicClient({ transport: http(chain.url) });
  assert.ok(((await client.getCode({ address: deployment.factory })) ?? '0x').length > 2);
  const runtime = (await client.getCode({ address: deployment.hypervisor })) ?? '0x';
  assert.ok(runtime.length > 2 + 2 * 10_000, 'the hypervisor runtime');
});

test('honest witnesses of frames that call are valid on-chain; a tampered call record is rejected', async () => {
  // a CALL of an account without code and a STATICCALL of IDENTITY (natively), returning what they give
  const code = assemble(
    'PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xbeef PUSH2 5000 CALL PUSH0 MSTORE ' +
      'PUSH 32 PUSH 64 PUSH 32 PUSH0 PUSH 4 PUSH2 5000 STATICCALL PUSH 32 MSTORE PUSH 96 PUSH0 RETURN',
  );
  const { file, native } = await buildHonestWitness(defaultContext({ code }));
  assert.equal(native.status, 1);
  const onChain = await verifyOnChain(chain.url, ANVIL_DEFAULT_KEY, deployment, file);
  assert.deepEqual(onChain.verdict, { valid: true, kind: 'valid' });
  assert.ok(onChain.gas !== undefined && onChain.gas > 21_000n);
  // the callee claimed to have used one more unit of gas than it was given
  const [rec] = file.witness.state_access_list;
  const typed = decodeRecord(rec!) as CallRecord;
  const bad = encodeRecord({ ...typed, gasUsed: typed.gas + 1n });
  const v = await verifyOnChain(chain.url, ANVIL_DEFAULT_KEY, deployment, { ...file, witness: { ...file.witness, state_access_list: [bad] } });
  assert.equal(v.verdict.kind === 'invalid' ? v.verdict.code : v.verdict.kind, ERROR_CODES.CALL_GAS_USED_INVALID);
});

test('verifyByTransaction: an honest witness is a successful transaction, a tampered one a reverted one with its reason', async () => {
  const client = createPublicClient({ transport: http(chain.url) });
  // hashing 32 KB first keeps the execution above the EIP-7623 calldata floor, so the receipt shows it
  const code = assemble('PUSH2 0x8000 PUSH0 KECCAK256 POP PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xbeef PUSH2 5000 CALL PUSH0 MSTORE PUSH 32 PUSH0 RETURN');
  const { file } = await buildHonestWitness(defaultContext({ code }));
  const ok = await verifyByTransaction(chain.url, ANVIL_DEFAULT_KEY, deployment, file);
  assert.notEqual(ok.executionGas, undefined, `the calldata floor set the gas used (${ok.gasUsed}): the test needs more execution`);
  assert.deepEqual(ok.verdict, { valid: true, kind: 'valid' });
  const receipt = await client.getTransactionReceipt({ hash: ok.txHash });
  assert.equal(receipt.status, 'success');
  assert.equal(receipt.to?.toLowerCase(), deployment.hypervisor);
  assert.equal(ok.gasUsed, receipt.gasUsed);
  // the receipt's gas is the base cost, the calldata and the execution; eth_estimateGas needs at least as much
  assert.equal(ok.executionGas! + callIntrinsicGas(encodeWitness(file.witness)), ok.gasUsed);
  const estimate = (await verifyOnChain(chain.url, ANVIL_DEFAULT_KEY, deployment, file)).gas!;
  assert.ok(ok.gasUsed <= estimate && ok.gasUsed * 100n >= estimate * 95n, `gasUsed ${ok.gasUsed} vs estimate ${estimate}`);
  const typed = decodeRecord(file.witness.state_access_list[0]!) as CallRecord;
  const bad = encodeRecord({ ...typed, gasUsed: typed.gas + 1n });
  const rejected = await verifyByTransaction(chain.url, ANVIL_DEFAULT_KEY, deployment, { ...file, witness: { ...file.witness, state_access_list: [bad] } });
  assert.equal((await client.getTransactionReceipt({ hash: rejected.txHash })).status, 'reverted');
  assert.equal(rejected.verdict.kind === 'invalid' ? rejected.verdict.name : rejected.verdict.kind, 'CALL_GAS_USED_INVALID');
  assert.equal(rejected.verdict.kind === 'invalid' ? rejected.verdict.recordIndex : -1, 0);
});
