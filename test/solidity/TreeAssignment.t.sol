// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TreeAssignment} from "../../contracts/election/TreeAssignment.sol";
import {CheatsTest} from "./Cheats.sol";

/// @notice Fuzz tests of the striped assignment's properties over random seeds and shapes:
/// every prover is a committee member, no member proves two nodes of one level of one tree while
/// the level has at most m nodes, a node's provers differ across trees, a level with at least m
/// nodes uses every member (coverage), and proverOf agrees with the whole-block assignment.
contract TreeAssignmentFuzzTest is CheatsTest {
    struct Shape {
        uint256 m;
        uint256 c;
        uint256 leafCount;
    }

    function _shape(uint256 m, uint256 c, uint256 leafLog) private pure returns (Shape memory s) {
        s.m = bound(m, 1, 64);
        s.c = bound(c, 1, s.m < 16 ? s.m : 16);
        s.leafCount = 1 << bound(leafLog, 0, 6);
    }

    function testFuzz_levelsHaveUniqueProversAndTreesDiffer(
        bytes32 seed,
        uint256 m,
        uint256 c,
        uint256 leafLog
    ) public pure {
        Shape memory s = _shape(m, c, leafLog);
        uint256[] memory a = TreeAssignment.assignment(s.m, seed, s.c, s.leafCount);
        uint256 nodes = 2 * s.leafCount - 1;
        assertEq(a.length, s.c * nodes, "one prover per node per tree");
        for (uint256 width = 1; width <= s.leafCount; width <<= 1) {
            // Per tree: unique provers in the level (while it has at most m nodes), coverage of
            // the whole committee once it has at least m.
            for (uint256 t = 0; t < s.c; ++t) {
                uint256 seen = 0; // bitmap of members (m <= 64)
                uint256 hits = 0;
                for (uint256 j = 0; j < width; ++j) {
                    uint256 member = a[t * nodes + width - 1 + j];
                    assertLe(member, s.m - 1, "prover is a committee member");
                    if (seen & (1 << member) == 0) ++hits;
                    seen |= 1 << member;
                }
                if (width <= s.m) assertEq(hits, width, "unique provers per level");
                else assertEq(hits, s.m, "a level wider than m uses every member");
            }
            // Across trees: the same node position is proven by c different members.
            for (uint256 j = 0; j < width; ++j) {
                uint256 seen = 0;
                for (uint256 t = 0; t < s.c; ++t) {
                    uint256 member = a[t * nodes + width - 1 + j];
                    assertTrue(seen & (1 << member) == 0, "a node's provers differ across trees");
                    seen |= 1 << member;
                }
            }
        }
    }

    function testFuzz_proverOfMatchesTheBlockAssignment(
        bytes32 seed,
        uint256 m,
        uint256 c,
        uint256 leafLog,
        uint256 tree,
        uint256 node
    ) public pure {
        Shape memory s = _shape(m, c, leafLog);
        tree = bound(tree, 0, s.c - 1);
        node = bound(node, 1, 2 * s.leafCount - 1);
        uint256[] memory a = TreeAssignment.assignment(s.m, seed, s.c, s.leafCount);
        assertEq(
            TreeAssignment.proverOf(s.m, seed, s.c, s.leafCount, tree, node),
            a[tree * (2 * s.leafCount - 1) + node - 1],
            "proverOf == assignment"
        );
    }

    function testFuzz_levelPermutationIsABijection(
        bytes32 seed,
        uint256 m,
        uint256 level
    ) public pure {
        m = bound(m, 1, 256);
        level = bound(level, 0, 16);
        uint256[] memory perm = new uint256[](m);
        TreeAssignment.fillLevelPermutation(perm, seed, level);
        uint256[4] memory seen;
        for (uint256 i = 0; i < m; ++i) {
            uint256 v = perm[i];
            assertLe(v, m - 1, "permutation entry below m");
            assertTrue(seen[v >> 6] & (1 << (v & 63)) == 0, "permutation entry repeated");
            seen[v >> 6] |= 1 << (v & 63);
        }
    }
}
