#!/usr/bin/env node
// Tiny assembler for the hand-written bytecode in test/utils/GasMeter.sol and src/ArchiveFactory.sol.
// Usage: node test/utils/asm.mjs gasmeter|archive   → prints the hex (no 0x) and a listing on stderr.
// Labels: "name:" defines (emits JUMPDEST), "@name" pushes the label offset as PUSH1.
import { OPCODES as OPS } from './opcodes.mjs'; // generated from lib/evm/opcodes.ts by scripts/gen-optable.ts

function assemble(src) {
  const toks = src.replace(/;[^\n]*/g, '').split(/\s+/).filter(Boolean);
  const labels = {}; const out = []; const fix = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.endsWith(':')) { labels[t.slice(0, -1)] = out.length; out.push(OPS.JUMPDEST); continue; }
    if (t.startsWith('@')) { out.push(OPS.PUSH1); fix.push([out.length, t.slice(1)]); out.push(0); continue; }
    const m = /^PUSH([1-9]|[12][0-9]|3[0-2])$/.exec(t);
    if (m) {
      const n = +m[1]; const v = BigInt(toks[++i]);
      out.push(OPS.PUSH0 + n);
      for (let k = n - 1; k >= 0; k--) out.push(Number((v >> BigInt(8 * k)) & 0xffn));
      continue;
    }
    if (!Object.hasOwn(OPS, t)) throw new Error(`unknown token ${t}`);
    out.push(OPS[t]);
  }
  for (const [pos, l] of fix) { if (!(l in labels) || labels[l] > 255) throw new Error(`label ${l}`); out[pos] = labels[l]; }
  return Buffer.from(out).toString('hex');
}
export const SOURCES = {
  archive: `
    PUSH4 0xe5751c66 PUSH0 MSTORE                       ; mem[28..32] = pendingPart() selector
    PUSH0 PUSH0 PUSH1 0x04 PUSH1 0x1c CALLER GAS STATICCALL   ; factory.pendingPart(): the part's bytes, raw
    ISZERO @fail JUMPI                                  ; call failed -> revert
    RETURNDATASIZE PUSH0 PUSH1 0x01 RETURNDATACOPY      ; mem[1..1+size] = the part
    PUSH0 PUSH0 MSTORE8                                 ; mem[0] = 0x00 (STOP)
    RETURNDATASIZE PUSH1 0x01 ADD PUSH0 RETURN          ; runtime = 0x00 ++ part
    fail: PUSH0 PUSH0 REVERT`,
  gasmeter: `
    PUSH0 PUSH0 PUSH0                                   ; [rO, rS, X]  (X: placeholder that will hold g0)
    PUSH1 0x80 CALLDATASIZE SUB                         ; [n, rO, rS, X]  n = argument length
    DUP1 PUSH1 0x80 PUSH0 CALLDATACOPY                  ; mem[0..n] = arguments (pre-expands memory)
    PUSH0                                               ; [aO, n, rO, rS, X]
    PUSH1 0x40 CALLDATALOAD                             ; [v, aO, n, rO, rS, X]
    PUSH0 CALLDATALOAD                                  ; [t, v, ...]
    DUP1 BALANCE POP                                    ; pre-warm t (EIP-2929): the CALL then costs 100
    PUSH1 0x20 CALLDATALOAD                             ; [G, t, v, ...]
    DUP3 ISZERO @gr JUMPI                               ; value == 0: request G
    PUSH2 0x08fc DUP2 LT @fail JUMPI                    ; value > 0 needs G >= 2300 (the stipend)
    PUSH2 0x08fc SWAP1 SUB                              ; request G - 2300; the callee gets G
    gr:                                                 ; [gr, t, v, aO, n, rO, rS, X]
    DUP1 PUSH1 0x05 SHR DUP2 ADD PUSH3 0x0186a0 ADD GAS LT @fail JUMPI  ; need gas >= gr*33/32 + 100000 (63/64 rule never caps)
    PUSH1 0x60 CALLDATALOAD PUSH1 0x01 AND @static JUMPI
    GAS                                                 ; [g0, gr, t, v, aO, n, rO, rS, X]
    SWAP8 POP                                           ; [gr, t, v, aO, n, rO, rS, g0]
    CALL                                                ; [ok, g0]
    GAS                                                 ; [g1, ok, g0]
    SWAP1 SWAP2 SUB                                     ; [g0-g1, ok]
    PUSH1 0x6b SWAP1 SUB                                ; [g0-g1-107, ok]
    PUSH1 0x40 CALLDATALOAD ISZERO ISZERO PUSH2 0x1a2c MUL SWAP1 SUB   ; minus 6700 if value > 0
    @out JUMP
    static:                                             ; [gr, t, v, aO, n, rO, rS, X]
    DUP3 @fail JUMPI                                    ; STATICCALL cannot carry value
    SWAP2 POP SWAP1                                     ; [gr, t, aO, n, rO, rS, X]
    GAS                                                 ; [g0, gr, t, aO, n, rO, rS, X]
    SWAP7 POP                                           ; [gr, t, aO, n, rO, rS, g0]
    STATICCALL                                          ; [ok, g0]
    GAS                                                 ; [g1, ok, g0]
    SWAP1 SWAP2 SUB                                     ; [g0-g1, ok]
    PUSH1 0x6b SWAP1 SUB                                ; [g0-g1-107, ok]
    out:                                                ; [used, ok]
    PUSH1 0x20 MSTORE PUSH0 MSTORE                      ; mem[0..64] = ok, used
    RETURNDATASIZE PUSH0 PUSH1 0x40 RETURNDATACOPY      ; mem[64..] = callee's return data
    RETURNDATASIZE PUSH1 0x40 ADD PUSH0                 ; [0, size]
    PUSH1 0x60 CALLDATALOAD PUSH1 0x02 AND @rev JUMPI   ; flags bit 1: revert, undoing the callee's state changes
    RETURN
    rev: REVERT
    fail: PUSH0 PUSH0 REVERT`,
};
if (import.meta.url === `file://${process.argv[1]}`) {
  const which = process.argv[2];
  if (!(which in SOURCES)) { console.error('usage: asm.mjs archive|gasmeter'); process.exit(2); }
  process.stdout.write(assemble(SOURCES[which]) + '\n');
}
