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
}

/** What the CLI reads and writes: a witness plus the guest code (whose keccak256 must be `witness.codeHash`). */
export interface WitnessFile {
  code: Hex;
  witness: MessageWitness;
}
