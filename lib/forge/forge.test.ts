import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keccak256 } from 'viem';
import { buildHonestWitness, defaultContext, DEFAULT_BLOCK, type MessageContext } from '../native/index.ts';
import type { Hex, WitnessFile } from '../witness/index.ts';
import { ForgeBatchError, verifyBatch } from './index.ts';

const FAKE = '../test/fixtures/FakeHypervisor';

const CODES: Hex[] = [
  '0x600160020160005260206000f3', // RETURN 3
  '0xfe', // INVALID
  '0x602a5f5260205ffd', // REVERT 42
  '0x', // empty
  '0x5a5f5260205ff3', // returns GAS
  '0x6001600201', // runs off the end
  '0x5f5ffd', // REVERT(0,0)
  '0x600456', // bad jump
  '0x01', // stack underflow
  '0x365f5f37365ff3', // echo calldata
];

async function honest(partial: Partial<MessageContext>): Promise<WitnessFile> {
  return (await buildHonestWitness(defaultContext(partial))).file;
}

describe('verifyBatch (FakeHypervisor)', () => {
  it('runs a batch, reports progress, and revm agrees with ethereumjs on status, gas and return data', async () => {
    const files: WitnessFile[] = [];
    const expected: Array<{ status: number; gasUsed: bigint; returndata: Hex }> = [];
    for (let i = 0; i < 40; i++) {
      const ctx = {
        code: CODES[i % CODES.length]!,
        gasAvailable: 30_000n + BigInt(i),
        callvalue: BigInt(i % 3),
        calldata: (i % 4 === 0 ? '0xdeadbeef' : '0x') as Hex,
      };
      const { file, native } = await buildHonestWitness(defaultContext(ctx));
      files.push(file);
      expected.push(native);
    }
    const seen: number[] = [];
    const res = await verifyBatch(files, { revmNative: true, hypervisorSource: FAKE, onProgress: (d) => seen.push(d) });
    assert.equal(res.length, files.length);
    assert.equal(seen.at(-1), files.length);
    for (const [i, r] of res.entries()) {
      assert.equal(r.verdict.kind, 'valid');
      if (files[i]!.code !== '0x') {
        assert.ok(r.hypervisorGas > 2600n, 'the archive is cold (each verification is its own transaction)');
      }
      const n = r.revmNative!;
      assert.equal(n.status, expected[i]!.status, `case ${i} status`);
      assert.equal(n.gasUsed, expected[i]!.gasUsed, `case ${i} gas`);
      assert.equal(n.returndata, expected[i]!.returndata, `case ${i} returndata`);
    }
  });

  it('reports the REVERT that uses exactly all gas as a revert', async () => {
    // PUSH0 PUSH0 REVERT costs 4: with gasAvailable 4 it reverts with 0 gas left
    const file = await honest({ code: '0x5f5ffd', gasAvailable: 4n });
    assert.equal(file.witness.status, 2);
    const [r] = await verifyBatch([file], { revmNative: true, hypervisorSource: FAKE });
    assert.deepEqual(r!.revmNative, { status: 2, gasUsed: 4n, returndata: '0x' });
  });

  it('marks messages revm cannot run as unknown', async () => {
    const file = await honest({ code: '0x00', context: '0x' + '33'.repeat(20) as Hex });
    const [r] = await verifyBatch([file], { revmNative: true, hypervisorSource: FAKE });
    assert.equal(r!.revmNative!.status, 'unknown');
    assert.match(r!.revmNative!.reason!, /context differs/);
  });

  it('passes constants (fault injection) and surfaces custom revert verdicts', async () => {
    const file = await honest({ code: '0x00' });
    const [r] = await verifyBatch([file], { hypervisorSource: FAKE, constants: { FAKE_VERDICT: '0x02' } });
    assert.equal(r!.verdict.kind, 'invalid');
    assert.equal(r!.verdict.kind === 'invalid' && r!.verdict.code, 35);
    assert.equal(r!.revmNative, undefined);
  });

  it('fails clearly when forge fails (compile error in the hypervisor)', async () => {
    const file = await honest({ code: '0x00' });
    await assert.rejects(verifyBatch([file], { hypervisorSource: '../test/fixtures/Broken' }), (e: unknown) => {
      assert.ok(e instanceof ForgeBatchError);
      assert.match(e.message, /forge script failed/);
      assert.match(e.message, /Broken.huff:4:5/);
      return true;
    });
  });

  it('rejects bad constants before starting forge', async () => {
    await assert.rejects(verifyBatch([await honest({})], { constants: { 'A B': '0x1' } }), /bad constant name/);
    await assert.rejects(verifyBatch([await honest({})], { constants: { A: '12' } }), /value must be 0x-hex/);
  });
});

describe('verifyBatch (src/Hypervisor.huff)', () => {
  it('honest witnesses are valid; the same `to` with different code in one batch: each witness names its own code', async () => {
    const files: WitnessFile[] = [];
    for (const code of CODES) files.push(await honest({ code, gasAvailable: 100_000n, calldata: '0x0102' }));
    const res = await verifyBatch(files, { revmNative: true });
    for (const [i, r] of res.entries()) {
      assert.equal(r.verdict.kind, 'valid', `case ${i} (${CODES[i]}): ${JSON.stringify(r.verdict)}`);
      assert.equal(r.revmNative!.gasUsed, files[i]!.witness.gasUsed, `case ${i} native gas`);
    }
  });

  it('a witness claiming the wrong gas or status is invalid', async () => {
    const good = await honest({ code: '0x600160020160005260206000f3', gasAvailable: 100_000n });
    const badGas: WitnessFile = { ...good, witness: { ...good.witness, gasUsed: good.witness.gasUsed + 1n } };
    const badStatus: WitnessFile = { ...good, witness: { ...good.witness, status: 2 } };
    // the same `to` with other code: its own honest witness names that code and is valid
    const otherHonest = await honest({ code: '0x6001600201', gasAvailable: 100_000n });
    assert.equal(otherHonest.witness.to, good.witness.to);
    // the claims of `good` about other code: wrong gas and return data
    const otherClaims: WitnessFile = { ...good, witness: { ...good.witness, codeHash: otherHonest.witness.codeHash }, code: otherHonest.code };
    const res = await verifyBatch([good, badGas, badStatus, otherHonest, otherClaims]);
    assert.equal(res[0]!.verdict.kind, 'valid');
    assert.equal(res[1]!.verdict.kind === 'invalid' && res[1]!.verdict.name, 'GAS_USED_MISMATCH');
    assert.equal(res[2]!.verdict.kind === 'invalid' && res[2]!.verdict.name, 'STATUS_MISMATCH');
    assert.equal(res[3]!.verdict.kind, 'valid');
    assert.equal(res[4]!.verdict.kind, 'invalid');
  });

  it('archives by code: only the case\'s own code is archived while it runs (cases are independent)', async () => {
    const good = await honest({ code: '0x600160020160005260206000f3', gasAvailable: 100_000n });
    // names `good`'s code but brings other code: `good`'s code is not archived for this case, even after case 0
    const namesOther: WitnessFile = { ...good, code: '0x6001600201' };
    const res = await verifyBatch([good, namesOther, good]);
    assert.equal(res[0]!.verdict.kind, 'valid');
    assert.equal(res[1]!.verdict.kind, 'notArchived');
    assert.equal(res[1]!.verdict.kind === 'notArchived' && res[1]!.verdict.notArchived, keccak256('0x600160020160005260206000f3'));
    assert.equal(res[2]!.verdict.kind, 'valid', 'archived again: the factory creates it anew');
    assert.ok(res[2]!.hypervisorGas === res[0]!.hypervisorGas, 'and the archive is cold again');
  });

  it('code of 24,576 bytes (code in archive parts 0 and 1) verifies; longer code cannot be archived: not a verdict', async () => {
    // PUSH2 0x5fff JUMP over STOP/JUMPDEST padding to the JUMPDEST at 0x5fff: the last byte, in part 1
    const body = '005b'.repeat((24_576 - 4) / 2);
    const max = await honest({ code: `0x615fff56${body}` as Hex, gasAvailable: 100_000n });
    assert.equal(max.witness.status, 1);
    const tooLarge: WitnessFile = { ...max, code: `0x615fff56${body}00` as Hex };
    const res = await verifyBatch([max, tooLarge]);
    assert.equal(res[0]!.verdict.kind, 'valid', JSON.stringify(res[0]!.verdict));
    assert.equal(res[1]!.verdict.kind, 'unexpected');
    assert.match(res[1]!.verdict.kind === 'unexpected' ? res[1]!.verdict.reason : '', /cannot be archived/);
  });

  it('one case revm cannot run does not abort the batch (precompile `to`, gas price 2^64)', async () => {
    const good = await honest({ code: '0x00' });
    // a witness whose `to` is a precompile: the builder refuses to make one (no code runs there), so edit a good one
    const precompileTo: WitnessFile = { ...good, witness: { ...good.witness, to: '0x0000000000000000000000000000000000000004', context: '0x0000000000000000000000000000000000000004' } };
    const bigPrice = await honest({ code: '0x00', gasPrice: 1n << 64n });
    const res = await verifyBatch([precompileTo, bigPrice, good], { revmNative: true });
    // a message to a precompile runs no code: PRECOMPILE_FRAME, and revm's native run of it is skipped
    assert.deepEqual(res[0]!.verdict.kind === 'invalid' && res[0]!.verdict.name, 'PRECOMPILE_FRAME');
    assert.equal(res[0]!.revmNative!.status, 'unknown');
    assert.match(res[0]!.revmNative!.reason ?? '', /precompile/);
    assert.equal(res[1]!.verdict.kind, 'valid');
    assert.match(res[1]!.revmNative!.reason ?? '', /gas price of 2\^64/);
    assert.equal(res[2]!.verdict.kind, 'valid');
    assert.deepEqual(res[2]!.revmNative, { status: 1, gasUsed: 0n, returndata: '0x' });
  });

  it('the native run takes place in the witness\'s block; GASLIMIT of another block, BASEFEE but 0 (--isolate) are unknown', async () => {
    // COINBASE TIMESTAMP NUMBER PREVRANDAO CHAINID BLOBBASEFEE [BASEFEE] to memory words 0..5 [6], returned
    const reader: Hex = '0x415f52426020524360405244606052466080524a60a05260c05ff3';
    const withBaseFee: Hex = '0x415f52426020524360405244606052466080524860a0524a60c05260e05ff3';
    const block = {
      coinbase: '0x000000000000000000000000000000000000c01b' as Hex,
      timestamp: 1_700_000_123n,
      number: 19_000_001n,
      prevrandao: keccak256('0x01'),
      gasLimit: 36_000_000n,
      chainId: 10n,
      baseFee: 12_345n,
      blobBaseFee: 3n,
    };
    const runs = [
      { code: reader, block: DEFAULT_BLOCK },
      { code: reader, block },
      { code: withBaseFee, block: { ...block, baseFee: 0n } },
    ];
    const files: WitnessFile[] = [];
    const expected: Array<{ status: number; gasUsed: bigint; returndata: Hex }> = [];
    for (const r of runs) {
      const { file, native } = await buildHonestWitness(defaultContext({ ...r, gasAvailable: 100_000n }));
      files.push(file);
      expected.push(native);
    }
    const baseFee = await honest({ code: withBaseFee, gasAvailable: 100_000n, block });
    const gasLimit = await honest({ code: '0x455f5260205ff3', gasAvailable: 100_000n, block }); // GASLIMIT, returned
    const res = await verifyBatch([...files, baseFee, gasLimit], { revmNative: true });
    for (const [i, r] of res.entries()) assert.equal(r.verdict.kind, 'valid', `case ${i}: ${JSON.stringify(r.verdict)}`);
    for (const [i, r] of res.slice(0, runs.length).entries()) {
      assert.deepEqual(r.revmNative, { status: 1, gasUsed: expected[i]!.gasUsed, returndata: expected[i]!.returndata }, `case ${i}`);
    }
    assert.notEqual(expected[0]!.returndata, expected[1]!.returndata, 'the two blocks differ in what the reader sees');
    assert.equal(res[3]!.revmNative!.status, 'unknown');
    assert.match(res[3]!.revmNative!.reason ?? '', /^BASEFEE with a nonzero base fee under --isolate/);
    assert.equal(res[4]!.revmNative!.status, 'unknown');
    assert.match(res[4]!.revmNative!.reason ?? '', /^GASLIMIT would show \d+ in revm, the message's block has 36000000/);
  });

  it('the file\'s account code is archived with its code (EXTCODESIZE of another account)', async () => {
    const other: Hex = '0x6001600201'; // 5 bytes
    const account: Hex = '0x00000000000000000000000000000000000000ab';
    // PUSH1 0xab EXTCODESIZE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
    const file = await honest({ code: '0x60ab3b5f5260205ff3', gasAvailable: 100_000n, preState: { accounts: [{ address: account, code: other }] } });
    assert.deepEqual(file.accountCode, [other]);
    const { accountCode: _dropped, ...without } = file;
    const res = await verifyBatch([file, without, file]);
    assert.equal(res[0]!.verdict.kind, 'valid', JSON.stringify(res[0]!.verdict));
    assert.equal(res[1]!.verdict.kind === 'notArchived' && res[1]!.verdict.notArchived, keccak256(other), 'not archived without it');
    assert.equal(res[2]!.verdict.kind, 'valid', 'archived again for the case that carries it');
  });

  it('malformed calldata (rawWitness) gets an encoding verdict, not a crash', async () => {
    const good = await honest({ code: '0x00' });
    const res = await verifyBatch([{ ...good, rawWitness: '0x1234' }]);
    assert.equal(res[0]!.verdict.kind === 'invalid' && res[0]!.verdict.name, 'WITNESS_TOO_SHORT');
  });
});
