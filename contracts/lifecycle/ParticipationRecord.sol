// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {TreeAssignment} from "../election/TreeAssignment.sol";
import {PolicyRecord} from "../policies/PolicyRecord.sol";

/// @title ParticipationRecord
/// @notice Proof of participation: which committee member computed each node whose output a
/// root proof includes, checked against the striped assignment. The TypeScript mirror is
/// `encodeParticipation` / `checkParticipation` in `src/protocol/lifecycle.ts`.
/// @dev Encoding: one byte per heap node, byte `node - 1` holding the committee index (rank
/// order, below 256) of the member credited for `node`, for `node = 1 .. 2L - 1`; 31 bytes for
/// L = 16. Seed 000 sends outputs across trees, so the output used at a node of tree `t` may come
/// from the same position of another tree: a member is valid for node `(d, j)` iff it is the
/// prover of `(d, j)` in some tree `t' < c`. The root (node 1) must be computed by the proof's own
/// tree's root prover, which is what makes the proof "tree t's" and stops one prover from filing
/// the same work under several tree indices.
/// Check: with `perm_d` the level permutation and `s = m / c`, the prover of `(d, j)` in tree
/// `t'` is `perm_d[(j + t' s) mod m]`; so member `x` is valid iff `delta = (inv_d(x) - j) mod m`
/// is a multiple of `s` below `c * s` (at the root: exactly `tree * s`), where `inv_d` is the
/// inverse permutation. The TypeScript mirror states it the same way.
/// NONE (`0xff`) credits nobody at a node, the root included: the node was proven by a member
/// that does not hold it (fallback work, unpaid; its share goes to the pool). In a committee of
/// 256, byte `0xff` is member 255 and there is no NONE: every node credits one of its holders. A block's perms are drawn
/// once ({levelPermutations}) and check all of its records in O(1) per node: O(m log L + c L) per
/// block. Submission checks only the root ({checkRoot}); settlement checks every node.
library ParticipationRecord {
    /// @notice Reverts unless `record` is a valid participation record for tree `tree`.
    /// @param record The record (`2 * leafCount - 1` bytes).
    /// @param m Committee size.
    /// @param c Tree count of the block, at most `m`.
    /// @param leafCount Leaves L per tree.
    /// @param seed The block seed.
    /// @param tree The proof's tree, below `c`.
    function check(
        bytes calldata record,
        uint256 m,
        uint256 c,
        uint256 leafCount,
        bytes32 seed,
        uint256 tree
    ) internal pure {
        (uint256 node, uint256 member) = findUnassigned(
            record,
            levelPermutations(m, seed, leafCount, false),
            c,
            tree
        );
        if (node != 0) revert IBlockLifecycle.UnassignedParticipant(node, member);
    }

    /// @notice Reverts unless `record` has length `2 * leafCount - 1` and its root (node 1) is
    /// credited to tree `tree`'s root prover `perm_0[tree * (m / c)]`, or NONE: what
    /// {BlockLifecycle.submitRootProof} checks.
    /// @param record The record.
    /// @param m Committee size.
    /// @param c Tree count of the block, at most `m`.
    /// @param leafCount Leaves L per tree.
    /// @param seed The block seed.
    /// @param tree The proof's tree, below `c`.
    function checkRoot(
        bytes calldata record,
        uint256 m,
        uint256 c,
        uint256 leafCount,
        bytes32 seed,
        uint256 tree
    ) internal pure {
        uint256[] memory perm = new uint256[](m);
        TreeAssignment.fillLevelPermutation(perm, seed, 0);
        checkRootByte(rootByte(record, leafCount), perm[tree * (m / c)], m);
    }

    /// @notice The record's root byte, after checking its length (`InvalidRecordLength`).
    /// @param record The record.
    /// @param leafCount Leaves L per tree.
    function rootByte(bytes calldata record, uint256 leafCount) internal pure returns (uint256) {
        _checkLength(record, leafCount);
        return uint8(record[0]);
    }

    /// @notice Reverts unless root byte `member` is the tree's root prover `rootProver` or NONE.
    /// @param member The record's root byte.
    /// @param rootProver The committee index of the tree's root prover.
    /// @param m Committee size.
    function checkRootByte(uint256 member, uint256 rootProver, uint256 m) internal pure {
        if (member != rootProver && !isNone(member, m)) {
            revert IBlockLifecycle.UnassignedParticipant(1, member);
        }
    }

    /// @notice Whether record byte `member` is NONE in a committee of `m` (see the library's
    /// description).
    function isNone(uint256 member, uint256 m) internal pure returns (bool) {
        return member == PolicyRecord.NONE && m <= PolicyRecord.NONE;
    }

    /// @notice The level permutations of a block: entry `d` is `perm_d`, for the `log2(L) + 1`
    /// levels of a tree of `leafCount` leaves. Drawn once per block, they check all its records.
    /// @param m Committee size.
    /// @param seed The block seed.
    /// @param leafCount Leaves L per tree, a power of two.
    /// @param rootChecked Whether the records' roots were checked already ({checkRoot}): then the
    /// root level's entry is empty and {tally} credits the root without checking it.
    /// @return perms The permutations, root level first.
    function levelPermutations(
        uint256 m,
        bytes32 seed,
        uint256 leafCount,
        bool rootChecked
    ) internal pure returns (uint256[][] memory perms) {
        uint256 levels = 1;
        while ((1 << (levels - 1)) < leafCount) ++levels;
        perms = new uint256[][](levels);
        uint256[] memory identity = TreeAssignment.identity(m);
        perms[0] = new uint256[](0);
        for (uint256 level = rootChecked ? 1 : 0; level < levels; ++level) {
            perms[level] = new uint256[](m);
            TreeAssignment.fillLevelPermutationFrom(perms[level], identity, seed, level);
        }
    }

    /// @notice The members a valid record of tree `tree` shows were expected to work: the
    /// tree's own prover of every node whose ancestors the record credits to their own provers
    /// (the root always is). Below a node credited to another tree's prover (a cover), the
    /// cover's own subtree was used, so the tree's own provers there may have done their work
    /// unused: inactivity does not count them for this tree. Returns a bitmap.
    /// @param record A valid record of tree `tree` (`2L - 1` bytes).
    /// @param perms The block's {levelPermutations} (the root level may be empty).
    /// @param c Tree count of the block, at most `m`.
    /// @param tree The record's tree.
    /// @return expected Bit `x` set iff member `x` is tree `tree`'s own prover of an intact node.
    function expectedProvers(
        bytes calldata record,
        uint256[][] memory perms,
        uint256 c,
        uint256 tree
    ) internal pure returns (uint256 expected) {
        uint256 nodes = record.length;
        uint256 m = perms[perms.length - 1].length;
        uint256 offset = tree * (m / c);
        // Bit n: node n is intact (its ancestors are credited to their own provers).
        uint256[] memory intact = new uint256[]((nodes >> 8) + 1);
        // A NONE root (fallback work) expects nobody: no node below it is intact.
        if (isNone(uint8(record[0]), m)) return 0;
        intact[0] = 2; // the root
        expected = uint256(1) << uint8(record[0]);
        uint256 level = 1;
        for (uint256 n = 2; n <= nodes; ++n) {
            if (n == uint256(1) << (level + 1)) ++level;
            uint256 parent = n >> 1;
            if ((intact[parent >> 8] >> (parent & 255)) & 1 == 0) continue;
            // The parent's own prover: the root's byte, else its level's permutation entry.
            uint256 parentOwn = parent == 1
                ? uint8(record[0])
                : perms[level - 1][((parent - (uint256(1) << (level - 1))) + offset) % m];
            if (uint8(record[parent - 1]) != parentOwn) continue;
            intact[n >> 8] |= uint256(1) << (n & 255);
            expected |= uint256(1) << perms[level][((n - (uint256(1) << level)) + offset) % m];
        }
    }

    /// @notice The first node of `record` (tree `tree`) credited to a member that was not
    /// assigned it, and that member; `(0, 0)` if the record is valid. Reverts only if the length
    /// is not `2L - 1` for the `L` of `perms`.
    /// @param record The record.
    /// @param perms The block's {levelPermutations}.
    /// @param c Tree count of the block, at most `m`.
    /// @param tree The proof's tree, below `c`.
    /// @return node The first unassigned node (heap index), or 0.
    /// @return member The committee index credited there, or 0.
    function findUnassigned(
        bytes calldata record,
        uint256[][] memory perms,
        uint256 c,
        uint256 tree
    ) internal pure returns (uint256 node, uint256 member) {
        (node, member, , ) = tally(record, perms, c, tree, new uint256[](0), 0);
    }

    /// @notice Checks `record` (tree `tree`) and, if it is valid, adds `share` to `amounts[x]`
    /// for the member `x` credited at each of its nodes; a member credited at k nodes gets k
    /// shares. Returns the first unassigned node and its member (`(0, 0)` if valid; then nothing
    /// is added), and the set of members credited as a bitmap. With an empty `amounts`, only
    /// checks. Reverts only if the length is not `2L - 1` for the `L` of `perms`.
    /// @param record The record.
    /// @param perms The block's {levelPermutations}.
    /// @param c Tree count of the block, at most `m`.
    /// @param tree The proof's tree, below `c`.
    /// @param amounts Per committee index, length `m` (or 0 to only check).
    /// @param share Added per credited node.
    /// @return node The first unassigned node (heap index), or 0.
    /// @return member The committee index credited there, or 0.
    /// @return members Bit `x` set iff the (valid) record credits member `x`.
    /// @return unpaid `share` per NONE node of a valid record (0 when only checking): what the
    /// record leaves unpaid.
    function tally(
        bytes calldata record,
        uint256[][] memory perms,
        uint256 c,
        uint256 tree,
        uint256[] memory amounts,
        uint256 share
    ) internal pure returns (uint256 node, uint256 member, uint256 members, uint256 unpaid) {
        _checkLength(record, 1 << (perms.length - 1));
        uint256 m = perms[perms.length - 1].length;
        LevelRule memory rule = _rule(c, tree, m, amounts, share);
        for (uint256 level = 0; level < perms.length; ++level) {
            if (perms[level].length == 0) {
                // The root, which submission checked ({checkRoot}): credit it as it is.
                members = _creditRoot(record, m, rule);
                rule.firstOffset = 0;
                rule.count = c;
                rule.width = 2;
                continue;
            }
            uint256 levelMembers;
            (node, member, levelMembers) = _tallyLevel(record, perms[level], rule, amounts);
            if (node != 0) {
                // Take back what the levels above credited: an invalid record earns nothing.
                if (amounts.length != 0) {
                    _uncredit(record, 0, rule.width - 1, amounts, share);
                }
                return (node, member, 0, 0);
            }
            members |= levelMembers;
            if (level == 0) {
                // Below the root every tree's position is a candidate.
                rule.firstOffset = 0;
                rule.count = c;
            }
            rule.width <<= 1;
        }
        unpaid = rule.unpaid;
    }

    function _creditRoot(
        bytes calldata record,
        uint256 m,
        LevelRule memory rule
    ) private pure returns (uint256 members) {
        uint256 root = uint8(record[0]);
        bool crediting = rule.out != 0;
        if (isNone(root, m)) {
            if (crediting) rule.unpaid += rule.share;
            return 0;
        }
        if (crediting) {
            uint256 out = rule.out;
            uint256 share = rule.share;
            assembly ("memory-safe") {
                let slot := add(out, shl(5, root))
                mstore(slot, add(mload(slot), share))
            }
        }
        return 1 << root;
    }

    function _checkLength(bytes calldata record, uint256 leafCount) private pure {
        uint256 nodes = 2 * leafCount - 1;
        if (record.length != nodes) {
            revert IBlockLifecycle.InvalidRecordLength(record.length, nodes);
        }
    }

    /// @dev One level's shape: its width, and which trees' positions `(j + t * stride) % m` are
    /// candidates: `count` trees from `first * stride` on (all c below the root, the proof's own
    /// tree at the root).
    struct LevelRule {
        uint256 width;
        uint256 stride;
        uint256 firstOffset;
        uint256 count;
        /// Memory address of amounts[0], or 0 to only check.
        uint256 out;
        uint256 share;
        /// `share` per NONE node passed so far (only when crediting).
        uint256 unpaid;
    }

    /// @dev The root level's rule for a committee of `m`, crediting `share` to `amounts`.
    function _rule(
        uint256 c,
        uint256 tree,
        uint256 m,
        uint256[] memory amounts,
        uint256 share
    ) private pure returns (LevelRule memory rule) {
        uint256 stride = m / c;
        uint256 out;
        assembly ("memory-safe") {
            out := mul(iszero(iszero(mload(amounts))), add(amounts, 0x20))
        }
        rule = LevelRule(1, stride, tree * stride, 1, out, share, 0);
    }

    /// @dev Checks the `width` nodes of one level (see the library's description; at the root,
    /// `width == 1`, only `tree` is valid) and credits `share` per node to `amounts` as it goes
    /// (unless `amounts` is empty). Returns the first failing node with its member (`(0, 0)` if
    /// all pass; the failing level's earlier nodes are taken back) and the members it credited.
    function _tallyLevel(
        bytes calldata record,
        uint256[] memory perm,
        LevelRule memory rule,
        uint256[] memory amounts
    ) private pure returns (uint256 failedNode, uint256 failedMember, uint256 members) {
        (failedNode, failedMember, members) = _scanLevel(_offsetOf(record), perm, rule);
        if (failedNode != 0 && amounts.length != 0) {
            // Take back this level's nodes before the failing one.
            _uncredit(record, rule.width - 1, failedNode - 1, amounts, rule.share);
        }
    }

    function _offsetOf(bytes calldata record) private pure returns (uint256 offset) {
        assembly ("memory-safe") {
            offset := record.offset
        }
    }

    /// @dev The loop of {_tallyLevel} over the record bytes at calldata `recordOffset`.
    function _scanLevel(
        uint256 recordOffset,
        uint256[] memory perm,
        LevelRule memory rule
    ) private pure returns (uint256 failedNode, uint256 failedMember, uint256 members) {
        // why: gas. One pass: per node one calldata byte, at most c permutation words and (when
        // crediting) one amount word, without bounds checks: record.length == 2L - 1 >= width + j
        // for every node, permutation indices are reduced modulo m, a member is credited only if
        // it equals a permutation entry (so it is below m = amounts.length), and `out` is zero
        // when not crediting.
        assembly ("memory-safe") {
            let width := mload(rule)
            let out := mload(add(rule, 0x80))
            let data := add(perm, 0x20)
            for {
                let j := 0
            } lt(j, width) {
                j := add(j, 1)
            } {
                let member := shr(248, calldataload(add(recordOffset, sub(add(width, j), 1))))
                let m := mload(perm)
                let valid := 0
                // Candidates perm[(j + t * stride) % m] for t in [first, last).
                let position := add(mod(j, m), mload(add(rule, 0x40)))
                for {
                    let left := mload(add(rule, 0x60))
                } left {
                    left := sub(left, 1)
                    position := add(position, mload(add(rule, 0x20)))
                } {
                    if eq(mload(add(data, shl(5, mod(position, m)))), member) {
                        valid := 1
                        break
                    }
                }
                if iszero(valid) {
                    // NONE (0xff below a committee of 256, where no permutation entry is 0xff)
                    // credits nobody: its share is unpaid. why: gas. Tested only here, where an
                    // honest record never goes, so the common record pays nothing for it (an
                    // up-front test cost about 3.7k per block at n = 32, c = 3, L = 16).
                    if and(eq(member, 0xff), lt(m, 256)) {
                        if out {
                            let unpaidSlot := add(rule, 0xc0)
                            mstore(unpaidSlot, add(mload(unpaidSlot), mload(add(rule, 0xa0))))
                        }
                        continue
                    }
                    failedNode := add(width, j)
                    failedMember := member
                    break
                }
                if out {
                    let slot := add(out, shl(5, member))
                    mstore(slot, add(mload(slot), mload(add(rule, 0xa0))))
                }
                members := or(members, shl(member, 1))
            }
        }
    }

    /// @dev Takes `share` back from `amounts[x]` for the members of the record bytes
    /// `from .. to - 1`, which an earlier pass credited.
    function _uncredit(
        bytes calldata record,
        uint256 from,
        uint256 to,
        uint256[] memory amounts,
        uint256 share
    ) private pure {
        uint256 m = amounts.length;
        for (uint256 k = from; k < to; ++k) {
            uint256 member = uint8(record[k]);
            if (!isNone(member, m)) amounts[member] -= share;
        }
    }
}
