// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ProposalScore
/// @notice The score of a sequencer's proposal: seed 001's public VRF, optionally boosted by seed
/// 002's fee split. The TypeScript mirror is `proposalScore` in `src/protocol/lifecycle.ts`.
/// @dev `score = (keccak256(abi.encode(PROPOSAL_SCORE_DOMAIN, epochSeed, slot, publicKeyHash))
/// >> 144) * (10000 + feeSplitBps)`. The hash is public: anyone can rank every staked key for a
/// slot as soon as the epoch's seed is final, so nobody can hide a winning score, and no pairing
/// is spent. The top 112 bits times at most 20000 stay below 2^127. With fee-split scoring off
/// the fee split is zero and the factor is a constant, so the ranking is the hash's.
library ProposalScore {
    /// @notice Domain tag of the proposal score hash.
    bytes32 internal constant PROPOSAL_SCORE_DOMAIN = keccak256("PROVERNET_V1_PROPOSAL_SCORE");
    /// @notice 100% in basis points.
    uint256 internal constant BPS = 10_000;

    /// @notice The score of the key with hash `publicKeyHash` for `slot`.
    /// @param epochSeed The seed of the slot's epoch.
    /// @param slot The slot.
    /// @param publicKeyHash keccak256 of the proposer's registered key.
    /// @param feeSplitBps The proposal's FEE_SPLIT in basis points, at most 10000.
    /// @return The score; higher wins.
    function scoreOf(
        bytes32 epochSeed,
        uint256 slot,
        bytes32 publicKeyHash,
        uint256 feeSplitBps
    ) internal pure returns (uint256) {
        uint256 h = uint256(
            keccak256(abi.encode(PROPOSAL_SCORE_DOMAIN, epochSeed, slot, publicKeyHash))
        );
        return (h >> 144) * (BPS + feeSplitBps);
    }
}
