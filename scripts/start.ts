/**
 * `npm start`: the whole product in one command (scripts/demo/flow.ts). Starts anvil (Prague), deploys the
 * ArchiveFactory and the hypervisor by forge script, deploys real contracts (Uniswap V2 from @uniswap/v2-core, an
 * OpenZeppelin ERC-20, a router, nested calls), sends real transactions, builds every frame's witness from the node's
 * traces, verifies each on-chain by a transaction to the hypervisor, and shows a tampered record rejected with its
 * reason. Progress on stderr, the table on stdout; writes docs/real-transactions.md and docs/real-transactions.svg.
 *
 *   npm start [-- --quick] [-- --no-write] [-- --keep]
 *
 * Exit status: 0 when every honest frame is valid on-chain, every link holds and the tamper is rejected as expected;
 * 1 otherwise (or on an error); 2 on a usage error.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startAnvil } from '../lib/chain/anvil.ts';
import { REPO_ROOT } from './bench/solc.ts';
import { runDemo, type DemoResult } from './demo/flow.ts';
import { startDetachedAnvil, writeKeptNode } from './demo/keep.ts';
import { provenance, textTable, writeReport } from './demo/report.ts';

const USAGE = `usage: npm start [-- options]

  --quick      verify fewer transactions (an ERC-20 transfer, the swap, the nested revert)
  --no-write   do not write docs/real-transactions.md and docs/real-transactions.svg
  --keep       leave anvil running and write .iso-hv/anvil.json ({ url, hypervisor, factory, chainId, pid });
               stop it later with: kill <pid>
  --help       this text`;

async function main(): Promise<number> {
  let values: { quick?: boolean; 'no-write'?: boolean; keep?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { quick: { type: 'boolean' }, 'no-write': { type: 'boolean' }, keep: { type: 'boolean' }, help: { type: 'boolean' } } }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const t0 = Date.now();
  const log = (line: string): void => {
    console.error(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  };
  const keep = values.keep ?? false;

  log(`starting anvil (--hardfork prague)${keep ? ', detached (--keep)' : ''}`);
  const node = keep ? await startDetachedAnvil() : await startAnvil();
  log(`anvil answers on ${node.url}`);
  let result: DemoResult;
  try {
    result = await runDemo(node.url, { quick: values.quick ?? false, log });
  } catch (e) {
    if (keep) await node.stop();
    throw e;
  } finally {
    if (!keep) await node.stop();
  }
  const elapsed = Date.now() - t0;
  console.log(textTable(result));
  const frames = result.transactions.flatMap((t) => t.frames);
  const valid = frames.filter((f) => f.verdict.kind === 'valid').length;
  log(`${valid} of ${frames.length} honest frames valid on-chain, in ${result.transactions.length} transactions; tamper ${result.tamper.rejectedAsExpected ? 'rejected as expected' : 'NOT rejected as expected'}`);
  if (!values['no-write']) {
    for (const file of writeReport(result, provenance(), elapsed)) log(`wrote ${path.relative(REPO_ROOT, file)}`);
  }
  if (keep && 'pid' in node) {
    const file = writeKeptNode(node.url, result.deployment, node.pid);
    log(`anvil keeps running on ${node.url} (pid ${node.pid}; stop it with \`kill ${node.pid}\`); wrote ${path.relative(REPO_ROOT, file)}`);
  }
  log(`done in ${(elapsed / 1000).toFixed(1)} s`);
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`npm start failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
