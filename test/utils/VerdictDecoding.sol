// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PRBTest} from "@prb/test/PRBTest.sol";
import {WitnessErrors} from "./WitnessErrors.sol";

/// @title VerdictDecoding
/// @notice The hypervisor's answer decoded (as lib/witness/errors.ts decodeVerdict does) and described in one line.
abstract contract VerdictDecoding is PRBTest {
    error InvalidWitness(uint256 code, uint256 guestPc, uint256 recordIndex);
    error CodeNotArchived(bytes32 codeHash);

    enum Kind {
        Valid, // returned abi.encode(uint256(1))
        Invalid, // reverted InvalidWitness(code, guestPc, recordIndex)
        NotArchived, // reverted CodeNotArchived(codeHash): not a verdict
        Inconclusive, // empty revert: the hypervisor ran out of its own gas; not a verdict
        Unexpected // anything else: a bug
    }

    struct Verdict {
        Kind kind;
        uint256 code;
        uint256 guestPc;
        uint256 recordIndex;
        bytes32 notArchived; // the code hash of CodeNotArchived
        bool success;
        bytes data; // raw return or revert data
        uint256 gasUsed; // exact gas of the hypervisor's frame
    }

    /// @param ok the call returned (true) or reverted (false)
    /// @param ret its return or revert data
    /// @param gasUsed the gas of the hypervisor's frame (kept in the verdict for describe)
    function decodeVerdict(bool ok, bytes memory ret, uint256 gasUsed) internal pure returns (Verdict memory v) {
        v.success = ok;
        v.data = ret;
        v.gasUsed = gasUsed;
        bytes4 selector;
        uint256 arg0;
        if (ret.length >= 36) {
            assembly ("memory-safe") {
                selector := and(mload(add(ret, 0x20)), shl(224, 0xffffffff))
                arg0 := mload(add(ret, 0x24))
            }
        }
        if (ok) {
            v.kind = keccak256(ret) == keccak256(abi.encode(uint256(1))) ? Kind.Valid : Kind.Unexpected;
        } else if (ret.length == 0) {
            v.kind = Kind.Inconclusive;
        } else if (ret.length == 100 && selector == InvalidWitness.selector) {
            v.kind = Kind.Invalid;
            assembly ("memory-safe") {
                mstore(add(v, 0x20), mload(add(ret, 0x24))) // code
                mstore(add(v, 0x40), mload(add(ret, 0x44))) // guestPc
                mstore(add(v, 0x60), mload(add(ret, 0x64))) // recordIndex
            }
        } else if (ret.length == 36 && selector == CodeNotArchived.selector) {
            v.kind = Kind.NotArchived;
            v.notArchived = bytes32(arg0);
        } else {
            v.kind = Kind.Unexpected;
        }
    }

    /// @notice One line: "valid", "InvalidWitness(34 STATUS_MISMATCH, guestPc 5, recordIndex 0)", … (codes in decimal,
    /// as docs/errors.md lists them)
    function describe(Verdict memory v) internal pure returns (string memory) {
        if (v.kind == Kind.Valid) return "valid";
        if (v.kind == Kind.Invalid) {
            return string.concat(
                "InvalidWitness(",
                vm.toString(v.code),
                " ",
                WitnessErrors.name(v.code),
                ", guestPc ",
                vm.toString(v.guestPc),
                ", recordIndex ",
                vm.toString(v.recordIndex),
                ")"
            );
        }
        if (v.kind == Kind.NotArchived) return string.concat("CodeNotArchived(", vm.toString(v.notArchived), ")");
        if (v.kind == Kind.Inconclusive) {
            return string.concat("empty revert (the hypervisor ran out of gas after ", vm.toString(v.gasUsed), ")");
        }
        return string.concat(v.success ? "unexpected return data " : "unexpected revert data ", vm.toString(v.data));
    }

    /// @notice How describe() shows an InvalidWitness with `code`, whatever its pc and index.
    function expected(uint256 code) internal pure returns (string memory) {
        return string.concat("InvalidWitness(", vm.toString(code), " ", WitnessErrors.name(code), ", ...)");
    }
}
