// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title TreeAssignment
/// @notice The striped proof-tree assignment: which committee member proves which node of which of
/// the `c` redundant proof trees of an L2 block.
/// @dev Rule. Members are indexed `0..m-1` in the committee's order. Trees are heap-indexed: node 1
/// is the root, node `k` has children `2k` and `2k+1`, the leaves are nodes `L..2L-1`. A node's
/// level is `d = floor(log2(node))` and its index within the level is `j = node - 2^d`. For each
/// level `d` a permutation `perm_d` of `[0, m)` is drawn by Fisher–Yates from the identity: for
/// `i = m-1` down to 1, `k = uint256(keccak256(abi.encode(blockSeed, d, i))) % (i + 1)`, swap
/// `perm[i]` and `perm[k]`. With the stride `s = m / c`, the prover of node `(d, j)` of tree `t`
/// is `perm_d[(j + t * s) % m]`. Because the offsets `t * s` are distinct modulo `m` for `t < c`,
/// the `c` trees have `c` distinct provers at every node position; consecutive positions spread a
/// level (and the leaves) over the committee as evenly as it allows.
/// The TypeScript mirror is `src/protocol/assignment.ts`; `test/assignment.test.ts` checks both
/// agree bit for bit (shared vectors in `test/vectors/assignment.json` and a differential test).
library TreeAssignment {
    /// @notice Largest committee the assignment accepts.
    uint256 internal constant MAX_COMMITTEE_SIZE = 256;
    /// @notice Largest number of redundant trees per block.
    uint256 internal constant MAX_TREE_COUNT = 16;
    /// @notice Largest number of leaves (chunks) per tree.
    uint256 internal constant MAX_LEAF_COUNT = 65536;
    /// @notice Domain separator of {blockSeed}.
    bytes32 internal constant BLOCK_SEED_DOMAIN = keccak256("PROVERNET_V1_BLOCK_SEED");

    /// @dev 1.0 in 18-decimal fixed point.
    uint256 private constant WAD = 1e18;

    /// @notice The committee (or network) size is zero.
    error EmptyCommittee();
    /// @notice The committee (or network) size `m` is above `max`.
    error CommitteeTooLarge(uint256 m, uint256 max);
    /// @notice The tree count `c` is zero, above `MAX_TREE_COUNT`, or above the committee size `m`.
    error InvalidTreeCount(uint256 c, uint256 m);
    /// @notice The leaf count is not a power of two in `[1, MAX_LEAF_COUNT]`.
    error InvalidLeafCount(uint256 leafCount);
    /// @notice The tree index `tree` is not below the tree count `c`.
    error InvalidTree(uint256 tree, uint256 c);
    /// @notice The node index is not in `[1, 2 * leafCount - 1]`.
    error InvalidNode(uint256 node, uint256 leafCount);
    /// @notice The faulty count `f` is not below the network size `n`.
    error TooManyFaulty(uint256 f, uint256 n);
    /// @notice The tolerance is zero or above 1e18 (1.0).
    error InvalidTolerance(uint256 toleranceWad);
    /// @notice No tree count up to `min(n, MAX_TREE_COUNT)` brings `(f/n)^c` below the tolerance.
    error ToleranceUnreachable(uint256 f, uint256 n, uint256 toleranceWad);

    /// @notice The seed of L2 block `blockNumber` in an epoch whose seed is `epochSeed`.
    /// @param epochSeed The epoch's seed (from the RANDAO beacon).
    /// @param blockNumber The L2 block number.
    /// @return seed `keccak256(abi.encode(BLOCK_SEED_DOMAIN, epochSeed, blockNumber))`.
    function blockSeed(
        bytes32 epochSeed,
        uint256 blockNumber
    ) internal pure returns (bytes32 seed) {
        return keccak256(abi.encode(BLOCK_SEED_DOMAIN, epochSeed, blockNumber));
    }

    /// @notice The smallest tree count `c >= 1` whose blocks fail with probability below
    /// `toleranceWad / 1e18` when `f` of `n` committee members are faulty (they withhold).
    /// A block fails if any of its `2L - 1` node positions has only faulty provers: nothing above
    /// it can be proven, in any tree. A position's `c` provers are `c` distinct members, so it
    /// has only faulty ones with probability `q = C(f,c) / C(n,c)` (0 when `f < c`), and the
    /// union bound `(2L - 1) q` bounds the block's failure rate from above. (Seed 000's
    /// `(f/n)^c` counts the root alone and draws with replacement; it understates the rate
    /// 12 to 19 times at n = 32, L = 16: docs/simulation-sweep.md.)
    /// @dev Exact integer comparison `(2L - 1) * C(f,c) * 1e18 < toleranceWad * C(n,c)`; with
    /// `n <= 256`, `c <= 16` (C(256,16) < 2^84), `L <= 65536` and `toleranceWad <= 1e18` no term
    /// exceeds 2^161. The TypeScript mirror is `treeCountFor` in src/protocol/assignment.ts.
    /// @param f Number of faulty provers, below `n`.
    /// @param n Network (committee) size, in `[1, MAX_COMMITTEE_SIZE]`.
    /// @param leafCount Leaves L per tree, a power of two in `[1, MAX_LEAF_COUNT]`.
    /// @param toleranceWad Tolerated probability in 18-decimal fixed point, in `(0, 1e18]`.
    /// @return c The tree count, at most `min(n, MAX_TREE_COUNT)`.
    function treeCountFor(
        uint256 f,
        uint256 n,
        uint256 leafCount,
        uint256 toleranceWad
    ) internal pure returns (uint256 c) {
        if (n == 0) revert EmptyCommittee();
        if (n > MAX_COMMITTEE_SIZE) revert CommitteeTooLarge(n, MAX_COMMITTEE_SIZE);
        if (f >= n) revert TooManyFaulty(f, n);
        if (!isLeafCount(leafCount)) revert InvalidLeafCount(leafCount);
        if (toleranceWad == 0 || toleranceWad > WAD) revert InvalidTolerance(toleranceWad);
        uint256 maxC = n < MAX_TREE_COUNT ? n : MAX_TREE_COUNT;
        uint256 positions = 2 * leafCount - 1;
        // C(f, c) and C(n, c), built up one c at a time: C(x, c) = C(x, c - 1) (x - c + 1) / c,
        // exact at every step.
        uint256 fChoose = 1;
        uint256 nChoose = 1;
        for (c = 1; c <= maxC; ++c) {
            fChoose = f < c ? 0 : (fChoose * (f - c + 1)) / c;
            nChoose = (nChoose * (n - c + 1)) / c;
            if (positions * fChoose * WAD < toleranceWad * nChoose) return c;
        }
        revert ToleranceUnreachable(f, n, toleranceWad);
    }

    /// @notice The committee member that proves `node` of tree `tree` in a block.
    /// @dev O(m): draws the permutation of the node's level only.
    /// @param m Committee size.
    /// @param seed The block seed (see {blockSeed}).
    /// @param c Tree count.
    /// @param leafCount Leaves per tree, a power of two.
    /// @param tree Tree index, below `c`.
    /// @param node Heap index of the node, in `[1, 2 * leafCount - 1]`.
    /// @return memberIndex Index of the prover in the committee, below `m`.
    function proverOf(
        uint256 m,
        bytes32 seed,
        uint256 c,
        uint256 leafCount,
        uint256 tree,
        uint256 node
    ) internal pure returns (uint256 memberIndex) {
        checkShape(m, c, leafCount);
        if (tree >= c) revert InvalidTree(tree, c);
        if (node == 0 || node >= 2 * leafCount) revert InvalidNode(node, leafCount);
        uint256 level = _log2(node);
        uint256[] memory perm = _identity(m);
        _shuffle(perm, seed, level);
        // tree < c <= m so tree * (m / c) < m, and j < 2^16: no overflow.
        return perm[((node - (1 << level)) + tree * (m / c)) % m];
    }

    /// @notice The provers of every node of every tree of a block.
    /// @dev Each level's permutation is drawn once and reused across the trees.
    /// @param m Committee size.
    /// @param seed The block seed (see {blockSeed}).
    /// @param c Tree count.
    /// @param leafCount Leaves per tree, a power of two.
    /// @return memberIndex Length `c * (2 * leafCount - 1)`; entry `t * (2 * leafCount - 1) +
    /// (node - 1)` is the committee index of the prover of `node` in tree `t`.
    function assignment(
        uint256 m,
        bytes32 seed,
        uint256 c,
        uint256 leafCount
    ) internal pure returns (uint256[] memory memberIndex) {
        checkShape(m, c, leafCount);
        // All sizes are bounded by the checks above (m <= 256, c <= 16, leafCount <= 2^16), so no
        // arithmetic below can overflow, and every index stays inside its array.
        unchecked {
            uint256 nodesPerTree = 2 * leafCount - 1;
            memberIndex = new uint256[](c * nodesPerTree);
            uint256[] memory identity = _identity(m);
            uint256[] memory perm = new uint256[](m);
            uint256 stride = m / c;
            uint256 level = 0;
            for (uint256 width = 1; width <= leafCount; width <<= 1) {
                _copyWords(perm, 0, identity, 0, m);
                _shuffle(perm, seed, level);
                for (uint256 t = 0; t < c; ++t) {
                    // Node (level, j) of tree t is entry t * nodesPerTree + (width - 1) + j.
                    _copyLevel(memberIndex, t * nodesPerTree + width - 1, perm, t * stride, width);
                }
                ++level;
            }
        }
    }

    /// @notice Overwrites `perm` with the permutation `perm_level` of `[0, m)`, `m = perm.length`,
    /// that places the committee on tree level `level` of a block: the prover of node
    /// `(level, j)` of tree `t` is `perm[(j + t * (m / c)) % m]`. Reuses the caller's array so
    /// that checking every level of a block allocates once.
    /// @param perm The array to fill, of length `m` in `[1, MAX_COMMITTEE_SIZE]`.
    /// @param seed The block seed (see {blockSeed}).
    /// @param level The tree level `d` (0 is the root).
    function fillLevelPermutation(
        uint256[] memory perm,
        bytes32 seed,
        uint256 level
    ) internal pure {
        uint256 m = perm.length;
        if (m == 0) revert EmptyCommittee();
        if (m > MAX_COMMITTEE_SIZE) revert CommitteeTooLarge(m, MAX_COMMITTEE_SIZE);
        _fillIdentity(perm);
        _shuffle(perm, seed, level);
    }

    /// @notice {fillLevelPermutation} for callers that draw many levels: `identity` (the identity
    /// permutation of the same length, kept by the caller) is copied in with one MCOPY instead of
    /// being rewritten word by word.
    /// @param perm The array to fill, of length `m` in `[1, MAX_COMMITTEE_SIZE]`.
    /// @param identity `0, 1, ..., m - 1`.
    /// @param seed The block seed (see {blockSeed}).
    /// @param level The tree level `d` (0 is the root).
    function fillLevelPermutationFrom(
        uint256[] memory perm,
        uint256[] memory identity,
        bytes32 seed,
        uint256 level
    ) internal pure {
        uint256 m = perm.length;
        if (m == 0) revert EmptyCommittee();
        if (m > MAX_COMMITTEE_SIZE || identity.length != m) {
            revert CommitteeTooLarge(m, MAX_COMMITTEE_SIZE);
        }
        _copyWords(perm, 0, identity, 0, m);
        _shuffle(perm, seed, level);
    }

    /// @notice A new array holding the identity permutation `0, 1, ..., m - 1`.
    /// @param m The length.
    /// @return The identity.
    function identity(uint256 m) internal pure returns (uint256[] memory) {
        return _identity(m);
    }

    /// @notice Reverts unless `m`, `c` and `leafCount` describe a valid block.
    /// @param m Committee size.
    /// @param c Tree count.
    /// @param leafCount Leaves per tree.
    /// @notice Reverts unless `m` members can run `c` trees of `leafCount` leaves: 1 <= m <= 256,
    /// 1 <= c <= min(m, 16), and `leafCount` a power of two in [1, 65536].
    /// @param m Committee size.
    /// @param c Tree count.
    /// @param leafCount Leaves per tree.
    function checkShape(uint256 m, uint256 c, uint256 leafCount) internal pure {
        if (m == 0) revert EmptyCommittee();
        if (m > MAX_COMMITTEE_SIZE) revert CommitteeTooLarge(m, MAX_COMMITTEE_SIZE);
        if (c == 0 || c > MAX_TREE_COUNT || c > m) revert InvalidTreeCount(c, m);
        if (!isLeafCount(leafCount)) revert InvalidLeafCount(leafCount);
    }

    /// @notice Whether `leafCount` is a valid number of leaves: a power of two in [1, 65536].
    /// @param leafCount Leaves per tree.
    /// @return True iff valid.
    function isLeafCount(uint256 leafCount) internal pure returns (bool) {
        return leafCount != 0 && leafCount <= MAX_LEAF_COUNT && leafCount & (leafCount - 1) == 0;
    }

    /// @notice `floor(log2(x))` for `0 < x < 2^18`.
    /// @param x The value, nonzero.
    /// @return r The position of the highest set bit.
    function _log2(uint256 x) private pure returns (uint256 r) {
        unchecked {
            while (x > 1) {
                x >>= 1;
                ++r;
            }
        }
    }

    /// @notice A new array holding the identity permutation `0, 1, ..., m - 1`.
    /// @param m The length.
    /// @return perm The identity.
    function _identity(uint256 m) private pure returns (uint256[] memory perm) {
        perm = new uint256[](m);
        _fillIdentity(perm);
    }

    /// @notice Sets `perm[i] = i` for every index.
    /// @param perm The array to overwrite.
    function _fillIdentity(uint256[] memory perm) private pure {
        // why: gas. Writes every word without per-element bounds checks.
        assembly ("memory-safe") {
            let p := add(perm, 0x20)
            let m := mload(perm)
            for {
                let i := 0
            } lt(i, m) {
                i := add(i, 1)
            } {
                mstore(add(p, shl(5, i)), i)
            }
        }
    }

    /// @notice Applies the Fisher–Yates draws of level `level` to `perm` (the identity on entry, the
    /// level permutation `perm_level` on exit).
    /// @dev For `i = m-1` down to 1: `k = uint256(keccak256(abi.encode(seed, level, i))) % (i + 1)`,
    /// swap `perm[i]` and `perm[k]`.
    /// @param perm The array to shuffle in place, of length `m >= 1`.
    /// @param seed The block seed.
    /// @param level The tree level `d`.
    function _shuffle(uint256[] memory perm, bytes32 seed, uint256 level) private pure {
        // why: gas. The 96-byte preimage abi.encode(seed, level, i) is laid out once in the memory
        // past the free-memory pointer (temporary use, allowed in memory-safe assembly: nothing is
        // allocated while it is live) and only its last word changes per draw; the array is read
        // and written without bounds checks (k <= i < m).
        assembly ("memory-safe") {
            let data := add(perm, 0x20)
            let buf := mload(0x40)
            let last := add(buf, 0x40)
            mstore(buf, seed)
            mstore(add(buf, 0x20), level)
            let i := sub(mload(perm), 1)
            for {
                let pi := add(data, shl(5, i))
            } i {
                i := sub(i, 1)
                pi := sub(pi, 0x20)
            } {
                mstore(last, i)
                let pk := add(data, shl(5, mod(keccak256(buf, 0x60), add(i, 1))))
                let vi := mload(pi)
                mstore(pi, mload(pk))
                mstore(pk, vi)
            }
        }
    }

    /// @notice Writes `perm[(start + j) % m]` to `out[outStart + j]` for `j < width`, where
    /// `m = perm.length`: runs of consecutive positions of `perm`, wrapping around its end.
    /// @dev Callers guarantee `start < m` and `outStart + width <= out.length`.
    /// @param out The whole-block assignment being filled.
    /// @param outStart First index of `out` to write.
    /// @param perm The level's permutation.
    /// @param start First position of `perm` to read, below `perm.length`.
    /// @param width Number of entries (the level's node count).
    function _copyLevel(
        uint256[] memory out,
        uint256 outStart,
        uint256[] memory perm,
        uint256 start,
        uint256 width
    ) private pure {
        unchecked {
            uint256 m = perm.length;
            uint256 end = outStart + width;
            while (outStart < end) {
                uint256 run = m - start;
                if (run > end - outStart) run = end - outStart;
                _copyWords(out, outStart, perm, start, run);
                outStart += run;
                start = 0;
            }
        }
    }

    /// @notice Copies `count` words from `src[srcStart...]` to `dst[dstStart...]`.
    /// @dev Callers guarantee `srcStart + count <= src.length` and
    /// `dstStart + count <= dst.length`.
    /// @param dst The destination array.
    /// @param dstStart First index of `dst` to write.
    /// @param src The source array.
    /// @param srcStart First index of `src` to read.
    /// @param count Number of words.
    function _copyWords(
        uint256[] memory dst,
        uint256 dstStart,
        uint256[] memory src,
        uint256 srcStart,
        uint256 count
    ) private pure {
        // why: gas. One MCOPY instead of a per-element loop with bounds checks; the bounds are
        // guaranteed by the caller (see @dev).
        assembly ("memory-safe") {
            mcopy(
                add(add(dst, 0x20), shl(5, dstStart)),
                add(add(src, 0x20), shl(5, srcStart)),
                shl(5, count)
            )
        }
    }
}
