/**
 * `npm start`'s flow in its quick form (scripts/demo/flow.ts), in process against a fresh anvil: the hypervisor and the
 * scenario deployed, the quick transactions' frames built from the node's traces and each verified by a transaction
 * that the chain itself says succeeded; the tampered record rejected with LEFTOVER_RECORDS by a reverted transaction;
 * the chart a well-formed SVG with one mark per frame. Also the chart writer alone.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPublicClient, http, type PublicClient } from 'viem';
import { startAnvil, type Anvil } from '../lib/chain/anvil.ts';
import { formatPath } from '../lib/native/index.ts';
import { ERROR_CODES } from '../lib/witness/errors.ts';
import { scatterSvg } from './demo/chart.ts';
import { runDemo, type DemoResult } from './demo/flow.ts';
import { renderChart, renderReport, textTable, type Provenance } from './demo/report.ts';

let chain: Anvil;
let result: DemoResult;
let client: PublicClient;

before(async () => {
  chain = await startAnvil();
  client = createPublicClient({ transport: http(chain.url) });
  result = await runDemo(chain.url, { quick: true });
}, { timeout: 150_000 });
after(async () => chain?.stop());

/**
 * Checks that `xml` is well-formed in the subset an SVG writer produces (elements, attributes in double quotes, text,
 * entities): every tag closed in order, one root, no stray `<` or bare `&`. Returns the element names in document order.
 */
function wellFormed(xml: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < xml.length) {
    token.lastIndex = at;
    m = token.exec(xml);
    if (m === null) throw new Error(`not well-formed at offset ${at}: ${JSON.stringify(xml.slice(at, at + 40))}`);
    at = token.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text)) throw new Error(`bare & in ${JSON.stringify(text.slice(0, 40))}`);
      if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${JSON.stringify(text.slice(0, 40))}`);
      continue;
    }
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(attrs ?? '')) throw new Error(`bare & in the attributes of <${name}>`);
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
      continue;
    }
    if (stack.length === 0) roots++;
    names.push(name!);
    if (!selfClosing) stack.push(name!);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return names;
}

test('quick flow: every honest frame is valid on-chain, by a successful transaction to the hypervisor', async () => {
  const names = result.transactions.map((t) => t.name);
  assert.deepEqual(names, ['ERC-20 transfer', 'Uniswap V2 swap', 'nested calls, revert at depth 2']);
  // the frames each transaction makes, from the contracts' source: a transfer calls nobody; the router calls
  // transferFrom, token0, getReserves and swap, and the pair's swap calls transfer and balanceOf twice; Outer calls
  // Middle, which calls Inner.attempt (reverts) and Inner.attempts
  const counts = Object.fromEntries(result.transactions.map((t) => [t.name, t.frames.length]));
  assert.deepEqual(counts, { 'ERC-20 transfer': 1, 'Uniswap V2 swap': 8, 'nested calls, revert at depth 2': 4 });
  for (const t of result.transactions) {
    assert.deepEqual(t.brokenLinks, [], `${t.name}: broken links`);
    for (const f of t.frames) {
      const what = `${t.name} ${formatPath(f.path)}`;
      assert.equal(f.verdict.kind, 'valid', `${what}: ${JSON.stringify(f.verdict)}`);
      const receipt = await client.getTransactionReceipt({ hash: f.verifyTxHash });
      assert.equal(receipt.status, 'success', `${what}: the verifying transaction`);
      assert.equal(receipt.to?.toLowerCase(), result.deployment.hypervisor.toLowerCase(), `${what}: sent to the hypervisor`);
      assert.equal(receipt.gasUsed, f.verificationGas, what);
      assert.ok(f.verificationGas > 21_000n && f.nativeGas > 0n, what);
      assert.equal(f.executionGas !== undefined && f.executionGas < f.verificationGas - 21_000n, true, `${what}: execution gas leaves out the intrinsic gas`);
    }
  }
  const inner = result.transactions[2]!.frames.find((f) => formatPath(f.path) === '[0,0]')!;
  assert.equal(inner.status, 2, 'Inner.attempt(42) reverts');
  assert.equal(inner.fn, 'attempt');
  assert.ok(result.ok);
});

test('quick flow: the tampered transferFrom result is rejected on-chain with LEFTOVER_RECORDS', async () => {
  const t = result.tamper;
  assert.equal(t.transaction, 'Uniswap V2 swap');
  assert.equal(t.verdict.kind, 'invalid');
  if (t.verdict.kind !== 'invalid') return;
  assert.equal(t.verdict.name, 'LEFTOVER_RECORDS');
  assert.equal(t.verdict.code, ERROR_CODES.LEFTOVER_RECORDS);
  // the router's first record is the transferFrom call; its require fails, so the next record is the first left over
  assert.equal(t.recordIndex, 0);
  assert.equal(t.verdict.recordIndex, t.recordIndex + 1);
  assert.equal((await client.getTransactionReceipt({ hash: t.verifyTxHash })).status, 'reverted');
  assert.ok(t.rejectedAsExpected);
});

test('quick flow: the chart is a well-formed SVG with one mark per frame; the table one row per frame', () => {
  const svg = renderChart(result);
  const elements = wellFormed(svg);
  assert.equal(elements[0], 'svg');
  const frames = result.transactions.flatMap((t) => t.frames);
  const marks = [...svg.matchAll(/<circle class="point[^"]*"[^>]*><title>([^<]*)<\/title><\/circle>/g)].map((m) => m[1]!);
  assert.equal(marks.length, frames.length);
  for (const t of result.transactions) for (const f of t.frames) assert.ok(marks.some((m) => m.startsWith(`${t.name} ${formatPath(f.path)} `)), `${t.name} ${formatPath(f.path)} has a mark`);
  const lines = textTable(result).split('\n');
  assert.equal(lines.length, 2 + frames.length + 1, 'header, rule, one line per frame, the tamper');
  assert.match(lines.at(-1)!, /TAMPERED.*LEFTOVER_RECORDS/);
  const prov: Provenance = { anvilVersion: 'test', solc: '0.8.30', uniswap: '1.0.1', openzeppelin: '5.4.0', commit: 'abc1234', node: 'v20', cpus: 2 };
  const md = renderReport(result, prov, 1000);
  assert.match(md, /!\[[^\]]+\]\(real-transactions\.svg\)/);
  assert.equal(md.split('\n').filter((l) => l.startsWith('| ') && / valid \|$/.test(l)).length, frames.length);
});

test('scatterSvg: log-log axes, one mark per point, reference lines, escaped labels; rejects what a log axis cannot show', () => {
  const svg = scatterSvg(
    [
      { x: 100, y: 1_000, series: 'a <b>', label: 'p & q' },
      { x: 5_000, y: 200_000, series: 'c', label: 'r', ok: false },
    ],
    { title: 'T', xLabel: 'x', yLabel: 'y', referenceRatios: [10, 25] },
  );
  wellFormed(svg);
  assert.equal([...svg.matchAll(/<circle class="point/g)].length, 2);
  assert.equal([...svg.matchAll(/<circle class="point bad"/g)].length, 1);
  assert.match(svg, /<title>p &amp; q<\/title>/);
  assert.match(svg, />10×</);
  assert.match(svg, />25×</);
  // ticks at 1, 2 and 5 times the powers of ten the points span: 100 … 5k on x, 1k … 200k on y
  for (const label of ['100', '200', '500', '1k', '5k', '10k', '100k', '200k']) assert.match(svg, new RegExp(`>${label}</text>`));
  assert.doesNotMatch(svg, />1M</, 'no tick beyond the points');
  assert.throws(() => scatterSvg([{ x: 0, y: 1, series: 's', label: 'zero' }], { title: 'T', xLabel: 'x', yLabel: 'y' }), /log axis/);
  assert.throws(() => scatterSvg([], { title: 'T', xLabel: 'x', yLabel: 'y' }), /no point/);
});
