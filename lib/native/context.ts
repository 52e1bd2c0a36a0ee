/** The call context of one EVM message, as the reference execution and the witness builder see it. */
import type { Hex } from '../witness/types.ts';

export interface MessageContext {
  /** Code of `to`, the account whose code runs. */
  code: Hex;
  calldata: Hex;
  callvalue: bigint;
  /** Gas given to this message. */
  gasAvailable: bigint;
  caller: Hex;
  origin: Hex;
  /** The account whose code runs. */
  to: Hex;
  /** The executing account (ADDRESS, storage owner); differs from `to` in a DELEGATECALL frame. */
  context: Hex;
  gasPrice: bigint;
  isStatic: boolean;
}

export const DEFAULT_ORIGIN: Hex = '0x1000000000000000000000000000000000000001';
export const DEFAULT_CALLER: Hex = DEFAULT_ORIGIN;
export const DEFAULT_TO: Hex = '0x2000000000000000000000000000000000000002';
export const DEFAULT_GAS = 10_000_000n;

/**
 * A full context from a partial one. Defaults: empty code and calldata, caller = origin =
 * 0x1000…0001, to = 0x2000…0002, context = to (a plain CALL frame), gas 10,000,000, value 0,
 * gasPrice 0, not static. Addresses and hex are lowercased.
 */
export function defaultContext(partial: Partial<MessageContext> = {}): MessageContext {
  const to = (partial.to ?? DEFAULT_TO).toLowerCase() as Hex;
  return {
    code: (partial.code ?? '0x').toLowerCase() as Hex,
    calldata: (partial.calldata ?? '0x').toLowerCase() as Hex,
    callvalue: partial.callvalue ?? 0n,
    gasAvailable: partial.gasAvailable ?? DEFAULT_GAS,
    caller: (partial.caller ?? DEFAULT_CALLER).toLowerCase() as Hex,
    origin: (partial.origin ?? DEFAULT_ORIGIN).toLowerCase() as Hex,
    to,
    context: (partial.context ?? to).toLowerCase() as Hex,
    gasPrice: partial.gasPrice ?? 0n,
    isStatic: partial.isStatic ?? false,
  };
}
