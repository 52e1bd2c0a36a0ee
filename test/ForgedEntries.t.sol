// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {HypervisorSetup} from "./utils/HypervisorSetup.sol";
import {GasMeter} from "./utils/GasMeter.sol";
import {Opcodes} from "./utils/Opcodes.sol";

/// @title ForgedEntriesTest
/// @notice A jump into PUSH data must halt whatever the data holds. The hypervisor once copied push data into the
/// 8-byte instruction entries after the PUSH and trusted an entry whose low 16 bits named its JUMPDEST handler, so
/// data holding that address forged a jump target (docs/memory.md, "What a jump trusts").
///
/// The matrix: for every PUSH width n (1..32), every address the hypervisor can jump to (every JUMPDEST of its
/// runtime, a superset of its handler addresses), every position whose entry the analysis fills from code bytes
/// (the first min(n, 4) data positions of the PUSHn, and the first 4 data positions of a PUSH32 right after it, whose
/// entries are built from the bytes after the PUSHn), the address is planted in the bytes that fall on that entry's
/// handler field (every other byte pair of the same parity gets it too), and the program jumps there in five ways:
/// PUSH1+JUMP and PUSH2+JUMP (fused, checked by the analysis, then at run time), PUSH1 DUP1 POP JUMP (not fused),
/// PUSH1+JUMPI and PUSH1 DUP1 POP JUMPI; and with the address at every other alignment (every byte pair of the
/// data), jumps to each of those positions. Data positions whose entries are never filled are jumped to once per
/// width. revm runs each program natively (it must halt) and the honest witness must be valid; since the verdict is
/// deterministic, a valid honest halt means every claim of another outcome is rejected.
/// HV_FORGED_STRIDE=k checks every k-th address only (default 1: all).
contract ForgedEntriesTest is HypervisorSetup {
    address internal constant GUEST = address(0x2000000000000000000000000000000000000002);
    uint256 internal constant GAS = 100_000;
    uint256 internal constant KINDS = 5;
    uint256 internal constant NATIVE_EVERY = 16;

    uint256[] internal targets; // JUMPDESTs of the hypervisor's runtime
    uint256 internal cases;

    function setUp() public override {
        super.setUp();
        bytes memory rt = hypervisor.code;
        for (uint256 pc = 0; pc < rt.length; pc++) {
            uint8 op = uint8(rt[pc]);
            if (op == Opcodes.JUMPDEST) targets.push(pc);
            else if (op >= Opcodes.PUSH1 && op <= Opcodes.PUSH32) pc += op - Opcodes.PUSH0;
        }
    }

    /// PUSHn D, PUSH32 E, POP, POP, then the jump of `kind` to `t`. D and E are zero but for the handler fields of the
    /// entries the analysis fills from these bytes (code bytes 8t-1, 8t for data position t <= min(n, 4) of the PUSHn,
    /// and p+8k-1, p+8k for data position p+k, k <= 4, of the PUSH32 at p = n+1), which hold h: each such entry is a
    /// well-formed forgery (handler h, block need, gas and growth 0). With `fill` 1 or 2, every push data byte pair
    /// starting at an even (1) or odd (2) code offset holds h instead: h at every other alignment at once.
    function program(uint256 n, uint256 h, uint256 fill, uint256 t, uint256 kind)
        internal
        pure
        returns (bytes memory code)
    {
        code = new bytes(n + 36);
        code[0] = bytes1(uint8(Opcodes.PUSH0 + n));
        code[n + 1] = bytes1(Opcodes.PUSH32);
        uint256 p = n + 1;
        if (fill == 0) {
            for (uint256 k = 1; k <= 4; k++) {
                if (k <= n) plant(code, 8 * k - 1, h, n);
                plant(code, p + 8 * k - 1, h, n);
            }
        } else {
            for (uint256 x = 1; x <= n + 33; x++) {
                if (x != n + 1) code[x] = bytes1(uint8(x % 2 == fill % 2 ? h >> 8 : h & 0xff));
            }
        }
        code[n + 34] = bytes1(Opcodes.POP);
        code[n + 35] = bytes1(Opcodes.POP);
        bytes1 tb = bytes1(uint8(t));
        if (kind == 0) code = bytes.concat(code, hex"60", tb, hex"56");
        else if (kind == 1) code = bytes.concat(code, hex"6100", tb, hex"56");
        else if (kind == 2) code = bytes.concat(code, hex"60", tb, hex"805056");
        else if (kind == 3) code = bytes.concat(code, hex"600160", tb, hex"57");
        else code = bytes.concat(code, hex"600160", tb, hex"805057");
    }

    /// h's two bytes at code bytes x, x+1, where those are push data (never over the PUSH32 opcode at n+1).
    function plant(bytes memory code, uint256 x, uint256 h, uint256 n) internal pure {
        if (x >= 1 && x != n + 1 && x <= n + 33) code[x] = bytes1(uint8(h >> 8));
        if (x + 1 != n + 1 && x + 1 <= n + 33) code[x + 1] = bytes1(uint8(h & 0xff));
    }

    function check(uint256 n, uint256 h, uint256 fill, uint256 t, uint256 kind, bool native) internal {
        uint256 fmp;
        assembly ("memory-safe") {
            fmp := mload(0x40)
        }
        bytes memory code = program(n, h, fill, t, kind);
        vm.etch(GUEST, code); // for the native run
        bytes32 codeHash = keccak256(code);
        factory.archive(code);
        // revm runs it natively (through the meter, which undoes everything): a halt uses all gas, returns nothing.
        // Every program of one (n, t, kind) has the same instructions (only push data differs), so revm runs
        // those of every NATIVE_EVERY-th address and the rest are the same halt.
        bool halts = true;
        if (native) {
            (bool ok, uint256 used, bytes memory out) = GasMeter.measureNoCommit(meter, GUEST, GAS, 0, false, "");
            halts = !ok && used == GAS && out.length == 0;
        }
        Verdict memory v;
        if (halts) {
            v = verdictVia(CallKind.Call, abi.encode(plainWitness(GUEST, codeHash, GAS, 0, GAS, "")));
        }
        cases++;
        checkCount++;
        if (halts && v.kind == Kind.Valid) {
            // nothing of this case is needed any more: the next case reuses its memory
            assembly ("memory-safe") {
                mstore(0x40, fmp)
            }
            return;
        }
        string memory lbl = string.concat(
            "PUSH",
            vm.toString(n),
            " handler ",
            vm.toString(h),
            " target ",
            vm.toString(t),
            " kind ",
            vm.toString(kind),
            " fill ",
            vm.toString(fill)
        );
        if (!halts) softFail(lbl, "revm does not halt with all gas used: the program is not what the test means");
        else softFail(lbl, string.concat("the honest halt is not valid: ", describe(v)));
    }

    function matrix(uint256 nFrom, uint256 nTo) internal {
        uint256 stride = vm.envOr("HV_FORGED_STRIDE", uint256(1));
        uint256 planned;
        for (uint256 n = nFrom; n <= nTo; n++) {
            uint256 p = n + 1; // the PUSH32
            uint256 filled = n < 4 ? n : 4; // data positions of the PUSHn whose entries the analysis fills
            for (uint256 i = 0; i < targets.length; i += stride) {
                uint256 h = targets[i];
                bool native = i % NATIVE_EVERY == 0;
                // well-formed forged entries at every filled position, every jump kind
                for (uint256 kind = 0; kind < KINDS; kind++) {
                    for (uint256 t = 1; t <= filled; t++) {
                        check(n, h, 0, t, kind, native);
                    }
                    for (uint256 k = 1; k <= 4; k++) {
                        check(n, h, 0, p + k, kind, native);
                    }
                }
                // the address at every alignment (two fills), a jump to each filled position
                for (uint256 fill = 1; fill <= 2; fill++) {
                    for (uint256 t = 1; t <= filled; t++) {
                        check(n, h, fill, t, 2, native);
                    }
                    for (uint256 k = 1; k <= 4; k++) {
                        check(n, h, fill, p + k, 2, native);
                    }
                }
                planned += (KINDS + 2) * (filled + 4);
            }
            // positions whose entries the analysis never fills, and the PUSH32 opcode itself
            for (uint256 kind = 0; kind < KINDS; kind++) {
                for (uint256 t = 5; t <= n; t++) {
                    check(n, targets[0], 0, t, kind, true);
                }
                for (uint256 t = p; t <= p + 32; t++) {
                    if (t < p + 1 || t > p + 4) check(n, targets[0], 0, t, kind, true);
                }
            }
            planned += KINDS * ((n > 4 ? n - 4 : 0) + 29);
        }
        assertNoFailures();
        assertEq(cases, planned, "every planned program was checked");
    }

    /// PUSHn D, PUSH32 E with h planted on the handler fields of the entries the analysis fills from their bytes (as
    /// `program` with fill 0), then both values returned: a block whose first instruction is a PUSH. The analysis once
    /// took an entry after a block's start whose handler field named op_jumpdest as a JUMPDEST of the block's run and
    /// ORed the block info into it, changing D (fuzzer seed 9, case 2733; docs/fuzzing.md, finding 18). revm runs
    /// each program natively; its outcome, as an honest witness, must be valid.
    function test_pushDataAtABlockStart_isNeverAnalysisData() public {
        uint256 planned;
        for (uint256 n = 1; n <= 4; n++) {
            for (uint256 i = 0; i < targets.length; i++) {
                uint256 fmp;
                assembly ("memory-safe") {
                    fmp := mload(0x40)
                }
                uint256 h = targets[i];
                bytes memory code = program(n, h, 0, 0, 0);
                assembly ("memory-safe") {
                    mstore(code, add(n, 34)) // PUSHn D PUSH32 E, without the POPs and the jump
                }
                code = bytes.concat(code, hex"5f52602052" hex"60405ff3"); // PUSH0 MSTORE PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN
                vm.etch(GUEST, code);
                factory.archive(code);
                (bool ok, uint256 used, bytes memory out) = GasMeter.measureNoCommit(meter, GUEST, GAS, 0, false, "");
                assertTrue(ok && out.length == 64, "revm runs the program to its RETURN");
                Verdict memory v = verdictVia(CallKind.Call, abi.encode(plainWitness(GUEST, keccak256(code), GAS, 1, used, out)));
                checkCount++;
                planned++;
                if (v.kind != Kind.Valid) {
                    softFail(
                        string.concat("PUSH", vm.toString(n), " handler ", vm.toString(h)),
                        string.concat("the honest run is not valid: ", describe(v))
                    );
                }
                assembly ("memory-safe") {
                    mstore(0x40, fmp)
                }
            }
        }
        assertNoFailures();
        assertEq(planned, 4 * targets.length, "every planned program was checked");
    }

    function test_forgedEntries_push1to4() public {
        matrix(1, 4);
    }

    function test_forgedEntries_push5to12() public {
        matrix(5, 12);
    }

    function test_forgedEntries_push13to22() public {
        matrix(13, 22);
    }

    function test_forgedEntries_push23to32() public {
        matrix(23, 32);
    }
}
