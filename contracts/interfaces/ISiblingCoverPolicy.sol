// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "./IAssignmentPolicy.sol";
import {IBlockLifecycle} from "./IBlockLifecycle.sol";
import {IProverRewards} from "./IProverRewards.sol";

/// @title ISiblingCoverPolicy
/// @notice Seeds 003/004's protocol-elected sibling cover and its uncle rewards, claimed here
/// ({claimUncle}) and paid by the rewards contract's `payPolicyReward` (see `docs/policies.md`).
interface ISiblingCoverPolicy is IAssignmentPolicy {
    /// @notice `member` is neither the assigned prover nor the sibling of `node`.
    error UncleNotEligible(uint256 node, uint256 member);
    /// @notice The final record already credits `member` at `node`: its proof was not left out.
    error UncleIncluded(uint256 node, uint256 member);
    /// @notice The node index is not in `[1, 2L - 1]`.
    error InvalidUncleNode(uint256 node, uint256 leafCount);
    /// @notice `rewards` pays a lifecycle whose policy is `policy`, not this contract.
    error NotRewardsPolicy(address rewards, address policy);
    /// @notice Uncle rewards need a final block; `slot`'s is `status`.
    error UncleBlockNotFinal(uint256 slot, IBlockLifecycle.BlockStatus status);
    /// @notice Uncle rewards are claimed only in `slot`'s proof window `[opensAt, closesAt]`.
    error UncleOutsideWindow(uint256 slot, uint256 opensAt, uint256 closesAt);
    /// @notice The committee given does not hash to `epoch`'s commitment.
    error UncleCommitteeMismatch(uint256 epoch, bytes32 expected, bytes32 given);
    /// @notice The caller is not committee member `memberIndex`.
    error NotCommitteeMember(uint256 memberIndex, address caller);
    /// @notice The record given does not hash to the record that finalized `slot`'s block.
    error FinalRecordMismatch(uint256 slot, bytes32 expected, bytes32 given);
    /// @notice The verifier rejected the uncle proof.
    error InvalidUncleProof(uint256 slot, uint256 node, uint256 member);
    /// @notice This (slot, node, member) uncle reward was already claimed through `rewards`.
    error UncleAlreadyClaimed(uint256 slot, uint256 node, uint256 member);

    /// @notice Committee member `member` (index) of `slot`'s block was paid `amount` by `rewards`
    /// for its valid proof of `node` that the final record left out.
    event UncleRewarded(
        address indexed rewards,
        uint256 indexed slot,
        uint256 node,
        uint256 member,
        uint256 amount
    );

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

    /// @notice Seeds 003/004's uncle reward: `rewards` pays the caller up to UNCLE_REWARD from its
    /// pool (inside the block's policy-reward budget: zero once it is spent) for its valid proof
    /// of `node` that `slot`'s final record left out, and counts the caller as active in the
    /// block (its proof is work a racing record may have left out). The caller must be committee
    /// member `memberIndex`, the node's assigned prover or its sibling, and credited elsewhere
    /// than at `node` by the final record.
    /// Only inside the block's proof window, after it is final; once per (rewards, slot, node,
    /// member). `rewards` must pay a lifecycle whose POLICY is this contract.
    /// @param rewards The rewards contract of the lifecycle.
    /// @param slot The block's slot.
    /// @param node The heap node proven.
    /// @param memberIndex The caller's index in the epoch's committee.
    /// @param committee The epoch's committee in rank order.
    /// @param finalRecord The record of the root that finalized the block.
    /// @param proof The proof of `node`, checked by the lifecycle's verifier against
    /// `unclePublicInputs(lifecycle, slot, node, msg.sender)`.
    /// @return paid The amount paid.
    function claimUncle(
        IProverRewards rewards,
        uint256 slot,
        uint256 node,
        uint256 memberIndex,
        address[] calldata committee,
        bytes calldata finalRecord,
        bytes calldata proof
    ) external returns (uint256 paid);

    /// @notice The hash of the public inputs an uncle proof of `node` in `slot`'s block by
    /// committee member `member` must verify against (bound to the chain, the lifecycle, the
    /// block and the claimant).
    /// @param lifecycle The lifecycle.
    /// @param slot The block's slot.
    /// @param node The heap node.
    /// @param member The claimant's address.
    /// @return `keccak256(abi.encode(UNCLE_PROOF_DOMAIN, chainid, lifecycle, blockCommitment,
    /// node, member))`.
    function unclePublicInputs(
        address lifecycle,
        uint256 slot,
        uint256 node,
        address member
    ) external view returns (bytes32);

    /// @notice Whether the uncle reward of (`slot`, `node`, `member`) was claimed through
    /// `rewards`.
    /// @param rewards The rewards contract.
    /// @param slot The block's slot.
    /// @param node The heap node.
    /// @param member The committee index.
    /// @return Whether it was claimed.
    function uncleClaimed(
        address rewards,
        uint256 slot,
        uint256 node,
        uint256 member
    ) external view returns (bool);
}
