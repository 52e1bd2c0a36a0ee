// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title RealCalls
/// @notice Benchmark guest for `npm run bench` (scripts/bench/real-calls.ts): one contract exposing OpenZeppelin 5.x
/// library functions, so each benchmark is a single real call into ordinary compiled code (dispatcher, ABI decoding and
/// encoding, the library routine). Compiled with the repository's solc-js (0.8.30, optimizer on, 200 runs, prague);
/// not part of the hypervisor and not built by forge.
contract RealCalls {
    function mulDiv(uint256 x, uint256 y, uint256 denominator) external pure returns (uint256) {
        return Math.mulDiv(x, y, denominator);
    }

    function sqrt(uint256 a) external pure returns (uint256) {
        return Math.sqrt(a);
    }

    function log2(uint256 a) external pure returns (uint256) {
        return Math.log2(a);
    }

    function toString(uint256 value) external pure returns (string memory) {
        return Strings.toString(value);
    }

    function toHexString(uint256 value) external pure returns (string memory) {
        return Strings.toHexString(value);
    }

    function base64(bytes memory data) external pure returns (string memory) {
        return Base64.encode(data);
    }

    function merkleVerify(bytes32[] memory proof, bytes32 root, bytes32 leaf) external pure returns (bool) {
        return MerkleProof.verify(proof, root, leaf);
    }
}
