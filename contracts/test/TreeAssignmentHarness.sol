// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TreeAssignment} from "../election/TreeAssignment.sol";

/// @title TreeAssignmentHarness
/// @notice Test-only: exposes the {TreeAssignment} library as external functions for tests and
/// gas measurement.
contract TreeAssignmentHarness {
    /// @notice See {TreeAssignment.blockSeed}.
    /// @param epochSeed The epoch's seed.
    /// @param blockNumber The L2 block number.
    /// @return seed The block seed.
    function blockSeed(
        bytes32 epochSeed,
        uint256 blockNumber
    ) external pure returns (bytes32 seed) {
        return TreeAssignment.blockSeed(epochSeed, blockNumber);
    }

    /// @notice See {TreeAssignment.treeCountFor}.
    /// @param f Number of faulty provers.
    /// @param n Network size.
    /// @param toleranceWad Tolerated probability, 18 decimals.
    /// @return c The tree count.
    function treeCountFor(
        uint256 f,
        uint256 n,
        uint256 leafCount,
        uint256 toleranceWad
    ) external pure returns (uint256) {
        return TreeAssignment.treeCountFor(f, n, leafCount, toleranceWad);
    }

    /// @notice See {TreeAssignment.proverOf}.
    /// @param m Committee size.
    /// @param seed The block seed.
    /// @param c Tree count.
    /// @param leafCount Leaves per tree.
    /// @param tree Tree index.
    /// @param node Heap index of the node.
    /// @return memberIndex Committee index of the node's prover.
    function proverOf(
        uint256 m,
        bytes32 seed,
        uint256 c,
        uint256 leafCount,
        uint256 tree,
        uint256 node
    ) external pure returns (uint256 memberIndex) {
        return TreeAssignment.proverOf(m, seed, c, leafCount, tree, node);
    }

    /// @notice See {TreeAssignment.assignment}.
    /// @param m Committee size.
    /// @param seed The block seed.
    /// @param c Tree count.
    /// @param leafCount Leaves per tree.
    /// @return memberIndex The whole block's committee indices, tree after tree.
    function assignment(
        uint256 m,
        bytes32 seed,
        uint256 c,
        uint256 leafCount
    ) external pure returns (uint256[] memory memberIndex) {
        return TreeAssignment.assignment(m, seed, c, leafCount);
    }

    /// @notice The whole block's assignment as prover addresses.
    /// @param committee The committee, in order (member `i` is `committee[i]`).
    /// @param seed The block seed.
    /// @param c Tree count.
    /// @param leafCount Leaves per tree.
    /// @return provers Entry `t * (2 * leafCount - 1) + (node - 1)` proves `node` of tree `t`.
    function blockAssignment(
        address[] calldata committee,
        bytes32 seed,
        uint256 c,
        uint256 leafCount
    ) external pure returns (address[] memory provers) {
        uint256[] memory index = TreeAssignment.assignment(committee.length, seed, c, leafCount);
        // why: gas. Every index is below committee.length (the library's guarantee), so the lookup
        // skips bounds checks, and each index is overwritten in place by the address it names: the
        // index array becomes the address[] result without a second allocation. A committee entry
        // with dirty upper bits reverts, as Solidity's own calldata access would.
        assembly ("memory-safe") {
            let p := add(index, 0x20)
            let end := add(p, shl(5, mload(index)))
            for {} lt(p, end) {
                p := add(p, 0x20)
            } {
                let member := calldataload(add(committee.offset, shl(5, mload(p))))
                if shr(160, member) {
                    revert(0, 0)
                }
                mstore(p, member)
            }
            provers := index
        }
    }
}
