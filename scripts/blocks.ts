/**
 * `npm run blocks`: drives L2 blocks on the deployment `npm run node` made, with the operators
 * you registered through the `register` task as honest prover clients and a simulated sequencer
 * (the simulator's clients, src/sim/simulator.ts), so that they earn rewards you can then claim
 * with the `claim` task. Local node only: a prover client needs its operator's private key, and
 * this script knows only the node's accounts (Hardhat's default mnemonic).
 *
 *   npm run blocks                    # 6 blocks on http://127.0.0.1:8545
 *   npm run blocks -- --blocks 12
 *
 * Operators are those registered on the deployment whose key file (what `register --generate`
 * writes: the EIP-2335 keystore `.prover/<chain>-<address>.keystore.json`, decrypted with
 * `PROVER_BLS_PASSWORD`, or a plaintext `.prover/<chain>-<address>.bls.json`) exists and whose
 * address is a node account.
 */
import path from "node:path";

import { HDNodeWallet, Mnemonic } from "ethers";
import hre, { network } from "hardhat";

import { UsageError } from "../src/cli.js";
import { OperatorWallet } from "../src/client/chain.js";
import { BLOCKS_HELP, parseBlocksArguments } from "../src/deploy/cli.js";
import { loadDeployment } from "../src/operator/deployment.js";
import {
  KEYSTORE_PASSWORD_VARIABLE,
  findOperatorKeyFile,
  loadBlsKeyFile,
} from "../src/node/keystore.js";
import { DEFAULT_OPTIONS } from "../src/sim/options.js";
import { runSimulation } from "../src/sim/simulator.js";
import { formatSummary } from "../src/sim/summary.js";

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

let blocks: number;
try {
  const parsed = parseBlocksArguments(process.argv.slice(2));
  if (parsed.help) {
    console.log(BLOCKS_HELP);
    process.exit(0);
  }
  blocks = parsed.blocks;
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${BLOCKS_HELP}`);
  process.exit(2);
}

const connection = await network.create("localhost");
try {
  const { ethers } = connection;
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const [owner] = await ethers.getSigners();
  const contracts = await loadDeployment(hre.config.paths.ignition, chainId, owner);
  const mnemonic = Mnemonic.fromPhrase(HARDHAT_MNEMONIC);
  const keys = new Map<string, string>();
  for (let i = 0; i < 20; i++) {
    const account = HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${i}`);
    keys.set(account.address, account.privateKey);
  }
  const provers = [];
  const registered = await contracts.table.queryFilter(
    contracts.table.filters.OperatorRegistered(),
  );
  for (const log of registered) {
    const operator = log.args.operator;
    const file = await findOperatorKeyFile(hre.config.paths.root, chainId, operator);
    const privateKey = keys.get(operator);
    if (privateKey === undefined || file === undefined) continue;
    const info = await contracts.table.operatorInfo(operator);
    if (info.status !== 1n) continue;
    provers.push({
      wallet: new OperatorWallet(privateKey, ethers.provider),
      secretKey: await loadBlsKeyFile(
        file,
        { passwordEnv: KEYSTORE_PASSWORD_VARIABLE },
        (message) => console.warn(`warning: ${message}`),
      ),
    });
    console.log(`prover ${operator} (key ${path.relative(hre.config.paths.root, file)})`);
  }
  if (provers.length === 0) {
    throw new Error(
      "no registered operator with a key file in .prover/: run `npx hardhat register " +
        "--network localhost --generate --signer <node account>` first",
    );
  }
  console.log(`Running ${blocks} blocks with ${provers.length} provers and a sequencer ...`);
  const { report, token } = await runSimulation(
    { ...DEFAULT_OPTIONS, provers: provers.length, blocks },
    connection,
    () => {},
    { contracts, deployedAfter: 0, provers, claim: false },
  );
  console.log(formatSummary(report, token));
  console.log("Claim with: npx hardhat claim --network localhost --signer <operator>");
} finally {
  await connection.close();
}
