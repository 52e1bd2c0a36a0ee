/**
 * The binary batch format read by script/VerifyBatch.s.sol and the JSON Lines it writes back.
 * Input: abi.encode(bool revmNative, Case[] cases) — one blob, decoded by the script in one step.
 */
import { encodeAbiParameters } from 'viem';
import { BLOCK_VALUES_COMPONENTS, encodeWitness, type Hex, type WitnessFile } from '../witness/index.ts';

/**
 * A case: a witness file, optionally with the hypervisor's calldata replaced (malformed encodings). The script
 * archives `code` and every `accountCode` before verifying; the native run uses the witness's context and block.
 */
export type BatchCase = WitnessFile & {
  /** Calldata for the hypervisor instead of encodeWitness(witness); the native run still uses `witness`. */
  rawWitness?: Hex;
};

/** Mirror of `VerifyBatch.Case`. */
export const CASE_COMPONENTS = [
  { name: 'code', type: 'bytes' },
  { name: 'to', type: 'address' },
  { name: 'witness', type: 'bytes' },
  { name: 'caller', type: 'address' },
  { name: 'origin', type: 'address' },
  { name: 'context', type: 'address' },
  { name: 'value', type: 'uint256' },
  { name: 'gasAvailable', type: 'uint256' },
  { name: 'gasPrice', type: 'uint256' },
  { name: 'isStatic', type: 'bool' },
  { name: 'calldata_', type: 'bytes' },
  { name: 'block_', type: 'tuple', components: BLOCK_VALUES_COMPONENTS },
  { name: 'accountCode', type: 'bytes[]' },
] as const;

const BATCH_TYPE = [{ type: 'bool' }, { type: 'tuple[]', components: CASE_COMPONENTS }] as const;

export function encodeBatch(cases: readonly BatchCase[], revmNative: boolean): Hex {
  return encodeAbiParameters(BATCH_TYPE, [
    revmNative,
    cases.map((c) => {
      const w = c.witness;
      return {
        code: c.code,
        to: w.to,
        witness: c.rawWitness ?? encodeWitness(w),
        caller: w.caller,
        origin: w.origin,
        context: w.context,
        value: w.callvalue,
        gasAvailable: w.gasAvailable,
        gasPrice: w.gasPrice,
        isStatic: w.isStatic,
        calldata_: w.calldata,
        block_: { ...w.block, coinbase: w.block.coinbase.toLowerCase() as Hex },
        accountCode: c.accountCode ?? [],
      };
    }),
  ]);
}

/** One line of the script's output, as written. */
export interface RawResultLine {
  i: number;
  ok: boolean;
  data: Hex;
  gas: string;
  error?: string;
  native?: { status: 0 | 1 | 2; gasUsed: string; returndata: Hex } | { status: 'unknown'; reason: string };
}

export function parseResultLine(line: string): RawResultLine {
  const v = JSON.parse(line) as RawResultLine;
  if (typeof v.i !== 'number' || typeof v.ok !== 'boolean' || typeof v.data !== 'string' || typeof v.gas !== 'string') {
    throw new Error(`malformed result line: ${line.slice(0, 200)}`);
  }
  return v;
}
