/**
 * What every operator client does with its own account, prover or sequencer alike: knows its
 * address and key hash, registers its stake and BLS key (approve, then register, one step per L1
 * block because the registration pulls the approved tokens), notices its registration on L1, and
 * claims its rewards to itself. `ProverClient` and `SequencerClient` extend it.
 */
import { encodeG1, publicKeyOf, type SecretKey } from "../protocol/bls.js";
import { publicKeyHash, registrationKeys } from "../protocol/stake.js";
import type {
  ChainEvent,
  OperatorWallet,
  Outbox,
  ProtocolContracts,
  ProtocolParams,
} from "./chain.js";
import type { Transport } from "./messages.js";

export type RegistrationState = "new" | "approved" | "sent" | "registered";

export interface OperatorAccount {
  wallet: OperatorWallet;
  secretKey: SecretKey;
  /** Tokens to stake at registration. */
  stake: bigint;
}

export abstract class OperatorClient<Config extends OperatorAccount = OperatorAccount> {
  readonly address: string;
  /** keccak256 of the operator's 128-byte BLS public key, as the stake table stores it. */
  readonly keyHash: string;
  private registration: RegistrationState = "new";

  constructor(
    readonly config: Config,
    protected readonly contracts: ProtocolContracts,
    protected readonly params: ProtocolParams,
    protected readonly transport: Transport,
    protected readonly outbox: Outbox,
  ) {
    this.address = config.wallet.address;
    this.keyHash = publicKeyHash(encodeG1(publicKeyOf(config.secretKey)));
  }

  get registered(): boolean {
    return this.registration === "registered";
  }

  /** Marks the client registered once its `OperatorRegistered` event is seen. */
  protected noteRegistration(e: ChainEvent): void {
    if (e.name === "OperatorRegistered" && e.operator === this.address) {
      this.registration = "registered";
    }
  }

  /** Sends the next registration transaction: approve, then register (one step per block). */
  setup(): void {
    const { wallet, stake, secretKey } = this.config;
    if (this.registration === "new") {
      this.registration = "approved";
      const token = this.contracts.token.connect(wallet);
      this.outbox.submit(this.address, "setup.approve", () =>
        token.approve(this.params.addresses.table, stake),
      );
    } else if (this.registration === "approved") {
      this.registration = "sent";
      const keys = registrationKeys(
        secretKey,
        { chainId: this.params.chainId, verifyingContract: this.params.addresses.table },
        this.address,
      );
      const table = this.contracts.table.connect(wallet);
      this.outbox.submit(this.address, "stake.register", () =>
        table.register(this.address, this.address, stake, keys.publicKey, keys.proofOfPossession),
      );
    }
  }

  /** Claims the account's rewards to itself (its own withdrawer), if it has any. */
  async claim(): Promise<void> {
    const owed = await this.contracts.rewards.claimable(this.address);
    if (owed.proving + owed.sequencing + owed.submitting === 0n) return;
    const rewards = this.contracts.rewards.connect(this.config.wallet);
    this.outbox.submit(this.address, "rewards.claim", () => rewards.claim(this.address));
  }
}
