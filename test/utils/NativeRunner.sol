// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "@prb/test/Vm.sol";
import {GasMeter} from "./GasMeter.sol";
import {Opcodes} from "./Opcodes.sol";
import {VmExtra} from "./VmExtra.sol";
import {BlockValues} from "./Witness.sol";

/// @notice One message to run natively in revm: `code` runs at `to` (whose account executes it: context = to),
/// called by `caller` with `value`, exactly `gasAvailable` gas, tx.origin `origin` and the given gas price, in the
/// block `block_`.
struct NativeMessage {
    bytes code;
    address to;
    address context; // must equal `to`: a DELEGATECALL/CALLCODE frame cannot be run this way
    address caller;
    address origin;
    uint256 value;
    uint256 gasAvailable;
    uint256 gasPrice;
    bool isStatic;
    bytes calldata_;
    BlockValues block_; // what COINBASE … BLOBBASEFEE see
}

/// @notice What the message did natively.
struct NativeOutcome {
    bool known; // false: the message cannot be run exactly this way (see `why`)
    string why;
    uint256 status; // 0 exceptional halt, 1 success, 2 revert
    uint256 gasUsed;
    bytes returndata;
}

/// @title NativeRunner
/// @notice The one way the Forge tests and script/VerifyBatch.s.sol run a guest natively in revm, for the outcome
/// (status, exact gas, return data) the hypervisor's verdict is compared with. GasMeter's code is etched at the
/// caller, so the guest sees CALLER = caller; the meter calls `to` with exactly gasAvailable gas (value via deal,
/// origin via prank, gas price via txGasPrice) and reverts with its result, so nothing the guest does outlives the
/// run. Afterwards the caller has no code and no balance again and the gas price is 0; `to` keeps the code.
///
/// The block: the message's block values are set with cheatcodes for the run (vm.coinbase, vm.warp, vm.roll,
/// vm.prevrandao, vm.chainId, vm.fee, and the blob base fee through the excess blob gas, see setBlobBaseFee), and the
/// block as it was is restored afterwards. No cheatcode sets the block gas limit: GASLIMIT shows forge's (the
/// foundry.toml gas_limit). Every value is read back before the run; a message whose code contains the opcode of a
/// value revm could not be given (GASLIMIT, or a blob base fee no excess blob gas yields) is not `known`.
/// Not reproduced: state other than `to`'s code and the value transfer (storage, balances and code of other accounts
/// are whatever revm has), and the warm set of the message's transaction beyond caller, `to` and the precompiles
/// (the origin and the coinbase are warm in a transaction, EIP-2929 and EIP-3651, but here only if something made
/// them so).
library NativeRunner {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @notice Excess blob gas searched for a blob base fee: the fee grows with it, and up to 2^27 revm's
    /// fake_exponential (u128) cannot overflow under Cancun's or Prague's update fraction.
    uint256 internal constant MAX_EXCESS_BLOB_GAS = 1 << 27;

    /// @notice Why revm cannot run `m` exactly through the meter ("" if it can), for reasons that hold wherever
    /// it runs (a runner adds its own, e.g. addresses of its own contracts).
    function ineligible(NativeMessage memory m) internal view returns (string memory) {
        if (m.context != m.to) return "context differs from to (DELEGATECALL/CALLCODE frame): not supported natively";
        if (m.caller == m.to) return "caller equals to";
        if (isPrecompile(m.caller) || isPrecompile(m.to)) return "caller or to is a precompile";
        if (m.code.length == 23 && m.code[0] == 0xef && m.code[1] == 0x01 && m.code[2] == 0x00) {
            return "code is an EIP-7702 delegation designator";
        }
        // Forge's own inspector reverts a call to an account without code ("call to non-contract address",
        // "delegatecall to non-contract address"), which the EVM runs as a call to empty code
        if (
            hasOpcode(m.code, Opcodes.CALL) || hasOpcode(m.code, Opcodes.CALLCODE)
                || hasOpcode(m.code, Opcodes.DELEGATECALL) || hasOpcode(m.code, Opcodes.STATICCALL)
        ) {
            return "a call opcode: Forge reverts a call to an account without code itself";
        }
        if (m.gasAvailable >= 1 << 63) return "gasAvailable too large";
        if (m.gasPrice >= 1 << 64) return "gas price of 2^64 or more (vm.txGasPrice rejects it)";
        // the meter forwards exactly gasAvailable only if 63/64 of what is left covers it
        if (gasleft() < m.gasAvailable + m.gasAvailable / 32 + 1_000_000) {
            return "too little gas left to give this message all of gasAvailable";
        }
        if (m.value != 0 && m.gasAvailable < 2300) return "a call with value always gives at least the 2300 stipend";
        if (m.value != 0 && m.isStatic) return "static call with value";
        if (m.block_.chainId >= 1 << 64) return "chain id of 2^64 or more (vm.chainId rejects it)";
        if (m.block_.baseFee >= 1 << 64) return "base fee of 2^64 or more (vm.fee rejects it)";
        return "";
    }

    /// @notice Runs `m` natively (see the contract notice). Not `known` if `ineligible(m)` says why, if its code reads a
    /// block value revm could not be given, or if the meter could not run it.
    function run(NativeMessage memory m) internal returns (NativeOutcome memory n) {
        n.why = ineligible(m);
        if (bytes(n.why).length != 0) return n;
        BlockValues memory before = currentBlock();
        setBlock(m.block_);
        n.why = blockDifference(m.code, m.block_);
        if (bytes(n.why).length == 0) n = runInBlock(m);
        setBlock(before);
    }

    /// @notice The block as revm shows it now.
    function currentBlock() internal view returns (BlockValues memory b) {
        b.coinbase = block.coinbase;
        b.timestamp = block.timestamp;
        b.number = block.number;
        b.prevrandao = bytes32(block.prevrandao);
        b.gasLimit = block.gaslimit;
        b.chainId = block.chainid;
        b.baseFee = block.basefee;
        b.blobBaseFee = block.blobbasefee;
    }

    /// @notice Sets every block value a cheatcode can set (all but the gas limit). The blob base fee is set only if
    /// some excess blob gas yields it exactly (see setBlobBaseFee).
    function setBlock(BlockValues memory b) internal {
        vm.coinbase(b.coinbase);
        vm.warp(b.timestamp);
        vm.roll(b.number);
        vm.prevrandao(b.prevrandao);
        vm.chainId(b.chainId);
        vm.fee(b.baseFee);
        setBlobBaseFee(b.blobBaseFee);
    }

    /// @notice Makes BLOBBASEFEE `fee` if possible. vm.blobBaseFee(x) of forge 1.7.1 sets the block's excess blob gas
    /// to x (the fee is then revm's fake_exponential of it, EIP-4844), so the least excess blob gas whose fee is at
    /// least `fee` is searched, reading the fee back. Returns whether BLOBBASEFEE is now exactly `fee`.
    function setBlobBaseFee(uint256 fee) internal returns (bool) {
        if (block.blobbasefee == fee) return true;
        VmExtra x = VmExtra(address(vm));
        uint256 lo = 0;
        uint256 hi = MAX_EXCESS_BLOB_GAS;
        x.blobBaseFee(hi);
        if (block.blobbasefee < fee) return false;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            x.blobBaseFee(mid);
            if (block.blobbasefee >= fee) hi = mid;
            else lo = mid + 1;
        }
        x.blobBaseFee(lo);
        return block.blobbasefee == fee;
    }

    /// @notice Why `code` would not see block `b` here ("" if it would): an opcode of `code` (outside push data)
    /// pushes a block value that differs from `b`'s after setBlock(b).
    function blockDifference(bytes memory code, BlockValues memory b) internal view returns (string memory) {
        BlockValues memory now_ = currentBlock();
        uint8[8] memory ops = [
            Opcodes.COINBASE,
            Opcodes.TIMESTAMP,
            Opcodes.NUMBER,
            Opcodes.PREVRANDAO,
            Opcodes.GASLIMIT,
            Opcodes.CHAINID,
            Opcodes.BASEFEE,
            Opcodes.BLOBBASEFEE
        ];
        string[8] memory names =
            ["COINBASE", "TIMESTAMP", "NUMBER", "PREVRANDAO", "GASLIMIT", "CHAINID", "BASEFEE", "BLOBBASEFEE"];
        uint256[8] memory want = [
            uint256(uint160(b.coinbase)),
            b.timestamp,
            b.number,
            uint256(b.prevrandao),
            b.gasLimit,
            b.chainId,
            b.baseFee,
            b.blobBaseFee
        ];
        uint256[8] memory got = [
            uint256(uint160(now_.coinbase)),
            now_.timestamp,
            now_.number,
            uint256(now_.prevrandao),
            now_.gasLimit,
            now_.chainId,
            now_.baseFee,
            now_.blobBaseFee
        ];
        for (uint256 k = 0; k < 8; k++) {
            if (got[k] == want[k] || !hasOpcode(code, ops[k])) continue;
            return string.concat(
                names[k],
                " would show ",
                vm.toString(got[k]),
                " in revm, the message's block has ",
                vm.toString(want[k]),
                k == 4 ? " (no cheatcode sets the block gas limit)" : " (no cheatcode value gives it)"
            );
        }
        return "";
    }

    /// @notice Whether `op` occurs in `code` as an instruction (not inside push data).
    function hasOpcode(bytes memory code, uint8 op) internal pure returns (bool) {
        for (uint256 pc = 0; pc < code.length; pc++) {
            uint8 c = uint8(code[pc]);
            if (c == op) return true;
            if (c >= Opcodes.PUSH1 && c <= Opcodes.PUSH32) pc += c - Opcodes.PUSH1 + 1;
        }
        return false;
    }

    function runInBlock(NativeMessage memory m) private returns (NativeOutcome memory n) {
        vm.etch(m.to, m.code);
        vm.etch(m.caller, GasMeter.RUNTIME);
        vm.deal(m.caller, m.value);
        if (m.value != 0 && m.code.length == 0 && vm.getNonce(m.to) == 0 && m.to.balance == 0) {
            // GasMeter's arithmetic assumes a value call never creates an account: an EIP-161 empty `to` would cost
            // the meter's CALL 25,000 more, counted as the guest's gas; a nonce makes it non-empty
            vm.setNonce(m.to, 1);
        }
        vm.txGasPrice(m.gasPrice);
        (bool mok, bytes memory out) = callMeterAtCaller(m, m.gasAvailable);
        if (mok || out.length < 64) {
            n.why = "the gas meter could not run the message";
        } else {
            n.known = true;
            bool ok;
            (ok, n.gasUsed, n.returndata) = GasMeter.decode(out);
            if (ok) {
                n.status = 1;
            } else if (n.returndata.length != 0 || n.gasUsed < m.gasAvailable) {
                n.status = 2; // an exceptional halt uses all gas and returns nothing
            } else {
                // All gas used, no data: a halt, or a REVERT(_, 0) that used exactly the last unit of gas. With one
                // more unit a halt still uses everything, such a revert leaves 1 (for guests that do not branch on
                // GAS).
                n.status = 0;
                (mok, out) = callMeterAtCaller(m, m.gasAvailable + 1);
                if (!mok && out.length >= 64) {
                    (bool ok2, uint256 used2, bytes memory ret2) = GasMeter.decode(out);
                    if (!ok2 && ret2.length == 0 && used2 == m.gasAvailable) n.status = 2;
                }
            }
        }
        vm.etch(m.caller, "");
        vm.deal(m.caller, 0);
        vm.txGasPrice(0);
    }

    function callMeterAtCaller(NativeMessage memory m, uint256 g) private returns (bool, bytes memory) {
        vm.prank(m.caller, m.origin);
        return m.caller.call(GasMeter.encode(m.to, g, m.value, m.isStatic, true, m.calldata_));
    }

    /// @notice The precompile addresses of prague (0x01-0x11) and P256VERIFY (0x100).
    function isPrecompile(address a) internal pure returns (bool) {
        return (uint160(a) >= 1 && uint160(a) <= 0x11) || uint160(a) == 0x100;
    }
}
