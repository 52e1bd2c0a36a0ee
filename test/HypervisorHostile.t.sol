// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {HypervisorSetup} from "./utils/HypervisorSetup.sol";
import {HostileFixture, SampleFixture} from "./utils/HypervisorFixtures.sol";
import {AccessWitness, AccountKey, MessageWitness, StorageKey, TransientKey} from "./utils/Witness.sol";
import {WitnessErrors as E} from "./utils/WitnessErrors.sol";
import {WitnessLayout as L} from "./utils/WitnessLayout.sol";

/// @title HypervisorHostileTest
/// @notice Hostile calldata: the hypervisor never crashes. Every malformed witness gets InvalidWitness with its own code
/// (raised before execution: guestPc 0), a codeHash without an archive gets CodeNotArchived(codeHash), and nothing
/// but the hypervisor running out of its own gas ends in an empty revert.
///   - the cases of lib/witness/hostile.ts, from test/fixtures/hypervisor/hostile.json (scripts/gen-fixtures.ts);
///   - sweeps over every truncation, every word set to extreme values and every byte flipped, of canonical witnesses
///     with and without a record, and with a key in each key list: each must end in a verdict;
///   - the hypervisor's own gas: below what it needs, an honest witness is valid or inconclusive, a dishonest one
///     invalid or inconclusive, never the other verdict.
contract HypervisorHostileTest is HypervisorSetup {
    HostileFixture internal h;

    function setUp() public override {
        super.setUp();
        h = loadHostile();
        archiveGuest(h.guestCode);
    }

    /// The honest witness of the hostile cases' guest (the first case).
    function base() internal view returns (bytes memory w) {
        require(keccak256(bytes(h.expect[0])) == keccak256("valid"), "hostile.json: case 0 is the honest baseline");
        return h.data[0];
    }

    /// The same witness with one record of 5 data bytes (a valid encoding; the record is leftover at exit).
    function withRecord() internal view returns (bytes memory) {
        MessageWitness memory m = abi.decode(base(), (MessageWitness));
        m.state_access_list = new AccessWitness[](1);
        m.state_access_list[0] = AccessWitness({opcode: 0x54, data: hex"0102030405"});
        return abi.encode(m);
    }

    /// The same witness with one key in each key list (a valid encoding; the keys are unused at exit).
    function withKeys() internal view returns (bytes memory) {
        MessageWitness memory m = abi.decode(base(), (MessageWitness));
        m.storageKeys = new StorageKey[](1);
        m.storageKeys[0] = StorageKey({slot: 5, warm: true, original: 1, value: 2});
        m.transientKeys = new TransientKey[](1);
        m.transientKeys[0] = TransientKey({slot: 6, value: 3});
        m.accountKeys = new AccountKey[](1);
        m.accountKeys[0] = AccountKey({account: address(0xdead), warm: false, balance: 7, codeHash: keccak256("code")});
        return abi.encode(m);
    }

    // ------------------------------------------------------------------------------------------ the fixture cases

    function test_hostile_everyCaseGetsItsVerdict() public {
        assertGt(h.name.length, 30, "hostile.json holds the cases");
        for (uint256 i = 0; i < h.name.length; i++) {
            if (!selected(h.name[i])) continue;
            string memory lbl = string.concat('hostile "', h.name[i], '"');
            bytes32 kind = keccak256(bytes(h.expect[i]));
            if (kind == keccak256("valid")) {
                checkValid(lbl, h.data[i]);
            } else if (kind == keccak256("invalid")) {
                Verdict memory v = checkInvalid(lbl, h.data[i], h.errorCode[i]);
                if (v.kind == Kind.Invalid) {
                    checkEq(v.guestPc, 0, lbl, "guestPc of an encoding error");
                    checkEq(v.recordIndex, 0, lbl, "recordIndex of an encoding error");
                }
                check(
                    keccak256(bytes(E.name(h.errorCode[i]))) == keccak256(bytes(h.errorName[i])),
                    lbl,
                    string.concat("hostile.json names code ", vm.toString(h.errorCode[i]), " ", h.errorName[i])
                );
            } else if (kind == keccak256("notArchived")) {
                Verdict memory v = verdictOf(h.data[i]);
                check(
                    v.kind == Kind.NotArchived && v.notArchived == h.notArchived[i] && h.notArchived[i] != 0,
                    lbl,
                    string.concat("expected CodeNotArchived(", vm.toString(h.notArchived[i]), "), got ", describe(v))
                );
            } else {
                softFail(lbl, string.concat("hostile.json: unknown expectation ", h.expect[i]));
            }
        }
        assertNoFailures();
    }

    /// Every witness-encoding error code (below 0x20) is exercised by some case.
    function test_hostile_everyEncodingErrorIsExercised() public {
        (string[] memory names, uint256[] memory codes) = E.all();
        for (uint256 k = 0; k < codes.length; k++) {
            if (codes[k] >= 0x20) continue;
            bool found = false;
            for (uint256 i = 0; i < h.errorCode.length; i++) {
                if (keccak256(bytes(h.expect[i])) == keccak256("invalid") && h.errorCode[i] == codes[k]) found = true;
            }
            check(found, names[k], "no case of hostile.json expects this code");
        }
        assertNoFailures();
    }

    // ------------------------------------------------------------------------------------------ archives

    /// A codeHash nobody archived is CodeNotArchived(codeHash), whatever `to` is.
    function test_notArchivedCodeHash_isNotAVerdict() public {
        bytes32 nobody = keccak256("code nobody archived");
        expectNotArchived("codeHash without an archive", setWord(base(), L.W_CODE_HASH, uint256(nobody)), nobody);
        expectNotArchived(
            "codeHash without an archive, `to` without code",
            setWord(setWord(base(), L.W_CODE_HASH, uint256(nobody)), L.W_TO, 0xdeadbeef),
            nobody
        );
    }

    /// The code at `to` is not what runs: an account holding the code, but no archive of it, is CodeNotArchived; once
    /// the code is archived (by anyone, with no reference to `to`) the witness is valid.
    function test_codeWithoutArchive_isNotAVerdict() public {
        address to = address(0xc0dec0de);
        bytes memory code = bytes.concat(h.guestCode, hex"00"); // the guest with an explicit STOP: same outcome
        bytes32 codeHash = keccak256(code);
        vm.etch(to, code);
        bytes memory w = setWord(setWord(base(), L.W_TO, uint160(to)), L.W_CODE_HASH, uint256(codeHash));
        expectNotArchived("to with code but no archive", w, codeHash);
        vm.prank(address(0xa11ce));
        archiveGuest(code);
        expectValid("the same once archived", w);
        expectValid("the same code for a `to` without code", setWord(w, L.W_TO, 0xdeadbeef));
    }

    /// The archive decides, not the code `to` holds: the guest's `to` holding other code (or none) changes nothing.
    function test_codeAtTo_isNotRead() public {
        vm.etch(h.guestTo, hex"60016002fd"); // would revert if it ran
        expectValid("other code at `to`", base());
        vm.etch(h.guestTo, "");
        expectValid("no code at `to`", base());
    }

    // ------------------------------------------------------------------------------------------ sweeps

    /// Every proper prefix of a canonical witness is an encoding error (guestPc 0), WITNESS_TOO_SHORT below W_MIN_SIZE
    /// bytes.
    function test_sweep_everyTruncationIsAnEncodingError() public {
        _truncations("base", base());
        _truncations("with a record", withRecord());
        _truncations("with keys", withKeys());
        assertNoFailures();
    }

    function _truncations(string memory what, bytes memory w) internal {
        for (uint256 n = 0; n < w.length; n++) {
            bytes memory t = new bytes(n);
            for (uint256 k = 0; k < n; k++) {
                t[k] = w[k];
            }
            string memory lbl = string.concat(what, " truncated to ", vm.toString(n), " bytes");
            if (n < L.W_MIN_SIZE) {
                checkInvalid(lbl, t, E.WITNESS_TOO_SHORT);
            } else {
                Verdict memory v = verdictOf(t);
                check(
                    v.kind == Kind.Invalid && v.code < 0x20 && v.guestPc == 0,
                    lbl,
                    string.concat("expected an encoding error, got ", describe(v))
                );
            }
        }
    }

    /// Every word set to 0, 1, 2^255, 2^256-1 and its value +1 / -1: a verdict every time (CodeNotArchived only when
    /// the word is codeHash).
    function test_sweep_everyWordToExtremesGetsAVerdict() public {
        _words("base", base());
        _words("with a record", withRecord());
        _words("with keys", withKeys());
        assertNoFailures();
    }

    function _words(string memory what, bytes memory w) internal {
        for (uint256 at = 0; at + 32 <= w.length; at += 32) {
            uint256 old = wordAt(w, at);
            uint256[6] memory values;
            unchecked {
                values = [uint256(0), 1, 1 << 255, type(uint256).max, old + 1, old - 1];
            }
            for (uint256 k = 0; k < values.length; k++) {
                if (values[k] == old) continue;
                _expectAVerdict(
                    string.concat(what, ", word ", toHex(at), " := ", toHex(values[k])),
                    setWord(w, at, values[k]),
                    at == L.W_CODE_HASH
                );
            }
        }
    }

    /// Every byte xor 0xff, and every byte xor 0x01: a verdict every time.
    function test_sweep_everyByteFlipGetsAVerdict() public {
        _bytes("base", base());
        _bytes("with a record", withRecord());
        _bytes("with keys", withKeys());
        assertNoFailures();
    }

    function _bytes(string memory what, bytes memory w) internal {
        for (uint256 at = 0; at < w.length; at++) {
            for (uint256 k = 0; k < 2; k++) {
                bytes memory m = bytes.concat(w);
                m[at] = m[at] ^ (k == 0 ? bytes1(0xff) : bytes1(0x01));
                _expectAVerdict(
                    string.concat(what, ", byte ", toHex(at), " ^= ", k == 0 ? "0xff" : "0x01"),
                    m,
                    at >= L.W_CODE_HASH && at < L.W_CODE_HASH + 32
                );
            }
        }
    }

    function _expectAVerdict(string memory lbl, bytes memory w, bool mayBeNotArchived) internal {
        Verdict memory v = verdictOf(w);
        check(
            v.kind == Kind.Valid || v.kind == Kind.Invalid || (mayBeNotArchived && v.kind == Kind.NotArchived),
            lbl,
            string.concat("expected a verdict, got ", describe(v))
        );
    }

    // ------------------------------------------------------------------------------------------ own gas

    /// With less gas than it needs, the hypervisor's answer is the right verdict or an empty revert (inconclusive),
    /// never the opposite verdict: for the hostile guest and for samples that run long or spill the guest stack to
    /// transient storage, honest and with gasUsed + 1.
    function test_ownGas_shortOfGasIsInconclusiveNeverAWrongVerdict() public {
        _gasSweep("hostile baseline", base(), 0);
        SampleFixture memory s = loadSamples();
        for (uint256 i = 0; i < s.name.length; i++) {
            bytes32 n = keccak256(bytes(s.name[i]));
            if (
                n != keccak256("stack to 1024 in a loop, then back down")
                    && n != keccak256("out of gas in an infinite loop") && n != keccak256("KECCAK256")
                    && n != keccak256("stack of 1025 items")
            ) continue;
            archiveSample(s, i);
            _gasSweep(string.concat('sample "', s.name[i], '"'), s.witness[i], 0);
            _gasSweep(
                string.concat('sample "', s.name[i], '" with gasUsed + 1'),
                setWord(s.witness[i], L.W_GAS_USED, s.gasUsed[i] + 1),
                E.GAS_USED_MISMATCH
            );
        }
        assertNoFailures();
    }

    /// One witness against its own gas: `code` 0 means the witness is valid, else the InvalidWitness code it gets.
    function _gasSweep(string memory lbl, bytes memory w, uint256 code) internal {
        (bool s0, bytes memory r0, uint256 need) = verify(w);
        if (!_gasPoint(lbl, code, decodeVerdict(s0, r0, need), "with plenty of gas", false)) return;
        // ~120 points: 80 spread over [0, need), every unit of the last 40 below `need`, and `need` itself, which
        // must be enough (the hypervisor makes no sub-call, so the 63/64 rule does not apply)
        uint256 step = need / 80 + 1;
        for (uint256 g = 0; g <= need; g += (g + 40 >= need ? 1 : step)) {
            (bool ok, bytes memory ret, uint256 used) = verifyWithGas(w, g);
            if (!_gasPoint(
                    lbl, code, decodeVerdict(ok, ret, used), string.concat("with ", vm.toString(g), " gas"), g < need
                )) {
                return;
            }
        }
    }

    function _gasPoint(string memory lbl, uint256 code, Verdict memory v, string memory when, bool mayBeInconclusive)
        internal
        returns (bool)
    {
        bool right = code == 0 ? v.kind == Kind.Valid : (v.kind == Kind.Invalid && v.code == code);
        return check(
            right || (mayBeInconclusive && v.kind == Kind.Inconclusive),
            lbl,
            string.concat(
                when,
                ": expected ",
                code == 0 ? "valid" : expected(code),
                mayBeInconclusive ? " or an empty revert" : "",
                ", got ",
                describe(v)
            )
        );
    }
}
