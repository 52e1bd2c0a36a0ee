/**
 * Real transactions verified frame by frame (scripts/bench/transactions.ts): a swap through an official Uniswap V2
 * pair (the @uniswap/v2-core artifacts) and a router, an OpenZeppelin ERC-20 transfer, and nested calls that revert
 * at depth 2. Every frame's honest witness is VALID in the hypervisor, every link between frames holds, the trees have
 * the shape the contracts' code gives, and the frames are the messages of a plain run of the same transaction.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { bytesToHex, decodeFunctionData, encodeAbiParameters, encodeErrorResult, keccak256, parseAbi, type Hex } from 'viem';
import { formatPath, type FrameWitness } from '../../lib/native/index.ts';
import { NO_LOGS_HASH } from '../../lib/witness/logs.ts';
import {
  BOB,
  BOB_BNC,
  buildWorld,
  dumpState,
  LIQUIDITY_A,
  LIQUIDITY_B,
  renderTransactions,
  SWAP_IN,
  TRANSFER_AMOUNT,
  uniswapArtifact,
  USER,
  USER_BNC,
  verifyTransactions,
  type DumpedAccount,
  type VerifiedTransaction,
  type World,
} from './transactions.ts';

let world: World;
let dump: Map<Hex, DumpedAccount>;
let results: VerifiedTransaction[];

before(async () => {
  world = await buildWorld();
  dump = await dumpState(world);
  results = await verifyTransactions({ world });
});

const byName = (prefix: string): VerifiedTransaction => results.find((t) => t.spec.name.startsWith(prefix))!;
const paths = (t: VerifiedTransaction): string[] => t.tree.frames.map((f) => formatPath(f.path));
const frame = (t: VerifiedTransaction, path: number[]): FrameWitness => t.tree.frames.find((f) => formatPath(f.path) === formatPath(path))!;
const word = (n: bigint): Hex => encodeAbiParameters([{ type: 'uint256' }], [n]);
/** A mapping's slot: keccak256(key . slot). */
const mapSlot = (key: Hex, slot: bigint): bigint => BigInt(keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [key, slot])));

describe('real transactions, frame by frame', () => {
  it('the world: built by real deployments, dumped whole (code from the official artifacts, storage, nonces)', () => {
    const a = world.addresses;
    // the pair was created by the factory (CREATE2 in createPair): its code is the artifact's runtime code
    assert.equal(dump.get(a.pair)!.code, uniswapArtifact('UniswapV2Pair').deployedBytecode.toLowerCase());
    assert.equal(dump.get(a.factory)!.code, uniswapArtifact('UniswapV2Factory').deployedBytecode.toLowerCase());
    assert.equal(dump.get(a.factory)!.nonce, 2n);
    // the pair's reserves (slot 8: reserve0, reserve1, blockTimestampLast packed) hold the liquidity
    const [r0, r1] = BigInt(a.tokenA) < BigInt(a.tokenB) ? [LIQUIDITY_A, LIQUIDITY_B] : [LIQUIDITY_B, LIQUIDITY_A];
    const packed = dump.get(a.pair)!.storage!.get(8n)!;
    assert.deepEqual([packed & ((1n << 112n) - 1n), (packed >> 112n) & ((1n << 112n) - 1n)], [r0, r1]);
    // OpenZeppelin 5 ERC20: _balances at slot 0
    assert.equal(dump.get(a.token)!.storage!.get(mapSlot(USER, 0n)), USER_BNC);
    assert.equal(dump.get(a.token)!.storage!.get(mapSlot(BOB, 0n)), BOB_BNC);
    // the EOAs: the user sent one transaction (the approval), Bob none and holds no ether
    assert.equal(dump.get(USER)!.nonce, 1n);
    assert.equal(dump.has(BOB), false);
  });

  it('every frame of every transaction is VALID, no unsupported opcode, no broken link', () => {
    assert.equal(results.length, 3);
    for (const t of results) {
      assert.deepEqual(t.broken, [], t.spec.name);
      for (const r of t.rows) assert.equal(r.verdict, 'valid', `${t.spec.name} ${formatPath(r.path)}`);
      for (const f of t.tree.frames) assert.deepEqual(f.unsupported, [], `${t.spec.name} ${formatPath(f.path)}`);
      assert.ok(t.rows.every((r) => r.verificationGas > 0n && r.ownGas > 0n && r.ownGas <= r.nativeGas));
      // the frames' own gas adds up to the message's
      assert.equal(t.rows.reduce((s, r) => s + r.ownGas, 0n), t.rows[0]!.nativeGas);
    }
  });

  it("the dump is exact: each transaction's stateRootEnter is the state root of the setup world", async () => {
    const root = bytesToHex(await world.state.getStateRoot());
    for (const t of results) assert.equal(t.tree.frames[0]!.file.witness.stateRootEnter, root, t.spec.name);
  });

  it('the frames are the messages of a plain run of the same transaction: target, depth, status and gas', () => {
    for (const t of results) {
      assert.deepEqual(
        t.plain.map((m) => [m.to, m.depth, m.status, m.gasUsed, m.returndata]),
        t.tree.frames.map((f) => [f.file.witness.to, f.depth, f.native.status, f.native.gasUsed, f.native.returndata]),
        t.spec.name,
      );
    }
  });

  it('the swap: router → transferFrom, token0 and getReserves (static), swap → transfer out, balanceOf × 2 (static)', () => {
    const t = byName('Uniswap');
    const a = world.addresses;
    const aIsToken0 = BigInt(a.tokenA) < BigInt(a.tokenB);
    const [token0, token1] = aIsToken0 ? [a.tokenA, a.tokenB] : [a.tokenB, a.tokenA];
    // SwapRouter.swapExactTokensForTokens: tokenIn.transferFrom (CALL), pair.token0() and pair.getReserves() (view:
    // STATICCALL), pair.swap (CALL); UniswapV2Pair.swap: _safeTransfer of the out token (CALL), then balanceOf of
    // token0 and token1 (view: STATICCALL); getReserves inside swap is internal
    assert.deepEqual(paths(t), ['[]', '[0]', '[1]', '[2]', '[3]', '[3,0]', '[3,1]', '[3,2]']);
    assert.deepEqual(
      t.rows.map((r) => [r.to, r.fn, r.isStatic, r.status]),
      [
        [a.router, 'swapExactTokensForTokens', false, 1],
        [a.tokenA, 'transferFrom', false, 1],
        [a.pair, 'token0', true, 1],
        [a.pair, 'getReserves', true, 1],
        [a.pair, 'swap', false, 1],
        [a.tokenB, 'transfer', false, 1],
        [token0, 'balanceOf', true, 1],
        [token1, 'balanceOf', true, 1],
      ],
    );
    // the amount out: UniswapV2Library.getAmountOut from the reserves, computed here
    const inWithFee = SWAP_IN * 997n;
    const amountOut = (inWithFee * LIQUIDITY_B) / (LIQUIDITY_A * 1000n + inWithFee);
    assert.equal(frame(t, []).native.returndata, word(amountOut));
    const transfer = decodeFunctionData({ abi: parseAbi(['function transfer(address to, uint256 value)']), data: frame(t, [3, 0]).file.witness.calldata });
    assert.deepEqual(transfer.args, [USER, amountOut]);
    // the pair's swap writes its reserves and logs Sync and Swap; the links carry its logs into the router's chain
    assert.notEqual(frame(t, [3]).file.witness.logsHash, NO_LOGS_HASH);
    assert.ok(frame(t, [3]).file.witness.stateRootLeave !== frame(t, [3]).file.witness.stateRootEnter);
  });

  it('the ERC-20 transfer: one frame, both balances written', () => {
    const t = byName('ERC-20');
    assert.deepEqual(paths(t), ['[]']);
    const w = frame(t, []).file.witness;
    assert.equal(w.to, world.addresses.token);
    assert.equal(frame(t, []).native.returndata, word(1n));
    assert.deepEqual(
      w.storageKeys.map((k) => [k.slot, k.value]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
      [[mapSlot(USER, 0n), USER_BNC], [mapSlot(BOB, 0n), BOB_BNC]].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    );
    assert.ok(TRANSFER_AMOUNT < USER_BNC);
  });

  it('nested calls: Inner reverts at depth 2, Middle catches it, logs, reads Inner again and returns; Outer writes after', () => {
    const t = byName('nested');
    const a = world.addresses;
    // Outer.run → Middle.tryInner → Inner.attempt (reverts: x ≥ 10), then Inner.attempts() (a view: STATICCALL)
    assert.deepEqual(paths(t), ['[]', '[0]', '[0,0]', '[0,1]']);
    assert.deepEqual(
      t.rows.map((r) => [r.to, r.fn, r.isStatic, r.status, r.depth]),
      [
        [a.outer, 'run', false, 1, 0],
        [a.middle, 'tryInner', false, 1, 1],
        [a.inner, 'attempt', false, 2, 2],
        [a.inner, 'attempts', true, 1, 2],
      ],
    );
    const inner = frame(t, [0, 0]);
    assert.equal(inner.native.returndata, encodeErrorResult({ abi: parseAbi(['error Error(string)']), errorName: 'Error', args: ['Inner: too large'] }));
    // the revert undid Inner's write: its root at exit is its root at entry, and attempts() reads 0
    assert.equal(inner.file.witness.stateRootLeave, inner.file.witness.stateRootEnter);
    assert.equal(frame(t, [0, 1]).native.returndata, word(0n));
    assert.notEqual(frame(t, [0]).file.witness.logsHash, NO_LOGS_HASH);
    assert.equal(frame(t, []).native.returndata, word(0n));
  });

  it('renders the table: one row per frame and a total row per transaction', () => {
    const text = renderTransactions(results);
    const rows = text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| transaction'));
    assert.equal(rows.length, 8 + 1 + 4 + 3);
    assert.equal(rows.filter((r) => r.includes('no broken link')).length, 3);
  });
});
