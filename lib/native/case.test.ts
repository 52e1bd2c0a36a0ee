import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { contextOfCase, MessageCaseError, messageCaseFromJson } from './case.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/conformance/cases.json', import.meta.url));
const A = `0x${'a1'.repeat(20)}`;
const B = `0x${'b2'.repeat(20)}`;
const C = `0x${'c3'.repeat(20)}`;
const minimal = {
  name: 'one', code: '0x6001', codeAddress: A, address: B, caller: C, origin: C, callvalue: '0x10', calldata: '0xabcd',
  gasLimit: '0x5208', isStatic: false, tx: { gasPrice: '0x7', effectiveGasPrice: '0x3' },
};

test('a case maps to its message: codeAddress runs at address, the effective gas price, numbers from hex', () => {
  const c = messageCaseFromJson(minimal);
  assert.deepEqual(contextOfCase(c), {
    code: '0x6001', calldata: '0xabcd', callvalue: 16n, gasAvailable: 21000n, caller: C, origin: C, to: A, context: B, gasPrice: 3n, isStatic: false,
    preState: { storage: [], accounts: [], warmAccounts: [] },
  });
  assert.equal(messageCaseFromJson({ ...minimal, tx: { gasPrice: '0x7' } }).gasPrice, 7n);
});

test("a case's state: the block, the storage of address (warm slots, original = value), warm accounts, balances before the value transfer", () => {
  const block = { coinbase: C, number: '0x5', timestamp: '0x3e8', gasLimit: '0x1c9c380', baseFee: '0xa', prevRandao: '0x20000', chainId: '0x1', blobBaseFee: '0x2' };
  const c = messageCaseFromJson({
    ...minimal, codeAddress: B, block, preStorage: { '0x1': '0x5' },
    warmAtStart: { addresses: [C], slots: { [B]: ['0x0', '0x1'] } },
    accountsAtStart: { [B]: { balance: '0x110', nonce: '0x1' }, [C]: { balance: '0x7', nonce: '0x2' } },
  });
  const ctx = contextOfCase(c);
  assert.deepEqual(ctx.block, { coinbase: C, timestamp: 1000n, number: 5n, prevrandao: `0x${'00'.repeat(29)}020000`, gasLimit: 30_000_000n, chainId: 1n, baseFee: 10n, blobBaseFee: 2n });
  assert.deepEqual(ctx.preState?.storage, [{ slot: 1n, value: 5n, warm: true }, { slot: 0n, value: 0n, warm: true }]);
  assert.deepEqual(ctx.preState?.warmAccounts, [C]);
  // B receives the 0x10 of callvalue in the run: it starts with 0x100
  assert.deepEqual(ctx.preState?.accounts, [{ address: B, nonce: 1n, balance: 0x100n }, { address: C, nonce: 2n, balance: 7n }]);
});

test('a cases file needs --name unless it holds one case; the name must exist', () => {
  const file = { cases: [minimal, { ...minimal, name: 'two', code: '0x00' }] };
  assert.equal(messageCaseFromJson(file, 'two').code, '0x00');
  assert.throws(() => messageCaseFromJson(file), /holds 2 cases: name one with --name/);
  assert.throws(() => messageCaseFromJson(file, 'three'), /no case named "three"/);
  assert.equal(messageCaseFromJson({ cases: [minimal] }).name, 'one');
  assert.throws(() => messageCaseFromJson(minimal, 'other'), /not named "other"/);
});

test('bad fields are named', () => {
  assert.throws(() => messageCaseFromJson({ ...minimal, caller: '0x12' }), (e: unknown) => e instanceof MessageCaseError && e.field === 'caller');
  assert.throws(() => messageCaseFromJson({ ...minimal, gasLimit: 'lots' }), /field "gasLimit": expected a number/);
  assert.throws(() => messageCaseFromJson({ ...minimal, gasLimit: `0x1${'0'.repeat(16)}` }), /2\^64 or more/);
  assert.throws(() => messageCaseFromJson({ ...minimal, isStatic: 'no' }), /field "isStatic"/);
  assert.throws(() => messageCaseFromJson({ ...minimal, expected: { status: 'ok', returndata: '0x', gasUsed: '0x0' } }), /expected\.status/);
});

test('every case of the shared conformance corpus reads, with the fields of its JSON', { skip: !existsSync(CORPUS) && 'corpus not found' }, () => {
  const { cases } = JSON.parse(readFileSync(CORPUS, 'utf8')) as { cases: Array<Record<string, unknown>> };
  for (const raw of cases) {
    const ctx = contextOfCase(messageCaseFromJson(raw));
    assert.equal(ctx.to, (raw.codeAddress as string).toLowerCase(), String(raw.name));
    assert.equal(ctx.context, (raw.address as string).toLowerCase(), String(raw.name));
    assert.equal(ctx.gasAvailable, BigInt(raw.gasLimit as string), String(raw.name));
  }
});
