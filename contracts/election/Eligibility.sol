// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Eligibility
/// @notice The stake-weighted eligibility rule of the committee election and the rank that orders
/// the committee. Mirrored by `vrfScore` and `rankOf` in `src/protocol/election.ts`.
///
/// Eligibility. Operator i with VRF output `y` (a uint256) is eligible for an epoch iff
/// `y < 2^256 * min(1, alpha * n * stake_i / totalStake)`, with `n` the target committee size,
/// `alpha = oversamplingBps / 10000 >= 1` the oversampling factor, and both stakes read from the
/// epoch's snapshot. It is decided exactly, in 512-bit arithmetic, in O(1).
///
/// Score. An eligible operator's output is uniform below ITS threshold, and the threshold grows
/// with stake. Keeping the n lowest RAW outputs would therefore favour small stakers and undo
/// the stake weighting (`test/electionStatistics.test.ts` measures this). The committee instead
/// keeps the n lowest SCORES, the output divided by the operator's threshold, as a 96-bit fraction:
/// `score = floor(y * 2^96 / threshold)`, uniform in [0, 2^96) for every eligible operator
/// whatever its stake. So selection stays proportional to eligibility, which is proportional to
/// stake (up to the cap at 1). An operator is eligible iff its score is below 2^96.
///
/// Rank. `rank = score << 160 | operator`: one word, ordered by score, ties (probability about
/// 2^-96 per pair; outputs cannot be chosen) broken by address. The committee is ordered by rank.
library Eligibility {
    /// @notice Basis points: `oversamplingBps = 10000` is alpha = 1.
    uint256 internal constant BPS = 10_000;
    /// @notice Bits of the score; a score is eligible iff it is below `2^SCORE_BITS`.
    uint256 internal constant SCORE_BITS = 96;

    /// @notice The stake-normalized VRF score of an output.
    /// @dev PRECONDITIONS (enforced where the parameters are set): `committeeSize <= 2^16`,
    ///      `oversamplingBps <= 2^32`, stakes below 2^208 (the stake table's checkpoint width), so
    ///      `oversamplingBps * committeeSize * stake` and `BPS * totalStake` fit in 256 bits.
    /// @param output The VRF output, keccak256 of the VRF proof.
    /// @param stake The operator's stake in the epoch's snapshot.
    /// @param totalStake The total stake in the epoch's snapshot.
    /// @param committeeSize The target committee size n.
    /// @param oversamplingBps The oversampling factor alpha in basis points.
    /// @return eligible Whether the output is below the operator's threshold.
    /// @return score The score (meaningful only when eligible).
    function scoreOf(
        uint256 output,
        uint256 stake,
        uint256 totalStake,
        uint256 committeeSize,
        uint256 oversamplingBps
    ) internal pure returns (bool eligible, uint256 score) {
        if (stake == 0 || totalStake == 0) return (false, 0);
        // threshold = 2^256 * num / den
        uint256 num = oversamplingBps * committeeSize * stake;
        uint256 den = BPS * totalStake;
        // Capped at 1: every output is eligible and the threshold is 2^256.
        if (num >= den) return (true, output >> (256 - SCORE_BITS));
        // y < 2^256 * num / den  <=>  y * den < num * 2^256  <=>  high word of y * den < num.
        (uint256 high, ) = Math.mul512(output, den);
        if (high >= num) return (false, 0);
        // y * den / num < 2^256 here, so mulDiv cannot overflow.
        return (true, Math.mulDiv(output, den, num) >> (256 - SCORE_BITS));
    }

    /// @notice The committee rank of an eligible score: `score << 160 | operator`.
    /// @param score A score below 2^96.
    /// @param operator The operator.
    /// @return The rank.
    function rankOf(uint256 score, address operator) internal pure returns (uint256) {
        return (score << 160) | uint256(uint160(operator));
    }
}
