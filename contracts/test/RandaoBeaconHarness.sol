// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EpochClock} from "../staking/EpochClock.sol";
import {RandaoBeacon} from "../staking/RandaoBeacon.sol";

/// @title RandaoBeaconHarness
/// @notice Test-only: a minimal protocol contract whose state-changing action needs a seed, to show
/// that such calls checkpoint RANDAO automatically (at most once per epoch) before reading seeds.
contract RandaoBeaconHarness is RandaoBeacon {
    /// @notice Emitted by {actionNeedingSeed}.
    event SeedUsed(uint256 indexed epoch, bytes32 seed, bool checkpointed);

    constructor(
        uint256 epochLength,
        uint256 lookahead,
        uint256 seedLookback
    ) EpochClock(block.number, epochLength) RandaoBeacon(lookahead, seedLookback) {}

    /// @notice A stand-in for a later layer's reveal: checkpoints if needed, then reads the seed of
    /// the next epoch.
    function actionNeedingSeed() external returns (bool checkpointed) {
        checkpointed = _ensureRandaoCheckpoint();
        uint256 epoch = currentEpoch() + 1;
        emit SeedUsed(epoch, seedOf(epoch), checkpointed);
    }
}
