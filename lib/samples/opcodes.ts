/**
 * Sample guest programs: at least one for every opcode the hypervisor executes itself, plus the
 * exceptional halts. Shared by the TypeScript tests (lib/hypervisor/*.test.ts), the Forge fixtures
 * (scripts/gen-fixtures.ts → test/fixtures/hypervisor/samples.json) and the docs.
 */
import { assemble } from '../evm/asm.ts';
import { OPCODES, PUSH_FUSIONS, type OpName } from '../evm/opcodes.ts';
import type { Hex } from '../witness/types.ts';

export interface Sample {
  name: string;
  /** Opcodes the sample is about (names from lib/evm/opcodes.ts). */
  covers: string[];
  code: Hex;
  calldata?: Hex;
  callvalue?: bigint;
  gasAvailable?: bigint;
  /** Expected status: 0 halt, 1 success, 2 revert (checked against the reference EVM by the tests). */
  status: 0 | 1 | 2;
}

/** `args` pushed (last argument on top), then OP, then the top returned as one word. */
function unary(op: OpName, ...args: bigint[]): string {
  return `${args.map((a) => `PUSH ${a}`).join(' ')} ${op} PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`;
}
const RET_TOP = 'PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN';
const M = (1n << 256n) - 1n;

const binaries: Array<[OpName, bigint, bigint]> = [
  // [op, a (top), b]
  ['ADD', M, 5n], ['MUL', 1n << 200n, 3n << 60n], ['SUB', 3n, 10n], ['DIV', 100n, 7n], ['SDIV', M - 99n, 7n],
  ['MOD', 100n, 7n], ['SMOD', M - 99n, 7n], ['EXP', 3n, 200n], ['SIGNEXTEND', 0n, 0xffn],
  ['LT', 1n, 2n], ['GT', 1n, 2n], ['SLT', M, 1n], ['SGT', M, 1n], ['EQ', 7n, 7n], ['AND', 0xf0f0n, 0xff00n],
  ['OR', 0xf0f0n, 0xff00n], ['XOR', 0xf0f0n, 0xff00n], ['BYTE', 30n, 0x1234n], ['SHL', 4n, 0xffn], ['SHR', 4n, 0xffn],
  ['SAR', 4n, M - 0xffn],
];

export const SAMPLES: Sample[] = [
  { name: 'STOP', covers: ['STOP'], code: assemble('STOP'), status: 1 },
  { name: 'empty code', covers: [], code: '0x', status: 1 },
  ...binaries.map(([op, a, b]): Sample => ({ name: op, covers: [op], code: assemble(`PUSH ${b} PUSH ${a} ${op} ${RET_TOP}`), status: 1 })),
  { name: 'EXP of zero exponent', covers: ['EXP'], code: assemble(`PUSH 0 PUSH 3 EXP ${RET_TOP}`), status: 1 },
  { name: 'EXP with 32-byte exponent', covers: ['EXP'], code: assemble(`PUSH ${M} PUSH 3 EXP ${RET_TOP}`), status: 1 },
  { name: 'ADDMOD', covers: ['ADDMOD'], code: assemble(unary('ADDMOD', 7n, M, 5n)), status: 1 },
  { name: 'MULMOD', covers: ['MULMOD'], code: assemble(unary('MULMOD', 7n, M, 5n)), status: 1 },
  { name: 'ISZERO', covers: ['ISZERO'], code: assemble(unary('ISZERO', 0n)), status: 1 },
  { name: 'NOT', covers: ['NOT'], code: assemble(unary('NOT', 0x1234n)), status: 1 },
  { name: 'KECCAK256', covers: ['KECCAK256'], code: assemble(`PUSH 0x1234 PUSH 0 MSTORE PUSH 33 PUSH 1 KECCAK256 ${RET_TOP}`), status: 1 },
  { name: 'KECCAK256 of nothing at a huge offset', covers: ['KECCAK256'], code: assemble(`PUSH 0 PUSH ${M} KECCAK256 ${RET_TOP}`), status: 1 },
  { name: 'ADDRESS', covers: ['ADDRESS'], code: assemble(`ADDRESS ${RET_TOP}`), status: 1 },
  { name: 'ORIGIN', covers: ['ORIGIN'], code: assemble(`ORIGIN ${RET_TOP}`), status: 1 },
  { name: 'CALLER', covers: ['CALLER'], code: assemble(`CALLER ${RET_TOP}`), status: 1 },
  { name: 'CALLVALUE', covers: ['CALLVALUE'], code: assemble(`CALLVALUE ${RET_TOP}`), callvalue: 123456789n, status: 1 },
  { name: 'CALLDATALOAD', covers: ['CALLDATALOAD'], code: assemble(`PUSH 3 CALLDATALOAD ${RET_TOP}`), calldata: '0x00112233445566778899aabbccddeeff0011223344', status: 1 },
  { name: 'CALLDATALOAD past the end', covers: ['CALLDATALOAD'], code: assemble(`PUSH ${M} CALLDATALOAD ${RET_TOP}`), calldata: '0xffff', status: 1 },
  { name: 'CALLDATASIZE', covers: ['CALLDATASIZE'], code: assemble(`CALLDATASIZE ${RET_TOP}`), calldata: '0x0102030405', status: 1 },
  { name: 'CALLDATACOPY', covers: ['CALLDATACOPY'], code: assemble('PUSH 40 PUSH 1 PUSH 3 CALLDATACOPY PUSH 64 PUSH 0 RETURN'), calldata: '0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011', status: 1 },
  { name: 'CALLDATACOPY from past the end', covers: ['CALLDATACOPY'], code: assemble(`PUSH 7 PUSH ${M} PUSH 0 CALLDATACOPY PUSH 32 PUSH 0 RETURN`), calldata: '0x11', status: 1 },
  { name: 'CALLDATACOPY of nothing at a huge offset', covers: ['CALLDATACOPY'], code: assemble(`PUSH 0 PUSH 0 PUSH ${M} CALLDATACOPY MSIZE ${RET_TOP}`), status: 1 },
  { name: 'CODESIZE', covers: ['CODESIZE'], code: assemble(`CODESIZE ${RET_TOP}`), status: 1 },
  { name: 'CODECOPY', covers: ['CODECOPY'], code: assemble('PUSH 50 PUSH 2 PUSH 5 CODECOPY PUSH 64 PUSH 0 RETURN'), status: 1 },
  { name: 'CODECOPY past the end', covers: ['CODECOPY'], code: assemble(`PUSH 40 PUSH ${M} PUSH 0 CODECOPY PUSH 64 PUSH 0 RETURN`), status: 1 },
  { name: 'GASPRICE', covers: ['GASPRICE'], code: assemble(`GASPRICE ${RET_TOP}`), status: 1 },
  { name: 'RETURNDATASIZE', covers: ['RETURNDATASIZE'], code: assemble(`RETURNDATASIZE ${RET_TOP}`), status: 1 },
  { name: 'RETURNDATACOPY of nothing', covers: ['RETURNDATACOPY'], code: assemble('PUSH 0 PUSH 0 PUSH 0 RETURNDATACOPY STOP'), status: 1 },
  { name: 'RETURNDATACOPY past the empty return data', covers: ['RETURNDATACOPY'], code: assemble('PUSH 1 PUSH 0 PUSH 0 RETURNDATACOPY STOP'), status: 0 },
  { name: 'POP', covers: ['POP'], code: assemble(`PUSH 1 PUSH 2 POP ${RET_TOP}`), status: 1 },
  { name: 'MLOAD', covers: ['MLOAD'], code: assemble(`PUSH 0xabcdef PUSH 20 MSTORE PUSH 5 MLOAD ${RET_TOP}`), status: 1 },
  { name: 'MSTORE', covers: ['MSTORE'], code: assemble('PUSH 0xabcdef PUSH 1000 MSTORE PUSH 32 PUSH 1000 RETURN'), status: 1 },
  { name: 'MSTORE8', covers: ['MSTORE8'], code: assemble('PUSH 0xabcdef PUSH 33 MSTORE8 PUSH 64 PUSH 0 RETURN'), status: 1 },
  { name: 'MSIZE', covers: ['MSIZE'], code: assemble(`PUSH 1 PUSH 100 MSTORE8 MSIZE ${RET_TOP}`), status: 1 },
  { name: 'MCOPY', covers: ['MCOPY'], code: assemble('PUSH 0x1122334455 PUSH 0 MSTORE PUSH 40 PUSH 3 PUSH 17 MCOPY PUSH 96 PUSH 0 RETURN'), status: 1 },
  { name: 'MCOPY of nothing at huge offsets', covers: ['MCOPY'], code: assemble(`PUSH 0 PUSH ${M} PUSH ${M} MCOPY MSIZE ${RET_TOP}`), status: 1 },
  { name: 'JUMP', covers: ['JUMP', 'JUMPDEST'], code: assemble(`@here JUMP INVALID here: PUSH 7 ${RET_TOP}`), status: 1 },
  { name: 'JUMPI taken', covers: ['JUMPI', 'JUMPDEST'], code: assemble(`PUSH 1 @here JUMPI INVALID here: PUSH 7 ${RET_TOP}`), status: 1 },
  { name: 'JUMPI not taken', covers: ['JUMPI'], code: assemble(`PUSH 0 @here JUMPI PUSH 8 ${RET_TOP} here: INVALID`), status: 1 },
  { name: 'PC', covers: ['PC'], code: assemble(`PUSH 1 POP PC ${RET_TOP}`), status: 1 },
  { name: 'GAS', covers: ['GAS'], code: assemble(`PUSH 1 GAS ${RET_TOP}`), status: 1 },
  // GAS does not end its block: the gas it pushes adds back the block's static gas after it
  { name: 'GAS as the first instruction', covers: ['GAS'], code: assemble(`GAS PUSH 1 ADD ${RET_TOP}`), status: 1 },
  { name: 'GAS at a block start after JUMPI not taken', covers: ['GAS', 'JUMPI'], code: assemble(`PUSH 0 @x JUMPI GAS PUSH 3 MUL ${RET_TOP} x: INVALID`), status: 1 },
  {
    name: 'two GAS in a block, after memory expansion',
    covers: ['GAS', 'MSTORE'],
    code: assemble(`PUSH 1 PUSH 4096 MSTORE GAS PUSH 128 SHL PUSH 5 PUSH 6 ADD POP GAS OR PUSH 7 POP ${RET_TOP}`),
    status: 1,
  },
  { name: 'GAS starting a block cut at 64 bytes', covers: ['GAS'], code: assemble(`${Array.from({ length: 32 }, () => 'PUSH0 POP').join(' ')} GAS PUSH 1 ADD ${RET_TOP}`), status: 1 },
  { name: 'GAS in a loop', covers: ['GAS', 'JUMPI'], code: assemble(`PUSH 0 PUSH 5 a: SWAP1 GAS ADD SWAP1 PUSH 1 SWAP1 SUB DUP1 @a JUMPI POP ${RET_TOP}`), status: 1 },
  { name: 'GAS out of gas in its block', covers: ['GAS'], code: assemble(`PUSH 1 GAS PUSH 2 ADD ${RET_TOP}`), gasAvailable: 10n, status: 0 },
  { name: 'JUMPDEST falls through', covers: ['JUMPDEST'], code: assemble(`PUSH 1 a: b: PUSH 2 ADD ${RET_TOP}`), status: 1 },
  { name: 'PUSH0', covers: ['PUSH0'], code: assemble(`PUSH0 NOT ${RET_TOP}`), status: 1 },
  ...Array.from({ length: 32 }, (_, i): Sample => {
    const n = i + 1;
    const value = (1n << BigInt(8 * n)) - 1n - BigInt(n);
    return { name: `PUSH${n}`, covers: [`PUSH${n}`], code: assemble(`PUSH${n} ${value} ${RET_TOP}`), status: 1 };
  }),
  { name: 'PUSH32 running off the end of the code', covers: ['PUSH32'], code: '0x7f1122', status: 1 },
  { name: 'PUSH2 running off the end of the code', covers: ['PUSH2'], code: '0x600161ff', status: 1 },
  ...Array.from({ length: 16 }, (_, i): Sample => {
    const n = i + 1;
    const pushes = Array.from({ length: 17 }, (_, k) => `PUSH ${k + 1}`).join(' ');
    return { name: `DUP${n}`, covers: [`DUP${n}`], code: assemble(`${pushes} DUP${n} ${RET_TOP}`), status: 1 };
  }),
  ...Array.from({ length: 16 }, (_, i): Sample => {
    const n = i + 1;
    const pushes = Array.from({ length: 17 }, (_, k) => `PUSH ${k + 1}`).join(' ');
    return { name: `SWAP${n}`, covers: [`SWAP${n}`], code: assemble(`${pushes} SWAP${n} ${RET_TOP}`), status: 1 };
  }),
  { name: 'RETURN', covers: ['RETURN'], code: assemble('PUSH 0xbeef PUSH 0 MSTORE PUSH 3 PUSH 29 RETURN'), status: 1 },
  { name: 'RETURN of nothing at a huge offset', covers: ['RETURN'], code: assemble(`PUSH 0 PUSH ${M} RETURN`), status: 1 },
  { name: 'REVERT', covers: ['REVERT'], code: assemble('PUSH 0xdead PUSH 0 MSTORE PUSH 2 PUSH 30 REVERT'), status: 2 },
  { name: 'REVERT of nothing', covers: ['REVERT'], code: assemble('PUSH 0 PUSH 0 REVERT'), status: 2 },
  { name: 'INVALID', covers: ['INVALID'], code: assemble('PUSH 1 INVALID'), status: 0 },
  // PUSH1/PUSH2 + op pairs the analysis fuses into one handler (both operand orders matter)
  ...PUSH_FUSIONS.flatMap((name) =>
    ([1, 2] as const).map((n): Sample => {
      const x = n === 1 ? 0x05n : 0x0104n;
      const shift = n === 1 ? 0x04n : 0x0004n;
      const big = 0xfedcba9876543210fedcba9876543210fedcba9876543210fedcba98765432n;
      const P = `PUSH${n}`;
      let src: string;
      // byte offsets: PUSH1 d = 2 bytes, PUSH2 d = 3 bytes, PUSH 1 = 2 bytes, PUSH 0 = PUSH0 = 1 byte
      if (name === 'JUMP') src = `${P} ${n === 1 ? 5 : 6} JUMP INVALID INVALID a: PUSH 9 ${RET_TOP}`;
      else if (name === 'JUMPI') src = `PUSH 1 ${P} ${n === 1 ? 6 : 7} JUMPI INVALID a: PUSH 0 ${P} 3 JUMPI PUSH 9 ${RET_TOP}`;
      else if (name === 'MLOAD') src = `PUSH ${big} PUSH 3 MSTORE ${P} ${x} MLOAD ${RET_TOP}`;
      else if (name === 'MSTORE') src = `PUSH ${big} ${P} ${x} MSTORE PUSH 64 PUSH 0 RETURN`;
      else if (name === 'SWAP1') src = `PUSH 7 PUSH ${big} ${P} ${x} SWAP1 SUB ${RET_TOP}`;
      else if (name === 'SHL' || name === 'SHR') src = `PUSH ${big} ${P} ${shift} ${name} ${RET_TOP}`;
      else src = `PUSH ${big} ${P} ${x} ${name} PUSH 3 ${P} ${x} ${name} ${RET_TOP}`;
      return { name: `fused PUSH${n} ${name}`, covers: [`PUSH${n}`, name], code: assemble(src), status: 1 };
    }),
  ),
  // PUSH + JUMP/JUMPI to a JUMPDEST: static jumps, checked once by the analysis
  { name: 'static JUMPI not taken (PUSH1)', covers: ['JUMPI'], code: assemble(`PUSH 0 PUSH1 12 JUMPI PUSH 5 ${RET_TOP} a: INVALID`), status: 1 },
  { name: 'static JUMPI not taken (PUSH2)', covers: ['JUMPI'], code: assemble(`PUSH 0 @a JUMPI PUSH 5 ${RET_TOP} a: INVALID`), status: 1 },
  { name: 'static JUMPI taken (PUSH1)', covers: ['JUMPI'], code: assemble(`PUSH 1 PUSH1 13 JUMPI PUSH 5 ${RET_TOP} a: PUSH 6 ${RET_TOP}`), status: 1 },
  { name: 'static backward JUMP into an analysed block', covers: ['JUMP'], code: assemble(`PUSH 2 a: PUSH 1 SWAP1 SUB DUP1 @b JUMPI ${RET_TOP} b: @a JUMP`), status: 1 },
  { name: 'static JUMP to the last byte', covers: ['JUMP'], code: assemble('@a JUMP a:'), status: 1 },
  // JUMPDESTs reached by falling through and by jumps, in either order; runs of JUMPDESTs; a jump into a run;
  // a loop around a block cut at 64 bytes
  { name: 'a run of JUMPDESTs', covers: ['JUMPDEST'], code: assemble(`PUSH 1 a: b: c: d: e: PUSH 2 ADD ${RET_TOP}`), status: 1 },
  { name: 'loop head inside a JUMPDEST run, reached first by falling through', covers: ['JUMPDEST', 'JUMPI'], code: assemble(`PUSH 3 a: b: PUSH 1 SWAP1 SUB DUP1 @b JUMPI ${RET_TOP}`), status: 1 },
  {
    name: 'loop head on the second JUMPDEST of a run, 63 bytes into the code',
    covers: ['JUMPDEST', 'JUMPI'],
    code: assemble(`PUSH 2 ${Array.from({ length: 30 }, () => 'PUSH0 POP').join(' ')} JUMPDEST a: PUSH 1 SWAP1 SUB DUP1 @a JUMPI ${RET_TOP}`),
    status: 1,
  },
  { name: 'JUMPDEST after a JUMPI not taken, then jumped to', covers: ['JUMPDEST', 'JUMPI'], code: assemble(`PUSH 2 PUSH 0 @a JUMPI a: PUSH 1 SWAP1 SUB DUP1 @a JUMPI ${RET_TOP}`), status: 1 },
  { name: 'JUMPDEST jumped to first, then reached by falling through', covers: ['JUMPDEST', 'JUMP'], code: assemble(`PUSH 2 @b JUMP a: PUSH 1 SWAP1 SUB b: DUP1 @a JUMPI ${RET_TOP}`), status: 1 },
  {
    name: 'loop into a JUMPDEST run over a block cut at 64 bytes',
    covers: ['JUMPDEST', 'JUMPI'],
    code: assemble(`PUSH 2 a: b: ${Array.from({ length: 35 }, () => 'PUSH0 POP').join(' ')} PUSH 1 SWAP1 SUB DUP1 @b JUMPI ${RET_TOP}`),
    status: 1,
  },
  { name: 'JUMPDEST run entered by a jump to its second JUMPDEST, then from its first', covers: ['JUMPDEST', 'JUMPI'], code: assemble(`PUSH 2 @b JUMP a: b: PUSH 1 SWAP1 SUB DUP1 @a JUMPI ${RET_TOP}`), status: 1 },
  // exceptional halts
  { name: 'stack underflow', covers: ['ADD'], code: assemble('PUSH 1 ADD'), status: 0 },
  { name: 'stack underflow on SWAP16', covers: ['SWAP16'], code: assemble(`${Array.from({ length: 16 }, () => 'PUSH 1').join(' ')} SWAP16`), status: 0 },
  { name: 'stack of 1024 items', covers: ['PUSH1'], code: assemble(`${Array.from({ length: 1024 }, () => 'PUSH 1').join(' ')} STOP`), status: 1 },
  { name: 'stack of 1025 items', covers: ['PUSH1'], code: assemble(`${Array.from({ length: 1025 }, () => 'PUSH 1').join(' ')} STOP`), status: 0 },
  {
    // a sentinel 0, then 1020 ones pushed in a loop (peak 1024 items inside the loop body), popped again
    name: 'stack to 1024 in a loop, then back down', covers: ['JUMPI'], code: assemble(`
      PUSH 0 PUSH 1020
      up: PUSH 1 SWAP1 PUSH 1 SWAP1 SUB DUP1 @up JUMPI
      POP
      down: POP DUP1 @down JUMPI
      PUSH 0x77 ${RET_TOP}`), status: 1,
  },
  {
    // 700 items (spilled), down to 50 (refilled, a few items may stay spilled), a loop at that height on the
    // fast path, then 200 more items and a sum over the top ones
    name: 'loops with items spilled below, after the stack came back down', covers: ['JUMPI', 'SWAP1'], code: assemble(`
      PUSH 700
      up: PUSH 1 SWAP1 PUSH 1 SWAP1 SUB DUP1 @up JUMPI
      POP PUSH 650
      down: SWAP1 POP PUSH 1 SWAP1 SUB DUP1 @down JUMPI
      POP PUSH 100
      work: PUSH 1 SWAP1 SUB DUP1 @work JUMPI
      POP PUSH 200
      up2: PUSH 2 SWAP1 PUSH 1 SWAP1 SUB DUP1 @up2 JUMPI
      POP ADD ADD ADD ${RET_TOP}`), status: 1,
  },
  {
    // the same descent, then pushes until the guest stack overflows: the halt is found wherever the items are
    name: 'stack overflow with items spilled below, after the stack came back down', covers: ['JUMPI'], code: assemble(`
      PUSH 700
      up: PUSH 1 SWAP1 PUSH 1 SWAP1 SUB DUP1 @up JUMPI
      POP PUSH 650
      down: SWAP1 POP PUSH 1 SWAP1 SUB DUP1 @down JUMPI
      POP PUSH 1000
      up2: PUSH 1 SWAP1 PUSH 1 SWAP1 SUB DUP1 @up2 JUMPI
      STOP`), status: 0,
  },
  {
    // the careful path's first spill moves guest memory up to make its spill area: contents, MSIZE and
    // the expansion cost after it must be as if nothing moved
    name: 'guest memory and MSIZE kept across the first spill', covers: ['MSIZE'], code: assemble(`
      PUSH 0xabcdef PUSH 0 MSTORE PUSH 0x77 PUSH 1000 MSTORE8
      PUSH 0 PUSH 700
      up: PUSH 1 SWAP1 PUSH 1 SWAP1 SUB DUP1 @up JUMPI
      POP
      down: POP DUP1 @down JUMPI
      PUSH 0 MLOAD PUSH 992 MLOAD ADD MSIZE ADD PUSH 0x1234 PUSH 2000 MSTORE MSIZE ADD ${RET_TOP}`), status: 1,
  },
  { name: 'stack overflow in a loop', covers: ['JUMP'], code: assemble('up: PUSH 1 @up JUMP'), status: 0 },
  { name: 'jump into push data holding 0x5b', covers: ['JUMP'], code: assemble('PUSH 4 JUMP PUSH2 0x5b5b STOP'), status: 0 },
  { name: 'jump past the end of code', covers: ['JUMP'], code: assemble('PUSH 200 JUMP'), status: 0 },
  { name: 'jump to a non-JUMPDEST', covers: ['JUMP'], code: assemble('PUSH 3 JUMP STOP STOP'), status: 0 },
  { name: 'JUMPI to a huge destination', covers: ['JUMPI'], code: assemble(`PUSH 1 PUSH ${M} JUMPI`), status: 0 },
  { name: 'out of gas at an opcode boundary', covers: ['ADD'], code: assemble('PUSH 1 PUSH 2 ADD PUSH 3 ADD STOP'), gasAvailable: 14n, status: 0 },
  { name: 'exactly enough gas', covers: ['ADD'], code: assemble('PUSH 1 PUSH 2 ADD PUSH 3 ADD STOP'), gasAvailable: 15n, status: 1 },
  { name: 'out of gas in memory expansion', covers: ['MSTORE'], code: assemble('PUSH 1 PUSH 10000 MSTORE STOP'), gasAvailable: 1000n, status: 0 },
  { name: 'out of gas on a huge memory offset', covers: ['MLOAD'], code: assemble(`PUSH ${1n << 70n} MLOAD STOP`), status: 0 },
  { name: 'out of gas in an infinite loop', covers: ['JUMP'], code: assemble('top: @top JUMP'), gasAvailable: 5000n, status: 0 },
  { name: 'out of gas in KECCAK256 word cost', covers: ['KECCAK256'], code: assemble('PUSH 32000 PUSH 0 KECCAK256 STOP'), gasAvailable: 8000n, status: 0 },
  { name: 'out of gas in EXP byte cost', covers: ['EXP'], code: assemble(`PUSH ${M} PUSH 2 EXP STOP`), gasAvailable: 1000n, status: 0 },
  // record opcodes the hypervisor executes: the honest witness carries their records (from the reference run)
  { name: 'BLOCKHASH of a future block', covers: ['BLOCKHASH'], code: assemble(unary('BLOCKHASH', 1000n)), status: 1 },
  { name: 'BLOCKHASH of the largest number', covers: ['BLOCKHASH'], code: assemble(unary('BLOCKHASH', M)), status: 1 },
  { name: 'BLOCKHASH twice, then BLOBHASH', covers: ['BLOCKHASH', 'BLOBHASH'], code: assemble('PUSH 7 BLOCKHASH PUSH 9 BLOCKHASH ADD PUSH 1 BLOBHASH ADD STOP'), status: 1 },
  { name: 'BLOBHASH without blobs', covers: ['BLOBHASH'], code: assemble(unary('BLOBHASH', 0n)), status: 1 },
  { name: 'out of gas in the block of BLOCKHASH: no record', covers: ['BLOCKHASH'], code: assemble('PUSH 5 BLOCKHASH STOP'), gasAvailable: 22n, status: 0 },
  { name: 'BLOBHASH on an empty stack: no record', covers: ['BLOBHASH'], code: assemble('BLOBHASH STOP'), status: 0 },
  // block values: pushed from the witness's block (the honest witness states the context's block)
  ...(['COINBASE', 'TIMESTAMP', 'NUMBER', 'PREVRANDAO', 'GASLIMIT', 'CHAINID', 'BASEFEE', 'BLOBBASEFEE'] as const).map(
    (op): Sample => ({ name: `${op} returned`, covers: [op], code: assemble(unary(op)), status: 1 }),
  ),
  // logs: the witness's logsHash chains them (0 unless the frame succeeds)
  { name: 'LOG0 of 5 bytes', covers: ['LOG0'], code: assemble('PUSH 0x1122334455 PUSH 0 MSTORE PUSH 5 PUSH 27 LOG0 STOP'), status: 1 },
  { name: 'LOG1 to LOG4 in a row, data past memory', covers: ['LOG1', 'LOG2', 'LOG3', 'LOG4'], code: assemble(`
      PUSH 1 PUSH 40 PUSH 0 LOG1
      PUSH 2 PUSH 1 PUSH 0 PUSH 0 LOG2
      PUSH 3 PUSH 2 PUSH 1 PUSH 33 PUSH 64 LOG3
      PUSH 4 PUSH 3 PUSH 2 PUSH 1 PUSH 0 PUSH 0 LOG4 STOP`), status: 1 },
  { name: 'LOG2 then REVERT: no logs', covers: ['LOG2'], code: assemble('PUSH 9 PUSH 8 PUSH 32 PUSH 0 LOG2 PUSH 0 PUSH 0 REVERT'), status: 2 },
  { name: 'LOG1 then an exceptional halt: no logs', covers: ['LOG1'], code: assemble('PUSH 9 PUSH 32 PUSH 0 LOG1 INVALID'), status: 0 },
  { name: 'LOG0 out of gas on its data bytes', covers: ['LOG0'], code: assemble('PUSH 1000 PUSH 0 LOG0 STOP'), gasAvailable: 2000n, status: 0 },
  { name: 'LOG4 with a huge length', covers: ['LOG4'], code: assemble(`PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH ${1n << 64n} PUSH 0 LOG4 STOP`), status: 0 },
  { name: 'LOG3 on too few stack items', covers: ['LOG3'], code: assemble('PUSH 1 PUSH 2 PUSH 3 PUSH 4 LOG3 STOP'), status: 0 },
  // state of the frame's own account (empty storage, no balance): the honest witness lists the keys it looks up
  { name: 'SLOAD cold then warm', covers: ['SLOAD'], code: assemble(`PUSH 5 SLOAD PUSH 5 SLOAD ADD ${RET_TOP}`), status: 1 },
  { name: 'SSTORE 0 to 1 to 0, SLOAD between: refund', covers: ['SSTORE', 'SLOAD'], code: assemble(`PUSH 1 PUSH 7 SSTORE PUSH 7 SLOAD PUSH 0 PUSH 7 SSTORE ${RET_TOP}`), status: 1 },
  { name: 'SSTORE then REVERT: no refund, root back', covers: ['SSTORE'], code: assemble('PUSH 1 PUSH 7 SSTORE PUSH 0 PUSH 0 REVERT'), status: 2 },
  { name: 'SSTORE halts at the 2,300-gas sentry', covers: ['SSTORE'], code: assemble('PUSH 1 PUSH 7 SSTORE STOP'), gasAvailable: 2306n, status: 0 },
  { name: 'SSTORE past the sentry, out of gas on its cost', covers: ['SSTORE'], code: assemble('PUSH 1 PUSH 7 SSTORE STOP'), gasAvailable: 2307n, status: 0 },
  { name: 'SLOAD out of gas on its cold cost', covers: ['SLOAD'], code: assemble('PUSH 5 SLOAD STOP'), gasAvailable: 1000n, status: 0 },
  { name: 'TSTORE then TLOAD', covers: ['TSTORE', 'TLOAD'], code: assemble(`PUSH 42 PUSH 3 TSTORE PUSH 3 TLOAD PUSH 4 TLOAD ADD ${RET_TOP}`), status: 1 },
  { name: 'SELFBALANCE and BALANCE of ADDRESS', covers: ['SELFBALANCE', 'BALANCE'], code: assemble(`SELFBALANCE ADDRESS BALANCE ADD ${RET_TOP}`), callvalue: 5n, status: 1 },
  { name: 'BALANCE of a cold empty account', covers: ['BALANCE'], code: assemble(`PUSH 0xdead BALANCE ${RET_TOP}`), status: 1 },
  // calls to an account without code (a call record states the callee's outcome: success, no return data)
  { name: 'CALL of a cold empty account, returning success and RETURNDATASIZE', covers: ['CALL', 'RETURNDATASIZE'], code: assemble('PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0xdead PUSH 5000 CALL RETURNDATASIZE ADD PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN'), status: 1 },
  { name: 'CALLCODE of a cold empty account', covers: ['CALLCODE'], code: assemble(`PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0xdead PUSH 5000 CALLCODE ${RET_TOP}`), status: 1 },
  { name: 'DELEGATECALL of a cold empty account', covers: ['DELEGATECALL'], code: assemble(`PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0xdead PUSH 5000 DELEGATECALL ${RET_TOP}`), status: 1 },
  { name: 'STATICCALL with input, of a cold empty account', covers: ['STATICCALL'], code: assemble(`PUSH 0 PUSH 0 PUSH 4 PUSH 0 PUSH 0xdead GAS STATICCALL ${RET_TOP}`), status: 1 },
  // creates (a create record states the creation frame's outcome; the hypervisor computes the address) and SELFDESTRUCT;
  // the samples keep the state root (test/fixtures: no state change), so a create that succeeds is in a frame that reverts
  { name: 'CREATE of a one-byte contract, its EXTCODESIZE, reverted', covers: ['CREATE'], code: assemble('PUSH8 0x60fe5f5360015ff3 PUSH0 MSTORE PUSH 8 PUSH 24 PUSH 0 CREATE DUP1 EXTCODESIZE PUSH 32 MSTORE PUSH0 MSTORE PUSH 64 PUSH0 REVERT'), status: 2 },
  { name: 'CREATE2 of a one-byte contract with a salt, reverted', covers: ['CREATE2'], code: assemble('PUSH8 0x60fe5f5360015ff3 PUSH0 MSTORE PUSH 7 PUSH 8 PUSH 24 PUSH 0 CREATE2 PUSH0 MSTORE PUSH 32 PUSH0 REVERT'), status: 2 },
  { name: 'CREATE whose init code reverts with data: 0 and RETURNDATASIZE, reverted', covers: ['CREATE'], code: assemble('PUSH10 0x61abcd5f526002601efd PUSH0 MSTORE PUSH 10 PUSH 22 PUSH 0 CREATE RETURNDATASIZE ADD PUSH0 MSTORE PUSH 32 PUSH0 REVERT'), status: 2 },
  { name: 'SELFDESTRUCT to a cold account that does not exist', covers: ['SELFDESTRUCT'], code: assemble('PUSH 0xdead SELFDESTRUCT'), status: 1 },
  { name: 'SELFDESTRUCT out of gas', covers: ['SELFDESTRUCT'], code: assemble('PUSH 0xdead SELFDESTRUCT'), gasAvailable: 5002n, status: 0 },
  // calls to precompiles: the hypervisor calls them itself (no record), with the callee's exact gas
  { name: 'STATICCALL of IDENTITY (a precompile), output and RETURNDATACOPY', covers: ['STATICCALL', 'RETURNDATACOPY'], code: assemble('PUSH5 0x1122334455 PUSH0 MSTORE PUSH 32 PUSH 64 PUSH 5 PUSH 27 PUSH 4 PUSH 5000 STATICCALL PUSH0 MSTORE PUSH 5 PUSH 0 PUSH 96 RETURNDATACOPY PUSH 128 PUSH0 RETURN'), status: 1 },
  { name: 'STATICCALL of SHA256 with all the gas', covers: ['STATICCALL'], code: assemble('PUSH 0xab PUSH0 MSTORE8 PUSH 32 PUSH 64 PUSH 1 PUSH0 PUSH 2 GAS STATICCALL PUSH 64 MLOAD ADD PUSH0 MSTORE PUSH 32 PUSH0 RETURN'), status: 1 },
  {
    name: 'CALL of ECRECOVER with a valid signature',
    covers: ['CALL'],
    code: assemble(
      'PUSH32 0x426bacdbd283b5051e8f8abdd5655786ae19bafcfb38c2ece4c75a9d16561bdc PUSH0 MSTORE PUSH 27 PUSH 32 MSTORE ' +
        'PUSH32 0xffd2dd03c92eb659d1ee1d65bc0d39bafe1906e43933fc8779beb401314ed016 PUSH 64 MSTORE ' +
        'PUSH32 0x48d31730e8437c06281dbf0faadb4c02bff49377d3aab71a42f4c31fe8b357a0 PUSH 96 MSTORE ' +
        'PUSH 32 PUSH 128 PUSH 128 PUSH0 PUSH0 PUSH 1 PUSH 5000 CALL POP PUSH 32 PUSH 128 RETURN',
    ),
    status: 1,
  },
  { name: 'STATICCALL of BN254 MUL (2 * G1) in a frame too short of gas for it', covers: ['STATICCALL'], code: assemble(`PUSH 1 PUSH0 MSTORE PUSH 2 PUSH 32 MSTORE PUSH 2 PUSH 64 MSTORE PUSH 64 PUSH 96 PUSH 96 PUSH0 PUSH 7 PUSH 5999 STATICCALL ${RET_TOP}`), status: 1 },
  { name: 'DELEGATECALL of BN254 MUL (2 * G1)', covers: ['DELEGATECALL'], code: assemble('PUSH 1 PUSH0 MSTORE PUSH 2 PUSH 32 MSTORE PUSH 2 PUSH 64 MSTORE PUSH 64 PUSH 96 PUSH 96 PUSH0 PUSH 7 GAS DELEGATECALL POP PUSH 64 PUSH 96 RETURN'), status: 1 },
  { name: 'EXTCODESIZE and EXTCODEHASH of ADDRESS', covers: ['EXTCODESIZE', 'EXTCODEHASH'], code: assemble(`ADDRESS EXTCODESIZE ADDRESS EXTCODEHASH ADD ${RET_TOP}`), status: 1 },
  { name: 'EXTCODEHASH and EXTCODESIZE of a cold empty account', covers: ['EXTCODEHASH', 'EXTCODESIZE'], code: assemble(`PUSH 0xdead EXTCODEHASH PUSH 0xbeef EXTCODESIZE ADD ${RET_TOP}`), status: 1 },
  // the witness goes on after the guest calldata (the key lists): none of it is calldata
  { name: 'CALLDATACOPY past the calldata end, storage keys after it', covers: ['CALLDATACOPY'], code: assemble('PUSH0 SLOAD POP PUSH 64 PUSH0 PUSH0 CALLDATACOPY PUSH 64 PUSH0 RETURN'), calldata: `0x${'ff'.repeat(32)}`, status: 1 },
  { name: 'CALLDATALOAD of the last calldata byte, storage keys after it', covers: ['CALLDATALOAD'], code: assemble(`PUSH0 SLOAD POP PUSH 31 CALLDATALOAD ${RET_TOP}`), calldata: `0x${'ff'.repeat(32)}`, status: 1 },
  { name: 'EXTCODECOPY of ADDRESS past its end', covers: ['EXTCODECOPY'], code: assemble('PUSH 40 PUSH 2 PUSH 0 ADDRESS EXTCODECOPY PUSH 64 PUSH 0 RETURN'), status: 1 },
  ...OPCODES.filter((o) => o.kind === 'undefined').map((o): Sample => ({
    name: `undefined opcode 0x${o.code.toString(16).padStart(2, '0')}`, covers: [], code: `0x6001${o.code.toString(16).padStart(2, '0')}`, status: 0,
  })),
];

/** The opcodes the hypervisor executes itself (kind 'local', 'recorded' or 'keyed' in lib/evm/opcodes.ts) that no sample covers, by name. */
export function uncoveredLocalOpcodes(samples: readonly Sample[] = SAMPLES): string[] {
  const covered = new Set(samples.flatMap((s) => s.covers));
  return OPCODES.filter((o) => (o.kind === 'local' || o.kind === 'recorded' || o.kind === 'keyed') && !covered.has(o.name)).map((o) => o.name);
}
