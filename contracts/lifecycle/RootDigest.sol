// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title RootDigest
/// @notice The per-segment hash chains of accepted root proofs, which is what the rewards layer
/// settles from. An epoch's slots fall into settlement segments of SEGMENT_SLOTS consecutive
/// slots (the last may be shorter; an epoch of at most SEGMENT_SLOTS slots is one segment).
/// {BlockLifecycle} extends a segment's chain with every root proof it accepts for a block of
/// that segment; settlement replays each chain from calldata (the records come from the
/// `RootProofAccepted` events) and must arrive at the stored digest. A chain costs one storage
/// word per segment instead of one per (block, tree), never expires with the history ring (so
/// settlement has no deadline), and lets an epoch settle one segment at a time. The TypeScript
/// mirror is `rootEntryHash` / `chainRootDigest` / `SEGMENT_SLOTS` in `src/protocol/rewards.ts`.
/// @dev `digest_0 = 0`, `digest_{k+1} = keccak256(abi.encode(digest_k, entry_k))`, where entry
/// `k` is the `k`-th root proof accepted (in L1 order) for a block of the segment.
library RootDigest {
    /// @notice Slots per settlement segment: each segment of an epoch has its own chain.
    /// why: gas. One segment is what one settlement transaction must be able to take at the
    /// parameter maxima: at m = 256 (every member credited for the first time, 5.7M), trees of
    /// CommitteeElection.MAX_TREE_NODES nodes and two roots per tree, a block costs up to 1.7M to
    /// settle, so 4 blocks take 13.3M (`rewards.settle.segment.atMaxima`) and 8 would break
    /// 2^24 (EIP-7825).
    uint256 internal constant SEGMENT_SLOTS = 4;

    /// @notice The hash of one accepted root proof.
    /// @param slot The block's slot.
    /// @param tree The proof's tree.
    /// @param proposer The block's proposer.
    /// @param feeSplitBps The block's fee split (zero unless FEE_SPLIT scoring is on).
    /// @param submitter The account that submitted the proof.
    /// @param recordHash keccak256 of the proof's participation record.
    /// @return `keccak256(abi.encode(slot, tree, proposer, feeSplitBps, submitter, recordHash))`.
    function entryHash(
        uint256 slot,
        uint256 tree,
        address proposer,
        uint256 feeSplitBps,
        address submitter,
        bytes32 recordHash
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(slot, tree, proposer, feeSplitBps, submitter, recordHash));
    }

    /// @notice Extends the chain `digest` by one entry.
    /// @param digest The chain so far (zero for an empty chain).
    /// @param entry The entry's {entryHash}.
    /// @return `keccak256(abi.encode(digest, entry))`.
    function extend(bytes32 digest, bytes32 entry) internal pure returns (bytes32) {
        return keccak256(abi.encode(digest, entry));
    }
}
