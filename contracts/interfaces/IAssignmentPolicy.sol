// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IAssignmentPolicy
/// @notice An assignment-and-scoring policy: who may be credited for which node of a block's
/// proof trees, how many root proofs a block takes, and how a finalized block's committee share
/// is paid. A deployment picks one policy for good (the lifecycle holds it as an immutable), so
/// the policy is fixed for every epoch. Seed 000's striped trees are built into the lifecycle and
/// the rewards contract (policy address zero, `POLICY_ID` 0); every other seed's design is one
/// contract implementing this interface (see `docs/policies.md`):
///
/// | id | policy | seed |
/// | -- | ------ | ---- |
/// | 1 | VrfPathPolicy: a member is credited only on its VRF path | 001, option 1 |
/// | 2 | SortedRoundsPolicy: rounds of height-h subtrees, 2x the provers, sequencer finishes | 001, option 2 |
/// | 3 | RankedProofsPolicy: up to P proofs per node, competing roots ranked by total score | 002 |
/// | 4 | SiblingCoverPolicy: leaves elected, a sibling covers a failed prover, uncle rewards | 003/004 |
///
/// Records. A participation record is bytes; byte value {NONE} (0xff) credits nobody (the node
/// was computed by someone the policy does not pay) and {PROPOSER} (0xfe) credits the block's
/// proposer. Any other byte is a committee index, so policies accept committees of at most
/// {MAX_POLICY_COMMITTEE} members.
///
/// Conservation. {settleBlock} splits exactly `provers`:
/// `sum(amounts) + proposer + toPool + burned == provers`; the rewards contract checks it.
interface IAssignmentPolicy {
    /// @notice What a policy needs to know about one block.
    struct BlockContext {
        /// The block's slot.
        uint256 slot;
        /// The block seed, `TreeAssignment.blockSeed(epochSeed, slot)`.
        bytes32 seed;
        /// Committee size m.
        uint256 committeeSize;
        /// Root proofs the block takes: {treeCount} of the epoch.
        uint256 treeCount;
        /// Leaves L per tree.
        uint256 leafCount;
        /// The block's proposer.
        address proposer;
    }

    /// @notice How a finalized block's committee share is paid.
    struct BlockCredit {
        /// Added to each committee member's proving balance, by committee index.
        uint256[] amounts;
        /// Added to the proposer's sequencing balance.
        uint256 proposer;
        /// Returned to the reward pool (unpaid shares and rounding dust).
        uint256 toPool;
        /// Burned.
        uint256 burned;
        /// Bitmap of the committee indices the paid records credit (activity for inactivity).
        uint256 credited;
        /// Bitmap of the committee indices the policy assigned work in this block: the members
        /// that could have been credited. Inactivity counts a miss only for an assigned member
        /// that no paid record credits (sortedRounds' unranked members are never assigned).
        uint256 assigned;
        /// How many records passed the policy's check.
        uint256 validRoots;
        /// Per record: the first node that failed the check (0 if valid).
        uint256[] rejectedNode;
        /// Per record: the byte found at that node.
        uint256[] rejectedMember;
    }

    /// @notice The action belongs to policy `required`; this deployment runs `configured`.
    error PolicyMismatch(uint256 required, uint256 configured);
    /// @notice Policies accept committees of at most {MAX_POLICY_COMMITTEE} members.
    error PolicyCommitteeTooLarge(uint256 size, uint256 max);
    /// @notice A policy parameter is out of its range.
    error InvalidPolicyParameter(string name, uint256 value);

    /// @notice The policy's id (see the table above).
    function POLICY_ID() external view returns (uint256);

    /// @notice Root proofs a block of an epoch takes, given the election's tree count
    /// `min(c, m)` and the committee size; cached by the lifecycle once per epoch.
    /// @param electedTreeCount The election's tree count.
    /// @param committeeSize The committee size m (reverts above {MAX_POLICY_COMMITTEE}).
    function treeCount(
        uint256 electedTreeCount,
        uint256 committeeSize
    ) external view returns (uint256);

    /// @notice Called by the lifecycle for each root proof it accepts: reverts unless the record
    /// has the policy's length and a root the policy allows (`IBlockLifecycle`'s
    /// `InvalidRecordLength` / `UnassignedParticipant`), and keeps what the policy needs later,
    /// namespaced by the caller (so no access control is needed).
    /// @param block_ The block.
    /// @param tree The root's tree index, below `block_.treeCount`.
    /// @param first Whether this root finalizes the block.
    /// @param record The participation record.
    function acceptRoot(
        BlockContext calldata block_,
        uint256 tree,
        bool first,
        bytes calldata record
    ) external;

    /// @notice Splits a finalized block's committee share `provers` over its accepted records
    /// (in acceptance order). Every node of every record is checked here.
    /// @param block_ The block.
    /// @param committee The epoch's committee in rank order (checked by the caller).
    /// @param records The block's records, in acceptance order.
    /// @param provers The committee's share of the block, after FEE_BURN.
    /// @return credit The split.
    function settleBlock(
        BlockContext calldata block_,
        address[] calldata committee,
        bytes[] calldata records,
        uint256 provers
    ) external view returns (BlockCredit memory credit);
}
