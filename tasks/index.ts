/**
 * The operator tasks, registered in `hardhat.config.ts`. Each action lives in its own file and
 * is loaded only when its task runs; `npx hardhat <task> --help` prints the options below.
 *
 * Every task takes `--network <name>`, `--rewards <address>` (default: Ignition's deployment
 * for the chain in deploy/deployments/) and `--signer <address>` (default: the network's first
 * account). A refused request prints why and exits with code 1 without sending anything.
 * See docs/operators.md.
 */
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

/** `--rewards` and `--signer`, which every operator task takes. */
function operatorTask(name: string, description: string) {
  return task(name, description)
    .addOption({
      name: "rewards",
      description: "ProverRewards address (default: Ignition's deployment for the chain)",
      type: ArgumentType.STRING_WITHOUT_DEFAULT,
      defaultValue: undefined,
    })
    .addOption({
      name: "signer",
      description: "Sign with this account of the network (default: its first account)",
      type: ArgumentType.STRING_WITHOUT_DEFAULT,
      defaultValue: undefined,
    });
}

const keyFileOption = {
  name: "keyFile",
  description:
    "BLS key file: EIP-2335 keystore or plaintext (default: PROVER_BLS_KEY, else the keystore register wrote)",
  type: ArgumentType.STRING_WITHOUT_DEFAULT,
  defaultValue: undefined,
} as const;

const dryRunFlag = { name: "dryRun", description: "Check and print; send nothing" } as const;

export const registerTask = operatorTask(
  "register",
  "Stake and register the signer as an operator with a BLS key and its proof of possession",
)
  .addOption(keyFileOption)
  .addFlag({
    name: "generate",
    description:
      "Generate a BLS key into an EIP-2335 keystore (default .prover/<chain>-<operator>.keystore.json; password PROVER_BLS_PASSWORD)",
  })
  .addOption({
    name: "stake",
    description: "Tokens to stake, e.g. 150 or 150.5 (default: the table's minimum stake)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "withdrawer",
    description: "Who may exit and withdraw the stake and receives claims (default: the signer)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addFlag(dryRunFlag)
  .setAction(() => import("./register.js"))
  .build();

export const statusTask = operatorTask(
  "status",
  "Print an operator's stake, next elections, credited chunks, claimable rewards and slashes",
)
  .addOption({
    name: "operator",
    description: "The operator to report on (default: the signer)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "fromBlock",
    description: "First L1 block to read events from (e.g. the deployment block)",
    type: ArgumentType.INT,
    defaultValue: 0,
  })
  .setAction(() => import("./status.js"))
  .build();

export const revealTask = operatorTask(
  "reveal",
  "Reveal the signer's VRF proof for the next epoch's committee, if it is eligible",
)
  .addOption(keyFileOption)
  .addOption({
    name: "epoch",
    description: "The epoch to reveal for (default: the next one)",
    type: ArgumentType.INT,
    defaultValue: 0,
  })
  .addFlag(dryRunFlag)
  .setAction(() => import("./reveal.js"))
  .build();

export const exitTask = operatorTask(
  "exit",
  "Start an operator's exit (as its withdrawer), or finalize it with --finalize after the delay",
)
  .addOption({
    name: "operator",
    description: "The operator to exit (default: the signer)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "recipient",
    description: "Where --finalize pays the balance (default: the signer)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addFlag({ name: "finalize", description: "Finalize the exit instead of starting it" })
  .addFlag(dryRunFlag)
  .setAction(() => import("./exit.js"))
  .build();

export const claimTask = operatorTask(
  "claim",
  "Claim an account's ProverRewards balances (prints them first)",
)
  .addOption({
    name: "account",
    description: "Account whose balances to claim (default: the signer)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "recipient",
    description: "Pay this address with claimTo (only the withdrawer may)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "fromBlock",
    description: "First L1 block --settle reads events from (e.g. the deployment block)",
    type: ArgumentType.INT,
    defaultValue: 0,
  })
  .addFlag({ name: "settle", description: "First settle every epoch that is ready" })
  .addFlag(dryRunFlag)
  .setAction(() => import("./claim.js"))
  .build();

export const operatorTasks = [registerTask, statusTask, revealTask, exitTask, claimTask];
