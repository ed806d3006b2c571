// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProofVerifier} from "../interfaces/IProofVerifier.sol";

/// @title StandInProofVerifier
/// @notice STAND-IN. This is not a zk verifier and proves nothing about the rollup's state
/// transition. It checks only that a proof is bound to its public inputs: a valid "proof" is the
/// 32 bytes `keccak256(abi.encode(STAND_IN_DOMAIN, publicInputsHash))`. Because the public inputs
/// include the block commitment, the tree index, the participation record and the submitter, a
/// proof copied into another submitter's transaction, another tree or another block fails, as it
/// would with a real SNARK whose public inputs are the same. Replace it with a real verifier
/// implementing {IProofVerifier} before any deployment that secures value.
///
/// Chunk outputs. The proofs of the nodes below the root (the chunks provers exchange and sign)
/// have a stand-in too, `StandInChunkProver.outputOf` (contracts/verifier/StandInChunkProver.sol):
/// node `node` of `slot`'s block outputs
/// `keccak256(abi.encode(keccak256("PROVERNET_V1_STAND_IN_CHUNK"), slot, node, left, right))`,
/// where a leaf (`node` in `[L, 2L - 1]`) takes the commitment to its chunk's transactions as
/// `left` and zero as `right`, and an inner node takes the outputs of its children `2 * node` and
/// `2 * node + 1`. The same node position has the same output in every one of the block's c trees,
/// so the tree is not an input. No zk: it only lets anyone recompute a signed chunk output, which
/// is what slashing for provably wrong outputs (InvalidWorkSlasher) needs.
contract StandInProofVerifier is IProofVerifier {
    /// @notice Domain tag of stand-in proofs.
    bytes32 public constant STAND_IN_DOMAIN = keccak256("PROVERNET_V1_STAND_IN_PROOF");

    /// @inheritdoc IProofVerifier
    function verify(bytes32 publicInputsHash, bytes calldata proof) external pure returns (bool) {
        return proof.length == 32 && bytes32(proof) == proofFor(publicInputsHash);
    }

    /// @notice The only proof the stand-in accepts for `publicInputsHash`.
    /// @param publicInputsHash keccak256 of the ABI-encoded public inputs.
    /// @return The 32-byte stand-in proof.
    function proofFor(bytes32 publicInputsHash) public pure returns (bytes32) {
        return keccak256(abi.encode(STAND_IN_DOMAIN, publicInputsHash));
    }
}
