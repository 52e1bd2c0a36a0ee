import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toFunctionSelector } from 'viem';
import { err, hex, rt } from './helpers.js';

const sel = (sig: string): string => toFunctionSelector(sig).slice(2);

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

  it('code table entries may be constants defined by builtins, mixed with hex constants', () => {
    // [SIG] = __FUNC_SIG(transfer) → its 4 trimmed bytes a9059cbb; [RP]/[LP] → the full 32-byte
    // pads; [B] = __BYTES("hi") → 6869; [EV] = __EVENT_HASH → 32 bytes; [H] keeps 0x00ff as written
    const topic = 'ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
    const src = `
      #define function transfer(address to, uint256 amount) nonpayable returns (bool)
      #define event Transfer(address indexed from, address indexed to, uint256 value)
      #define constant SIG = __FUNC_SIG(transfer)
      #define constant SIG2 = __FUNC_SIG("transfer(address,uint256)")
      #define constant RP = __RIGHTPAD(0x1234)
      #define constant LP = __LEFTPAD(0x1234)
      #define constant B = __BYTES("hi")
      #define constant EV = __EVENT_HASH(Transfer)
      #define constant H = 0x00ff
      #define table T { [SIG] [H] [RP] [LP] [SIG2] [B] [EV] 0x01 }
      #define macro MAIN() = { __tablesize(T) __tablestart(T) }`;
    // size 4 + 2 + 32 + 32 + 4 + 2 + 32 + 1 = 109 = 0x6d; code: 606d (2) + 61 0005 (3) → table at 5
    assert.equal(
      rt(src),
      hex('606d', '610005', 'a9059cbb', '00ff', '1234' + '00'.repeat(30), '00'.repeat(30) + '1234', 'a9059cbb', '6869', topic, '01'),
    );
  });

  it('a builtin constant with a selector that starts with a zero byte is trimmed in a code table', () => {
    let sig = '';
    for (let i = 0; ; i++) {
      sig = `f${i}()`;
      if (sel(sig).startsWith('00') && !sel(sig).startsWith('0000')) break;
    }
    const src = `#define constant S = __FUNC_SIG("${sig}")
      #define table T { [S] }
      #define macro MAIN() = { __tablesize(T) }`;
    // 3 bytes (the leading 00 is dropped, like __FUNC_SIG written directly in the table)
    assert.equal(rt(src), hex('6003', sel(sig).slice(2)));
  });

  it('__ERROR constants are refused in code tables, as in constants', () => {
    assert.match(err('#define constant E = __ERROR(Foo)\n#define table T { [E] }\n#define macro MAIN() = { __tablesize(T) }'), /__ERROR is not supported/);
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
