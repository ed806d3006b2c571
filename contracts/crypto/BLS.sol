// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A BLS12-381 G1 point in the EIP-2537 encoding: x || y, each coordinate a 64-byte
///         big-endian field element split into a high word `_a` (top 16 bytes must be zero) and a
///         low word `_b`. The memory layout of the struct is exactly the precompile layout.
///         The point at infinity is all zeros.
struct G1Point {
    bytes32 x_a;
    bytes32 x_b;
    bytes32 y_a;
    bytes32 y_b;
}

/// @notice A BLS12-381 G2 point in the EIP-2537 encoding: x.c0 || x.c1 || y.c0 || y.c1, each a
///         64-byte big-endian field element split like in {G1Point}. The point at infinity is all
///         zeros.
struct G2Point {
    bytes32 x_c0_a;
    bytes32 x_c0_b;
    bytes32 x_c1_a;
    bytes32 x_c1_b;
    bytes32 y_c0_a;
    bytes32 y_c0_b;
    bytes32 y_c1_a;
    bytes32 y_c1_b;
}

/// @notice A coordinate is not a canonical field element: its top 16 bytes are not zero or its
///         value is not below the field modulus p.
error BLSInvalidFieldElement();
/// @notice The point at infinity was given where a public key or signature is expected, or an
///         aggregate of public keys is the point at infinity.
error BLSPointAtInfinity();
/// @notice The point does not satisfy the curve equation.
error BLSPointNotOnCurve();
/// @notice The point is on the curve but not in the prime-order (r-torsion) subgroup.
error BLSPointNotInSubgroup();
/// @notice The domain separation tag is empty or longer than 255 bytes.
error BLSInvalidDST();
/// @notice An aggregate over zero public keys was requested.
error BLSEmptyKeySet();
/// @notice expand_message_xmd was asked for more than 255 * 32 bytes.
error BLSInvalidExpandLength();
/// @notice A precompile call failed for a reason that cannot be attributed to the input (for
///         example the call ran out of gas).
/// @param precompile The address of the precompile that failed.
error BLSPrecompileFailed(address precompile);

/// @title BLS12-381 signatures on the EIP-2537 precompiles
/// @notice Minimal-pubkey-size BLS (Ethereum's variant): public keys in G1, signatures in G2,
///         messages hashed to G2 with RFC 9380 BLS12381G2_XMD:SHA-256_SSWU_RO_. Also provides the
///         primitives the short-signature variant needs (hash to G1, G2 aggregation, a generic
///         two-pair pairing check).
/// @dev Validation order for every point: each coordinate canonical, then not the point at
///      infinity, then on the curve; subgroup membership last. Hot paths leave the subgroup check
///      to the pairing precompile, which performs it anyway.
///      EIP-2537 precompiles signal every error by failing the call and consuming all gas given
///      to it. Every call here forwards `gas()`; a failure is attributed to the input only when
///      the call demonstrably had the EIP-2537 price available, otherwise it is reported as
///      {BLSPrecompileFailed}, so a caller starving the call cannot make a valid point look
///      invalid.
library BLS {
    /// @notice Domain separation tag for proofs of possession.
    string internal constant DST_POP = "PROVERNET-V1-POP-BLS12381G2_XMD:SHA-256_SSWU_RO_";

    /// @dev Precompile addresses (EIP-2537 for 0x0b to 0x11). Assembly blocks below use the same
    ///      values as literals, which inline assembly requires.
    address internal constant SHA256 = address(0x02);
    address internal constant MODEXP = address(0x05);
    address internal constant G1ADD = address(0x0b);
    address internal constant G1MSM = address(0x0c);
    address internal constant G2ADD = address(0x0d);
    address internal constant G2MSM = address(0x0e);
    address internal constant PAIRING_CHECK = address(0x0f);
    address internal constant MAP_FP_TO_G1 = address(0x10);
    address internal constant MAP_FP2_TO_G2 = address(0x11);

    /// @dev The field modulus p as a 64-byte big-endian value: high word and low word.
    uint256 private constant P_HI = 0x1a0111ea397fe69a4b1ba7b6434bacd7;
    uint256 private constant P_LO =
        0x64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab;

    /// @dev EIP-2537 prices, used only to decide whether a failed call could have been starved.
    uint256 private constant G1ADD_GAS = 375;
    uint256 private constant G2ADD_GAS = 600;
    uint256 private constant G1MSM_1_GAS = 12000;
    uint256 private constant PAIRING_2_GAS = 2 * 32600 + 37700;
    /// @dev Covers the CALL opcode's own cost; inputs and outputs are placed in memory that is
    ///      already expanded, so no memory expansion is charged at the call.
    uint256 private constant CALL_MARGIN = 1000;

    /// @dev Largest len_in_bytes of expand_message_xmd with SHA-256 (ell <= 255).
    uint256 private constant MAX_EXPAND_LENGTH = 255 * 32;

    // -------------------------------------------------------------------------------------------
    // Hashing (RFC 9380)
    // -------------------------------------------------------------------------------------------

    /// @notice RFC 9380 §5.3.1 expand_message_xmd with SHA-256.
    /// @param message The message.
    /// @param dst The domain separation tag, 1 to 255 bytes ({BLSInvalidDST} otherwise; RFC 9380
    ///        §5.3.3 hashing of longer tags is deliberately not supported).
    /// @param lenInBytes The requested output length, at most 255 * 32
    ///        ({BLSInvalidExpandLength} otherwise). 0 gives empty output.
    /// @return out `lenInBytes` uniform bytes.
    // solhint-disable-next-line function-max-lines
    function expandMessageXMD(
        bytes memory message,
        bytes memory dst,
        uint256 lenInBytes
    ) internal view returns (bytes memory out) {
        uint256 dstLen = dst.length;
        if (dstLen == 0 || dstLen > 255) revert BLSInvalidDST();
        if (lenInBytes > MAX_EXPAND_LENGTH) revert BLSInvalidExpandLength();
        bytes4 failed = BLSPrecompileFailed.selector;
        // Assembly: the SHA-256 inputs are assembled in place in scratch memory, and each
        // b_i input reuses the DST_prime suffix of the b_0 input instead of rebuilding it.
        assembly ("memory-safe") {
            out := mload(0x40)
            mstore(out, lenInBytes)
            let outData := add(out, 0x20)
            let ell := shr(5, add(lenInBytes, 31))
            mstore(0x40, add(outData, shl(5, ell)))
            if ell {
                let msgLen := mload(message)
                // b_0 input: Z_pad (64 zero bytes) || msg || I2OSP(len, 2) || I2OSP(0, 1) || DST_prime
                let buf := mload(0x40)
                mstore(buf, 0)
                mstore(add(buf, 0x20), 0)
                mcopy(add(buf, 0x40), add(message, 0x20), msgLen)
                let q := add(add(buf, 0x40), msgLen)
                mstore8(q, shr(8, lenInBytes))
                mstore8(add(q, 1), and(lenInBytes, 0xff))
                // q: the single byte before DST_prime, I2OSP(0, 1) now and the block counter later.
                q := add(q, 2)
                mstore8(q, 0)
                mcopy(add(q, 1), add(dst, 0x20), dstLen)
                mstore8(add(add(q, 1), dstLen), dstLen)
                if iszero(staticcall(gas(), 0x02, buf, add(sub(q, buf), add(dstLen, 2)), 0, 0x20)) {
                    mstore(0, failed)
                    mstore(4, 0x02)
                    revert(0, 0x24)
                }
                let b0 := mload(0)
                // b_i input: (b_0 xor b_{i-1}) || I2OSP(i, 1) || DST_prime, with b_0 itself for i = 1.
                let start := sub(q, 0x20)
                let inLen := add(dstLen, 0x22)
                let prev := 0
                for {
                    let i := 1
                } iszero(gt(i, ell)) {
                    i := add(i, 1)
                } {
                    mstore(start, xor(b0, prev))
                    mstore8(q, i)
                    let dest := add(outData, shl(5, sub(i, 1)))
                    if iszero(staticcall(gas(), 0x02, start, inLen, dest, 0x20)) {
                        mstore(0, failed)
                        mstore(4, 0x02)
                        revert(0, 0x24)
                    }
                    prev := mload(dest)
                }
                // Zero the bytes past lenInBytes in the last word.
                mstore(add(outData, lenInBytes), 0)
            }
        }
    }

    /// @notice RFC 9380 hash_to_curve for BLS12381G1_XMD:SHA-256_SSWU_RO_: expand_message_xmd to
    ///         128 bytes, hash_to_field (count 2, L = 64, reduced mod p with MODEXP), map each
    ///         element with MAP_FP_TO_G1 (which also clears the cofactor), add the two points.
    /// @param message The message.
    /// @param dst The domain separation tag, 1 to 255 bytes ({BLSInvalidDST} otherwise).
    /// @return h The hash, a point of the G1 subgroup.
    function hashToG1(
        bytes memory message,
        bytes memory dst
    ) internal view returns (G1Point memory h) {
        bytes memory uniform = expandMessageXMD(message, dst, 128);
        bytes4 failed = BLSPrecompileFailed.selector;
        // Assembly: one MODEXP input template is filled once and only its base is rewritten per
        // field element; all intermediate values live in scratch memory and are never allocated.
        assembly ("memory-safe") {
            function check(ok, precompile, selector) {
                if iszero(ok) {
                    mstore(0, selector)
                    mstore(4, precompile)
                    revert(0, 0x24)
                }
            }
            let s := mload(0x40)
            // MODEXP input: len(base) = 64 || len(exp) = 1 || len(mod) = 64 || base || 0x01 || p
            mstore(s, 0x40)
            mstore(add(s, 0x20), 1)
            mstore(add(s, 0x40), 0x40)
            mstore8(add(s, 0xa0), 1)
            mstore(add(s, 0xa1), P_HI)
            mstore(add(s, 0xc1), P_LO)
            let u := add(uniform, 0x20)
            let fe := add(s, 0x100)
            mcopy(add(s, 0x60), u, 0x40)
            check(staticcall(gas(), 0x05, s, 0xe1, fe, 0x40), 0x05, failed)
            mcopy(add(s, 0x60), add(u, 0x40), 0x40)
            check(staticcall(gas(), 0x05, s, 0xe1, add(fe, 0x40), 0x40), 0x05, failed)
            let pts := add(s, 0x180)
            check(staticcall(gas(), 0x10, fe, 0x40, pts, 0x80), 0x10, failed)
            check(staticcall(gas(), 0x10, add(fe, 0x40), 0x40, add(pts, 0x80), 0x80), 0x10, failed)
            check(staticcall(gas(), 0x0b, pts, 0x100, h, 0x80), 0x0b, failed)
        }
    }

    /// @notice RFC 9380 hash_to_curve for BLS12381G2_XMD:SHA-256_SSWU_RO_: expand_message_xmd to
    ///         256 bytes, hash_to_field (count 2, m = 2, L = 64, reduced mod p with MODEXP), map
    ///         each Fp2 element with MAP_FP2_TO_G2 (which also clears the cofactor), add the two
    ///         points.
    /// @param message The message.
    /// @param dst The domain separation tag, 1 to 255 bytes ({BLSInvalidDST} otherwise).
    /// @return h The hash, a point of the G2 subgroup.
    function hashToG2(
        bytes memory message,
        bytes memory dst
    ) internal view returns (G2Point memory h) {
        bytes memory uniform = expandMessageXMD(message, dst, 256);
        bytes4 failed = BLSPrecompileFailed.selector;
        // Assembly: as in hashToG1. The reduced elements come out in the order u0.c0, u0.c1,
        // u1.c0, u1.c1, which is already the precompile's Fp2 layout (c0 before c1).
        assembly ("memory-safe") {
            function check(ok, precompile, selector) {
                if iszero(ok) {
                    mstore(0, selector)
                    mstore(4, precompile)
                    revert(0, 0x24)
                }
            }
            let s := mload(0x40)
            // MODEXP input: len(base) = 64 || len(exp) = 1 || len(mod) = 64 || base || 0x01 || p
            mstore(s, 0x40)
            mstore(add(s, 0x20), 1)
            mstore(add(s, 0x40), 0x40)
            mstore8(add(s, 0xa0), 1)
            mstore(add(s, 0xa1), P_HI)
            mstore(add(s, 0xc1), P_LO)
            let u := add(uniform, 0x20)
            let fe := add(s, 0x100)
            mcopy(add(s, 0x60), u, 0x40)
            check(staticcall(gas(), 0x05, s, 0xe1, fe, 0x40), 0x05, failed)
            mcopy(add(s, 0x60), add(u, 0x40), 0x40)
            check(staticcall(gas(), 0x05, s, 0xe1, add(fe, 0x40), 0x40), 0x05, failed)
            mcopy(add(s, 0x60), add(u, 0x80), 0x40)
            check(staticcall(gas(), 0x05, s, 0xe1, add(fe, 0x80), 0x40), 0x05, failed)
            mcopy(add(s, 0x60), add(u, 0xc0), 0x40)
            check(staticcall(gas(), 0x05, s, 0xe1, add(fe, 0xc0), 0x40), 0x05, failed)
            let pts := add(s, 0x200)
            check(staticcall(gas(), 0x11, fe, 0x80, pts, 0x100), 0x11, failed)
            check(
                staticcall(gas(), 0x11, add(fe, 0x80), 0x80, add(pts, 0x100), 0x100),
                0x11,
                failed
            )
            check(staticcall(gas(), 0x0d, pts, 0x200, h, 0x100), 0x0d, failed)
        }
    }

    // -------------------------------------------------------------------------------------------
    // Point validation
    // -------------------------------------------------------------------------------------------

    /// @notice Full public-key validation (KeyValidate): canonical encoding, not the point at
    ///         infinity, on the curve, and in the G1 subgroup (G1MSM with scalar 1, 12000 gas).
    ///         Run this once when a key is registered, together with its proof of possession.
    /// @param pk The public key.
    function validatePublicKey(G1Point memory pk) internal view {
        validateG1Point(pk);
        bool ok;
        uint256 gasBefore;
        // Assembly: the MSM output overwrites its own input in scratch memory.
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mcopy(buf, pk, 0x80)
            mstore(add(buf, 0x80), 1)
            gasBefore := gas()
            ok := staticcall(gas(), 0x0c, buf, 0xa0, buf, 0x80)
        }
        if (!ok) {
            _requireNotStarved(G1MSM, gasBefore, G1MSM_1_GAS);
            revert BLSPointNotInSubgroup();
        }
    }

    /// @notice Signature validation WITHOUT the subgroup check: canonical encoding, not the point
    ///         at infinity, on the curve (G2ADD with infinity succeeds iff the point is on the
    ///         curve).
    /// @dev The G2 subgroup check (a 22500-gas G2MSM) is deliberately left to the pairing
    ///      precompile, which checks subgroup membership of every input. {verify},
    ///      {verifyAggregate} and {verifyProofOfPossession} run this function first, so when their
    ///      pairing call then fails, every point is already known to be canonical and on the
    ///      curve, and the only remaining cause is a point outside the subgroup: they revert with
    ///      {BLSPointNotInSubgroup}. A caller that uses this function on its own gets NO guarantee
    ///      that `sig` is in the subgroup.
    /// @param sig The signature.
    function validateSignature(G2Point memory sig) internal view {
        validateG2Point(sig);
    }

    /// @notice Checks that `p` is canonically encoded, not the point at infinity and on the curve.
    ///         Does NOT check subgroup membership.
    /// @param p The G1 point.
    function validateG1Point(G1Point memory p) internal view {
        uint256 status;
        bool ok = true;
        uint256 gasBefore;
        // Assembly: range checks on the raw words and G1ADD(p, infinity) in scratch memory
        // without allocating.
        assembly ("memory-safe") {
            let xa := mload(p)
            let xb := mload(add(p, 0x20))
            let ya := mload(add(p, 0x40))
            let yb := mload(add(p, 0x60))
            switch and(
                or(lt(xa, P_HI), and(eq(xa, P_HI), lt(xb, P_LO))),
                or(lt(ya, P_HI), and(eq(ya, P_HI), lt(yb, P_LO)))
            )
            case 0 {
                status := 1
            }
            default {
                switch or(or(xa, xb), or(ya, yb))
                case 0 {
                    status := 2
                }
                default {
                    let buf := mload(0x40)
                    mstore(buf, xa)
                    mstore(add(buf, 0x20), xb)
                    mstore(add(buf, 0x40), ya)
                    mstore(add(buf, 0x60), yb)
                    mstore(add(buf, 0x80), 0)
                    mstore(add(buf, 0xa0), 0)
                    mstore(add(buf, 0xc0), 0)
                    mstore(add(buf, 0xe0), 0)
                    gasBefore := gas()
                    ok := staticcall(gas(), 0x0b, buf, 0x100, buf, 0x80)
                }
            }
        }
        if (status == 1) revert BLSInvalidFieldElement();
        if (status == 2) revert BLSPointAtInfinity();
        if (!ok) {
            _requireNotStarved(G1ADD, gasBefore, G1ADD_GAS);
            revert BLSPointNotOnCurve();
        }
    }

    /// @notice Checks that `p` is canonically encoded, not the point at infinity and on the curve.
    ///         Does NOT check subgroup membership.
    /// @param p The G2 point.
    // solhint-disable-next-line function-max-lines
    function validateG2Point(G2Point memory p) internal view {
        uint256 status;
        bool ok = true;
        uint256 gasBefore;
        // Assembly: range checks on the raw words and G2ADD(p, infinity) in scratch memory
        // without allocating.
        assembly ("memory-safe") {
            function canonical(a, b) -> r {
                r := or(lt(a, P_HI), and(eq(a, P_HI), lt(b, P_LO)))
            }
            let w0 := mload(p)
            let w1 := mload(add(p, 0x20))
            let w2 := mload(add(p, 0x40))
            let w3 := mload(add(p, 0x60))
            let w4 := mload(add(p, 0x80))
            let w5 := mload(add(p, 0xa0))
            let w6 := mload(add(p, 0xc0))
            let w7 := mload(add(p, 0xe0))
            switch and(
                and(canonical(w0, w1), canonical(w2, w3)),
                and(canonical(w4, w5), canonical(w6, w7))
            )
            case 0 {
                status := 1
            }
            default {
                switch or(or(or(w0, w1), or(w2, w3)), or(or(w4, w5), or(w6, w7)))
                case 0 {
                    status := 2
                }
                default {
                    let buf := mload(0x40)
                    mcopy(buf, p, 0x100)
                    mstore(add(buf, 0x100), 0)
                    mstore(add(buf, 0x120), 0)
                    mstore(add(buf, 0x140), 0)
                    mstore(add(buf, 0x160), 0)
                    mstore(add(buf, 0x180), 0)
                    mstore(add(buf, 0x1a0), 0)
                    mstore(add(buf, 0x1c0), 0)
                    mstore(add(buf, 0x1e0), 0)
                    gasBefore := gas()
                    ok := staticcall(gas(), 0x0d, buf, 0x200, buf, 0x100)
                }
            }
        }
        if (status == 1) revert BLSInvalidFieldElement();
        if (status == 2) revert BLSPointAtInfinity();
        if (!ok) {
            _requireNotStarved(G2ADD, gasBefore, G2ADD_GAS);
            revert BLSPointNotOnCurve();
        }
    }

    // -------------------------------------------------------------------------------------------
    // Aggregation
    // -------------------------------------------------------------------------------------------

    /// @notice Sums public keys with G1ADD. Every key must be canonical, not the point at
    ///         infinity and on the curve (G1ADD checks the latter for both of its inputs), and the
    ///         sum must not be the point at infinity. Subgroup membership is not checked here.
    /// @dev Sound only for keys that were validated with {validatePublicKey} and a proof of
    ///      possession when they were registered (see {verifyAggregate}).
    /// @param pks The public keys, at least one.
    /// @return apk The aggregate public key.
    // solhint-disable-next-line function-max-lines
    function aggregate(G1Point[] memory pks) internal view returns (G1Point memory apk) {
        uint256 n = pks.length;
        if (n == 0) revert BLSEmptyKeySet();
        uint256 err;
        uint256 gasBefore;
        // Assembly: the running sum stays in scratch memory and G1ADD writes it back in place,
        // so each key costs one copy and one precompile call and nothing is allocated.
        assembly ("memory-safe") {
            function canonical(a, b) -> r {
                r := or(lt(a, P_HI), and(eq(a, P_HI), lt(b, P_LO)))
            }
            // buf: running sum (128 bytes) || next key (128 bytes)
            let buf := mload(0x40)
            let next := add(buf, 0x80)
            let data := add(pks, 0x20)
            for {
                let i := 0
            } lt(i, n) {
                i := add(i, 1)
            } {
                let q := mload(add(data, shl(5, i)))
                let xa := mload(q)
                let xb := mload(add(q, 0x20))
                let ya := mload(add(q, 0x40))
                let yb := mload(add(q, 0x60))
                if iszero(and(canonical(xa, xb), canonical(ya, yb))) {
                    err := 1
                    break
                }
                if iszero(or(or(xa, xb), or(ya, yb))) {
                    err := 2
                    break
                }
                let d := next
                if iszero(i) {
                    d := buf
                }
                mstore(d, xa)
                mstore(add(d, 0x20), xb)
                mstore(add(d, 0x40), ya)
                mstore(add(d, 0x60), yb)
                if i {
                    gasBefore := gas()
                    if iszero(staticcall(gas(), 0x0b, buf, 0x100, buf, 0x80)) {
                        err := 3
                        break
                    }
                }
            }
            // A single key is checked on the curve by adding the point at infinity.
            if and(iszero(err), eq(n, 1)) {
                mstore(next, 0)
                mstore(add(next, 0x20), 0)
                mstore(add(next, 0x40), 0)
                mstore(add(next, 0x60), 0)
                gasBefore := gas()
                if iszero(staticcall(gas(), 0x0b, buf, 0x100, buf, 0x80)) {
                    err := 3
                }
            }
            if iszero(err) {
                let xa := mload(buf)
                let xb := mload(add(buf, 0x20))
                let ya := mload(add(buf, 0x40))
                let yb := mload(add(buf, 0x60))
                if iszero(or(or(xa, xb), or(ya, yb))) {
                    err := 2
                }
                mstore(apk, xa)
                mstore(add(apk, 0x20), xb)
                mstore(add(apk, 0x40), ya)
                mstore(add(apk, 0x60), yb)
            }
        }
        if (err == 1) revert BLSInvalidFieldElement();
        if (err == 2) revert BLSPointAtInfinity();
        if (err == 3) {
            _requireNotStarved(G1ADD, gasBefore, G1ADD_GAS);
            revert BLSPointNotOnCurve();
        }
    }

    /// @notice Sums G2 points with G2ADD, with the same checks as {aggregate}: every point
    ///         canonical, not the point at infinity and on the curve, and a sum that is not the
    ///         point at infinity. Subgroup membership is not checked here. Used for G2 public keys
    ///         in the short-signature variant and for aggregating G2 signatures.
    /// @param points The points, at least one.
    /// @return sum The sum.
    // solhint-disable-next-line function-max-lines
    function aggregateG2(G2Point[] memory points) internal view returns (G2Point memory sum) {
        uint256 n = points.length;
        if (n == 0) revert BLSEmptyKeySet();
        uint256 err;
        uint256 gasBefore;
        // Assembly: as in {aggregate}.
        assembly ("memory-safe") {
            function canonical(a, b) -> r {
                r := or(lt(a, P_HI), and(eq(a, P_HI), lt(b, P_LO)))
            }
            // buf: running sum (256 bytes) || next point (256 bytes)
            let buf := mload(0x40)
            let next := add(buf, 0x100)
            let data := add(points, 0x20)
            for {
                let i := 0
            } lt(i, n) {
                i := add(i, 1)
            } {
                let q := mload(add(data, shl(5, i)))
                let w0 := mload(q)
                let w1 := mload(add(q, 0x20))
                let w2 := mload(add(q, 0x40))
                let w3 := mload(add(q, 0x60))
                let w4 := mload(add(q, 0x80))
                let w5 := mload(add(q, 0xa0))
                let w6 := mload(add(q, 0xc0))
                let w7 := mload(add(q, 0xe0))
                if iszero(
                    and(
                        and(canonical(w0, w1), canonical(w2, w3)),
                        and(canonical(w4, w5), canonical(w6, w7))
                    )
                ) {
                    err := 1
                    break
                }
                if iszero(or(or(or(w0, w1), or(w2, w3)), or(or(w4, w5), or(w6, w7)))) {
                    err := 2
                    break
                }
                let d := next
                if iszero(i) {
                    d := buf
                }
                mcopy(d, q, 0x100)
                if i {
                    gasBefore := gas()
                    if iszero(staticcall(gas(), 0x0d, buf, 0x200, buf, 0x100)) {
                        err := 3
                        break
                    }
                }
            }
            // A single point is checked on the curve by adding the point at infinity.
            if and(iszero(err), eq(n, 1)) {
                mstore(next, 0)
                mstore(add(next, 0x20), 0)
                mstore(add(next, 0x40), 0)
                mstore(add(next, 0x60), 0)
                mstore(add(next, 0x80), 0)
                mstore(add(next, 0xa0), 0)
                mstore(add(next, 0xc0), 0)
                mstore(add(next, 0xe0), 0)
                gasBefore := gas()
                if iszero(staticcall(gas(), 0x0d, buf, 0x200, buf, 0x100)) {
                    err := 3
                }
            }
            if iszero(err) {
                mcopy(sum, buf, 0x100)
                if iszero(
                    or(
                        or(
                            or(mload(buf), mload(add(buf, 0x20))),
                            or(mload(add(buf, 0x40)), mload(add(buf, 0x60)))
                        ),
                        or(
                            or(mload(add(buf, 0x80)), mload(add(buf, 0xa0))),
                            or(mload(add(buf, 0xc0)), mload(add(buf, 0xe0)))
                        )
                    )
                ) {
                    err := 2
                }
            }
        }
        if (err == 1) revert BLSInvalidFieldElement();
        if (err == 2) revert BLSPointAtInfinity();
        if (err == 3) {
            _requireNotStarved(G2ADD, gasBefore, G2ADD_GAS);
            revert BLSPointNotOnCurve();
        }
    }

    // -------------------------------------------------------------------------------------------
    // Verification
    // -------------------------------------------------------------------------------------------

    /// @notice Verifies a signature: e(pk, H(message)) == e(G1, sig), as one two-pair pairing
    ///         check e(pk, H(message)) * e(-G1, sig) == 1.
    /// @dev `pk` and `sig` are checked canonical, not infinity and on the curve; their subgroup
    ///      membership is checked by the pairing precompile (see {validateSignature}), so there is
    ///      no 12000-gas G1MSM here. For a key that was validated at registration this costs
    ///      nothing; for any other key the pairing still rejects points outside the subgroup.
    /// @param pk The public key.
    /// @param message The signed message.
    /// @param dst The domain separation tag the message was hashed with, 1 to 255 bytes.
    /// @param sig The signature.
    /// @return True iff the signature is valid. False for a well-formed wrong signature. Reverts
    ///         with the named errors for malformed points or DST.
    function verify(
        G1Point memory pk,
        bytes memory message,
        bytes memory dst,
        G2Point memory sig
    ) internal view returns (bool) {
        validateG1Point(pk);
        validateG2Point(sig);
        return pairing2(pk, hashToG2(message, dst), negG1Generator(), sig);
    }

    /// @notice Verifies one signature by many keys over ONE message: aggregates the keys with
    ///         {aggregate}, then one two-pair pairing check as in {verify}. `sig` is the sum of
    ///         the individual signatures.
    /// @dev PRECONDITION: every key in `pks` has proven possession of its secret key (it was
    ///      registered with {validatePublicKey} and {verifyProofOfPossession}). That is the only
    ///      defense against rogue-key attacks: without it, a key chosen as pk' = x*G1 - pk lets
    ///      its owner forge an aggregate signature for pk + pk'. The caller must also make sure
    ///      the array holds no duplicates unless duplicate signers are intended.
    /// @param pks The signers' public keys, at least one.
    /// @param message The signed message.
    /// @param dst The domain separation tag, 1 to 255 bytes.
    /// @param sig The aggregate signature.
    /// @return True iff the aggregate signature is valid.
    function verifyAggregate(
        G1Point[] memory pks,
        bytes memory message,
        bytes memory dst,
        G2Point memory sig
    ) internal view returns (bool) {
        G1Point memory apk = aggregate(pks);
        validateG2Point(sig);
        return pairing2(apk, hashToG2(message, dst), negG1Generator(), sig);
    }

    /// @notice Verifies a proof of possession: a signature on `message` under {DST_POP}.
    /// @dev The message should bind the key and its registrant (for example the encoded key, the
    ///      registrant address and the chain id) so that a proof cannot be replayed. The domain
    ///      separation keeps proofs of possession and ordinary signatures apart. A `true` result
    ///      also establishes everything {validatePublicKey} checks: the key was checked canonical,
    ///      not infinity and on the curve, and the pairing precompile checked its subgroup.
    /// @param pk The public key.
    /// @param message The message the proof signs.
    /// @param sig The proof of possession.
    /// @return True iff the proof is valid.
    function verifyProofOfPossession(
        G1Point memory pk,
        bytes memory message,
        G2Point memory sig
    ) internal view returns (bool) {
        return verify(pk, message, bytes(DST_POP), sig);
    }

    /// @notice Two-pair pairing check: e(a1, b1) * e(a2, b2) == 1.
    /// @dev PRECONDITION: every point is canonical and on the curve (checked by
    ///      {validateG1Point}/{validateG2Point}, or a constant, or a hash output). The pairing
    ///      precompile then fails only for a point outside the subgroup, reported as
    ///      {BLSPointNotInSubgroup}. Points at infinity are accepted by the precompile (their
    ///      pair contributes 1); callers must reject them beforehand where that matters.
    /// @param a1 First G1 point.
    /// @param b1 First G2 point.
    /// @param a2 Second G1 point.
    /// @param b2 Second G2 point.
    /// @return result True iff the product of the two pairings is 1.
    function pairing2(
        G1Point memory a1,
        G2Point memory b1,
        G1Point memory a2,
        G2Point memory b2
    ) internal view returns (bool result) {
        bool ok;
        uint256 gasBefore;
        // Assembly: the 768-byte input is copied into scratch memory without allocating.
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mcopy(buf, a1, 0x80)
            mcopy(add(buf, 0x80), b1, 0x100)
            mcopy(add(buf, 0x180), a2, 0x80)
            mcopy(add(buf, 0x200), b2, 0x100)
            gasBefore := gas()
            ok := staticcall(gas(), 0x0f, buf, 0x300, buf, 0x20)
            result := and(ok, eq(mload(buf), 1))
        }
        if (!ok) {
            _requireNotStarved(PAIRING_CHECK, gasBefore, PAIRING_2_GAS);
            revert BLSPointNotInSubgroup();
        }
    }

    // -------------------------------------------------------------------------------------------
    // Constants
    // -------------------------------------------------------------------------------------------

    /// @notice The negated G1 generator -G1 = (x, p - y).
    /// @return The point.
    function negG1Generator() internal pure returns (G1Point memory) {
        return
            G1Point({
                x_a: 0x0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0f,
                x_b: 0xc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb,
                y_a: 0x00000000000000000000000000000000114d1d6855d545a8aa7d76c8cf2e21f2,
                y_b: 0x67816aef1db507c96655b9d5caac42364e6f38ba0ecb751bad54dcd6b939c2ca
            });
    }

    /// @notice The negated G2 generator -G2 = (x, -y).
    /// @return The point.
    function negG2Generator() internal pure returns (G2Point memory) {
        return
            G2Point({
                x_c0_a: 0x00000000000000000000000000000000024aa2b2f08f0a91260805272dc51051,
                x_c0_b: 0xc6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8,
                x_c1_a: 0x0000000000000000000000000000000013e02b6052719f607dacd3a088274f65,
                x_c1_b: 0x596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e,
                y_c0_a: 0x000000000000000000000000000000000d1b3cc2c7027888be51d9ef691d77bc,
                y_c0_b: 0xb679afda66c73f17f9ee3837a55024f78c71363275a75d75d86bab79f74782aa,
                y_c1_a: 0x0000000000000000000000000000000013fa4d4a0ad8b1ce186ed5061789213d,
                y_c1_b: 0x993923066dddaf1040bc3ff59f825c78df74f2d75467e25e0f55f8a00fa030ed
            });
    }

    // -------------------------------------------------------------------------------------------
    // Private
    // -------------------------------------------------------------------------------------------

    /// @dev Called after a precompile call failed although its inputs were already checked
    ///      canonical (and, for subgroup checks, on the curve); the caller then blames the input.
    ///      A failed call consumes all gas it was given, so an input error and running out of gas
    ///      look the same: this reverts with {BLSPrecompileFailed} unless at least `price` could
    ///      have been forwarded to the call under the 63/64 rule.
    /// @param precompile The precompile that failed.
    /// @param gasBefore gasleft() right before the call.
    /// @param price The EIP-2537 price of the call.
    function _requireNotStarved(address precompile, uint256 gasBefore, uint256 price) private pure {
        if (gasBefore - gasBefore / 64 < price + CALL_MARGIN) {
            revert BLSPrecompileFailed(precompile);
        }
    }
}
