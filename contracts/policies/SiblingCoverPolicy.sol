// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {IProverRewards} from "../interfaces/IProverRewards.sol";
import {ISiblingCoverPolicy} from "../interfaces/ISiblingCoverPolicy.sol";
import {TreeAssignment} from "../election/TreeAssignment.sol";
import {BlockLifecycle} from "../lifecycle/BlockLifecycle.sol";
import {RootInputs} from "../lifecycle/RootInputs.sol";
import {ProverRewards} from "../rewards/ProverRewards.sol";
import {PolicyRecord} from "./PolicyRecord.sol";
import {SiblingCover} from "./SiblingCover.sol";

/// @title SiblingCoverPolicy
/// @notice Seeds 003/004 (`docs/policies.md` section 4): one tree per block, leaves elected,
/// merges built by one of the two provers below, a sibling covering a failed prover (unpaid but
/// active), and uncle rewards claimed here ({claimUncle}) and paid by the rewards contract out
/// of its pool, inside its per-block policy-reward budget. The rules live in {SiblingCover};
/// this contract holds `UNCLE_REWARD`, the final records' hashes (namespaced by lifecycle) and
/// the claimed uncles (namespaced by rewards contract), so one instance can serve several
/// deployments.
contract SiblingCoverPolicy is ISiblingCoverPolicy, ReentrancyGuardTransient {
    /// @inheritdoc IAssignmentPolicy
    uint256 public constant POLICY_ID = PolicyRecord.SIBLING_COVER;

    /// @inheritdoc ISiblingCoverPolicy
    uint256 public immutable UNCLE_REWARD;

    /// @notice Domain tag of uncle-proof public inputs.
    bytes32 public constant UNCLE_PROOF_DOMAIN = RootInputs.NODE_PROOF_DOMAIN;

    /// @dev keccak256 of the finalizing record, by caller (lifecycle) and slot.
    mapping(address lifecycle => mapping(uint256 slot => bytes32 hash)) private _finalRecord;
    /// @dev Claimed uncle rewards, by rewards contract and keccak256(slot, node, member).
    mapping(address rewards => mapping(bytes32 uncleKey => bool)) private _uncleClaimed;

    /// @param uncleReward Tokens per uncle claim, above zero.
    constructor(uint256 uncleReward) {
        if (uncleReward == 0) revert InvalidPolicyParameter("uncleReward", uncleReward);
        UNCLE_REWARD = uncleReward;
    }

    /// @inheritdoc IAssignmentPolicy
    /// @dev Always 1.
    function treeCount(uint256, uint256 committeeSize) external pure returns (uint256) {
        PolicyRecord.checkCommittee(committeeSize);
        return 1;
    }

    /// @inheritdoc IAssignmentPolicy
    /// @dev Checks the length `2L - 1` and that the root is credited to its assigned prover, its
    /// sibling or NONE; if `first`, stores the record's hash under (caller, slot).
    function acceptRoot(
        BlockContext calldata block_,
        uint256,
        bool first,
        bytes calldata record
    ) external {
        SiblingCover.checkRoot(record, block_.committeeSize, block_.seed, block_.leafCount);
        if (first) _finalRecord[msg.sender][block_.slot] = keccak256(record);
    }

    /// @inheritdoc IAssignmentPolicy
    function settleBlock(
        BlockContext calldata block_,
        address[] calldata committee,
        bytes[] calldata records,
        uint256 provers
    ) external pure returns (BlockCredit memory credit) {
        return SiblingCover.settle(block_, committee, records, provers);
    }

    /// @inheritdoc ISiblingCoverPolicy
    function finalRecordHash(address lifecycle, uint256 slot) external view returns (bytes32) {
        return _finalRecord[lifecycle][slot];
    }

    /// @inheritdoc ISiblingCoverPolicy
    function claimUncle(
        IProverRewards rewards,
        uint256 slot,
        uint256 node,
        uint256 memberIndex,
        address[] calldata committee,
        bytes calldata finalRecord,
        bytes calldata proof
    ) external nonReentrant returns (uint256 paid) {
        BlockLifecycle lifecycle = _claim(rewards, slot, node, memberIndex, committee, finalRecord);
        bytes32 inputs = unclePublicInputs(address(lifecycle), slot, node, msg.sender);
        if (!lifecycle.VERIFIER().verify(inputs, proof)) {
            revert InvalidUncleProof(slot, node, memberIndex);
        }
        paid = rewards.payPolicyReward(slot, msg.sender, memberIndex, UNCLE_REWARD);
        emit UncleRewarded(address(rewards), slot, node, memberIndex, paid);
    }

    /// @inheritdoc ISiblingCoverPolicy
    function unclePublicInputs(
        address lifecycle,
        uint256 slot,
        uint256 node,
        address member
    ) public view returns (bytes32) {
        return
            RootInputs.nodePublicInputs(
                block.chainid,
                lifecycle,
                BlockLifecycle(lifecycle).blockCommitment(slot),
                node,
                member
            );
    }

    /// @inheritdoc ISiblingCoverPolicy
    function uncleClaimed(
        address rewards,
        uint256 slot,
        uint256 node,
        uint256 member
    ) external view returns (bool) {
        return _uncleClaimed[rewards][keccak256(abi.encode(slot, node, member))];
    }

    /// @inheritdoc ISiblingCoverPolicy
    /// @dev Also reverts with `InvalidRecordLength` unless the record has `2L - 1` bytes.
    function checkUncle(
        BlockContext calldata block_,
        bytes calldata finalRecord,
        uint256 node,
        uint256 member
    ) external pure {
        SiblingCover.checkUncle(
            block_.committeeSize,
            block_.seed,
            block_.leafCount,
            finalRecord,
            node,
            member
        );
    }

    /// @notice The committee index assigned to prove `node`.
    /// @param m Committee size.
    /// @param seed The block seed.
    /// @param leafCount Leaves L.
    /// @param node The heap node, in `[1, 2L - 1]`.
    /// @return The assigned prover.
    function assignedOf(
        uint256 m,
        bytes32 seed,
        uint256 leafCount,
        uint256 node
    ) external pure returns (uint256) {
        (uint256 assigned, ) = SiblingCover.pairOf(m, seed, leafCount, node);
        return assigned;
    }

    /// @notice The committee index that may cover `node` when its assigned prover fails.
    /// @param m Committee size.
    /// @param seed The block seed.
    /// @param leafCount Leaves L.
    /// @param node The heap node, in `[1, 2L - 1]`.
    /// @return The sibling.
    function siblingOf(
        uint256 m,
        bytes32 seed,
        uint256 leafCount,
        uint256 node
    ) external pure returns (uint256) {
        (, uint256 sibling) = SiblingCover.pairOf(m, seed, leafCount, node);
        return sibling;
    }

    /// @notice Every node's assigned prover and sibling (entry `n` for node `n`; entry 0 unused).
    /// @param m Committee size.
    /// @param seed The block seed.
    /// @param leafCount Leaves L.
    /// @return assigned Per node, its assigned prover.
    /// @return sibling Per node, its sibling.
    function proverTable(
        uint256 m,
        bytes32 seed,
        uint256 leafCount
    ) external pure returns (uint256[] memory assigned, uint256[] memory sibling) {
        return SiblingCover.provers(m, seed, leafCount);
    }

    /// @dev Checks an uncle claim's block (final, window open), committee and claimant; returns
    /// the policy's view of the block.
    function _uncleContext(
        BlockLifecycle lifecycle,
        uint256 slot,
        uint256 memberIndex,
        address[] calldata committee
    ) private view returns (BlockContext memory ctx) {
        IBlockLifecycle.BlockView memory view_ = lifecycle.getBlock(slot);
        if (view_.status != IBlockLifecycle.BlockStatus.Final) {
            revert UncleBlockNotFinal(slot, view_.status);
        }
        (uint256 opensAt, uint256 closesAt) = lifecycle.proofWindow(slot);
        if (block.number < opensAt || block.number > closesAt) {
            revert UncleOutsideWindow(slot, opensAt, closesAt);
        }
        uint256 epoch = lifecycle.epochOfSlot(slot);
        IBlockLifecycle.EpochContext memory context = lifecycle.epochContext(epoch);
        bytes32 given = keccak256(abi.encode(committee));
        if (given != context.commitment) {
            revert UncleCommitteeMismatch(epoch, context.commitment, given);
        }
        if (memberIndex >= committee.length || committee[memberIndex] != msg.sender) {
            revert NotCommitteeMember(memberIndex, msg.sender);
        }
        ctx = BlockContext({
            slot: slot,
            seed: TreeAssignment.blockSeed(context.seed, slot),
            committeeSize: context.size,
            treeCount: context.treeCount,
            leafCount: view_.leafCount,
            proposer: view_.proposer
        });
    }

    /// @dev Every check of {claimUncle} but the proof, then marks the claim (a failed proof check
    /// reverts it); returns the lifecycle.
    function _claim(
        IProverRewards rewards,
        uint256 slot,
        uint256 node,
        uint256 memberIndex,
        address[] calldata committee,
        bytes calldata finalRecord
    ) private returns (BlockLifecycle lifecycle) {
        lifecycle = ProverRewards(address(rewards)).LIFECYCLE();
        address policy = address(lifecycle.POLICY());
        if (policy != address(this)) revert NotRewardsPolicy(address(rewards), policy);
        BlockContext memory ctx = _uncleContext(lifecycle, slot, memberIndex, committee);
        bytes32 key = keccak256(abi.encode(slot, node, memberIndex));
        mapping(bytes32 => bool) storage claimed = _uncleClaimed[address(rewards)];
        if (claimed[key]) revert UncleAlreadyClaimed(slot, node, memberIndex);
        _checkFinalRecord(address(lifecycle), slot, finalRecord);
        _checkUncle(ctx, finalRecord, node, memberIndex);
        claimed[key] = true;
    }

    /// @dev Reverts unless `finalRecord` is the record that finalized `slot`'s block.
    function _checkFinalRecord(
        address lifecycle,
        uint256 slot,
        bytes calldata finalRecord
    ) private view {
        bytes32 expected = _finalRecord[lifecycle][slot];
        bytes32 given = keccak256(finalRecord);
        if (given != expected) revert FinalRecordMismatch(slot, expected, given);
    }

    /// @dev {SiblingCover.checkUncle} on the block `ctx`.
    function _checkUncle(
        BlockContext memory ctx,
        bytes calldata finalRecord,
        uint256 node,
        uint256 memberIndex
    ) private pure {
        SiblingCover.checkUncle(
            ctx.committeeSize,
            ctx.seed,
            ctx.leafCount,
            finalRecord,
            node,
            memberIndex
        );
    }
}
