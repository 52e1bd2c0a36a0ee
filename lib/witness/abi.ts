/** Canonical ABI encoding of the MessageWitness (docs/witness.md): abi.encode(struct), no selector. */
import { decodeAbiParameters, encodeAbiParameters, isHex } from 'viem';
import type { AccessRecord, AccountKey, Hex, MessageWitness, Status, StorageKey, TransientKey } from './types.ts';
import { MIN_WITNESS_SIZE } from './layout.ts';

/** `tuple(uint256 opcode, bytes data)` */
export const ACCESS_WITNESS_COMPONENTS = [
  { name: 'opcode', type: 'uint256' },
  { name: 'data', type: 'bytes' },
] as const;

/** `tuple(address coinbase, …, uint256 blobBaseFee)`: struct BlockValues, inline in the head (8 words). */
export const BLOCK_VALUES_COMPONENTS = [
  { name: 'coinbase', type: 'address' },
  { name: 'timestamp', type: 'uint256' },
  { name: 'number', type: 'uint256' },
  { name: 'prevrandao', type: 'bytes32' },
  { name: 'gasLimit', type: 'uint256' },
  { name: 'chainId', type: 'uint256' },
  { name: 'baseFee', type: 'uint256' },
  { name: 'blobBaseFee', type: 'uint256' },
] as const;

/** `tuple(uint256 slot, bool warm, uint256 original, uint256 value)`: struct StorageKey. */
export const STORAGE_KEY_COMPONENTS = [
  { name: 'slot', type: 'uint256' },
  { name: 'warm', type: 'bool' },
  { name: 'original', type: 'uint256' },
  { name: 'value', type: 'uint256' },
] as const;

/** `tuple(uint256 slot, uint256 value)`: struct TransientKey. */
export const TRANSIENT_KEY_COMPONENTS = [
  { name: 'slot', type: 'uint256' },
  { name: 'value', type: 'uint256' },
] as const;

/** `tuple(address account, bool warm, uint256 balance, bytes32 codeHash)`: struct AccountKey. */
export const ACCOUNT_KEY_COMPONENTS = [
  { name: 'account', type: 'address' },
  { name: 'warm', type: 'bool' },
  { name: 'balance', type: 'uint256' },
  { name: 'codeHash', type: 'bytes32' },
] as const;

/** The ABI parameter list `(MessageWitness)` whose encoding is the hypervisor's calldata. */
export const WITNESS_ABI_TYPE = [
  {
    name: 'witness',
    type: 'tuple',
    components: [
      { name: 'stateRootEnter', type: 'bytes32' },
      { name: 'stateRootLeave', type: 'bytes32' },
      { name: 'isStatic', type: 'bool' },
      { name: 'origin', type: 'address' },
      { name: 'caller', type: 'address' },
      { name: 'to', type: 'address' },
      { name: 'context', type: 'address' },
      { name: 'callvalue', type: 'uint256' },
      { name: 'gasPrice', type: 'uint256' },
      { name: 'gasAvailable', type: 'uint256' },
      { name: 'gasUsed', type: 'uint256' },
      { name: 'state_access_list', type: 'tuple[]', components: ACCESS_WITNESS_COMPONENTS },
      { name: 'status', type: 'uint256' },
      { name: 'returndataHash', type: 'bytes32' },
      { name: 'calldata', type: 'bytes' },
      { name: 'codeHash', type: 'bytes32' },
      { name: 'block', type: 'tuple', components: BLOCK_VALUES_COMPONENTS },
      { name: 'refund', type: 'int256' },
      { name: 'logsHash', type: 'bytes32' },
      { name: 'storageKeys', type: 'tuple[]', components: STORAGE_KEY_COMPONENTS },
      { name: 'transientKeys', type: 'tuple[]', components: TRANSIENT_KEY_COMPONENTS },
      { name: 'accountKeys', type: 'tuple[]', components: ACCOUNT_KEY_COMPONENTS },
    ],
  },
] as const;

/** The Solidity type string of the struct, for reference and for Solidity-side cross-checks. */
export const WITNESS_TUPLE_TYPE =
  '(bytes32,bytes32,bool,address,address,address,address,uint256,uint256,uint256,uint256,(uint256,bytes)[],uint256,bytes32,bytes,bytes32,' +
  '(address,uint256,uint256,bytes32,uint256,uint256,uint256,uint256),int256,bytes32,(uint256,bool,uint256,uint256)[],(uint256,uint256)[],' +
  '(address,bool,uint256,bytes32)[])';

/** Thrown by decodeWitness on anything that is not a canonical encoding of a MessageWitness. */
export class WitnessDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`invalid witness encoding: ${message}`, options);
    this.name = 'WitnessDecodeError';
  }
}

const lowerAddress = (a: Hex): Hex => a.toLowerCase() as Hex;

/**
 * abi.encode(witness): canonical (offsets in field order, zero padding, nothing after the
 * last tail). Addresses may be given in any case; they are encoded as 20-byte values.
 */
export function encodeWitness(w: MessageWitness): Hex {
  return encodeAbiParameters(WITNESS_ABI_TYPE, [
    {
      stateRootEnter: w.stateRootEnter,
      stateRootLeave: w.stateRootLeave,
      isStatic: w.isStatic,
      origin: lowerAddress(w.origin),
      caller: lowerAddress(w.caller),
      to: lowerAddress(w.to),
      context: lowerAddress(w.context),
      callvalue: w.callvalue,
      gasPrice: w.gasPrice,
      gasAvailable: w.gasAvailable,
      gasUsed: w.gasUsed,
      state_access_list: w.state_access_list.map((r) => ({ opcode: BigInt(r.opcode), data: r.data })),
      status: BigInt(w.status),
      returndataHash: w.returndataHash,
      calldata: w.calldata,
      codeHash: w.codeHash,
      block: { ...w.block, coinbase: lowerAddress(w.block.coinbase) },
      refund: w.refund,
      logsHash: w.logsHash,
      storageKeys: w.storageKeys.map((k) => ({ slot: k.slot, warm: k.warm, original: k.original, value: k.value })),
      transientKeys: w.transientKeys.map((k) => ({ slot: k.slot, value: k.value })),
      accountKeys: w.accountKeys.map((k) => ({ account: lowerAddress(k.account), warm: k.warm, balance: k.balance, codeHash: k.codeHash })),
    },
  ]);
}

/** abi.encode(AccessWitness[]): a record list on its own (the Forge fixtures carry one per sample). */
export function encodeRecordList(records: readonly AccessRecord[]): Hex {
  return encodeAbiParameters([{ type: 'tuple[]', components: ACCESS_WITNESS_COMPONENTS }], [
    records.map((r) => ({ opcode: BigInt(r.opcode), data: r.data })),
  ]);
}

/**
 * Decodes abi.encode(MessageWitness). Throws WitnessDecodeError unless `hex` is exactly the
 * canonical encoding of a witness with a status of 0, 1 or 2 and record opcodes of at most
 * 0xff, and key lists that are strictly ascending with no account key of code hash 0 and a balance (the same
 * encoding rules the hypervisor enforces before execution, see docs/errors.md codes 1-18). Addresses come back
 * lowercase.
 */
export function decodeWitness(hex: Hex): MessageWitness {
  if (typeof hex !== 'string' || !isHex(hex, { strict: true }) || hex.length % 2 !== 0) {
    throw new WitnessDecodeError('expected 0x-prefixed hex of whole bytes');
  }
  const data = hex.toLowerCase() as Hex;
  const byteLength = (data.length - 2) / 2;
  if (byteLength < MIN_WITNESS_SIZE) {
    throw new WitnessDecodeError(`${byteLength} bytes, shorter than the ${MIN_WITNESS_SIZE}-byte minimum`);
  }
  let decoded;
  try {
    [decoded] = decodeAbiParameters(WITNESS_ABI_TYPE, data);
  } catch (e) {
    const detail = e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e);
    throw new WitnessDecodeError(`not abi.encode(MessageWitness): ${detail}`, { cause: e });
  }
  if (decoded.status > 2n) {
    throw new WitnessDecodeError(`status is ${decoded.status}, expected 0 (halt), 1 (success) or 2 (revert)`);
  }
  const records: AccessRecord[] = decoded.state_access_list.map((r, i) => {
    if (r.opcode > 0xffn) {
      throw new WitnessDecodeError(`record ${i}: opcode ${r.opcode} is above 0xff (docs/errors.md code 6, BAD_RECORD_ENCODING)`);
    }
    return { opcode: Number(r.opcode), data: r.data };
  });
  const w: MessageWitness = {
    stateRootEnter: decoded.stateRootEnter,
    stateRootLeave: decoded.stateRootLeave,
    isStatic: decoded.isStatic,
    origin: lowerAddress(decoded.origin),
    caller: lowerAddress(decoded.caller),
    to: lowerAddress(decoded.to),
    context: lowerAddress(decoded.context),
    callvalue: decoded.callvalue,
    gasPrice: decoded.gasPrice,
    gasAvailable: decoded.gasAvailable,
    gasUsed: decoded.gasUsed,
    state_access_list: records,
    status: Number(decoded.status) as Status,
    returndataHash: decoded.returndataHash,
    calldata: decoded.calldata,
    codeHash: decoded.codeHash,
    block: { ...decoded.block, coinbase: lowerAddress(decoded.block.coinbase) },
    refund: decoded.refund,
    logsHash: decoded.logsHash,
    storageKeys: decoded.storageKeys.map((k): StorageKey => ({ ...k })),
    transientKeys: decoded.transientKeys.map((k): TransientKey => ({ ...k })),
    accountKeys: decoded.accountKeys.map((k): AccountKey => ({ ...k, account: lowerAddress(k.account) })),
  };
  const keyError = keyListError(w);
  if (keyError !== undefined) throw new WitnessDecodeError(keyError);
  const canonical = encodeWitness(w);
  if (canonical !== data) {
    const at = firstDifference(canonical, data);
    throw new WitnessDecodeError(
      canonical.length !== data.length && at >= (Math.min(canonical.length, data.length) - 2) / 2
        ? `not canonical: ${byteLength} bytes where the canonical encoding has ${(canonical.length - 2) / 2}`
        : `not canonical: differs from the canonical encoding at byte 0x${at.toString(16)} (word 0x${(at - (at % 32)).toString(16)})`,
    );
  }
  return w;
}

/**
 * What is wrong with a witness's key lists, or undefined: each list strictly ascending by its key (code 17,
 * KEYS_NOT_SORTED), and an account key with code hash 0 (no account) has balance 0 (code 18, BAD_ACCOUNT_KEY).
 */
export function keyListError(w: Pick<MessageWitness, 'storageKeys' | 'transientKeys' | 'accountKeys'>): string | undefined {
  const ascending = (keys: readonly bigint[], list: string): string | undefined => {
    for (let i = 1; i < keys.length; i++) {
      if (keys[i]! <= keys[i - 1]!) return `${list}[${i}] is not above ${list}[${i - 1}]: a key list must be strictly ascending (docs/errors.md code 17, KEYS_NOT_SORTED)`;
    }
    return undefined;
  };
  const problem =
    ascending(w.storageKeys.map((k) => k.slot), 'storageKeys') ??
    ascending(w.transientKeys.map((k) => k.slot), 'transientKeys') ??
    ascending(w.accountKeys.map((k) => BigInt(k.account)), 'accountKeys');
  if (problem !== undefined) return problem;
  const i = w.accountKeys.findIndex((k) => BigInt(k.codeHash) === 0n && k.balance !== 0n);
  if (i >= 0) return `accountKeys[${i}] has code hash 0 (no account) but a balance (docs/errors.md code 18, BAD_ACCOUNT_KEY)`;
  return undefined;
}

/** Byte index of the first difference of two 0x-hex strings. */
function firstDifference(a: Hex, b: Hex): number {
  const n = Math.min(a.length, b.length);
  let i = 2;
  while (i < n && a[i] === b[i]) i++;
  return Math.floor((i - 2) / 2);
}
