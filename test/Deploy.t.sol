// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {PRBTest} from "@prb/test/PRBTest.sol";
import {Deploy} from "../script/Deploy.s.sol";
import {ArchiveFactory} from "../src/ArchiveFactory.sol";
import {HypervisorBuild} from "./utils/HypervisorBuild.sol";

contract DeployTest is PRBTest {
    bytes internal constant CHECK_CODE = hex"600160020160005260206000f3";

    /// The deployment script deploys a bound factory/hypervisor pair and its own self-check passes: the self-check's
    /// code is archived by the factory and its witness is valid through STATICCALL.
    function test_deployScript() public {
        Deploy d = new Deploy();
        (ArchiveFactory factory, address hypervisor) = d.run();
        assertTrue(address(factory).code.length > 0, "factory has code");
        assertTrue(hypervisor.code.length > 10_000, "hypervisor has its runtime");
        address archive = factory.archiveOf(keccak256(CHECK_CODE));
        // 0x00 ++ the code (13 bytes, no JUMPDEST) ++ its JUMPDEST bitmap, two zero bytes; no part 1
        assertEq(archive.code, bytes.concat(hex"00", CHECK_CODE, hex"0000"), "the self-check archived its code");
        assertEq(factory.partOf(keccak256(CHECK_CODE), 1).code.length, 0, "in one part");
        (bool ok, bytes memory ret) = hypervisor.staticcall(d.checkWitness());
        assertTrue(ok, "the self-check witness is valid");
        assertEq(ret, abi.encode(uint256(1)));
        // an empty witness is not a crash but InvalidWitness(WITNESS_TOO_SHORT)
        (ok, ret) = hypervisor.call("");
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSignature("InvalidWitness(uint256,uint256,uint256)", 1, 0, 0));
    }

    /// The hypervisor reads the archives of the factory it was built with: a hypervisor bound to a factory that has
    /// not archived the self-check's code answers CodeNotArchived(codeHash) to the same witness.
    function test_deployScript_hypervisorIsBoundToItsFactory() public {
        Deploy d = new Deploy();
        d.run();
        ArchiveFactory other = new ArchiveFactory();
        address hv = HypervisorBuild.deploy(other);
        (bool ok, bytes memory ret) = hv.staticcall(d.checkWitness());
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSignature("CodeNotArchived(bytes32)", keccak256(CHECK_CODE)));
        other.archive(CHECK_CODE);
        (ok, ret) = hv.staticcall(d.checkWitness());
        assertTrue(ok, "valid once its own factory archived the code");
    }
}
