// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

import {TreeAssignment} from "../election/TreeAssignment.sol";
import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {IProverRewards} from "../interfaces/IProverRewards.sol";
import {IStakeTable} from "../interfaces/IStakeTable.sol";
import {BlockLifecycle} from "../lifecycle/BlockLifecycle.sol";
import {ParticipationRecord} from "../lifecycle/ParticipationRecord.sol";
import {RootDigest} from "../lifecycle/RootDigest.sol";
import {PolicyRecord} from "../policies/PolicyRecord.sol";
import {StakeTable} from "../staking/StakeTable.sol";
import {RewardSplit} from "./RewardSplit.sol";

/// @title ProverRewards
/// @notice Pays the prover network: a funded pool pays a block reward per finalized block, plus
/// the fees deposited for it, split between the proposer, the finalizing submitter and the
/// committee (RewardSplit). The committee's part is paid per chunk, across every root proof
/// accepted inside the window. Balances are per account and claimed by pull, in O(1).
///
/// Settlement. Epochs settle in order, permissionlessly, once the last proof window of their
/// blocks has closed: that is when a prover's claimable balance becomes final. {settleEpoch}
/// replays the epoch's root proofs (RootDigest) from calldata, checks each participation record
/// against the striped assignment once per block (the level permutations are drawn once and
/// shared by the block's c records), credits the proposer and submitter of each finalized block,
/// and writes each committee member's balance and inactivity streak once per epoch. Its cost is
/// bounded by the committee size times the epoch's blocks and records, never by the stake table.
/// An epoch settles in one {settleEpoch} or in parts ({settleEpochPart}): whole settlement
/// segments of the lifecycle's SEGMENT_SLOTS slots each, whose root chains the lifecycle keeps
/// apart, so no settlement transaction grows with the epoch's length. Parts carry the epoch's
/// totals in storage and end exactly where one {settleEpoch} would.
/// why: gas. Writing each member once per epoch instead of once per block saves about 150k per
/// block at n = 32 (32 storage writes); a block's share of settlement is then about 116k
/// (`rewards.settle.perBlock`), most of it the level permutations and the record checks.
///
/// Where value goes. A timed-out or pruned block takes nothing from the pool, and the fees
/// deposited for it return to the pool. The share of a tree with no valid root goes to the pool
/// (default) or is burned (`BURN_UNPROVEN_SHARE`); rounding dust goes to the pool; FEE_BURN and
/// burned shares go to BURN_ADDRESS. Token conservation: the contract holds exactly
/// `pool + pendingFees + sum of claimable balances + returning` (`returning`: what the settled
/// segments of an epoch settled in parts return to the pool when it closes; see
/// {settlementProgress}).
///
/// Policies. Under the lifecycle's POLICY (nonzero), each block's committee share is split by
/// `POLICY.settleBlock` instead of the striped records: the split must add up to the share
/// (`PolicyAccountingMismatch` otherwise), its amounts join the epoch's per-member tally, its
/// proposer part the proposer's sequencing balance, and its `credited` bitmap is the block's
/// activity for the inactivity rule. The block's reward, fees, sequencer and submitter shares are
/// the same for every policy. A policy with a reward rule of its own (siblingCover's uncle
/// rewards, claimed on the policy) pays through {payPolicyReward}, inside a per-block budget.
///
/// Inactivity (seed 001). With k = INACTIVITY_THRESHOLD > 0, a member credited with no chunk in
/// k consecutive finalized blocks it was elected for owes one slash of INACTIVITY_SLASH, executed
/// by anyone through {slashInactive}. Timed-out and pruned blocks never count, so a withholding
/// sequencer cannot get honest provers slashed. k = 0 never slashes liveness (seed 000).
contract ProverRewards is IProverRewards, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;

    /// @notice Where burned tokens go.
    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;
    /// @notice The reason {slashInactive} gives the stake table.
    bytes32 public constant INACTIVITY_REASON = keccak256("INACTIVITY");

    /// @notice The lifecycle whose blocks are paid.
    BlockLifecycle public immutable LIFECYCLE;
    /// @notice The stake table (withdrawers, inactivity slashes).
    StakeTable public immutable STAKE_TABLE;
    /// @notice The token rewards and fees are paid in.
    IERC20 public immutable REWARD_TOKEN;
    /// @notice Paid from the pool per finalized block (less if the pool holds less).
    uint256 public immutable BLOCK_REWARD;
    /// @notice B_sequencer in basis points (when FEE_SPLIT is off).
    uint256 public immutable SEQUENCER_BPS;
    /// @notice B_provers in basis points (when FEE_SPLIT is off).
    uint256 public immutable PROVER_BPS;
    /// @notice B_submitter in basis points.
    uint256 public immutable SUBMITTER_BPS;
    /// @notice FEE_BURN: part of the committee's share that is burned, in basis points.
    uint256 public immutable PROVER_BURN_BPS;
    /// @notice Whether the share of a tree without a valid root is burned (else: to the pool).
    bool public immutable BURN_UNPROVEN_SHARE;
    /// @notice FEE_SPLIT (seed 002): the lifecycle's switch; the proposal's split then decides.
    bool public immutable FEE_SPLIT;
    /// @notice k: misses in a row that make an elected operator slashable; 0 disables.
    uint256 public immutable INACTIVITY_THRESHOLD;
    /// @notice Stake slashed per k misses.
    uint256 public immutable INACTIVITY_SLASH;
    /// @notice Slots per epoch of the lifecycle.
    uint256 public immutable SLOTS_PER_EPOCH;
    /// @notice The lifecycle's assignment policy (zero: striped trees, settled here).
    IAssignmentPolicy public immutable POLICY;
    /// @notice Slots per settlement segment (the lifecycle's SEGMENT_SLOTS).
    uint256 public immutable SEGMENT_SLOTS;
    /// @notice Settlement segments per epoch (the last may be shorter); at most 256.
    uint256 public immutable SEGMENTS_PER_EPOCH;

    /// @dev A committee member's settled state; one slot, written once per settled epoch.
    struct ProverAccount {
        uint128 proving;
        uint32 missStreak;
        uint32 pendingSlashes;
    }

    /// @dev Proposer and submitter balances; one slot.
    struct Payouts {
        uint128 sequencing;
        uint128 submitting;
    }

    /// @dev The settlement of `nextEpoch` so far, carried between {settleEpochPart} calls
    /// (all zero between epochs); two slots, the second read only if a part was settled.
    struct Progress {
        uint16 nextSegment;
        uint48 blocksPaid;
        uint48 rootsCredited;
        uint128 toPool;
        uint128 burned;
    }

    /// @dev Settlement's working state, in memory.
    struct Tally {
        uint256 epoch;
        uint256 firstSlot;
        uint256 endSlot;
        uint256 treeCount;
        bytes32 epochSeed;
        uint256 poolLeft;
        uint256 toPool;
        uint256 burned;
        uint256 feesTaken;
        uint256 blocksPaid;
        uint256 rootsCredited;
        uint256[] amounts;
        uint256[] credited;
        uint256[] assigned;
        bytes32[] entries;
    }

    /// @notice The undistributed reward pool.
    uint256 public pool;
    /// @notice Fees deposited for blocks of epochs not yet settled.
    uint256 public pendingFees;
    /// @notice The next epoch {settleEpoch} takes (initially the epoch of deployment).
    uint256 public nextEpoch;
    /// @notice Everything burned so far.
    uint256 public totalBurned;

    mapping(uint256 slot => uint256) private _fees;
    mapping(address account => ProverAccount) private _provers;
    mapping(address account => Payouts) private _payouts;
    mapping(uint256 slot => uint256) private _policyRewardPaid;
    /// @dev Per slot, the committee members a policy reward showed at work (bit = index).
    mapping(uint256 slot => uint256) private _policyActivity;
    /// @dev Slots with fees deposited: the fee sweep reads one word per 256 slots and touches
    /// only the slots set, not every slot of the epoch.
    BitMaps.BitMap private _feeSlots;
    Progress private _progress;

    constructor(Config memory config) {
        if (config.lifecycle == address(0) || config.rewardToken == address(0)) {
            revert ZeroAddress();
        }
        if (
            config.sequencerBps + config.proverBps + config.submitterBps != RewardSplit.BPS ||
            config.submitterBps > RewardSplit.BPS
        ) revert InvalidShares(config.sequencerBps, config.proverBps, config.submitterBps);
        if (config.proverBurnBps > RewardSplit.BPS) revert InvalidBurnShare(config.proverBurnBps);
        if ((config.inactivityThreshold == 0) != (config.inactivitySlash == 0)) {
            revert InvalidInactivitySlash(config.inactivityThreshold, config.inactivitySlash);
        }
        BlockLifecycle lifecycle = BlockLifecycle(config.lifecycle);
        LIFECYCLE = lifecycle;
        STAKE_TABLE = lifecycle.STAKE_TABLE();
        REWARD_TOKEN = IERC20(config.rewardToken);
        BLOCK_REWARD = config.blockReward;
        SEQUENCER_BPS = config.sequencerBps;
        PROVER_BPS = config.proverBps;
        SUBMITTER_BPS = config.submitterBps;
        PROVER_BURN_BPS = config.proverBurnBps;
        BURN_UNPROVEN_SHARE = config.burnUnprovenShare;
        FEE_SPLIT = lifecycle.FEE_SPLIT_SCORING();
        INACTIVITY_THRESHOLD = config.inactivityThreshold;
        INACTIVITY_SLASH = config.inactivitySlash;
        // Slots never straddle epochs (the lifecycle's constructor checks it).
        SLOTS_PER_EPOCH = lifecycle.EPOCH_LENGTH() / lifecycle.SLOT_LENGTH();
        POLICY = lifecycle.POLICY();
        SEGMENT_SLOTS = lifecycle.SEGMENT_SLOTS();
        SEGMENTS_PER_EPOCH = Math.ceilDiv(SLOTS_PER_EPOCH, SEGMENT_SLOTS);
        // Pays blocks from the epoch of deployment on; earlier epochs are not this pool's.
        nextEpoch = lifecycle.currentEpoch();
    }

    // ---------------------------------------------------------------------------------------
    // Funding
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc IProverRewards
    function fund(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        pool += amount;
        REWARD_TOKEN.safeTransferFrom(msg.sender, address(this), amount);
        emit PoolFunded(msg.sender, amount);
    }

    /// @inheritdoc IProverRewards
    function depositFees(uint256 slot, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (slot == 0) revert ZeroSlot();
        uint256 epoch = LIFECYCLE.epochOfSlot(slot);
        uint256 next = nextEpoch;
        if (epoch < next) revert EpochAlreadySettled(epoch, next);
        if (
            epoch == next &&
            (slot - epoch * SLOTS_PER_EPOCH) / SEGMENT_SLOTS < _progress.nextSegment
        ) revert SlotAlreadySettled(slot);
        _fees[slot] += amount;
        _feeSlots.set(slot);
        pendingFees += amount;
        REWARD_TOKEN.safeTransferFrom(msg.sender, address(this), amount);
        emit FeesDeposited(slot, msg.sender, amount);
    }

    // ---------------------------------------------------------------------------------------
    // Settlement
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc IProverRewards
    function settleEpoch(
        uint256 epoch,
        address[] calldata committee,
        RootEntry[] calldata roots
    ) external nonReentrant {
        _settle(epoch, committee, roots, SEGMENTS_PER_EPOCH);
    }

    /// @inheritdoc IProverRewards
    function settleEpochPart(
        uint256 epoch,
        address[] calldata committee,
        RootEntry[] calldata roots,
        uint256 segments
    ) external nonReentrant {
        if (segments == 0) revert ZeroSegments();
        _settle(epoch, committee, roots, segments);
    }

    /// @notice How far the settlement of {nextEpoch} has come.
    /// @return nextSegment The first of its segments not yet settled.
    /// @return segments Its segments in all.
    /// @return returning What its settled segments return to the pool when the epoch closes
    /// (held by this contract meanwhile).
    function settlementProgress()
        external
        view
        returns (uint256 nextSegment, uint256 segments, uint256 returning)
    {
        Progress memory progress = _progress;
        return (progress.nextSegment, SEGMENTS_PER_EPOCH, progress.toPool);
    }

    /// @notice The first L1 block at which `epoch` can be settled: one past the proof window of
    /// its last slot.
    /// @param epoch The epoch.
    /// @return The L1 block.
    function settleableAt(uint256 epoch) public view returns (uint256) {
        (, uint256 closesAt) = LIFECYCLE.proofWindow((epoch + 1) * SLOTS_PER_EPOCH - 1);
        return closesAt + 1;
    }

    // ---------------------------------------------------------------------------------------
    // Claims and inactivity slashes
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc IProverRewards
    function claim(address account) external nonReentrant returns (uint256 total) {
        return _pay(account, _withdrawerOf(account));
    }

    /// @inheritdoc IProverRewards
    function claimTo(
        address account,
        address recipient
    ) external nonReentrant returns (uint256 total) {
        if (recipient == address(0)) revert ZeroAddress();
        address withdrawer = _withdrawerOf(account);
        if (msg.sender != withdrawer) revert NotWithdrawer(msg.sender, account);
        return _pay(account, recipient);
    }

    /// @inheritdoc IProverRewards
    function payPolicyReward(
        uint256 slot,
        address account,
        uint256 memberIndex,
        uint256 amount
    ) external nonReentrant returns (uint256 paid) {
        if (msg.sender != address(POLICY) || msg.sender == address(0)) revert NotPolicy(msg.sender);
        if (memberIndex >= 256) revert InvalidMemberIndex(memberIndex);
        _policyActivity[slot] |= uint256(1) << memberIndex;
        uint256 budget = policyRewardBudget();
        uint256 spent = _policyRewardPaid[slot];
        if (spent < budget) {
            uint256 left = pool;
            paid = amount < left ? amount : left;
            if (paid > budget - spent) paid = budget - spent;
            _policyRewardPaid[slot] = spent + paid;
            pool = left - paid;
            // Amounts stay far below 2^128: the token supply bounds them.
            _provers[account].proving += uint128(paid);
        }
        emit PolicyRewardPaid(slot, account, memberIndex, paid);
    }

    /// @inheritdoc IProverRewards
    function slashInactive(address operator) external nonReentrant returns (uint256 slashed) {
        ProverAccount storage account = _provers[operator];
        uint256 count = account.pendingSlashes;
        if (count == 0) revert NoPendingSlash(operator);
        account.pendingSlashes = 0;
        slashed = STAKE_TABLE.slash(operator, count * INACTIVITY_SLASH, INACTIVITY_REASON);
        emit InactivitySlashed(operator, count, slashed);
    }

    // ---------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------

    /// @notice What `account` can claim now, per source.
    /// @param account The account.
    /// @return balances The balances.
    function claimable(address account) external view returns (Claimable memory balances) {
        Payouts memory payouts = _payouts[account];
        balances.proving = _provers[account].proving;
        balances.sequencing = payouts.sequencing;
        balances.submitting = payouts.submitting;
    }

    /// @notice `operator`'s inactivity state after the last settled epoch.
    /// @param operator The operator.
    /// @return missStreak Finalized blocks it was elected for in a row without a credited chunk.
    /// @return pendingSlashes Inactivity slashes owed, executed by {slashInactive}.
    function inactivityOf(
        address operator
    ) external view returns (uint256 missStreak, uint256 pendingSlashes) {
        ProverAccount memory account = _provers[operator];
        return (account.missStreak, account.pendingSlashes);
    }

    /// @notice The most a block pays in policy rewards, all claims together: the committee's
    /// share of one block reward, `BLOCK_REWARD * PROVER_BPS / 10000`. Without it a root-only
    /// siblingCover record would open about 2 (2L - 1) uncle claims per block out of the pool
    /// (610 tokens at the local parameters against a 100-token block reward).
    /// @return The budget per block.
    function policyRewardBudget() public view returns (uint256) {
        return (BLOCK_REWARD * PROVER_BPS) / RewardSplit.BPS;
    }

    /// @notice The committee members (bit = index) a policy reward for `slot`'s block showed at
    /// work; settlement counts them as active in the block.
    /// @param slot The block's slot.
    /// @return The bitmap.
    function policyActivity(uint256 slot) external view returns (uint256) {
        return _policyActivity[slot];
    }

    /// @notice Policy rewards paid so far for `slot`'s block.
    /// @param slot The block's slot.
    /// @return The amount.
    function policyRewardPaid(uint256 slot) external view returns (uint256) {
        return _policyRewardPaid[slot];
    }

    /// @notice Fees deposited for `slot`'s block and not yet settled.
    /// @param slot The slot.
    /// @return The amount.
    function feesOf(uint256 slot) external view returns (uint256) {
        return _fees[slot];
    }

    // ---------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------

    /// @dev Settles the next `segments` segments of `epoch` (at most what is left): each
    /// segment with roots is replayed block by block and checked against its digest, the fees
    /// of the part's slots are swept, the committee is credited once for the part, and the
    /// epoch closes with its last segment.
    function _settle(
        uint256 epoch,
        address[] calldata committee,
        RootEntry[] calldata roots,
        uint256 segments
    ) private {
        Tally memory tally = _openSettlement(epoch, committee, roots.length);
        Progress memory progress;
        uint256 first = _progress.nextSegment;
        // why: gas. The carried totals are zero unless a part was settled: a whole-epoch
        // settlement reads one slot of progress, not two.
        if (first != 0) progress = _progress;
        uint256 end = SEGMENTS_PER_EPOCH - first <= segments
            ? SEGMENTS_PER_EPOCH
            : first + segments;
        tally.firstSlot += first * SEGMENT_SLOTS;
        tally.endSlot = Math.min(epoch * SLOTS_PER_EPOCH + end * SEGMENT_SLOTS, tally.endSlot);
        uint256 withRoots = _segmentsWithRoots(epoch, first, end);
        // The first and the last root in the part, and slots that never descend: every root is
        // in the part.
        if (roots.length != 0) {
            _checkInPart(tally, roots[0].slot);
            _checkInPart(tally, roots[roots.length - 1].slot);
            _checkSlotOrder(roots);
        }
        uint256 start = 0;
        while (withRoots != 0) {
            uint256 low = withRoots & (~withRoots + 1);
            withRoots ^= low;
            start = _settleSegment(tally, committee, roots, start, Math.log2(low));
        }
        if (start != roots.length) _revertOutside(tally, roots[start].slot);
        _sweepFees(tally);
        if (tally.blocksPaid != 0) _creditCommittee(tally, committee);
        _close(tally, progress, first, end);
    }

    /// @dev Checks that `epoch` can be settled now with `committee`; returns its fresh tally.
    function _openSettlement(
        uint256 epoch,
        address[] calldata committee,
        uint256 rootCount
    ) private view returns (Tally memory) {
        if (epoch != nextEpoch) revert EpochNotNext(epoch, nextEpoch);
        uint256 opensAt = settleableAt(epoch);
        if (block.number < opensAt) revert EpochNotClosed(epoch, opensAt);
        IBlockLifecycle.EpochContext memory context = LIFECYCLE.epochContext(epoch);
        bytes32 given = committee.length == 0 ? bytes32(0) : keccak256(abi.encode(committee));
        if (given != context.commitment) revert CommitteeMismatch(epoch, context.commitment, given);
        if (context.size == 0 && rootCount != 0) revert RootsWithoutCommittee(epoch);
        return _newTally(epoch, context, rootCount);
    }

    /// @dev The segments `[first, end)` of `epoch` with roots (bit = segment); every other
    /// segment's digest is zero.
    function _segmentsWithRoots(
        uint256 epoch,
        uint256 first,
        uint256 end
    ) private view returns (uint256 withRoots) {
        withRoots = LIFECYCLE.rootSegments(epoch) & (type(uint256).max << first);
        if (end < 256) withRoots &= (uint256(1) << end) - 1;
    }

    /// @dev Settles segment `segment` of the tally's epoch from `roots[start ..]`: its roots are
    /// those up to the segment's last slot; returns the index past them.
    function _settleSegment(
        Tally memory tally,
        address[] calldata committee,
        RootEntry[] calldata roots,
        uint256 start,
        uint256 segment
    ) private returns (uint256 end) {
        uint256 segmentStart = tally.epoch * SLOTS_PER_EPOCH + segment * SEGMENT_SLOTS;
        uint256 segmentEnd = Math.min(segmentStart + SEGMENT_SLOTS, tally.endSlot);
        if (start < roots.length && roots[start].slot < segmentStart) {
            _revertOutside(tally, roots[start].slot);
        }
        end = start;
        while (end < roots.length && roots[end].slot < segmentEnd) ++end;
        // why: gas. Each block's temporaries (its level permutations, hashes, event data) are
        // dead once it is settled, and the segment's entries once its digest is checked;
        // rewinding the free memory pointer keeps memory, whose cost grows quadratically, at one
        // block's worth instead of the whole epoch's.
        uint256 segmentMemory = _freeMemoryPointer();
        tally.entries = new bytes32[](end - start);
        uint256 next = start;
        while (next < end) {
            uint256 freeMemory = _freeMemoryPointer();
            // One dispatch per block: striped trees are settled here (their record check shares
            // the level permutations across the block's c records), every other policy by its
            // contract's settleBlock. The block's payment, digest, fees and credit are common.
            next = address(POLICY) == address(0)
                ? _settleBlock(tally, committee, roots, next, end)
                : _settlePolicyBlock(tally, committee, roots, next, end);
            _rewindFreeMemoryPointer(freeMemory);
        }
        _checkDigest(tally.epoch, segment, tally.entries);
        _rewindFreeMemoryPointer(segmentMemory);
    }

    function _newTally(
        uint256 epoch,
        IBlockLifecycle.EpochContext memory context,
        uint256 rootCount
    ) private view returns (Tally memory tally) {
        tally.epoch = epoch;
        tally.firstSlot = epoch * SLOTS_PER_EPOCH;
        tally.endSlot = tally.firstSlot + SLOTS_PER_EPOCH;
        tally.treeCount = context.treeCount;
        tally.epochSeed = context.seed;
        tally.poolLeft = pool;
        tally.amounts = new uint256[](context.size);
        // Per paid block, in slot order (at most one per root): an epoch's memory never grows
        // with its slots, so an empty epoch of 8,192 slots allocates nothing.
        tally.credited = new uint256[](rootCount);
        tally.assigned = new uint256[](rootCount);
    }

    /// @dev Settles the block of `roots[start]` (its roots are `roots[start .. end)`); returns
    /// `end`.
    function _settleBlock(
        Tally memory tally,
        address[] calldata committee,
        RootEntry[] calldata roots,
        uint256 start,
        uint256 segmentEnd
    ) private returns (uint256 end) {
        end = _blockEnd(tally, roots, start, segmentEnd);
        uint256 provers = _payBlock(tally, roots[start]);
        uint256 leafCount = (roots[start].record.length + 1) / 2;
        (uint256 treeShare, uint256 nodeShare) = RewardSplit.treeShares(
            provers,
            tally.treeCount,
            leafCount
        );
        tally.toPool += provers - treeShare * tally.treeCount;
        uint256[][] memory perms = ParticipationRecord.levelPermutations(
            tally.amounts.length,
            TreeAssignment.blockSeed(tally.epochSeed, roots[start].slot),
            leafCount,
            true
        );
        uint256 proven = _creditRoots(tally, committee, roots, start, end, perms, nodeShare);
        _returnShares(tally, treeShare, nodeShare * (2 * leafCount - 1), proven);
    }

    /// @dev Reverts with RootsOutOfOrder at the first root whose slot is below the previous one.
    function _checkSlotOrder(RootEntry[] calldata roots) private pure {
        // why: gas. Reading `slot` (the second word of each entry) straight from calldata costs
        // about 40 gas a root against about 400 through the decoder. Malformed offsets only
        // change what is compared; the decoder rejects them when the roots are read.
        uint256 bad = 0;
        assembly ("memory-safe") {
            let previous := 0
            for {
                let i := 0
            } lt(i, roots.length) {
                i := add(i, 1)
            } {
                let entry := add(roots.offset, calldataload(add(roots.offset, shl(5, i))))
                let slot := calldataload(add(entry, 0x20))
                if lt(slot, previous) {
                    bad := add(i, 1)
                    break
                }
                previous := slot
            }
        }
        if (bad != 0) revert RootsOutOfOrder(bad - 1);
    }

    /// @dev Reverts unless `slot` is in the part being settled.
    function _checkInPart(Tally memory tally, uint256 slot) private pure {
        if (slot < tally.firstSlot || slot >= tally.endSlot) {
            revert RootOutsideEpoch(slot, tally.epoch);
        }
    }

    /// @dev Reverts for a root at `slot` that no segment settled here takes: outside the part
    /// being settled (RootOutsideEpoch), or in one of its segments without roots.
    function _revertOutside(Tally memory tally, uint256 slot) private pure {
        _checkInPart(tally, slot);
        revert RootOutsideSegments(slot);
    }

    /// @dev Checks that `roots[start]` is in the part being settled and after the previous
    /// block; returns the end of its block's roots (at most `segmentEnd`).
    function _blockEnd(
        Tally memory tally,
        RootEntry[] calldata roots,
        uint256 start,
        uint256 segmentEnd
    ) private pure returns (uint256 end) {
        uint256 slot = roots[start].slot;
        if (slot < tally.firstSlot || slot >= tally.endSlot) {
            revert RootOutsideEpoch(slot, tally.epoch);
        }
        if (start != 0 && slot <= roots[start - 1].slot) revert RootsOutOfOrder(start);
        end = start + 1;
        while (end < segmentEnd && roots[end].slot == slot) ++end;
    }

    /// @dev Settles the block of `roots[start]` under the policy: pays the block as for striped
    /// trees, then applies `POLICY.settleBlock`'s split of the committee share; returns the end
    /// of the block's roots.
    function _settlePolicyBlock(
        Tally memory tally,
        address[] calldata committee,
        RootEntry[] calldata roots,
        uint256 start,
        uint256 segmentEnd
    ) private returns (uint256 end) {
        end = _blockEnd(tally, roots, start, segmentEnd);
        RootEntry calldata first = roots[start];
        uint256 provers = _payBlock(tally, first);
        bytes[] memory records = _recordPolicyEntries(tally, roots, start, end);
        IAssignmentPolicy.BlockCredit memory credit = POLICY.settleBlock(
            _policyContext(tally, first),
            committee,
            records,
            provers
        );
        _applyCredit(tally, roots, start, end, credit, provers);
    }

    /// @dev The policy path's {_recordEntry} for the block's roots `roots[start .. end)`;
    /// returns the records.
    function _recordPolicyEntries(
        Tally memory tally,
        RootEntry[] calldata roots,
        uint256 start,
        uint256 end
    ) private pure returns (bytes[] memory records) {
        records = new bytes[](end - start);
        for (uint256 i = start; i < end; ++i) {
            RootEntry calldata root = roots[i];
            uint256 sequence = root.sequence;
            if (
                sequence >= tally.entries.length ||
                tally.entries[sequence] != bytes32(0) ||
                (i != start && sequence <= roots[i - 1].sequence)
            ) revert InvalidRootSequence(i, sequence);
            tally.entries[sequence] = RootDigest.entryHash(
                root.slot,
                root.tree,
                root.proposer,
                root.feeSplitBps,
                root.submitter,
                keccak256(root.record)
            );
            records[i - start] = root.record;
        }
    }

    /// @dev The policy's view of `first`'s block. The leaf count comes from the lifecycle's
    /// block record, or, if its history entry was reused (settlement more than HISTORY_SLOTS
    /// slots late), from the record length `2L - 1` of single-proof policies.
    function _policyContext(
        Tally memory tally,
        RootEntry calldata first
    ) private view returns (IAssignmentPolicy.BlockContext memory ctx) {
        IBlockLifecycle.BlockView memory view_ = LIFECYCLE.getBlock(first.slot);
        ctx.slot = first.slot;
        ctx.seed = TreeAssignment.blockSeed(tally.epochSeed, first.slot);
        ctx.committeeSize = tally.amounts.length;
        ctx.treeCount = tally.treeCount;
        ctx.leafCount = view_.status == IBlockLifecycle.BlockStatus.Final
            ? view_.leafCount
            : (first.record.length + 1) / 2;
        ctx.proposer = first.proposer;
    }

    /// @dev Checks the policy's split of the block's committee share `provers` and books it.
    function _applyCredit(
        Tally memory tally,
        RootEntry[] calldata roots,
        uint256 start,
        uint256 end,
        IAssignmentPolicy.BlockCredit memory credit,
        uint256 provers
    ) private {
        uint256 slot = roots[start].slot;
        uint256 m = tally.amounts.length;
        if (credit.amounts.length != m) {
            revert PolicyCreditLengthMismatch(slot, m, credit.amounts.length);
        }
        uint256 n = end - start;
        if (credit.rejectedNode.length != n) {
            revert PolicyCreditLengthMismatch(slot, n, credit.rejectedNode.length);
        }
        if (credit.rejectedMember.length != n) {
            revert PolicyCreditLengthMismatch(slot, n, credit.rejectedMember.length);
        }
        uint256 sum = credit.proposer + credit.toPool + credit.burned;
        for (uint256 i = 0; i < m; ++i) {
            sum += credit.amounts[i];
            tally.amounts[i] += credit.amounts[i];
        }
        if (sum != provers) revert PolicyAccountingMismatch(slot, provers, sum);
        // Amounts stay far below 2^128: the token supply bounds them.
        if (credit.proposer != 0) {
            _payouts[roots[start].proposer].sequencing += uint128(credit.proposer);
        }
        tally.toPool += credit.toPool;
        tally.burned += credit.burned;
        if (credit.credited != 0) {
            // A verified policy-reward claim (an uncle proof) is work too: its member is active.
            uint256 active = credit.credited | _policyActivity[slot];
            tally.credited[tally.blocksPaid - 1] = active;
            tally.assigned[tally.blocksPaid - 1] = active | credit.assigned;
        }
        tally.rootsCredited += credit.validRoots;
        for (uint256 j = 0; j < n; ++j) {
            if (credit.rejectedNode[j] != 0) {
                emit RootRecordRejected(
                    slot,
                    roots[start + j].tree,
                    credit.rejectedNode[j],
                    credit.rejectedMember[j]
                );
            }
        }
    }

    /// @dev Records and credits the block's roots `roots[start .. end)` and books the block's
    /// activity (who the valid records credit, and who they show was expected to work); returns
    /// how many were valid.
    function _creditRoots(
        Tally memory tally,
        address[] calldata committee,
        RootEntry[] calldata roots,
        uint256 start,
        uint256 end,
        uint256[][] memory perms,
        uint256 nodeShare
    ) private returns (uint256 proven) {
        // acc: the members the valid records credit, those they show were expected, the trees
        // a valid record already paid, and which roots are valid (bit i - start). Each tree's
        // share is paid once: to its root prover's own record if that is valid (the root prover
        // chose whose outputs its root used, so whoever filed first cannot bend its credits),
        // else to the tree's first valid record. Every other valid record is activity for everyone it credits, not pay.
        uint256[4] memory acc;
        // why: gas. The root-prover-first order matters only when a tree has two roots; the
        // common block (one root per tree) takes one pass, saving about 6k per block.
        // pass 2: every root at once; or pass 0, the roots their root prover filed, then pass 1,
        // the rest.
        uint256 pass = _hasRepeatedTree(roots, start, end) ? 0 : 2;
        while (pass < 3) {
            for (uint256 i = start; i < end; ++i) {
                if (pass != 2 && _filedByRootProver(roots[i], committee) == (pass == 1)) continue;
                _recordEntry(tally, roots, i, start);
                if (_creditOne(tally, roots[i], perms, nodeShare, acc, i - start)) ++proven;
            }
            pass = pass == 0 ? 1 : 3;
        }
        // why: gas. Expected members matter only for members no valid record credits, and
        // only a cover can leave such a member expected; when every member is credited (every
        // honest block at n = 32, c = 3, L = 16) the walk is skipped.
        if (acc[0] != 0 && acc[0] != PolicyRecord.lowMembers(tally.amounts.length)) {
            acc[1] = _expectedOf(tally, roots, start, end, perms, acc[3]);
        }
        if (acc[0] != 0) {
            uint256 b = tally.blocksPaid - 1;
            tally.credited[b] = acc[0];
            tally.assigned[b] = acc[0] | acc[1];
        }
    }

    /// @dev The members the valid roots (`validRoots`, bit i - start) show were expected to work
    /// ({ParticipationRecord.expectedProvers}).
    function _expectedOf(
        Tally memory tally,
        RootEntry[] calldata roots,
        uint256 start,
        uint256 end,
        uint256[][] memory perms,
        uint256 validRoots
    ) private pure returns (uint256 expected) {
        for (uint256 i = start; i < end && i - start < 256; ++i) {
            if ((validRoots >> (i - start)) & 1 == 0) continue;
            expected |= ParticipationRecord.expectedProvers(
                roots[i].record,
                perms,
                tally.treeCount,
                roots[i].tree
            );
        }
    }

    /// @dev Whether two of `roots[start .. end)` have the same tree.
    function _hasRepeatedTree(
        RootEntry[] calldata roots,
        uint256 start,
        uint256 end
    ) private pure returns (bool repeated) {
        // why: gas. Reading `tree` (the third word of each entry) straight from calldata costs
        // about 30 gas a root against about 400 through the decoder: 1.1k per block. Malformed
        // offsets only change the pass count; the decoder rejects them when the roots are read.
        assembly ("memory-safe") {
            let seen := 0
            for {
                let i := start
            } lt(i, end) {
                i := add(i, 1)
            } {
                let entry := add(roots.offset, calldataload(add(roots.offset, shl(5, i))))
                let tree := calldataload(add(entry, 0x40))
                let bit := shl(tree, 1)
                if or(iszero(bit), and(seen, bit)) {
                    repeated := 1
                    break
                }
                seen := or(seen, bit)
            }
        }
    }

    /// @dev Whether `root` was submitted by the committee member its record credits at the root.
    function _filedByRootProver(
        RootEntry calldata root,
        address[] calldata committee
    ) private pure returns (bool) {
        if (root.record.length == 0) return false;
        uint256 member = uint8(root.record[0]);
        return member < committee.length && committee[member] == root.submitter;
    }

    /// @dev {_creditRoot} for one root (number `index` of its block) into `acc` (see
    /// {_creditRoots}); returns whether it paid.
    function _creditOne(
        Tally memory tally,
        RootEntry calldata root,
        uint256[][] memory perms,
        uint256 nodeShare,
        uint256[4] memory acc,
        uint256 index
    ) private returns (bool) {
        uint256 tree = root.tree;
        uint256 treeBit = tree < 256 ? uint256(1) << tree : 0;
        bool pays = acc[2] & treeBit == 0;
        (bool valid, uint256 members) = _creditRoot(tally, root, perms, pays ? nodeShare : 0);
        if (!valid) return false;
        acc[0] |= members;
        if (pays) acc[2] |= treeBit;
        // Blocks of more than 256 roots leave the later ones out of the expected-member walk.
        if (index < 256) acc[3] |= uint256(1) << index;
        return pays;
    }

    /// @dev Takes the block's reward from the pool and its fees, pays the proposer and the
    /// submitter of `first` (the finalizing proof); returns the committee's share. The one
    /// payment of a block, for striped trees and every policy alike.
    function _payBlock(Tally memory tally, RootEntry calldata first) private returns (uint256) {
        BlockPayout memory payout;
        payout.reward = BLOCK_REWARD < tally.poolLeft ? BLOCK_REWARD : tally.poolLeft;
        tally.poolLeft -= payout.reward;
        payout.fees = _fees[first.slot];
        if (payout.fees != 0) {
            delete _fees[first.slot];
            tally.feesTaken += payout.fees;
        }
        (payout.sequencer, payout.submitter, payout.provers, payout.burned) = RewardSplit
            .blockShares(
                payout.reward + payout.fees,
                first.feeSplitBps,
                FEE_SPLIT,
                PROVER_BPS,
                SUBMITTER_BPS,
                PROVER_BURN_BPS
            );
        // Amounts stay far below 2^128: the token supply bounds them.
        if (payout.sequencer != 0) _payouts[first.proposer].sequencing += uint128(payout.sequencer);
        if (payout.submitter != 0)
            _payouts[first.submitter].submitting += uint128(payout.submitter);
        tally.burned += payout.burned;
        ++tally.blocksPaid;
        emit BlockSettled(first.slot, first.proposer, first.submitter, payout);
        return payout.provers;
    }

    /// @dev Stores root `i`'s entry hash at its sequence position; sequences must rise within
    /// the block and each position be used once.
    function _recordEntry(
        Tally memory tally,
        RootEntry[] calldata roots,
        uint256 i,
        uint256 start
    ) private pure {
        RootEntry calldata root = roots[i];
        uint256 sequence = root.sequence;
        if (
            sequence >= tally.entries.length ||
            tally.entries[sequence] != bytes32(0) ||
            (i != start && sequence <= roots[i - 1].sequence)
        ) revert InvalidRootSequence(i, sequence);
        tally.entries[sequence] = _entryHash(root);
    }

    /// @dev `RootDigest.entryHash` of `root`, hashed in free memory without allocating.
    function _entryHash(RootEntry calldata root) private pure returns (bytes32 entry) {
        bytes calldata record = root.record;
        uint256 slot = root.slot;
        uint256 tree = root.tree;
        address proposer = root.proposer;
        uint256 feeSplitBps = root.feeSplitBps;
        address submitter = root.submitter;
        // why: gas. abi.encode would allocate seven words per root; the digest replay hashes
        // every root of the epoch, so the words are written past the free pointer instead.
        assembly ("memory-safe") {
            let buf := mload(0x40)
            calldatacopy(buf, record.offset, record.length)
            let recordHash := keccak256(buf, record.length)
            mstore(buf, slot)
            mstore(add(buf, 0x20), tree)
            mstore(add(buf, 0x40), proposer)
            mstore(add(buf, 0x60), feeSplitBps)
            mstore(add(buf, 0x80), submitter)
            mstore(add(buf, 0xa0), recordHash)
            entry := keccak256(buf, 0xc0)
        }
    }

    /// @dev Credits `nodeShare` per node of a valid record to its members; returns whether the
    /// record was valid and the set of members it credits (a bitmap). An invalid one is
    /// reported and earns nothing.
    function _creditRoot(
        Tally memory tally,
        RootEntry calldata root,
        uint256[][] memory perms,
        uint256 nodeShare
    ) private returns (bool valid, uint256 members) {
        uint256 node;
        uint256 member;
        uint256 unpaid;
        (node, member, members, unpaid) = ParticipationRecord.tally(
            root.record,
            perms,
            tally.treeCount,
            root.tree,
            tally.amounts,
            nodeShare
        );
        if (node != 0) {
            emit RootRecordRejected(root.slot, root.tree, node, member);
            return (false, 0);
        }
        // NONE nodes (fallback work) leave their shares unpaid: to the pool.
        tally.toPool += unpaid;
        ++tally.rootsCredited;
        return (true, members);
    }

    /// @dev Sends the rounding dust of each credited tree to the pool, and the share of each tree
    /// without a valid root to the pool or the burn.
    function _returnShares(
        Tally memory tally,
        uint256 treeShare,
        uint256 paidPerTree,
        uint256 proven
    ) private view {
        tally.toPool += (treeShare - paidPerTree) * proven;
        uint256 unproven = (tally.treeCount - proven) * treeShare;
        if (BURN_UNPROVEN_SHARE) tally.burned += unproven;
        else tally.toPool += unproven;
    }

    /// @dev Reverts unless the entries, chained in sequence order, give the lifecycle's digest
    /// of `epoch`'s segment `segment`.
    function _checkDigest(uint256 epoch, uint256 segment, bytes32[] memory entries) private view {
        bytes32 digest = bytes32(0);
        for (uint256 i = 0; i < entries.length; ++i) {
            if (entries[i] == bytes32(0)) revert InvalidRootSequence(entries.length, i);
            digest = RootDigest.extend(digest, entries[i]);
        }
        bytes32 expected = LIFECYCLE.rootDigest(epoch, segment);
        if (digest != expected) revert RootDigestMismatch(epoch, expected, digest);
    }

    /// @dev Moves the fees of the epoch's unpaid slots to the pool. Only slots marked in
    /// `_feeSlots` are read: the cost is one word per 256 slots plus the slots with fees.
    function _sweepFees(Tally memory tally) private {
        uint256 first = tally.firstSlot;
        uint256 end = tally.endSlot;
        for (uint256 w = first >> 8; w <= (end - 1) >> 8; ++w) {
            uint256 bits = _feeSlots._data[w];
            if (bits == 0) continue;
            // Only the epoch's slots of this word.
            if (w == first >> 8) bits &= type(uint256).max << (first & 255);
            if (w == (end - 1) >> 8 && (end & 255) != 0) bits &= (uint256(1) << (end & 255)) - 1;
            while (bits != 0) {
                // why: gas. Jump to the lowest set bit (log2 of it isolated) instead of walking
                // 256 bits one by one: a lone fee costs about 1k, not 8k.
                uint256 low = bits & (~bits + 1);
                _sweepSlot(tally, (w << 8) | Math.log2(low));
                bits ^= low;
            }
        }
    }

    /// @dev Moves `slot`'s unpaid fees, if any, to the pool and clears its mark.
    function _sweepSlot(Tally memory tally, uint256 slot) private {
        _feeSlots.unset(slot);
        uint256 fees = _fees[slot];
        if (fees != 0) {
            delete _fees[slot];
            tally.feesTaken += fees;
            tally.toPool += fees;
        }
    }

    /// @dev Writes each member's credit and inactivity streak, once per epoch.
    function _creditCommittee(Tally memory tally, address[] calldata committee) private {
        // Members credited in every finalized block that counts keep a zero streak: no walk
        // needed. If no block counts (all roots rejected), nobody takes this shortcut.
        uint256 everyBlock = type(uint256).max;
        bool anyBlock = false;
        for (uint256 b = 0; b < tally.blocksPaid; ++b) {
            if (tally.assigned[b] != 0) {
                everyBlock &= tally.credited[b];
                anyBlock = true;
            }
        }
        if (!anyBlock) everyBlock = 0;
        for (uint256 i = 0; i < committee.length; ++i) {
            address member = committee[i];
            ProverAccount memory account = _provers[member];
            uint256 pendingBefore = account.pendingSlashes;
            if ((everyBlock >> i) & 1 == 1) account.missStreak = 0;
            else if (INACTIVITY_THRESHOLD != 0) _advanceStreak(account, tally, i);
            // Amounts stay far below 2^128: the token supply bounds them.
            account.proving += uint128(tally.amounts[i]);
            _provers[member] = account;
            if (account.pendingSlashes != pendingBefore) {
                emit InactivityRecorded(tally.epoch, member, account.pendingSlashes);
            }
        }
        emit CommitteeCredited(tally.epoch, committee, tally.amounts);
    }

    /// @dev Walks the epoch's finalized blocks in slot order: a block crediting member `index`
    /// resets its streak, one that assigned it work and credits it not adds one, and the k-th
    /// miss in a row owes a slash. Blocks that gave it no work leave the streak as it is.
    function _advanceStreak(
        ProverAccount memory account,
        Tally memory tally,
        uint256 index
    ) private view {
        uint256 streak = account.missStreak;
        uint256 pending = account.pendingSlashes;
        uint256[] memory credited = tally.credited;
        uint256[] memory assigned = tally.assigned;
        for (uint256 b = 0; b < tally.blocksPaid; ++b) {
            // No paid block in this slot, or no work for the member in it.
            if ((assigned[b] >> index) & 1 == 0) continue;
            if ((credited[b] >> index) & 1 == 1) {
                streak = 0;
            } else if (++streak == INACTIVITY_THRESHOLD) {
                ++pending;
                streak = 0;
            }
        }
        account.missStreak = uint32(streak);
        account.pendingSlashes = uint32(pending);
    }

    function _freeMemoryPointer() private pure returns (uint256 pointer) {
        assembly ("memory-safe") {
            pointer := mload(0x40)
        }
    }

    /// @dev Frees everything allocated since `pointer` was read. Callers hold no reference to
    /// memory allocated after it.
    function _rewindFreeMemoryPointer(uint256 pointer) private pure {
        assembly {
            mstore(0x40, pointer)
        }
    }

    /// @dev Books the part `[first, end)` of the tally's epoch: the pool gives what its blocks
    /// took, fees and burns move, and with the epoch's last segment what the epoch returns to
    /// the pool joins it (as one {settleEpoch} would: blocks of an epoch are paid from the pool
    /// as it stood when its settlement began) and the next epoch is up.
    function _close(
        Tally memory tally,
        Progress memory progress,
        uint256 first,
        uint256 end
    ) private {
        if (tally.feesTaken != 0) pendingFees -= tally.feesTaken;
        if (tally.burned != 0) {
            totalBurned += tally.burned;
            REWARD_TOKEN.safeTransfer(BURN_ADDRESS, tally.burned);
        }
        emit EpochPartSettled(tally.epoch, first, end, tally.blocksPaid);
        // Amounts stay far below 2^128 and counts below 2^48: the token supply and the slots
        // of an epoch bound them.
        progress.blocksPaid += uint48(tally.blocksPaid);
        progress.rootsCredited += uint48(tally.rootsCredited);
        progress.toPool += uint128(tally.toPool);
        progress.burned += uint128(tally.burned);
        if (end == SEGMENTS_PER_EPOCH) {
            pool = tally.poolLeft + progress.toPool;
            nextEpoch = tally.epoch + 1;
            if (first != 0) delete _progress;
            emit EpochSettled(
                tally.epoch,
                progress.blocksPaid,
                progress.rootsCredited,
                progress.toPool,
                progress.burned
            );
        } else {
            pool = tally.poolLeft;
            progress.nextSegment = uint16(end);
            _progress = progress;
        }
    }

    function _withdrawerOf(address account) private view returns (address) {
        IStakeTable.OperatorView memory info = STAKE_TABLE.operatorInfo(account);
        return info.status == IStakeTable.Status.None ? account : info.withdrawer;
    }

    /// @dev Clears `account`'s balances, then transfers them to `recipient`.
    function _pay(address account, address recipient) private returns (uint256 total) {
        ProverAccount storage prover = _provers[account];
        Payouts memory payouts = _payouts[account];
        uint256 proving = prover.proving;
        total = proving + payouts.sequencing + payouts.submitting;
        if (total == 0) revert NothingToClaim(account);
        if (proving != 0) prover.proving = 0;
        if (payouts.sequencing != 0 || payouts.submitting != 0) delete _payouts[account];
        REWARD_TOKEN.safeTransfer(recipient, total);
        emit Claimed(account, recipient, proving, payouts.sequencing, payouts.submitting);
    }
}
