// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ArchiveFactory
/// @notice Creates *archives*: contracts whose code is `0x00 ++ code(to)`, at an address derived from `to`
/// alone (CREATE2 from this factory, salt `bytes32(uint256(uint160(to)))`, constant init code). The hypervisor
/// reads the guest code from `archiveOf(to)`, so a witness cannot choose which code runs. Calling an archive
/// does nothing: its first byte is STOP. See docs/witness.md, "Archives".
///
/// The init code is hand-written (listing below, source in test/utils/asm.mjs) rather than a Solidity
/// `type(Archive).creationCode`, so ARCHIVE_INIT_CODE_HASH does not depend on the compiler version, optimizer
/// settings or metadata hash: every deployment of this factory yields the same hash.
///
///     63 58ea52a5   PUSH4 pendingTarget.selector   ; mem[28..32] = selector
///     5f 52         PUSH0 MSTORE
///     6020 5f 6004 601c 33 5a fa                   ; STATICCALL(gas, caller = factory, 28, 4, 0, 32)
///     3d 6020 14 16 15 602c 57                     ; revert unless success && returndatasize == 32
///     5f 51         PUSH0 MLOAD                    ; [to]
///     80 3b         DUP1 EXTCODESIZE               ; [size, to]
///     80 5f 6001 84 3c                             ; EXTCODECOPY(to, 1, 0, size)
///     5f 5f 53      PUSH0 PUSH0 MSTORE8            ; mem[0] = 0x00
///     6001 01 5f f3                                ; RETURN(0, size + 1)
///     5b 5f 5f fd   fail: REVERT(0, 0)
///
/// Notes: an account with no code archives as the single byte 0x00. An archive is permanent: archiving the
/// same `to` again returns the existing archive even if `to`'s code changed since. Code of the maximum size
/// (24576 bytes) cannot be archived (the archive would exceed EIP-170 by one byte): `archive` reverts with
/// `ArchiveFailed(to)`. A leading 0x00 also means code starting with 0xEF (e.g. an EIP-7702 delegation
/// designator) archives fine (EIP-3541 only rejects new code starting with 0xEF).
contract ArchiveFactory {
    /// @notice The creation code of every archive.
    bytes public constant ARCHIVE_INIT_CODE =
        hex"6358ea52a55f5260205f6004601c335afa3d6020141615602c575f51803b805f6001843c5f5f536001015ff35b5f5ffd";

    /// @notice keccak256(ARCHIVE_INIT_CODE): a compile-time constant of the hypervisor.
    bytes32 public constant ARCHIVE_INIT_CODE_HASH = keccak256(ARCHIVE_INIT_CODE);

    /// @notice The CREATE2 of an archive failed (code too large for EIP-170, or out of gas).
    error ArchiveFailed(address to);

    /// @notice Emitted once per archived account.
    event Archived(address indexed to, address indexed archive, uint256 codeSize);

    /// @notice Archives `to`'s current code (idempotent: returns the existing archive if there is one).
    function archive(address to) external returns (address archiveAddress) {
        archiveAddress = archiveOf(to);
        if (archiveAddress.code.length != 0) return archiveAddress; // an archive is never empty (>= 1 byte)
        bytes memory initCode = ARCHIVE_INIT_CODE;
        address created;
        assembly ("memory-safe") {
            tstore(0, to) // read back by the archive's init code through pendingTarget()
            created := create2(0, add(initCode, 0x20), mload(initCode), to)
            tstore(0, 0)
        }
        if (created == address(0) || created != archiveAddress) revert ArchiveFailed(to);
        emit Archived(to, created, to.code.length);
    }

    /// @notice The account being archived by the `archive` call in progress (zero outside one).
    function pendingTarget() external view returns (address target) {
        assembly ("memory-safe") {
            target := tload(0)
        }
    }

    /// @notice Where `to`'s archive is (or will be): CREATE2(this, bytes32(uint256(uint160(to))), ARCHIVE_INIT_CODE).
    function archiveOf(address to) public view returns (address) {
        bytes32 h = keccak256(
            abi.encodePacked(bytes1(0xff), address(this), bytes32(uint256(uint160(to))), ARCHIVE_INIT_CODE_HASH)
        );
        return address(uint160(uint256(h)));
    }
}
