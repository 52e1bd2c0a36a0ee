// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {HypervisorSetup} from "./utils/HypervisorSetup.sol";
import {HostileFixture, SampleFixture} from "./utils/HypervisorFixtures.sol";
import {WitnessLayout as L} from "./utils/WitnessLayout.sol";

/// @title CallKindsTest
/// @notice Fraud-proof contracts call verifiers with STATICCALL, and a library-style caller may DELEGATECALL: the
/// hypervisor writes no state (no storage, no transient storage), so every sample witness (honest, and with a wrong
/// status) and every hostile witness gets the same verdict through CALL, STATICCALL and DELEGATECALL. The samples
/// include guests deep enough to spill stack items (once spilled with TSTORE: no verdict under STATICCALL).
contract CallKindsTest is HypervisorSetup {
    function test_samples_sameVerdictEveryCallKind() public {
        SampleFixture memory s = loadSamples();
        uint256 deep;
        for (uint256 i = 0; i < s.name.length; i++) {
            if (!selected(s.name[i])) continue;
            archiveSample(s, i);
            string memory lbl = string.concat('sample "', s.name[i], '"');
            checkSameVerdictEveryCallKind(lbl, s.witness[i]);
            checkSameVerdictEveryCallKind(
                string.concat(lbl, ", wrong status"), setWord(s.witness[i], L.W_STATUS, (s.status[i] + 1) % 3)
            );
            if (
                vmStr.indexOf(s.name[i], "1024") != type(uint256).max
                    || vmStr.indexOf(s.name[i], "spill") != type(uint256).max
            ) deep++;
        }
        assertGt(deep, 1, "the samples include deep-stack guests");
        assertNoFailures();
    }

    function test_hostile_sameVerdictEveryCallKind() public {
        HostileFixture memory h = loadHostile();
        archiveGuest(h.guestCode);
        for (uint256 i = 0; i < h.name.length; i++) {
            if (!selected(h.name[i])) continue;
            checkSameVerdictEveryCallKind(string.concat('hostile "', h.name[i], '"'), h.data[i]);
        }
        assertNoFailures();
    }

    /// A guest that spills, with memory before and after the spill, is valid through STATICCALL.
    function test_deepStack_validThroughStaticCall() public {
        SampleFixture memory s = loadSamples();
        bool found;
        for (uint256 i = 0; i < s.name.length; i++) {
            if (vmStr.indexOf(s.name[i], "kept across the first spill") == type(uint256).max) continue;
            found = true;
            archiveSample(s, i);
            Verdict memory v = verdictVia(CallKind.StaticCall, s.witness[i]);
            assertTrue(v.kind == Kind.Valid, describe(v));
        }
        assertTrue(found, "the spill sample is in samples.json");
    }
}
