// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

import {IProverRewards} from "../interfaces/IProverRewards.sol";
import {ProverRewards} from "../rewards/ProverRewards.sol";

/// @title ReentrantRewardToken
/// @notice Test only: a mintable ERC20 that, once armed, re-enters {ProverRewards.claim} from
/// inside {transfer} (the token call a claim makes last). It first stores what the account could
/// still claim at that moment, then tries the nested claim and either records its revert data or
/// bubbles it up.
contract ReentrantRewardToken is ERC20 {
    /// @notice The rewards contract to re-enter.
    ProverRewards public rewards;
    /// @notice The account whose claim is re-entered.
    address public account;
    /// @notice Whether the next transfer re-enters (cleared when it does).
    bool public armed;
    /// @notice Whether a failed nested claim makes the transfer revert with the same data.
    bool public bubble;
    /// @notice Whether the nested claim succeeded.
    bool public reentered;
    /// @notice `account`'s claimable total as the nested call saw it (max until then).
    uint256 public claimableDuring;
    /// @notice The nested claim's revert data.
    bytes public reentryError;

    constructor() ERC20("Reentrant Reward", "RRW") {}

    /// @notice Mints `amount` to `to`; anyone (test token).
    /// @param to The recipient.
    /// @param amount The amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Makes the next transfer re-enter `rewards_.claim(account_)`.
    /// @param rewards_ The rewards contract.
    /// @param account_ The account to claim for.
    /// @param bubble_ Whether to bubble the nested claim's revert instead of recording it.
    function arm(ProverRewards rewards_, address account_, bool bubble_) external {
        rewards = rewards_;
        account = account_;
        bubble = bubble_;
        armed = true;
        reentered = false;
        claimableDuring = type(uint256).max;
        delete reentryError;
    }

    /// @notice An ERC20 transfer that first re-enters the rewards contract when armed.
    /// @param to The recipient.
    /// @param value The amount.
    /// @return Always true (reverts on failure).
    function transfer(address to, uint256 value) public override returns (bool) {
        if (armed) {
            armed = false;
            IProverRewards.Claimable memory left = rewards.claimable(account);
            claimableDuring = left.proving + left.sequencing + left.submitting;
            try rewards.claim(account) {
                reentered = true;
            } catch (bytes memory reason) {
                if (bubble) {
                    assembly ("memory-safe") {
                        revert(add(reason, 0x20), mload(reason))
                    }
                }
                reentryError = reason;
            }
        }
        return super.transfer(to, value);
    }
}
