/**
 * lib/evm/opcodes.ts (the single source of the hypervisor's opcode facts) checked against what it
 * describes: @ethereumjs/evm's Prague opcode table, dynamic gas handlers and execution (stack
 * effects), and the Huff sources of the hypervisor (where each handler is defined and which witness
 * fields it reads). The files generated from it are checked to be up to date.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, getOpcodesForHF, paramsEVM, type InterpreterStep } from '@ethereumjs/evm';
import { Account, createAddressFromString, createZeroAddress } from '@ethereumjs/util';
import { execa } from 'execa';
import { FAMILIES, fusedHandler, OP, OPCODES, PUSH_FUSIONS, type BlockField, type ContextField, type OpSpec } from './opcodes.ts';
import { GENERATED_FILES } from '../../scripts/gen-optable.ts';

const common = (): Common => new Common({ chain: Mainnet, hardfork: Hardfork.Prague, params: paramsEVM });
const reference = getOpcodesForHF(common());
const DEFINED = OPCODES.filter((o) => o.kind !== 'undefined');
const hex = (o: OpSpec): string => `0x${o.code.toString(16).padStart(2, '0')} ${o.name}`;

test('the same opcodes are defined as in @ethereumjs/evm (Prague)', () => {
  for (const o of OPCODES) {
    const ref = reference.opcodes.get(o.code);
    assert.equal(o.kind !== 'undefined', ref !== undefined, hex(o));
    if (ref) assert.equal(o.name, ref.fullName === 'SHA3' ? 'KECCAK256' : ref.fullName);
  }
});

test('static gas of every opcode the hypervisor executes equals the reference fee', () => {
  for (const o of OPCODES.filter((x) => x.kind === 'local' || x.kind === 'recorded' || x.kind === 'keyed')) {
    const ref = reference.opcodes.get(o.code)!;
    // INVALID consumes all gas through the halt, not through a fee
    if (o.name === 'INVALID') continue;
    // LOGn's handler charges its 375 with the rest, CREATE's and CREATE2's their 32,000, SELFDESTRUCT's its 5,000
    // (an OP_META word holds static gas below 256)
    if (o.dynamicGas === 'log' || o.dynamicGas === 'create' || o.dynamicGas === 'create2' || o.dynamicGas === 'selfdestruct') {
      assert.equal(o.gas, 0, o.name);
      continue;
    }
    assert.equal(o.gas, ref.fee, `${o.name}: static gas ${o.gas}, reference ${ref.fee}`);
  }
});

test('an opcode has a dynamic-gas rule exactly when @ethereumjs/evm has a dynamic gas handler for it', () => {
  for (const o of DEFINED) {
    assert.equal(o.dynamicGas !== 'none', reference.dynamicGasHandlers.has(o.code), `${hex(o)}: rule ${o.dynamicGas}`);
  }
});

test('an opcode with a memory range operand has a dynamic-gas rule that charges memory expansion', () => {
  const chargesMemory = new Set(['memoryExpansion', 'copyWords', 'keccakWords', 'coldWarmAccountCopy', 'log', 'call', 'create', 'create2']);
  for (const o of DEFINED) {
    assert.equal(o.operands.includes('memOffset'), chargesMemory.has(o.dynamicGas), `${hex(o)}: rule ${o.dynamicGas}, operands ${o.operands.join(',')}`);
  }
});

test('a record kind is stated exactly for the opcodes that take a record, a key list exactly for keyed opcodes, and a block field exactly for the block opcodes', () => {
  const blockFields: readonly BlockField[] = ['coinbase', 'timestamp', 'number', 'prevrandao', 'gasLimit', 'chainId', 'baseFee', 'blobBaseFee'];
  const blockOpcodes = ['COINBASE', 'TIMESTAMP', 'NUMBER', 'PREVRANDAO', 'GASLIMIT', 'CHAINID', 'BASEFEE', 'BLOBBASEFEE'];
  for (const o of OPCODES) {
    const takesRecord = o.kind === 'recorded' || o.name === 'SSTORE';
    assert.equal(o.recordKind !== 'none', takesRecord, hex(o));
    assert.equal(o.keyList !== 'none', o.kind === 'keyed', hex(o));
    assert.equal(blockFields.includes(o.field as BlockField), blockOpcodes.includes(o.name), `${hex(o)}: field ${o.field}`);
    if (blockOpcodes.includes(o.name)) assert.equal(o.kind, 'local', hex(o));
  }
});

test('each opcode has one operand role per popped item', () => {
  for (const o of OPCODES) assert.equal(o.operands.length, o.pops, hex(o));
});

// ---------------------------------------------------------------------------------------------
// Stack effects, measured by running each opcode in @ethereumjs/evm

interface Probe {
  underflow: boolean;
  /** Stack height at the instruction after the opcode, if execution got there. */
  heightAfter?: number;
}

/** A complete block: the default one lacks the base fees that BASEFEE and BLOBBASEFEE read. */
const BLOCK = {
  header: {
    number: 1n, coinbase: createZeroAddress(), timestamp: 1n, difficulty: 0n, prevRandao: new Uint8Array(32), gasLimit: 30_000_000n,
    baseFeePerGas: 7n, getBlobGasPrice: () => 1n,
  },
};

const TO = createAddressFromString('0x2000000000000000000000000000000000000002');
const CALLER = createAddressFromString('0x1000000000000000000000000000000000000001');

async function probe(op: number, items: number): Promise<Probe> {
  const evm = await createEVM({ common: common() });
  // `items` zero words, the opcode, then STOP (whose step shows the stack the opcode left)
  const code = Uint8Array.from([...Array<number>(items).fill(OP.PUSH0), op, OP.STOP]);
  for (const a of [TO, CALLER]) await evm.stateManager.putAccount(a, new Account());
  await evm.stateManager.putCode(TO, code);
  let heightAfter: number | undefined;
  evm.events.on('step', (s: InterpreterStep) => {
    if (s.depth === 0 && s.pc === items + 1) heightAfter = s.stack.length;
  });
  const r = await evm.runCall({ to: TO, caller: CALLER, origin: CALLER, gasLimit: 10_000_000n, block: BLOCK });
  return { underflow: r.execResult.exceptionError?.error === 'stack underflow', heightAfter };
}

test('pops and pushes of every opcode match its execution in @ethereumjs/evm', async () => {
  for (const o of DEFINED) {
    if (o.immediate > 0) continue; // PUSHn takes its data as the STOP after it
    if (o.pops > 0) assert.ok((await probe(o.code, o.pops - 1)).underflow, `${hex(o)} pops more than ${o.pops - 1}`);
    const full = await probe(o.code, o.pops);
    assert.ok(!full.underflow, `${hex(o)} pops no more than ${o.pops}`);
    if (full.heightAfter !== undefined) assert.equal(full.heightAfter, o.pushes, `${hex(o)} pushes`);
    else assert.ok(o.endsBlock, `${hex(o)}: execution did not continue after it`);
  }
});

/** Whether `op` over `items` words of `word` halts as a static-state change when run in a static frame. */
async function haltsInStaticFrame(op: number, items: number, word: 0 | 1): Promise<boolean> {
  const evm = await createEVM({ common: common() });
  const push = word === 0 ? [OP.PUSH0] : [OP.PUSH1, 1];
  const code = Uint8Array.from([...Array.from({ length: items }, () => push).flat(), op, OP.STOP]);
  for (const a of [TO, CALLER]) await evm.stateManager.putAccount(a, new Account());
  await evm.stateManager.putCode(TO, code);
  const r = await evm.runCall({ to: TO, caller: CALLER, origin: CALLER, gasLimit: 10_000_000n, block: BLOCK, isStatic: true });
  return r.execResult.exceptionError?.error === 'static state change';
}

test("each opcode's rule in a static frame matches @ethereumjs/evm: halts always, only with value, or runs", async () => {
  for (const o of DEFINED) {
    if (o.immediate > 0) continue;
    // operands of 1 (a nonzero value for CALL) and of 0 (no value)
    const withOnes = await haltsInStaticFrame(o.code, o.pops, 1);
    const withZeros = await haltsInStaticFrame(o.code, o.pops, 0);
    const rule = withOnes && withZeros ? 'halts' : withOnes ? 'haltsWithValue' : 'runs';
    assert.equal(o.inStaticFrame, rule, hex(o));
  }
});

// ---------------------------------------------------------------------------------------------
// The Huff sources

const INSTRUCTIONS = fileURLToPath(new URL('../../src/hypervisor/instructions/', import.meta.url));
const HUFF = new Map(readdirSync(INSTRUCTIONS).filter((f) => f.endsWith('.huff')).map((f) => [f.slice(0, -'.huff'.length), readFileSync(INSTRUCTIONS + f, 'utf8')]));

/** The files of src/hypervisor/instructions (without .huff) that define `label`. */
function filesDefining(label: string): string[] {
  const definition = new RegExp(`^\\s*${label}:`, 'm');
  return [...HUFF].filter(([, text]) => definition.test(text)).map(([file]) => file);
}

/** The text of each `op_*` handler: from its label to the next `op_*` label or macro definition. */
function handlerBodies(): Map<string, string> {
  const bodies = new Map<string, string>();
  for (const text of HUFF.values()) {
    const starts = [...text.matchAll(/^\s*(op_[a-z0-9_]+):/gm)];
    starts.forEach((m, i) => {
      const from = m.index!;
      const next = starts[i + 1]?.index ?? text.length;
      const macroEnd = text.indexOf('#define', from);
      bodies.set(m[1]!, text.slice(from, macroEnd === -1 ? next : Math.min(next, macroEnd)));
    });
  }
  return bodies;
}

test('every opcode family is a file of src/hypervisor/instructions', () => {
  for (const f of FAMILIES) assert.ok(HUFF.has(f), `${f}.huff`);
});

test("each opcode's handler label is defined in exactly one file: the one its family names", () => {
  for (const o of OPCODES) assert.deepEqual(filesDefining(o.handler), [o.family], `${hex(o)}: ${o.handler}`);
});

test('every PUSH1/PUSH2 fusion handler is defined in Fused.huff', () => {
  for (const name of PUSH_FUSIONS) {
    for (const n of [1, 2] as const) assert.deepEqual(filesDefining(fusedHandler(n, name)), ['Fused'], fusedHandler(n, name));
  }
});

test("the field a local opcode reads is the one its handler loads from the witness or the frame's calldata and code", () => {
  // the hypervisor's constants for each message field (src/hypervisor/WitnessLayout.huff, MemoryLayout.huff)
  const fieldOf: Record<string, ContextField> = {
    W_ORIGIN: 'origin', W_CALLER: 'caller', W_CONTEXT: 'context', W_CALLVALUE: 'callvalue', W_GAS_PRICE: 'gasPrice',
    W_COINBASE: 'coinbase', W_TIMESTAMP: 'timestamp', W_NUMBER: 'number', W_PREVRANDAO: 'prevrandao', W_GAS_LIMIT: 'gasLimit',
    W_CHAIN_ID: 'chainId', W_BASE_FEE: 'baseFee', W_BLOB_BASE_FEE: 'blobBaseFee',
    MEM_CALLDATA_LEN: 'calldata', MEM_CALLDATA_START: 'calldata', MEM_CODE_LEN: 'code', MEM_CODE_BASE: 'code',
  };
  const bodies = handlerBodies();
  for (const o of OPCODES.filter((x) => x.kind === 'local')) {
    const body = bodies.get(o.handler);
    assert.ok(body !== undefined, `${hex(o)}: no body for ${o.handler}`);
    const read = new Set([...body.matchAll(/\[([A-Z0-9_]+)\]/g)].map((m) => fieldOf[m[1]!]).filter((f) => f !== undefined));
    assert.deepEqual([...read], o.field === 'none' ? [] : [o.field], hex(o));
  }
});

// ---------------------------------------------------------------------------------------------
// The name map and the generated files

test('OP maps every defined opcode name to its number, and only those', () => {
  assert.equal(Object.keys(OP).length, DEFINED.length);
  for (const o of DEFINED) assert.equal((OP as Record<string, number>)[o.name], o.code, o.name);
  assert.ok(Object.isFrozen(OP));
  // spot checks against the Yellow Paper numbering
  assert.deepEqual([OP.STOP, OP.MSTORE, OP.JUMPDEST, OP.PUSH1, OP.PUSH32, OP.DUP16, OP.SWAP1, OP.LOG4, OP.SELFDESTRUCT], [0, 0x52, 0x5b, 0x60, 0x7f, 0x8f, 0x90, 0xa4, 0xff]);
});

for (const f of GENERATED_FILES) {
  test(`${f.path} is what scripts/gen-optable.ts generates from lib/evm/opcodes.ts`, () => {
    const onDisk = readFileSync(fileURLToPath(new URL(`../../${f.path}`, import.meta.url)), 'utf8');
    assert.ok(onDisk.startsWith('// GENERATED by scripts/gen-optable.ts') || onDisk.startsWith('<!-- GENERATED by scripts/gen-optable.ts') || onDisk.startsWith('/// Opcode tables of the hypervisor. GENERATED by scripts/gen-optable.ts'), `${f.path}: header`);
    assert.equal(onDisk, f.render(), `${f.path} is out of date: run \`npx tsx scripts/gen-optable.ts\``);
  });
}

test('gen-optable --check passes on the checked-in files', async () => {
  const script = fileURLToPath(new URL('../../scripts/gen-optable.ts', import.meta.url));
  const r = await execa('npx', ['tsx', script, '--check'], { reject: false });
  assert.equal(r.exitCode, 0, r.stderr);
});

test('docs/gas.md has one formula row for each dynamic-gas rule of an opcode the hypervisor executes', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/gas.md', import.meta.url)), 'utf8');
  const documented = [...doc.matchAll(/^ *\| `(\w+)` \| [^|]+\| `[A-Z_]+`/gm)].map((m) => m[1]).sort();
  const executed = OPCODES.filter((o) => o.kind === 'local' || o.kind === 'recorded' || o.kind === 'keyed');
  const used = [...new Set(executed.filter((o) => o.dynamicGas !== 'none').map((o) => o.dynamicGas))].sort();
  assert.deepEqual(documented, used);
});
