// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {ISiblingCoverPolicy} from "../interfaces/ISiblingCoverPolicy.sol";
import {PolicyRecord} from "./PolicyRecord.sol";
import {SiblingCover} from "./SiblingCover.sol";

/// @title SiblingCoverPolicy
/// @notice Seeds 003/004 (`docs/policies.md` section 4): one tree per block, leaves elected,
/// merges built by one of the two provers below, a sibling covering a failed prover (unpaid but
/// active), and uncle rewards checked by {checkUncle}. The rules live in {SiblingCover}; this
/// contract holds `UNCLE_REWARD` and the final records' hashes, namespaced by the caller.
contract SiblingCoverPolicy is ISiblingCoverPolicy {
    /// @inheritdoc IAssignmentPolicy
    uint256 public constant POLICY_ID = PolicyRecord.SIBLING_COVER;

    /// @inheritdoc ISiblingCoverPolicy
    uint256 public immutable UNCLE_REWARD;

    /// @dev keccak256 of the finalizing record, by caller (lifecycle) and slot.
    mapping(address lifecycle => mapping(uint256 slot => bytes32 hash)) private _finalRecord;

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
    /// @dev Checks the length `2L - 1` and that the root is credited to its assigned prover or
    /// its sibling; if `first`, stores the record's hash under (caller, slot).
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
}
