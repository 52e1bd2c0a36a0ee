/** Types of the MessageWitness (docs/witness.md). */

/** 0x-prefixed hex string. */
export type Hex = `0x${string}`;

/** Outcome of a message: 0 exceptional halt, 1 success, 2 revert. */
export type Status = 0 | 1 | 2;

export const STATUS_HALT = 0 as const;
export const STATUS_SUCCESS = 1 as const;
export const STATUS_REVERT = 2 as const;

/** One access record (`AccessWitness` in Solidity): the opcode it answers and its packed fields. */
export interface AccessRecord {
  opcode: number;
  data: Hex;
}

/** The block the transaction runs in (`BlockValues`): what COINBASE … BLOBBASEFEE push. */
export interface BlockValues {
  coinbase: Hex;
  timestamp: bigint;
  number: bigint;
  prevrandao: Hex;
  gasLimit: bigint;
  chainId: bigint;
  baseFee: bigint;
  blobBaseFee: bigint;
}

/** A slot of `context`'s storage the frame looks up, with its claims at frame entry (docs/witness.md, "Key lists"). */
export interface StorageKey {
  slot: bigint;
  /** Warm at frame entry (EIP-2929). */
  warm: boolean;
  /** Its value at transaction start (EIP-2200/3529). */
  original: bigint;
  /** Its value at frame entry. */
  value: bigint;
}

/** A transient slot of `context` the frame looks up (EIP-1153), with its value at frame entry. */
export interface TransientKey {
  slot: bigint;
  value: bigint;
}

/** An account the frame looks up, with its claims at frame entry. */
export interface AccountKey {
  account: Hex;
  /** Warm at frame entry (EIP-2929). */
  warm: boolean;
  balance: bigint;
  /** What EXTCODEHASH returns: 0 for an account that does not exist or is empty, else keccak256 of its code. */
  codeHash: Hex;
}

/** The record of one EVM message call, field for field as the Solidity struct (docs/witness.md). */
export interface MessageWitness {
  stateRootEnter: Hex;
  stateRootLeave: Hex;
  isStatic: boolean;
  origin: Hex;
  caller: Hex;
  /** The account whose code runs (selects the archive). */
  to: Hex;
  /** The executing account: ADDRESS, storage owner. */
  context: Hex;
  callvalue: bigint;
  gasPrice: bigint;
  /** Gas given to this message. */
  gasAvailable: bigint;
  /** Gas this message consumed. */
  gasUsed: bigint;
  state_access_list: AccessRecord[];
  status: Status;
  /** keccak256 of the RETURN/REVERT data (of empty data for a halt or STOP). */
  returndataHash: Hex;
  calldata: Hex;
  /** keccak256 of the code that runs (`to`'s code): selects the archive it is read from. */
  codeHash: Hex;
  block: BlockValues;
  /** The frame's change of the transaction's refund counter (may be negative); 0 unless status is 1. */
  refund: bigint;
  /** Hash chain over the frame's logs (docs/witness.md, "Logs"); 0 unless status is 1. */
  logsHash: Hex;
  /** Slots of `context`'s storage the frame looks up, strictly ascending by slot. */
  storageKeys: StorageKey[];
  /** Transient slots of `context` the frame looks up, strictly ascending by slot. */
  transientKeys: TransientKey[];
  /** Accounts the frame looks up, strictly ascending by address. */
  accountKeys: AccountKey[];
}

/**
 * What the CLI reads and writes: a witness plus the guest code (whose keccak256 must be `witness.codeHash`), and
 * the code of the other accounts the frame reads code from (EXTCODESIZE, EXTCODECOPY: each must hash to an account
 * key's codeHash), which must be archived before the witness is verified.
 */
export interface WitnessFile {
  code: Hex;
  witness: MessageWitness;
  /** Code of looked-up accounts whose code the frame reads; omitted when there is none. */
  accountCode?: Hex[];
}
