// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PolicyRecord} from "./PolicyRecord.sol";

/// @title SortedRounds
/// @notice The rules of the `sortedRounds` policy (seed 001, option 2; `docs/policies.md`
/// section 2). Arithmetic only.
/// @dev With round height `h` and leaves at depth `D`, there are `R = floor((D + 1) / h)` rounds.
/// Round `r` proves levels `D - r*h` down to `D - (r+1)*h + 1`: `N_r = 2^t` subtrees of height
/// `h`, `t = D + 1 - (r+1)*h` being the depth of their tops; node `(d, j)` is in subtree
/// `k = j >> (d - t)`. The round elects the first `s_r = min(2 * N_r, m)` committee ranks;
/// subtree `k` is proven by ranks `(2k) mod s_r` and `(2k + 1) mod s_r`. Levels `0 .. D - R*h`
/// are the sequencer's: PROPOSER, or any rank below `s_(R-1)` (a prover of the last round). NONE
/// is never allowed. The TypeScript mirror is `src/protocol/policies/sortedRounds.ts`;
/// `test/policySortedRounds.test.ts` proves both equal.
library SortedRounds {
    /// @notice Smallest round height.
    uint256 internal constant MIN_ROUND_HEIGHT = 1;
    /// @notice Largest round height (the depth of the largest tree, 2^16 leaves, is 16).
    uint256 internal constant MAX_ROUND_HEIGHT = 16;

    /// @notice The number of rounds `R = floor((D + 1) / h)`.
    /// @param depth The leaves' depth D.
    /// @param h The round height.
    /// @return The round count.
    function roundCount(uint256 depth, uint256 h) internal pure returns (uint256) {
        return (depth + 1) / h;
    }

    /// @notice The round of level `d`: `(D - d) / h`, or `R` if the level is the sequencer's.
    /// @param depth The leaves' depth D.
    /// @param h The round height.
    /// @param d The level (at most D).
    /// @return round The round (`R` for a sequencer level).
    /// @return sequencerLevel Whether the level is above the last round.
    function roundOf(
        uint256 depth,
        uint256 h,
        uint256 d
    ) internal pure returns (uint256 round, bool sequencerLevel) {
        uint256 rounds = roundCount(depth, h);
        if (d + rounds * h <= depth) return (rounds, true);
        return ((depth - d) / h, false);
    }

    /// @notice The depth `t = D + 1 - (r+1)*h` of round `r`'s subtree tops (`r < R`).
    /// @param depth The leaves' depth D.
    /// @param h The round height.
    /// @param r The round.
    /// @return The depth of the tops.
    function topDepth(uint256 depth, uint256 h, uint256 r) internal pure returns (uint256) {
        return depth + 1 - (r + 1) * h;
    }

    /// @notice The ranks round `r` elects: `s_r = min(2 * N_r, m)`, `N_r = 2^t`.
    /// @param depth The leaves' depth D.
    /// @param h The round height.
    /// @param m The committee size.
    /// @param r The round (below R).
    /// @return The number of ranks.
    function roundSize(
        uint256 depth,
        uint256 h,
        uint256 m,
        uint256 r
    ) internal pure returns (uint256) {
        uint256 twice = 2 << topDepth(depth, h, r);
        return twice < m ? twice : m;
    }

    /// @notice The ranks a prover of the last round has: `s_(R-1)`, or 0 if there are no rounds.
    /// @param depth The leaves' depth D.
    /// @param h The round height.
    /// @param m The committee size.
    /// @return The number of ranks.
    function lastRoundSize(uint256 depth, uint256 h, uint256 m) internal pure returns (uint256) {
        uint256 rounds = roundCount(depth, h);
        return rounds == 0 ? 0 : roundSize(depth, h, m, rounds - 1);
    }

    /// @notice The ranks that prove some subtree first: rank `(2k) mod s_r` of each subtree `k`
    /// of each round `r`, as a bitmap. The second rank of a pair is a backup, which starts only
    /// when the first fails (so an honest backup may do nothing), and ranks from `max_r s_r` on
    /// are elected but never get work: inactivity counts neither. Sequencer levels add nobody:
    /// their first holder is a last-round first rank.
    /// @param depth The leaves' depth D.
    /// @param h The round height.
    /// @param m The committee size.
    /// @return ranks The bitmap of first ranks.
    function firstRanks(uint256 depth, uint256 h, uint256 m) internal pure returns (uint256 ranks) {
        uint256 rounds = roundCount(depth, h);
        for (uint256 r = 0; r < rounds; ++r) {
            uint256 s = roundSize(depth, h, m, r);
            uint256 subtrees = uint256(1) << topDepth(depth, h, r);
            // (2k) mod s repeats with period at most s.
            uint256 distinct = subtrees < s ? subtrees : s;
            for (uint256 k = 0; k < distinct; ++k) ranks |= uint256(1) << ((2 * k) % s);
        }
    }

    /// @notice Whether record byte `b` may stand at node `(d, j)`.
    /// @param depth The leaves' depth D.
    /// @param h The round height.
    /// @param m The committee size.
    /// @param d The node's depth.
    /// @param j The node's index within its level.
    /// @param b The record byte.
    /// @return Whether the byte is allowed.
    function allowed(
        uint256 depth,
        uint256 h,
        uint256 m,
        uint256 d,
        uint256 j,
        uint256 b
    ) internal pure returns (bool) {
        (uint256 r, bool sequencerLevel) = roundOf(depth, h, d);
        if (sequencerLevel) {
            return b == PolicyRecord.PROPOSER || b < lastRoundSize(depth, h, m);
        }
        uint256 s = roundSize(depth, h, m, r);
        if (s == 0) return false;
        uint256 k = j >> (d - topDepth(depth, h, r));
        return b == (2 * k) % s || b == (2 * k + 1) % s;
    }
}
