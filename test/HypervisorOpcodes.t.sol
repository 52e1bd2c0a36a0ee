// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {HypervisorSetup} from "./utils/HypervisorSetup.sol";
import {SampleFixture} from "./utils/HypervisorFixtures.sol";
import {NativeOutcome} from "./utils/NativeRunner.sol";
import {Opcodes} from "./utils/Opcodes.sol";
import {AccessWitness, MessageWitness} from "./utils/Witness.sol";
import {WitnessErrors as E} from "./utils/WitnessErrors.sol";
import {WitnessLayout as L} from "./utils/WitnessLayout.sol";

/// @title HypervisorOpcodesTest
/// @notice Every sample program of lib/samples/opcodes.ts (a program for every opcode the hypervisor executes itself
/// and every exceptional halt), from test/fixtures/hypervisor/samples.json (scripts/gen-fixtures.ts; the outcomes
/// there come from ethereumjs):
///   - the honest witness is accepted;
///   - a wrong status, gasUsed ± 1, returndataHash, stateRootLeave, or a leftover record is rejected with its code,
///     all at the same guest pc;
///   - revm (this forge) runs the message natively to the same status, gas and return data as ethereumjs;
///   - Solidity's abi.encode of the witness struct equals the TypeScript encoding.
/// Each test loops over all samples and reports every failing sample by name at the end (HV_SAMPLE=<text> runs only
/// the samples whose name contains <text>, e.g. to read a -vvvv trace).
contract HypervisorOpcodesTest is HypervisorSetup {
    function label(SampleFixture memory s, uint256 i) internal pure returns (string memory) {
        return string.concat('sample "', s.name[i], '"');
    }

    function test_samples_honestWitnessAccepted() public {
        SampleFixture memory s = loadSamples();
        assertGt(s.name.length, 200, "samples.json holds every sample");
        for (uint256 i = 0; i < s.name.length; i++) {
            if (!selected(s.name[i])) continue;
            archiveGuest(s.code[i]);
            checkValid(label(s, i), s.witness[i]);
        }
        assertNoFailures();
    }

    /// Claims about the outcome, each changed alone, are rejected with the outcome check's code; the guest pc in the
    /// error (where execution ended) is the same for all of them, and every honest record was consumed.
    function test_samples_wrongOutcomeRejected() public {
        SampleFixture memory s = loadSamples();
        for (uint256 i = 0; i < s.name.length; i++) {
            if (!selected(s.name[i])) continue;
            string memory lbl = label(s, i);
            bytes memory w = s.witness[i];
            archiveGuest(s.code[i]);
            uint256 status = s.status[i];
            uint256 gasUsed = s.gasUsed[i];
            _consumed = abi.decode(s.records[i], (AccessWitness[])).length;

            Verdict memory first = checkInvalid(
                string.concat(lbl, ", status ", vm.toString(status), " -> ", vm.toString((status + 1) % 3)),
                setWord(w, L.W_STATUS, (status + 1) % 3),
                E.STATUS_MISMATCH
            );
            _samePc(lbl, "status", first, first);
            _samePc(
                lbl,
                string.concat("status ", vm.toString(status), " -> ", vm.toString((status + 2) % 3)),
                first,
                checkInvalid(
                    string.concat(lbl, ", status ", vm.toString(status), " -> ", vm.toString((status + 2) % 3)),
                    setWord(w, L.W_STATUS, (status + 2) % 3),
                    E.STATUS_MISMATCH
                )
            );
            _samePc(
                lbl,
                "gasUsed + 1",
                first,
                checkInvalid(
                    string.concat(lbl, ", gasUsed + 1"), setWord(w, L.W_GAS_USED, gasUsed + 1), E.GAS_USED_MISMATCH
                )
            );
            if (gasUsed > 0) {
                _samePc(
                    lbl,
                    "gasUsed - 1",
                    first,
                    checkInvalid(
                        string.concat(lbl, ", gasUsed - 1"), setWord(w, L.W_GAS_USED, gasUsed - 1), E.GAS_USED_MISMATCH
                    )
                );
            }
            _samePc(
                lbl,
                "returndataHash",
                first,
                checkInvalid(
                    string.concat(lbl, ", returndataHash changed"),
                    setWord(w, L.W_RETURNDATA_HASH, ~wordAt(w, L.W_RETURNDATA_HASH)),
                    E.RETURNDATA_HASH_MISMATCH
                )
            );
            _samePc(
                lbl,
                "stateRootLeave",
                first,
                checkInvalid(
                    string.concat(lbl, ", stateRootLeave changed"),
                    setWord(w, L.W_STATE_ROOT_LEAVE, ~wordAt(w, L.W_STATE_ROOT_LEAVE)),
                    E.STATE_ROOT_MISMATCH
                )
            );
            // one record after the honest ones, which no instruction consumes
            MessageWitness memory m = sampleWitness(s, i);
            uint256 honest = m.state_access_list.length;
            AccessWitness[] memory more = new AccessWitness[](honest + 1);
            for (uint256 k = 0; k < honest; k++) {
                more[k] = m.state_access_list[k];
            }
            more[honest] = AccessWitness({opcode: Opcodes.SLOAD, data: ""});
            m.state_access_list = more;
            _samePc(
                lbl,
                "leftover record",
                first,
                checkInvalid(string.concat(lbl, ", one leftover record"), abi.encode(m), E.LEFTOVER_RECORDS)
            );
        }
        assertNoFailures();
    }

    /// Records the current sample's honest run consumes (all of them are consumed before the outcome is checked).
    uint256 internal _consumed;

    function _samePc(string memory lbl, string memory what, Verdict memory ref, Verdict memory v) internal {
        if (v.kind != Kind.Invalid || ref.kind != Kind.Invalid) return; // already reported
        check(
            v.guestPc == ref.guestPc,
            lbl,
            string.concat(
                what, ": guestPc ", vm.toString(v.guestPc), ", but ", vm.toString(ref.guestPc), " with a wrong status"
            )
        );
        check(
            v.recordIndex == _consumed,
            lbl,
            string.concat(what, ": recordIndex ", vm.toString(v.recordIndex), ", expected ", vm.toString(_consumed))
        );
    }

    /// Both reference EVMs agree: revm (forge) runs every sample natively, through GasMeter for exact gas, with the
    /// same context as the fixture, and ends with the status, gasUsed and return data ethereumjs recorded.
    function test_samples_revmAgreesWithEthereumjs() public {
        SampleFixture memory s = loadSamples();
        for (uint256 i = 0; i < s.name.length; i++) {
            if (!selected(s.name[i])) continue;
            string memory lbl = label(s, i);
            if (!check(s.context[i] == s.to[i] && !s.isStatic[i], lbl, "not a plain CALL frame: cannot run natively")) {
                continue;
            }
            vm.etch(s.to[i], s.code[i]);
            NativeOutcome memory n = runNative(
                s.to[i], s.caller[i], s.origin[i], s.callvalue[i], s.gasPrice[i], s.gasAvailable[i], s.calldata_[i]
            );
            if (!check(n.known, lbl, string.concat("revm: ", n.why))) continue;
            checkEq(n.status, s.status[i], lbl, "revm status (expected: ethereumjs)");
            checkEq(n.gasUsed, s.gasUsed[i], lbl, "revm gasUsed (expected: ethereumjs)");
            checkEq(n.returndata, s.returndata[i], lbl, "revm returndata (expected: ethereumjs)");
        }
        assertNoFailures();
    }

    /// The Solidity struct encodes exactly as the TypeScript encoder (lib/witness/abi.ts), decodes back, and the
    /// WitnessLayout offsets hold the fields they name in the real encoding.
    function test_samples_solidityEncodingMatchesTypeScript() public {
        SampleFixture memory s = loadSamples();
        for (uint256 i = 0; i < s.name.length; i++) {
            if (!selected(s.name[i])) continue;
            string memory lbl = label(s, i);
            bytes memory w = s.witness[i];
            MessageWitness memory m = sampleWitness(s, i);
            checkEq(abi.encode(m), w, lbl, "abi.encode(MessageWitness)");
            checkEq(abi.encode(abi.decode(w, (MessageWitness))), w, lbl, "abi.decode then abi.encode");
            checkEq(uint256(keccak256(s.returndata[i])), uint256(m.returndataHash), lbl, "returndataHash");
            checkEq(wordAt(w, L.W_TUPLE_OFFSET), 0x20, lbl, "word W_TUPLE_OFFSET");
            checkEq(wordAt(w, L.W_STATE_ROOT_ENTER), uint256(m.stateRootEnter), lbl, "word W_STATE_ROOT_ENTER");
            checkEq(wordAt(w, L.W_STATE_ROOT_LEAVE), uint256(m.stateRootLeave), lbl, "word W_STATE_ROOT_LEAVE");
            checkEq(wordAt(w, L.W_IS_STATIC), m.isStatic ? 1 : 0, lbl, "word W_IS_STATIC");
            checkEq(wordAt(w, L.W_ORIGIN), uint160(m.origin), lbl, "word W_ORIGIN");
            checkEq(wordAt(w, L.W_CALLER), uint160(m.caller), lbl, "word W_CALLER");
            checkEq(wordAt(w, L.W_TO), uint160(m.to), lbl, "word W_TO");
            checkEq(wordAt(w, L.W_CONTEXT), uint160(m.context), lbl, "word W_CONTEXT");
            checkEq(wordAt(w, L.W_CALLVALUE), m.callvalue, lbl, "word W_CALLVALUE");
            checkEq(wordAt(w, L.W_GAS_PRICE), m.gasPrice, lbl, "word W_GAS_PRICE");
            checkEq(wordAt(w, L.W_GAS_AVAILABLE), m.gasAvailable, lbl, "word W_GAS_AVAILABLE");
            checkEq(wordAt(w, L.W_GAS_USED), m.gasUsed, lbl, "word W_GAS_USED");
            checkEq(wordAt(w, L.W_ACCESS_LIST_PTR), L.W_ACCESS_LIST_CANONICAL, lbl, "word W_ACCESS_LIST_PTR");
            checkEq(wordAt(w, L.W_STATUS), m.status, lbl, "word W_STATUS");
            checkEq(wordAt(w, L.W_RETURNDATA_HASH), uint256(m.returndataHash), lbl, "word W_RETURNDATA_HASH");
            checkEq(wordAt(w, L.W_CODE_HASH), uint256(keccak256(s.code[i])), lbl, "word W_CODE_HASH (keccak256(code))");
            // the record offsets, then each record (opcode, 0x40, length, data padded to words), then the calldata
            uint256 n = m.state_access_list.length;
            uint256 recordBytes = 32 * n;
            for (uint256 k = 0; k < n; k++) {
                checkEq(wordAt(w, L.W_RECORD_OFFSETS + 32 * k), recordBytes, lbl, "record offset word");
                checkEq(wordAt(w, L.W_RECORD_OFFSETS + recordBytes), m.state_access_list[k].opcode, lbl, "record opcode word");
                recordBytes += 0x60 + (m.state_access_list[k].data.length + 31) / 32 * 32;
            }
            checkEq(wordAt(w, L.W_CALLDATA_PTR), L.W_RECORD_OFFSETS - L.W_TUPLE_BASE + recordBytes, lbl, "word W_CALLDATA_PTR");
            checkEq(wordAt(w, L.W_RECORD_COUNT), n, lbl, "word W_RECORD_COUNT");
            checkEq(wordAt(w, L.W_RECORD_OFFSETS + recordBytes), m.calldata_.length, lbl, "calldata length word");
            checkEq(w.length, L.W_MIN_SIZE + recordBytes + (m.calldata_.length + 31) / 32 * 32, lbl, "witness size");
        }
        assertNoFailures();
    }

    /// Every opcode that needs an access record kind this version lacks: UNSUPPORTED_OPCODE at its pc, whatever
    /// the witness claims (seven PUSH0 first, enough stack for any of them).
    function test_recordOpcodesAreUnsupported() public {
        string memory j = vm.readFile(SAMPLES_PATH);
        uint256[] memory ops = vm.parseJsonUintArray(j, ".recordOpcode");
        string[] memory names = vm.parseJsonStringArray(j, ".recordOpcodeName");
        assertGt(ops.length, 20, "samples.json lists the record opcodes");
        SampleFixture memory s = loadSamples();
        for (uint256 i = 0; i < ops.length; i++) {
            if (!selected(names[i])) continue;
            string memory lbl = string.concat("record opcode ", names[i]);
            address to = address(uint160(0x4000000000000000000000000000000000000000) + uint160(ops[i]));
            bytes memory code = abi.encodePacked(hex"5f5f5f5f5f5f5f", uint8(ops[i]));
            archiveGuest(code);
            MessageWitness memory m = sampleWitness(s, 0); // any context; claims do not matter here
            m.to = to;
            m.context = to;
            m.codeHash = keccak256(code);
            Verdict memory v = checkInvalid(lbl, abi.encode(m), E.UNSUPPORTED_OPCODE);
            if (v.kind == Kind.Invalid && v.code == E.UNSUPPORTED_OPCODE) {
                checkEq(v.guestPc, 7, lbl, "guestPc");
                checkEq(v.recordIndex, 0, lbl, "recordIndex");
            }
        }
        assertNoFailures();
    }

    /// The single case of lib/hypervisor/hypervisor.test.ts: PUSH1 1 SLOAD, reported at pc 2.
    function test_sloadIsUnsupportedAtItsPc() public {
        SampleFixture memory s = loadSamples();
        address to = address(0x5100);
        archiveGuest(hex"600154");
        MessageWitness memory m = sampleWitness(s, 0);
        m.to = to;
        m.context = to;
        m.codeHash = keccak256(hex"600154");
        (uint256 pc, uint256 records) = expectInvalid("PUSH1 1 SLOAD", abi.encode(m), E.UNSUPPORTED_OPCODE);
        assertEq(pc, 2, "guestPc");
        assertEq(records, 0, "recordIndex");
    }
}
