/**
 * Stake-table encodings, mirrored from `contracts/staking/StakeTable.sol`: the public-key hash
 * and the EIP-712 message a proof of possession signs.
 */
import { AbiCoder, TypedDataEncoder, getBytes, keccak256 } from "ethers";

import {
  type G1PointStruct,
  type G2PointStruct,
  encodeG1,
  encodeG2,
  proofOfPossession,
  publicKeyOf,
} from "./bls.js";

const abi = AbiCoder.defaultAbiCoder();

/** `IStakeTable.Status`, indexed by its on-chain value. */
export const OPERATOR_STATUS = ["None", "Active", "Exiting", "Exited"] as const;
export type OperatorStatus = (typeof OPERATOR_STATUS)[number];

/** The name of an on-chain `Status` value. */
export function operatorStatus(value: bigint | number): OperatorStatus {
  const name = OPERATOR_STATUS[Number(value)];
  if (name === undefined) throw new RangeError(`unknown operator status ${value}`);
  return name;
}

/** EIP-712 domain name and version of the stake table. */
export const STAKE_TABLE_EIP712_NAME = "ProverNetwork StakeTable";
export const STAKE_TABLE_EIP712_VERSION = "1";

/** The EIP-712 type a proof of possession signs. */
export const PROOF_OF_POSSESSION_TYPES = {
  ProofOfPossession: [
    { name: "operator", type: "address" },
    { name: "publicKeyHash", type: "bytes32" },
  ],
};

/** Where a stake table lives: its chain and address. */
export interface StakeTableDomain {
  chainId: bigint;
  verifyingContract: string;
}

/** keccak256 of the 128-byte precompile encoding of a G1 public key (the contract's key id). */
export function publicKeyHash(publicKey: G1PointStruct): string {
  return keccak256(
    abi.encode(
      ["bytes32", "bytes32", "bytes32", "bytes32"],
      [publicKey.x_a, publicKey.x_b, publicKey.y_a, publicKey.y_b],
    ),
  );
}

/** The 32-byte digest that `operator`'s proof of possession for `publicKey` signs. */
export function proofOfPossessionMessage(
  domain: StakeTableDomain,
  operator: string,
  publicKey: G1PointStruct,
): string {
  return TypedDataEncoder.hash(
    {
      name: STAKE_TABLE_EIP712_NAME,
      version: STAKE_TABLE_EIP712_VERSION,
      chainId: domain.chainId,
      verifyingContract: domain.verifyingContract,
    },
    PROOF_OF_POSSESSION_TYPES,
    { operator, publicKeyHash: publicKeyHash(publicKey) },
  );
}

/** Everything `register` needs from a BLS secret key, bound to one operator and deployment. */
export interface RegistrationKeys {
  publicKey: G1PointStruct;
  proofOfPossession: G2PointStruct;
}

/** Builds the public key and the proof of possession for `register`. */
export function registrationKeys(
  secretKey: Uint8Array,
  domain: StakeTableDomain,
  operator: string,
): RegistrationKeys {
  const publicKey = encodeG1(publicKeyOf(secretKey));
  const message = getBytes(proofOfPossessionMessage(domain, operator, publicKey));
  return { publicKey, proofOfPossession: encodeG2(proofOfPossession(secretKey, message)) };
}
