// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "@prb/test/Vm.sol";
import {GasMeter} from "./GasMeter.sol";

/// @notice One message to run natively in revm: `code` runs at `to` (whose account executes it: context = to),
/// called by `caller` with `value`, exactly `gasAvailable` gas, tx.origin `origin` and the given gas price.
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
library NativeRunner {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @notice Why revm cannot run `m` exactly through the meter ("" if it can), for reasons that hold wherever
    /// it runs (a runner adds its own, e.g. addresses of its own contracts).
    function ineligible(NativeMessage memory m) internal view returns (string memory) {
        if (m.context != m.to) return "context differs from to (DELEGATECALL/CALLCODE frame): not supported natively";
        if (m.caller == m.to) return "caller equals to";
        if (isPrecompile(m.caller) || isPrecompile(m.to)) return "caller or to is a precompile";
        if (m.code.length == 23 && m.code[0] == 0xef && m.code[1] == 0x01 && m.code[2] == 0x00) {
            return "code is an EIP-7702 delegation designator";
        }
        if (m.gasAvailable >= 1 << 63) return "gasAvailable too large";
        if (m.gasPrice >= 1 << 64) return "gas price of 2^64 or more (vm.txGasPrice rejects it)";
        // the meter forwards exactly gasAvailable only if 63/64 of what is left covers it
        if (gasleft() < m.gasAvailable + m.gasAvailable / 32 + 1_000_000) {
            return "too little gas left to give this message all of gasAvailable";
        }
        if (m.value != 0 && m.gasAvailable < 2300) return "a call with value always gives at least the 2300 stipend";
        if (m.value != 0 && m.isStatic) return "static call with value";
        return "";
    }

    /// @notice Runs `m` natively (see the contract notice). Not `known` if `ineligible(m)` says why, or if the meter
    /// could not run it.
    function run(NativeMessage memory m) internal returns (NativeOutcome memory n) {
        n.why = ineligible(m);
        if (bytes(n.why).length != 0) return n;
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
