// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RewardSplit} from "../../contracts/rewards/RewardSplit.sol";
import {CheatsTest} from "./Cheats.sol";

/// @notice Fuzz tests of RewardSplit: a block's shares add up to the block's value exactly (every
/// remainder goes to the sequencer), and the per-tree and per-chunk shares never pay out more
/// than the committee's share.
contract RewardSplitFuzzTest is CheatsTest {
    uint256 private constant BPS = 10_000;

    function testFuzz_blockSharesConserveTheTotal(
        uint256 total,
        uint256 feeSplitBps,
        bool feeSplit,
        uint256 proverBps,
        uint256 submitterBps,
        uint256 proverBurnBps
    ) public pure {
        total = bound(total, 0, type(uint128).max);
        submitterBps = bound(submitterBps, 0, BPS);
        proverBps = bound(proverBps, 0, BPS - submitterBps);
        feeSplitBps = bound(feeSplitBps, 0, BPS);
        proverBurnBps = bound(proverBurnBps, 0, BPS);
        (uint256 sequencer, uint256 submitter, uint256 provers, uint256 burned) = RewardSplit
            .blockShares(total, feeSplitBps, feeSplit, proverBps, submitterBps, proverBurnBps);
        assertEq(sequencer + submitter + provers + burned, total, "shares add up to the total");
        assertEq(submitter, (total * submitterBps) / BPS, "submitter share");
        uint256 committee = provers + burned;
        if (feeSplit) {
            assertEq(committee, ((total - submitter) * feeSplitBps) / BPS, "FEE_SPLIT share");
        } else {
            assertEq(committee, (total * proverBps) / BPS, "B_provers share");
        }
        assertEq(burned, (committee * proverBurnBps) / BPS, "FEE_BURN part");
    }

    function testFuzz_treeAndChunkSharesNeverOverpay(
        uint256 provers,
        uint256 treeCount,
        uint256 leafLog
    ) public pure {
        provers = bound(provers, 0, type(uint128).max);
        treeCount = bound(treeCount, 1, 16);
        uint256 leafCount = 1 << bound(leafLog, 0, 16);
        (uint256 treeShare, uint256 nodeShare) = RewardSplit.treeShares(
            provers,
            treeCount,
            leafCount
        );
        uint256 nodes = 2 * leafCount - 1;
        assertLe(treeShare * treeCount, provers, "trees within the committee's share");
        assertLe(provers - treeShare * treeCount, treeCount - 1, "tree remainder below c");
        assertLe(nodeShare * nodes, treeShare, "chunks within the tree's share");
        assertLe(treeShare - nodeShare * nodes, nodes - 1, "chunk remainder below 2L - 1");
        // Every chunk of every tree proven (cross-tree reuse pays a chunk once per tree).
        assertLe(nodeShare * nodes * treeCount, provers, "a fully proven block within the share");
    }
}
