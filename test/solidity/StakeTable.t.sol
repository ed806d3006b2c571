// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {G1Point, G2Point} from "../../contracts/crypto/BLS.sol";
import {IStakeTable} from "../../contracts/interfaces/IStakeTable.sol";
import {StakeTable} from "../../contracts/staking/StakeTable.sol";
import {TestStakeToken} from "../../contracts/test/TestStakeToken.sol";
import {CheatsTest, Vm} from "./Cheats.sol";
import {StakeTableKeys} from "./StakeTableKeys.sol";

/// @notice An operator: a contract account, so that the handler can act as it without pranks.
contract OperatorAccount {
    StakeTable private immutable TABLE;
    TestStakeToken private immutable TOKEN;

    constructor(StakeTable table, TestStakeToken token) {
        TABLE = table;
        TOKEN = token;
        token.approve(address(table), type(uint256).max);
    }

    function register(uint256 amount, G1Point calldata pk, G2Point calldata pop) external {
        TABLE.register(address(this), address(this), amount, pk, pop);
    }

    function topUp(uint256 amount) external {
        TABLE.topUp(address(this), amount);
    }

    function initiateExit() external {
        TABLE.initiateExit(address(this));
    }

    function finalizeExit() external {
        TABLE.finalizeExit(address(this), address(this));
    }

    function tokenBalance() external view returns (uint256) {
        return TOKEN.balanceOf(address(this));
    }
}

/// @notice What the invariant fuzzer calls: random sequences of registrations, top-ups, exits,
/// finalized exits, slashes (with and without a reporter's reward) and L1 blocks, with ghost
/// totals of what went in and out. Actions the table refuses revert and change nothing.
contract StakeTableHandler {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    address public constant SINK = address(0xdEaD);
    address public constant REPORTER = address(0xBEEF);
    uint256 public constant UNIT = 1e18;
    uint256 public constant MINIMUM = 100 * UNIT;

    TestStakeToken public immutable token;
    StakeTable public immutable table;
    OperatorAccount[] public operators;

    uint256 public minted;
    uint256 public deposited;
    uint256 public withdrawn;
    uint256 public slashed;
    uint256 public rewarded;
    uint256 public calls;

    constructor() {
        token = new TestStakeToken("Prover Stake", "PST", address(this)); // nonce 1
        table = new StakeTable(
            StakeTable.Config({
                stakeToken: token,
                minimumStake: MINIMUM,
                epochLength: 10,
                activationLag: 3,
                lookahead: 2,
                seedLookback: 4,
                exitDelay: 30,
                proofWindow: 20,
                slashingWindow: 10,
                slashSink: SINK,
                admin: address(this),
                slasher: address(this)
            })
        ); // nonce 2
        require(address(table) == StakeTableKeys.TABLE, "rerun scripts/stakeTableTestKeys.ts");
        for (uint256 i = 0; i < StakeTableKeys.OPERATORS; ++i) {
            operators.push(new OperatorAccount(table, token)); // nonces 3..
        }
    }

    function operatorCount() external view returns (uint256) {
        return operators.length;
    }

    function _operator(uint256 seed) private view returns (uint256, OperatorAccount) {
        uint256 i = seed % operators.length;
        return (i, operators[i]);
    }

    function register(uint256 who, uint256 amount) external {
        (uint256 i, OperatorAccount op) = _operator(who);
        amount = MINIMUM + (amount % (1000 * MINIMUM));
        token.mint(address(op), amount);
        minted += amount;
        (G1Point memory pk, G2Point memory pop) = StakeTableKeys.keys(i);
        op.register(amount, pk, pop);
        deposited += amount;
        ++calls;
    }

    function topUp(uint256 who, uint256 amount) external {
        (, OperatorAccount op) = _operator(who);
        amount = 1 + (amount % (100 * MINIMUM));
        token.mint(address(op), amount);
        minted += amount;
        op.topUp(amount);
        deposited += amount;
        ++calls;
    }

    function initiateExit(uint256 who) external {
        (, OperatorAccount op) = _operator(who);
        op.initiateExit();
        ++calls;
    }

    function finalizeExit(uint256 who) external {
        (, OperatorAccount op) = _operator(who);
        IStakeTable.OperatorView memory info = table.operatorInfo(address(op));
        if (info.status == IStakeTable.Status.Exiting && block.number < info.withdrawableAt) {
            vm.roll(info.withdrawableAt);
        }
        uint256 before = op.tokenBalance();
        op.finalizeExit();
        withdrawn += op.tokenBalance() - before;
        ++calls;
    }

    function slash(uint256 who, uint256 amount, uint256 reporterBps, bool withReward) external {
        (, OperatorAccount op) = _operator(who);
        amount = 1 + (amount % (200 * MINIMUM));
        if (withReward) {
            (uint256 s, uint256 r) = table.slashWithReward(
                address(op),
                amount,
                "fuzz",
                REPORTER,
                reporterBps % 10_001
            );
            slashed += s;
            rewarded += r;
        } else {
            slashed += table.slash(address(op), amount, "fuzz");
        }
        ++calls;
    }

    function advance(uint256 blocks) external {
        vm.roll(block.number + 1 + (blocks % 40));
        ++calls;
    }
}

/// @notice Invariants of the stake table over random action sequences (runs and depth in
/// hardhat.config.ts, test.solidity.invariant): the table holds exactly the operators' stakes plus
/// their pending exits, slashing never mints (every token ever minted is in the table, an
/// operator's wallet, the slash sink or the reporter's), and the total stake of every snapshot
/// the table can still change is the sum of the operators' stakes in it.
contract StakeTableInvariantTest is CheatsTest {
    StakeTableHandler private handler;

    function setUp() public {
        handler = new StakeTableHandler(); // nonce 1: StakeTableKeys assumes it
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function _balances() private view returns (uint256 sum) {
        StakeTable table = handler.table();
        for (uint256 i = 0; i < handler.operatorCount(); ++i) {
            sum += table.operatorInfo(address(handler.operators(i))).balance;
        }
    }

    function invariant_tableHoldsStakesPlusPendingExits() public view {
        uint256 held = handler.token().balanceOf(address(handler.table()));
        assertEq(held, _balances(), "table balance == active stakes + pending exits");
        assertEq(
            held,
            handler.deposited() - handler.slashed() - handler.withdrawn(),
            "table balance == deposited - slashed - withdrawn"
        );
    }

    function invariant_slashingNeverMints() public view {
        TestStakeToken token = handler.token();
        assertEq(token.totalSupply(), handler.minted(), "supply == minted");
        uint256 wallets = 0;
        for (uint256 i = 0; i < handler.operatorCount(); ++i) {
            wallets += handler.operators(i).tokenBalance();
        }
        uint256 sink = token.balanceOf(handler.SINK());
        uint256 reporter = token.balanceOf(handler.REPORTER());
        assertEq(sink + reporter, handler.slashed(), "sink + reporter == slashed");
        assertEq(reporter, handler.rewarded(), "reporter == rewards");
        assertEq(
            token.balanceOf(address(handler.table())) + wallets + sink + reporter,
            handler.minted(),
            "every minted token accounted for"
        );
    }

    function invariant_totalStakeIsTheSumOfStakes() public view {
        StakeTable table = handler.table();
        uint256 current = table.currentEpoch();
        for (uint256 e = current; e <= current + table.ACTIVATION_LAG(); ++e) {
            uint256 sum = 0;
            for (uint256 i = 0; i < handler.operatorCount(); ++i) {
                sum += table.stakeAt(address(handler.operators(i)), e);
            }
            assertEq(table.totalStakeAt(e), sum, "totalStakeAt == sum of stakeAt");
        }
    }
}

/// @notice Fuzz tests of single StakeTable actions with fuzzed amounts.
contract StakeTableFuzzTest is CheatsTest {
    StakeTableHandler private handler;

    function setUp() public {
        handler = new StakeTableHandler();
    }

    function testFuzz_slashTakesAtMostTheBalanceAndEjectsBelowMinimum(
        uint256 stake,
        uint256 amount,
        uint256 reporterBps
    ) public {
        handler.register(0, stake);
        StakeTable table = handler.table();
        address op = address(handler.operators(0));
        uint256 before = table.operatorInfo(op).balance;
        uint256 supply = handler.token().totalSupply();
        handler.slash(0, amount, reporterBps, true);
        IStakeTable.OperatorView memory info = table.operatorInfo(op);
        assertEq(before - info.balance, handler.slashed(), "the balance falls by the slash");
        assertLe(handler.slashed(), before, "a slash takes at most the balance");
        assertEq(handler.token().totalSupply(), supply, "a slash mints nothing");
        if (info.balance < handler.MINIMUM()) {
            assertTrue(info.status == IStakeTable.Status.Exiting, "ejected below the minimum");
        }
    }

    function testFuzz_exitPaysTheRemainingBalanceOnce(uint256 stake, uint256 amount) public {
        handler.register(1, stake);
        handler.slash(1, amount, 0, false);
        StakeTable table = handler.table();
        OperatorAccount op = handler.operators(1);
        if (table.operatorInfo(address(op)).status == IStakeTable.Status.Active) {
            handler.initiateExit(1);
        }
        uint256 remaining = table.operatorInfo(address(op)).balance;
        handler.finalizeExit(1);
        assertEq(handler.withdrawn(), remaining, "the exit pays the remaining balance");
        assertEq(op.tokenBalance(), remaining, "to the operator's recipient");
        vm.expectRevert(
            abi.encodeWithSelector(IStakeTable.OperatorNotExiting.selector, address(op))
        );
        op.finalizeExit();
    }
}
