/**
 * Turns a generated case into the witnesses to verify and what the hypervisor must answer for each
 * (the oracle's expectations), using @ethereumjs/evm (lib/native) as the reference execution.
 *
 * The rule for a mutated witness W' (docs/fuzzing.md, "Oracle"): the hypervisor's answer must be
 * the answer for W' itself, whatever the mutation was. W' is re-derived into its own message
 * context (its code, caller, origin, to, context, value, gas price, gas available, static flag and
 * calldata), that context is run natively, and
 *   the world W' claims (its block and key lists) becomes the run's pre-state (contextOf), and
 *   - W' is valid iff its records are the run's, its keys are exactly those the run looks up, its
 *     state roots chain as the run's writes do, and its status, gasUsed, returndataHash, refund and
 *     logsHash equal the run's;
 *   - otherwise it is invalid with the first failing check in the hypervisor's documented order
 *     (records and missing keys while the guest runs; then LEFTOVER_RECORDS, STATE_ROOT_MISMATCH,
 *     STATUS_MISMATCH, GAS_USED_MISMATCH, RETURNDATA_HASH_MISMATCH, REFUND_MISMATCH,
 *     LOGS_HASH_MISMATCH, UNUSED_KEY), or GAS_AVAILABLE_TOO_LARGE before execution
 *     (expectedVerdict);
 *   - a corrupted encoding that the canonical decoder rejects must be rejected with one of the
 *     encoding codes 1-18;
 *   - claims no pre-state reproduces (unrepresentableClaims) are not checked (any verdict);
 *   - a context whose run reaches a record opcode is not checked (any verdict is fine, no verdict
 *     is a finding).
 * So a mutation that changes nothing observable (CALLER when the code never reads it, gasAvailable
 * of a program that neither reads GAS nor runs out of gas, stateRootEnter and stateRootLeave moved
 * together) is expected to be accepted, and one that changes the outcome to be rejected.
 */
import { keccak256, numberToHex } from 'viem';
import { isPrecompile } from '../lib/evm/precompiles.ts';
import { buildHonestWitness, DEFAULT_BLOCK, honestWitness, runNative, transferredValue, UnsupportedMessageError, unsupportedOpcodes, warmAtEntry, type LogChainEntry, type MessageContext, type NativeOutcome } from '../lib/native/index.ts';
import { BLOCK_FIELDS, OP } from '../lib/evm/opcodes.ts';
import { argumentsDiffer, CALL_NOT_ENTERED, decodeRecord, decodeWitness, encodeWitness, ERROR_CODES, recordKindOf, type AccessRecord, type Hex, type MessageWitness, type TypedRecord, type WitnessFile } from '../lib/witness/index.ts';
import { logsHashOf, type LogsEntry } from '../lib/witness/logs.ts';
import { applyCallRecordMutation, CALL_WORD, checkCallRecord, isCallOpcode, keyIdentities } from './callrecords.ts';
import { deriveOutcome } from './derive.ts';
import { installMemoryGuard } from './guard.ts';
import { assemble, traits, type ProgramTraits } from './program.ts';
import type { CaseSpec, CtxSpec, GasSpec, Mutation } from './spec.ts';

export type Expectation =
  | { verdict: 'valid' }
  /** `record`: the index of the offending record the error must name (set for the errors of a call record). */
  | { verdict: 'invalid'; code: number; record?: number }
  /** A non-canonical encoding: any of the encoding codes 1..18. */
  | { verdict: 'invalid-encoding' }
  /** Not checkable by this version (a record opcode runs): any verdict, but a verdict. */
  /** `mayBeNotArchived`: code hashes the witness claims for accounts, which the hypervisor may find without an archive (then CodeNotArchived, not a verdict, is right too). */
  /** `mayNotConclude`: the hypervisor may also run out of its own gas (a guest that uses more than it can match). */
  | { verdict: 'any'; why: string; mayBeNotArchived?: Hex[]; mayNotConclude?: boolean }
  /** The witness names code that is not archived: CodeNotArchived(codeHash), which is not a verdict. */
  | { verdict: 'not-archived'; codeHash: Hex };

export interface CheckItem {
  role: 'honest' | 'mutant';
  /** The witness (the batch's native run uses its context) and the code to archive (the code its codeHash names, when archived). */
  file: WitnessFile;
  /** The hypervisor's calldata when it is not encodeWitness(file.witness). */
  raw?: Hex;
  expect: Expectation;
  /** The ethereumjs run of the witness's context (absent when gasAvailable >= 2^64). */
  native?: NativeOutcome;
}

export interface PreparedCase {
  spec: CaseSpec;
  code: Hex;
  context: MessageContext;
  traits: ProgramTraits;
  /** ethereumjs outcome of the honest context (absent when the builder cannot express the message: see `skipped`). */
  native?: NativeOutcome;
  items: CheckItem[];
  /** Set when the honest run executes a record opcode (the case is not checked). */
  skipped?: string;
  /** The mutant had more gas than the fuzzer runs natively for this program (see mutantItem). */
  droppedMutant?: boolean;
  natives: NativeCache;
}

const U256_MAX = (1n << 256n) - 1n;
const GAS_LIMIT_64 = 1n << 64n;
/** The gas both engines give the hypervisor (LocalHypervisor, lib/forge verifyBatch), and the cost bound K (DESIGN.md: K ≤ 25). */
const HYPERVISOR_GAS = 1_000_000_000n;
const BOUNDED_COST_K = 25n;
export const GENEROUS_GAS = 10_000_000n;
export const SPIN_GAS = 30_000n;
/** Largest guest code an archive can hold (EIP-170). */
export const MAX_CODE_SIZE = 24_576;
const EMPTY_HASH = keccak256('0x');
const hexOf = (bytes: readonly number[]): Hex => `0x${Buffer.from(bytes).toString('hex')}`;
const clamp = (v: bigint, lo: bigint, hi: bigint): bigint => (v < lo ? lo : v > hi ? hi : v);

export function contextFromSpec(c: CtxSpec, code: Hex, gasAvailable: bigint): MessageContext {
  return {
    code,
    calldata: hexOf(c.calldata),
    callvalue: c.callvalue,
    gasAvailable,
    caller: c.caller,
    origin: c.origin === 'caller' ? c.caller : c.origin,
    to: c.to,
    context: c.context === 'to' ? c.to : c.context,
    gasPrice: c.gasPrice,
    isStatic: c.isStatic && c.callvalue === 0n,
    ...(c.state === undefined
      ? {}
      : {
          preState: {
            storage: c.state.storage.map((e) => ({ ...e })),
            transientStorage: c.state.transient.map((e) => ({ ...e })),
            // a balance the message's value would push past 2^256 is no world at all: none then
            accounts: c.state.balance > 0n && c.state.balance + c.callvalue <= U256_MAX ? [{ address: c.context === 'to' ? c.to : c.context, balance: c.state.balance }] : [],
            warmAccounts: [...c.state.warmAccounts],
          },
        }),
  };
}

/**
 * The message context a witness claims, with `code` the code its codeHash names, in the world its claims describe:
 * its block, and a pre-state built from its key lists (each storage slot's value, original value and warmth, each
 * transient slot's value, each account's balance, code (by its claimed code hash, from `code` and `accountCode`) and
 * warmth). Claims that no pre-state can produce are named by unrepresentableClaims.
 */
export function contextOf(w: MessageWitness, code: Hex, accountCode: readonly Hex[] = []): MessageContext {
  const to = w.to.toLowerCase() as Hex;
  const context = w.context.toLowerCase() as Hex;
  const caller = w.caller.toLowerCase() as Hex;
  const transfers = transferredValue({ to, context, caller, callvalue: w.callvalue });
  const codes = new Map<string, Hex>([code, ...accountCode].map((c) => [keccak256(c), c]));
  return {
    code,
    calldata: w.calldata.toLowerCase() as Hex,
    callvalue: w.callvalue,
    gasAvailable: w.gasAvailable,
    caller,
    origin: w.origin.toLowerCase() as Hex,
    to,
    context,
    gasPrice: w.gasPrice,
    isStatic: w.isStatic,
    block: { ...w.block, coinbase: w.block.coinbase.toLowerCase() as Hex },
    preState: {
      storage: w.storageKeys.map((k) => ({ slot: k.slot, value: k.value, original: k.original, warm: k.warm })),
      transientStorage: w.transientKeys.map((k) => ({ slot: k.slot, value: k.value })),
      accounts: w.accountKeys.map((k) => {
        const account = k.account.toLowerCase() as Hex;
        const emptyCode = BigInt(k.codeHash) === 0n || k.codeHash.toLowerCase() === EMPTY_HASH;
        return {
          address: account,
          // the run moves the value from caller to context (a claim it cannot meet is named by unrepresentableClaims)
          balance: account === context && transfers > 0n ? (k.balance >= transfers ? k.balance - transfers : 0n) : account === caller && k.balance + w.callvalue > U256_MAX ? 0n : k.balance,
          nonce: k.codeHash.toLowerCase() === EMPTY_HASH && k.balance === 0n ? 1n : 0n,
          ...(emptyCode ? {} : { code: codes.get(k.codeHash.toLowerCase()) ?? '0x' }),
        };
      }),
      warmAccounts: w.accountKeys.filter((k) => k.warm).map((k) => k.account.toLowerCase() as Hex),
    },
  };
}

/**
 * Why no pre-state makes the reference run see exactly the witness's claims (undefined when one does): a slot
 * claimed written earlier in the transaction but cold, an account claimed cold that every message has warm, a code hash whose code is not at hand, an account claimed not to
 * exist that the message itself creates, a balance the message's own value transfer cannot give.
 */
export function unrepresentableClaims(w: MessageWitness, code: Hex, accountCode: readonly Hex[] = []): string | undefined {
  const ctx = contextOf(w, code, accountCode);
  const alwaysWarm = warmAtEntry({ ...ctx, preState: {} });
  const known = new Set([code, ...accountCode].map((c) => keccak256(c)));
  if (w.block.chainId > BigInt(Number.MAX_SAFE_INTEGER)) return `chain id ${w.block.chainId} is beyond what the reference EVM takes`;
  for (const k of w.storageKeys) {
    // no transaction has a slot written and cold (ethereumjs then computes EIP-2929's restore refund as if cold)
    if (k.original !== k.value && !k.warm) return `slot ${k.slot} is claimed written earlier (original ${k.original}, value ${k.value}) but cold`;
  }
  for (const k of w.accountKeys) {
    const a = k.account.toLowerCase() as Hex;
    const h = k.codeHash.toLowerCase() as Hex;
    if (!k.warm && alwaysWarm.has(a)) return `account ${a} is claimed cold, but every such message has it warm`;
    if (BigInt(h) !== 0n && h !== EMPTY_HASH && !known.has(h)) return `account ${a} claims code hash ${h}, whose code is not at hand`;
    if (a === ctx.to && h !== keccak256(code) && !(code === '0x' && (BigInt(h) === 0n || h === EMPTY_HASH))) return `account ${a} (to) claims another code hash than its code's`;
    // the caller exists while the frame runs (a transaction's sender or a calling contract; runCall raises its nonce)
    const created = a === ctx.to || a === ctx.context || a === ctx.caller;
    if (BigInt(h) === 0n && created) return `account ${a} is claimed not to exist, but the message itself needs it`;
    if (a === ctx.context && ctx.to === ctx.context && ctx.caller !== ctx.context && k.balance < ctx.callvalue) return `account ${a} is claimed to hold less than the value it receives`;
    if (a === ctx.caller && k.balance + ctx.callvalue > U256_MAX) return `account ${a} (caller) is claimed to hold more than 2^256 - 1 - callvalue`;
  }
  return undefined;
}

export function sameContext(a: MessageContext, b: MessageContext): boolean {
  return (
    a.code === b.code && a.calldata === b.calldata && a.callvalue === b.callvalue && a.gasAvailable === b.gasAvailable &&
    a.caller === b.caller && a.origin === b.origin && a.to === b.to && a.context === b.context && a.gasPrice === b.gasPrice &&
    a.isStatic === b.isStatic && stateKey(a) === stateKey(b)
  );
}

/** The block and pre-state of a context as one comparable string (absent ones as their defaults). */
function stateKey(c: MessageContext): string {
  const p = c.preState ?? {};
  const empty = (p.storage?.length ?? 0) + (p.transientStorage?.length ?? 0) + (p.accounts?.length ?? 0) + (p.warmAccounts?.length ?? 0) === 0;
  return JSON.stringify({ block: c.block ?? DEFAULT_BLOCK, pre: empty ? {} : p }, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Most gas a native run of this program may get: keeps runs short and memory small. */
export function gasCap(t: ProgramTraits): bigint {
  if (t.unbounded) return 100_000n;
  if (!t.straightAndMemoryFree) return 30_000_000n;
  return GAS_LIMIT_64 - 1n;
}

function chooseGas(g: GasSpec, t: ProgramTraits, needed: bigint | undefined): bigint {
  const generous = t.unbounded ? SPIN_GAS : GENEROUS_GAS;
  switch (g.t) {
    case 'generous':
      return generous;
    case 'rel':
      return needed === undefined ? generous : clamp(needed + BigInt(g.d), 0n, U256_MAX);
    case 'frac':
      return ((needed ?? generous) * BigInt(g.pct)) / 100n;
    case 'tiny':
      return BigInt(g.g);
    case 'big':
      return t.straightAndMemoryFree && !t.unbounded ? g.g : generous;
  }
}

/** Applies the field, record and code mutations; returns the mutated witness and code and the raw mutations left. */
export function applyMutations(file: WitnessFile, mutations: readonly Mutation[], t: ProgramTraits): { w: MessageWitness; code: Hex; raw?: Hex } {
  const w: MessageWitness = { ...file.witness, state_access_list: [...file.witness.state_access_list] };
  let code = file.code;
  const raws: Mutation[] = [];
  for (const m of mutations) {
    switch (m.t) {
      case 'gasUsed':
        w.gasUsed = clamp(w.gasUsed + m.d, 0n, U256_MAX);
        break;
      case 'status':
        w.status = m.s;
        break;
      case 'returndataHash':
        w.returndataHash = m.v === 'empty' ? EMPTY_HASH : m.v;
        break;
      case 'root':
        if (m.which !== 'leave') w.stateRootEnter = m.v;
        if (m.which !== 'enter') w.stateRootLeave = m.v;
        break;
      case 'isStatic':
        w.isStatic = !w.isStatic;
        break;
      case 'address':
        if (m.field === 'toAndContext') {
          w.to = m.a;
          w.context = m.a;
        } else w[m.field] = m.a;
        break;
      case 'callvalue':
        w.callvalue = m.v;
        break;
      case 'gasPrice':
        w.gasPrice = m.v;
        break;
      case 'gasAvailable': {
        const g = clamp(w.gasAvailable + m.d, 0n, U256_MAX);
        // at or above 2^64 it is rejected before execution; below, keep native runs affordable
        w.gasAvailable = g >= GAS_LIMIT_64 ? g : clamp(g, 0n, gasCap(t) > file.witness.gasAvailable ? gasCap(t) : file.witness.gasAvailable);
        break;
      }
      case 'calldata': {
        const b = [...Buffer.from(w.calldata.slice(2), 'hex')];
        if (m.how === 'flip' && b.length > 0) b[m.pos % b.length]! ^= m.byte;
        else if (m.how === 'truncate' && b.length > 0) b.length = m.pos % b.length;
        else if (m.how === 'appendZero') b.push(0);
        else b.push(m.byte);
        w.calldata = hexOf(b);
        break;
      }
      case 'record': {
        const l = w.state_access_list;
        if (m.how === 'insert') l.splice(m.at % (l.length + 1), 0, { opcode: m.opcode, data: hexOf(m.data) });
        else if (m.how === 'remove' && l.length > 0) l.splice(m.at % l.length, 1);
        else if (m.how === 'swap' && l.length > 0) {
          const i = m.i % l.length;
          const j = m.j % l.length;
          [l[i], l[j]] = [l[j]!, l[i]!];
        }
        break;
      }
      case 'code': {
        const b = [...Buffer.from(code.slice(2), 'hex')];
        const p = m.pos % (b.length + 1);
        if (p === b.length && b.length < MAX_CODE_SIZE) b.push(m.byte);
        else if (p === b.length) b[p - 1] = m.byte;
        else b[p] = m.byte;
        code = hexOf(b);
        w.codeHash = keccak256(code);
        break;
      }
      case 'codeHash':
        // the code archived stays the case's own; the witness names another
        w.codeHash = m.which === 'empty' ? EMPTY_HASH : m.v;
        break;
      case 'raw':
        raws.push(m);
        break;
      case 'block': {
        const field = BLOCK_FIELDS[m.field % BLOCK_FIELDS.length]!;
        const v = field === 'coinbase' ? (`0x${(m.v & ((1n << 160n) - 1n)).toString(16).padStart(40, '0')}` as Hex) : field === 'prevrandao' ? (`0x${m.v.toString(16).padStart(64, '0')}` as Hex) : m.v;
        w.block = { ...w.block, [field]: v };
        break;
      }
      case 'refund':
        w.refund = clamp(w.refund + m.d, -(1n << 255n), (1n << 255n) - 1n);
        break;
      case 'logsHash':
        w.logsHash = m.v === 'zero' ? `0x${'00'.repeat(32)}` : m.v;
        break;
      case 'recordWord': {
        const l = w.state_access_list;
        if (l.length === 0) break;
        const i = m.at % l.length;
        const r = l[i]!;
        const words = (r.data.length - 2) / 64;
        if (words === 0) break;
        const k = m.word % words;
        const old = BigInt(`0x${r.data.slice(2 + 64 * k, 2 + 64 * (k + 1))}`);
        const v = m.how === 'plus1' ? (old + 1n) & U256_MAX : m.v;
        l[i] = { opcode: r.opcode, data: `0x${r.data.slice(2, 2 + 64 * k)}${v.toString(16).padStart(64, '0')}${r.data.slice(2 + 64 * (k + 1))}` };
        break;
      }
      case 'key':
        mutateKeys(w, m);
        break;
      case 'callRecord':
        applyCallRecordMutation(w, m);
        break;
    }
  }
  if (raws.length === 0) return { w, code };
  let bytes = [...Buffer.from(encodeWitness(w).slice(2), 'hex')];
  for (const m of raws) {
    if (m.t !== 'raw') continue;
    if (m.how === 'flip') bytes[m.pos % bytes.length]! ^= m.byte;
    else if (m.how === 'truncate') bytes = bytes.slice(0, Math.max(0, bytes.length - m.n));
    else if (m.how === 'append') bytes.push(...new Array<number>(m.n).fill(0));
    else if (m.how === 'word') {
      const at = 32 * m.word;
      if (at + 32 <= bytes.length) {
        let v = m.v;
        for (let i = 31; i >= 0; i--) {
          bytes[at + i] = Number(v & 0xffn);
          v >>= 8n;
        }
      }
    }
  }
  return { w, code, raw: hexOf(bytes) };
}

/** A key-list mutation, applied to `w` (lists are copied first; inserted keys go where they keep the list ascending). */
function mutateKeys(w: MessageWitness, m: Extract<Mutation, { t: 'key' }>): void {
  const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
  if (m.list === 'storageKeys') {
    const l = (w.storageKeys = w.storageKeys.map((k) => ({ ...k })));
    if (m.how === 'insert') {
      if (!l.some((k) => k.slot === m.key)) l.push({ slot: m.key, warm: m.warm, original: m.v, value: m.v });
      l.sort((a, b) => ascending(a.slot, b.slot));
    } else if (l.length > 0) {
      const i = m.at % l.length;
      if (m.how === 'remove') l.splice(i, 1);
      else if (m.how === 'flipWarm') l[i]!.warm = !l[i]!.warm;
      else if (m.how === 'original') l[i]!.original = m.v;
      else l[i]!.value = m.v;
    }
  } else if (m.list === 'transientKeys') {
    const l = (w.transientKeys = w.transientKeys.map((k) => ({ ...k })));
    if (m.how === 'insert') {
      if (!l.some((k) => k.slot === m.key)) l.push({ slot: m.key, value: m.v });
      l.sort((a, b) => ascending(a.slot, b.slot));
    } else if (l.length > 0) {
      const i = m.at % l.length;
      if (m.how === 'remove') l.splice(i, 1);
      else l[i]!.value = m.v;
    }
  } else {
    const l = (w.accountKeys = w.accountKeys.map((k) => ({ ...k })));
    const address = (v: bigint): Hex => `0x${(v & ((1n << 160n) - 1n)).toString(16).padStart(40, '0')}`;
    if (m.how === 'insert') {
      const a = address(m.key);
      if (!l.some((k) => k.account === a)) l.push({ account: a, warm: m.warm, balance: m.v, codeHash: m.v === 0n ? `0x${'00'.repeat(32)}` : EMPTY_HASH });
      l.sort((a, b) => ascending(BigInt(a.account), BigInt(b.account)));
    } else if (l.length > 0) {
      const i = m.at % l.length;
      const k = l[i]!;
      if (m.how === 'remove') l.splice(i, 1);
      else if (m.how === 'balance' || m.how === 'value') k.balance = m.v;
      // a code hash the fuzzer has code for: none, the empty code, or the guest's own (archived)
      else if (m.how === 'codeHash') k.codeHash = m.v === 0n ? `0x${'00'.repeat(32)}` : m.v === 1n ? EMPTY_HASH : w.codeHash;
      else k.warm = !k.warm;
    }
  }
}

/**
 * The verdict the hypervisor owes a (canonically encoded) witness, given the native run of the context it claims
 * (contextOf: its message in the world of its claims). `unrepresentable` names claims no pre-state reproduces
 * (unrepresentableClaims): then any verdict will do.
 *
 * While the guest runs, records and key lookups are checked in execution order (the first record that differs, or
 * the first key looked up that the lists lack: MISSING_KEY); at exit, in the hypervisor's order: leftover records,
 * the state root (the last storageWrite record's root if the run succeeded, else stateRootEnter), status, gasUsed,
 * returndataHash, refund (the run's if it succeeded, else 0), logsHash (likewise) and, unless the run halted, keys
 * listed but never looked up.
 */
/**
 * The code hashes the witness claims for accounts: at entry (its account keys) and after calls and creates (the key
 * updates of its records). A frame that reads the code of such an account (EXTCODESIZE, EXTCODECOPY, a call's check for
 * a delegation) may find no archive for a claimed hash: CodeNotArchived, not a verdict, is then right too (docs/witness.md,
 * "Archives"). A record that does not decode is rejected when the frame reaches it, before its updates count.
 */
export function notArchivedClaims(w: MessageWitness): { mayBeNotArchived?: Hex[] } {
  const hashes = new Set<Hex>(w.accountKeys.map((k) => k.codeHash.toLowerCase() as Hex));
  for (const r of w.state_access_list) {
    let typed: TypedRecord;
    try {
      typed = decodeRecord(r);
    } catch {
      continue;
    }
    if ('updates' in typed) for (const u of typed.updates) hashes.add(u.codeHash.toLowerCase() as Hex);
  }
  const claimed = [...hashes].filter((h) => BigInt(h) !== 0n && h !== EMPTY_HASH);
  return claimed.length > 0 ? { mayBeNotArchived: claimed } : {};
}

export function expectedVerdict(w: MessageWitness, native: NativeOutcome | undefined, unrepresentable?: string): Expectation {
  if (w.gasAvailable >= GAS_LIMIT_64) return { verdict: 'invalid', code: ERROR_CODES.GAS_AVAILABLE_TOO_LARGE };
  if (native === undefined) throw new Error('expectedVerdict: a native run is needed');
  const unsupported = unsupportedOpcodes(native);
  if (unsupported.length > 0) return { verdict: 'any', why: `runs record opcode(s) ${unsupported.map((o) => `0x${o.toString(16)}`).join(', ')}` };
  // bounded cost: the hypervisor may need up to K = 25 times the guest's gas; beyond what the engines give it, no verdict is also right
  if (native.gasUsed > HYPERVISOR_GAS / BOUNDED_COST_K) return { verdict: 'any', why: `the guest uses ${native.gasUsed} gas, more than 1/${BOUNDED_COST_K} of the hypervisor's ${HYPERVISOR_GAS}`, mayNotConclude: true };
  if (unrepresentable !== undefined) return { verdict: 'any', why: unrepresentable, ...notArchivedClaims(w) };
  const listed = {
    storage: new Set(w.storageKeys.map((k) => k.slot)),
    transient: new Set(w.transientKeys.map((k) => k.slot)),
    account: new Set(w.accountKeys.map((k) => BigInt(k.account))),
  };
  const missing = native.keyLookups.find((l) => !listed[l.list].has(l.key));
  const records = recordsVerdict(w, native);
  const decided = records.decided;
  if (decided !== undefined && (missing === undefined || decided.at < missing.recordsBefore)) return decided.expect;
  // a key the EVM looked up is needed, SELFBALANCE's too: a block is first run one instruction at a time, so a
  // SELFBALANCE in a block that fails its check ran in the hypervisor as in the EVM the first time it was reached
  if (missing !== undefined) return { verdict: 'invalid', code: ERROR_CODES.MISSING_KEY };
  if (w.state_access_list.length > native.records.length) return { verdict: 'invalid', code: ERROR_CODES.LEFTOVER_RECORDS };
  // the root at exit: the claimed roots chained (storage writes, successful calls) if the run succeeded
  const rootAtExit = native.status === 1 ? records.root : BigInt(w.stateRootEnter);
  if (BigInt(w.stateRootLeave) !== rootAtExit) return { verdict: 'invalid', code: ERROR_CODES.STATE_ROOT_MISMATCH };
  if (w.status !== native.status) return { verdict: 'invalid', code: ERROR_CODES.STATUS_MISMATCH };
  if (w.gasUsed !== native.gasUsed + records.gasShift) return { verdict: 'invalid', code: ERROR_CODES.GAS_USED_MISMATCH };
  if (w.returndataHash.toLowerCase() !== keccak256(native.returndata)) return { verdict: 'invalid', code: ERROR_CODES.RETURNDATA_HASH_MISMATCH };
  // a successful callee's refund and logs hash are the frame's (the hypervisor adds the refund modulo 2^256)
  const refund = native.status === 1 ? BigInt.asIntN(256, native.gasRefund + records.refundShift) : native.gasRefund;
  if (w.refund !== refund) return { verdict: 'invalid', code: ERROR_CODES.REFUND_MISMATCH };
  // the frame's chain: its own logs, and at each call or create the callee chain its record claims (another claim than
  // the run's links another chain, which may still be the one the witness claims)
  const ownChain = native.status === 1 ? claimedLogsHash(native.logChain, native.records) : native.logsHash;
  if (BigInt(ownChain) !== BigInt(native.logsHash)) throw new Error(`expectedVerdict: the run's log chain with its own records gives ${ownChain}, not its logs hash ${native.logsHash}`);
  const logsHash = native.status === 1 ? claimedLogsHash(native.logChain, w.state_access_list) : native.logsHash;
  if (BigInt(w.logsHash) !== BigInt(logsHash)) return { verdict: 'invalid', code: ERROR_CODES.LOGS_HASH_MISMATCH };
  // a halted frame is not checked for unused keys (its claims change nothing)
  if (native.status === 0) return { verdict: 'valid' };
  const looked = new Set(native.keyLookups.map((l) => `${l.list}:${l.key}`));
  const unused = [...(['storage', 'transient', 'account'] as const)].some((list) => [...listed[list]].some((k) => !looked.has(`${list}:${k}`)));
  if (unused) return { verdict: 'invalid', code: ERROR_CODES.UNUSED_KEY };
  return { verdict: 'valid' };
}

/**
 * The logs hash of a frame that ran `chain` (NativeOutcome.logChain) with the witness's `records`: its own logs' links
 * and, for each call or create, the link of the callee chain its record claims if it claims success (docs/witness.md,
 * "Logs"; a zero chain adds no link).
 */
export function claimedLogsHash(chain: readonly LogChainEntry[], records: readonly AccessRecord[]): Hex {
  return logsHashOf(
    chain.flatMap((e): LogsEntry[] => {
      if (e.kind === 'log') return [e.log];
      const r = records[e.record]!;
      return recordWord(r, CALL_WORD.status) === 1n ? [{ callLogsHash: numberToHex(recordWord(r, CALL_WORD.logsHash), { size: 32 }) }] : [];
    }),
  );
}

/** Word `i` of a record's data (zeros past its end). */
function recordWord(r: AccessRecord, i: number): bigint {
  return BigInt(`0x${r.data.slice(2 + 64 * i, 66 + 64 * i).padEnd(64, '0')}`);
}

/** What the witness's records decide (recordsVerdict). */
export interface RecordsOutcome {
  /** The first record that decides the verdict, and its index. */
  decided?: { expect: Expectation; at: number };
  /** The state root after the records the run takes: stateRootEnter, chained through the claimed storage writes and successful calls. */
  root: bigint;
  /**
   * How the frame's exit differs from the reference run's when a call record claims another outcome the guest does
   * not see: its gasUsed (gas the frame gets back) and a success's refund (added to the frame's). A success's other
   * logs hash is linked into the frame's chain at exit (claimedLogsHash).
   */
  gasShift: bigint;
  refundShift: bigint;
}

/**
 * What the witness's records decide, given the native run of its context: the hypervisor takes record i when the run
 * does, so the first difference decides, as NEXT_RECORD and RECORD_ARGUMENT check it (a missing record, another
 * opcode, another data length, another argument); a call record is checked as the hypervisor checks it
 * (ts-fuzz/callrecords.ts checkCallRecord: its own counts give its length, then its arguments, status, gasUsed,
 * consistency, padding, key updates); a different result that the guest sees changes the run itself, so then any
 * verdict may follow. Results the guest does not see only change the exit checks: a state root (storageWrite, a
 * successful call) feeds the root chain; a call's refund and logs hash feed the frame's; and a call's gasUsed, when
 * it is the run's last call (and no call to a precompile, which takes no record, ran), the run succeeds or reverts,
 * never reads GAS and has the gas for it (it then executes exactly as before: gas left only matters to GAS, later
 * calls, the SSTORE sentry and running out of gas), shifts the frame's gasUsed. Records after the last one taken are
 * left over (an exit check).
 */
export function recordsVerdict(w: MessageWitness, native: NativeOutcome): RecordsOutcome {
  const claimed = w.state_access_list;
  const taken = native.records;
  const out: RecordsOutcome = { root: BigInt(w.stateRootEnter), gasShift: 0n, refundShift: 0n };
  const claimedKeys = keyIdentities(w);
  const takenKeys = keyIdentities(native);
  const lastIndex = (f: (r: AccessRecord) => boolean): number => taken.reduce((last, r, i) => (f(r) ? i : last), -1);
  const lastCall = lastIndex((r) => isCallOpcode(r.opcode));
  const lastWrite = lastIndex((r) => r.opcode === OP.SSTORE);
  // every call the run executed took a record (a call to a precompile takes none, and its gas depends on the gas left)
  const callsExecuted = [OP.CALL, OP.CALLCODE, OP.DELEGATECALL, OP.STATICCALL].reduce((n, op) => n + (native.opcodes.get(op) ?? 0), 0);
  const everyCallRecorded = callsExecuted === taken.filter((r) => isCallOpcode(r.opcode)).length;
  for (let i = 0; i < taken.length; i++) {
    const c = claimed[i];
    const t = taken[i]!;
    const at = (expect: Expectation): RecordsOutcome => ({ ...out, decided: { expect, at: i } });
    const unchecked = (what: string): RecordsOutcome => at({ verdict: 'any', why: `record ${i} claims another ${what} than the reference run's`, ...notArchivedClaims(w) });
    if (c === undefined) return at({ verdict: 'invalid', code: ERROR_CODES.MISSING_RECORD });
    if (c.opcode !== t.opcode) return at({ verdict: 'invalid', code: ERROR_CODES.RECORD_OPCODE_MISMATCH });
    if (isCallOpcode(t.opcode)) {
      const r = checkCallRecord(c, t, { root: out.root, claimedKeys, storageKeys: w.storageKeys.length, transientKeys: w.transientKeys.length, takenKeys });
      if ('code' in r) return at({ verdict: 'invalid', code: r.code, record: i });
      if (r.tail) return unchecked('callee return data or key updates');
      for (const f of r.differs) {
        if (f === 'refund') out.refundShift += BigInt.asIntN(256, recordWord(c, CALL_WORD.refund)) - BigInt.asIntN(256, recordWord(t, CALL_WORD.refund));
        else if (f === 'logsHash') continue; // linked into the frame's chain at exit (claimedLogsHash)
        else if (f === 'gasUsed') {
          const d = recordWord(c, CALL_WORD.gasUsed) - recordWord(t, CALL_WORD.gasUsed);
          const unseen = (native.status === 1 || native.status === 2) && i === lastCall && everyCallRecorded && !native.opcodes.has(OP.GAS);
          if (!unseen || (d > 0n && (d > w.gasAvailable - native.gasUsed || lastWrite > i))) return unchecked('callee gasUsed');
          out.gasShift += d;
        } else return unchecked(`callee ${f}`);
      }
      if (recordWord(c, CALL_WORD.status) === 1n) out.root = recordWord(c, CALL_WORD.stateRoot);
      continue;
    }
    const same = c.data.toLowerCase() === t.data.toLowerCase();
    if (t.opcode === OP.CREATE || t.opcode === OP.CREATE2) {
      // a create record: the claimed one must be the reference run's (its arguments and the creation's outcome); a
      // create not entered keeps the root (the hypervisor checks its root against the chain), one entered sets it
      if (!same) return unchecked('create record');
      if (recordWord(c, CALL_WORD.status) === BigInt(CALL_NOT_ENTERED)) {
        if (recordWord(c, CALL_WORD.stateRoot) !== out.root) return at({ verdict: 'invalid', code: ERROR_CODES.CALL_OUTCOME_INCONSISTENT, record: i });
      } else out.root = recordWord(c, CALL_WORD.stateRoot);
      // its key updates name keys by index: other key lists than the run's make them another claim
      if (recordWord(c, CALL_WORD.updateCount) > 0n && JSON.stringify(claimedKeys) !== JSON.stringify(takenKeys)) return unchecked('create key updates');
      continue;
    }
    if (c.data.length !== t.data.length) return at({ verdict: 'invalid', code: ERROR_CODES.RECORD_LENGTH_MISMATCH });
    if (!same && argumentsDiffer(recordKindOf(t.opcode)!, c, t)) return at({ verdict: 'invalid', code: ERROR_CODES.RECORD_ARGUMENT_MISMATCH });
    // a storageWrite or selfDestruct record's state root only feeds the root chain
    if (t.opcode === OP.SSTORE || t.opcode === OP.SELFDESTRUCT) out.root = recordWord(c, 2);
    else if (!same) return unchecked('result');
  }
  return out;
}

/** Native runs, memoised per case (honest and mutant contexts often coincide). */
export class NativeCache {
  private readonly runs: Array<[MessageContext, NativeOutcome]> = [];
  /** Native runs actually made, and outcomes derived from earlier runs (ts-fuzz/derive.ts). */
  ran = 0;
  derived = 0;
  constructor(private readonly derive: boolean) {}
  add(ctx: MessageContext, o: NativeOutcome): void {
    this.runs.push([ctx, o]);
  }
  /** A run of ctx made earlier, or derived from one, or else a new run. */
  async run(ctx: MessageContext): Promise<NativeOutcome> {
    for (const [c, o] of this.runs) if (sameContext(c, ctx)) return o;
    if (this.derive) {
      for (const [c, o] of this.runs) {
        const d = deriveOutcome(c, o, ctx);
        if (d) {
          this.derived++;
          this.runs.push([ctx, d]);
          return d;
        }
      }
    }
    this.ran++;
    const o = await runNative(ctx);
    this.runs.push([ctx, o]);
    return o;
  }
}

/**
 * The honest witness of ctx given its native outcome (lib/native honestWitness), also for outcomes
 * derived from a run of a context that differs from ctx in gasAvailable only (so runNative's
 * synthetic pre-state root is the same); checked by ts-fuzz/derive.test.ts.
 */
export function honestWitnessFrom(ctx: MessageContext, native: NativeOutcome): WitnessFile {
  return honestWitness(ctx, native);
}

/** The canonical decoding of the hypervisor's calldata (lib/witness decodeWitness): throws on anything non-canonical. */
export function decodeCanonical(hex: Hex): MessageWitness {
  return decodeWitness(hex);
}

/** The code a witness's codeHash names, given the code archived with it: that code, the empty code, or none. */
export function namedCode(w: MessageWitness, archived: Hex): Hex | undefined {
  const h = w.codeHash.toLowerCase();
  return h === keccak256(archived) ? archived : h === EMPTY_HASH ? '0x' : undefined;
}

/** Derives the mutant item of a case. */
export async function mutantItem(honest: WitnessFile, mutations: readonly Mutation[], t: ProgramTraits, natives: NativeCache): Promise<CheckItem | undefined> {
  const applied = applyMutations(honest, mutations, t);
  const { w, raw } = applied;
  let code = applied.code;
  // the other code the honest frame reads stays archived with the mutant
  const accountCode = honest.accountCode ?? [];
  const extra = accountCode.length > 0 ? { accountCode } : {};
  // The canonical TypeScript decoder (lib/witness) decides what is a well-formed encoding: what it
  // rejects, the hypervisor must reject with an encoding code (1-18).
  let claimed: MessageWitness;
  try {
    claimed = decodeCanonical(raw ?? encodeWitness(w));
  } catch {
    // rejected before execution: the native run is only for the revm-vs-ethereumjs comparison
    // (no run of a message to a precompile: it runs no code, lib/native refuses it)
    const runnable = (w.gasAvailable <= gasCap(t) || w.gasAvailable <= honest.witness.gasAvailable) && !isPrecompile(w.to);
    const native = runnable ? await natives.run(contextOf(w, code, accountCode)) : undefined;
    return { role: 'mutant', file: { code, witness: w, ...extra }, raw: raw ?? encodeWitness(w), expect: { verdict: 'invalid-encoding' }, ...(native ? { native } : {}) };
  }
  // A corrupted encoding can give code that touches memory (or may spin) far more gas than the
  // fuzzer ever runs natively: its memory could run to gigabytes, its loop for hours, and the
  // hypervisor would rightly run out of its own gas. Such mutants are dropped (counted).
  const limit = gasCap(t) > honest.witness.gasAvailable ? gasCap(t) : honest.witness.gasAvailable;
  if (claimed.gasAvailable < GAS_LIMIT_64 && claimed.gasAvailable > limit) return undefined;
  // a message to a precompile runs no code: PRECOMPILE_FRAME, decided before the code is looked up
  if (claimed.gasAvailable < GAS_LIMIT_64 && isPrecompile(claimed.to)) {
    return { role: 'mutant', file: { code, witness: claimed, ...extra }, ...(raw !== undefined ? { raw } : {}), expect: { verdict: 'invalid', code: ERROR_CODES.PRECOMPILE_FRAME } };
  }
  const named = namedCode(claimed, code);
  if (named === undefined) {
    const expect: Expectation = claimed.gasAvailable >= GAS_LIMIT_64 ? expectedVerdict(claimed, undefined) : { verdict: 'not-archived', codeHash: claimed.codeHash };
    return { role: 'mutant', file: { code, witness: claimed, ...extra }, ...(raw !== undefined ? { raw } : {}), expect };
  }
  code = named;
  const native = claimed.gasAvailable < GAS_LIMIT_64 ? await natives.run(contextOf(claimed, code, accountCode)) : undefined;
  return {
    role: 'mutant',
    file: { code, witness: claimed, ...extra },
    ...(raw !== undefined ? { raw } : {}),
    expect: expectedVerdict(claimed, native, unrepresentableClaims(claimed, code, accountCode)),
    ...(native ? { native } : {}),
  };
}

/** Runs a case natively (once or twice) and derives its witnesses and expectations. */
export interface PrepareOptions {
  /** Reuse native runs where EVM semantics allow (ts-fuzz/derive.ts); default true. */
  derive?: boolean;
}

export async function prepareCase(spec: CaseSpec, opts: PrepareOptions = {}): Promise<PreparedCase> {
  await installMemoryGuard();
  const code = assemble(spec.program);
  const t = traits(spec.program, code);
  const generous = t.unbounded ? SPIN_GAS : GENEROUS_GAS;
  const natives = new NativeCache(opts.derive ?? true);
  let needed: bigint | undefined;
  if (spec.gas.t === 'rel' || spec.gas.t === 'frac') {
    try {
      const probe = await natives.run(contextFromSpec(spec.ctx, code, generous));
      needed = probe.status === 0 ? undefined : probe.gasUsed;
    } catch (e) {
      if (!(e instanceof UnsupportedMessageError)) throw e;
      const context = contextFromSpec(spec.ctx, code, generous);
      return { spec, code, context, traits: t, items: [], natives, skipped: e.message };
    }
  }
  const context = contextFromSpec(spec.ctx, code, chooseGas(spec.gas, t, needed));
  if ((code.length - 2) / 2 > MAX_CODE_SIZE) {
    return { spec, code, context, traits: t, native: await natives.run(context), items: [], natives, skipped: `code of ${(code.length - 2) / 2} bytes: longer than EIP-170 allows (24,576 bytes), so it cannot be archived` };
  }
  let file: WitnessFile;
  let native: NativeOutcome;
  try {
    if (natives.ran === 0) {
      ({ file, native } = await buildHonestWitness(context));
      natives.ran++;
      natives.add(context, native);
    } else {
      native = await natives.run(context);
      file = honestWitnessFrom(context, native);
    }
  } catch (e) {
    // a message this version's builder cannot express (lib/native UnsupportedMessageError): not checked
    if (e instanceof UnsupportedMessageError) return { spec, code, context, traits: t, items: [], natives, skipped: e.message };
    throw e;
  }
  const base = { spec, code, context, traits: t, native, natives };
  const unsupported = unsupportedOpcodes(native);
  if (unsupported.length > 0) {
    return { ...base, items: [], skipped: `runs record opcode(s) ${unsupported.map((o) => `0x${o.toString(16)}`).join(', ')}` };
  }
  const items: CheckItem[] = [{ role: 'honest', file, expect: { verdict: 'valid' }, native }];
  let droppedMutant = false;
  if (spec.mutations.length > 0) {
    let m: CheckItem | undefined;
    try {
      m = await mutantItem(file, spec.mutations, t, natives);
    } catch (e) {
      // the world the mutant's claims describe is one the builder cannot run (UnsupportedMessageError): dropped
      if (!(e instanceof UnsupportedMessageError)) throw e;
    }
    if (m) items.push(m);
    else droppedMutant = true;
  }
  return { ...base, items, droppedMutant };
}
