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

        // Only a pair's first rank starts at once; backups and ranks no round elects never count
        // as inactive.
        credit.assigned = SortedRounds.firstRanks(depth, roundHeight, m);
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
            // Per member (and PROPOSER at index m): the nodes the record credits (kept for the
            // first valid record only).
            uint256[] memory counts = new uint256[](m + 1);
            uint256 badNode = _scan(m, depth, _offsetOf(records[r]), counts);
            if (badNode != 0) {
                credit.rejectedNode[r] = badNode;
                credit.rejectedMember[r] = uint8(records[r][badNode - 1]);
                continue;
            }
            if (counting) paidCounts = counts;
            ++credit.validRoots;
            // Every valid record is activity for whom it credits; the first one is paid.
            for (uint256 i = 0; i < m; ++i) if (counts[i] != 0) credit.credited |= 1 << i;
        }
    }

    /// @dev The calldata offset of `data`'s first byte.
    function _offsetOf(bytes calldata data) private pure returns (uint256 offset) {
        assembly ("memory-safe") {
            offset := data.offset
        }
    }

    /// @dev Checks every node of `record` level by level; returns the first invalid node (0 if
    /// valid); `offset` is the record's calldata offset. Counts each node into `counts` (m + 1
    /// words; PROPOSER at index m).
    function _scan(
        uint256 m,
        uint256 depth,
        uint256 offset,
        uint256[] memory counts
    ) private view returns (uint256) {
        for (uint256 d = 0; d <= depth; ++d) {
            Level memory lv = _level(m, depth, d);
            uint256 width = 1 << d;
            uint256 bad = _scanLevel(m, counts, offset + width - 1, width, lv);
            if (bad != 0) return width + bad - 1;
        }
        return 0;
    }

    /// @dev One level of {_scan}: the `width` bytes at calldata offset `start`. Returns `j + 1` of
    /// the first invalid node (0 if none). Every byte counted is below `m` or PROPOSER (counted
    /// at index `m`), so every write to `counts` (m + 1 words) is in bounds.
    function _scanLevel(
        uint256 m,
        uint256[] memory counts,
        uint256 start,
        uint256 width,
        Level memory lv
    ) private pure returns (uint256) {
        return
            lv.sequencerLevel
                ? _scanSequencerLevel(m, counts, start, width, lv.size)
                : _scanRoundLevel(counts, start, width, lv.shift, lv.size);
    }

    /// @dev A round level: node `j` allows ranks `(2k) mod size` and `(2k + 1) mod size`,
    /// `k = j >> shift` (nobody if `size` is 0), walked subtree by subtree.
    function _scanRoundLevel(
        uint256[] memory counts,
        uint256 start,
        uint256 width,
        uint256 shift,
        uint256 size
    ) private pure returns (uint256 bad) {
        assembly ("memory-safe") {
            let countsData := add(counts, 0x20)
            // 2^shift consecutive nodes share the pair (2k, 2k + 1) mod size.
            let span := shl(shift, 1)
            let j := 0
            for {
                let k := 0
            } and(lt(j, width), iszero(bad)) {
                k := add(k, 1)
            } {
                // With size 0 (no committee) nothing is allowed: first = second = 256.
                let first := 0x100
                let second := 0x100
                if size {
                    first := mod(shl(1, k), size)
                    second := mod(add(shl(1, k), 1), size)
                }
                for {
                    let end := add(j, span)
                } lt(j, end) {
                    j := add(j, 1)
                } {
                    let b := byte(0, calldataload(add(start, j)))
                    if iszero(or(eq(b, first), eq(b, second))) {
                        bad := add(j, 1)
                        break
                    }
                    let slot := add(countsData, shl(5, b))
                    mstore(slot, add(mload(slot), 1))
                }
            }
        }
    }

    /// @dev A sequencer level: PROPOSER (counted at index `m`) or a rank below `size`.
    function _scanSequencerLevel(
        uint256 m,
        uint256[] memory counts,
        uint256 start,
        uint256 width,
        uint256 size
    ) private pure returns (uint256 bad) {
        assembly ("memory-safe") {
            let countsData := add(counts, 0x20)
            for {
                let j := 0
            } lt(j, width) {
                j := add(j, 1)
            } {
                let b := byte(0, calldataload(add(start, j)))
                if iszero(or(eq(b, 0xfe), lt(b, size))) {
                    bad := add(j, 1)
                    break
                }
                let index := b
                if eq(b, 0xfe) {
                    index := m
                }
                let slot := add(countsData, shl(5, index))
                mstore(slot, add(mload(slot), 1))
            }
        }
    }
}
