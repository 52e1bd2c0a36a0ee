/** The call context of one EVM message, as the reference execution and the witness builder see it. */
import type { BlockValues, Hex } from '../witness/types.ts';

/** A slot of `context`'s storage at frame entry. */
export interface SlotState {
  slot: bigint;
  /** Its value at frame entry. */
  value: bigint;
  /** Its value at transaction start (EIP-2200/3529); defaults to `value`. */
  original?: bigint;
  /** Warm at frame entry (EIP-2929); defaults to false. */
  warm?: boolean;
}

/** An account at frame entry (other than by the message's own value transfer, which the run makes). */
export interface AccountState {
  address: Hex;
  balance?: bigint;
  nonce?: bigint;
  /** Its code; `to`'s code is the message's `code` and need not be given. */
  code?: Hex;
  /**
   * Its storage at transaction start (the accounts a callee frame runs in: lib/native/tree.ts); `context`'s storage is
   * PreState.storage, which takes precedence for its slots.
   */
  storage?: readonly { slot: bigint; value: bigint }[];
}

/**
 * The world the frame starts in, as far as its opcodes can see it: `context`'s storage and transient storage, the
 * accounts, and the accounts warm besides the ones every message has warm (origin, caller, to, context, the block's
 * coinbase and the precompiles).
 */
export interface PreState {
  storage?: readonly SlotState[];
  transientStorage?: readonly { slot: bigint; value: bigint }[];
  accounts?: readonly AccountState[];
  warmAccounts?: readonly Hex[];
}

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
  /** The block the transaction runs in; DEFAULT_BLOCK when omitted. */
  block?: BlockValues;
  /** The world at frame entry; empty (no storage, no other accounts) when omitted. */
  preState?: PreState;
}

/**
 * The value the message's own transfer moves from `caller` to `context` before its first opcode: `callvalue` in a plain
 * call (to = context) from another account; 0 in a DELEGATECALL frame (no transfer) and in a call to oneself (no net
 * change). An account's balance at the first opcode is its balance before the message plus balanceChangeOf.
 */
export function transferredValue(ctx: Pick<MessageContext, 'to' | 'context' | 'caller' | 'callvalue'>): bigint {
  const context = ctx.context.toLowerCase();
  return ctx.to.toLowerCase() === context && ctx.caller.toLowerCase() !== context ? ctx.callvalue : 0n;
}

/** How the message's own value transfer changes `account`'s balance before the first opcode (see transferredValue). */
export function balanceChangeOf(ctx: Pick<MessageContext, 'to' | 'context' | 'caller' | 'callvalue'>, account: Hex): bigint {
  const a = account.toLowerCase();
  const t = transferredValue(ctx);
  return a === ctx.context.toLowerCase() ? t : a === ctx.caller.toLowerCase() ? -t : 0n;
}

/** The block a message runs in unless its context names one. */
export const DEFAULT_BLOCK: BlockValues = {
  coinbase: '0x0000000000000000000000000000000000000000',
  timestamp: 1n,
  number: 1n,
  prevrandao: '0x0000000000000000000000000000000000000000000000000000000000000000',
  gasLimit: 30_000_000n,
  chainId: 1n,
  baseFee: 7n,
  blobBaseFee: 1n,
};

export const DEFAULT_ORIGIN: Hex = '0x1000000000000000000000000000000000000001';
export const DEFAULT_CALLER: Hex = DEFAULT_ORIGIN;
export const DEFAULT_TO: Hex = '0x2000000000000000000000000000000000000002';
export const DEFAULT_GAS = 10_000_000n;

/**
 * A full context from a partial one. Defaults: empty code and calldata, caller = origin =
 * 0x1000…0001, to = 0x2000…0002, context = to (a plain CALL frame), gas 10,000,000, value 0,
 * gasPrice 0, not static, DEFAULT_BLOCK, an empty pre-state. Addresses and hex are lowercased.
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
    block: partial.block ?? DEFAULT_BLOCK,
    preState: partial.preState ?? {},
  };
}
