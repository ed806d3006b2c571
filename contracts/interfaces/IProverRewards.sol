// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IProverRewards
/// @notice The reward pool, per-epoch settlement, pull-based claims and inactivity slashing of the
/// prover network.
interface IProverRewards {
    /// @notice Deployment parameters. The three shares are of a finalized block's reward plus its
    /// fees, in basis points, and sum to 10000.
    struct Config {
        /// The BlockLifecycle whose blocks this contract pays for.
        address lifecycle;
        /// The ERC20 rewards and fees are paid in (the stake token in the default deployment).
        address rewardToken;
        /// Whether the share of a tree that produced no (valid) root is burned; false returns it
        /// to the pool.
        bool burnUnprovenShare;
        /// Paid from the pool per finalized block (less if the pool holds less).
        uint256 blockReward;
        /// B_sequencer: the winning proposer's share (ignored when FEE_SPLIT is on).
        uint256 sequencerBps;
        /// B_provers: the committee's share (ignored when FEE_SPLIT is on).
        uint256 proverBps;
        /// B_submitter: the finalizing proof's submitter's share.
        uint256 submitterBps;
        /// FEE_BURN (seed 002): the part of the provers' share that is burned; 0 turns it off.
        uint256 proverBurnBps;
        /// k: consecutive elected, finalized blocks without a credited chunk that make an
        /// operator slashable; 0 never slashes liveness (seed 000).
        uint256 inactivityThreshold;
        /// Stake slashed per k misses.
        uint256 inactivitySlash;
    }

    /// @notice One accepted root proof, as settlement replays it (from `RootProofAccepted` and
    /// `BlockProposed` events).
    struct RootEntry {
        /// Position of the proof among the epoch's accepted root proofs, in L1 order (0-based).
        uint256 sequence;
        uint256 slot;
        uint256 tree;
        address proposer;
        uint256 feeSplitBps;
        address submitter;
        bytes record;
    }

    /// @notice What one settled block paid; the values of {RewardSplit.blockShares}.
    struct BlockPayout {
        uint256 reward;
        uint256 fees;
        uint256 sequencer;
        uint256 submitter;
        uint256 provers;
        uint256 burned;
    }

    /// @notice Claimable balances of an account, per source.
    struct Claimable {
        /// Chunks proved as a committee member.
        uint256 proving;
        /// Blocks won as a proposer.
        uint256 sequencing;
        /// Finalizing root proofs submitted.
        uint256 submitting;
    }

    error ZeroAddress();
    error ZeroAmount();
    error InvalidShares(uint256 sequencerBps, uint256 proverBps, uint256 submitterBps);
    error InvalidBurnShare(uint256 proverBurnBps);
    error InvalidInactivitySlash(uint256 inactivityThreshold, uint256 inactivitySlash);
    error ZeroSlot();
    error EpochAlreadySettled(uint256 epoch, uint256 nextEpoch);
    error EpochNotNext(uint256 epoch, uint256 nextEpoch);
    error EpochNotClosed(uint256 epoch, uint256 settleableAt);
    error CommitteeMismatch(uint256 epoch, bytes32 expected, bytes32 given);
    error RootDigestMismatch(uint256 epoch, bytes32 expected, bytes32 computed);
    error RootOutsideEpoch(uint256 slot, uint256 epoch);
    error RootsWithoutCommittee(uint256 epoch);
    error RootsOutOfOrder(uint256 index);
    error InvalidRootSequence(uint256 index, uint256 sequence);
    error NothingToClaim(address account);
    error NotWithdrawer(address caller, address account);
    error NoPendingSlash(address operator);
    /// @notice The policy's split of `slot`'s committee share does not add up:
    /// `sum(amounts) + proposer + toPool + burned` is `got`, not the share `expected`.
    error PolicyAccountingMismatch(uint256 slot, uint256 expected, uint256 got);
    /// @notice The policy's credit for `slot` has an array of length `got` where `expected`
    /// entries are needed (amounts: the committee size; rejections: the block's records).
    error PolicyCreditLengthMismatch(uint256 slot, uint256 expected, uint256 got);
    /// @notice Only the lifecycle's assignment policy pays policy rewards; `caller` is not it.
    error NotPolicy(address caller);
    /// @notice A committee index is below 256; `memberIndex` is not.
    error InvalidMemberIndex(uint256 memberIndex);
    /// @notice {settleEpochPart} was asked to settle no segment.
    error ZeroSegments();
    /// @notice A root's slot is not in a segment with roots among those being settled.
    error RootOutsideSegments(uint256 slot);
    /// @notice Fees for a slot whose settlement segment is already settled.
    error SlotAlreadySettled(uint256 slot);

    /// @notice `amount` tokens were added to the pool by `funder`.
    event PoolFunded(address indexed funder, uint256 amount);
    /// @notice `amount` fee tokens were deposited for `slot`'s block.
    event FeesDeposited(uint256 indexed slot, address indexed payer, uint256 amount);
    /// @notice A finalized block was paid.
    event BlockSettled(
        uint256 indexed slot,
        address indexed proposer,
        address indexed submitter,
        BlockPayout payout
    );
    /// @notice A root's participation record credits a member for a node it was not assigned; the
    /// root earns nothing (its tree's share goes where an unproven tree's goes).
    event RootRecordRejected(uint256 indexed slot, uint256 tree, uint256 node, uint256 member);
    /// @notice The epoch's committee was credited: `members[i]` got `amounts[i]` for its chunks
    /// (one event per epoch instead of one per member; streaks are in {inactivityOf}).
    event CommitteeCredited(uint256 indexed epoch, address[] members, uint256[] amounts);
    /// @notice `member` missed k blocks in a row and owes one more inactivity slash.
    event InactivityRecorded(uint256 indexed epoch, address indexed member, uint256 pendingSlashes);
    /// @notice The epoch is settled: its blocks paid, unpaid rewards and dust returned to the pool,
    /// and `burned` tokens burned.
    event EpochSettled(
        uint256 indexed epoch,
        uint256 blocksPaid,
        uint256 rootsCredited,
        uint256 returnedToPool,
        uint256 burned
    );
    /// @notice Segments `[firstSegment, endSegment)` of `epoch` were settled, paying
    /// `blocksPaid` blocks; the epoch is settled once its last segment is.
    event EpochPartSettled(
        uint256 indexed epoch,
        uint256 firstSegment,
        uint256 endSegment,
        uint256 blocksPaid
    );
    /// @notice `account`'s balances were paid to `recipient`.
    event Claimed(
        address indexed account,
        address indexed recipient,
        uint256 proving,
        uint256 sequencing,
        uint256 submitting
    );
    /// @notice The assignment policy paid `account` `amount` from the pool for `slot`'s block
    /// (siblingCover's uncle rewards; the policy emits the claim's details).
    event PolicyRewardPaid(
        uint256 indexed slot,
        address indexed account,
        uint256 memberIndex,
        uint256 amount
    );
    /// @notice Pending inactivity slashes were executed.
    event InactivitySlashed(address indexed operator, uint256 count, uint256 slashed);

    /// @notice Adds `amount` reward tokens to the pool (pulled from the caller).
    /// @param amount The amount, nonzero.
    function fund(uint256 amount) external;

    /// @notice Deposits `amount` fee tokens for `slot`'s block (pulled from the caller). They are
    /// paid with the block if it is finalized, and go to the pool otherwise.
    /// @param slot The block's slot, nonzero, in an epoch not yet settled.
    /// @param amount The amount, nonzero.
    function depositFees(uint256 slot, uint256 amount) external;

    /// @notice Settles what is left of `epoch`: pays every finalized block, credits every
    /// committee member for its chunks, and advances inactivity streaks. Permissionless; epochs
    /// settle in order, each once every proof window of its blocks has closed.
    /// @param epoch The next epoch to settle.
    /// @param committee The epoch's committee in rank order (empty if the epoch had no proposal).
    /// @param roots Every root proof accepted for the blocks of the epoch's segments not yet
    /// settled, sorted by slot, then by `sequence` (the position in its segment's chain).
    function settleEpoch(
        uint256 epoch,
        address[] calldata committee,
        RootEntry[] calldata roots
    ) external;

    /// @notice Settles the next `segments` settlement segments of `epoch` (the lifecycle's
    /// SEGMENT_SLOTS slots each; fewer if fewer are left), so that an epoch whose settlement does
    /// not fit one transaction settles in several. The result is the same as one {settleEpoch}.
    /// @param epoch The next epoch to settle.
    /// @param committee The epoch's committee in rank order (empty if the epoch had no proposal).
    /// @param roots Every root proof accepted for the blocks of those segments, sorted by slot,
    /// then by `sequence`.
    /// @param segments How many segments to settle, nonzero.
    function settleEpochPart(
        uint256 epoch,
        address[] calldata committee,
        RootEntry[] calldata roots,
        uint256 segments
    ) external;

    /// @notice Pays everything `account` can claim to its withdrawer (an operator) or to itself
    /// (any other account). Permissionless: the tokens go to the same place whoever calls.
    /// @param account The account.
    /// @return total The amount paid.
    function claim(address account) external returns (uint256 total);

    /// @notice Pays everything `account` can claim to `recipient`; only the withdrawer of an
    /// operator, or the account itself for any other account.
    /// @param account The account.
    /// @param recipient Where the tokens go.
    /// @return total The amount paid.
    function claimTo(address account, address recipient) external returns (uint256 total);

    /// @notice Pays `account` up to `amount` from the pool into its proving balance, for `slot`'s
    /// block: what a policy's own reward rule decided (siblingCover's uncle rewards, claimed on
    /// the policy). Only the lifecycle's POLICY may call (`NotPolicy`); the core pays
    /// `min(amount, pool, what is left of the block's budget)`, which is zero once the budget is
    /// spent. Either way the claim is evidence of work: committee member `memberIndex` counts as
    /// active in the block for the inactivity rule. The policy checks everything else.
    /// @param slot The block's slot.
    /// @param account The account paid.
    /// @param memberIndex The account's committee index in the block's epoch (below 256).
    /// @param amount The amount the policy's rule asks for.
    /// @return paid The amount paid.
    function payPolicyReward(
        uint256 slot,
        address account,
        uint256 memberIndex,
        uint256 amount
    ) external returns (uint256 paid);

    /// @notice Executes `operator`'s pending inactivity slashes through the stake table.
    /// Permissionless.
    /// @param operator The operator.
    /// @return slashed The amount slashed.
    function slashInactive(address operator) external returns (uint256 slashed);
}
