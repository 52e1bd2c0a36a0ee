// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {HypervisorSetup} from "./utils/HypervisorSetup.sol";
import {WitnessErrors as E} from "./utils/WitnessErrors.sol";

/// @title WhatRunsTest
/// @notice What runs at `to` is never something the witness can make up (docs/errors.md, "What runs at `to`"):
///  - EIP-7702: a call to a delegated account runs the delegate's code, and a frame runs a delegation designator
///    (0xef0100 ++ a 20-byte address) only when the delegate's code is one too (EIP-7702 follows one delegation): it
///    halts at 0xef. That codeHash names the code that runs is a claim checked outside (docs/witness.md).
///  - A message to a precompile (Prague: 0x01-0x11) runs the precompile, not code. The hypervisor once ran the
///    witness's code there, so a claim of the empty code's outcome was valid whatever the precompile returns
///    (PRECOMPILE_FRAME).
contract WhatRunsTest is HypervisorSetup {
    address internal constant GUEST = address(0x2000000000000000000000000000000000000002);
    uint256 internal constant GAS = 50_000;

    function test_designator_runsAsCode_andHalts() public {
        address[2] memory delegates = [address(0), address(0xABcdEFABcdEFabcdEfAbCdefabcdeFABcDEFabCD)];
        for (uint256 i = 0; i < delegates.length; i++) {
            bytes memory code = abi.encodePacked(hex"ef0100", delegates[i]);
            factory.archive(code);
            // 0xef is an invalid opcode: an exceptional halt with all gas used, and nothing else
            Verdict memory v = verdictVia(CallKind.Call, abi.encode(plainWitness(GUEST, keccak256(code), GAS, 0, GAS, "")));
            assertTrue(v.kind == Kind.Valid, describe(v));
            v = verdictVia(CallKind.Call, abi.encode(plainWitness(GUEST, keccak256(code), GAS, 1, 0, "")));
            assertTrue(v.kind == Kind.Invalid && v.code == E.STATUS_MISMATCH, describe(v));
        }
    }

    function test_precompileTo_isPrecompileFrame_whateverTheCode() public {
        bytes[3] memory codes = [bytes(""), hex"00", hex"60016000f3"];
        for (uint256 p = 1; p <= 0x11; p++) {
            for (uint256 i = 0; i < codes.length; i++) {
                if (codes[i].length > 0) factory.archive(codes[i]);
                Verdict memory v = verdictVia(CallKind.Call, abi.encode(plainWitness(address(uint160(p)), keccak256(codes[i]), GAS, 1, 0, "")));
                assertTrue(v.kind == Kind.Invalid, describe(v));
                assertEq(v.code, E.PRECOMPILE_FRAME, describe(v));
                assertEq(v.guestPc, 0);
            }
        }
    }

    function test_nextToThePrecompiles_codeRuns() public {
        bytes memory code = hex"00"; // STOP: success, no gas
        factory.archive(code);
        address[3] memory tos = [address(0), address(0x12), address(0x100)];
        for (uint256 i = 0; i < tos.length; i++) {
            Verdict memory v = verdictVia(CallKind.Call, abi.encode(plainWitness(tos[i], keccak256(code), GAS, 1, 0, "")));
            assertTrue(v.kind == Kind.Valid, describe(v));
        }
    }
}
