// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PRBTest} from "@prb/test/PRBTest.sol";
import {GasMeter} from "./utils/GasMeter.sol";
import {NativeMessage, NativeOutcome, NativeRunner} from "./utils/NativeRunner.sol";

/// @title NativeRunnerTest
/// @notice NativeRunner, the native runner of both the Forge tests and script/VerifyBatch.s.sol, gives the outcome the
/// EVM defines for the callee frame alone, in the cases where the meter's own CALL would otherwise add to it, and
/// leaves the caller as it found it.
contract NativeRunnerTest is PRBTest {
    address internal constant CALLER = address(0xCA11E4);
    address internal constant ORIGIN = address(0x0419);
    address internal constant TO = address(0x70);

    function message(bytes memory code, uint256 value) internal pure returns (NativeMessage memory) {
        return NativeMessage({
            code: code,
            to: TO,
            context: TO,
            caller: CALLER,
            origin: ORIGIN,
            value: value,
            gasAvailable: 100_000,
            gasPrice: 0,
            isStatic: false,
            calldata_: ""
        });
    }

    /// A value call to an account without code, nonce or balance (EIP-161 empty) would make the meter's CALL pay
    /// 25,000 for creating it; the frame itself runs no code and uses no gas. The runner gives 0.
    function test_valueCallToAnEmptyAccountUsesNoGas() public {
        assertEq(TO.code.length, 0);
        assertEq(vm.getNonce(TO), 0);
        assertEq(TO.balance, 0);
        NativeOutcome memory n = NativeRunner.run(message("", 1));
        assertTrue(n.known, n.why);
        assertEq(n.status, 1, "status");
        assertEq(n.gasUsed, 0, "gasUsed");
        assertEq(n.returndata.length, 0, "returndata");
    }

    /// The same call of code that does something: PUSH1 2 PUSH1 3 ADD (3 + 3 + 3 gas), then STOP.
    function test_valueCallGivesTheFrameGas() public {
        NativeOutcome memory n = NativeRunner.run(message(hex"600260030100", 1));
        assertTrue(n.known, n.why);
        assertEq(n.status, 1, "status");
        assertEq(n.gasUsed, 9, "gasUsed");
    }

    /// REVERT(0, 0) after two pushes (2 * 3 gas + REVERT's 0): status 2, not an exceptional halt; INVALID: status 0
    /// with all gas used.
    function test_statusOfRevertAndHalt() public {
        NativeOutcome memory r = NativeRunner.run(message(hex"5f5ffd", 0));
        assertTrue(r.known, r.why);
        assertEq(r.status, 2, "REVERT status");
        assertEq(r.gasUsed, 4, "REVERT gasUsed (PUSH0 PUSH0)");
        NativeOutcome memory h = NativeRunner.run(message(hex"fe", 0));
        assertTrue(h.known, h.why);
        assertEq(h.status, 0, "INVALID status");
        assertEq(h.gasUsed, 100_000, "INVALID gasUsed");
    }

    /// The caller holds the meter only while the message runs; it ends with no code and no balance.
    function test_callerIsLeftAsFound() public {
        NativeRunner.run(message(hex"00", 5));
        assertEq(CALLER.code.length, 0, "caller code");
        assertEq(CALLER.balance, 0, "caller balance");
        assertEq(TO.code, hex"00", "to keeps the code");
    }

    function test_ineligibleMessagesAreNotRun() public {
        NativeMessage memory m = message(hex"00", 0);
        m.context = address(0xC0);
        NativeOutcome memory n = NativeRunner.run(m);
        assertFalse(n.known);
        assertEq(n.why, "context differs from to (DELEGATECALL/CALLCODE frame): not supported natively");
        assertEq(TO.code.length, 0, "nothing etched for a message that is not run");
        m = message(hex"00", 1);
        m.isStatic = true;
        assertEq(NativeRunner.ineligible(m), "static call with value");
        m = message(hex"00", 0);
        m.to = address(0x100);
        m.context = m.to;
        assertEq(NativeRunner.ineligible(m), "caller or to is a precompile");
    }

    /// Without the runner's nonce, the meter counts the account creation as the frame's gas: the reason the runner
    /// sets it (GasMeter's stated assumption).
    function test_withoutTheNonceTheMeterCountsAccountCreation() public {
        vm.etch(CALLER, GasMeter.RUNTIME);
        vm.deal(CALLER, 1);
        vm.prank(CALLER, ORIGIN);
        (bool mok, bytes memory out) = CALLER.call(GasMeter.encode(TO, 100_000, 1, false, true, ""));
        assertFalse(mok, "the meter reverts with its result");
        (bool ok, uint256 used,) = GasMeter.decode(out);
        assertTrue(ok);
        assertEq(used, 25_000, "EIP-161 account creation charged to the meter's CALL");
    }
}
