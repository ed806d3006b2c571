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
        credit.assigned = _firstOnLeaf(leaves, block_.leafCount);
        _checkRecords(leaves, depth, nodes, records, credit);
        if (credit.validRoots == 0) return credit;
        uint256[] memory paidCounts = _fillCounts(records, credit.rejectedNode, m);

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

    /// @dev Per member: the nodes it is paid for. Every valid record counts, in acceptance
    /// order: a node pays one share, to the earliest valid record that credits someone there.
    /// So a first record that leaves nodes NONE (a root member crediting only itself) does not
    /// take their pay from the members a later valid record credits there.
    function _fillCounts(
        bytes[] calldata records,
        uint256[] memory rejectedNode,
        uint256 m
    ) private pure returns (uint256[] memory counts) {
        counts = new uint256[](m);
        uint256 nodes = records[0].length;
        uint256[] memory filled = new uint256[]((nodes >> 8) + 1);
        for (uint256 r = 0; r < records.length; ++r) {
            if (rejectedNode[r] != 0) continue;
            bytes calldata record = records[r];
            for (uint256 n = 0; n < nodes; ++n) {
                uint256 b = uint8(record[n]);
                if (b == PolicyRecord.NONE) continue;
                uint256 bit = uint256(1) << (n & 255);
                if (filled[n >> 8] & bit != 0) continue;
                filled[n >> 8] |= bit;
                ++counts[b];
            }
        }
    }

    /// @dev The members that hold some node first (holders go in committee order): those whose
    /// leaf no lower index shares. A member sharing its leaf with a lower index shares every
    /// node of its path with it, so it is only ever a backup and inactivity does not count it.
    function _firstOnLeaf(
        uint256[] memory leaves,
        uint256 leafCount
    ) private pure returns (uint256 assigned) {
        uint256[] memory seen = new uint256[]((leafCount + 255) / 256);
        for (uint256 i = 0; i < leaves.length; ++i) {
            uint256 leaf = leaves[i];
            uint256 bit = uint256(1) << (leaf & 255);
            if (seen[leaf >> 8] & bit != 0) continue;
            seen[leaf >> 8] |= bit;
            assigned |= uint256(1) << i;
        }
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

    /// @dev Checks every record in acceptance order, filling `credit`'s rejections,
    /// `validRoots` and the activity of every valid record.
    function _checkRecords(
        uint256[] memory leaves,
        uint256 depth,
        uint256 nodes,
        bytes[] calldata records,
        BlockCredit memory credit
    ) private pure {
        uint256 m = leaves.length;
        for (uint256 r = 0; r < records.length; ++r) {
            PolicyRecord.checkLength(records[r], nodes);
            // Per member (and NONE at index m): the nodes the record credits.
            uint256[] memory counts = new uint256[](m + 1);
            uint256 badNode = _scan(leaves, depth, _offsetOf(records[r]), counts);
            if (badNode != 0) {
                credit.rejectedNode[r] = badNode;
                credit.rejectedMember[r] = uint8(records[r][badNode - 1]);
                continue;
            }
            ++credit.validRoots;
            // Every valid record is activity for whom it credits.
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
    /// words; NONE at index m).
    function _scan(
        uint256[] memory leaves,
        uint256 depth,
        uint256 offset,
        uint256[] memory counts
    ) private pure returns (uint256) {
        uint256 rootByte;
        assembly ("memory-safe") {
            rootByte := byte(0, calldataload(offset))
        }
        if (rootByte == PolicyRecord.NONE) return 1;
        for (uint256 d = 0; d <= depth; ++d) {
            uint256 width = 1 << d;
            uint256 bad = _scanLevel(leaves, counts, offset + width - 1, width, depth - d);
            if (bad != 0) return width + bad - 1;
        }
        return 0;
    }

    /// @dev One level of {_scan}: the `width` bytes at calldata offset `start`, node `j` allowed
    /// if NONE or a member whose leaf `>> shift` is `j`. Returns `j + 1` of the first invalid
    /// node (0 if none). `counts` has `leaves.length + 1` words, so every write is in bounds.
    function _scanLevel(
        uint256[] memory leaves,
        uint256[] memory counts,
        uint256 start,
        uint256 width,
        uint256 shift
    ) private pure returns (uint256 bad) {
        assembly ("memory-safe") {
            let m := mload(leaves)
            let leavesData := add(leaves, 0x20)
            let countsData := add(counts, 0x20)
            let noneSlot := add(countsData, shl(5, m))
            for {
                let j := 0
            } lt(j, width) {
                j := add(j, 1)
            } {
                let b := byte(0, calldataload(add(start, j)))
                let slot := noneSlot
                if iszero(eq(b, 0xff)) {
                    if iszero(lt(b, m)) {
                        bad := add(j, 1)
                        break
                    }
                    if iszero(eq(shr(shift, mload(add(leavesData, shl(5, b)))), j)) {
                        bad := add(j, 1)
                        break
                    }
                    slot := add(countsData, shl(5, b))
                }
                mstore(slot, add(mload(slot), 1))
            }
        }
    }
}
