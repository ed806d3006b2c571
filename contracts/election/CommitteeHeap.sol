// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title CommitteeHeap
/// @notice The committee of an epoch while its reveal window is open: a bounded max-heap of
/// committee ranks in storage. The root is the worst (highest) rank, so a better reveal replaces
/// it in O(log n) when the committee is full. The size lives with the caller, which keeps it in
/// the same slot as the epoch the heap belongs to.
/// @dev A fixed-size array: entry `i` lives at slot `base + i`, with no hashing. The election
/// reuses two heaps in turn (one per epoch parity), so after the first epochs every write
/// overwrites a nonzero slot (5k gas) instead of creating one (22.1k): why the heap is not a
/// per-epoch mapping.
library CommitteeHeap {
    /// @notice Largest committee the heap can hold.
    uint256 internal constant CAPACITY = 256;

    /// @notice The heap's entries; only the first `size` (kept by the caller) are meaningful.
    struct Heap {
        uint256[CAPACITY] ranks;
    }

    /// @notice Adds `rank` to a heap of `size < CAPACITY` entries (the caller increments size).
    /// @param heap The heap.
    /// @param size The number of entries before the push.
    /// @param rank The rank to add.
    function push(Heap storage heap, uint256 size, uint256 rank) internal {
        uint256 i = size;
        // Sift up: move parents that rank below `rank` down one level, then write `rank` once.
        while (i > 0) {
            uint256 parent = (i - 1) >> 1;
            uint256 parentRank = heap.ranks[parent];
            if (parentRank >= rank) break;
            heap.ranks[i] = parentRank;
            i = parent;
        }
        heap.ranks[i] = rank;
    }

    /// @notice Replaces the root (the highest rank) of a non-empty heap with the lower `rank`.
    /// @param heap The heap.
    /// @param size The number of entries (unchanged).
    /// @param rank The new rank; the caller checked that it is below the root.
    /// @return evicted The rank that left the heap.
    function replaceMax(
        Heap storage heap,
        uint256 size,
        uint256 rank
    ) internal returns (uint256 evicted) {
        evicted = heap.ranks[0];
        uint256 i = 0;
        // Sift down: move the larger child up while it ranks above `rank`, then write once.
        while (true) {
            uint256 child = 2 * i + 1;
            if (child >= size) break;
            uint256 childRank = heap.ranks[child];
            if (child + 1 < size) {
                uint256 right = heap.ranks[child + 1];
                if (right > childRank) {
                    child += 1;
                    childRank = right;
                }
            }
            if (childRank <= rank) break;
            heap.ranks[i] = childRank;
            i = child;
        }
        heap.ranks[i] = rank;
    }

    /// @notice The highest rank of a non-empty heap.
    /// @param heap The heap.
    /// @return The root entry.
    function max(Heap storage heap) internal view returns (uint256) {
        return heap.ranks[0];
    }

    /// @notice The first `size` entries, sorted ascending (the committee in rank order).
    /// @param heap The heap.
    /// @param size The number of entries.
    /// @return ranks The sorted ranks.
    function sorted(
        Heap storage heap,
        uint256 size
    ) internal view returns (uint256[] memory ranks) {
        ranks = new uint256[](size);
        for (uint256 i = 0; i < size; ++i) {
            ranks[i] = heap.ranks[i];
        }
        // The copy is already a max-heap, so heapsort needs only its second phase: move the root
        // behind the shrinking heap and restore the heap, O(n log n) in memory.
        for (uint256 end = size; end > 1; ) {
            --end;
            uint256 top = ranks[0];
            uint256 value = ranks[end];
            ranks[end] = top;
            uint256 i = 0;
            while (true) {
                uint256 child = 2 * i + 1;
                if (child >= end) break;
                if (child + 1 < end && ranks[child + 1] > ranks[child]) ++child;
                if (ranks[child] <= value) break;
                ranks[i] = ranks[child];
                i = child;
            }
            ranks[i] = value;
        }
    }
}
