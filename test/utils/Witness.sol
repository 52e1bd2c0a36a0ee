// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The witness structs (docs/witness.md). Solidity cannot name fields `calldata` and `block`: `calldata_` and
/// `block_` here; the ABI encoding does not depend on names. abi.encode(MessageWitness) is checked against the
/// TypeScript encoder (lib/witness/abi.ts) for every sample in HypervisorOpcodes.t.sol.
struct AccessWitness {
    uint256 opcode;
    bytes data;
}

/// @notice The block the transaction runs in: what COINBASE … BLOBBASEFEE push (a static tuple: 8 words inline in the
/// witness head).
struct BlockValues {
    address coinbase;
    uint256 timestamp;
    uint256 number;
    bytes32 prevrandao;
    uint256 gasLimit;
    uint256 chainId;
    uint256 baseFee;
    uint256 blobBaseFee;
}

/// @notice A slot of `context`'s storage the frame looks up, with its claims at frame entry.
struct StorageKey {
    uint256 slot;
    bool warm; // warm at frame entry (EIP-2929)
    uint256 original; // the value at transaction start (EIP-2200/3529)
    uint256 value; // the value at frame entry
}

/// @notice A transient slot of `context` the frame looks up (EIP-1153), with its value at frame entry.
struct TransientKey {
    uint256 slot;
    uint256 value;
}

/// @notice An account the frame looks up, with its claims at frame entry.
struct AccountKey {
    address account;
    bool warm; // warm at frame entry (EIP-2929)
    uint256 balance;
    bytes32 codeHash; // EXTCODEHASH's answer: 0 for an account that does not exist, else keccak256 of its code
}

struct MessageWitness {
    bytes32 stateRootEnter;
    bytes32 stateRootLeave;
    bool isStatic;
    address origin;
    address caller;
    address to;
    address context;
    uint256 callvalue;
    uint256 gasPrice;
    uint256 gasAvailable;
    uint256 gasUsed;
    AccessWitness[] state_access_list;
    uint256 status;
    bytes32 returndataHash;
    bytes calldata_;
    bytes32 codeHash; // keccak256 of the code that runs: selects its archive (ArchiveFactory.archiveOf)
    BlockValues block_; // `block` in docs/witness.md and lib/witness/abi.ts
    int256 refund; // the frame's change of the refund counter (EIP-3529); 0 unless status is 1
    bytes32 logsHash; // hash chain over the frame's logs; 0 unless status is 1
    StorageKey[] storageKeys; // strictly ascending by slot
    TransientKey[] transientKeys; // strictly ascending by slot
    AccountKey[] accountKeys; // strictly ascending by account
}

/// @notice Edits of an encoded witness at the WitnessLayout offsets.
abstract contract WitnessEdits {
    /// @notice A copy of `data` with the 32-byte word at byte offset `at` replaced.
    function setWord(bytes memory data, uint256 at, uint256 value) internal pure returns (bytes memory out) {
        require(at + 32 <= data.length, "setWord: past the end");
        out = bytes.concat(data);
        assembly ("memory-safe") {
            mstore(add(add(out, 0x20), at), value)
        }
    }

    function wordAt(bytes memory data, uint256 at) internal pure returns (uint256 value) {
        require(at + 32 <= data.length, "wordAt: past the end");
        assembly ("memory-safe") {
            value := mload(add(add(data, 0x20), at))
        }
    }
}
