// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ParticipationRecord} from "../lifecycle/ParticipationRecord.sol";
import {ProposalScore} from "../lifecycle/ProposalScore.sol";
import {TimeoutCertificate} from "../lifecycle/TimeoutCertificate.sol";

/// @title ParticipationRecordHarness
/// @notice Test-only: exposes {ParticipationRecord.check} as an external function for the
/// differential tests (`test/lifecycleModel.test.ts`), and, so that the shared vectors
/// (`test/vectors/lifecycle.json`) can be checked for any seed, the pure proposal-score and
/// leader rules that {BlockLifecycle} otherwise only applies to the chain's own seeds.
contract ParticipationRecordHarness {
    /// @notice See {ParticipationRecord.check}: returns iff `record` is a valid participation
    /// record of tree `tree`, and reverts with the library's error otherwise.
    /// @param record The record (`2 * leafCount - 1` bytes).
    /// @param m Committee size.
    /// @param c Tree count of the block, at most `m`.
    /// @param leafCount Leaves L per tree.
    /// @param seed The block seed.
    /// @param tree The proof's tree, below `c`.
    function check(
        bytes calldata record,
        uint256 m,
        uint256 c,
        uint256 leafCount,
        bytes32 seed,
        uint256 tree
    ) external pure {
        ParticipationRecord.check(record, m, c, leafCount, seed, tree);
    }

    /// @notice See {ParticipationRecord.expectedProvers}, with the levels drawn here.
    /// @param record A valid record of tree `tree`.
    /// @param m Committee size.
    /// @param c Tree count of the block, at most `m`.
    /// @param leafCount Leaves L per tree.
    /// @param seed The block seed.
    /// @param tree The record's tree.
    /// @return The bitmap of members expected to work.
    function expectedProvers(
        bytes calldata record,
        uint256 m,
        uint256 c,
        uint256 leafCount,
        bytes32 seed,
        uint256 tree
    ) external pure returns (uint256) {
        return
            ParticipationRecord.expectedProvers(
                record,
                ParticipationRecord.levelPermutations(m, seed, leafCount, true),
                c,
                tree
            );
    }

    /// @notice See {ProposalScore.scoreOf}.
    /// @param epochSeed The seed of the slot's epoch.
    /// @param slot The slot.
    /// @param publicKeyHash keccak256 of the proposer's key.
    /// @param feeSplitBps The fee split in basis points.
    /// @return The score.
    function scoreOf(
        bytes32 epochSeed,
        uint256 slot,
        bytes32 publicKeyHash,
        uint256 feeSplitBps
    ) external pure returns (uint256) {
        return ProposalScore.scoreOf(epochSeed, slot, publicKeyHash, feeSplitBps);
    }

    /// @notice See {TimeoutCertificate.leaderIndex}.
    /// @param blockSeed The block seed.
    /// @param round The round.
    /// @param m Committee size, nonzero.
    /// @return The leader's committee index.
    function leaderIndex(
        bytes32 blockSeed,
        uint256 round,
        uint256 m
    ) external pure returns (uint256) {
        return TimeoutCertificate.leaderIndex(blockSeed, round, m);
    }
}
