// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title StandInChunkProver
/// @notice STAND-IN for the real chunk prover. There is no zk here and nothing about the rollup's
/// state transition is proven: the "proof" a prover computes for a node of a block's proof trees
/// is one domain-separated hash of the node's position and inputs,
/// `keccak256(abi.encode(STAND_IN_CHUNK_DOMAIN, slot, node, left, right))`. It gives slashing a
/// proving function that anyone can recompute on-chain, so a signed chunk output can be shown
/// wrong; a real deployment replaces it with the real chunk proof and a fraud proof against it.
///
/// Inputs, by heap index `node` of a tree with `L` leaves (root 1, children of `k` are `2k` and
/// `2k + 1`):
/// - a leaf, `node` in `[L, 2L - 1]`: `left` is the commitment to the transactions of chunk
///   `node - L`, `right` is zero;
/// - an inner node, `node` in `[1, L - 1]`: `left` and `right` are the outputs of its children
///   `2 * node` and `2 * node + 1`.
/// The same node position computes the same output in every tree of a block (the c striped trees
/// share their outputs; only who proves each node differs), so the tree index is not an input.
/// The TypeScript mirror is `standInChunkOutput` in `src/protocol/chunks.ts`.
library StandInChunkProver {
    /// @notice Domain tag of stand-in chunk outputs.
    bytes32 internal constant STAND_IN_CHUNK_DOMAIN = keccak256("PROVERNET_V1_STAND_IN_CHUNK");

    /// @notice The honest output of heap node `node` of `slot`'s block for inputs `left`, `right`.
    /// @param slot The block's slot.
    /// @param node The heap index of the node, 1..2L-1.
    /// @param left A leaf's transaction commitment, or the left child's output.
    /// @param right Zero for a leaf, or the right child's output.
    /// @return `keccak256(abi.encode(STAND_IN_CHUNK_DOMAIN, slot, node, left, right))`.
    function outputOf(
        uint256 slot,
        uint256 node,
        bytes32 left,
        bytes32 right
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(STAND_IN_CHUNK_DOMAIN, slot, node, left, right));
    }
}
