/** A source position: file as displayed in messages, 1-based line and column. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/**
 * Every compile error. `message` is `file:line:col: detail`; the parts are kept separately too.
 */
export class HuffError extends Error {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The message without the `file:line:col: ` prefix. */
  readonly detail: string;

  constructor(pos: SourcePos, detail: string) {
    super(`${pos.file}:${pos.line}:${pos.col}: ${detail}`);
    this.name = 'HuffError';
    this.file = pos.file;
    this.line = pos.line;
    this.col = pos.col;
    this.detail = detail;
  }
}

export function fail(pos: SourcePos, detail: string): never {
  throw new HuffError(pos, detail);
}
