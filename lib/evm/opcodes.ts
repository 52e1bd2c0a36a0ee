/**
 * The guest instruction set as the hypervisor sees it (Prague): one row per opcode with its static
 * gas, operands, stack effect, handler, handler family, dynamic-gas rule and what it reads outside
 * the frame. This is the single source of the hypervisor's opcode facts: `scripts/gen-optable.ts`
 * writes src/hypervisor/OpTable.huff, test/utils/Opcodes.sol and test/utils/opcodes.mjs from it,
 * the fuzzer, the samples and lib/native derive their opcode sets from it, and lib/evm/opcodes.test.ts
 * checks it against @ethereumjs/evm and against the Huff sources.
 *
 * Code refers to an opcode by name through `OP` (`OP.MSTORE`), never by its number.
 */

/** How the hypervisor executes an opcode. */
export type OpKind =
  | 'local' // executed by a handler of the hypervisor, no outside access
  | 'recorded' // executed by its handler, which takes the opcode's access record through the seam (src/hypervisor/Records.huff)
  | 'keyed' // executed by its handler from the witness's key lists (src/hypervisor/Keys.huff); SSTORE also takes a record
  | 'undefined'; // not an opcode on Prague: exceptional halt

/**
 * The instruction family: the file src/hypervisor/instructions/<family>.huff that defines the
 * opcode's handler label. Record opcodes are 'Host' (state, block, logs, SELFDESTRUCT) or 'Contract' (calls and
 * creates); undefined opcodes share
 * INVALID's handler in Control.huff. (Fused.huff holds the PUSH1/PUSH2 fusions, see PUSH_FUSIONS,
 * which are not opcodes.)
 */
export type Family = 'Arithmetic' | 'Bitwise' | 'Contract' | 'Control' | 'Host' | 'Memory' | 'Stack' | 'System' | 'TxInfo';
export const FAMILIES: readonly Family[] = ['Arithmetic', 'Bitwise', 'Contract', 'Control', 'Host', 'Memory', 'Stack', 'System', 'TxInfo'];

/**
 * The rule for the gas an opcode costs beyond its static gas (charged by its handler):
 * - 'none': static gas only;
 * - 'memoryExpansion': expansion of memory to the end of the range it touches (MLOAD, MSTORE, MSTORE8, RETURN, REVERT);
 * - 'copyWords': 3 per word copied, plus memory expansion (CALLDATACOPY, CODECOPY, RETURNDATACOPY, MCOPY);
 * - 'keccakWords': 6 per word hashed, plus memory expansion (KECCAK256);
 * - 'expBytes': 50 per byte of the exponent (EXP);
 * - 'coldWarmAccount': EIP-2929 account access, cold or warm (BALANCE, EXTCODESIZE, EXTCODEHASH);
 * - 'coldWarmAccountCopy': 'coldWarmAccount' plus 'copyWords' (EXTCODECOPY);
 * - 'coldWarmSlot': EIP-2929 storage slot access, cold or warm (SLOAD);
 * - 'sstore': EIP-2200/2929/3529 cost and refund from the slot's original, current and new value (SSTORE);
 * - 'log': per topic and per data byte, plus memory expansion (LOG0..LOG4);
 * - 'call': account access, value transfer, new account, memory expansion of the argument and
 *   return ranges, and the gas passed on under the 63/64 rule (CALL, CALLCODE, DELEGATECALL, STATICCALL);
 * - 'create': EIP-3860 init code words plus memory expansion (CREATE);
 * - 'create2': 'create' plus the hashing of the init code for the address (CREATE2);
 * - 'selfdestruct': cold beneficiary and new account funded (SELFDESTRUCT).
 */
export type DynamicGasRule =
  | 'none'
  | 'memoryExpansion'
  | 'copyWords'
  | 'keccakWords'
  | 'expBytes'
  | 'coldWarmAccount'
  | 'coldWarmAccountCopy'
  | 'coldWarmSlot'
  | 'sstore'
  | 'log'
  | 'call'
  | 'create'
  | 'create2'
  | 'selfdestruct';

/**
 * The access record kind a record opcode consumes (docs/witness.md, one table per kind):
 * - 'blockHash': the hash of a recent block (BLOCKHASH);
 * - 'blobHash': a versioned hash of the transaction's blobs (BLOBHASH);
 * - 'storageWrite': an SSTORE's slot, value and the state root after it (SSTORE, which also reads the storage key list);
 * - 'call', 'callCode', 'delegateCall', 'staticCall': a call and the callee's claimed outcome (CALL, CALLCODE,
 *   DELEGATECALL, STATICCALL: one kind per opcode, with the same fields);
 * - 'create', 'create2': a contract creation and its claimed outcome (CREATE, CREATE2: one kind per opcode, with
 *   the same fields);
 * - 'selfDestruct': SELFDESTRUCT's transfer and the state root after it.
 */
export type RecordKind =
  | 'blockHash'
  | 'blobHash'
  | 'storageWrite'
  | 'call'
  | 'callCode'
  | 'delegateCall'
  | 'staticCall'
  | 'create'
  | 'create2'
  | 'selfDestruct';

/**
 * A field of the frame's message that a local opcode reads from the witness: 'context' is the
 * executing account (ADDRESS), 'code' the code that runs (selected by the witness's codeHash).
 */
export type MessageField = 'origin' | 'caller' | 'context' | 'callvalue' | 'gasPrice' | 'calldata' | 'code';
/** A field of the block or chain: a word of the witness's `block` (docs/witness.md, "Block values"). */
export type BlockField = 'coinbase' | 'timestamp' | 'number' | 'prevrandao' | 'gasLimit' | 'chainId' | 'baseFee' | 'blobBaseFee';
/** The fields of the witness's `block` (struct BlockValues), in struct order. */
export const BLOCK_FIELDS: readonly BlockField[] = ['coinbase', 'timestamp', 'number', 'prevrandao', 'gasLimit', 'chainId', 'baseFee', 'blobBaseFee'];
/** The named value an opcode reads: a message field or a block field. */
export type ContextField = MessageField | BlockField;

/**
 * What one popped stack item is to the opcode:
 * - 'value': a word taken as data (an arithmetic or comparison operand, a value stored or compared);
 * - 'stackItem': an item only dropped, copied or exchanged (POP, DUPn, SWAPn);
 * - 'index': a byte index (BYTE, SIGNEXTEND) or a list index (BLOBHASH);
 * - 'shift': a shift amount (SHL, SHR, SAR);
 * - 'exponent': EXP's exponent (its byte length prices the opcode);
 * - 'memOffset': an offset into guest memory (the range may expand memory);
 * - 'length': the byte length of a range;
 * - 'dataOffset': an offset into calldata or code (bytes past the end read as zero);
 * - 'returnDataOffset': an offset into the last call's return data (reading past its end halts);
 * - 'jumpDest': a jump destination;
 * - 'condition': JUMPI's condition;
 * - 'slot': a storage or transient storage key;
 * - 'address': an account address;
 * - 'blockNumber': BLOCKHASH's block number;
 * - 'topic': a log topic;
 * - 'gas': the gas a call passes on;
 * - 'weiValue': the wei a call or creation sends;
 * - 'salt': CREATE2's salt.
 */
export type OperandRole =
  | 'value'
  | 'stackItem'
  | 'index'
  | 'shift'
  | 'exponent'
  | 'memOffset'
  | 'length'
  | 'dataOffset'
  | 'returnDataOffset'
  | 'jumpDest'
  | 'condition'
  | 'slot'
  | 'address'
  | 'blockNumber'
  | 'topic'
  | 'gas'
  | 'weiValue'
  | 'salt';

/** The witness key list a keyed opcode looks its key up in (docs/witness.md, "Key lists"). */
export type KeyList = 'storage' | 'transient' | 'account';

/** What an opcode does in a static frame (see OpSpec.inStaticFrame). */
export type StaticFrameRule = 'runs' | 'halts' | 'haltsWithValue';

export interface OpSpec {
  code: number;
  name: string;
  kind: OpKind;
  /** Static gas charged before the opcode runs (dynamic parts are charged by the handler). */
  gas: number;
  pops: number;
  pushes: number;
  /** Number of immediate bytes (PUSH1..PUSH32). */
  immediate: number;
  /** Execution never continues to the next instruction in the same basic block after this opcode. */
  endsBlock: boolean;
  /** Huff label of the handler. */
  handler: string;
  /** The file of src/hypervisor/instructions that defines the handler label. */
  family: Family;
  dynamicGas: DynamicGasRule;
  /** The access record kind it consumes: not 'none' exactly for kind 'recorded' and SSTORE. */
  recordKind: RecordKind | 'none';
  /**
   * What it does in a static frame (EIP-214, EIP-1153): 'halts' for the opcodes that change state (an exceptional halt
   * before anything else of theirs happens), 'haltsWithValue' for CALL (halts when it would send value), else 'runs'.
   */
  inStaticFrame: StaticFrameRule;
  /** The message or block field it reads ('none' if none). */
  field: ContextField | 'none';
  /** The key list a 'keyed' opcode looks its key up in ('none' for every other kind). */
  keyList: KeyList | 'none';
  /** One role per popped item, top of the stack first (`operands.length === pops`). */
  operands: readonly OperandRole[];
}

// ---------------------------------------------------------------------------------------------
// The table

interface Row<N extends string = string> {
  code: number;
  name: N;
  family: Family;
  gas: number;
  operands: readonly OperandRole[];
  pushes: number;
  kind: OpKind;
  endsBlock: boolean;
  handler?: string;
  dynamicGas: DynamicGasRule;
  recordKind: RecordKind | 'none';
  field: ContextField | 'none';
  keyList?: KeyList;
  inStaticFrame?: StaticFrameRule;
}

interface LocalExtra {
  dynamicGas?: DynamicGasRule;
  field?: ContextField;
  endsBlock?: boolean;
  handler?: string;
  inStaticFrame?: StaticFrameRule;
}

/** A local opcode: executed by its handler (`op_<name>` unless stated) in `family`. */
function local<N extends string>(code: number, name: N, family: Family, gas: number, operands: readonly OperandRole[], pushes: number, extra: LocalExtra = {}): Row<N> {
  return {
    code, name, family, gas, operands, pushes, kind: 'local', endsBlock: extra.endsBlock ?? false, handler: extra.handler,
    dynamicGas: extra.dynamicGas ?? 'none', recordKind: 'none', field: extra.field ?? 'none',
    ...(extra.inStaticFrame === undefined ? {} : { inStaticFrame: extra.inStaticFrame }),
  };
}

/**
 * A record opcode the hypervisor executes: its handler (`op_<name>` in Host.huff) takes the opcode's access record
 * (lib/witness/records.ts). It ends its block, so a block whose gas or stack check fails halts before the record is
 * taken, exactly where the EVM halts without reaching the opcode's result.
 */
function recorded<N extends string>(code: number, name: N, recordKind: RecordKind, gas: number, operands: readonly OperandRole[], pushes: number): Row<N> {
  return { code, name, family: 'Host', gas, operands, pushes, kind: 'recorded', endsBlock: true, dynamicGas: 'none', recordKind, field: 'none' };
}

/**
 * An opcode answered by the witness's key lists (src/hypervisor/Keys.huff): its handler `op_<name>` in Host.huff looks
 * its key up in `keyList`, charges its dynamic gas (cold/warm, copy, memory) and uses the frame's view of the key.
 * It ends its block, so a block whose gas or stack check fails halts before the key is looked up, where the EVM
 * halts without reaching the opcode.
 */
function keyed<N extends string>(code: number, name: N, keyList: KeyList, gas: number, dynamicGas: DynamicGasRule, operands: readonly OperandRole[], pushes: number): Row<N> {
  return { code, name, family: 'Host', gas, operands, pushes, kind: 'keyed', endsBlock: true, dynamicGas, recordKind: 'none', field: 'none', keyList };
}

/**
 * A call (Contract.huff, `op_<name>`): it takes a call record (lib/witness/records.ts) stating the callee's outcome,
 * after charging its gas itself (memory, access, value, new account, the gas it gives the callee); no static gas, and
 * it ends its block.
 */
function call<N extends string>(code: number, name: N, recordKind: RecordKind, operands: readonly OperandRole[]): Row<N> {
  return { code, name, family: 'Contract', gas: 0, operands, pushes: 1, kind: 'recorded', endsBlock: true, dynamicGas: 'call', recordKind, field: 'none' };
}

/**
 * A creation (Contract.huff, `op_<name>`): it takes a create record (lib/witness/records.ts) stating the creation
 * frame's outcome, after charging its gas itself (32,000, init code words, CREATE2's hashing, memory expansion, the
 * gas it gives the creation frame); no static gas, it ends its block, and in a static frame it halts (EIP-214).
 */
function creates<N extends string>(code: number, name: N, recordKind: RecordKind, dynamicGas: DynamicGasRule, operands: readonly OperandRole[]): Row<N> {
  return { code, name, family: 'Contract', gas: 0, operands, pushes: 1, kind: 'recorded', endsBlock: true, dynamicGas, recordKind, field: 'none', inStaticFrame: 'halts' };
}

const END = { endsBlock: true };
const V2: readonly OperandRole[] = ['value', 'value'];
const MEM_RANGE: readonly OperandRole[] = ['memOffset', 'length'];
const COPY: readonly OperandRole[] = ['memOffset', 'dataOffset', 'length'];
const items = (n: number): OperandRole[] => Array.from({ length: n }, () => 'stackItem' as const);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

type N16 = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16;
type N32 = N16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24 | 25 | 26 | 27 | 28 | 29 | 30 | 31 | 32;

const NAMED = [
  local(0x00, 'STOP', 'Control', 0, [], 0, END),
  local(0x01, 'ADD', 'Arithmetic', 3, V2, 1),
  local(0x02, 'MUL', 'Arithmetic', 5, V2, 1),
  local(0x03, 'SUB', 'Arithmetic', 3, V2, 1),
  local(0x04, 'DIV', 'Arithmetic', 5, V2, 1),
  local(0x05, 'SDIV', 'Arithmetic', 5, V2, 1),
  local(0x06, 'MOD', 'Arithmetic', 5, V2, 1),
  local(0x07, 'SMOD', 'Arithmetic', 5, V2, 1),
  local(0x08, 'ADDMOD', 'Arithmetic', 8, ['value', 'value', 'value'], 1),
  local(0x09, 'MULMOD', 'Arithmetic', 8, ['value', 'value', 'value'], 1),
  local(0x0a, 'EXP', 'Arithmetic', 10, ['value', 'exponent'], 1, { dynamicGas: 'expBytes' }),
  local(0x0b, 'SIGNEXTEND', 'Arithmetic', 5, ['index', 'value'], 1),
  local(0x10, 'LT', 'Bitwise', 3, V2, 1),
  local(0x11, 'GT', 'Bitwise', 3, V2, 1),
  local(0x12, 'SLT', 'Bitwise', 3, V2, 1),
  local(0x13, 'SGT', 'Bitwise', 3, V2, 1),
  local(0x14, 'EQ', 'Bitwise', 3, V2, 1),
  local(0x15, 'ISZERO', 'Bitwise', 3, ['value'], 1),
  local(0x16, 'AND', 'Bitwise', 3, V2, 1),
  local(0x17, 'OR', 'Bitwise', 3, V2, 1),
  local(0x18, 'XOR', 'Bitwise', 3, V2, 1),
  local(0x19, 'NOT', 'Bitwise', 3, ['value'], 1),
  local(0x1a, 'BYTE', 'Bitwise', 3, ['index', 'value'], 1),
  local(0x1b, 'SHL', 'Bitwise', 3, ['shift', 'value'], 1),
  local(0x1c, 'SHR', 'Bitwise', 3, ['shift', 'value'], 1),
  local(0x1d, 'SAR', 'Bitwise', 3, ['shift', 'value'], 1),
  local(0x20, 'KECCAK256', 'System', 30, MEM_RANGE, 1, { dynamicGas: 'keccakWords' }),
  local(0x30, 'ADDRESS', 'System', 2, [], 1, { field: 'context' }),
  keyed(0x31, 'BALANCE', 'account', 0, 'coldWarmAccount', ['address'], 1),
  local(0x32, 'ORIGIN', 'TxInfo', 2, [], 1, { field: 'origin' }),
  local(0x33, 'CALLER', 'System', 2, [], 1, { field: 'caller' }),
  local(0x34, 'CALLVALUE', 'System', 2, [], 1, { field: 'callvalue' }),
  local(0x35, 'CALLDATALOAD', 'System', 3, ['dataOffset'], 1, { field: 'calldata' }),
  local(0x36, 'CALLDATASIZE', 'System', 2, [], 1, { field: 'calldata' }),
  local(0x37, 'CALLDATACOPY', 'System', 3, COPY, 0, { field: 'calldata', dynamicGas: 'copyWords' }),
  local(0x38, 'CODESIZE', 'System', 2, [], 1, { field: 'code' }),
  local(0x39, 'CODECOPY', 'System', 3, COPY, 0, { field: 'code', dynamicGas: 'copyWords' }),
  local(0x3a, 'GASPRICE', 'TxInfo', 2, [], 1, { field: 'gasPrice' }),
  keyed(0x3b, 'EXTCODESIZE', 'account', 0, 'coldWarmAccount', ['address'], 1),
  keyed(0x3c, 'EXTCODECOPY', 'account', 0, 'coldWarmAccountCopy', ['address', ...COPY], 0),
  local(0x3d, 'RETURNDATASIZE', 'System', 2, [], 1),
  local(0x3e, 'RETURNDATACOPY', 'System', 3, ['memOffset', 'returnDataOffset', 'length'], 0, { dynamicGas: 'copyWords' }),
  keyed(0x3f, 'EXTCODEHASH', 'account', 0, 'coldWarmAccount', ['address'], 1),
  recorded(0x40, 'BLOCKHASH', 'blockHash', 20, ['blockNumber'], 1),
  local(0x41, 'COINBASE', 'TxInfo', 2, [], 1, { field: 'coinbase' }),
  local(0x42, 'TIMESTAMP', 'TxInfo', 2, [], 1, { field: 'timestamp' }),
  local(0x43, 'NUMBER', 'TxInfo', 2, [], 1, { field: 'number' }),
  local(0x44, 'PREVRANDAO', 'TxInfo', 2, [], 1, { field: 'prevrandao' }),
  local(0x45, 'GASLIMIT', 'TxInfo', 2, [], 1, { field: 'gasLimit' }),
  local(0x46, 'CHAINID', 'TxInfo', 2, [], 1, { field: 'chainId' }),
  // the key of `context` is found at setup; SELFBALANCE still ends its block, like every key lookup: a block's check
  // charges the static gas of the instructions after it, so a lookup inside a block could be skipped by an out of gas
  // the EVM meets only after it (a MISSING_KEY the EVM would see; fuzz corpus accepted-invalid-a9260e4e7141)
  keyed(0x47, 'SELFBALANCE', 'account', 5, 'none', [], 1),
  local(0x48, 'BASEFEE', 'TxInfo', 2, [], 1, { field: 'baseFee' }),
  recorded(0x49, 'BLOBHASH', 'blobHash', 3, ['index'], 1),
  local(0x4a, 'BLOBBASEFEE', 'TxInfo', 2, [], 1, { field: 'blobBaseFee' }),
  local(0x50, 'POP', 'Stack', 2, items(1), 0),
  local(0x51, 'MLOAD', 'Memory', 3, ['memOffset'], 1, { dynamicGas: 'memoryExpansion' }),
  local(0x52, 'MSTORE', 'Memory', 3, ['memOffset', 'value'], 0, { dynamicGas: 'memoryExpansion' }),
  local(0x53, 'MSTORE8', 'Memory', 3, ['memOffset', 'value'], 0, { dynamicGas: 'memoryExpansion' }),
  keyed(0x54, 'SLOAD', 'storage', 0, 'coldWarmSlot', ['slot'], 1),
  // SSTORE also takes a storageWrite record (its slot, value and the state root after it); it halts in a static frame
  { ...keyed(0x55, 'SSTORE', 'storage', 0, 'sstore', ['slot', 'value'], 0), recordKind: 'storageWrite', inStaticFrame: 'halts' },
  local(0x56, 'JUMP', 'Control', 8, ['jumpDest'], 0, END),
  local(0x57, 'JUMPI', 'Control', 10, ['jumpDest', 'condition'], 0, END),
  local(0x58, 'PC', 'Control', 2, [], 1),
  local(0x59, 'MSIZE', 'Memory', 2, [], 1),
  // GAS does not end its block: the analysis gives a GAS inside a block the gas to add back (gen-optable's meta word)
  local(0x5a, 'GAS', 'System', 2, [], 1),
  local(0x5b, 'JUMPDEST', 'Control', 1, [], 0),
  keyed(0x5c, 'TLOAD', 'transient', 100, 'none', ['slot'], 1),
  { ...keyed(0x5d, 'TSTORE', 'transient', 100, 'none', ['slot', 'value'], 0), inStaticFrame: 'halts' },
  local(0x5e, 'MCOPY', 'Memory', 3, ['memOffset', 'memOffset', 'length'], 0, { dynamicGas: 'copyWords' }),
  local(0x5f, 'PUSH0', 'Stack', 2, [], 1),
  creates(0xf0, 'CREATE', 'create', 'create', ['weiValue', 'memOffset', 'length']),
  // CALL halts in a static frame only when it sends value: its handler `op_call` checks that first
  { ...call(0xf1, 'CALL', 'call', ['gas', 'address', 'weiValue', ...MEM_RANGE, ...MEM_RANGE]), inStaticFrame: 'haltsWithValue' },
  call(0xf2, 'CALLCODE', 'callCode', ['gas', 'address', 'weiValue', ...MEM_RANGE, ...MEM_RANGE]),
  local(0xf3, 'RETURN', 'Control', 0, MEM_RANGE, 0, { dynamicGas: 'memoryExpansion', endsBlock: true }),
  call(0xf4, 'DELEGATECALL', 'delegateCall', ['gas', 'address', ...MEM_RANGE, ...MEM_RANGE]),
  creates(0xf5, 'CREATE2', 'create2', 'create2', ['weiValue', 'memOffset', 'length', 'salt']),
  call(0xfa, 'STATICCALL', 'staticCall', ['gas', 'address', ...MEM_RANGE, ...MEM_RANGE]),
  local(0xfd, 'REVERT', 'Control', 0, MEM_RANGE, 0, { dynamicGas: 'memoryExpansion', endsBlock: true }),
  local(0xfe, 'INVALID', 'Control', 0, [], 0, END),
  // SELFDESTRUCT charges its gas from the executing account's and the beneficiary's account keys, takes a record and stops
  { ...recorded(0xff, 'SELFDESTRUCT', 'selfDestruct', 0, ['address'], 0), dynamicGas: 'selfdestruct', inStaticFrame: 'halts' },
] as const;

const NUMBERED: readonly Row[] = [
  ...range(1, 32).map((n) => local(0x5f + n, `PUSH${n}`, 'Stack', 3, [], 1)),
  ...range(1, 16).map((n) => local(0x7f + n, `DUP${n}`, 'Stack', 3, items(n), n + 1)),
  ...range(1, 16).map((n) => local(0x8f + n, `SWAP${n}`, 'Stack', 3, items(n + 1), n + 1)),
  // LOGn reads nothing outside the frame: it extends the frame's logs hash chain, a claim checked at exit (Host.huff).
  // Its handler charges all of its gas, the 375 of the opcode too: an OP_META word holds static gas below 256.
  ...range(0, 4).map((n) => local(0xa0 + n, `LOG${n}`, 'Host', 0, [...MEM_RANGE, ...Array.from({ length: n }, () => 'topic' as const)], 0, { dynamicGas: 'log', endsBlock: true, inStaticFrame: 'halts' })),
];

/** The name of an opcode defined on Prague. */
export type OpName = (typeof NAMED)[number]['name'] | `PUSH${N32}` | `DUP${N16}` | `SWAP${N16}` | `LOG${0 | 1 | 2 | 3 | 4}`;

const ROWS = new Map<number, Row>([...NAMED, ...NUMBERED].map((r) => [r.code, r]));

const PUSH1_CODE = 0x60;
const PUSH32_CODE = 0x7f;

function spec(code: number): OpSpec {
  const r = ROWS.get(code);
  if (!r) {
    return {
      code, name: `UNDEFINED_0x${code.toString(16).padStart(2, '0')}`, kind: 'undefined', gas: 0, pops: 0, pushes: 0,
      immediate: 0, endsBlock: true, handler: 'op_invalid', family: 'Control', dynamicGas: 'none', recordKind: 'none', field: 'none', keyList: 'none', operands: [],
      inStaticFrame: 'runs',
    };
  }
  const immediate = code >= PUSH1_CODE && code <= PUSH32_CODE ? code - PUSH1_CODE + 1 : 0;
  return Object.freeze({
    code, name: r.name, kind: r.kind, gas: r.gas, pops: r.operands.length, pushes: r.pushes, immediate, endsBlock: r.endsBlock,
    handler: r.handler ?? `op_${r.name.toLowerCase()}`, family: r.family, dynamicGas: r.dynamicGas, recordKind: r.recordKind,
    field: r.field, keyList: r.keyList ?? 'none', operands: Object.freeze([...r.operands]), inStaticFrame: r.inStaticFrame ?? 'runs',
  });
}

/** All 256 opcodes, indexed by byte value. */
export const OPCODES: readonly OpSpec[] = Object.freeze(Array.from({ length: 256 }, (_, i) => spec(i)));

/** Every opcode defined on Prague, by name: `OP.MSTORE` is 0x52. */
export const OP: Readonly<Record<OpName, number>> = Object.freeze(
  Object.fromEntries(OPCODES.filter((o) => o.kind !== 'undefined').map((o) => [o.name, o.code])) as Record<OpName, number>,
);

export function opcodeByName(name: string): OpSpec | undefined {
  return OPCODES.find((o) => o.name === name.toUpperCase());
}

/** The opcode of PUSHn (n = 0 for PUSH0, up to 32). */
export function pushOpcode(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 32) throw new Error(`no PUSH${n}`);
  return OP.PUSH0 + n;
}

/** Size of the immediate data that follows the opcode byte `code` (PUSHn: n, any other byte: 0). */
export function immediateSize(code: number): number {
  return OPCODES[code]?.immediate ?? 0;
}

/** The opcodes that read `field`, in ascending order. */
export function readersOf(field: ContextField): number[] {
  return OPCODES.filter((o) => o.field === field).map((o) => o.code);
}

/**
 * Opcodes that the analysis fuses with an immediately preceding PUSH1 or PUSH2 in the same block:
 * the pair runs as one instruction (src/hypervisor/instructions/Fused.huff), with the same gas and
 * stack effect as the two instructions.
 */
export const PUSH_FUSIONS: readonly OpName[] = ['ADD', 'MUL', 'SUB', 'AND', 'OR', 'XOR', 'EQ', 'LT', 'GT', 'SHL', 'SHR', 'JUMP', 'JUMPI', 'MLOAD', 'MSTORE', 'SWAP1'];

/** Label of the fused handler for PUSHn followed by `name`. */
export function fusedHandler(n: 1 | 2, name: string): string {
  return `fused${n}_${name.toLowerCase()}`;
}
