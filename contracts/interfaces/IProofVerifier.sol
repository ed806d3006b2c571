// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IProofVerifier
/// @notice Verifies the root proof of one of a block's proof trees. The block lifecycle passes the
/// hash of the proof's public inputs (see {IBlockLifecycle.rootPublicInputs}): the block
/// commitment, the tree index, the participation record and the submitter. A real verifier checks
/// a SNARK against exactly these inputs; the project ships only {StandInProofVerifier}.
interface IProofVerifier {
    /// @notice Whether `proof` is a valid root proof for the public inputs hashing to
    /// `publicInputsHash`.
    /// @param publicInputsHash keccak256 of the ABI-encoded public inputs.
    /// @param proof The proof bytes.
    /// @return True iff the proof verifies.
    function verify(bytes32 publicInputsHash, bytes calldata proof) external view returns (bool);
}
