/**
 * Call records in the fuzzer (docs/witness.md, "call"; docs/fuzzing.md, "Call-record mutations"):
 *
 * - the mutations aimed at them (spec.ts `CallRecordMutation`), applied to a witness here (`applyCallRecordMutation`);
 * - the hypervisor's checks of a taken call record, in its order (`checkCallRecord`: src/hypervisor/Records.huff
 *   NEXT_CALL_RECORD, then src/hypervisor/instructions/Contract.huff), for the oracle (prepare.ts recordsVerdict):
 *   length 67, arguments 68 (target, value, gas, inputHash), status 70, gasUsed 71, outcome consistency 72, return
 *   data padding 73, key updates 74; and, when they pass, how the claimed outcome differs from the reference run's.
 *
 * The oracle does not depend on which mutation made a record: it judges the record the witness holds. The mutation
 * kinds only aim the generator at each check (structural kinds) or at other consistent outcomes (semantic kinds).
 */
import { OP } from '../lib/evm/opcodes.ts';
import { CALL_NOT_ENTERED, ERROR_CODES, hasCallTail, KEY_UPDATE_WORDS, recordKindOf, type AccessRecord, type Hex, type MessageWitness } from '../lib/witness/index.ts';
import type { CallRecordMutation } from './spec.ts';

const U256_MAX = (1n << 256n) - 1n;
/** Fields of a call record (CALL_FIELDS of lib/witness/records.ts), by word index. */
export const CALL_WORD = { target: 0, value: 1, gas: 2, inputHash: 3, status: 4, gasUsed: 5, refund: 6, logsHash: 7, stateRoot: 8, returndataLength: 9, updateCount: 10 } as const;
const FIELD_WORDS = 11;
const FIELD_BYTES = FIELD_WORDS * 32;
const UPDATE_BYTES = KEY_UPDATE_WORDS * 32;

/** Whether `opcode` takes a call record (CALL, CALLCODE, DELEGATECALL, STATICCALL; a create record has more fields). */
export function isCallOpcode(opcode: number): boolean {
  const kind = recordKindOf(opcode);
  return kind !== undefined && hasCallTail(kind) && !CREATE_KINDS.has(kind);
}
const CREATE_KINDS: ReadonlySet<string> = new Set(['create', 'create2']);

/** A record's data as whole words (a trailing partial word is padded with zeros). */
function wordsOf(data: Hex): bigint[] {
  const hex = data.slice(2);
  const out: bigint[] = [];
  for (let i = 0; i < hex.length; i += 64) out.push(BigInt(`0x${hex.slice(i, i + 64).padEnd(64, '0')}`));
  return out;
}

const hexWords = (words: readonly bigint[]): string =>
  words
    .map((w) => {
      if (w < 0n || w > U256_MAX) throw new Error(`call record word out of range: ${w}`);
      return w.toString(16).padStart(64, '0');
    })
    .join('');
const hexBytes = (bytes: readonly number[]): string => Buffer.from(bytes).toString('hex');

/** A key update's words: key, warm, value, code hash. */
export type UpdateWords = [bigint, bigint, bigint, bigint];

/** A self-consistent call record, taken apart: its 11 fields, return data, padding bytes and key updates. */
export interface CallParts {
  fields: bigint[];
  returndata: number[];
  padding: number[];
  updates: UpdateWords[];
}

/** The parts of a call record whose data length is what its counts say (undefined otherwise). */
export function parseCall(data: Hex): CallParts | undefined {
  const bytes = Buffer.from(data.slice(2), 'hex');
  if (bytes.length < FIELD_BYTES) return undefined;
  const fields = wordsOf(`0x${bytes.subarray(0, FIELD_BYTES).toString('hex')}`);
  const rdLen = fields[CALL_WORD.returndataLength]!;
  const n = fields[CALL_WORD.updateCount]!;
  if (rdLen >= 1n << 32n || n >= 1n << 32n) return undefined;
  const padded = Number((rdLen + 31n) / 32n) * 32;
  if (bytes.length !== FIELD_BYTES + padded + Number(n) * UPDATE_BYTES) return undefined;
  const rd = [...bytes.subarray(FIELD_BYTES, FIELD_BYTES + Number(rdLen))];
  const padding = [...bytes.subarray(FIELD_BYTES + Number(rdLen), FIELD_BYTES + padded)];
  const updates: UpdateWords[] = [];
  for (let i = 0; i < Number(n); i++) {
    const at = FIELD_BYTES + padded + i * UPDATE_BYTES;
    const [k, w, v, h] = wordsOf(`0x${bytes.subarray(at, at + UPDATE_BYTES).toString('hex')}`);
    updates.push([k!, w!, v!, h!]);
  }
  return { fields, returndata: rd, padding, updates };
}

/** The data of a call record from its parts; the two counts are set from the tail, the padding cut or zero-filled to fit. */
export function encodeCall(p: CallParts): Hex {
  const fields = [...p.fields];
  fields[CALL_WORD.returndataLength] = BigInt(p.returndata.length);
  fields[CALL_WORD.updateCount] = BigInt(p.updates.length);
  const padLen = (32 - (p.returndata.length % 32)) % 32;
  const padding = [...p.padding.slice(0, padLen), ...new Array<number>(Math.max(0, padLen - p.padding.length)).fill(0)];
  return `0x${hexWords(fields)}${hexBytes(p.returndata)}${hexBytes(padding)}${hexWords(p.updates.flat())}`;
}

/** The state root before record `index` of a record list, as the hypervisor chains it (storage writes, successful calls). */
export function rootBefore(w: MessageWitness, index: number): bigint {
  let root = BigInt(w.stateRootEnter);
  for (const r of w.state_access_list.slice(0, index)) {
    const words = wordsOf(r.data);
    if (r.opcode === OP.SSTORE && words.length >= 3) root = words[2]!;
    else if (isCallOpcode(r.opcode) && words.length > CALL_WORD.stateRoot && words[CALL_WORD.status] === 1n) root = words[CALL_WORD.stateRoot]!;
    // a create that was entered changes the root whatever its outcome (the creator's nonce), at the call's offset
    else if ((r.opcode === OP.CREATE || r.opcode === OP.CREATE2) && words.length > CALL_WORD.stateRoot && words[CALL_WORD.status] !== BigInt(CALL_NOT_ENTERED)) root = words[CALL_WORD.stateRoot]!;
  }
  return root;
}

/** Number of keys of the three lists (storage, transient, account): the key updates' index range. */
const keyCounts = (w: MessageWitness) => ({ storage: w.storageKeys.length, transient: w.transientKeys.length, account: w.accountKeys.length });

/** A call record's claims made consistent with status `s` (what the hypervisor requires of a non-success, docs/witness.md). */
function consistentWith(p: CallParts, s: 0 | 1 | 2 | 3, root: bigint): CallParts {
  const f = [...p.fields];
  const gas = f[CALL_WORD.gas]!;
  f[CALL_WORD.status] = BigInt(s);
  if (s === 0) f[CALL_WORD.gasUsed] = gas;
  else if (s === CALL_NOT_ENTERED) f[CALL_WORD.gasUsed] = 0n;
  else if (f[CALL_WORD.gasUsed]! > gas) f[CALL_WORD.gasUsed] = gas;
  if (s === 1) return { ...p, fields: f };
  f[CALL_WORD.refund] = 0n;
  f[CALL_WORD.logsHash] = 0n;
  f[CALL_WORD.stateRoot] = root;
  return { fields: f, returndata: s === 2 ? p.returndata : [], padding: [], updates: [] };
}

/** Inserts an update keeping the keys ascending (replacing one with the same key). */
function withUpdate(updates: readonly UpdateWords[], u: UpdateWords): UpdateWords[] {
  return [...updates.filter((x) => x[0] !== u[0]), u].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Applies a call-record mutation to `w` (its record list is already a copy): the `at`-th call record of the list
 * (modulo their number) is replaced. No call record, or a record the mutation needs taken apart that is not
 * self-consistent (an earlier mutation broke it): no change.
 */
export function applyCallRecordMutation(w: MessageWitness, m: CallRecordMutation): void {
  const l = w.state_access_list;
  const calls = l.map((r, i) => [r, i] as const).filter(([r]) => isCallOpcode(r.opcode));
  if (calls.length === 0) return;
  const [record, index] = calls[m.at % calls.length]!;
  const set = (data: Hex): void => {
    l[index] = { opcode: record.opcode, data };
  };
  const words = wordsOf(record.data);
  // the length: words added or removed, a count changed without its tail, a count of 2^32 or more
  if (m.how === 'extraWord') return set(`0x${record.data.slice(2)}${hexWords([m.v])}`);
  if (m.how === 'missingWord') return set(`0x${record.data.slice(2, Math.max(2, record.data.length - 64))}`);
  if (words.length < FIELD_WORDS) return;
  if (m.how === 'count') {
    const i = CALL_WORD[m.field];
    words[i] = m.d < 0n && words[i]! < -m.d ? words[i]! + 1n : (words[i]! + m.d) & U256_MAX;
    return set(`0x${hexWords(words)}${record.data.slice(2 + 64 * words.length)}`);
  }
  if (m.how === 'hugeCount') {
    const i = CALL_WORD[m.field];
    // 'wrap': a count whose byte size wraps around 2^256 to the same record size (only the 2^32 check rejects it)
    words[i] = m.v !== 'wrap' ? m.v : m.field === 'returndataLength' ? (words[i]! + U256_MAX - 30n) & U256_MAX : (words[i]! + (1n << 251n)) & U256_MAX;
    return set(`0x${hexWords(words)}${record.data.slice(2 + 64 * words.length)}`);
  }
  if (m.how === 'argument') {
    const i = CALL_WORD[m.field];
    words[i] = words[i]! ^ (m.v === 0n ? 1n : m.v);
    return set(`0x${hexWords(words)}${record.data.slice(2 + 64 * words.length)}`);
  }
  const p = parseCall(record.data);
  if (p === undefined) return;
  const f = p.fields;
  const root = rootBefore(w, index);
  const status = f[CALL_WORD.status]!;
  const gas = f[CALL_WORD.gas]!;
  const keys = keyCounts(w);
  const total = keys.storage + keys.transient + keys.account;
  switch (m.how) {
    case 'badStatus':
      f[CALL_WORD.status] = m.v < 4n ? 4n + m.v : m.v;
      return set(encodeCall(p));
    case 'badGasUsed': {
      const d = m.d < 1n ? 1n : m.d;
      if (m.which === 'over') f[CALL_WORD.gasUsed] = gas + d > U256_MAX ? U256_MAX : gas + d;
      else {
        // a halt that did not use all its gas, a call not entered that used some
        const q = consistentWith(p, m.which === 'halt' ? 0 : CALL_NOT_ENTERED, root);
        q.fields[CALL_WORD.gasUsed] = m.which === 'notEntered' ? d & U256_MAX : gas >= d ? gas - d : (gas + d) & U256_MAX;
        return set(encodeCall(q));
      }
      return set(encodeCall(p));
    }
    case 'inconsistent': {
      const q = consistentWith(p, m.status, root);
      const v = m.v === 0n ? 1n : m.v;
      if (m.claim === 'refund') q.fields[CALL_WORD.refund] = v;
      else if (m.claim === 'logsHash') q.fields[CALL_WORD.logsHash] = v;
      else if (m.claim === 'stateRoot') q.fields[CALL_WORD.stateRoot] = root ^ v;
      else if (m.claim === 'updates') q.updates = [[BigInt(total === 0 ? 0 : m.k % total), 0n, v, 0n]];
      // return data without being a revert (a revert may return data: then a halt's)
      else {
        if (m.status === 2) {
          q.fields[CALL_WORD.status] = 0n;
          q.fields[CALL_WORD.gasUsed] = gas;
        }
        q.returndata = m.data.length === 0 ? [0] : [...m.data];
      }
      return set(encodeCall(q));
    }
    case 'padding': {
      // a revert with return data whose padding holds a nonzero byte
      const q = consistentWith(p, 2, root);
      const rd = m.data.length % 32 === 0 ? [...m.data, 0] : [...m.data];
      const padLen = (32 - (rd.length % 32)) % 32;
      q.returndata = rd;
      q.padding = new Array<number>(padLen).fill(0);
      q.padding[m.pos % padLen] = m.byte === 0 ? 1 : m.byte;
      return set(encodeCall(q));
    }
    case 'badUpdate': {
      // key updates are only taken from a success
      const q = consistentWith(p, 1, root);
      const u = q.updates;
      const k = BigInt(total === 0 ? 0 : m.k % total);
      const last = u.length > 0 ? u[u.length - 1]![0] : undefined;
      if (m.which === 'duplicate') q.updates = last === undefined ? [[k, 0n, m.v, 0n], [k, 0n, m.v, 0n]] : [...u, [last, 0n, m.v, 0n]];
      else if (m.which === 'descending') q.updates = last === undefined || last === 0n ? [[k + 1n, 0n, m.v, 0n], [k, 0n, m.v, 0n]] : [...u, [last - 1n, 0n, m.v, 0n]];
      else if (m.which === 'keyRange') q.updates = withUpdate(u, [BigInt(total) + BigInt(m.k % 3) + (m.k % 7 === 6 ? 1n << 255n : 0n), 0n, m.v, 0n]);
      else if (m.which === 'warm') q.updates = withUpdate(u, [k, 2n + (m.v & 0xffn), m.v, 0n]);
      else if (keys.transient > 0) q.updates = withUpdate(u, [BigInt(keys.storage + (m.k % keys.transient)), 1n, m.v, 0n]);
      else q.updates = withUpdate(u, [BigInt(total), 1n, m.v, 0n]); // no transient key: an index out of range instead
      return set(encodeCall(q));
    }
    // semantic: another consistent outcome
    case 'returndata':
      if (status === 1n || status === 2n) p.returndata = m.flip && p.returndata.length > 0 ? p.returndata.map((b, i) => (i === m.data.length % p.returndata.length ? b ^ 0x5a : b)) : [...m.data];
      return set(encodeCall(p));
    case 'status':
      // another status than the record's
      return set(encodeCall(consistentWith(p, BigInt(m.status) === status ? (((m.status + 1) % 4) as 0 | 1 | 2 | 3) : m.status, root)));
    case 'gasUsed': {
      // another gasUsed within bounds (a halt or a call not entered has only one gasUsed)
      if (status !== 1n && status !== 2n) return;
      const old = f[CALL_WORD.gasUsed]!;
      const v = m.v % (gas + 1n);
      f[CALL_WORD.gasUsed] = v !== old ? v : old < gas ? old + 1n : old > 0n ? old - 1n : old;
      return set(encodeCall(p));
    }
    case 'addUpdate': {
      if (total === 0) return;
      const k = m.k % total;
      const transient = k >= keys.storage && k < keys.storage + keys.transient;
      // the code hash an account key has: kept as the update found it, or its claim at entry (0 for other keys)
      const a = k - keys.storage - keys.transient;
      const h = a >= 0 ? BigInt(p.updates.find((x) => x[0] === BigInt(k))?.[3] ?? BigInt(w.accountKeys[a]!.codeHash)) : 0n;
      p.updates = withUpdate(p.updates, [BigInt(k), m.warm && !transient ? 1n : 0n, m.v, h]);
      return set(encodeCall(p));
    }
    case 'changeUpdate': {
      if (p.updates.length === 0) return;
      const u = p.updates[m.i % p.updates.length]!;
      const transient = u[0] >= BigInt(keys.storage) && u[0] < BigInt(keys.storage + keys.transient);
      if (m.flipWarm && !transient) u[1] ^= 1n;
      else u[2] = m.v === u[2] ? u[2] ^ 1n : m.v;
      return set(encodeCall(p));
    }
    case 'refund':
      f[CALL_WORD.refund] = BigInt.asUintN(256, BigInt.asIntN(256, f[CALL_WORD.refund]!) + (m.d === 0n ? 1n : m.d));
      return set(encodeCall(p));
    case 'logsHash':
      f[CALL_WORD.logsHash] = m.v === 'zero' ? 0n : BigInt(m.v);
      return set(encodeCall(p));
    case 'stateRoot':
      f[CALL_WORD.stateRoot] = BigInt(m.v);
      return set(encodeCall(p));
  }
}

/** Where the hypervisor is when it takes a call record: the current state root and the witness's key lists. */
export interface CallCheckEnv {
  root: bigint;
  /** The claimed key lists, as identities (`storage:<slot>`, …), in key-index order. */
  claimedKeys: readonly string[];
  storageKeys: number;
  transientKeys: number;
  /** The reference run's key lists (the index space of its records' key updates), as identities. */
  takenKeys: readonly string[];
}

/** The key identities of a witness's lists (or a native run's), in key-index order. */
export function keyIdentities(l: { storageKeys: ReadonlyArray<{ slot: bigint }>; transientKeys: ReadonlyArray<{ slot: bigint }>; accountKeys: ReadonlyArray<{ account: Hex }> }): string[] {
  return [...l.storageKeys.map((k) => `storage:${k.slot}`), ...l.transientKeys.map((k) => `transient:${k.slot}`), ...l.accountKeys.map((k) => `account:${k.account.toLowerCase()}`)];
}

export type CallCheck =
  /** The hypervisor rejects the record with `code` (the record is the offending one). */
  | { code: number }
  /**
   * The record passes the checks. `differs`: the claimed outcome's fields that differ from the reference run's
   * (by name; the state root is not compared: it only feeds the root chain, which the oracle follows with the
   * claimed roots); `tail`: the return data or the key updates (as keys, not indexes) differ.
   */
  | { ok: true; differs: Array<keyof typeof CALL_WORD>; tail: boolean };

/**
 * The hypervisor's checks of call record `c`, taken where the reference run took `t` (same opcode), in its order.
 */
export function checkCallRecord(c: AccessRecord, t: AccessRecord, env: CallCheckEnv): CallCheck {
  const bytes = (c.data.length - 2) / 2;
  const cw = wordsOf(c.data);
  // NEXT_CALL_RECORD: the counts (below 2^32) give the data length; a record shorter than its fields has counts read
  // past it, and a length no counts can give
  if (bytes < FIELD_BYTES) return { code: ERROR_CODES.RECORD_LENGTH_MISMATCH };
  const rdLen = cw[CALL_WORD.returndataLength]!;
  const n = cw[CALL_WORD.updateCount]!;
  if (rdLen >= 1n << 32n || n >= 1n << 32n) return { code: ERROR_CODES.RECORD_LENGTH_MISMATCH };
  if (BigInt(bytes) !== BigInt(FIELD_BYTES) + ((rdLen + 31n) / 32n) * 32n + n * BigInt(UPDATE_BYTES)) return { code: ERROR_CODES.RECORD_LENGTH_MISMATCH };
  const tw = wordsOf(t.data);
  for (const i of [CALL_WORD.target, CALL_WORD.value, CALL_WORD.gas, CALL_WORD.inputHash]) {
    if (cw[i] !== tw[i]) return { code: ERROR_CODES.RECORD_ARGUMENT_MISMATCH };
  }
  const status = cw[CALL_WORD.status]!;
  if (status > BigInt(CALL_NOT_ENTERED)) return { code: ERROR_CODES.CALL_STATUS_INVALID };
  const used = cw[CALL_WORD.gasUsed]!;
  const gas = cw[CALL_WORD.gas]!;
  if (used > gas || (status === 0n && used !== gas) || (status === BigInt(CALL_NOT_ENTERED) && used !== 0n)) return { code: ERROR_CODES.CALL_GAS_USED_INVALID };
  if (status !== 1n) {
    const claims = cw[CALL_WORD.refund] !== 0n || cw[CALL_WORD.logsHash] !== 0n || n !== 0n || cw[CALL_WORD.stateRoot] !== env.root;
    if (claims || (status !== 2n && rdLen !== 0n)) return { code: ERROR_CODES.CALL_OUTCOME_INCONSISTENT };
  }
  const cp = parseCall(c.data)!;
  if (cp.padding.some((b) => b !== 0)) return { code: ERROR_CODES.RETURNDATA_PADDING };
  const total = BigInt(env.claimedKeys.length);
  let min = 0n;
  for (const [k, warm] of cp.updates) {
    if (k < min || k >= total || warm > 1n) return { code: ERROR_CODES.KEY_UPDATE_INVALID };
    const transient = k >= BigInt(env.storageKeys) && k < BigInt(env.storageKeys + env.transientKeys);
    if (transient && warm === 1n) return { code: ERROR_CODES.KEY_UPDATE_INVALID };
    min = k + 1n;
  }
  // what the guest and the frame's view see: the outcome fields, the return data, the updates by key
  const tp = parseCall(t.data);
  if (tp === undefined) throw new Error('checkCallRecord: the reference run took a call record that is not self-consistent');
  const differs = (['status', 'gasUsed', 'refund', 'logsHash', 'returndataLength', 'updateCount'] as const).filter((name) => cw[CALL_WORD[name]] !== tw[CALL_WORD[name]]);
  const updates = (p: CallParts, keys: readonly string[]): string => JSON.stringify(p.updates.map(([k, w, v, h]) => [keys[Number(k)], w.toString(), v.toString(), h.toString()]));
  const tail = hexBytes(cp.returndata) !== hexBytes(tp.returndata) || updates(cp, env.claimedKeys) !== updates(tp, env.takenKeys);
  return { ok: true, differs, tail };
}
