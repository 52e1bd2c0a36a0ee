/**
 * EIP-7702 delegation designators: the code of a delegated account is 0xef0100 followed by the delegate's address.
 * No frame runs these 23 bytes (a call or transaction to the account runs the delegate's code); the hypervisor
 * answers DELEGATION_CODE for a witness whose codeHash names one (src/hypervisor/Setup.huff, CHECK_NOT_DELEGATION).
 */
import type { Hex } from '../witness/types.ts';

/** The first three bytes of a delegation designator. */
export const DELEGATION_PREFIX = '0xef0100';
/** A designator's length: the prefix and a 20-byte address. */
export const DELEGATION_CODE_SIZE = 23;

/** The delegate's address when `code` is a delegation designator, else undefined. */
export function delegateOf(code: Hex): Hex | undefined {
  const c = code.toLowerCase();
  if (c.length !== 2 + 2 * DELEGATION_CODE_SIZE || !c.startsWith(DELEGATION_PREFIX)) return undefined;
  return `0x${c.slice(DELEGATION_PREFIX.length)}`;
}
