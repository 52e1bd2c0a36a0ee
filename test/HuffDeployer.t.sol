// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PRBTest} from "@prb/test/PRBTest.sol";
import {HuffDeployer, HuffConfig} from "./utils/HuffDeployer.sol";

contract HuffDeployerTest is PRBTest {
    function get(address a, uint256 x) internal returns (uint256) {
        (bool ok, bytes memory ret) = a.call(abi.encode(x));
        assertTrue(ok);
        return abi.decode(ret, (uint256));
    }

    function test_deployAndCall() public {
        address a = HuffDeployer.deploy("../test/fixtures/Simple");
        assertGt(a.code.length, 0);
        assertEq(get(a, 1), 0x2a + 1);
    }

    function test_pathAsGiven() public {
        address a = HuffDeployer.deploy("test/fixtures/Simple.huff");
        assertEq(get(a, 0), 0x2a);
    }

    function test_withConstantChangesBehaviour() public {
        address a = HuffDeployer.config().with_constant("VALUE", "0x05").deploy("../test/fixtures/Simple");
        assertEq(get(a, 1), 6);
        address b = HuffDeployer.config().with_uint_constant("VALUE", 1000).deploy("../test/fixtures/Simple");
        assertEq(get(b, 0), 1000);
        address c = HuffDeployer.config().with_bytes32_constant("VALUE", bytes32(uint256(7))).deploy(
            "../test/fixtures/Simple"
        );
        assertEq(get(c, 0), 7);
        address d = HuffDeployer.config().with_addr_constant("VALUE", address(0xBEEF)).deploy("../test/fixtures/Simple");
        assertEq(get(d, 0), 0xBEEF);
    }

    function test_withConstantsList() public {
        address a = HuffDeployer.config().with_constants_list("VALUE=0x10, OTHER=0x01").deploy(
            "../test/fixtures/Simple"
        );
        assertEq(get(a, 0), 16);
    }

    function test_withArgs() public {
        address a = HuffDeployer.config().with_args(abi.encode(uint256(0x1234))).deploy("../test/fixtures/Simple");
        (bool ok, bytes memory ret) = a.call(hex"000000");
        assertTrue(ok);
        assertEq(abi.decode(ret, (uint256)), 0x1234);
    }

    function test_withCode() public {
        // prepended source redefines nothing but adds a constant used by nobody: still compiles
        address a = HuffDeployer.config().with_code("#define constant UNUSED = 0x01").deploy("../test/fixtures/Simple");
        assertEq(get(a, 0), 0x2a);
    }

    function test_evmVersion() public {
        // paris has no PUSH0: the zero pushes become PUSH1 0x00 (the code grows)
        bytes memory prague = HuffDeployer.config().creation_code("../test/fixtures/Simple");
        bytes memory paris = HuffDeployer.config().with_evm_version("paris").creation_code("../test/fixtures/Simple");
        assertGt(paris.length, prague.length);
    }

    function test_commandLine() public {
        HuffConfig cfg = HuffDeployer.config().with_evm_version("cancun").with_constant("A", "0x01").with_constant(
            "B", "true"
        );
        string[] memory cmd = cfg.compiler_command("src/X.huff");
        assertEq(cmd.length, 9);
        assertEq(cmd[0], "node");
        assertEq(cmd[1], "bin/huffc-ts.mjs");
        assertEq(cmd[2], "src/X.huff");
        assertEq(cmd[3], "-b");
        assertEq(cmd[4], "-e");
        assertEq(cmd[5], "cancun");
        assertEq(cmd[6], "-c");
        assertEq(cmd[7], "A=0x01");
        assertEq(cmd[8], "B=true");
        assertEq(cfg.source_path("Hypervisor"), "src/Hypervisor.huff");
    }

    function deployBroken() external returns (address) {
        return HuffDeployer.deploy("../test/fixtures/Broken");
    }

    function test_compileErrorSurfacesMessage() public {
        try this.deployBroken() {
            fail("expected a revert");
        } catch Error(string memory reason) {
            assertTrue(contains(reason, "HuffDeployer: compiling src/../test/fixtures/Broken.huff failed"), reason);
            assertTrue(contains(reason, "Broken.huff:4:5"), reason);
        }
    }

    function deployMissing() external returns (address) {
        return HuffDeployer.deploy("../test/fixtures/DoesNotExist");
    }

    function test_missingFileReverts() public {
        try this.deployMissing() {
            fail("expected a revert");
        } catch Error(string memory reason) {
            assertTrue(contains(reason, "DoesNotExist"), reason);
        }
    }

    function contains(string memory hay, string memory needle) internal pure returns (bool) {
        bytes memory h = bytes(hay);
        bytes memory n = bytes(needle);
        if (n.length > h.length) return false;
        for (uint256 i = 0; i + n.length <= h.length; i++) {
            bool m = true;
            for (uint256 j = 0; j < n.length; j++) {
                if (h[i + j] != n[j]) {
                    m = false;
                    break;
                }
            }
            if (m) return true;
        }
        return false;
    }
}
