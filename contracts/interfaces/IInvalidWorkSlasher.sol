// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBlockLifecycle} from "./IBlockLifecycle.sol";

/// @title IInvalidWorkSlasher
/// @notice Slashing for attributable invalid work: a chunk output signed by an operator that is
/// provably wrong, either because the stand-in proving function recomputed from its signed inputs
/// gives another output, or because the operator signed two different outputs for the same node
/// of the same block. The reporter gets a fixed share of the slashed amount, the slash sink the
/// rest.
interface IInvalidWorkSlasher {
    /// @notice Deployment parameters.
    struct Config {
        /// The BlockLifecycle whose slots the evidence refers to; its stake table is slashed.
        address lifecycle;
        /// Tokens taken per offence (the stake table caps it at the balance); nonzero.
        uint256 slashAmount;
        /// The reporter's share of each slash, in basis points, at most 10000.
        uint256 reporterBps;
    }

    /// @notice A chunk output as a prover signs it (EIP-712 type
    /// `ChunkOutput(uint256 slot,uint256 node,bytes32 left,bytes32 right,bytes32 output)` in the
    /// lifecycle's domain, ChunkOutputs).
    struct ChunkOutput {
        /// The block's slot.
        uint256 slot;
        /// Heap index of the node in the block's proof trees (root 1).
        uint256 node;
        /// A leaf's transaction commitment, or the left child's output.
        bytes32 left;
        /// Zero for a leaf, or the right child's output.
        bytes32 right;
        /// The output the prover claims.
        bytes32 output;
    }

    /// @notice The lifecycle address is zero.
    error ZeroAddress();
    /// @notice The slash amount is zero.
    error ZeroSlashAmount();
    /// @notice The reporter's share is above 10000 basis points.
    error InvalidReporterBps(uint256 reporterBps);
    /// @notice The signature does not recover to an address, or its `s` is in the upper half of
    /// the curve order (the malleable twin, EIP-2).
    error InvalidSignature();
    /// @notice The signed output is what the stand-in proving function computes: no offence.
    error OutputCorrect(uint256 slot, uint256 node);
    /// @notice The two chunk outputs of an equivocation report were signed by different keys.
    error SignersDiffer(address first, address second);
    /// @notice The two chunk outputs of an equivocation report are for different nodes or slots.
    error DifferentNodes(
        uint256 firstSlot,
        uint256 firstNode,
        uint256 secondSlot,
        uint256 secondNode
    );
    /// @notice The two chunk outputs of an equivocation report carry the same output.
    error SameOutput(uint256 slot, uint256 node, bytes32 output);
    /// @notice Evidence about `slot` was accepted up to L1 block `deadline` only.
    error EvidenceExpired(uint256 slot, uint256 deadline);
    /// @notice The signer was already slashed for this node of this block.
    error AlreadySlashed(address signer, uint256 slot, uint256 node);

    /// @notice `signer` was slashed `slashed` tokens for `reason` about node `node` of `slot`;
    /// `reporter` received `reward` of them.
    event InvalidWorkSlashed(
        address indexed signer,
        uint256 indexed slot,
        uint256 node,
        address indexed reporter,
        bytes32 reason,
        uint256 slashed,
        uint256 reward
    );

    /// @notice Reports a signed chunk output that the stand-in proving function, recomputed from
    /// the signed inputs, contradicts. Slashes the signer; the caller is the reporter.
    /// @param claim The signed chunk output.
    /// @param signature The signer's EIP-712 signature of `claim`, compact (EIP-2098), low `s`.
    function reportWrongOutput(
        ChunkOutput calldata claim,
        IBlockLifecycle.CompactSignature calldata signature
    ) external;

    /// @notice Reports two different outputs signed by the same operator for the same node of the
    /// same block. Slashes the signer; the caller is the reporter.
    /// @param a The first signed chunk output.
    /// @param sa The signature of `a`.
    /// @param b The second signed chunk output.
    /// @param sb The signature of `b`.
    function reportEquivocation(
        ChunkOutput calldata a,
        IBlockLifecycle.CompactSignature calldata sa,
        ChunkOutput calldata b,
        IBlockLifecycle.CompactSignature calldata sb
    ) external;

    /// @notice The EIP-712 digest an operator signs for `output`.
    /// @param output The chunk output.
    /// @return The digest under the lifecycle's EIP-712 domain (ChunkOutputs).
    function chunkOutputDigest(ChunkOutput calldata output) external view returns (bytes32);

    /// @notice Whether `signer` was slashed for node `node` of `slot`'s block.
    /// @param signer The operator.
    /// @param slot The block's slot.
    /// @param node The heap index.
    /// @return True once an offence on that node was slashed.
    function isSlashed(address signer, uint256 slot, uint256 node) external view returns (bool);

    /// @notice The last L1 block in which evidence about `slot` is accepted: the end of its proof
    /// window plus the stake table's SLASHING_WINDOW.
    /// @param slot The block's slot.
    /// @return The L1 block number.
    function evidenceDeadline(uint256 slot) external view returns (uint256);

    /// @notice The honest output of a node under the stand-in proving function.
    /// @param slot The block's slot.
    /// @param node The heap index.
    /// @param left A leaf's transaction commitment, or the left child's output.
    /// @param right Zero for a leaf, or the right child's output.
    /// @return `StandInChunkProver.outputOf(slot, node, left, right)`.
    function expectedOutput(
        uint256 slot,
        uint256 node,
        bytes32 left,
        bytes32 right
    ) external pure returns (bytes32);
}
