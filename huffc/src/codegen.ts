import type { BuiltinCall, ConstDef, Expr, MacroArg, MacroDef, Stmt, TableDef } from './ast.js';
import { evalBuiltin, evalExpr, lookupConstant, constValue, trimmedHex } from './builtins.js';
import { ByteBuf, fixedBytes, hexToBytes, minimalBytes } from './bytes.js';
import type { Contract } from './contract.js';
import { fail, type SourcePos } from './errors.js';
import { evmAtLeast, OPCODES, type EvmVersion } from './opcodes.js';

/** EIP-170 runtime code size limit. */
export const MAX_RUNTIME_SIZE = 24576;
const MAX_DEPTH = 100;
const MAX_LOOP_ITERATIONS = 10_000;
/** hnc gives up shrinking jumps after this many rounds (the code stays valid, just larger). */
const RELAX_MAX_ROUNDS = 20;

interface Ctx {
  readonly contract: Contract;
  readonly evm: EvmVersion;
  readonly push0: boolean;
  /** `--relax-jumps`: PUSH1 for label references whose target is below 256. */
  readonly relax: boolean;
}

/**
 * One label scope per macro invocation. `id`/`exit` are the preorder interval of the subtree so
 * subtree membership is O(1). `visDepth` > 0 marks scopes under a macro expanded as a macro-call
 * argument: hnc does not merge their labels into the caller, so they are only visible to
 * resolution levels at or below that depth.
 */
interface Scope {
  readonly id: number;
  exit: number;
  readonly depth: number;
  readonly parent: Scope | null;
  readonly labels: Map<string, LabelEntry>;
  readonly visDepth: number;
}

/**
 * A resolved macro-call argument remembers the frame whose body wrote it: when `<x>` expands it,
 * that frame (not the callee using `<x>`) is the invoker for recursion detection.
 */
type CallArg = Extract<MacroArg, { k: 'call' }> & { readonly origin?: Frame };

interface Frame {
  readonly mac: MacroDef;
  /** Invocation arguments, already resolved (no `<x>` left). */
  readonly args: readonly MacroArg[];
  /** The invocation this one was expanded inside (label scopes, argument bubbling). */
  readonly parent: Frame | null;
  /**
   * The invocation whose body wrote this call: `parent` for a call in a body, the frame that
   * wrote the argument for a macro call passed as an argument. Recursion is a macro already on
   * this chain.
   */
  readonly origin: Frame | null;
  readonly scope: Scope;
  readonly start: number;
  /** Circular `__codesize` placeholders to fill when this frame is complete. */
  readonly circular: CodesizeSlot[];
  /** hnc quirk: `__codesize(CONSTRUCTOR)` skips statements (calls, labels, builtins...). */
  readonly skipStatements: boolean;
}

// Code is emitted in a first layout where every label reference is PUSH2 and every circular
// `__codesize` placeholder PUSH1. Offsets recorded during expansion are in that layout; when
// jumps are relaxed or placeholders grow, `layout()` rewrites the code and moves every recorded
// offset (the `offset`/`pos` fields below are updated in place).

interface LabelEntry {
  offset: number;
  readonly scope: Scope;
}

/** A push of a code offset: a label reference or the entry push of an fn call. */
interface JumpPush {
  /** Offset of the PUSH opcode. */
  pos: number;
  /** What it pushes; null while unresolved. */
  target: { offset: number } | null;
  /** May become PUSH1 under `--relax-jumps` (not in fn bodies, as in hnc). */
  readonly relaxable: boolean;
  /** PUSH1 (relaxed). */
  short: boolean;
  /** Was relaxed, then had to grow back (a placeholder grew in between): stays PUSH2. */
  pinned: boolean;
  readonly src: SourcePos;
}

interface LabelRef extends JumpPush {
  readonly name: string;
  /** Scope the reference is made from. */
  readonly scope: Scope;
  /** Scope of the macro whose expansion emitted it (first resolution level). */
  readonly reg: Scope;
}

interface FnCall {
  /** Offset of the PUSH2 of the return address. */
  retPos: number;
  /** The JUMPDEST returned to. */
  readonly ret: { offset: number };
  readonly entry: JumpPush;
  readonly fn: string;
}

interface CodesizeSlot {
  pos: number;
  readonly src: SourcePos;
}

/** The circular `__codesize(M)` placeholders of one invocation of M, and its extent. */
interface CodesizeGroup {
  start: number;
  end: number;
  readonly slots: readonly CodesizeSlot[];
  /** Placeholders are PUSH2 (the invocation is over 255 bytes). */
  wide: boolean;
  readonly name: string;
}

/** A code position whose encoding size can change during layout. */
interface Sized {
  readonly pos: number;
  readonly jump: JumpPush | null;
  readonly group: CodesizeGroup | null;
}

export interface UnitResult {
  readonly code: Uint8Array;
  /** Some emitted segment is a bare RETURN opcode (hnc's "custom bootstrap" test). */
  readonly sawReturn: boolean;
}

function ancestorAt(s: Scope, depth: number): Scope {
  let n = s;
  while (n.depth > depth) n = n.parent!;
  return n;
}

function inSubtree(x: Scope, root: Scope): boolean {
  return root.id <= x.id && x.id <= root.exit;
}

/** Compiles one top-level macro (runtime or constructor code, each with offsets from 0). */
class Unit {
  readonly out: ByteBuf;
  private scopeCounter = 0;
  private readonly labelIndex = new Map<string, LabelEntry[]>();
  private readonly refs: LabelRef[] = [];
  private readonly fnCalls: FnCall[] = [];
  private readonly fnStart = new Map<string, { offset: number }>();
  private readonly usedTables: TableDef[] = [];
  private readonly tableStarts: Array<{ pos: number; table: string }> = [];
  private readonly embedded = new Map<string, { offset: number }>();
  private readonly jumpTableSlots: Array<{ pos: number; table: TableDef }> = [];
  private readonly codesizeGroups: CodesizeGroup[] = [];
  private readonly asserts: Array<{ pos: number; expected: bigint; src: SourcePos }> = [];
  /** Label references and label offsets are recorded (always, except when measuring unrelaxed). */
  private readonly tracking: boolean;
  /** Expanding an fn body (its jumps are not relaxed). */
  private inFn = false;
  sawReturn = false;

  /**
   * @param measuring true for the throw-away expansion behind `__codesize(M)`: only the length
   *   counts; labels are not resolved and tables are not appended.
   * @param outer names of macros on the invocation stack outside this unit (for `__codesize`).
   */
  constructor(
    private readonly ctx: Ctx,
    private readonly measuring: boolean,
    private readonly outer: ReadonlySet<string>,
    baseOffset: number,
  ) {
    this.out = new ByteBuf(measuring ? Math.max(256, baseOffset + 256) : 8192);
    this.out.skip(baseOffset);
    this.tracking = !measuring || ctx.relax;
  }

  // ------------------------------------------------------------------ entry points

  compileTop(mac: MacroDef, opts: { withFns: boolean; skipStatements: boolean }): void {
    const root = this.newScope(null, false);
    const frame: Frame = { mac, args: [], parent: null, origin: null, scope: root, start: this.out.len, circular: [], skipStatements: opts.skipStatements };
    this.expandBody(mac.body, frame);
    if (opts.withFns) {
      this.inFn = true;
      for (const fn of this.ctx.contract.fns) {
        const start = this.out.len;
        this.fnStart.set(fn.name, { offset: start });
        this.out.push(0x5b);
        const scope = this.newScope(root, false);
        const f: Frame = { mac: fn, args: [], parent: frame, origin: frame, scope, start, circular: [], skipStatements: false };
        this.expandBody(fn.body, f);
        this.closeScope(scope);
        this.finishFrame(f);
        for (let i = 0; i < fn.returns; i++) this.out.push(0x90 + i);
        this.out.push(0x56);
      }
      this.inFn = false;
    }
    this.closeScope(root);
    this.finishFrame(frame);
    if (!this.tracking && this.codesizeGroups.length === 0) return; // measuring: the length is all
    let unresolved: (() => never) | null = null;
    if (this.tracking) unresolved = this.resolveLabels();
    for (const c of this.fnCalls) c.entry.target = this.fnStart.get(c.fn) ?? null;
    this.layout();
    if (this.measuring) return;
    // Same order of errors as a single pass: __ASSERT_PC failures come before unmatched labels.
    for (const a of this.asserts) {
      if (a.expected !== BigInt(a.pos)) fail(a.src, `__ASSERT_PC failed: expected offset 0x${a.expected.toString(16)}, actual 0x${a.pos.toString(16)}`);
    }
    if (unresolved) unresolved();
    this.writeJumps();
    this.appendTables();
  }

  result(): UnitResult {
    return { code: this.out.bytes(), sawReturn: this.sawReturn };
  }

  // ------------------------------------------------------------------ scopes and labels

  private newScope(parent: Scope | null, hidden: boolean): Scope {
    const depth = parent ? parent.depth + 1 : 0;
    const visDepth = parent && parent.visDepth > 0 ? parent.visDepth : hidden ? depth : 0;
    return { id: this.scopeCounter++, exit: -1, depth, parent, labels: new Map(), visDepth };
  }

  private closeScope(s: Scope): void {
    s.exit = this.scopeCounter - 1;
  }

  private defineLabel(frame: Frame, name: string, src: SourcePos): void {
    if (frame.scope.labels.has(name)) fail(src, `duplicate label "${name}" in macro "${frame.mac.name}"`);
    const e: LabelEntry = { offset: this.out.len, scope: frame.scope };
    frame.scope.labels.set(name, e);
    if (this.tracking) {
      const list = this.labelIndex.get(name);
      if (list) list.push(e);
      else this.labelIndex.set(name, [e]);
    }
    this.out.push(0x5b);
  }

  private addRef(name: string, scope: Scope, reg: Scope, src: SourcePos): void {
    if (this.tracking) {
      this.refs.push({ pos: this.out.len, name, scope, reg, src, target: null, relaxable: this.ctx.relax && !this.inFn, short: false, pinned: false });
    }
    this.out.push3(0x61, 0, 0);
  }

  private writeU16(pos: number, value: number, src: SourcePos): void {
    if (value > 0xffff) fail(src, `jump target 0x${value.toString(16)} does not fit in PUSH2`);
    this.out.buf[pos] = value >> 8;
    this.out.buf[pos + 1] = value & 0xff;
  }

  /**
   * Resolution as in hnc: a reference is tried first when the macro that emitted it finishes
   * (visible: labels of that invocation and everything it invoked), then at each enclosing
   * invocation with its larger set. At each level: (1) a label in the reference's scope or an
   * ancestor, deepest first; (2) a label in a descendant, first defined; (3) a label in a
   * sibling/cousin scope, ambiguous if several scopes define it.
   *
   * Sets each reference's target label (its offset is read after the layout). Returns the first
   * failure (unmatched or ambiguous label) as a function that throws it, raised after the
   * `__ASSERT_PC` checks; a measuring unit leaves references to labels outside it unresolved.
   */
  private resolveLabels(): (() => never) | null {
    for (const r of this.refs) {
      let target: LabelEntry | undefined;
      try {
        if (r.reg === r.scope) target = r.scope.labels.get(r.name);
        if (target === undefined) {
          const entries = this.labelIndex.get(r.name);
          if (entries) {
            for (let level: Scope | null = r.reg; level && target === undefined; level = level.parent) {
              target = this.lookup(entries, r, level);
            }
          }
        }
      } catch (e) {
        if (this.measuring) continue;
        return () => {
          throw e;
        };
      }
      if (target === undefined) {
        if (this.measuring) continue;
        return () => fail(r.src, `unmatched jump label "${r.name}"${unknownOpcodeHint(r.name)}`);
      }
      r.target = target;
    }
    return null;
  }

  private lookup(entries: readonly LabelEntry[], r: LabelRef, level: Scope): LabelEntry | undefined {
    const S = r.scope;
    const visible = (e: LabelEntry): boolean => inSubtree(e.scope, level) && level.depth >= e.scope.visDepth;
    // 1. own scope or ancestors: deepest wins
    let best: LabelEntry | undefined;
    for (const e of entries) {
      if (!visible(e)) continue;
      if (e.scope.depth <= S.depth && ancestorAt(S, e.scope.depth) === e.scope) {
        if (!best || e.scope.depth > best.scope.depth) best = e;
      }
    }
    if (best) return best;
    // 2. descendants: first defined
    for (const e of entries) {
      if (visible(e) && e.scope !== S && e.scope.depth > S.depth && inSubtree(e.scope, S)) return e;
    }
    // 3. siblings (same parent, same depth) then cousins further up
    for (let d = S.depth; d >= 0; d--) {
      const ancD = ancestorAt(S, d);
      const ancUp = d > 0 ? ancestorAt(S, d - 1) : null;
      let first: LabelEntry | undefined;
      for (const e of entries) {
        if (!visible(e) || e.scope.depth < d) continue;
        if (ancUp && ancestorAt(e.scope, d - 1) !== ancUp) continue;
        if (d === S.depth) {
          if (e.scope.depth !== S.depth || e.scope === S) continue;
        } else if (ancestorAt(e.scope, d) === ancD) continue;
        if (!first) first = e;
        else if (first.scope !== e.scope) fail(r.src, `label "${r.name}" is defined in several sibling macro invocations (ambiguous reference)`);
      }
      if (first) return first;
    }
    return undefined;
  }

  // ------------------------------------------------------------------ layout

  /**
   * Final sizes of label pushes and circular `__codesize` placeholders, then the code and every
   * recorded offset in that layout. hnc's jump relaxation ("start big and shrink"): each round
   * shrinks, from the offsets at the start of the round, every relaxable PUSH2 whose target is
   * at most 0xff, or exactly 0x100 ahead of it (the shrink itself brings it to 0xff), until a
   * round changes nothing (at most 20 rounds). Then a placeholder group whose invocation is over
   * 255 bytes grows to PUSH2; since that moves code up, a relaxed push whose target left the
   * PUSH1 range grows back for good, and the whole is repeated until nothing changes.
   */
  private layout(): void {
    const items: Sized[] = [];
    if (this.ctx.relax) {
      for (const r of this.refs) if (r.relaxable && r.target) items.push({ pos: r.pos, jump: r, group: null });
      for (const c of this.fnCalls) if (c.entry.relaxable && c.entry.target) items.push({ pos: c.entry.pos, jump: c.entry, group: null });
    }
    for (const g of this.codesizeGroups) for (const slot of g.slots) items.push({ pos: slot.pos, jump: null, group: g });
    if (items.length === 0) {
      this.fillCodesize();
      return;
    }
    items.sort((a, b) => a.pos - b.pos);
    const n = items.length;
    const cum = new Int32Array(n + 1);
    const rebuild = (): void => {
      for (let i = 0; i < n; i++) {
        const it = items[i]!;
        cum[i + 1] = cum[i]! + (it.jump ? (it.jump.short ? -1 : 0) : it.group!.wide ? 1 : 0);
      }
    };
    /** Offset in the current layout of what is at `x` in the first layout. */
    const at = (x: number): number => {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (items[mid]!.pos < x) lo = mid + 1;
        else hi = mid;
      }
      return x + cum[lo]!;
    };
    let changed = true;
    while (changed) {
      changed = false;
      for (let round = 0; round < RELAX_MAX_ROUNDS; round++) {
        rebuild();
        const shrink: JumpPush[] = [];
        for (const it of items) {
          const j = it.jump;
          if (!j || j.short || j.pinned) continue;
          const cur = at(j.pos);
          const tgt = at(j.target!.offset);
          if (tgt <= 0xff || (tgt === 0x100 && tgt > cur)) shrink.push(j);
        }
        if (shrink.length === 0) break;
        for (const j of shrink) j.short = true;
      }
      rebuild();
      for (const g of this.codesizeGroups) {
        if (!g.wide && at(g.end) - at(g.start) > 0xff) {
          g.wide = true;
          changed = true;
        }
      }
      if (changed) rebuild();
      for (const it of items) {
        const j = it.jump;
        if (j && j.short && at(j.target!.offset) > 0xff) {
          j.short = false;
          j.pinned = true;
          changed = true;
        }
      }
    }
    rebuild();
    if (!items.some((it) => it.jump?.short || it.group?.wide)) {
      this.fillCodesize();
      return;
    }

    // Re-emit the code with the final encodings.
    const old = this.out.buf;
    const oldLen = this.out.len;
    const out = new ByteBuf(oldLen + n + 256);
    let prev = 0;
    for (const it of items) {
      out.pushBytes(old.subarray(prev, it.pos));
      if (it.jump) {
        if (it.jump.short) out.push(0x60), out.push(0);
        else out.push3(0x61, 0, 0);
        prev = it.pos + 3;
      } else {
        if (it.group!.wide) out.push3(0x61, 0, 0);
        else out.push(0x60), out.push(0);
        prev = it.pos + 2;
      }
    }
    out.pushBytes(old.subarray(prev, oldLen));
    this.out.buf = out.buf;
    this.out.len = out.len;

    // Move every recorded offset.
    for (const list of this.labelIndex.values()) for (const e of list) e.offset = at(e.offset);
    for (const r of this.refs) r.pos = at(r.pos);
    for (const c of this.fnCalls) {
      c.retPos = at(c.retPos);
      c.ret.offset = at(c.ret.offset);
      c.entry.pos = at(c.entry.pos);
    }
    for (const f of this.fnStart.values()) f.offset = at(f.offset);
    for (const e of this.embedded.values()) e.offset = at(e.offset);
    for (const t of this.tableStarts) t.pos = at(t.pos);
    for (const t of this.jumpTableSlots) t.pos = at(t.pos);
    for (const a of this.asserts) a.pos = at(a.pos);
    for (const g of this.codesizeGroups) {
      g.start = at(g.start);
      g.end = at(g.end);
      for (const slot of g.slots) slot.pos = at(slot.pos);
    }
    this.fillCodesize();
  }

  /** Writes the circular `__codesize` values (size of each completed invocation). */
  private fillCodesize(): void {
    const buf = this.out.buf;
    for (const g of this.codesizeGroups) {
      const size = g.end - g.start;
      for (const slot of g.slots) {
        if (!g.wide) buf[slot.pos + 1] = size;
        else {
          if (size > 0xffff) fail(slot.src, `__codesize(${g.name}): size ${size} does not fit in PUSH2`);
          buf[slot.pos + 1] = size >> 8;
          buf[slot.pos + 2] = size & 0xff;
        }
      }
    }
  }

  /** Label references and fn calls, in the final layout. */
  private writeJumps(): void {
    const buf = this.out.buf;
    const put = (j: JumpPush): void => {
      const v = j.target!.offset;
      if (j.short) {
        buf[j.pos] = 0x60;
        buf[j.pos + 1] = v;
      } else this.writeU16(j.pos + 1, v, j.src);
    };
    for (const r of this.refs) put(r);
    for (const c of this.fnCalls) {
      if (!c.entry.target) fail(c.entry.src, `internal error: fn "${c.fn}" was not placed`);
      this.writeU16(c.retPos + 1, c.ret.offset, c.entry.src);
      put(c.entry);
    }
  }

  // ------------------------------------------------------------------ expansion

  private expandBody(body: readonly Stmt[], frame: Frame): void {
    const out = this.out;
    for (const s of body) {
      switch (s.k) {
        case 'op':
          out.push(s.byte);
          if (s.byte === 0xf3) this.sawReturn = true;
          break;
        case 'push':
          out.push(0x5f + s.width);
          out.pushBytes(fixedBytes(BigInt('0x' + s.digits), s.width));
          break;
        case 'lit':
          this.pushValue(s.value, true);
          break;
        case 'const':
          this.pushConstant(lookupConstant(this.ctx.contract, s.name, s.pos), s.pos);
          break;
        case 'arg':
          this.emitArg(s.name, frame, s.pos);
          break;
        case 'noop':
          break;
        default:
          if (frame.skipStatements) break;
          this.expandStatement(s, frame);
      }
    }
  }

  private expandStatement(s: Stmt, frame: Frame): void {
    switch (s.k) {
      case 'label':
        this.defineLabel(frame, s.name, s.pos);
        return;
      case 'ref':
        this.addRef(s.name, frame.scope, frame.scope, s.pos);
        return;
      case 'call':
        this.invoke(s.name, s.args, frame, frame, s.pos, false);
        return;
      case 'argcall':
        this.invoke(this.macroNameFromArg(s.name, frame, s.pos), s.args, frame, frame, s.pos, false);
        return;
      case 'builtin':
        this.builtin(s.call, frame);
        return;
      case 'if': {
        const argEval = (name: string, pos: SourcePos): bigint => this.argValue(name, frame, pos);
        for (const b of s.branches) {
          if (evalExpr(this.ctx.contract, b.cond, argEval) !== 0n) {
            this.expandBody(b.body, frame);
            return;
          }
        }
        if (s.otherwise) this.expandBody(s.otherwise, frame);
        return;
      }
      case 'for': {
        const argEval = (name: string, pos: SourcePos): bigint => this.argValue(name, frame, pos);
        const c = this.ctx.contract;
        const start = evalExpr(c, s.start, argEval);
        const end = evalExpr(c, s.end, argEval);
        const step = s.step ? evalExpr(c, s.step, argEval) : 1n;
        if (step === 0n) fail(s.pos, 'for loop step must not be zero');
        const labels = new Set<string>();
        collectLabels(s.body, labels);
        let n = 0;
        for (let i = start; i < end; i += step) {
          if (++n > MAX_LOOP_ITERATIONS) fail(s.pos, `for loop exceeds ${MAX_LOOP_ITERATIONS} iterations`);
          this.expandBody(substLoop(s.body, s.variable, i, labels), frame);
        }
        return;
      }
      default:
        return;
    }
  }

  /**
   * Expands `name(args)` at the current position inside `frame`. `invoker` is the frame whose
   * body wrote the call (differs from `frame` for a macro call passed as an argument).
   */
  private invoke(name: string, args: readonly MacroArg[], frame: Frame, invoker: Frame, src: SourcePos, hidden: boolean): void {
    const mac = this.ctx.contract.macros.get(name);
    if (!mac) fail(src, `unknown macro "${name}"`);
    if (mac.kind === 'test') fail(src, `test "${name}" cannot be invoked`);
    if (args.length !== mac.params.length) {
      fail(src, `macro "${name}" takes ${mac.params.length} argument${mac.params.length === 1 ? '' : 's'}, got ${args.length}`);
    }
    for (let f: Frame | null = invoker; f; f = f.origin) {
      if (f.mac.name === name) {
        // f is also on the expansion stack (an argument flows down from where it was written):
        // show the invocations from f to here
        const chain: string[] = [];
        for (let g: Frame | null = frame; g; g = g.parent) {
          chain.unshift(g.mac.name);
          if (g === f) break;
        }
        fail(src, `recursive invocation of macro "${name}" (${[...chain, name].join(' -> ')})`);
      }
    }
    let depth = 0;
    for (let f: Frame | null = frame; f; f = f.parent) depth++;
    if (this.outer.has(name)) fail(src, `recursive invocation of macro "${name}" (through __codesize)`);
    if (depth >= MAX_DEPTH) fail(src, `macro nesting deeper than ${MAX_DEPTH}`);

    if (mac.kind === 'fn') {
      // PUSH2 ret, SWAPt..SWAP1, PUSH2 fn, JUMP, JUMPDEST(ret); addresses filled after layout
      const out = this.out;
      const retPos = out.len;
      out.push3(0x61, 0, 0);
      for (let i = mac.takes - 1; i >= 0; i--) out.push(0x90 + i);
      const entry: JumpPush = { pos: out.len, target: null, relaxable: this.ctx.relax && !this.inFn, short: false, pinned: false, src };
      out.push3(0x61, 0, 0);
      out.push(0x56);
      this.fnCalls.push({ retPos, ret: { offset: out.len }, entry, fn: name });
      out.push(0x5b);
      return;
    }
    // The arguments of a macro call passed as an argument were resolved where it was written.
    const resolved = hidden ? args : args.map((a) => this.resolveArg(a, frame));
    const scope = this.newScope(frame.scope, hidden);
    const child: Frame = { mac, args: resolved, parent: frame, origin: invoker, scope, start: this.out.len, circular: [], skipStatements: false };
    this.expandBody(mac.body, child);
    this.closeScope(scope);
    this.finishFrame(child);
  }

  /** Records the circular `__codesize` placeholders of a completed invocation. */
  private finishFrame(f: Frame): void {
    if (f.circular.length > 0) this.codesizeGroups.push({ start: f.start, end: this.out.len, slots: f.circular, wide: false, name: f.mac.name });
  }

  /** Resolves `<x>` and `<x>(..)` in invocation arguments against the calling frame. */
  private resolveArg(a: MacroArg, frame: Frame): MacroArg {
    switch (a.k) {
      case 'arg': {
        const i = frame.mac.params.indexOf(a.name);
        if (i < 0) fail(a.pos, `<${a.name}> is not a parameter of macro "${frame.mac.name}"`);
        const v = frame.args[i];
        if (!v) fail(a.pos, `argument <${a.name}> of "${frame.mac.name}" has no value`);
        return v;
      }
      case 'argcall': {
        const c: CallArg = { k: 'call', name: this.macroNameFromArg(a.name, frame, a.pos), args: a.args.map((x) => this.resolveArg(x, frame)), pos: a.pos, origin: frame };
        return c;
      }
      case 'call': {
        const c: CallArg = { k: 'call', name: a.name, args: a.args.length === 0 ? a.args : a.args.map((x) => this.resolveArg(x, frame)), pos: a.pos, origin: frame };
        return c;
      }
      default:
        return a;
    }
  }

  /** `<x>(...)`: the macro named by argument x, searched up the invocation stack. */
  private macroNameFromArg(name: string, frame: Frame, src: SourcePos): string {
    for (let f: Frame | null = frame; f; f = f.parent) {
      const i = f.mac.params.indexOf(name);
      if (i < 0) continue;
      const v = f.args[i];
      if (v?.k === 'ident') return v.name;
      if (v?.k === 'call') return v.name;
      if (v?.k === 'noop') fail(src, `cannot invoke __NOOP passed as <${name}>`);
    }
    return fail(src, `argument <${name}> does not name a macro`);
  }

  /** The value bound to `<name>` for a use in `frame`'s body. */
  private lookupArg(name: string, frame: Frame, src: SourcePos): MacroArg {
    const i = frame.mac.params.indexOf(name);
    if (i >= 0) {
      const v = frame.args[i];
      if (!v) fail(src, `argument <${name}> of "${frame.mac.name}" has no value`);
      return v;
    }
    if (frame.mac.params.length > 0) {
      for (let f = frame.parent; f; f = f.parent) {
        const j = f.mac.params.indexOf(name);
        if (j >= 0 && f.args[j]) return f.args[j]!;
      }
    }
    return fail(src, `macro "${frame.mac.name}" has no argument <${name}>`);
  }

  /** `<name>` as a number, for if/for expressions. */
  private argValue(name: string, frame: Frame, src: SourcePos): bigint {
    for (let f: Frame | null = frame; f; f = f.parent) {
      const i = f.mac.params.indexOf(name);
      if (i < 0) continue;
      const v = f.args[i];
      if (!v) break;
      if (v.k === 'lit') return v.value;
      if (v.k === 'ident') {
        const d = this.ctx.contract.constants.get(v.name);
        if (d && (d.value.k === 'hex' || d.value.k === 'expr')) return constValue(this.ctx.contract, d, src);
        return fail(src, `argument <${name}> = "${v.name}" cannot be used in an expression`);
      }
      if (v.k === 'builtin') return evalBuiltin(this.ctx.contract, v.call).value;
      return fail(src, `argument <${name}> cannot be used in an expression`);
    }
    return fail(src, `undefined argument <${name}>`);
  }

  private emitArg(name: string, frame: Frame, src: SourcePos): void {
    const v = this.lookupArg(name, frame, src);
    switch (v.k) {
      case 'lit':
        this.pushValue(v.value, true);
        return;
      case 'noop':
        return;
      case 'builtin':
        this.pushBuiltinArg(v.call);
        return;
      case 'call':
        if (frame.skipStatements) return;
        this.invoke(v.name, v.args, frame, (v as CallArg).origin ?? frame, src, true);
        return;
      case 'ident': {
        const c = this.ctx.contract.constants.get(v.name);
        if (c) {
          this.pushConstantArg(c, v.pos);
          return;
        }
        const op = OPCODES.get(v.name);
        if (op) {
          this.out.push(op.byte);
          if (op.byte === 0xf3) this.sawReturn = true;
          return;
        }
        // A label, resolved from the caller's scope.
        this.addRef(v.name, frame.parent ? frame.parent.scope : frame.scope, frame.scope, v.pos);
        return;
      }
      default:
        fail(src, `internal error: unresolved argument <${name}>`);
    }
  }

  // ------------------------------------------------------------------ pushes

  /** Minimal push; zero is PUSH0 when allowed and the EVM has it, else `60 00`. */
  private pushValue(v: bigint, allowPush0: boolean): void {
    if (v === 0n) {
      if (allowPush0 && this.ctx.push0) this.out.push(0x5f);
      else this.out.push(0x60), this.out.push(0);
      return;
    }
    if (v < 256n) {
      this.out.push(0x60);
      this.out.push(Number(v));
      return;
    }
    const b = minimalBytes(v);
    this.out.push(0x5f + b.length);
    this.out.pushBytes(b);
  }

  private push32(v: bigint): void {
    this.out.push(0x7f);
    this.out.pushBytes(fixedBytes(v, 32));
  }

  /** `[NAME]` in a body. */
  private pushConstant(d: ConstDef, src: SourcePos): void {
    const v = d.value;
    switch (v.k) {
      case 'noop':
        return;
      case 'str':
        fail(src, `constant "${d.name}" is a string; use __BYTES("...") to push it`);
        break;
      case 'builtin': {
        const b = evalBuiltin(this.ctx.contract, v.call, true);
        if (v.call.name === '__RIGHTPAD') this.push32(b.value);
        else this.pushValue(b.value, true);
        return;
      }
      default:
        this.pushValue(constValue(this.ctx.contract, d, src), true);
    }
  }

  /** A constant passed by name as a macro argument and used as `<arg>`. */
  private pushConstantArg(d: ConstDef, src: SourcePos): void {
    const v = d.value;
    switch (v.k) {
      case 'hex': {
        // pushed exactly as written: 0x0002 → 61 0002, 0x00 → 60 00
        if (v.digits.length & 1) fail(src, `constant "${d.name}" (0x${v.digits}) has an odd number of hex digits and cannot be passed as a macro argument`);
        if (v.digits.length > 64) fail(src, `constant "${d.name}" is longer than 32 bytes`);
        this.out.push(0x5f + v.digits.length / 2);
        this.out.pushBytes(hexToBytes(v.digits));
        return;
      }
      case 'fsp':
        this.pushValue(constValue(this.ctx.contract, d, src), false);
        return;
      default:
        this.pushConstant(d, src);
    }
  }

  /** A builtin call passed as a macro argument. */
  private pushBuiltinArg(call: BuiltinCall): void {
    switch (call.name) {
      case '__RIGHTPAD':
        this.push32(evalBuiltin(this.ctx.contract, call).value);
        return;
      case '__FUNC_SIG':
      case '__EVENT_HASH':
      case '__BYTES':
      case '__LEFTPAD':
        this.pushValue(evalBuiltin(this.ctx.contract, call).value, true);
        return;
      default:
        fail(call.pos, `${call.name} cannot be passed as a macro argument`);
    }
  }

  // ------------------------------------------------------------------ builtins in bodies

  private builtin(call: BuiltinCall, frame: Frame): void {
    const c = this.ctx.contract;
    switch (call.name) {
      case '__FUNC_SIG':
      case '__EVENT_HASH':
      case '__ERROR':
      case '__BYTES':
        this.pushValue(evalBuiltin(c, call).value, true);
        return;
      case '__RIGHTPAD':
        this.push32(evalBuiltin(c, call).value);
        return;
      case '__LEFTPAD':
        fail(call.pos, '__LEFTPAD is only available in constant definitions and code tables');
        break;
      case '__VERBATIM':
        this.verbatim(call);
        return;
      case '__codesize':
        this.codesize(call, frame);
        return;
      case '__tablesize': {
        const t = this.useTable(call);
        this.pushValue(BigInt(this.tableSize(t)), false);
        return;
      }
      case '__tablestart': {
        const t = this.useTable(call);
        if (!this.measuring) this.tableStarts.push({ pos: this.out.len, table: t.name });
        this.out.push3(0x61, 0, 0);
        return;
      }
      case '__EMBED_TABLE': {
        const t = this.tableArg(call);
        if (this.embedded.has(t.name)) fail(call.pos, `table "${t.name}" is embedded more than once`);
        this.embedded.set(t.name, { offset: this.out.len });
        if (t.kind === 'table') this.out.pushBytes(this.codeTableBytes(t));
        else {
          if (!this.measuring) this.jumpTableSlots.push({ pos: this.out.len, table: t });
          this.out.skip(this.tableSize(t));
        }
        return;
      }
      case '__ASSERT_PC': {
        if (call.args.length !== 1) fail(call.pos, `__ASSERT_PC takes 1 argument, got ${call.args.length}`);
        const a = call.args[0]!;
        let expected: bigint;
        if (a.k === 'hex') expected = BigInt('0x' + a.digits);
        else if (a.k === 'const') expected = constValue(c, lookupConstant(c, a.name, a.pos), a.pos);
        else return fail(call.pos, '__ASSERT_PC expects a hex literal or [CONSTANT]');
        // checked after layout (relaxed jumps and grown placeholders move code)
        if (!this.measuring) this.asserts.push({ pos: this.out.len, expected, src: call.pos });
        return;
      }
      case '__CODECOPY_DYN_ARG':
        fail(call.pos, '__CODECOPY_DYN_ARG (constructor arguments) is not supported');
    }
  }

  private verbatim(call: BuiltinCall): void {
    if (call.args.length !== 1) fail(call.pos, `__VERBATIM takes 1 argument, got ${call.args.length}`);
    const a = call.args[0]!;
    const c = this.ctx.contract;
    let digits: string;
    if (a.k === 'hex') digits = a.digits;
    else if (a.k === 'const') {
      const d = lookupConstant(c, a.name, a.pos);
      digits = d.value.k === 'hex' ? d.value.digits : trimmedHex(constValue(c, d, a.pos));
    } else if (a.k === 'builtin') {
      const v = a.call.name === '__ERROR' ? { value: evalBuiltin(c, a.call).value, full: false } : evalBuiltin(c, a.call);
      digits = v.full ? v.value.toString(16).padStart(64, '0') : trimmedHex(v.value);
    } else return fail(call.pos, '__VERBATIM expects hex digits (0x...), a [CONSTANT] or a builtin');
    if (digits.length & 1) digits = '0' + digits;
    if (digits === 'f3') this.sawReturn = true;
    this.out.pushBytes(hexToBytes(digits));
  }

  private codesize(call: BuiltinCall, frame: Frame): void {
    if (call.args.length !== 1 || call.args[0]!.k !== 'ident') fail(call.pos, '__codesize expects a macro name');
    const name = (call.args[0] as { name: string }).name;
    const mac = this.ctx.contract.macros.get(name);
    if (!mac) fail(call.pos, `unknown macro "${name}" passed to __codesize`);
    for (let f: Frame | null = frame; f; f = f.parent) {
      if (f.mac.name === name) {
        // Circular: PUSH1 placeholder, filled when that invocation is complete.
        f.circular.push({ pos: this.out.len, src: call.pos });
        this.out.push(0x60);
        this.out.push(0);
        return;
      }
    }
    if (this.outer.has(name)) {
      this.out.push(0x60);
      this.out.push(0);
      return;
    }
    const outer = new Set(this.outer);
    for (let f: Frame | null = frame; f; f = f.parent) outer.add(f.mac.name);
    const sub = new Unit(this.ctx, true, outer, this.out.len);
    const start = sub.out.len;
    sub.compileTop(mac, { withFns: frame.parent === null, skipStatements: name === 'CONSTRUCTOR' });
    this.pushValue(BigInt(sub.out.len - start), false);
  }

  // ------------------------------------------------------------------ tables

  private tableArg(call: BuiltinCall): TableDef {
    const a = call.args[0];
    if (call.args.length !== 1 || a?.k !== 'ident') fail(call.pos, `${call.name} expects a table name`);
    const t = this.ctx.contract.tables.get(a.name);
    if (!t) fail(a.pos, `unknown table "${a.name}"`);
    return t;
  }

  private useTable(call: BuiltinCall): TableDef {
    const t = this.tableArg(call);
    if (!this.usedTables.includes(t)) this.usedTables.push(t);
    return t;
  }

  private readonly codeTableCache = new Map<string, Uint8Array>();

  private tableSize(t: TableDef): number {
    if (t.kind === 'jumptable') return t.entries.length * 32;
    if (t.kind === 'jumptable__packed') return t.entries.length * 2;
    return this.codeTableBytes(t).length;
  }

  private codeTableBytes(t: TableDef): Uint8Array {
    const hit = this.codeTableCache.get(t.name);
    if (hit) return hit;
    const c = this.ctx.contract;
    let hex = '';
    for (const e of t.entries) {
      let d: string;
      switch (e.k) {
        case 'hex':
          d = e.digits;
          break;
        case 'const': {
          const k = lookupConstant(c, e.name, e.pos);
          if (k.value.k === 'hex') d = k.value.digits;
          else if (k.value.k === 'expr') d = trimmedHex(constValue(c, k, e.pos));
          // a constant defined by a builtin gives the same bytes as the builtin written in the table
          else if (k.value.k === 'builtin') d = codeTableBuiltinHex(c, k.value.call, e.pos);
          else return fail(e.pos, `constant "${e.name}" in code table "${t.name}" must be a hex literal, an expression or a builtin`);
          break;
        }
        case 'builtin':
          d = codeTableBuiltinHex(c, e.call, e.pos);
          break;
        case 'label':
          return fail(e.pos, 'internal error: label in code table');
      }
      if (d.length & 1) fail(e.pos, `odd number of hex digits (0x${d}) in code table "${t.name}"`);
      hex += d;
    }
    const bytes = hexToBytes(hex);
    this.codeTableCache.set(t.name, bytes);
    return bytes;
  }

  /** First label with this name anywhere (hnc `get_any`), for jump tables. */
  private anyLabel(name: string): number | undefined {
    const list = this.labelIndex.get(name);
    if (!list) return undefined;
    for (const e of list) if (e.scope.visDepth === 0) return e.offset;
    return undefined;
  }

  private jumpTableBytes(t: TableDef): Uint8Array {
    const width = t.kind === 'jumptable' ? 32 : 2;
    const bytes = new Uint8Array(t.entries.length * width);
    t.entries.forEach((e, i) => {
      const off = this.anyLabel((e as { name: string }).name);
      if (off === undefined) fail(e.pos, `unmatched jump label "${(e as { name: string }).name}" in jump table "${t.name}"`);
      if (width === 2 && off > 0xffff) fail(e.pos, `label offset 0x${off.toString(16)} does not fit in a packed jump table`);
      bytes[i * width + width - 2] = off >> 8;
      bytes[i * width + width - 1] = off & 0xff;
    });
    return bytes;
  }

  private appendTables(): void {
    const offsets = new Map<string, number>();
    for (const [name, e] of this.embedded) offsets.set(name, e.offset);
    for (const s of this.jumpTableSlots) this.out.buf.set(this.jumpTableBytes(s.table), s.pos);
    for (const t of this.usedTables) {
      if (this.embedded.has(t.name)) continue;
      offsets.set(t.name, this.out.len);
      this.out.pushBytes(t.kind === 'table' ? this.codeTableBytes(t) : this.jumpTableBytes(t));
    }
    for (const s of this.tableStarts) {
      const o = offsets.get(s.table)!;
      this.writeU16(s.pos + 1, o, this.ctx.contract.tables.get(s.table)!.pos);
    }
  }
}

/** Bytes of a builtin in a code table: pads are 32 bytes, the others their trimmed value. */
function codeTableBuiltinHex(c: Contract, call: BuiltinCall, pos: SourcePos): string {
  const name = call.name;
  if (name === '__RIGHTPAD' || name === '__LEFTPAD') return evalBuiltin(c, call, true).value.toString(16).padStart(64, '0');
  if (name === '__FUNC_SIG' || name === '__EVENT_HASH' || name === '__BYTES') return trimmedHex(evalBuiltin(c, call, true).value);
  if (name === '__ERROR') return fail(pos, '__ERROR is not supported in constant definitions and code tables');
  return fail(pos, `${name} is not supported in code tables`);
}

/** A bare identifier is a label reference; say so when it looks like a mistyped opcode. */
function unknownOpcodeHint(name: string): string {
  if (OPCODES.has(name.toLowerCase())) return ` (opcodes are lowercase: did you mean "${name.toLowerCase()}"?)`;
  if (/^(push|dup|swap|log)\d+$/i.test(name)) return ` ("${name}" is not an opcode)`;
  return '';
}

function collectLabels(body: readonly Stmt[], into: Set<string>): void {
  for (const s of body) {
    if (s.k === 'label') into.add(s.name);
    else if (s.k === 'if') {
      for (const b of s.branches) collectLabels(b.body, into);
      if (s.otherwise) collectLabels(s.otherwise, into);
    }
  }
}

/** One unrolled iteration: `<var>` becomes the literal, labels of the body get `_<value>`. */
function substLoop(body: readonly Stmt[], variable: string, value: bigint, labels: ReadonlySet<string>): Stmt[] {
  const suffix = `_${value.toString()}`;
  const expr = (e: Expr): Expr => {
    switch (e.k) {
      case 'arg':
        return e.name === variable ? { k: 'num', value, pos: e.pos } : e;
      case 'unary':
        return { ...e, expr: expr(e.expr) };
      case 'bin':
        return { ...e, left: expr(e.left), right: expr(e.right) };
      default:
        return e;
    }
  };
  const arg = (a: MacroArg): MacroArg => {
    switch (a.k) {
      case 'arg':
        return a.name === variable ? { k: 'lit', value, pos: a.pos } : a;
      case 'ident':
        return labels.has(a.name) ? { ...a, name: a.name + suffix } : a;
      case 'call':
      case 'argcall':
        return { ...a, args: a.args.map(arg) };
      default:
        return a;
    }
  };
  const stmt = (s: Stmt): Stmt => {
    switch (s.k) {
      case 'arg':
        return s.name === variable ? { k: 'lit', value, pos: s.pos } : s;
      case 'label':
      case 'ref':
        return labels.has(s.name) ? { ...s, name: s.name + suffix } : s;
      case 'call':
      case 'argcall':
        return { ...s, args: s.args.map(arg) };
      case 'if':
        return {
          ...s,
          branches: s.branches.map((b) => ({ cond: expr(b.cond), body: b.body.map(stmt) })),
          otherwise: s.otherwise ? s.otherwise.map(stmt) : null,
        };
      case 'for':
        return { ...s, start: expr(s.start), end: expr(s.end), step: s.step ? expr(s.step) : null, body: s.body.map(stmt) };
      default:
        return s;
    }
  };
  return body.map(stmt);
}

/** Opcode availability is checked for every macro, used or not (hnc `validate_opcodes`). */
export function validateOpcodes(c: Contract, evm: EvmVersion): void {
  const check = (name: string, pos: SourcePos): void => {
    const info = OPCODES.get(name);
    if (info?.since && !evmAtLeast(evm, info.since)) {
      fail(pos, `opcode "${name}" is not available on evm version ${evm} (requires ${info.since} or later)`);
    }
  };
  const args = (list: readonly MacroArg[]): void => {
    for (const a of list) {
      if (a.k === 'ident') check(a.name, a.pos);
      else if (a.k === 'call' || a.k === 'argcall') args(a.args);
    }
  };
  const body = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      if (s.k === 'op') check(s.name, s.pos);
      else if (s.k === 'call' || s.k === 'argcall') args(s.args);
      else if (s.k === 'if') {
        for (const b of s.branches) body(b.body);
        if (s.otherwise) body(s.otherwise);
      } else if (s.k === 'for') body(s.body);
    }
  };
  for (const m of c.macros.values()) body(m.body);
}

export interface GenerateOptions {
  readonly evm: EvmVersion;
  readonly mainName: string;
  readonly constructorName: string;
  /** Whether the constructor name was chosen explicitly (then it must exist). */
  readonly constructorRequired: boolean;
  readonly noSizeLimit: boolean;
  /** `--relax-jumps` (hnc): PUSH1 for label references to offsets below 256. */
  readonly relaxJumps: boolean;
  /** Where to report a missing main macro. */
  readonly entryPos: SourcePos;
}

export interface Generated {
  readonly runtime: Uint8Array;
  readonly constructor: Uint8Array;
  readonly bootstrap: Uint8Array;
}

export function generate(contract: Contract, o: GenerateOptions): Generated {
  validateOpcodes(contract, o.evm);
  const ctx: Ctx = { contract, evm: o.evm, push0: evmAtLeast(o.evm, 'shanghai'), relax: o.relaxJumps };
  const main = contract.macros.get(o.mainName);
  if (!main) fail(o.entryPos, `missing macro "${o.mainName}" (the runtime entry point)`);
  const rt = new Unit(ctx, false, new Set(), 0);
  rt.compileTop(main, { withFns: true, skipStatements: false });
  const runtime = rt.result().code;
  if (!o.noSizeLimit && runtime.length > MAX_RUNTIME_SIZE) {
    fail(main.pos, `runtime bytecode is ${runtime.length} bytes, over the ${MAX_RUNTIME_SIZE}-byte limit (EIP-170)`);
  }

  let ctorCode: Uint8Array = new Uint8Array(0);
  let custom = false;
  const ctorMac = contract.macros.get(o.constructorName);
  if (ctorMac) {
    const ct = new Unit(ctx, false, new Set(), 0);
    ct.compileTop(ctorMac, { withFns: true, skipStatements: false });
    const r = ct.result();
    ctorCode = r.code;
    custom = r.sawReturn;
  } else if (o.constructorRequired) {
    fail(o.entryPos, `missing macro "${o.constructorName}" (the constructor entry point)`);
  }
  return { runtime, constructor: ctorCode, bootstrap: custom ? new Uint8Array(0) : bootstrap(runtime.length, ctorCode.length) };
}

/**
 * `PUSH L, DUP1, PUSH O, RETURNDATASIZE, CODECOPY, RETURNDATASIZE, RETURN` where L is the runtime
 * length and O = bootstrap length + constructor length.
 */
export function bootstrap(runtimeLen: number, ctorLen: number): Uint8Array {
  let size = 9;
  const out: number[] = [];
  if (runtimeLen < 256) out.push(0x60, runtimeLen);
  else {
    size++;
    out.push(0x61, runtimeLen >> 8, runtimeLen & 0xff);
  }
  out.push(0x80);
  if (size + ctorLen < 256) out.push(0x60, size + ctorLen);
  else {
    size++;
    const off = size + ctorLen;
    out.push(0x61, off >> 8, off & 0xff);
  }
  out.push(0x3d, 0x39, 0x3d, 0xf3);
  return new Uint8Array(out);
}
