/**
 * What every operator client does with its own account, prover or sequencer alike: register its
 * stake and BLS key (approve, then register, one step per L1 block because the registration
 * pulls the approved tokens), and claim its rewards to itself.
 */
import type { SecretKey } from "../protocol/bls.js";
import { registrationKeys } from "../protocol/stake.js";
import type { OperatorWallet, Outbox, ProtocolContracts, ProtocolParams } from "./chain.js";

export type RegistrationState = "new" | "approved" | "sent" | "registered";

export interface OperatorAccount {
  wallet: OperatorWallet;
  secretKey: SecretKey;
  /** Tokens to stake at registration. */
  stake: bigint;
}

/** Sends the next registration transaction and returns the new state. */
export function advanceRegistration(
  state: RegistrationState,
  account: OperatorAccount,
  contracts: ProtocolContracts,
  params: ProtocolParams,
  outbox: Outbox,
): RegistrationState {
  const { wallet, stake } = account;
  if (state === "new") {
    const token = contracts.token.connect(wallet);
    outbox.submit(wallet.address, "setup.approve", () =>
      token.approve(params.addresses.table, stake),
    );
    return "approved";
  }
  if (state === "approved") {
    const keys = registrationKeys(
      account.secretKey,
      { chainId: params.chainId, verifyingContract: params.addresses.table },
      wallet.address,
    );
    const table = contracts.table.connect(wallet);
    outbox.submit(wallet.address, "stake.register", () =>
      table.register(wallet.address, wallet.address, stake, keys.publicKey, keys.proofOfPossession),
    );
    return "sent";
  }
  return state;
}

/** Claims the account's rewards to itself (its own withdrawer), if it has any. */
export async function claimOwnRewards(
  wallet: OperatorWallet,
  contracts: ProtocolContracts,
  outbox: Outbox,
): Promise<void> {
  const owed = await contracts.rewards.claimable(wallet.address);
  if (owed.proving + owed.sequencing + owed.submitting === 0n) return;
  const rewards = contracts.rewards.connect(wallet);
  outbox.submit(wallet.address, "rewards.claim", () => rewards.claim(wallet.address));
}
