// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BLS, G1Point, G2Point} from "../crypto/BLS.sol";
import {CommitteeElection} from "../election/CommitteeElection.sol";
import {TimeoutCertificate} from "../lifecycle/TimeoutCertificate.sol";
import {StakeTable} from "../staking/StakeTable.sol";

/// @title BlsTimeoutCertificateHarness
/// @notice MEASUREMENT HARNESS, NOT PRODUCTION CODE. It exists so that `npm run gas`
/// (`scripts/gas/lifecycle.ts`) can compare {BlockLifecycle}'s ECDSA timeout certificates with the
/// same certificates verified the BLS way: the same committee, signer bitmap and f + 1 rule, but
/// one aggregate BLS signature (keys in G1, signature in G2) instead of one ECDSA signature per
/// signer. It keeps no block records, checks no window, status or round leader, and anyone may
/// call it; nothing in the protocol uses it.
/// @dev What {certify} pays for, in order: the committee against
/// {CommitteeElection.committeeCommitment}; the bitmap against the committee size; the key count
/// against the bitmap and f + 1; one {StakeTable.operatorOfKey} lookup per signer, which must
/// name the committee member of its bit (this binds each key to the member, as `ecrecover` does for
/// ECDSA, and the proof of possession checked at registration rules out rogue keys); the
/// aggregation of the keys; one hash to G2 and one two-pair pairing check on a message separated
/// by {DST_TIMEOUT}, {TIMEOUT_DOMAIN}, the chain id and this contract; and last one storage write
/// to a word that is already nonzero plus one event, like the status update and event of a real
/// certificate.
contract BlsTimeoutCertificateHarness {
    /// @notice Domain separation tag of BLS timeout votes (mirrored in scripts/gas/lifecycle.ts).
    string public constant DST_TIMEOUT = "PROVERNET-V1-TIMEOUT-BLS12381G2_XMD:SHA-256_SSWU_RO_";
    /// @notice Domain tag at the head of the signed message.
    bytes32 public constant TIMEOUT_DOMAIN = keccak256("PROVERNET_V1_BLS_TIMEOUT_VOTE");

    /// @notice The election whose committees sign.
    CommitteeElection public immutable ELECTION;
    /// @notice The election's stake table (key owners).
    StakeTable public immutable STAKE_TABLE;
    /// @notice f as a fraction of the committee size, in basis points (as in {BlockLifecycle}).
    uint256 public immutable FAULT_TOLERANCE_BPS;

    /// @notice Hash of the last accepted certificate. Nonzero from deployment, so that every
    /// write is a nonzero-to-nonzero update like a real certificate's block-status update.
    bytes32 public lastCertificate;

    /// @notice A certificate verified.
    /// @param slot The block's slot.
    /// @param round The round.
    /// @param submitter The caller.
    /// @param signerBitmap The signers.
    event TimeoutCertified(
        uint256 indexed slot,
        uint256 round,
        address submitter,
        uint256 signerBitmap
    );

    /// @notice The election address is zero.
    error ZeroAddress();
    /// @notice The fault tolerance is not below 100%.
    error InvalidFaultTolerance(uint256 faultToleranceBps);
    /// @notice The committee in calldata does not hash to the epoch's commitment.
    error CommitteeMismatch(uint256 epoch, bytes32 expected, bytes32 given);
    /// @notice The signer bitmap names a position at or above the committee size.
    error SignerOutOfRange(uint256 bitmap, uint256 committeeSize);
    /// @notice The number of keys differs from the number of bitmap bits.
    error KeyCountMismatch(uint256 signers, uint256 keys);
    /// @notice Fewer than f + 1 signers.
    error NotEnoughSigners(uint256 signers, uint256 required);
    /// @notice Key `index` is registered to `keyOwner`, not to the committee member of its bit.
    error KeyNotMember(uint256 index, address member, address keyOwner);
    /// @notice The aggregate signature does not verify.
    error InvalidAggregateSignature();

    /// @param election The committee election.
    /// @param faultToleranceBps f as a fraction of the committee size, below 10000.
    constructor(CommitteeElection election, uint256 faultToleranceBps) {
        if (address(election) == address(0)) revert ZeroAddress();
        if (faultToleranceBps >= TimeoutCertificate.BPS) {
            revert InvalidFaultTolerance(faultToleranceBps);
        }
        ELECTION = election;
        STAKE_TABLE = election.STAKE_TABLE();
        FAULT_TOLERANCE_BPS = faultToleranceBps;
        lastCertificate = bytes32(uint256(1));
    }

    /// @notice Verifies a BLS timeout certificate for (`slot`, `round`) by members of `epoch`'s
    /// committee and records it. Measurement only (see the contract documentation).
    /// @param epoch The epoch whose committee signed.
    /// @param slot The block's slot.
    /// @param round The round.
    /// @param committee The epoch's committee in rank order.
    /// @param signerBitmap Bit i set iff `committee[i]` signed.
    /// @param signerPublicKeys The signers' registered keys, in ascending bit order.
    /// @param aggregateSignature The sum of the signers' signatures on {timeoutMessage}.
    function certify(
        uint256 epoch,
        uint256 slot,
        uint256 round,
        address[] calldata committee,
        uint256 signerBitmap,
        G1Point[] calldata signerPublicKeys,
        G2Point calldata aggregateSignature
    ) external {
        _checkQuorum(epoch, committee, signerBitmap, signerPublicKeys.length);
        _checkMemberKeys(committee, signerBitmap, signerPublicKeys);
        G1Point[] memory keys = signerPublicKeys;
        // The keys were validated with their proofs of possession at registration, and distinct
        // bits are distinct members with distinct keys, as {BLS.verifyAggregate} requires.
        if (
            !BLS.verifyAggregate(
                keys,
                timeoutMessage(slot, round),
                bytes(DST_TIMEOUT),
                aggregateSignature
            )
        ) {
            revert InvalidAggregateSignature();
        }
        lastCertificate = keccak256(abi.encode(slot, round, signerBitmap));
        emit TimeoutCertified(slot, round, msg.sender, signerBitmap);
    }

    /// @notice The message a member signs to vote a timeout for (`slot`, `round`).
    /// @param slot The block's slot.
    /// @param round The round.
    /// @return `abi.encode(TIMEOUT_DOMAIN, chainid, this, slot, round)`.
    function timeoutMessage(uint256 slot, uint256 round) public view returns (bytes memory) {
        return abi.encode(TIMEOUT_DOMAIN, block.chainid, address(this), slot, round);
    }

    /// @dev Checks the committee against its commitment, and the bitmap against the committee
    /// size, the key count and f + 1.
    function _checkQuorum(
        uint256 epoch,
        address[] calldata committee,
        uint256 signerBitmap,
        uint256 keyCount
    ) private view {
        (bytes32 commitment, uint256 m) = ELECTION.committeeCommitment(epoch);
        bytes32 given = keccak256(abi.encode(committee));
        if (given != commitment) revert CommitteeMismatch(epoch, commitment, given);
        if (m < 256 && signerBitmap >> m != 0) revert SignerOutOfRange(signerBitmap, m);
        uint256 signers = TimeoutCertificate.popCount(signerBitmap);
        if (signers != keyCount) revert KeyCountMismatch(signers, keyCount);
        uint256 required = TimeoutCertificate.faultThreshold(m, FAULT_TOLERANCE_BPS) + 1;
        if (signers < required) revert NotEnoughSigners(signers, required);
    }

    /// @dev Checks that each key is registered to the committee member of its bit, in ascending
    /// bit order.
    function _checkMemberKeys(
        address[] calldata committee,
        uint256 signerBitmap,
        G1Point[] calldata signerPublicKeys
    ) private view {
        uint256 bits = signerBitmap;
        for (uint256 k = 0; k < signerPublicKeys.length; ++k) {
            // Lowest set bit; the caller checked that the bitmap has one bit per key.
            uint256 i = Math.log2(bits & (~bits + 1));
            bits &= bits - 1;
            address owner = STAKE_TABLE.operatorOfKey(_keyHash(signerPublicKeys[k]));
            if (owner != committee[i]) revert KeyNotMember(k, committee[i], owner);
        }
    }

    /// @dev keccak256 of the key's 128-byte encoding (the stake table's key id), hashed in
    /// scratch memory so that the loop allocates nothing.
    function _keyHash(G1Point calldata pk) private pure returns (bytes32 hash) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, pk, 0x80)
            hash := keccak256(ptr, 0x80)
        }
    }
}
