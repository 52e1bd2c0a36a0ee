import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build, err, hex, rt } from './helpers.js';

describe('literals and opcodes', () => {
  it('minimal push for literals, PUSH0 for zero from shanghai (default osaka)', () => {
    // 0x00 → 5f, 0x0001 → 6001 (leading zeros dropped), 0x1234 → 611234, true/false → 6001 / 5f
    assert.equal(rt('#define macro MAIN() = { 0x00 0x0001 0x1234 true false }'), hex('5f', '6001', '611234', '6001', '5f'));
  });

  it('zero literal is 6000 on paris', () => {
    assert.equal(rt('#define macro MAIN() = { 0x00 0x0000 }', { evmVersion: 'paris' }), '60006000');
  });

  it('a 32-byte literal is PUSH32', () => {
    const v = 'ff'.repeat(32);
    assert.equal(rt(`#define macro MAIN() = { 0x${v} }`), '7f' + v);
  });

  it('explicit pushN keeps its width, zero-padded left; push1 0x00 is never PUSH0', () => {
    // push32 0x234 → 7f + 30 zero bytes + 0234 (section 7)
    assert.equal(
      rt('#define macro MAIN() = { push32 0x234 push1 0x00 push2 0x01 push0 }'),
      hex('7f', '00'.repeat(30), '0234', '6000', '610001', '5f'),
    );
  });

  it('opcodes, sha3 alias, case-insensitive hex digits', () => {
    assert.equal(
      rt('#define macro MAIN() = { caller sha3 keccak256 returndatasize dup16 swap16 0xAbCd log4 selfdestruct }'),
      hex('33', '20', '20', '3d', '8f', '9f', '61abcd', 'a4', 'ff'),
    );
  });

  it('nested block comments and line comments are ignored', () => {
    const src = `/* outer /* inner */ still comment #include "nope.huff" */
      // line comment äöü
      #define macro MAIN() = { /* a /* b */ c */ 0x01 // trailing
      }`;
    assert.equal(rt(src), '6001');
  });

  it('takes/returns are accepted and have no effect on inline macros', () => {
    const src = `#define macro A() = takes(2) returns(1) { add }
      #define macro MAIN() = takes(0) returns(0) { 0x01 0x02 A() }`;
    assert.equal(rt(src), '6001600201');
  });

  it('clz exists on osaka only', () => {
    assert.equal(rt('#define macro MAIN() = { 0x01 clz }'), '60011e');
    assert.equal(
      err('#define macro MAIN() = { 0x01 clz }', { evmVersion: 'prague' }),
      'main.huff:1:31: opcode "clz" is not available on evm version prague (requires osaka or later)',
    );
  });

  it('cancun opcodes are gated', () => {
    assert.equal(rt('#define macro MAIN() = { tload tstore mcopy blobhash blobbasefee }', { evmVersion: 'cancun' }), '5c5d5e494a');
    assert.equal(
      err('#define macro MAIN() = { 0x00 tload }', { evmVersion: 'shanghai' }),
      'main.huff:1:31: opcode "tload" is not available on evm version shanghai (requires cancun or later)',
    );
  });

  it('push0 is an error before shanghai, also in an unused macro', () => {
    // hnc validates the opcodes of every macro, invoked or not
    assert.equal(
      err('#define macro UNUSED() = { push0 }\n#define macro MAIN() = { 0x01 }', { evmVersion: 'paris' }),
      'main.huff:1:28: opcode "push0" is not available on evm version paris (requires shanghai or later)',
    );
  });

  it('opcode passed as a macro argument is gated too', () => {
    assert.equal(
      err('#define macro M(op) = { <op> }\n#define macro MAIN() = { M(tload) }', { evmVersion: 'paris' }),
      'main.huff:2:28: opcode "tload" is not available on evm version paris (requires cancun or later)',
    );
  });
});

describe('macros and arguments', () => {
  it('nested invocations', () => {
    const src = `
      #define macro INNER() = { 0x01 }
      #define macro MIDDLE() = { INNER() 0x02 INNER() }
      #define macro MAIN() = { MIDDLE() MIDDLE() stop }`;
    assert.equal(rt(src), hex('6001 6002 6001', '6001 6002 6001', '00'));
  });

  it('<arg> substitution of literal, opcode, constant, label', () => {
    // 0x00 literal arg → PUSH0 (minimal push); constant arg 0x0002 → pushed as written 610002;
    // opcode arg → the opcode byte; label arg → PUSH2 of the caller's label (offset 0)
    const src = `
      #define constant TWO = 0x0002
      #define macro M(lit, c, op, lbl) = { <lit> <c> <op> <lbl> }
      #define macro MAIN() = { here: M(0x00, TWO, add, here) }`;
    assert.equal(rt(src), hex('5b', '5f', '610002', '01', '610000'));
  });

  it('constant 0x00 passed as an argument stays 6000 (never PUSH0), [C] gives PUSH0', () => {
    const src = `
      #define constant Z = 0x00
      #define macro M(x) = { <x> }
      #define macro MAIN() = { M(Z) [Z] }`;
    assert.equal(rt(src), '60005f');
  });

  it('forwarding <outer> through several levels', () => {
    const src = `
      #define macro C(z) = { <z> 0x01 }
      #define macro B(y) = { C(<y>) }
      #define macro A(x) = { B(<x>) }
      #define macro MAIN() = { A(0x42) }`;
    assert.equal(rt(src), '60426001');
  });

  it('<x> bubbles up to the caller when the macro has parameters', () => {
    const src = `
      #define macro INNER(unused) = { <outer> }
      #define macro OUTER(outer) = { INNER(0x01) }
      #define macro MAIN() = { OUTER(0x07) }`;
    assert.equal(rt(src), '6007');
  });

  it('macro call as an argument is expanded where the argument is used (every time)', () => {
    const src = `
      #define macro ONE() = { 0x01 }
      #define macro TWICE(m) = { <m> <m> add }
      #define macro MAIN() = { TWICE(ONE()) }`;
    assert.equal(rt(src), '6001600101');
  });

  it('macro call argument with its own arguments', () => {
    const src = `
      #define macro ADD(a, b) = { <a> <b> add }
      #define macro USE(m) = { <m> 0x00 mstore }
      #define macro MAIN() = { USE(ADD(0x01, 0x02)) }`;
    assert.equal(rt(src), hex('6001 6002 01', '5f 52'));
  });

  it('<m>() invokes the macro named by an argument', () => {
    const src = `
      #define macro TEN() = { 0x0a }
      #define macro CALLIT(m) = { <m>() <m>() }
      #define macro MAIN() = { CALLIT(TEN) }`;
    assert.equal(rt(src), '600a600a');
  });

  it('__NOOP as an argument and in a body emits nothing', () => {
    const src = `
      #define macro M(x) = { 0x01 <x> 0x02 }
      #define macro MAIN() = { M(__NOOP) __NOOP }`;
    assert.equal(rt(src), '60016002');
  });

  it('label passed as argument resolves in the caller (M(done) jumps to the caller\'s done)', () => {
    const src = `
      #define macro JUMP_IF(dest) = { <dest> jumpi }
      #define macro MAIN() = { 0x01 JUMP_IF(done) 0x02 done: stop }`;
    // offsets: 6001 @0, PUSH2 done @2, 57 @5, 6002 @6, done: 5b @8
    assert.equal(rt(src), hex('6001', '610008', '57', '6002', '5b', '00'));
  });
});

describe('outlined functions (#define fn)', () => {
  it('call layout and appended body', () => {
    // MAIN: 0x01 0x02 ADD2() stop
    //   6001 6002            offsets 0..3
    //   61 000d  91 90       PUSH2 ret, then SWAPt..SWAP1 (takes 2 → SWAP2 SWAP1), offsets 4..8
    //   61 000f 56 5b        PUSH2 fn, JUMP, JUMPDEST at 13; ret = call start 4 + takes 2 + 7 = 13
    //   00                   stop at 14
    // fn body at 15 (0x0f): 5b 01 90 56 (JUMPDEST, add, SWAP1 for returns(1), JUMP)
    const src = `
      #define fn ADD2() = takes(2) returns(1) { add }
      #define macro MAIN() = { 0x01 0x02 ADD2() stop }`;
    assert.equal(rt(src), hex('6001 6002', '61000d 91 90', '61000f 56 5b', '00', '5b 01 90 56'));
  });

  it('every fn is appended even if unused, in definition order, after main code', () => {
    const src = `
      #define fn F1() = takes(0) returns(0) { 0x01 pop }
      #define macro MAIN() = { stop }
      #define fn F2() = takes(0) returns(2) { 0x02 0x03 }`;
    // MAIN: 00 | F1: 5b 6001 50 56 | F2: 5b 6002 6003 90 91 56 (SWAP1, SWAP2 for returns 2)
    assert.equal(rt(src), hex('00', '5b600150 56', '5b60026003 9091 56'));
  });

  it('labels inside fn bodies use absolute offsets', () => {
    const src = `
      #define fn F() = takes(0) returns(0) { lbl: lbl jump }
      #define macro MAIN() = { F() }`;
    // call at 0: 610007 610008 56 5b (ret = 0 + 0 + 7); fn at 8: 5b; lbl at 9: 5b 610009 56; fn's final 56
    assert.equal(rt(src), hex('610007', '610008', '56', '5b', '5b', '5b 610009 56', '56'));
  });
});

describe('MAIN / CONSTRUCTOR and bootstrap', () => {
  it('no constructor, 24-byte runtime: 60188060093d393df3 + runtime', () => {
    const src = `#define macro MAIN() = { ${'0x01 '.repeat(12)} }`;
    const r = build(src);
    assert.equal(r.runtime.length, 48);
    assert.equal(r.deploy, '60188060093d393df3' + r.runtime);
  });

  it('ERC20-shaped: 4-byte constructor, 428-byte runtime (paris)', () => {
    // caller 0x00 sstore → 33 6000 55 on paris; bootstrap: 61 01ac 80 60 0e 3d 39 3d f3
    // (runtime ≥ 256 → PUSH2, bootstrap 10 bytes, offset 10 + 4 = 0x0e)
    const src = `
      #define macro CONSTRUCTOR() = { caller 0x00 sstore }
      #define macro MAIN() = { __VERBATIM(0x${'5b'.repeat(428)}) }`;
    const r = build(src, { evmVersion: 'paris' });
    assert.equal(r.deploy, '33600055' + '6101ac80600e3d393df3' + r.runtime);
  });

  it('constructor ≥ 246 bytes pushes the offset with PUSH2 (bootstrap 11 bytes)', () => {
    // L = 300 → 61 012c (size 10); C = 250: 10 + 250 = 260 ≥ 256 → size 11, offset 11 + 250 = 261 = 0x0105
    const src = `
      #define macro CONSTRUCTOR() = { __VERBATIM(0x${'00'.repeat(250)}) }
      #define macro MAIN() = { __VERBATIM(0x${'5b'.repeat(300)}) }`;
    const r = build(src);
    assert.equal(r.deploy.slice(500, 500 + 22), '61012c8061010' + '53d393df3');
  });

  it('custom bootstrap: a RETURN opcode in the constructor suppresses the bootstrap', () => {
    // cli.rs example: 60ff5f5260205ff3 (0xff 0x00 mstore 0x20 0x00 return)
    const src = `
      #define macro CONSTRUCTOR() = { 0xff 0x00 mstore 0x20 0x00 return }
      #define macro MAIN() = { stop }`;
    const r = build(src);
    assert.equal(r.deploy, '60ff5f5260205ff3' + '00');
  });

  it('custom bootstrap also counts a return passed as an opcode argument in a nested macro', () => {
    const src = `
      #define macro END(op) = { <op> }
      #define macro CONSTRUCTOR() = { 0x00 0x00 END(return) }
      #define macro MAIN() = { stop }`;
    assert.equal(build(src).deploy, '5f5ff300');
  });

  it('-m / -t select other entry macros', () => {
    const src = `
      #define macro ALT() = { 0x02 }
      #define macro ALTC() = { 0x03 pop }
      #define macro MAIN() = { 0x01 }`;
    const r = build(src, { mainMacro: 'ALT', constructorMacro: 'ALTC' });
    assert.equal(r.runtime, '6002');
    assert.equal(r.deploy, '600350' + '600280600c3d393df3' + '6002');
  });

  it('runtime over 24576 bytes is an error', () => {
    const big = `#define macro MAIN() = { __VERBATIM(0x${'00'.repeat(24577)}) }`;
    assert.equal(err(big), 'main.huff:1:15: runtime bytecode is 24577 bytes, over the 24576-byte limit (EIP-170)');
    assert.equal(build(`#define macro MAIN() = { __VERBATIM(0x${'00'.repeat(24576)}) }`).runtime.length, 2 * 24576);
    assert.equal(build(big, { noSizeLimit: true }).runtime.length, 2 * 24577);
  });
});
