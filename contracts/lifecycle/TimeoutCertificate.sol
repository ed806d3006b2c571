// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBlockLifecycle} from "../interfaces/IBlockLifecycle.sol";

/// @title TimeoutCertificate
/// @notice Timeout votes, round leaders and the f + 1 quorum. The TypeScript mirror is
/// `src/protocol/lifecycle.ts` (`faultThreshold`, `leaderIndex`, `timeoutVoteTypes`).
/// @dev Votes are EIP-712 signatures of `TimeoutVote(uint256 slot,uint256 round)` by the
/// member's operator key; the EIP-712 domain (name, version, chain id, contract) separates chains
/// and deployments. ECDSA was chosen over BLS aggregation by measurement (README, "Timeout
/// certificates"): with signer keys checked against the committee, one BLS signer costs about as
/// much as one `ecrecover`, and BLS adds a fixed hash-to-G2 and pairing of about 170k gas.
library TimeoutCertificate {
    /// @notice EIP-712 type hash of a timeout vote.
    bytes32 internal constant TIMEOUT_VOTE_TYPEHASH =
        keccak256("TimeoutVote(uint256 slot,uint256 round)");
    /// @notice Domain tag of the leader draw.
    bytes32 internal constant LEADER_DOMAIN = keccak256("PROVERNET_V1_LEADER");
    /// @notice 100% in basis points.
    uint256 internal constant BPS = 10_000;
    /// @dev The low 255 bits of an EIP-2098 `vs` word: `s`.
    uint256 private constant S_MASK =
        0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff;
    /// @dev Half the secp256k1 group order: the largest `s` accepted (EIP-2).
    uint256 private constant HALF_ORDER =
        0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @notice f for a committee of `m` members: `floor(m * faultToleranceBps / 10000)`.
    /// @param m Committee size.
    /// @param faultToleranceBps f as a fraction of m, below 10000.
    /// @return f The number of faulty members tolerated; a certificate needs f + 1 signers.
    function faultThreshold(uint256 m, uint256 faultToleranceBps) internal pure returns (uint256) {
        return (m * faultToleranceBps) / BPS;
    }

    /// @notice The committee index of the leader of `round` for a block.
    /// @param blockSeed The block's seed (epoch seed and slot, see TreeAssignment.blockSeed).
    /// @param round The round, 0..f.
    /// @param m Committee size, nonzero.
    /// @return The index `uint256(keccak256(abi.encode(LEADER_DOMAIN, blockSeed, round))) % m`.
    function leaderIndex(
        bytes32 blockSeed,
        uint256 round,
        uint256 m
    ) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(LEADER_DOMAIN, blockSeed, round))) % m;
    }

    /// @notice The EIP-712 struct hash of a vote for (`slot`, `round`).
    /// @param slot The block's slot.
    /// @param round The round.
    /// @return The struct hash.
    function voteStructHash(uint256 slot, uint256 round) internal pure returns (bytes32) {
        return keccak256(abi.encode(TIMEOUT_VOTE_TYPEHASH, slot, round));
    }

    /// @notice Checks that each set bit `i` of `signerBitmap` has a valid vote by `committee[i]`
    /// on `digest`, in ascending bit order. Distinctness follows from the bitmap. Signatures must
    /// be in EIP-2098 compact form with a low `s` (EIP-2), as OpenZeppelin's ECDSA requires.
    /// @param digest The EIP-712 digest of the vote.
    /// @param committee The committee in rank order (already checked against its commitment).
    /// @param signerBitmap Bit i set iff `committee[i]` signed; the caller checked that it fits
    /// the committee and has exactly `signatures.length` bits.
    /// @param signatures One compact signature per set bit.
    function verifyVotes(
        bytes32 digest,
        address[] calldata committee,
        uint256 signerBitmap,
        IBlockLifecycle.CompactSignature[] calldata signatures
    ) internal view {
        uint256 failed = type(uint256).max;
        address failedSigner;
        // why: gas. One ecrecover precompile call per vote with the input laid out once in
        // scratch memory past the free-memory pointer (nothing is allocated while it is live),
        // and no per-vote ABI decoding or bounds checks: each index is below committee.length
        // (the bitmap fits the committee) or signatures.length (one signature per bit).
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, digest)
            let bits := signerBitmap
            let i := 0
            for {
                let k := 0
            } bits {
                k := add(k, 1)
            } {
                for {} iszero(and(bits, 1)) {} {
                    bits := shr(1, bits)
                    i := add(i, 1)
                }
                let sig := add(signatures.offset, shl(6, k))
                let vs := calldataload(add(sig, 0x20))
                let sv := and(vs, S_MASK)
                mstore(add(input, 0x20), add(shr(255, vs), 27))
                mstore(add(input, 0x40), calldataload(sig))
                mstore(add(input, 0x60), sv)
                mstore(0x00, 0)
                let recovered := 0
                // s above half the curve order is the malleable twin: rejected (EIP-2).
                if iszero(gt(sv, HALF_ORDER)) {
                    pop(staticcall(gas(), 0x01, input, 0x80, 0x00, 0x20))
                    recovered := mload(0x00)
                }
                let signer := calldataload(add(committee.offset, shl(5, i)))
                if or(iszero(recovered), iszero(eq(recovered, signer))) {
                    failed := k
                    failedSigner := signer
                    break
                }
                bits := shr(1, bits)
                i := add(i, 1)
            }
        }
        if (failed != type(uint256).max) revert IBlockLifecycle.InvalidVote(failed, failedSigner);
    }

    /// @notice The number of set bits of `x`.
    /// @param x The bitmap.
    /// @return count The population count.
    function popCount(uint256 x) internal pure returns (uint256 count) {
        unchecked {
            while (x != 0) {
                x &= x - 1;
                ++count;
            }
        }
    }
}
