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
        uint256 nodes = 2 * leafCount - 1;
        if (record.length != nodes) {
            revert IBlockLifecycle.InvalidRecordLength(record.length, nodes);
        }
        uint256[] memory perm = new uint256[](m);
        uint256 level = 0;
        for (uint256 width = 1; width <= leafCount; width <<= 1) {
            TreeAssignment.fillLevelPermutation(perm, seed, level);
            // At the root only the proof's own tree is valid.
            _checkLevel(record, perm, width, level == 0 ? tree : type(uint256).max, c);
            ++level;
        }
    }

    /// @dev Checks the `width` nodes of one level: the member at node `(d, j)` must be
    /// `perm[(j + t * stride) % m]` for some tree `t < c`, or for `t = onlyTree` if that is set.
    /// Equivalent to the inverse-permutation rule in the contract's description.
    function _checkLevel(
        bytes calldata record,
        uint256[] memory perm,
        uint256 width,
        uint256 onlyTree,
        uint256 c
    ) private pure {
        uint256 m = perm.length;
        uint256 stride = m / c;
        uint256 firstTree = onlyTree == type(uint256).max ? 0 : onlyTree;
        uint256 lastTree = onlyTree == type(uint256).max ? c : onlyTree + 1;
        uint256 failedNode;
        uint256 failedMember;
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
        if (failedNode != 0) revert IBlockLifecycle.UnassignedParticipant(failedNode, failedMember);
    }
}
