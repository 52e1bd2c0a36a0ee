/**
 * Reads the `#define constant` definitions of a Huff source through the project's Huff compiler
 * (huffc/src): its lexer and parser find the definitions, and its constant evaluation gives each
 * value, so arithmetic expressions and `[OTHER]` references (`[MEM_ENTRIES] - 24`) read exactly as
 * the compiler builds them. The comments around a definition, which the lexer drops, are taken
 * from the source lines the parser located it at.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { constValue, signatureOf } from '../huffc/src/builtins.ts';
import { assignStoragePointers, buildContract } from '../huffc/src/contract.ts';
import { loadSources, type LoadedFile } from '../huffc/src/includes.ts';

/** One numeric constant as the compiler sees it, with the comments written around it. */
export interface HuffConstant {
  readonly name: string;
  /** The value the compiler pushes for `[NAME]` (expressions evaluated). */
  readonly value: bigint;
  /** 1-based line of the definition. */
  readonly line: number;
  /** Text of the `///` lines directly above the definition, then of the `//` comment ending its line. */
  readonly doc: readonly string[];
  /** Text of the plain `//` lines directly above the definition (a heading of the constants that follow). */
  readonly heading: readonly string[];
}

/** The numeric constants one Huff file defines, in source order. */
export interface HuffConstantFile {
  /** The file as given. */
  readonly path: string;
  /** Text of the `///` lines opening the file, up to the first line that is not one. */
  readonly header: readonly string[];
  readonly constants: readonly HuffConstant[];
  /** Canonical signatures of the `#define error` declarations, e.g. `CodeNotArchived(bytes32)`. */
  readonly errorSignatures: readonly string[];
}

export interface ReadHuffConstantsOptions {
  /**
   * The program whose namespace evaluates the constants (its entry file, e.g. src/Hypervisor.huff): a
   * definition may refer to constants of any file the program includes. Default: `file` alone.
   * `file` must be one of the program's files.
   */
  readonly program?: string;
}

const COMMENT = /^\s*\/\/(\/?)\s?(.*)$/;

/** Comment text of a source line: `{ doc, text }` for `///` / `//` lines, null otherwise. */
function commentLine(line: string): { readonly doc: boolean; readonly text: string } | null {
  const m = COMMENT.exec(line);
  return m ? { doc: m[1] === '/', text: m[2]!.trimEnd() } : null;
}

/** The `//` comment ending a definition line, searched after the column where the definition starts. */
function trailingComment(line: string, fromCol: number): string | null {
  const at = line.indexOf('//', fromCol - 1);
  return at < 0 ? null : line.slice(at).replace(/^\/\/\/?\s?/, '').trimEnd();
}

function fileHeader(lines: readonly string[]): string[] {
  const header: string[] = [];
  for (const l of lines) {
    const c = commentLine(l);
    if (!c || !c.doc) break;
    header.push(c.text);
  }
  return header;
}

/** The comment lines directly above `line` (1-based), split into the `///` doc and the `//` heading. */
function commentsAbove(lines: readonly string[], line: number, header: number): { doc: string[]; heading: string[] } {
  const doc: string[] = [];
  const heading: string[] = [];
  for (let i = line - 2; i >= header; i--) {
    const c = commentLine(lines[i]!);
    if (!c) break;
    (c.doc ? doc : heading).unshift(c.text);
  }
  return { doc, heading };
}

/** The numeric constants `file` defines, their values evaluated by the Huff compiler. */
export function readHuffConstantFile(file: string, options: ReadHuffConstantsOptions = {}): HuffConstantFile {
  const host = {
    key: (p: string): string => path.resolve(p),
    read: (abs: string): string | undefined => {
      try {
        return readFileSync(abs, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
  const files = loadSources(options.program ?? file, host);
  const own: LoadedFile | undefined = files.find((f) => f.key === path.resolve(file));
  if (!own) throw new Error(`${file} is not part of the program ${options.program ?? file}`);
  const contract = buildContract(files);
  assignStoragePointers(contract);
  const lines = host.read(own.key)!.split('\n');
  const header = fileHeader(lines);
  const constants: HuffConstant[] = [];
  for (const def of own.ast.constants) {
    if (def.value.k === 'str' || def.value.k === 'noop') continue; // no number to mirror
    const effective = contract.constants.get(def.name)!;
    if (effective.pos.file !== def.pos.file || effective.pos.line !== def.pos.line) {
      throw new Error(
        `${file}:${def.pos.line}: ${def.name} is defined first at ${effective.pos.file}:${effective.pos.line}, which the compiler uses`,
      );
    }
    const above = commentsAbove(lines, def.pos.line, header.length);
    const trailing = trailingComment(lines[def.pos.line - 1]!, def.pos.col);
    constants.push({
      name: def.name,
      value: constValue(contract, effective, def.pos),
      line: def.pos.line,
      doc: trailing === null ? above.doc : [...above.doc, trailing],
      heading: above.heading,
    });
  }
  const errorSignatures = own.ast.abi.filter((d) => d.kind === 'error').map(signatureOf);
  return { path: file, header, constants, errorSignatures };
}

/** Name → value of the numeric constants `file` defines, evaluated by the Huff compiler. */
export function readHuffConstants(file: string, options: ReadHuffConstantsOptions = {}): Map<string, bigint> {
  return new Map(readHuffConstantFile(file, options).constants.map((c) => [c.name, c.value]));
}
