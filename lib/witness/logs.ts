/** The logs commitment of a witness (docs/witness.md, "Logs"). */
import { concatHex, keccak256, numberToHex } from 'viem';
import type { Hex } from './types.ts';

/** One log of the frame (its emitter is the frame's `context`). */
export interface FrameLog {
  topics: readonly Hex[];
  data: Hex;
}

/** logsHash before any log (and of a frame that did not succeed). */
export const NO_LOGS_HASH: Hex = `0x${'00'.repeat(32)}`;

/** h_k = keccak256(h_(k-1) ++ uint256(n) ++ topic_1 ++ … ++ topic_n ++ keccak256(data)), from h_0 = 0. */
export function logsHashOf(logs: readonly FrameLog[]): Hex {
  let h = NO_LOGS_HASH;
  for (const log of logs) h = keccak256(concatHex([h, numberToHex(log.topics.length, { size: 32 }), ...log.topics, keccak256(log.data)]));
  return h;
}
