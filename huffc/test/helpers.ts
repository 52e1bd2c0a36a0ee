import { compile, HuffError, type CompileOptions, type CompileResult } from '../src/index.js';

type Extra = Omit<CompileOptions, 'entry' | 'files'>;

/** Compiles a single in-memory file `main.huff`. */
export function build(src: string, extra: Extra = {}, files: Record<string, string> = {}): CompileResult {
  return compile({ entry: 'main.huff', files: { 'main.huff': src, ...files }, ...extra });
}

/** Runtime hex of a single-file program. */
export function rt(src: string, extra: Extra = {}): string {
  return build(src, extra).runtime;
}

/** The HuffError message a program fails with. */
export function err(src: string, extra: Extra = {}, files: Record<string, string> = {}): string {
  try {
    build(src, extra, files);
  } catch (e) {
    if (e instanceof HuffError) return e.message;
    throw e;
  }
  throw new Error('expected a compile error');
}

/** Joins hex pieces (lets tests write bytecode grouped by instruction). */
export function hex(...parts: string[]): string {
  return parts.join('').replace(/\s+/g, '');
}
