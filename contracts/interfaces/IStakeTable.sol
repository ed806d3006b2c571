// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {G1Point, G2Point} from "../crypto/BLS.sol";

/// @title IStakeTable
/// @notice The prover network's stake table: who is staked, with which BLS key, and how much stake
/// each operator (and the whole table) has at every epoch.
interface IStakeTable {
    /// @notice Lifecycle of an operator.
    /// None: never registered. Active: in the active set (from its activation epoch on).
    /// Exiting: leaves the active set at `exitEpoch`; its balance stays slashable until finalized.
    /// Exited: stake withdrawn; the operator address and its key can never register again.
    enum Status {
        None,
        Active,
        Exiting,
        Exited
    }

    /// @notice A read-only view of an operator.
    struct OperatorView {
        Status status;
        address withdrawer;
        /// Tokens the table holds for the operator: its stake while active, its pending
        /// withdrawal while exiting.
        uint256 balance;
        /// First epoch in which the operator is no longer in the active set (0 unless exiting).
        uint256 exitEpoch;
        /// First L1 block at which {finalizeExit} succeeds (0 unless exiting).
        uint256 withdrawableAt;
    }

    error ZeroAddress();
    error ZeroAmount();
    error StakeBelowMinimum(uint256 amount, uint256 minimum);
    error MinimumStakeZero();
    error ActivationLagTooShort(uint256 activationLag, uint256 lookahead);
    error ExitDelayTooShort(uint256 exitDelay, uint256 minimum);
    error CallerNotOperator(address caller, address operator);
    error CallerNotOperatorOrWithdrawer(address caller, address operator);
    error CallerNotWithdrawer(address caller, address operator);
    error OperatorAlreadyRegistered(address operator);
    error PublicKeyAlreadyRegistered(bytes32 publicKeyHash);
    error InvalidProofOfPossession(address operator);
    error OperatorNotActive(address operator);
    error OperatorNotExiting(address operator);
    error ExitNotReady(address operator, uint256 withdrawableAt, uint256 blockNumber);
    error NothingToSlash(address operator);
    /// @notice The reporter's share is above 10000 basis points.
    error InvalidReporterBps(uint256 reporterBps);

    /// @notice An operator joined. `publicKey` is emitted in full because only its hash is stored.
    event OperatorRegistered(
        address indexed operator,
        address indexed withdrawer,
        bytes32 indexed publicKeyHash,
        G1Point publicKey,
        uint256 amount,
        uint256 effectiveEpoch
    );
    /// @notice Stake was added; `newStake` counts from `effectiveEpoch`.
    event StakeIncreased(
        address indexed operator,
        uint256 amount,
        uint256 newStake,
        uint256 effectiveEpoch
    );
    /// @notice The operator leaves the active set at `exitEpoch`, and can withdraw `amount` (less
    /// any later slash) from block `withdrawableAt`. `ejected` is true when a slash forced it.
    event ExitInitiated(
        address indexed operator,
        uint256 amount,
        uint256 exitEpoch,
        uint256 withdrawableAt,
        bool ejected
    );
    /// @notice The exit completed and `amount` tokens went to `recipient`.
    event ExitFinalized(address indexed operator, address indexed recipient, uint256 amount);
    /// @notice `amount` tokens were slashed; `remaining` stay. They went to the slash sink, except
    /// the share a {ReporterRewarded} event of the same slash names.
    event Slashed(
        address indexed operator,
        uint256 amount,
        uint256 remaining,
        bytes32 indexed reason
    );
    /// @notice `amount` tokens of the operator's slash went to `reporter` (emitted by every
    /// {slashWithReward}, also when the share rounds to zero).
    event ReporterRewarded(address indexed operator, address indexed reporter, uint256 amount);

    /// @notice Registers `operator` with `amount` tokens pulled from the caller, who must be the
    /// operator. `proofOfPossession` is the BLS signature of {proofOfPossessionMessage} under
    /// `publicKey`. The stake counts from epoch `currentEpoch() + ACTIVATION_LAG`.
    function register(
        address operator,
        address withdrawer,
        uint256 amount,
        G1Point calldata publicKey,
        G2Point calldata proofOfPossession
    ) external;

    /// @notice Adds `amount` tokens, pulled from the caller (the operator or its withdrawer).
    function topUp(address operator, uint256 amount) external;

    /// @notice Starts the exit of `operator`; only its withdrawer may call.
    function initiateExit(address operator) external;

    /// @notice Completes the exit and pays the remaining balance to `recipient`; withdrawer only.
    function finalizeExit(address operator, address recipient) external;

    /// @notice Slashes up to `amount` of the operator's balance into the slash sink. Only the
    /// slasher role. Returns the amount actually slashed.
    function slash(address operator, uint256 amount, bytes32 reason) external returns (uint256);

    /// @notice Slashes up to `amount` of the operator's balance, like {slash}, and pays
    /// `floor(slashed * reporterBps / 10000)` of it to `reporter`; the rest goes to the slash sink.
    /// Only the slasher role.
    /// @param operator The operator to slash.
    /// @param amount The most to take; the balance caps it.
    /// @param reason Why (indexed in {Slashed}).
    /// @param reporter Who receives the reward; nonzero.
    /// @param reporterBps The reporter's share in basis points, at most 10000.
    /// @return slashed The amount taken from the operator.
    /// @return reward The part of `slashed` paid to `reporter`.
    function slashWithReward(
        address operator,
        uint256 amount,
        bytes32 reason,
        address reporter,
        uint256 reporterBps
    ) external returns (uint256 slashed, uint256 reward);

    /// @notice The operator's stake counted at `epoch` (0 when not in the active set).
    function stakeAt(address operator, uint256 epoch) external view returns (uint256);

    /// @notice {stakeAt} for many operators in one call (the election's batch reveals); the
    /// zero address gets 0.
    function stakesAt(
        address[] calldata operators,
        uint256 epoch
    ) external view returns (uint256[] memory stakes);

    /// @notice The total stake of the active set at `epoch`.
    function totalStakeAt(uint256 epoch) external view returns (uint256);

    /// @notice The operator that registered the key whose hash is `publicKeyHash`.
    function operatorOfKey(bytes32 keyHash) external view returns (address);

    /// @notice A read-only view of `operator`.
    function operatorInfo(address operator) external view returns (OperatorView memory);

    /// @notice The 32-byte EIP-712 digest that a proof of possession signs.
    function proofOfPossessionMessage(
        address operator,
        G1Point calldata publicKey
    ) external view returns (bytes32);
}
