import {
  BUILTINS,
  type AbiDef,
  type AbiParamDef,
  type BinOp,
  type BuiltinArg,
  type BuiltinCall,
  type BuiltinName,
  type ConstDef,
  type ConstValue,
  type Expr,
  type FileAst,
  type MacroArg,
  type MacroDef,
  type Stmt,
  type TableDef,
  type TableEntry,
} from './ast.js';
import { fail, type SourcePos } from './errors.js';
import type { Token } from './lexer.js';
import { OPCODES, pushWidth } from './opcodes.js';

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of file';
    case 'hex':
      return `"0x${t.value}"`;
    case 'str':
      return `string "${t.value}"`;
    case 'labeldef':
      return `"${t.value}:"`;
    default:
      return `"${t.value}"`;
  }
}

const ABI_MUTABILITY = new Set(['pure', 'view', 'nonpayable', 'payable']);

/** Parses the tokens of one file into its definitions. */
export function parseFile(tokens: readonly Token[]): FileAst {
  return new Parser(tokens).parseFile();
}

class Parser {
  private i = 0;
  constructor(private readonly toks: readonly Token[]) {}

  private get cur(): Token {
    return this.toks[this.i]!;
  }
  private peek(k = 1): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }
  private next(): Token {
    const t = this.toks[this.i]!;
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private isWord(v: string): boolean {
    const t = this.cur;
    return t.kind === 'ident' && t.value === v;
  }
  private isPunct(v: string, t: Token = this.cur): boolean {
    return t.kind === 'punct' && t.value === v;
  }
  private expectPunct(v: string, what?: string): Token {
    const t = this.cur;
    if (!this.isPunct(v)) fail(t, `expected "${v}"${what ? ` ${what}` : ''}, found ${describe(t)}`);
    return this.next();
  }
  private expectIdent(what: string): Token {
    const t = this.cur;
    if (t.kind !== 'ident') fail(t, `expected ${what}, found ${describe(t)}`);
    return this.next();
  }

  parseFile(): FileAst {
    const ast: FileAst = { macros: [], constants: [], tables: [], abi: [], includes: [] };
    for (;;) {
      const t = this.cur;
      if (t.kind === 'eof') return ast;
      if (t.kind === 'include') {
        this.next();
        const p = this.cur;
        if (p.kind !== 'str') fail(p, `expected a quoted path after #include, found ${describe(p)}`);
        this.next();
        ast.includes.push({ path: p.value, pos: t });
        continue;
      }
      if (this.isPunct('#') && this.isPunct('[', this.peek())) {
        this.skipDecorator();
        continue;
      }
      if (t.kind !== 'define') fail(t, `expected #define or #include, found ${describe(t)}`);
      this.next();
      const kw = this.cur;
      if (kw.kind !== 'ident') fail(kw, `expected a definition keyword after #define, found ${describe(kw)}`);
      switch (kw.value) {
        case 'macro':
        case 'fn':
        case 'test':
          ast.macros.push(this.parseMacro(kw.value));
          break;
        case 'constant':
          ast.constants.push(this.parseConstant());
          break;
        case 'function':
        case 'event':
        case 'error':
          ast.abi.push(this.parseAbi(kw.value));
          break;
        case 'jumptable':
        case 'jumptable__packed':
        case 'table':
          ast.tables.push(this.parseTable(kw.value));
          break;
        default:
          fail(kw, `invalid definition "${kw.value}": expected macro, fn, test, constant, function, event, error, jumptable, jumptable__packed or table`);
      }
    }
  }

  private skipDecorator(): void {
    const start = this.next(); // #
    this.next(); // [
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.kind === 'eof') fail(start, 'unterminated decorator "#["');
      if (this.isPunct('[', t)) depth++;
      else if (this.isPunct(']', t)) depth--;
    }
  }

  private parseNumber(what: string): number {
    const t = this.cur;
    if (t.kind === 'dec') {
      this.next();
      return Number(t.value);
    }
    if (t.kind === 'hex') {
      this.next();
      return Number.parseInt(t.value, 16);
    }
    return fail(t, `expected a number for ${what}, found ${describe(t)}`);
  }

  // ---------------------------------------------------------------- macros

  private parseMacro(kind: 'macro' | 'fn' | 'test'): MacroDef {
    this.next();
    const nameTok = this.expectIdent(`a ${kind} name`);
    this.expectPunct('(', `after ${kind} name`);
    const params: string[] = [];
    if (!this.isPunct(')')) {
      for (;;) {
        const p = this.expectIdent('a parameter name');
        if (params.includes(p.value)) fail(p, `duplicate parameter "${p.value}" in ${kind} "${nameTok.value}"`);
        params.push(p.value);
        if (this.isPunct(',')) {
          this.next();
          continue;
        }
        break;
      }
    }
    this.expectPunct(')', 'to close the parameter list');
    let takes = 0;
    let returns = 0;
    if (this.isPunct('=')) this.next();
    if (this.cur.kind === 'ident' && this.cur.value === 'takes') {
      this.next();
      this.expectPunct('(');
      takes = this.parseNumber('takes');
      this.expectPunct(')');
    }
    if (this.cur.kind === 'ident' && this.cur.value === 'returns') {
      this.next();
      this.expectPunct('(');
      returns = this.parseNumber('returns');
      this.expectPunct(')');
    }
    if (kind === 'fn' && takes > 16) fail(nameTok, `fn "${nameTok.value}" takes ${takes} stack items; at most 16 are supported`);
    if (kind === 'fn' && returns > 16) fail(nameTok, `fn "${nameTok.value}" returns ${returns} stack items; at most 16 are supported`);
    this.expectPunct('{', `to open the body of ${kind} "${nameTok.value}"`);
    const labels = new Set<string>();
    const body = this.parseBody(nameTok.value, labels);
    this.expectPunct('}', `to close the body of ${kind} "${nameTok.value}"`);
    return { kind, name: nameTok.value, params, takes, returns, body, pos: nameTok };
  }

  /** Statements until the closing `}` (not consumed). */
  private parseBody(macroName: string, labels: Set<string> | null): Stmt[] {
    const body: Stmt[] = [];
    for (;;) {
      const t = this.cur;
      if (this.isPunct('}') || t.kind === 'eof') return body;
      body.push(this.parseStmt(macroName, labels));
    }
  }

  private parseStmt(macroName: string, labels: Set<string> | null): Stmt {
    const t = this.cur;
    switch (t.kind) {
      case 'hex':
        this.next();
        return { k: 'lit', value: literalValue(t), pos: t };
      case 'dec':
        return fail(t, `decimal literal "${t.value}" is not allowed in a macro body; write it as hex (0x...)`);
      case 'labeldef':
        this.next();
        if (labels) {
          if (labels.has(t.value)) fail(t, `duplicate label "${t.value}" in macro "${macroName}"`);
          labels.add(t.value);
        }
        return { k: 'label', name: t.value, pos: t };
      case 'punct':
        if (t.value === '[') {
          this.next();
          const n = this.expectIdent('a constant name');
          this.expectPunct(']', 'to close the constant reference');
          return { k: 'const', name: n.value, pos: t };
        }
        if (t.value === '<') {
          const name = this.parseArgRef();
          if (this.isPunct('(')) {
            const args = this.parseMacroArgs();
            return { k: 'argcall', name, args, pos: t };
          }
          return { k: 'arg', name, pos: t };
        }
        return fail(t, `unexpected token ${describe(t)} in macro "${macroName}"`);
      case 'ident':
        return this.parseIdentStmt(macroName, labels);
      default:
        return fail(t, `unexpected token ${describe(t)} in macro "${macroName}"`);
    }
  }

  private parseArgRef(): string {
    this.expectPunct('<');
    const n = this.expectIdent('an argument name');
    this.expectPunct('>', 'to close the argument reference');
    return n.value;
  }

  private parseIdentStmt(macroName: string, labels: Set<string> | null): Stmt {
    const t = this.next();
    const v = t.value;
    if (v === 'true' || v === 'false') return { k: 'lit', value: v === 'true' ? 1n : 0n, pos: t };
    if (BUILTINS.has(v)) {
      const call = this.parseBuiltinCall(t);
      return { k: 'builtin', call, pos: t };
    }
    if (v === '__NOOP') return { k: 'noop', pos: t };
    if (v === 'if' && this.isPunct('(')) return this.parseIf(t, macroName, labels);
    if (v === 'for' && this.isPunct('(')) return this.parseFor(t, macroName, labels);
    if (this.isPunct('(')) {
      const args = this.parseMacroArgs();
      return { k: 'call', name: v, args, pos: t };
    }
    const op = OPCODES.get(v);
    if (op) {
      const w = pushWidth(v);
      if (w > 0) {
        const lit = this.cur;
        if (lit.kind !== 'hex') fail(lit, `"${v}" must be followed by a hex literal, found ${describe(lit)}`);
        this.next();
        const digits = lit.value.replace(/^0+(?=.)/, '');
        if (Math.ceil(digits.length / 2) > w && !/^0+$/.test(lit.value)) {
          fail(lit, `literal 0x${lit.value} does not fit in ${v} (${w} byte${w > 1 ? 's' : ''})`);
        }
        return { k: 'push', width: w, digits: lit.value, pos: t };
      }
      return { k: 'op', name: v, byte: op.byte, pos: t };
    }
    return { k: 'ref', name: v, pos: t };
  }

  private parseIf(start: Token, macroName: string, labels: Set<string> | null): Stmt {
    const branches: Array<{ cond: Expr; body: Stmt[] }> = [];
    let otherwise: Stmt[] | null = null;
    const block = (): Stmt[] => {
      this.expectPunct('{');
      const b = this.parseBody(macroName, labels === null ? null : new Set(labels));
      this.expectPunct('}');
      return b;
    };
    this.expectPunct('(');
    let cond = this.parseExpr();
    this.expectPunct(')');
    branches.push({ cond, body: block() });
    while (this.isWord('else')) {
      this.next();
      if (this.isWord('if')) {
        this.next();
        this.expectPunct('(');
        cond = this.parseExpr();
        this.expectPunct(')');
        branches.push({ cond, body: block() });
        continue;
      }
      otherwise = block();
      break;
    }
    return { k: 'if', branches, otherwise, pos: start };
  }

  private parseFor(start: Token, macroName: string, labels: Set<string> | null): Stmt {
    this.expectPunct('(');
    const v = this.expectIdent('a loop variable');
    const kw = this.expectIdent('"in"');
    if (kw.value !== 'in') fail(kw, `expected "in", found ${describe(kw)}`);
    const from = this.parseExpr();
    this.expectPunct('..', 'in the loop range');
    const to = this.parseExpr();
    let step: Expr | null = null;
    if (this.cur.kind === 'ident' && this.cur.value === 'step') {
      this.next();
      step = this.parseExpr();
    }
    this.expectPunct(')');
    this.expectPunct('{');
    const body = this.parseBody(macroName, labels === null ? null : new Set<string>());
    this.expectPunct('}');
    return { k: 'for', variable: v.value, start: from, end: to, step, body, pos: start };
  }

  /** `( arg, arg, ... )` of a macro invocation. */
  private parseMacroArgs(): MacroArg[] {
    this.expectPunct('(');
    const args: MacroArg[] = [];
    if (this.isPunct(')')) {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.parseMacroArg());
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      this.expectPunct(')', 'to close the argument list');
      return args;
    }
  }

  private parseMacroArg(): MacroArg {
    const t = this.cur;
    if (t.kind === 'hex') {
      this.next();
      return { k: 'lit', value: literalValue(t), pos: t };
    }
    if (this.isPunct('<')) {
      const name = this.parseArgRef();
      if (this.isPunct('(')) return { k: 'argcall', name, args: this.parseMacroArgs(), pos: t };
      return { k: 'arg', name, pos: t };
    }
    if (t.kind === 'ident') {
      this.next();
      if (t.value === 'true' || t.value === 'false') return { k: 'lit', value: t.value === 'true' ? 1n : 0n, pos: t };
      if (t.value === '__NOOP') return { k: 'noop', pos: t };
      if (BUILTINS.has(t.value)) return { k: 'builtin', call: this.parseBuiltinCall(t), pos: t };
      if (this.isPunct('(')) return { k: 'call', name: t.value, args: this.parseMacroArgs(), pos: t };
      return { k: 'ident', name: t.value, pos: t };
    }
    if (t.kind === 'dec') fail(t, `decimal literal "${t.value}" is not allowed as a macro argument; write it as hex (0x...)`);
    return fail(t, `invalid macro argument ${describe(t)}`);
  }

  private parseBuiltinCall(nameTok: Token): BuiltinCall {
    const name = nameTok.value as BuiltinName;
    this.expectPunct('(', `after ${name}`);
    const args: BuiltinArg[] = [];
    if (!this.isPunct(')')) {
      for (;;) {
        args.push(this.parseBuiltinArg());
        if (this.isPunct(',')) {
          this.next();
          continue;
        }
        break;
      }
    }
    this.expectPunct(')', `to close ${name}(...)`);
    return { name, args, pos: nameTok };
  }

  private parseBuiltinArg(): BuiltinArg {
    const t = this.cur;
    switch (t.kind) {
      case 'str':
        this.next();
        return { k: 'str', value: t.value, pos: t };
      case 'hex':
        this.next();
        return { k: 'hex', digits: t.value, pos: t };
      case 'ident':
        this.next();
        if (BUILTINS.has(t.value) && this.isPunct('(')) return { k: 'builtin', call: this.parseBuiltinCall(t) };
        return { k: 'ident', name: t.value, pos: t };
      case 'punct':
        if (t.value === '[') {
          this.next();
          const n = this.expectIdent('a constant name');
          this.expectPunct(']');
          return { k: 'const', name: n.value, pos: t };
        }
        break;
      default:
        break;
    }
    return fail(t, `invalid builtin argument ${describe(t)}`);
  }

  // ---------------------------------------------------------------- constants

  private parseConstant(): ConstDef {
    this.next();
    const nameTok = this.cur;
    // `true`/`false` are allowed as constant names right after `constant`.
    if (nameTok.kind !== 'ident') fail(nameTok, `expected a constant name, found ${describe(nameTok)}`);
    this.next();
    this.expectPunct('=', `after constant name "${nameTok.value}"`);
    const v = this.cur;
    let value: ConstValue;
    if (v.kind === 'ident' && v.value === 'FREE_STORAGE_POINTER') {
      this.next();
      this.expectPunct('(', 'after FREE_STORAGE_POINTER');
      this.expectPunct(')', 'after FREE_STORAGE_POINTER(');
      value = { k: 'fsp' };
    } else if (v.kind === 'str') {
      this.next();
      value = { k: 'str', value: v.value };
    } else if (v.kind === 'ident' && v.value === '__NOOP') {
      this.next();
      value = { k: 'noop' };
    } else if (v.kind === 'ident' && BUILTINS.has(v.value)) {
      this.next();
      value = { k: 'builtin', call: this.parseBuiltinCall(v) };
    } else if (v.kind === 'hex' && !this.isBinaryOp(this.peek())) {
      this.next();
      if (v.value.length > 64) fail(v, `constant "${nameTok.value}" is longer than 32 bytes (0x${v.value})`);
      value = { k: 'hex', digits: v.value };
    } else if (v.kind === 'ident' && (v.value === 'true' || v.value === 'false') && !this.isBinaryOp(this.peek())) {
      this.next();
      value = { k: 'hex', digits: v.value === 'true' ? '01' : '00' };
    } else if (v.kind === 'hex' || v.kind === 'dec' || v.kind === 'punct' || v.kind === 'ident') {
      value = { k: 'expr', expr: this.parseExpr() };
    } else {
      fail(v, `invalid value for constant "${nameTok.value}": ${describe(v)}`);
    }
    return { name: nameTok.value, value, pos: nameTok };
  }

  private isBinaryOp(t: Token): boolean {
    return t.kind === 'punct' && ['+', '-', '*', '/', '%', '==', '!=', '<', '>', '<=', '>='].includes(t.value);
  }

  // Precedence: comparison < additive < multiplicative < unary < primary
  private parseExpr(): Expr {
    let left = this.parseAdditive();
    while (this.cur.kind === 'punct' && ['==', '!=', '<', '>', '<=', '>='].includes(this.cur.value)) {
      const op = this.next();
      const right = this.parseAdditive();
      left = { k: 'bin', op: op.value as BinOp, left, right, pos: op };
    }
    return left;
  }
  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.isPunct('+') || this.isPunct('-')) {
      const op = this.next();
      const right = this.parseMultiplicative();
      left = { k: 'bin', op: op.value as BinOp, left, right, pos: op };
    }
    return left;
  }
  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    while (this.isPunct('*') || this.isPunct('/') || this.isPunct('%')) {
      const op = this.next();
      const right = this.parseUnary();
      left = { k: 'bin', op: op.value as BinOp, left, right, pos: op };
    }
    return left;
  }
  private parseUnary(): Expr {
    if (this.isPunct('-') || this.isPunct('!')) {
      const op = this.next();
      return { k: 'unary', op: op.value as '-' | '!', expr: this.parseUnary(), pos: op };
    }
    return this.parsePrimary();
  }
  private parsePrimary(): Expr {
    const t = this.cur;
    if (t.kind === 'hex') {
      this.next();
      if (t.value.length > 64) fail(t, `literal 0x${t.value} is longer than 32 bytes`);
      return { k: 'num', value: BigInt('0x' + t.value), pos: t };
    }
    if (t.kind === 'dec') {
      this.next();
      const v = BigInt(t.value);
      if (v >= 1n << 256n) fail(t, `literal ${t.value} does not fit in 256 bits`);
      return { k: 'num', value: v, pos: t };
    }
    if (t.kind === 'ident' && (t.value === 'true' || t.value === 'false')) {
      this.next();
      return { k: 'num', value: t.value === 'true' ? 1n : 0n, pos: t };
    }
    if (this.isPunct('[')) {
      this.next();
      const n = this.expectIdent('a constant name');
      this.expectPunct(']');
      return { k: 'const', name: n.value, pos: t };
    }
    if (this.isPunct('<')) {
      const name = this.parseArgRef();
      return { k: 'arg', name, pos: t };
    }
    if (this.isPunct('(')) {
      this.next();
      const e = this.parseExpr();
      this.expectPunct(')', 'to close the parenthesis');
      return e;
    }
    return fail(t, `invalid expression: unexpected ${describe(t)}`);
  }

  // ---------------------------------------------------------------- ABI

  private parseAbi(kind: 'function' | 'event' | 'error'): AbiDef {
    this.next();
    const nameTok = this.expectIdent(`a ${kind} name`);
    const inputs = this.parseAbiParams(kind === 'event');
    let stateMutability: AbiDef['stateMutability'] = 'nonpayable';
    let outputs: AbiParamDef[] = [];
    let anonymous = false;
    if (kind === 'function') {
      if (this.cur.kind === 'ident' && ABI_MUTABILITY.has(this.cur.value)) {
        stateMutability = this.next().value as AbiDef['stateMutability'];
      }
      if (this.cur.kind === 'ident' && this.cur.value === 'returns') {
        this.next();
        outputs = this.parseAbiParams(false);
      }
    } else if (kind === 'event' && this.cur.kind === 'ident' && this.cur.value === 'anonymous') {
      this.next();
      anonymous = true;
    }
    return { kind, name: nameTok.value, inputs, outputs, stateMutability, anonymous, pos: nameTok };
  }

  private parseAbiParams(allowIndexed: boolean): AbiParamDef[] {
    this.expectPunct('(');
    const out: AbiParamDef[] = [];
    if (this.isPunct(')')) {
      this.next();
      return out;
    }
    for (;;) {
      out.push(this.parseAbiParam(allowIndexed));
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      this.expectPunct(')', 'to close the parameter list');
      return out;
    }
  }

  private parseAbiParam(allowIndexed: boolean): AbiParamDef {
    let type: string;
    let components: AbiParamDef[] | null = null;
    const t = this.cur;
    if (this.isPunct('(')) {
      components = this.parseAbiParams(false);
      type = `(${components.map((c) => c.type).join(',')})`;
    } else if (t.kind === 'ident' && t.value === 'tuple' && this.isPunct('(', this.peek())) {
      this.next();
      components = this.parseAbiParams(false);
      type = `(${components.map((c) => c.type).join(',')})`;
    } else {
      const tt = this.expectIdent('an ABI type');
      type = canonicalType(tt.value);
    }
    // array suffixes
    while (this.isPunct('[')) {
      this.next();
      let dim = '';
      if (this.cur.kind === 'dec' || this.cur.kind === 'hex') dim = String(this.parseNumber('an array length'));
      this.expectPunct(']');
      type += `[${dim}]`;
    }
    let indexed = false;
    let name = '';
    while (this.cur.kind === 'ident') {
      const w = this.cur.value;
      if (w === 'indexed' && allowIndexed) {
        indexed = true;
        this.next();
      } else if (w === 'memory' || w === 'calldata' || w === 'storage') {
        this.next();
      } else if (name === '') {
        name = this.next().value;
      } else break;
    }
    return { name, type, indexed, components };
  }

  // ---------------------------------------------------------------- tables

  private parseTable(kind: 'jumptable' | 'jumptable__packed' | 'table'): TableDef {
    this.next();
    const nameTok = this.expectIdent('a table name');
    if (this.isPunct('(')) {
      this.next();
      this.expectPunct(')', 'in the table header');
    }
    if (this.isPunct('=')) this.next();
    this.expectPunct('{', `to open table "${nameTok.value}"`);
    const entries: TableEntry[] = [];
    while (!this.isPunct('}')) {
      const t = this.cur;
      if (t.kind === 'eof') fail(t, `unterminated table "${nameTok.value}"`);
      if (kind !== 'table') {
        if (t.kind !== 'ident') fail(t, `jump table "${nameTok.value}" may only contain label names, found ${describe(t)}`);
        this.next();
        entries.push({ k: 'label', name: t.value, pos: t });
        continue;
      }
      if (t.kind === 'hex') {
        this.next();
        entries.push({ k: 'hex', digits: t.value, pos: t });
      } else if (this.isPunct('[')) {
        this.next();
        const n = this.expectIdent('a constant name');
        this.expectPunct(']');
        entries.push({ k: 'const', name: n.value, pos: t });
      } else if (t.kind === 'ident' && BUILTINS.has(t.value)) {
        this.next();
        entries.push({ k: 'builtin', call: this.parseBuiltinCall(t), pos: t });
      } else {
        fail(t, `invalid entry ${describe(t)} in code table "${nameTok.value}"`);
      }
    }
    this.next();
    return { kind, name: nameTok.value, entries, pos: nameTok };
  }
}

/** Value of a hex literal pushed with a minimal push; at most 32 bytes (leading zeros aside). */
function literalValue(t: Token): bigint {
  const v = BigInt('0x' + t.value);
  if (v >> 256n !== 0n) fail(t, `literal 0x${t.value} is longer than 32 bytes`);
  return v;
}

/** Solidity canonical spelling of elementary types used in signatures. */
export function canonicalType(t: string): string {
  if (t === 'uint') return 'uint256';
  if (t === 'int') return 'int256';
  if (t === 'byte') return 'bytes1';
  if (t === 'fixed') return 'fixed128x18';
  if (t === 'ufixed') return 'ufixed128x18';
  return t;
}

export type { SourcePos };
