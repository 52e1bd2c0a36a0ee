// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title GasMeter
/// @notice A tiny hand-written contract that calls a target with EXACTLY a given amount of gas G and reports
/// the exact gas the callee frame consumed. This is how the revm side of differential tests gets native gas.
///
/// Calldata: target (32) | G (32) | value (32) | flags (32) | call data (rest)
///           flags bit 0: STATICCALL instead of CALL; bit 1: REVERT with the result instead of returning it,
///           which undoes everything the callee did (storage, balances, created accounts): "measure, don't commit"
/// Returns:  success (32) | gasUsed (32) | the callee's return data (rest)   (as revert data with bit 1)
/// Reverts (empty) when the request cannot be honoured exactly: value > 0 with G < 2300, STATICCALL with
/// value, or too little gas for the 63/64 rule never to cap G (the meter needs G*33/32 + 100000).
///
/// Source (assembled by test/utils/asm.mjs gasmeter):
///
///     PUSH0 PUSH0 PUSH0                      [rO=0, rS=0, X]        X becomes g0 later
///     PUSH1 0x80 CALLDATASIZE SUB            [n, ...]               argument length
///     DUP1 PUSH1 0x80 PUSH0 CALLDATACOPY     mem[0..n] = arguments  (memory is now expanded: the CALL's
///                                                                    argument region costs no expansion,
///                                                                    and retSize = 0 costs none either)
///     PUSH0 ; PUSH1 0x40 CALLDATALOAD        [v, aO=0, n, rO, rS, X]
///     PUSH0 CALLDATALOAD                     [t, v, ...]
///     DUP1 BALANCE POP                       pre-warm t: the CALL's access cost is then exactly 100
///     PUSH1 0x20 CALLDATALOAD                [G, t, v, ...]
///     if v != 0: require G >= 2300; G -= 2300  (the callee gets the request + the 2300 stipend = G)
///     require GAS >= G + G/32 + 100000       so the 63/64 rule cannot cap the request
///     if flags & 1: goto static
///     GAS                                    [g0, gr, t, v, aO, n, rO, rS, X]
///     SWAP8 POP                              [gr, t, v, aO, n, rO, rS, g0]       3 + 2
///     CALL                                   [ok, g0]                            see below
///     GAS                                    [g1, ok, g0]                        2
///     gasUsed = g0 - g1 - 107 - (v != 0 ? 6700 : 0)
///   static:
///     (require v == 0) GAS; SWAP7 POP; STATICCALL; GAS     gasUsed = g0 - g1 - 107
///   out: mem = ok ++ gasUsed ++ returndata; RETURN (or REVERT if flags & 2)
///
/// The arithmetic. GAS pushes the gas left *after* its own cost of 2. From the first GAS (g0) to the second
/// (g1) the frame pays: SWAP8 3, POP 2, the CALL's charge, the second GAS 2, and gets back the callee's
/// leftover gas:
///   CALL charge   = 100 (warm access, EIP-2929) + 9000 if v > 0 (value transfer) + 0 (memory, pre-expanded)
///                   + gr (the gas forwarded; not capped thanks to the check above)
///   callee starts with gr + 2300 if v > 0 (stipend) = G, and returns G - used
///   g0 - g1 = 3 + 2 + 100 + 9000[v>0] + gr + 2 - (G - used)
///           = 107 + 9000[v>0] - 2300[v>0] + used            (G - gr = 2300[v>0])
///   used    = g0 - g1 - 107 - 6700[v>0]
/// STATICCALL: SWAP7 3, POP 2, 100, gr, GAS 2, back G - used  → used = g0 - g1 - 107.
/// Assumptions the caller must keep: when v > 0 the target must not be an EIP-161 empty account (no code,
/// nonce 0, balance 0), or CALL adds 25000 for account creation; the target must not carry an EIP-7702
/// delegation designator (CALL would then also pay for the delegate's access); the meter needs a balance >= v.
/// test/utils/GasMeter.t.sol proves the arithmetic (STOP uses 0, PUSH1 PUSH1 ADD uses 9, INVALID uses all G, ...).
library GasMeter {
    bytes internal constant RUNTIME =
        hex"5f5f5f608036038060805f375f6040355f358031506020358215602a576108fc8110608e576108fc90035b8060051c8101620186a0015a10608e57606035600116605e575a9750f15a909103606b90036040351515611a2c0290036072565b82608e579150905a9650fa5a909103606b90035b6020525f523d5f60403e3d6040015f606035600216608c57f35bfd5b5f5ffd";

    /// @notice Deploys a meter with CREATE.
    function deploy() internal returns (address meter) {
        bytes memory initCode = abi.encodePacked(hex"61", uint16(RUNTIME.length), hex"80600a5f395ff3", RUNTIME);
        assembly ("memory-safe") {
            meter := create(0, add(initCode, 0x20), mload(initCode))
        }
        require(meter != address(0), "GasMeter: deploy failed");
    }

    /// @notice The meter's calldata for one measurement.
    function encode(address target, uint256 gas_, uint256 value, bool isStatic, bytes memory data)
        internal
        pure
        returns (bytes memory)
    {
        return encode(target, gas_, value, isStatic, false, data);
    }

    /// @param noCommit the meter reverts with its result, undoing the callee's state changes
    function encode(address target, uint256 gas_, uint256 value, bool isStatic, bool noCommit, bytes memory data)
        internal
        pure
        returns (bytes memory)
    {
        uint256 flags = (isStatic ? 1 : 0) | (noCommit ? 2 : 0);
        return abi.encodePacked(uint256(uint160(target)), gas_, value, flags, data);
    }

    /// @notice Calls `target` through `meter` with exactly `gas_` gas for the callee frame.
    /// @return success the callee's success flag
    /// @return gasUsed the exact gas the callee frame consumed (== gas_ for an exceptional halt)
    /// @return returndata the callee's RETURN/REVERT data
    function measure(address meter, address target, uint256 gas_, uint256 value, bool isStatic, bytes memory data)
        internal
        returns (bool success, uint256 gasUsed, bytes memory returndata)
    {
        (bool ok, bytes memory out) = meter.call(encode(target, gas_, value, isStatic, data));
        require(ok && out.length >= 64, "GasMeter: request cannot be met exactly (gas, value or static flag)");
        return decode(out);
    }

    /// @notice Like `measure`, but every state change of the callee is undone afterwards (the meter reverts with
    /// its result). For running many independent messages against the same state.
    function measureNoCommit(
        address meter,
        address target,
        uint256 gas_,
        uint256 value,
        bool isStatic,
        bytes memory data
    ) internal returns (bool success, uint256 gasUsed, bytes memory returndata) {
        (bool ok, bytes memory out) = meter.call(encode(target, gas_, value, isStatic, true, data));
        require(!ok && out.length >= 64, "GasMeter: request cannot be met exactly (gas, value or static flag)");
        return decode(out);
    }

    /// @notice Splits the meter's return (or, with noCommit, revert) data.
    function decode(bytes memory out) internal pure returns (bool success, uint256 gasUsed, bytes memory returndata) {
        uint256 n = out.length - 64;
        returndata = new bytes(n);
        assembly ("memory-safe") {
            success := mload(add(out, 0x20))
            gasUsed := mload(add(out, 0x40))
            mcopy(add(returndata, 0x20), add(out, 0x60), n)
        }
    }
}
