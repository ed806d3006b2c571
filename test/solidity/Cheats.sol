// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The few Foundry cheatcodes these Solidity tests use (Hardhat 3's Solidity test runner
/// serves them at the standard address), declared here instead of depending on forge-std.
interface Vm {
    function assume(bool condition) external pure;
    function roll(uint256 blockNumber) external;
    function prank(address sender) external;
    function expectRevert(bytes4 selector) external;
    function expectRevert(bytes calldata revertData) external;
}

/// @notice Base of the Solidity tests: the cheatcodes, bounded fuzz inputs and assertions that
/// say what differed.
abstract contract CheatsTest {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    error AssertionFailed(string what, uint256 left, uint256 right);

    /// @dev `x` mapped into `[lo, hi]` (uniform enough for fuzzing; keeps every run valid).
    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        require(lo <= hi, "bound: lo > hi");
        return lo + (x % (hi - lo + 1));
    }

    function assertEq(uint256 left, uint256 right, string memory what) internal pure {
        if (left != right) revert AssertionFailed(what, left, right);
    }

    function assertLe(uint256 left, uint256 right, string memory what) internal pure {
        if (left > right) revert AssertionFailed(what, left, right);
    }

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailed(what, 0, 1);
    }
}
