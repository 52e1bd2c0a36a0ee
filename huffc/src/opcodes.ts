/** EVM versions known to hnc, oldest first. */
export const EVM_VERSIONS = ['paris', 'shanghai', 'cancun', 'prague', 'osaka'] as const;
export type EvmVersion = (typeof EVM_VERSIONS)[number];
export const DEFAULT_EVM_VERSION: EvmVersion = 'osaka';

/** hnc maps unknown version names silently to its default. */
export function parseEvmVersion(name: string | undefined): EvmVersion {
  const v = (name ?? '').toLowerCase();
  return (EVM_VERSIONS as readonly string[]).includes(v) ? (v as EvmVersion) : DEFAULT_EVM_VERSION;
}

export function evmAtLeast(v: EvmVersion, min: EvmVersion): boolean {
  return EVM_VERSIONS.indexOf(v) >= EVM_VERSIONS.indexOf(min);
}

export interface OpcodeInfo {
  readonly byte: number;
  /** Oldest EVM version that has the opcode, if it is gated. */
  readonly since?: EvmVersion;
}

const table: Array<[string, number, EvmVersion?]> = [
  ['stop', 0x00], ['add', 0x01], ['mul', 0x02], ['sub', 0x03], ['div', 0x04], ['sdiv', 0x05], ['mod', 0x06],
  ['smod', 0x07], ['addmod', 0x08], ['mulmod', 0x09], ['exp', 0x0a], ['signextend', 0x0b],
  ['lt', 0x10], ['gt', 0x11], ['slt', 0x12], ['sgt', 0x13], ['eq', 0x14], ['iszero', 0x15], ['and', 0x16],
  ['or', 0x17], ['xor', 0x18], ['not', 0x19], ['byte', 0x1a], ['shl', 0x1b], ['shr', 0x1c], ['sar', 0x1d],
  ['clz', 0x1e, 'osaka'],
  ['sha3', 0x20], ['keccak256', 0x20],
  ['address', 0x30], ['balance', 0x31], ['origin', 0x32], ['caller', 0x33], ['callvalue', 0x34],
  ['calldataload', 0x35], ['calldatasize', 0x36], ['calldatacopy', 0x37], ['codesize', 0x38], ['codecopy', 0x39],
  ['gasprice', 0x3a], ['extcodesize', 0x3b], ['extcodecopy', 0x3c], ['returndatasize', 0x3d],
  ['returndatacopy', 0x3e], ['extcodehash', 0x3f],
  ['blockhash', 0x40], ['coinbase', 0x41], ['timestamp', 0x42], ['number', 0x43], ['difficulty', 0x44],
  ['prevrandao', 0x44, 'paris'], ['gaslimit', 0x45], ['chainid', 0x46], ['selfbalance', 0x47], ['basefee', 0x48],
  ['blobhash', 0x49, 'cancun'], ['blobbasefee', 0x4a, 'cancun'],
  ['pop', 0x50], ['mload', 0x51], ['mstore', 0x52], ['mstore8', 0x53], ['sload', 0x54], ['sstore', 0x55],
  ['jump', 0x56], ['jumpi', 0x57], ['pc', 0x58], ['msize', 0x59], ['gas', 0x5a], ['jumpdest', 0x5b],
  ['tload', 0x5c, 'cancun'], ['tstore', 0x5d, 'cancun'], ['mcopy', 0x5e, 'cancun'], ['push0', 0x5f, 'shanghai'],
  ['log0', 0xa0], ['log1', 0xa1], ['log2', 0xa2], ['log3', 0xa3], ['log4', 0xa4],
  ['create', 0xf0], ['call', 0xf1], ['callcode', 0xf2], ['return', 0xf3], ['delegatecall', 0xf4],
  ['create2', 0xf5], ['staticcall', 0xfa], ['revert', 0xfd], ['invalid', 0xfe], ['selfdestruct', 0xff],
];
for (let i = 1; i <= 32; i++) table.push([`push${i}`, 0x5f + i]);
for (let i = 1; i <= 16; i++) table.push([`dup${i}`, 0x7f + i], [`swap${i}`, 0x8f + i]);

export const OPCODES: ReadonlyMap<string, OpcodeInfo> = new Map(
  table.map(([name, byte, since]) => [name, since === undefined ? { byte } : { byte, since }]),
);

/** `pushN` mnemonic → N (1..32), else 0. */
export function pushWidth(name: string): number {
  if (!name.startsWith('push')) return 0;
  const n = Number(name.slice(4));
  return Number.isInteger(n) && n >= 1 && n <= 32 && String(n) === name.slice(4) ? n : 0;
}
