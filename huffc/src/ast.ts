import type { SourcePos } from './errors.js';

/** Compile-time expression (constants, if/for conditions and bounds). */
export type Expr =
  | { readonly k: 'num'; readonly value: bigint; readonly pos: SourcePos }
  | { readonly k: 'const'; readonly name: string; readonly pos: SourcePos }
  | { readonly k: 'arg'; readonly name: string; readonly pos: SourcePos }
  | { readonly k: 'unary'; readonly op: '-' | '!'; readonly expr: Expr; readonly pos: SourcePos }
  | { readonly k: 'bin'; readonly op: BinOp; readonly left: Expr; readonly right: Expr; readonly pos: SourcePos };

export type BinOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '>' | '<=' | '>=';

export type BuiltinName =
  | '__FUNC_SIG'
  | '__EVENT_HASH'
  | '__ERROR'
  | '__RIGHTPAD'
  | '__LEFTPAD'
  | '__BYTES'
  | '__VERBATIM'
  | '__codesize'
  | '__tablesize'
  | '__tablestart'
  | '__EMBED_TABLE'
  | '__ASSERT_PC'
  | '__CODECOPY_DYN_ARG';

export const BUILTINS: ReadonlySet<string> = new Set<BuiltinName>([
  '__FUNC_SIG',
  '__EVENT_HASH',
  '__ERROR',
  '__RIGHTPAD',
  '__LEFTPAD',
  '__BYTES',
  '__VERBATIM',
  '__codesize',
  '__tablesize',
  '__tablestart',
  '__EMBED_TABLE',
  '__ASSERT_PC',
  '__CODECOPY_DYN_ARG',
]);

/** Argument of a builtin call. */
export type BuiltinArg =
  | { readonly k: 'str'; readonly value: string; readonly pos: SourcePos }
  | { readonly k: 'ident'; readonly name: string; readonly pos: SourcePos }
  | { readonly k: 'hex'; readonly digits: string; readonly pos: SourcePos }
  | { readonly k: 'const'; readonly name: string; readonly pos: SourcePos }
  | { readonly k: 'builtin'; readonly call: BuiltinCall };

export interface BuiltinCall {
  readonly name: BuiltinName;
  readonly args: readonly BuiltinArg[];
  readonly pos: SourcePos;
}

/** An argument written in a macro invocation `M(a, b)`. */
export type MacroArg =
  | { readonly k: 'lit'; readonly value: bigint; readonly pos: SourcePos }
  | { readonly k: 'ident'; readonly name: string; readonly pos: SourcePos }
  | { readonly k: 'arg'; readonly name: string; readonly pos: SourcePos } // <x>
  | { readonly k: 'argcall'; readonly name: string; readonly args: readonly MacroArg[]; readonly pos: SourcePos } // <x>(..)
  | { readonly k: 'call'; readonly name: string; readonly args: readonly MacroArg[]; readonly pos: SourcePos }
  | { readonly k: 'builtin'; readonly call: BuiltinCall; readonly pos: SourcePos }
  | { readonly k: 'noop'; readonly pos: SourcePos };

export type Stmt =
  | { readonly k: 'op'; readonly name: string; readonly byte: number; readonly pos: SourcePos }
  | { readonly k: 'push'; readonly width: number; readonly digits: string; readonly pos: SourcePos } // pushN 0x..
  | { readonly k: 'lit'; readonly value: bigint; readonly pos: SourcePos } // 0x.. → minimal push
  | { readonly k: 'const'; readonly name: string; readonly pos: SourcePos } // [NAME]
  | { readonly k: 'arg'; readonly name: string; readonly pos: SourcePos } // <name>
  | { readonly k: 'argcall'; readonly name: string; readonly args: readonly MacroArg[]; readonly pos: SourcePos } // <name>(..)
  | { readonly k: 'call'; readonly name: string; readonly args: readonly MacroArg[]; readonly pos: SourcePos }
  | { readonly k: 'label'; readonly name: string; readonly pos: SourcePos }
  | { readonly k: 'ref'; readonly name: string; readonly pos: SourcePos }
  | { readonly k: 'builtin'; readonly call: BuiltinCall; readonly pos: SourcePos }
  | { readonly k: 'noop'; readonly pos: SourcePos } // __NOOP
  | {
      readonly k: 'if';
      readonly branches: ReadonlyArray<{ readonly cond: Expr; readonly body: readonly Stmt[] }>;
      readonly otherwise: readonly Stmt[] | null;
      readonly pos: SourcePos;
    }
  | {
      readonly k: 'for';
      readonly variable: string;
      readonly start: Expr;
      readonly end: Expr;
      readonly step: Expr | null;
      readonly body: readonly Stmt[];
      readonly pos: SourcePos;
    };

export interface MacroDef {
  readonly kind: 'macro' | 'fn' | 'test';
  readonly name: string;
  readonly params: readonly string[];
  readonly takes: number;
  readonly returns: number;
  readonly body: readonly Stmt[];
  readonly pos: SourcePos;
}

export type ConstValue =
  | { readonly k: 'hex'; readonly digits: string } // as written (lowercase, no 0x)
  | { readonly k: 'fsp' }
  | { readonly k: 'expr'; readonly expr: Expr }
  | { readonly k: 'builtin'; readonly call: BuiltinCall }
  | { readonly k: 'str'; readonly value: string }
  | { readonly k: 'noop' };

export interface ConstDef {
  readonly name: string;
  value: ConstValue;
  readonly pos: SourcePos;
  /** Slot assigned by the free-storage-pointer walk (fsp constants only). */
  slot?: bigint;
}

export type TableEntry =
  | { readonly k: 'label'; readonly name: string; readonly pos: SourcePos }
  | { readonly k: 'hex'; readonly digits: string; readonly pos: SourcePos }
  | { readonly k: 'const'; readonly name: string; readonly pos: SourcePos }
  | { readonly k: 'builtin'; readonly call: BuiltinCall; readonly pos: SourcePos };

export interface TableDef {
  readonly kind: 'jumptable' | 'jumptable__packed' | 'table';
  readonly name: string;
  readonly entries: readonly TableEntry[];
  readonly pos: SourcePos;
}

/** ABI parameter as declared in `#define function/event/error`. */
export interface AbiParamDef {
  readonly name: string;
  /** Canonical type, e.g. `uint256`, `(uint256,address)[]`. */
  readonly type: string;
  readonly indexed: boolean;
  readonly components: readonly AbiParamDef[] | null;
}

export interface AbiDef {
  readonly kind: 'function' | 'event' | 'error';
  readonly name: string;
  readonly inputs: readonly AbiParamDef[];
  readonly outputs: readonly AbiParamDef[];
  readonly stateMutability: 'pure' | 'view' | 'nonpayable' | 'payable';
  readonly anonymous: boolean;
  readonly pos: SourcePos;
}

/** Definitions of one source file, in textual order. */
export interface FileAst {
  readonly macros: MacroDef[];
  readonly constants: ConstDef[];
  readonly tables: TableDef[];
  readonly abi: AbiDef[];
  readonly includes: Array<{ readonly path: string; readonly pos: SourcePos }>;
}
