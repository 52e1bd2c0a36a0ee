import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { err, hex, rt } from './helpers.js';

// A macro call written as an argument is expanded where the parameter is used, but it was
// written in the caller: for recursion detection it is an invocation made by the caller, not by
// the callee (huff-semantics.md section 4). ID(ID(0x01)) is therefore not recursive.

describe('macro calls nested in arguments of the same macro', () => {
  const ID = '#define macro ID(x) = takes(0) returns(0) { <x> }';

  it('ID(ID(0x01)) is not recursion', () => {
    // outer ID: <x> = ID(0x01) → inner ID: <x> = 0x01 → PUSH1 01
    assert.equal(rt(`${ID}\n#define macro MAIN() = { ID(ID(0x01)) }`), '6001');
  });

  it('three and four levels', () => {
    assert.equal(rt(`${ID}\n#define macro MAIN() = { ID(ID(ID(0x01))) }`), '6001');
    assert.equal(rt(`${ID}\n#define macro MAIN() = { ID(ID(ID(ID(0x01)))) 0x02 }`), hex('6001', '6002'));
  });

  it('M2(M3(0x01)) where M2 calls M3(<y>)', () => {
    // M2's body M3(<y>) with y = M3(0x01): the outer M3's <x> expands M3(0x01) = 6001 6002 01,
    // then the outer M3 goes on with its own 6002 01.
    const src = `
      #define macro M3(x) = { <x> 0x02 add }
      #define macro M2(y) = { M3(<y>) }
      #define macro MAIN() = { M2(M3(0x01)) }`;
    assert.equal(rt(src), hex('6001 6002 01', '6002 01'));
  });

  it('three and four levels through a forwarding macro', () => {
    const src = (call: string): string => `
      #define macro M3(x) = { <x> 0x02 add }
      #define macro M2(y) = { M3(<y>) }
      #define macro MAIN() = { ${call} }`;
    // M2(M3(M3(0x01))): innermost 6001, then 600201 once per enclosing M3 (three M3s)
    assert.equal(rt(src('M2(M3(M3(0x01)))')), hex('6001', '600201', '600201', '600201'));
    // M2(M2(M3(0x01))): the outer M2 gives M3(<y>) with y = M2(M3(0x01)) → M3(M3(0x01)) + 600201
    assert.equal(rt(src('M2(M2(M3(0x01)))')), hex('6001', '600201', '600201', '600201'));
  });

  it('labels next to the nested calls', () => {
    // start: 5b @0, 6001 @1..2, PUSH2 0000 @3, 56 @6, 5b @7 (end)
    const src = `${ID}
      #define macro MAIN() = { start: ID(ID(0x01)) start jump end: ID(ID(ID(end))) }`;
    // the innermost argument `end` is a label of MAIN: PUSH2 0007 after end: at 7
    assert.equal(rt(src), hex('5b', '6001', '610000', '56', '5b', '610007'));
  });

  it('labels inside the nested macro: every expansion has its own', () => {
    // L(L(L(0x01))): outer here @0, middle here @1, inner here @2, 6001 @3; each invocation's
    // `here jump` goes to its own label: inner → 2, middle → 1, outer → 0
    const src = `
      #define macro L(x) = { here: <x> here jump }
      #define macro MAIN() = { L(L(L(0x01))) }`;
    assert.equal(rt(src), hex('5b 5b 5b', '6001', '610002 56', '610001 56', '610000 56'));
  });

  it('a caller label passed through nested calls of the same macro', () => {
    // dest: 5b @0; J(dest) resolves dest in MAIN → PUSH2 0000, JUMP
    const src = `${ID}
      #define macro J(lbl) = { <lbl> jump }
      #define macro MAIN() = { dest: ID(ID(J(dest))) 0x00 0x00 revert }`;
    assert.equal(rt(src), hex('5b', '610000 56', '5f 5f fd'));
  });

  it('real recursion is still reported: a body call', () => {
    assert.equal(
      err('#define macro R(x) = { R(<x>) }\n#define macro MAIN() = { R(0x01) }'),
      'main.huff:1:24: recursive invocation of macro "R" (R -> R)',
    );
  });

  it('real recursion is still reported: through an argument written in the macro itself', () => {
    // B's body passes B() to A; A expands it, which would expand B again, forever. Reported at
    // the <x> that expands it, with the chain of invocations that led there.
    assert.equal(
      err('#define macro A(x) = { <x> }\n#define macro B() = { A(B()) }\n#define macro MAIN() = { B() }'),
      'main.huff:1:24: recursive invocation of macro "B" (B -> A -> B)',
    );
  });
});
