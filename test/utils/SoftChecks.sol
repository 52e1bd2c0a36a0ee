// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PRBTest} from "@prb/test/PRBTest.sol";

/// @title SoftChecks
/// @notice Checks for loops over many cases: a failure is recorded with the case's name and marks the test failed,
/// and assertNoFailures() reports them all at once (the first 40 in full).
abstract contract SoftChecks is PRBTest {
    string internal failures;
    uint256 internal failureCount;
    uint256 internal checkCount;

    /// @notice Records a failure of case `label` (and marks the test failed); assertNoFailures() reports them all.
    function softFail(string memory label, string memory problem) internal {
        failureCount++;
        if (failureCount <= 40) failures = string.concat(failures, "\n  ", label, ": ", problem);
        else if (failureCount == 41) failures = string.concat(failures, "\n  ...");
        fail(string.concat(label, ": ", problem));
    }

    function check(bool cond, string memory label, string memory problem) internal returns (bool) {
        checkCount++;
        if (!cond) softFail(label, problem);
        return cond;
    }

    function checkEq(uint256 a, uint256 b, string memory label, string memory what) internal returns (bool) {
        return check(a == b, label, string.concat(what, ": got ", vm.toString(a), ", expected ", vm.toString(b)));
    }

    /// @notice checkEq with the numbers shown in hex (offsets).
    function checkEqHex(uint256 a, uint256 b, string memory label, string memory what) internal returns (bool) {
        return check(a == b, label, string.concat(what, ": got ", toHex(a), ", expected ", toHex(b)));
    }

    /// @notice `0x`-hex of `x` without leading zero bytes ("0x00" for zero).
    function toHex(uint256 x) internal pure returns (string memory) {
        uint256 n = 1;
        while (n < 32 && x >> (8 * n) != 0) n++;
        bytes memory b = new bytes(n);
        for (uint256 i = 0; i < n; i++) {
            // forge-lint: disable-next-line(unsafe-typecast)
            b[n - 1 - i] = bytes1(uint8(x >> (8 * i))); // one byte by design
        }
        return vm.toString(b);
    }

    function checkEq(bytes memory a, bytes memory b, string memory label, string memory what) internal returns (bool) {
        return check(
            keccak256(a) == keccak256(b),
            label,
            string.concat(what, ": got ", vm.toString(a), ", expected ", vm.toString(b))
        );
    }

    /// @notice Fails the test with every collected failure in the message (if there are any).
    function assertNoFailures() internal view {
        if (failureCount != 0) {
            revert(
                string.concat(vm.toString(failureCount), " of ", vm.toString(checkCount), " checks failed:", failures)
            );
        }
    }
}
