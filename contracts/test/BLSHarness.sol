// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BLS, G1Point, G2Point} from "../crypto/BLS.sol";

/// @title Test and measurement harness for {BLS}
/// @notice View wrappers expose the library to tests. The `...Tx` entry points are
///         state-changing so that gas can be measured from real transaction receipts; they only
///         emit {Verified} and write no storage. Besides the protocol's scheme (public keys in G1,
///         signatures in G2) the harness implements the short-signature alternative (public keys
///         in G2, signatures in G1, messages hashed to G1) from the same library primitives, so
///         that both can be measured on equal terms.
contract BLSHarness {
    /// @notice Emitted by every measurement entry point.
    /// @param ok The verification result.
    event Verified(bool ok);

    // -------------------------------------------------------------------------------------------
    // Library wrappers
    // -------------------------------------------------------------------------------------------

    /// @notice See {BLS.expandMessageXMD}.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @param lenInBytes The output length.
    /// @return The uniform bytes.
    function expandMessageXMD(
        bytes calldata message,
        bytes calldata dst,
        uint256 lenInBytes
    ) external view returns (bytes memory) {
        return BLS.expandMessageXMD(message, dst, lenInBytes);
    }

    /// @notice See {BLS.hashToG1}.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @return The hash.
    function hashToG1(
        bytes calldata message,
        bytes calldata dst
    ) external view returns (G1Point memory) {
        return BLS.hashToG1(message, dst);
    }

    /// @notice See {BLS.hashToG2}.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @return The hash.
    function hashToG2(
        bytes calldata message,
        bytes calldata dst
    ) external view returns (G2Point memory) {
        return BLS.hashToG2(message, dst);
    }

    /// @notice See {BLS.validatePublicKey}.
    /// @param pk The public key.
    function validatePublicKey(G1Point calldata pk) external view {
        BLS.validatePublicKey(pk);
    }

    /// @notice See {BLS.validateSignature}.
    /// @param sig The signature.
    function validateSignature(G2Point calldata sig) external view {
        BLS.validateSignature(sig);
    }

    /// @notice See {BLS.validateG1Point}.
    /// @param p The point.
    function validateG1Point(G1Point calldata p) external view {
        BLS.validateG1Point(p);
    }

    /// @notice See {BLS.validateG2Point}.
    /// @param p The point.
    function validateG2Point(G2Point calldata p) external view {
        BLS.validateG2Point(p);
    }

    /// @notice See {BLS.aggregate}.
    /// @param pks The public keys.
    /// @return The aggregate public key.
    function aggregate(G1Point[] calldata pks) external view returns (G1Point memory) {
        return BLS.aggregate(pks);
    }

    /// @notice See {BLS.aggregateG2}.
    /// @param points The points.
    /// @return The sum.
    function aggregateG2(G2Point[] calldata points) external view returns (G2Point memory) {
        return BLS.aggregateG2(points);
    }

    /// @notice See {BLS.verify}.
    /// @param pk The public key.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @param sig The signature.
    /// @return The verification result.
    function verify(
        G1Point calldata pk,
        bytes calldata message,
        bytes calldata dst,
        G2Point calldata sig
    ) external view returns (bool) {
        return BLS.verify(pk, message, dst, sig);
    }

    /// @notice See {BLS.verifyAggregate}.
    /// @param pks The public keys.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @param sig The aggregate signature.
    /// @return The verification result.
    function verifyAggregate(
        G1Point[] calldata pks,
        bytes calldata message,
        bytes calldata dst,
        G2Point calldata sig
    ) external view returns (bool) {
        return BLS.verifyAggregate(pks, message, dst, sig);
    }

    /// @notice See {BLS.verifyProofOfPossession}.
    /// @param pk The public key.
    /// @param message The message.
    /// @param sig The proof of possession.
    /// @return The verification result.
    function verifyProofOfPossession(
        G1Point calldata pk,
        bytes calldata message,
        G2Point calldata sig
    ) external view returns (bool) {
        return BLS.verifyProofOfPossession(pk, message, sig);
    }

    /// @notice See {BLS.pairing2}.
    /// @param a1 First G1 point.
    /// @param b1 First G2 point.
    /// @param a2 Second G1 point.
    /// @param b2 Second G2 point.
    /// @return The pairing check result.
    function pairing2(
        G1Point calldata a1,
        G2Point calldata b1,
        G1Point calldata a2,
        G2Point calldata b2
    ) external view returns (bool) {
        return BLS.pairing2(a1, b1, a2, b2);
    }

    /// @notice See {BLS.negG1Generator}.
    /// @return The point.
    function negG1Generator() external pure returns (G1Point memory) {
        return BLS.negG1Generator();
    }

    /// @notice See {BLS.negG2Generator}.
    /// @return The point.
    function negG2Generator() external pure returns (G2Point memory) {
        return BLS.negG2Generator();
    }

    /// @notice See {BLS.DST_POP}.
    /// @return The proof-of-possession domain separation tag.
    function dstPop() external pure returns (string memory) {
        return BLS.DST_POP;
    }

    // -------------------------------------------------------------------------------------------
    // Short-signature variant (public keys in G2, signatures in G1)
    // -------------------------------------------------------------------------------------------

    /// @notice Short-variant verification: e(H1(message), pk) * e(sig, -G2) == 1.
    /// @param pk The G2 public key.
    /// @param message The message.
    /// @param dst The domain separation tag (a G1 hash-to-curve suite).
    /// @param sig The G1 signature.
    /// @return The verification result.
    function verifyShort(
        G2Point calldata pk,
        bytes calldata message,
        bytes calldata dst,
        G1Point calldata sig
    ) external view returns (bool) {
        return _verifyShort(pk, message, dst, sig);
    }

    /// @notice Short-variant aggregate verification over one message.
    /// @param pks The G2 public keys.
    /// @param message The message.
    /// @param dst The domain separation tag (a G1 hash-to-curve suite).
    /// @param sig The aggregate G1 signature.
    /// @return The verification result.
    function verifyAggregateShort(
        G2Point[] calldata pks,
        bytes calldata message,
        bytes calldata dst,
        G1Point calldata sig
    ) external view returns (bool) {
        return _verifyAggregateShort(pks, message, dst, sig);
    }

    // -------------------------------------------------------------------------------------------
    // Measurement entry points (real transactions, calldata inputs, no storage)
    // -------------------------------------------------------------------------------------------

    /// @notice Protocol variant, one signature.
    /// @param pk The G1 public key.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @param sig The G2 signature.
    function verifyTx(
        G1Point calldata pk,
        bytes calldata message,
        bytes calldata dst,
        G2Point calldata sig
    ) external {
        emit Verified(BLS.verify(pk, message, dst, sig));
    }

    /// @notice Protocol variant, one message signed by `pks.length` keys.
    /// @param pks The G1 public keys.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @param sig The aggregate G2 signature.
    function verifyAggregateTx(
        G1Point[] calldata pks,
        bytes calldata message,
        bytes calldata dst,
        G2Point calldata sig
    ) external {
        emit Verified(BLS.verifyAggregate(pks, message, dst, sig));
    }

    /// @notice Short variant, one signature.
    /// @param pk The G2 public key.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @param sig The G1 signature.
    function verifyShortTx(
        G2Point calldata pk,
        bytes calldata message,
        bytes calldata dst,
        G1Point calldata sig
    ) external {
        emit Verified(_verifyShort(pk, message, dst, sig));
    }

    /// @notice Short variant, one message signed by `pks.length` keys.
    /// @param pks The G2 public keys.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @param sig The aggregate G1 signature.
    function verifyAggregateShortTx(
        G2Point[] calldata pks,
        bytes calldata message,
        bytes calldata dst,
        G1Point calldata sig
    ) external {
        emit Verified(_verifyAggregateShort(pks, message, dst, sig));
    }

    // -------------------------------------------------------------------------------------------
    // Private
    // -------------------------------------------------------------------------------------------

    /// @dev Mirrors {BLS.verify} with the groups swapped.
    /// @param pk The G2 public key.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @param sig The G1 signature.
    /// @return The verification result.
    function _verifyShort(
        G2Point memory pk,
        bytes memory message,
        bytes memory dst,
        G1Point memory sig
    ) private view returns (bool) {
        BLS.validateG2Point(pk);
        BLS.validateG1Point(sig);
        return BLS.pairing2(BLS.hashToG1(message, dst), pk, sig, BLS.negG2Generator());
    }

    /// @dev Mirrors {BLS.verifyAggregate} with the groups swapped.
    /// @param pks The G2 public keys.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @param sig The aggregate G1 signature.
    /// @return The verification result.
    function _verifyAggregateShort(
        G2Point[] memory pks,
        bytes memory message,
        bytes memory dst,
        G1Point memory sig
    ) private view returns (bool) {
        G2Point memory apk = BLS.aggregateG2(pks);
        BLS.validateG1Point(sig);
        return BLS.pairing2(BLS.hashToG1(message, dst), apk, sig, BLS.negG2Generator());
    }
}
