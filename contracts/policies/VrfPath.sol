// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {PolicyRecord} from "./PolicyRecord.sol";

/// @title VrfPath
/// @notice The rules of the `vrfPath` policy (seed 001, option 1; `docs/policies.md` section 1).
/// @dev Member `x` of a block has the path word
/// `w_x = keccak256(abi.encode(PATH_DOMAIN, blockSeed, address_x))`; its leading `D = log2 L`
/// bits, read from the most significant bit (1 = right, 0 = left), are its path from the root,
/// ending at leaf `leaf_x = w_x >> (256 - D)`. Member `x` may be credited for node `(d, j)` (heap
/// index `2^d + j`) iff `leaf_x >> (D - d) == j`. A record byte is NONE (anywhere but the root)
/// or a member whose path passes through the node. The TypeScript mirror is
/// `src/protocol/policies/vrfPath.ts`; `test/policyVrfPath.test.ts` proves both equal.
library VrfPath {
    /// @notice Domain separator of the path word.
    bytes32 internal constant PATH_DOMAIN = keccak256("PROVERNET_V1_VRF_PATH");
    /// @notice Largest leaf count (as `TreeAssignment.MAX_LEAF_COUNT`).
    uint256 internal constant MAX_LEAF_COUNT = 65536;

    /// @notice `D = log2(leafCount)`; reverts with `InvalidPolicyParameter("leafCount", L)` unless
    /// `leafCount` is a power of two in `[1, MAX_LEAF_COUNT]`.
    /// @param leafCount The leaf count L.
    /// @return The depth D of the leaves.
    function checkedLeafDepth(uint256 leafCount) internal pure returns (uint256) {
        if (leafCount == 0 || leafCount > MAX_LEAF_COUNT || leafCount & (leafCount - 1) != 0) {
            revert IAssignmentPolicy.InvalidPolicyParameter("leafCount", leafCount);
        }
        return PolicyRecord.leafDepth(leafCount);
    }

    /// @notice Member `member`'s path word in the block with seed `seed`.
    /// @param seed The block seed.
    /// @param member The member's address.
    /// @return word `keccak256(abi.encode(PATH_DOMAIN, seed, member))`.
    function pathWord(bytes32 seed, address member) internal pure returns (uint256 word) {
        bytes32 domain = PATH_DOMAIN;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, domain)
            mstore(add(ptr, 0x20), seed)
            mstore(add(ptr, 0x40), and(member, 0xffffffffffffffffffffffffffffffffffffffff))
            word := keccak256(ptr, 0x60)
        }
    }

    /// @notice The leaf reached by the leading `depth` bits of `word`: `word >> (256 - depth)`.
    /// @param word A path word.
    /// @param depth The leaves' depth D (at most 16).
    /// @return The leaf index in `[0, 2^depth)`.
    function leafFromBits(uint256 word, uint256 depth) internal pure returns (uint256) {
        return depth == 0 ? 0 : word >> (256 - depth);
    }

    /// @notice Whether the path ending at leaf `leaf` passes through node `(d, j)` of a tree whose
    /// leaves are at depth `depth`.
    /// @param leaf The leaf index.
    /// @param depth The leaves' depth D.
    /// @param d The node's depth (at most D).
    /// @param j The node's index within its level.
    /// @return `leaf >> (depth - d) == j`.
    function passes(
        uint256 leaf,
        uint256 depth,
        uint256 d,
        uint256 j
    ) internal pure returns (bool) {
        return leaf >> (depth - d) == j;
    }

    /// @notice Whether record byte `b` may stand at node `(d, j)`: NONE below the root, or a
    /// committee index (below `leaves.length`) whose path passes through the node.
    /// @param leaves Each member's leaf, by committee index.
    /// @param depth The leaves' depth D.
    /// @param d The node's depth.
    /// @param j The node's index within its level.
    /// @param b The record byte.
    /// @return Whether the byte is allowed.
    function allowed(
        uint256[] memory leaves,
        uint256 depth,
        uint256 d,
        uint256 j,
        uint256 b
    ) internal pure returns (bool) {
        if (b == PolicyRecord.NONE) return d != 0;
        return b < leaves.length && leaves[b] >> (depth - d) == j;
    }
}
