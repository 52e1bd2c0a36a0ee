// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Cheatcodes used by this project that node_modules/@prb/test/src/Vm.sol does not declare.
/// Call them at the usual cheatcode address: `VmExtra(address(vm))`.
interface VmExtra {
    function snapshotState() external returns (uint256 snapshotId);
    function revertToState(uint256 snapshotId) external returns (bool success);
    function revertToStateAndDelete(uint256 snapshotId) external returns (bool success);
    function deleteStateSnapshot(uint256 snapshotId) external returns (bool success);
    /// Despite its name, sets the block's excess blob gas (EIP-4844) in forge 1.7.1: BLOBBASEFEE then shows revm's
    /// fake_exponential of it (NativeRunner.setBlobBaseFee searches the excess for a wanted fee).
    function blobBaseFee(uint256 newBlobBaseFee) external;
    /// Marks the account (and its storage slots) cold again (EIP-2929), e.g. to measure a verification as its own tx.
    function cool(address target) external;
    function split(string calldata input, string calldata delimiter) external pure returns (string[] memory outputs);
    function trim(string calldata input) external pure returns (string memory output);
    function replace(string calldata input, string calldata from, string calldata to)
        external
        pure
        returns (string memory output);
    /// The byte index of the first `key` in `input`, type(uint256).max if there is none.
    function indexOf(string calldata input, string calldata key) external pure returns (uint256);
}

/// @notice forge's state-diff recording (field for field as forge-std's VmSafe; forge 1.x may append fields after
/// `depth`, which abi.decode ignores). Call at the cheatcode address: `VmStateDiff(address(vm))`.
interface VmStateDiff {
    enum AccountAccessKind {
        Call,
        DelegateCall,
        CallCode,
        StaticCall,
        Create,
        SelfDestruct,
        Resume,
        Balance,
        Extcodesize,
        Extcodehash,
        Extcodecopy
    }

    struct ChainInfo {
        uint256 forkId;
        uint256 chainId;
    }

    struct StorageAccess {
        address account;
        bytes32 slot;
        bool isWrite;
        bytes32 previousValue;
        bytes32 newValue;
        bool reverted;
    }

    struct AccountAccess {
        ChainInfo chainInfo;
        AccountAccessKind kind;
        address account;
        address accessor;
        bool initialized;
        uint256 oldBalance;
        uint256 newBalance;
        bytes deployedCode;
        uint256 value;
        bytes data;
        bool reverted;
        StorageAccess[] storageAccesses;
        uint64 depth;
    }

    function startStateDiffRecording() external;
    function stopAndReturnStateDiff() external returns (AccountAccess[] memory accountAccesses);
}
