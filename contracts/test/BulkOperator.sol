// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {G1Point, G2Point} from "../crypto/BLS.sol";
import {StakeTable} from "../staking/StakeTable.sol";

/// @title BulkOperator
/// @notice Test only: an operator that registers itself in its constructor, so that
/// {BulkOperators} can create and register many operators in one transaction. The stake table
/// requires `msg.sender == operator`; here the operator is this contract, which calls
/// {StakeTable.register} for `address(this)` with tokens it received before it was created. Its
/// proof of possession binds the address it is created at, which the factory predicts.
contract BulkOperator {
    using SafeERC20 for IERC20;

    /// @notice Approves `amount` of the table's stake token and registers this contract.
    /// @param table The stake table.
    /// @param withdrawer The operator's withdrawer.
    /// @param amount The stake; this address must already hold it.
    /// @param publicKey The operator's BLS public key.
    /// @param proofOfPossession The proof of possession of `publicKey`, bound to this address.
    constructor(
        StakeTable table,
        address withdrawer,
        uint256 amount,
        G1Point memory publicKey,
        G2Point memory proofOfPossession
    ) {
        table.STAKE_TOKEN().forceApprove(address(table), amount);
        table.register(address(this), withdrawer, amount, publicKey, proofOfPossession);
    }
}
