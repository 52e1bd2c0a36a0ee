/** Reads the `#define constant NAME = <hex or decimal>` lines of a Huff source (the single sources of layouts and codes). */
import { readFileSync } from 'node:fs';

export function readHuffConstants(path: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const m of readFileSync(path, 'utf8').matchAll(/^\s*#define\s+constant\s+(\w+)\s*=\s*(0x[0-9a-fA-F]+|\d+)/gm)) {
    out.set(m[1]!, BigInt(m[2]!));
  }
  return out;
}
