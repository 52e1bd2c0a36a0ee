/**
 * Work-around for a defect of @ethereumjs/evm 10.1.3 that the fuzzer hits constantly.
 *
 * With a `step` listener attached (lib/native's runNative attaches one to record the executed
 * opcodes), the interpreter's step hook reads REVERT's return data for the trace *before* the
 * instruction's gas is charged: `memory.read(offset, length)` with the raw stack values. A REVERT
 * whose memory range no gas could pay for (REVERT(0, 2^256-1), REVERT(2^32, 1), …) therefore
 * throws `RangeError: Invalid typed array length` out of runCall instead of halting out of gas,
 * and a merely large range (REVERT(0, 2^31)) first allocates and zero-fills gigabytes.
 *
 * The guard makes ethereumjs's Memory refuse to materialise more than MEMORY_LIMIT bytes: a
 * `read` beyond it returns zeros without touching memory (only the trace sees them: the gas
 * charge that follows runs out of gas, as the EVM requires), an `extend` beyond it throws. No run
 * of the fuzzer can legitimately get near the limit: guest gas is capped at 3e7 for code that can
 * touch memory (at most ~4 MB of guest memory), the hypervisor gets 1e9 gas (at most ~23 MB).
 *
 * The Memory class is not exported, so its prototype is picked up from a throw-away run with a
 * custom opcode. The patch is process-wide (every EVM in the process shares the class).
 */
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM } from '@ethereumjs/evm';
import { OPCODES } from '../lib/evm/opcodes.ts';

export const MEMORY_LIMIT = 32 * 1024 * 1024;

/** An opcode undefined on Prague, lent to a custom opcode that reaches the EVM's Memory class. */
const SPARE_OPCODE = OPCODES.find((o) => o.kind === 'undefined')!.code;

interface MemoryLike {
  extend(offset: number, size: number): void;
  read(offset: number, size: number, avoidCopy?: boolean): Uint8Array;
}

let installed: Promise<void> | undefined;
/** Reads refused by the guard (each one a step-hook read of an unpayable REVERT range). */
export const guardStats = { refusedReads: 0 };

export function installMemoryGuard(): Promise<void> {
  installed ??= (async () => {
    let proto: MemoryLike | undefined;
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
    const evm = await createEVM({
      common,
      customOpcodes: [{ opcode: SPARE_OPCODE, opcodeName: 'MEMPROTO', baseFee: 0, logicFunction: (rs) => void (proto = Object.getPrototypeOf(rs.memory) as MemoryLike) }],
    });
    await evm.runCode({ code: new Uint8Array([SPARE_OPCODE]), gasLimit: 100n });
    if (!proto) throw new Error('installMemoryGuard: could not reach the Memory class of @ethereumjs/evm');
    const { extend, read } = proto;
    proto.extend = function (this: MemoryLike, offset: number, size: number): void {
      if (size !== 0 && !(offset + size <= MEMORY_LIMIT)) {
        throw new RangeError(`memory guard: refusing to extend ethereumjs memory to ${offset + size} bytes (limit ${MEMORY_LIMIT})`);
      }
      extend.call(this, offset, size);
    };
    proto.read = function (this: MemoryLike, offset: number, size: number, avoidCopy?: boolean): Uint8Array {
      if (size !== 0 && !(offset + size <= MEMORY_LIMIT)) {
        guardStats.refusedReads++;
        return new Uint8Array(Math.min(size, 32));
      }
      return read.call(this, offset, size, avoidCopy);
    };
  })();
  return installed;
}
