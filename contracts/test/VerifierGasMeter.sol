// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProofVerifier} from "../interfaces/IProofVerifier.sol";

/// @title VerifierGasMeter
/// @notice Gas-report helper (not deployed by the protocol): the gas one `verify` call costs its
/// caller inside a root-proof transaction: the proof encoded into memory, the STATICCALL (cold
/// account access and the stand-in's execution) and the result decoded. `scripts/gas` subtracts
/// it, with the proof's calldata, to report the stand-in verifier's cost apart from the core's.
/// Call it with eth_call.
contract VerifierGasMeter {
    /// @notice Gas used by `verifier.verify(publicInputsHash, proof)` and whether it passed.
    function measure(
        IProofVerifier verifier,
        bytes32 publicInputsHash,
        bytes calldata proof
    ) external view returns (uint256 used, bool valid) {
        uint256 before = gasleft();
        valid = verifier.verify(publicInputsHash, proof);
        used = before - gasleft();
    }
}
