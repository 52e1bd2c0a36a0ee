// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {HypervisorSetup, WitnessLayout, WitnessErrors} from "./utils/HypervisorSetup.sol";

/// @title HypervisorLayoutTest
/// @notice The Solidity copies of the witness offsets (WitnessLayout) and error codes (WitnessErrors) that the other
/// hypervisor tests use are checked against their single sources, src/hypervisor/WitnessLayout.huff and
/// src/hypervisor/Errors.huff (parsed here), against the TypeScript library (lib/witness/layout.ts and errors.ts,
/// through test/fixtures/hypervisor/layout.json), and against the tables of docs/witness.md and docs/errors.md.
contract HypervisorLayoutTest is HypervisorSetup {
    /// Nothing to deploy: these tests only read files.
    function setUp() public override {}

    // ------------------------------------------------------------------------------------------ parsing

    /// `#define constant NAME = VALUE` definitions of a Huff file (VALUE hex or decimal; `//` comments ignored).
    function huffConstants(string memory path) internal view returns (string[] memory names, uint256[] memory values) {
        string[] memory lines = vmStr.split(vm.readFile(path), "\n");
        names = new string[](lines.length);
        values = new uint256[](lines.length);
        uint256 n = 0;
        for (uint256 i = 0; i < lines.length; i++) {
            string memory line = vmStr.trim(lines[i]);
            if (!startsWith(line, "#define constant ")) continue;
            string memory rest = vmStr.replace(line, "#define constant ", "");
            uint256 comment = vmStr.indexOf(rest, "//");
            if (comment != type(uint256).max) rest = substring(rest, 0, comment);
            string[] memory parts = vmStr.split(rest, "=");
            require(parts.length == 2, string.concat(path, ": cannot parse `", line, "`"));
            names[n] = vmStr.trim(parts[0]);
            values[n] = vm.parseUint(vmStr.trim(parts[1]));
            n++;
        }
        assembly ("memory-safe") {
            mstore(names, n)
            mstore(values, n)
        }
    }

    function lookup(string[] memory names, uint256[] memory values, string memory name, string memory where)
        internal
        pure
        returns (uint256 value)
    {
        uint256 found = 0;
        for (uint256 i = 0; i < names.length; i++) {
            if (keccak256(bytes(names[i])) == keccak256(bytes(name))) {
                value = values[i];
                found++;
            }
        }
        require(found == 1, string.concat(where, ": ", name, found == 0 ? " is not defined" : " is defined twice"));
    }

    /// Rows `| c0 | c1 | ... |` of a markdown file: the cells of the one row whose cell `keyColumn` (backticks
    /// removed) equals `key`.
    function markdownRow(string memory path, uint256 keyColumn, string memory key)
        internal
        view
        returns (string[] memory cells)
    {
        return markdownRow(path, keyColumn, key, "");
    }

    /// The same among the rows whose first cell starts with `firstCellPrefix` (e.g. "0x": the offset table, when
    /// another table of the file has a row with the same key).
    function markdownRow(string memory path, uint256 keyColumn, string memory key, string memory firstCellPrefix)
        internal
        view
        returns (string[] memory cells)
    {
        string[] memory lines = vmStr.split(vm.readFile(path), "\n");
        uint256 found = 0;
        for (uint256 i = 0; i < lines.length; i++) {
            string memory line = vmStr.trim(lines[i]);
            if (!startsWith(line, "|")) continue;
            string[] memory parts = vmStr.split(line, "|"); // "", c0, c1, ..., ""
            if (parts.length < keyColumn + 3) continue;
            for (uint256 k = 0; k < parts.length; k++) {
                parts[k] = vmStr.trim(vmStr.replace(parts[k], "`", ""));
            }
            if (keccak256(bytes(parts[keyColumn + 1])) != keccak256(bytes(key))) continue;
            if (!startsWith(parts[1], firstCellPrefix)) continue;
            cells = new string[](parts.length - 2);
            for (uint256 k = 0; k < cells.length; k++) {
                cells[k] = parts[k + 1];
            }
            found++;
        }
        require(
            found == 1, string.concat(path, ": ", found == 0 ? "no" : "more than one", " table row for `", key, "`")
        );
    }

    // ------------------------------------------------------------------------------------------ layout

    function test_layoutMatchesWitnessLayoutHuff() public {
        (string[] memory hn, uint256[] memory hv) = huffConstants("src/hypervisor/WitnessLayout.huff");
        (string[] memory names, uint256[] memory values) = WitnessLayout.all();
        checkEq(
            hn.length, names.length, "WitnessLayout.huff", "number of constants (expected: as many as WitnessLayout)"
        );
        for (uint256 i = 0; i < names.length; i++) {
            checkEqHex(lookup(hn, hv, names[i], "WitnessLayout.huff"), values[i], "WitnessLayout.huff", names[i]);
        }
        assertNoFailures();
    }

    function test_layoutMatchesTypeScript() public {
        string memory j = vm.readFile(LAYOUT_PATH);
        string[] memory tn = vm.parseJsonStringArray(j, ".layoutName");
        uint256[] memory tv = vm.parseJsonUintArray(j, ".layoutValue");
        (string[] memory names, uint256[] memory values) = WitnessLayout.all();
        checkEq(tn.length, names.length, "WITNESS_LAYOUT", "number of constants (expected: as many as WitnessLayout)");
        for (uint256 i = 0; i < names.length; i++) {
            checkEqHex(lookup(tn, tv, names[i], "WITNESS_LAYOUT (layout.json)"), values[i], "WITNESS_LAYOUT", names[i]);
        }
        assertNoFailures();
    }

    /// The "Calldata offsets" table of docs/witness.md, row by field.
    function test_layoutMatchesDocs() public {
        string[2][17] memory rows = [
            ["tuple offset", "W_TUPLE_OFFSET"],
            ["stateRootEnter", "W_STATE_ROOT_ENTER"],
            ["stateRootLeave", "W_STATE_ROOT_LEAVE"],
            ["isStatic", "W_IS_STATIC"],
            ["origin", "W_ORIGIN"],
            ["caller", "W_CALLER"],
            ["to", "W_TO"],
            ["context", "W_CONTEXT"],
            ["callvalue", "W_CALLVALUE"],
            ["gasPrice", "W_GAS_PRICE"],
            ["gasAvailable", "W_GAS_AVAILABLE"],
            ["gasUsed", "W_GAS_USED"],
            ["offset of state_access_list (tuple-relative)", "W_ACCESS_LIST_PTR"],
            ["status", "W_STATUS"],
            ["returndataHash", "W_RETURNDATA_HASH"],
            ["offset of calldata (tuple-relative)", "W_CALLDATA_PTR"],
            ["codeHash", "W_CODE_HASH"]
        ];
        (string[] memory names, uint256[] memory values) = WitnessLayout.all();
        for (uint256 i = 0; i < rows.length; i++) {
            string[] memory cells = markdownRow("docs/witness.md", 1, rows[i][0], "0x");
            checkEqHex(
                vm.parseUint(cells[0]),
                lookup(names, values, rows[i][1], "WitnessLayout"),
                "docs/witness.md",
                rows[i][0]
            );
        }
        checkEqHex(
            vm.parseUint(markdownRow("docs/witness.md", 1, "record count n")[0]),
            WitnessLayout.W_RECORD_COUNT,
            "docs/witness.md",
            "record count"
        );
        // "| `0x240 + 32*i` | offset of record `i` (relative to `0x240`) | ..."
        string[] memory rec = markdownRow("docs/witness.md", 1, "offset of record i (relative to 0x240)");
        checkEqHex(
            vm.parseUint(vmStr.split(rec[0], " + ")[0]), WitnessLayout.W_RECORD_OFFSETS, "docs/witness.md", "record i"
        );
        string memory doc = vm.readFile("docs/witness.md");
        check(
            vmStr.indexOf(doc, string.concat("is ", vm.toString(WitnessLayout.W_MIN_SIZE), " bytes."))
                != type(uint256).max,
            "docs/witness.md",
            "does not state the minimum witness size W_MIN_SIZE"
        );
        assertNoFailures();
    }

    // ------------------------------------------------------------------------------------------ errors

    function test_errorCodesMatchErrorsHuff() public {
        (string[] memory hn, uint256[] memory hv) = huffConstants("src/hypervisor/Errors.huff");
        (string[] memory names, uint256[] memory codes) = WitnessErrors.all();
        checkEq(hn.length, names.length, "Errors.huff", "number of constants (expected: as many as WitnessErrors)");
        for (uint256 i = 0; i < names.length; i++) {
            checkEq(lookup(hn, hv, string.concat("E_", names[i]), "Errors.huff"), codes[i], "Errors.huff", names[i]);
        }
        assertNoFailures();
    }

    function test_errorCodesMatchTypeScript() public {
        string memory j = vm.readFile(LAYOUT_PATH);
        string[] memory tn = vm.parseJsonStringArray(j, ".errorName");
        uint256[] memory tc = vm.parseJsonUintArray(j, ".errorCode");
        (string[] memory names, uint256[] memory codes) = WitnessErrors.all();
        checkEq(tn.length, names.length, "ERROR_CODES", "number of codes (expected: as many as WitnessErrors)");
        for (uint256 i = 0; i < names.length; i++) {
            checkEq(lookup(tn, tc, names[i], "ERROR_CODES (layout.json)"), codes[i], "ERROR_CODES", names[i]);
        }
        assertNoFailures();
    }

    function test_errorCodesMatchDocs() public {
        (string[] memory names, uint256[] memory codes) = WitnessErrors.all();
        for (uint256 i = 0; i < names.length; i++) {
            string[] memory cells = markdownRow("docs/errors.md", 1, names[i]);
            checkEq(vm.parseUint(cells[0]), codes[i], "docs/errors.md", names[i]);
        }
        assertNoFailures();
    }

    function test_errorSelectors() public {
        assertEq(InvalidWitness.selector, bytes4(keccak256("InvalidWitness(uint256,uint256,uint256)")));
        assertEq(CodeNotArchived.selector, bytes4(keccak256("CodeNotArchived(bytes32)")));
        string memory errors = vm.readFile("src/hypervisor/Errors.huff");
        assertTrue(
            vmStr.indexOf(errors, "#define error CodeNotArchived(bytes32)") != type(uint256).max,
            "Errors.huff declares CodeNotArchived(bytes32)"
        );
        assertTrue(
            vmStr.indexOf(errors, "#define error InvalidWitness(uint256, uint256, uint256)") != type(uint256).max,
            "Errors.huff declares InvalidWitness(uint256, uint256, uint256)"
        );
    }

    // ------------------------------------------------------------------------------------------ strings

    function startsWith(string memory s, string memory prefix) internal pure returns (bool) {
        bytes memory a = bytes(s);
        bytes memory b = bytes(prefix);
        if (b.length > a.length) return false;
        for (uint256 i = 0; i < b.length; i++) {
            if (a[i] != b[i]) return false;
        }
        return true;
    }

    function substring(string memory s, uint256 from, uint256 to) internal pure returns (string memory) {
        bytes memory a = bytes(s);
        bytes memory r = new bytes(to - from);
        for (uint256 i = 0; i < r.length; i++) {
            r[i] = a[from + i];
        }
        return string(r);
    }
}
