// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "../interfaces/IAssignmentPolicy.sol";
import {IProverRewards} from "../interfaces/IProverRewards.sol";

/// @title MockAssignmentPolicy
/// @notice Test-only, configurable stand-in for an assignment policy: a settable POLICY_ID, tree
/// count and settlement credit, a log of every acceptRoot call, the final records' hashes, and
/// {payReward}, which asks a rewards contract to pay a policy reward as a policy's own reward
/// rule would, so the lifecycle's and the rewards contract's policy mechanics can be tested
/// without a real policy. Not for deployment.
contract MockAssignmentPolicy is IAssignmentPolicy {
    /// @notice One acceptRoot call, as received.
    struct AcceptCall {
        address caller;
        BlockContext block_;
        uint256 tree;
        bool first;
        bytes32 recordHash;
    }

    /// @notice The id the mock reports.
    uint256 public POLICY_ID;
    /// @notice The tree count returned by {treeCount}; 0 returns the elected count.
    uint256 public fixedTreeCount;
    /// @notice When nonzero, acceptRoot reverts for records of another length.
    uint256 public recordLength;

    AcceptCall[] private _calls;
    BlockCredit private _credit;
    bool private _creditSet;
    mapping(address lifecycle => mapping(uint256 slot => bytes32)) private _finalRecords;

    /// @notice acceptRoot was called.
    event RootAcceptedByPolicy(
        address indexed caller,
        uint256 indexed slot,
        uint256 tree,
        bool first,
        bytes32 recordHash
    );

    constructor(uint256 policyId_) {
        POLICY_ID = policyId_;
    }

    /// @notice Sets the reported id.
    function setPolicyId(uint256 id) external {
        POLICY_ID = id;
    }

    /// @notice Sets the tree count (0: the elected count).
    function setTreeCount(uint256 count) external {
        fixedTreeCount = count;
    }

    /// @notice Sets the record length acceptRoot requires (0: any).
    function setRecordLength(uint256 length) external {
        recordLength = length;
    }

    /// @notice Asks `rewards` to pay `account` `amount` for `slot`'s block (`payPolicyReward`).
    function payReward(
        IProverRewards rewards,
        uint256 slot,
        address account,
        uint256 memberIndex,
        uint256 amount
    ) external returns (uint256) {
        return rewards.payPolicyReward(slot, account, memberIndex, amount);
    }

    /// @notice Scripts the credit {settleBlock} returns (for every block).
    function setCredit(BlockCredit calldata credit) external {
        _credit = credit;
        _creditSet = true;
    }

    /// @notice The number of acceptRoot calls so far.
    function acceptCount() external view returns (uint256) {
        return _calls.length;
    }

    /// @notice acceptRoot call `i`.
    function acceptCall(uint256 i) external view returns (AcceptCall memory) {
        return _calls[i];
    }

    /// @inheritdoc IAssignmentPolicy
    function treeCount(uint256 electedTreeCount, uint256) external view returns (uint256) {
        return fixedTreeCount == 0 ? electedTreeCount : fixedTreeCount;
    }

    /// @inheritdoc IAssignmentPolicy
    function acceptRoot(
        BlockContext calldata block_,
        uint256 tree,
        bool first,
        bytes calldata record
    ) external {
        if (recordLength != 0 && record.length != recordLength) {
            revert InvalidRecordLengthMock(record.length, recordLength);
        }
        bytes32 recordHash = keccak256(record);
        _calls.push(AcceptCall(msg.sender, block_, tree, first, recordHash));
        if (first) _finalRecords[msg.sender][block_.slot] = recordHash;
        emit RootAcceptedByPolicy(msg.sender, block_.slot, tree, first, recordHash);
    }

    /// @notice The mock's record-length rejection.
    error InvalidRecordLengthMock(uint256 length, uint256 expected);

    /// @inheritdoc IAssignmentPolicy
    /// @dev Returns the scripted credit; unscripted, everything goes to the pool.
    function settleBlock(
        BlockContext calldata,
        address[] calldata committee,
        bytes[] calldata records,
        uint256 provers
    ) external view returns (BlockCredit memory credit) {
        if (_creditSet) return _credit;
        credit.amounts = new uint256[](committee.length);
        credit.toPool = provers;
        credit.rejectedNode = new uint256[](records.length);
        credit.rejectedMember = new uint256[](records.length);
    }

    /// @notice keccak256 of the first record accepted for `slot` by `lifecycle`.
    function finalRecordHash(address lifecycle, uint256 slot) external view returns (bytes32) {
        return _finalRecords[lifecycle][slot];
    }
}
