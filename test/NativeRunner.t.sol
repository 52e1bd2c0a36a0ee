// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PRBTest} from "@prb/test/PRBTest.sol";
import {GasMeter} from "./utils/GasMeter.sol";
import {NativeMessage, NativeOutcome, NativeRunner} from "./utils/NativeRunner.sol";
import {VmExtra} from "./utils/VmExtra.sol";
import {BlockValues} from "./utils/Witness.sol";

/// @title NativeRunnerTest
/// @notice NativeRunner, the native runner of both the Forge tests and script/VerifyBatch.s.sol, gives the outcome the
/// EVM defines for the callee frame alone, in the cases where the meter's own CALL would otherwise add to it, runs it
/// in the message's block, and leaves the caller and the block as it found them.
contract NativeRunnerTest is PRBTest {
    address internal constant CALLER = address(0xCA11E4);
    address internal constant ORIGIN = address(0x0419);
    address internal constant TO = address(0x70);

    function message(bytes memory code, uint256 value) internal view returns (NativeMessage memory) {
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
            calldata_: "",
            block_: NativeRunner.currentBlock()
        });
    }

    /// A block unlike forge's in every value.
    function someBlock() internal pure returns (BlockValues memory) {
        return BlockValues({
            coinbase: address(0xC01B),
            timestamp: 1_700_000_123,
            number: 19_000_001,
            prevrandao: keccak256("prevrandao"),
            gasLimit: 30_000_000,
            chainId: 10,
            baseFee: 12_345,
            blobBaseFee: 1_000
        });
    }

    /// COINBASE TIMESTAMP NUMBER PREVRANDAO CHAINID BASEFEE BLOBBASEFEE, each stored to its word of memory, returned.
    bytes internal constant BLOCK_READER = hex"415f52426020524360405244606052466080524860a0524a60c05260e05ff3";

    /// The message sees its block's values (all but the gas limit, see the next test); the block is forge's again
    /// afterwards.
    function test_runsInTheMessagesBlock() public {
        BlockValues memory forgeBlock = NativeRunner.currentBlock();
        BlockValues memory b = someBlock();
        NativeMessage memory m = message(BLOCK_READER, 0);
        m.block_ = b;
        NativeOutcome memory n = NativeRunner.run(m);
        assertTrue(n.known, n.why);
        assertEq(n.status, 1, "status");
        assertEq(
            n.returndata,
            abi.encode(b.coinbase, b.timestamp, b.number, b.prevrandao, b.chainId, b.baseFee, b.blobBaseFee),
            "the block values the message sees"
        );
        BlockValues memory after_ = NativeRunner.currentBlock();
        assertEq(abi.encode(after_), abi.encode(forgeBlock), "the block is restored");
    }

    /// No cheatcode sets the block gas limit: a message that reads GASLIMIT in a block with another limit is not run
    /// (not known, with the reason); one that does not read it runs, and GASLIMIT in push data does not count.
    function test_gasLimitOfAnotherBlockIsNotKnown() public {
        BlockValues memory b = someBlock();
        assertTrue(b.gasLimit != block.gaslimit, "forge's block gas limit is not the test block's");
        NativeMessage memory m = message(hex"455f5260205ff3", 0); // GASLIMIT PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
        m.block_ = b;
        NativeOutcome memory n = NativeRunner.run(m);
        assertFalse(n.known, "GASLIMIT of another block");
        assertEq(
            n.why,
            string.concat(
                "GASLIMIT would show ",
                vm.toString(block.gaslimit),
                " in revm, the message's block has ",
                vm.toString(b.gasLimit),
                " (no cheatcode sets the block gas limit)"
            )
        );
        m.code = hex"6045600052"; // PUSH1 0x45 PUSH1 0 MSTORE: 0x45 only as push data
        n = NativeRunner.run(m);
        assertTrue(n.known, n.why);
        assertEq(n.gasUsed, 12, "PUSH1 PUSH1 MSTORE with one word of memory: 3 + 3 + 3 + 3");
        m.block_.gasLimit = block.gaslimit;
        m.code = hex"455f5260205ff3";
        n = NativeRunner.run(m);
        assertTrue(n.known, n.why);
        assertEq(n.returndata, abi.encode(block.gaslimit), "GASLIMIT of forge's own limit");
    }

    /// The blob base fee is reached through the excess blob gas (vm.blobBaseFee sets that): exact for small fees and
    /// for the fee of a real block's excess blob gas (here 100,000,000, where one more unit of excess raises the fee by
    /// ~100 wei under Prague: not every fee is some excess's); a fee no excess yields is not known. The fee is forge's again afterwards.
    function test_blobBaseFee() public {
        uint256 forgeFee = block.blobbasefee;
        VmExtra(address(vm)).blobBaseFee(100_000_000);
        uint256 realFee = block.blobbasefee;
        VmExtra(address(vm)).blobBaseFee(0);
        assertEq(block.blobbasefee, forgeFee, "excess blob gas 0: forge's fee");
        assertGt(realFee, 1e6, "the fee of a real block's excess");
        uint256[5] memory fees = [uint256(1), 2, 3, 1000, realFee];
        for (uint256 k = 0; k < fees.length; k++) {
            uint256 fee = fees[k];
            NativeMessage memory m = message(hex"4a5f5260205ff3", 0); // BLOBBASEFEE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
            m.block_.blobBaseFee = fee;
            NativeOutcome memory n = NativeRunner.run(m);
            assertTrue(n.known, n.why);
            assertEq(n.returndata, abi.encode(fee), "BLOBBASEFEE");
            assertEq(block.blobbasefee, forgeFee, "the blob base fee is restored");
        }
        NativeMessage memory big = message(hex"4a5f5260205ff3", 0);
        big.block_.blobBaseFee = type(uint256).max;
        NativeOutcome memory o = NativeRunner.run(big);
        assertFalse(o.known, "no excess blob gas yields a fee of 2^256 - 1");
        VmExtra x = VmExtra(address(vm));
        assertEq(x.indexOf(o.why, "BLOBBASEFEE would show "), 0, o.why);
        assertTrue(
            x.indexOf(o.why, string.concat("the message's block has ", vm.toString(type(uint256).max)))
                != type(uint256).max,
            o.why
        );
        assertEq(block.blobbasefee, forgeFee, "the blob base fee is restored");
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
        m = message(hex"00", 0);
        m.block_.chainId = 1 << 64;
        assertEq(NativeRunner.ineligible(m), "chain id of 2^64 or more (vm.chainId rejects it)");
        m = message(hex"00", 0);
        m.block_.baseFee = 1 << 64;
        assertEq(NativeRunner.ineligible(m), "base fee of 2^64 or more (vm.fee rejects it)");
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
