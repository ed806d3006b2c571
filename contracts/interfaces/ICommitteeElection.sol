// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {G1Point, G2Point} from "../crypto/BLS.sol";

/// @title ICommitteeElection
/// @notice Per-epoch proving committees elected by a BLS VRF over RANDAO seeds, and the striped
/// proof-tree assignment of each block to the committee.
interface ICommitteeElection {
    /// @notice Election parameters; they change only at epoch boundaries (see {scheduleParams}).
    struct ElectionParams {
        /// Target committee size n (maximum number of members), 1..256.
        uint16 committeeSize;
        /// Oversampling factor alpha in basis points, 10000 (alpha = 1) .. 1000000 (alpha = 100).
        uint32 oversamplingBps;
        /// Number c of redundant proof trees per block, 1..16 and at most n.
        uint8 treeCount;
        /// Number L of leaves (proof chunks) per tree, a power of two, 1..65536.
        uint32 leafCount;
    }

    /// @notice Deployment parameters.
    struct Config {
        /// The stake table: stake snapshots, keys, the epoch clock and the RANDAO beacon.
        address stakeTable;
        /// Length of each epoch's reveal window in L1 blocks, 1..EPOCH_LENGTH; the window is the
        /// last `revealWindow` blocks before the epoch starts.
        uint256 revealWindow;
        /// Parameters from epoch 0 on.
        ElectionParams initialParams;
        /// Holder of DEFAULT_ADMIN_ROLE.
        address admin;
        /// Holder of GOVERNOR_ROLE (may schedule parameter changes); zero for none.
        address governor;
    }

    error ZeroAddress();
    error InvalidRevealWindow(uint256 revealWindow, uint256 epochLength);
    error InvalidCommitteeSize(uint256 committeeSize);
    error InvalidOversampling(uint256 oversamplingBps);
    // Invalid tree and leaf counts revert with TreeAssignment's InvalidTreeCount(c, n) and
    // InvalidLeafCount(L): the parameters are checked by the assignment's own rule.
    /// @notice A block's trees would have `c * (2 * leafCount - 1)` nodes, more than `max`
    /// (MAX_TREE_NODES): their settlement would not fit one transaction at m = 256.
    error TooManyTreeNodes(uint256 c, uint256 leafCount, uint256 max);
    /// @notice The current block is outside the reveal window `[opensAt, closesAt]` of `epoch`.
    error OutsideRevealWindow(uint256 epoch, uint256 opensAt, uint256 closesAt);
    /// @notice No operator registered the key with this hash.
    error UnknownKey(bytes32 publicKeyHash);
    /// @notice The operator has no stake in the epoch's snapshot.
    error NotStakedInEpoch(address operator, uint256 epoch);
    /// @notice The operator already revealed for this epoch.
    error DuplicateReveal(address operator, uint256 epoch);
    /// @notice The VRF output is not below the operator's stake-weighted threshold.
    error IneligibleOutput(address operator, uint256 output);
    /// @notice The committee is full and every member ranks better than this reveal.
    error RevealAboveCutoff(address operator, uint256 rank, uint256 cutoff);
    /// @notice The VRF proof is not the operator's BLS signature of the epoch's VRF message.
    error InvalidVrfProof(address operator);
    /// @notice A batch was empty or its arrays differ in length.
    error InvalidBatchLength(uint256 publicKeys, uint256 vrfProofs);
    /// @notice The reveal at `index` of a batch was rejected; `reason` is the ABI-encoded error a
    /// single {reveal} of it would have raised. The whole batch is rejected.
    error RevealRejected(uint256 index, bytes reason);
    /// @notice The reveal window of `epoch` has not closed yet, so its committee is not final.
    error CommitteeNotFinal(uint256 epoch);
    /// @notice The committee's members are no longer in storage (its heap was reused); read
    /// them from the {CommitteeSealed} event.
    error CommitteeNoLongerStored(uint256 epoch);
    /// @notice The committee given in calldata does not match the sealed commitment.
    error CommitteeMismatch(uint256 epoch, bytes32 expected, bytes32 given);
    /// @notice The epoch's committee is empty: it has no assignment (see the empty-committee
    /// rule).
    error NoCommitteeForEpoch(uint256 epoch);

    /// @notice `operator` revealed for `epoch` and joined the committee with `rank` (single
    /// reveal).
    event Revealed(uint256 indexed epoch, address indexed operator, uint256 rank);
    /// @notice A batch admitted these ranks to the committee of `epoch`, in batch order; each
    /// rank carries its operator in its low 160 bits. `skipped` lists the batch indices of
    /// reveals already made for `epoch` (by an earlier transaction or earlier in the batch):
    /// they change nothing and are left out of the batch's pairing, so a copied reveal sent
    /// ahead of the batch cannot make it revert. One event per batch instead of one per reveal
    /// saves about 1.4k gas per reveal.
    event RevealedBatch(uint256 indexed epoch, uint256[] ranks, uint256[] skipped);
    /// @notice A reveal in a batch did not make the committee (it was full with better ranks);
    /// nothing was recorded for it (a later reveal of it would be outranked again: the cutoff
    /// only falls).
    event RevealOutranked(uint256 indexed epoch, address indexed operator, uint256 rank);
    /// @notice `operator` left the committee of `epoch`, displaced by a better rank.
    event MemberDisplaced(uint256 indexed epoch, address indexed operator, uint256 rank);
    /// @notice The committee of `epoch` is final: `members` in rank order, and their commitment.
    event CommitteeSealed(uint256 indexed epoch, bytes32 commitment, address[] members);
    /// @notice New parameters take effect at `effectiveEpoch`.
    event ElectionParamsScheduled(uint256 indexed effectiveEpoch, ElectionParams params);

    /// @notice Reveals the caller-supplied operator key's VRF proof for `epoch`. Anyone may
    /// submit it; the proof is the operator's BLS signature of {vrfMessage}.
    function reveal(uint256 epoch, G1Point calldata publicKey, G2Point calldata vrfProof) external;

    /// @notice Reveals many VRF proofs for `epoch` with one pairing check; all or nothing.
    function revealBatch(
        uint256 epoch,
        G1Point[] calldata publicKeys,
        G2Point[] calldata vrfProofs
    ) external;

    /// @notice Fixes the committee of `epoch` after its reveal window: stores the commitment to
    /// its members in rank order. Idempotent and permissionless.
    function sealCommittee(uint256 epoch) external returns (bytes32 commitment, uint256 size);

    /// @notice Schedules new parameters; governor only. They take effect `PARAMS_LAG` epochs on.
    function scheduleParams(ElectionParams calldata params) external;
}
