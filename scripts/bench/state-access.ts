/**
 * What verifying one access to state, block values or logs costs (docs/gas.md, "Gas table"): a loop of ACCESS_LOOPS
 * iterations whose body runs the access, against the same loop with the access replaced by local opcodes of the same
 * stack effect. The difference per iteration is the access's verification cost (finding its key, its gas rule, its
 * key state, the block it ends, and validating its share of the witness at setup); the native difference plus the
 * replacement's own gas is its native cost.
 */
import { assemble } from '../../lib/evm/asm.ts';
import type { LocalHypervisor } from '../../lib/hypervisor/ethereumjs.ts';
import { buildHonestWitness, defaultContext } from '../../lib/native/index.ts';
import { encodeWitness } from '../../lib/witness/abi.ts';
import type { Hex } from '../../lib/witness/types.ts';

export const ACCESS_LOOPS = 200;

export interface StateAccessCase {
  /** What is accessed, and how. */
  label: string;
  /** The loop body with the access (the loop counter is on top of the stack; DUP1 reads it). */
  body: string;
  /** The same body with the access replaced by local opcodes of the same stack effect. */
  replacement: string;
  /** Native gas of what `replacement` has instead of the access. */
  replacementGas: number;
}

export const STATE_ACCESS_CASES: readonly StateAccessCase[] = [
  { label: 'SLOAD, one slot (warm after the first)', body: 'PUSH 1 SLOAD POP', replacement: 'PUSH 1 ISZERO POP', replacementGas: 3 },
  { label: `SLOAD, ${ACCESS_LOOPS} slots (each cold, ${ACCESS_LOOPS} storage keys)`, body: 'DUP1 SLOAD POP', replacement: 'DUP1 ISZERO POP', replacementGas: 3 },
  { label: 'SSTORE, one slot, a new value each time (dirty after the first)', body: 'DUP1 PUSH 1 SSTORE', replacement: 'DUP1 PUSH 1 ADD POP', replacementGas: 5 },
  { label: `SSTORE, ${ACCESS_LOOPS} slots (each cold and clean: 22,100)`, body: 'DUP1 DUP1 SSTORE', replacement: 'DUP1 DUP1 ADD POP', replacementGas: 5 },
  { label: 'TLOAD, one slot', body: 'PUSH 1 TLOAD POP', replacement: 'PUSH 1 ISZERO POP', replacementGas: 3 },
  { label: 'TSTORE, one slot', body: 'DUP1 PUSH 1 TSTORE', replacement: 'DUP1 PUSH 1 ADD POP', replacementGas: 5 },
  { label: 'BALANCE of ADDRESS (warm)', body: 'ADDRESS BALANCE POP', replacement: 'ADDRESS ISZERO POP', replacementGas: 3 },
  { label: `BALANCE, ${ACCESS_LOOPS} accounts (each cold, ${ACCESS_LOOPS} account keys)`, body: 'DUP1 PUSH 0x1000 ADD BALANCE POP', replacement: 'DUP1 PUSH 0x1000 ADD ISZERO POP', replacementGas: 3 },
  { label: 'SELFBALANCE', body: 'SELFBALANCE POP', replacement: 'PC POP', replacementGas: 2 },
  { label: 'EXTCODESIZE of ADDRESS (read from the archive)', body: 'ADDRESS EXTCODESIZE POP', replacement: 'ADDRESS ISZERO POP', replacementGas: 3 },
  { label: 'EXTCODEHASH of ADDRESS', body: 'ADDRESS EXTCODEHASH POP', replacement: 'ADDRESS ISZERO POP', replacementGas: 3 },
  { label: 'EXTCODECOPY of 32 bytes of ADDRESS', body: 'PUSH 32 PUSH0 PUSH0 ADDRESS EXTCODECOPY', replacement: 'PUSH 32 PUSH0 PUSH0 ADDRESS POP POP POP POP', replacementGas: 8 },
  { label: 'TIMESTAMP (a block value)', body: 'TIMESTAMP POP', replacement: 'PC POP', replacementGas: 2 },
  { label: 'LOG0 of 32 bytes', body: 'PUSH 32 PUSH0 LOG0', replacement: 'PUSH 32 PUSH0 POP POP', replacementGas: 4 },
  { label: 'LOG2 of 32 bytes', body: 'PUSH 2 PUSH 1 PUSH 32 PUSH0 LOG2', replacement: 'PUSH 2 PUSH 1 PUSH 32 PUSH0 POP POP POP POP', replacementGas: 8 },
  // a call (its record states the callee's outcome; the POP after it stays): the replacement pops the 7 operands
  { label: 'CALL of an account without code, 5,000 gas (warm after the first)', body: 'PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH 0xbeef PUSH 5000 CALL POP', replacement: 'PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH 0xbeef PUSH 5000 POP POP POP POP POP POP POP', replacementGas: 12 },
  // a precompile, called by the hypervisor itself (no record)
  { label: 'STATICCALL of IDENTITY, 32 bytes in and out', body: 'PUSH 32 PUSH0 PUSH 32 PUSH0 PUSH 4 PUSH 5000 STATICCALL POP', replacement: 'PUSH 32 PUSH0 PUSH 32 PUSH0 PUSH 4 PUSH 5000 POP POP POP POP POP POP', replacementGas: 10 },
  // a create (its record states the creation frame's outcome; each iteration creates at the next nonce): the replacement pops the 3 operands and pushes one
  { label: 'CREATE of an empty contract (a new address each time)', body: 'PUSH0 PUSH0 PUSH0 CREATE POP', replacement: 'PUSH0 PUSH0 PUSH0 POP POP POP', replacementGas: 4 },
];

export interface StateAccessRow {
  label: string;
  nativeGas: number;
  verificationGas: number;
  witnessBytes: number;
}

const loop = (body: string): Hex => assemble(`PUSH ${ACCESS_LOOPS} top: JUMPDEST ${body} PUSH 1 SWAP1 SUB DUP1 @top JUMPI STOP`);

/** Measures every case on `hv` (each honest witness must be accepted). */
export async function measureStateAccess(hv: LocalHypervisor, cases: readonly StateAccessCase[] = STATE_ACCESS_CASES): Promise<StateAccessRow[]> {
  const rows: StateAccessRow[] = [];
  for (const c of cases) {
    const run = async (code: Hex): Promise<{ gas: bigint; native: bigint; bytes: number }> => {
      const { file, native } = await buildHonestWitness(defaultContext({ code }));
      if (native.status !== 1) throw new Error(`bench: "${c.label}": the loop does not succeed natively (${native.error ?? ''})`);
      const r = await hv.verify(file);
      if (r.verdict.kind !== 'valid') throw new Error(`bench: "${c.label}": honest witness not accepted: ${JSON.stringify(r.verdict)}`);
      return { gas: r.hypervisorGas, native: native.gasUsed, bytes: (encodeWitness(file.witness).length - 2) / 2 };
    };
    const withAccess = await run(loop(c.body));
    const without = await run(loop(c.replacement));
    rows.push({
      label: c.label,
      nativeGas: Number(withAccess.native - without.native) / ACCESS_LOOPS + c.replacementGas,
      verificationGas: Number(withAccess.gas - without.gas) / ACCESS_LOOPS,
      witnessBytes: (withAccess.bytes - without.bytes) / ACCESS_LOOPS,
    });
  }
  return rows;
}

/** The rows as a Markdown table. */
export function stateAccessTable(rows: readonly StateAccessRow[]): string[] {
  const out = ['| access | native gas | verification gas | ratio | witness bytes |', '|---|---:|---:|---:|---:|'];
  for (const r of rows) {
    out.push(`| ${r.label} | ${r.nativeGas.toFixed(0)} | ${r.verificationGas.toFixed(0)} | ${(r.verificationGas / r.nativeGas).toFixed(2)} | ${r.witnessBytes.toFixed(0)} |`);
  }
  return out;
}
