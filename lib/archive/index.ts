/**
 * Archives addressed by code hash (docs/witness.md, "Archives"; src/ArchiveFactory.sol): the archive
 * of `code` has part 0 at CREATE2(factory, keccak256(code), initCodeHash) holding 0x00 ++ code[0, 24575),
 * only for a code of 24,576 bytes part 1 at salt keccak256(code) ^ 1 holding 0x00 ++ its last byte,
 * and part 2 at salt keccak256(code) ^ 2 holding 0x00 ++ the code's JUMPDEST bitmap. The empty code
 * needs no archive.
 */
import { concat, getContractAddress, keccak256, size, slice, type Address } from 'viem';
import { jumpdestsOf } from '../evm/jumpdests.ts';
import { ARCHIVE_LAYOUT } from '../hypervisor/layout.ts';
import type { Hex } from '../witness/types.ts';

/** Code bytes a part holds after its leading 0x00 (EIP-170 limit minus one). */
export const ARCHIVE_PART_CODE_MAX: number = ARCHIVE_LAYOUT.ARCHIVE_PART_CODE_MAX;
/** The largest code that can be archived (EIP-170). */
export const MAX_CODE_SIZE = 24_576;
export const EMPTY_CODE_HASH: Hex = keccak256('0x');
/** The part holding the JUMPDEST bitmap. */
export const JUMPDEST_MAP_PART: number = ARCHIVE_LAYOUT.JUMPDEST_MAP_PART;

/** The JUMPDEST bitmap of `code`: ceil(n / 8) bytes, bit 7 - pc % 8 of byte pc / 8 set iff pc is a JUMPDEST. */
export function jumpdestBitmap(code: Hex): Hex {
  const bits = new Uint8Array(Math.ceil(size(code) / 8));
  for (const pc of jumpdestsOf(code)) bits[pc >> 3]! |= 0x80 >> (pc & 7);
  return `0x${Buffer.from(bits).toString('hex')}`;
}

export interface ArchivePart {
  /** 0 and 1: the code; 2: its JUMPDEST bitmap. */
  index: number;
  salt: Hex;
  address: Address;
  /** The part's runtime code: 0x00 ++ its slice of the code. */
  runtime: Hex;
}

/** The salt of part `index` of the archive of `codeHash`: codeHash ^ index. */
export function archivePartSalt(codeHash: Hex, index: number): Hex {
  return `0x${(BigInt(codeHash) ^ BigInt(index)).toString(16).padStart(64, '0')}`;
}

export function archivePartAddress(codeHash: Hex, index: number, factory: Address, initCodeHash: Hex): Address {
  return getContractAddress({ opcode: 'CREATE2', from: factory, salt: archivePartSalt(codeHash, index), bytecodeHash: initCodeHash });
}

/** The parts of the archive of `code` (none for the empty code). Throws for code over 24,576 bytes. */
export function archiveParts(code: Hex, factory: Address, initCodeHash: Hex): ArchivePart[] {
  const n = size(code);
  if (n > MAX_CODE_SIZE) throw new Error(`code of ${n} bytes cannot be archived: the largest contract code is ${MAX_CODE_SIZE} bytes (EIP-170)`);
  if (n === 0) return [];
  const codeHash = keccak256(code);
  const slices: Array<[number, Hex]> = n <= ARCHIVE_PART_CODE_MAX ? [[0, code]] : [[0, slice(code, 0, ARCHIVE_PART_CODE_MAX)], [1, slice(code, ARCHIVE_PART_CODE_MAX)]];
  slices.push([JUMPDEST_MAP_PART, jumpdestBitmap(code)]);
  return slices.map(([index, s]) => ({
    index,
    salt: archivePartSalt(codeHash, index),
    address: archivePartAddress(codeHash, index, factory, initCodeHash),
    runtime: concat(['0x00', s]),
  }));
}
