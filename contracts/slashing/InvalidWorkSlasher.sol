// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";
import {IInvalidWorkSlasher} from "../interfaces/IInvalidWorkSlasher.sol";
import {BlockLifecycle} from "../lifecycle/BlockLifecycle.sol";
import {ChunkOutputs} from "../lifecycle/ChunkOutputs.sol";
import {StakeTable} from "../staking/StakeTable.sol";
import {StandInChunkProver} from "../verifier/StandInChunkProver.sol";

/// @title InvalidWorkSlasher
/// @notice Slashes provers for attributable invalid work (seed 000). A prover signs every chunk
/// output it sends to the provers of the parent nodes: `ChunkOutput(slot, node, left, right,
/// output)` under EIP-712 with its operator key (the address registered in the stake table).
/// Anyone may submit a signed output that is provably wrong:
/// - {reportWrongOutput}: the output differs from the stand-in proving function
///   (`StandInChunkProver.outputOf`) recomputed from the signed inputs;
/// - {reportEquivocation}: two different outputs signed for the same node of the same block. An
///   honest prover computes a node once and sends the same signed output to its parents in every
///   tree, so the inputs of the two messages do not matter.
/// The signer is slashed SLASH_AMOUNT (capped at its balance) through
/// `StakeTable.slashWithReward`; the caller receives REPORTER_BPS of it, the slash sink the rest.
/// Each (signer, slot, node) is slashed at most once, whatever the kind of evidence.
///
/// Evidence about `slot` is accepted until `closesAt + SLASHING_WINDOW`, where `closesAt` ends the
/// block's proof window. The stake table's `EXIT_DELAY >= PROOF_WINDOW + SLASHING_WINDOW` keeps
/// the stake of every operator elected for the block in place until then.
///
/// Why ECDSA and not the BLS key: one BLS signature check costs 192,137 gas (`bls.verify` in
/// reports/gas.json, Ethereum variant; 152,688 for the short variant) against about 3k for
/// `ecrecover`, and operators already sign timeout votes with their operator key under EIP-712
/// (TimeoutCertificate). Signatures are EIP-2098 compact with a low `s`, as there. The EIP-712
/// domain is the lifecycle's ("ProverNetwork BlockLifecycle", "1", chain id, lifecycle; see
/// ChunkOutputs): the root proof's verifier checks the same signatures to credit the members a
/// participation record names, so a chunk output is one statement judged in two places.
///
/// The reporter is whoever sends the evidence; an offender can report itself from any account
/// and win the reporter's share back, so REPORTER_BPS should stay well below 10000.
contract InvalidWorkSlasher is IInvalidWorkSlasher {
    /// @notice EIP-712 type hash of a signed chunk output.
    bytes32 public constant CHUNK_OUTPUT_TYPEHASH = ChunkOutputs.TYPEHASH;
    /// @notice Slash reason of {reportWrongOutput}.
    bytes32 public constant INVALID_CHUNK_OUTPUT = keccak256("INVALID_CHUNK_OUTPUT");
    /// @notice Slash reason of {reportEquivocation}.
    bytes32 public constant EQUIVOCATION = keccak256("EQUIVOCATION");
    /// @notice 100% in basis points.
    uint256 public constant BPS = 10_000;

    /// @notice The block lifecycle whose proof windows bound the evidence.
    BlockLifecycle public immutable LIFECYCLE;
    /// @notice The stake table slashed (the lifecycle's); this contract needs its SLASHER_ROLE.
    StakeTable public immutable STAKE_TABLE;
    /// @notice Tokens taken per offence.
    uint256 public immutable SLASH_AMOUNT;
    /// @notice The reporter's share of a slash, in basis points.
    uint256 public immutable REPORTER_BPS;
    /// @notice L1 blocks after a block's proof window during which evidence is accepted (the
    /// stake table's).
    uint256 public immutable SLASHING_WINDOW;

    /// @dev keccak256(abi.encode(signer, slot, node)) => slashed.
    mapping(bytes32 offence => bool) private _slashed;

    constructor(Config memory config) {
        if (config.lifecycle == address(0)) revert ZeroAddress();
        if (config.slashAmount == 0) revert ZeroSlashAmount();
        if (config.reporterBps > BPS) revert InvalidReporterBps(config.reporterBps);
        LIFECYCLE = BlockLifecycle(config.lifecycle);
        STAKE_TABLE = LIFECYCLE.STAKE_TABLE();
        SLASH_AMOUNT = config.slashAmount;
        REPORTER_BPS = config.reporterBps;
        SLASHING_WINDOW = STAKE_TABLE.SLASHING_WINDOW();
    }

    /// @inheritdoc IInvalidWorkSlasher
    function reportWrongOutput(
        ChunkOutput calldata claim,
        IBlockLifecycle.CompactSignature calldata signature
    ) external {
        bytes32 honest = StandInChunkProver.outputOf(
            claim.slot,
            claim.node,
            claim.left,
            claim.right
        );
        if (claim.output == honest) revert OutputCorrect(claim.slot, claim.node);
        _checkWindow(claim.slot);
        address signer = _signerOf(claim, signature);
        _slash(signer, claim.slot, claim.node, INVALID_CHUNK_OUTPUT);
    }

    /// @inheritdoc IInvalidWorkSlasher
    function reportEquivocation(
        ChunkOutput calldata a,
        IBlockLifecycle.CompactSignature calldata sa,
        ChunkOutput calldata b,
        IBlockLifecycle.CompactSignature calldata sb
    ) external {
        if (a.slot != b.slot || a.node != b.node)
            revert DifferentNodes(a.slot, a.node, b.slot, b.node);
        if (a.output == b.output) revert SameOutput(a.slot, a.node, a.output);
        _checkWindow(a.slot);
        address signer = _signerOf(a, sa);
        address other = _signerOf(b, sb);
        if (signer != other) revert SignersDiffer(signer, other);
        _slash(signer, a.slot, a.node, EQUIVOCATION);
    }

    /// @inheritdoc IInvalidWorkSlasher
    function chunkOutputDigest(ChunkOutput calldata output) public view returns (bytes32) {
        return
            ChunkOutputs.digest(
                ChunkOutputs.domainSeparator(block.chainid, address(LIFECYCLE)),
                output.slot,
                output.node,
                output.left,
                output.right,
                output.output
            );
    }

    /// @inheritdoc IInvalidWorkSlasher
    function isSlashed(address signer, uint256 slot, uint256 node) external view returns (bool) {
        return _slashed[_offenceKey(signer, slot, node)];
    }

    /// @inheritdoc IInvalidWorkSlasher
    function evidenceDeadline(uint256 slot) public view returns (uint256) {
        (, uint256 closesAt) = LIFECYCLE.proofWindow(slot);
        return closesAt + SLASHING_WINDOW;
    }

    /// @inheritdoc IInvalidWorkSlasher
    function expectedOutput(
        uint256 slot,
        uint256 node,
        bytes32 left,
        bytes32 right
    ) external pure returns (bytes32) {
        return StandInChunkProver.outputOf(slot, node, left, right);
    }

    /// @dev Reverts once evidence about `slot` is too late.
    function _checkWindow(uint256 slot) private view {
        uint256 deadline = evidenceDeadline(slot);
        if (block.number > deadline) revert EvidenceExpired(slot, deadline);
    }

    /// @dev The address whose key signed `output`; reverts on an invalid or high-`s` signature.
    function _signerOf(
        ChunkOutput calldata output,
        IBlockLifecycle.CompactSignature calldata signature
    ) private view returns (address signer) {
        ECDSA.RecoverError err;
        (signer, err, ) = ECDSA.tryRecover(chunkOutputDigest(output), signature.r, signature.vs);
        if (err != ECDSA.RecoverError.NoError) revert InvalidSignature();
    }

    /// @dev Marks the offence, then slashes through the stake table (which reverts
    /// NothingToSlash for a signer without stake) and pays the caller its share.
    function _slash(address signer, uint256 slot, uint256 node, bytes32 reason) private {
        bytes32 offence = _offenceKey(signer, slot, node);
        if (_slashed[offence]) revert AlreadySlashed(signer, slot, node);
        _slashed[offence] = true;
        (uint256 slashed, uint256 reward) = STAKE_TABLE.slashWithReward(
            signer,
            SLASH_AMOUNT,
            reason,
            msg.sender,
            REPORTER_BPS
        );
        emit InvalidWorkSlashed(signer, slot, node, msg.sender, reason, slashed, reward);
    }

    function _offenceKey(
        address signer,
        uint256 slot,
        uint256 node
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(signer, slot, node));
    }
}
