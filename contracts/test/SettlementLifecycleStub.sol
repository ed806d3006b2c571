// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {IProverRewards} from "../interfaces/IProverRewards.sol";
import {RootDigest} from "../lifecycle/RootDigest.sol";

/// @notice Test only. Stands in for BlockLifecycle towards ProverRewards so that settlement can
/// be measured at parameter points no test can elect a committee for cheaply (m = 256, the
/// largest trees): the views settlement reads (clock, policy, epoch context, segment digests),
/// with roots "accepted" by {acceptRoot} chained into their settlement segment's digest exactly
/// as BlockLifecycle does. Every proof window is closed, so every epoch settles at once.
contract SettlementLifecycleStub {
    uint256 public constant SEGMENT_SLOTS = RootDigest.SEGMENT_SLOTS;
    bool public constant FEE_SPLIT_SCORING = false;
    IAssignmentPolicy public constant POLICY = IAssignmentPolicy(address(0));

    address public immutable STAKE_TABLE;
    uint256 public immutable EPOCH_LENGTH;
    uint256 public immutable SLOT_LENGTH;

    mapping(uint256 epoch => IBlockLifecycle.EpochContext) private _epochs;
    mapping(uint256 key => bytes32) private _digests;
    mapping(uint256 epoch => uint256) private _segments;

    constructor(address stakeTable, uint256 epochLength, uint256 slotLength) {
        STAKE_TABLE = stakeTable;
        EPOCH_LENGTH = epochLength;
        SLOT_LENGTH = slotLength;
    }

    function currentEpoch() external pure returns (uint256) {
        return 0;
    }

    function epochOfSlot(uint256 slot) external view returns (uint256) {
        return (slot * SLOT_LENGTH) / EPOCH_LENGTH;
    }

    function proofWindow(uint256) external pure returns (uint256 opensAt, uint256 closesAt) {
        return (0, 0);
    }

    function epochContext(
        uint256 epoch
    ) external view returns (IBlockLifecycle.EpochContext memory) {
        return _epochs[epoch];
    }

    function rootDigest(uint256 epoch, uint256 segment) external view returns (bytes32) {
        return _digests[(epoch << 8) | segment];
    }

    function rootSegments(uint256 epoch) external view returns (uint256) {
        return _segments[epoch];
    }

    function setCommittee(
        uint256 epoch,
        address[] calldata committee,
        uint8 treeCount,
        uint32 maxLeafCount,
        bytes32 seed
    ) external {
        _epochs[epoch] = IBlockLifecycle.EpochContext({
            seed: seed,
            commitment: keccak256(abi.encode(committee)),
            size: uint16(committee.length),
            treeCount: treeCount,
            maxLeafCount: maxLeafCount,
            committeeTag: bytes24(0)
        });
    }

    function acceptRoot(IProverRewards.RootEntry calldata root) external {
        uint256 slotsPerEpoch = EPOCH_LENGTH / SLOT_LENGTH;
        uint256 epoch = root.slot / slotsPerEpoch;
        uint256 segment = (root.slot % slotsPerEpoch) / SEGMENT_SLOTS;
        uint256 key = (epoch << 8) | segment;
        _segments[epoch] |= uint256(1) << segment;
        _digests[key] = RootDigest.extend(
            _digests[key],
            RootDigest.entryHash(
                root.slot,
                root.tree,
                root.proposer,
                root.feeSplitBps,
                root.submitter,
                keccak256(root.record)
            )
        );
    }
}
