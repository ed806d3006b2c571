// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

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
    /// on `digest`, in ascending bit order. Distinctness follows from the bitmap.
    /// @param digest The EIP-712 digest of the vote.
    /// @param committee The committee in rank order (already checked against its commitment).
    /// @param signerBitmap Bit i set iff `committee[i]` signed.
    /// @param signatures One compact signature per set bit.
    function verifyVotes(
        bytes32 digest,
        address[] calldata committee,
        uint256 signerBitmap,
        IBlockLifecycle.CompactSignature[] calldata signatures
    ) internal pure {
        uint256 bits = signerBitmap;
        for (uint256 k = 0; bits != 0; ++k) {
            // Lowest set bit; the caller checked the bitmap fits the committee and has exactly
            // `signatures.length` bits.
            uint256 i = Math.log2(bits & (~bits + 1));
            bits &= bits - 1;
            address signer = committee[i];
            (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(
                digest,
                signatures[k].r,
                signatures[k].vs
            );
            if (err != ECDSA.RecoverError.NoError || recovered != signer) {
                revert IBlockLifecycle.InvalidVote(k, signer);
            }
        }
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
