// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PRBTest} from "@prb/test/PRBTest.sol";
import {ArchiveFactory} from "../../src/ArchiveFactory.sol";
import {HypervisorBuild} from "./HypervisorBuild.sol";
import {GasMeter} from "./GasMeter.sol";

/// @notice Absolute calldata offsets of abi.encode(MessageWitness) (docs/witness.md). The only Solidity copy of
/// these numbers: HypervisorLayout.t.sol checks every one against src/hypervisor/WitnessLayout.huff (the single
/// source), against lib/witness/layout.ts (through test/fixtures/hypervisor/layout.json) and against the table
/// of docs/witness.md.
library WitnessLayout {
    uint256 internal constant W_TUPLE_OFFSET = 0x00;
    uint256 internal constant W_STATE_ROOT_ENTER = 0x20;
    uint256 internal constant W_STATE_ROOT_LEAVE = 0x40;
    uint256 internal constant W_IS_STATIC = 0x60;
    uint256 internal constant W_ORIGIN = 0x80;
    uint256 internal constant W_CALLER = 0xa0;
    uint256 internal constant W_TO = 0xc0;
    uint256 internal constant W_CONTEXT = 0xe0;
    uint256 internal constant W_CALLVALUE = 0x100;
    uint256 internal constant W_GAS_PRICE = 0x120;
    uint256 internal constant W_GAS_AVAILABLE = 0x140;
    uint256 internal constant W_GAS_USED = 0x160;
    uint256 internal constant W_ACCESS_LIST_PTR = 0x180;
    uint256 internal constant W_STATUS = 0x1a0;
    uint256 internal constant W_RETURNDATA_HASH = 0x1c0;
    uint256 internal constant W_CALLDATA_PTR = 0x1e0;
    uint256 internal constant W_CODE_HASH = 0x200;
    uint256 internal constant W_TUPLE_BASE = 0x20;
    uint256 internal constant W_ACCESS_LIST_CANONICAL = 0x200;
    uint256 internal constant W_RECORD_COUNT = 0x220;
    uint256 internal constant W_RECORD_OFFSETS = 0x240;
    uint256 internal constant W_RECORD_DATA_PTR = 0x40;
    uint256 internal constant W_MIN_SIZE = 0x260;

    /// Every constant by its WitnessLayout.huff name (for the cross-checks).
    function all() internal pure returns (string[] memory names, uint256[] memory values) {
        names = new string[](23);
        values = new uint256[](23);
        (names[0], values[0]) = ("W_TUPLE_OFFSET", W_TUPLE_OFFSET);
        (names[1], values[1]) = ("W_STATE_ROOT_ENTER", W_STATE_ROOT_ENTER);
        (names[2], values[2]) = ("W_STATE_ROOT_LEAVE", W_STATE_ROOT_LEAVE);
        (names[3], values[3]) = ("W_IS_STATIC", W_IS_STATIC);
        (names[4], values[4]) = ("W_ORIGIN", W_ORIGIN);
        (names[5], values[5]) = ("W_CALLER", W_CALLER);
        (names[6], values[6]) = ("W_TO", W_TO);
        (names[7], values[7]) = ("W_CONTEXT", W_CONTEXT);
        (names[8], values[8]) = ("W_CALLVALUE", W_CALLVALUE);
        (names[9], values[9]) = ("W_GAS_PRICE", W_GAS_PRICE);
        (names[10], values[10]) = ("W_GAS_AVAILABLE", W_GAS_AVAILABLE);
        (names[11], values[11]) = ("W_GAS_USED", W_GAS_USED);
        (names[12], values[12]) = ("W_ACCESS_LIST_PTR", W_ACCESS_LIST_PTR);
        (names[13], values[13]) = ("W_STATUS", W_STATUS);
        (names[14], values[14]) = ("W_RETURNDATA_HASH", W_RETURNDATA_HASH);
        (names[15], values[15]) = ("W_CALLDATA_PTR", W_CALLDATA_PTR);
        (names[16], values[16]) = ("W_CODE_HASH", W_CODE_HASH);
        (names[17], values[17]) = ("W_TUPLE_BASE", W_TUPLE_BASE);
        (names[18], values[18]) = ("W_ACCESS_LIST_CANONICAL", W_ACCESS_LIST_CANONICAL);
        (names[19], values[19]) = ("W_RECORD_COUNT", W_RECORD_COUNT);
        (names[20], values[20]) = ("W_RECORD_OFFSETS", W_RECORD_OFFSETS);
        (names[21], values[21]) = ("W_RECORD_DATA_PTR", W_RECORD_DATA_PTR);
        (names[22], values[22]) = ("W_MIN_SIZE", W_MIN_SIZE);
    }
}

/// @notice InvalidWitness codes (docs/errors.md). Checked against src/hypervisor/Errors.huff, lib/witness/errors.ts
/// and docs/errors.md by HypervisorLayout.t.sol.
library WitnessErrors {
    uint256 internal constant WITNESS_TOO_SHORT = 0x01;
    uint256 internal constant BAD_TUPLE_OFFSET = 0x02;
    uint256 internal constant BAD_ACCESS_LIST_OFFSET = 0x03;
    uint256 internal constant ACCESS_LIST_OUT_OF_BOUNDS = 0x04;
    uint256 internal constant BAD_RECORD_OFFSET = 0x05;
    uint256 internal constant BAD_RECORD_ENCODING = 0x06;
    uint256 internal constant BAD_CALLDATA_OFFSET = 0x07;
    uint256 internal constant CALLDATA_OUT_OF_BOUNDS = 0x08;
    uint256 internal constant NONZERO_PADDING = 0x09;
    uint256 internal constant TRAILING_BYTES = 0x0a;
    uint256 internal constant BAD_BOOL = 0x0b;
    uint256 internal constant BAD_ADDRESS = 0x0c;
    uint256 internal constant BAD_STATUS = 0x0d;
    uint256 internal constant GAS_AVAILABLE_TOO_LARGE = 0x0e;
    uint256 internal constant LEFTOVER_RECORDS = 0x20;
    uint256 internal constant STATE_ROOT_MISMATCH = 0x21;
    uint256 internal constant STATUS_MISMATCH = 0x22;
    uint256 internal constant GAS_USED_MISMATCH = 0x23;
    uint256 internal constant RETURNDATA_HASH_MISMATCH = 0x24;
    uint256 internal constant UNSUPPORTED_OPCODE = 0x40;
    uint256 internal constant MISSING_RECORD = 0x41;
    uint256 internal constant RECORD_OPCODE_MISMATCH = 0x42;
    uint256 internal constant RECORD_LENGTH_MISMATCH = 0x43;
    uint256 internal constant RECORD_ARGUMENT_MISMATCH = 0x44;

    function all() internal pure returns (string[] memory names, uint256[] memory codes) {
        names = new string[](24);
        codes = new uint256[](24);
        (names[0], codes[0]) = ("WITNESS_TOO_SHORT", WITNESS_TOO_SHORT);
        (names[1], codes[1]) = ("BAD_TUPLE_OFFSET", BAD_TUPLE_OFFSET);
        (names[2], codes[2]) = ("BAD_ACCESS_LIST_OFFSET", BAD_ACCESS_LIST_OFFSET);
        (names[3], codes[3]) = ("ACCESS_LIST_OUT_OF_BOUNDS", ACCESS_LIST_OUT_OF_BOUNDS);
        (names[4], codes[4]) = ("BAD_RECORD_OFFSET", BAD_RECORD_OFFSET);
        (names[5], codes[5]) = ("BAD_RECORD_ENCODING", BAD_RECORD_ENCODING);
        (names[6], codes[6]) = ("BAD_CALLDATA_OFFSET", BAD_CALLDATA_OFFSET);
        (names[7], codes[7]) = ("CALLDATA_OUT_OF_BOUNDS", CALLDATA_OUT_OF_BOUNDS);
        (names[8], codes[8]) = ("NONZERO_PADDING", NONZERO_PADDING);
        (names[9], codes[9]) = ("TRAILING_BYTES", TRAILING_BYTES);
        (names[10], codes[10]) = ("BAD_BOOL", BAD_BOOL);
        (names[11], codes[11]) = ("BAD_ADDRESS", BAD_ADDRESS);
        (names[12], codes[12]) = ("BAD_STATUS", BAD_STATUS);
        (names[13], codes[13]) = ("GAS_AVAILABLE_TOO_LARGE", GAS_AVAILABLE_TOO_LARGE);
        (names[14], codes[14]) = ("LEFTOVER_RECORDS", LEFTOVER_RECORDS);
        (names[15], codes[15]) = ("STATE_ROOT_MISMATCH", STATE_ROOT_MISMATCH);
        (names[16], codes[16]) = ("STATUS_MISMATCH", STATUS_MISMATCH);
        (names[17], codes[17]) = ("GAS_USED_MISMATCH", GAS_USED_MISMATCH);
        (names[18], codes[18]) = ("RETURNDATA_HASH_MISMATCH", RETURNDATA_HASH_MISMATCH);
        (names[19], codes[19]) = ("UNSUPPORTED_OPCODE", UNSUPPORTED_OPCODE);
        (names[20], codes[20]) = ("MISSING_RECORD", MISSING_RECORD);
        (names[21], codes[21]) = ("RECORD_OPCODE_MISMATCH", RECORD_OPCODE_MISMATCH);
        (names[22], codes[22]) = ("RECORD_LENGTH_MISMATCH", RECORD_LENGTH_MISMATCH);
        (names[23], codes[23]) = ("RECORD_ARGUMENT_MISMATCH", RECORD_ARGUMENT_MISMATCH);
    }

    /// The name of a code, or "UNKNOWN".
    function name(uint256 code) internal pure returns (string memory) {
        (string[] memory names, uint256[] memory codes) = all();
        for (uint256 i = 0; i < codes.length; i++) {
            if (codes[i] == code) return names[i];
        }
        return "UNKNOWN";
    }
}

/// @notice The witness structs (docs/witness.md). Solidity cannot name a field `calldata`: `calldata_` here; the ABI
/// encoding does not depend on names. abi.encode(MessageWitness) is checked against the TypeScript encoder
/// (lib/witness/abi.ts) for every sample in HypervisorOpcodes.t.sol.
struct AccessWitness {
    uint256 opcode;
    bytes data;
}

struct MessageWitness {
    bytes32 stateRootEnter;
    bytes32 stateRootLeave;
    bool isStatic;
    address origin;
    address caller;
    address to;
    address context;
    uint256 callvalue;
    uint256 gasPrice;
    uint256 gasAvailable;
    uint256 gasUsed;
    AccessWitness[] state_access_list;
    uint256 status;
    bytes32 returndataHash;
    bytes calldata_;
    bytes32 codeHash; // keccak256 of the code that runs: selects its archive (ArchiveFactory.archiveOf)
}

/// @notice test/fixtures/hypervisor/samples.json (scripts/gen-fixtures.ts), as parallel arrays: sample i is
/// `name[i]`, `code[i]`, … Outcome fields (status, gasUsed, returndata) come from @ethereumjs/evm.
struct SampleFixture {
    string[] name;
    bytes[] code;
    address[] to;
    address[] context;
    address[] caller;
    address[] origin;
    uint256[] callvalue;
    uint256[] gasPrice;
    bool[] isStatic;
    uint256[] gasAvailable;
    bytes[] calldata_;
    uint256[] status;
    uint256[] gasUsed;
    bytes[] returndata;
    bytes[] returndataHash; // 32 bytes each
    bytes32[] codeHash; // keccak256(code[i])
    bytes[] stateRoot; // 32 bytes each; stateRootEnter = stateRootLeave
    bytes[] witness; // encodeWitness(honest witness): the hypervisor's calldata
}

/// @notice test/fixtures/hypervisor/hostile.json: malformed witnesses (the mutations of
/// lib/hypervisor/hostile.test.ts) of one guest (named by its code hash), with the expected outcome.
struct HostileFixture {
    address guestTo;
    bytes guestCode;
    bytes32 guestCodeHash;
    string[] name;
    bytes[] data;
    string[] expect; // "valid" | "invalid" | "notArchived"
    uint256[] errorCode; // for "invalid"
    string[] errorName;
    bytes32[] notArchived; // for "notArchived": the code hash the hypervisor reports
}

/// @notice Cheatcodes of forge 1.x that @prb/test's Vm interface does not declare.
interface VmStrings {
    function split(string calldata input, string calldata delimiter) external pure returns (string[] memory outputs);
    function trim(string calldata input) external pure returns (string memory output);
    function replace(string calldata input, string calldata from, string calldata to)
        external
        pure
        returns (string memory output);
    function indexOf(string calldata input, string calldata key) external pure returns (uint256);
}

/// @title HypervisorSetup
/// @notice Base of the hypervisor's Forge tests: deploys ArchiveFactory and src/Hypervisor.huff (through HuffDeployer,
/// with the factory address and ARCHIVE_INIT_CODE_HASH as compile-time constants, exactly as
/// script/VerifyBatch.s.sol does), a GasMeter, and offers:
///   archiveGuest(code)             archive `code` with the real factory (by code: any `to` may name it)
///   verify(witness)                the hypervisor's raw answer and the exact gas of its frame
///   verdictOf(witness)             the answer decoded (Verdict) — describe(v) prints it
///   expectValid / expectInvalid / expectNotArchived      hard assertions (revert with a message naming the case)
///   checkValid / checkInvalid / check                    soft ones for loops: failures are collected with the
///                                                        case's name; assertNoFailures() reports them all at once
///   runNative(...)                 the message run natively in revm, exact gas (GasMeter)
///   loadSamples() / loadHostile()  the fixtures written by scripts/gen-fixtures.ts
///   setWord / wordAt               edit the encoded witness at the WitnessLayout offsets
///
/// Environment (as VerifyBatch): HV_SOURCE (default "Hypervisor"), HV_CONSTANTS (extra `K=V`, e.g. fault injection),
/// HV_EVM (default "prague"), HV_GAS (gas of each hypervisor call, default 1e9), and HV_SAMPLE (run only the samples /
/// hostile cases whose name contains this text: loops over hundreds of cases make -vvvv traces unreadable).
abstract contract HypervisorSetup is PRBTest {
    error InvalidWitness(uint256 code, uint256 guestPc, uint256 recordIndex);
    error CodeNotArchived(bytes32 codeHash);

    enum Kind {
        Valid, // returned abi.encode(uint256(1))
        Invalid, // reverted InvalidWitness(code, guestPc, recordIndex)
        NotArchived, // reverted CodeNotArchived(codeHash): not a verdict
        Inconclusive, // empty revert: the hypervisor ran out of its own gas; not a verdict
        Unexpected // anything else: a bug
    }

    struct Verdict {
        Kind kind;
        uint256 code;
        uint256 guestPc;
        uint256 recordIndex;
        bytes32 notArchived; // the code hash of CodeNotArchived
        bool success;
        bytes data; // raw return or revert data
        uint256 gasUsed; // exact gas of the hypervisor's frame
    }

    string internal constant SAMPLES_PATH = "test/fixtures/hypervisor/samples.json";
    string internal constant HOSTILE_PATH = "test/fixtures/hypervisor/hostile.json";
    string internal constant LAYOUT_PATH = "test/fixtures/hypervisor/layout.json";

    VmStrings internal constant vmStr = VmStrings(address(uint160(uint256(keccak256("hevm cheat code")))));

    ArchiveFactory internal factory;
    address internal hypervisor;
    address internal meter;
    uint256 internal hvGas;

    string internal failures;
    uint256 internal failureCount;
    uint256 internal checkCount;

    function setUp() public virtual {
        factory = new ArchiveFactory();
        meter = GasMeter.deploy();
        hvGas = vm.envOr("HV_GAS", uint256(1_000_000_000));
        hypervisor = HypervisorBuild.deploy(factory);
        vm.label(hypervisor, "Hypervisor");
        vm.label(address(factory), "ArchiveFactory");
        vm.label(meter, "GasMeter");
    }

    // ------------------------------------------------------------------------------------------ archives

    /// @notice Archives `code` with the factory (idempotent: code archived before is not archived again) and checks
    /// that every part holds exactly what it must (docs/witness.md, "Archives"): part 0 = 0x00 ++ code[0, 24575),
    /// part 1 = 0x00 ++ code[24575] only for 24,576 bytes, part 2 = 0x00 ++ the JUMPDEST bitmap (computed here,
    /// independently of the factory). Returns the archive (part 0), address(0) for the empty code.
    /// Nothing is etched at any `to`: the hypervisor reads the code the witness's codeHash names, wherever it runs;
    /// a test that also runs the guest natively etches it at `to` itself.
    function archiveGuest(bytes memory code) internal returns (address archive) {
        archive = factory.archive(code);
        bytes32 h = keccak256(code);
        if (code.length == 0) {
            require(archive == address(0), "archiveGuest: the empty code got an archive");
            return archive;
        }
        require(archive == factory.archiveOf(h), "archiveGuest: the factory created the archive elsewhere");
        for (uint256 i = 0; i < 3; i++) {
            require(
                keccak256(factory.partOf(h, i).code) == keccak256(archivePart(code, i)),
                string.concat("archiveGuest: wrong content of part ", vm.toString(i))
            );
        }
    }

    /// @notice The runtime code of part `i` of the archive of `code` ("" for a part it does not have).
    function archivePart(bytes memory code, uint256 i) internal pure returns (bytes memory) {
        uint256 n = code.length;
        if (n == 0) return "";
        if (i == 0) return bytes.concat(hex"00", slice(code, 0, n < 24_575 ? n : 24_575));
        if (i == 1) return n > 24_575 ? bytes.concat(hex"00", slice(code, 24_575, n)) : bytes("");
        if (i == 2) return bytes.concat(hex"00", jumpdestBitmap(code));
        return "";
    }

    /// @notice The JUMPDEST bitmap of `code` (bit 7 - pc % 8 of byte pc / 8 set iff pc is a JUMPDEST outside push
    /// data), the plain way.
    function jumpdestBitmap(bytes memory code) internal pure returns (bytes memory map) {
        map = new bytes((code.length + 7) / 8);
        for (uint256 pc = 0; pc < code.length; pc++) {
            uint8 op = uint8(code[pc]);
            // forge-lint: disable-next-line(unsafe-typecast)
            if (op == 0x5b) map[pc / 8] |= bytes1(uint8(0x80 >> (pc % 8))); // one bit of a byte
            else if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f;
        }
    }

    /// @notice b[from, to) as a new array.
    function slice(bytes memory b, uint256 from, uint256 to) internal pure returns (bytes memory r) {
        r = new bytes(to - from);
        for (uint256 i = 0; i < r.length; i++) {
            r[i] = b[from + i];
        }
    }

    // ------------------------------------------------------------------------------------------ verifying

    /// @notice Calls the hypervisor with `witness` as calldata (HV_GAS gas) through the GasMeter; nothing the call did
    /// (transient storage included) outlives it.
    /// @return ok the call returned (true) or reverted (false)
    /// @return ret its return or revert data
    /// @return gasUsed the exact gas of the hypervisor's frame
    function verify(bytes memory witness) internal returns (bool ok, bytes memory ret, uint256 gasUsed) {
        return verifyWithGas(witness, hvGas);
    }

    function verifyWithGas(bytes memory witness, uint256 gas_)
        internal
        returns (bool ok, bytes memory ret, uint256 gasUsed)
    {
        (ok, gasUsed, ret) = GasMeter.measureNoCommit(meter, hypervisor, gas_, 0, false, witness);
    }

    /// @notice How a verifier contract calls the hypervisor; the verdict must not depend on it.
    enum CallKind {
        Call,
        StaticCall,
        DelegateCall
    }

    /// @notice The verdict when this contract calls the hypervisor the given way with HV_GAS gas (with DELEGATECALL
    /// the hypervisor runs in this contract's context: any state write it made would land here).
    function verdictVia(CallKind how, bytes memory witness) internal returns (Verdict memory v) {
        bool ok;
        bytes memory ret;
        if (how == CallKind.Call) (ok, ret) = hypervisor.call{gas: hvGas}(witness);
        else if (how == CallKind.StaticCall) (ok, ret) = hypervisor.staticcall{gas: hvGas}(witness);
        else (ok, ret) = hypervisor.delegatecall{gas: hvGas}(witness);
        return decodeVerdict(ok, ret, 0);
    }

    /// @notice Soft: STATICCALL and DELEGATECALL give the same verdict as CALL (same outcome, code, pc, index, data).
    function checkSameVerdictEveryCallKind(string memory label, bytes memory witness) internal {
        Verdict memory viaCall = verdictVia(CallKind.Call, witness);
        string[2] memory names = ["STATICCALL", "DELEGATECALL"];
        for (uint256 k = 0; k < 2; k++) {
            Verdict memory v = verdictVia(k == 0 ? CallKind.StaticCall : CallKind.DelegateCall, witness);
            check(
                v.kind == viaCall.kind && v.success == viaCall.success && keccak256(v.data) == keccak256(viaCall.data),
                label,
                string.concat(names[k], ": ", describe(v), ", CALL: ", describe(viaCall))
            );
        }
    }

    function verdictOf(bytes memory witness) internal returns (Verdict memory v) {
        (bool ok, bytes memory ret, uint256 gasUsed) = verify(witness);
        return decodeVerdict(ok, ret, gasUsed);
    }

    function decodeVerdict(bool ok, bytes memory ret, uint256 gasUsed) internal pure returns (Verdict memory v) {
        v.success = ok;
        v.data = ret;
        v.gasUsed = gasUsed;
        bytes4 selector;
        uint256 arg0;
        if (ret.length >= 36) {
            assembly ("memory-safe") {
                selector := and(mload(add(ret, 0x20)), shl(224, 0xffffffff))
                arg0 := mload(add(ret, 0x24))
            }
        }
        if (ok) {
            v.kind = keccak256(ret) == keccak256(abi.encode(uint256(1))) ? Kind.Valid : Kind.Unexpected;
        } else if (ret.length == 0) {
            v.kind = Kind.Inconclusive;
        } else if (ret.length == 100 && selector == InvalidWitness.selector) {
            v.kind = Kind.Invalid;
            assembly ("memory-safe") {
                mstore(add(v, 0x20), mload(add(ret, 0x24))) // code
                mstore(add(v, 0x40), mload(add(ret, 0x44))) // guestPc
                mstore(add(v, 0x60), mload(add(ret, 0x64))) // recordIndex
            }
        } else if (ret.length == 36 && selector == CodeNotArchived.selector) {
            v.kind = Kind.NotArchived;
            v.notArchived = bytes32(arg0);
        } else {
            v.kind = Kind.Unexpected;
        }
    }

    /// @notice One line: "valid", "InvalidWitness(34 STATUS_MISMATCH, guestPc 5, recordIndex 0)", … (codes in decimal,
    /// as docs/errors.md lists them)
    function describe(Verdict memory v) internal pure returns (string memory) {
        if (v.kind == Kind.Valid) return "valid";
        if (v.kind == Kind.Invalid) {
            return string.concat(
                "InvalidWitness(",
                vm.toString(v.code),
                " ",
                WitnessErrors.name(v.code),
                ", guestPc ",
                vm.toString(v.guestPc),
                ", recordIndex ",
                vm.toString(v.recordIndex),
                ")"
            );
        }
        if (v.kind == Kind.NotArchived) return string.concat("CodeNotArchived(", vm.toString(v.notArchived), ")");
        if (v.kind == Kind.Inconclusive) {
            return string.concat("empty revert (the hypervisor ran out of gas after ", vm.toString(v.gasUsed), ")");
        }
        return string.concat(v.success ? "unexpected return data " : "unexpected revert data ", vm.toString(v.data));
    }

    function expected(uint256 code) internal pure returns (string memory) {
        return string.concat("InvalidWitness(", vm.toString(code), " ", WitnessErrors.name(code), ", ...)");
    }

    // ------------------------------------------------------------------------------------------ soft checks

    /// @notice Records a failure of case `label` (and marks the test failed); assertNoFailures() reports them all.
    function softFail(string memory label, string memory problem) internal {
        failureCount++;
        if (failureCount <= 40) failures = string.concat(failures, "\n  ", label, ": ", problem);
        else if (failureCount == 41) failures = string.concat(failures, "\n  ...");
        fail(string.concat(label, ": ", problem));
    }

    function check(bool cond, string memory label, string memory problem) internal returns (bool) {
        checkCount++;
        if (!cond) softFail(label, problem);
        return cond;
    }

    function checkEq(uint256 a, uint256 b, string memory label, string memory what) internal returns (bool) {
        return check(a == b, label, string.concat(what, ": got ", vm.toString(a), ", expected ", vm.toString(b)));
    }

    /// @notice checkEq with the numbers shown in hex (offsets).
    function checkEqHex(uint256 a, uint256 b, string memory label, string memory what) internal returns (bool) {
        return check(a == b, label, string.concat(what, ": got ", toHex(a), ", expected ", toHex(b)));
    }

    /// @notice `0x`-hex of `x` without leading zero bytes ("0x00" for zero).
    function toHex(uint256 x) internal pure returns (string memory) {
        uint256 n = 1;
        while (n < 32 && x >> (8 * n) != 0) n++;
        bytes memory b = new bytes(n);
        for (uint256 i = 0; i < n; i++) {
            // forge-lint: disable-next-line(unsafe-typecast)
            b[n - 1 - i] = bytes1(uint8(x >> (8 * i))); // one byte by design
        }
        return vm.toString(b);
    }

    function checkEq(bytes memory a, bytes memory b, string memory label, string memory what) internal returns (bool) {
        return check(
            keccak256(a) == keccak256(b),
            label,
            string.concat(what, ": got ", vm.toString(a), ", expected ", vm.toString(b))
        );
    }

    /// @notice Soft: the hypervisor accepts `witness`.
    function checkValid(string memory label, bytes memory witness) internal returns (Verdict memory v) {
        v = verdictOf(witness);
        check(v.kind == Kind.Valid, label, string.concat("expected valid, got ", describe(v)));
    }

    /// @notice Soft: the hypervisor rejects `witness` with InvalidWitness(code, …).
    function checkInvalid(string memory label, bytes memory witness, uint256 code) internal returns (Verdict memory v) {
        v = verdictOf(witness);
        check(
            v.kind == Kind.Invalid && v.code == code,
            label,
            string.concat("expected ", expected(code), ", got ", describe(v))
        );
    }

    /// @notice Fails the test with every collected failure in the message (if there are any).
    function assertNoFailures() internal view {
        if (failureCount != 0) {
            revert(
                string.concat(vm.toString(failureCount), " of ", vm.toString(checkCount), " checks failed:", failures)
            );
        }
    }

    // ------------------------------------------------------------------------------------------ hard checks

    function expectValid(bytes memory witness) internal returns (Verdict memory v) {
        return expectValid("witness", witness);
    }

    function expectValid(string memory label, bytes memory witness) internal returns (Verdict memory v) {
        v = checkValid(label, witness);
        assertNoFailures();
    }

    /// @return guestPc where execution ended, recordIndex the records consumed
    function expectInvalid(bytes memory witness, uint256 code) internal returns (uint256 guestPc, uint256 recordIndex) {
        return expectInvalid("witness", witness, code);
    }

    function expectInvalid(string memory label, bytes memory witness, uint256 code)
        internal
        returns (uint256 guestPc, uint256 recordIndex)
    {
        Verdict memory v = checkInvalid(label, witness, code);
        assertNoFailures();
        return (v.guestPc, v.recordIndex);
    }

    function expectNotArchived(string memory label, bytes memory witness, bytes32 codeHash) internal {
        Verdict memory v = verdictOf(witness);
        check(
            v.kind == Kind.NotArchived && v.notArchived == codeHash,
            label,
            string.concat("expected CodeNotArchived(", vm.toString(codeHash), "), got ", describe(v))
        );
        assertNoFailures();
    }

    // ------------------------------------------------------------------------------------------ native runs

    struct NativeOutcome {
        bool known; // false: GasMeter could not run the message exactly (see `why`)
        string why;
        uint256 status; // 0 exceptional halt, 1 success, 2 revert
        uint256 gasUsed;
        bytes returndata;
    }

    /// @notice Runs `to`'s code natively in revm as a CALL from `caller` (GasMeter's code is etched there) with
    /// exactly `gasAvailable` gas, tx.origin `origin`, value `callvalue` (dealt to the caller first) and the given
    /// calldata; the meter reverts with its result, so nothing the guest did outlives the run. Same procedure as
    /// script/VerifyBatch.s.sol's runNative (context = to, not static; callers check those).
    function runNative(
        address to,
        address caller,
        address origin,
        uint256 callvalue,
        uint256 gasPrice,
        uint256 gasAvailable,
        bytes memory calldata_
    ) internal returns (NativeOutcome memory n) {
        require(
            caller.code.length == 0 || keccak256(caller.code) == keccak256(GasMeter.RUNTIME),
            "runNative: caller has code"
        );
        vm.etch(caller, GasMeter.RUNTIME);
        vm.deal(caller, callvalue);
        vm.txGasPrice(gasPrice);
        (bool mok, bytes memory out) = _meterAtCaller(to, caller, origin, callvalue, gasAvailable, calldata_);
        if (mok || out.length < 64) {
            n.why = "the gas meter could not run the message";
        } else {
            n.known = true;
            bool ok;
            (ok, n.gasUsed, n.returndata) = GasMeter.decode(out);
            if (ok) {
                n.status = 1;
            } else if (n.returndata.length != 0 || n.gasUsed < gasAvailable) {
                n.status = 2; // an exceptional halt uses all gas and returns nothing
            } else {
                // All gas used, no data: a halt, or a REVERT(_, 0) that used exactly the last unit. With one more
                // unit a halt still uses everything, such a revert leaves 1 (for guests that do not branch on GAS).
                n.status = 0;
                (mok, out) = _meterAtCaller(to, caller, origin, callvalue, gasAvailable + 1, calldata_);
                if (!mok && out.length >= 64) {
                    (bool ok2, uint256 used2, bytes memory ret2) = GasMeter.decode(out);
                    if (!ok2 && ret2.length == 0 && used2 == gasAvailable) n.status = 2;
                }
            }
        }
        vm.etch(caller, "");
        vm.deal(caller, 0);
        vm.txGasPrice(0);
    }

    function _meterAtCaller(
        address to,
        address caller,
        address origin,
        uint256 callvalue,
        uint256 g,
        bytes memory calldata_
    ) private returns (bool, bytes memory) {
        vm.prank(caller, origin);
        return caller.call(GasMeter.encode(to, g, callvalue, false, true, calldata_));
    }

    // ------------------------------------------------------------------------------------------ fixtures

    function loadSamples() internal view returns (SampleFixture memory s) {
        string memory j = vm.readFile(SAMPLES_PATH);
        s.name = vm.parseJsonStringArray(j, ".name");
        s.code = vm.parseJsonBytesArray(j, ".code");
        s.to = vm.parseJsonAddressArray(j, ".to");
        s.context = vm.parseJsonAddressArray(j, ".context");
        s.caller = vm.parseJsonAddressArray(j, ".caller");
        s.origin = vm.parseJsonAddressArray(j, ".origin");
        s.callvalue = vm.parseJsonUintArray(j, ".callvalue");
        s.gasPrice = vm.parseJsonUintArray(j, ".gasPrice");
        s.isStatic = vm.parseJsonBoolArray(j, ".isStatic");
        s.gasAvailable = vm.parseJsonUintArray(j, ".gasAvailable");
        s.calldata_ = vm.parseJsonBytesArray(j, ".calldata");
        s.status = vm.parseJsonUintArray(j, ".status");
        s.gasUsed = vm.parseJsonUintArray(j, ".gasUsed");
        s.returndata = vm.parseJsonBytesArray(j, ".returndata");
        s.returndataHash = vm.parseJsonBytesArray(j, ".returndataHash");
        s.codeHash = vm.parseJsonBytes32Array(j, ".codeHash");
        s.stateRoot = vm.parseJsonBytesArray(j, ".stateRoot");
        s.witness = vm.parseJsonBytesArray(j, ".witness");
        uint256 n = vm.parseJsonUint(j, ".count");
        require(
            s.name.length == n && s.code.length == n && s.to.length == n && s.context.length == n
                && s.caller.length == n && s.origin.length == n && s.callvalue.length == n && s.gasPrice.length == n
                && s.isStatic.length == n && s.gasAvailable.length == n && s.calldata_.length == n
                && s.status.length == n && s.gasUsed.length == n && s.returndata.length == n
                && s.returndataHash.length == n && s.codeHash.length == n && s.stateRoot.length == n
                && s.witness.length == n,
            "samples.json: arrays of different lengths (regenerate: npx tsx scripts/gen-fixtures.ts)"
        );
    }

    function loadHostile() internal view returns (HostileFixture memory h) {
        string memory j = vm.readFile(HOSTILE_PATH);
        h.guestTo = vm.parseJsonAddress(j, ".guestTo");
        h.guestCode = vm.parseJsonBytes(j, ".guestCode");
        h.guestCodeHash = vm.parseJsonBytes32(j, ".guestCodeHash");
        h.name = vm.parseJsonStringArray(j, ".name");
        h.data = vm.parseJsonBytesArray(j, ".data");
        h.expect = vm.parseJsonStringArray(j, ".expect");
        h.errorCode = vm.parseJsonUintArray(j, ".errorCode");
        h.errorName = vm.parseJsonStringArray(j, ".errorName");
        h.notArchived = vm.parseJsonBytes32Array(j, ".notArchived");
        uint256 n = vm.parseJsonUint(j, ".count");
        require(
            h.name.length == n && h.data.length == n && h.expect.length == n && h.errorCode.length == n
                && h.errorName.length == n && h.notArchived.length == n,
            "hostile.json: arrays of different lengths (regenerate: npx tsx scripts/gen-fixtures.ts)"
        );
        require(h.guestCodeHash == keccak256(h.guestCode), "hostile.json: guestCodeHash is not keccak256(guestCode)");
    }

    /// @notice HV_SAMPLE filter: true if unset or `name` contains it.
    function selected(string memory name) internal returns (bool) {
        string memory f = vm.envOr("HV_SAMPLE", string(""));
        return bytes(f).length == 0 || vmStr.indexOf(name, f) != type(uint256).max;
    }

    /// @notice The honest witness of sample i as the Solidity struct (from the fixture's fields).
    function sampleWitness(SampleFixture memory s, uint256 i) internal pure returns (MessageWitness memory w) {
        w.stateRootEnter = bytes32(s.stateRoot[i]);
        w.stateRootLeave = bytes32(s.stateRoot[i]);
        w.isStatic = s.isStatic[i];
        w.origin = s.origin[i];
        w.caller = s.caller[i];
        w.to = s.to[i];
        w.context = s.context[i];
        w.callvalue = s.callvalue[i];
        w.gasPrice = s.gasPrice[i];
        w.gasAvailable = s.gasAvailable[i];
        w.gasUsed = s.gasUsed[i];
        w.state_access_list = new AccessWitness[](0);
        w.status = s.status[i];
        w.returndataHash = bytes32(s.returndataHash[i]);
        w.calldata_ = s.calldata_[i];
        w.codeHash = s.codeHash[i];
    }

    // ------------------------------------------------------------------------------------------ witness edits

    /// @notice A copy of `data` with the 32-byte word at byte offset `at` replaced.
    function setWord(bytes memory data, uint256 at, uint256 value) internal pure returns (bytes memory out) {
        require(at + 32 <= data.length, "setWord: past the end");
        out = bytes.concat(data);
        assembly ("memory-safe") {
            mstore(add(add(out, 0x20), at), value)
        }
    }

    function wordAt(bytes memory data, uint256 at) internal pure returns (uint256 value) {
        require(at + 32 <= data.length, "wordAt: past the end");
        assembly ("memory-safe") {
            value := mload(add(add(data, 0x20), at))
        }
    }
}
