// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {ArchiveFactory} from "../src/ArchiveFactory.sol";
import {HypervisorBuild} from "../test/utils/HypervisorBuild.sol";
import {Vm} from "@prb/test/Vm.sol";
import {
    AccessWitness,
    AccountKey,
    BlockValues,
    MessageWitness,
    StorageKey,
    TransientKey
} from "../test/utils/Witness.sol";

/// Deploys an ArchiveFactory and a hypervisor bound to it (compile-time constants ARCHIVE_FACTORY = the factory's
/// address and ARCHIVE_INIT_CODE_HASH = its archive init code hash), then checks the pair end to end: a witness
/// naming a small code that is not archived yet gets CodeNotArchived(codeHash); once the factory archives the code,
/// the same honest witness is valid (both verified through STATICCALL, as fraud-proof contracts call it).
///
///   forge script script/Deploy.s.sol                                  # simulate
///   forge script script/Deploy.s.sol --rpc-url $RPC --private-key $KEY --broadcast
///
/// Environment: HV_EVM (default "prague"), HV_SOURCE (default "Hypervisor").
contract Deploy {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// The self-check's guest: PUSH1 1 PUSH1 2 ADD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN, which returns
    /// abi.encode(3) and uses 24 gas (seven very-low steps of 3, and 3 for the first memory word).
    bytes internal constant CHECK_CODE = hex"600160020160005260206000f3";
    uint256 internal constant CHECK_GAS_USED = 24;

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

    /// The honest witness of CHECK_CODE at an address without code: the hypervisor reads the code the witness's
    /// codeHash names from its archive, not from `to`. CHECK_CODE reads no block value, state or log: any block will
    /// do, and the refund, logs hash and key lists are empty.
    function checkWitness() public pure returns (bytes memory) {
        address to = address(uint160(uint256(keccak256("iso-hypervisor deploy self-check"))));
        return abi.encode(
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
                gasUsed: CHECK_GAS_USED,
                state_access_list: new AccessWitness[](0),
                status: 1,
                returndataHash: keccak256(abi.encode(uint256(3))),
                calldata_: "",
                codeHash: keccak256(CHECK_CODE),
                block_: BlockValues({
                    coinbase: address(0),
                    timestamp: 1,
                    number: 1,
                    prevrandao: bytes32(0),
                    gasLimit: 30_000_000,
                    chainId: 1,
                    baseFee: 0,
                    blobBaseFee: 1
                }),
                refund: 0,
                logsHash: bytes32(0),
                storageKeys: new StorageKey[](0),
                transientKeys: new TransientKey[](0),
                accountKeys: new AccountKey[](0)
            })
        );
    }

    function _selfCheck(ArchiveFactory factory, address hypervisor) internal {
        bytes32 codeHash = keccak256(CHECK_CODE);
        bytes memory witness = checkWitness();
        (bool ok, bytes memory ret) = hypervisor.staticcall(witness);
        if (factory.archiveOf(codeHash).code.length == 0) {
            require(
                !ok && keccak256(ret) == keccak256(abi.encodeWithSignature("CodeNotArchived(bytes32)", codeHash)),
                "Deploy: self-check: a code not archived yet is not CodeNotArchived(codeHash)"
            );
            vm.startBroadcast();
            address archive = factory.archive(CHECK_CODE);
            vm.stopBroadcast();
            require(archive == factory.archiveOf(codeHash), "Deploy: self-check: archive at the wrong address");
            require(
                // 0x00 ++ the code ++ its JUMPDEST bitmap: CHECK_CODE has no JUMPDEST, so the bitmap is ceil(n / 8) zeros
                keccak256(archive.code) == keccak256(bytes.concat(hex"00", CHECK_CODE, new bytes((CHECK_CODE.length + 7) / 8))),
                "Deploy: self-check: wrong archive content"
            );
            (ok, ret) = hypervisor.staticcall(witness);
        }
        require(ok && ret.length == 32 && abi.decode(ret, (uint256)) == 1, "Deploy: self-check verdict is not valid");
    }
}
