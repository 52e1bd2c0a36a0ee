// Compile-time benchmark: generates a ~2,000-line Huff program shaped like the hypervisor
// (256-entry packed jump table dispatch, many macros nested inside each other, per-invocation
// labels, constants incl. free storage pointers, fn bodies) and prints the median compile time.
//
// Run: node --import tsx huffc/bench/compile-bench.ts [runs]
import { pathToFileURL } from 'node:url';
import { compile } from '../src/index.js';

export function generateProgram(): string {
  const lines: string[] = [];
  const push = (s: string): void => {
    lines.push(s);
  };
  push('// generated benchmark program');
  for (let i = 0; i < 40; i++) push(`#define constant C_${i} = 0x${(i * 7919).toString(16).padStart(4, '0')}`);
  for (let i = 0; i < 20; i++) push(`#define constant SLOT_${i} = FREE_STORAGE_POINTER()`);
  push('#define constant VARIANT = 0x00');
  push('#define function exec(bytes) nonpayable returns (bytes)');
  push('#define error Bad(uint256)');
  push('');
  // small helpers with internal labels and arguments
  for (let i = 0; i < 50; i++) {
    push(`#define macro HELPER_${i}(a, dest) = takes(1) returns(1) {`);
    push(`    // helper ${i}`);
    push(`    <a> add dup1 [C_${i % 40}] lt`);
    push(`    ok_${i} jumpi`);
    push(`    <dest> jump`);
    push(`    ok_${i}:`);
    push(`        [SLOT_${i % 20}] sload add`);
    push('}');
  }
  // mid-level macros invoking helpers several times (labels repeat per invocation)
  for (let i = 0; i < 60; i++) {
    push(`#define macro MID_${i}(x) = takes(1) returns(1) {`);
    push(`    HELPER_${i % 50}(<x>, fail)`);
    push(`    HELPER_${(i + 1) % 50}(0x${(i + 1).toString(16)}, fail)`);
    push(`    loop_${i}:`);
    push('        dup1 iszero');
    push(`        done_${i} jumpi`);
    push('        0x01 swap1 sub');
    push(`        loop_${i} jump`);
    push(`    done_${i}:`);
    push(`        __FUNC_SIG(exec) pop`);
    push('}');
  }
  // 256 opcode handlers, each a few nested invocations
  for (let i = 0; i < 256; i++) {
    push(`#define macro OP_${i}() = {`);
    push(`    0x${i.toString(16).padStart(2, '0')} MID_${i % 60}(0x02) next jump`);
    push('}');
  }
  push('#define fn SHARED() = takes(1) returns(1) { 0x01 add }');
  push(`#define jumptable__packed OPS { ${Array.from({ length: 256 }, (_, i) => `op_${i}`).join(' ')} }`);
  push('#define macro MAIN() = takes(0) returns(0) {');
  push('    0x00 calldataload 0x00 byte 0x01 shl __tablestart(OPS) add');
  push('    0x1e codecopy 0x00 mload 0xf0 shr jump');
  for (let i = 0; i < 256; i++) push(`    op_${i}: OP_${i}()`);
  push('    next: SHARED() stop');
  push('    fail: 0x00 dup1 revert');
  push('}');
  return lines.join('\n') + '\n';
}

function main(): void {
  const runs = Number(process.argv[2] ?? 15);
  const src = generateProgram();
  const lineCount = src.split('\n').length - 1;
  const files = { 'bench.huff': src };
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = compile({ entry: 'bench.huff', files, constants: { VARIANT: '0x01' }, noSizeLimit: true });
    times.push(performance.now() - t0);
    size = r.runtime.length / 2;
  }
  const first = times[0]!;
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`lines: ${lineCount}, runtime: ${size} bytes, runs: ${runs}`);
  console.log(`compile time: median ${median.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times[times.length - 1]!.toFixed(1)} ms, first (cold) run ${first.toFixed(1)} ms`);
  if (median >= 1000) {
    console.error('FAIL: median compile time is over 1 second');
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
