// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

import {BLS, G1Point, G2Point} from "../crypto/BLS.sol";
import {ICommitteeElection} from "../interfaces/ICommitteeElection.sol";
import {EpochClock} from "../staking/EpochClock.sol";
import {StakeTable} from "../staking/StakeTable.sol";
import {CommitteeHeap} from "./CommitteeHeap.sol";
import {Eligibility} from "./Eligibility.sol";
import {TreeAssignment} from "./TreeAssignment.sol";

/// @title CommitteeElection
/// @notice Elects each epoch's proving committee with a BLS VRF, and assigns each block's c
/// striped proof trees to it.
///
/// VRF. An operator's VRF proof for epoch `e` is the BLS signature, under its registered key
/// (public key in G1, signature in G2), of {vrfMessage}: `abi.encode(VRF_DOMAIN, this contract,
/// chain id, e, seedOf(e))` hashed to G2 with {DST_VRF}. Its output is `keccak256` of the 256-byte
/// signature. BLS signatures are unique (one valid signature per key and message, and the
/// precompiles accept only canonical encodings), so the output cannot be chosen; it cannot be
/// known before the seed, which comes from the stake table's RANDAO beacon.
///
/// Window. Reveals for epoch `e` are accepted in the last {REVEAL_WINDOW} L1 blocks before `e`
/// starts. The window lies in epoch `e - 1`, when `seedOf(e)` and the stake snapshot of `e` are
/// already final (LOOKAHEAD >= 2 and ACTIVATION_LAG > LOOKAHEAD in the stake table).
///
/// Committee. An operator is eligible iff its output is below its stake-weighted threshold
/// (see {Eligibility}); the committee keeps the `n` lowest ranks (stake-normalized scores) among
/// the valid reveals, in a max-heap: O(log n) per reveal, nothing loops over the stake table.
/// After the window, {sealCommittee} stores `keccak256(abi.encode(members))` of the members in
/// rank order; later steps take the members from calldata and check them against it.
///
/// Empty or small committees. A committee with `m < n` members is valid; its blocks use
/// `min(c, m)` trees, so that every node position still has distinct provers across trees. An
/// epoch whose committee is empty has no assignment: {blockAssignment} reverts with
/// {NoCommitteeForEpoch}, and the block lifecycle treats its blocks as unprovable by the network.
///
/// Storage. Two heaps are used in turn (epoch parity): the heap of `e` stays readable through
/// epoch `e` while the window of `e + 1` fills the other. Before the heap of `e` is reused (by
/// the first reveal for `e + 2`), the committee of `e` is sealed if nobody did it yet.
contract CommitteeElection is ICommitteeElection, EpochClock, AccessControl {
    using Checkpoints for Checkpoints.Trace208;
    using CommitteeHeap for CommitteeHeap.Heap;

    /// @notice Role allowed to schedule parameter changes.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice Domain tag at the head of every VRF message.
    bytes32 public constant VRF_DOMAIN = keccak256("PROVERNET_V1_VRF");
    /// @notice RFC 9380 domain separation tag of the VRF's hash to G2.
    string public constant DST_VRF = "PROVERNET-V1-VRF-BLS12381G2_XMD:SHA-256_SSWU_RO_";
    /// @notice Largest oversampling factor (alpha = 100).
    uint256 public constant MAX_OVERSAMPLING_BPS = 1_000_000;
    /// @notice Most nodes `c * (2L - 1)` a block's trees may have. why: gas. Settling one block
    /// at m = 256 with two roots per tree costs up to 1.7M at this bound, so that a settlement
    /// segment (RootDigest.SEGMENT_SLOTS blocks, the committee's first credit included) stays
    /// at 13.3M, under the 2^24 per-transaction cap (`rewards.settle.segment.atMaxima`).
    uint256 public constant MAX_TREE_NODES = 512;

    /// @notice The stake table: snapshots, keys, clock and RANDAO beacon.
    StakeTable public immutable STAKE_TABLE;
    /// @notice Length of each epoch's reveal window, in L1 blocks.
    uint256 public immutable REVEAL_WINDOW;
    /// @notice Epochs between scheduling parameters and their first epoch (the stake table's
    /// ACTIVATION_LAG, so every change in the protocol counts from the same epoch).
    uint256 public immutable PARAMS_LAG;

    /// @dev The epoch a heap currently holds, its size, and that epoch's parameters and total
    /// stake; one slot. With {_roundSeed} it caches everything a reveal needs from the stake
    /// table and the schedule, fixed once the window opens: the first reveal of an epoch reads
    /// them, and later reveals read two slots instead of four external lookups. A total stake
    /// of 2^144 token units or more (beyond any real supply) makes reveals revert.
    struct Round {
        uint48 epoch;
        uint16 size;
        uint16 committeeSize;
        uint32 oversamplingBps;
        uint144 totalStake;
    }

    /// @dev A sealed committee.
    struct Sealed {
        bytes32 commitment;
        uint16 size;
        bool done;
    }

    /// @dev What every reveal of one call shares.
    struct Context {
        uint256 epoch;
        uint256 slot;
        uint256 size;
        bytes message;
        uint256 totalStake;
        uint256 committeeSize;
        uint256 oversamplingBps;
    }

    CommitteeHeap.Heap[2] private _heaps;
    Round[2] private _rounds;
    bytes32[2] private _roundSeed;
    mapping(uint256 epoch => Sealed) private _sealed;
    /// @dev Per registered key: its operator (cached from the stake table on the key's first
    /// reveal; keys never change owner) and the last epoch it revealed for and entered the
    /// committee (0: never; no epoch before 1 has a window). One slot, read once and rewritten
    /// by every reveal: it is both the key lookup and the duplicate check, which saves a cold
    /// read per reveal over keeping them apart.
    /// `id` numbers the keys that ever entered a committee (from 1); heap entries refer to
    /// members by it (see {CommitteeHeap}).
    struct Revealer {
        address operator;
        uint48 lastEpoch;
        uint32 id;
    }

    mapping(bytes32 publicKeyHash => Revealer) private _revealers;
    mapping(uint256 id => address) private _operatorOfId;
    uint256 private _revealerCount;
    /// @dev Packed {ElectionParams} keyed by their first epoch.
    Checkpoints.Trace208 private _params;

    constructor(
        Config memory config
    )
        EpochClock(
            StakeTable(config.stakeTable).GENESIS_BLOCK(),
            StakeTable(config.stakeTable).EPOCH_LENGTH()
        )
    {
        if (config.admin == address(0)) revert ZeroAddress();
        if (config.revealWindow == 0 || config.revealWindow > EPOCH_LENGTH) {
            revert InvalidRevealWindow(config.revealWindow, EPOCH_LENGTH);
        }
        STAKE_TABLE = StakeTable(config.stakeTable);
        REVEAL_WINDOW = config.revealWindow;
        PARAMS_LAG = StakeTable(config.stakeTable).ACTIVATION_LAG();
        _params.push(0, _pack(config.initialParams));
        _grantRole(DEFAULT_ADMIN_ROLE, config.admin);
        if (config.governor != address(0)) _grantRole(GOVERNOR_ROLE, config.governor);
        emit ElectionParamsScheduled(0, config.initialParams);
    }

    // ---------------------------------------------------------------------------------------
    // Reveals
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc ICommitteeElection
    /// @dev Checks, in order: the window, the key, the stake, duplicates, eligibility, the
    /// committee cutoff, and last the pairing, so that a hopeless reveal fails cheaply.
    function reveal(uint256 epoch, G1Point calldata publicKey, G2Point calldata vrfProof) external {
        Context memory ctx = _openRound(epoch);
        bytes32 keyHash = _hashCalldata(publicKey);
        address operator = _operatorOfKey(keyHash);
        Revealer storage revealer = _revealers[keyHash];
        uint256 score = _checkSingle(ctx, keyHash, operator, revealer.lastEpoch, vrfProof);
        // The key is registered, so it was fully validated with its proof of possession; only
        // the proof needs its encoding and curve checks (the pairing checks its subgroup).
        G2Point memory proof = vrfProof;
        BLS.validateSignature(proof);
        G2Point memory h = BLS.hashToG2(ctx.message, bytes(DST_VRF));
        if (!BLS.pairing2(publicKey, h, BLS.negG1Generator(), proof)) {
            revert InvalidVrfProof(operator);
        }

        uint256 id = _record(revealer, operator, epoch);
        emit Revealed(epoch, operator, Eligibility.rankOf(score, operator));
        _rounds[ctx.slot].size = uint16(
            _admit(ctx, _heaps[ctx.slot], ctx.size, CommitteeHeap.entry(score, id))
        );
    }

    /// @inheritdoc ICommitteeElection
    /// @dev Batch verification. With `H = hashToG2(vrfMessage(epoch))`, each reveal claims
    /// `e(pk_i, H) = e(G1, sig_i)`. The batch is accepted iff
    /// `e(sum r_i pk_i, H) = e(G1, sum r_i sig_i)`, one two-pair pairing after one G1 and one G2
    /// multi-scalar multiplication, where `r_i` are 128-bit coefficients (top bit set, so never
    /// zero) derived from `keccak256` of the VRF message and the whole calldata.
    ///
    /// Why it is sound. The MSM precompiles reject points that are non-canonical, off the curve
    /// or outside the prime-order subgroup, so every `sig_i` lies in G2 (cyclic of prime order
    /// r). Every key was registered with a proof of possession, so `pk_i = sk_i G1` with a known
    /// `sk_i` (no rogue keys). Write `d_i = sig_i - sk_i H`; reveal i is valid iff `d_i = 0`.
    /// The check holds iff `sum r_i d_i = 0`. If some `d_j != 0`, then for any fixed values of
    /// the other coefficients exactly one residue of `r_j` mod r satisfies it, so a batch with
    /// an invalid reveal passes with probability at most 2^-127 over the coefficients. The
    /// coefficients are a hash of everything the submitter controls, fixed only after the batch
    /// is, so the submitter cannot choose them; each new attempt costs a new hash, and passing
    /// needs about 2^127 of them. Without the coefficients (plain aggregation) `sig_1 + D` and
    /// `sig_2 - D` would pass together, and since the output is keccak256 of the signature, that
    /// would let a submitter choose outputs.
    ///
    /// A failed check is attributed: each reveal is then verified alone and the first bad one
    /// is named in {RevealRejected}.
    ///
    /// Griefing. A reveal already made for the epoch (for instance copied out of this pending
    /// batch and sent alone with a higher tip, or repeated within the batch) is skipped: it
    /// changes nothing, is listed in {RevealedBatch}'s `skipped`, and is left out of the
    /// combination, so the rest is still verified with one pairing and the batch lands.
    function revealBatch(
        uint256 epoch,
        G1Point[] calldata publicKeys,
        G2Point[] calldata vrfProofs
    ) external {
        uint256 count = publicKeys.length;
        if (count == 0 || count != vrfProofs.length) {
            revert InvalidBatchLength(count, vrfProofs.length);
        }
        Context memory ctx = _openRound(epoch);
        bytes32[] memory keyHashes = new bytes32[](count);
        address[] memory operators = new address[](count);
        for (uint256 i = 0; i < count; ++i) {
            keyHashes[i] = _hashCalldata(publicKeys[i]);
            operators[i] = _operatorOfKey(keyHashes[i]);
        }
        // One call for the whole batch: the per-call overhead is paid once.
        uint256[] memory stakes = STAKE_TABLE.stakesAt(operators, epoch);
        (uint256[] memory admitted, uint256[] memory skipped) = _admitBatch(
            ctx,
            keyHashes,
            operators,
            stakes,
            vrfProofs
        );
        _rounds[ctx.slot].size = uint16(ctx.size);
        // One event for the batch (a rank carries its operator in its low 160 bits).
        emit RevealedBatch(epoch, admitted, skipped);

        if (skipped.length == count) return; // nothing new: no pairing to check
        if (!_batchVerifies(ctx.message, publicKeys, vrfProofs, _unskipped(count, skipped))) {
            _locateInvalidProof(epoch, publicKeys, vrfProofs, skipped);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Committee
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc ICommitteeElection
    function sealCommittee(uint256 epoch) external returns (bytes32 commitment, uint256 size) {
        Sealed memory s = _sealed[epoch];
        if (s.done) return (s.commitment, s.size);
        if (block.number < epochStartBlock(epoch)) revert CommitteeNotFinal(epoch);
        uint256 slot = epoch & 1;
        Round memory round = _rounds[slot];
        return _seal(epoch, slot, round.epoch == epoch ? round.size : 0);
    }

    /// @notice The committee of `epoch` in rank order. While the reveal window is open this is
    /// the provisional committee. Reverts with {CommitteeNoLongerStored} once its heap was
    /// reused (two epochs later); the {CommitteeSealed} event keeps the members.
    /// @param epoch The epoch.
    /// @return members The members, best rank first.
    function committeeOf(uint256 epoch) public view returns (address[] memory members) {
        uint256 slot = epoch & 1;
        Round memory round = _rounds[slot];
        if (round.epoch == epoch) return _members(slot, round.size);
        Sealed memory s = _sealed[epoch];
        if (s.done && s.size != 0) revert CommitteeNoLongerStored(epoch);
        return new address[](0);
    }

    /// @notice The committee commitment of `epoch` and its size, once the window has closed:
    /// the sealed values, or the ones {sealCommittee} would store.
    /// @param epoch The epoch.
    /// @return commitment `keccak256(abi.encode(members))`, members in rank order.
    /// @return size The number of members.
    function committeeCommitment(
        uint256 epoch
    ) public view returns (bytes32 commitment, uint256 size) {
        Sealed memory s = _sealed[epoch];
        if (s.done) return (s.commitment, s.size);
        if (block.number < epochStartBlock(epoch)) revert CommitteeNotFinal(epoch);
        address[] memory members = committeeOf(epoch);
        return (keccak256(abi.encode(members)), members.length);
    }

    /// @notice Whether `epoch`'s committee has been sealed.
    /// @param epoch The epoch.
    /// @return True iff sealed.
    function isSealed(uint256 epoch) external view returns (bool) {
        return _sealed[epoch].done;
    }

    /// @notice The rank a new reveal for `epoch` must beat (be below) to enter the committee;
    /// `type(uint256).max` while the committee is not full.
    /// @param epoch The epoch.
    /// @return The cutoff rank.
    function revealCutoff(uint256 epoch) external view returns (uint256) {
        uint256 slot = epoch & 1;
        Round memory round = _rounds[slot];
        if (round.epoch != epoch || round.size < paramsAt(epoch).committeeSize) {
            return type(uint256).max;
        }
        return _rankOfEntry(_heaps[slot].max());
    }

    /// @notice Whether the key with hash `publicKeyHash` revealed for `epoch` and entered its
    /// committee (it may have been displaced since).
    /// @param publicKeyHash keccak256 of the key's 128-byte encoding.
    /// @param epoch The epoch.
    /// @return True iff a reveal was recorded.
    function hasRevealed(bytes32 publicKeyHash, uint256 epoch) external view returns (bool) {
        return epoch != 0 && _revealers[publicKeyHash].lastEpoch == epoch;
    }

    /// @notice The last epoch the key revealed for (0 if never). A key's reveal for a later
    /// epoch replaces the record of an earlier one, so "revealed for `e`" is only known to be
    /// false when this is below `e`.
    /// @param publicKeyHash keccak256 of the key.
    /// @return The epoch.
    function lastRevealEpoch(bytes32 publicKeyHash) external view returns (uint256) {
        return _revealers[publicKeyHash].lastEpoch;
    }

    // ---------------------------------------------------------------------------------------
    // Assignment
    // ---------------------------------------------------------------------------------------

    /// @notice The seed of L2 block `blockNumber` in `epoch`: the epoch seed and the block number
    /// hashed under the block-seed domain (see {TreeAssignment.blockSeed}).
    /// @param epoch The epoch the block belongs to.
    /// @param blockNumber The L2 block number.
    /// @return The block seed.
    function blockSeed(uint256 epoch, uint256 blockNumber) public view returns (bytes32) {
        return TreeAssignment.blockSeed(STAKE_TABLE.seedOf(epoch), blockNumber);
    }

    /// @notice The whole striped assignment of L2 block `blockNumber`: entry
    /// `t * (2L - 1) + (node - 1)` is the member that proves `node` of tree `t`. `committee`
    /// is the epoch's committee in rank order, checked against its commitment.
    /// @param epoch The epoch.
    /// @param committee The members, as in {CommitteeSealed}.
    /// @param blockNumber The L2 block number.
    /// @return provers One address per node of each of the `min(c, m)` trees.
    function blockAssignment(
        uint256 epoch,
        address[] calldata committee,
        uint256 blockNumber
    ) external view returns (address[] memory provers) {
        (uint256 trees, uint256 leaves, bytes32 seed) = _assignmentInputs(
            epoch,
            committee,
            blockNumber
        );
        uint256[] memory index = TreeAssignment.assignment(committee.length, seed, trees, leaves);
        provers = new address[](index.length);
        for (uint256 i = 0; i < index.length; ++i) {
            provers[i] = committee[index[i]];
        }
    }

    /// @notice The member entitled to prove `node` of tree `tree` in L2 block `blockNumber`:
    /// what L1 checks a proof of participation against.
    /// @param epoch The epoch.
    /// @param committee The members in rank order, checked against the commitment.
    /// @param blockNumber The L2 block number.
    /// @param tree The tree, below `min(c, m)`.
    /// @param node The heap-indexed node, 1..2L-1.
    /// @return The entitled member.
    function entitledProver(
        uint256 epoch,
        address[] calldata committee,
        uint256 blockNumber,
        uint256 tree,
        uint256 node
    ) external view returns (address) {
        (uint256 trees, uint256 leaves, bytes32 seed) = _assignmentInputs(
            epoch,
            committee,
            blockNumber
        );
        return
            committee[TreeAssignment.proverOf(committee.length, seed, trees, leaves, tree, node)];
    }

    /// @notice Everything the block lifecycle needs about L2 block `blockNumber` of `epoch`, in
    /// one call: the committee commitment and size, the effective tree count `min(c, m)` and the
    /// block seed.
    /// @param epoch The block's epoch, after its window closed.
    /// @param blockNumber The L2 block number (the lifecycle's slot).
    /// @return commitment The committee commitment.
    /// @return size The committee size m.
    /// @return treeCount `min(c, m)`.
    /// @return seed The block seed.
    function blockContext(
        uint256 epoch,
        uint256 blockNumber
    ) external view returns (bytes32 commitment, uint256 size, uint256 treeCount, bytes32 seed) {
        (commitment, size) = committeeCommitment(epoch);
        treeCount = _treeCount(epoch, size);
        seed = blockSeed(epoch, blockNumber);
    }

    /// @notice The number of trees blocks of `epoch` use: `min(c, m)` for a committee of `m`.
    /// @param epoch The epoch, after its window closed.
    /// @return The effective tree count (0 for an empty committee).
    function effectiveTreeCount(uint256 epoch) external view returns (uint256) {
        (, uint256 size) = committeeCommitment(epoch);
        return _treeCount(epoch, size);
    }

    // ---------------------------------------------------------------------------------------
    // Parameters
    // ---------------------------------------------------------------------------------------

    /// @inheritdoc ICommitteeElection
    function scheduleParams(ElectionParams calldata params) external onlyRole(GOVERNOR_ROLE) {
        uint256 effectiveEpoch = currentEpoch() + PARAMS_LAG;
        _params.push(SafeCast.toUint48(effectiveEpoch), _pack(params));
        emit ElectionParamsScheduled(effectiveEpoch, params);
    }

    /// @notice The parameters in force at `epoch`.
    /// @param epoch The epoch.
    /// @return params The parameters.
    function paramsAt(uint256 epoch) public view returns (ElectionParams memory params) {
        uint256 packed = _params.upperLookupRecent(SafeCast.toUint48(epoch));
        params.committeeSize = uint16(packed);
        params.oversamplingBps = uint32(packed >> 16);
        params.treeCount = uint8(packed >> 48);
        params.leafCount = uint32(packed >> 56);
    }

    // ---------------------------------------------------------------------------------------
    // VRF
    // ---------------------------------------------------------------------------------------

    /// @notice The reveal window of `epoch`: L1 blocks `opensAt..closesAt`, inclusive.
    /// @param epoch The epoch, at least 1.
    /// @return opensAt First block of the window.
    /// @return closesAt Last block of the window.
    function revealWindow(uint256 epoch) public view returns (uint256 opensAt, uint256 closesAt) {
        uint256 start = epochStartBlock(epoch);
        // Epoch 0 has no window; this makes every block outside it.
        if (start < GENESIS_BLOCK + REVEAL_WINDOW) return (type(uint256).max, 0);
        return (start - REVEAL_WINDOW, start - 1);
    }

    /// @notice The message an operator signs to reveal for `epoch`.
    /// @param epoch The epoch; its seed must be final.
    /// @return The message: `abi.encode(VRF_DOMAIN, this, chainid, epoch, seedOf(epoch))`.
    function vrfMessage(uint256 epoch) public view returns (bytes memory) {
        return
            abi.encode(VRF_DOMAIN, address(this), block.chainid, epoch, STAKE_TABLE.seedOf(epoch));
    }

    /// @notice Whether `vrfProof` is the BLS signature of {vrfMessage}(epoch) under `publicKey`.
    /// Reverts with the BLS library's errors for malformed points.
    /// @param epoch The epoch.
    /// @param publicKey The signer's key.
    /// @param vrfProof The proof.
    /// @return True iff valid.
    function verifyVrfProof(
        uint256 epoch,
        G1Point calldata publicKey,
        G2Point calldata vrfProof
    ) external view returns (bool) {
        return BLS.verify(publicKey, vrfMessage(epoch), bytes(DST_VRF), vrfProof);
    }

    /// @notice The eligibility and score of a VRF output (see {Eligibility.scoreOf}).
    /// @param output The VRF output.
    /// @param stake The operator's stake in the epoch's snapshot.
    /// @param totalStake The snapshot's total stake.
    /// @param committeeSize The target committee size n.
    /// @param oversamplingBps alpha in basis points.
    /// @return eligible Whether the output is below the threshold.
    /// @return score The stake-normalized score.
    function vrfScore(
        uint256 output,
        uint256 stake,
        uint256 totalStake,
        uint256 committeeSize,
        uint256 oversamplingBps
    ) external pure returns (bool eligible, uint256 score) {
        return Eligibility.scoreOf(output, stake, totalStake, committeeSize, oversamplingBps);
    }

    // ---------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------

    /// @dev Checks the window and returns the epoch's round, opening it on the first reveal:
    /// seals the committee the heap held before if nobody did, checkpoints RANDAO (which keeps
    /// later seeds alive), and caches the seed, the total stake and the parameters, all final
    /// once the window is open.
    function _openRound(uint256 epoch) private returns (Context memory ctx) {
        (uint256 opensAt, uint256 closesAt) = revealWindow(epoch);
        if (block.number < opensAt || block.number > closesAt) {
            revert OutsideRevealWindow(epoch, opensAt, closesAt);
        }
        ctx.epoch = epoch;
        ctx.slot = epoch & 1;
        Round memory round = _rounds[ctx.slot];
        bytes32 seed;
        if (round.epoch == epoch) {
            seed = _roundSeed[ctx.slot];
        } else {
            if (round.size != 0 && !_sealed[round.epoch].done) {
                _seal(round.epoch, ctx.slot, round.size);
            }
            STAKE_TABLE.ensureRandaoCheckpoint();
            ElectionParams memory params = paramsAt(epoch);
            seed = STAKE_TABLE.seedOf(epoch);
            round = Round(
                uint48(epoch),
                0,
                params.committeeSize,
                params.oversamplingBps,
                SafeCast.toUint144(STAKE_TABLE.totalStakeAt(epoch))
            );
            _rounds[ctx.slot] = round;
            _roundSeed[ctx.slot] = seed;
        }
        ctx.totalStake = round.totalStake;
        ctx.size = round.size;
        ctx.committeeSize = round.committeeSize;
        ctx.oversamplingBps = round.oversamplingBps;
        ctx.message = abi.encode(VRF_DOMAIN, address(this), block.chainid, epoch, seed);
    }

    /// @dev Everything about one reveal except the cutoff and the pairing. Returns the
    /// ABI-encoded error on failure instead of reverting, so that a batch can name the index.
    function _check(
        Context memory ctx,
        bytes32 keyHash,
        address operator,
        uint256 stake,
        uint256 lastEpoch,
        bytes32 proofHash
    ) private pure returns (uint256 score, bytes memory failure) {
        if (operator == address(0)) {
            return (0, abi.encodeWithSelector(UnknownKey.selector, keyHash));
        }
        if (stake == 0) {
            return (0, abi.encodeWithSelector(NotStakedInEpoch.selector, operator, ctx.epoch));
        }
        // The caller reads `lastEpoch` right before the check, not in a first pass, so that a
        // key repeated within one batch is caught after its first copy was recorded.
        if (lastEpoch == ctx.epoch) {
            return (0, abi.encodeWithSelector(DuplicateReveal.selector, operator, ctx.epoch));
        }
        uint256 output = uint256(proofHash);
        bool eligible;
        (eligible, score) = Eligibility.scoreOf(
            output,
            stake,
            ctx.totalStake,
            ctx.committeeSize,
            ctx.oversamplingBps
        );
        if (!eligible) {
            return (0, abi.encodeWithSelector(IneligibleOutput.selector, operator, output));
        }
    }

    /// @dev The checks of a single reveal before its pairing, reverting with the named errors:
    /// {_check}, then the committee cutoff. Returns the score.
    function _checkSingle(
        Context memory ctx,
        bytes32 keyHash,
        address operator,
        uint256 lastEpoch,
        G2Point calldata vrfProof
    ) private view returns (uint256 score) {
        uint256 stake = operator == address(0) ? 0 : STAKE_TABLE.stakeAt(operator, ctx.epoch);
        bytes memory failure;
        (score, failure) = _check(
            ctx,
            keyHash,
            operator,
            stake,
            lastEpoch,
            _hashCalldata(vrfProof)
        );
        if (failure.length != 0) _revertWith(failure);
        if (ctx.size == ctx.committeeSize) {
            uint256 worst = _heaps[ctx.slot].max();
            if (!CommitteeHeap.ranksBelow(score, operator, worst, _operatorOfId)) {
                revert RevealAboveCutoff(
                    operator,
                    Eligibility.rankOf(score, operator),
                    _rankOfEntry(worst)
                );
            }
        }
    }

    /// @dev Records an admitted reveal of `keyHash` for `epoch` (the duplicate check of later
    /// reveals) and returns the key's id, numbering the key on its first admission.
    function _record(
        Revealer storage revealer,
        address operator,
        uint256 epoch
    ) private returns (uint256 id) {
        id = revealer.id;
        if (id == 0) {
            id = ++_revealerCount;
            _operatorOfId[id] = operator;
            revealer.operator = operator;
            revealer.id = SafeCast.toUint32(id);
        }
        // Only this field changes on later reveals: one write to a slot already read.
        revealer.lastEpoch = uint48(epoch);
    }

    /// @dev The 256-bit rank (`score << 160 | operator`) of a heap entry.
    function _rankOfEntry(uint256 e) private view returns (uint256) {
        return Eligibility.rankOf(CommitteeHeap.scoreOf(e), _operatorOfId[CommitteeHeap.idOf(e)]);
    }

    /// @dev The checks and committee updates of a batch, in order; `ctx.size` follows the
    /// heap. Returns the admitted ranks and the (ascending) indices of reveals already made.
    function _admitBatch(
        Context memory ctx,
        bytes32[] memory keyHashes,
        address[] memory operators,
        uint256[] memory stakes,
        G2Point[] calldata vrfProofs
    ) private returns (uint256[] memory admitted, uint256[] memory skipped) {
        CommitteeHeap.Heap storage heap = _heaps[ctx.slot];
        admitted = new uint256[](operators.length);
        skipped = new uint256[](operators.length);
        uint256 admittedCount = 0;
        uint256 skippedCount = 0;
        for (uint256 i = 0; i < operators.length; ++i) {
            // A key with a reveal for this epoch already (a copy sent ahead of the batch, or an
            // earlier entry of it) is skipped, not rejected: the batch must not hinge on it.
            if (_revealers[keyHashes[i]].lastEpoch == ctx.epoch) {
                skipped[skippedCount++] = i;
                continue;
            }
            uint256 rank = _admitOne(
                ctx,
                heap,
                keyHashes[i],
                operators[i],
                stakes[i],
                _hashCalldata(vrfProofs[i]),
                i
            );
            // A rank carries a nonzero operator, so 0 means "outranked".
            if (rank != 0) admitted[admittedCount++] = rank;
        }
        // Assembly: shrink the arrays to their filled prefixes without copying them.
        assembly ("memory-safe") {
            mstore(admitted, admittedCount)
            mstore(skipped, skippedCount)
        }
    }

    /// @dev One reveal of a batch: its checks (reverting with {RevealRejected} and its index),
    /// then either its admission or, when the full committee ranks better, {RevealOutranked}.
    /// Returns its rank, or 0 if it was outranked.
    function _admitOne(
        Context memory ctx,
        CommitteeHeap.Heap storage heap,
        bytes32 keyHash,
        address operator,
        uint256 stake,
        bytes32 proofHash,
        uint256 index
    ) private returns (uint256 rank) {
        Revealer storage revealer = _revealers[keyHash];
        (uint256 score, bytes memory failure) = _check(
            ctx,
            keyHash,
            operator,
            stake,
            revealer.lastEpoch,
            proofHash
        );
        if (failure.length != 0) revert RevealRejected(index, failure);
        rank = Eligibility.rankOf(score, operator);
        if (
            ctx.size == ctx.committeeSize &&
            !CommitteeHeap.ranksBelow(score, operator, heap.max(), _operatorOfId)
        ) {
            // Valid or not, an outranked reveal changes nothing; its proof is still part of the
            // batch check, so a forged one rejects the batch.
            emit RevealOutranked(ctx.epoch, operator, rank);
            return 0;
        }
        uint256 id = _record(revealer, operator, ctx.epoch);
        ctx.size = _admit(ctx, heap, ctx.size, CommitteeHeap.entry(score, id));
    }

    /// @dev Inserts an entry that beats the cutoff (or fills a free seat); returns the new size.
    function _admit(
        Context memory ctx,
        CommitteeHeap.Heap storage heap,
        uint256 size,
        uint256 e
    ) private returns (uint256) {
        if (size < ctx.committeeSize) {
            heap.push(size, e, _operatorOfId);
            return size + 1;
        }
        uint256 displaced = heap.replaceMax(size, e, _operatorOfId);
        emit MemberDisplaced(
            ctx.epoch,
            _operatorOfId[CommitteeHeap.idOf(displaced)],
            _rankOfEntry(displaced)
        );
        return size;
    }

    /// @dev The operator of a key: the cached one, or the stake table's on the key's first reveal.
    function _operatorOfKey(bytes32 keyHash) private view returns (address operator) {
        operator = _revealers[keyHash].operator;
        if (operator == address(0)) operator = STAKE_TABLE.operatorOfKey(keyHash);
    }

    /// @dev keccak256 of a G1 point's 128-byte encoding, hashed straight from calldata.
    function _hashCalldata(G1Point calldata point) private pure returns (bytes32 h) {
        // Assembly: hashing a copy in free memory, without allocating, avoids abi.encode's
        // allocation on every reveal of a batch.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, point, 0x80)
            h := keccak256(ptr, 0x80)
        }
    }

    /// @dev keccak256 of a G2 point's 256-byte encoding, hashed straight from calldata.
    function _hashCalldata(G2Point calldata point) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, point, 0x100)
            h := keccak256(ptr, 0x100)
        }
    }

    function _seal(
        uint256 epoch,
        uint256 slot,
        uint256 size
    ) private returns (bytes32 commitment, uint256) {
        address[] memory members = _members(slot, size);
        commitment = keccak256(abi.encode(members));
        _sealed[epoch] = Sealed(commitment, uint16(size), true);
        emit CommitteeSealed(epoch, commitment, members);
        return (commitment, size);
    }

    /// @dev The members of the heap in `slot`, best rank first.
    function _members(uint256 slot, uint256 size) private view returns (address[] memory members) {
        uint256[] memory entries = _heaps[slot].sorted(size, _operatorOfId);
        members = new address[](size);
        for (uint256 i = 0; i < size; ++i) {
            members[i] = _operatorOfId[CommitteeHeap.idOf(entries[i])];
        }
    }

    /// @dev The random-linear-combination check documented at {revealBatch}.
    function _batchVerifies(
        bytes memory message,
        G1Point[] calldata publicKeys,
        G2Point[] calldata vrfProofs,
        uint256[] memory order
    ) private view returns (bool) {
        bytes32 callHash;
        // Assembly: hash the calldata in free memory without allocating it, so that the MSM
        // buffers reuse that memory instead of growing it.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            callHash := keccak256(ptr, calldatasize())
        }
        bytes32 digest = keccak256(abi.encode(keccak256(message), callHash));
        (bool ok, G1Point memory keySum, G2Point memory proofSum) = _combine(
            digest,
            publicKeys,
            vrfProofs,
            order
        );
        if (!ok) return false;
        G2Point memory h = BLS.hashToG2(message, bytes(DST_VRF));
        return BLS.pairing2(keySum, h, BLS.negG1Generator(), proofSum);
    }

    /// @dev `sum r_i pk_i` and `sum r_i sig_i` over the batch indices `order` (ascending), with
    /// `r_i` from `digest`; `ok` is false if a point was rejected by the precompiles.
    function _combine(
        bytes32 digest,
        G1Point[] calldata publicKeys,
        G2Point[] calldata vrfProofs,
        uint256[] memory order
    ) private view returns (bool ok, G1Point memory keySum, G2Point memory proofSum) {
        // Assembly: the MSM inputs are interleaved (point, scalar) records copied straight from
        // calldata into free memory, which is cheaper than building struct arrays. Each MSM
        // call gets at most its undiscounted price, so a bad point costs that, not all gas.
        // Entry k of the MSMs is batch index order[k].
        assembly ("memory-safe") {
            let g1 := mload(0x40)
            let g2 := add(g1, mul(mload(order), 160))
            for {
                let k := 0
            } lt(k, mload(order)) {
                k := add(k, 1)
            } {
                let i := mload(add(order, shl(5, add(k, 1))))
                mstore(0x00, digest)
                mstore(0x20, i)
                let r := or(shr(128, keccak256(0x00, 0x40)), shl(127, 1))
                calldatacopy(add(g1, mul(k, 160)), add(publicKeys.offset, mul(i, 128)), 128)
                mstore(add(g1, add(mul(k, 160), 128)), r)
                calldatacopy(add(g2, mul(k, 288)), add(vrfProofs.offset, mul(i, 256)), 256)
                mstore(add(g2, add(mul(k, 288), 256)), r)
            }
            let count := mload(order)
            ok := and(
                staticcall(add(mul(count, 12000), 5000), 0x0c, g1, mul(count, 160), keySum, 128),
                staticcall(add(mul(count, 22500), 5000), 0x0e, g2, mul(count, 288), proofSum, 256)
            )
        }
    }

    /// @dev The batch indices below `count` not in `skipped` (both ascending).
    function _unskipped(
        uint256 count,
        uint256[] memory skipped
    ) private pure returns (uint256[] memory order) {
        order = new uint256[](count - skipped.length);
        uint256 nextSkip = 0;
        uint256 k = 0;
        for (uint256 i = 0; i < count; ++i) {
            if (nextSkip < skipped.length && skipped[nextSkip] == i) ++nextSkip;
            else order[k++] = i;
        }
    }

    /// @dev Failure path of a batch: verifies each reveal alone and reverts naming the first
    /// bad one. Never returns.
    function _locateInvalidProof(
        uint256 epoch,
        G1Point[] calldata publicKeys,
        G2Point[] calldata vrfProofs,
        uint256[] memory skipped
    ) private view {
        uint256 nextSkip = 0;
        for (uint256 i = 0; i < publicKeys.length; ++i) {
            if (nextSkip < skipped.length && skipped[nextSkip] == i) {
                ++nextSkip;
                continue;
            }
            try this.verifyVrfProof(epoch, publicKeys[i], vrfProofs[i]) returns (bool valid) {
                if (!valid) {
                    address operator = STAKE_TABLE.operatorOfKey(_hashCalldata(publicKeys[i]));
                    revert RevealRejected(
                        i,
                        abi.encodeWithSelector(InvalidVrfProof.selector, operator)
                    );
                }
            } catch (bytes memory reason) {
                revert RevealRejected(i, reason);
            }
        }
        // Unreachable when every point is valid: the batch equation holds if each reveal does.
        revert RevealRejected(publicKeys.length, "");
    }

    function _assignmentInputs(
        uint256 epoch,
        address[] calldata committee,
        uint256 blockNumber
    ) private view returns (uint256 trees, uint256 leaves, bytes32 seed) {
        (bytes32 commitment, uint256 size) = committeeCommitment(epoch);
        bytes32 given = keccak256(abi.encode(committee));
        if (given != commitment) revert CommitteeMismatch(epoch, commitment, given);
        if (size == 0) revert NoCommitteeForEpoch(epoch);
        trees = _treeCount(epoch, size);
        leaves = paramsAt(epoch).leafCount;
        seed = blockSeed(epoch, blockNumber);
    }

    /// @dev The small-committee rule: a committee of `size` members runs min(c, size) trees.
    function _treeCount(uint256 epoch, uint256 size) private view returns (uint256) {
        uint256 trees = paramsAt(epoch).treeCount;
        return size < trees ? size : trees;
    }

    function _pack(ElectionParams memory params) private pure returns (uint208) {
        uint256 n = params.committeeSize;
        if (n == 0 || n > CommitteeHeap.CAPACITY) revert InvalidCommitteeSize(n);
        uint256 alpha = params.oversamplingBps;
        if (alpha < Eligibility.BPS || alpha > MAX_OVERSAMPLING_BPS) {
            revert InvalidOversampling(alpha);
        }
        uint256 c = params.treeCount;
        uint256 leaves = params.leafCount;
        // A full committee must be able to run the trees: the assignment's own rule.
        TreeAssignment.checkShape(n, c, leaves);
        if (c * (2 * leaves - 1) > MAX_TREE_NODES) {
            revert TooManyTreeNodes(c, leaves, MAX_TREE_NODES);
        }
        return uint208(n | (alpha << 16) | (c << 48) | (leaves << 56));
    }

    function _revertWith(bytes memory failure) private pure {
        assembly ("memory-safe") {
            revert(add(failure, 0x20), mload(failure))
        }
    }
}
