import type { AbiDef, ConstDef, MacroDef, Stmt, TableDef } from './ast.js';
import { fail } from './errors.js';
import type { LoadedFile } from './includes.js';

/** All definitions of the flattened program (one global namespace). */
export interface Contract {
  readonly macros: ReadonlyMap<string, MacroDef>;
  /** `fn` definitions in flattened definition order (they are appended in this order). */
  readonly fns: readonly MacroDef[];
  /** First definition of each name wins (hnc looks constants up with `find`). */
  readonly constants: Map<string, ConstDef>;
  readonly tables: ReadonlyMap<string, TableDef>;
  readonly abi: readonly AbiDef[];
}

export function buildContract(files: readonly LoadedFile[]): Contract {
  const macros = new Map<string, MacroDef>();
  const fns: MacroDef[] = [];
  const constants = new Map<string, ConstDef>();
  const tables = new Map<string, TableDef>();
  const abi: AbiDef[] = [];
  for (const f of files) {
    for (const m of f.ast.macros) {
      const prev = macros.get(m.name);
      if (prev) fail(m.pos, `duplicate macro "${m.name}" (first defined at ${prev.pos.file}:${prev.pos.line}:${prev.pos.col})`);
      macros.set(m.name, m);
      if (m.kind === 'fn') fns.push(m);
    }
    for (const c of f.ast.constants) {
      // Copy: FSP slots and -c overrides mutate the definition.
      if (!constants.has(c.name)) constants.set(c.name, { name: c.name, value: c.value, pos: c.pos });
    }
    for (const t of f.ast.tables) {
      const prev = tables.get(t.name);
      if (prev) fail(t.pos, `duplicate table "${t.name}" (first defined at ${prev.pos.file}:${prev.pos.line}:${prev.pos.col})`);
      tables.set(t.name, t);
    }
    abi.push(...f.ast.abi);
  }
  return { macros, fns, constants, tables, abi };
}

/**
 * Free storage pointer numbering (hnc `derive_storage_pointers`): walk CONSTRUCTOR then MAIN
 * depth-first in statement order; each FSP constant gets the next counter value the first time it
 * is referenced (`[C]`, or passed by name as a macro argument before the callee body is walked;
 * builtins whose argument names a macro walk that macro). The counter is printed in decimal and
 * read back as hex, so the 11th pointer is slot 0x10.
 */
export function assignStoragePointers(c: Contract): void {
  let counter = 0;
  const walked = new Set<string>(); // a second walk of a macro cannot assign anything new
  const onStack = new Set<string>();
  const assign = (name: string): void => {
    const def = c.constants.get(name);
    if (def && def.value.k === 'fsp' && def.slot === undefined) {
      def.slot = BigInt('0x' + String(counter));
      counter++;
    }
  };
  const walkMacro = (name: string): void => {
    const m = c.macros.get(name);
    if (!m || walked.has(name) || onStack.has(name)) return;
    onStack.add(name);
    walkBody(m.body);
    onStack.delete(name);
    walked.add(name);
  };
  const walkBody = (body: readonly Stmt[]): void => {
    for (const s of body) {
      switch (s.k) {
        case 'const':
          assign(s.name);
          break;
        case 'call':
          for (const a of s.args) if (a.k === 'ident' && c.constants.has(a.name)) assign(a.name);
          walkMacro(s.name);
          break;
        case 'builtin':
          for (const a of s.call.args) if (a.k === 'ident' && c.macros.has(a.name)) walkMacro(a.name);
          break;
        default:
          break;
      }
    }
  };
  walkMacro('CONSTRUCTOR');
  walkMacro('MAIN');
}
