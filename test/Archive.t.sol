// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ArchiveFactory} from "../src/ArchiveFactory.sol";
import {HypervisorSetup} from "./utils/HypervisorSetup.sol";
import {NativeOutcome, NativeRunner} from "./utils/NativeRunner.sol";
import {AccessWitness, MessageWitness} from "./utils/Witness.sol";
import {WitnessErrors as E} from "./utils/WitnessErrors.sol";
import {GasMeter} from "./utils/GasMeter.sol";
import {VmExtra, VmStateDiff} from "./utils/VmExtra.sol";

/// When run (it never is by the factory), calls factory.archive(payload): the code of an archived contract that
/// would re-enter the factory.
contract Reentrant {
    ArchiveFactory internal immutable factory;
    bytes internal payload;

    constructor(ArchiveFactory f, bytes memory p) {
        factory = f;
        payload = p;
    }

    fallback() external {
        factory.archive(payload);
    }
}

/// Calls the factory from inside its own constructor: archives its own (still empty) code, and `code`.
contract SelfArchiver {
    address public ownArchive;
    address public codeArchive;

    constructor(ArchiveFactory f, bytes memory code) {
        ownArchive = f.archiveAccount(address(this)); // no code yet: the empty code, no archive
        codeArchive = f.archive(code);
    }
}

/// Archives, then reverts: nothing of the archive survives.
contract RevertingArchiver {
    error Undone(address archive);

    function archiveThenRevert(ArchiveFactory f, bytes memory code) external {
        revert Undone(f.archive(code));
    }
}

/// Another deployer of the archive init code: its pendingPart() returns whatever it was told to (the init code asks
/// its CALLER, here this contract, not the factory).
contract Impostor {
    bytes internal part;

    function setPart(bytes memory p) external {
        part = p;
    }

    function pendingPart() external view {
        bytes memory p = part;
        assembly ("memory-safe") {
            return(add(p, 0x20), mload(p))
        }
    }

    function deploy(bytes32 salt, bytes memory initCode) external returns (address created) {
        assembly ("memory-safe") {
            created := create2(0, add(initCode, 0x20), mload(initCode), salt)
        }
    }
}

/// Another deployer whose pendingPart() relays the real factory's: outside the factory's own archive call there is
/// no pending part, so it gets nothing.
contract Relay {
    ArchiveFactory internal immutable factory;

    constructor(ArchiveFactory f) {
        factory = f;
    }

    function pendingPart() external view {
        (bool ok, bytes memory p) = address(factory).staticcall(abi.encodeCall(ArchiveFactory.pendingPart, ()));
        require(ok);
        assembly ("memory-safe") {
            return(add(p, 0x20), mload(p))
        }
    }

    function deploy(bytes32 salt, bytes memory initCode) external returns (address created) {
        assembly ("memory-safe") {
            created := create2(0, add(initCode, 0x20), mload(initCode), salt)
        }
    }
}

/// A deployer without pendingPart(): the init code's call fails, so does the creation.
contract PlainDeployer {
    function deploy(bytes32 salt, bytes memory initCode) external returns (address created) {
        assembly ("memory-safe") {
            created := create2(0, add(initCode, 0x20), mload(initCode), salt)
        }
    }
}

/// Reads pendingPart() before and after archiving, in one call (one transaction: transient storage of the
/// factory still holds the words of the last part).
contract Spy {
    function peek(ArchiveFactory f) public view returns (bytes memory) {
        (bool ok, bytes memory p) = address(f).staticcall(abi.encodeCall(ArchiveFactory.pendingPart, ()));
        require(ok, "pendingPart reverted");
        return p;
    }

    function archiveAndPeek(ArchiveFactory f, bytes memory code)
        external
        returns (bytes memory before, bytes memory afterwards)
    {
        before = peek(f);
        f.archive(code);
        afterwards = peek(f);
    }
}

/// @title ArchiveTest
/// @notice The ArchiveFactory of archives addressed by code hash (docs/witness.md, "Archives"), and the hypervisor
/// reading them: content and address (computed here from the hand-written init code, not from the factory), any
/// caller, idempotence, the JUMPDEST bitmap after the code, stream sizes around one part and code sizes at the EIP-170
/// limit (the stream in parts 0 and 1),
/// `to` wherever (precompile addresses too), the empty code, CodeNotArchived(codeHash); and the factory cannot be
/// made to create an archive whose content is not what its address names: re-entrancy (archived code is never run;
/// archiving from a constructor; inside a call that reverts), wrong callbacks (the init code run by other deployers
/// lands elsewhere, pendingPart outside an archive is empty), out of gas at every stage. Every contract the factory
/// creates in these tests is checked from a state-diff recording: it is a part of some archived code and holds
/// exactly 0x00 ++ its slice of the stream (code ++ bitmap), the factory calls nothing but CREATE2, and the code being created calls
/// nothing but the factory's pendingPart().
/// test_reportArchiveGas writes the gas of archiving to cache/archive-gas.json.
contract ArchiveTest is HypervisorSetup {
    /// test/utils/asm.mjs `archive` (`node test/utils/asm.mjs archive`), copied: the addresses below are computed
    /// from this, not from the factory.
    bytes internal constant INIT_CODE =
        hex"63e5751c665f525f5f6004601c335afa156022573d5f60013e5f5f533d6001015ff35b5f5ffd";
    uint256 internal constant PART_MAX = 24_575;
    uint256 internal constant CODE_MAX = 24_576;
    uint256 internal constant PARTS = 3; // 0, 1: the stream (code ++ JUMPDEST bitmap); 2: none (checked absent)

    address internal constant CALLER = address(0xCA11E2);
    address internal constant ORIGIN = address(0x0819);
    address internal constant SCRATCH = address(0x5C2A7C4);
    uint256 internal constant GAS = 1_000_000;
    bytes internal constant RETURN3 = hex"600160020160005260206000f3"; // returns abi.encode(3)

    event Archived(bytes32 indexed codeHash, address indexed archive, uint256 codeSize);

    VmStateDiff internal constant vmDiff = VmStateDiff(address(uint160(uint256(keccak256("hevm cheat code")))));

    // ------------------------------------------------------------------------------------------ helpers

    /// CREATE2(factory, codeHash ^ i, keccak256(INIT_CODE)): independent of the factory's code.
    function expectedPart(bytes32 codeHash, uint256 i) internal view returns (address) {
        bytes32 h =
            keccak256(abi.encodePacked(bytes1(0xff), address(factory), codeHash ^ bytes32(i), keccak256(INIT_CODE)));
        return address(uint160(uint256(h)));
    }

    /// The runtime code part i of the archive of `code` must have (empty if there is no such part): 0x00 ++
    /// stream[0, 24575), 0x00 ++ the rest of the stream (a stream longer than 24,575 bytes only), where the stream is
    /// code ++ its JUMPDEST bitmap (HypervisorSetup.archivePart, which computes the bitmap itself).
    function expectedContent(bytes memory code, uint256 i) internal pure returns (bytes memory) {
        return archivePart(code, i);
    }

    /// The archive of `code` is exactly where and what it must be (every part).
    function assertArchived(bytes memory code, string memory what) internal {
        bytes32 h = keccak256(code);
        for (uint256 i = 0; i < PARTS; i++) {
            address p = expectedPart(h, i);
            assertEq(factory.partOf(h, i), p, string.concat(what, ": partOf"));
            assertEq(p.code, expectedContent(code, i), string.concat(what, ": content of part ", vm.toString(i)));
        }
        assertEq(factory.archiveOf(h), expectedPart(h, 0), string.concat(what, ": archiveOf"));
    }

    function assertNotArchived(bytes memory code, string memory what) internal {
        bytes32 h = keccak256(code);
        for (uint256 i = 0; i < PARTS; i++) {
            assertEq(expectedPart(h, i).code.length, 0, string.concat(what, ": part ", vm.toString(i), " exists"));
        }
    }

    /// A program of exactly `total` bytes (at least 36) whose last byte is `last`: PUSH2 d JUMP over a padding of
    /// JUMPDEST/STOP pairs to d, where it CODECOPYs its last byte b and returns abi.encode(b * b + 7); zeros until
    /// the last byte, which is data (never executed), so the outcome depends on the last byte.
    function lastByteProgram(uint256 total, uint8 last) internal pure returns (bytes memory code) {
        require(total >= 36, "lastByteProgram: too short");
        code = new bytes(total);
        uint256 d = total - 1 - 24 - 7;
        code[0] = 0x61;
        // forge-lint: disable-next-line(unsafe-typecast)
        code[1] = bytes1(uint8(d >> 8)); // d < 2^16: the high byte
        // forge-lint: disable-next-line(unsafe-typecast)
        code[2] = bytes1(uint8(d)); // the low byte
        code[3] = 0x56;
        for (uint256 k = 4; k < d; k++) {
            code[k] = k % 2 == 0 ? bytes1(0x5b) : bytes1(0x00);
        }
        bytes memory tail = abi.encodePacked(
            hex"5b6001", // JUMPDEST PUSH1 1
            hex"61",
            // forge-lint: disable-next-line(unsafe-typecast)
            uint16(total - 1), // PUSH2 total-1 (total <= 24,577)
            hex"5f39", // PUSH0 CODECOPY: memory[0] = code[total - 1]
            hex"5f5160f81c", // PUSH0 MLOAD PUSH1 0xf8 SHR: b
            hex"8002600701", // DUP1 MUL PUSH1 7 ADD: b * b + 7
            hex"5f5260205ff3" // PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
        );
        require(tail.length == 24, "lastByteProgram: tail");
        for (uint256 k = 0; k < tail.length; k++) {
            code[d + k] = tail[k];
        }
        code[total - 1] = bytes1(last);
    }

    function isPrecompile(address a) internal pure returns (bool) {
        return (uint160(a) >= 1 && uint160(a) <= 0x11) || uint160(a) == 0x100;
    }

    /// The honest witness of a plain CALL of `code` at `to` (revm runs it natively for the outcome: at `to`, or at a
    /// scratch address when `to` is a precompile's, where forge cannot put code; these programs do not read ADDRESS).
    function honestWitness(bytes memory code, address to, bytes memory calldata_) internal returns (bytes memory) {
        return abi.encode(honestStruct(code, to, calldata_));
    }

    function honestStruct(bytes memory code, address to, bytes memory calldata_)
        internal
        returns (MessageWitness memory w)
    {
        address runAt = isPrecompile(to) ? SCRATCH : to;
        vm.etch(runAt, code);
        w.block_ = NativeRunner.currentBlock(); // forge's block: the message runs in it, the witness states it
        NativeOutcome memory n = runNative(runAt, CALLER, ORIGIN, 0, 0, GAS, calldata_, w.block_);
        require(n.known, n.why);
        if (runAt == SCRATCH) vm.etch(SCRATCH, "");
        w.stateRootEnter = keccak256("some state");
        w.stateRootLeave = w.stateRootEnter;
        w.origin = ORIGIN;
        w.caller = CALLER;
        w.to = to;
        w.context = to;
        w.gasAvailable = GAS;
        w.gasUsed = n.gasUsed;
        w.state_access_list = new AccessWitness[](0);
        w.status = n.status;
        w.returndataHash = keccak256(n.returndata);
        w.calldata_ = calldata_;
        w.codeHash = keccak256(code);
    }

    /// From a state-diff recording: every contract the factory created (and kept) is part i of the archive of one of
    /// `codes` and holds exactly 0x00 ++ its slice; the factory calls nothing but CREATE2 (itself, from outside:
    /// any); the code being created calls nothing but the factory's pendingPart(). Returns how many it created.
    function checkCreations(VmStateDiff.AccountAccess[] memory acc, bytes[] memory codes)
        internal
        returns (uint256 created)
    {
        address[] memory creating = new address[](acc.length);
        uint256 nCreating;
        for (uint256 a = 0; a < acc.length; a++) {
            VmStateDiff.AccountAccess memory x = acc[a];
            if (x.kind == VmStateDiff.AccountAccessKind.Create && x.accessor == address(factory)) {
                creating[nCreating++] = x.account;
                // a creation that failed or was undone (forge does not flag accesses undone by running out of gas:
                // the account's code now tells) left nothing; what it deployed, if anything, is still checked
                bool kept = x.account.code.length != 0;
                if (x.deployedCode.length == 0 && !kept) continue;
                bool found;
                for (uint256 k = 0; k < codes.length && !found; k++) {
                    for (uint256 i = 0; i < PARTS && !found; i++) {
                        if (x.account != expectedPart(keccak256(codes[k]), i)) continue;
                        found = true;
                        bytes memory want = expectedContent(codes[k], i);
                        assertTrue(want.length != 0, "the factory created a part the code does not have");
                        if (x.deployedCode.length != 0) assertEq(x.deployedCode, want, "a part as created");
                        if (kept) assertEq(x.account.code, want, "a part now");
                    }
                }
                assertTrue(found, "the factory created a contract that is no part of the archived codes");
                if (kept) created++;
            } else if (x.kind == VmStateDiff.AccountAccessKind.Create) {
                // created by someone else: not an archive the hypervisor reads
                for (uint256 k = 0; k < codes.length; k++) {
                    for (uint256 i = 0; i < PARTS; i++) {
                        assertTrue(x.account != expectedPart(keccak256(codes[k]), i), "an archive made elsewhere");
                    }
                }
            }
        }
        for (uint256 a = 0; a < acc.length; a++) {
            VmStateDiff.AccountAccess memory x = acc[a];
            bool isCall = x.kind == VmStateDiff.AccountAccessKind.Call
                || x.kind == VmStateDiff.AccountAccessKind.StaticCall
                || x.kind == VmStateDiff.AccountAccessKind.DelegateCall
                || x.kind == VmStateDiff.AccountAccessKind.CallCode;
            if (!isCall) continue;
            assertTrue(x.accessor != address(factory), "the factory made a call");
            for (uint256 c = 0; c < nCreating; c++) {
                if (x.accessor != creating[c]) continue;
                assertTrue(
                    x.kind == VmStateDiff.AccountAccessKind.StaticCall && x.account == address(factory)
                        && keccak256(x.data) == keccak256(abi.encodeCall(ArchiveFactory.pendingPart, ())),
                    "the init code made a call other than factory.pendingPart()"
                );
            }
        }
    }

    function one(bytes memory a) internal pure returns (bytes[] memory r) {
        r = new bytes[](1);
        r[0] = a;
    }

    function two(bytes memory a, bytes memory b) internal pure returns (bytes[] memory r) {
        r = new bytes[](2);
        r[0] = a;
        r[1] = b;
    }

    // ------------------------------------------------------------------------------------------ the init code

    /// The factory's init code is the hand-written one of test/utils/asm.mjs (assembled now, through ffi).
    function test_initCode_isTheHandWrittenOne() public {
        string[] memory cmd = new string[](3);
        (cmd[0], cmd[1], cmd[2]) = ("node", "test/utils/asm.mjs", "archive");
        bytes memory assembled = vm.ffi(cmd);
        assertEq(assembled, INIT_CODE, "test/utils/asm.mjs archive");
        assertEq(factory.ARCHIVE_INIT_CODE(), INIT_CODE, "ArchiveFactory.ARCHIVE_INIT_CODE");
        assertEq(factory.ARCHIVE_INIT_CODE_HASH(), keccak256(INIT_CODE));
        assertEq(factory.EMPTY_CODE_HASH(), keccak256(""));
        assertEq(factory.PART_DATA_MAX(), PART_MAX);
        assertEq(factory.MAX_CODE_SIZE(), CODE_MAX);
        assertEq(
            bytes4(slice(INIT_CODE, 1, 5)), ArchiveFactory.pendingPart.selector, "the init code asks pendingPart()"
        );
    }

    // ------------------------------------------------------------------------------------------ content, address

    /// The archive of `code` holds exactly 0x00 ++ code ++ its JUMPDEST bitmap at the address computed from
    /// keccak256(code) alone, whoever archives it; calling it does nothing.
    function test_archive_contentAndAddress_anyCaller() public {
        address[3] memory who = [address(this), address(0xA11CE), address(factory)];
        for (uint256 k = 0; k < who.length; k++) {
            // forge-lint: disable-next-line(unsafe-typecast)
            bytes memory code = bytes.concat(RETURN3, bytes1(uint8(k))); // k < 3
            bytes32 h = keccak256(code);
            assertEq(factory.archiveOf(h), expectedPart(h, 0), "archiveOf before");
            assertNotArchived(code, "before");
            vm.expectEmit(true, true, false, true, address(factory));
            emit Archived(h, expectedPart(h, 0), code.length);
            vm.prank(who[k]);
            address a = factory.archive(code);
            assertEq(a, expectedPart(h, 0), "returned address");
            assertArchived(code, "archived");
            (bool ok, bytes memory ret) = a.call(hex"12345678");
            assertTrue(ok, "calling an archive succeeds");
            assertEq(ret.length, 0, "and returns nothing (STOP)");
        }
    }

    /// Any code (fuzzed), any caller: the address formula and the content of every part (the bitmap computed
    /// independently).
    function testFuzz_archive_anyCode(bytes memory code, address who) public {
        vm.assume(who != address(vm));
        bytes32 h = keccak256(code);
        assertEq(factory.jumpdestBitmap(code), jumpdestBitmap(code), "ArchiveFactory.jumpdestBitmap");
        vm.prank(who);
        address a = factory.archive(code);
        if (code.length == 0) {
            assertEq(a, address(0));
            assertNotArchived(code, "empty code");
        } else {
            assertEq(a, expectedPart(h, 0));
            assertArchived(code, "fuzzed code");
        }
    }

    /// archiveAccount archives an account's current code, by code: the same archive as archive(code).
    function test_archiveAccount_isArchiveOfItsCode() public {
        address acct = address(0xACC7);
        vm.etch(acct, RETURN3);
        address a = factory.archiveAccount(acct);
        assertEq(a, expectedPart(keccak256(RETURN3), 0));
        assertArchived(RETURN3, "archiveAccount");
        assertEq(factory.archive(RETURN3), a, "archive(code) finds it");
        // the factory's own code too
        address f = factory.archiveAccount(address(factory));
        assertEq(f.code, bytes.concat(hex"00", address(factory).code, jumpdestBitmap(address(factory).code)));
        // an account without code: the empty code, no archive
        assertEq(factory.archiveAccount(address(0xE0A)), address(0));
    }

    /// The JUMPDEST bitmap follows the code in the archive: bit 7 - pc % 8 of byte pc / 8 for a JUMPDEST outside push
    /// data; 0x5b bytes inside push data (PUSH1..PUSH32, one running off the end) are not marked. It equals the
    /// factory's own jumpdestBitmap and the plain computation of HypervisorSetup.
    function test_bitmap_followsTheCode_marksJumpdestsOutsidePushData() public {
        bytes[5] memory codes = [
            bytes(hex"5b615b5b5b000000005b"), // 0: JUMPDEST, 1: PUSH2 0x5b5b, 4: JUMPDEST, 9: JUMPDEST
            hex"7f5b", // a PUSH32 running off the end
            hex"00", // no JUMPDEST
            hex"5b5b5b5b5b5b5b5b5b", // nine
            bytes.concat(hex"7f", bytes32(uint256(0x5b)), hex"5b") // the PUSH32's last data byte is 0x5b, then one
        ];
        bytes[5] memory maps = [bytes(hex"8840"), hex"00", hex"00", hex"ff80", hex"0000000040"];
        for (uint256 k = 0; k < codes.length; k++) {
            string memory lbl = vm.toString(codes[k]);
            assertEq(jumpdestBitmap(codes[k]), maps[k], string.concat(lbl, ": HypervisorSetup.jumpdestBitmap"));
            assertEq(factory.jumpdestBitmap(codes[k]), maps[k], string.concat(lbl, ": ArchiveFactory.jumpdestBitmap"));
            factory.archive(codes[k]);
            assertEq(expectedPart(keccak256(codes[k]), 0).code, bytes.concat(hex"00", codes[k], maps[k]), lbl);
            assertArchived(codes[k], lbl);
        }
    }

    /// The hypervisor takes the JUMPDEST bitmap from the archive's stream, after the code: with the bit of a JUMPDEST
    /// cleared there (a state no chain reaches: only the factory creates archives) a jump to it halts, so the honest
    /// witness of the run that took the jump is rejected; with the bit restored it verifies again.
    function test_bitmap_isReadFromTheStream() public {
        bytes memory code = hex"6003565b00"; // PUSH1 3 JUMP; 3: JUMPDEST STOP
        bytes memory w = honestWitness(code, address(0xB17), "");
        archiveGuest(code);
        expectValid("archived", w);
        address p0 = expectedPart(keccak256(code), 0);
        bytes memory part0 = p0.code;
        assertEq(part0, hex"006003565b0010", "0x00 ++ code ++ bitmap (pc 3: bit 4 of byte 0)");
        vm.etch(p0, hex"006003565b0000");
        expectInvalid("the JUMPDEST's bit cleared", w, E.STATUS_MISMATCH);
        vm.etch(p0, part0);
        expectValid("the bit back", w);
    }

    /// Streams around one part: a code of 21,844 bytes makes a stream of 24,575 (part 0 full, no part 1), one of
    /// 21,845 a stream of 24,576 whose last byte, the bitmap byte of pcs 21,840-21,844, is part 1. Each code jumps to a
    /// JUMPDEST at its second-to-last pc, so its witness verifies only if the hypervisor found the bitmap's last byte.
    function test_streamAroundOnePart_verifies() public {
        uint256[2] memory sizes = [uint256(21_844), 21_845];
        for (uint256 k = 0; k < sizes.length; k++) {
            uint256 n = sizes[k];
            bytes memory code = new bytes(n); // PUSH2 (n - 2) JUMP, zeros, JUMPDEST STOP
            code[0] = 0x61;
            // forge-lint: disable-next-line(unsafe-typecast)
            code[1] = bytes1(uint8((n - 2) >> 8)); // n < 2^16: the high byte
            // forge-lint: disable-next-line(unsafe-typecast)
            code[2] = bytes1(uint8(n - 2)); // the low byte
            code[3] = 0x56;
            code[n - 2] = 0x5b;
            string memory lbl = vm.toString(n);
            vmDiff.startStateDiffRecording();
            factory.archive(code);
            assertEq(checkCreations(vmDiff.stopAndReturnStateDiff(), one(code)), k + 1, string.concat(lbl, ": parts"));
            assertArchived(code, lbl);
            assertEq(expectedPart(keccak256(code), 0).code.length, CODE_MAX, string.concat(lbl, ": part 0 full"));
            assertEq(expectedPart(keccak256(code), 1).code.length, k == 0 ? 0 : 2, string.concat(lbl, ": part 1"));
            MessageWitness memory m = honestStruct(code, address(0xD0D0), "");
            assertEq(m.status, 1, string.concat(lbl, ": the jump succeeds natively"));
            expectValid(lbl, abi.encode(m));
        }
    }

    /// A second archive of the same code returns the same address, emits nothing and costs little.
    function test_archive_idempotent() public {
        bytes memory code = lastByteProgram(10_000, 0x42);
        uint256 g0 = gasleft();
        address a1 = factory.archive(code);
        uint256 first = g0 - gasleft();
        vm.recordLogs();
        g0 = gasleft();
        address a2 = factory.archive(code);
        uint256 second = g0 - gasleft();
        assertEq(vm.getRecordedLogs().length, 0, "no event the second time");
        assertEq(a1, a2);
        assertArchived(code, "after two calls");
        assertLt(second, 10_000, "the second call only hashes the code and finds the archive");
        assertLt(second * 100, first, "the second call costs little next to the first");
    }

    // ------------------------------------------------------------------------------------------ the hypervisor

    /// Two accounts with the same code: one archive, both honest witnesses verify.
    function test_sameCode_twoTo_shareOneArchive() public {
        address to1 = address(0x7001);
        address to2 = address(0x7002);
        bytes memory w1 = honestWitness(RETURN3, to1, "");
        bytes memory w2 = honestWitness(RETURN3, to2, hex"abcd");
        vm.prank(address(0xA11CE));
        address a = factory.archive(RETURN3);
        vm.recordLogs();
        vm.prank(address(0xB0B));
        assertEq(factory.archive(RETURN3), a, "the second account's code is already archived");
        assertEq(vm.getRecordedLogs().length, 0);
        vm.etch(to1, ""); // the code at `to` is not read
        vm.etch(to2, hex"fe");
        expectValid("first `to`", w1);
        expectValid("second `to`", w2);
    }

    /// The archive is chosen by codeHash alone, but a message to a precompile (0x01..0x11) runs the precompile, not
    /// code: PRECOMPILE_FRAME there (test/WhatRuns.t.sol); right next to them (0x12, 0x100) the archived code runs.
    function test_toNextToThePrecompiles_verifies_andPrecompileTo_isPrecompileFrame() public {
        archiveGuest(RETURN3);
        for (uint160 k = 1; k <= 0x11; k++) {
            checkInvalid(string.concat("to ", vm.toString(address(k))), honestWitness(RETURN3, address(k), hex"01"), E.PRECOMPILE_FRAME);
        }
        for (uint160 k = 0x12; k <= 0x100; k += 0xee) {
            checkValid(string.concat("to ", vm.toString(address(k))), honestWitness(RETURN3, address(k), hex"01"));
        }
        assertNoFailures();
    }

    /// Code of exactly 24,576 bytes: parts 0 and 1 (part 1 holds the last code byte, then the bitmap), and its
    /// witness verifies; the last byte decides the outcome, so the hypervisor read part 1.
    function test_maxSizeCode_partsZeroAndOne_verifies() public {
        bytes memory codeA = lastByteProgram(CODE_MAX, 0x11);
        bytes memory codeB = lastByteProgram(CODE_MAX, 0x22);
        vmDiff.startStateDiffRecording();
        factory.archive(codeA);
        factory.archive(codeB);
        assertEq(checkCreations(vmDiff.stopAndReturnStateDiff(), two(codeA, codeB)), 4, "two parts each");
        assertArchived(codeA, "A");
        assertArchived(codeB, "B");
        assertEq(expectedPart(keccak256(codeA), 0).code.length, CODE_MAX, "part 0 is as large as a contract can be");
        bytes memory part1 = expectedPart(keccak256(codeA), 1).code;
        assertEq(part1.length, 2 + CODE_MAX / 8, "part 1 = 0x00 ++ the last byte ++ the bitmap");
        assertEq(part1[1], bytes1(0x11), "the last code byte first");
        MessageWitness memory a = honestStruct(codeA, address(0xA0A0), "");
        MessageWitness memory b = honestStruct(codeB, address(0xB0B0), "");
        assertEq(a.status, 1);
        assertTrue(a.returndataHash == keccak256(abi.encode(uint256(0x11 * 0x11 + 7))), "A returns from its last byte");
        assertTrue(a.returndataHash != b.returndataHash);
        expectValid("24,576 bytes, last byte 0x11", abi.encode(a));
        expectValid("24,576 bytes, last byte 0x22", abi.encode(b));
        // A's outcome claimed for B's code: wrong return data
        MessageWitness memory mixed = a;
        mixed.codeHash = b.codeHash;
        expectInvalid("A's outcome, B's code", abi.encode(mixed), E.RETURNDATA_HASH_MISMATCH);
    }

    /// Code of 24,575 bytes: part 0 full of code (24,576 bytes with its 0x00), part 1 the bitmap; its witness verifies.
    function test_fullOnePartCode_verifies() public {
        bytes memory code = lastByteProgram(PART_MAX, 0x33);
        vmDiff.startStateDiffRecording();
        factory.archive(code);
        assertEq(checkCreations(vmDiff.stopAndReturnStateDiff(), one(code)), 2, "parts 0 and 1");
        assertArchived(code, "24,575 bytes");
        assertEq(expectedPart(keccak256(code), 0).code.length, CODE_MAX);
        assertEq(expectedPart(keccak256(code), 1).code.length, 1 + (PART_MAX + 7) / 8, "part 1: 0x00 ++ the bitmap");
        expectValid("24,575 bytes", honestWitness(code, address(0xC0C0), ""));
    }

    /// Code longer than any contract's: CodeTooLarge, nothing created.
    function test_tooLargeCode_reverts() public {
        bytes memory code = lastByteProgram(CODE_MAX + 1, 0x44);
        vm.expectRevert(abi.encodeWithSelector(ArchiveFactory.CodeTooLarge.selector, CODE_MAX + 1));
        factory.archive(code);
        assertNotArchived(code, "24,577 bytes");
    }

    /// A witness naming code nobody archived: CodeNotArchived(codeHash), not a verdict; valid once archived.
    function test_notArchived_isCodeNotArchived() public {
        bytes memory code = bytes.concat(RETURN3, hex"5b");
        bytes memory w = honestWitness(code, address(0xD0D0), "");
        expectNotArchived("not archived", w, keccak256(code));
        archiveGuest(code);
        expectValid("archived", w);
    }

    /// The empty code (codeHash = keccak256("")) needs no archive: its witness (success, no gas) verifies.
    function test_emptyCode_verifiesWithoutArchive() public {
        assertEq(factory.archive(""), address(0), "the empty code gets no archive");
        assertNotArchived("", "empty code");
        assertEq(expectedPart(keccak256(""), 0).code.length, 0);
        MessageWitness memory w = honestStruct("", address(0xE0E0), hex"1234");
        assertEq(w.status, 1);
        assertEq(w.gasUsed, 0);
        assertTrue(w.codeHash == keccak256(""));
        expectValid("empty code", abi.encode(w));
    }

    // ------------------------------------------------------------------------------------------ no wrong content

    /// pendingPart() outside an archive call returns nothing: before any archive, after one in the same
    /// transaction (when the factory's transient storage still holds the last part's words), after a reverted one.
    function test_pendingPart_outsideArchive_isEmpty() public {
        Spy spy = new Spy();
        assertEq(spy.peek(factory).length, 0, "before any archive");
        (bytes memory before, bytes memory afterwards) = spy.archiveAndPeek(factory, lastByteProgram(CODE_MAX, 0x55));
        assertEq(before.length, 0, "before, in the same transaction");
        assertEq(afterwards.length, 0, "after, in the same transaction");
        RevertingArchiver r = new RevertingArchiver();
        try r.archiveThenRevert(factory, RETURN3) {} catch {}
        assertEq(spy.peek(factory).length, 0, "after a reverted archive");
        (bool ok, bytes memory ret) = address(factory).staticcall(abi.encodeCall(ArchiveFactory.pendingPart, ()));
        assertTrue(ok);
        assertEq(ret.length, 0);
    }

    /// An archived code that would re-enter the factory if it ran is never run: neither by the factory nor by a call
    /// to its archive (which starts with STOP).
    function test_archivedCode_isNeverRun() public {
        bytes memory payload = hex"6007"; // what the code would archive
        Reentrant r = new Reentrant(factory, payload);
        bytes memory code = address(r).code;
        vmDiff.startStateDiffRecording();
        vm.recordLogs();
        address a = factory.archiveAccount(address(r));
        assertEq(factory.archive(code), a);
        (bool ok,) = a.call("");
        assertTrue(ok);
        assertEq(checkCreations(vmDiff.stopAndReturnStateDiff(), one(code)), 1, "part 0");
        assertEq(vm.getRecordedLogs().length, 1, "one Archived event: the code's");
        assertArchived(code, "the re-entrant code");
        assertNotArchived(payload, "what it would archive if it ran");
        // run directly, it does archive the payload: the test means what it says
        (ok,) = address(r).call("");
        assertTrue(ok);
        assertArchived(payload, "the payload, archived by running the code");
    }

    /// A contract calling the factory from its own constructor: its own code is still empty (no archive), and the
    /// code it archives is archived exactly.
    function test_archiveFromConstructor() public {
        bytes memory code = bytes.concat(RETURN3, hex"66");
        vmDiff.startStateDiffRecording();
        SelfArchiver s = new SelfArchiver(factory, code);
        assertEq(checkCreations(vmDiff.stopAndReturnStateDiff(), one(code)), 1, "part 0");
        assertEq(s.ownArchive(), address(0), "its own code during construction is the empty code");
        assertEq(s.codeArchive(), expectedPart(keccak256(code), 0));
        assertArchived(code, "archived from a constructor");
        // its own runtime, archived once it exists, is archived exactly too
        assertEq(factory.archiveAccount(address(s)), expectedPart(keccak256(address(s).code), 0));
        assertArchived(address(s).code, "its own code, after construction");
    }

    /// Archiving inside a call that reverts leaves nothing; archiving again afterwards is exact.
    function test_archiveInsideRevertedCall_leavesNothing() public {
        RevertingArchiver r = new RevertingArchiver();
        bytes memory code = lastByteProgram(CODE_MAX, 0x66);
        vm.expectRevert(abi.encodeWithSelector(RevertingArchiver.Undone.selector, expectedPart(keccak256(code), 0)));
        r.archiveThenRevert(factory, code);
        assertNotArchived(code, "after the revert");
        vmDiff.startStateDiffRecording();
        factory.archive(code);
        assertEq(checkCreations(vmDiff.stopAndReturnStateDiff(), one(code)), 2, "parts 0 and 1");
        assertArchived(code, "archived again");
    }

    /// Out of gas at every stage of archiving a 24,576-byte code (two parts): the archive is either complete and
    /// exact or absent, and a failed call reverts. Points spread over [20,000, the least gas that succeeds], and every
    /// 500 gas over the last 100,000 below it, where part 0 is created and part 1 (the last code byte and the bitmap,
    /// 3,074 bytes) is not: the call reverts ArchiveFailed(codeHash, 1) and undoes part 0.
    function test_outOfGas_neverLeavesAPartialArchive() public {
        bytes memory code = lastByteProgram(CODE_MAX, 0x77);
        bytes memory cd = abi.encodeCall(ArchiveFactory.archive, (code));
        // the least gas that succeeds
        uint256 lo = 20_000;
        uint256 hi = 20_000_000;
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            uint256 snap = VmExtra(address(vm)).snapshotState();
            (bool ok,) = address(factory).call{gas: mid}(cd);
            VmExtra(address(vm)).revertToState(snap);
            if (ok) hi = mid;
            else lo = mid;
        }
        uint256[5] memory counts; // [succeeded, failed, ArchiveFailed part 0, part 1, part 2 (none)]
        for (uint256 g = 20_000; g < hi - 100_000; g += (hi - 100_000) / 40) {
            _countOogPoint(counts, code, cd, g);
        }
        for (uint256 g = hi - 100_000; g <= hi + 1_000; g += 500) {
            _countOogPoint(counts, code, cd, g);
        }
        // (successes below `hi` happen: accounts warmed by earlier points stay warm across revertToState)
        assertGte(counts[0], 3, "the least gas that succeeds, and two points above it");
        assertGt(counts[1], 150, "the rest fail");
        assertGt(counts[2], 10, "some fail in part 0's CREATE2 (ArchiveFailed(codeHash, 0))");
        assertGt(counts[3], 10, "some in part 1's, after part 0 was created (ArchiveFailed(codeHash, 1))");
        assertEq(counts[4], 0, "no part 2");
        // with 5M gas the stream is built (its bitmap scan costs millions here), but the deposit of part 0 (24,576 bytes)
        // cannot be paid: ArchiveFailed(codeHash, 0)
        vm.expectRevert(abi.encodeWithSelector(ArchiveFactory.ArchiveFailed.selector, keccak256(code), 0));
        factory.archive{gas: 5_000_000}(code);
    }

    /// If part 1 cannot be created after part 0 was (forced here: its address has a nonce, a CREATE2 collision no
    /// chain can produce), the call reverts ArchiveFailed(codeHash, 1) and part 0 is undone with it.
    function test_part1Fails_undoesPart0() public {
        bytes memory code = lastByteProgram(CODE_MAX, 0x78);
        bytes32 h = keccak256(code);
        vm.setNonce(expectedPart(h, 1), 1);
        vm.expectRevert(abi.encodeWithSelector(ArchiveFactory.ArchiveFailed.selector, h, 1));
        factory.archive{gas: 20_000_000}(code); // (a collision burns the gas the CREATE2 was given)
        assertNotArchived(code, "after part 1 failed");
    }

    function _countOogPoint(uint256[5] memory counts, bytes memory code, bytes memory cd, uint256 g) internal {
        (bool ok, bytes memory ret) = _oogPoint(code, cd, g);
        if (ok) {
            counts[0]++;
            return;
        }
        counts[1]++;
        for (uint256 i = 0; i < PARTS; i++) {
            bytes memory af = abi.encodeWithSelector(ArchiveFactory.ArchiveFailed.selector, keccak256(code), i);
            if (keccak256(ret) == keccak256(af)) counts[2 + i]++;
        }
    }

    /// One point of test_outOfGas_neverLeavesAPartialArchive, undone afterwards.
    function _oogPoint(bytes memory code, bytes memory cd, uint256 g) internal returns (bool ok, bytes memory ret) {
        uint256 snap = VmExtra(address(vm)).snapshotState();
        vmDiff.startStateDiffRecording();
        (ok, ret) = address(factory).call{gas: g}(cd);
        checkCreations(vmDiff.stopAndReturnStateDiff(), one(code));
        string memory lbl = string.concat("with ", vm.toString(g), " gas");
        if (ok) assertArchived(code, lbl);
        else assertNotArchived(code, lbl);
        VmExtra(address(vm)).revertToState(snap);
    }

    /// The init code run by other deployers: whatever their pendingPart() returns lands at their own CREATE2
    /// address, never at the factory's archive address, which the hypervisor alone reads.
    function test_initCodeThroughOtherDeployers_landsElsewhere() public {
        bytes memory code = bytes.concat(RETURN3, hex"77");
        bytes32 h = keccak256(code);
        bytes memory w = honestWitness(code, address(0xF0F0), "");

        Impostor imp = new Impostor();
        imp.setPart(hex"60ff5f5260205ff3"); // other code than the one named by h
        vmDiff.startStateDiffRecording();
        address fake = imp.deploy(h, INIT_CODE);
        Relay relay = new Relay(factory);
        address relayed = relay.deploy(h, INIT_CODE);
        address none = new PlainDeployer().deploy(h, INIT_CODE);
        checkCreations(vmDiff.stopAndReturnStateDiff(), one(code));

        assertEq(fake.code, hex"0060ff5f5260205ff3", "the impostor got its own content");
        assertTrue(fake != expectedPart(h, 0) && fake != factory.archiveOf(h), "at its own address");
        assertEq(relayed.code, hex"00", "the relay got nothing from the factory");
        assertTrue(relayed != expectedPart(h, 0));
        assertEq(none, address(0), "without pendingPart() the creation fails");
        assertNotArchived(code, "the factory's archive");
        expectNotArchived("the impostor's contract is not read", w, h);
        archiveGuest(code);
        expectValid("once the factory archived it", w);
    }

    // ------------------------------------------------------------------------------------------ gas

    /// The gas of archiving codes of 100, 1,000, 10,000 and 24,576 bytes (pseudo-random content; and, as real code, the
    /// factory's own runtime), written to
    /// cache/archive-gas.json (nothing asserted): `frameGas` is the exact gas of the factory's frame (GasMeter; the
    /// factory warm as a transaction's `to`, the archive address cold), `calldataGas` the transaction data cost of the
    /// call (4 per zero byte, 16 per other byte), `txGas` = max(21,000 + calldataGas + frameGas, EIP-7623 floor
    /// 21,000 + 10 * tokens).
    function test_reportArchiveGas() public {
        uint256[4] memory sizes = [uint256(100), 1_000, 10_000, CODE_MAX];
        string memory rows;
        for (uint256 k = 0; k < sizes.length; k++) {
            // forge-lint: disable-next-line(unsafe-typecast)
            rows = string.concat(rows, k == 0 ? "" : ",\n", gasRow(pseudoRandomCode(sizes[k], uint8(k + 1)), "random"));
        }
        rows = string.concat(rows, ",\n", gasRow(address(factory).code, "ArchiveFactory runtime (solc)"));
        vm.writeFile(
            "cache/archive-gas.json",
            string.concat(
                '{\n  "_note": "test/Archive.t.sol test_reportArchiveGas: ArchiveFactory.archive(code), first time; ',
                'frameGas exact (GasMeter), txGas with calldata and the EIP-7623 floor",\n  "rows": [\n',
                rows,
                "\n  ]\n}\n"
            )
        );
    }

    /// `size` bytes of keccak256 output (few zero bytes, as in real code: the calldata cost is typical; the factory's
    /// own gas depends on the content only through the bitmap's scan, which skips push data).
    function pseudoRandomCode(uint256 size, uint8 seed) internal pure returns (bytes memory code) {
        code = new bytes(size);
        for (uint256 i = 0; i < size; i += 32) {
            bytes32 w = keccak256(abi.encode(seed, i));
            for (uint256 k = 0; k < 32 && i + k < size; k++) {
                code[i + k] = w[k];
            }
        }
    }

    function gasRow(bytes memory code, string memory content) internal returns (string memory) {
        uint256 size = code.length;
        bytes memory cd = abi.encodeCall(ArchiveFactory.archive, (code));
        (bool ok, uint256 frame,) = GasMeter.measureNoCommit(meter, address(factory), 30_000_000, 0, false, cd);
        assertTrue(ok, "archived");
        uint256 zeros;
        for (uint256 i = 0; i < cd.length; i++) {
            if (cd[i] == 0) zeros++;
        }
        uint256 dataGas = zeros * 4 + (cd.length - zeros) * 16;
        uint256 txGas = 21_000 + dataGas + frame;
        uint256 floor = 21_000 + 10 * (zeros + 4 * (cd.length - zeros));
        if (floor > txGas) txGas = floor;
        return string.concat(
            string.concat(
                '    {"content": "',
                content,
                '", "codeSize": ',
                vm.toString(size),
                ', "parts": ',
                vm.toString(size + (size + 7) / 8 > PART_MAX ? 2 : 1), // the stream: code ++ bitmap
                ', "frameGas": ',
                vm.toString(frame),
                ', "frameGasPerByte": ',
                vm.toString(frame / size)
            ),
            string.concat(
                ', "calldataBytes": ',
                vm.toString(cd.length),
                ', "calldataGas": ',
                vm.toString(dataGas),
                ', "txGas": ',
                vm.toString(txGas),
                ', "txGasPerByte": ',
                vm.toString(txGas / size),
                "}"
            )
        );
    }
}
