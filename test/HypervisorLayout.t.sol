// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ArchiveFactory} from "../src/ArchiveFactory.sol";
import {ArchiveLayout} from "./utils/ArchiveLayout.sol";
import {HypervisorSetup} from "./utils/HypervisorSetup.sol";
import {WitnessErrors} from "./utils/WitnessErrors.sol";
import {WitnessLayout} from "./utils/WitnessLayout.sol";

/// @title HypervisorLayoutTest
/// @notice The witness offsets (WitnessLayout), error codes (WitnessErrors) and archive format (ArchiveLayout) the
/// other tests use are generated from the Huff sources by scripts/gen-layouts.ts (scripts/gen-layouts.test.ts fails
/// when they are stale). Checked here against what the Huff sources cannot say: the tables of docs/witness.md and
/// docs/errors.md, the errors this Solidity code declares, and the archives src/ArchiveFactory.sol writes.
contract HypervisorLayoutTest is HypervisorSetup {
    /// Nothing to deploy: these tests only read files.
    function setUp() public override {}

    // ------------------------------------------------------------------------------------------ parsing

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

    /// The "Calldata offsets" table of docs/witness.md, row by field, and the sizes the text states.
    function test_layoutMatchesDocs() public {
        string[2][23] memory rows = [
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
            ["codeHash", "W_CODE_HASH"],
            ["block.coinbase", "W_COINBASE"],
            ["refund (int256, two's complement)", "W_REFUND"],
            ["logsHash", "W_LOGS_HASH"],
            ["offset of storageKeys (tuple-relative)", "W_STORAGE_KEYS_PTR"],
            ["offset of transientKeys", "W_TRANSIENT_KEYS_PTR"],
            ["offset of accountKeys", "W_ACCOUNT_KEYS_PTR"]
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
        // "| `0x240` … `0x300` | block.timestamp, number, prevrandao, gasLimit, chainId, baseFee, blobBaseFee | |"
        string[] memory blockRow = markdownRow(
            "docs/witness.md", 1, "block.timestamp, number, prevrandao, gasLimit, chainId, baseFee, blobBaseFee", "0x"
        );
        string[] memory range = vmStr.split(blockRow[0], unicode" … ");
        check(range.length == 2, "docs/witness.md", "the block values row is a range: from ... to");
        if (range.length == 2) {
            checkEqHex(vm.parseUint(range[0]), WitnessLayout.W_TIMESTAMP, "docs/witness.md", "block.timestamp");
            checkEqHex(vm.parseUint(range[1]), WitnessLayout.W_BLOB_BASE_FEE, "docs/witness.md", "block.blobBaseFee");
        }
        // the seven named fields are seven consecutive words
        checkEq(vmStr.split(blockRow[1], ", ").length, 7, "docs/witness.md", "block values after coinbase");
        checkEqHex(
            WitnessLayout.W_BLOB_BASE_FEE - WitnessLayout.W_TIMESTAMP,
            6 * 32,
            "WitnessLayout",
            "W_TIMESTAMP to W_BLOB_BASE_FEE"
        );
        // "| `0x180` | offset of state_access_list (tuple-relative) | must be `0x3a0` (the head is 29 words) |"
        string[] memory listRow =
            markdownRow("docs/witness.md", 1, "offset of state_access_list (tuple-relative)", "0x");
        checkEqHex(
            vm.parseUint(vmStr.split(listRow[2], " ")[2]),
            WitnessLayout.W_ACCESS_LIST_CANONICAL,
            "docs/witness.md",
            "canonical offset of state_access_list"
        );
        checkEqHex(
            vm.parseUint(markdownRow("docs/witness.md", 1, "record count n")[0]),
            WitnessLayout.W_RECORD_COUNT,
            "docs/witness.md",
            "record count"
        );
        // "| `0x3e0 + 32*i` | offset of record `i` (relative to `0x3e0`) | ..."
        string memory recordsAt = hexOffset(WitnessLayout.W_RECORD_OFFSETS);
        string[] memory rec =
            markdownRow("docs/witness.md", 1, string.concat("offset of record i (relative to ", recordsAt, ")"));
        checkEqHex(
            vm.parseUint(vmStr.split(rec[0], " + ")[0]), WitnessLayout.W_RECORD_OFFSETS, "docs/witness.md", "record i"
        );
        string memory doc = vm.readFile("docs/witness.md");
        check(
            vmStr.indexOf(doc, string.concat("is ", withThousands(WitnessLayout.W_MIN_SIZE), " bytes."))
                != type(uint256).max,
            "docs/witness.md",
            string.concat(
                "does not state the minimum witness size W_MIN_SIZE (is ",
                withThousands(WitnessLayout.W_MIN_SIZE),
                " bytes.)"
            )
        );
        assertNoFailures();
    }

    /// `0x` and at least three lowercase hex digits, as the offset table writes offsets (0x020, 0x3e0).
    function hexOffset(uint256 x) internal pure returns (string memory) {
        bytes memory digits = "0123456789abcdef";
        uint256 n = 3;
        while (x >> (4 * n) != 0) n++;
        bytes memory b = new bytes(n);
        for (uint256 i = 0; i < n; i++) {
            b[n - 1 - i] = digits[(x >> (4 * i)) & 0xf];
        }
        return string.concat("0x", string(b));
    }

    /// Decimal with a comma every three digits, as the docs write sizes (1,120).
    function withThousands(uint256 x) internal pure returns (string memory s) {
        if (x < 1000) return vm.toString(x);
        string memory low = vm.toString(x % 1000);
        while (bytes(low).length < 3) low = string.concat("0", low);
        return string.concat(withThousands(x / 1000), ",", low);
    }

    // ------------------------------------------------------------------------------------------ errors

    function test_errorCodesMatchDocs() public {
        (string[] memory names, uint256[] memory codes) = WitnessErrors.all();
        for (uint256 i = 0; i < names.length; i++) {
            string[] memory cells = markdownRow("docs/errors.md", 1, names[i]);
            checkEq(vm.parseUint(cells[0]), codes[i], "docs/errors.md", names[i]);
        }
        assertNoFailures();
    }

    /// The errors this code declares (VerdictDecoding) are the ones Errors.huff declares: the selectors decodeVerdict
    /// matches are the hypervisor's.
    function test_errorSelectors() public {
        assertEq(WitnessErrors.INVALID_WITNESS_SIGNATURE, "InvalidWitness(uint256,uint256,uint256)");
        assertEq(WitnessErrors.CODE_NOT_ARCHIVED_SIGNATURE, "CodeNotArchived(bytes32)");
        assertEq(InvalidWitness.selector, bytes4(keccak256(bytes(WitnessErrors.INVALID_WITNESS_SIGNATURE))));
        assertEq(CodeNotArchived.selector, bytes4(keccak256(bytes(WitnessErrors.CODE_NOT_ARCHIVED_SIGNATURE))));
    }

    // ------------------------------------------------------------------------------------------ archives

    /// The archive format the hypervisor reads (Setup.huff) is the one the factory writes.
    function test_archiveLayoutMatchesFactory() public {
        ArchiveFactory f = new ArchiveFactory();
        assertEq(ArchiveLayout.ARCHIVE_PART_DATA_MAX, f.PART_DATA_MAX(), "ARCHIVE_PART_DATA_MAX");
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
}
