/**
 * Gas table: guest programs run natively (@ethereumjs/evm) and through the hypervisor, and the cost of each kind of
 * access to state, block values and logs (scripts/bench/state-access.ts); prints the tables and writes them into
 * docs/gas.md between the BENCH markers. Then the real-calls benchmark
 * (scripts/bench/real-calls.ts): single calls into a compiled OpenZeppelin contract, verified in
 * process and (unless --no-revm) in revm, printed and written to scripts/bench/real-calls.md. Then real transactions
 * verified frame by frame (scripts/bench/transactions.ts: a Uniswap V2 swap, an ERC-20 transfer, nested calls that
 * revert at depth 2), written to scripts/bench/transactions.md. Last the adversarial search
 * (scripts/bench/worst-case.ts): the worst verification/guest gas ratios found, written to scripts/bench/worst-case.md.
 *   npm run bench [-- --engine ethereumjs|revm] [--no-write] [--no-revm]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { encodeFunctionData, keccak256, parseAbi } from 'viem';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { assemble } from '../lib/evm/asm.ts';
import { compileHypervisor, LocalHypervisor } from '../lib/hypervisor/ethereumjs.ts';
import { buildHonestWitness, defaultContext } from '../lib/native/index.ts';
import { encodeWitness } from '../lib/witness/abi.ts';
import { RECORD_KIND_NAMES, RECORD_KINDS, type RecordFieldSpec } from '../lib/witness/records.ts';
import type { Hex, WitnessFile } from '../lib/witness/types.ts';
import { runRealCallsBench } from './bench/real-calls.ts';
import { runTransactionsBench } from './bench/transactions.ts';
import { ACCESS_LOOPS, measureStateAccess, stateAccessTable } from './bench/state-access.ts';
import { runWorstCaseBench } from './bench/worst-case.ts';

interface Program { name: string; what: string; code: Hex; calldata?: Hex }

/** A pure Solidity contract compiled with the pinned solc-js (optimizer on, 200 runs). */
function compiledSolidity(): Hex {
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const source = `pragma solidity ^0.8.26;
contract Pure {
  function sort(uint256[] memory a) external pure returns (uint256[] memory) {
    for (uint256 i = 1; i < a.length; i++) {
      uint256 v = a[i]; uint256 j = i;
      while (j > 0 && a[j - 1] > v) { a[j] = a[j - 1]; j--; }
      a[j] = v;
    }
    return a;
  }
  function fib(uint256 n) external pure returns (uint256) {
    uint256 x = 0; uint256 y = 1;
    for (uint256 i = 0; i < n; i++) { (x, y) = (y, x + y); }
    return x;
  }
}`;
  const input = {
    language: 'Solidity',
    sources: { 'Pure.sol': { content: source } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'prague', outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as { contracts: Record<string, Record<string, { evm: { deployedBytecode: { object: string } } }>> };
  return `0x${out.contracts['Pure.sol']!['Pure']!.evm.deployedBytecode.object}`;
}
const PURE_ABI = parseAbi(['function sort(uint256[] a) pure returns (uint256[])', 'function fib(uint256 n) pure returns (uint256)']);
const pure = compiledSolidity();

/** Loops run N times; every program ends with STOP or RETURN. */
export const BENCH_PROGRAMS: Program[] = [
  {
    name: 'arithmetic loop',
    what: '200 iterations of PUSH/DUP/ADD/MUL/XOR/SUB + JUMPI',
    code: assemble(`
      PUSH 200 PUSH 1
      loop:
        DUP1 PUSH 3 ADD PUSH 7 MUL DUP2 XOR SWAP1 POP
        SWAP1 PUSH 1 SWAP1 SUB SWAP1
        DUP2 @loop JUMPI
      STOP`),
  },
  {
    name: 'memory loop',
    what: '200 iterations of MSTORE/MLOAD over 6 KB',
    code: assemble(`
      PUSH 200
      loop:
        DUP1 PUSH 5 SHL DUP2 DUP2 MSTORE MLOAD POP
        PUSH 1 SWAP1 SUB
        DUP1 @loop JUMPI
      PUSH 32 PUSH 0 RETURN`),
  },
  {
    name: 'keccak loop',
    what: '100 iterations of KECCAK256 over 64 bytes',
    code: assemble(`
      PUSH 100
      loop:
        PUSH 64 PUSH 0 KECCAK256 PUSH 0 MSTORE
        PUSH 1 SWAP1 SUB
        DUP1 @loop JUMPI
      PUSH 32 PUSH 0 RETURN`),
  },
  {
    name: 'stack shuffle',
    what: '100 iterations of DUP/SWAP over 16 items',
    code: assemble(`
      PUSH 1 PUSH 2 PUSH 3 PUSH 4 PUSH 5 PUSH 6 PUSH 7 PUSH 8
      PUSH 9 PUSH 10 PUSH 11 PUSH 12 PUSH 13 PUSH 14 PUSH 15
      PUSH 100
      loop:
        SWAP1 DUP16 SWAP8 POP SWAP15 SWAP3 DUP4 SWAP9 POP DUP2 SWAP12 POP SWAP1
        PUSH 1 SWAP1 SUB
        DUP1 @loop JUMPI
      STOP`),
  },
  {
    name: 'Solidity sort',
    what: 'compiled insertion sort of 32 words, reverse order, called through the ABI',
    code: pure,
    calldata: encodeFunctionData({ abi: PURE_ABI, functionName: 'sort', args: [Array.from({ length: 32 }, (_, i) => BigInt(1000 - i))] }),
  },
  {
    name: 'Solidity fib',
    what: 'compiled fib(300) loop, called through the ABI',
    code: pure,
    calldata: encodeFunctionData({ abi: PURE_ABI, functionName: 'fib', args: [300n] }),
  },
];

export interface BenchRow { name: string; what: string; opcodes: number; nativeGas: bigint; hypervisorGas: bigint }

const RECORD_LOOPS = 200;

/**
 * What a record costs: a loop of RECORD_LOOPS iterations that runs the kind's opcode (one argument, one result) against
 * the same loop with ISZERO in its place (same stack effect, no record). The difference per iteration is the record's
 * verification cost (validating it at setup, taking it, and the block the record opcode ends); setup alone is the
 * difference of the two setups (gasAvailable 0: nothing runs, every record is left over).
 */
async function recordKindRows(hv: LocalHypervisor): Promise<string[]> {
  const rows: string[] = [];
  for (const kind of RECORD_KIND_NAMES) {
    const spec = RECORD_KINDS[kind];
    const fields = spec.fields as readonly RecordFieldSpec[];
    if (fields.filter((f) => f.role === 'argument').length !== 1 || fields.length !== 2) continue;
    const loop = (op: string): Hex => assemble(`PUSH ${RECORD_LOOPS} top: JUMPDEST PUSH 1 ${op} POP PUSH 1 SWAP1 SUB DUP1 @top JUMPI STOP`);
    const run = async (code: Hex): Promise<{ gas: bigint; setup: bigint; native: bigint; bytes: number }> => {
      const { file, native } = await buildHonestWitness(defaultContext({ code }));
      const r = await hv.verify(file);
      if (r.verdict.kind !== 'valid') throw new Error(`bench: record kind ${kind}: honest witness not accepted: ${JSON.stringify(r.verdict)}`);
      const idle = { ...file.witness, gasAvailable: 0n, gasUsed: 0n, status: 0 as const, returndataHash: keccak256('0x') };
      const setup = (await hv.verify({ ...file, witness: idle })).hypervisorGas;
      return { gas: r.hypervisorGas, setup, native: native.gasUsed, bytes: (encodeWitness(file.witness).length - 2) / 2 };
    };
    const withRecords = await run(loop(spec.opcodeName));
    const without = await run(loop('ISZERO'));
    const per = (a: bigint, b: bigint): string => (Number(a - b) / RECORD_LOOPS).toFixed(0);
    const nativeGas = Number(withRecords.native - without.native) / RECORD_LOOPS + 3;
    rows.push(
      `| ${kind} | ${spec.opcodeName} | ${nativeGas} | ${per(withRecords.gas, without.gas)} | ${per(withRecords.setup, without.setup)} | ${(withRecords.bytes - without.bytes) / RECORD_LOOPS} |`,
    );
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { engine: { type: 'string', default: 'ethereumjs' }, 'no-write': { type: 'boolean', default: false }, 'no-revm': { type: 'boolean', default: false } },
  });
  const files: WitnessFile[] = [];
  const rows: BenchRow[] = [];
  for (const p of BENCH_PROGRAMS) {
    const { file, native } = await buildHonestWitness(defaultContext({ code: p.code, gasAvailable: 10_000_000n, ...(p.calldata ? { calldata: p.calldata } : {}) }));
    if (native.status === 0) throw new Error(`bench program "${p.name}" halts: ${native.error}`);
    files.push(file);
    rows.push({ name: p.name, what: p.what, opcodes: native.steps, nativeGas: native.gasUsed, hypervisorGas: 0n });
  }
  if (values.engine === 'revm') {
    const { verifyBatch } = await import('../lib/forge/index.ts');
    const results = await verifyBatch(files);
    results.forEach((r, i) => {
      if (r.verdict.kind !== 'valid') throw new Error(`bench "${rows[i]!.name}": honest witness not accepted: ${JSON.stringify(r.verdict)}`);
      rows[i]!.hypervisorGas = r.hypervisorGas;
    });
  } else {
    const hv = await LocalHypervisor.create();
    for (const [i, f] of files.entries()) {
      const r = await hv.verify(f);
      if (r.verdict.kind !== 'valid') throw new Error(`bench "${rows[i]!.name}": honest witness not accepted: ${JSON.stringify(r.verdict)}`);
      rows[i]!.hypervisorGas = r.hypervisorGas;
    }
  }
  // the fixed cost of one verification: the smallest program (STOP)
  const hv = await LocalHypervisor.create();
  const stop = await buildHonestWitness(defaultContext({ code: '0x00' }));
  const base = (await hv.verify(stop.file)).hypervisorGas;
  const runtimeSize = (compileHypervisor().length - 2) / 2;
  // setup cost by code size: STOP followed by never-executed PUSH1 1 POP code (2 instructions per 3 bytes)
  const setupRows: string[] = [];
  for (const size of [1, 1024, 4096, 12288, 24573]) {
    const code = `0x00${'600150'.repeat(Math.floor((size - 1) / 3))}` as Hex;
    const w = await buildHonestWitness(defaultContext({ code }));
    const gas = (await hv.verify(w.file)).hypervisorGas;
    setupRows.push(`| ${(code.length - 2) / 2} | ${gas} | ${size > 1 ? (Number(gas - base) / ((code.length - 2) / 2 - 1)).toFixed(0) : '-'} |`);
  }

  const lines: string[] = [];
  lines.push(`Measured with \`npm run bench\` (engine: ${values.engine}); hypervisor gas is the execution gas of the verifying call (no transaction base cost or calldata gas).`);
  lines.push('');
  lines.push('| program | guest opcodes | native gas | hypervisor gas | ratio | hypervisor gas per guest opcode | excluding setup |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const ratio = Number(r.hypervisorGas) / Number(r.nativeGas);
    const perOp = Number(r.hypervisorGas) / r.opcodes;
    const perOpNoSetup = Number(r.hypervisorGas - base) / r.opcodes;
    lines.push(`| ${r.name} (${r.what}) | ${r.opcodes} | ${r.nativeGas} | ${r.hypervisorGas} | ${ratio.toFixed(1)} | ${perOp.toFixed(1)} | ${perOpNoSetup.toFixed(1)} |`);
  }
  lines.push('');
  lines.push(`Setup cost (witness validation, archive lookup, code copy, the first reach of STOP) for a 1-byte program (STOP): ${base} gas. "excluding setup" subtracts it.`);
  lines.push('');
  lines.push('Setup cost by guest code size (the code and its JUMPDEST bitmap, computed by the factory when it archived the code, are copied from the archive on every verification; the program runs only its first STOP, so no block is analysed):');
  lines.push('');
  lines.push('| code bytes | hypervisor gas | gas per extra code byte |');
  lines.push('|---:|---:|---:|');
  lines.push(...setupRows);
  lines.push('');
  lines.push(`Access records (a loop of ${RECORD_LOOPS} iterations running the record opcode, against the same loop with ISZERO in its place; per access):`);
  lines.push('');
  lines.push('| record kind | opcode | native gas | verification gas | of which validating the record at setup | witness bytes |');
  lines.push('|---|---|---:|---:|---:|---:|');
  lines.push(...(await recordKindRows(hv)));
  lines.push('');
  lines.push(`State, block values and logs (a loop of ${ACCESS_LOOPS} iterations running the access, against the same loop with local opcodes of the same stack effect in its place; per access, scripts/bench/state-access.ts):`);
  lines.push('');
  lines.push(...stateAccessTable(await measureStateAccess(hv)));
  lines.push('');
  lines.push(`Hypervisor runtime size: ${runtimeSize} bytes (EIP-170 limit 24,576; ${24576 - runtimeSize} bytes left).`);
  const table = lines.join('\n');
  console.log(table);
  if (!values['no-write']) {
    const path = fileURLToPath(new URL('../docs/gas.md', import.meta.url));
    const doc = readFileSync(path, 'utf8');
    const start = '<!-- BENCH:START -->';
    const end = '<!-- BENCH:END -->';
    const a = doc.indexOf(start);
    const b = doc.indexOf(end);
    if (a < 0 || b < a) throw new Error('docs/gas.md lacks the BENCH markers');
    writeFileSync(path, doc.slice(0, a + start.length) + '\n' + table + '\n' + doc.slice(b));
    console.error('updated docs/gas.md');
  }
  console.log('');
  await runRealCallsBench({ write: !values['no-write'], revm: !values['no-revm'] });
  console.log('');
  await runTransactionsBench({ write: !values['no-write'] });
  console.log('');
  await runWorstCaseBench({ write: !values['no-write'] });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
