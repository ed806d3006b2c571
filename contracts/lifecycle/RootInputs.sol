// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title RootInputs
/// @notice The public inputs of a root proof, in one place for the lifecycle (which computes them
/// from its storage) and for a verifier (which opens them). A root proof of tree `tree` of a block
/// is bound to the deployment (chain id, lifecycle), the block (its commitment), the tree, the
/// participation record, the submitter and the committee (a tag of its commitment), so it cannot
/// be replayed on another chain, deployment, block, tree, record, sender or committee. A node
/// proof (siblingCover's uncle claim) binds the deployment, the block, the node and the prover. The
/// TypeScript mirror is `blockCommitment` / `rootPublicInputs` in `src/protocol/lifecycle.ts`.
library RootInputs {
    /// @notice Domain tag of block commitments.
    bytes32 internal constant BLOCK_DOMAIN = keccak256("PROVERNET_V1_BLOCK");
    /// @notice Domain tag of root proof public inputs.
    bytes32 internal constant ROOT_PROOF_DOMAIN = keccak256("PROVERNET_V1_ROOT_PROOF");
    /// @notice Domain tag of node proof public inputs (siblingCover's uncle claims).
    bytes32 internal constant NODE_PROOF_DOMAIN = keccak256("PROVERNET_V1_UNCLE_PROOF");

    /// @notice The commitment to a block: its slot, parent, proposer, transactions, leaf count
    /// and fee split.
    function blockCommitment(
        uint256 slot,
        uint256 parent,
        address proposer,
        bytes32 txCommitment,
        uint256 leafCount,
        uint256 feeSplitBps
    ) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    BLOCK_DOMAIN,
                    slot,
                    parent,
                    proposer,
                    txCommitment,
                    leafCount,
                    feeSplitBps
                )
            );
    }

    /// @notice The hash of a root proof's public inputs.
    /// @param chainId The chain id.
    /// @param lifecycle The BlockLifecycle deployment.
    /// @param commitment {blockCommitment} of the block.
    /// @param tree The tree index.
    /// @param recordHash keccak256 of the participation record.
    /// @param submitter The account that submits the proof.
    /// @param committee {committeeTag} of the epoch's committee.
    function rootPublicInputs(
        uint256 chainId,
        address lifecycle,
        bytes32 commitment,
        uint256 tree,
        bytes32 recordHash,
        address submitter,
        bytes24 committee
    ) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    ROOT_PROOF_DOMAIN,
                    chainId,
                    lifecycle,
                    commitment,
                    tree,
                    recordHash,
                    submitter,
                    committee
                )
            );
    }

    /// @notice The hash of a node proof's public inputs: `member` proved heap node `node` of the
    /// block (siblingCover's uncle claims).
    /// @param chainId The chain id.
    /// @param lifecycle The BlockLifecycle deployment.
    /// @param commitment {blockCommitment} of the block.
    /// @param node The heap node.
    /// @param member The prover claiming it.
    function nodePublicInputs(
        uint256 chainId,
        address lifecycle,
        bytes32 commitment,
        uint256 node,
        address member
    ) internal pure returns (bytes32) {
        return
            keccak256(abi.encode(NODE_PROOF_DOMAIN, chainId, lifecycle, commitment, node, member));
    }

    /// @notice The committee tag the public inputs carry: the first 24 bytes of the committee's
    /// commitment `keccak256(abi.encode(committee))`.
    /// @dev why: gas. 24 bytes fit beside the epoch's size and tree count in the storage word
    /// every root proof reads already; the full commitment would be a second cold read (2,100
    /// gas per root, about 6.3k per block at c = 3). Forging a committee list with the same tag
    /// takes a second preimage of 192 bits.
    function committeeTag(bytes32 commitment) internal pure returns (bytes24) {
        return bytes24(commitment);
    }
}
