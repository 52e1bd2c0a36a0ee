export * from './types.ts';
export * from './layout.ts';
export * from './abi.ts';
export * from './json.ts';
export * from './errors.ts';
export * from './records.ts';
export * from './logs.ts';
