// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {IProofVerifier} from "../interfaces/IProofVerifier.sol";
import {ChunkOutputs} from "../lifecycle/ChunkOutputs.sol";
import {RootInputs} from "../lifecycle/RootInputs.sol";
import {StandInChunkProver} from "./StandInChunkProver.sol";

/// @title StandInProofVerifier
/// @notice STAND-IN. This is not a zk verifier and proves nothing about the rollup's state
/// transition. It checks exactly the two things a root proof's public inputs oblige the real
/// circuit to check besides the state transition, so that the rest of the protocol behaves as it
/// would with a real verifier:
///
/// 1. **Binding.** The proof opens the public inputs the lifecycle computed
///    (`RootInputs.rootPublicInputs`): the chain and lifecycle, the block (through its
///    commitment's fields), the tree, the participation record, the submitter and the committee
///    (through its tag). A proof copied into another submitter's transaction, another tree,
///    block, record, committee, deployment or chain fails.
/// 2. **Attested participation.** Every member the record credits signed the output of the node
///    it is credited for. Record byte `j` credits heap node `j / P + 1`, where `P = record.length
///    / (2L - 1)` proofs per node (1 for every policy but rankedProofs); a committee index `b`
///    names `committee[b]`, PROPOSER (0xfe, when the committee has at most 254 members) names the
///    block's proposer, and NONE or any other byte names nobody and needs no signature (the
///    assignment check at settlement rejects a record with such a byte where it matters). The
///    signed statement is `ChunkOutput(slot, node, left, right, output)` under the lifecycle's
///    EIP-712 domain (ChunkOutputs), with the node's honest stand-in output
///    (`StandInChunkProver.outputOf`) computed from the leaf inputs the proof carries. So a record
///    cannot credit a member that did not produce (sign) the output the root used, whoever files
///    it: a member's signature over a node's output exists only if it sent that output.
///
/// What the stand-in does not check (the circuit does): that the leaf inputs open the block's
/// `txCommitment`, and the state transition itself. Attribution does not rest on the first: a
/// signature over an output computed from other leaf inputs is not an honest member's.
///
/// Node proofs (siblingCover's uncle claims, `RootInputs.nodePublicInputs`) are checked the same
/// way for one node: the proof opens the deployment, the block, the node and the claimant, and
/// carries the claimant's signature over the node's honest output.
///
/// Proof bytes: one kind byte ({ROOT_PROOF} or {NODE_PROOF}) then `abi.encode(RootProof)` or
/// `abi.encode(NodeProof)`. Signatures are EIP-2098 compact (r, vs), low `s`: a root proof has one
/// per record byte that names a signer, in record order. A malformed proof returns false.
///
/// Cost. Everything here is a stand-in cost and `reports/gas.json` reports it apart from the
/// core's (`proof.standIn.*`): a real proof carries the signatures in its witness, not in calldata,
/// and the circuit checks them; L1 pays only for the committee tag in the public inputs.
///
/// Chunk outputs. The proofs of the nodes below the root (the chunks provers exchange and sign)
/// have a stand-in too, `StandInChunkProver.outputOf` (contracts/verifier/StandInChunkProver.sol):
/// node `node` of `slot`'s block outputs
/// `keccak256(abi.encode(keccak256("PROVERNET_V1_STAND_IN_CHUNK"), slot, node, left, right))`,
/// where a leaf (`node` in `[L, 2L - 1]`) takes the commitment to its chunk's transactions as
/// `left` and zero as `right`, and an inner node takes the outputs of its children `2 * node` and
/// `2 * node + 1`. The same node position has the same output in every one of the block's c trees,
/// so the tree is not an input. Replace this contract with a real verifier implementing
/// {IProofVerifier} before any deployment that secures value.
contract StandInProofVerifier is IProofVerifier {
    /// @notice Record byte crediting the block's proposer (PolicyRecord.PROPOSER).
    uint256 internal constant PROPOSER = 0xfe;
    /// @notice Kind byte of a root proof.
    uint8 public constant ROOT_PROOF = 1;
    /// @notice Kind byte of a node proof.
    uint8 public constant NODE_PROOF = 2;

    /// @notice A block, opened: the deployment and the fields of `RootInputs.blockCommitment`.
    struct BlockOpening {
        uint256 chainId;
        address lifecycle;
        uint256 slot;
        uint256 parent;
        address proposer;
        bytes32 txCommitment;
        uint256 leafCount;
        uint256 feeSplitBps;
    }

    /// @notice A root proof's public inputs, opened (`RootInputs.rootPublicInputs`).
    struct Opening {
        BlockOpening block_;
        uint256 tree;
        bytes record;
        address submitter;
    }

    /// @notice A stand-in node proof: `member` proved `node` (`RootInputs.nodePublicInputs`).
    struct NodeProof {
        BlockOpening block_;
        uint256 node;
        address member;
        bytes32[] leafInputs;
        /// The member's signature (r, vs) over the node's honest chunk output.
        bytes32[2] signature;
    }

    /// @notice A stand-in root proof.
    struct RootProof {
        Opening opening;
        /// The epoch's committee (its tag is in the public inputs).
        address[] committee;
        /// The leaves' transaction commitments, one per leaf.
        bytes32[] leafInputs;
        /// 64 bytes (r, vs) per record byte that names a signer, in record order.
        bytes signatures;
    }

    /// @inheritdoc IProofVerifier
    function verify(bytes32 publicInputsHash, bytes calldata proof) external view returns (bool) {
        // A malformed proof makes the decoder revert; the self-call turns that into false.
        try this.check(publicInputsHash, proof) returns (bool valid) {
            return valid;
        } catch {
            return false;
        }
    }

    /// @notice {verify} without the malformed-input guard: reverts if `proof` does not decode.
    /// @param publicInputsHash keccak256 of the ABI-encoded public inputs.
    /// @param proof A kind byte, then `abi.encode(RootProof)` or `abi.encode(NodeProof)`.
    /// @return Whether the proof opens the public inputs and every credited member signed.
    function check(bytes32 publicInputsHash, bytes calldata proof) external pure returns (bool) {
        if (proof.length == 0) return false;
        uint8 kind = uint8(proof[0]);
        if (kind == ROOT_PROOF) {
            return _checkRoot(publicInputsHash, abi.decode(proof[1:], (RootProof)));
        }
        if (kind == NODE_PROOF) {
            return _checkNode(publicInputsHash, abi.decode(proof[1:], (NodeProof)));
        }
        return false;
    }

    function _checkRoot(bytes32 publicInputsHash, RootProof memory p) private pure returns (bool) {
        Opening memory o = p.opening;
        BlockOpening memory b = o.block_;
        if (b.leafCount == 0 || p.leafInputs.length != b.leafCount) return false;
        bytes32 opened = RootInputs.rootPublicInputs(
            b.chainId,
            b.lifecycle,
            _commitment(b),
            o.tree,
            keccak256(o.record),
            o.submitter,
            RootInputs.committeeTag(keccak256(abi.encode(p.committee)))
        );
        if (opened != publicInputsHash) return false;
        return _attested(o, p.committee, p.leafInputs, p.signatures);
    }

    function _checkNode(bytes32 publicInputsHash, NodeProof memory p) private pure returns (bool) {
        BlockOpening memory b = p.block_;
        if (b.leafCount == 0 || p.leafInputs.length != b.leafCount) return false;
        if (p.node == 0 || p.node >= 2 * b.leafCount) return false;
        bytes32 opened = RootInputs.nodePublicInputs(
            b.chainId,
            b.lifecycle,
            _commitment(b),
            p.node,
            p.member
        );
        if (opened != publicInputsHash) return false;
        bytes32[] memory outputs = _outputs(b.slot, p.leafInputs);
        (bytes32 left, bytes32 right) = _inputsOf(p.node, p.leafInputs, outputs);
        bytes32 digest = ChunkOutputs.digest(
            ChunkOutputs.domainSeparator(b.chainId, b.lifecycle),
            b.slot,
            p.node,
            left,
            right,
            outputs[p.node]
        );
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(
            digest,
            p.signature[0],
            p.signature[1]
        );
        return err == ECDSA.RecoverError.NoError && recovered == p.member;
    }

    function _commitment(BlockOpening memory b) private pure returns (bytes32) {
        return
            RootInputs.blockCommitment(
                b.slot,
                b.parent,
                b.proposer,
                b.txCommitment,
                b.leafCount,
                b.feeSplitBps
            );
    }

    /// @dev A node's signed inputs: a leaf's transaction commitment and zero, or its children's
    /// outputs.
    function _inputsOf(
        uint256 node,
        bytes32[] memory leafInputs,
        bytes32[] memory outputs
    ) private pure returns (bytes32 left, bytes32 right) {
        uint256 leaves = leafInputs.length;
        return
            node >= leaves
                ? (leafInputs[node - leaves], bytes32(0))
                : (outputs[2 * node], outputs[2 * node + 1]);
    }

    /// @dev The honest stand-in output of every node (index = heap node; index 0 unused).
    function _outputs(
        uint256 slot,
        bytes32[] memory leafInputs
    ) private pure returns (bytes32[] memory outputs) {
        uint256 leaves = leafInputs.length;
        outputs = new bytes32[](2 * leaves);
        for (uint256 i = 0; i < leaves; ++i) {
            outputs[leaves + i] = StandInChunkProver.outputOf(
                slot,
                leaves + i,
                leafInputs[i],
                bytes32(0)
            );
        }
        for (uint256 node = leaves - 1; node >= 1; --node) {
            outputs[node] = StandInChunkProver.outputOf(
                slot,
                node,
                outputs[2 * node],
                outputs[2 * node + 1]
            );
        }
    }

    /// @dev What the signature walk needs, in memory (the stack holds too little).
    struct Walk {
        bytes32 separator;
        uint256 slot;
        uint256 perNode;
        address proposer;
        address[] committee;
        bytes32[] leafInputs;
        bytes32[] outputs;
        bytes signatures;
        uint256 used;
    }

    /// @dev Whether every signer the record names signed its node's output, with no signature
    /// left over.
    function _attested(
        Opening memory o,
        address[] memory committee,
        bytes32[] memory leafInputs,
        bytes memory signatures
    ) private pure returns (bool) {
        BlockOpening memory b = o.block_;
        uint256 nodes = 2 * b.leafCount - 1;
        bytes memory record = o.record;
        if (record.length == 0 || record.length % nodes != 0) return false;
        Walk memory w = Walk({
            separator: ChunkOutputs.domainSeparator(b.chainId, b.lifecycle),
            slot: b.slot,
            perNode: record.length / nodes,
            proposer: b.proposer,
            committee: committee,
            leafInputs: leafInputs,
            outputs: _outputs(b.slot, leafInputs),
            signatures: signatures,
            used: 0
        });
        for (uint256 j = 0; j < record.length; ++j) {
            if (!_signed(w, j, uint8(record[j]))) return false;
        }
        return w.used == signatures.length;
    }

    /// @dev Whether record byte `j` (value `b`) names nobody, or names a signer whose next
    /// signature in the walk is over byte `j`'s node output; advances the walk.
    function _signed(Walk memory w, uint256 j, uint256 b) private pure returns (bool) {
        address signer = _signerNamed(b, w.committee, w.proposer);
        if (signer == address(0)) return true;
        if (w.signatures.length < w.used + 64) return false;
        uint256 node = j / w.perNode + 1;
        (bytes32 left, bytes32 right) = _inputsOf(node, w.leafInputs, w.outputs);
        bytes32 digest = ChunkOutputs.digest(
            w.separator,
            w.slot,
            node,
            left,
            right,
            w.outputs[node]
        );
        (bytes32 r, bytes32 vs) = _signatureAt(w.signatures, w.used);
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, r, vs);
        w.used += 64;
        return err == ECDSA.RecoverError.NoError && recovered == signer;
    }

    /// @dev The account record byte `b` names: a committee member, the proposer, or nobody.
    function _signerNamed(
        uint256 b,
        address[] memory committee,
        address proposer
    ) private pure returns (address) {
        if (b < committee.length) return committee[b];
        if (b == PROPOSER) return proposer;
        return address(0);
    }

    /// @dev The compact signature at byte `offset` of `signatures`.
    function _signatureAt(
        bytes memory signatures,
        uint256 offset
    ) private pure returns (bytes32 r, bytes32 vs) {
        assembly ("memory-safe") {
            let at := add(add(signatures, 0x20), offset)
            r := mload(at)
            vs := mload(add(at, 0x20))
        }
    }
}
