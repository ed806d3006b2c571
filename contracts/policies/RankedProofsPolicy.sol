// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {PolicyRecord} from "./PolicyRecord.sol";
import {RankedProofs} from "./RankedProofs.sol";

/// @title RankedProofsPolicy
/// @notice Seed 002 (`docs/policies.md` section 3): up to `PROOFS_PER_NODE` proofs per node,
/// `MAX_ROOTS` competing roots per block, the root with the highest total effective score wins;
/// each included proof earns `provers / ((2L - 1) * P)`, missing proofs' shares are burned.
/// The rules live in {RankedProofs}; this contract holds the parameters. Stores nothing.
contract RankedProofsPolicy is IAssignmentPolicy {
    /// @inheritdoc IAssignmentPolicy
    uint256 public constant POLICY_ID = PolicyRecord.RANKED_PROOFS;

    /// @notice P: proofs a node takes, in `[1, 8]`.
    uint256 public immutable PROOFS_PER_NODE;
    /// @notice Competing roots per block, in `[1, 16]`.
    uint256 public immutable MAX_ROOTS;
    /// @notice FEE_BURN in basis points (`ProverRewards.proverBurnBps`), at most 10000.
    uint256 public immutable FEE_BURN_BPS;

    /// @param proofsPerNode P, in `[1, 8]`.
    /// @param maxRoots Competing roots per block, in `[1, 16]`.
    /// @param feeBurnBps FEE_BURN in basis points, at most 10000.
    constructor(uint256 proofsPerNode, uint256 maxRoots, uint256 feeBurnBps) {
        if (proofsPerNode == 0 || proofsPerNode > RankedProofs.MAX_PROOFS_PER_NODE) {
            revert InvalidPolicyParameter("proofsPerNode", proofsPerNode);
        }
        if (maxRoots == 0 || maxRoots > RankedProofs.MAX_ROOTS) {
            revert InvalidPolicyParameter("maxRoots", maxRoots);
        }
        if (feeBurnBps > RankedProofs.BPS) revert InvalidPolicyParameter("feeBurnBps", feeBurnBps);
        PROOFS_PER_NODE = proofsPerNode;
        MAX_ROOTS = maxRoots;
        FEE_BURN_BPS = feeBurnBps;
    }

    /// @inheritdoc IAssignmentPolicy
    /// @dev `MAX_ROOTS`, whatever the election's tree count.
    function treeCount(uint256, uint256 committeeSize) external view returns (uint256) {
        PolicyRecord.checkCommittee(committeeSize);
        return MAX_ROOTS;
    }

    /// @inheritdoc IAssignmentPolicy
    /// @dev Checks the length `P * (2L - 1)` and that the root has a proof; stores nothing.
    function acceptRoot(
        BlockContext calldata block_,
        uint256,
        bool,
        bytes calldata record
    ) external view {
        PolicyRecord.checkCommittee(block_.committeeSize);
        RankedProofs.checkRoot(record, block_.leafCount, PROOFS_PER_NODE);
    }

    /// @inheritdoc IAssignmentPolicy
    function settleBlock(
        BlockContext calldata block_,
        address[] calldata committee,
        bytes[] calldata records,
        uint256 provers
    ) external view returns (BlockCredit memory credit) {
        return RankedProofs.settle(_params(), block_, committee, records, provers);
    }

    /// @notice Member `member`'s score at `node` of a block with seed `seed`.
    /// @param seed The block seed.
    /// @param member The member's address.
    /// @param node The heap node.
    /// @return vrf The 64-bit VRF score.
    /// @return effective `vrf * (10000 + FEE_BURN_BPS) / 10000`.
    function nodeScore(
        bytes32 seed,
        address member,
        uint256 node
    ) external view returns (uint256 vrf, uint256 effective) {
        vrf = RankedProofs.vrfScore(seed, member, node);
        effective = RankedProofs.effectiveScore(vrf, FEE_BURN_BPS);
    }

    /// @notice A record's check and total effective score, as settlement ranks it.
    /// @param seed The block seed.
    /// @param committee The committee in rank order.
    /// @param leafCount Leaves L.
    /// @param record The record (`P * (2L - 1)` bytes, else `InvalidRecordLength`).
    /// @return total The total effective score of its proofs (0 if rejected).
    /// @return rejectedNode The first bad node (0 if valid).
    /// @return rejectedMember The byte found there.
    function recordScore(
        bytes32 seed,
        address[] calldata committee,
        uint256 leafCount,
        bytes calldata record
    ) external view returns (uint256 total, uint256 rejectedNode, uint256 rejectedMember) {
        PolicyRecord.checkCommittee(committee.length);
        RankedProofs.checkLeafCount(leafCount);
        PolicyRecord.checkLength(record, PROOFS_PER_NODE * (2 * leafCount - 1));
        (rejectedNode, rejectedMember) = RankedProofs.findInvalid(
            record,
            committee.length,
            PROOFS_PER_NODE
        );
        if (rejectedNode == 0) total = RankedProofs.recordScore(record, seed, committee, _params());
    }

    /// @notice The sum of the given proof scores: a root's total (seed 002's two-tree example).
    /// @param scores The included proofs' scores.
    /// @return The sum.
    function scoreSum(uint256[] calldata scores) external pure returns (uint256) {
        return RankedProofs.scoreSum(scores);
    }

    /// @notice The winning root among `totals`: the valid one with the highest total, the
    /// earliest on ties; `totals.length` if none is valid.
    /// @param totals Per root, its total score.
    /// @param valid Per root, whether it is valid (same length as `totals`).
    /// @return The winner's index.
    function rankedWinner(
        uint256[] calldata totals,
        bool[] calldata valid
    ) external pure returns (uint256) {
        return RankedProofs.rankedWinner(totals, valid);
    }

    /// @notice What one included proof earns: `provers / ((2L - 1) * PROOFS_PER_NODE)`.
    /// @param provers The committee's share of the block.
    /// @param leafCount Leaves L.
    /// @return The share per proof.
    function perProofShare(uint256 provers, uint256 leafCount) external view returns (uint256) {
        RankedProofs.checkLeafCount(leafCount);
        return RankedProofs.perProofShare(provers, leafCount, PROOFS_PER_NODE);
    }

    function _params() private view returns (RankedProofs.Params memory) {
        return RankedProofs.Params({proofsPerNode: PROOFS_PER_NODE, feeBurnBps: FEE_BURN_BPS});
    }
}
