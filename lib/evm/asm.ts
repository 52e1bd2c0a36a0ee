/**
 * A small assembler for guest programs: mnemonics from lib/evm/opcodes.ts, `PUSHn <value>`,
 * `PUSH <value>` (smallest push), labels `name:` (emits JUMPDEST) and `@name` (PUSH2 of the
 * label's offset). Comments start with `;`.
 */
import { OP, OPCODES, pushOpcode } from './opcodes.ts';
import type { Hex } from '../witness/types.ts';

const BY_NAME = new Map(OPCODES.filter((o) => o.kind !== 'undefined').map((o) => [o.name, o.code]));

function pushBytes(value: bigint, n: number): number[] {
  if (value < 0n || value >= 1n << BigInt(8 * n)) throw new Error(`value ${value} does not fit PUSH${n}`);
  const out: number[] = [];
  for (let k = n - 1; k >= 0; k--) out.push(Number((value >> BigInt(8 * k)) & 0xffn));
  return out;
}

export function assemble(source: string): Hex {
  const tokens = source.replace(/;[^\n]*/g, '').split(/\s+/).filter(Boolean);
  const out: number[] = [];
  const labels = new Map<string, number>();
  const fixups: Array<[number, string]> = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.endsWith(':')) {
      labels.set(t.slice(0, -1), out.length);
      out.push(OP.JUMPDEST);
      continue;
    }
    if (t.startsWith('@')) {
      out.push(OP.PUSH2);
      fixups.push([out.length, t.slice(1)]);
      out.push(0, 0);
      continue;
    }
    const upper = t.toUpperCase();
    const m = /^PUSH([0-9]*)$/.exec(upper);
    if (m && upper !== 'PUSH0') {
      const arg = tokens[++i];
      if (arg === undefined) throw new Error(`${t} needs a value`);
      const value = BigInt(arg);
      const n = m[1] === '' ? Math.max(1, Math.ceil(value.toString(16).length / 2)) : Number(m[1]);
      if (value === 0n && m[1] === '') {
        out.push(OP.PUSH0);
        continue;
      }
      out.push(pushOpcode(n), ...pushBytes(value, n));
      continue;
    }
    const code = BY_NAME.get(upper);
    if (code === undefined) throw new Error(`unknown mnemonic ${t}`);
    out.push(code);
  }
  for (const [pos, label] of fixups) {
    const at = labels.get(label);
    if (at === undefined) throw new Error(`undefined label ${label}`);
    out[pos] = at >> 8;
    out[pos + 1] = at & 0xff;
  }
  return `0x${out.map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
