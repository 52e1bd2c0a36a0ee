/**
 * Archives addressed by code hash (docs/witness.md, "Archives"; src/ArchiveFactory.sol): the archive of `code` holds
 * its *stream*, the code followed by its JUMPDEST bitmap: part 0 at CREATE2(factory, keccak256(code), initCodeHash)
 * holds 0x00 ++ stream[0, 24575), and only a longer stream (a code of 21,845 bytes or more) has part 1, at salt
 * keccak256(code) ^ 1, holding 0x00 ++ the rest. The empty code needs no archive.
 */
import { concat, getContractAddress, keccak256, size, slice, type Address } from 'viem';
import { jumpdestsOf } from '../evm/jumpdests.ts';
import { ARCHIVE_LAYOUT } from '../hypervisor/layout.ts';
import type { Hex } from '../witness/types.ts';

/** Stream bytes a part holds after its leading 0x00 (EIP-170 limit minus one). */
export const ARCHIVE_PART_DATA_MAX: number = ARCHIVE_LAYOUT.ARCHIVE_PART_DATA_MAX;
/** The largest code that can be archived (EIP-170). */
export const MAX_CODE_SIZE = 24_576;
export const EMPTY_CODE_HASH: Hex = keccak256('0x');

/** The JUMPDEST bitmap of `code`: ceil(n / 8) bytes, bit 7 - pc % 8 of byte pc / 8 set iff pc is a JUMPDEST. */
export function jumpdestBitmap(code: Hex): Hex {
  const bits = new Uint8Array(Math.ceil(size(code) / 8));
  for (const pc of jumpdestsOf(code)) bits[pc >> 3]! |= 0x80 >> (pc & 7);
  return `0x${Buffer.from(bits).toString('hex')}`;
}

export interface ArchivePart {
  /** 0: the stream's first 24,575 bytes; 1: the rest. */
  index: number;
  salt: Hex;
  address: Address;
  /** The part's runtime code: 0x00 ++ its slice of the stream. */
  runtime: Hex;
}

/** The salt of part `index` of the archive of `codeHash`: codeHash ^ index. */
export function archivePartSalt(codeHash: Hex, index: number): Hex {
  return `0x${(BigInt(codeHash) ^ BigInt(index)).toString(16).padStart(64, '0')}`;
}

export function archivePartAddress(codeHash: Hex, index: number, factory: Address, initCodeHash: Hex): Address {
  return getContractAddress({ opcode: 'CREATE2', from: factory, salt: archivePartSalt(codeHash, index), bytecodeHash: initCodeHash });
}

/** The stream of an archive: `code ++ jumpdestBitmap(code)`, n + ceil(n / 8) bytes. */
export function archiveStream(code: Hex): Hex {
  return concat([code, jumpdestBitmap(code)]);
}

/**
 * The length n of the code whose stream has `streamLength` bytes (n + ceil(n / 8) grows with n), as the hypervisor
 * computes it (Setup.huff, STREAM_CODE_LENGTH): with L = 9k + t, n = 8k for t = 0 and 8k + t - 1 otherwise.
 */
export function streamCodeLength(streamLength: number): number {
  const k = Math.floor(streamLength / 9);
  const t = streamLength % 9;
  return 8 * k + t - (t === 0 ? 0 : 1);
}

/** The runtime code of each part of the archive of `code`, in part order (none for the empty code): 0x00 ++ its slice
 * of the stream. Throws for code over 24,576 bytes. */
export function archivePartRuntimes(code: Hex): Hex[] {
  const n = size(code);
  if (n > MAX_CODE_SIZE) throw new Error(`code of ${n} bytes cannot be archived: the largest contract code is ${MAX_CODE_SIZE} bytes (EIP-170)`);
  if (n === 0) return [];
  const stream = archiveStream(code);
  const slices = size(stream) <= ARCHIVE_PART_DATA_MAX ? [stream] : [slice(stream, 0, ARCHIVE_PART_DATA_MAX), slice(stream, ARCHIVE_PART_DATA_MAX)];
  return slices.map((s) => concat(['0x00', s]));
}

/** The parts of the archive of `code` (none for the empty code). Throws for code over 24,576 bytes. */
export function archiveParts(code: Hex, factory: Address, initCodeHash: Hex): ArchivePart[] {
  const runtimes = archivePartRuntimes(code);
  if (runtimes.length === 0) return [];
  const codeHash = keccak256(code);
  return runtimes.map((runtime, index) => ({
    index,
    salt: archivePartSalt(codeHash, index),
    address: archivePartAddress(codeHash, index, factory, initCodeHash),
    runtime,
  }));
}
