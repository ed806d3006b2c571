// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";

/// @title PolicyRecord
/// @notice What every assignment policy shares: policy ids, the two special record bytes, heap
/// node arithmetic and the record-length check. The TypeScript mirror is
/// `src/protocol/policies/types.ts`.
library PolicyRecord {
    /// @notice Seed 000's striped trees, built into the lifecycle (no policy contract).
    uint256 internal constant STRIPED = 0;
    /// @notice Seed 001, option 1: VRF path.
    uint256 internal constant VRF_PATH = 1;
    /// @notice Seed 001, option 2: sorted-VRF rounds.
    uint256 internal constant SORTED_ROUNDS = 2;
    /// @notice Seed 002: ranked proofs per node, competing roots.
    uint256 internal constant RANKED_PROOFS = 3;
    /// @notice Seeds 003/004: protocol-elected sibling cover with uncle rewards.
    uint256 internal constant SIBLING_COVER = 4;

    /// @notice Record byte crediting nobody.
    uint256 internal constant NONE = 0xff;
    /// @notice Record byte crediting the block's proposer.
    uint256 internal constant PROPOSER = 0xfe;
    /// @notice Largest committee a policy accepts (indices must stay below {PROPOSER}).
    uint256 internal constant MAX_POLICY_COMMITTEE = 254;

    /// @notice Reverts unless `m` is at most {MAX_POLICY_COMMITTEE}.
    /// @param m The committee size.
    function checkCommittee(uint256 m) internal pure {
        if (m > MAX_POLICY_COMMITTEE) {
            revert IAssignmentPolicy.PolicyCommitteeTooLarge(m, MAX_POLICY_COMMITTEE);
        }
    }

    /// @notice The bitmap of the first `count` committee indices (`count` at most 256).
    /// @param count How many indices.
    /// @return Bits `0 .. count - 1` set.
    function lowMembers(uint256 count) internal pure returns (uint256) {
        return count >= 256 ? type(uint256).max : (uint256(1) << count) - 1;
    }

    /// @notice Reverts with `IBlockLifecycle.InvalidRecordLength` unless `record` has `expected`
    /// bytes.
    /// @param record The record.
    /// @param expected The expected length.
    function checkLength(bytes calldata record, uint256 expected) internal pure {
        if (record.length != expected) {
            revert IBlockLifecycle.InvalidRecordLength(record.length, expected);
        }
    }

    /// @notice The depth `d = floor(log2(node))` of heap node `node >= 1` (root: 0).
    /// @param node The heap index.
    /// @return d The depth.
    function depthOf(uint256 node) internal pure returns (uint256 d) {
        while (node > 1) {
            node >>= 1;
            ++d;
        }
    }

    /// @notice `log2(leafCount)` of a power of two: the depth D of the leaves.
    /// @param leafCount A power of two.
    /// @return The depth of the leaves.
    function leafDepth(uint256 leafCount) internal pure returns (uint256) {
        return depthOf(leafCount);
    }
}
