import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { compile, HuffError } from '../src/index.js';

function compileFiles(files: Record<string, string>, entry = 'src/main.huff'): string {
  return compile({ entry, files }).runtime;
}

function errFiles(files: Record<string, string>, entry = 'src/main.huff'): string {
  try {
    compile({ entry, files });
  } catch (e) {
    if (e instanceof HuffError) return e.message;
    throw e;
  }
  throw new Error('expected an error');
}

describe('#include', () => {
  it('relative paths: ./, ../ and bare names, resolved from the including file', () => {
    const files = {
      'src/main.huff': '#include "./lib/a.huff"\n#include "common.huff"\n#define macro MAIN() = { A() B() C() }',
      'src/lib/a.huff': '#include "../../shared/b.huff"\n#define macro A() = { 0x0a }',
      'shared/b.huff': '#define macro B() = { 0x0b }',
      'src/common.huff': '#define macro C() = { 0x0c }',
    };
    assert.equal(compileFiles(files), '600a600b600c');
  });

  it('each file is read once (diamond), flattened depth-first post-order: fn order follows it', () => {
    // main includes x then y; both include base. Flattened: base, x, y, main.
    const files = {
      'src/main.huff': '#include "./x.huff"\n#include "./y.huff"\n#define fn FM() = takes(0) returns(0) { 0x04 }\n#define macro MAIN() = { stop }',
      'src/x.huff': '#include "./base.huff"\n#define fn FX() = takes(0) returns(0) { 0x02 }',
      'src/y.huff': '#include "./base.huff"\n#define fn FY() = takes(0) returns(0) { 0x03 }',
      'src/base.huff': '#define fn FB() = takes(0) returns(0) { 0x01 }',
    };
    // MAIN: 00, then FB, FX, FY, FM, each 5b 60nn 56
    assert.equal(compileFiles(files), '00' + '5b600156' + '5b600256' + '5b600356' + '5b600456');
  });

  it('an include cycle is reported with the cycle path', () => {
    const files = {
      'src/main.huff': '#include "./a.huff"\n#define macro MAIN() = { }',
      'src/a.huff': '#include "./b.huff"',
      'src/b.huff': '\n  #include "./a.huff"',
    };
    assert.equal(errFiles(files), 'src/b.huff:2:3: include cycle: src/a.huff -> src/b.huff -> src/a.huff');
  });

  it('a file including itself is a cycle', () => {
    assert.equal(errFiles({ 'src/main.huff': '#include "./main.huff"\n#define macro MAIN() = { }' }), 'src/main.huff:1:1: include cycle: src/main.huff -> src/main.huff');
  });

  it('missing include file', () => {
    assert.equal(errFiles({ 'src/main.huff': '#define macro MAIN() = { }\n#include "./nope.huff"' }), 'src/main.huff:2:1: included file "src/nope.huff" not found');
  });

  it('#include inside a comment is ignored', () => {
    assert.equal(compileFiles({ 'src/main.huff': '// #include "./nope.huff"\n/* #include "./nope.huff" */\n#define macro MAIN() = { 0x01 }' }), '6001');
  });

  it('definitions from any file are global; duplicate macro names are an error', () => {
    const files = {
      'src/main.huff': '#include "./a.huff"\n#define macro A() = { 0x02 }\n#define macro MAIN() = { A() }',
      'src/a.huff': '#define macro A() = { 0x01 }',
    };
    assert.equal(errFiles(files), 'src/main.huff:2:15: duplicate macro "A" (first defined at src/a.huff:1:15)');
  });

  it('reads from the file system by default (entry relative to the cwd or absolute)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huffc-test-'));
    try {
      fs.mkdirSync(path.join(dir, 'lib'));
      fs.writeFileSync(path.join(dir, 'main.huff'), '#include "./lib/l.huff"\n#define macro MAIN() = { L() }');
      fs.writeFileSync(path.join(dir, 'lib', 'l.huff'), '#define macro L() = { caller }');
      assert.equal(compile({ entry: path.join(dir, 'main.huff') }).runtime, '33');
      const e = (() => {
        try {
          compile({ entry: path.join(dir, 'missing.huff') });
        } catch (x) {
          return (x as Error).message;
        }
        return '';
      })();
      assert.equal(e, `${path.join(dir, 'missing.huff')}:1:1: file not found: ${path.join(dir, 'missing.huff')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('custom readFile hook', () => {
    const seen: string[] = [];
    const r = compile({
      entry: '/virtual/main.huff',
      readFile: (p) => {
        seen.push(p);
        return p === '/virtual/main.huff' ? '#include "./x.huff"\n#define macro MAIN() = { X() }' : '#define macro X() = { 0x09 }';
      },
    });
    assert.equal(r.runtime, '6009');
    assert.deepEqual(seen, ['/virtual/main.huff', '/virtual/x.huff']);
  });
});
