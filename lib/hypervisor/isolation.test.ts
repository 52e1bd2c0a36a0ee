/**
 * Guest memory isolation: whatever a guest writes, at offset 0 or anywhere else, it cannot reach
 * the hypervisor's restricted memory [MEM_HANDLERS, MEM_GUEST_BASE):
 *  - the opcode tables, the host variables and the guest code copy are byte-for-byte unchanged from the moment
 *    the guest starts to the verdict (these guests run no host instruction), and the word below the entries stays zero;
 *  - the instruction entries (written by the hypervisor's own lazy analysis while the guest runs)
 *    are byte-for-byte the same whatever data the guest wrote: two runs that differ only in the
 *    written data (calldata, and a never-executed code byte far after the end) end with equal entries, and
 *    equal host scratch (the analysis keeps the end of a block's JUMPDEST run there);
 *  - the guest's MSIZE stays exact.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, type InterpreterStep } from '@ethereumjs/evm';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { bytesToHex } from 'viem';
import { assemble } from '../evm/asm.ts';
import { buildHonestWitness, defaultContext } from '../native/index.ts';
import { encodeWitness } from '../witness/abi.ts';
import { decodeVerdict } from '../witness/errors.ts';
import { archiveParts } from '../archive/index.ts';
import { compileHypervisor, LOCAL_ARCHIVE_FACTORY, LOCAL_ARCHIVE_INIT_CODE_HASH } from './ethereumjs.ts';
import { MEMORY_LAYOUT } from './layout.ts';

const { MEM_HANDLERS, MEM_HOST_SCRATCH, MEM_FIRST_HANDLERS, MEM_ENTRIES, MEM_GUEST_BASE: MEM_GUEST_BASE_SLOT, MEM_CODE_BASE, ENTRY_OFFSET, ENTRY_REACHED } = MEMORY_LAYOUT;
const Q_BASE = BigInt(MEMORY_LAYOUT.Q_BASE);

const hypervisorCode = hexToBytes(compileHypervisor());

async function runObserved(code: `0x${string}`, calldata: `0x${string}`) {
  const { file, native } = await buildHonestWitness(defaultContext({ code, calldata, gasAvailable: 2_000_000n }));
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const state = new SimpleStateManager();
  const evm = await createEVM({ common, stateManager: state });
  const hv = createAddressFromString('0x0000000000000000000000000000000000c0ffee');
  await state.putAccount(hv, new Account());
  await state.putCode(hv, hypervisorCode);
  for (const part of archiveParts(code, LOCAL_ARCHIVE_FACTORY, LOCAL_ARCHIVE_INIT_CODE_HASH)) {
    const a = createAddressFromString(part.address);
    await state.putAccount(a, new Account());
    await state.putCode(a, hexToBytes(part.runtime));
  }
  let atStart: Uint8Array | undefined;
  let last: Uint8Array | undefined;
  evm.events.on('step', (s: InterpreterStep) => {
    // the first dispatch: JUMP with q = Q_BASE right below the handler address
    if (atStart === undefined && s.opcode.name === 'JUMP' && s.stack[s.stack.length - 2] === Q_BASE) atStart = s.memory.slice();
    last = s.memory;
  });
  const r = await evm.runCall({ to: hv, data: hexToBytes(encodeWitness(file.witness)), gasLimit: 100_000_000n });
  const verdict = decodeVerdict(r.execResult.exceptionError === undefined, bytesToHex(r.execResult.returnValue));
  return { verdict, native, atStart: atStart!, atEnd: last! };
}

const word = (m: Uint8Array, at: number): number => Number(BigInt(bytesToHex(m.slice(at, at + 32))));

// each writer leaves the stack as it found it ([offset]); the written data comes from calldata or code
const writers: Array<[string, string]> = [
  ['MSTORE', 'PUSH 0 CALLDATALOAD DUP2 MSTORE'],
  ['MSTORE8', 'PUSH 0 CALLDATALOAD DUP2 MSTORE8'],
  ['CALLDATACOPY', 'PUSH 300 PUSH 0 DUP3 CALLDATACOPY'],
  ['CODECOPY', 'PUSH 300 PUSH 0 DUP3 CODECOPY'],
  ['MCOPY', 'PUSH 0 CALLDATALOAD PUSH 5000 MSTORE PUSH 300 PUSH 5000 DUP3 MCOPY'],
];

for (const [name, write] of writers) {
  for (const offset of [0, 1, 31, 32, 33, 1000, 4095]) {
    test(`${name} at guest offset ${offset} leaves restricted memory untouched`, async () => {
      // write, then keep running (a loop with jumps through the entries), then return memory
      const program = assemble(`
        PUSH ${offset} ${write} POP
        PUSH 20 loop: PUSH 1 SWAP1 SUB DUP1 @loop JUMPI POP
        MSIZE PUSH 0 MSTORE PUSH 64 PUSH 0 RETURN`);
      const runs = [];
      for (const [fill, last] of [['ee', 'ee'], ['11', 'ef']] as const) {
        const code = `${program}${'00'.repeat(40)}${last}` as const;
        runs.push(await runObserved(code, `0x${fill.repeat(300)}`));
      }
      const codeBase = word(runs[0]!.atStart, MEM_CODE_BASE);
      for (const { verdict, native, atStart, atEnd } of runs) {
        assert.equal(native.status, 1);
        assert.equal(verdict.kind, 'valid', JSON.stringify(verdict));
        const guestBase = word(atStart, MEM_GUEST_BASE_SLOT);
        assert.ok(guestBase > codeBase && codeBase > MEM_ENTRIES && guestBase % 32 === 0);
        assert.equal(word(atEnd, MEM_GUEST_BASE_SLOT), guestBase);
        assert.deepEqual(atEnd.slice(MEM_HANDLERS, MEM_HOST_SCRATCH), atStart.slice(MEM_HANDLERS, MEM_HOST_SCRATCH), 'opcode tables or host variables changed');
        assert.deepEqual(atEnd.slice(MEM_FIRST_HANDLERS, MEM_ENTRIES), atStart.slice(MEM_FIRST_HANDLERS, MEM_ENTRIES), 'first-reach tables or MEM_CODE_FROM_Q changed');
        assert.ok(atEnd.slice(MEM_ENTRIES - 32, MEM_ENTRIES).every((b) => b === 0), 'the word below the entries is not zero');
        assert.deepEqual(atEnd.slice(codeBase, guestBase), atStart.slice(codeBase, guestBase), 'code copy changed');
      }
      assert.deepEqual(runs[0]!.atEnd.slice(MEM_ENTRIES, codeBase), runs[1]!.atEnd.slice(MEM_ENTRIES, codeBase), 'entries depend on guest data');
      // the host scratch is the hypervisor's (the analysis keeps a run's end there): never the guest's data
      assert.deepEqual(runs[0]!.atEnd.slice(MEM_HOST_SCRATCH, MEM_ENTRIES), runs[1]!.atEnd.slice(MEM_HOST_SCRATCH, MEM_ENTRIES), 'host scratch depends on guest data');
      const { native, atStart, atEnd } = runs[0]!;
      const guestBase = word(atStart, MEM_GUEST_BASE_SLOT);
      // MSIZE: the guest's memory is exactly the hypervisor's memory above guestBase (the final
      // RETURN of 64 bytes may grow it after MSIZE was read)
      const msize = BigInt(native.returndata.slice(0, 66));
      assert.equal(BigInt(atEnd.length - guestBase), msize > 64n ? msize : 64n);
    });
  }
}

test('code run once is never analysed: its entries stay zero but for ENTRY_REACHED at JUMPDESTs; a loop\'s are analysed', async () => {
  const entryOf = (m: Uint8Array, pc: number): bigint => BigInt(bytesToHex(m.slice(MEM_ENTRIES + 8 * pc, MEM_ENTRIES + 8 * pc + 8)));
  // straight: PUSH1 1 (pc 0), JUMPDEST (2), PUSH1 2 (3), ADD (5), JUMPDEST JUMPDEST (6, 7), POP (8), STOP (9)
  const straight = await runObserved(assemble('PUSH1 1 JUMPDEST PUSH1 2 ADD JUMPDEST JUMPDEST POP STOP'), '0x');
  assert.equal(straight.verdict.kind, 'valid');
  for (let pc = 0; pc < 12; pc++) {
    // a JUMPDEST's first reach marks it; the second of a run is run with the first, never dispatched
    const want = pc === 2 || pc === 6 ? BigInt(ENTRY_REACHED) : 0n;
    assert.equal(entryOf(straight.atEnd, pc), want, `entry of pc ${pc}`);
  }
  assert.equal(ENTRY_OFFSET, 24);
  // a loop run three times: its block (from the JUMPDEST at pc 2 to the JUMPI) gets handlers and block info
  const loop = await runObserved(assemble('PUSH1 3 loop: PUSH1 1 SWAP1 SUB DUP1 @loop JUMPI STOP'), '0x');
  assert.equal(loop.verdict.kind, 'valid');
  const head = entryOf(loop.atEnd, 2);
  assert.ok(head >> 16n !== 0n && (head & 0xffffn) !== BigInt(ENTRY_REACHED), `the loop head's entry ${head.toString(16)} holds a handler and block info`);
  // the loop's analysis marked the instruction after its block (STOP at pc 12), so the loop's exit dispatched it to
  // the analysis: its entry holds block info too
  assert.notEqual(entryOf(loop.atEnd, 12) >> 16n, 0n);
});
