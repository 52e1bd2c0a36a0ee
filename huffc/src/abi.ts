import type { AbiDef, AbiParamDef } from './ast.js';

export interface AbiParam {
  readonly name: string;
  readonly type: string;
  readonly indexed?: boolean;
  readonly components?: readonly AbiParam[];
}

export interface AbiFunction {
  readonly type: 'function';
  readonly name: string;
  readonly inputs: readonly AbiParam[];
  readonly outputs: readonly AbiParam[];
  readonly stateMutability: 'pure' | 'view' | 'nonpayable' | 'payable';
}

export interface AbiEvent {
  readonly type: 'event';
  readonly name: string;
  readonly inputs: readonly AbiParam[];
  readonly anonymous: boolean;
}

export interface AbiError {
  readonly type: 'error';
  readonly name: string;
  readonly inputs: readonly AbiParam[];
}

export type AbiItem = AbiFunction | AbiEvent | AbiError;

function param(p: AbiParamDef, withIndexed: boolean): AbiParam {
  let type = p.type;
  let components: AbiParam[] | undefined;
  if (p.components) {
    // `(a,b)[2]` → type `tuple[2]` with components
    const suffix = type.slice(type.lastIndexOf(')') + 1);
    type = `tuple${suffix}`;
    components = p.components.map((c) => param(c, false));
  }
  return {
    name: p.name,
    type,
    ...(withIndexed ? { indexed: p.indexed } : {}),
    ...(components ? { components } : {}),
  };
}

/** JSON ABI of the `#define function/event/error` declarations, in definition order. */
export function buildAbi(defs: readonly AbiDef[]): AbiItem[] {
  return defs.map((d): AbiItem => {
    switch (d.kind) {
      case 'function':
        return {
          type: 'function',
          name: d.name,
          inputs: d.inputs.map((p) => param(p, false)),
          outputs: d.outputs.map((p) => param(p, false)),
          stateMutability: d.stateMutability,
        };
      case 'event':
        return { type: 'event', name: d.name, inputs: d.inputs.map((p) => param(p, true)), anonymous: d.anonymous };
      case 'error':
        return { type: 'error', name: d.name, inputs: d.inputs.map((p) => param(p, false)) };
    }
  });
}
