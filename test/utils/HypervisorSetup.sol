// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ArchiveFactory} from "../../src/ArchiveFactory.sol";
import {ArchiveLayout} from "./ArchiveLayout.sol";
import {GasMeter} from "./GasMeter.sol";
import {HypervisorBuild} from "./HypervisorBuild.sol";
import {HypervisorFixtures, SampleFixture} from "./HypervisorFixtures.sol";
import {NativeMessage, NativeOutcome, NativeRunner} from "./NativeRunner.sol";
import {SoftChecks} from "./SoftChecks.sol";
import {VerdictDecoding} from "./VerdictDecoding.sol";
import {VmExtra} from "./VmExtra.sol";
import {AccessWitness, BlockValues, MessageWitness, WitnessEdits} from "./Witness.sol";

/// @title HypervisorSetup
/// @notice Base of the hypervisor's Forge tests: deploys ArchiveFactory and src/Hypervisor.huff (through HuffDeployer,
/// with the factory address and ARCHIVE_INIT_CODE_HASH as compile-time constants, exactly as
/// script/VerifyBatch.s.sol does), a GasMeter, and offers:
///   archiveGuest(code)             archive `code` with the real factory (by code: any `to` may name it)
///   verify(witness)                the hypervisor's raw answer and the exact gas of its frame
///   verdictOf(witness)             the answer decoded (Verdict) — describe(v) prints it      (VerdictDecoding.sol)
///   expectValid / expectInvalid / expectNotArchived      hard assertions (revert with a message naming the case)
///   checkValid / checkInvalid / check                    soft ones for loops: failures are collected with the
///                                                        case's name; assertNoFailures() reports them all at once
///                                                        (SoftChecks.sol)
///   runNative(...)                 the message run natively in revm, exact gas (NativeRunner.sol, as VerifyBatch)
///   loadSamples() / loadHostile()  the fixtures written by scripts/gen-fixtures.ts            (HypervisorFixtures.sol)
///   archiveSample(s, i)            archive sample i's code and the account code it reads
///   setWord / wordAt               edit the encoded witness at the WitnessLayout offsets      (Witness.sol)
/// The witness offsets and error codes are WitnessLayout.sol and WitnessErrors.sol, generated from the Huff sources
/// by scripts/gen-layouts.ts.
///
/// Environment (as VerifyBatch): HV_SOURCE (default "Hypervisor"), HV_CONSTANTS (extra `K=V`, e.g. fault injection),
/// HV_EVM (default "prague"), HV_GAS (gas of each hypervisor call, default 1e9), and HV_SAMPLE (run only the samples /
/// hostile cases whose name contains this text).
abstract contract HypervisorSetup is SoftChecks, VerdictDecoding, HypervisorFixtures, WitnessEdits {
    /// Cheatcodes that the Vm of prb-test does not declare (string helpers among them).
    VmExtra internal constant vmStr = VmExtra(address(uint160(uint256(keccak256("hevm cheat code")))));

    ArchiveFactory internal factory;
    address internal hypervisor;
    address internal meter;
    uint256 internal hvGas;

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
    /// that every part holds exactly what it must (docs/witness.md, "Archives"): the stream code ++ its JUMPDEST bitmap
    /// (computed here, independently of the factory), part 0 = 0x00 ++ stream[0, 24575), part 1 = 0x00 ++ the rest
    /// only for a longer stream, and no part 2. Returns the archive (part 0), address(0) for the empty code.
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

    /// @notice Archives the code of sample i and the code of the other accounts it reads (EXTCODESIZE, EXTCODECOPY:
    /// the fixture's `accountCode`), as a verifier must before verifying its witness.
    function archiveSample(SampleFixture memory s, uint256 i) internal {
        archiveGuest(s.code[i]);
        bytes[] memory codes = sampleAccountCode(s, i);
        for (uint256 k = 0; k < codes.length; k++) {
            archiveGuest(codes[k]);
        }
    }

    /// @notice The runtime code of part `i` of the archive of `code` ("" for a part it does not have): 0x00 ++ its slice
    /// of the stream code ++ jumpdestBitmap(code).
    function archivePart(bytes memory code, uint256 i) internal pure returns (bytes memory) {
        if (code.length == 0) return "";
        bytes memory stream = bytes.concat(code, jumpdestBitmap(code));
        uint256 len = stream.length;
        uint256 partMax = ArchiveLayout.ARCHIVE_PART_DATA_MAX;
        if (i == 0) return bytes.concat(hex"00", slice(stream, 0, len < partMax ? len : partMax));
        if (i == 1) return len > partMax ? bytes.concat(hex"00", slice(stream, partMax, len)) : bytes("");
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

    /// @notice The witness of a message from the GasMeter (origin: this contract) to `guest` running in its own
    /// context, with no records, keys or calldata and a zero block: the claimed outcome as given.
    function plainWitness(
        address guest,
        bytes32 codeHash,
        uint256 gasAvailable,
        uint256 status,
        uint256 gasUsed,
        bytes memory returndata
    ) internal view returns (MessageWitness memory w) {
        w.origin = address(this);
        w.caller = meter;
        w.to = guest;
        w.context = guest;
        w.gasAvailable = gasAvailable;
        w.gasUsed = gasUsed;
        w.status = status;
        w.state_access_list = new AccessWitness[](0);
        w.returndataHash = keccak256(returndata);
        w.codeHash = codeHash;
    }

    function verdictOf(bytes memory witness) internal returns (Verdict memory v) {
        (bool ok, bytes memory ret, uint256 gasUsed) = verify(witness);
        return decodeVerdict(ok, ret, gasUsed);
    }

    // ------------------------------------------------------------------------------------------ checks

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

    /// @notice Runs the code at `to` natively in revm as a plain CALL (context = to, not static) from `caller`, with
    /// exactly `gasAvailable` gas, tx.origin `origin` and value `callvalue`, in block `block_` (the block as it was is
    /// restored afterwards): NativeRunner, the runner of script/VerifyBatch.s.sol.
    function runNative(
        address to,
        address caller,
        address origin,
        uint256 callvalue,
        uint256 gasPrice,
        uint256 gasAvailable,
        bytes memory calldata_,
        BlockValues memory block_
    ) internal returns (NativeOutcome memory) {
        require(
            caller.code.length == 0 || keccak256(caller.code) == keccak256(GasMeter.RUNTIME),
            "runNative: caller has code"
        );
        return NativeRunner.run(
            NativeMessage({
                code: to.code,
                to: to,
                context: to,
                caller: caller,
                origin: origin,
                value: callvalue,
                gasAvailable: gasAvailable,
                gasPrice: gasPrice,
                isStatic: false,
                calldata_: calldata_,
                block_: block_
            })
        );
    }
}
