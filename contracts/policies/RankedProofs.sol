// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {TreeAssignment} from "../election/TreeAssignment.sol";
import {PolicyRecord} from "./PolicyRecord.sol";

/// @title RankedProofs
/// @notice Seed 002's rules (`docs/policies.md` section 3): up to `P` proofs per node, ranked by
/// a per-node VRF score, competing roots of which the highest total effective score wins. The
/// TypeScript mirror is `src/protocol/policies/rankedProofs.ts`; `test/policyRankedProofs.test.ts`
/// checks both agree (shared vectors and a seeded differential test).
/// @dev Record: `P * (2L - 1)` bytes, node `n`'s proofs at bytes `P*(n-1) .. P*n - 1`: committee
/// indices (below m) in strictly increasing order, then NONE padding; the root has at least one.
/// Score of member `x` at node `n`: `v = keccak256(abi.encode(RANK_DOMAIN, seed, address_x, n))
/// >> 192`, effective `v * (10000 + feeBurnBps) / 10000`.
library RankedProofs {
    /// @notice Domain separator of the per-node VRF score.
    bytes32 internal constant RANK_DOMAIN = keccak256("PROVERNET_V1_RANKED_PROOF");
    /// @notice Largest `proofsPerNode`.
    uint256 internal constant MAX_PROOFS_PER_NODE = 8;
    /// @notice Largest `maxRoots`.
    uint256 internal constant MAX_ROOTS = 16;
    /// @notice Basis points in 1.0.
    uint256 internal constant BPS = 10_000;

    /// @notice {rankedWinner} was given `totals` and `valid` of different lengths.
    error ScoreLengthMismatch(uint256 totals, uint256 valid);

    /// @notice The policy's parameters.
    struct Params {
        /// P, proofs per node.
        uint256 proofsPerNode;
        /// FEE_BURN in basis points.
        uint256 feeBurnBps;
    }

    /// @notice Member `member`'s VRF score at `node` of a block with seed `seed` (64 bits).
    /// @param seed The block seed.
    /// @param member The member's address.
    /// @param node The heap node.
    /// @return v `uint64(keccak256(abi.encode(RANK_DOMAIN, seed, member, node)) >> 192)`.
    function vrfScore(
        bytes32 seed,
        address member,
        uint256 node
    ) internal pure returns (uint256 v) {
        bytes32 domain = RANK_DOMAIN;
        // why: gas. Settlement scores every proof of every record; hashing in the scratch memory
        // past the free-memory pointer (nothing is allocated while it is live) avoids growing
        // memory by one abi.encode buffer per proof.
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, domain)
            mstore(add(buf, 0x20), seed)
            mstore(add(buf, 0x40), and(member, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(buf, 0x60), node)
            v := shr(192, keccak256(buf, 0x80))
        }
    }

    /// @notice The effective score `v * (10000 + feeBurnBps) / 10000`.
    /// @param v A VRF score (below 2^64).
    /// @param feeBurnBps FEE_BURN in basis points.
    /// @return The effective score.
    function effectiveScore(uint256 v, uint256 feeBurnBps) internal pure returns (uint256) {
        return (v * (BPS + feeBurnBps)) / BPS;
    }

    /// @notice The total score of a root: the sum of its included proofs' scores.
    /// @param scores The scores of the included proofs.
    /// @return total Their sum.
    function scoreSum(uint256[] memory scores) internal pure returns (uint256 total) {
        for (uint256 i = 0; i < scores.length; ++i) total += scores[i];
    }

    /// @notice The winning root: the valid one with the highest total, the earliest on ties.
    /// @param totals Per root, its total score.
    /// @param valid Per root, whether it passed the check (same length as `totals`).
    /// @return winner Its index, or `totals.length` if none is valid.
    function rankedWinner(
        uint256[] memory totals,
        bool[] memory valid
    ) internal pure returns (uint256 winner) {
        if (valid.length != totals.length) revert ScoreLengthMismatch(totals.length, valid.length);
        winner = totals.length;
        for (uint256 i = 0; i < totals.length; ++i) {
            if (valid[i] && (winner == totals.length || totals[i] > totals[winner])) winner = i;
        }
    }

    /// @notice What one included proof earns: `provers / ((2L - 1) * P)`, rounded down.
    /// @param provers The committee's share of the block.
    /// @param leafCount Leaves L.
    /// @param proofsPerNode P.
    /// @return The share per proof.
    function perProofShare(
        uint256 provers,
        uint256 leafCount,
        uint256 proofsPerNode
    ) internal pure returns (uint256) {
        return provers / ((2 * leafCount - 1) * proofsPerNode);
    }

    /// @notice Reverts unless `leafCount` is a power of two in `[1, 65536]`.
    /// @param leafCount Leaves L.
    function checkLeafCount(uint256 leafCount) internal pure {
        if (!TreeAssignment.isLeafCount(leafCount)) {
            revert TreeAssignment.InvalidLeafCount(leafCount);
        }
    }

    /// @notice What `acceptRoot` checks: the length `P * (2L - 1)` and at least one proof at
    /// the root (else `UnassignedParticipant(1, NONE)`).
    /// @param record The record.
    /// @param leafCount Leaves L.
    /// @param proofsPerNode P.
    function checkRoot(
        bytes calldata record,
        uint256 leafCount,
        uint256 proofsPerNode
    ) internal pure {
        checkLeafCount(leafCount);
        PolicyRecord.checkLength(record, proofsPerNode * (2 * leafCount - 1));
        if (uint8(record[0]) == PolicyRecord.NONE) {
            revert IBlockLifecycle.UnassignedParticipant(1, PolicyRecord.NONE);
        }
    }

    /// @notice The first node of `record` that breaks the rule (a member not below `m`, indices
    /// not strictly increasing, a member after NONE padding, or a root without proofs) and the
    /// byte found there (NONE for an empty root); `(0, 0)` if the record is valid. The caller
    /// checked the length is a multiple of `proofsPerNode`.
    /// @param record The record.
    /// @param m Committee size.
    /// @param proofsPerNode P.
    /// @return node The first bad node, or 0.
    /// @return member The byte found there, or 0.
    function findInvalid(
        bytes calldata record,
        uint256 m,
        uint256 proofsPerNode
    ) internal pure returns (uint256 node, uint256 member) {
        uint256 nodes = record.length / proofsPerNode;
        for (uint256 n = 1; n <= nodes; ++n) {
            uint256 base = proofsPerNode * (n - 1);
            uint256 next = 0; // lowest index allowed next (previous + 1)
            bool padding = false;
            for (uint256 k = 0; k < proofsPerNode; ++k) {
                uint256 b = uint8(record[base + k]);
                if (b == PolicyRecord.NONE) {
                    padding = true;
                } else if (padding || b >= m || b < next) {
                    return (n, b);
                } else {
                    next = b + 1;
                }
            }
            if (n == 1 && next == 0) return (1, PolicyRecord.NONE);
        }
    }

    /// @notice The total effective score of the proofs `record` includes. Assumes a valid record
    /// ({findInvalid}).
    /// @param record The record.
    /// @param seed The block seed.
    /// @param committee The committee in rank order.
    /// @param params The policy's parameters.
    /// @return total The total effective score.
    function recordScore(
        bytes calldata record,
        bytes32 seed,
        address[] calldata committee,
        Params memory params
    ) internal pure returns (uint256 total) {
        for (uint256 i = 0; i < record.length; ++i) {
            uint256 b = uint8(record[i]);
            if (b == PolicyRecord.NONE) continue;
            uint256 node = i / params.proofsPerNode + 1;
            total += effectiveScore(vrfScore(seed, committee[b], node), params.feeBurnBps);
        }
    }

    /// @notice Settles a finalized block (`IAssignmentPolicy.settleBlock`): every record is
    /// checked, the valid record with the highest total effective score wins; each of its proofs
    /// earns {perProofShare}, the shares of missing proofs are burned, dust goes to the pool.
    /// With no valid record everything goes to the pool.
    /// @param params The policy's parameters.
    /// @param block_ The block.
    /// @param committee The committee in rank order (its length is m).
    /// @param records The block's records, in acceptance order.
    /// @param provers The committee's share.
    /// @return credit The split.
    function settle(
        Params memory params,
        IAssignmentPolicy.BlockContext calldata block_,
        address[] calldata committee,
        bytes[] calldata records,
        uint256 provers
    ) internal pure returns (IAssignmentPolicy.BlockCredit memory credit) {
        PolicyRecord.checkCommittee(committee.length);
        checkLeafCount(block_.leafCount);
        uint256 slots = params.proofsPerNode * (2 * block_.leafCount - 1);
        credit.amounts = new uint256[](committee.length);
        credit.rejectedNode = new uint256[](records.length);
        credit.rejectedMember = new uint256[](records.length);
        // Expected workers are the credited ones: the top-P test of every member at every node
        // (m * (2L - 1) score hashes, about 200k per block at m = 32, L = 16) does not fit an
        // epoch's settlement, so rankedProofs counts no miss beyond what records show.
        uint256 winner = _rank(params, block_, committee, records, credit);
        if (winner == records.length) {
            credit.toPool = provers;
            return credit;
        }
        uint256 share = perProofShare(provers, block_.leafCount, params.proofsPerNode);
        bytes calldata record = records[winner];
        uint256 included = 0;
        for (uint256 i = 0; i < slots; ++i) {
            uint256 b = uint8(record[i]);
            if (b == PolicyRecord.NONE) continue;
            credit.amounts[b] += share;
            credit.credited |= 1 << b;
            ++included;
        }
        credit.burned = (slots - included) * share;
        credit.toPool = provers - slots * share;
    }

    /// @notice Checks every record (length, then {findInvalid}) into `credit`'s rejected fields
    /// and valid count, and returns the {rankedWinner} (`records.length` if none is valid).
    function _rank(
        Params memory params,
        IAssignmentPolicy.BlockContext calldata block_,
        address[] calldata committee,
        bytes[] calldata records,
        IAssignmentPolicy.BlockCredit memory credit
    ) private pure returns (uint256) {
        uint256[] memory totals = new uint256[](records.length);
        bool[] memory valid = new bool[](records.length);
        for (uint256 r = 0; r < records.length; ++r) {
            (valid[r], totals[r]) = _scoreOne(params, block_, committee, records[r], credit, r);
        }
        return rankedWinner(totals, valid);
    }

    /// @notice Checks record `r` (length, then {findInvalid}) into `credit` and scores it if
    /// valid.
    function _scoreOne(
        Params memory params,
        IAssignmentPolicy.BlockContext calldata block_,
        address[] calldata committee,
        bytes calldata record,
        IAssignmentPolicy.BlockCredit memory credit,
        uint256 r
    ) private pure returns (bool valid, uint256 total) {
        PolicyRecord.checkLength(record, params.proofsPerNode * (2 * block_.leafCount - 1));
        {
            (uint256 node, uint256 member) = findInvalid(
                record,
                committee.length,
                params.proofsPerNode
            );
            credit.rejectedNode[r] = node;
            credit.rejectedMember[r] = member;
            if (node != 0) return (false, 0);
        }
        ++credit.validRoots;
        // Every valid root is activity for whom it credits; only the winner is paid.
        for (uint256 i = 0; i < record.length; ++i) {
            uint256 b = uint8(record[i]);
            if (b != PolicyRecord.NONE) credit.credited |= 1 << b;
        }
        total = recordScore(record, block_.seed, committee, params);
        return (true, total);
    }
}
