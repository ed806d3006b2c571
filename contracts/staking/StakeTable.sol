// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

import {BLS, G1Point, G2Point} from "../crypto/BLS.sol";
import {IStakeTable} from "../interfaces/IStakeTable.sol";
import {EpochClock} from "./EpochClock.sol";
import {RandaoBeacon} from "./RandaoBeacon.sol";

/// @title StakeTable
/// @notice Provers stake an ERC20 here under a BLS12-381 key (public key in G1). Stake, and the
/// total active stake, are checkpointed per epoch so that elections read snapshots, never live
/// balances.
///
/// When changes count. Every change made in epoch `c` (registration, top-up, exit, slash,
/// ejection) changes the snapshots from epoch `c + ACTIVATION_LAG` on; the snapshots of epochs
/// before that never move again. `ACTIVATION_LAG > LOOKAHEAD` is enforced, so the key set and
/// stake of epoch `e` are fixed before the seed of `e` is known: nobody can grind keys or stake
/// against a known seed.
///
/// Exits. The withdrawer initiates; the operator leaves the active set at
/// `exitEpoch = c + ACTIVATION_LAG` and can withdraw from block
/// `epochStartBlock(exitEpoch) + EXIT_DELAY`. The delay counts from the first block in which the
/// operator can no longer be elected, and `EXIT_DELAY >= PROOF_WINDOW + SLASHING_WINDOW`, so every
/// block it was elected for has closed its proof window and its slashing window before the stake
/// leaves. Until then the balance stays slashable.
///
/// Slashing. Only `SLASHER_ROLE` may slash. Slashed tokens go to `SLASH_SINK`, fixed at deployment
/// (the default deployment uses the burn address 0x…dEaD, so no party profits from a slash), except
/// that {slashWithReward} pays a share set by the slashing module to the reporter of the evidence.
/// An active operator left below `MINIMUM_STAKE` is ejected: it exits exactly as if its withdrawer
/// had initiated.
///
/// No function loops over operators. Checkpoint lookups are O(log #changes of one operator) or of
/// the total; a seed lookup reads at most `SEED_LOOKBACK` slots.
contract StakeTable is IStakeTable, RandaoBeacon, AccessControl, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Role allowed to call {slash}; granted to the slashing module by the admin.
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");
    /// @notice EIP-712 type of the message a proof of possession signs.
    bytes32 public constant PROOF_OF_POSSESSION_TYPEHASH =
        keccak256("ProofOfPossession(address operator,bytes32 publicKeyHash)");
    /// @dev 100% in basis points (the reporter's share of a slash).
    uint256 private constant BPS = 10_000;

    /// @notice Deployment parameters.
    struct Config {
        IERC20 stakeToken;
        uint256 minimumStake;
        uint256 epochLength;
        uint256 activationLag;
        uint256 lookahead;
        uint256 seedLookback;
        uint256 exitDelay;
        uint256 proofWindow;
        uint256 slashingWindow;
        address slashSink;
        address admin;
        /// Initial holder of SLASHER_ROLE (the slashing module); zero for none yet.
        address slasher;
    }

    /// @notice The staked ERC20.
    IERC20 public immutable STAKE_TOKEN;
    /// @notice Minimum stake of an active operator, in token units.
    uint256 public immutable MINIMUM_STAKE;
    /// @notice Epochs between a change and the first snapshot it affects.
    uint256 public immutable ACTIVATION_LAG;
    /// @notice L1 blocks between leaving the active set and withdrawing.
    uint256 public immutable EXIT_DELAY;
    /// @notice L1 blocks during which root proofs of a block count (read by later modules).
    uint256 public immutable PROOF_WINDOW;
    /// @notice L1 blocks after the proof window during which evidence can still be slashed.
    uint256 public immutable SLASHING_WINDOW;
    /// @notice Receiver of slashed tokens.
    address public immutable SLASH_SINK;

    /// @dev One slot: who may withdraw, and the lifecycle status.
    struct Operator {
        address withdrawer;
        Status status;
    }

    /// @dev One slot: the operator's latest balance (the latest checkpoint of its history: the
    /// value and the epoch from which it counts) and its exit epoch (0 unless exiting). From
    /// `exitEpoch` on its stake counts as zero (see {stakeAt}), so an exit never writes the
    /// operator's checkpoints. Why a second copy of the latest checkpoint: {stakeAt} for any
    /// epoch at or after `fromEpoch`, the election's case, is then one storage read instead of
    /// the three a checkpoint lookup and the status check need (about 4.2k gas per reveal).
    struct StakeHead {
        uint48 fromEpoch;
        uint48 exitEpoch;
        uint160 balance;
    }

    mapping(address operator => Operator) private _operators;
    mapping(address operator => StakeHead) private _heads;
    /// @dev The operator's balance history: the tokens it holds, keyed by the epoch from which
    /// each value counts. Its latest value is the slashable balance (active or exiting), equal to
    /// `_heads[operator].balance`; its value at an epoch before `exitEpoch` is the stake counted in
    /// that epoch.
    mapping(address operator => Checkpoints.Trace208) private _stake;
    mapping(bytes32 publicKeyHash => address) private _operatorOfKey;
    Checkpoints.Trace208 private _totalStake;

    constructor(
        Config memory config
    )
        EpochClock(block.number, config.epochLength)
        RandaoBeacon(config.lookahead, config.seedLookback)
        EIP712("ProverNetwork StakeTable", "1")
    {
        if (address(config.stakeToken) == address(0)) revert ZeroAddress();
        if (config.slashSink == address(0) || config.admin == address(0)) revert ZeroAddress();
        if (config.minimumStake == 0) revert MinimumStakeZero();
        if (config.activationLag <= config.lookahead) {
            revert ActivationLagTooShort(config.activationLag, config.lookahead);
        }
        uint256 minimumExitDelay = config.proofWindow + config.slashingWindow;
        if (config.exitDelay < minimumExitDelay) {
            revert ExitDelayTooShort(config.exitDelay, minimumExitDelay);
        }
        STAKE_TOKEN = config.stakeToken;
        MINIMUM_STAKE = config.minimumStake;
        ACTIVATION_LAG = config.activationLag;
        EXIT_DELAY = config.exitDelay;
        PROOF_WINDOW = config.proofWindow;
        SLASHING_WINDOW = config.slashingWindow;
        SLASH_SINK = config.slashSink;
        _grantRole(DEFAULT_ADMIN_ROLE, config.admin);
        if (config.slasher != address(0)) _grantRole(SLASHER_ROLE, config.slasher);
        // Opens the total-stake history at epoch 0 with zero, so that the first registration
        // extends an existing array instead of also paying to create its length slot.
        _totalStake.push(0, 0);
    }

    // ---------------------------------------------------------------------------------------
    // Registration and stake changes
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc IStakeTable
    function register(
        address operator,
        address withdrawer,
        uint256 amount,
        G1Point calldata publicKey,
        G2Point calldata proofOfPossession
    ) external nonReentrant {
        if (msg.sender != operator) revert CallerNotOperator(msg.sender, operator);
        if (withdrawer == address(0)) revert ZeroAddress();
        if (amount < MINIMUM_STAKE) revert StakeBelowMinimum(amount, MINIMUM_STAKE);
        Operator storage op = _operators[operator];
        if (op.status != Status.None) revert OperatorAlreadyRegistered(operator);
        bytes32 keyHash = _publicKeyHash(publicKey);
        if (_operatorOfKey[keyHash] != address(0)) revert PublicKeyAlreadyRegistered(keyHash);

        // The PoP binds the key to (chain, this contract, operator): it cannot be replayed for
        // another operator, chain or deployment. The pairing also subgroup-checks both points.
        bytes memory message = abi.encodePacked(_proofOfPossessionDigest(operator, keyHash));
        if (!BLS.verifyProofOfPossession(publicKey, message, proofOfPossession)) {
            revert InvalidProofOfPossession(operator);
        }

        op.withdrawer = withdrawer;
        op.status = Status.Active;
        _operatorOfKey[keyHash] = operator;
        uint256 effectiveEpoch = _effectiveEpoch();
        _pushBalance(operator, effectiveEpoch, amount, 0);
        _addTotal(effectiveEpoch, amount);

        STAKE_TOKEN.safeTransferFrom(msg.sender, address(this), amount);
        emit OperatorRegistered(operator, withdrawer, keyHash, publicKey, amount, effectiveEpoch);
    }

    /// @inheritdoc IStakeTable
    function topUp(address operator, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Operator storage op = _operators[operator];
        if (msg.sender != operator && msg.sender != op.withdrawer) {
            revert CallerNotOperatorOrWithdrawer(msg.sender, operator);
        }
        if (op.status != Status.Active) revert OperatorNotActive(operator);

        uint256 newStake = _heads[operator].balance + amount;
        uint256 effectiveEpoch = _effectiveEpoch();
        _pushBalance(operator, effectiveEpoch, newStake, 0);
        _addTotal(effectiveEpoch, amount);

        STAKE_TOKEN.safeTransferFrom(msg.sender, address(this), amount);
        emit StakeIncreased(operator, amount, newStake, effectiveEpoch);
    }

    /// @inheritdoc IStakeTable
    function initiateExit(address operator) external {
        Operator storage op = _operators[operator];
        if (msg.sender != op.withdrawer) revert CallerNotWithdrawer(msg.sender, operator);
        if (op.status != Status.Active) revert OperatorNotActive(operator);
        _startExit(operator, op, false);
    }

    /// @inheritdoc IStakeTable
    function finalizeExit(address operator, address recipient) external nonReentrant {
        if (recipient == address(0)) revert ZeroAddress();
        Operator storage op = _operators[operator];
        if (msg.sender != op.withdrawer) revert CallerNotWithdrawer(msg.sender, operator);
        if (op.status != Status.Exiting) revert OperatorNotExiting(operator);
        StakeHead storage head = _heads[operator];
        uint256 withdrawableAt = _withdrawableAt(head.exitEpoch);
        if (block.number < withdrawableAt) {
            revert ExitNotReady(operator, withdrawableAt, block.number);
        }

        uint256 amount = head.balance;
        op.status = Status.Exited;

        if (amount != 0) STAKE_TOKEN.safeTransfer(recipient, amount);
        emit ExitFinalized(operator, recipient, amount);
    }

    // ---------------------------------------------------------------------------------------
    // Slashing
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc IStakeTable
    function slash(
        address operator,
        uint256 amount,
        bytes32 reason
    ) external onlyRole(SLASHER_ROLE) nonReentrant returns (uint256 slashed) {
        (slashed, ) = _slash(operator, amount, reason, address(0), 0);
    }

    /// @inheritdoc IStakeTable
    function slashWithReward(
        address operator,
        uint256 amount,
        bytes32 reason,
        address reporter,
        uint256 reporterBps
    ) external onlyRole(SLASHER_ROLE) nonReentrant returns (uint256 slashed, uint256 reward) {
        if (reporter == address(0)) revert ZeroAddress();
        if (reporterBps > BPS) revert InvalidReporterBps(reporterBps);
        return _slash(operator, amount, reason, reporter, reporterBps);
    }

    // ---------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc IStakeTable
    function stakeAt(address operator, uint256 epoch) external view returns (uint256) {
        return _stakeAt(operator, SafeCast.toUint48(epoch));
    }

    /// @inheritdoc IStakeTable
    function stakesAt(
        address[] calldata operators,
        uint256 epoch
    ) external view returns (uint256[] memory stakes) {
        uint48 key = SafeCast.toUint48(epoch);
        uint256 count = operators.length;
        stakes = new uint256[](count);
        for (uint256 i = 0; i < count; ) {
            address operator = operators[i];
            if (operator != address(0)) stakes[i] = _stakeAt(operator, key);
            unchecked {
                ++i;
            }
        }
    }

    /// @inheritdoc IStakeTable
    function totalStakeAt(uint256 epoch) external view returns (uint256) {
        return _totalStake.upperLookupRecent(SafeCast.toUint48(epoch));
    }

    /// @inheritdoc IStakeTable
    function operatorOfKey(bytes32 keyHash) external view returns (address) {
        return _operatorOfKey[keyHash];
    }

    /// @inheritdoc IStakeTable
    function operatorInfo(address operator) external view returns (OperatorView memory info) {
        Operator storage op = _operators[operator];
        info.status = op.status;
        info.withdrawer = op.withdrawer;
        StakeHead storage head = _heads[operator];
        if (op.status == Status.Active || op.status == Status.Exiting) {
            info.balance = head.balance;
        }
        if (op.status == Status.Exiting || op.status == Status.Exited) {
            info.exitEpoch = head.exitEpoch;
            info.withdrawableAt = _withdrawableAt(head.exitEpoch);
        }
    }

    /// @inheritdoc IStakeTable
    function proofOfPossessionMessage(
        address operator,
        G1Point calldata publicKey
    ) external view returns (bytes32) {
        return _proofOfPossessionDigest(operator, _publicKeyHash(publicKey));
    }

    /// @notice keccak256 of the 128-byte precompile encoding of `publicKey`.
    function publicKeyHash(G1Point calldata publicKey) external pure returns (bytes32) {
        return _publicKeyHash(publicKey);
    }

    // ---------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------

    /// @dev Takes up to `amount` from the operator's balance: `reward = slashed * reporterBps /
    /// BPS` to `reporter` (none when `reporter` is zero) and the rest to SLASH_SINK. Ejects an
    /// active operator left below MINIMUM_STAKE.
    function _slash(
        address operator,
        uint256 amount,
        bytes32 reason,
        address reporter,
        uint256 reporterBps
    ) private returns (uint256 slashed, uint256 reward) {
        if (amount == 0) revert ZeroAmount();
        Operator storage op = _operators[operator];
        Status status = op.status;
        StakeHead memory head = _heads[operator];
        uint256 balance = status == Status.Active || status == Status.Exiting ? head.balance : 0;
        if (balance == 0) revert NothingToSlash(operator);
        slashed = amount < balance ? amount : balance;
        uint256 remaining = balance - slashed;
        uint256 effectiveEpoch = _effectiveEpoch();
        _pushBalance(operator, effectiveEpoch, remaining, head.exitEpoch);
        if (status == Status.Active) {
            _subTotal(effectiveEpoch, slashed);
            if (remaining < MINIMUM_STAKE) _startExit(operator, op, true);
        }
        // An exiting operator's stake already left the total at its exit epoch, and this push
        // lands at or after that epoch, where its stake counts as zero.

        reward = (slashed * reporterBps) / BPS;
        if (reward != 0) STAKE_TOKEN.safeTransfer(reporter, reward);
        if (slashed != reward) STAKE_TOKEN.safeTransfer(SLASH_SINK, slashed - reward);
        emit Slashed(operator, slashed, remaining, reason);
        if (reporter != address(0)) emit ReporterRewarded(operator, reporter, reward);
    }

    /// @dev The first epoch whose snapshot a change made now affects.
    function _effectiveEpoch() private view returns (uint256) {
        return currentEpoch() + ACTIVATION_LAG;
    }

    function _withdrawableAt(uint256 exitEpoch) private view returns (uint256) {
        return epochStartBlock(exitEpoch) + EXIT_DELAY;
    }

    /// @dev Takes the operator out of the active set from the effective epoch. Its balance stays
    /// in its checkpoints (slashable) until {finalizeExit}.
    function _startExit(address operator, Operator storage op, bool ejected) private {
        StakeHead storage head = _heads[operator];
        uint256 balance = head.balance;
        uint256 exitEpoch = _effectiveEpoch();
        _subTotal(exitEpoch, balance);
        op.status = Status.Exiting;
        head.exitEpoch = SafeCast.toUint48(exitEpoch);
        emit ExitInitiated(operator, balance, exitEpoch, _withdrawableAt(exitEpoch), ejected);
    }

    function _addTotal(uint256 epoch, uint256 amount) private {
        _totalStake.push(
            SafeCast.toUint48(epoch),
            SafeCast.toUint208(_totalStake.latest() + amount)
        );
    }

    function _subTotal(uint256 epoch, uint256 amount) private {
        // The total is the sum of the active operators' latest stakes, so it covers `amount`.
        _totalStake.push(SafeCast.toUint48(epoch), uint208(_totalStake.latest() - amount));
    }

    /// @dev The stake counted at `epoch`: zero from the exit epoch on, the head's balance from
    /// its epoch on (one read), and otherwise the checkpoint history (a change still pending).
    function _stakeAt(address operator, uint48 epoch) private view returns (uint256) {
        StakeHead memory head = _heads[operator];
        if (head.exitEpoch != 0 && epoch >= head.exitEpoch) return 0;
        if (epoch >= head.fromEpoch) return head.balance;
        return _stake[operator].upperLookupRecent(epoch);
    }

    /// @dev Records a new latest balance counting from `epoch`, in the history and the head.
    function _pushBalance(
        address operator,
        uint256 epoch,
        uint256 balance,
        uint48 exitEpoch
    ) private {
        uint48 key = SafeCast.toUint48(epoch);
        uint160 value = SafeCast.toUint160(balance);
        _stake[operator].push(key, value);
        _heads[operator] = StakeHead(key, exitEpoch, value);
    }

    function _publicKeyHash(G1Point calldata publicKey) private pure returns (bytes32) {
        return keccak256(abi.encode(publicKey));
    }

    function _proofOfPossessionDigest(
        address operator,
        bytes32 keyHash
    ) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(PROOF_OF_POSSESSION_TYPEHASH, operator, keyHash))
            );
    }
}
