// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAssignmentPolicy} from "../../contracts/interfaces/IAssignmentPolicy.sol";
import {IBlockLifecycle} from "../../contracts/interfaces/IBlockLifecycle.sol";
import {IProverRewards} from "../../contracts/interfaces/IProverRewards.sol";
import {RootDigest} from "../../contracts/lifecycle/RootDigest.sol";
import {ProverRewards} from "../../contracts/rewards/ProverRewards.sol";
import {StakeTable} from "../../contracts/staking/StakeTable.sol";
import {TestStakeToken} from "../../contracts/test/TestStakeToken.sol";
import {CheatsTest, Vm} from "./Cheats.sol";

/// @notice Stands in for BlockLifecycle towards ProverRewards: the views the rewards read (the
/// clock, the policy, each epoch's committee context and root digest), with roots "accepted" by
/// the handler chained into the epoch's digest exactly as BlockLifecycle does
/// (RootDigest.entryHash of the record's hash, then RootDigest.extend). Every slot's proof window
/// is closed, so every epoch can be settled as soon as it is the next one. A full lifecycle would
/// need elected committees (BLS VRF reveals) and proven blocks, which these tests leave to the
/// TypeScript suite; what they test is the rewards' own accounting, through its real settlement,
/// claims and token transfers.
contract LifecycleStub {
    uint256 public constant EPOCH_LENGTH = 8;
    uint256 public constant SLOT_LENGTH = 4;
    uint256 public constant SEGMENT_SLOTS = 32;
    bool public constant FEE_SPLIT_SCORING = false;
    IAssignmentPolicy public constant POLICY = IAssignmentPolicy(address(0));

    StakeTable public immutable STAKE_TABLE;

    mapping(uint256 epoch => IBlockLifecycle.EpochContext) private _epochs;
    mapping(uint256 epoch => bytes32) private _digests;

    constructor(StakeTable table) {
        STAKE_TABLE = table;
    }

    function policyId() external pure returns (uint256) {
        return 0;
    }

    function currentEpoch() external pure returns (uint256) {
        return 0;
    }

    function epochOfSlot(uint256 slot) external pure returns (uint256) {
        return (slot * SLOT_LENGTH) / EPOCH_LENGTH;
    }

    function proofWindow(uint256) external pure returns (uint256 opensAt, uint256 closesAt) {
        return (0, 0);
    }

    function epochContext(
        uint256 epoch
    ) external view returns (IBlockLifecycle.EpochContext memory) {
        return _epochs[epoch];
    }

    function rootDigest(uint256 epoch, uint256 segment) external view returns (bytes32) {
        return segment == 0 ? _digests[epoch] : bytes32(0);
    }

    function rootSegments(uint256 epoch) external view returns (uint256) {
        return _digests[epoch] == bytes32(0) ? 0 : 1;
    }

    function setCommittee(
        uint256 epoch,
        address[] calldata committee,
        uint8 treeCount,
        bytes32 seed
    ) external {
        _epochs[epoch] = IBlockLifecycle.EpochContext({
            seed: seed,
            commitment: committee.length == 0 ? bytes32(0) : keccak256(abi.encode(committee)),
            size: uint16(committee.length),
            treeCount: treeCount,
            maxLeafCount: 2,
            committeeTag: bytes24(0)
        });
    }

    function acceptRoot(uint256 epoch, IProverRewards.RootEntry calldata root) external {
        bytes32 entry = RootDigest.entryHash(
            root.slot,
            root.tree,
            root.proposer,
            root.feeSplitBps,
            root.submitter,
            keccak256(root.record)
        );
        _digests[epoch] = RootDigest.extend(_digests[epoch], entry);
    }
}

/// @notice What the fuzzer calls on the rewards: funding the pool, depositing fees for slots of
/// unsettled epochs, accepting root proofs (random trees, members and records, valid or not),
/// settling the next epoch, and claims, with ghost totals of every token that went in and out.
/// Every claim is followed by a second claim of the same account, which must revert with
/// NothingToClaim; a claim that pays anything but what `claimable` showed is recorded.
contract RewardsHandler {
    uint256 public constant UNIT = 1e18;
    uint256 public constant SLOTS_PER_EPOCH = 2;
    uint256 public constant ACTORS = 4;

    TestStakeToken public immutable token;
    StakeTable public immutable table;
    LifecycleStub public immutable lifecycle;
    ProverRewards public immutable rewards;

    /// Accounts that propose, submit and sit on committees (no stake-table entry: each is its
    /// own withdrawer).
    address[ACTORS] public actors;

    uint256 public minted;
    uint256 public funded;
    uint256 public feesDeposited;
    /// Per actor: everything it claimed so far (its token balance, as nothing else pays it).
    mapping(address account => uint256) public claimedBy;
    uint256 public claimedTotal;
    uint256 public claims;
    uint256 public settled;
    uint256 public rootsAccepted;
    /// A claim that paid other than `claimable` showed, or a second claim that did not revert.
    bool public claimMismatch;
    bool public doubleClaimPaid;

    address[] private _committee;
    IProverRewards.RootEntry[] private _roots;
    uint256 private _lastSlot;

    constructor() {
        token = new TestStakeToken("Reward", "RWD", address(this));
        table = new StakeTable(
            StakeTable.Config({
                stakeToken: token,
                minimumStake: 1,
                epochLength: 8,
                activationLag: 3,
                lookahead: 2,
                seedLookback: 4,
                exitDelay: 30,
                proofWindow: 20,
                slashingWindow: 10,
                slashSink: address(0xdEaD),
                admin: address(this),
                slasher: address(this)
            })
        );
        lifecycle = new LifecycleStub(table);
        rewards = new ProverRewards(
            IProverRewards.Config({
                lifecycle: address(lifecycle),
                rewardToken: address(token),
                burnUnprovenShare: false,
                blockReward: 100 * UNIT,
                sequencerBps: 2000,
                proverBps: 7000,
                submitterBps: 1000,
                proverBurnBps: 500,
                inactivityThreshold: 0,
                inactivitySlash: 0
            })
        );
        token.approve(address(rewards), type(uint256).max);
        for (uint256 i = 0; i < ACTORS; ++i) actors[i] = address(uint160(0xA000 + i));
        _newCommittee(0, 1, 1);
    }

    // ------------------------------------------------------------------------------------
    // Actions
    // ------------------------------------------------------------------------------------

    function fund(uint256 amount) external {
        amount = 1 + (amount % (1000 * UNIT));
        _mint(amount);
        rewards.fund(amount);
        funded += amount;
    }

    function depositFees(uint256 slotOffset, uint256 amount) external {
        uint256 slot = rewards.nextEpoch() * SLOTS_PER_EPOCH + (slotOffset % (3 * SLOTS_PER_EPOCH));
        if (slot == 0) slot = 1;
        amount = 1 + (amount % (50 * UNIT));
        _mint(amount);
        rewards.depositFees(slot, amount);
        feesDeposited += amount;
    }

    /// A root proof of the next epoch's committee for a slot at or after the last one: random
    /// tree, proposer, submitter and record (one node, or three; members in range, so a record
    /// may be valid or not under the striped assignment).
    function acceptRoot(
        uint256 slotStep,
        uint256 tree,
        uint256 proposer,
        uint256 submitter,
        uint256 record,
        bool threeNodes
    ) external {
        uint256 epoch = rewards.nextEpoch();
        uint256 first = epoch * SLOTS_PER_EPOCH;
        uint256 slot = _roots.length == 0 ? first : _lastSlot;
        slot += slotStep % 2;
        if (slot == 0) slot = 1;
        if (slot >= first + SLOTS_PER_EPOCH) return;
        uint256 m = _committee.length;
        bytes memory nodes = new bytes(threeNodes ? 3 : 1);
        for (uint256 i = 0; i < nodes.length; ++i)
            nodes[i] = bytes1(uint8((record >> (8 * i)) % m));
        // A block's records have one length: the first root of the slot fixes it.
        if (_roots.length != 0 && _roots[_roots.length - 1].slot == slot) {
            if (_roots[_roots.length - 1].record.length != nodes.length) return;
        }
        IProverRewards.RootEntry memory root = IProverRewards.RootEntry({
            sequence: _roots.length,
            slot: slot,
            tree: tree % (lifecycle.epochContext(epoch).treeCount),
            proposer: actors[proposer % ACTORS],
            feeSplitBps: 0,
            submitter: actors[submitter % ACTORS],
            record: nodes
        });
        lifecycle.acceptRoot(epoch, root);
        _roots.push(root);
        _lastSlot = slot;
        ++rootsAccepted;
    }

    /// Settles the next epoch with the roots accepted for it, then draws the following epoch's
    /// committee (1 to 4 actors, 1 to 3 trees).
    function settle(uint256 committee, uint256 trees) external {
        uint256 epoch = rewards.nextEpoch();
        rewards.settleEpoch(epoch, _committee, _roots);
        delete _roots;
        ++settled;
        uint256 m = 1 + (committee % ACTORS);
        _newCommittee(epoch + 1, m, 1 + (trees % (m < 3 ? m : 3)));
    }

    function claim(uint256 who) external {
        address account = actors[who % ACTORS];
        IProverRewards.Claimable memory owed = rewards.claimable(account);
        uint256 total = owed.proving + owed.sequencing + owed.submitting;
        uint256 before = token.balanceOf(account);
        try rewards.claim(account) returns (uint256 paid) {
            uint256 received = token.balanceOf(account) - before;
            if (paid != total || received != total || total == 0) claimMismatch = true;
            claimedBy[account] += received;
            claimedTotal += received;
            ++claims;
        } catch (bytes memory reason) {
            // Nothing owed is the one reason a claim may fail.
            if (
                total != 0 ||
                keccak256(reason) !=
                    keccak256(
                        abi.encodeWithSelector(IProverRewards.NothingToClaim.selector, account)
                    )
            ) claimMismatch = true;
            return;
        }
        try rewards.claim(account) {
            doubleClaimPaid = true;
        } catch {}
    }

    // ------------------------------------------------------------------------------------
    // Views for the invariants
    // ------------------------------------------------------------------------------------

    /// What every actor can claim now, in total.
    function claimableTotal() external view returns (uint256 sum) {
        for (uint256 i = 0; i < ACTORS; ++i) {
            IProverRewards.Claimable memory c = rewards.claimable(actors[i]);
            sum += c.proving + c.sequencing + c.submitting;
        }
    }

    function actorBalances() external view returns (uint256 sum) {
        for (uint256 i = 0; i < ACTORS; ++i) sum += token.balanceOf(actors[i]);
    }

    function _mint(uint256 amount) private {
        token.mint(address(this), amount);
        minted += amount;
    }

    function _newCommittee(uint256 epoch, uint256 m, uint256 trees) private {
        delete _committee;
        for (uint256 i = 0; i < m; ++i) _committee.push(actors[i]);
        lifecycle.setCommittee(epoch, _committee, uint8(trees), keccak256(abi.encode(epoch)));
    }
}

/// @notice Invariants of the rewards over random action sequences (runs and depth in
/// hardhat.config.ts, test.solidity.invariant): the contract holds exactly its pool, the fees
/// of unsettled epochs and what every account can claim; every token ever minted is in the
/// rewards, a claimant's wallet or the burn address; every claim paid exactly what `claimable`
/// showed and a second claim reverted, so what was claimed is exactly what the claimants hold.
contract ProverRewardsInvariantTest is CheatsTest {
    RewardsHandler private handler;

    function setUp() public {
        handler = new RewardsHandler();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariant_poolPlusClaimableIsTheBalance() public view {
        ProverRewards rewards = handler.rewards();
        assertEq(
            handler.token().balanceOf(address(rewards)),
            rewards.pool() + rewards.pendingFees() + handler.claimableTotal(),
            "balance == pool + pending fees + claimable"
        );
    }

    function invariant_everyTokenIsAccountedFor() public view {
        TestStakeToken token = handler.token();
        ProverRewards rewards = handler.rewards();
        assertEq(token.totalSupply(), handler.minted(), "supply == minted");
        assertEq(token.balanceOf(address(handler)), 0, "the handler keeps nothing");
        assertEq(
            token.balanceOf(address(rewards)) +
                handler.actorBalances() +
                token.balanceOf(rewards.BURN_ADDRESS()),
            handler.minted(),
            "rewards + claimants + burned == minted"
        );
        assertEq(rewards.totalBurned(), token.balanceOf(rewards.BURN_ADDRESS()), "burned");
    }

    function invariant_claimsPayWhatIsOwedOnce() public view {
        assertTrue(!handler.claimMismatch(), "a claim paid what claimable showed");
        assertTrue(!handler.doubleClaimPaid(), "a second claim reverted");
        assertEq(handler.claimedTotal(), handler.actorBalances(), "claimed == claimants' balances");
    }
}

/// @notice Fuzz tests of claims through one settled block: what a block pays is claimable by
/// its proposer, submitter and committee and adds up to the block's value; a claim pays it
/// once, a second claim reverts with NothingToClaim, and claimTo is the withdrawer's alone.
contract ProverRewardsClaimFuzzTest is CheatsTest {
    RewardsHandler private handler;
    ProverRewards private rewards;

    function setUp() public {
        handler = new RewardsHandler();
        rewards = handler.rewards();
    }

    function testFuzz_aSettledBlockIsClaimedOnceByEach(
        uint256 pool,
        uint256 fees,
        uint256 proposer,
        uint256 submitter
    ) public {
        handler.fund(bound(pool, 1e18, 999e18));
        handler.depositFees(1, fees);
        // Epoch 0's committee is actor 0 alone, one tree: a one-node record crediting it is valid.
        handler.acceptRoot(1, 0, proposer, submitter, 0, false);
        uint256 poolBefore = rewards.pool();
        uint256 feesBefore = rewards.pendingFees();
        handler.settle(0, 0);
        assertEq(rewards.nextEpoch(), 1, "epoch 0 settled");
        uint256 owed = handler.claimableTotal();
        uint256 value = poolBefore + feesBefore - rewards.pool() - rewards.pendingFees();
        assertEq(owed + rewards.totalBurned(), value, "block value == claimable + burned");
        assertTrue(owed != 0, "the block paid someone");
        assertTrue(rewards.claimable(handler.actors(0)).proving != 0, "the member was credited");

        uint256 claimed = 0;
        for (uint256 i = 0; i < handler.ACTORS(); ++i) {
            address account = handler.actors(i);
            IProverRewards.Claimable memory c = rewards.claimable(account);
            uint256 total = c.proving + c.sequencing + c.submitting;
            if (total == 0) {
                vm.expectRevert(
                    abi.encodeWithSelector(IProverRewards.NothingToClaim.selector, account)
                );
                rewards.claim(account);
                continue;
            }
            uint256 before = handler.token().balanceOf(account);
            assertEq(rewards.claim(account), total, "claim returns the total");
            assertEq(handler.token().balanceOf(account) - before, total, "claim pays the total");
            claimed += total;
            vm.expectRevert(
                abi.encodeWithSelector(IProverRewards.NothingToClaim.selector, account)
            );
            rewards.claim(account);
        }
        assertEq(claimed, owed, "everything owed was claimed");
        assertEq(handler.claimableTotal(), 0, "nothing left to claim");
        assertEq(
            handler.token().balanceOf(address(rewards)),
            rewards.pool() + rewards.pendingFees(),
            "the rewards keep the pool and the pending fees"
        );
    }

    function testFuzz_claimToIsTheWithdrawersAlone(uint256 pool, address caller) public {
        address member = handler.actors(0);
        vm.assume(caller != member && caller != address(0));
        handler.fund(bound(pool, 1e18, 999e18));
        handler.acceptRoot(1, 0, 1, 2, 0, false);
        handler.settle(0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IProverRewards.NotWithdrawer.selector, caller, member)
        );
        vm.prank(caller);
        rewards.claimTo(member, caller);
        uint256 owed = rewards.claimable(member).proving;
        assertTrue(owed != 0, "the member was credited");
        vm.prank(member);
        assertEq(
            rewards.claimTo(member, address(0xCAFE)),
            owed,
            "claimTo pays the withdrawer's choice"
        );
        assertEq(handler.token().balanceOf(address(0xCAFE)), owed, "the recipient got it");
        vm.expectRevert(abi.encodeWithSelector(IProverRewards.NothingToClaim.selector, member));
        vm.prank(member);
        rewards.claimTo(member, address(0xCAFE));
    }
}
