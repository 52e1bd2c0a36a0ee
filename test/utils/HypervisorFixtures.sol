// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PRBTest} from "@prb/test/PRBTest.sol";
import {VmExtra} from "./VmExtra.sol";
import {AccessWitness, AccountKey, BlockValues, MessageWitness, StorageKey, TransientKey} from "./Witness.sol";

/// @notice test/fixtures/hypervisor/samples.json (scripts/gen-fixtures.ts), as parallel arrays: sample i is
/// `name[i]`, `code[i]`, … Outcome fields (status, gasUsed, returndata) come from @ethereumjs/evm, run in the sample's
/// block (`block*[i]`). Lists are one ABI encoding per sample (`records`, the key lists, `accountCode`).
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
    bytes[] records; // abi.encode(AccessWitness[]): the honest witness's records
    // the block the sample runs in (BlockValues, field by field; sampleBlock(s, i) assembles it)
    address[] blockCoinbase;
    uint256[] blockTimestamp;
    uint256[] blockNumber;
    bytes32[] blockPrevrandao;
    uint256[] blockGasLimit;
    uint256[] blockChainId;
    uint256[] blockBaseFee;
    uint256[] blockBlobBaseFee;
    int256[] refund; // the honest witness's refund counter change
    bytes32[] logsHash; // the honest witness's logs hash
    bytes[] storageKeys; // abi.encode(StorageKey[]): the honest witness's storage keys
    bytes[] transientKeys; // abi.encode(TransientKey[])
    bytes[] accountKeys; // abi.encode(AccountKey[])
    bytes[] accountCode; // abi.encode(bytes[]): code of other accounts the frame reads, archived before verifying
    bytes[] updatedCodeHashes; // abi.encode(bytes32[]): the code hashes the records' key updates give
}

/// @notice test/fixtures/hypervisor/hostile.json: malformed witnesses (the cases of lib/witness/hostile.ts) of one
/// guest (named by its code hash), with the expected outcome.
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

/// @title HypervisorFixtures
/// @notice Loads the fixtures scripts/gen-fixtures.ts writes, and the HV_SAMPLE filter over their cases (loops over
/// hundreds of cases make -vvvv traces unreadable).
abstract contract HypervisorFixtures is PRBTest {
    string internal constant SAMPLES_PATH = "test/fixtures/hypervisor/samples.json";
    string internal constant HOSTILE_PATH = "test/fixtures/hypervisor/hostile.json";

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
        s.records = vm.parseJsonBytesArray(j, ".records");
        s.blockCoinbase = vm.parseJsonAddressArray(j, ".blockCoinbase");
        s.blockTimestamp = vm.parseJsonUintArray(j, ".blockTimestamp");
        s.blockNumber = vm.parseJsonUintArray(j, ".blockNumber");
        s.blockPrevrandao = vm.parseJsonBytes32Array(j, ".blockPrevrandao");
        s.blockGasLimit = vm.parseJsonUintArray(j, ".blockGasLimit");
        s.blockChainId = vm.parseJsonUintArray(j, ".blockChainId");
        s.blockBaseFee = vm.parseJsonUintArray(j, ".blockBaseFee");
        s.blockBlobBaseFee = vm.parseJsonUintArray(j, ".blockBlobBaseFee");
        s.refund = vm.parseJsonIntArray(j, ".refund");
        s.logsHash = vm.parseJsonBytes32Array(j, ".logsHash");
        s.storageKeys = vm.parseJsonBytesArray(j, ".storageKeys");
        s.transientKeys = vm.parseJsonBytesArray(j, ".transientKeys");
        s.accountKeys = vm.parseJsonBytesArray(j, ".accountKeys");
        s.accountCode = vm.parseJsonBytesArray(j, ".accountCode");
        s.updatedCodeHashes = vm.parseJsonBytesArray(j, ".updatedCodeHashes");
        uint256 n = vm.parseJsonUint(j, ".count");
        uint256[34] memory lengths = [
            s.name.length,
            s.code.length,
            s.to.length,
            s.context.length,
            s.caller.length,
            s.origin.length,
            s.callvalue.length,
            s.gasPrice.length,
            s.isStatic.length,
            s.gasAvailable.length,
            s.calldata_.length,
            s.status.length,
            s.gasUsed.length,
            s.returndata.length,
            s.returndataHash.length,
            s.codeHash.length,
            s.stateRoot.length,
            s.witness.length,
            s.records.length,
            s.blockCoinbase.length,
            s.blockTimestamp.length,
            s.blockNumber.length,
            s.blockPrevrandao.length,
            s.blockGasLimit.length,
            s.blockChainId.length,
            s.blockBaseFee.length,
            s.blockBlobBaseFee.length,
            s.refund.length,
            s.logsHash.length,
            s.storageKeys.length,
            s.transientKeys.length,
            s.accountKeys.length,
            s.accountCode.length,
            s.updatedCodeHashes.length
        ];
        for (uint256 k = 0; k < lengths.length; k++) {
            require(lengths[k] == n, "samples.json: arrays of different lengths (regenerate: npm run gen:fixtures)");
        }
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
            "hostile.json: arrays of different lengths (regenerate: npm run gen:fixtures)"
        );
        require(h.guestCodeHash == keccak256(h.guestCode), "hostile.json: guestCodeHash is not keccak256(guestCode)");
    }

    /// @notice HV_SAMPLE filter: true if unset or `name` contains it.
    function selected(string memory name) internal returns (bool) {
        string memory f = vm.envOr("HV_SAMPLE", string(""));
        return bytes(f).length == 0 || VmExtra(address(vm)).indexOf(name, f) != type(uint256).max;
    }

    /// @notice The block sample i runs in.
    function sampleBlock(SampleFixture memory s, uint256 i) internal pure returns (BlockValues memory b) {
        b.coinbase = s.blockCoinbase[i];
        b.timestamp = s.blockTimestamp[i];
        b.number = s.blockNumber[i];
        b.prevrandao = s.blockPrevrandao[i];
        b.gasLimit = s.blockGasLimit[i];
        b.chainId = s.blockChainId[i];
        b.baseFee = s.blockBaseFee[i];
        b.blobBaseFee = s.blockBlobBaseFee[i];
    }

    /// @notice The code hashes sample i's key updates give (a call or create record's tail), in record order.
    function sampleUpdatedCodeHashes(SampleFixture memory s, uint256 i) internal pure returns (bytes32[] memory) {
        return abi.decode(s.updatedCodeHashes[i], (bytes32[]));
    }

    /// @notice The code of the other accounts sample i reads code from (to archive before verifying it).
    function sampleAccountCode(SampleFixture memory s, uint256 i) internal pure returns (bytes[] memory) {
        return abi.decode(s.accountCode[i], (bytes[]));
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
        w.state_access_list = abi.decode(s.records[i], (AccessWitness[]));
        w.status = s.status[i];
        w.returndataHash = bytes32(s.returndataHash[i]);
        w.calldata_ = s.calldata_[i];
        w.codeHash = s.codeHash[i];
        w.block_ = sampleBlock(s, i);
        w.refund = s.refund[i];
        w.logsHash = s.logsHash[i];
        w.storageKeys = abi.decode(s.storageKeys[i], (StorageKey[]));
        w.transientKeys = abi.decode(s.transientKeys[i], (TransientKey[]));
        w.accountKeys = abi.decode(s.accountKeys[i], (AccountKey[]));
    }
}
