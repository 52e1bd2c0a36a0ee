/**
 * The hypervisor's memory layout constants, read from src/hypervisor/MemoryLayout.huff (their single
 * source) so that tests and tools never restate them.
 */
import { fileURLToPath } from 'node:url';
import { readHuffConstants } from '../huff-constants.ts';

export { readHuffConstants };

export const MEMORY_LAYOUT_SOURCE = fileURLToPath(new URL('../../src/hypervisor/MemoryLayout.huff', import.meta.url));

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
