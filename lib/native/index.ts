export * from './context.ts';
export * from './opcodes.ts';
export * from './run.ts';
export * from './honest.ts';
export * from './case.ts';
export * from './keys.ts';
export * from './tree.ts';
export * from './links.ts';
