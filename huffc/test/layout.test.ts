import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build, err, hex, rt } from './helpers.js';

const stops = (n: number): string => '00'.repeat(n);

// __codesize(M) inside M: a PUSH1 placeholder filled with the size of that invocation of M once
// it is complete. When that size (counted with PUSH1 placeholders) exceeds 255, every such
// placeholder of the invocation becomes PUSH2, the value is size + number of placeholders, and
// everything after a placeholder moves up by one byte (labels, fn addresses, tables).
describe('circular __codesize that grows past 255 bytes', () => {
  it('grows to PUSH2 and the jump over it still lands on its JUMPDEST', () => {
    // 61 LLLL @0, 50 @3, 61 TTTT @4, 56 @7, 300 stops @8..307, target 5b @308 = 0x134, 00 @309
    // size with PUSH1 = 309 > 255 → PUSH2, value 310 = 0x136
    const src = '#define macro MAIN() = { __codesize(MAIN) pop target jump for (i in 0..300) { stop } target: stop }';
    assert.equal(rt(src), hex('610136', '50', '610134', '56', stops(300), '5b', '00'));
  });

  it('inside a nested macro, with a caller label after it', () => {
    // MAIN: 61 EEEE 56 @0..3, BIG @4: 61 SSSS 50 + 260 stops = 264 = 0x108 bytes (4..267),
    // end: 5b @268 = 0x10c, 00
    const src = `
      #define macro BIG() = { __codesize(BIG) pop for (i in 0..260) { stop } }
      #define macro MAIN() = { end jump BIG() end: stop }`;
    assert.equal(rt(src), hex('61010c', '56', '610108', '50', stops(260), '5b', '00'));
  });

  it('two placeholders in one macro both grow and both count', () => {
    // 2 + 2 + 300 = 304 > 255 → both PUSH2: 3 + 3 + 300 = 306 = 0x132
    const src = '#define macro MAIN() = { __codesize(MAIN) __codesize(MAIN) for (i in 0..300) { stop } }';
    assert.equal(rt(src), hex('610132', '610132', stops(300)));
  });

  it('255 bytes stays PUSH1 0xff, 256 bytes grows to 257', () => {
    assert.equal(rt('#define macro MAIN() = { __codesize(MAIN) for (i in 0..253) { stop } }'), hex('60ff', stops(253)));
    assert.equal(rt('#define macro MAIN() = { __codesize(MAIN) for (i in 0..254) { stop } }'), hex('610101', stops(254)));
  });

  it('fn call return address and fn entry move with the growth', () => {
    // 61 LLLL @0, 50 @3, call @4: 61 000b (ret), 61 FFFF, 56, 5b @11 = 0x0b; 300 stops @12..311;
    // F @312 = 0x138: 5b 6001 50 56 → total 317 = 0x13d (top-level size includes fn bodies)
    const src = `
      #define fn F() = takes(0) returns(0) { 0x01 pop }
      #define macro MAIN() = { __codesize(MAIN) pop F() for (i in 0..300) { stop } }`;
    assert.equal(rt(src), hex('61013d', '50', '61000b', '610138', '56', '5b', stops(300), '5b', '6001', '50', '56'));
  });

  it('tables after the code move too', () => {
    // code: 61 0132, 61 TTTT, 300 stops = 306 = 0x132 bytes; table aabb at 306
    const src = `
      #define table T { 0xaabb }
      #define macro MAIN() = { __codesize(MAIN) __tablestart(T) for (i in 0..300) { stop } }`;
    assert.equal(rt(src), hex('610132', '610132', stops(300), 'aabb'));
  });

  it('__codesize(X) from outside X counts X grown', () => {
    // X alone: 61 SSSS 50 + 260 stops = 264 = 0x108; MAIN: 61 0108 (size of X), then X
    const src = `
      #define macro X() = { __codesize(X) pop for (i in 0..260) { stop } }
      #define macro MAIN() = { __codesize(X) X() }`;
    assert.equal(rt(src), hex('610108', '610108', '50', stops(260)));
  });

  it('__ASSERT_PC sees the grown layout', () => {
    // 61 0105 @0..2, 50 @3, 256 stops @4..259 → pc 0x104 after them (0x103 with a PUSH1)
    const body = '__codesize(MAIN) pop for (i in 0..256) { stop }';
    assert.equal(rt(`#define macro MAIN() = { ${body} __ASSERT_PC(0x104) }`), hex('610104', '50', stops(256)));
    assert.equal(err(`#define macro MAIN() = { ${body} __ASSERT_PC(0x103) }`), 'main.huff:1:74: __ASSERT_PC failed: expected offset 0x103, actual 0x104');
  });
});

describe('--relax-jumps', () => {
  const relax = { relaxJumps: true } as const;

  it('off by default: label references are PUSH2', () => {
    assert.equal(rt('#define macro MAIN() = { forward jump 0x01 0x02 forward: 0x00 mstore }'), hex('610008', '56', '6001', '6002', '5b', '5f', '52'));
  });

  it('forward jump (hnc jump_relaxation.rs)', () => {
    // 60 07 56 @0..2, 6001 6002 @3..6, 5b @7
    assert.equal(rt('#define macro MAIN() = { forward jump 0x01 0x02 forward: 0x00 mstore }', relax), hex('600756', '6001', '6002', '5b', '5f', '52'));
  });

  it('backward jump', () => {
    assert.equal(rt('#define macro MAIN() = { loop: 0x01 0x01 add dup1 loop jump }', relax), hex('5b', '6001', '6001', '01', '80', '6000', '56'));
  });

  it('several jumps: every JUMPDEST moves back', () => {
    // 6003 56 @0, 5b @3 6001 6009 56, 5b @9 6002 600f 56, 5b @15 6003
    const src = '#define macro MAIN() = { label1 jump label1: 0x01 label2 jump label2: 0x02 label3 jump label3: 0x03 }';
    assert.equal(rt(src, relax), '6003565b60016009565b6002600f565b6003');
    assert.equal(rt('#define macro MAIN() = { start jump 0x01 start: push0 }', relax), '60055660015b5f');
  });

  it('a forward target at exactly 0x100 shrinks to 0xff', () => {
    // unrelaxed: 61 0100 56 + 252 stops → target at 256; relaxed: 60 ff 56 + 252 stops, 5b @255
    const src = `#define macro MAIN() = { target jump for (i in 0..252) { stop } target: stop }`;
    assert.equal(rt(src, relax), hex('60ff56', stops(252), '5b00'));
  });

  it('a target beyond 0x100 stays PUSH2 (same bytes as without relaxation)', () => {
    const src = '#define macro MAIN() = { end jump for (i in 0..50) { 0x01 0x02 add pop } end: 0xff }';
    // end: 4 + 50 * 6 = 304 = 0x130
    assert.equal(rt(src, relax), rt(src));
    assert.equal(rt(src, relax).slice(0, 8), '61013056');
  });

  it('near jump shrinks, far jump stays PUSH2', () => {
    // near: 6009 56 @0, 3 × 6001 @3..8, near: 5b @9, 5f @10, far: 61 0113 56 @11..14,
    // 130 pushes @15..274, far: 5b @275 = 0x113, 60aa
    const pushes = Array.from({ length: 130 }, (_, i) => `0x${((i % 10) + 1).toString(16).padStart(2, '0')}`).join(' ');
    const bytes = Array.from({ length: 130 }, (_, i) => '60' + ((i % 10) + 1).toString(16).padStart(2, '0')).join('');
    const src = `#define macro MAIN() = { near jump 0x01 0x01 0x01 near: 0x00 far jump ${pushes} far: 0xaa }`;
    assert.equal(rt(src, relax), hex('6009', '56', '600160016001', '5b', '5f', '610113', '56', bytes, '5b', '60aa'));
  });

  it('iterates to a fixed point', () => {
    // initially: n jump (4) n: 5b @4, two `f jump` (8), 244 stops, f: 5b @257 = 0x101 → only the
    // near jump fits; after it shrinks f is at 0x100 (forward) → both far jumps shrink → f @254
    const src = '#define macro MAIN() = { n jump n: f jump f jump for (i in 0..244) { stop } f: stop }';
    assert.equal(rt(src, relax), hex('600356', '5b', '60fe56', '60fe56', stops(244), '5b', '00'));
  });

  it('labels passed as macro arguments are relaxed too', () => {
    // 6001 @0, 60 07 57 @2..4, 6002 @5, done: 5b @7
    const src = `
      #define macro JUMP_IF(dest) = { <dest> jumpi }
      #define macro MAIN() = { 0x01 JUMP_IF(done) 0x02 done: stop }`;
    assert.equal(rt(src, relax), hex('6001', '600757', '6002', '5b', '00'));
  });

  it('__tablestart stays PUSH2 and points at the relaxed table position', () => {
    // 6003 56, 5b @3, 61 0009 @4, 6002 @7, table @9
    const src = `
      #define table T { 0xaabb }
      #define macro MAIN() = { lbl jump lbl: __tablestart(T) __tablesize(T) }`;
    assert.equal(rt(src, relax), '6003565b6100096002aabb');
  });

  it('jump table entries use the relaxed label offsets', () => {
    // 61 000d 50 @0..3, 60 07 56 @4..6, a: 5b @7, 60 0b 56 @8..10, b: 5b @11, 00 @12, table @13
    const src = `
      #define jumptable__packed J { a b }
      #define macro MAIN() = { __tablestart(J) pop a jump a: b jump b: stop }`;
    assert.equal(rt(src, relax), hex('61000d', '50', '600756', '5b', '600b56', '5b', '00', '0007', '000b'));
  });

  it('__codesize of the enclosing macro counts the relaxed jumps (hnc codesize tests)', () => {
    // X @2: 60 07 50 (size), 60 08 56, 5b @8 → X is 7 bytes; without relaxation 8 bytes
    const src = `
      #define macro X() = { __codesize(X) pop target jump target: }
      #define macro MAIN() = { 0x00 pop X() stop }`;
    assert.equal(rt(src), '5f50600850610009565b00');
    assert.equal(rt(src, relax), '5f506007506008565b00');
  });

  it('__ASSERT_PC is checked after relaxation', () => {
    // relaxed: 60 03 56 5b → pc 4 after the label; unrelaxed 61 0004 56 5b → pc 5
    assert.equal(rt('#define macro MAIN() = { a jump a: __ASSERT_PC(0x04) 0x01 }', relax), hex('600356', '5b', '6001'));
    assert.equal(err('#define macro MAIN() = { a jump a: __ASSERT_PC(0x04) 0x01 }'), 'main.huff:1:36: __ASSERT_PC failed: expected offset 0x4, actual 0x5');
  });

  it('fn calls: the entry push is relaxed, the return address is the relaxed JUMPDEST', () => {
    // call @0: 61 0006 (ret), 60 08, 56, 5b @6; stop @7; F @8: 5b 6001 50 56
    const src = `
      #define fn F() = takes(0) returns(0) { 0x01 pop }
      #define macro MAIN() = { F() stop }`;
    assert.equal(rt(src, relax), hex('610006', '6008', '56', '5b', '00', '5b', '6001', '50', '56'));
  });

  it('jumps inside fn bodies are not relaxed (as in hnc)', () => {
    // MAIN: stop @0; F @1: 5b, l: 5b @2, 5f, 61 0002 57, 56
    const src = `
      #define fn F() = takes(0) returns(0) { l: 0x00 l jumpi }
      #define macro MAIN() = { stop }`;
    assert.equal(rt(src, relax), hex('00', '5b', '5b', '5f', '610002', '57', '56'));
  });

  it('with __codesize growth: grown placeholders and relaxed jumps together', () => {
    const src = '#define macro MAIN() = { n jump n: __codesize(MAIN) pop for (i in 0..260) { stop } }';
    // n jump: 60 03 56 @0..2; n: 5b @3; 61 SSSS @4..6; 50 @7; 260 stops @8..267 → size 268 = 0x10c
    assert.equal(rt(src, relax), hex('600356', '5b', '61010c', '50', stops(260)));
  });

  it('a relaxed jump whose target is pushed past 0xff by a growing placeholder goes back to PUSH2', () => {
    // relaxed with the PUSH1 placeholder: 60 ff 56, 60 SS, 50, 249 stops @6..254, t: 5b @255.
    // MAIN is then 257 bytes > 255 → the placeholder grows → t would be at 0x100, out of PUSH1
    // range → the jump is PUSH2 again: 61 0101 56 @0..3, 61 0103 @4..6, 50, 249 stops @8..256,
    // t: 5b @257 = 0x101, 00 → 259 = 0x103 bytes
    const src = '#define macro MAIN() = { t jump __codesize(MAIN) pop for (i in 0..249) { stop } t: stop }';
    assert.equal(rt(src, relax), hex('61010156', '610103', '50', stops(249), '5b', '00'));
  });

  it('constructor code is relaxed too; the bootstrap uses the relaxed sizes', () => {
    // constructor: 60 03 56 5b (4 bytes); runtime 6001 (2 bytes);
    // bootstrap: 60 02 (runtime length), 80, 60 0d (9 + 4), 3d 39 3d f3
    const src = '#define macro CONSTRUCTOR() = { a jump a: }\n#define macro MAIN() = { 0x01 }';
    assert.equal(build(src, relax).deploy, hex('6003565b', '6002', '80', '600d', '3d393df3', '6001'));
    assert.equal(build(src).deploy, hex('610004565b', '6002', '80', '600e', '3d393df3', '6001'));
  });
});
