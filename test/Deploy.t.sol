// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {PRBTest} from "@prb/test/PRBTest.sol";
import {Deploy} from "../script/Deploy.s.sol";
import {ArchiveFactory} from "../src/ArchiveFactory.sol";

contract DeployTest is PRBTest {
    /// The deployment script deploys a bound factory/hypervisor pair and its own self-check passes.
    function test_deployScript() public {
        (ArchiveFactory factory, address hypervisor) = new Deploy().run();
        assertTrue(address(factory).code.length > 0, "factory has code");
        assertTrue(hypervisor.code.length > 10_000, "hypervisor has its runtime");
        // an empty witness is not a crash but InvalidWitness(WITNESS_TOO_SHORT)
        (bool ok, bytes memory ret) = hypervisor.call("");
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSignature("InvalidWitness(uint256,uint256,uint256)", 1, 0, 0));
    }
}
