// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IBlockLifecycle
/// @notice The life of an L2 block on L1: proposal, data publication, timeout certificates, root
/// proofs inside the proof window, finality and pruning.
interface IBlockLifecycle {
    /// @notice Where a block is in its life. `Final` blocks are proven and so is their parent;
    /// `TimedOut` and `Pruned` blocks can never become final.
    enum BlockStatus {
        None,
        Proposed,
        Final,
        TimedOut,
        Pruned
    }

    /// @notice Deployment parameters.
    struct Config {
        /// The committee election that elects each epoch's provers; its stake table provides
        /// keys, stake snapshots, the clock, RANDAO seeds and PROOF_WINDOW.
        address election;
        /// The root-proof verifier.
        address verifier;
        /// Seed 002's sequencer scoring: the proposal score is scaled by (1 + FEE_SPLIT). When
        /// off, proposals must carry a zero fee split.
        bool feeSplitScoring;
        /// L1 blocks per slot; divides the epoch length. Slot `s` starts at
        /// `GENESIS_BLOCK + s * slotLength`.
        uint256 slotLength;
        /// L1 blocks at the start of each slot in which proposals are accepted, 1..slotLength.
        uint256 proposalPhase;
        /// delta: L1 blocks after data publication (or after the proposal phase, if the data was
        /// never published) before a timeout certificate is accepted; below the proof window.
        uint256 dataTimeout;
        /// f as a fraction of the committee size m: `f = floor(m * faultToleranceBps / 10000)`.
        /// A timeout certificate needs f + 1 signers; leaders rotate over f + 1 rounds.
        uint256 faultToleranceBps;
        /// The assignment-and-scoring policy (`IAssignmentPolicy`, see `docs/policies.md`); the
        /// zero address keeps seed 000's striped trees, built into the lifecycle and the rewards
        /// contract. Fixed for the deployment.
        address policy;
    }

    /// @notice What a proposal commits to.
    struct Proposal {
        /// The slot of the parent block (the current chain head; 0 is genesis).
        uint256 parent;
        /// Commitment to the block's transaction data.
        bytes32 txCommitment;
        /// Leaves L of each proof tree, a power of two up to the epoch's `leafCount`.
        uint256 leafCount;
        /// FEE_SPLIT in basis points, 0..10000: the share of the block's value forwarded to the
        /// proving network (seed 002). Zero unless `feeSplitScoring` is on.
        uint256 feeSplitBps;
        /// keccak256 of the proposer's registered BLS public key.
        bytes32 publicKeyHash;
    }

    /// @notice A block as stored.
    struct BlockView {
        BlockStatus status;
        address proposer;
        uint256 parent;
        bytes32 txCommitment;
        uint256 leafCount;
        uint256 feeSplitBps;
        uint256 score;
        /// L1 block of data publication, 0 if not published.
        uint256 publishedAt;
        /// Bit t is set once tree t's root proof was accepted.
        uint256 provenTrees;
    }

    /// @notice What an epoch's blocks need from the election and the beacon, cached by the epoch's
    /// first proposal: the epoch seed, the committee commitment and size, the tree count
    /// `min(c, m)` (the policy's `treeCount(min(c, m), m)` under a policy) and the largest leaf
    /// count, and the committee tag root proofs bind (`RootInputs.committeeTag(commitment)`, in
    /// the word of the size and tree count). `size == 0` means not cached (no proposal yet).
    struct EpochContext {
        bytes32 seed;
        bytes32 commitment;
        uint16 size;
        uint8 treeCount;
        uint32 maxLeafCount;
        bytes24 committeeTag;
    }

    /// @notice A compact ECDSA signature (EIP-2098).
    struct CompactSignature {
        bytes32 r;
        bytes32 vs;
    }

    error ZeroAddress();
    error InvalidSlotLength(uint256 slotLength, uint256 epochLength);
    error InvalidProposalPhase(uint256 proposalPhase, uint256 slotLength);
    error InvalidDataTimeout(uint256 dataTimeout, uint256 proofWindow);
    error InvalidFaultTolerance(uint256 faultToleranceBps);
    /// @notice The policy contract reports id 0 (striped trees are the zero address, built in).
    error InvalidPolicy(address policy);
    /// @notice The policy's tree count for an epoch is not in `[1, 16]`.
    error InvalidPolicyTreeCount(uint256 treeCount);
    /// @notice The record history (HISTORY_SLOTS slots, in L1 blocks) must outlast a block's
    /// proposal phase and proof window.
    error HistoryTooShort(uint256 historyBlocks, uint256 needed);
    /// @notice The slot's history entry still holds pending block `pendingSlot`, whose window
    /// closed long ago: prune it first.
    error PruneFirst(uint256 pendingSlot);
    /// @notice Proposals for `slot` are accepted only in L1 blocks `[opensAt, closesAt]`.
    error OutsideProposalPhase(uint256 slot, uint256 opensAt, uint256 closesAt);
    /// @notice `caller` is not the operator that registered the key.
    error NotKeyOwner(bytes32 publicKeyHash, address caller);
    /// @notice The proposer has no stake counting in the slot's epoch.
    error ProposerNotStaked(address proposer, uint256 epoch);
    /// @notice Seed 001's "no overlap": the proposer is a member of the epoch's proving committee.
    error ProposerInCommittee(address proposer, uint256 epoch);
    /// @notice A proposal must build on the chain head `expected`.
    error InvalidParent(uint256 expected, uint256 given);
    /// @notice The leaf count is not a power of two in `[1, maxLeafCount]`.
    error InvalidLeafCount(uint256 leafCount, uint256 maxLeafCount);
    /// @notice The fee split is above 10000 bps, or nonzero while fee-split scoring is off.
    error InvalidFeeSplit(uint256 feeSplitBps);
    /// @notice The proposal's score does not beat the slot's best proposal.
    error ProposalOutscored(uint256 slot, uint256 score, uint256 best);
    /// @notice The slot's block was removed (timed out or pruned) during its proposal phase.
    error SlotClosed(uint256 slot);
    /// @notice Too many blocks wait for proofs; prune expired ones first.
    error TooManyPendingBlocks(uint256 pending, uint256 max);
    /// @notice The slot's epoch has no committee, so nobody could prove its block.
    error EpochWithoutCommittee(uint256 epoch);
    /// @notice The committee in calldata does not hash to the epoch's sealed commitment.
    error CommitteeMismatch(uint256 epoch, bytes32 expected, bytes32 given);
    /// @notice The slot number does not fit the block records.
    error SlotOutOfRange(uint256 slot);
    /// @notice The block is not in a state that allows this action.
    error UnexpectedBlockStatus(uint256 slot, BlockStatus status);
    /// @notice Only the block's proposer may publish its data.
    error NotProposer(uint256 slot, address caller);
    /// @notice The data was already marked published.
    error DataAlreadyPublished(uint256 slot);
    /// @notice Root proofs need the block's data to be published.
    error DataNotPublished(uint256 slot);
    /// @notice The action is allowed only in L1 blocks `[opensAt, closesAt]`.
    error OutsideWindow(uint256 slot, uint256 opensAt, uint256 closesAt);
    /// @notice The round is above f.
    error InvalidRound(uint256 round, uint256 maxRound);
    /// @notice Only the round's VRF-elected leader posts its certificate.
    error NotRoundLeader(address expected, address caller);
    /// @notice The signer bitmap names a position at or above the committee size.
    error SignerOutOfRange(uint256 bitmap, uint256 committeeSize);
    /// @notice The number of signatures differs from the number of bitmap bits.
    error SignatureCountMismatch(uint256 signers, uint256 signatures);
    /// @notice Fewer than f + 1 signers.
    error NotEnoughSigners(uint256 signers, uint256 required);
    /// @notice The signature at `index` is not the vote of committee member `signer`.
    error InvalidVote(uint256 index, address signer);
    /// @notice The root proof of `tree` was already accepted (a later one goes through
    /// {submitAdditionalRoot}).
    error TreeAlreadyProven(uint256 slot, uint256 tree);
    /// @notice An epoch would hold `slots` slots, more than MAX_SLOTS_PER_EPOCH (`max`): the
    /// bound keeps every epoch's settlement, empty or full, inside one transaction.
    error TooManySlotsPerEpoch(uint256 slots, uint256 max);
    /// @notice {submitAdditionalRoot} is for a tree that already has a root; this one has none.
    error TreeNotProven(uint256 slot, uint256 tree);
    /// @notice An additional root must be sent by the committee member its record credits at
    /// the root (`record[0]`); `sender` is not that member.
    error NotRootMember(uint256 slot, address sender);
    /// @notice Committee member `member` already filed an additional root for this block.
    error AdditionalRootAlreadyFiled(uint256 slot, uint256 member);
    /// @notice The tree index is not below the block's tree count.
    error InvalidTree(uint256 tree, uint256 treeCount);
    /// @notice The block's parent is not final yet; its proof must land first.
    error ParentNotFinal(uint256 slot, uint256 parent);
    /// @notice The participation record's length is not `2L - 1`.
    error InvalidRecordLength(uint256 length, uint256 expected);
    /// @notice The record credits member `member` for `node`, which it was assigned in no tree
    /// (or, for the root, not in the proof's own tree). {submitRootProof} checks only the root;
    /// the rewards layer checks every node when it settles the block.
    error UnassignedParticipant(uint256 node, uint256 member);
    /// @notice The verifier rejected the proof.
    error InvalidRootProof(uint256 slot, uint256 tree);
    /// @notice The block cannot be pruned yet: it is final, or its window is still open.
    error NotPrunable(uint256 slot);

    /// @notice A proposal became the best one of its slot.
    event BlockProposed(
        uint256 indexed slot,
        address indexed proposer,
        uint256 parent,
        bytes32 txCommitment,
        uint256 leafCount,
        uint256 feeSplitBps,
        uint256 score
    );
    /// @notice The proposer marked the block's data as published.
    event DataPublished(uint256 indexed slot, uint256 l1Block);
    /// @notice A timeout certificate was accepted: the block can never be proven.
    event BlockTimedOut(uint256 indexed slot, uint256 round, address leader, uint256 signerBitmap);
    /// @notice A root proof was accepted inside the window.
    event RootProofAccepted(
        uint256 indexed slot,
        uint256 indexed tree,
        address indexed submitter,
        bytes32 recordHash,
        bytes record
    );
    /// @notice The block became final (its first root proof, with a final parent).
    event BlockFinalized(uint256 indexed slot, uint256 tree, address submitter);
    /// @notice The block was removed from the pending chain with every block built on it.
    event BlockPruned(uint256 indexed slot);

    /// @notice Proposes a block for the current slot during its proposal phase.
    /// @param slot The current slot.
    /// @param proposal What the block commits to.
    /// @param committee Empty, unless the proposer revealed for the slot's epoch and was
    /// displaced from its committee: then the committee in rank order, to show it is not a member.
    function propose(
        uint256 slot,
        Proposal calldata proposal,
        address[] calldata committee
    ) external;

    /// @notice Marks the block's data as published (stands in for a DA certificate).
    /// @param slot The block's slot.
    function publishData(uint256 slot) external;

    /// @notice Posts a timeout certificate: f + 1 committee members' votes that they did not
    /// receive the block's data.
    /// @param slot The block's slot.
    /// @param round The leader round, 0..f.
    /// @param committee The epoch's committee in rank order.
    /// @param signerBitmap Bit i set iff `committee[i]` signed.
    /// @param signatures The votes, in ascending bit order.
    function postTimeoutCertificate(
        uint256 slot,
        uint256 round,
        address[] calldata committee,
        uint256 signerBitmap,
        CompactSignature[] calldata signatures
    ) external;

    /// @notice Files another root proof of a tree that already has one: every valid root inside
    /// the window counts, so a first root (by the sequencer, or by anyone racing the root's
    /// prover) never locks out the member whose root it is. The sender must be the committee
    /// member the record credits at the root (`record[0]`: the tree's own root prover under
    /// striped trees), each member at most once per block, so a block takes at most
    /// `treeCount + m` roots. The record and proof are checked as in {submitRootProof}; the
    /// root extends the epoch's digest and settlement pays it as an additional record
    /// (ProverRewards: activity for everyone it credits, pay only for what no earlier record of
    /// the tree paid).
    /// @param slot The block's slot (final, window open).
    /// @param tree The tree index, already proven.
    /// @param record The participation record.
    /// @param proof The proof, checked by the verifier against {rootPublicInputs}.
    /// @param committee The epoch's committee in rank order (checked against its commitment).
    function submitAdditionalRoot(
        uint256 slot,
        uint256 tree,
        bytes calldata record,
        bytes calldata proof,
        address[] calldata committee
    ) external;

    /// @notice Submits the root proof of tree `tree` of a block, with its participation record.
    /// @param slot The block's slot.
    /// @param tree The tree index.
    /// @param record Byte `node - 1` is the committee index of the member whose output the root
    /// includes for heap node `node`, for nodes 1..2L-1.
    /// @param proof The proof, checked by the verifier against {rootPublicInputs}.
    function submitRootProof(
        uint256 slot,
        uint256 tree,
        bytes calldata record,
        bytes calldata proof
    ) external;

    /// @notice Prunes a pending block whose window closed without a proof, and every block built
    /// on it.
    /// @param slot The block's slot.
    function prune(uint256 slot) external;
}
