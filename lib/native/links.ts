/**
 * The transaction-level link check (DESIGN.md, "Frames, claims and transactions"; docs/witness.md, "What a
 * fraud-proof system checks outside the hypervisor"): given the witnesses of every frame of one message tree, each
 * frame's call records must state exactly what its callee frames' witnesses say. The hypervisor verifies each frame
 * given its claims; this check ties the frames together, so that an honest party finds the one frame to prove.
 *
 * For each call record i of a frame F (paths: F's path + [i]) whose callee was entered (status 0, 1 or 2) and is not a
 * precompile, the callee frame C must exist, and
 *
 * | record / frame field | must equal |
 * |---|---|
 * | target | C.to |
 * | value | C.callvalue |
 * | gas | C.gasAvailable |
 * | inputHash | keccak256(C.calldata) |
 * | (kind) caller | C.caller = F.context; F.caller for DELEGATECALL |
 * | (kind) context | C.context = target; F.context for CALLCODE and DELEGATECALL |
 * | (kind) isStatic | C.isStatic = F.isStatic, or true for STATICCALL |
 * | origin, gasPrice, block | C's = F's (one transaction) |
 * | status, gasUsed, refund, logsHash | C's |
 * | keccak256(return data) | C.returndataHash |
 * | the root in force before the call in F's chain | C.stateRootEnter (F's chain: F.stateRootEnter, then each storageWrite or call record's stateRoot) |
 * | stateRoot, status 1 | C.stateRootLeave when the call moves no value; else C.stateRootLeave with the call's transfer applied (`transfers`) |
 *
 * The call's value transfer is the one the EVM makes: a CALL with a nonzero value to another account than F.context
 * moves `value` from F.context to the target; CALLCODE moves it from F.context to itself, DELEGATECALL and STATICCALL
 * move nothing: for those the stateRoot link is a plain equality. Every frame's root chain leaves out its own message's
 * transfer (docs/witness.md), so the transfer is applied here, to C.stateRootLeave, through a TransferOracle (the
 * state: a fraud-proof system would use account proofs of `from` and `to` under C.stateRootLeave); a root the oracle
 * does not know is a broken link. A record whose status is not 1 already holds the root before the call (the
 * hypervisor checks that), so it needs no link.
 *
 * Paths number a frame's call and create records together: an entered create record i (status 0, 1 or 2) leads to
 * its creation frame at F.path + [i], linked by checkCreation (below).
 *
 * A call record with status 3 (not entered) or a precompile target has no callee frame; a frame at its path, or at a
 * path no call record leads to, is left over. The message's own frame has path [] and must be there once.
 */
import { keccak256 } from 'viem';
import { MAX_CODE_SIZE } from '../archive/index.ts';
import { isPrecompile } from '../evm/precompiles.ts';
import { CODE_DEPOSIT_BYTE } from './run.ts';
import { CALL_NOT_ENTERED, CREATE_COLLISION, decodeRecord, hasCallTail, type CallRecord, type CreateRecord, type TypedRecord } from '../witness/records.ts';
import type { Hex, MessageWitness, WitnessFile } from '../witness/types.ts';

/** A value transfer: `value` wei from `from` to `to`. */
export interface ValueTransfer {
  from: Hex;
  to: Hex;
  value: bigint;
}

/** The state behind the roots: `root` with `t` applied, or undefined when the root is unknown. */
export interface TransferOracle {
  applyTransfer(root: Hex, t: ValueTransfer): Hex | undefined;
}

/** One broken link: the frame (its path), the call record (its index among the frame's call records), the field. */
export interface BrokenLink {
  path: number[];
  /** The index of the call record among the frame's call records (the callee's path is path + [callIndex]); absent for a frame-level problem. */
  callIndex?: number;
  field: string;
  /** "frame [0,1]: call record 2: gasUsed 1234 ≠ callee gasUsed 1200" */
  message: string;
}

/** A frame of a message tree: its path and its witness; a creation frame that succeeded also its return data (the code it deposits). */
export interface TreeFrame {
  path: readonly number[];
  file: WitnessFile;
  /** The frame's return data (its witness has only its hash): needed for a creation frame's code deposit. */
  returndata?: Hex;
}

export interface CheckTransactionOptions {
  /** The state that applies a call's value transfer to a callee's stateRootLeave (needed only by calls that move value). */
  transfers?: TransferOracle;
}

/** `[0,1]`; `[]` for the message's own frame. */
export const formatPath = (path: readonly number[]): string => `[${path.join(',')}]`;

const CALL_KINDS = new Set(['call', 'callCode', 'delegateCall', 'staticCall']);
const isCall = (r: TypedRecord): r is CallRecord => CALL_KINDS.has(r.kind);
const lower = (h: Hex): string => h.toLowerCase();
const show = (v: unknown): string => (typeof v === 'object' && v !== null ? JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) : String(v));

/**
 * Checks every link of a message tree (see the file's comment); returns the broken ones, in frame order then record
 * order (empty when every link holds). Frames are matched by path; their order does not matter.
 */
export function checkTransaction(frames: readonly TreeFrame[], opts: CheckTransactionOptions = {}): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const byPath = new Map<string, TreeFrame>();
  for (const f of frames) {
    const key = formatPath(f.path);
    if (byPath.has(key)) broken.push({ path: [...f.path], field: 'path', message: `frame ${key}: given twice` });
    else byPath.set(key, f);
  }
  if (!byPath.has('[]')) broken.push({ path: [], field: 'path', message: "frame []: missing (the message's own frame)" });
  // the paths some entered call record leads to
  const expected = new Set<string>(['[]']);

  for (const f of [...byPath.values()].sort((a, b) => comparePaths(a.path, b.path))) {
    const w = f.file.witness;
    const at = formatPath(f.path);
    let root = w.stateRootEnter;
    let callIndex = 0;
    for (const raw of w.state_access_list) {
      const r = decodeRecord(raw);
      if (!('stateRoot' in r)) continue;
      const before = root;
      root = (r as { stateRoot: Hex }).stateRoot;
      if (!hasCallTail(r.kind)) continue;
      // call and create records are numbered together: a frame's path counts both
      const i = callIndex++;
      const childPath = [...f.path, i];
      const childKey = formatPath(childPath);
      if (!isCall(r)) {
        const s = Number((r as CreateRecord).status);
        if (s === CALL_NOT_ENTERED || s === CREATE_COLLISION) continue; // no creation frame
        expected.add(childKey);
        checkCreation(r as CreateRecord, w, byPath.get(childKey), { path: f.path, index: i, childKey, at }, opts, broken);
        continue;
      }
      if (Number(r.status) === CALL_NOT_ENTERED || isPrecompile(r.target)) continue;
      expected.add(childKey);
      const child = byPath.get(childKey);
      const where = `frame ${at}: call record ${i}`;
      const fail = (field: string, text: string): void => {
        broken.push({ path: [...f.path], callIndex: i, field, message: `${where}: ${text}` });
      };
      if (child === undefined) {
        fail('callee', `callee frame ${childKey} missing (the record's status is ${r.status})`);
        continue;
      }
      const c = child.file.witness;
      const eq = (field: string, recordValue: unknown, calleeField: string, calleeValue: unknown, same: boolean): void => {
        if (!same) fail(field, `${field} ${show(recordValue)} ≠ callee ${calleeField} ${show(calleeValue)}`);
      };
      eq('target', r.target, 'to', c.to, lower(r.target) === lower(c.to));
      eq('value', r.value, 'callvalue', c.callvalue, r.value === c.callvalue);
      eq('gas', r.gas, 'gasAvailable', c.gasAvailable, r.gas === c.gasAvailable);
      const input = keccak256(c.calldata);
      eq('inputHash', r.inputHash, 'keccak256(calldata)', input, lower(r.inputHash) === lower(input));
      const caller = r.kind === 'delegateCall' ? w.caller : w.context;
      eq('caller', caller, 'caller', c.caller, lower(caller) === lower(c.caller));
      const context = r.kind === 'callCode' || r.kind === 'delegateCall' ? w.context : r.target;
      eq('context', context, 'context', c.context, lower(context) === lower(c.context));
      const isStatic = w.isStatic || r.kind === 'staticCall';
      eq('isStatic', isStatic, 'isStatic', c.isStatic, isStatic === c.isStatic);
      eq('origin', w.origin, 'origin', c.origin, lower(w.origin) === lower(c.origin));
      eq('gasPrice', w.gasPrice, 'gasPrice', c.gasPrice, w.gasPrice === c.gasPrice);
      eq('block', w.block, 'block', c.block, sameBlock(w, c));
      eq('status', r.status, 'status', c.status, Number(r.status) === c.status);
      eq('gasUsed', r.gasUsed, 'gasUsed', c.gasUsed, r.gasUsed === c.gasUsed);
      eq('refund', r.refund, 'refund', c.refund, r.refund === c.refund);
      eq('logsHash', r.logsHash, 'logsHash', c.logsHash, lower(r.logsHash) === lower(c.logsHash));
      const returned = keccak256(r.returndata);
      eq('returndata', `keccak256 ${returned}`, 'returndataHash', c.returndataHash, lower(returned) === lower(c.returndataHash));
      eq('stateRootEnter', `root before the call ${before}`, 'stateRootEnter', c.stateRootEnter, lower(before) === lower(c.stateRootEnter));
      if (Number(r.status) === 1) {
        const moves = r.kind === 'call' && r.value !== 0n && lower(r.target) !== lower(w.context);
        if (!moves) {
          eq('stateRoot', r.stateRoot, 'stateRootLeave', c.stateRootLeave, lower(r.stateRoot) === lower(c.stateRootLeave));
        } else {
          const t: ValueTransfer = { from: w.context, to: r.target, value: r.value };
          const after = opts.transfers?.applyTransfer(c.stateRootLeave, t);
          if (after === undefined) {
            fail('stateRoot', `stateRoot ${r.stateRoot}: the callee's stateRootLeave ${c.stateRootLeave} with the transfer of ${r.value} wei from ${w.context} to ${r.target} is not a root the given state knows`);
          } else {
            eq('stateRoot', r.stateRoot, `stateRootLeave with the transfer of ${r.value} wei applied`, after, lower(r.stateRoot) === lower(after));
          }
        }
      }
    }
  }
  for (const [key, f] of byPath) {
    if (!expected.has(key)) broken.push({ path: [...f.path], field: 'path', message: `frame ${key}: left over (no entered call record leads to it)` });
  }
  return broken;
}


/**
 * The links of an entered create record (status 0, 1 or 2) to its creation frame C: C runs the init code at the new
 * address with the value and gas, no calldata, called by the creator, not static, in the same transaction; its
 * outcome gives the record's: a revert's (status, gasUsed, return data), a halt's, or a success's with its code
 * deposit (the return data R: at most 24,576 bytes, not starting with 0xef, and 200 gas a byte that C's gas left
 * pays; then gasUsed is C's plus the deposit, refund and logs are C's, and the state root is C's stateRootLeave with
 * the transfer and the code applied, from the given state; otherwise the record must say status 0). The root before
 * the create is not C's stateRootEnter (which has the new account and the creator's nonce raised): that and a failed
 * creation's root (the nonce raised) are claims about the state, checked with account proofs.
 */
function checkCreation(
  r: CreateRecord,
  w: MessageWitness,
  child: TreeFrame | undefined,
  where: { path: readonly number[]; index: number; childKey: string; at: string },
  opts: CheckTransactionOptions,
  broken: BrokenLink[],
): void {
  const fail = (field: string, text: string): void => {
    broken.push({ path: [...where.path], callIndex: where.index, field, message: `frame ${where.at}: create record ${where.index}: ${text}` });
  };
  if (child === undefined) {
    fail('callee', `creation frame ${where.childKey} missing (the record's status is ${r.status})`);
    return;
  }
  const c = child.file.witness;
  const eq = (field: string, recordValue: unknown, calleeField: string, calleeValue: unknown, same: boolean): void => {
    if (!same) fail(field, `${field} ${show(recordValue)} ≠ creation frame ${calleeField} ${show(calleeValue)}`);
  };
  eq('address', r.address, 'to', c.to, lower(r.address) === lower(c.to));
  eq('address', r.address, 'context', c.context, lower(r.address) === lower(c.context));
  eq('value', r.value, 'callvalue', c.callvalue, r.value === c.callvalue);
  eq('gas', r.gas, 'gasAvailable', c.gasAvailable, r.gas === c.gasAvailable);
  eq('initCodeHash', r.initCodeHash, 'codeHash', c.codeHash, lower(r.initCodeHash) === lower(c.codeHash));
  eq('(calldata)', '0x', 'calldata', c.calldata, c.calldata === '0x');
  eq('caller', w.context, 'caller', c.caller, lower(w.context) === lower(c.caller));
  eq('isStatic', false, 'isStatic', c.isStatic, c.isStatic === false);
  eq('origin', w.origin, 'origin', c.origin, lower(w.origin) === lower(c.origin));
  eq('gasPrice', w.gasPrice, 'gasPrice', c.gasPrice, w.gasPrice === c.gasPrice);
  eq('block', w.block, 'block', c.block, sameBlock(w, c));
  const status = Number(r.status);
  if (c.status === 2) {
    eq('status', r.status, 'status', c.status, status === 2);
    eq('gasUsed', r.gasUsed, 'gasUsed', c.gasUsed, r.gasUsed === c.gasUsed);
    const returned = keccak256(r.returndata);
    eq('returndata', `keccak256 ${returned}`, 'returndataHash', c.returndataHash, lower(returned) === lower(c.returndataHash));
    return;
  }
  if (c.status === 0) {
    eq('status', r.status, 'status', c.status, status === 0);
    return;
  }
  // success: the code deposit decides
  const code = child.returndata;
  if (code === undefined || lower(keccak256(code)) !== lower(c.returndataHash)) {
    fail('returndata', `the creation frame's return data (the code it deposits) is ${code === undefined ? 'not given' : `not its returndataHash ${c.returndataHash}`}`);
    return;
  }
  const n = (code.length - 2) / 2;
  const deposit = CODE_DEPOSIT_BYTE * BigInt(n);
  const deposits = n <= MAX_CODE_SIZE && !/^0xef/i.test(code) && c.gasUsed + deposit <= c.gasAvailable;
  if (!deposits) {
    eq('status', r.status, `status (a code deposit of ${n} bytes that fails)`, 0, status === 0);
    return;
  }
  eq('status', r.status, 'status', c.status, status === 1);
  eq('gasUsed', r.gasUsed, `gasUsed + ${deposit} (the code deposit)`, c.gasUsed + deposit, r.gasUsed === c.gasUsed + deposit);
  eq('refund', r.refund, 'refund', c.refund, r.refund === c.refund);
  eq('logsHash', r.logsHash, 'logsHash', c.logsHash, lower(r.logsHash) === lower(c.logsHash));
  const t: ValueTransfer = { from: w.context, to: r.address, value: r.value };
  const after = opts.transfers?.applyTransfer(c.stateRootLeave, t);
  if (after === undefined) fail('stateRoot', `stateRoot ${r.stateRoot}: the creation frame's stateRootLeave ${c.stateRootLeave} with its value and code is not a root the given state knows`);
  else eq('stateRoot', r.stateRoot, 'stateRootLeave with its value and code applied', after, lower(r.stateRoot) === lower(after));
}

function comparePaths(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function sameBlock(a: MessageWitness, b: MessageWitness): boolean {
  const x = a.block;
  const y = b.block;
  return (
    lower(x.coinbase) === lower(y.coinbase) &&
    x.timestamp === y.timestamp &&
    x.number === y.number &&
    lower(x.prevrandao) === lower(y.prevrandao) &&
    x.gasLimit === y.gasLimit &&
    x.chainId === y.chainId &&
    x.baseFee === y.baseFee &&
    x.blobBaseFee === y.blobBaseFee
  );
}
