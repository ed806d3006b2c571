// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EpochClock} from "./EpochClock.sol";

/// @title RandaoBeacon
/// @notice Per-epoch RANDAO checkpoints and the epoch seeds derived from them.
///
/// Checkpoints. `block.prevrandao` is recorded at most once per epoch: the first call of
/// {checkpointRandao} (by anyone) in an epoch, or the first state-changing protocol call that needs
/// a seed (through {_ensureRandaoCheckpoint}), stores it. The constructor checkpoints epoch 0.
///
/// Seeds. The seed of epoch `e` is `keccak256(abi.encode(SEED_DOMAIN, checkpoint[s], e))`, where `s`
/// is the latest checkpointed epoch with `e - LOOKAHEAD - SEED_LOOKBACK < s <= e - LOOKAHEAD`.
/// Because `s` is at least `LOOKAHEAD >= 2` epochs before `e`, the proposers of the blocks near `e`
/// cannot grind it, and it is fixed before the reveal window of `e` (in epoch `e - 1`) opens.
///
/// The no-checkpoint rule. If no epoch in that range was checkpointed (the network was idle for
/// `SEED_LOOKBACK` epochs, or `e < LOOKAHEAD`), epoch `e` has no seed: {seedOf} reverts
/// with {SeedUnavailable} and no committee can be elected for `e`. One checkpoint restarts the
/// beacon: epochs from `LOOKAHEAD` after it have seeds again. The scan is bounded by
/// `SEED_LOOKBACK`, so a lookup never costs more than `SEED_LOOKBACK` storage reads.
///
/// Finality. The seed of `e` is final once no checkpoint can still land in its range, that is
/// once the current epoch is past `e - LOOKAHEAD` or epoch `e - LOOKAHEAD` is already checkpointed.
/// Before that {seedOf} reverts with {SeedNotFinal}. For the next epoch the seed is always final.
abstract contract RandaoBeacon is EpochClock {
    /// @notice Domain tag mixed into every seed.
    bytes32 public constant SEED_DOMAIN = keccak256("PROVERNET_V1_EPOCH_SEED");

    /// @notice Lookahead must be at least 2 epochs.
    error LookaheadTooShort(uint256 lookahead);
    /// @notice The seed lookback must be at least one epoch.
    error SeedLookbackZero();
    /// @notice This epoch's RANDAO value was already checkpointed.
    error RandaoAlreadyCheckpointed(uint256 epoch);
    /// @notice No checkpoint lies in the seed range of `epoch` (see the no-checkpoint rule).
    error SeedUnavailable(uint256 epoch);
    /// @notice A checkpoint may still land in the seed range of `epoch`.
    error SeedNotFinal(uint256 epoch);

    /// @notice Emitted when an epoch's RANDAO value is checkpointed.
    event RandaoCheckpointed(uint256 indexed epoch, bytes32 randao, uint256 blockNumber);

    /// @notice Minimum distance, in epochs, between a seed's RANDAO checkpoint and its epoch.
    uint256 public immutable LOOKAHEAD;
    /// @notice How many epochs back from `e - LOOKAHEAD` a seed lookup scans for a checkpoint.
    uint256 public immutable SEED_LOOKBACK;

    /// @dev epoch => keccak256(prevrandao). Hashing keeps a checkpoint nonzero even on chains
    /// whose prevrandao is 0, so "nonzero" means "checkpointed" and one slot is one checkpoint.
    mapping(uint256 epoch => bytes32) private _randao;

    constructor(uint256 lookahead, uint256 seedLookback) {
        if (lookahead < 2) revert LookaheadTooShort(lookahead);
        if (seedLookback == 0) revert SeedLookbackZero();
        LOOKAHEAD = lookahead;
        SEED_LOOKBACK = seedLookback;
        // Epoch 0 is the deployment epoch; currentEpoch() reads immutables, which a function
        // called from the constructor may not, so the epoch is passed in.
        _writeCheckpoint(0);
    }

    /// @notice Checkpoints `block.prevrandao` for the current epoch. Callable by anyone, once per
    /// epoch.
    function checkpointRandao() external {
        if (!_ensureRandaoCheckpoint()) revert RandaoAlreadyCheckpointed(currentEpoch());
    }

    /// @notice Checkpoints `block.prevrandao` for the current epoch unless that is already done.
    /// Callable by anyone; protocol modules that need seeds (the election's reveals) call it so
    /// that the beacon keeps running without a dedicated keeper.
    /// @return written True iff this call wrote the checkpoint.
    function ensureRandaoCheckpoint() external returns (bool written) {
        return _ensureRandaoCheckpoint();
    }

    /// @notice The checkpointed RANDAO value of `epoch` (zero if none).
    function randaoCheckpoint(uint256 epoch) external view returns (bytes32) {
        return _randao[epoch];
    }

    /// @notice The seed of `epoch`; see the contract documentation for the rule.
    function seedOf(uint256 epoch) public view returns (bytes32) {
        if (epoch < LOOKAHEAD) revert SeedUnavailable(epoch);
        uint256 newest = epoch - LOOKAHEAD;
        uint256 current = currentEpoch();
        if (newest > current || (newest == current && _randao[newest] == 0)) {
            revert SeedNotFinal(epoch);
        }
        uint256 oldest = newest + 1 > SEED_LOOKBACK ? newest + 1 - SEED_LOOKBACK : 0;
        for (uint256 s = newest + 1; s > oldest; --s) {
            bytes32 value = _randao[s - 1];
            if (value != 0) return keccak256(abi.encode(SEED_DOMAIN, value, epoch));
        }
        revert SeedUnavailable(epoch);
    }

    /// @dev Checkpoints the current epoch if it is not yet; returns whether it wrote.
    function _ensureRandaoCheckpoint() internal returns (bool) {
        uint256 epoch = currentEpoch();
        if (_randao[epoch] != 0) return false;
        _writeCheckpoint(epoch);
        return true;
    }

    function _writeCheckpoint(uint256 epoch) private {
        bytes32 value = keccak256(abi.encode(block.prevrandao));
        _randao[epoch] = value;
        emit RandaoCheckpointed(epoch, value, block.number);
    }
}
