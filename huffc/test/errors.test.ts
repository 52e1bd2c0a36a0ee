import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HuffError } from '../src/index.js';
import { build, err, rt } from './helpers.js';

describe('compile errors (file:line:col: message)', () => {
  it('HuffError carries file, line and col', () => {
    try {
      build('#define macro MAIN() = {\n    FOO()\n}');
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof HuffError);
      assert.equal(e.file, 'main.huff');
      assert.equal(e.line, 2);
      assert.equal(e.col, 5);
      assert.equal(e.detail, 'unknown macro "FOO"');
      assert.equal(e.message, 'main.huff:2:5: unknown macro "FOO"');
    }
  });

  it('wrong argument count', () => {
    assert.equal(err('#define macro M(a, b) = { <a> <b> }\n#define macro MAIN() = { M(0x01) }'), 'main.huff:2:26: macro "M" takes 2 arguments, got 1');
  });

  it('recursive macro (direct and through a cycle)', () => {
    assert.equal(err('#define macro MAIN() = { MAIN() }'), 'main.huff:1:26: recursive invocation of macro "MAIN" (MAIN -> MAIN)');
    assert.equal(
      err('#define macro A() = { B() }\n#define macro B() = { A() }\n#define macro MAIN() = { A() }'),
      'main.huff:2:23: recursive invocation of macro "A" (A -> B -> A)',
    );
  });

  it('recursive fn call', () => {
    assert.equal(err('#define fn F() = takes(0) returns(0) { F() }\n#define macro MAIN() = { F() }'), 'main.huff:1:40: recursive invocation of macro "F" (F -> F)');
  });

  it('bad literals', () => {
    assert.equal(err('#define macro MAIN() = { 0x }'), 'main.huff:1:26: invalid hex literal "0x"');
    assert.equal(err('#define macro MAIN() = { 0x12g4 }'), 'main.huff:1:26: invalid hex literal "0x12g4"');
    assert.equal(err('#define macro MAIN() = { 0x1x2 }'), 'main.huff:1:26: invalid hex literal "0x1x2"');
    assert.equal(err('#define macro MAIN() = { 0X12 }'), 'main.huff:1:26: invalid literal "0X12": use a lowercase 0x prefix');
    assert.equal(err('#define macro MAIN() = { 12 }'), 'main.huff:1:26: decimal literal "12" is not allowed in a macro body; write it as hex (0x...)');
    assert.equal(err('#define macro MAIN() = { push1 0x1234 }'), 'main.huff:1:32: literal 0x1234 does not fit in push1 (1 byte)');
  });

  it('unknown tokens', () => {
    assert.equal(err('#define macro MAIN() = { 0x01 $ }'), 'main.huff:1:31: unexpected character "$"');
    assert.equal(err('#define macro MAIN() = { 0x01 }\nstop'), 'main.huff:2:1: expected #define or #include, found "stop"');
    assert.equal(err('#define thing X = 0x01'), 'main.huff:1:9: invalid definition "thing": expected macro, fn, test, constant, function, event, error, jumptable, jumptable__packed or table');
    assert.equal(err('#pragma x'), 'main.huff:1:1: unknown directive "#pragma" (expected #define or #include)');
  });

  it('unterminated comment, string and body', () => {
    assert.equal(err('/* open /* nested */\n#define macro MAIN() = { }'), 'main.huff:1:1: unterminated block comment');
    assert.equal(err('#define macro MAIN() = { __FUNC_SIG("abc) }'), 'main.huff:1:37: unterminated string literal');
    assert.equal(err('#define macro MAIN() = { 0x01'), 'main.huff:1:30: expected "}" to close the body of macro "MAIN", found end of file');
  });

  it('missing MAIN, missing -t constructor', () => {
    assert.equal(err('#define macro NOT_MAIN() = { }'), 'main.huff:1:1: missing macro "MAIN" (the runtime entry point)');
    assert.equal(err('#define macro MAIN() = { }', { constructorMacro: 'CTOR' }), 'main.huff:1:1: missing macro "CTOR" (the constructor entry point)');
  });

  it('undefined argument in a parameterless macro', () => {
    assert.equal(err('#define macro M() = { <x> }\n#define macro MAIN() = { M() }'), 'main.huff:1:23: macro "M" has no argument <x>');
  });

  it('forwarding an argument the current macro does not declare', () => {
    assert.equal(err('#define macro N(a) = { <a> }\n#define macro M() = { N(<x>) }\n#define macro MAIN() = { M() }'), 'main.huff:2:25: <x> is not a parameter of macro "M"');
  });

  it('test macros cannot be invoked', () => {
    assert.equal(err('#define test T() = { }\n#define macro MAIN() = { T() }'), 'main.huff:2:26: test "T" cannot be invoked');
  });

  it('a string constant cannot be pushed directly', () => {
    assert.equal(err('#define constant S = "hi"\n#define macro MAIN() = { [S] }'), 'main.huff:2:26: constant "S" is a string; use __BYTES("...") to push it');
  });
});

describe('unknown opcodes', () => {
  it('an unknown word is a label reference; mistyped opcodes get a hint', () => {
    assert.equal(err('#define macro MAIN() = { 0x01 0x02 ADD }'), 'main.huff:1:36: unmatched jump label "ADD" (opcodes are lowercase: did you mean "add"?)');
    assert.equal(err('#define macro MAIN() = { dup17 }'), 'main.huff:1:26: unmatched jump label "dup17" ("dup17" is not an opcode)');
  });

  it('literals longer than 32 bytes', () => {
    assert.equal(err(`#define macro MAIN() = { 0x01${'00'.repeat(32)} }`), `main.huff:1:26: literal 0x01${'00'.repeat(32)} is longer than 32 bytes`);
    assert.equal(rt(`#define macro MAIN() = { 0x0000${'11'.repeat(32)} }`), '7f' + '11'.repeat(32));
  });
});
