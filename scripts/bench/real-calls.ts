/**
 * Verification gas of real calls (issue 9): single calls into one compiled contract (bench/RealCalls.sol, ~3 KB)
 * that exposes OpenZeppelin 5.x library functions. For each call: the native gas (@ethereumjs/evm), the gas of
 * verifying its honest witness with the hypervisor (in process, and in revm through forge unless skipped: the two
 * must agree), and the setup part of it. Also the one-time gas of archiving the code with src/ArchiveFactory.sol.
 *
 * Setup is measured as the verification gas of the honest witness of the same code and calldata with
 * gasAvailable 0: the hypervisor validates the witness, finds and copies the archived code and its JUMPDEST bitmap, and
 * halts out of gas at the check of the first instruction's first reach (no guest instruction executes). The real call's
 * verification does exactly that work too before its first instruction, so the rest is the cost of running it.
 *
 *   npm run bench                      (runs this after the loop benchmarks of scripts/bench.ts)
 *   tsx scripts/bench/real-calls.ts [--no-write] [--no-revm]
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM } from '@ethereumjs/evm';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { bytesToHex, concat, encodeAbiParameters, encodeFunctionData, keccak256, size, type Abi } from 'viem';
import { archivePartRuntimes } from '../../lib/archive/index.ts';
import { publishReport, sourceRevision } from './report.ts';
import { compileHypervisor, LocalHypervisor } from '../../lib/hypervisor/ethereumjs.ts';
import { buildHonestWitness, defaultContext, type NativeOutcome } from '../../lib/native/index.ts';
import type { Hex, WitnessFile } from '../../lib/witness/types.ts';
import { compileSolidity, REPO_ROOT, solcVersion, type CompiledContract } from './solc.ts';

export const REAL_CALLS_SOURCE = 'bench/RealCalls.sol';
export const REAL_CALLS_CONTRACT = 'RealCalls';
/** Where the generated table is written. */
export const REAL_CALLS_REPORT = path.join(REPO_ROOT, 'scripts', 'bench', 'real-calls.md');
/** Gas given to each real call (the witness's gasAvailable). */
export const REAL_CALL_GAS = 10_000_000n;

/** The benchmark contract, compiled with the pinned solc-js (optimizer on, 200 runs, prague). */
export function compileRealCalls(): CompiledContract {
  return compileSolidity(REAL_CALLS_SOURCE, REAL_CALLS_CONTRACT);
}

/** OpenZeppelin's commutative pair hash (MerkleProof, Hashes.commutativeKeccak256): keccak256 of the sorted pair. */
export function hashPair(a: Hex, b: Hex): Hex {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** A sorted-pair Merkle tree over 2^k leaves: the root and the proof (k sibling nodes, bottom up) of leaf `index`. */
export function merkleProof(leaves: readonly Hex[], index: number): { root: Hex; proof: Hex[] } {
  if (leaves.length === 0 || (leaves.length & (leaves.length - 1)) !== 0) throw new Error('merkleProof: leaf count must be a power of two');
  let level = [...leaves];
  let i = index;
  const proof: Hex[] = [];
  while (level.length > 1) {
    proof.push(level[i ^ 1]!);
    const next: Hex[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(hashPair(level[j]!, level[j + 1]!));
    level = next;
    i >>= 1;
  }
  return { root: level[0]!, proof };
}

/** Leaf i of the benchmark's Merkle tree: keccak256(abi.encode(uint256 i)). */
export function merkleLeaf(i: number): Hex {
  return keccak256(encodeAbiParameters([{ type: 'uint256' }], [BigInt(i)]));
}

export interface RealCall {
  /** What the table calls it. */
  call: string;
  functionName: 'mulDiv' | 'sqrt' | 'log2' | 'toString' | 'toHexString' | 'base64' | 'merkleVerify';
  args: readonly unknown[];
}

const MERKLE_LEAVES = Array.from({ length: 256 }, (_, i) => merkleLeaf(i));
const MERKLE_INDEX = 77;
const MERKLE = merkleProof(MERKLE_LEAVES, MERKLE_INDEX);

/** The calls of the table, in order. */
export const REAL_CALLS: readonly RealCall[] = [
  { call: 'Math.mulDiv(2^200+12345, 3^100, 7^60+1)', functionName: 'mulDiv', args: [2n ** 200n + 12345n, 3n ** 100n, 7n ** 60n + 1n] },
  { call: 'Math.sqrt(2^255-19)', functionName: 'sqrt', args: [2n ** 255n - 19n] },
  { call: 'Math.log2(2^200+5)', functionName: 'log2', args: [2n ** 200n + 5n] },
  { call: 'Strings.toString(1234567890123456789012345678901234567890)', functionName: 'toString', args: [1234567890123456789012345678901234567890n] },
  { call: 'Strings.toHexString(2^160-1)', functionName: 'toHexString', args: [2n ** 160n - 1n] },
  { call: 'Base64.encode(100 bytes of 0xab)', functionName: 'base64', args: [`0x${'ab'.repeat(100)}`] },
  {
    call: `MerkleProof.verify(${MERKLE.proof.length} proof nodes)`,
    functionName: 'merkleVerify',
    args: [MERKLE.proof, MERKLE.root, MERKLE_LEAVES[MERKLE_INDEX]!],
  },
];

export function realCallData(abi: Abi, c: RealCall): Hex {
  return encodeFunctionData({ abi, functionName: c.functionName, args: c.args });
}

export interface RealCallRow {
  call: string;
  calldataBytes: number;
  /** Guest instructions executed natively. */
  opcodes: number;
  nativeGas: bigint;
  verificationGas: bigint;
  /** Verification gas of the same code and calldata with gasAvailable 0 (see the file comment). */
  setupGas: bigint;
}

export interface ArchiveCost {
  /** Execution gas of ArchiveFactory.archive(code) (no intrinsic transaction gas). */
  archiveGas: bigint;
  /** Execution gas of archive() of a 1-byte code: the part that does not grow with the code. */
  oneByteGas: bigint;
  /** Calldata gas of the archive transaction's data (EIP-2028: 16 per nonzero byte, 4 per zero byte). */
  calldataGas: bigint;
}

export interface RealCallsReport {
  codeSize: number;
  codeHash: Hex;
  solc: string;
  rows: RealCallRow[];
  /** Setup gas of a 1-byte code (ADD, halts at its gas check) with the first call's calldata. */
  oneByteSetupGas: bigint;
  /** 'ethereumjs' or 'ethereumjs and revm (equal)'. */
  engines: string;
  revmSkipped?: string;
  archive?: ArchiveCost;
  archiveError?: string;
  /** The hypervisor measured: its runtime size and the source revision (git), when known. */
  hypervisorSize: number;
  revision?: string;
}

function fmt(n: bigint | number): string {
  return typeof n === 'bigint' ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
}

/** EIP-2028 calldata gas of `data`. */
function calldataGas(data: Hex): bigint {
  let gas = 0n;
  for (const b of hexToBytes(data)) gas += b === 0 ? 4n : 16n;
  return gas;
}

/**
 * Deploys src/ArchiveFactory.sol (compiled with solc-js) in a fresh @ethereumjs/evm (Prague) and calls archive(code),
 * checking that the archive's part 0 holds 0x00 ++ the start of the code's stream (the code, then its JUMPDEST bitmap)
 * at the address the factory names.
 */
export async function measureArchive(code: Hex): Promise<ArchiveCost> {
  const factory = compileSolidity('src/ArchiveFactory.sol', 'ArchiveFactory');
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const state = new SimpleStateManager();
  const evm = await createEVM({ common, stateManager: state });
  const sender = createAddressFromString('0x00000000000000000000000000000000000005e0');
  await state.putAccount(sender, new Account(0n, 10n ** 30n));
  const deployed = await evm.runCall({ caller: sender, origin: sender, data: hexToBytes(factory.bytecode), gasLimit: 30_000_000n });
  if (deployed.execResult.exceptionError || !deployed.createdAddress) throw new Error(`ArchiveFactory deployment failed: ${deployed.execResult.exceptionError?.error}`);
  const at = deployed.createdAddress;
  const archiveOnce = async (c: Hex): Promise<bigint> => {
    await evm.journal.cleanup(); // a transaction of its own: nothing warm
    const data = encodeFunctionData({ abi: factory.abi, functionName: 'archive', args: [c] });
    const r = await evm.runCall({ caller: sender, origin: sender, to: at, data: hexToBytes(data), gasLimit: 30_000_000n });
    if (r.execResult.exceptionError) throw new Error(`archive() failed: ${r.execResult.exceptionError.error}`);
    const archiveAddr = createAddressFromString(bytesToHex(r.execResult.returnValue.slice(12)));
    const stored = bytesToHex(await state.getCode(archiveAddr));
    if (stored !== archivePartRuntimes(c)[0]) throw new Error('archive() did not store 0x00 ++ code ++ bitmap in part 0');
    return r.execResult.executionGasUsed;
  };
  const archiveGas = await archiveOnce(code);
  const oneByteGas = await archiveOnce('0x01');
  const calldataGasUsed = calldataGas(encodeFunctionData({ abi: factory.abi, functionName: 'archive', args: [code] }));
  return { archiveGas, oneByteGas, calldataGas: calldataGasUsed };
}

export interface MeasureOptions {
  /** Also verify every witness in revm through forge (lib/forge verifyBatch) and require the same gas. */
  revm?: boolean;
  log?: (msg: string) => void;
}

function expectNative(what: string, native: NativeOutcome, status: number): void {
  if (native.status !== status) throw new Error(`${what}: native status ${native.status} (${native.error ?? 'no error'}), expected ${status}`);
}

export async function measureRealCalls(opts: MeasureOptions = {}): Promise<RealCallsReport> {
  const log = opts.log ?? ((m: string) => console.error(m));
  log('real calls: compiling bench/RealCalls.sol');
  const contract = compileRealCalls();
  const code = contract.deployedBytecode;
  const files: WitnessFile[] = []; // per call: [honest witness, gasAvailable-0 witness]
  const rows: RealCallRow[] = [];
  for (const c of REAL_CALLS) {
    const calldata = realCallData(contract.abi, c);
    const run = await buildHonestWitness(defaultContext({ code, calldata, gasAvailable: REAL_CALL_GAS }));
    expectNative(c.call, run.native, 1);
    const setup = await buildHonestWitness(defaultContext({ code, calldata, gasAvailable: 0n }));
    expectNative(`${c.call} with no gas`, setup.native, 0);
    files.push(run.file, setup.file);
    rows.push({ call: c.call, calldataBytes: size(calldata), opcodes: run.native.steps, nativeGas: run.native.gasUsed, verificationGas: 0n, setupGas: 0n });
  }
  const firstCalldata = files[0]!.witness.calldata;
  const oneByte = await buildHonestWitness(defaultContext({ code: '0x01', calldata: firstCalldata, gasAvailable: 0n }));
  expectNative('1-byte code with no gas', oneByte.native, 0);
  files.push(oneByte.file);

  log(`real calls: verifying ${files.length} witnesses in process (ethereumjs)`);
  const hv = await LocalHypervisor.create();
  const local: bigint[] = [];
  for (const f of files) {
    const r = await hv.verify(f);
    if (r.verdict.kind !== 'valid') throw new Error(`real calls: honest witness not accepted: ${JSON.stringify(r.verdict)}`);
    local.push(r.hypervisorGas);
  }
  rows.forEach((row, i) => {
    row.verificationGas = local[2 * i]!;
    row.setupGas = local[2 * i + 1]!;
  });

  const revision = sourceRevision();
  const report: RealCallsReport = {
    codeSize: size(code),
    codeHash: keccak256(code),
    solc: solcVersion(),
    rows,
    oneByteSetupGas: local[local.length - 1]!,
    engines: 'ethereumjs (in process)',
    hypervisorSize: size(compileHypervisor()),
    ...(revision !== undefined ? { revision } : {}),
  };

  if (opts.revm) {
    log(`real calls: verifying ${files.length} witnesses in revm (forge script, lib/forge verifyBatch)`);
    try {
      const { verifyBatch } = await import('../../lib/forge/index.ts');
      const results = await verifyBatch(files, { revmNative: true });
      let nativeCompared = 0;
      results.forEach((r, i) => {
        if (r.verdict.kind !== 'valid') throw new Error(`revm: witness ${i} not accepted: ${JSON.stringify(r.verdict)}`);
        if (r.hypervisorGas !== local[i]) throw new Error(`revm: witness ${i}: hypervisor gas ${r.hypervisorGas}, in process ${local[i]}`);
        const n = r.revmNative;
        if (n && n.status !== 'unknown') {
          if (n.status !== files[i]!.witness.status || n.gasUsed !== files[i]!.witness.gasUsed) {
            throw new Error(`revm: witness ${i}: native status ${n.status} gas ${n.gasUsed}, ethereumjs ${files[i]!.witness.status} gas ${files[i]!.witness.gasUsed}`);
          }
          nativeCompared++;
        }
      });
      report.engines =
        'ethereumjs (in process) and revm (forge, lib/forge verifyBatch): the same verification gas for every witness' +
        (nativeCompared === files.length ? ', and the same native gas' : `, and the same native gas for the ${nativeCompared} of ${files.length} runs revm could run natively`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const rest = message.split('\n').slice(1);
      const cause = rest.find((l) => /Error \(\d+\)/.test(l)) ?? rest.find((l) => /error/i.test(l));
      report.revmSkipped = `revm (lib/forge verifyBatch) failed, in-process figures only: ${message.split('\n')[0]}${cause ? ` (${cause.trim()})` : ''}`;
      log(`real calls: ${report.revmSkipped}`);
    }
  }

  log('real calls: archiving the code with src/ArchiveFactory.sol (ethereumjs)');
  try {
    report.archive = await measureArchive(code);
  } catch (e) {
    report.archiveError = e instanceof Error ? e.message : String(e);
    log(`real calls: archive measurement failed: ${report.archiveError}`);
  }
  return report;
}

export function renderRealCalls(r: RealCallsReport): string {
  const lines: string[] = [];
  lines.push('<!-- generated by `npm run bench` (scripts/bench/real-calls.ts); do not edit -->');
  lines.push('# Verification gas of real calls');
  lines.push('');
  lines.push(
    `One contract, \`${REAL_CALLS_SOURCE}\` (${r.codeSize.toLocaleString('en-US')} bytes of runtime code), exposes OpenZeppelin ` +
      `Contracts 5.x library functions; it is compiled with solc-js ${r.solc.split('+')[0]} (optimizer on, 200 runs, evmVersion prague). ` +
      `Each row is one call with ABI calldata (viem encodeFunctionData) and ${REAL_CALL_GAS.toLocaleString('en-US')} gas. ` +
      'Native gas is the gas the message uses in @ethereumjs/evm; verification gas is the execution gas of the hypervisor call ' +
      'that verifies its honest witness (no transaction base cost or calldata gas). ' +
      `Engines: ${r.engines}. Hypervisor: ${r.hypervisorSize.toLocaleString('en-US')} bytes of runtime code` +
      (r.revision ? `, built from commit ${r.revision}.` : '.'),
  );
  if (r.revmSkipped) lines.push('', `Note: ${r.revmSkipped}`);
  lines.push('');
  lines.push('| call | guest opcodes | native gas | verification gas | ratio | setup gas | verification - setup | ratio without setup |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of r.rows) {
    const run = row.verificationGas - row.setupGas;
    lines.push(
      `| ${row.call} | ${row.opcodes} | ${fmt(row.nativeGas)} | ${fmt(row.verificationGas)} | ${fmt(Number(row.verificationGas) / Number(row.nativeGas))} | ` +
        `${fmt(row.setupGas)} | ${fmt(run)} | ${fmt(Number(run) / Number(row.nativeGas))} |`,
    );
  }
  const first = r.rows[0]!;
  lines.push('');
  lines.push(
    '**Setup** is measured as the verification gas of the honest witness of the same code and calldata with gasAvailable 0. ' +
      'The hypervisor then does everything it does before the first guest instruction (witness validation, archive lookup, ' +
      'code and JUMPDEST bitmap copy, opcode tables), then halts out of gas at the check of the first instruction (run on its ' +
      'own, as every instruction is the first time it is reached): no guest instruction executes. The real call does the same ' +
      'work first, so "verification - setup" is the cost of running the call (first reaches, the analysis of the blocks run ' +
      'more than once, the threaded dispatch). ' +
      (r.rows.every((x) => x.setupGas === first.setupGas)
        ? 'It is the same for every row: it does not depend on the calldata.'
        : 'It differs between rows with the calldata.'),
  );
  lines.push('');
  lines.push(`- Code size: ${r.codeSize.toLocaleString('en-US')} bytes.`);
  lines.push(
    `- Gas per code byte before the first instruction: ${fmt(Number(first.setupGas) / r.codeSize)} ` +
      `(setup of the first row, ${fmt(first.setupGas)} gas, over ${r.codeSize.toLocaleString('en-US')} bytes); ` +
      `${fmt(Number(first.setupGas - r.oneByteSetupGas) / (r.codeSize - 1))} per byte beyond a 1-byte code with the same calldata ` +
      `(whose setup, measured the same way with code \`0x01\`, is ${fmt(r.oneByteSetupGas)} gas).`,
  );
  if (r.archive) {
    const a = r.archive;
    lines.push(
      `- One-time archiving (src/ArchiveFactory.sol \`archive(bytes)\`, compiled with the same solc-js, deployed and called in ` +
        `@ethereumjs/evm): ${fmt(a.archiveGas)} execution gas for this code, ${fmt(Number(a.archiveGas) / r.codeSize)} per code byte ` +
        `(${fmt(Number(a.archiveGas - a.oneByteGas) / (r.codeSize - 1))} per byte beyond a 1-byte code, whose archive costs ` +
        `${fmt(a.oneByteGas)}; the code deposit alone is 200 per byte). The transaction also pays 21,000 and ` +
        `${fmt(a.calldataGas)} calldata gas (EIP-2028) for carrying the code.`,
    );
  } else {
    lines.push(`- One-time archiving: not measured (${r.archiveError ?? 'skipped'}).`);
  }
  return lines.join('\n');
}

/** Measures, prints the table on stdout and (unless write is false) writes scripts/bench/real-calls.md. */
export async function runRealCallsBench(opts: { write?: boolean; revm?: boolean } = {}): Promise<string> {
  const report = await measureRealCalls({ revm: opts.revm ?? true });
  const table = renderRealCalls(report);
  publishReport(table, REAL_CALLS_REPORT, opts.write ?? true);
  return table;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { 'no-write': { type: 'boolean', default: false }, 'no-revm': { type: 'boolean', default: false } } });
  runRealCallsBench({ write: !values['no-write'], revm: !values['no-revm'] }).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
