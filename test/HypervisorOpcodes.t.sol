// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {HypervisorSetup} from "./utils/HypervisorSetup.sol";
import {SampleFixture} from "./utils/HypervisorFixtures.sol";
import {NativeOutcome, NativeRunner} from "./utils/NativeRunner.sol";
import {Opcodes} from "./utils/Opcodes.sol";
import {AccessWitness, AccountKey, MessageWitness, StorageKey, TransientKey} from "./utils/Witness.sol";
import {WitnessErrors as E} from "./utils/WitnessErrors.sol";
import {WitnessLayout as L} from "./utils/WitnessLayout.sol";

/// @title HypervisorOpcodesTest
/// @notice Every sample program of lib/samples/opcodes.ts (a program for every opcode the hypervisor executes itself
/// and every exceptional halt), from test/fixtures/hypervisor/samples.json (scripts/gen-fixtures.ts; the outcomes
/// there come from ethereumjs):
///   - the honest witness is accepted (the guest and the account code the sample reads archived);
///   - a wrong status, gasUsed ± 1, returndataHash, stateRootLeave, refund ± 1, logsHash, a leftover record or an
///     unused key is rejected with its code, all at the same guest pc (an unused key is accepted when the frame halts);
///   - revm (this forge) runs the message natively, in the sample's block, to the same status, gas and return data
///     as ethereumjs;
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
            archiveSample(s, i);
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
            archiveSample(s, i);
            _consumed = abi.decode(s.records[i], (AccessWitness[])).length;
            _wrongOutcomesRejected(s, i);
        }
        assertNoFailures();
    }

    /// Status, gasUsed and returndataHash claims: the first verdict (status + 1) is the reference for the guest pc.
    function _wrongOutcomesRejected(SampleFixture memory s, uint256 i) internal {
        string memory lbl = label(s, i);
        bytes memory w = s.witness[i];
        uint256 status = s.status[i];
        uint256 gasUsed = s.gasUsed[i];
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
        _wrongStateRejected(s, i, first);
    }

    /// stateRootLeave, refund, logsHash, a leftover record, an unused key of each list (accepted when the frame halts).
    function _wrongStateRejected(SampleFixture memory s, uint256 i, Verdict memory first) internal {
        string memory lbl = label(s, i);
        bytes memory w = s.witness[i];
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
        int256 refund = s.refund[i];
        _samePc(
            lbl,
            "refund + 1",
            first,
            checkInvalid(
                string.concat(lbl, ", refund + 1"), setWord(w, L.W_REFUND, uint256(refund + 1)), E.REFUND_MISMATCH
            )
        );
        _samePc(
            lbl,
            "refund - 1",
            first,
            checkInvalid(
                string.concat(lbl, ", refund - 1"), setWord(w, L.W_REFUND, uint256(refund - 1)), E.REFUND_MISMATCH
            )
        );
        _samePc(
            lbl,
            "logsHash",
            first,
            checkInvalid(
                string.concat(lbl, ", logsHash changed"),
                setWord(w, L.W_LOGS_HASH, ~wordAt(w, L.W_LOGS_HASH)),
                E.LOGS_HASH_MISMATCH
            )
        );
        _samePc(
            lbl,
            "leftover record",
            first,
            checkInvalid(
                string.concat(lbl, ", one leftover record"),
                abi.encode(_withLeftoverRecord(sampleWitness(s, i))),
                E.LEFTOVER_RECORDS
            )
        );
        for (uint256 list = 0; list < 3; list++) {
            // a key update names its key by its index in the three lists (docs/witness.md): an extra storage or
            // transient key would move the account keys it names, so those two are left out for a sample with updates
            if (list < 2 && sampleUpdatedCodeHashes(s, i).length > 0) continue;
            (MessageWitness memory u, string memory what) = _withUnusedKey(sampleWitness(s, i), list);
            // a frame that halts is not checked for unused keys (docs/witness.md, "Key lists")
            if (s.status[i] == 0) checkValid(string.concat(lbl, ", halted, ", what), abi.encode(u));
            else _samePc(lbl, what, first, checkInvalid(string.concat(lbl, ", ", what), abi.encode(u), E.UNUSED_KEY));
        }
    }

    /// `m` with one record after the honest ones, which no instruction consumes.
    function _withLeftoverRecord(MessageWitness memory m) internal pure returns (MessageWitness memory) {
        uint256 honest = m.state_access_list.length;
        AccessWitness[] memory more = new AccessWitness[](honest + 1);
        for (uint256 k = 0; k < honest; k++) {
            more[k] = m.state_access_list[k];
        }
        more[honest] = AccessWitness({opcode: Opcodes.SLOAD, data: ""});
        m.state_access_list = more;
        return m;
    }

    /// `m` with one more key in list `list` (0 storage, 1 transient, 2 account) that the frame never looks up: the
    /// largest slot or address, listed last (the lists stay ascending). The samples never look those up.
    function _withUnusedKey(MessageWitness memory m, uint256 list)
        internal
        pure
        returns (MessageWitness memory, string memory what)
    {
        if (list == 0) {
            uint256 n = m.storageKeys.length;
            StorageKey[] memory keys = new StorageKey[](n + 1);
            for (uint256 k = 0; k < n; k++) {
                keys[k] = m.storageKeys[k];
            }
            keys[n] = StorageKey({slot: type(uint256).max, warm: false, original: 1, value: 2});
            m.storageKeys = keys;
            what = "one unused storage key";
        } else if (list == 1) {
            uint256 n = m.transientKeys.length;
            TransientKey[] memory keys = new TransientKey[](n + 1);
            for (uint256 k = 0; k < n; k++) {
                keys[k] = m.transientKeys[k];
            }
            keys[n] = TransientKey({slot: type(uint256).max, value: 3});
            m.transientKeys = keys;
            what = "one unused transient key";
        } else {
            uint256 n = m.accountKeys.length;
            AccountKey[] memory keys = new AccountKey[](n + 1);
            for (uint256 k = 0; k < n; k++) {
                keys[k] = m.accountKeys[k];
            }
            keys[n] = AccountKey({
                account: address(type(uint160).max), warm: false, balance: 4, codeHash: keccak256("some code")
            });
            m.accountKeys = keys;
            what = "one unused account key";
        }
        return (m, what);
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
    /// same context and block as the fixture, and ends with the status, gasUsed and return data ethereumjs recorded.
    /// The exceptions are named here with the reason: a sample that reads a block value no cheatcode can set (revm
    /// cannot run it in its block); and every sample that runs a call opcode, counted apart (Forge's inspector reverts
    /// a call to an account without code itself, so NativeRunner does not run them).
    function test_samples_revmAgreesWithEthereumjs() public {
        string[1] memory notRunnable = ["GASLIMIT returned"];
        string[1] memory because = ["GASLIMIT would show "];
        SampleFixture memory s = loadSamples();
        uint256 ran;
        uint256 withCalls;
        for (uint256 i = 0; i < s.name.length; i++) {
            if (!selected(s.name[i])) continue;
            string memory lbl = label(s, i);
            if (!check(s.context[i] == s.to[i] && !s.isStatic[i], lbl, "not a plain CALL frame: cannot run natively")) {
                continue;
            }
            vm.etch(s.to[i], s.code[i]);
            NativeOutcome memory n = runNative(
                s.to[i],
                s.caller[i],
                s.origin[i],
                s.callvalue[i],
                s.gasPrice[i],
                s.gasAvailable[i],
                s.calldata_[i],
                sampleBlock(s, i)
            );
            bytes memory code = s.code[i];
            if (
                NativeRunner.hasOpcode(code, Opcodes.CALL) || NativeRunner.hasOpcode(code, Opcodes.CALLCODE)
                    || NativeRunner.hasOpcode(code, Opcodes.DELEGATECALL) || NativeRunner.hasOpcode(code, Opcodes.STATICCALL)
            ) {
                check(!n.known && vmStr.indexOf(n.why, "a call opcode") == 0, lbl, "a sample with a call: not run natively");
                withCalls++;
                continue;
            }
            bool listed;
            for (uint256 k = 0; k < notRunnable.length; k++) {
                if (keccak256(bytes(s.name[i])) != keccak256(bytes(notRunnable[k]))) continue;
                listed = true;
                check(
                    !n.known && vmStr.indexOf(n.why, because[k]) == 0,
                    lbl,
                    string.concat(
                        "listed as not runnable in revm (", because[k], "...), but: ", n.known ? "known" : n.why
                    )
                );
            }
            if (listed || !check(n.known, lbl, string.concat("revm: ", n.why))) continue;
            ran++;
            checkEq(n.status, s.status[i], lbl, "revm status (expected: ethereumjs)");
            checkEq(n.gasUsed, s.gasUsed[i], lbl, "revm gasUsed (expected: ethereumjs)");
            checkEq(n.returndata, s.returndata[i], lbl, "revm returndata (expected: ethereumjs)");
        }
        if (bytes(vm.envOr("HV_SAMPLE", string(""))).length == 0) {
            checkEq(ran + notRunnable.length + withCalls, s.name.length, "revm", "samples run natively + listed + with calls");
            check(withCalls >= 4, "revm", "the samples with calls are counted");
        }
        assertNoFailures();
    }

    /// The Solidity struct encodes exactly as the TypeScript encoder (lib/witness/abi.ts), decodes back, and the
    /// WitnessLayout offsets hold the fields they name in the real encoding: the head, the records, the calldata and
    /// the three key lists after it.
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
            _checkHead(lbl, s, i, w, m);
            _checkTail(lbl, w, m);
            _checkAccountCode(lbl, sampleAccountCode(s, i), m.accountKeys, sampleUpdatedCodeHashes(s, i));
        }
        assertNoFailures();
    }

    function _checkHead(string memory lbl, SampleFixture memory s, uint256 i, bytes memory w, MessageWitness memory m)
        internal
    {
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
        checkEq(wordAt(w, L.W_COINBASE), uint160(m.block_.coinbase), lbl, "word W_COINBASE");
        checkEq(wordAt(w, L.W_TIMESTAMP), m.block_.timestamp, lbl, "word W_TIMESTAMP");
        checkEq(wordAt(w, L.W_NUMBER), m.block_.number, lbl, "word W_NUMBER");
        checkEq(wordAt(w, L.W_PREVRANDAO), uint256(m.block_.prevrandao), lbl, "word W_PREVRANDAO");
        checkEq(wordAt(w, L.W_GAS_LIMIT), m.block_.gasLimit, lbl, "word W_GAS_LIMIT");
        checkEq(wordAt(w, L.W_CHAIN_ID), m.block_.chainId, lbl, "word W_CHAIN_ID");
        checkEq(wordAt(w, L.W_BASE_FEE), m.block_.baseFee, lbl, "word W_BASE_FEE");
        checkEq(wordAt(w, L.W_BLOB_BASE_FEE), m.block_.blobBaseFee, lbl, "word W_BLOB_BASE_FEE");
        checkEq(wordAt(w, L.W_REFUND), uint256(m.refund), lbl, "word W_REFUND (two's complement)");
        checkEq(wordAt(w, L.W_LOGS_HASH), uint256(m.logsHash), lbl, "word W_LOGS_HASH");
        // the head ends where the record list starts (its canonical offset is tuple-relative)
        checkEq(L.W_ACCOUNT_KEYS_PTR + 32, L.W_TUPLE_BASE + L.W_ACCESS_LIST_CANONICAL, lbl, "end of the head");
        checkEq(L.W_RECORD_COUNT, L.W_TUPLE_BASE + L.W_ACCESS_LIST_CANONICAL, lbl, "W_RECORD_COUNT");
    }

    /// After the head: the record count and offsets, each record (opcode, 0x40, length, data padded to words), the
    /// calldata (length, padded data), then the storage, transient and account keys (a count, then the entries
    /// inline), nothing after.
    function _checkTail(string memory lbl, bytes memory w, MessageWitness memory m) internal {
        uint256 n = m.state_access_list.length;
        checkEq(wordAt(w, L.W_RECORD_COUNT), n, lbl, "word W_RECORD_COUNT");
        uint256 recordBytes = 32 * n;
        for (uint256 k = 0; k < n; k++) {
            checkEq(wordAt(w, L.W_RECORD_OFFSETS + 32 * k), recordBytes, lbl, "record offset word");
            checkEq(
                wordAt(w, L.W_RECORD_OFFSETS + recordBytes), m.state_access_list[k].opcode, lbl, "record opcode word"
            );
            checkEq(
                wordAt(w, L.W_RECORD_OFFSETS + recordBytes + L.W_RECORD_DATA_PTR - 32),
                L.W_RECORD_DATA_PTR,
                lbl,
                "record data offset word"
            );
            recordBytes += 0x60 + _padded(m.state_access_list[k].data.length);
        }
        // tuple-relative offsets of the dynamic fields after the records
        uint256 calldataPtr = L.W_RECORD_OFFSETS - L.W_TUPLE_BASE + recordBytes;
        uint256 storagePtr = calldataPtr + 32 + _padded(m.calldata_.length);
        uint256 transientPtr = storagePtr + 32 + L.STORAGE_KEY_SIZE * m.storageKeys.length;
        uint256 accountPtr = transientPtr + 32 + L.TRANSIENT_KEY_SIZE * m.transientKeys.length;
        uint256 end = L.W_TUPLE_BASE + accountPtr + 32 + L.ACCOUNT_KEY_SIZE * m.accountKeys.length;
        checkEq(wordAt(w, L.W_CALLDATA_PTR), calldataPtr, lbl, "word W_CALLDATA_PTR");
        checkEq(wordAt(w, L.W_TUPLE_BASE + calldataPtr), m.calldata_.length, lbl, "calldata length word");
        checkEq(wordAt(w, L.W_STORAGE_KEYS_PTR), storagePtr, lbl, "word W_STORAGE_KEYS_PTR");
        checkEq(wordAt(w, L.W_TRANSIENT_KEYS_PTR), transientPtr, lbl, "word W_TRANSIENT_KEYS_PTR");
        checkEq(wordAt(w, L.W_ACCOUNT_KEYS_PTR), accountPtr, lbl, "word W_ACCOUNT_KEYS_PTR");
        checkEq(w.length, end, lbl, "witness size");
        // the minimum size is the head with empty lists: a count each of records and keys and a calldata length
        checkEq(
            w.length,
            L.W_MIN_SIZE + recordBytes + _padded(m.calldata_.length) + L.STORAGE_KEY_SIZE * m.storageKeys.length
                + L.TRANSIENT_KEY_SIZE * m.transientKeys.length + L.ACCOUNT_KEY_SIZE * m.accountKeys.length,
            lbl,
            "witness size from W_MIN_SIZE"
        );
        _checkStorageKeys(lbl, w, L.W_TUPLE_BASE + storagePtr, m.storageKeys);
        _checkTransientKeys(lbl, w, L.W_TUPLE_BASE + transientPtr, m.transientKeys);
        _checkAccountKeys(lbl, w, L.W_TUPLE_BASE + accountPtr, m.accountKeys);
    }

    /// The storage key list at absolute offset `at`: its count, then each key's words at the WitnessLayout offsets.
    function _checkStorageKeys(string memory lbl, bytes memory w, uint256 at, StorageKey[] memory keys) internal {
        checkEq(wordAt(w, at), keys.length, lbl, "storage key count word");
        for (uint256 k = 0; k < keys.length; k++) {
            uint256 e = at + 32 + L.STORAGE_KEY_SIZE * k;
            checkEq(wordAt(w, e + L.KEY_ID), keys[k].slot, lbl, "storage key slot (KEY_ID)");
            checkEq(wordAt(w, e + L.KEY_WARM), keys[k].warm ? 1 : 0, lbl, "storage key warm (KEY_WARM)");
            checkEq(wordAt(w, e + L.STORAGE_KEY_ORIGINAL), keys[k].original, lbl, "STORAGE_KEY_ORIGINAL");
            checkEq(wordAt(w, e + L.STORAGE_KEY_VALUE), keys[k].value, lbl, "STORAGE_KEY_VALUE");
        }
    }

    function _checkTransientKeys(string memory lbl, bytes memory w, uint256 at, TransientKey[] memory keys) internal {
        checkEq(wordAt(w, at), keys.length, lbl, "transient key count word");
        for (uint256 k = 0; k < keys.length; k++) {
            uint256 e = at + 32 + L.TRANSIENT_KEY_SIZE * k;
            checkEq(wordAt(w, e + L.KEY_ID), keys[k].slot, lbl, "transient key slot (KEY_ID)");
            checkEq(wordAt(w, e + L.TRANSIENT_KEY_VALUE), keys[k].value, lbl, "TRANSIENT_KEY_VALUE");
        }
    }

    function _checkAccountKeys(string memory lbl, bytes memory w, uint256 at, AccountKey[] memory keys) internal {
        checkEq(wordAt(w, at), keys.length, lbl, "account key count word");
        for (uint256 k = 0; k < keys.length; k++) {
            uint256 e = at + 32 + L.ACCOUNT_KEY_SIZE * k;
            checkEq(wordAt(w, e + L.KEY_ID), uint160(keys[k].account), lbl, "account key address (KEY_ID)");
            checkEq(wordAt(w, e + L.KEY_WARM), keys[k].warm ? 1 : 0, lbl, "account key warm (KEY_WARM)");
            checkEq(wordAt(w, e + L.ACCOUNT_KEY_BALANCE), keys[k].balance, lbl, "ACCOUNT_KEY_BALANCE");
            checkEq(wordAt(w, e + L.ACCOUNT_KEY_CODE_HASH), uint256(keys[k].codeHash), lbl, "ACCOUNT_KEY_CODE_HASH");
        }
    }

    /// The account code a sample carries is the code of some account key at entry or of a key update (by its code
    /// hash), each code once.
    function _checkAccountCode(string memory lbl, bytes[] memory codes, AccountKey[] memory keys, bytes32[] memory updated) internal {
        for (uint256 k = 0; k < codes.length; k++) {
            bytes32 h = keccak256(codes[k]);
            bool found;
            for (uint256 a = 0; a < keys.length; a++) {
                if (keys[a].codeHash == h) found = true;
            }
            for (uint256 u = 0; u < updated.length; u++) {
                if (updated[u] == h) found = true;
            }
            check(found, lbl, string.concat("accountCode[", vm.toString(k), "] is the code of no account key or key update"));
            for (uint256 j = 0; j < k; j++) {
                check(keccak256(codes[j]) != h, lbl, string.concat("accountCode[", vm.toString(k), "] twice"));
            }
        }
    }

    function _padded(uint256 len) internal pure returns (uint256) {
        return (len + 31) / 32 * 32;
    }

    /// The creates and SELFDESTRUCT execute: outside a static frame CREATE and CREATE2 take a create record and
    /// SELFDESTRUCT looks up its account keys first, so a witness with no records and no keys is MISSING_RECORD or
    /// MISSING_KEY at their pc (seven PUSH0 first, enough stack for any of them), whatever else it claims.
    function test_createsAndSelfDestructNeedTheirRecordAndKeys() public {
        SampleFixture memory s = loadSamples();
        uint8[3] memory ops = [Opcodes.CREATE, Opcodes.CREATE2, Opcodes.SELFDESTRUCT];
        uint256[3] memory codes = [E.MISSING_RECORD, E.MISSING_RECORD, E.MISSING_KEY];
        for (uint256 i = 0; i < ops.length; i++) {
            string memory lbl = string.concat("opcode ", toHex(ops[i]));
            address to = address(uint160(0x4000000000000000000000000000000000000000) + uint160(ops[i]));
            bytes memory code = abi.encodePacked(hex"5f5f5f5f5f5f5f", ops[i]);
            archiveGuest(code);
            MessageWitness memory m = sampleWitness(s, 0); // any context; claims do not matter here
            m.to = to;
            m.context = to;
            m.isStatic = false;
            m.codeHash = keccak256(code);
            m.state_access_list = new AccessWitness[](0);
            Verdict memory v = checkInvalid(lbl, abi.encode(m), codes[i]);
            if (v.kind == Kind.Invalid && v.code == codes[i]) {
                checkEq(v.guestPc, 7, lbl, "guestPc");
                checkEq(v.recordIndex, 0, lbl, "recordIndex");
            }
        }
        assertNoFailures();
    }

    /// A call to MODEXP is not executed by this version (its price differs between forks): PUSH0 x5, PUSH1 5, GAS,
    /// CALL is reported at the CALL's pc 8, whatever the rest of the witness claims.
    function test_precompileCallIsUnsupportedAtItsPc() public {
        SampleFixture memory s = loadSamples();
        bytes memory code = hex"5f5f5f5f5f60055af1";
        address to = address(0x5100);
        archiveGuest(code);
        MessageWitness memory m = sampleWitness(s, 0);
        m.to = to;
        m.context = to;
        m.codeHash = keccak256(code);
        (uint256 pc, uint256 records) = expectInvalid("PUSH0 x5 PUSH1 5 GAS CALL", abi.encode(m), E.UNSUPPORTED_OPCODE);
        assertEq(pc, 8, "guestPc");
        assertEq(records, 0, "recordIndex");
    }
}
