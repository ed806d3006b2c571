// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title RewardSplit
/// @notice How a finalized block's reward and fees are divided: the proposer's, the finalizing
/// submitter's and the committee's shares (seed 001), the optional FEE_SPLIT and FEE_BURN of seed
/// 002, and the committee's share per tree and per chunk. Every division rounds down and says
/// where the remainder goes, so nothing is lost. The TypeScript mirror is `blockShares` /
/// `treeShares` in `src/protocol/rewards.ts`.
library RewardSplit {
    /// @notice 100% in basis points.
    uint256 internal constant BPS = 10_000;

    /// @notice The shares of a block's `total` (reward plus fees).
    /// @dev `submitter = total * submitterBps / BPS`. The committee gets `total * proverBps / BPS`,
    /// or with FEE_SPLIT on `(total - submitter) * feeSplitBps / BPS` (seed 002: the proposal's
    /// FEE_SPLIT is the part of the block's value the sequencer forwards to the proving network).
    /// The sequencer gets the rest, including every rounding remainder. FEE_BURN then burns
    /// `proverBurnBps` of the committee's part.
    /// @param total The block reward plus the block's fees.
    /// @param feeSplitBps The proposal's FEE_SPLIT (used only if `feeSplit`).
    /// @param feeSplit Whether FEE_SPLIT is on.
    /// @param proverBps B_provers when FEE_SPLIT is off.
    /// @param submitterBps B_submitter.
    /// @param proverBurnBps FEE_BURN.
    /// @return sequencer The proposer's share.
    /// @return submitter The finalizing submitter's share.
    /// @return provers The committee's share after the burn.
    /// @return burned The burned part of the committee's share.
    function blockShares(
        uint256 total,
        uint256 feeSplitBps,
        bool feeSplit,
        uint256 proverBps,
        uint256 submitterBps,
        uint256 proverBurnBps
    )
        internal
        pure
        returns (uint256 sequencer, uint256 submitter, uint256 provers, uint256 burned)
    {
        submitter = (total * submitterBps) / BPS;
        provers = feeSplit ? ((total - submitter) * feeSplitBps) / BPS : (total * proverBps) / BPS;
        sequencer = total - submitter - provers;
        burned = (provers * proverBurnBps) / BPS;
        provers -= burned;
    }

    /// @notice The committee's share per tree and per chunk: each of the `treeCount` trees is
    /// worth `provers / treeCount`, and each of a tree's `2L - 1` nodes (chunks) a `1 / (2L - 1)`
    /// of that. A chunk counted in two trees' roots is paid twice. Seed 002's example is the same
    /// rule: 800 / (31 * 3) per included proof.
    /// @param provers The committee's share of the block.
    /// @param treeCount The block's tree count `c`.
    /// @param leafCount The block's leaves per tree `L`.
    /// @return treeShare `provers / treeCount`, rounded down.
    /// @return nodeShare `treeShare / (2L - 1)`, rounded down.
    function treeShares(
        uint256 provers,
        uint256 treeCount,
        uint256 leafCount
    ) internal pure returns (uint256 treeShare, uint256 nodeShare) {
        treeShare = provers / treeCount;
        nodeShare = treeShare / (2 * leafCount - 1);
    }
}
