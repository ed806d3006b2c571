// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {PolicyRecord} from "./PolicyRecord.sol";
import {VrfPath} from "./VrfPath.sol";

/// @title VrfPathPolicy
/// @notice Seed 001, option 1: a member is credited only on its VRF path (`docs/policies.md`
/// section 1; the rules are in {VrfPath}). One root proof per block; the record has `2L - 1`
/// bytes; each credited node pays `provers / (2L - 1)` to its member; NONE nodes and dust return
/// to the pool. Stateless: {acceptRoot} only checks.
contract VrfPathPolicy is IAssignmentPolicy {
    /// @notice The policy id, `PolicyRecord.VRF_PATH`.
    uint256 public constant POLICY_ID = PolicyRecord.VRF_PATH;
    /// @notice Domain separator of the path word, `keccak256("PROVERNET_V1_VRF_PATH")`.
    bytes32 public constant PATH_DOMAIN = VrfPath.PATH_DOMAIN;

    /// @inheritdoc IAssignmentPolicy
    function treeCount(uint256, uint256 committeeSize) external pure returns (uint256) {
        PolicyRecord.checkCommittee(committeeSize);
        return 1;
    }

    /// @inheritdoc IAssignmentPolicy
    /// @dev Checks the committee size, the leaf count, the record's length `2L - 1` and that the
    /// root byte is a committee index (every path passes through the root). Stores nothing.
    function acceptRoot(
        BlockContext calldata block_,
        uint256,
        bool,
        bytes calldata record
    ) external pure {
        uint256 m = block_.committeeSize;
        PolicyRecord.checkCommittee(m);
        VrfPath.checkedLeafDepth(block_.leafCount);
        PolicyRecord.checkLength(record, 2 * block_.leafCount - 1);
        uint256 b = uint8(record[0]);
        if (b >= m) revert IBlockLifecycle.UnassignedParticipant(1, b);
    }

    /// @inheritdoc IAssignmentPolicy
    /// @dev Computes each member's leaf once (m hashes), then checks every node of every record in
    /// O(1). Reverts with `InvalidRecordLength` on a record not of `2L - 1` bytes. The first valid
    /// record is paid; the others earn nothing.
    function settleBlock(
        BlockContext calldata block_,
        address[] calldata committee,
        bytes[] calldata records,
        uint256 provers
    ) external pure returns (BlockCredit memory credit) {
        uint256 m = committee.length;
        PolicyRecord.checkCommittee(m);
        uint256 depth = VrfPath.checkedLeafDepth(block_.leafCount);
        uint256 nodes = 2 * block_.leafCount - 1;
        uint256 count = records.length;
        credit.amounts = new uint256[](m);
        credit.rejectedNode = new uint256[](count);
        credit.rejectedMember = new uint256[](count);
        credit.toPool = provers;
        if (count == 0) return credit;

        uint256[] memory leaves = new uint256[](m);
        for (uint256 i = 0; i < m; ++i) {
            leaves[i] = VrfPath.leafFromBits(VrfPath.pathWord(block_.seed, committee[i]), depth);
        }
        uint256[] memory paidCounts = _checkRecords(leaves, depth, nodes, records, credit);
        if (credit.validRoots == 0) return credit;

        uint256 share = provers / nodes;
        uint256 paid;
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

    /// @notice The leaf member `member`'s path reaches in a block with seed `seed`.
    /// @param seed The block seed.
    /// @param member The member's address.
    /// @param leafCount The leaf count L (a power of two).
    /// @return The leaf index in `[0, L)`.
    function pathLeafOf(
        bytes32 seed,
        address member,
        uint256 leafCount
    ) external pure returns (uint256) {
        uint256 depth = VrfPath.checkedLeafDepth(leafCount);
        return VrfPath.leafFromBits(VrfPath.pathWord(seed, member), depth);
    }

    /// @notice Member `member`'s path word, `keccak256(abi.encode(PATH_DOMAIN, seed, member))`.
    /// @param seed The block seed.
    /// @param member The member's address.
    /// @return The path word.
    function pathWordOf(bytes32 seed, address member) external pure returns (uint256) {
        return VrfPath.pathWord(seed, member);
    }

    /// @notice The leaf reached by the leading `log2(leafCount)` bits of `word`.
    /// @param word A path word.
    /// @param leafCount The leaf count L (a power of two).
    /// @return The leaf index in `[0, L)`.
    function pathLeafFromBits(uint256 word, uint256 leafCount) external pure returns (uint256) {
        return VrfPath.leafFromBits(word, VrfPath.checkedLeafDepth(leafCount));
    }

    /// @notice Whether member `member`'s path passes through heap node `node`.
    /// @param seed The block seed.
    /// @param member The member's address.
    /// @param leafCount The leaf count L (a power of two).
    /// @param node The heap node, in `[1, 2L - 1]`.
    /// @return Whether the member may be credited for the node.
    function isOnPath(
        bytes32 seed,
        address member,
        uint256 leafCount,
        uint256 node
    ) external pure returns (bool) {
        uint256 depth = VrfPath.checkedLeafDepth(leafCount);
        if (node == 0 || node >= 2 * leafCount) {
            revert InvalidPolicyParameter("node", node);
        }
        uint256 d = PolicyRecord.depthOf(node);
        uint256 leaf = VrfPath.leafFromBits(VrfPath.pathWord(seed, member), depth);
        return VrfPath.passes(leaf, depth, d, node - (1 << d));
    }

    /// @dev Checks every record in acceptance order, filling `credit`'s rejections and
    /// `validRoots`; returns the node counts of the first valid record (empty if none).
    function _checkRecords(
        uint256[] memory leaves,
        uint256 depth,
        uint256 nodes,
        bytes[] calldata records,
        BlockCredit memory credit
    ) private pure returns (uint256[] memory paidCounts) {
        uint256 m = leaves.length;
        for (uint256 r = 0; r < records.length; ++r) {
            PolicyRecord.checkLength(records[r], nodes);
            bool counting = credit.validRoots == 0;
            // Per member (and NONE at index m): the nodes the record credits.
            uint256[] memory counts = counting ? new uint256[](m + 1) : new uint256[](0);
            (uint256 badNode, uint256 badByte) = _scan(leaves, depth, records[r], counts);
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
    /// byte (0, 0 if valid). Counts each byte into `counts` (NONE at index `leaves.length`) when
    /// `counts` is not empty.
    function _scan(
        uint256[] memory leaves,
        uint256 depth,
        bytes calldata record,
        uint256[] memory counts
    ) private pure returns (uint256, uint256) {
        bool counting = counts.length != 0;
        uint256 m = leaves.length;
        for (uint256 d = 0; d <= depth; ++d) {
            uint256 width = 1 << d;
            uint256 shift = depth - d;
            for (uint256 j = 0; j < width; ++j) {
                uint256 b;
                assembly ("memory-safe") {
                    b := byte(0, calldataload(add(record.offset, sub(add(width, j), 1))))
                }
                if (b == PolicyRecord.NONE) {
                    if (d == 0) return (1, b);
                    if (counting) ++counts[m];
                } else {
                    if (b >= m || leaves[b] >> shift != j) return (width + j, b);
                    if (counting) ++counts[b];
                }
            }
        }
        return (0, 0);
    }
}
