/**
 * Absolute calldata offsets of abi.encode(MessageWitness), mirroring
 * src/hypervisor/WitnessLayout.huff (the single source of truth; a test parses that file
 * and checks these values against it and against the ABI encoder).
 */
export const WITNESS_LAYOUT = {
  W_TUPLE_OFFSET: 0x00,
  W_STATE_ROOT_ENTER: 0x20,
  W_STATE_ROOT_LEAVE: 0x40,
  W_IS_STATIC: 0x60,
  W_ORIGIN: 0x80,
  W_CALLER: 0xa0,
  W_TO: 0xc0,
  W_CONTEXT: 0xe0,
  W_CALLVALUE: 0x0100,
  W_GAS_PRICE: 0x0120,
  W_GAS_AVAILABLE: 0x0140,
  W_GAS_USED: 0x0160,
  /** Holds the tuple-relative offset of state_access_list; canonical value W_ACCESS_LIST_CANONICAL. */
  W_ACCESS_LIST_PTR: 0x0180,
  W_STATUS: 0x01a0,
  W_RETURNDATA_HASH: 0x01c0,
  /** Holds the tuple-relative offset of the guest calldata. */
  W_CALLDATA_PTR: 0x01e0,
  /** keccak256 of the code that runs: selects its archive. */
  W_CODE_HASH: 0x0200,
  /** Tuple-relative offsets are relative to this. */
  W_TUPLE_BASE: 0x20,
  W_ACCESS_LIST_CANONICAL: 0x0200,
  /** Absolute offset of the record count. */
  W_RECORD_COUNT: 0x0220,
  /** Record offsets are relative to this. */
  W_RECORD_OFFSETS: 0x0240,
  /** Canonical offset of `data` inside a record. */
  W_RECORD_DATA_PTR: 0x40,
  /** Smallest canonical witness (no records, empty calldata): 608 bytes. */
  W_MIN_SIZE: 0x0260,
} as const;

export type WitnessLayoutName = keyof typeof WITNESS_LAYOUT;

/** Smallest canonical witness size in bytes (608). */
export const MIN_WITNESS_SIZE: number = WITNESS_LAYOUT.W_MIN_SIZE;
