// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PRBTest} from "@prb/test/PRBTest.sol";
import {VmExtra} from "./VmExtra.sol";
import {AccessWitness, MessageWitness} from "./Witness.sol";

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
    bytes[] records; // abi.encode(AccessWitness[]): the honest witness's records
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
        uint256 n = vm.parseJsonUint(j, ".count");
        require(
            s.name.length == n && s.code.length == n && s.to.length == n && s.context.length == n
                && s.caller.length == n && s.origin.length == n && s.callvalue.length == n && s.gasPrice.length == n
                && s.isStatic.length == n && s.gasAvailable.length == n && s.calldata_.length == n
                && s.status.length == n && s.gasUsed.length == n && s.returndata.length == n
                && s.returndataHash.length == n && s.codeHash.length == n && s.stateRoot.length == n
                && s.witness.length == n && s.records.length == n,
            "samples.json: arrays of different lengths (regenerate: npm run gen:fixtures)"
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
            "hostile.json: arrays of different lengths (regenerate: npm run gen:fixtures)"
        );
        require(h.guestCodeHash == keccak256(h.guestCode), "hostile.json: guestCodeHash is not keccak256(guestCode)");
    }

    /// @notice HV_SAMPLE filter: true if unset or `name` contains it.
    function selected(string memory name) internal returns (bool) {
        string memory f = vm.envOr("HV_SAMPLE", string(""));
        return bytes(f).length == 0 || VmExtra(address(vm)).indexOf(name, f) != type(uint256).max;
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
    }
}
