// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

/// @title ChunkOutputs
/// @notice What a prover signs for each chunk output it produces, and under which domain. A chunk
/// output is `ChunkOutput(uint256 slot,uint256 node,bytes32 left,bytes32 right,bytes32 output)`
/// under EIP-712, signed with the operator key, in the domain of the block lifecycle the slot
/// belongs to: ("ProverNetwork BlockLifecycle", "1", chain id, lifecycle), the domain timeout
/// votes use too. The same signature is evidence twice:
/// - against the prover, when the output is wrong or doubly signed (InvalidWorkSlasher);
/// - for the prover, when a root proof credits it for the node: the root proof's verifier checks
///   that every member a participation record credits signed the output it is credited for
///   (StandInProofVerifier, and the real circuit in its place).
/// Binding the domain to the lifecycle (not to one of the contracts that judge the signature) lets
/// both judge the same bytes. The TypeScript mirror is `chunkOutputDomain` in
/// `src/protocol/chunks.ts`.
library ChunkOutputs {
    /// @notice EIP-712 type hash of a chunk output.
    bytes32 internal constant TYPEHASH =
        keccak256(
            "ChunkOutput(uint256 slot,uint256 node,bytes32 left,bytes32 right,bytes32 output)"
        );
    /// @notice EIP-712 type hash of the domain.
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256(
            "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
        );
    /// @notice keccak256 of the lifecycle's EIP-712 name ("ProverNetwork BlockLifecycle").
    bytes32 internal constant NAME_HASH = keccak256("ProverNetwork BlockLifecycle");
    /// @notice keccak256 of the lifecycle's EIP-712 version ("1").
    bytes32 internal constant VERSION_HASH = keccak256("1");

    /// @notice The EIP-712 domain separator of `lifecycle`'s chunk outputs on `chainId`.
    /// @param chainId The chain id.
    /// @param lifecycle The BlockLifecycle deployment.
    /// @return The separator.
    function domainSeparator(uint256 chainId, address lifecycle) internal pure returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, chainId, lifecycle));
    }

    /// @notice The EIP-712 digest a prover signs for a chunk output.
    /// @param separator {domainSeparator} of the lifecycle.
    /// @param slot The block's slot.
    /// @param node Heap index of the node (root 1).
    /// @param left A leaf's transaction commitment, or the left child's output.
    /// @param right Zero for a leaf, or the right child's output.
    /// @param output The output.
    /// @return The digest.
    function digest(
        bytes32 separator,
        uint256 slot,
        uint256 node,
        bytes32 left,
        bytes32 right,
        bytes32 output
    ) internal pure returns (bytes32) {
        return
            MessageHashUtils.toTypedDataHash(
                separator,
                keccak256(abi.encode(TYPEHASH, slot, node, left, right, output))
            );
    }
}
