// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title EpochClock
/// @notice The protocol's clock. Time is counted in L1 blocks: epoch `e` covers the blocks
/// `[GENESIS_BLOCK + e * EPOCH_LENGTH, GENESIS_BLOCK + (e + 1) * EPOCH_LENGTH)`. Every window of the
/// protocol (reveal window, proof window, slashing window, exit delay) is a number of L1 blocks.
/// @dev The TypeScript mirror is `src/protocol/epoch.ts`; `test/epoch.test.ts` checks both agree.
abstract contract EpochClock {
    /// @notice The epoch length is zero.
    error EpochLengthZero();
    /// @notice A block number before the clock's genesis was given.
    error BlockBeforeGenesis(uint256 blockNumber, uint256 genesisBlock);
    /// @notice The genesis block lies in the future.
    error GenesisInFuture(uint256 genesisBlock, uint256 blockNumber);

    /// @notice L1 block at which epoch 0 starts: the stake table's deployment block. Modules
    /// that run on the same clock copy it from the stake table.
    uint256 public immutable GENESIS_BLOCK;
    /// @notice Epoch length E, in L1 blocks.
    uint256 public immutable EPOCH_LENGTH;

    constructor(uint256 genesisBlock, uint256 epochLength) {
        if (epochLength == 0) revert EpochLengthZero();
        if (genesisBlock > block.number) revert GenesisInFuture(genesisBlock, block.number);
        GENESIS_BLOCK = genesisBlock;
        EPOCH_LENGTH = epochLength;
    }

    /// @notice The epoch the current block belongs to.
    function currentEpoch() public view returns (uint256) {
        // block.number >= GENESIS_BLOCK always holds after construction.
        return (block.number - GENESIS_BLOCK) / EPOCH_LENGTH;
    }

    /// @notice The epoch that L1 block `blockNumber` belongs to.
    function epochAt(uint256 blockNumber) public view returns (uint256) {
        if (blockNumber < GENESIS_BLOCK) revert BlockBeforeGenesis(blockNumber, GENESIS_BLOCK);
        return (blockNumber - GENESIS_BLOCK) / EPOCH_LENGTH;
    }

    /// @notice The first L1 block of `epoch`.
    function epochStartBlock(uint256 epoch) public view returns (uint256) {
        return GENESIS_BLOCK + epoch * EPOCH_LENGTH;
    }
}
