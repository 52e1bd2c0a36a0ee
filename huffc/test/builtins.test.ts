import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keccak256, toEventSelector, toFunctionSelector } from 'viem';
import { keccak256 as ourKeccak } from '../src/keccak.js';
import { build, err, hex, rt } from './helpers.js';

const sel = (sig: string): string => toFunctionSelector(sig).slice(2);

describe('keccak', () => {
  it('matches viem on many lengths (rate boundary 136)', () => {
    for (const n of [0, 1, 31, 32, 135, 136, 137, 272, 1000]) {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
      assert.equal(Buffer.from(ourKeccak(data)).toString('hex'), keccak256(data).slice(2), `length ${n}`);
    }
  });
});

describe('__FUNC_SIG / __EVENT_HASH / __ERROR', () => {
  const decls = `
    #define function transfer(address to, uint256 amount) nonpayable returns (bool)
    #define function balanceOf(address) view returns (uint)
    #define event Transfer(address indexed from, address indexed to, uint256 value)
    #define error InsufficientBalance(uint256, uint)
  `;

  it('__FUNC_SIG of a string and of a declared function name (minimal push, normally PUSH4)', () => {
    const r = rt(`${decls}
      #define macro MAIN() = { __FUNC_SIG("transfer(address,uint256)") __FUNC_SIG(transfer) __FUNC_SIG(balanceOf) }`);
    assert.equal(sel('transfer(address,uint256)'), 'a9059cbb');
    // balanceOf's `address` input, canonical type list → balanceOf(address)
    assert.equal(r, hex('63a9059cbb', '63a9059cbb', '63' + sel('balanceOf(address)')));
  });

  it('__FUNC_SIG of a selector with a leading zero byte is a shorter push', () => {
    // find a signature whose selector starts with one 00 byte → PUSH3 of the remaining 3 bytes
    let sig = '';
    for (let i = 0; ; i++) {
      sig = `f${i}()`;
      if (sel(sig).startsWith('00') && !sel(sig).startsWith('0000')) break;
    }
    assert.equal(rt(`#define macro MAIN() = { __FUNC_SIG("${sig}") }`), '62' + sel(sig).slice(2));
  });

  it('__EVENT_HASH of a declared event and of a string: PUSH32', () => {
    const topic = toEventSelector('Transfer(address,address,uint256)').slice(2);
    assert.equal(topic, 'ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef');
    assert.equal(rt(`${decls}\n#define macro MAIN() = { __EVENT_HASH(Transfer) __EVENT_HASH("Transfer(address,address,uint256)") }`), '7f' + topic + '7f' + topic);
  });

  it('__ERROR of a declared error is PUSH32 left-aligned; __FUNC_SIG of it is right-aligned', () => {
    // uint canonicalises to uint256
    const s = sel('InsufficientBalance(uint256,uint256)');
    assert.equal(rt(`${decls}\n#define macro MAIN() = { __ERROR(InsufficientBalance) __FUNC_SIG(InsufficientBalance) }`), hex('7f' + s + '00'.repeat(28), '63' + s));
  });

  it('__ERROR of an undeclared name hashes the string (right-aligned)', () => {
    assert.equal(rt('#define macro MAIN() = { __ERROR("Unauthorized()") }'), '63' + sel('Unauthorized()'));
  });

  it('builtins as macro arguments and in constants', () => {
    const src = `${decls}
      #define constant SIG = __FUNC_SIG(transfer)
      #define macro M(x) = { <x> }
      #define macro MAIN() = { M(__FUNC_SIG(transfer)) [SIG] M(SIG) }`;
    assert.equal(rt(src), '63a9059cbb'.repeat(3));
  });
});

describe('__RIGHTPAD / __LEFTPAD / __BYTES / __VERBATIM', () => {
  it('__RIGHTPAD is always PUSH32; odd hex gets a 0 on the right', () => {
    assert.equal(rt('#define macro MAIN() = { __RIGHTPAD(0x1234) __RIGHTPAD(0x123) }'), hex('7f1234' + '00'.repeat(30), '7f1230' + '00'.repeat(30)));
  });

  it('__RIGHTPAD of __FUNC_SIG, as an argument and as a constant', () => {
    const src = `
      #define constant P = __RIGHTPAD(__FUNC_SIG("transfer(address,uint256)"))
      #define macro M(x) = { <x> }
      #define macro MAIN() = { [P] M(__RIGHTPAD(0xab)) }`;
    assert.equal(rt(src), hex('7fa9059cbb' + '00'.repeat(28), '7fab' + '00'.repeat(31)));
  });

  it('__LEFTPAD only in constants and tables', () => {
    assert.equal(rt('#define constant L = __LEFTPAD(0x1234)\n#define macro MAIN() = { [L] }'), '611234');
    assert.equal(err('#define macro MAIN() = { __LEFTPAD(0x12) }'), 'main.huff:1:26: __LEFTPAD is only available in constant definitions and code tables');
  });

  it('__BYTES pushes the UTF-8 bytes', () => {
    assert.equal(rt('#define macro MAIN() = { __BYTES("hello") }'), '64' + Buffer.from('hello').toString('hex'));
    assert.equal(err('#define macro MAIN() = { __BYTES("") }'), 'main.huff:1:26: empty string passed to __BYTES');
  });

  it('__BYTES([C]) of a string constant pushes its UTF-8 bytes, in a body, an argument, a constant, a table', () => {
    // "hello" = 68 65 6c 6c 6f → PUSH5 (64); [B] = __BYTES([S]) as a constant; in a table: raw bytes
    const src = `
      #define constant S = "hello"
      #define constant B = __BYTES([S])
      #define table T { __BYTES([S]) }
      #define macro M(x) = { <x> }
      #define macro MAIN() = { __BYTES([S]) M(__BYTES([S])) [B] __RIGHTPAD(__BYTES([S])) __tablesize(T) }`;
    const h = Buffer.from('hello').toString('hex');
    assert.equal(rt(src), hex('64' + h, '64' + h, '64' + h, '7f' + h + '00'.repeat(27), '6005', h));
  });

  it('__BYTES([C]) of a constant that is not a string is an error', () => {
    assert.equal(
      err('#define constant C = 0x01\n#define macro MAIN() = { __BYTES([C]) }'),
      'main.huff:2:26: __BYTES expects a string literal or a string constant; constant "C" is not a string',
    );
  });

  it('__VERBATIM inserts raw bytes; odd digit counts get a leading 0', () => {
    assert.equal(rt('#define macro MAIN() = { __VERBATIM(0x1234) __VERBATIM(0x123) __VERBATIM(__FUNC_SIG("transfer(address,uint256)")) }'), '12340123a9059cbb');
  });
});

describe('__codesize', () => {
  it('size of another macro (minimal push, 6000 for an empty macro)', () => {
    const src = `
      #define macro EMPTY() = { }
      #define macro BODY() = { 0x01 0x02 add }
      #define macro MAIN() = { __codesize(BODY) __codesize(EMPTY) }`;
    assert.equal(rt(src), hex('6005', '6000'));
  });

  it('__codesize(MAIN) at the top of CONSTRUCTOR includes the appended fn bodies', () => {
    // MAIN = 00 (1 byte) + fn F = 5b 6001 56 (4 bytes) → 5
    const src = `
      #define fn F() = takes(0) returns(0) { 0x01 }
      #define macro MAIN() = { stop }
      #define macro CONSTRUCTOR() = { __codesize(MAIN) pop }`;
    // constructor: 6005 50, then its own copy of the fn: 5b 6001 56
    assert.equal(build(src).deploy.slice(0, 14), hex('6005', '50', '5b600156'));
  });

  it('__codesize of the macro being compiled is filled with the final size', () => {
    // CONSTRUCTOR bytes: 60 ?? (PUSH1 placeholder) | 5f | 5f | 39 → 5 bytes, so ?? = 05
    const src = `
      #define macro CONSTRUCTOR() = { __codesize(CONSTRUCTOR) 0x00 0x00 codecopy }
      #define macro MAIN() = { stop }`;
    assert.equal(build(src).deploy.slice(0, 10), '60055f5f39');
  });
});

describe('__ASSERT_PC', () => {
  it('passes silently or fails with the actual offset', () => {
    assert.equal(rt('#define macro MAIN() = { 0x01 __ASSERT_PC(0x02) 0x02 }'), '60016002');
    assert.equal(err('#define macro MAIN() = { 0x01 __ASSERT_PC(0x03) }'), 'main.huff:1:31: __ASSERT_PC failed: expected offset 0x3, actual 0x2');
  });
});

describe('ABI output', () => {
  it('functions, events and errors with canonical types, tuples and arrays', () => {
    const r = build(`
      #define function transfer(address to, uint amount) nonpayable returns (bool)
      #define function get((uint256,address)[] items, bytes32[2]) view returns (uint256)
      #define event Transfer(address indexed from, address indexed, uint256 value)
      #define error Bad(uint256)
      #define macro MAIN() = { __FUNC_SIG(get) }`);
    assert.deepEqual(r.abi, [
      {
        type: 'function',
        name: 'transfer',
        inputs: [
          { name: 'to', type: 'address' },
          { name: 'amount', type: 'uint256' },
        ],
        outputs: [{ name: '', type: 'bool' }],
        stateMutability: 'nonpayable',
      },
      {
        type: 'function',
        name: 'get',
        inputs: [
          { name: 'items', type: 'tuple[]', components: [{ name: '', type: 'uint256' }, { name: '', type: 'address' }] },
          { name: '', type: 'bytes32[2]' },
        ],
        outputs: [{ name: '', type: 'uint256' }],
        stateMutability: 'view',
      },
      {
        type: 'event',
        name: 'Transfer',
        inputs: [
          { name: 'from', type: 'address', indexed: true },
          { name: '', type: 'address', indexed: true },
          { name: 'value', type: 'uint256', indexed: false },
        ],
        anonymous: false,
      },
      { type: 'error', name: 'Bad', inputs: [{ name: '', type: 'uint256' }] },
    ]);
    assert.equal(r.runtime, '63' + sel('get((uint256,address)[],bytes32[2])'));
  });
});
