// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {G1Point, G2Point} from "../crypto/BLS.sol";
import {StakeTable} from "../staking/StakeTable.sol";
import {BulkOperator} from "./BulkOperator.sol";

/// @title BulkOperators
/// @notice Test only: registers many operators in one transaction through the real
/// {StakeTable.register}, each with its own key and proof of possession. For every registration
/// it transfers the stake from its own balance to the address of the next contract it creates,
/// then creates a {BulkOperator} there (CREATE), which registers itself. The caller predicts the
/// addresses (`getCreateAddress(this, nonce)`, nonces from 1) to sign the proofs of possession,
/// and passes them in; each is checked against the created address.
contract BulkOperators {
    using SafeERC20 for IERC20;

    /// @notice One operator to create and register.
    struct Registration {
        /// The address the operator contract will be created at.
        address operator;
        /// Its stake, transferred from this contract's balance.
        uint256 amount;
        /// Its BLS public key.
        G1Point publicKey;
        /// Its proof of possession, bound to `operator`.
        G2Point proofOfPossession;
    }

    /// @notice The caller is not the deployer.
    error NotOwner(address caller);
    /// @notice The operator contract was created at another address than predicted.
    error UnexpectedOperatorAddress(uint256 index, address expected, address created);

    /// @notice The stake table operators register in.
    StakeTable public immutable TABLE;
    /// @notice The table's stake token; this contract must hold the stakes.
    IERC20 public immutable TOKEN;
    /// @notice The only account allowed to spend this contract's tokens.
    address public immutable OWNER;

    /// @param table The stake table.
    constructor(StakeTable table) {
        TABLE = table;
        TOKEN = table.STAKE_TOKEN();
        OWNER = msg.sender;
    }

    /// @notice Creates and registers one operator per entry, in order.
    /// @param withdrawer The withdrawer of every operator.
    /// @param registrations The operators, with their predicted addresses.
    function registerMany(address withdrawer, Registration[] calldata registrations) external {
        if (msg.sender != OWNER) revert NotOwner(msg.sender);
        for (uint256 i = 0; i < registrations.length; ++i) {
            Registration calldata r = registrations[i];
            TOKEN.safeTransfer(r.operator, r.amount);
            address created = address(
                new BulkOperator(TABLE, withdrawer, r.amount, r.publicKey, r.proofOfPossession)
            );
            if (created != r.operator) revert UnexpectedOperatorAddress(i, r.operator, created);
        }
    }
}
