// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "@prb/test/Vm.sol";
import {ArchiveFactory} from "../src/ArchiveFactory.sol";
import {HypervisorBuild} from "../test/utils/HypervisorBuild.sol";
import {GasMeter} from "../test/utils/GasMeter.sol";
import {NativeMessage, NativeOutcome, NativeRunner} from "../test/utils/NativeRunner.sol";
import {Opcodes} from "../test/utils/Opcodes.sol";
import {BlockValues} from "../test/utils/Witness.sol";

/// @title VerifyBatch
/// @notice Verifies many witnesses with the hypervisor in revm, in one forge process, and optionally runs
/// each guest natively in revm for differential testing. Driven by lib/forge (verifyBatch), but usable alone:
///
///     forge script script/VerifyBatch.s.sol --sig 'run(string,string)' batch.bin results.jsonl
///     (or BATCH_IN=batch.bin BATCH_OUT=results.jsonl forge script script/VerifyBatch.s.sol)
///
/// Input: a binary file, abi.encode(bool revmNative, Case[] cases) (see `Case`; lib/forge/batch.ts writes it).
/// Output: JSON Lines, one object per case in input order, appended as each case finishes:
///     {"i":0,"ok":true,"data":"0x…","gas":"1234","native":{"status":1,"gasUsed":"9","returndata":"0x…"}}
///   ok/data: the hypervisor call's success flag and return or revert data; gas: the exact gas the hypervisor
///   frame used (GasMeter); native (only with revmNative): the guest run natively, status 0|1|2, or
///   {"status":"unknown","reason":"…"} when revm cannot run it as this message (see `nativeIneligible`, and
///   NativeRunner for a block value no cheatcode can set). The native run takes place in the case's block.
///   A case whose code (or account code) cannot be archived (over 24,576 bytes) gets "ok":false and an "error" (not a
///   verdict).
///
/// Archives (docs/witness.md, "Archives"): the case's `code` is archived by code through the real ArchiveFactory
/// (`factory.archive(code)`, its own transaction), so the witness's codeHash finds it when it names that code;
/// `to` plays no part in it and may be any address, a precompile's too. So is each of its `accountCode` (the code of
/// other accounts the frame reads with EXTCODESIZE/EXTCODECOPY, found by an account key's code hash). A witness
/// naming another code hash gets CodeNotArchived(codeHash): only the case's own code and account code are archived
/// while it runs.
///
/// Environment: HV_SOURCE   hypervisor source for HuffDeployer (default "Hypervisor" = src/Hypervisor.huff)
///              HV_CONSTANTS extra `K=V` constants, space or comma separated (e.g. fault-injection builds)
///              HV_EVM      evm version for the Huff compiler (default "prague")
///              HV_GAS      gas given to the hypervisor frame per case (default 1,000,000,000)
///
/// Cases are independent: both runs go through GasMeter's "no commit" mode (the meter reverts with its
/// result, undoing whatever the guest or the hypervisor changed), the archive parts a case created are removed
/// after it (code and nonce: the factory can create them again), `to` gets the case's code only for the native
/// run, and the caller's meter code and balance are removed after the native run. (vm.snapshotState per case
/// was measured: its cost grows with the run, 20,000 cases took 3x as long as 10,000.)
/// Run it with `--isolate` (lib/forge does): every top-level call is then its own transaction, so the
/// hypervisor finds the archive cold, as a verification in its own transaction does, and the native run
/// starts with a transaction's warm set (origin, caller, to, precompiles); such a transaction shows GASPRICE and
/// BASEFEE 0 (a native run that reads a nonzero one is unknown). Without --isolate everything this
/// script touched earlier in the run is warm (vm.cool does not cool accounts in forge 1.7.1).
contract VerifyBatch {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    struct Case {
        bytes code; // the guest code: archived by code (and etched at `to` for the native run)
        address to;
        bytes witness; // the hypervisor's calldata (abi.encode(MessageWitness), possibly malformed)
        // the message context for the native run (the witness may be garbage, so it is not decoded here)
        address caller;
        address origin;
        address context;
        uint256 value;
        uint256 gasAvailable;
        uint256 gasPrice;
        bool isStatic;
        bytes calldata_;
        BlockValues block_; // the block the native run takes place in
        bytes[] accountCode; // archived with `code` (WitnessFile.accountCode)
    }

    ArchiveFactory public factory;
    address public hypervisor;
    address public meter;
    uint256 public hvGas;
    bytes32 internal archiveInitCodeHash;

    function run() external {
        run(vm.envString("BATCH_IN"), vm.envString("BATCH_OUT"));
    }

    function run(string memory inPath, string memory outPath) public {
        setUpInfra();
        (bool revmNative, Case[] memory cases) = abi.decode(vm.readFileBinary(inPath), (bool, Case[]));
        vm.writeFile(outPath, "");
        for (uint256 i = 0; i < cases.length; i++) {
            vm.writeLine(outPath, runCase(i, cases[i], revmNative));
        }
    }

    function setUpInfra() public {
        factory = new ArchiveFactory();
        meter = GasMeter.deploy();
        hvGas = vm.envOr("HV_GAS", uint256(1_000_000_000));
        hypervisor = HypervisorBuild.deploy(factory);
        archiveInitCodeHash = factory.ARCHIVE_INIT_CODE_HASH();
    }

    /// factory.partOf(codeHash, k), computed here (no call per case).
    function partOf(bytes32 codeHash, uint256 k) internal view returns (address) {
        return address(
            uint160(
                uint256(
                    keccak256(
                        abi.encodePacked(bytes1(0xff), address(factory), codeHash ^ bytes32(k), archiveInitCodeHash)
                    )
                )
            )
        );
    }

    function runCase(uint256 i, Case memory c, bool revmNative) public returns (string memory line) {
        string memory hv;
        bytes[] memory codes = new bytes[](c.accountCode.length + 1);
        codes[0] = c.code;
        for (uint256 k = 0; k < c.accountCode.length; k++) {
            codes[k + 1] = c.accountCode[k];
        }
        address[2][] memory created = new address[2][](codes.length);
        uint256 failed = type(uint256).max;
        for (uint256 k = 0; k < codes.length && failed == type(uint256).max; k++) {
            bool archived;
            (archived, created[k]) = archive(codes[k]);
            if (!archived) failed = k;
        }
        if (failed != type(uint256).max) {
            // not a verdict: no archive can hold this code, so no witness can name it
            hv = string.concat(
                '"ok":false,"data":"0x","gas":"0","error":"',
                failed == 0 ? "code" : string.concat("accountCode[", vm.toString(failed - 1), "]"),
                " of ",
                vm.toString(codes[failed].length),
                ' bytes cannot be archived (EIP-170: at most 24576)"'
            );
        } else {
            (bool ok, uint256 gasUsed, bytes memory data) =
                GasMeter.measureNoCommit(meter, hypervisor, hvGas, 0, false, c.witness);
            hv = string.concat(
                '"ok":', ok ? "true" : "false", ',"data":"', vm.toString(data), '","gas":"', vm.toString(gasUsed), '"'
            );
        }
        for (uint256 k = 0; k < created.length; k++) {
            unarchive(created[k]);
        }
        line = string.concat('{"i":', vm.toString(i), ",", hv);
        if (revmNative) line = string.concat(line, ',"native":', runNative(c));
        line = string.concat(line, "}");
    }

    /// Archives `code` through the factory (its own transaction under --isolate: the hypervisor then finds the
    /// archive cold). Returns false if the factory refuses it (code over 24,576 bytes), and the parts this call
    /// created (address(0) for none: the empty code needs no archive, and an archive that already exists is
    /// not created again).
    function archive(bytes memory code) internal returns (bool ok, address[2] memory created) {
        bytes32 h = keccak256(code);
        address[2] memory parts = [partOf(h, 0), partOf(h, 1)];
        bool[2] memory existed = [parts[0].code.length != 0, parts[1].code.length != 0];
        try factory.archive(code) returns (address) {
            ok = true;
        } catch {
            return (false, created);
        }
        for (uint256 k = 0; k < 2; k++) {
            if (!existed[k] && parts[k].code.length != 0) created[k] = parts[k];
        }
    }

    /// Removes archive parts (code and nonce), so that later cases find only their own code archived.
    function unarchive(address[2] memory parts) internal {
        for (uint256 k = 0; k < 2; k++) {
            if (parts[k] == address(0)) continue;
            vm.etch(parts[k], "");
            vm.resetNonce(parts[k]);
        }
    }

    /// Runs the guest natively with NativeRunner (the Forge tests' runner too): `to` gets the case's code, the
    /// meter at `caller` calls it with exactly gasAvailable gas and reverts with the result.
    function runNative(Case memory c) internal returns (string memory) {
        string memory why = nativeIneligible(c);
        if (bytes(why).length != 0) return string.concat('{"status":"unknown","reason":"', why, '"}');
        NativeOutcome memory n = NativeRunner.run(nativeMessage(c));
        if (!n.known) return string.concat('{"status":"unknown","reason":"', n.why, '"}');
        return string.concat(
            '{"status":',
            vm.toString(n.status),
            ',"gasUsed":"',
            vm.toString(n.gasUsed),
            '","returndata":"',
            vm.toString(n.returndata),
            '"}'
        );
    }

    function nativeMessage(Case memory c) internal pure returns (NativeMessage memory) {
        return NativeMessage({
            code: c.code,
            to: c.to,
            context: c.context,
            caller: c.caller,
            origin: c.origin,
            value: c.value,
            gasAvailable: c.gasAvailable,
            gasPrice: c.gasPrice,
            isStatic: c.isStatic,
            calldata_: c.calldata_,
            block_: c.block_
        });
    }

    /// Why revm cannot run this message exactly through the meter here ("" if it can): NativeRunner's reasons and
    /// this runner's own.
    function nativeIneligible(Case memory c) public view returns (string memory) {
        if (isInfra(c.caller) || isInfra(c.to)) return "caller or to collides with the batch runner's own contracts";
        if (c.gasPrice != 0 && NativeRunner.hasOpcode(c.code, Opcodes.GASPRICE)) {
            // forge 1.7.1 runs --isolate transactions with GASPRICE 0 whatever vm.txGasPrice says
            return "GASPRICE with a nonzero gas price under --isolate (forge shows 0)";
        }
        if (c.block_.baseFee != 0 && NativeRunner.hasOpcode(c.code, Opcodes.BASEFEE)) {
            // and with BASEFEE 0 whatever vm.fee says
            return "BASEFEE with a nonzero base fee under --isolate (forge shows 0)";
        }
        return NativeRunner.ineligible(nativeMessage(c));
    }

    function isInfra(address a) internal view returns (bool) {
        return a == address(vm) || a == 0x7FA9385bE102ac3EAc297483Dd6233D62b3e1496 // this script
            || a == address(factory) || a == hypervisor || a == meter || a == 0x000000000000000000636F6e736F6c652e6c6f67 // console
            || a == 0x4e59b44847b379578588920cA78FbF26c0B4956C // CREATE2 deployer
            || a == 0x1804c8AB1F12E6bbf3894d4083f33e07309d1f38; // default script sender
    }
}
