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
/// `t'` is `perm_d[(j + t' s) mod m]`; so member `x` is valid iff `delta = (inv_d(x) - j) mod m`
/// is a multiple of `s` below `c * s`. One permutation and its inverse per level: O(m log L + L)
/// instead of O(c L) lookups of the full assignment.
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
        uint256 nodes = 2 * leafCount - 1;
        if (record.length != nodes) {
            revert IBlockLifecycle.InvalidRecordLength(record.length, nodes);
        }
        uint256[] memory inverse = new uint256[](m);
        uint256 level = 0;
        for (uint256 width = 1; width <= leafCount; width <<= 1) {
            uint256[] memory perm = TreeAssignment.levelPermutation(m, seed, level);
            for (uint256 p = 0; p < m; ++p) {
                inverse[perm[p]] = p;
            }
            // At the root only the proof's own tree is valid: offset tree * stride.
            uint256 rootOffset = level == 0 ? tree * (m / c) : type(uint256).max;
            _checkLevel(record, inverse, c, width, rootOffset);
            ++level;
        }
    }

    /// @dev Checks the `width` nodes of one level against the level's inverse permutation.
    /// `rootOffset` is the only valid offset at the root, `type(uint256).max` below it.
    function _checkLevel(
        bytes calldata record,
        uint256[] memory inverse,
        uint256 c,
        uint256 width,
        uint256 rootOffset
    ) private pure {
        uint256 m = inverse.length;
        uint256 stride = m / c;
        for (uint256 j = 0; j < width; ++j) {
            uint256 node = width + j;
            uint256 member = uint8(record[node - 1]);
            if (member >= m) revert IBlockLifecycle.UnassignedParticipant(node, member);
            uint256 delta = (inverse[member] + m - (j % m)) % m;
            bool valid = rootOffset != type(uint256).max
                ? delta == rootOffset
                : (delta % stride == 0 && delta / stride < c);
            if (!valid) revert IBlockLifecycle.UnassignedParticipant(node, member);
        }
    }
}
