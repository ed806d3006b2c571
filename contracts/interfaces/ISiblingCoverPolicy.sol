// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "./IAssignmentPolicy.sol";

/// @title ISiblingCoverPolicy
/// @notice Seeds 003/004's protocol-elected sibling cover, plus what `ProverRewards.claimUncle`
/// needs for uncle rewards (see `docs/policies.md`).
interface ISiblingCoverPolicy is IAssignmentPolicy {
    /// @notice `member` is neither the assigned prover nor the sibling of `node`.
    error UncleNotEligible(uint256 node, uint256 member);
    /// @notice The final record already credits `member` at `node`: its proof was not left out.
    error UncleIncluded(uint256 node, uint256 member);
    /// @notice The node index is not in `[1, 2L - 1]`.
    error InvalidUncleNode(uint256 node, uint256 leafCount);

    /// @notice Tokens one uncle claim takes from the pool (a deployment parameter).
    function UNCLE_REWARD() external view returns (uint256);

    /// @notice keccak256 of the record of the root that finalized `slot`'s block, as accepted by
    /// `lifecycle`; zero if none.
    /// @param lifecycle The lifecycle that called {acceptRoot}.
    /// @param slot The block's slot.
    function finalRecordHash(address lifecycle, uint256 slot) external view returns (bytes32);

    /// @notice Reverts unless committee index `member` may claim an uncle reward for `node`
    /// given the block's final record: it is the node's assigned prover or its sibling, and the
    /// record credits someone else there.
    /// @param block_ The block.
    /// @param finalRecord The final record (the caller checks its hash).
    /// @param node The heap node.
    /// @param member The claimant's committee index.
    function checkUncle(
        BlockContext calldata block_,
        bytes calldata finalRecord,
        uint256 node,
        uint256 member
    ) external view;
}
