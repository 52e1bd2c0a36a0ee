import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { err, hex, rt } from './helpers.js';

describe('labels and scoping', () => {
  it('huff-neo test_nested_label_shadowing_three_levels', () => {
    // MAIN defines label_a @0, LEVEL2 @3, LEVEL3 @6. LEVEL2's `label_a jump` takes its own (3),
    // MAIN's takes MAIN's (0): deepest definition in the scope or its ancestors wins.
    const src = `
      #define macro LEVEL3() = { label_a: 0x03 }
      #define macro LEVEL2() = { label_a: 0x02 LEVEL3() label_a jump }
      #define macro MAIN() = { label_a: 0x01 LEVEL2() label_a jump }`;
    assert.equal(rt(src), hex('5b6001', '5b6002', '5b6003', '610003', '56', '610000', '56'));
  });

  it('every invocation of a macro has its own labels', () => {
    // 1st LOOP at 0: 5b 610000 56; 2nd at 5: 5b 610005 56
    const src = `
      #define macro LOOP() = { start: start jump }
      #define macro MAIN() = { LOOP() LOOP() }`;
    assert.equal(rt(src), hex('5b 610000 56', '5b 610005 56'));
  });

  it('a label reference is always PUSH2, also to offset 0 and forward', () => {
    assert.equal(rt('#define macro MAIN() = { a: a b b: }'), hex('5b', '610000', '610007', '5b'));
  });

  it('a parent may jump to a label defined in a macro it invoked', () => {
    // MAIN: PUSH2 target @0, JUMP @3, CHILD @4: 6001 @4, target: 5b @6
    const src = `
      #define macro CHILD() = { 0x01 target: stop }
      #define macro MAIN() = { target jump CHILD() }`;
    assert.equal(rt(src), hex('610006', '56', '6001', '5b', '00'));
  });

  it('a child may jump to a label its caller defines later', () => {
    // CHILD @0: PUSH2 end, JUMP; MAIN's end: @4
    const src = `
      #define macro CHILD() = { end jump }
      #define macro MAIN() = { CHILD() end: stop }`;
    assert.equal(rt(src), hex('610004', '56', '5b', '00'));
  });

  it('a sibling invocation\'s label is found when nothing closer defines it', () => {
    // A @0 defines shared: 5b; B @1: PUSH2 shared(0) JUMP
    const src = `
      #define macro A() = { shared: }
      #define macro B() = { shared jump }
      #define macro MAIN() = { A() B() }`;
    assert.equal(rt(src), hex('5b', '610000', '56'));
  });

  it('same label name in two sibling invocations is fine until a third one references it', () => {
    const ok = `
      #define macro A() = { dup: dup jump }
      #define macro MAIN() = { A() A() }`;
    assert.equal(rt(ok), hex('5b 610000 56', '5b 610005 56'));
    const ambiguous = `
      #define macro A() = { dup: }
      #define macro B() = { dup jump }
      #define macro MAIN() = { A() A() B() }`;
    assert.equal(err(ambiguous), 'main.huff:3:29: label "dup" is defined in several sibling macro invocations (ambiguous reference)');
  });

  it('duplicate label in one macro body is an error', () => {
    assert.equal(err('#define macro MAIN() = {\n  a: 0x01\n  a: 0x02\n}'), 'main.huff:3:3: duplicate label "a" in macro "MAIN"');
  });

  it('undefined label: unmatched jump label', () => {
    assert.equal(err('#define macro MAIN() = {\n  0x01 nowhere jumpi\n}'), 'main.huff:2:8: unmatched jump label "nowhere"');
  });

  it('undefined label passed as an argument reports the argument position', () => {
    const src = '#define macro J(d) = { <d> jump }\n#define macro MAIN() = { J(missing) }';
    assert.equal(err(src), 'main.huff:2:28: unmatched jump label "missing"');
  });

  it('a label with a space before the colon is not a label definition', () => {
    assert.equal(err('#define macro MAIN() = { done : stop }'), 'main.huff:1:31: unexpected token ":" in macro "MAIN"');
  });
});
