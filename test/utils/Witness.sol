// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The witness structs (docs/witness.md). Solidity cannot name a field `calldata`: `calldata_` here; the ABI
/// encoding does not depend on names. abi.encode(MessageWitness) is checked against the TypeScript encoder
/// (lib/witness/abi.ts) for every sample in HypervisorOpcodes.t.sol.
struct AccessWitness {
    uint256 opcode;
    bytes data;
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
