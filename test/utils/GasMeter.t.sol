// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PRBTest} from "@prb/test/PRBTest.sol";
import {GasMeter} from "./GasMeter.sol";

/// Proves GasMeter's arithmetic: the reported gasUsed is the exact gas of the callee frame.
contract GasMeterTest is PRBTest {
    address internal meter;
    address internal constant T = address(0x7a76e7);

    function setUp() public {
        meter = GasMeter.deploy();
        vm.deal(meter, 100 ether);
    }

    function run_(bytes memory code, uint256 g, uint256 value, bool isStatic, bytes memory data)
        internal
        returns (bool ok, uint256 used, bytes memory ret)
    {
        vm.etch(T, code);
        return GasMeter.measure(meter, T, g, value, isStatic, data);
    }

    function test_stopUsesZero() public {
        (bool ok, uint256 used, bytes memory ret) = run_(hex"00", 100000, 0, false, "");
        assertTrue(ok);
        assertEq(used, 0);
        assertEq(ret.length, 0);
    }

    function test_emptyCodeUsesZero() public {
        (bool ok, uint256 used,) = run_("", 100000, 0, false, "");
        assertTrue(ok);
        assertEq(used, 0);
    }

    function test_addUsesNine() public {
        (bool ok, uint256 used,) = run_(hex"6001600201", 100000, 0, false, "");
        assertTrue(ok);
        assertEq(used, 9);
    }

    function test_invalidUsesAll() public {
        (bool ok, uint256 used, bytes memory ret) = run_(hex"fe", 77777, 0, false, "");
        assertFalse(ok);
        assertEq(used, 77777);
        assertEq(ret.length, 0);
    }

    function test_outOfGasExact() public {
        // PUSH1 PUSH1 ADD needs 9: with 8 it halts and uses all 8; with 9 it succeeds.
        (bool ok, uint256 used,) = run_(hex"6001600201", 8, 0, false, "");
        assertFalse(ok);
        assertEq(used, 8);
        (ok, used,) = run_(hex"6001600201", 9, 0, false, "");
        assertTrue(ok);
        assertEq(used, 9);
    }

    function test_returnData() public {
        // PUSH1 1 PUSH1 2 ADD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN: 3+3+3+3+(3+3 mem)+3+3+0 = 24
        (bool ok, uint256 used, bytes memory ret) = run_(hex"600160020160005260206000f3", 100000, 0, false, "");
        assertTrue(ok);
        assertEq(used, 24);
        assertEq(ret, abi.encode(uint256(3)));
    }

    function test_revert() public {
        // PUSH1 42 PUSH0 MSTORE PUSH1 32 PUSH0 REVERT: 3+2+3+3(mem)+3+2 = 16
        (bool ok, uint256 used, bytes memory ret) = run_(hex"602a5f5260205ffd", 100000, 0, false, "");
        assertFalse(ok);
        assertEq(used, 16);
        assertEq(ret, abi.encode(uint256(42)));
    }

    function test_calldataAndGasOpcode() public {
        // CALLDATASIZE GAS PUSH0 MSTORE PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN
        // GAS reports G - 2 (CALLDATASIZE) - 2 (GAS itself)
        (bool ok, uint256 used, bytes memory ret) =
            run_(hex"365a5f5260205260405ff3", 50000, 0, false, hex"aabbccdd");
        assertTrue(ok);
        (uint256 gasSeen, uint256 cds) = abi.decode(ret, (uint256, uint256));
        assertEq(gasSeen, 50000 - 4);
        assertEq(cds, 4);
        // 2 + 2 + 2 + 3 + 3(mem 1 word) + 3 + 3 + 3(mem 2nd word) + 3 + 2 + 0 = 26
        assertEq(used, 26);
    }

    function test_withValue() public {
        // CALLVALUE PUSH0 MSTORE GAS PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN; the callee sees exactly G gas.
        (bool ok, uint256 used, bytes memory ret) = run_(hex"345f525a60205260405ff3", 10000, 5 wei, false, "");
        assertTrue(ok);
        (uint256 v, uint256 gasSeen) = abi.decode(ret, (uint256, uint256));
        assertEq(v, 5);
        assertEq(gasSeen, 10000 - 2 - 2 - 3 - 3 - 2); // CALLVALUE PUSH0 MSTORE(+mem) GAS
        assertEq(used, 2 + 2 + 3 + 3 + 2 + 3 + 3 + 3 + 3 + 2);
        assertEq(T.balance, 5);
    }

    function test_withValueInvalidUsesAll() public {
        (bool ok, uint256 used,) = run_(hex"fe", 5000, 1, false, "");
        assertFalse(ok);
        assertEq(used, 5000);
    }

    function test_withValueBelowStipendRejected() public {
        vm.etch(T, hex"00");
        (bool ok,) = meter.call(GasMeter.encode(T, 2299, 1, false, ""));
        assertFalse(ok);
    }

    function test_static() public {
        (bool ok, uint256 used,) = run_(hex"6001600201", 100000, 0, true, "");
        assertTrue(ok);
        assertEq(used, 9);
        // SSTORE in a static frame: exceptional halt, all gas used
        (ok, used,) = run_(hex"60015f55", 30000, 0, true, "");
        assertFalse(ok);
        assertEq(used, 30000);
    }

    function test_staticWithValueRejected() public {
        vm.etch(T, hex"00");
        (bool ok,) = meter.call(GasMeter.encode(T, 1000, 1, true, ""));
        assertFalse(ok);
    }

    function test_insufficientMeterGasRejected() public {
        vm.etch(T, hex"00");
        (bool ok,) = meter.call{gas: 1_000_000}(GasMeter.encode(T, 1_000_000, 0, false, ""));
        assertFalse(ok);
    }

    function test_coldTargetSameAsWarm() public {
        // a fresh, never-touched target: the meter pre-warms it, so the overhead is unchanged
        address fresh = address(0xF4E54);
        vm.etch(fresh, hex"6001600201");
        (bool ok, uint256 used,) = GasMeter.measure(meter, fresh, 100000, 0, false, "");
        assertTrue(ok);
        assertEq(used, 9);
    }

    function test_largeCalldataMemoryExpansionNotCharged() public {
        bytes memory data = new bytes(10000);
        (bool ok, uint256 used,) = run_(hex"00", 100000, 0, false, data);
        assertTrue(ok);
        assertEq(used, 0);
    }

    function testFuzz_gasOpcodeSeesExactlyG(uint32 g, bool withValue) public {
        vm.assume(g >= 2300);
        // GAS PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
        (bool ok, uint256 used, bytes memory ret) = run_(hex"5a5f5260205ff3", g, withValue ? 1 : 0, false, "");
        if (g < 2 + 2 + 3 + 3 + 3 + 2) {
            assertFalse(ok);
            assertEq(used, g);
        } else {
            assertTrue(ok);
            assertEq(abi.decode(ret, (uint256)), uint256(g) - 2);
            assertEq(used, 15);
        }
    }

    function testFuzz_invalidUsesAll(uint40 g) public {
        (bool ok, uint256 used,) = run_(hex"fe", g, 0, false, "");
        assertFalse(ok);
        assertEq(used, g);
    }

    function test_noCommitUndoesStateChanges() public {
        // PUSH1 7 PUSH0 SSTORE STOP
        vm.etch(T, hex"60075f5500");
        (bool ok, uint256 used,) = GasMeter.measureNoCommit(meter, T, 100000, 3, false, "");
        assertTrue(ok);
        assertEq(used, 3 + 2 + 22100); // cold slot, 0 -> nonzero
        // again: same cost, the slot is still 0 and cold again (the reverted frame's access list is undone too)
        (ok, used,) = GasMeter.measureNoCommit(meter, T, 100000, 3, false, "");
        assertEq(used, 3 + 2 + 22100);
        assertEq(vm.load(T, bytes32(0)), bytes32(0), "storage undone");
        assertEq(T.balance, 0, "value transfer undone");
        // with commit the write stays
        (ok, used,) = GasMeter.measure(meter, T, 100000, 0, false, "");
        assertEq(vm.load(T, bytes32(0)), bytes32(uint256(7)));
    }

    function test_noCommitRevertAndHalt() public {
        (bool ok, uint256 used, bytes memory ret) = (false, 0, bytes(""));
        vm.etch(T, hex"602a5f5260205ffd");
        (ok, used, ret) = GasMeter.measureNoCommit(meter, T, 100000, 0, false, "");
        assertFalse(ok);
        assertEq(used, 16);
        assertEq(ret, abi.encode(uint256(42)));
        vm.etch(T, hex"fe");
        (ok, used, ret) = GasMeter.measureNoCommit(meter, T, 1234, 0, true, "");
        assertFalse(ok);
        assertEq(used, 1234);
        assertEq(ret.length, 0);
    }
}
