import { fail, type SourcePos } from './errors.js';

export type TokenKind =
  | 'define' // #define
  | 'include' // #include
  | 'ident'
  | 'labeldef' // `name:` with no space before the colon; value is the name
  | 'hex' // value: the digits after 0x, lowercased, exactly as many as written
  | 'dec' // value: decimal digits
  | 'str' // value: the string contents
  | 'punct' // one of ( ) { } [ ] < > , = + - * / % ! # and the two-char == != <= >= ..
  | 'eof';

export interface Token extends SourcePos {
  readonly kind: TokenKind;
  readonly value: string;
}

const PUNCT2 = new Set(['==', '!=', '<=', '>=', '..']);
const PUNCT1 = new Set(['(', ')', '{', '}', '[', ']', '<', '>', ',', '=', '+', '-', '*', '/', '%', '!', '#', ':']);

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * Tokenises one Huff source file. Comments (`//`, nested `/* *\/`) and whitespace are dropped.
 * Positions are 1-based line/column of the token's first character.
 */
export function tokenize(src: string, file: string): Token[] {
  const out: Token[] = [];
  const n = src.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): SourcePos => ({ file, line, col: at - lineStart + 1 });
  const push = (kind: TokenKind, value: string, at: number): void => {
    out.push({ kind, value, file, line, col: at - lineStart + 1 });
  };

  while (i < n) {
    const c = src.charCodeAt(i);
    // whitespace
    if (c === 10) {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    // comments
    if (c === 47 /* / */ && i + 1 < n) {
      const d = src.charCodeAt(i + 1);
      if (d === 47) {
        while (i < n && src.charCodeAt(i) !== 10) i++;
        continue;
      }
      if (d === 42 /* * */) {
        const start = pos(i);
        let depth = 1;
        i += 2;
        while (i < n && depth > 0) {
          const e = src.charCodeAt(i);
          if (e === 10) {
            i++;
            line++;
            lineStart = i;
          } else if (e === 47 && src.charCodeAt(i + 1) === 42) {
            depth++;
            i += 2;
          } else if (e === 42 && src.charCodeAt(i + 1) === 47) {
            depth--;
            i += 2;
          } else i++;
        }
        if (depth > 0) fail(start, 'unterminated block comment');
        continue;
      }
    }
    const start = i;
    // # directives
    if (c === 35 /* # */) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      const word = src.slice(i + 1, j);
      if (word === 'define') {
        push('define', '#define', start);
        i = j;
        continue;
      }
      if (word === 'include') {
        push('include', '#include', start);
        i = j;
        continue;
      }
      if (word.length > 0) fail(pos(start), `unknown directive "#${word}" (expected #define or #include)`);
      push('punct', '#', start);
      i++;
      continue;
    }
    // numbers / hex literals
    if (isDigit(c)) {
      if (c === 48 && (src.charCodeAt(i + 1) === 120 /* x */ || src.charCodeAt(i + 1) === 88) /* X */) {
        if (src.charCodeAt(i + 1) === 88) fail(pos(start), `invalid literal "${readWord(src, i)}": use a lowercase 0x prefix`);
        let j = i + 2;
        while (j < n && isHexDigit(src.charCodeAt(j))) j++;
        if (j === i + 2 || (j < n && isIdentPart(src.charCodeAt(j)))) {
          fail(pos(start), `invalid hex literal "${readWord(src, i)}"`);
        }
        push('hex', src.slice(i + 2, j).toLowerCase(), start);
        i = j;
        continue;
      }
      let j = i;
      while (j < n && isDigit(src.charCodeAt(j))) j++;
      if (j < n && isIdentPart(src.charCodeAt(j))) fail(pos(start), `invalid literal "${readWord(src, i)}"`);
      push('dec', src.slice(i, j), start);
      i = j;
      continue;
    }
    // identifiers and label definitions
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      const word = src.slice(i, j);
      if (src.charCodeAt(j) === 58 /* : */) {
        push('labeldef', word, start);
        i = j + 1;
      } else {
        push('ident', word, start);
        i = j;
      }
      continue;
    }
    // strings: end at the next quote of either kind (no escapes), like hnc
    if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < n && src.charCodeAt(j) !== 34 && src.charCodeAt(j) !== 39) {
        if (src.charCodeAt(j) === 10) fail(pos(start), 'unterminated string literal');
        j++;
      }
      if (j >= n) fail(pos(start), 'unterminated string literal');
      push('str', src.slice(i + 1, j), start);
      i = j + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (PUNCT2.has(two)) {
      push('punct', two, start);
      i += 2;
      continue;
    }
    const one = src[i]!;
    if (PUNCT1.has(one)) {
      push('punct', one, start);
      i++;
      continue;
    }
    fail(pos(start), `unexpected character "${String.fromCodePoint(src.codePointAt(i)!)}"`);
  }
  out.push({ kind: 'eof', value: '', file, line, col: i - lineStart + 1 });
  return out;
}

function readWord(src: string, i: number): string {
  let j = i;
  while (j < src.length && isIdentPart(src.charCodeAt(j))) j++;
  return src.slice(i, j);
}
