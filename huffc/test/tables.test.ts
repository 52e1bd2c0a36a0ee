import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toFunctionSelector } from 'viem';
import { err, hex, rt } from './helpers.js';

describe('tables', () => {
  it('placement in first-use order (__tablesize counts as a use), unused tables omitted', () => {
    // MAIN code (13 bytes):
    //   @0  60 04        __tablesize(PACKED) = 2 entries × 2 bytes
    //   @2  61 0011      __tablestart(FULL)  → 17
    //   @5  61 0051      __tablestart(CODE)  → 17 + 64 = 81 = 0x51
    //   @8  61 000d      __tablestart(PACKED) → 13 (used first, so appended first)
    //   @11 5b (a)  @12 5b (b)
    // then PACKED: 000b 000c | FULL: 32-byte words b (0c), a (0b) | CODE: deadbeef ; UNUSED is not emitted
    const src = `
      #define jumptable__packed PACKED { a b }
      #define jumptable FULL { b a }
      #define table CODE { 0xdeadbeef }
      #define table UNUSED { 0x01 }
      #define macro MAIN() = {
        __tablesize(PACKED) __tablestart(FULL) __tablestart(CODE) __tablestart(PACKED)
        a: b:
      }`;
    assert.equal(
      rt(src),
      hex('6004', '610011', '610051', '61000d', '5b', '5b', '000b000c', '00'.repeat(31) + '0c', '00'.repeat(31) + '0b', 'deadbeef'),
    );
  });

  it('tables come after the appended fn bodies', () => {
    // MAIN: 61 0004 (tablestart) 00 → 4 bytes; fn F @4: 5b 6001 56 → table at 8
    const src = `
      #define table T { 0xaabb }
      #define fn F() = takes(0) returns(0) { 0x01 }
      #define macro MAIN() = { __tablestart(T) stop }`;
    assert.equal(rt(src), hex('610008', '00', '5b600156', 'aabb'));
  });

  it('code table entries: hex as written, [CONST] as written, builtins, pads', () => {
    const sig = toFunctionSelector('transfer(address,uint256)').slice(2);
    const src = `
      #define constant C = 0x0001
      #define constant E = 2 + 3
      #define table T = { 0x00ff [C] [E] __FUNC_SIG("transfer(address,uint256)") __LEFTPAD(0x12) __RIGHTPAD(0x34) }
      #define macro MAIN() = { __tablesize(T) }`;
    // size: 2 + 2 + 1 + 4 + 32 + 32 = 73 = 0x49
    assert.equal(rt(src), hex('6049', '00ff', '0001', '05', sig, '00'.repeat(31) + '12', '34' + '00'.repeat(31)));
  });

  it('__tablesize of an empty table is 6000, not PUSH0', () => {
    assert.equal(rt('#define table T { }\n#define macro MAIN() = { __tablesize(T) }'), '6000');
  });

  it('jump table entries may name labels defined inside invoked macros', () => {
    // M @0: 5b (inner); MAIN: 61 0004 (tablestart) → table at 4: 0000
    const src = `
      #define jumptable__packed J { inner }
      #define macro M() = { inner: }
      #define macro MAIN() = { M() __tablestart(J) }`;
    assert.equal(rt(src), hex('5b', '610004', '0000'));
  });

  it('a 256-entry packed dispatch table with a computed jump', () => {
    // Dispatcher: opcode byte → table entry → jump. Handlers op_0..op_255, 4 bytes each: 5b 60<i> 00
    const labels = Array.from({ length: 256 }, (_, i) => `op_${i}`);
    const handlers = labels.map((l, i) => `${l}: push1 0x${i.toString(16).padStart(2, '0')} stop`).join('\n');
    const src = `
      #define jumptable__packed OPS { ${labels.join(' ')} }
      #define macro MAIN() = {
        0x00 calldataload 0x00 byte   // opcode
        0x01 shl __tablestart(OPS) add // entry offset = start + 2*op
        0x1e codecopy 0x00 mload 0xf0 shr jump
        ${handlers}
      }`;
    const code = rt(src);
    // head: 5f 35 5f 1a | 6001 1b | 61xxxx 01 | 601e 39 5f 51 60f0 1c 56 = 4+3+4+9 = 20 bytes
    const head = 20;
    const tableStart = head + 256 * 4;
    assert.equal(code.slice(0, 2 * head), hex('5f355f1a', '60011b', '61', tableStart.toString(16).padStart(4, '0'), '01', '601e395f5160f01c56'));
    const table = code.slice(2 * tableStart);
    assert.equal(table.length, 256 * 4);
    for (let i = 0; i < 256; i++) {
      const off = head + 4 * i;
      assert.equal(table.slice(4 * i, 4 * i + 4), off.toString(16).padStart(4, '0'));
      assert.equal(code.slice(2 * off, 2 * off + 8), `5b60${i.toString(16).padStart(2, '0')}00`);
    }
  });

  it('__EMBED_TABLE inlines a table once; __tablestart then points at it', () => {
    // @0 61 0004 (tablestart → embed position 4) @3 00 @4 aabb (embedded) — not appended again
    const src = `
      #define table T { 0xaabb }
      #define macro MAIN() = { __tablestart(T) stop __EMBED_TABLE(T) }`;
    assert.equal(rt(src), hex('610004', '00', 'aabb'));
  });

  it('unknown table and unknown jump table label are errors', () => {
    assert.equal(err('#define macro MAIN() = { __tablestart(NOPE) }'), 'main.huff:1:39: unknown table "NOPE"');
    assert.equal(
      err('#define jumptable J { missing }\n#define macro MAIN() = { __tablestart(J) }'),
      'main.huff:1:23: unmatched jump label "missing" in jump table "J"',
    );
  });
});
