/**
 * The hypervisor's memory layout constants, read from src/hypervisor/MemoryLayout.huff (their single
 * source) so that tests and tools never restate them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MEMORY_LAYOUT_SOURCE = fileURLToPath(new URL('../../src/hypervisor/MemoryLayout.huff', import.meta.url));

/** All `#define constant NAME = 0x..` of a Huff file, as numbers. */
export function readHuffConstants(path: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const m of readFileSync(path, 'utf8').matchAll(/#define\s+constant\s+(\w+)\s*=\s*(0x[0-9a-fA-F]+)/g)) {
    out.set(m[1]!, BigInt(m[2]!));
  }
  return out;
}

const constants = readHuffConstants(MEMORY_LAYOUT_SOURCE);
function get(name: string): number {
  const v = constants.get(name);
  if (v === undefined) throw new Error(`${MEMORY_LAYOUT_SOURCE} defines no constant ${name}`);
  return Number(v);
}

export const MEMORY_LAYOUT = {
  MEM_STATE: get('MEM_STATE'),
  MEM_CODE_LEN: get('MEM_CODE_LEN'),
  MEM_CODE_BASE: get('MEM_CODE_BASE'),
  MEM_GUEST_BASE: get('MEM_GUEST_BASE'),
  MEM_HANDLERS: get('MEM_HANDLERS'),
  MEM_ENTRIES: get('MEM_ENTRIES'),
  Q_BASE: get('Q_BASE'),
} as const;
