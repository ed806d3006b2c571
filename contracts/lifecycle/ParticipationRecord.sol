// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {TreeAssignment} from "../election/TreeAssignment.sol";

/// @title ParticipationRecord
/// @notice Proof of participation: which committee member computed each node whose output a
/// root proof includes, checked against the striped assignment. The TypeScript mirror is
/// `encodeParticipation` / `checkParticipation` in `src/protocol/lifecycle.ts`.
/// @dev Encoding: one byte per heap node, byte `node - 1` holding the committee index (rank
/// order, below 256) of the member credited for `node`, for `node = 1 .. 2L - 1`; 31 bytes for
/// L = 16. Seed 000 sends outputs across trees, so the output used at a node of tree `t` may come
/// from the same position of another tree: a member is valid for node `(d, j)` iff it is the
/// prover of `(d, j)` in some tree `t' < c`. The root (node 1) must be computed by the proof's own
/// tree's root prover, which is what makes the proof "tree t's" and stops one prover from filing
/// the same work under several tree indices.
/// Check: with `perm_d` the level permutation and `s = m / c`, the prover of `(d, j)` in tree
/// `t'` is `perm_d[(j + t' s) mod m]`; so member `x` is valid iff it equals one of those `c`
/// entries (equivalently, `delta = (inv_d(x) - j) mod m` is a multiple of `s` below `c * s`,
/// which is how the TypeScript mirror states it). One permutation per level, drawn into one
/// reused array: O(m log L + c L).
library ParticipationRecord {
    /// @notice Reverts unless `record` is a valid participation record for tree `tree`.
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
    ) internal pure {
        (uint256 node, uint256 member) = findUnassigned(
            record,
            levelPermutations(m, seed, leafCount),
            c,
            tree
        );
        if (node != 0) revert IBlockLifecycle.UnassignedParticipant(node, member);
    }

    /// @notice Reverts unless `record` has length `2 * leafCount - 1` and its root (node 1) is
    /// credited to tree `tree`'s root prover: what {BlockLifecycle.submitRootProof} checks.
    /// @param record The record.
    /// @param m Committee size.
    /// @param c Tree count of the block, at most `m`.
    /// @param leafCount Leaves L per tree.
    /// @param seed The block seed.
    /// @param tree The proof's tree, below `c`.
    function checkRoot(
        bytes calldata record,
        uint256 m,
        uint256 c,
        uint256 leafCount,
        bytes32 seed,
        uint256 tree
    ) internal pure {
        _checkLength(record, leafCount);
        uint256[] memory perm = new uint256[](m);
        TreeAssignment.fillLevelPermutation(perm, seed, 0);
        (uint256 node, uint256 member) = _firstUnassigned(record, perm, 1, tree, c);
        if (node != 0) revert IBlockLifecycle.UnassignedParticipant(node, member);
    }

    /// @notice The level permutations of a block: entry `d` is `perm_d`, for the `log2(L) + 1`
    /// levels of a tree of `leafCount` leaves. Drawn once per block, they check all its records.
    /// @param m Committee size.
    /// @param seed The block seed.
    /// @param leafCount Leaves L per tree, a power of two.
    /// @return perms The permutations, root level first.
    function levelPermutations(
        uint256 m,
        bytes32 seed,
        uint256 leafCount
    ) internal pure returns (uint256[][] memory perms) {
        uint256 levels = 1;
        while ((1 << (levels - 1)) < leafCount) ++levels;
        perms = new uint256[][](levels);
        for (uint256 level = 0; level < levels; ++level) {
            perms[level] = new uint256[](m);
            TreeAssignment.fillLevelPermutation(perms[level], seed, level);
        }
    }

    /// @notice The first node of `record` (tree `tree`) credited to a member that was not
    /// assigned it, and that member; `(0, 0)` if the record is valid. Reverts only if the length
    /// is not `2L - 1` for the `L` of `perms`.
    /// @param record The record.
    /// @param perms The block's {levelPermutations}.
    /// @param c Tree count of the block, at most `m`.
    /// @param tree The proof's tree, below `c`.
    /// @return node The first unassigned node (heap index), or 0.
    /// @return member The committee index credited there, or 0.
    function findUnassigned(
        bytes calldata record,
        uint256[][] memory perms,
        uint256 c,
        uint256 tree
    ) internal pure returns (uint256 node, uint256 member) {
        _checkLength(record, 1 << (perms.length - 1));
        uint256 width = 1;
        for (uint256 level = 0; level < perms.length; ++level) {
            // At the root only the proof's own tree is valid.
            uint256 onlyTree = level == 0 ? tree : type(uint256).max;
            (node, member) = _firstUnassigned(record, perms[level], width, onlyTree, c);
            if (node != 0) return (node, member);
            width <<= 1;
        }
    }

    function _checkLength(bytes calldata record, uint256 leafCount) private pure {
        uint256 nodes = 2 * leafCount - 1;
        if (record.length != nodes) {
            revert IBlockLifecycle.InvalidRecordLength(record.length, nodes);
        }
    }

    /// @dev The first of the `width` nodes of one level whose member is not
    /// `perm[(j + t * stride) % m]` for any tree `t < c` (or for `t = onlyTree` if that is set),
    /// with that member; `(0, 0)` if all are valid. Equivalent to the inverse-permutation rule in
    /// the library's description.
    function _firstUnassigned(
        bytes calldata record,
        uint256[] memory perm,
        uint256 width,
        uint256 onlyTree,
        uint256 c
    ) private pure returns (uint256 failedNode, uint256 failedMember) {
        uint256 m = perm.length;
        uint256 stride = m / c;
        uint256 firstTree = onlyTree == type(uint256).max ? 0 : onlyTree;
        uint256 lastTree = onlyTree == type(uint256).max ? c : onlyTree + 1;
        // why: gas. The loop reads one calldata byte and at most c permutation words per node,
        // without bounds checks: record.length == 2 * leafCount - 1 >= width + j for every node,
        // and every index into perm is reduced modulo m = perm.length.
        assembly ("memory-safe") {
            let data := add(perm, 0x20)
            for {
                let j := 0
            } lt(j, width) {
                j := add(j, 1)
            } {
                let node := add(width, j)
                let member := shr(248, calldataload(add(record.offset, sub(node, 1))))
                let valid := 0
                let position := add(mod(j, m), mul(firstTree, stride))
                for {
                    let t := firstTree
                } lt(t, lastTree) {
                    t := add(t, 1)
                    position := add(position, stride)
                } {
                    if eq(mload(add(data, shl(5, mod(position, m)))), member) {
                        valid := 1
                        break
                    }
                }
                if iszero(valid) {
                    failedNode := node
                    failedMember := member
                    break
                }
            }
        }
    }
}
