// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {ArchiveFactory} from "../src/ArchiveFactory.sol";
import {HypervisorBuild} from "../test/utils/HypervisorBuild.sol";
import {Vm} from "@prb/test/Vm.sol";
import {MessageWitness, AccessWitness} from "../test/utils/HypervisorSetup.sol";

/// Deploys an ArchiveFactory and a hypervisor bound to it, then checks the pair end to end: it
/// archives a one-byte guest (STOP) and verifies its honest witness.
///
///   forge script script/Deploy.s.sol                                  # simulate
///   forge script script/Deploy.s.sol --rpc-url $RPC --private-key $KEY --broadcast
///
/// Environment: HV_EVM (default "prague"), HV_SOURCE (default "Hypervisor").
contract Deploy {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    event Deployed(address factory, address hypervisor, bytes32 archiveInitCodeHash);

    function run() external returns (ArchiveFactory factory, address hypervisor) {
        vm.startBroadcast();
        factory = new ArchiveFactory();
        vm.stopBroadcast();

        bytes memory initCode = HypervisorBuild.creationCode(factory);
        vm.startBroadcast();
        assembly ("memory-safe") {
            hypervisor := create(0, add(initCode, 0x20), mload(initCode))
        }
        require(hypervisor != address(0), "Deploy: hypervisor deployment failed");
        vm.stopBroadcast();

        emit Deployed(address(factory), hypervisor, factory.ARCHIVE_INIT_CODE_HASH());
        _selfCheck(factory, hypervisor);
    }

    /// An honest witness of a message to an account without code (archived as 0x00): success, no gas.
    function _selfCheck(ArchiveFactory factory, address hypervisor) internal {
        address to = address(uint160(uint256(keccak256("iso-hypervisor deploy self-check"))));
        vm.startBroadcast();
        factory.archive(to);
        vm.stopBroadcast();
        bytes memory witness = abi.encode(
            MessageWitness({
                stateRootEnter: bytes32(0),
                stateRootLeave: bytes32(0),
                isStatic: false,
                origin: address(1),
                caller: address(1),
                to: to,
                context: to,
                callvalue: 0,
                gasPrice: 0,
                gasAvailable: 100_000,
                gasUsed: 0,
                state_access_list: new AccessWitness[](0),
                status: 1,
                returndataHash: keccak256(""),
                calldata_: ""
            })
        );
        (bool ok, bytes memory ret) = hypervisor.staticcall(witness);
        require(ok && ret.length == 32 && abi.decode(ret, (uint256)) == 1, "Deploy: self-check verdict is not valid");
    }

}
