// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {CommitteeElection} from "../election/CommitteeElection.sol";
import {TreeAssignment} from "../election/TreeAssignment.sol";
import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {IProofVerifier} from "../interfaces/IProofVerifier.sol";
import {PolicyRecord} from "../policies/PolicyRecord.sol";
import {EpochClock} from "../staking/EpochClock.sol";
import {StakeTable} from "../staking/StakeTable.sol";
import {ParticipationRecord} from "./ParticipationRecord.sol";
import {ProposalScore} from "./ProposalScore.sol";
import {RootDigest} from "./RootDigest.sol";
import {RootInputs} from "./RootInputs.sol";
import {TimeoutCertificate} from "./TimeoutCertificate.sol";

/// @title BlockLifecycle
/// @notice The heartbeat of the rollup on L1: Fernet-style proposals, data publication, timeout
/// certificates, root proofs inside the proof window, finality and pruning.
///
/// Slots. Slot `s >= 1` starts at L1 block `GENESIS_BLOCK + s * SLOT_LENGTH`; slots never straddle
/// epochs. Its first PROPOSAL_PHASE blocks take proposals; the best score when the phase ends is
/// the slot's block, identified by its slot number. Slot 0 is the genesis block, final from the
/// start. The committee of the slot's epoch proves the block; the proposer must not be in it.
///
/// Chain. Proposals build on the chain head, so the pending blocks (proposed, not yet final) form
/// one line above the last final block. A block becomes final with its first valid root proof,
/// which is accepted only when its parent is final: finality advances one block at a time and is
/// O(1). Timing out or pruning a block removes it and every block above it in the line (at most
/// MAX_PENDING_BLOCKS, a bound proposals enforce), and moves the head back to its parent.
///
/// Windows (L1 blocks, fixed when the proposal phase ends at `opensAt`): data publication and
/// root proofs in `[opensAt, opensAt + PROOF_WINDOW - 1]`; timeout certificates from
/// `anchor + DATA_TIMEOUT`, where `anchor` is the publication block (or `opensAt` if the data was
/// never published), to the end of the proof window. The window starts at the proposal rather
/// than at publication so that a withholding sequencer cannot move any deadline.
///
/// Policies. With POLICY zero the trees are seed 000's striped ones, checked here (the root) and
/// in ProverRewards (every node). Any other POLICY (`IAssignmentPolicy`, docs/policies.md) sets
/// each epoch's tree count (`treeCount(min(c, m), m)`) and checks every accepted root through
/// `acceptRoot`; the rest of the lifecycle is the same for every policy.
contract BlockLifecycle is IBlockLifecycle, EpochClock, EIP712 {
    /// @notice 100% in basis points.
    uint256 public constant BPS = 10_000;
    /// @notice Domain tag of block commitments.
    bytes32 public constant BLOCK_DOMAIN = RootInputs.BLOCK_DOMAIN;
    /// @notice Domain tag of root-proof public inputs.
    bytes32 public constant ROOT_PROOF_DOMAIN = RootInputs.ROOT_PROOF_DOMAIN;
    /// @notice Slots whose block records stay in storage: the record of slot `s` is overwritten
    /// by slot `s + HISTORY_SLOTS`'s proposal (events keep everything). Later layers settle a
    /// block before that; the constructor requires the history to outlast every proof window.
    uint256 public constant HISTORY_SLOTS = 256;
    /// @notice Most slots an epoch may hold: 256 settlement segments of SEGMENT_SLOTS slots, so
    /// that one word ({rootSegments}) says which segments have roots. ProverRewards' fee sweep
    /// reads one word per 256 slots and skips segments without roots, so an empty epoch at this
    /// bound costs a few cold reads (`rewards.settle.emptyEpoch.maxSlots` in reports/gas.json).
    uint256 public constant MAX_SLOTS_PER_EPOCH = 256 * RootDigest.SEGMENT_SLOTS;
    /// @notice Slots per settlement segment: an epoch's root proofs are chained per segment of
    /// this many consecutive slots (the last one may be shorter), and ProverRewards settles an
    /// epoch one or more whole segments per transaction, so no settlement transaction grows with
    /// the epoch's length. An epoch of at most this many slots is one segment.
    uint256 public constant SEGMENT_SLOTS = RootDigest.SEGMENT_SLOTS;

    /// @notice The stake table (keys, stake, seeds, PROOF_WINDOW).
    StakeTable public immutable STAKE_TABLE;
    /// @notice The committee election.
    CommitteeElection public immutable ELECTION;
    /// @notice The root-proof verifier.
    IProofVerifier public immutable VERIFIER;
    /// @notice L1 blocks per slot.
    uint256 public immutable SLOT_LENGTH;
    /// @notice L1 blocks at the start of each slot that take proposals.
    uint256 public immutable PROPOSAL_PHASE;
    /// @notice W: L1 blocks in which a block's root proofs count (the stake table's PROOF_WINDOW,
    /// which its EXIT_DELAY covers).
    uint256 public immutable PROOF_WINDOW;
    /// @notice delta: L1 blocks after publication before timeout certificates are accepted.
    uint256 public immutable DATA_TIMEOUT;
    /// @notice f as a fraction of the committee size, in basis points.
    uint256 public immutable FAULT_TOLERANCE_BPS;
    /// @notice Most blocks that may wait for proofs at once: a slot's block is pending for at most
    /// PROPOSAL_PHASE + PROOF_WINDOW blocks unless nobody prunes it, so honest operation never
    /// reaches the bound; it keeps every removal loop bounded.
    uint256 public immutable MAX_PENDING_BLOCKS;
    /// @notice Most trees whose root provers a block record caches (one byte each in its Timing
    /// word); blocks with more trees draw them again for every root proof.
    uint256 public constant ROOT_CACHE_TREES = 8;
    /// @notice Whether proposal scores are scaled by (1 + FEE_SPLIT) (seed 002).
    bool public immutable FEE_SPLIT_SCORING;
    /// @notice The assignment-and-scoring policy; zero for seed 000's built-in striped trees.
    IAssignmentPolicy public immutable POLICY;
    /// @dev POLICY's id, read once (0 for striped).
    uint256 private immutable _POLICY_ID;

    /// @dev One slot per block header. `slot` tags which slot a history entry currently holds.
    struct Header {
        address proposer;
        uint32 parent;
        uint32 slot;
        uint8 leafLog2;
        uint16 provenTrees;
        BlockStatus status;
    }

    /// @dev The proposal's score, the publication block and the fee split; one slot.
    /// `rootProvers` holds, for blocks with at most ROOT_CACHE_TREES trees, the committee index
    /// of each tree's root prover (byte t for tree t), drawn by the slot's first proposal.
    struct Timing {
        uint128 score;
        uint48 publishedAt;
        uint16 feeSplitBps;
        uint64 rootProvers;
    }

    // EpochContext (IBlockLifecycle): what an epoch's blocks need from the election and the
    // beacon. The epoch's first proposal caches it (it is final by then: the committee is sealed,
    // the seed and the parameters of a started epoch never change); `size == 0` means not cached.
    // why: gas. Every later proposal, proof and certificate of the epoch reads one to three slots
    // instead of making three external calls (about 15k gas each time).

    /// @dev The pending line: its top, the last final block and the number of pending blocks.
    struct Chain {
        uint32 head;
        uint32 finalized;
        uint32 pending;
    }

    // why: gas. Block records live in a ring of HISTORY_SLOTS entries indexed by `slot %
    // HISTORY_SLOTS`, so a steady-state proposal rewrites three warm-able nonzero slots (2.9k
    // each) instead of creating three (22.1k each). An entry is reused only once its old block is
    // settled (final, timed out or pruned), which {propose} enforces. Root proofs are not kept per
    // (block, tree): each extends its segment's RootDigest chain, one word per segment of
    // SEGMENT_SLOTS slots (one per epoch at the local parameters).
    Header[HISTORY_SLOTS] private _headers;
    bytes32[HISTORY_SLOTS] private _txCommitments;
    Timing[HISTORY_SLOTS] private _timing;
    Chain private _chain;
    mapping(uint256 epoch => EpochContext) private _epochs;
    /// @dev Keyed by `epoch << 8 | segment` (an epoch has at most 256 segments).
    mapping(uint256 segmentKey => bytes32) private _rootDigests;
    /// @dev Per epoch of more than one segment: the segments with a root (bit = segment).
    mapping(uint256 epoch => uint256) private _rootSegments;
    /// @dev Per slot: the committee indices that filed an additional root (one each).
    mapping(uint256 slot => uint256) private _additionalFilers;

    constructor(
        Config memory config
    )
        EpochClock(
            _nonZero(config.election).GENESIS_BLOCK(),
            CommitteeElection(config.election).EPOCH_LENGTH()
        )
        EIP712("ProverNetwork BlockLifecycle", "1")
    {
        if (config.verifier == address(0)) revert ZeroAddress();
        if (config.slotLength == 0 || EPOCH_LENGTH % config.slotLength != 0) {
            revert InvalidSlotLength(config.slotLength, EPOCH_LENGTH);
        }
        if (EPOCH_LENGTH / config.slotLength > MAX_SLOTS_PER_EPOCH) {
            revert TooManySlotsPerEpoch(EPOCH_LENGTH / config.slotLength, MAX_SLOTS_PER_EPOCH);
        }
        if (config.proposalPhase == 0 || config.proposalPhase > config.slotLength) {
            revert InvalidProposalPhase(config.proposalPhase, config.slotLength);
        }
        ELECTION = CommitteeElection(config.election);
        STAKE_TABLE = ELECTION.STAKE_TABLE();
        uint256 window = STAKE_TABLE.PROOF_WINDOW();
        if (config.dataTimeout == 0 || config.dataTimeout >= window) {
            revert InvalidDataTimeout(config.dataTimeout, window);
        }
        if (config.faultToleranceBps >= BPS) revert InvalidFaultTolerance(config.faultToleranceBps);
        VERIFIER = IProofVerifier(config.verifier);
        SLOT_LENGTH = config.slotLength;
        PROPOSAL_PHASE = config.proposalPhase;
        PROOF_WINDOW = window;
        DATA_TIMEOUT = config.dataTimeout;
        FAULT_TOLERANCE_BPS = config.faultToleranceBps;
        FEE_SPLIT_SCORING = config.feeSplitScoring;
        POLICY = IAssignmentPolicy(config.policy);
        if (config.policy != address(0)) {
            uint256 id = IAssignmentPolicy(config.policy).POLICY_ID();
            if (id == PolicyRecord.STRIPED) revert InvalidPolicy(config.policy);
            _POLICY_ID = id;
        }
        MAX_PENDING_BLOCKS = (config.proposalPhase + window) / config.slotLength + 2;
        if (HISTORY_SLOTS * config.slotLength <= config.proposalPhase + window) {
            revert HistoryTooShort(
                HISTORY_SLOTS * config.slotLength,
                config.proposalPhase + window
            );
        }
        _headers[0].status = BlockStatus.Final;
    }

    // ---------------------------------------------------------------------------------------
    // Proposals and data
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc IBlockLifecycle
    /// @dev The first proposal of an epoch seals its committee if nobody did (see
    /// {CommitteeElection.sealCommittee}) and caches the epoch's context; later ones read it.
    function propose(
        uint256 slot,
        Proposal calldata proposal,
        address[] calldata committee
    ) external {
        (uint256 index, bool fresh, Chain memory chain) = _checkSlot(slot, proposal);
        uint256 score = _checkProposer(epochOfSlot(slot), slot, proposal, committee);
        if (fresh) {
            chain.head = uint32(slot);
            ++chain.pending;
            _chain = chain;
        } else if (score <= _timing[index].score) {
            revert ProposalOutscored(slot, score, _timing[index].score);
        }
        // why: gas. The root provers depend on the slot only, so the slot's first proposal draws
        // them once (the root level's permutation) and its c root proofs compare one byte each.
        uint64 rootProvers = fresh ? _drawRootProvers(slot) : _timing[index].rootProvers;
        _storeProposal(slot, index, proposal, score, rootProvers);
    }

    /// @inheritdoc IBlockLifecycle
    function publishData(uint256 slot) external {
        Header memory header = _header(slot);
        if (header.status != BlockStatus.Proposed)
            revert UnexpectedBlockStatus(slot, header.status);
        if (msg.sender != header.proposer) revert NotProposer(slot, msg.sender);
        (uint256 opensAt, uint256 closesAt) = proofWindow(slot);
        if (block.number < opensAt || block.number > closesAt) {
            revert OutsideWindow(slot, opensAt, closesAt);
        }
        Timing storage timing = _timing[slot % HISTORY_SLOTS];
        if (timing.publishedAt != 0) revert DataAlreadyPublished(slot);
        timing.publishedAt = uint48(block.number);
        emit DataPublished(slot, block.number);
    }

    // ---------------------------------------------------------------------------------------
    // Timeouts
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc IBlockLifecycle
    /// @dev Checks, in order: the block's status and window, the committee, the round and its
    /// leader, the signer count, and last the signatures.
    function postTimeoutCertificate(
        uint256 slot,
        uint256 round,
        address[] calldata committee,
        uint256 signerBitmap,
        CompactSignature[] calldata signatures
    ) external {
        BlockStatus status = _header(slot).status;
        if (status != BlockStatus.Proposed) revert UnexpectedBlockStatus(slot, status);
        (uint256 opensAt, uint256 closesAt) = timeoutWindow(slot);
        if (block.number < opensAt || block.number > closesAt) {
            revert OutsideWindow(slot, opensAt, closesAt);
        }
        address leader = _checkQuorum(slot, round, committee, signerBitmap, signatures.length);
        TimeoutCertificate.verifyVotes(
            timeoutVoteDigest(slot, round),
            committee,
            signerBitmap,
            signatures
        );
        _remove(slot, BlockStatus.TimedOut);
        emit BlockTimedOut(slot, round, leader, signerBitmap);
    }

    // ---------------------------------------------------------------------------------------
    // Root proofs and pruning
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc IBlockLifecycle
    function submitRootProof(
        uint256 slot,
        uint256 tree,
        bytes calldata record,
        bytes calldata proof
    ) external {
        Header memory header = _header(slot);
        (bool first, Timing memory timing) = _checkProvable(slot, tree, header);
        if (tree < 16 && header.provenTrees & (1 << tree) != 0) {
            revert TreeAlreadyProven(slot, tree);
        }
        _acceptRoot(slot, tree, header, first, timing, record, proof);
    }

    /// @inheritdoc IBlockLifecycle
    function submitAdditionalRoot(
        uint256 slot,
        uint256 tree,
        bytes calldata record,
        bytes calldata proof,
        address[] calldata committee
    ) external {
        Header memory header = _header(slot);
        (bool first, Timing memory timing) = _checkProvable(slot, tree, header);
        if (first || tree >= 16 || header.provenTrees & (1 << tree) == 0) {
            revert TreeNotProven(slot, tree);
        }
        _claimAdditional(slot, record, committee);
        _acceptRoot(slot, tree, header, false, timing, record, proof);
    }

    /// @dev Checks the committee and that the sender is the member `record` credits at the root
    /// and has filed no additional root for `slot`; records that it has.
    function _claimAdditional(
        uint256 slot,
        bytes calldata record,
        address[] calldata committee
    ) private {
        _checkCommittee(slot, committee);
        if (record.length == 0) revert InvalidRecordLength(0, 1);
        uint256 member = uint8(record[0]);
        if (member >= committee.length || committee[member] != msg.sender) {
            revert NotRootMember(slot, msg.sender);
        }
        uint256 filers = _additionalFilers[slot];
        if ((filers >> member) & 1 == 1) revert AdditionalRootAlreadyFiled(slot, member);
        _additionalFilers[slot] = filers | (1 << member);
    }

    /// @dev Verifies and records a root proof the checks above admitted: extends the epoch's
    /// digest, marks the tree, finalizes the block with its first root.
    function _acceptRoot(
        uint256 slot,
        uint256 tree,
        Header memory header,
        bool first,
        Timing memory timing,
        bytes calldata record,
        bytes calldata proof
    ) private {
        bytes32 recordHash = address(POLICY) == address(0)
            ? _verifyRoot(slot, tree, header, timing.rootProvers, record, proof)
            : _verifyPolicyRoot(slot, tree, header, first, record, proof);
        _extendDigest(slot, tree, header.proposer, timing.feeSplitBps, recordHash);
        Header storage stored = _headers[slot % HISTORY_SLOTS];
        stored.provenTrees = uint16(header.provenTrees | (1 << tree));
        if (first) {
            stored.status = BlockStatus.Final;
            Chain memory chain = _chain;
            chain.finalized = uint32(slot);
            --chain.pending;
            _chain = chain;
            emit BlockFinalized(slot, tree, msg.sender);
        }
        emit RootProofAccepted(slot, tree, msg.sender, recordHash, record);
    }

    /// @dev Extends the RootDigest chain of `slot`'s settlement segment with one accepted root.
    function _extendDigest(
        uint256 slot,
        uint256 tree,
        address proposer,
        uint256 feeSplitBps,
        bytes32 recordHash
    ) private {
        uint256 epoch = epochOfSlot(slot);
        uint256 segment = (slot - epoch * (EPOCH_LENGTH / SLOT_LENGTH)) / SEGMENT_SLOTS;
        uint256 key = (epoch << 8) | segment;
        bytes32 digest = _rootDigests[key];
        // why: gas. Single-segment epochs (at most SEGMENT_SLOTS slots) need no segment
        // bitmap: their one digest says whether it has roots, saving a 22.1k write per epoch.
        if (digest == bytes32(0) && EPOCH_LENGTH / SLOT_LENGTH > SEGMENT_SLOTS) {
            _rootSegments[epoch] |= uint256(1) << segment;
        }
        _rootDigests[key] = RootDigest.extend(
            digest,
            RootDigest.entryHash(slot, tree, proposer, feeSplitBps, msg.sender, recordHash)
        );
    }

    /// @inheritdoc IBlockLifecycle
    function prune(uint256 slot) external {
        BlockStatus status = _header(slot).status;
        if (status != BlockStatus.Proposed) revert UnexpectedBlockStatus(slot, status);
        (, uint256 closesAt) = proofWindow(slot);
        if (block.number <= closesAt) revert NotPrunable(slot);
        _remove(slot, BlockStatus.Pruned);
    }

    // ---------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------

    /// @notice The id of the deployment's policy (`PolicyRecord`): 0 for striped trees.
    /// @return The id.
    function policyId() external view returns (uint256) {
        return _POLICY_ID;
    }

    /// @notice The first L1 block of `slot`.
    /// @param slot The slot.
    /// @return The L1 block number.
    function slotStartBlock(uint256 slot) public view returns (uint256) {
        return GENESIS_BLOCK + slot * SLOT_LENGTH;
    }

    /// @notice The slot that L1 block `blockNumber` belongs to.
    /// @param blockNumber An L1 block at or after genesis.
    /// @return The slot.
    function slotAt(uint256 blockNumber) public view returns (uint256) {
        if (blockNumber < GENESIS_BLOCK) revert BlockBeforeGenesis(blockNumber, GENESIS_BLOCK);
        return (blockNumber - GENESIS_BLOCK) / SLOT_LENGTH;
    }

    /// @notice The current slot.
    /// @return The slot of the current L1 block.
    function currentSlot() external view returns (uint256) {
        return slotAt(block.number);
    }

    /// @notice The epoch whose committee proves `slot`'s block.
    /// @param slot The slot.
    /// @return The epoch.
    function epochOfSlot(uint256 slot) public view returns (uint256) {
        return (slot * SLOT_LENGTH) / EPOCH_LENGTH;
    }

    /// @notice The L1 blocks in which `slot`'s data may be published and its root proofs count.
    /// @param slot The slot.
    /// @return opensAt The first L1 block after the proposal phase.
    /// @return closesAt The last L1 block of the window.
    function proofWindow(uint256 slot) public view returns (uint256 opensAt, uint256 closesAt) {
        opensAt = slotStartBlock(slot) + PROPOSAL_PHASE;
        closesAt = opensAt + PROOF_WINDOW - 1;
    }

    /// @notice The L1 blocks in which a timeout certificate for `slot` is accepted: from delta
    /// after publication (or after the proposal phase, if the data is unpublished) to the end of
    /// the proof window.
    /// @param slot The slot.
    /// @return opensAt The first L1 block.
    /// @return closesAt The last L1 block.
    function timeoutWindow(uint256 slot) public view returns (uint256 opensAt, uint256 closesAt) {
        uint256 anchor;
        (anchor, closesAt) = proofWindow(slot);
        uint256 publishedAt = _header(slot).status == BlockStatus.None
            ? 0
            : _timing[slot % HISTORY_SLOTS].publishedAt;
        if (publishedAt != 0) anchor = publishedAt;
        opensAt = anchor + DATA_TIMEOUT;
    }

    /// @notice The block of `slot`.
    /// @param slot The slot.
    /// @return view_ The stored block.
    function getBlock(uint256 slot) external view returns (BlockView memory view_) {
        Header memory header = _header(slot);
        if (header.status == BlockStatus.None) return view_;
        uint256 index = slot % HISTORY_SLOTS;
        Timing memory timing = _timing[index];
        view_ = BlockView({
            status: header.status,
            proposer: header.proposer,
            parent: header.parent,
            txCommitment: _txCommitments[index],
            leafCount: 1 << header.leafLog2,
            feeSplitBps: timing.feeSplitBps,
            score: timing.score,
            publishedAt: timing.publishedAt,
            provenTrees: header.provenTrees
        });
    }

    /// @notice The pending line.
    /// @return head The newest block proposals build on.
    /// @return finalized The newest final block.
    /// @return pending The number of blocks waiting for proofs.
    function chainState() external view returns (uint256 head, uint256 finalized, uint256 pending) {
        Chain memory chain = _chain;
        return (chain.head, chain.finalized, chain.pending);
    }

    /// @notice The RootDigest chain of every root proof accepted so far for blocks of `epoch`'s
    /// settlement segment `segment` (its slots `segment * SEGMENT_SLOTS ...` of the epoch; zero
    /// if none); the rewards layer settles the segment from it.
    /// @param epoch The epoch.
    /// @param segment The segment of the epoch.
    /// @return The digest.
    function rootDigest(uint256 epoch, uint256 segment) external view returns (bytes32) {
        if (segment > 255) return bytes32(0);
        return _rootDigests[(epoch << 8) | segment];
    }

    /// @notice The settlement segments of `epoch` that have at least one accepted root proof
    /// (bit `s` for segment `s`).
    /// @param epoch The epoch.
    /// @return segments The bitmap.
    function rootSegments(uint256 epoch) external view returns (uint256 segments) {
        if (EPOCH_LENGTH / SLOT_LENGTH > SEGMENT_SLOTS) return _rootSegments[epoch];
        return _rootDigests[epoch << 8] == bytes32(0) ? 0 : 1;
    }

    /// @notice The context `epoch`'s first proposal cached: seed, committee commitment and size,
    /// tree count and largest leaf count; all zero if the epoch has had no proposal.
    /// @param epoch The epoch.
    /// @return The cached context.
    function epochContext(uint256 epoch) external view returns (EpochContext memory) {
        return _epochs[epoch];
    }

    /// @notice The score a proposal by the key with hash `publicKeyHash` with fee split
    /// `feeSplitBps` gets in `slot`; computable by anyone once the epoch's seed is final.
    /// @param slot The slot.
    /// @param publicKeyHash keccak256 of the proposer's key.
    /// @param feeSplitBps The fee split in basis points.
    /// @return The score.
    function proposalScore(
        uint256 slot,
        bytes32 publicKeyHash,
        uint256 feeSplitBps
    ) public view returns (uint256) {
        return
            ProposalScore.scoreOf(
                STAKE_TABLE.seedOf(epochOfSlot(slot)),
                slot,
                publicKeyHash,
                feeSplitBps
            );
    }

    /// @notice The commitment of `slot`'s block that root proofs bind.
    /// @param slot The slot.
    /// @return `keccak256(abi.encode(BLOCK_DOMAIN, slot, parent, proposer, txCommitment,
    /// leafCount, feeSplitBps))`.
    function blockCommitment(uint256 slot) external view returns (bytes32) {
        return _blockCommitment(slot, _existing(slot));
    }

    /// @notice The hash of the public inputs a root proof of tree `tree` of `slot` must verify
    /// against, for `submitter` and participation record `record`.
    /// @param slot The slot.
    /// @param tree The tree.
    /// @param record The participation record.
    /// @param submitter The account that submits the proof.
    /// @return `keccak256(abi.encode(ROOT_PROOF_DOMAIN, chainid, this, blockCommitment, tree,
    /// keccak256(record), submitter, committeeTag))` (RootInputs).
    function rootPublicInputs(
        uint256 slot,
        uint256 tree,
        bytes calldata record,
        address submitter
    ) external view returns (bytes32) {
        return _rootPublicInputs(slot, _existing(slot), tree, keccak256(record), submitter);
    }

    /// @notice The EIP-712 digest committee members sign to vote that `slot`'s data did not reach
    /// them, in `round`.
    /// @param slot The slot.
    /// @param round The round.
    /// @return The digest.
    function timeoutVoteDigest(uint256 slot, uint256 round) public view returns (bytes32) {
        return _hashTypedDataV4(TimeoutCertificate.voteStructHash(slot, round));
    }

    /// @notice The leader of `round` for `slot`'s block: VRF-elected from the committee by the
    /// block seed, computable by anyone.
    /// @param slot The slot.
    /// @param round The round, 0..f.
    /// @param committee The epoch's committee in rank order.
    /// @return The leader.
    function leaderOf(
        uint256 slot,
        uint256 round,
        address[] calldata committee
    ) external view returns (address) {
        (uint256 m, bytes32 seed) = _checkCommittee(slot, committee);
        return committee[TimeoutCertificate.leaderIndex(seed, round, m)];
    }

    /// @notice f for a committee of `committeeSize` members; certificates need f + 1 signers and
    /// leaders rotate over rounds 0..f.
    /// @param committeeSize The committee size m.
    /// @return f `floor(m * FAULT_TOLERANCE_BPS / 10000)`.
    function faultThreshold(uint256 committeeSize) external view returns (uint256) {
        return TimeoutCertificate.faultThreshold(committeeSize, FAULT_TOLERANCE_BPS);
    }

    // ---------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------

    /// @dev Checks the slot, the phase, the fee split, the history entry and the parent; returns
    /// the entry, whether this is the slot's first proposal, and the chain record.
    function _checkSlot(
        uint256 slot,
        Proposal calldata proposal
    ) private view returns (uint256 index, bool fresh, Chain memory chain) {
        if (slot == 0 || slot > type(uint32).max) revert SlotOutOfRange(slot);
        uint256 opensAt = slotStartBlock(slot);
        if (block.number < opensAt || block.number >= opensAt + PROPOSAL_PHASE) {
            revert OutsideProposalPhase(slot, opensAt, opensAt + PROPOSAL_PHASE - 1);
        }
        uint256 feeSplit = proposal.feeSplitBps;
        if (feeSplit > BPS || (!FEE_SPLIT_SCORING && feeSplit != 0)) {
            revert InvalidFeeSplit(feeSplit);
        }
        index = slot % HISTORY_SLOTS;
        Header memory header = _headers[index];
        if (header.slot != slot) {
            // The entry holds an older block (or nothing): it must be settled before reuse.
            if (header.status == BlockStatus.Proposed) revert PruneFirst(header.slot);
            header.status = BlockStatus.None;
        }
        chain = _chain;
        fresh = header.status == BlockStatus.None;
        if (fresh) {
            if (proposal.parent != chain.head) revert InvalidParent(chain.head, proposal.parent);
            if (chain.pending >= MAX_PENDING_BLOCKS) {
                revert TooManyPendingBlocks(chain.pending, MAX_PENDING_BLOCKS);
            }
        } else if (header.status == BlockStatus.Proposed) {
            if (proposal.parent != header.parent) {
                revert InvalidParent(header.parent, proposal.parent);
            }
        } else {
            revert SlotClosed(slot);
        }
    }

    /// @dev The committee indices of the root provers of `slot`'s trees, byte t for tree t, if
    /// the epoch has at most ROOT_CACHE_TREES trees (else 0: root proofs draw them).
    function _drawRootProvers(uint256 slot) private view returns (uint64 rootProvers) {
        // The proposer's checks cached the epoch's context.
        EpochContext storage context = _epochs[epochOfSlot(slot)];
        uint256 c = context.treeCount;
        // Policies check roots themselves (acceptRoot): nothing to cache.
        if (c > ROOT_CACHE_TREES || address(POLICY) != address(0)) return 0;
        uint256 m = context.size;
        uint256[] memory perm = new uint256[](m);
        TreeAssignment.fillLevelPermutation(perm, TreeAssignment.blockSeed(context.seed, slot), 0);
        uint256 stride = m / c;
        for (uint256 t = 0; t < c; ++t) {
            // Committee indices are below 256.
            rootProvers |= uint64(perm[t * stride]) << uint64(8 * t);
        }
    }

    /// @dev Writes the slot's (new best) proposal into its history entry.
    function _storeProposal(
        uint256 slot,
        uint256 index,
        Proposal calldata proposal,
        uint256 score,
        uint64 rootProvers
    ) private {
        // Bounded by the checks: slot and parent < 2^32, leafCount a power of two <= 2^16,
        // feeSplit <= 10000, score < 2^127.
        _headers[index] = Header({
            proposer: msg.sender,
            parent: uint32(proposal.parent),
            slot: uint32(slot),
            leafLog2: uint8(Math.log2(proposal.leafCount)),
            provenTrees: 0,
            status: BlockStatus.Proposed
        });
        _txCommitments[index] = proposal.txCommitment;
        _timing[index] = Timing({
            score: uint128(score),
            publishedAt: 0,
            feeSplitBps: uint16(proposal.feeSplitBps),
            rootProvers: rootProvers
        });
        emit BlockProposed(
            slot,
            msg.sender,
            proposal.parent,
            proposal.txCommitment,
            proposal.leafCount,
            proposal.feeSplitBps,
            score
        );
    }

    /// @dev The header of `slot`'s block, or an empty one (status None) if its history entry
    /// holds another slot: not proposed yet, or overwritten after HISTORY_SLOTS slots.
    function _header(uint256 slot) private view returns (Header memory header) {
        header = _headers[slot % HISTORY_SLOTS];
        if (header.slot != slot) delete header;
    }

    /// @dev The header of `slot`'s block; reverts if the slot has no block (in its history entry).
    function _existing(uint256 slot) private view returns (Header memory header) {
        header = _header(slot);
        if (header.status == BlockStatus.None) revert UnexpectedBlockStatus(slot, header.status);
    }

    /// @dev The election, checked before the clock reads it (base constructors run first).
    function _nonZero(address election) private pure returns (CommitteeElection) {
        if (election == address(0)) revert ZeroAddress();
        return CommitteeElection(election);
    }

    /// @dev Checks the proposer's key, stake, committee exclusion, the leaf count, and returns
    /// the proposal's score.
    function _checkProposer(
        uint256 epoch,
        uint256 slot,
        Proposal calldata proposal,
        address[] calldata committee
    ) private returns (uint256 score) {
        bytes32 keyHash = proposal.publicKeyHash;
        if (STAKE_TABLE.operatorOfKey(keyHash) != msg.sender) {
            revert NotKeyOwner(keyHash, msg.sender);
        }
        if (STAKE_TABLE.stakeAt(msg.sender, epoch) == 0) {
            revert ProposerNotStaked(msg.sender, epoch);
        }
        EpochContext storage context = _epochs[epoch];
        if (context.size == 0) _cacheEpoch(epoch, context);
        // A key whose last reveal is for an earlier epoch (or none) cannot be a member. Any
        // other may be (a reveal for a later epoch overwrites the record of this one); it shows
        // it is not by passing the committee, which must not contain it.
        uint256 lastReveal = ELECTION.lastRevealEpoch(keyHash);
        if (lastReveal != 0 && lastReveal >= epoch) {
            _checkNotMember(epoch, context.commitment, committee);
        }
        uint256 maxLeaves = context.maxLeafCount;
        uint256 leaves = proposal.leafCount;
        if (!TreeAssignment.isLeafCount(leaves) || leaves > maxLeaves) {
            revert InvalidLeafCount(leaves, maxLeaves);
        }
        score = ProposalScore.scoreOf(context.seed, slot, keyHash, proposal.feeSplitBps);
    }

    /// @dev Seals `epoch`'s committee (if nobody did) and caches its context; reverts for an
    /// empty committee.
    function _cacheEpoch(uint256 epoch, EpochContext storage context) private {
        (bytes32 commitment, uint256 size) = ELECTION.sealCommittee(epoch);
        if (size == 0) revert EpochWithoutCommittee(epoch);
        context.seed = STAKE_TABLE.seedOf(epoch);
        context.commitment = commitment;
        context.committeeTag = RootInputs.committeeTag(commitment);
        context.size = uint16(size);
        // The election's small-committee rule, min(c, m): at most 16.
        uint256 trees = ELECTION.effectiveTreeCount(epoch);
        if (address(POLICY) != address(0)) {
            trees = POLICY.treeCount(trees, size);
            // Tree bits live in a uint16 (provenTrees).
            if (trees == 0 || trees > 16) revert InvalidPolicyTreeCount(trees);
        }
        context.treeCount = uint8(trees);
        context.maxLeafCount = ELECTION.paramsAt(epoch).leafCount;
    }

    /// @dev The committee commitment, size and block seed of `slot`: from the cache, or from the
    /// election for views about an epoch that has no block yet.
    function _committeeContext(
        uint256 slot
    ) private view returns (bytes32 commitment, uint256 m, bytes32 seed) {
        uint256 epoch = epochOfSlot(slot);
        EpochContext storage context = _epochs[epoch];
        m = context.size;
        if (m == 0) {
            (commitment, m, , seed) = ELECTION.blockContext(epoch, slot);
        } else {
            commitment = context.commitment;
            seed = TreeAssignment.blockSeed(context.seed, slot);
        }
    }

    /// @dev Reverts unless `committee` is the epoch's committee and the caller is not in it.
    function _checkNotMember(
        uint256 epoch,
        bytes32 commitment,
        address[] calldata committee
    ) private view {
        bytes32 given = keccak256(abi.encode(committee));
        if (given != commitment) revert CommitteeMismatch(epoch, commitment, given);
        for (uint256 i = 0; i < committee.length; ++i) {
            if (committee[i] == msg.sender) revert ProposerInCommittee(msg.sender, epoch);
        }
    }

    /// @dev Checks `committee` against the sealed commitment of `slot`'s epoch; returns its size
    /// and the block seed.
    function _checkCommittee(
        uint256 slot,
        address[] calldata committee
    ) private view returns (uint256 m, bytes32 seed) {
        bytes32 commitment;
        (commitment, m, seed) = _committeeContext(slot);
        bytes32 given = keccak256(abi.encode(committee));
        if (given != commitment) revert CommitteeMismatch(epochOfSlot(slot), commitment, given);
    }

    /// @dev Checks the committee, the round, the caller against the round's leader, and the
    /// signer bitmap against the committee size and f + 1; returns the leader.
    function _checkQuorum(
        uint256 slot,
        uint256 round,
        address[] calldata committee,
        uint256 signerBitmap,
        uint256 signatureCount
    ) private view returns (address leader) {
        (uint256 m, bytes32 seed) = _checkCommittee(slot, committee);
        uint256 f = TimeoutCertificate.faultThreshold(m, FAULT_TOLERANCE_BPS);
        if (round > f) revert InvalidRound(round, f);
        leader = committee[TimeoutCertificate.leaderIndex(seed, round, m)];
        if (msg.sender != leader) revert NotRoundLeader(leader, msg.sender);
        if (m < 256 && signerBitmap >> m != 0) revert SignerOutOfRange(signerBitmap, m);
        uint256 signers = TimeoutCertificate.popCount(signerBitmap);
        if (signers != signatureCount) revert SignatureCountMismatch(signers, signatureCount);
        if (signers < f + 1) revert NotEnoughSigners(signers, f + 1);
    }

    /// @dev Checks that a root proof may land now: the block is pending or final, the window is
    /// open, the data is published, and a pending block's parent is final. Returns whether this
    /// proof would be the first, and the block's timing word.
    function _checkProvable(
        uint256 slot,
        uint256 tree,
        Header memory header
    ) private view returns (bool first, Timing memory timing) {
        first = header.status == BlockStatus.Proposed;
        if (!first && header.status != BlockStatus.Final) {
            revert UnexpectedBlockStatus(slot, header.status);
        }
        (uint256 opensAt, uint256 closesAt) = proofWindow(slot);
        if (block.number < opensAt || block.number > closesAt) {
            revert OutsideWindow(slot, opensAt, closesAt);
        }
        timing = _timing[slot % HISTORY_SLOTS];
        if (timing.publishedAt == 0) revert DataNotPublished(slot);
        // The line above the last final block holds every pending block, so a pending block's
        // parent is final iff it is that block.
        if (first && header.parent != _chain.finalized) revert ParentNotFinal(slot, header.parent);
    }

    /// @dev Checks the participation record's shape and root and the proof against the public
    /// inputs; returns the record's hash.
    function _verifyRoot(
        uint256 slot,
        uint256 tree,
        Header memory header,
        uint64 rootProvers,
        bytes calldata record,
        bytes calldata proof
    ) private view returns (bytes32 recordHash) {
        _checkRecordRoot(slot, tree, 1 << header.leafLog2, rootProvers, record);
        recordHash = keccak256(record);
        bytes32 inputs = _rootPublicInputs(slot, header, tree, recordHash, msg.sender);
        if (!VERIFIER.verify(inputs, proof)) revert InvalidRootProof(slot, tree);
    }

    /// @dev {_verifyRoot} under the policy: the policy checks the record ({_acceptPolicyRoot}),
    /// then the proof is checked against the public inputs; returns the record's hash.
    function _verifyPolicyRoot(
        uint256 slot,
        uint256 tree,
        Header memory header,
        bool first,
        bytes calldata record,
        bytes calldata proof
    ) private returns (bytes32 recordHash) {
        _acceptPolicyRoot(slot, tree, header, first, record);
        recordHash = keccak256(record);
        bytes32 inputs = _rootPublicInputs(slot, header, tree, recordHash, msg.sender);
        if (!VERIFIER.verify(inputs, proof)) revert InvalidRootProof(slot, tree);
    }

    /// @dev Checks the tree index, the record's length and its root (the proof's own tree's root
    /// prover). The rest of the record decides rewards only and is checked against the assignment
    /// at settlement (ProverRewards), once per block for all of its trees.
    function _checkRecordRoot(
        uint256 slot,
        uint256 tree,
        uint256 leafCount,
        uint64 rootProvers,
        bytes calldata record
    ) private view {
        // A block exists, so its epoch's context is cached.
        EpochContext storage context = _epochs[epochOfSlot(slot)];
        uint256 trees = context.treeCount;
        if (tree >= trees) revert InvalidTree(tree, trees);
        if (trees > ROOT_CACHE_TREES) {
            bytes32 seed = TreeAssignment.blockSeed(context.seed, slot);
            ParticipationRecord.checkRoot(record, context.size, trees, leafCount, seed, tree);
        } else {
            uint256 member = ParticipationRecord.rootByte(record, leafCount);
            uint256 rootProver = (rootProvers >> (8 * tree)) & 0xff;
            // why: gas. The committee size matters only for a root byte that is not the root
            // prover's (NONE, or a wrong one): read only then (about 150 gas a root otherwise).
            if (member != rootProver) {
                ParticipationRecord.checkRootByte(member, rootProver, context.size);
            }
        }
    }

    /// @dev Checks the tree index and hands the root to the policy, which checks the record's
    /// length and root and keeps what it needs (reverting with its own errors).
    function _acceptPolicyRoot(
        uint256 slot,
        uint256 tree,
        Header memory header,
        bool first,
        bytes calldata record
    ) private {
        // A block exists, so its epoch's context is cached.
        EpochContext storage context = _epochs[epochOfSlot(slot)];
        uint256 trees = context.treeCount;
        if (tree >= trees) revert InvalidTree(tree, trees);
        POLICY.acceptRoot(
            IAssignmentPolicy.BlockContext({
                slot: slot,
                seed: TreeAssignment.blockSeed(context.seed, slot),
                committeeSize: context.size,
                treeCount: trees,
                leafCount: uint256(1) << header.leafLog2,
                proposer: header.proposer
            }),
            tree,
            first,
            record
        );
    }

    function _blockCommitment(uint256 slot, Header memory header) private view returns (bytes32) {
        uint256 index = slot % HISTORY_SLOTS;
        return
            RootInputs.blockCommitment(
                slot,
                header.parent,
                header.proposer,
                _txCommitments[index],
                uint256(1) << header.leafLog2,
                _timing[index].feeSplitBps
            );
    }

    function _rootPublicInputs(
        uint256 slot,
        Header memory header,
        uint256 tree,
        bytes32 recordHash,
        address submitter
    ) private view returns (bytes32) {
        return
            RootInputs.rootPublicInputs(
                block.chainid,
                address(this),
                _blockCommitment(slot, header),
                tree,
                recordHash,
                submitter,
                _epochs[epochOfSlot(slot)].committeeTag
            );
    }

    /// @dev Removes pending block `slot` (ending as `status`) and every block above it, walking
    /// down from the head; at most MAX_PENDING_BLOCKS iterations.
    function _remove(uint256 slot, BlockStatus status) private {
        Chain memory chain = _chain;
        uint256 current = chain.head;
        while (current != slot) {
            Header storage above = _headers[current % HISTORY_SLOTS];
            above.status = BlockStatus.Pruned;
            emit BlockPruned(current);
            current = above.parent;
            --chain.pending;
        }
        Header storage removed = _headers[slot % HISTORY_SLOTS];
        removed.status = status;
        if (status == BlockStatus.Pruned) emit BlockPruned(slot);
        chain.head = removed.parent;
        --chain.pending;
        _chain = chain;
    }
}
