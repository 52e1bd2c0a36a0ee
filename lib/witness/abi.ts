/** Canonical ABI encoding of the MessageWitness (docs/witness.md): abi.encode(struct), no selector. */
import { decodeAbiParameters, encodeAbiParameters, isHex } from 'viem';
import type { AccessRecord, Hex, MessageWitness, Status } from './types.ts';
import { MIN_WITNESS_SIZE } from './layout.ts';

/** `tuple(uint256 opcode, bytes data)` */
export const ACCESS_WITNESS_COMPONENTS = [
  { name: 'opcode', type: 'uint256' },
  { name: 'data', type: 'bytes' },
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
    ],
  },
] as const;

/** The Solidity type string of the struct, for reference and for Solidity-side cross-checks. */
export const WITNESS_TUPLE_TYPE =
  '(bytes32,bytes32,bool,address,address,address,address,uint256,uint256,uint256,uint256,(uint256,bytes)[],uint256,bytes32,bytes)';

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
 * 0xff (the same encoding rules the hypervisor enforces before execution, see docs/errors.md
 * codes 1-13). Addresses come back lowercase.
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
  };
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

/** Byte index of the first difference of two 0x-hex strings. */
function firstDifference(a: Hex, b: Hex): number {
  const n = Math.min(a.length, b.length);
  let i = 2;
  while (i < n && a[i] === b[i]) i++;
  return Math.floor((i - 2) / 2);
}
