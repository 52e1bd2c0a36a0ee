/**
 * The precompiles of the target fork (Prague): 0x01-0x0a and the BLS12-381 ones of EIP-2537, 0x0b-0x11. A message to
 * one runs the precompile, not code; the hypervisor answers PRECOMPILE_FRAME for a witness whose `to` is one
 * (src/hypervisor/Setup.huff, CHECK_NOT_PRECOMPILE, LAST_PRECOMPILE).
 */
import { PRECOMPILE_LAYOUT } from '../hypervisor/layout.ts';
import type { Hex } from '../witness/types.ts';

/** The highest precompile address of the target fork; every address from 0x01 up to it is one. */
export const LAST_PRECOMPILE: number = PRECOMPILE_LAYOUT.LAST_PRECOMPILE;

/** Whether `address` is a precompile of the target fork. */
export function isPrecompile(address: Hex): boolean {
  const n = BigInt(address);
  return n >= 1n && n <= BigInt(LAST_PRECOMPILE);
}
