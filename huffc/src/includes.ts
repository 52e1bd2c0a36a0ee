import * as path from 'node:path';
import type { FileAst } from './ast.js';
import { fail, type SourcePos } from './errors.js';
import { tokenize } from './lexer.js';
import { parseFile } from './parser.js';

/** How source files are located and read. */
export interface SourceHost {
  /** Identity of a file (used to read each file once and to detect cycles). */
  key(displayPath: string): string;
  /** File contents, or undefined if the file does not exist. */
  read(key: string): string | undefined;
}

export interface LoadedFile {
  /** Path as shown in messages (relative paths stay relative). */
  readonly path: string;
  readonly key: string;
  readonly ast: FileAst;
}

/** Resolves an `#include` path relative to the directory of the including file. */
export function resolveIncludePath(fromDisplay: string, rel: string): string {
  if (path.isAbsolute(rel)) return path.normalize(rel);
  const joined = path.join(path.dirname(fromDisplay), rel);
  return joined;
}

/**
 * Loads the entry file and everything it includes. Returns the files in hnc's flattened order:
 * depth-first, post-order (an included file's own includes first, then the file), the entry last,
 * each file once. An include cycle is an error naming the cycle (hnc silently cuts cycles).
 */
export function loadSources(entry: string, host: SourceHost): LoadedFile[] {
  const cache = new Map<string, LoadedFile>();
  const order: LoadedFile[] = [];
  const emitted = new Set<string>();

  const load = (display: string, at: SourcePos | null): LoadedFile => {
    const key = host.key(display);
    const hit = cache.get(key);
    if (hit) return hit;
    const text = host.read(key);
    if (text === undefined) {
      if (at) fail(at, `included file "${display}" not found`);
      fail({ file: display, line: 1, col: 1 }, `file not found: ${display}`);
    }
    const ast = parseFile(tokenize(text, display));
    const f: LoadedFile = { path: display, key, ast };
    cache.set(key, f);
    return f;
  };

  const visit = (file: LoadedFile, stack: LoadedFile[]): void => {
    for (const inc of file.ast.includes) {
      const display = resolveIncludePath(file.path, inc.path);
      const key = host.key(display);
      const onStack = stack.findIndex((s) => s.key === key);
      if (onStack >= 0) {
        const cycle = [...stack.slice(onStack).map((s) => s.path), display].join(' -> ');
        fail(inc.pos, `include cycle: ${cycle}`);
      }
      if (emitted.has(key)) continue;
      const target = load(display, inc.pos);
      visit(target, [...stack, target]);
      if (!emitted.has(key)) {
        emitted.add(key);
        order.push(target);
      }
    }
  };

  const root = load(entry, null);
  visit(root, [root]);
  if (!emitted.has(root.key)) order.push(root);
  return order;
}
