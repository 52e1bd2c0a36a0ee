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

/**
 * The word that marks a call's link in the chain where a log's link has its topic count: 2^256 - 1, which no topic
 * count (0-4) equals, so a call's link can never be read as a log's.
 */
export const CALL_LINK_MARKER: bigint = (1n << 256n) - 1n;

/** The link of one log: keccak256(h ++ uint256(n) ++ topic_1 ++ … ++ topic_n ++ keccak256(data)). */
export function logsLinkOfLog(h: Hex, log: FrameLog): Hex {
  return keccak256(concatHex([h, numberToHex(log.topics.length, { size: 32 }), ...log.topics, keccak256(log.data)]));
}

/**
 * The link of a successful call whose callee's logsHash is `c`: keccak256(h ++ uint256(2^256 - 1) ++ c). A call whose
 * callee has no logs (c = 0), or that did not succeed, adds no link: the chain is `h` unchanged.
 */
export function logsLinkOfCall(h: Hex, c: Hex): Hex {
  if (BigInt(c) === 0n) return h;
  return keccak256(concatHex([h, numberToHex(CALL_LINK_MARKER, { size: 32 }), c]));
}

/** One entry of a frame's logs chain: a LOG of its own, or a successful call with its callee's logsHash. */
export type LogsEntry = FrameLog | { callLogsHash: Hex };

/**
 * h_k = keccak256(h_(k-1) ++ uint256(n) ++ topic_1 ++ … ++ topic_n ++ keccak256(data)) for a log, and
 * h_k = keccak256(h_(k-1) ++ uint256(2^256 - 1) ++ c) for a successful call whose callee's logsHash c is not 0, from h_0 = 0.
 */
export function logsHashOf(entries: readonly LogsEntry[]): Hex {
  let h = NO_LOGS_HASH;
  for (const e of entries) h = 'callLogsHash' in e ? logsLinkOfCall(h, e.callLogsHash) : logsLinkOfLog(h, e);
  return h;
}
