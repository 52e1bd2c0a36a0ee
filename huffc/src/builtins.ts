import type { AbiDef, BuiltinArg, BuiltinCall, ConstDef, Expr } from './ast.js';
import { MAX_U256 } from './bytes.js';
import type { Contract } from './contract.js';
import { fail, type SourcePos } from './errors.js';
import { keccakText } from './keccak.js';

function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export function signatureOf(d: AbiDef): string {
  return `${d.name}(${d.inputs.map((p) => p.type).join(',')})`;
}

// keccak of a string is pure; programs use the same __FUNC_SIG in many macro invocations.
const hashCache = new Map<string, bigint>();

/** keccak256 of the UTF-8 text as a 256-bit number (memoised). */
export function hashText(text: string): bigint {
  let h = hashCache.get(text);
  if (h === undefined) {
    h = bytesToBig(keccakText(text));
    hashCache.set(text, h);
  }
  return h;
}

export function selectorOf(signature: string): bigint {
  return hashText(signature) >> 224n;
}

/** A builtin's compile-time value. `full` marks 32-byte values that must not be trimmed (pads). */
export interface BuiltinValue {
  readonly value: bigint;
  readonly full: boolean;
}

function singleArg(call: BuiltinCall): BuiltinArg {
  if (call.args.length !== 1) {
    fail(call.pos, `${call.name} takes 1 argument, got ${call.args.length}`);
  }
  return call.args[0]!;
}

function nameOrString(call: BuiltinCall): string {
  const a = singleArg(call);
  if (a.k === 'str') return a.value;
  if (a.k === 'ident') return a.name;
  return fail(call.pos, `${call.name} expects a string or an identifier`);
}

/** Looks a constant up; errors if it does not exist. */
export function lookupConstant(c: Contract, name: string, pos: SourcePos): ConstDef {
  const d = c.constants.get(name);
  if (!d) fail(pos, `undefined constant "${name}"`);
  return d;
}

/**
 * Evaluates builtins usable outside macro bodies (constants, code tables, macro arguments):
 * __FUNC_SIG, __EVENT_HASH, __ERROR, __BYTES, __RIGHTPAD, __LEFTPAD.
 */
export function evalBuiltin(c: Contract, call: BuiltinCall, inConstant = false): BuiltinValue {
  switch (call.name) {
    case '__FUNC_SIG': {
      const s = nameOrString(call);
      const f = c.abi.find((d) => d.kind === 'function' && d.name === s) ?? c.abi.find((d) => d.kind === 'error' && d.name === s);
      return { value: selectorOf(f ? signatureOf(f) : s), full: false };
    }
    case '__EVENT_HASH': {
      const s = nameOrString(call);
      const e = c.abi.find((d) => d.kind === 'event' && d.name === s);
      return { value: hashText(e ? signatureOf(e) : s), full: false };
    }
    case '__ERROR': {
      if (inConstant) fail(call.pos, '__ERROR is not supported in constant definitions and code tables');
      const s = nameOrString(call);
      const e = c.abi.find((d) => d.kind === 'error' && d.name === s);
      if (e) return { value: selectorOf(signatureOf(e)) << 224n, full: false };
      return { value: selectorOf(s), full: false };
    }
    case '__BYTES': {
      const a = singleArg(call);
      let text: string;
      if (a.k === 'str') text = a.value;
      else if (a.k === 'const') {
        // __BYTES([NAME]) of a string constant (hnc)
        const d = lookupConstant(c, a.name, a.pos);
        if (d.value.k !== 'str') fail(call.pos, `__BYTES expects a string literal or a string constant; constant "${a.name}" is not a string`);
        text = d.value.value;
      } else return fail(call.pos, '__BYTES expects a string literal or a string constant');
      const b = new TextEncoder().encode(text);
      if (b.length === 0) fail(call.pos, 'empty string passed to __BYTES');
      if (b.length > 32) fail(call.pos, `__BYTES: "${text}" is ${b.length} bytes, more than 32`);
      return { value: bytesToBig(b), full: false };
    }
    case '__RIGHTPAD':
    case '__LEFTPAD': {
      const a = singleArg(call);
      let digits: string;
      if (a.k === 'hex') digits = a.digits;
      else if (a.k === 'const') digits = trimmedHex(constValue(c, lookupConstant(c, a.name, a.pos), a.pos));
      else if (a.k === 'builtin' && ['__FUNC_SIG', '__BYTES', '__EVENT_HASH'].includes(a.call.name)) {
        digits = trimmedHex(evalBuiltin(c, a.call).value);
      } else return fail(call.pos, `invalid argument to ${call.name}: expected a hex literal, [CONSTANT], __FUNC_SIG, __BYTES or __EVENT_HASH`);
      if (digits.length & 1) digits = call.name === '__RIGHTPAD' ? digits + '0' : '0' + digits;
      if (digits.length > 64) fail(call.pos, `${call.name}: value is longer than 32 bytes`);
      const v = BigInt('0x' + digits);
      return { value: call.name === '__RIGHTPAD' ? v << BigInt(4 * (64 - digits.length)) : v, full: true };
    }
    default:
      return fail(call.pos, `${call.name} cannot be used here`);
  }
}

/** Hex digits of `v` with leading zero bytes removed (`00` for zero). */
export function trimmedHex(v: bigint): string {
  let h = v.toString(16);
  if (h.length & 1) h = '0' + h;
  return h;
}

/** The 256-bit value of a constant (for expressions, pads and [C] pushes). */
export function constValue(c: Contract, d: ConstDef, pos: SourcePos, evaluating: Set<string> = new Set()): bigint {
  const v = d.value;
  switch (v.k) {
    case 'hex':
      return BigInt('0x' + v.digits);
    case 'fsp':
      if (d.slot === undefined) {
        fail(pos, `free storage pointer constant "${d.name}" has no slot: it is not referenced from MAIN or CONSTRUCTOR`);
      }
      return d.slot;
    case 'expr': {
      if (evaluating.has(d.name)) fail(pos, `circular constant definition involving "${d.name}"`);
      evaluating.add(d.name);
      const r = evalExpr(c, v.expr, null, evaluating);
      evaluating.delete(d.name);
      return r;
    }
    case 'builtin':
      return evalBuiltin(c, v.call, true).value;
    case 'str':
      return fail(pos, `constant "${d.name}" is a string; use __BYTES([${d.name}]) or a hex value`);
    case 'noop':
      return fail(pos, `constant "${d.name}" is __NOOP and has no value`);
  }
}

/** Resolves `<arg>` inside compile-time expressions (if/for); null outside macro bodies. */
export type ArgEvaluator = ((name: string, pos: SourcePos) => bigint) | null;

export function evalExpr(c: Contract, e: Expr, args: ArgEvaluator, evaluating: Set<string> = new Set()): bigint {
  switch (e.k) {
    case 'num':
      return e.value;
    case 'const':
      return constValue(c, lookupConstant(c, e.name, e.pos), e.pos, evaluating);
    case 'arg':
      if (!args) return fail(e.pos, `<${e.name}> cannot be used in a constant definition`);
      return args(e.name, e.pos);
    case 'unary': {
      const x = evalExpr(c, e.expr, args, evaluating);
      return e.op === '-' ? (MAX_U256 + 1n - x) & MAX_U256 : x === 0n ? 1n : 0n;
    }
    case 'bin': {
      const l = evalExpr(c, e.left, args, evaluating);
      const r = evalExpr(c, e.right, args, evaluating);
      switch (e.op) {
        case '+':
          return (l + r) & MAX_U256;
        case '-':
          return (l - r) & MAX_U256;
        case '*':
          return (l * r) & MAX_U256;
        case '/':
          if (r === 0n) fail(e.pos, 'division by zero in constant expression');
          return l / r;
        case '%':
          if (r === 0n) fail(e.pos, 'modulo by zero in constant expression');
          return l % r;
        case '==':
          return l === r ? 1n : 0n;
        case '!=':
          return l !== r ? 1n : 0n;
        case '<':
          return l < r ? 1n : 0n;
        case '>':
          return l > r ? 1n : 0n;
        case '<=':
          return l <= r ? 1n : 0n;
        case '>=':
          return l >= r ? 1n : 0n;
      }
    }
  }
}
