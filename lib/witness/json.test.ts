import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keccak256 } from 'viem';
import { stringifyWitness, witnessFromJson, witnessToJson, WitnessJsonError } from './json.ts';
import type { WitnessFile } from './types.ts';

const file: WitnessFile = {
  code: '0x600160020160005260206000f3',
  witness: {
    stateRootEnter: `0x${'11'.repeat(32)}`,
    stateRootLeave: `0x${'11'.repeat(32)}`,
    isStatic: false,
    origin: `0x${'a1'.repeat(20)}`,
    caller: `0x${'a2'.repeat(20)}`,
    to: `0x${'a3'.repeat(20)}`,
    context: `0x${'a3'.repeat(20)}`,
    callvalue: 0n,
    gasPrice: (1n << 256n) - 1n,
    gasAvailable: 100000n,
    gasUsed: 24n,
    state_access_list: [{ opcode: 0x54, data: '0x0102' }],
    status: 1,
    returndataHash: keccak256(`0x${'00'.repeat(31)}03`),
    calldata: '0x',
    codeHash: keccak256('0x600160020160005260206000f3'),
    block: {
      coinbase: `0x${'cb'.repeat(20)}`,
      timestamp: 1n,
      number: 2n,
      prevrandao: `0x${'d0'.repeat(32)}`,
      gasLimit: 30_000_000n,
      chainId: 1n,
      baseFee: 7n,
      blobBaseFee: 1n,
    },
    refund: -4800n,
    logsHash: `0x${'e0'.repeat(32)}`,
    storageKeys: [{ slot: 3n, warm: true, original: 1n, value: 2n }],
    transientKeys: [{ slot: 4n, value: 5n }],
    accountKeys: [{ account: `0x${'0a'.repeat(20)}`, warm: false, balance: 6n, codeHash: keccak256('0x00') }],
  },
};

test('JSON shape: decimal strings, hex, boolean, top-level code', () => {
  const j = witnessToJson(file);
  assert.equal(j.code, file.code);
  assert.equal(j.gasAvailable, '100000');
  assert.equal(j.gasPrice, ((1n << 256n) - 1n).toString());
  assert.equal(j.status, '1');
  assert.equal(j.isStatic, false);
  assert.deepEqual(j.state_access_list, [{ opcode: '84', data: '0x0102' }]);
  assert.deepEqual(Object.keys(j)[0], 'code');
});

test('JSON round trip (object and text)', () => {
  assert.deepEqual(witnessFromJson(witnessToJson(file)), file);
  assert.deepEqual(witnessFromJson(stringifyWitness(file)), file);
  assert.deepEqual(witnessFromJson(JSON.stringify(witnessToJson(file))), file);
});

test('JSON of the block, refund, logs hash, key lists and account code', () => {
  const j = witnessToJson({ ...file, accountCode: ['0x6001'] });
  assert.deepEqual(j.block, { coinbase: `0x${'cb'.repeat(20)}`, timestamp: '1', number: '2', prevrandao: `0x${'d0'.repeat(32)}`, gasLimit: '30000000', chainId: '1', baseFee: '7', blobBaseFee: '1' });
  assert.equal(j.refund, '-4800');
  assert.deepEqual(j.storageKeys, [{ slot: '3', warm: true, original: '1', value: '2' }]);
  assert.deepEqual(j.transientKeys, [{ slot: '4', value: '5' }]);
  assert.deepEqual(j.accountKeys, [{ account: `0x${'0a'.repeat(20)}`, warm: false, balance: '6', codeHash: keccak256('0x00') }]);
  assert.deepEqual(j.accountCode, ['0x6001']);
  assert.deepEqual(witnessFromJson(j), { ...file, accountCode: ['0x6001'] });
  assert.equal('accountCode' in witnessToJson(file), false, 'no accountCode when the frame reads no other code');
});

test('JSON normalises hex to lowercase', () => {
  const j = { ...witnessToJson(file), origin: `0x${'A1'.repeat(20)}` };
  assert.equal(witnessFromJson(j).witness.origin, `0x${'a1'.repeat(20)}`);
});

function expectError(mutate: (j: Record<string, unknown>) => void, field: string | undefined, message: RegExp): void {
  const j: Record<string, unknown> = JSON.parse(JSON.stringify(witnessToJson(file)));
  mutate(j);
  assert.throws(
    () => witnessFromJson(j),
    (e: unknown) => {
      assert.ok(e instanceof WitnessJsonError, String(e));
      assert.equal(e.field, field);
      assert.match(e.message, message);
      return true;
    },
  );
}

test('JSON validation errors name the field and say what is expected', () => {
  expectError((j) => { j.gasUsed = 24; }, 'gasUsed', /decimal string .* got the number 24/);
  expectError((j) => { j.gasUsed = '0x18'; }, 'gasUsed', /decimal string/);
  expectError((j) => { j.gasUsed = '024'; }, 'gasUsed', /without leading zeros/);
  expectError((j) => { j.callvalue = (1n << 256n).toString(); }, 'callvalue', /at most/);
  expectError((j) => { delete j.calldata; }, 'calldata', /got missing/);
  expectError((j) => { j.calldata = '0x123'; }, 'calldata', /whole bytes/);
  expectError((j) => { j.origin = '0x1234'; }, 'origin', /exactly 20 bytes/);
  expectError((j) => { j.stateRootEnter = 'abc'; }, 'stateRootEnter', /exactly 32 bytes/);
  expectError((j) => { j.isStatic = 'false'; }, 'isStatic', /boolean/);
  expectError((j) => { j.status = '3'; }, 'status', /"0" \(halt\), "1" \(success\) or "2" \(revert\)/);
  expectError((j) => { j.state_access_list = {}; }, 'state_access_list', /array/);
  expectError((j) => { j.state_access_list = [{ opcode: '256', data: '0x' }]; }, 'state_access_list[0].opcode', /opcode 0-255/);
  expectError((j) => { j.state_access_list = [{ opcode: '84', data: 'zz' }]; }, 'state_access_list[0].data', /hex/);
  expectError((j) => { j.state_access_list = [{ opcode: '84', data: '0x', extra: 1 }]; }, 'state_access_list[0].extra', /unknown field/);
  expectError((j) => { j.gasused = '1'; }, 'gasused', /unknown field/);
  expectError((j) => { delete j.code; }, 'code', /hex/);
  expectError((j) => { j.refund = '-0'; }, 'refund', /int256/);
  expectError((j) => { j.refund = (1n << 255n).toString(); }, 'refund', /from -2\^255/);
  expectError((j) => { delete j.block; }, 'block', /expected an object .* got missing/);
  expectError((j) => { (j.block as Record<string, unknown>).number = 5; }, 'block.number', /decimal string/);
  expectError((j) => { (j.block as Record<string, unknown>).extra = '1'; }, 'block.extra', /unknown field/);
  expectError((j) => { delete (j.block as Record<string, unknown>).coinbase; }, 'block.coinbase', /20 bytes/);
  expectError((j) => { j.storageKeys = {}; }, 'storageKeys', /array of \{ "slot"/);
  expectError((j) => { (j.storageKeys as Record<string, unknown>[])[0]!.warm = 1; }, 'storageKeys[0].warm', /boolean/);
  expectError((j) => { delete (j.transientKeys as Record<string, unknown>[])[0]!.value; }, 'transientKeys[0].value', /got missing/);
  expectError((j) => { (j.accountKeys as Record<string, unknown>[])[0]!.account = '0x12'; }, 'accountKeys[0].account', /20 bytes/);
  expectError((j) => { j.accountCode = ['0x6001', 'zz']; }, 'accountCode[1]', /hex/);
  assert.throws(() => witnessFromJson('{'), /not valid JSON/);
  assert.throws(() => witnessFromJson('[]'), /expected an object, got an array/);
});

test('JSON reads a record in the typed form of its kind, and names the record in errors', () => {
  const j = witnessToJson(file);
  const hash = keccak256('0x05');
  const typed = { ...j, state_access_list: [{ kind: 'blockHash', number: '5', hash }] };
  const got = witnessFromJson(typed).witness.state_access_list;
  assert.equal(got.length, 1);
  // BLOCKHASH is opcode 64; data = the block number word, then the hash
  assert.deepEqual(got[0], { opcode: 64, data: `0x${'0'.repeat(63)}5${hash.slice(2)}` });
  assert.throws(
    () => witnessFromJson({ ...j, state_access_list: [{ kind: 'blockHash', number: '5' }] }),
    (e: unknown) => e instanceof WitnessJsonError && e.field === 'state_access_list[0]' && /blockHash\.hash: missing/.test(e.message),
  );
});
