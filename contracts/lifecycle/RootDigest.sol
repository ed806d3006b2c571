// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title RootDigest
/// @notice The per-epoch hash chain of accepted root proofs, which is what the rewards layer
/// settles from. {BlockLifecycle} extends an epoch's chain with every root proof it accepts for a
/// block of that epoch; settlement replays the chain from calldata (the records come from the
/// `RootProofAccepted` events) and must arrive at the stored digest. The chain costs one storage
/// word per epoch instead of one per (block, tree), and never expires with the history ring, so
/// settlement has no deadline. The TypeScript mirror is `rootEntryHash` / `chainRootDigest` in
/// `src/protocol/rewards.ts`.
/// @dev `digest_0 = 0`, `digest_{k+1} = keccak256(abi.encode(digest_k, entry_k))`, where entry
/// `k` is the `k`-th root proof accepted (in L1 order) for a block of the epoch.
library RootDigest {
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
