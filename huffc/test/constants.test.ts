import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build, err, hex, rt } from './helpers.js';

describe('constants', () => {
  it('[C] is a minimal push of the value; as an argument the written width is kept', () => {
    const src = `
      #define constant A = 0x0002
      #define constant Z = 0x0000
      #define macro M(x) = { <x> }
      #define macro MAIN() = { [A] [Z] M(A) M(Z) }`;
    // [A] → 6002, [Z] → 5f, M(A) → 610002, M(Z) → 610000 (PUSH2 of the written 2 bytes)
    assert.equal(rt(src), hex('6002', '5f', '610002', '610000'));
  });

  it('true/false constants', () => {
    assert.equal(rt('#define constant T = true\n#define constant F = false\n#define macro MAIN() = { [T] [F] }'), '60015f');
  });

  it('arithmetic constants (huff-neo): precedence, decimal, references, comparisons, wrapping', () => {
    const src = `
      #define constant BASE = 0x10
      #define constant X = [BASE] * 2 + 3       // 35 = 0x23
      #define constant Y = ([BASE] + 2) * 2     // 36 = 0x24
      #define constant Z = 0 - 1                // wraps to 2^256 - 1
      #define constant W = [X] < [Y]            // 1
      #define constant V = 7 % 4 - 3            // 0 → PUSH0
      #define macro M(a) = { <a> }
      #define macro MAIN() = { [X] [Y] [Z] [W] [V] M(X) }`;
    assert.equal(rt(src), hex('6023', '6024', '7f' + 'ff'.repeat(32), '6001', '5f', '6023'));
  });

  it('division by zero and circular constants are errors', () => {
    assert.equal(err('#define constant A = 1 / 0\n#define macro MAIN() = { [A] }'), 'main.huff:1:24: division by zero in constant expression');
    assert.equal(
      err('#define constant A = [B] + 1\n#define constant B = [A] + 1\n#define macro MAIN() = { [A] }'),
      'main.huff:2:22: circular constant definition involving "A"',
    );
  });

  it('undefined constant', () => {
    assert.equal(err('#define macro MAIN() = { [NOPE] }'), 'main.huff:1:26: undefined constant "NOPE"');
  });

  it('constant longer than 32 bytes is an error', () => {
    assert.equal(err(`#define constant A = 0x${'11'.repeat(33)}\n#define macro MAIN() = { }`), `main.huff:1:22: constant "A" is longer than 32 bytes (0x${'11'.repeat(33)})`);
  });
});

describe('FREE_STORAGE_POINTER', () => {
  it('numbered by first reference; the 11th pointer is slot 0x10 (decimal digits read as hex)', () => {
    const defs = Array.from({ length: 11 }, (_, i) => `#define constant C${i} = FREE_STORAGE_POINTER()`).join('\n');
    // reference them in reverse definition order: numbering follows references, not definitions
    const refs = Array.from({ length: 11 }, (_, i) => `[C${10 - i}]`).join(' ');
    // slots 0..9 then 0x10: 5f 6001 ... 6009 6010
    assert.equal(rt(`${defs}\n#define macro MAIN() = { ${refs} }`), hex('5f', '6001', '6002', '6003', '6004', '6005', '6006', '6007', '6008', '6009', '6010'));
  });

  it('CONSTRUCTOR is walked before MAIN; arguments are numbered before the callee body', () => {
    // CONSTRUCTOR: [B] → B=0. MAIN: M(C) → C=1 (argument first), then M's body [A] → A=2
    const src = `
      #define constant A = FREE_STORAGE_POINTER()
      #define constant B = FREE_STORAGE_POINTER()
      #define constant C = FREE_STORAGE_POINTER()
      #define macro M(x) = { [A] <x> }
      #define macro CONSTRUCTOR() = { [B] pop }
      #define macro MAIN() = { M(C) [B] }`;
    const r = build(src);
    // M(C): [A] → 6002, <x> = C (FSP as argument → at least one byte, no PUSH0) → 6001; [B] → 5f
    assert.equal(r.runtime, hex('6002', '6001', '5f'));
    assert.equal(r.deploy.slice(0, 4), '5f50');
  });

  it('FSP slot 0 as an argument is 6000 even on osaka', () => {
    const src = `
      #define constant S = FREE_STORAGE_POINTER()
      #define macro M(x) = { <x> }
      #define macro MAIN() = { M(S) [S] }`;
    assert.equal(rt(src), '60005f');
  });

  it('an FSP constant never referenced from MAIN/CONSTRUCTOR has no slot', () => {
    // (only referenced inside a fn that is never called)
    const src = `
      #define constant S = FREE_STORAGE_POINTER()
      #define fn F() = takes(0) returns(0) { [S] }
      #define macro MAIN() = { stop }`;
    assert.equal(err(src), 'main.huff:3:46: free storage pointer constant "S" has no slot: it is not referenced from MAIN or CONSTRUCTOR');
  });
});

describe('-c constant overrides', () => {
  it('replace a hex constant; new constants can be added; true/false', () => {
    const src = `
      #define constant VARIANT = 0x01
      #define macro MAIN() = { [VARIANT] [EXTRA] [FLAG] }`;
    assert.equal(rt(src, { constants: { VARIANT: '0x07', EXTRA: '0x1234', FLAG: 'true' } }), hex('6007', '611234', '6001'));
  });

  it('an override keeps its typed width when passed as a macro argument (foundry passes 32 bytes)', () => {
    const src = `
      #define constant OWNER = 0x00
      #define macro M(x) = { <x> }
      #define macro MAIN() = { M(OWNER) [OWNER] }`;
    const v = '00'.repeat(31) + '2a';
    assert.equal(rt(src, { constants: { OWNER: '0x' + v } }), hex('7f' + v, '602a'));
  });

  it('overrides an FSP constant (applied after numbering) and selects if-branches', () => {
    const src = `
      #define constant A = FREE_STORAGE_POINTER()
      #define constant B = FREE_STORAGE_POINTER()
      #define constant MODE = 0x00
      #define macro MAIN() = {
        [A] [B]
        if ([MODE] == 1) { 0xaa } else if ([MODE] == 2) { 0xbb } else { 0xcc }
      }`;
    // A=0, B=1 before the override; A is then replaced by 0x05
    assert.equal(rt(src, { constants: { A: '0x05' } }), hex('6005', '6001', '60cc'));
    assert.equal(rt(src, { constants: { MODE: '0x02' } }), hex('5f', '6001', '60bb'));
    assert.equal(rt(src, { constants: { MODE: 'true' } }), hex('5f', '6001', '60aa'));
  });

  it('invalid override values are errors', () => {
    assert.equal(err('#define macro MAIN() = { }', { constants: { X: '12' } }), 'main.huff:1:1: invalid value "12" for constant X: expected 0x-prefixed hex, true or false');
  });

  it('duplicate constants: the first definition in flattened order wins (includes come first)', () => {
    const r = build('#include "./lib.huff"\n#define constant X = 0x02\n#define macro MAIN() = { [X] }', {}, { 'lib.huff': '#define constant X = 0x01' });
    assert.equal(r.runtime, '6001');
  });
});

describe('compile-time if / for (huff-neo)', () => {
  it('if with <arg> condition', () => {
    const src = `
      #define macro PICK(n) = { if (<n> > 1) { 0x0b } else { 0x0a } }
      #define macro MAIN() = { PICK(0x01) PICK(0x05) }`;
    assert.equal(rt(src), '600a600b');
  });

  it('for loop unrolls, <i> is the value, labels get _<i>', () => {
    // i = 0: 5b(l_0 @0) 5f 610000 56 ; i = 2: 5b(l_2 @6) 6002 610006 56
    const src = '#define macro MAIN() = { for (i in 0..4 step 2) { l: <i> l jump } }';
    assert.equal(rt(src), hex('5b 5f 610000 56', '5b 6002 610006 56'));
  });
});
