/**
 * The calls of the message's own frame (depth 0) in the reference run: the record an honest prover gives for each
 * CALL, CALLCODE, DELEGATECALL and STATICCALL (lib/witness/records.ts, CALL_FIELDS), from the callee's message as
 * @ethereumjs/evm runs it (its gas, calldata, status, gas used, refund change, return data), the frame's logs hash
 * chain over its own logs and its successful calls, and the state roots of its state-changing records.
 *
 * The tracer listens to the run's `step` events only while the frame itself runs (depth 0): it leaves the `step`
 * listener off while a callee runs, so callees run as without a tracer. It follows the messages with
 * `beforeMessage`/`afterMessage`, awaited by ethereumjs (listeners of arity 2), so that it can read the live state
 * between two instructions of the frame:
 *
 * - a storageWrite record's root is the frame's root at the SSTORE (everything before it, callees included) with the
 *   write applied; a call record's root (status 1) is the frame's root when the callee's message has ended. "The
 *   frame's root" is the live state's Merkle-Patricia root without the message's own value transfer and the caller's
 *   nonce raise that runCall makes before the first instruction (docs/witness.md: the frame's root chain starts at
 *   stateRootEnter, the state before that transfer). The live state manager has no caches (lib/native/run.ts builds
 *   it without), so reading its trie changes nothing in the run; the corrections are made on a copy of the trie.
 * - key updates: with the frame's final key lists (a second run, lib/native/run.ts), the value and warmth of every
 *   listed key is read at the call's step (after the call's gas, which warms the target and its delegate) and when
 *   the callee's message has ended; every key whose value changed or that became warm is an update.
 * - logs: ethereumjs hands a message's logs up flattened (a caller's list holds its successful callees' logs, the
 *   same objects); each message's chain is rebuilt from its list and its successful callees' lists.
 */
import { EVMError, type EVM, type EVMResult, type ExecResult, type InterpreterStep, type Log, type Message } from '@ethereumjs/evm';
import type { Common } from '@ethereumjs/common';
import { MerkleStateManager } from '@ethereumjs/statemanager';
import { Account, bigIntToBytes, bytesToBigInt, bytesToUnprefixedHex, createAddressFromString, KECCAK256_NULL, setLengthLeft } from '@ethereumjs/util';
import { bytesToHex, getContractAddress, keccak256, numberToHex } from 'viem';
import { OP } from '../evm/opcodes.ts';
import { logsHashOf, NO_LOGS_HASH, type FrameLog, type LogsEntry } from '../witness/logs.ts';
import { CALL_NOT_ENTERED, CREATE_COLLISION, NO_CODE_HASH, recordKindOf, type CallKindName, type CreateKindName, type KeyUpdate } from '../witness/records.ts';
import type { Hex } from '../witness/types.ts';
import { isPrecompile } from '../evm/precompiles.ts';
import { balanceChangeOf, type MessageContext } from './context.ts';
import { addressHex, CALL_OPCODES, callPastChecks, CREATE_OPCODES, createPastChecks, delegateOf, isNativePrecompileCall, passesKeyChecks } from './keys.ts';
import { UnsupportedMessageError } from './unsupported.ts';

/** EIP-150: the gas a call may pass on is all but 1/64 of what is left. The stipend a call with value adds. */
const CALL_STIPEND = 2300n;

/** The frame's final key lists, each ascending (as keyClaims lists them). */
export interface KeyLists {
  storage: readonly bigint[];
  transient: readonly bigint[];
  accounts: readonly Hex[];
}

/** A message's value transfer, as balanceChangeOf reads it. */
export type TransferOf = Pick<MessageContext, 'to' | 'context' | 'caller' | 'callvalue'>;

/**
 * The message of a callee frame as the reference run sends it (lib/native/tree.ts): `ordinal` numbers the run's
 * messages in the order they start (0 the message itself), the rest is the callee's MessageContext (its `code` the code
 * that runs: the delegate's for a target delegated by EIP-7702).
 */
export interface CalleeMessage {
  ordinal: number;
  depth: number;
  caller: Hex;
  to: Hex;
  context: Hex;
  callvalue: bigint;
  gasAvailable: bigint;
  calldata: Hex;
  isStatic: boolean;
  code: Hex;
}

/**
 * The frame a tracer follows when it is not the message's own (depth 0): the ordinal of its message in the run, its
 * depth, the value transfers of the messages on the way to it (the message's own first; the frame's root chain leaves
 * them out, with the frame's own), and the caller of the message (whose nonce runCall raises).
 */
export interface TracedFrame {
  ordinal: number;
  depth: number;
  ancestors: readonly TransferOf[];
  topCaller: Hex;
  /**
   * A creation frame (its code the init code, `to` and `context` the new address, no calldata): its message has no
   * address yet when it starts, its root at entry is read at its first instruction (the new account exists then,
   * with its value), and its root at exit leaves out the code the creation deposits after it.
   */
  creation?: boolean;
}

/** A key's claims at frame entry (a deep frame's, read from the live state at its first instruction). */
export interface EntryClaim {
  value: bigint;
  warm: boolean;
  /** Storage keys: the slot's value at transaction start. */
  original?: bigint;
  /** Account keys: what EXTCODEHASH returns (0 for an account that does not exist or is empty). */
  codeHash?: Hex;
  /** Account keys: the account's code. */
  code?: Hex;
}

/**
 * One call of the frame past the checks before its key lookups, or one create past the checks before its record, and
 * what came of it. For a create, `target` is the new address, `inputHash` the init code's hash, `value` the value
 * operand, and `salt` and `nonce` (the creator's, before the create) are set.
 */
export interface FrameCall {
  opcode: number;
  kind: CallKindName | CreateKindName;
  pc: number;
  /** How many LOG instructions the frame ran before this call: where a successful callee's chain links into the frame's. */
  logsBefore: number;
  target: Hex;
  /** The callee's callvalue: the value operand (CALL, CALLCODE), the frame's callvalue (DELEGATECALL), 0 (STATICCALL). */
  value: bigint;
  /** The callee's gasAvailable. */
  gas: bigint;
  inputHash: Hex;
  /** False when the call itself ran out of gas (no record: the frame halts). */
  completed: boolean;
  /** Whether the callee's message ran (false: not entered, insufficient balance or depth). */
  entered: boolean;
  /** 0 halt, 1 success, 2 revert, 3 not entered; for a create also 4, an address collision. */
  status: 0 | 1 | 2 | 3 | 4;
  gasUsed: bigint;
  refund: bigint;
  logsHash: Hex;
  returndata: Hex;
  /** The frame's root after the call (status 1 only; for a create every status but 3: the creator's nonce was raised). */
  stateRootAfter?: Hex;
  /** CREATE2's salt (0 for CREATE); a create only. */
  salt?: bigint;
  /** The creator's nonce before the create; a create only. */
  nonce?: bigint;
  /** The caller's key updates (with key lists only). */
  updates: KeyUpdate[];
  /** The callee's message, when it was entered (a callee frame of the message tree). */
  callee?: CalleeMessage;
  /** A create that was entered: its creation message's ordinal and depth, and the init code (the creation frame's code). */
  creation?: { ordinal: number; depth: number; initCode: Hex };
}

/** The value and warmth of the listed keys at one moment, in key-index order; accounts with their code hash (EXTCODEHASH's answer). */
interface KeySnapshot {
  entries: { value: bigint; warm: boolean; codeHash: Hex }[];
}

interface PendingCall {
  call: FrameCall;
  /** The callee's gas by EIP-150 from the step (for a call that is not entered, and to check ethereumjs's). */
  formulaGas: bigint;
  memory: Uint8Array;
  inOffset: bigint;
  inSize: bigint;
  refundStart?: bigint;
  before?: KeySnapshot;
}

interface MessageNode {
  depth: number;
  /** The successful callees with logs, in order: their flattened logs and their chains. */
  kids: { logs: readonly Log[]; chain: Hex }[];
}

/**
 * The entries of a message's logs chain (docs/witness.md, "Logs") from its flattened logs (ethereumjs gives a message
 * its successful callees' logs too): its own logs, and in place of each successful callee's logs that callee's chain.
 */
function logEntriesOf(logs: readonly Log[], kids: MessageNode['kids']): LogsEntry[] {
  const entries: LogsEntry[] = [];
  let k = 0;
  for (let i = 0; i < logs.length; ) {
    const kid = kids[k];
    if (kid !== undefined && logs[i] === kid.logs[0]) {
      entries.push({ callLogsHash: kid.chain });
      i += kid.logs.length;
      k++;
      continue;
    }
    const [, topics, data] = logs[i]!;
    entries.push({ topics: topics.map((t) => bytesToHex(t)), data: bytesToHex(data) });
    i++;
  }
  if (k !== kids.length) throw new Error("calls: a callee's logs are not in its caller's logs");
  return entries;
}

const word = (n: bigint): Uint8Array => setLengthLeft(bigIntToBytes(n), 32);

/** Bytes [offset, offset + size) of memory, zero beyond its end. */
function memoryRange(memory: Uint8Array, offset: bigint, size: bigint): Uint8Array {
  const out = new Uint8Array(Number(size));
  if (size === 0n) return out;
  const start = Number(offset);
  if (start < memory.length) out.set(memory.subarray(start, Math.min(memory.length, start + out.length)));
  return out;
}

export interface TracerOptions {
  ctx: MessageContext;
  common: Common;
  /** The pre-state the run copies (before the message's own value transfer): whether the caller existed. */
  preState: MerkleStateManager;
  /** The code the frame runs. */
  code: Uint8Array;
  /** Observes every step of the frame (depth 0), before the tracer, with the code byte at step.pc. */
  onStep: (step: InterpreterStep, opcode: number) => void;
  /** The frame's final key lists: with them, the tracer reads the key updates of every call. */
  keyLists?: KeyLists;
  /** The frame to follow when it is not the message's own (`ctx` is then that frame's message). */
  frame?: TracedFrame;
}

/** Follows one run of the message (see the file's comment). */
export class FrameTracer {
  /** The calls past the checks before their key lookups, in execution order. */
  readonly calls: FrameCall[] = [];
  /** The frame's root after each storage write (taken as SSTORE starts), in execution order. */
  readonly writeRoots: Hex[] = [];
  /** The frame's logs hash chain (0 unless it succeeded). */
  logsHash: Hex = NO_LOGS_HASH;
  /** The frame's own logs (not its callees'), in order, if it succeeded. */
  ownLogs: FrameLog[] = [];
  /** LOG instructions the frame has run so far. */
  private frameLogCount = 0;
  /** The executing account's balance when the frame's SELFDESTRUCT (past its static-frame check) starts: the balance it moves. */
  selfDestructBalance: bigint | undefined;
  /** The frame's root when it ended by SELFDESTRUCT (the balance moved): that record's state root. */
  selfDestructRoot: Hex | undefined;
  /** A deep frame's root at entry (before its own value transfer), read as its message starts. */
  entryRoot: Hex | undefined;
  /** A deep frame's refund counter as its message starts. */
  entryRefund = 0n;
  /** With key lists, a deep frame's key claims at entry (in key-index order), read at its first instruction. */
  entryClaims: EntryClaim[] | undefined;
  /** The code of every code hash a key snapshot saw (with key lists): the code a key update's code hash names. */
  readonly codes = new Map<Hex, Hex>();
  /** The opcode of the traced frame's last step (a creation frame whose last instruction is RETURN but that failed: its code deposit failed). */
  lastOpcode: number | undefined;
  /** The traced frame's result, when its message has ended. */
  result: ExecResult | undefined;
  /** A deep frame that succeeded: its root at exit without (`leave`) and with (`leaveWithTransfer`) its own value transfer. */
  leave: Hex | undefined;
  leaveWithTransfer: Hex | undefined;

  /** How many messages have started so far. */
  private started = 0;
  /** Whether the traced frame's message is running. */
  private active = false;

  private evm: EVM | undefined;
  private pending: PendingCall | undefined;
  private readonly messages: MessageNode[] = [];
  private failure: unknown;
  private hasFailed = false;
  private listening = false;

  constructor(private readonly opts: TracerOptions) {}

  /** Listens to `evm`'s messages (and, while the frame runs, its steps). */
  install(evm: EVM): void {
    this.evm = evm;
    evm.events.on('beforeMessage', (message: Message, resolve?: (result?: unknown) => void) => this.guard(this.beforeMessage(message), resolve));
    evm.events.on('afterMessage', (result: EVMResult, resolve?: (result?: unknown) => void) => this.guard(this.afterMessage(result), resolve));
  }

  /** Throws what a listener threw during the run. */
  throwIfFailed(): void {
    if (this.hasFailed) throw this.failure;
  }

  /**
   * Ends the run: a call with no step after it completed if the frame's pc moved past it (`endPc`, the frame's pc
   * when it ended), else it ran out of gas itself.
   */
  finish(endPc: number | undefined): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    if (endPc !== undefined && endPc > p.call.pc) this.notEntered(p);
    else p.call.completed = false;
  }

  private readonly stepListener = (step: InterpreterStep, resolve?: (result?: unknown) => void): void => this.guard(this.onStep(step), resolve);

  private guard(work: Promise<void>, resolve: ((result?: unknown) => void) | undefined): void {
    work.then(
      () => resolve?.(),
      (e: unknown) => {
        if (!this.hasFailed) {
          this.hasFailed = true;
          this.failure = e;
        }
        resolve?.();
      },
    );
  }

  private listen(on: boolean): void {
    if (on === this.listening) return;
    this.listening = on;
    if (on) this.evm!.events.on('step', this.stepListener);
    else this.evm!.events.off('step', this.stepListener);
  }

  private get depth(): number {
    return this.opts.frame?.depth ?? 0;
  }

  private async onStep(step: InterpreterStep): Promise<void> {
    if (step.depth !== this.depth) return;
    if (this.opts.frame !== undefined && this.opts.keyLists !== undefined && this.entryClaims === undefined) this.entryClaims = await this.claims();
    // a creation frame's root at entry: the new account exists from its first instruction on (without its own value)
    if (this.opts.frame?.creation === true && this.entryRoot === undefined) this.entryRoot = await this.frameRoot();
    // a call whose callee's message did not start before the frame's next instruction was not entered
    if (this.pending !== undefined) {
      const p = this.pending;
      this.pending = undefined;
      this.notEntered(p);
    }
    const { ctx, code } = this.opts;
    const op = code[step.pc] ?? OP.STOP;
    this.lastOpcode = op;
    this.opts.onStep(step, op);
    // a LOG that fails ends the frame, whose logs then do not count
    if (op >= OP.LOG0 && op <= OP.LOG4) this.frameLogCount++;
    const n = step.stack.length;
    if (op === OP.SELFDESTRUCT && passesKeyChecks(op, step.gasLeft, n, ctx.isStatic)) {
      const account = await this.evm!.stateManager.getAccount(createAddressFromString(ctx.context));
      this.selfDestructBalance = account?.balance ?? 0n;
      return;
    }
    if (op === OP.SSTORE && passesKeyChecks(op, step.gasLeft, n, ctx.isStatic)) {
      this.writeRoots.push(await this.frameRoot({ slot: step.stack[n - 1]!, value: step.stack[n - 2]! }));
      return;
    }
    if (CREATE_OPCODES.has(op)) {
      await this.onCreate(step, op);
      return;
    }
    if (!CALL_OPCODES.has(op)) return;
    const o = callPastChecks(op, step, ctx.isStatic);
    if (o === undefined || isNativePrecompileCall(op, o)) return; // the hypervisor calls a precompile itself: no record
    const withValue = op === OP.CALL || op === OP.CALLCODE;
    const value = withValue ? o.value! : op === OP.DELEGATECALL ? ctx.callvalue : 0n;
    // the gas the step reports is before the opcode's cost (memory expansion, access, transfer, new account)
    const l = step.gasLeft - (step.opcode.dynamicFee ?? 0n);
    const passed = o.gas < l - l / 64n ? o.gas : l - l / 64n;
    const formulaGas = passed + (withValue && value !== 0n ? CALL_STIPEND : 0n);
    await this.begin(step, { opcode: op, kind: recordKindOf(op) as CallKindName, target: addressHex(o.target), value, gas: formulaGas, inputHash: NO_LOGS_HASH }, o.inOffset, o.inSize);
  }

  /**
   * A call or create past its checks: its record with the outcome of one not entered until its message starts (its
   * input range is hashed then, or when the next instruction shows it never started), and the key snapshot before it.
   */
  private async begin(step: InterpreterStep, head: Pick<FrameCall, 'opcode' | 'kind' | 'target' | 'value' | 'gas' | 'inputHash' | 'salt' | 'nonce'>, inOffset: bigint, inSize: bigint): Promise<void> {
    const call: FrameCall = {
      ...head,
      pc: step.pc,
      logsBefore: this.frameLogCount,
      completed: true,
      entered: false,
      status: CALL_NOT_ENTERED,
      gasUsed: 0n,
      refund: 0n,
      logsHash: NO_LOGS_HASH,
      returndata: '0x',
      updates: [],
    };
    this.calls.push(call);
    this.pending = { call, formulaGas: head.gas, memory: step.memory, inOffset, inSize };
    if (this.opts.keyLists !== undefined) this.pending.before = await this.snapshot();
  }

  /**
   * A create past its checks (keys.ts, createPastChecks): its record's arguments from the step (the init code from
   * memory, the creator's nonce from the live state, the address they give) and the creation frame's gas by EIP-150
   * after the create's own cost, checked against the message's when it starts.
   */
  private async onCreate(step: InterpreterStep, op: number): Promise<void> {
    const { ctx } = this.opts;
    const o = createPastChecks(op, step, ctx.isStatic);
    if (o === undefined) return;
    // the step's gas left is after the static 32,000 and before the dynamic fee (init code words, hashing, memory)
    const l = step.gasLeft - (step.opcode.dynamicFee ?? 0n);
    const formulaGas = l < 0n ? 0n : l - l / 64n;
    const initCode = memoryRange(step.memory, o.offset, o.size);
    const initCodeHash = keccak256(initCode);
    const nonce = (await this.evm!.stateManager.getAccount(createAddressFromString(ctx.context)))?.nonce ?? 0n;
    const target = (op === OP.CREATE
      ? getContractAddress({ from: ctx.context, nonce })
      : getContractAddress({ from: ctx.context, opcode: 'CREATE2', salt: numberToHex(o.salt, { size: 32 }), bytecodeHash: initCodeHash })
    ).toLowerCase() as Hex;
    await this.begin(step, { opcode: op, kind: recordKindOf(op) as CreateKindName, target, value: o.value, gas: formulaGas, inputHash: initCodeHash, salt: o.salt, nonce }, o.offset, o.size);
  }

  /** A call whose callee's message never started, though the call completed (insufficient balance, depth limit). */
  private notEntered(p: PendingCall): void {
    // the call paid for its memory, so its input range is in memory (as the step saw it, zero beyond)
    p.call.inputHash = keccak256(memoryRange(p.memory, p.inOffset, p.inSize));
  }

  private async beforeMessage(message: Message): Promise<void> {
    const ordinal = this.started++;
    this.messages.push({ depth: message.depth, kids: [] });
    if (ordinal === (this.opts.frame?.ordinal ?? 0)) {
      this.active = true;
      if (message.depth !== this.depth) throw new Error(`calls: message ${ordinal} is at depth ${message.depth}, the traced frame at ${this.depth}`);
      if (this.opts.frame !== undefined) {
        this.checkMessage(message);
        if (this.opts.frame.creation !== true) this.entryRoot = await this.frameRoot(undefined, false);
        this.entryRefund = message.gasRefund;
      }
      this.listen(true);
      return;
    }
    if (!this.active || message.depth !== this.depth + 1) return;
    this.listen(false);
    const p = this.pending;
    if (p === undefined) return; // a CREATE (unsupported)
    const c = p.call;
    c.entered = true;
    c.gas = message.gasLimit;
    if (CREATE_OPCODES.has(c.opcode)) {
      // the creation frame's message: its code is the init code (no calldata), its address comes when it runs
      if (keccak256(message.data) !== c.inputHash) throw new Error(`calls: the ${c.kind} at pc ${c.pc} runs other init code than its memory range`);
      c.creation = { ordinal, depth: message.depth, initCode: bytesToHex(message.data) };
    } else {
      c.callee = await this.calleeOf(message, ordinal);
      c.inputHash = keccak256(message.data);
    }
    p.refundStart = message.gasRefund;
    if (c.gas !== p.formulaGas) {
      throw new Error(`calls: the callee of the ${c.kind} at pc ${c.pc} got ${c.gas} gas, EIP-150 from the step gives ${p.formulaGas}`);
    }
  }

  private async afterMessage(result: EVMResult): Promise<void> {
    const node = this.messages.pop();
    if (node === undefined) throw new Error('calls: afterMessage without a message');
    const exec = result.execResult;
    const err = exec.exceptionError;
    const logs = exec.logs ?? [];
    const entries = err === undefined ? logEntriesOf(logs, node.kids) : [];
    const chain = logsHashOf(entries);
    const parent = this.messages[this.messages.length - 1];
    if (err === undefined && parent !== undefined && logs.length > 0) parent.kids.push({ logs, chain });
    if (!this.active) return;
    if (node.depth === this.depth) {
      this.active = false;
      this.logsHash = chain;
      this.ownLogs = entries.filter((e): e is FrameLog => !('callLogsHash' in e));
      this.result = exec;
      this.listen(false);
      if (err === undefined && this.selfDestructBalance !== undefined) this.selfDestructRoot = await this.frameRoot();
      if (this.opts.frame !== undefined && err === undefined) {
        // a creation frame that ran no instruction enters with the state it leaves
        if (this.opts.frame.creation === true && this.entryRoot === undefined) this.entryRoot = await this.frameRoot(undefined, true, this.opts.ctx.context);
        // a creation frame leaves before its code is deposited; its caller's root after the create has the code
        this.leave = await this.frameRoot(undefined, true, this.opts.frame.creation === true ? this.opts.ctx.context : undefined);
        this.leaveWithTransfer = await this.frameRoot(undefined, false);
      }
      return;
    }
    if (node.depth !== this.depth + 1) return;
    const p = this.pending;
    this.pending = undefined;
    if (p !== undefined) await this.entered(p, result, chain);
    this.listen(true);
  }

  /** The outcome of a call whose callee's message ran, read when that message has ended. */
  private async entered(p: PendingCall, result: EVMResult, chain: Hex): Promise<void> {
    const c = p.call;
    const exec = result.execResult;
    const err = exec.exceptionError;
    const isCreate = CREATE_OPCODES.has(c.opcode);
    c.status = err === undefined ? 1 : err.error === EVMError.errorMessages.REVERT ? 2 : isCreate && err.error === EVMError.errorMessages.CREATE_COLLISION ? CREATE_COLLISION : 0;
    c.gasUsed = exec.executionGasUsed;
    if ((c.status === 0 || c.status === CREATE_COLLISION) && c.gasUsed !== c.gas) throw new Error(`calls: the callee of the ${c.kind} at pc ${c.pc} halted using ${c.gasUsed} of ${c.gas} gas`);
    // a create's return data after it is a revert's data, else none (the deployed code is not return data)
    c.returndata = c.status === 2 || (c.status === 1 && !isCreate) ? bytesToHex(exec.returnValue) : '0x';
    if (isCreate && c.status === 1 && result.createdAddress?.toString().toLowerCase() !== c.target) {
      throw new Error(`calls: the ${c.kind} at pc ${c.pc} created ${result.createdAddress?.toString()}, its nonce and salt give ${c.target}`);
    }
    if (c.status === 1) {
      c.refund = (exec.gasRefund ?? 0n) - (p.refundStart ?? 0n);
      c.logsHash = chain;
    }
    // a create that was entered raised its creator's nonce whatever its outcome
    if (c.status === 1 || isCreate) c.stateRootAfter = await this.frameRoot();
    if (p.before === undefined) return;
    const updates = this.updatesOf(p.before, await this.snapshot());
    // a callee that did not succeed changed nothing (its changes and the keys it warmed are reverted)
    if (c.status !== 1 && updates.length > 0) throw new Error(`calls: the ${c.kind} at pc ${c.pc} failed (status ${c.status}) but changed keys ${updates.map((u) => u.key).join(', ')}`);
    c.updates = updates;
  }

  /** The key updates of a call: every listed key whose value or code hash changed or that became warm, ascending. */
  private updatesOf(before: KeySnapshot, after: KeySnapshot): KeyUpdate[] {
    const updates: KeyUpdate[] = [];
    after.entries.forEach((a, key) => {
      const b = before.entries[key]!;
      if (a.value !== b.value || a.codeHash !== b.codeHash || (a.warm && !b.warm)) updates.push({ key, warm: a.warm, value: a.value, codeHash: a.codeHash });
    });
    return updates;
  }

  /** The value and warmth of every listed key now (the caller's view: `context`'s storage and transient storage, balances). */
  private async snapshot(): Promise<KeySnapshot> {
    const evm = this.evm!;
    const lists = this.opts.keyLists!;
    const context = createAddressFromString(this.opts.ctx.context);
    const entries: KeySnapshot['entries'] = [];
    for (const slot of lists.storage) {
      const value = bytesToBigInt(await evm.stateManager.getStorage(context, word(slot)));
      entries.push({ value, warm: evm.journal.isWarmedStorage(context.bytes, word(slot)), codeHash: NO_CODE_HASH });
    }
    for (const slot of lists.transient) entries.push({ value: bytesToBigInt(evm.transientStorage.get(context, word(slot))), warm: false, codeHash: NO_CODE_HASH });
    for (const a of lists.accounts) {
      const address = createAddressFromString(a);
      const account = await evm.stateManager.getAccount(address);
      // what EXTCODEHASH answers: 0 for an account that does not exist or is empty (EIP-161), else its code's hash
      const codeHash = account === undefined || account.isEmpty() ? NO_CODE_HASH : bytesToHex(account.codeHash);
      if (codeHash !== NO_CODE_HASH && !this.codes.has(codeHash)) this.codes.set(codeHash, bytesToHex(await evm.stateManager.getCode(address)));
      entries.push({ value: account?.balance ?? 0n, warm: evm.journal.isWarmedAddress(address.bytes), codeHash });
    }
    return { entries };
  }

  /** A deep frame's message must be the one its caller's run sent (lib/native/tree.ts builds `ctx` from it). */
  private checkMessage(message: Message): void {
    const { ctx } = this.opts;
    // a creation's message has no address yet (the EVM derives it as the creation starts) and its data is the code
    const creation = this.opts.frame?.creation === true;
    const got: Record<string, unknown> = {
      caller: message.caller.toString(),
      ...(creation ? { code: bytesToHex(message.data) } : { context: message.to?.toString(), to: (message.codeAddress ?? message.to)?.toString(), calldata: bytesToHex(message.data) }),
      callvalue: message.value,
      gasAvailable: message.gasLimit,
      isStatic: message.isStatic,
    };
    for (const [field, v] of Object.entries(got)) {
      const want = (ctx as unknown as Record<string, unknown>)[field];
      const same = typeof v === 'string' && typeof want === 'string' ? v.toLowerCase() === want.toLowerCase() : v === want;
      if (!same) throw new Error(`calls: message ${this.opts.frame!.ordinal} has ${field} ${String(v)}, its caller's run sent ${String(want)}`);
    }
  }

  /** The callee's message as it starts (its code: the code that runs, the delegate's for a target delegated by EIP-7702). */
  private async calleeOf(message: Message, ordinal: number): Promise<CalleeMessage> {
    const sm = this.evm!.stateManager;
    const codeAddress = message.codeAddress ?? message.to!;
    let code: Hex = '0x';
    if (!isPrecompile(codeAddress.toString())) {
      code = bytesToHex(await sm.getCode(codeAddress));
      const d = delegateOf(code);
      if (d !== undefined) code = bytesToHex(await sm.getCode(createAddressFromString(d)));
    }
    // the calldata as hex only when a tree builds the callee's frame: a run that makes many calls with large inputs
    // (a loop of calls over 1 MB of memory) would otherwise hold twice their size in strings until it ends. The
    // bytes are copied now: the message's data may be a view of memory that later instructions change.
    const data = message.data.slice();
    let calldata: Hex | undefined;
    return {
      ordinal,
      depth: message.depth,
      caller: message.caller.toString().toLowerCase() as Hex,
      to: codeAddress.toString().toLowerCase() as Hex,
      context: message.to!.toString().toLowerCase() as Hex,
      callvalue: message.value,
      gasAvailable: message.gasLimit,
      get calldata(): Hex {
        return (calldata ??= bytesToHex(data));
      },
      isStatic: message.isStatic,
      code,
    };
  }

  /** A deep frame's claims at entry of every listed key (key-index order): values, warmth, originals, code hashes. */
  private async claims(): Promise<EntryClaim[]> {
    const evm = this.evm!;
    const lists = this.opts.keyLists!;
    const context = createAddressFromString(this.opts.ctx.context);
    const out: EntryClaim[] = [];
    const originals = (evm.stateManager.originalStorageCache as unknown as { map: Map<string, Map<string, Uint8Array>> }).map;
    for (const slot of lists.storage) {
      const value = bytesToBigInt(await evm.stateManager.getStorage(context, word(slot)));
      const cached = originals.get(bytesToUnprefixedHex(context.bytes))?.get(bytesToUnprefixedHex(word(slot)));
      out.push({ value, warm: evm.journal.isWarmedStorage(context.bytes, word(slot)), original: cached === undefined ? value : bytesToBigInt(cached) });
    }
    for (const slot of lists.transient) out.push({ value: bytesToBigInt(evm.transientStorage.get(context, word(slot))), warm: false });
    for (const a of lists.accounts) {
      const address = createAddressFromString(a);
      const account = await evm.stateManager.getAccount(address);
      const code = account === undefined ? '0x' : bytesToHex(await evm.stateManager.getCode(address));
      const codeHash = account === undefined || account.isEmpty() ? NO_LOGS_HASH : keccak256(code);
      out.push({ value: account?.balance ?? 0n, warm: evm.journal.isWarmedAddress(address.bytes), codeHash, code });
    }
    return out;
  }

  /**
   * The frame's state root now: the live state's root without the message's own value transfer and the caller's
   * nonce raise (see the file's comment), with `write` applied to `context`'s storage if given. ethereumjs writes an
   * empty account for a call without value to an account that does not exist (and deletes it at the end of the
   * transaction, EIP-161); the EVM creates no account there (execution-specs: a call moves ether only when its value
   * is not 0), so an account the run touched that is empty and was not in the pre-state is left out.
   */
  private async frameRoot(write?: { slot: bigint; value: bigint }, ownTransfer = true, undeployed?: Hex): Promise<Hex> {
    const { ctx, common, preState } = this.opts;
    const transfers: TransferOf[] = [...(this.opts.frame?.ancestors ?? []), ...(ownTransfer ? [ctx] : [])];
    const evm = this.evm!;
    const live = evm.stateManager as MerkleStateManager;
    // with no caches (run.ts) the trie is the whole live state; a copy with its checkpoints sees the uncommitted nodes
    if ((live as unknown as { _caches?: unknown })._caches !== undefined) throw new Error("calls: the run's state manager must have no caches");
    const liveTrie = (live as unknown as { _trie: { shallowCopy(includeCheckpoints: boolean): unknown } })._trie;
    const copy = new MerkleStateManager({ common, trie: liveTrie.shallowCopy(true) as never });
    // the caller of the message itself (its nonce), and the parties of every transfer left out
    const caller = (this.opts.frame?.topCaller ?? ctx.caller).toLowerCase() as Hex;
    const parties = new Set<Hex>([caller, ...transfers.flatMap((t) => [t.caller.toLowerCase() as Hex, t.context.toLowerCase() as Hex])]);
    for (const a of parties) {
      const address = createAddressFromString(a);
      const now = await live.getAccount(address);
      if (now === undefined) continue;
      const nonce = now.nonce - (a === caller ? 1n : 0n);
      const balance = transfers.reduce((b, t) => b - balanceChangeOf(t, a), now.balance);
      if (balance < 0n) throw new UnsupportedMessageError(`calls: ${a}'s balance without the value transfers of the messages on the way to the frame is negative: the frame's root chain cannot express it`);
      await copy.putAccount(address, new Account(nonce, balance, now.storageRoot, now.codeHash));
    }
    const touched = (evm.journal as unknown as { touched: Set<string> }).touched;
    for (const a of new Set([...parties, ...[...touched].map((t) => `0x${t}` as Hex)])) {
      const address = createAddressFromString(a);
      const account = await copy.getAccount(address);
      if (account !== undefined && account.isEmpty() && (await preState.getAccount(address)) === undefined) await copy.deleteAccount(address);
    }
    if (write !== undefined) await copy.putStorage(createAddressFromString(ctx.context), word(write.slot), bigIntToBytes(write.value));
    if (undeployed !== undefined) {
      // a creation frame's state: its account without the code the creation deposits after the frame
      const address = createAddressFromString(undeployed);
      const a = await copy.getAccount(address);
      if (a !== undefined) await copy.putAccount(address, new Account(a.nonce, a.balance, a.storageRoot, KECCAK256_NULL));
    }
    return bytesToHex(await copy.getStateRoot());
  }
}
