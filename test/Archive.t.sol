// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PRBTest} from "@prb/test/PRBTest.sol";
import {ArchiveFactory} from "../src/ArchiveFactory.sol";

contract ArchiveTest is PRBTest {
    ArchiveFactory internal factory;

    event Archived(address indexed to, address indexed archive, uint256 codeSize);

    function setUp() public {
        factory = new ArchiveFactory();
    }

    /// The CREATE2 address computed independently of the factory's own code.
    function expectedArchive(address to) internal view returns (address) {
        bytes memory initCode =
            hex"6358ea52a55f5260205f6004601c335afa3d6020141615602c575f51803b805f6001843c5f5f536001015ff35b5f5ffd";
        bytes32 h = keccak256(abi.encodePacked(hex"ff", address(factory), uint256(uint160(to)), keccak256(initCode)));
        return address(uint160(uint256(h)));
    }

    function test_initCodeHash() public {
        assertEq(factory.ARCHIVE_INIT_CODE_HASH(), keccak256(factory.ARCHIVE_INIT_CODE()));
        assertEq(
            factory.ARCHIVE_INIT_CODE_HASH(),
            keccak256(
                hex"6358ea52a55f5260205f6004601c335afa3d6020141615602c575f51803b805f6001843c5f5f536001015ff35b5f5ffd"
            )
        );
    }

    function test_archiveOfCode() public {
        address to = address(0xC0DE);
        bytes memory code = hex"600160020160005260206000f3";
        vm.etch(to, code);
        address predicted = factory.archiveOf(to);
        assertEq(predicted.code.length, 0);
        address a = factory.archive(to);
        assertEq(a, predicted);
        assertEq(a, expectedArchive(to));
        assertEq(a.code, abi.encodePacked(hex"00", code));
        assertEq(factory.pendingTarget(), address(0), "transient target cleared");
    }

    function test_archiveEmitsEvent() public {
        address to = address(0xC0DE);
        vm.etch(to, hex"6001");
        vm.expectEmit(true, true, false, true, address(factory));
        emit Archived(to, factory.archiveOf(to), 2);
        factory.archive(to);
    }

    function test_archiveOfEmptyCode() public {
        address to = address(0xBEEF);
        address a = factory.archive(to);
        assertEq(a, expectedArchive(to));
        assertEq(a.code, hex"00");
    }

    function test_archiveTwiceReturnsExisting() public {
        address to = address(0xC0DE);
        vm.etch(to, hex"6001");
        address a1 = factory.archive(to);
        vm.etch(to, hex"60026003"); // code changes: the archive is permanent
        address a2 = factory.archive(to);
        assertEq(a1, a2);
        assertEq(a2.code, hex"006001");
    }

    function test_callingArchiveDoesNothing() public {
        address to = address(0xC0DE);
        vm.etch(to, hex"60006000fd"); // would revert if it ran
        address a = factory.archive(to);
        (bool ok, bytes memory ret) = a.call(hex"1234");
        assertTrue(ok);
        assertEq(ret.length, 0);
    }

    function test_archiveLargeAndEfPrefixedCode() public {
        address to = address(0x1111);
        bytes memory code = new bytes(24575);
        code[0] = 0xef;
        code[24574] = 0x42;
        vm.etch(to, code);
        address a = factory.archive(to);
        assertEq(a.code.length, 24576);
        assertEq(a.code, abi.encodePacked(hex"00", code));
    }

    function test_failedCreateRevertsArchiveFailed() public {
        // The CREATE2 fails (here: the code deposit of 24575 bytes needs ~4.9M gas; on a real chain a
        // 24576-byte code fails the same way through EIP-170, which forge test does not enforce).
        address to = address(0x2222);
        vm.etch(to, new bytes(24575));
        vm.expectRevert(abi.encodeWithSelector(ArchiveFactory.ArchiveFailed.selector, to));
        factory.archive{gas: 1_000_000}(to);
        assertEq(factory.archiveOf(to).code.length, 0);
    }

    function test_archiveFactoryItself() public {
        address a = factory.archive(address(factory));
        assertEq(a.code, abi.encodePacked(hex"00", address(factory).code));
    }

    function test_initCodeNotFromFactoryReverts() public {
        // Run directly by another deployer, pendingTarget() does not exist on the caller: CREATE fails.
        bytes memory initCode = factory.ARCHIVE_INIT_CODE();
        address created;
        assembly {
            created := create(0, add(initCode, 0x20), mload(initCode))
        }
        assertEq(created, address(0));
    }

    function testFuzz_addressDerivation(address to, bytes memory code) public {
        vm.assume(code.length < 24576 && to.code.length == 0 && uint160(to) > 0x20);
        vm.assume(to != address(factory) && to != address(vm) && to != address(this));
        vm.etch(to, code);
        address a = factory.archive(to);
        assertEq(a, expectedArchive(to));
        assertEq(a, factory.archiveOf(to));
        assertEq(a.code, abi.encodePacked(hex"00", code));
    }
}
