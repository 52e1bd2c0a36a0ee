// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Vm} from "@prb/test/Vm.sol";
import {ArchiveFactory} from "../../src/ArchiveFactory.sol";
import {HuffDeployer, HuffConfig} from "./HuffDeployer.sol";

/// The one way tests, scripts and the batch runner build the hypervisor: bound to `factory` through
/// the ARCHIVE_FACTORY and ARCHIVE_INIT_CODE_HASH constants.
/// Environment: HV_EVM (default "prague"), HV_CONSTANTS (extra `K=V ...`, e.g. fault injection),
/// HV_SOURCE (default "Hypervisor" = src/Hypervisor.huff).
library HypervisorBuild {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function config(ArchiveFactory factory) internal returns (HuffConfig cfg) {
        cfg = HuffDeployer.config().with_evm_version(vm.envOr("HV_EVM", string("prague")));
        cfg.with_addr_constant("ARCHIVE_FACTORY", address(factory));
        cfg.with_bytes32_constant("ARCHIVE_INIT_CODE_HASH", factory.ARCHIVE_INIT_CODE_HASH());
        cfg.with_constants_list(vm.envOr("HV_CONSTANTS", string("")));
    }

    function source() internal returns (string memory) {
        return vm.envOr("HV_SOURCE", string("Hypervisor"));
    }

    /// Compiles and deploys the hypervisor bound to `factory`.
    function deploy(ArchiveFactory factory) internal returns (address) {
        return config(factory).deploy(source());
    }

    /// The hypervisor's creation code, bound to `factory` (for deployments that broadcast).
    function creationCode(ArchiveFactory factory) internal returns (bytes memory) {
        return config(factory).creation_code(source());
    }
}
