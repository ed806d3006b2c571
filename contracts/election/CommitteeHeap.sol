// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title CommitteeHeap
/// @notice The committee of an epoch while its reveal window is open: a bounded max-heap in
/// storage, ordered by rank (score, then operator address), so that its root is the worst member
/// and a better reveal replaces it in O(log n). The size lives with the caller.
///
/// Entries. An entry is `score << 32 | id`: the member's 96-bit score and the 32-bit id its key
/// got on its first reveal (`operatorOf[id]` is the operator). Two entries share a storage slot.
/// @dev Why the packing: a reveal writes its entry into a slot that an earlier epoch already used
/// (the election reuses two heaps in turn), 5k gas cold; with two entries per slot, the second
/// write to a slot costs 0.2k, which halves the committee's storage cost per reveal. Ties in
/// the score, which need the operators' addresses, are resolved with `operatorOf` and cost two
/// storage reads only when they happen (probability about 2^-96 per pair of members).
library CommitteeHeap {
    /// @notice Largest committee the heap can hold.
    uint256 internal constant CAPACITY = 256;
    /// @notice Bits of an entry's id.
    uint256 internal constant ID_BITS = 32;

    uint256 private constant ENTRY_MASK = (1 << 128) - 1;
    uint256 private constant ID_MASK = (1 << ID_BITS) - 1;

    /// @notice The heap's entries, two per word; only the first `size` (kept by the caller) are
    /// meaningful.
    struct Heap {
        uint256[CAPACITY / 2] words;
    }

    /// @notice The entry of a member: `score << 32 | id`.
    /// @param score A score below 2^96.
    /// @param id The member's id, below 2^32.
    /// @return The entry.
    function entry(uint256 score, uint256 id) internal pure returns (uint256) {
        return (score << ID_BITS) | id;
    }

    /// @notice The id in an entry.
    /// @param e The entry.
    /// @return The id.
    function idOf(uint256 e) internal pure returns (uint256) {
        return e & ID_MASK;
    }

    /// @notice The score in an entry.
    /// @param e The entry.
    /// @return The score.
    function scoreOf(uint256 e) internal pure returns (uint256) {
        return e >> ID_BITS;
    }

    /// @notice Whether a candidate (score, operator) ranks below (better than) entry `e`.
    /// @param score The candidate's score.
    /// @param operator The candidate's operator.
    /// @param e A heap entry.
    /// @param operatorOf The id-to-operator map.
    /// @return True iff the candidate ranks strictly better.
    function ranksBelow(
        uint256 score,
        address operator,
        uint256 e,
        mapping(uint256 => address) storage operatorOf
    ) internal view returns (bool) {
        uint256 other = e >> ID_BITS;
        if (score != other) return score < other;
        return operator < operatorOf[e & ID_MASK];
    }

    /// @notice Adds `e` to a heap of `size < CAPACITY` entries (the caller increments size).
    /// @param heap The heap.
    /// @param size The number of entries before the push.
    /// @param e The entry to add.
    /// @param operatorOf The id-to-operator map (read only on score ties).
    function push(
        Heap storage heap,
        uint256 size,
        uint256 e,
        mapping(uint256 => address) storage operatorOf
    ) internal {
        uint256 i = size;
        // Sift up: move parents that rank below `e` down one level, then write `e` once.
        while (i > 0) {
            uint256 parent = (i - 1) >> 1;
            uint256 parentEntry = _get(heap, parent);
            if (!_above(e, parentEntry, operatorOf)) break;
            _set(heap, i, parentEntry);
            i = parent;
        }
        _set(heap, i, e);
    }

    /// @notice Replaces the root (the worst entry) of a non-empty heap with the better `e`.
    /// @param heap The heap.
    /// @param size The number of entries (unchanged).
    /// @param e The new entry; the caller checked that it ranks below the root.
    /// @param operatorOf The id-to-operator map (read only on score ties).
    /// @return evicted The entry that left the heap.
    function replaceMax(
        Heap storage heap,
        uint256 size,
        uint256 e,
        mapping(uint256 => address) storage operatorOf
    ) internal returns (uint256 evicted) {
        evicted = _get(heap, 0);
        uint256 i = 0;
        // Sift down: move the worse child up while it ranks above `e`, then write once.
        while (true) {
            uint256 child = 2 * i + 1;
            if (child >= size) break;
            uint256 childEntry = _get(heap, child);
            if (child + 1 < size) {
                uint256 right = _get(heap, child + 1);
                if (_above(right, childEntry, operatorOf)) {
                    child += 1;
                    childEntry = right;
                }
            }
            if (!_above(childEntry, e, operatorOf)) break;
            _set(heap, i, childEntry);
            i = child;
        }
        _set(heap, i, e);
    }

    /// @notice The worst entry of a non-empty heap.
    /// @param heap The heap.
    /// @return The root entry.
    function max(Heap storage heap) internal view returns (uint256) {
        return _get(heap, 0);
    }

    /// @notice The first `size` entries, sorted from best to worst (the committee in rank order).
    /// @param heap The heap.
    /// @param size The number of entries.
    /// @param operatorOf The id-to-operator map (read only on score ties).
    /// @return entries The sorted entries.
    function sorted(
        Heap storage heap,
        uint256 size,
        mapping(uint256 => address) storage operatorOf
    ) internal view returns (uint256[] memory entries) {
        entries = new uint256[](size);
        for (uint256 i = 0; i < size; ++i) {
            entries[i] = _get(heap, i);
        }
        // The copy is already a max-heap, so heapsort needs only its second phase: move the root
        // behind the shrinking heap and restore the heap, O(n log n) in memory.
        for (uint256 end = size; end > 1; ) {
            --end;
            uint256 value = entries[end];
            entries[end] = entries[0];
            uint256 i = 0;
            while (true) {
                uint256 child = 2 * i + 1;
                if (child >= end) break;
                if (child + 1 < end && _above(entries[child + 1], entries[child], operatorOf)) {
                    ++child;
                }
                if (!_above(entries[child], value, operatorOf)) break;
                entries[i] = entries[child];
                i = child;
            }
            entries[i] = value;
        }
    }

    /// @dev Whether entry `a` ranks strictly above (worse than) entry `b`.
    function _above(
        uint256 a,
        uint256 b,
        mapping(uint256 => address) storage operatorOf
    ) private view returns (bool) {
        uint256 scoreA = a >> ID_BITS;
        uint256 scoreB = b >> ID_BITS;
        if (scoreA != scoreB) return scoreA > scoreB;
        return operatorOf[a & ID_MASK] > operatorOf[b & ID_MASK];
    }

    function _get(Heap storage heap, uint256 i) private view returns (uint256) {
        return (heap.words[i >> 1] >> ((i & 1) << 7)) & ENTRY_MASK;
    }

    function _set(Heap storage heap, uint256 i, uint256 e) private {
        uint256 shift = (i & 1) << 7;
        uint256 word = heap.words[i >> 1];
        heap.words[i >> 1] = (word & ~(ENTRY_MASK << shift)) | (e << shift);
    }
}
