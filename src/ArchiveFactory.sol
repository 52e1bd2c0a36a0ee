// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ArchiveFactory
/// @notice Creates *archives*, addressed by code hash: the archive of `code` holds exactly `0x00 ++ code ++` its
/// JUMPDEST bitmap (below), at an address derived from `keccak256(code)` alone (CREATE2 from this factory, salt = the
/// code hash, constant init code), whoever asks. The hypervisor reads the guest code from the archive of the witness's `codeHash`, so a witness cannot
/// choose other code than the one it names, and identical code (proxies, clones, tokens) is archived once. Calling
/// an archive does nothing: its first byte is STOP. See docs/witness.md, "Archives".
///
/// An archive is the *stream* `code ++ bitmap`, where the bitmap is the code's JUMPDEST bitmap (bit 7 - pc % 8 of
/// byte pc / 8 is set iff pc is a JUMPDEST outside push data, ceil(n / 8) bytes), computed here, once, so that no
/// verification pays for it: it is trustworthy because this factory computed it. The stream of L = n + ceil(n / 8)
/// bytes is held by one or two *parts*, each a contract `0x00 ++ bytes`: part 0, at salt `codeHash`, holds
/// stream[0, 24575); only a stream longer than that (a code of 21,845 bytes or more) has part 1, at salt
/// `codeHash ^ 1`, holding the rest (one contract cannot hold 0x00 ++ 24,576 bytes: EIP-170). So an archive starts
/// with 0x00 ++ code, and the code of nearly every contract and its bitmap are one account to read. The length L of
/// the stream gives n (n + ceil(n / 8) grows with n). A salt `codeHash ^ 1` is never another code's part 0 (that
/// code's hash would be a chosen keccak256 output: a preimage).
///
/// The init code is hand-written (listing below, source in test/utils/asm.mjs) rather than a Solidity creation code,
/// so ARCHIVE_INIT_CODE_HASH does not depend on the compiler: every deployment of this factory yields the same hash.
/// It asks the factory for the part being created (held in transient storage during `archive`):
///
///     63 e5751c66 5f 52                    PUSH4 pendingPart.selector PUSH0 MSTORE
///     5f 5f 6004 601c 33 5a fa             STATICCALL(gas, caller = this factory, 28, 4, 0, 0)
///     15 6022 57                           revert unless it succeeded
///     3d 5f 6001 3e                        RETURNDATACOPY(1, 0, size): mem[1..] = the part
///     5f 5f 53                             mem[0] = 0x00
///     3d 6001 01 5f f3                     RETURN(0, size + 1)
///     5b 5f 5f fd                          fail: REVERT(0, 0)
///
/// The factory never runs the code it archives and calls nothing but CREATE2, so the part it hands out is always a
/// slice of the stream of the code whose hash is the salt; after each CREATE2 it checks the new contract's code hash anyway.
contract ArchiveFactory {
    /// @notice The creation code of every archive part.
    bytes public constant ARCHIVE_INIT_CODE =
        hex"63e5751c665f525f5f6004601c335afa156022573d5f60013e5f5f533d6001015ff35b5f5ffd";

    /// @notice keccak256(ARCHIVE_INIT_CODE): a compile-time constant of the hypervisor.
    bytes32 public constant ARCHIVE_INIT_CODE_HASH = keccak256(ARCHIVE_INIT_CODE);

    /// @notice keccak256 of the empty code: names empty code, which needs no archive.
    bytes32 public constant EMPTY_CODE_HASH = keccak256("");

    /// @notice Stream bytes in a part after its leading 0x00 (24,576 - 1, EIP-170).
    uint256 public constant PART_DATA_MAX = 24_575;

    /// @notice The largest code that can be archived (EIP-170).
    uint256 public constant MAX_CODE_SIZE = 24_576;

    /// @notice The CREATE2 of an archive part failed or made something else (out of gas, most likely).
    error ArchiveFailed(bytes32 codeHash, uint256 part);

    /// @notice Code longer than any contract's code (EIP-170).
    error CodeTooLarge(uint256 size);

    /// @notice Emitted once per archived code.
    event Archived(bytes32 indexed codeHash, address indexed archive, uint256 codeSize);

    /// @notice Archives `code` (idempotent: returns the existing archive if there is one). The empty code needs no
    /// archive: returns address(0).
    function archive(bytes calldata code) external returns (address archiveAddress) {
        return _archive(code);
    }

    /// @notice Same-chain convenience: archives `account`'s current code (its code hash then names it).
    function archiveAccount(address account) external returns (address archiveAddress) {
        return _archive(account.code);
    }

    /// @notice The part being created by the `archive` call in progress, as raw bytes (nothing outside one).
    function pendingPart() external view {
        assembly ("memory-safe") {
            let len := tload(0)
            for { let i := 0 } lt(i, len) { i := add(i, 0x20) } { mstore(i, tload(add(1, shr(5, i)))) }
            return(0, len)
        }
    }

    /// @notice Where the archive of the code with hash `codeHash` is (or will be): its part 0.
    function archiveOf(bytes32 codeHash) public view returns (address) {
        return partOf(codeHash, 0);
    }

    /// @notice Part `i` (0 or 1) of the archive of `codeHash`: CREATE2(this, codeHash ^ i, ARCHIVE_INIT_CODE).
    function partOf(bytes32 codeHash, uint256 i) public view returns (address) {
        bytes32 h = keccak256(
            abi.encodePacked(bytes1(0xff), address(this), codeHash ^ bytes32(i), ARCHIVE_INIT_CODE_HASH)
        );
        return address(uint160(uint256(h)));
    }

    function _archive(bytes memory code) internal returns (address archiveAddress) {
        bytes32 codeHash = keccak256(code);
        if (codeHash == EMPTY_CODE_HASH) return address(0);
        archiveAddress = archiveOf(codeHash);
        if (archiveAddress.code.length != 0) return archiveAddress; // parts are created together, never empty
        uint256 n = code.length;
        if (n > MAX_CODE_SIZE) revert CodeTooLarge(n);
        bytes memory stream = bytes.concat(code, jumpdestBitmap(code));
        uint256 len = stream.length;
        uint256 len0 = len < PART_DATA_MAX ? len : PART_DATA_MAX;
        _createPart(stream, 0, len0, codeHash, 0);
        if (len > len0) _createPart(stream, len0, len - len0, codeHash, 1);
        emit Archived(codeHash, archiveAddress, n);
    }

    /// @notice The JUMPDEST bitmap of `code`: ceil(n / 8) bytes, bit 7 - pc % 8 of byte pc / 8 set iff the byte at pc
    /// is 0x5b in the code's one instruction decoding from pc 0 (not inside PUSH data).
    function jumpdestBitmap(bytes memory code) public pure returns (bytes memory bitmap) {
        uint256 n = code.length;
        bitmap = new bytes((n + 7) / 8);
        assembly ("memory-safe") {
            let src := add(code, 0x20)
            let dst := add(bitmap, 0x20)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let op := byte(0, mload(add(src, i)))
                switch op
                case 0x5b {
                    let p := add(dst, shr(3, i))
                    mstore8(p, or(byte(0, mload(p)), shr(and(i, 7), 0x80)))
                }
                default {
                    // PUSH1..PUSH32: skip the data (the loop adds the opcode's own byte)
                    if and(gt(op, 0x5f), lt(op, 0x80)) { i := add(i, sub(op, 0x5f)) }
                }
            }
        }
    }

    /// Creates part `i` holding data[from, from + len), through transient storage (slot 0: length, 1..: words).
    function _createPart(bytes memory code, uint256 from, uint256 len, bytes32 codeHash, uint256 i) private {
        bytes memory initCode = ARCHIVE_INIT_CODE;
        bytes32 salt = codeHash ^ bytes32(i);
        address created;
        bytes32 partHash;
        assembly ("memory-safe") {
            let src := add(add(code, 0x20), from)
            tstore(0, len)
            for { let k := 0 } lt(k, len) { k := add(k, 0x20) } { tstore(add(1, shr(5, k)), mload(add(src, k))) }
            created := create2(0, add(initCode, 0x20), mload(initCode), salt)
            tstore(0, 0)
            // keccak256(0x00 ++ part), with the byte before the part borrowed and restored
            let before := mload(sub(src, 1))
            mstore8(sub(src, 1), 0)
            partHash := keccak256(sub(src, 1), add(len, 1))
            mstore(sub(src, 1), before)
        }
        if (created == address(0) || created != partOf(codeHash, i) || created.codehash != partHash) {
            revert ArchiveFailed(codeHash, i);
        }
    }
}
