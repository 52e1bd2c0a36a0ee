/**
 * Adversarial verification-gas benchmark: searches for guest programs that make verification expensive relative
 * to the guest's own gas. A fraud proof must get its verdict inside one transaction (2^24 gas), so the ratio
 * "hypervisor gas / guest gas" must stay bounded (target <= 25, aim 11).
 *
 * Every program is run natively (@ethereumjs/evm, lib/native), its honest witness is verified in process
 * (LocalHypervisor) and must be accepted; a rejected honest witness is a hypervisor bug and is printed loudly and
 * listed in the report. Setup is measured per program as the verification gas of the same code (and calldata) with
 * gasAvailable 0: the guest halts out of gas at its first instruction's check, so that is everything the hypervisor does
 * before the first guest instruction (witness validation, archive lookup, code and bitmap copy, the first instruction's
 * first reach). The table gives the total ratio and the ratio of (verification - setup) / guest gas.
 *
 * Families (parametrised generators, exported for the test): 1 a loop over k JUMPDESTs (and the same loop placed at
 * every offset modulo 64 of the code: a loop that straddles a 64-byte boundary costs more), 2 the same with ~1000 items
 * on the stack (spilled out of the native stack), 3 N JUMPDESTs run once, 4 short patterns repeated straight-line
 * over ~24 KB and run once, 5 the same patterns in a loop, 6 many JUMPDESTs each reached once by a jump (chains, a
 * jump table, one run entered at every point), 7 careful-path stress (heights oscillating across the fast-path
 * window, near 1024, DUP16/SWAP16, alternating needs over a spilled stack), 8 memory (expansion, copies,
 * KECCAK256, with and without a 24 KB code that pushes guest memory up), 9 a seeded random search over programs built
 * from fragments of the above (stack height, fragments, loop position), hill-climbing on the ratio: loop bodies run
 * until out of gas, and the same bodies repeated straight-line over the whole code, 10 loops over record opcodes
 * (BLOCKHASH, BLOBHASH: each access takes one record, whatever the opcode's native price), 11 EXTCODESIZE and
 * EXTCODECOPY of many accounts warm at entry, each with its own code (one archive lookup per distinct code).
 *
 * Loops end either with STOP (a counter on the stack: families 1 and 2) or by running out of gas at a fixed
 * gasAvailable ("oog": an exceptional halt, guest gas = gasAvailable); both are honest witnesses.
 *
 *   tsx scripts/bench/worst-case.ts [--seed S] [--iterations N] [--no-write]
 *
 * Progress goes to stderr; the markdown table goes to stdout and (unless --no-write) to scripts/bench/worst-case.md.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { assemble } from '../../lib/evm/asm.ts';
import { OPCODES } from '../../lib/evm/opcodes.ts';
import { bytesToHex, size } from 'viem';
import { publishReport, sourceRevision } from './report.ts';
import { REPO_ROOT } from './solc.ts';
import { compileHypervisor, LocalHypervisor } from '../../lib/hypervisor/ethereumjs.ts';
import { buildHonestWitness, defaultContext, type PreState } from '../../lib/native/index.ts';
import { formatVerdict } from '../../lib/witness/errors.ts';
import type { Hex, Status } from '../../lib/witness/types.ts';

/** Where the generated table is written. */
export const WORST_CASE_REPORT = path.join(REPO_ROOT, 'scripts', 'bench', 'worst-case.md');

/** One transaction's gas: a verdict must fit in it. */
export const TX_GAS_LIMIT = 1n << 24n;
/** EIP-170 code size limit. */
export const MAX_CODE_SIZE = 24_576;
/** Guest gas of the loop families. */
export const LOOP_BUDGET = 100_000n;
/** Guest gas of each point of the k = 1..64 sweeps. */
export const SWEEP_BUDGET = 30_000n;
/** Guest gas of each point of the loop-position sweep. */
export const OFFSET_SWEEP_BUDGET = 10_000n;
/** Guest gas of each random-search candidate. */
export const SEARCH_BUDGET = 50_000n;
/** Gas limit of each verification (8 x 2^24): enough to measure programs over the one-transaction limit. */
export const VERIFY_GAS_LIMIT = 1n << 27n;
/** Gas given to programs that end with STOP by themselves. */
export const STRAIGHT_GAS = 10_000_000n;
export const TARGET_RATIO = 25;
export const AIM_RATIO = 11;
export const DEFAULT_SEED = 1;
export const DEFAULT_ITERATIONS = 40;

/** A guest program to measure. */
export interface GuestProgram {
  /** The family it belongs to, e.g. "1 JUMPDEST loop". */
  family: string;
  /** What it is, with its parameters. */
  name: string;
  code: Hex;
  gasAvailable: bigint;
  calldata?: Hex;
  /** The world at frame entry (family 11: accounts whose code the program reads), else the empty world. */
  preState?: PreState;
}

export interface Measurement {
  program: GuestProgram;
  codeSize: number;
  status: Status;
  /** The native error of a halt ("out of gas", ...). */
  error?: string;
  /** Executed guest instructions. */
  steps: number;
  guestGas: bigint;
  verificationGas: bigint;
  setupGas: bigint;
  ratio: number;
  ratioWithoutSetup: number;
}

/** An honest witness the hypervisor did not accept: a hypervisor bug. */
export interface Rejection {
  program: GuestProgram;
  /** Which witness: the program's own run, or the gasAvailable-0 setup run. */
  phase: 'run' | 'setup';
  verdict: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Ratios and measurement

/** verification / guest and (verification - setup) / guest; Infinity for a guest that used no gas. */
export function gasRatios(guestGas: bigint, verificationGas: bigint, setupGas: bigint): { ratio: number; ratioWithoutSetup: number } {
  if (guestGas === 0n) return { ratio: Infinity, ratioWithoutSetup: Infinity };
  return { ratio: Number(verificationGas) / Number(guestGas), ratioWithoutSetup: Number(verificationGas - setupGas) / Number(guestGas) };
}

/** A native outcome the benchmark keeps: success, revert, or an out-of-gas halt (not a stack or jump error). */
export function haltsCleanly(status: Status, error: string | undefined): boolean {
  return status !== 0 || error === 'out of gas';
}

/** Measures programs against one in-process hypervisor, caching setup gas by code and calldata. */
export class Measurer {
  readonly rejections: Rejection[] = [];
  /** Verifications run and their total gas (progress). */
  verifications = 0;
  private readonly setupCache = new Map<string, bigint>();

  private constructor(private readonly hv: LocalHypervisor) {}

  static async create(): Promise<Measurer> {
    return new Measurer(await LocalHypervisor.create());
  }

  /** Runs natively and verifies. Undefined when a witness is rejected (recorded in `rejections` and printed). */
  async measure(program: GuestProgram): Promise<Measurement | undefined> {
    const given = { ...(program.calldata ? { calldata: program.calldata } : {}), ...(program.preState ? { preState: program.preState } : {}) };
    const { file, native } = await buildHonestWitness(defaultContext({ code: program.code, gasAvailable: program.gasAvailable, ...given }));
    const run = await this.hv.verify(file, VERIFY_GAS_LIMIT);
    this.verifications++;
    if (run.verdict.kind !== 'valid') return this.reject(program, 'run', formatVerdict(run.verdict));
    const key = `${program.code}/${program.calldata ?? '0x'}`;
    let setupGas = this.setupCache.get(key);
    if (setupGas === undefined) {
      const setup = await buildHonestWitness(defaultContext({ code: program.code, gasAvailable: 0n, ...given }));
      const r = await this.hv.verify(setup.file, VERIFY_GAS_LIMIT);
      this.verifications++;
      if (r.verdict.kind !== 'valid') return this.reject(program, 'setup', formatVerdict(r.verdict));
      setupGas = r.hypervisorGas;
      this.setupCache.set(key, setupGas);
    }
    return {
      program,
      codeSize: size(program.code),
      status: native.status,
      ...(native.error === undefined ? {} : { error: native.error }),
      steps: native.steps,
      guestGas: native.gasUsed,
      verificationGas: run.hypervisorGas,
      setupGas,
      ...gasRatios(native.gasUsed, run.hypervisorGas, setupGas),
    };
  }

  private reject(program: GuestProgram, phase: Rejection['phase'], verdict: string): undefined {
    this.rejections.push({ program, phase, verdict });
    const bar = '!'.repeat(100);
    console.error(`${bar}\nHONEST WITNESS REJECTED (${phase}): ${program.family} / ${program.name}\n  verdict: ${verdict}\n  gasAvailable: ${program.gasAvailable}\n  code (${size(program.code)} bytes): ${program.code.length > 402 ? `${program.code.slice(0, 402)}…` : program.code}\n${bar}`);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Program building helpers

/** `item` n times, space separated. */
export function rep(item: string, n: number): string {
  return Array.from({ length: n }, () => item).join(' ');
}

/** "1 item", "n items". */
function itemsText(n: number): string {
  return `${n} item${n === 1 ? '' : 's'}`;
}

/** Raw hex (no 0x) of `unit` repeated to fill at most `bytes` bytes. */
function fill(unit: Hex, bytes: number): string {
  const u = unit.slice(2);
  return u.repeat(Math.floor(bytes / (u.length / 2)));
}

/** The code followed by zero bytes up to `bytes` (never-executed padding that makes the code, and so the hypervisor's memory, large). */
export function padCode(code: Hex, bytes: number): Hex {
  const n = size(code);
  if (n > bytes) throw new Error(`padCode: code is already ${n} bytes`);
  return `${code}${'00'.repeat(bytes - n)}`;
}

/** Byte offset of `label:` in an assembler source whose pushes before it have explicit widths. */
export function labelOffset(source: string, label: string): number {
  const at = source.indexOf(`${label}:`);
  if (at < 0) throw new Error(`labelOffset: no label ${label}`);
  return size(assemble(source.slice(0, at)));
}

/** Stack effect of straight-line code: items it needs, net change, highest point above its start. */
export function stackEffect(code: Hex): { need: number; delta: number; peak: number } {
  const bytes = code.slice(2).match(/../g)?.map((b) => parseInt(b, 16)) ?? [];
  let h = 0;
  let need = 0;
  let peak = 0;
  for (let pc = 0; pc < bytes.length; pc++) {
    const op = OPCODES[bytes[pc]!]!;
    need = Math.max(need, op.pops - h);
    h += op.pushes - op.pops;
    peak = Math.max(peak, h);
    pc += op.immediate;
  }
  return { need, delta: h, peak };
}

/** Items pushed before a loop: PUSH0 x n, or PUSH0 then DUP1 x (n - 1). */
function stackPrefix(items: number, fillWith: 'PUSH0' | 'DUP1' = 'PUSH0'): string {
  if (items === 0) return '';
  return fillWith === 'PUSH0' ? rep('PUSH0', items) : `PUSH0 ${rep('DUP1', items - 1)}`;
}

/**
 * `prefix head: body @head JUMP` with gasAvailable `budget`: runs until out of gas. With `headMod`, the prefix ends
 * with `PUSH2 head JUMP` over never-executed STOP bytes so that the head's pc is headMod modulo 64 (where the loop lies
 * relative to 64-byte boundaries of the code changes its verification cost).
 */
/** Guest gas of the record loops: a few thousand records (each one 192 witness bytes). */
export const RECORD_LOOP_BUDGET = 20_000n;

/** A loop of k x (PUSH0 <op> POP) run out of gas: one record per iteration and opcode. */
export function recordLoop(op: string, k: number, budget: bigint): GuestProgram {
  return oogLoop('10 record opcodes', `loop of ${k} x PUSH0 ${op} POP`, '', rep(`PUSH0 ${op} POP`, k), budget);
}

function oogLoop(family: string, name: string, prefix: string, body: string, budget: bigint, headMod?: number): GuestProgram {
  let pre = prefix;
  let where = '';
  if (headMod !== undefined) {
    const at = size(assemble(prefix)) + 4;
    const pad = (((headMod - at) % 64) + 64) % 64;
    pre = `${prefix} @head JUMP ${rep('STOP', pad)}`;
    where = `, head at pc ${at + pad}`;
  }
  return { family, name: `${name}${where}, out of gas at ${budget.toLocaleString('en-US')}`, code: assemble(`${pre} head: ${body} @head JUMP`), gasAvailable: budget };
}

// ---------------------------------------------------------------------------------------------------------------
// Family 1 and 2: loops over k JUMPDESTs, with items on the stack

export type LoopEnd = 'stop' | 'oog';

/** Gas of one iteration of the counter loop over k JUMPDESTs: k + PUSH1 SWAP1 SUB DUP1 PUSH2 (5 x 3) + JUMPI (10). */
const counterIterationGas = (k: number): bigint => BigInt(k + 25);

/**
 * A loop over k consecutive JUMPDESTs (the head is the first), after `items` stack items. "oog": `head: JUMPDEST x k
 * PUSH2 head JUMP` until out of gas; "stop": a counter of n iterations (PUSH3 n ... PUSH1 1 SWAP1 SUB DUP1 PUSH2 head
 * JUMPI POP STOP), n as large as the budget allows. headMod (out-of-gas variant only): see oogLoop.
 */
export function jumpdestLoop(k: number, budget: bigint, end: LoopEnd, items = 0, fillWith: 'PUSH0' | 'DUP1' = 'PUSH0', headMod?: number): GuestProgram {
  if (k < 1 || k > 64) throw new Error('jumpdestLoop: k in 1..64');
  const family = items === 0 ? '1 JUMPDEST loop' : '2 spilled stack + JUMPDEST loop';
  const what = `${items > 0 ? `${items} x ${fillWith}, then ` : ''}loop over ${k} JUMPDEST${k > 1 ? 's' : ''}`;
  const prefix = stackPrefix(items, fillWith);
  const jumpdests = rep('JUMPDEST', k - 1);
  if (end === 'oog') {
    if (items + 1 > 1024) throw new Error('jumpdestLoop: too many items');
    return oogLoop(family, what, prefix, jumpdests, budget, headMod);
  }
  if (headMod !== undefined) throw new Error('jumpdestLoop: headMod only for the out-of-gas variant');
  if (items + 3 > 1024) throw new Error('jumpdestLoop: too many items for the counter');
  const prefixGas = BigInt(items) * 2n + (fillWith === 'DUP1' && items > 0 ? BigInt(items - 1) : 0n);
  const n = (budget - prefixGas - 5n) / counterIterationGas(k);
  if (n < 1n || n >= 1n << 24n) throw new Error('jumpdestLoop: budget out of range');
  const code = assemble(`${prefix} PUSH3 ${n} head: ${jumpdests} PUSH1 1 SWAP1 SUB DUP1 @head JUMPI POP STOP`);
  return { family, name: `${what}, ${n} iterations, STOP`, code, gasAvailable: budget };
}

// ---------------------------------------------------------------------------------------------------------------
// Family 3 and 4: straight-line code run once

/** N JUMPDESTs then STOP (N <= 24,575). */
export function straightJumpdests(n: number): GuestProgram {
  if (n < 0 || n >= MAX_CODE_SIZE) throw new Error('straightJumpdests: N in 0..24575');
  return { family: '3 straight JUMPDESTs', name: `${n.toLocaleString('en-US')} JUMPDESTs, STOP`, code: `0x${'5b'.repeat(n)}00`, gasAvailable: STRAIGHT_GAS };
}

/** A short stack-balanced pattern; `items` are pushed (PUSH0) before it when it needs them. */
export interface Pattern {
  asm: string;
  items?: number;
}

export const PATTERNS: readonly Pattern[] = [
  { asm: 'PUSH1 0x2a DUP1 ADD POP' },
  { asm: 'PUSH0 POP' },
  { asm: 'PC POP' },
  { asm: 'GAS POP' },
  { asm: 'CALLER POP' },
  { asm: 'MSIZE POP' },
  { asm: 'JUMPDEST PUSH0 POP' },
  { asm: 'PUSH1 0x2a POP' },
  { asm: `PUSH32 0x${'a5'.repeat(32)} POP` },
  { asm: 'ISZERO', items: 1 },
  { asm: 'JUMPDEST ISZERO', items: 1 },
  // runs of 2 and 3 JUMPDESTs: the shortest runs the analysis measures (a run of 2 from the code bytes, longer ones in the bitmap)
  { asm: 'JUMPDEST JUMPDEST ISZERO', items: 1 },
  { asm: 'JUMPDEST JUMPDEST JUMPDEST ISZERO', items: 1 },
  { asm: 'DUP16 POP', items: 16 },
  { asm: 'SWAP16', items: 17 },
  { asm: 'PUSH0 MLOAD POP' },
];

function patternLabel(p: Pattern): string {
  const asm = p.asm.replace(/0x(a5)+/, '0xa5…a5');
  return p.items ? `${asm} (over ${p.items} item${p.items > 1 ? 's' : ''})` : asm;
}

/** The pattern repeated straight-line to fill the code up to `maxBytes` (with its prefix and the final STOP), run once. */
export function straightPattern(p: Pattern, maxBytes = MAX_CODE_SIZE): GuestProgram {
  const prefix = p.items ? assemble(stackPrefix(p.items)) : '0x';
  const unit = assemble(p.asm);
  const body = fill(unit, maxBytes - size(prefix) - 1);
  const reps = body.length / (unit.length - 2);
  return {
    family: '4 straight pattern',
    name: `${reps.toLocaleString('en-US')} x ${patternLabel(p)}, STOP`,
    code: `${prefix}${body}00`,
    gasAvailable: STRAIGHT_GAS,
  };
}

/**
 * The pattern repeated straight-line, the whole run `times` times (a loop with its counter in memory word 0, so that
 * the pattern's stack is its own): the first run reaches every instruction for the first time (run on its own), the
 * second analyses every block (ENTRY_REACHED), later ones run analysed blocks.
 */
export function repeatedPattern(p: Pattern, times: number, maxBytes = MAX_CODE_SIZE): GuestProgram {
  const prefix = assemble(`${p.items ? stackPrefix(p.items) : ''} head:`);
  const head = size(prefix) - 1; // the JUMPDEST `head:` ends the prefix
  const tail = assemble(`PUSH0 MLOAD PUSH1 1 ADD DUP1 PUSH0 MSTORE PUSH1 ${times} GT PUSH2 ${head} JUMPI STOP`);
  const unit = assemble(p.asm);
  const body = fill(unit, maxBytes - size(prefix) - size(tail));
  const reps = body.length / (unit.length - 2);
  return {
    family: '4 straight pattern',
    name: `${reps.toLocaleString('en-US')} x ${patternLabel(p)}, the whole run ${times} times, STOP`,
    code: `${prefix}${body}${tail.slice(2)}`,
    gasAvailable: STRAIGHT_GAS * BigInt(times),
  };
}

/** Most repetitions of the pattern that keep a loop body (with its JUMPDEST and PUSH2 head JUMP) within 64 bytes. */
export function blockFill(p: Pattern): number {
  return Math.max(1, Math.floor((64 - 1 - 4) / size(assemble(p.asm))));
}

/** The pattern repeated m times inside `head: JUMPDEST ... PUSH2 head JUMP`, until out of gas. */
export function loopPattern(p: Pattern, m: number, budget: bigint): GuestProgram {
  return oogLoop('5 pattern loop', `loop of ${m} x ${patternLabel(p)}`, stackPrefix(p.items ?? 0), rep(p.asm, m), budget);
}

// ---------------------------------------------------------------------------------------------------------------
// Family 6: blocks entered by jumps

export type ChainKind = 'static' | 'dynamic' | 'backward';

/**
 * A chain of links, each a JUMPDEST reached once by a jump, filling the code; the last is `JUMPDEST STOP`.
 * static: `JUMPDEST PUSH2 next JUMP` (a fused, analysed jump); dynamic: `JUMPDEST PUSH2 next DUP1 POP JUMP` (a run-time
 * bitmap check); backward: static links run from the end of the code to its start.
 */
export function jumpChain(kind: ChainKind, maxBytes = MAX_CODE_SIZE): GuestProgram {
  const bytes: number[] = [];
  const family = '6 jump chain';
  if (kind === 'backward') {
    // 0: PUSH2 last JUMP; 4: JUMPDEST STOP (link 0); link i >= 1 at 6 + 5(i-1): JUMPDEST PUSH2 link(i-1) JUMP
    const links = 1 + Math.floor((maxBytes - 6) / 5);
    const at = (i: number): number => (i === 0 ? 4 : 6 + 5 * (i - 1));
    const last = at(links - 1);
    bytes.push(0x61, last >> 8, last & 0xff, 0x56, 0x5b, 0x00);
    for (let i = 1; i < links; i++) bytes.push(0x5b, 0x61, at(i - 1) >> 8, at(i - 1) & 0xff, 0x56);
    return { family, name: `${links.toLocaleString('en-US')} JUMPDESTs, each reached once by a static jump, from the end of the code backwards`, code: bytesToHex(Uint8Array.from(bytes)), gasAvailable: STRAIGHT_GAS };
  }
  const width = kind === 'static' ? 5 : 7;
  const links = 1 + Math.floor((maxBytes - 2) / width);
  for (let i = 0; i < links - 1; i++) {
    const next = width * (i + 1);
    bytes.push(0x5b, 0x61, next >> 8, next & 0xff);
    if (kind === 'dynamic') bytes.push(0x80, 0x50);
    bytes.push(0x56);
  }
  bytes.push(0x5b, 0x00);
  const how = kind === 'static' ? 'a static jump (PUSH2 JUMP)' : 'a dynamic jump (PUSH2 DUP1 POP JUMP)';
  return { family, name: `${links.toLocaleString('en-US')} JUMPDESTs, each reached once by ${how}`, code: bytesToHex(Uint8Array.from(bytes)), gasAvailable: STRAIGHT_GAS };
}

/**
 * A jump table: a hub `JUMPDEST DUP1 JUMP` jumps to entry p; entry `JUMPDEST PUSH1 7 ADD PUSH1 hub JUMP` moves p to the
 * next entry and returns; the last entry is `JUMPDEST STOP`. Every entry is reached once by a dynamic jump.
 */
export function jumpTable(maxBytes = MAX_CODE_SIZE): GuestProgram {
  const entries = Math.floor((maxBytes - 6 - 2) / 7);
  const source = `PUSH2 6 hub: DUP1 JUMP ${rep('JUMPDEST PUSH1 7 ADD PUSH1 3 JUMP', entries)} JUMPDEST STOP`;
  if (labelOffset(source, 'hub') !== 3) throw new Error('jumpTable: layout');
  return { family: '6 jump chain', name: `jump table of ${entries.toLocaleString('en-US')} entries, each reached once from a hub (dynamic jump)`, code: assemble(source), gasAvailable: STRAIGHT_GAS };
}

/**
 * One run of L JUMPDESTs entered at every point, last to first: a hub decrements p and jumps to it, each entry runs
 * to the end of the run and back to the hub; STOP when p passes the first. L(L+1)/2 JUMPDESTs run.
 */
export function runEnteredEverywhere(l: number): GuestProgram {
  const src = (first: number, last: number): string =>
    `PUSH2 ${last} PUSH2 ${last} JUMP ` +
    `hub: PUSH1 1 SWAP1 SUB DUP1 PUSH2 ${first - 1} EQ @exit JUMPI DUP1 JUMP ` +
    `exit: POP STOP run: ${rep('JUMPDEST', l - 1)} @hub JUMP`;
  const first = labelOffset(src(1, 0), 'run');
  const code = assemble(src(first, first + l - 1));
  return { family: '6 jump chain', name: `run of ${l} JUMPDESTs entered at each of its ${l} points (dynamic jumps), STOP`, code, gasAvailable: STRAIGHT_GAS };
}

// ---------------------------------------------------------------------------------------------------------------
// Family 7: the careful path

/**
 * `base` items, then a loop whose blocks move the height between base and base + m:
 * `JUMPDEST DUP1 x m | JUMPDEST POP x m | PUSH2 head JUMP` (split: the pops in two blocks, `POP` and `POP x (m - 1)`, so a
 * block with a small need starts at the top).
 */
export function stackOscillation(base: number, m: number, split: boolean, budget: bigint): GuestProgram {
  if (base < 1 || base + m > 1024) throw new Error('stackOscillation: 1 <= base, base + m <= 1024');
  const pops = split && m > 1 ? `JUMPDEST POP JUMPDEST ${rep('POP', m - 1)}` : `JUMPDEST ${rep('POP', m)}`;
  return oogLoop('7 careful path', `${itemsText(base)}, loop ${split ? '(split pops) ' : ''}oscillating to ${base + m}`, stackPrefix(base), `${rep('DUP1', m)} ${pops}`, budget);
}

/** `items` on the stack, a loop of m x a stack-balanced pattern (SWAP16, DUP16 POP, GAS POP, ...). */
export function loopOverItems(asm: string, m: number, items: number, budget: bigint, headMod?: number): GuestProgram {
  const { need, delta, peak } = stackEffect(assemble(asm));
  if (delta !== 0 || need > items || items + Math.max(peak, 1) > 1024) throw new Error(`loopOverItems: ${asm} over ${items} items`);
  return oogLoop('7 careful path', `${itemsText(items)}, loop of ${m} x ${asm}`, stackPrefix(items), rep(asm, m), budget, headMod);
}

/** `items` on the stack, a loop of blocks with very different needs: SWAP16 (17) | PUSH0 POP (0) | DUP16 POP (16) | SWAP1 (2). */
export function alternatingNeeds(items: number, budget: bigint): GuestProgram {
  return oogLoop('7 careful path', `${itemsText(items)}, loop of blocks needing 17, 0, 16, 2`, stackPrefix(items), 'SWAP16 JUMPDEST PUSH0 POP JUMPDEST DUP16 POP JUMPDEST SWAP1', budget);
}

// ---------------------------------------------------------------------------------------------------------------
// Family 8: memory

const PAD_NOTE = (pad: number): string => (pad > 0 ? `, code padded to ${pad.toLocaleString('en-US')} bytes` : '');

/** MSTORE at offsets 0, 32, 64, ... (one new word per iteration) until out of gas. */
export function mstoreGrowing(budget: bigint, pad = 0): GuestProgram {
  const code = assemble('PUSH0 head: DUP1 DUP1 MSTORE PUSH1 32 ADD @head JUMP');
  return { family: '8 memory', name: `loop of MSTORE at growing offsets, out of gas at ${budget.toLocaleString('en-US')}${PAD_NOTE(pad)}`, code: pad ? padCode(code, pad) : code, gasAvailable: budget };
}

/** MSTORE8 at offsets 0, 1, 2, ... until out of gas. */
export function mstore8Growing(budget: bigint): GuestProgram {
  return oogLoop('8 memory', 'loop of MSTORE8 at growing offsets', 'PUSH0', 'DUP1 DUP1 MSTORE8 PUSH1 1 ADD', budget);
}

/** One MSTORE at `offset` (the expansion is all of its gas), STOP. */
export function mstoreOnce(offset: number, pad = 0): GuestProgram {
  const code = assemble(`PUSH0 PUSH3 ${offset} MSTORE STOP`);
  return { family: '8 memory', name: `one MSTORE at offset ${offset.toLocaleString('en-US')}, STOP${PAD_NOTE(pad)}`, code: pad ? padCode(code, pad) : code, gasAvailable: STRAIGHT_GAS };
}

/** A loop of one copy or hash over `len` bytes (the first iteration expands memory). */
export function memoryLoop(op: 'MCOPY' | 'CALLDATACOPY' | 'CODECOPY' | 'KECCAK256', len: number, budget: bigint, pad = 0): GuestProgram {
  const body = op === 'KECCAK256' ? `PUSH3 ${len} PUSH0 KECCAK256 POP` : `PUSH3 ${len} PUSH0 PUSH0 ${op}`;
  const p = oogLoop('8 memory', `loop of ${op} over ${len.toLocaleString('en-US')} bytes${op === 'CALLDATACOPY' ? ` (${len.toLocaleString('en-US')} bytes of calldata)` : ''}${PAD_NOTE(pad)}`, '', body, budget);
  return {
    ...p,
    ...(pad ? { code: padCode(p.code, pad) } : {}),
    ...(op === 'CALLDATACOPY' ? { calldata: `0x${'c3'.repeat(len)}` as Hex } : {}),
  };
}

/** Address of account i of family 11 (first byte 0x30: never a precompile nor a fixed account of the benchmark). */
export function codeReaderAccount(i: number): Hex {
  return `0x30${i.toString(16).padStart(38, '0')}`;
}

/**
 * Family 11: k accounts, each with its own code (so its own archive) and warm at frame entry (a claim: an earlier frame
 * of the transaction, or its access list, touched them), read once each by EXTCODESIZE or by a 32-byte EXTCODECOPY. The
 * guest pays a warm access (100) per account; the hypervisor reads each code's archive, a cold account on the
 * verifying chain (2,600) the first time, and finds the account's key by binary search.
 */
export function distinctCodeReads(op: 'EXTCODESIZE' | 'EXTCODECOPY', k: number): GuestProgram {
  const accounts = Array.from({ length: k }, (_, i) => ({ address: codeReaderAccount(i), code: `0x60${(i & 0xff).toString(16).padStart(2, '0')}61${(i >> 8).toString(16).padStart(4, '0')}00` as Hex }));
  const read = (a: Hex): string => (op === 'EXTCODESIZE' ? `PUSH20 ${a} EXTCODESIZE POP` : `PUSH1 32 PUSH0 PUSH0 PUSH20 ${a} EXTCODECOPY`);
  return {
    family: '11 distinct archived codes',
    name: `${op} of ${k} accounts warm at entry, each with its own code, STOP`,
    code: assemble(`${accounts.map((a) => read(a.address)).join(' ')} STOP`),
    gasAvailable: STRAIGHT_GAS,
    preState: { accounts, warmAccounts: accounts.map((a) => a.address) },
  };
}

/**
 * Family 12: calls run out of gas in a loop. A CALL with no gas of an account without code (warm after the first: 100
 * per call for the guest) takes a call record each time (its arguments and results checked, the key found by binary
 * search); a STATICCALL with no gas of a precompile (IDENTITY, always warm) is made by the hypervisor itself.
 */
export function callLoop(kind: 'account' | 'precompile', k: number, budget: bigint): GuestProgram {
  const call = kind === 'account' ? 'PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xbeef PUSH0 CALL POP' : 'PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 4 PUSH0 STATICCALL POP';
  const what = kind === 'account' ? 'CALL with no gas of an account without code' : 'STATICCALL with no gas of IDENTITY';
  return oogLoop('12 calls', `loop of ${k} x ${what}`, '', rep(call, k), budget);
}

// ---------------------------------------------------------------------------------------------------------------
// Family 9: random search over loop bodies

/** Fragments of a loop body (any order; the body is balanced and the stack height chosen afterwards). */
export const FRAGMENTS: readonly string[] = [
  'JUMPDEST',
  'JUMPDEST JUMPDEST JUMPDEST JUMPDEST',
  'PUSH0 POP',
  'PUSH1 0x2a DUP1 ADD POP',
  'PC POP',
  'GAS POP',
  'CALLER POP',
  'JUMPDEST PUSH0 POP',
  `PUSH32 0x${'a5'.repeat(32)} POP`,
  'ISZERO',
  'DUP16 POP',
  'SWAP16',
  'SWAP1',
  'DUP1',
  'POP',
  'PUSH0',
  rep('PUSH0', 8),
  rep('POP', 8),
  rep('DUP1', 16),
  rep('POP', 16),
  'PUSH0 MLOAD PUSH1 32 ADD DUP1 PUSH0 MSTORE DUP1 MSTORE',
  'PUSH1 64 PUSH0 KECCAK256 POP',
  'PUSH2 0x0400 PUSH0 PUSH0 MCOPY',
];

/** A search candidate: stack items pushed before the loop, the loop body as fragment indices, and (loop mode) where the loop head lies modulo 64 (undefined: right after the items). */
export interface Genome {
  height: number;
  body: number[];
  headMod?: number;
}

/** xorshift32: a small seeded PRNG. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed >>> 0) || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  /** Uniform in [0, n). */
  int(n: number): number {
    return this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** Heights near the edges of the fast-path window and of the guest stack. */
const INTERESTING_HEIGHTS = [0, 1, 16, 17, 255, 256, 257, 300, 511, 512, 513, 600, 767, 768, 1000, 1007, 1015, 1023];

export function randomGenome(rng: Rng): Genome {
  const n = 1 + rng.int(8);
  return { height: rng.pick(INTERESTING_HEIGHTS), body: Array.from({ length: n }, () => rng.int(FRAGMENTS.length)) };
}

/** 1-3 random edits: the height, inserting, deleting, replacing or duplicating fragments, the loop head's offset modulo 64. */
export function mutateGenome(g: Genome, rng: Rng): Genome {
  let height = g.height;
  let headMod = g.headMod;
  const body = [...g.body];
  const edits = 1 + rng.int(3);
  for (let e = 0; e < edits; e++) {
    switch (rng.int(7)) {
      case 6: {
        const choice = rng.int(4);
        headMod = choice === 0 ? undefined : choice === 1 ? rng.int(64) : 60 + rng.int(4);
        break;
      }
      case 0:
        height = rng.pick(INTERESTING_HEIGHTS);
        break;
      case 1:
        height = Math.max(0, Math.min(1023, height + rng.int(129) - 64));
        break;
      case 2:
        if (body.length < 40) body.splice(rng.int(body.length + 1), 0, rng.int(FRAGMENTS.length));
        break;
      case 3:
        if (body.length > 1) body.splice(rng.int(body.length), 1);
        break;
      case 4:
        body[rng.int(body.length)] = rng.int(FRAGMENTS.length);
        break;
      default: {
        const i = rng.int(body.length);
        if (body.length < 40) body.splice(i, 0, ...body.slice(i, i + 1 + rng.int(3)));
      }
    }
  }
  return headMod === undefined ? { height, body } : { height, body, headMod };
}

/** Loop mode: the body in a loop until out of gas; straight mode: the body repeated to fill the code, run once, STOP. */
export type SearchMode = 'loop' | 'straight';

/**
 * The program of a genome: the body is balanced (POPs or PUSH0s appended) and the height clamped so that the body
 * neither underflows nor overflows. Loop mode: `PUSH0 x height head: JUMPDEST body PUSH2 head JUMP`, out of gas at
 * `budget`; straight mode: `PUSH0 x height` then the body repeated up to the code size limit, STOP. Undefined when
 * no height fits or the code would be too large.
 */
export function genomeProgram(g: Genome, mode: SearchMode, budget: bigint = SEARCH_BUDGET): GuestProgram | undefined {
  if (g.body.length === 0) return undefined;
  let body = g.body.map((i) => FRAGMENTS[i]!).join(' ');
  const raw = stackEffect(assemble(body));
  if (raw.delta > 0) body += ` ${rep('POP', raw.delta)}`;
  if (raw.delta < 0) body += ` ${rep('PUSH0', -raw.delta)}`;
  const { need, peak } = stackEffect(assemble(body));
  // the loop's PUSH2 head adds one item at the body's start height
  const top = 1024 - (mode === 'loop' ? Math.max(peak, 1) : peak);
  if (need > top) return undefined;
  const height = Math.min(Math.max(g.height, need), top);
  const fragments = `[${g.body.map((i) => FRAGMENTS[i]!.replace(/0x(a5)+/, '0xa5…a5')).join('; ')}]`;
  if (mode === 'loop') {
    const p = oogLoop('9 random search, loop', `${itemsText(height)}, loop of ${fragments}`, stackPrefix(height), body, budget, g.headMod);
    return size(p.code) <= MAX_CODE_SIZE ? p : undefined;
  }
  const prefix = height > 0 ? assemble(stackPrefix(height)) : '0x';
  const unit = assemble(body);
  const filled = fill(unit, MAX_CODE_SIZE - size(prefix) - 1);
  if (filled.length === 0) return undefined;
  const reps = filled.length / (unit.length - 2);
  return {
    family: '9 random search, straight',
    name: `${itemsText(height)}, then ${reps.toLocaleString('en-US')} x ${fragments}, STOP`,
    code: `${prefix}${filled}00`,
    gasAvailable: STRAIGHT_GAS,
  };
}

export interface SearchResult {
  mode: SearchMode;
  best: Measurement | undefined;
  /** Every candidate measured, in order. */
  measured: Measurement[];
}

export interface SearchOptions {
  mode: SearchMode;
  seed: number;
  iterations: number;
  /** Random genomes measured before hill-climbing (default 6). */
  initial?: number;
  /** Loop mode's gasAvailable (default SEARCH_BUDGET). */
  budget?: bigint;
  log?: (line: string) => void;
}

/**
 * Hill-climbs on the total ratio: `initial` random genomes, then `iterations` mutations of the best so far. Candidates
 * whose native run does not halt cleanly (success, revert or out of gas) are skipped.
 */
export async function randomSearch(m: Measurer, opts: SearchOptions): Promise<SearchResult> {
  const rng = new Rng(opts.seed);
  const log = opts.log ?? (() => {});
  const measured: Measurement[] = [];
  let best: { g: Genome; m: Measurement } | undefined;
  const tryGenome = async (g: Genome, label: string): Promise<void> => {
    const p = genomeProgram(g, opts.mode, opts.budget);
    if (p === undefined) return;
    const r = await m.measure(p);
    if (r === undefined || !haltsCleanly(r.status, r.error)) return;
    measured.push(r);
    const better = best === undefined || r.ratio > best.m.ratio;
    if (better) best = { g, m: r };
    log(`  ${opts.mode} search ${label}: ratio ${r.ratio.toFixed(1)}${better ? ' (best)' : ''}: ${p.name}`);
  };
  for (let i = 0; i < (opts.initial ?? 6); i++) await tryGenome(randomGenome(rng), `start ${i + 1}`);
  for (let i = 0; i < opts.iterations; i++) {
    await tryGenome(best ? mutateGenome(best.g, rng) : randomGenome(rng), `${i + 1}/${opts.iterations}`);
  }
  return { mode: opts.mode, best: best?.m, measured };
}

/** The `n` best distinct programs (by code and gas) of a search, worst ratio first. */
export function bestDistinct(measured: readonly Measurement[], n: number): Measurement[] {
  const seen = new Set<string>();
  const out: Measurement[] = [];
  for (const r of [...measured].sort((a, b) => b.ratio - a.ratio)) {
    const key = `${r.program.code}/${r.program.gasAvailable}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
    if (out.length === n) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The benchmark

/** The fixed programs of families 1-8 and 10 (the k sweeps are separate). */
export function familyPrograms(): GuestProgram[] {
  const ps: GuestProgram[] = [];
  // 1: the counter variant at a few k (the out-of-gas variant is swept over every k)
  for (const k of [1, 2, 4, 8, 16, 32, 64]) ps.push(jumpdestLoop(k, LOOP_BUDGET, 'stop'));
  ps.push(jumpdestLoop(64, LOOP_BUDGET, 'oog'));
  // the same 5-byte loop across a 64-byte boundary of the code
  for (const at of [0, 60, 63]) ps.push(jumpdestLoop(1, LOOP_BUDGET, 'oog', 0, 'PUSH0', at));
  // 2: items spilled out of the native stack
  for (const k of [1, 8, 64]) ps.push(jumpdestLoop(k, LOOP_BUDGET, 'oog', 1000));
  for (const k of [1, 8, 64]) ps.push(jumpdestLoop(k, LOOP_BUDGET, 'oog', 1023));
  for (const at of [0, 60]) ps.push(jumpdestLoop(1, LOOP_BUDGET, 'oog', 1023, 'PUSH0', at), jumpdestLoop(1, LOOP_BUDGET, 'oog', 1000, 'PUSH0', at));
  ps.push(jumpdestLoop(64, LOOP_BUDGET, 'stop', 1000));
  ps.push(jumpdestLoop(64, LOOP_BUDGET, 'oog', 1000, 'DUP1'));
  // 3: straight JUMPDESTs
  for (const n of [1024, 4096, 12288, 24575]) ps.push(straightJumpdests(n));
  // 4, 5: patterns straight-line and in loops
  for (const p of PATTERNS) ps.push(straightPattern(p));
  for (const p of PATTERNS) for (const times of [2, 3]) ps.push(repeatedPattern(p, times));
  for (const p of PATTERNS) {
    ps.push(loopPattern(p, 1, LOOP_BUDGET));
    if (blockFill(p) > 1) ps.push(loopPattern(p, blockFill(p), LOOP_BUDGET));
  }
  // 6: jumps
  ps.push(jumpChain('static'), jumpChain('dynamic'), jumpChain('backward'), jumpTable(), runEnteredEverywhere(400));
  // 7: careful path
  for (const base of [1, 480, 500, 511, 512, 1000]) {
    for (const m of [1, 16, 60]) if (base + m <= 1024) ps.push(stackOscillation(base, m, false, LOOP_BUDGET));
  }
  for (const base of [500, 1000]) ps.push(stackOscillation(base, 16, true, LOOP_BUDGET));
  for (const m of [1023 - 1, 1023 - 16]) ps.push(stackOscillation(m, 1023 - m, false, LOOP_BUDGET));
  for (const items of [17, 1000]) {
    ps.push(loopOverItems('SWAP16', 1, items, LOOP_BUDGET), loopOverItems('SWAP16', 58, items, LOOP_BUDGET), loopOverItems('DUP16 POP', 29, items, LOOP_BUDGET));
  }
  for (const items of [1000, 1023]) {
    for (const at of [0, 60]) ps.push(loopOverItems('GAS POP', 1, items, LOOP_BUDGET, at), loopOverItems('GAS POP', 29, items, LOOP_BUDGET, at));
  }
  ps.push(loopOverItems('PC POP', 29, 1023, LOOP_BUDGET, 0));
  for (const items of [17, 600, 1000, 1023 - 1]) ps.push(alternatingNeeds(items, LOOP_BUDGET));
  // 8: memory
  ps.push(mstoreGrowing(LOOP_BUDGET), mstoreGrowing(LOOP_BUDGET, MAX_CODE_SIZE), mstore8Growing(LOOP_BUDGET));
  ps.push(mstoreOnce(6000 * 32), mstoreOnce(6000 * 32, MAX_CODE_SIZE));
  ps.push(memoryLoop('MCOPY', 32 * 1024, LOOP_BUDGET), memoryLoop('CALLDATACOPY', 4096, LOOP_BUDGET), memoryLoop('KECCAK256', 32 * 1024, LOOP_BUDGET));
  ps.push(memoryLoop('CODECOPY', MAX_CODE_SIZE, LOOP_BUDGET, MAX_CODE_SIZE), memoryLoop('MCOPY', 32, LOOP_BUDGET, MAX_CODE_SIZE));
  // 10: record opcodes: every access takes one record (validated at setup, then taken), whatever its native price
  for (const op of ['BLOBHASH', 'BLOCKHASH']) {
    for (const k of [1, 16]) ps.push(recordLoop(op, k, RECORD_LOOP_BUDGET));
  }
  // 11: code of other accounts: one archive per distinct code
  for (const op of ['EXTCODESIZE', 'EXTCODECOPY'] as const) {
    for (const k of [16, 256]) ps.push(distinctCodeReads(op, k));
  }
  // 12: calls: one call record per call to an account; a precompile called by the hypervisor
  for (const kind of ['account', 'precompile'] as const) {
    for (const k of [1, 8]) ps.push(callLoop(kind, k, RECORD_LOOP_BUDGET));
  }
  return ps;
}

export interface Sweep {
  label: string;
  /** What the parameter is ("k", "items"). */
  param: string;
  points: Array<{ value: number; m: Measurement }>;
}

/** Stack heights of the height sweep: around the fast-path window (need <= r <= need + 511) and the 1024 limit. */
export const SWEEP_HEIGHTS: readonly number[] = [0, 255, 256, 257, 510, 511, 512, 513, 600, 768, 900, 1000, 1010, 1015, 1020, 1021, 1022, 1023];

export interface WorstCaseReport {
  seed: number;
  iterations: number;
  rows: Measurement[];
  sweeps: Sweep[];
  searches: SearchResult[];
  rejections: Rejection[];
  verifications: number;
  seconds: number;
  hypervisorSize: number;
  revision?: string;
  date: string;
}

export interface WorstCaseOptions {
  seed?: number;
  /** Hill-climbing steps of the loop search; the straight-line search takes a quarter of them (rounded up). */
  iterations?: number;
  /** Write scripts/bench/worst-case.md (default true). */
  write?: boolean;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

function fmtRatio(x: number): string {
  return Number.isFinite(x) ? x.toFixed(1) : '∞';
}

function statusText(m: Measurement): string {
  return m.status === 1 ? 'success' : m.status === 2 ? 'revert' : (m.error ?? 'halt');
}

function worstOf(ms: readonly Measurement[], by: (m: Measurement) => number): Measurement {
  return ms.reduce((a, b) => (by(b) > by(a) ? b : a));
}

/** Runs every family, the sweeps and the random searches; returns the report (rows sorted by ratio, worst first). */
export async function measureWorstCases(opts: WorstCaseOptions = {}): Promise<WorstCaseReport> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const iterations = opts.iterations ?? DEFAULT_ITERATIONS;
  const log = opts.log ?? ((line: string) => console.error(line));
  const started = performance.now();
  const hypervisorSize = size(compileHypervisor());
  const m = await Measurer.create();
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)}s`;

  const rows: Measurement[] = [];
  for (const p of familyPrograms()) {
    const r = await m.measure(p);
    if (r === undefined) continue;
    rows.push(r);
    log(`[${elapsed()}] ${p.family} / ${p.name}: ratio ${fmtRatio(r.ratio)} (${r.verificationGas} gas for ${r.guestGas})`);
  }

  const sweeps: Sweep[] = [];
  const sweep = async (label: string, param: string, values: readonly number[], program: (v: number) => GuestProgram): Promise<void> => {
    const s: Sweep = { label, param, points: [] };
    for (const value of values) {
      const r = await m.measure(program(value));
      if (r) s.points.push({ value, m: r });
    }
    sweeps.push(s);
    if (s.points.length === 0) return;
    const worst = s.points.reduce((a, b) => (b.m.ratio > a.m.ratio ? b : a));
    log(`[${elapsed()}] sweep ${label}: worst ${param} = ${worst.value}, ratio ${fmtRatio(worst.m.ratio)}`);
  };
  const ks = Array.from({ length: 64 }, (_, i) => i + 1);
  const budget = SWEEP_BUDGET.toLocaleString('en-US');
  await sweep(`1 JUMPDEST loop, out of gas at ${budget}, k JUMPDESTs per iteration`, 'k', ks, (k) => jumpdestLoop(k, SWEEP_BUDGET, 'oog'));
  await sweep(`2 spilled stack: 1000 items, loop over k JUMPDESTs, out of gas at ${budget}`, 'k', ks, (k) => jumpdestLoop(k, SWEEP_BUDGET, 'oog', 1000));
  await sweep(`2 spilled stack: h items, loop over 1 JUMPDEST with its head at pc 0 mod 64, out of gas at ${budget}`, 'h', SWEEP_HEIGHTS, (h) => jumpdestLoop(1, SWEEP_BUDGET, 'oog', h, 'PUSH0', 0));
  const offsets = Array.from({ length: 64 }, (_, i) => i);
  await sweep(`1 JUMPDEST loop (JUMPDEST PUSH2 JUMP) with its head at pc = P mod 64, out of gas at ${OFFSET_SWEEP_BUDGET.toLocaleString('en-US')}`, 'P', offsets, (p) => jumpdestLoop(1, OFFSET_SWEEP_BUDGET, 'oog', 0, 'PUSH0', p));

  const searches: SearchResult[] = [];
  for (const [mode, n, s] of [['loop', iterations, seed], ['straight', Math.ceil(iterations / 4), seed + 1]] as const) {
    log(`[${elapsed()}] ${mode} search: seed ${s}, ${n} iterations`);
    const result = await randomSearch(m, { mode, seed: s, iterations: n, initial: mode === 'loop' ? 6 : 3, log });
    searches.push(result);
    rows.push(...bestDistinct(result.measured, 3));
  }
  rows.sort((a, b) => b.ratio - a.ratio);
  log(`[${elapsed()}] done: ${m.verifications} verifications`);
  const revision = sourceRevision();
  return {
    seed,
    iterations,
    rows,
    sweeps,
    searches,
    rejections: m.rejections,
    verifications: m.verifications,
    seconds: (performance.now() - started) / 1000,
    hypervisorSize,
    ...(revision ? { revision } : {}),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

/** The report as markdown; its last line is `worst ratio found: X (program …)`. */
export function renderWorstCases(r: WorstCaseReport): string {
  const n = (x: bigint | number): string => x.toLocaleString('en-US');
  const lines: string[] = [];
  lines.push('<!-- generated by `tsx scripts/bench/worst-case.ts` (scripts/bench/worst-case.ts); do not edit -->');
  lines.push('# Worst-case verification gas');
  lines.push('');
  lines.push(
    `Adversarial guest programs, run natively (@ethereumjs/evm) and verified in process (LocalHypervisor); every honest witness must be accepted. ` +
      `Verification gas is the execution gas of the hypervisor call (no transaction base cost or calldata gas); setup gas is the verification gas ` +
      `of the same code and calldata with gasAvailable 0 (everything before the first guest instruction, including the first ` +
      `instruction's first reach). Loops marked "out of gas" run until gasAvailable is used up (an exceptional halt: guest gas = gasAvailable); the others end ` +
      `with STOP. A verdict must fit in one transaction: ${n(TX_GAS_LIMIT)} gas (2^24); ratio target <= ${TARGET_RATIO}, aim ${AIM_RATIO}.`,
  );
  lines.push('');
  lines.push(
    `Run: seed ${r.seed}, ${r.iterations} loop-search iterations (${Math.ceil(r.iterations / 4)} straight-line), ${n(r.verifications)} verifications, ` +
      `${r.seconds.toFixed(0)} s, ${r.date}. Hypervisor: ${n(r.hypervisorSize)} bytes of runtime code` +
      (r.revision ? `, built from commit ${r.revision}.` : '.'),
  );
  lines.push('');
  lines.push('| # | family | program | code bytes | guest gas | guest outcome | verification gas | setup gas | ratio | ratio without setup | over 2^24 |');
  lines.push('|---:|---|---|---:|---:|---|---:|---:|---:|---:|---|');
  r.rows.forEach((m, i) => {
    lines.push(
      `| ${i + 1} | ${m.program.family} | ${m.program.name} | ${n(m.codeSize)} | ${n(m.guestGas)} | ${statusText(m)} | ${n(m.verificationGas)} | ${n(m.setupGas)} | ` +
        `${fmtRatio(m.ratio)} | ${fmtRatio(m.ratioWithoutSetup)} | ${m.verificationGas > TX_GAS_LIMIT ? '**yes**' : ''} |`,
    );
  });
  lines.push('');
  lines.push('Sweeps (ratio, and ratio without setup in parentheses):');
  lines.push('');
  for (const s of r.sweeps) {
    if (s.points.length === 0) continue;
    const worst = s.points.reduce((a, b) => (b.m.ratio > a.m.ratio ? b : a));
    lines.push(`- ${s.label}: worst ${s.param} = ${worst.value} (${fmtRatio(worst.m.ratio)}). ` + s.points.map((p) => `${s.param}=${p.value}: ${fmtRatio(p.m.ratio)} (${fmtRatio(p.m.ratioWithoutSetup)})`).join(', '));
  }
  lines.push('');
  const searched = r.searches.flatMap((s) => s.measured);
  const all = [...r.rows, ...r.sweeps.flatMap((s) => s.points.map((p) => p.m)), ...searched];
  const over = all.filter((m) => m.verificationGas > TX_GAS_LIMIT);
  const maxGas = worstOf(all, (m) => Number(m.verificationGas));
  const overTarget = all.filter((m) => m.ratio > TARGET_RATIO).length;
  lines.push(`- Programs measured: ${all.length} (table rows, sweep points and search candidates; the table keeps the 3 best of each search); ratio over ${TARGET_RATIO}: ${overTarget}.`);
  lines.push(`- Largest verification gas: ${n(maxGas.verificationGas)} (${maxGas.program.family} / ${maxGas.program.name}, ratio ${fmtRatio(maxGas.ratio)}); ${over.length} program(s) over 2^24.`);
  for (const s of r.searches) if (s.best) lines.push(`- Random search (${s.mode}), ${s.measured.length} candidates: best ratio ${fmtRatio(s.best.ratio)} (${s.best.program.name}).`);
  const loops = all.filter((m) => m.status === 0 && m.error === 'out of gas' && m.guestGas >= SWEEP_BUDGET);
  if (loops.length > 0) {
    const w = worstOf(loops, (m) => m.ratioWithoutSetup);
    lines.push(`- Worst ratio without setup among loops run to out of gas (>= ${n(SWEEP_BUDGET)} guest gas, the rate a long run sustains): ${fmtRatio(w.ratioWithoutSetup)} (${w.program.family} / ${w.program.name}).`);
  }
  if (r.rejections.length > 0) {
    lines.push('');
    lines.push(`**${r.rejections.length} honest witness(es) REJECTED (hypervisor bug):**`);
    for (const x of r.rejections) lines.push(`- ${x.program.family} / ${x.program.name} (${x.phase}, gasAvailable ${x.program.gasAvailable}): ${x.verdict}; code ${x.program.code.length > 202 ? `${x.program.code.slice(0, 202)}…` : x.program.code}`);
  } else {
    lines.push('- Every honest witness was accepted.');
  }
  lines.push('');
  const worst = worstOf(all, (m) => m.ratio);
  lines.push(`worst ratio found: ${fmtRatio(worst.ratio)} (program ${worst.program.family} / ${worst.program.name}; ${n(worst.verificationGas)} verification gas for ${n(worst.guestGas)} guest gas)`);
  return lines.join('\n');
}

/** Measures, prints the table on stdout and (unless write is false) writes scripts/bench/worst-case.md. */
export async function runWorstCaseBench(opts: WorstCaseOptions = {}): Promise<WorstCaseReport> {
  const report = await measureWorstCases(opts);
  const table = renderWorstCases(report);
  publishReport(table, WORST_CASE_REPORT, opts.write ?? true);
  return report;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      iterations: { type: 'string', default: String(DEFAULT_ITERATIONS) },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const seed = Number(values.seed);
  const iterations = Number(values.iterations);
  if (!Number.isInteger(seed) || !Number.isInteger(iterations) || iterations < 0) {
    console.error('usage: tsx scripts/bench/worst-case.ts [--seed S] [--iterations N] [--no-write]');
    process.exit(2);
  }
  runWorstCaseBench({ seed, iterations, write: !values['no-write'] }).catch((e: unknown) => {
    console.error(e instanceof Error ? e.stack ?? e.message : e);
    process.exit(1);
  });
}
