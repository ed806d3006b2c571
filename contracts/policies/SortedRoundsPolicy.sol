// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {PolicyRecord} from "./PolicyRecord.sol";
import {SortedRounds} from "./SortedRounds.sol";
import {VrfPath} from "./VrfPath.sol";

/// @title SortedRoundsPolicy
/// @notice Seed 001, option 2: rounds of height-`h` subtrees, each proven by two of the lowest
/// VRF ranks, the sequencer finishing the levels above the last round (`docs/policies.md`
/// section 2; the rules are in {SortedRounds}). One root proof per block; the record has `2L - 1`
/// bytes; each node pays `provers / (2L - 1)` to its member or, for PROPOSER, to the proposer;
/// dust returns to the pool. NONE is never accepted. Stateless: {acceptRoot} only checks.
contract SortedRoundsPolicy is IAssignmentPolicy {
    /// @notice The policy id, `PolicyRecord.SORTED_ROUNDS`.
    uint256 public constant POLICY_ID = PolicyRecord.SORTED_ROUNDS;
    /// @notice The round height h (levels per round).
    uint256 public immutable roundHeight;

    /// @dev The per-level constants of a scan.
    struct Level {
        bool sequencerLevel;
        uint256 shift;
        uint256 size;
    }

    /// @param roundHeight_ The round height h, in `[1, 16]`.
    constructor(uint256 roundHeight_) {
        if (
            roundHeight_ < SortedRounds.MIN_ROUND_HEIGHT ||
            roundHeight_ > SortedRounds.MAX_ROUND_HEIGHT
        ) {
            revert InvalidPolicyParameter("roundHeight", roundHeight_);
        }
        roundHeight = roundHeight_;
    }

    /// @inheritdoc IAssignmentPolicy
    function treeCount(uint256, uint256 committeeSize) external pure returns (uint256) {
        PolicyRecord.checkCommittee(committeeSize);
        return 1;
    }

    /// @inheritdoc IAssignmentPolicy
    /// @dev Checks the committee size, the leaf count, the record's length `2L - 1` and the root
    /// byte (PROPOSER or a last-round prover at a sequencer level; a round prover if the last
    /// round reaches the root; only PROPOSER if there are no rounds). Stores nothing.
    function acceptRoot(
        BlockContext calldata block_,
        uint256,
        bool,
        bytes calldata record
    ) external view {
        uint256 m = block_.committeeSize;
        PolicyRecord.checkCommittee(m);
        uint256 depth = VrfPath.checkedLeafDepth(block_.leafCount);
        PolicyRecord.checkLength(record, 2 * block_.leafCount - 1);
        uint256 b = uint8(record[0]);
        if (!SortedRounds.allowed(depth, roundHeight, m, 0, 0, b)) {
            revert IBlockLifecycle.UnassignedParticipant(1, b);
        }
    }

    /// @inheritdoc IAssignmentPolicy
    /// @dev Arithmetic only: per level the round's constants, per node two remainders. Reverts
    /// with `InvalidRecordLength` on a record not of `2L - 1` bytes. The first valid record is
    /// paid; the others earn nothing.
    function settleBlock(
        BlockContext calldata block_,
        address[] calldata committee,
        bytes[] calldata records,
        uint256 provers
    ) external view returns (BlockCredit memory credit) {
        uint256 m = committee.length;
        PolicyRecord.checkCommittee(m);
        uint256 depth = VrfPath.checkedLeafDepth(block_.leafCount);
        uint256 nodes = 2 * block_.leafCount - 1;
        uint256 count = records.length;
        credit.amounts = new uint256[](m);
        credit.rejectedNode = new uint256[](count);
        credit.rejectedMember = new uint256[](count);
        credit.toPool = provers;

        uint256[] memory paidCounts = _checkRecords(m, depth, nodes, records, credit);
        if (credit.validRoots == 0) return credit;

        uint256 share = provers / nodes;
        uint256 paid = paidCounts[m] * share;
        credit.proposer = paid;
        for (uint256 i = 0; i < m; ++i) {
            uint256 n = paidCounts[i];
            if (n == 0) continue;
            uint256 amount = n * share;
            credit.amounts[i] = amount;
            credit.credited |= 1 << i;
            paid += amount;
        }
        credit.toPool = provers - paid;
    }

    /// @notice The number of rounds `floor((D + 1) / h)` of a tree with `leafCount` leaves.
    /// @param leafCount The leaf count L (a power of two).
    /// @return The round count.
    function roundCount(uint256 leafCount) external view returns (uint256) {
        return SortedRounds.roundCount(VrfPath.checkedLeafDepth(leafCount), roundHeight);
    }

    /// @notice The round of heap node `node`, or the round count if it is a sequencer level.
    /// @param leafCount The leaf count L (a power of two).
    /// @param node The heap node, in `[1, 2L - 1]`.
    /// @return round The round.
    /// @return sequencerLevel Whether the node is above the last round.
    function roundOf(
        uint256 leafCount,
        uint256 node
    ) external view returns (uint256 round, bool sequencerLevel) {
        uint256 depth = VrfPath.checkedLeafDepth(leafCount);
        _checkNode(leafCount, node);
        return SortedRounds.roundOf(depth, roundHeight, PolicyRecord.depthOf(node));
    }

    /// @notice Round `r`'s subtree count `N_r` and elected ranks `s_r = min(2 * N_r, m)`.
    /// @param m The committee size.
    /// @param leafCount The leaf count L (a power of two).
    /// @param r The round, below the round count.
    /// @return subtrees `N_r`.
    /// @return size `s_r`.
    function roundShape(
        uint256 m,
        uint256 leafCount,
        uint256 r
    ) external view returns (uint256 subtrees, uint256 size) {
        PolicyRecord.checkCommittee(m);
        uint256 depth = VrfPath.checkedLeafDepth(leafCount);
        if (r >= SortedRounds.roundCount(depth, roundHeight)) {
            revert InvalidPolicyParameter("round", r);
        }
        subtrees = 1 << SortedRounds.topDepth(depth, roundHeight, r);
        size = SortedRounds.roundSize(depth, roundHeight, m, r);
    }

    /// @notice The two ranks that prove heap node `node`; at a sequencer level `(0, 0, true)`
    /// (PROPOSER or any rank below the last round's size is accepted there).
    /// @param m The committee size, in `[1, 254]`.
    /// @param leafCount The leaf count L (a power of two).
    /// @param node The heap node, in `[1, 2L - 1]`.
    /// @return first Rank `(2k) mod s_r`.
    /// @return second Rank `(2k + 1) mod s_r`.
    /// @return sequencerLevel Whether the node is above the last round.
    function roundProvers(
        uint256 m,
        uint256 leafCount,
        uint256 node
    ) external view returns (uint256 first, uint256 second, bool sequencerLevel) {
        PolicyRecord.checkCommittee(m);
        if (m == 0) revert InvalidPolicyParameter("committeeSize", m);
        uint256 depth = VrfPath.checkedLeafDepth(leafCount);
        _checkNode(leafCount, node);
        uint256 d = PolicyRecord.depthOf(node);
        uint256 r;
        (r, sequencerLevel) = SortedRounds.roundOf(depth, roundHeight, d);
        if (sequencerLevel) return (0, 0, true);
        uint256 s = SortedRounds.roundSize(depth, roundHeight, m, r);
        uint256 k = (node - (1 << d)) >> (d - SortedRounds.topDepth(depth, roundHeight, r));
        return ((2 * k) % s, (2 * k + 1) % s, false);
    }

    /// @notice Whether record byte `b` may stand at heap node `node`.
    /// @param m The committee size.
    /// @param leafCount The leaf count L (a power of two).
    /// @param node The heap node, in `[1, 2L - 1]`.
    /// @param b The record byte.
    /// @return Whether the byte is allowed.
    function isAllowed(
        uint256 m,
        uint256 leafCount,
        uint256 node,
        uint256 b
    ) external view returns (bool) {
        PolicyRecord.checkCommittee(m);
        uint256 depth = VrfPath.checkedLeafDepth(leafCount);
        _checkNode(leafCount, node);
        uint256 d = PolicyRecord.depthOf(node);
        return SortedRounds.allowed(depth, roundHeight, m, d, node - (1 << d), b);
    }

    /// @dev Reverts unless `node` is in `[1, 2L - 1]`.
    function _checkNode(uint256 leafCount, uint256 node) private pure {
        if (node == 0 || node >= 2 * leafCount) revert InvalidPolicyParameter("node", node);
    }

    /// @dev The constants of level `d`.
    function _level(uint256 m, uint256 depth, uint256 d) private view returns (Level memory lv) {
        uint256 h = roundHeight;
        (uint256 r, bool sequencerLevel) = SortedRounds.roundOf(depth, h, d);
        lv.sequencerLevel = sequencerLevel;
        if (sequencerLevel) {
            lv.size = SortedRounds.lastRoundSize(depth, h, m);
        } else {
            lv.shift = d - SortedRounds.topDepth(depth, h, r);
            lv.size = SortedRounds.roundSize(depth, h, m, r);
        }
    }

    /// @dev Checks every record in acceptance order, filling `credit`'s rejections and
    /// `validRoots`; returns the node counts of the first valid record (empty if none).
    function _checkRecords(
        uint256 m,
        uint256 depth,
        uint256 nodes,
        bytes[] calldata records,
        BlockCredit memory credit
    ) private view returns (uint256[] memory paidCounts) {
        for (uint256 r = 0; r < records.length; ++r) {
            PolicyRecord.checkLength(records[r], nodes);
            bool counting = credit.validRoots == 0;
            // Per member (and PROPOSER at index m): the nodes the record credits.
            uint256[] memory counts = counting ? new uint256[](m + 1) : new uint256[](0);
            (uint256 badNode, uint256 badByte) = _scan(m, depth, records[r], counts);
            if (badNode != 0) {
                credit.rejectedNode[r] = badNode;
                credit.rejectedMember[r] = badByte;
                continue;
            }
            if (counting) paidCounts = counts;
            ++credit.validRoots;
        }
    }

    /// @dev Checks every node of `record` level by level; returns the first invalid node and its
    /// byte (0, 0 if valid). Counts each byte into `counts` (PROPOSER at index `m`) when `counts`
    /// is not empty.
    function _scan(
        uint256 m,
        uint256 depth,
        bytes calldata record,
        uint256[] memory counts
    ) private view returns (uint256, uint256) {
        bool counting = counts.length != 0;
        for (uint256 d = 0; d <= depth; ++d) {
            Level memory lv = _level(m, depth, d);
            uint256 width = 1 << d;
            for (uint256 j = 0; j < width; ++j) {
                uint256 b;
                assembly ("memory-safe") {
                    b := byte(0, calldataload(add(record.offset, sub(add(width, j), 1))))
                }
                bool ok;
                if (lv.sequencerLevel) {
                    ok = b == PolicyRecord.PROPOSER || b < lv.size;
                } else if (lv.size != 0) {
                    uint256 k2 = (j >> lv.shift) << 1;
                    ok = b == k2 % lv.size || b == (k2 + 1) % lv.size;
                }
                if (!ok) return (width + j, b);
                if (counting) ++counts[b == PolicyRecord.PROPOSER ? m : b];
            }
        }
        return (0, 0);
    }
}
