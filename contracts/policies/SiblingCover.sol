// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {ISiblingCoverPolicy} from "../interfaces/ISiblingCoverPolicy.sol";
import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {TreeAssignment} from "../election/TreeAssignment.sol";
import {PolicyRecord} from "./PolicyRecord.sol";

/// @title SiblingCover
/// @notice Seeds 003/004's rules (`docs/policies.md` section 4): leaves elected by the striped
/// leaf-level permutation, each merge built by one of the two provers below it, a sibling that
/// may cover a failed prover (unpaid, but active), uncle rewards for left-out proofs. The
/// TypeScript mirror is `src/protocol/policies/siblingCover.ts`; `test/policySiblingCover.test.ts`
/// checks both agree (shared vectors and a seeded differential test).
/// @dev Leaf `L + j` is assigned `perm_D[j mod m]` (`TreeAssignment.fillLevelPermutation` at the
/// leaf level D). Merge node `n < L`: `b = uint256(keccak256(abi.encode(SIBLING_DOMAIN, seed, n)))
/// & 1`, `assigned(n) = assigned(2n + b)`, `sibling(n) = assigned(2n + 1 - b)`. A leaf's sibling
/// is `assigned(n ^ 1)`; with L = 1 the single leaf (the root) is its own sibling.
library SiblingCover {
    /// @notice Domain separator of the merge bit.
    bytes32 internal constant SIBLING_DOMAIN = keccak256("PROVERNET_V1_SIBLING_COVER");

    /// @notice Which child's prover builds merge node `node`: 0 left, 1 right.
    /// @param seed The block seed.
    /// @param node The heap node.
    /// @return The bit `uint256(keccak256(abi.encode(SIBLING_DOMAIN, seed, node))) & 1`.
    function mergeBit(bytes32 seed, uint256 node) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(SIBLING_DOMAIN, seed, node))) & 1;
    }

    /// @notice Reverts unless `m` is in `[1, MAX_POLICY_COMMITTEE]` and `leafCount` a power of
    /// two in `[1, 65536]`.
    /// @param m Committee size.
    /// @param leafCount Leaves L.
    function checkShape(uint256 m, uint256 leafCount) internal pure {
        PolicyRecord.checkCommittee(m);
        if (m == 0) revert TreeAssignment.EmptyCommittee();
        if (!TreeAssignment.isLeafCount(leafCount)) {
            revert TreeAssignment.InvalidLeafCount(leafCount);
        }
    }

    /// @notice The assigned prover and the sibling of one node.
    /// @param m Committee size.
    /// @param seed The block seed.
    /// @param leafCount Leaves L.
    /// @param node The heap node, in `[1, 2L - 1]` (else `InvalidUncleNode`).
    /// @return assigned The committee index of the node's assigned prover.
    /// @return sibling The committee index of its sibling.
    function pairOf(
        uint256 m,
        bytes32 seed,
        uint256 leafCount,
        uint256 node
    ) internal pure returns (uint256 assigned, uint256 sibling) {
        checkShape(m, leafCount);
        if (node == 0 || node >= 2 * leafCount) {
            revert ISiblingCoverPolicy.InvalidUncleNode(node, leafCount);
        }
        uint256[] memory perm = new uint256[](m);
        TreeAssignment.fillLevelPermutation(perm, seed, PolicyRecord.leafDepth(leafCount));
        if (node >= leafCount) {
            assigned = perm[(node - leafCount) % m];
            sibling = leafCount == 1 ? assigned : perm[((node ^ 1) - leafCount) % m];
        } else {
            uint256 b = mergeBit(seed, node);
            assigned = _descend(perm, seed, leafCount, 2 * node + b);
            sibling = _descend(perm, seed, leafCount, 2 * node + 1 - b);
        }
    }

    /// @notice The assigned prover and sibling of every node of a block's tree.
    /// @param m Committee size.
    /// @param seed The block seed.
    /// @param leafCount Leaves L.
    /// @return assigned Length 2L; entry `n` (for `n` in `[1, 2L - 1]`) is node n's prover.
    /// @return sibling Length 2L; entry `n` is node n's sibling.
    function provers(
        uint256 m,
        bytes32 seed,
        uint256 leafCount
    ) internal pure returns (uint256[] memory assigned, uint256[] memory sibling) {
        checkShape(m, leafCount);
        uint256[] memory perm = new uint256[](m);
        TreeAssignment.fillLevelPermutation(perm, seed, PolicyRecord.leafDepth(leafCount));
        assigned = new uint256[](2 * leafCount);
        sibling = new uint256[](2 * leafCount);
        for (uint256 j = 0; j < leafCount; ++j) assigned[leafCount + j] = perm[j % m];
        for (uint256 n = leafCount; n < 2 * leafCount; ++n) {
            sibling[n] = leafCount == 1 ? assigned[n] : assigned[n ^ 1];
        }
        for (uint256 n = leafCount - 1; n >= 1; --n) {
            uint256 b = mergeBit(seed, n);
            assigned[n] = assigned[2 * n + b];
            sibling[n] = assigned[2 * n + 1 - b];
        }
    }

    /// @notice What `acceptRoot` checks: the length `2L - 1` and a root credited to its assigned
    /// prover, its sibling or NONE, a fallback root proven by a member that holds neither when
    /// both are silent (else `UnassignedParticipant(1, byte)`).
    /// @param record The record.
    /// @param m Committee size.
    /// @param seed The block seed.
    /// @param leafCount Leaves L.
    function checkRoot(
        bytes calldata record,
        uint256 m,
        bytes32 seed,
        uint256 leafCount
    ) internal pure {
        checkShape(m, leafCount);
        PolicyRecord.checkLength(record, 2 * leafCount - 1);
        (uint256 assigned, uint256 sibling) = pairOf(m, seed, leafCount, 1);
        uint256 root = uint8(record[0]);
        if (root != assigned && root != sibling && root != PolicyRecord.NONE) {
            revert IBlockLifecycle.UnassignedParticipant(1, root);
        }
    }

    /// @notice The first node of `record` credited to someone other than its assigned prover,
    /// its sibling or NONE, and the byte found there; `(0, 0)` if the record is valid.
    /// @param record The record (`2L - 1` bytes, checked by the caller).
    /// @param assigned Per node, its assigned prover ({provers}).
    /// @param sibling Per node, its sibling.
    /// @return node The first bad node, or 0.
    /// @return member The byte found there, or 0.
    function findInvalid(
        bytes calldata record,
        uint256[] memory assigned,
        uint256[] memory sibling
    ) internal pure returns (uint256 node, uint256 member) {
        for (uint256 n = 1; n <= record.length; ++n) {
            uint256 b = uint8(record[n - 1]);
            if (b != PolicyRecord.NONE && b != assigned[n] && b != sibling[n]) return (n, b);
        }
    }

    /// @notice Reverts unless member `member` may claim an uncle reward for `node`
    /// (`ISiblingCoverPolicy.checkUncle`): the record has `2L - 1` bytes, the node is in
    /// `[1, 2L - 1]`, the member is its assigned prover or sibling, and the record credits
    /// another byte there.
    /// @param m Committee size.
    /// @param seed The block seed.
    /// @param leafCount Leaves L.
    /// @param finalRecord The block's final record.
    /// @param node The heap node.
    /// @param member The claimant's committee index.
    function checkUncle(
        uint256 m,
        bytes32 seed,
        uint256 leafCount,
        bytes calldata finalRecord,
        uint256 node,
        uint256 member
    ) internal pure {
        checkShape(m, leafCount);
        PolicyRecord.checkLength(finalRecord, 2 * leafCount - 1);
        (uint256 assigned, uint256 sibling) = pairOf(m, seed, leafCount, node);
        if (member != assigned && member != sibling) {
            revert ISiblingCoverPolicy.UncleNotEligible(node, member);
        }
        if (uint8(finalRecord[node - 1]) == member) {
            revert ISiblingCoverPolicy.UncleIncluded(node, member);
        }
    }

    /// @notice Settles a finalized block (`IAssignmentPolicy.settleBlock`): every record is
    /// checked; each node pays `nodeShare = provers / (2L - 1)` once to its assigned prover if
    /// any valid record credits it there. Nodes no valid record credits to their assigned prover
    /// (covered or NONE everywhere), and the dust, go to the pool; the credited bitmap holds
    /// everyone any valid record credits (covering siblings too).
    /// @param block_ The block.
    /// @param committee The committee in rank order (its length is m).
    /// @param records The block's records, in acceptance order.
    /// @param provers_ The committee's share.
    /// @return credit The split.
    function settle(
        IAssignmentPolicy.BlockContext calldata block_,
        address[] calldata committee,
        bytes[] calldata records,
        uint256 provers_
    ) internal pure returns (IAssignmentPolicy.BlockCredit memory credit) {
        uint256 leafCount = block_.leafCount;
        (uint256[] memory assigned, uint256[] memory sibling) = provers(
            committee.length,
            block_.seed,
            leafCount
        );
        uint256 nodes = 2 * leafCount - 1;
        // The leaves' provers build every node (merges and covers are theirs too).
        for (uint256 n = leafCount; n < 2 * leafCount; ++n) credit.assigned |= 1 << assigned[n];
        credit.amounts = new uint256[](committee.length);
        credit.rejectedNode = new uint256[](records.length);
        credit.rejectedMember = new uint256[](records.length);
        uint256 share = provers_ / nodes;
        credit.toPool = provers_;
        // Bit n - 1: node n paid. A node pays its assigned prover once, if any valid record
        // credits it there: every valid root counts, and none can take another's pay.
        uint256[] memory paidNodes = new uint256[]((nodes >> 8) + 1);
        for (uint256 r = 0; r < records.length; ++r) {
            bytes calldata record = records[r];
            PolicyRecord.checkLength(record, nodes);
            (credit.rejectedNode[r], credit.rejectedMember[r]) = findInvalid(
                record,
                assigned,
                sibling
            );
            if (credit.rejectedNode[r] != 0) continue;
            ++credit.validRoots;
            _payRecord(record, assigned, paidNodes, share, credit);
        }
    }

    /// @dev One valid record of {settle}: marks everyone it credits active and pays `share` for
    /// each node it credits to the node's assigned prover, unless an earlier record paid that
    /// node (`paidNodes`, bit n - 1); what it pays leaves `credit.toPool`.
    function _payRecord(
        bytes calldata record,
        uint256[] memory assigned,
        uint256[] memory paidNodes,
        uint256 share,
        IAssignmentPolicy.BlockCredit memory credit
    ) private pure {
        for (uint256 n = 1; n <= record.length; ++n) {
            uint256 b = uint8(record[n - 1]);
            if (b == PolicyRecord.NONE) continue;
            credit.credited |= 1 << b;
            uint256 bit = uint256(1) << ((n - 1) & 255);
            if (b != assigned[n] || paidNodes[(n - 1) >> 8] & bit != 0) continue;
            paidNodes[(n - 1) >> 8] |= bit;
            credit.amounts[b] += share;
            credit.toPool -= share;
        }
    }

    /// @notice The assigned prover of node `n`: follow the merge bits down to a leaf.
    function _descend(
        uint256[] memory perm,
        bytes32 seed,
        uint256 leafCount,
        uint256 n
    ) private pure returns (uint256) {
        while (n < leafCount) n = 2 * n + mergeBit(seed, n);
        return perm[(n - leafCount) % perm.length];
    }
}
