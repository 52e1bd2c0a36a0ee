// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Cheatcodes used by this project that node_modules/@prb/test/src/Vm.sol does not declare.
/// Call them at the usual cheatcode address: `VmExtra(address(vm))`.
interface VmExtra {
    function snapshotState() external returns (uint256 snapshotId);
    function revertToState(uint256 snapshotId) external returns (bool success);
    function revertToStateAndDelete(uint256 snapshotId) external returns (bool success);
    function deleteStateSnapshot(uint256 snapshotId) external returns (bool success);
    /// Marks the account (and its storage slots) cold again (EIP-2929), e.g. to measure a verification as its own tx.
    function cool(address target) external;
}
