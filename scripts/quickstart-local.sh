#!/usr/bin/env bash
# The README's "deploy to a local node and claim" commands, run as a user would (CI runs this):
# npm run node in the background, two operators registered with the CLI task, npm run blocks,
# status, and a claim that must pay. Stops the node on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
work=$(mktemp -d)
# Its own process group, so that stopping it stops npm, tsx and the hardhat node under them.
setsid npm run node > "$log" 2>&1 &
node_pid=$!
cleanup() {
  kill -TERM -- "-$node_pid" 2>/dev/null || true
  wait "$node_pid" 2>/dev/null || true
  rm -rf "$work" "$log" .prover/31337-*.bls.json .prover/31337-*.keystore.json
}
trap cleanup EXIT
for _ in $(seq 1 240); do
  grep -q "Ctrl-C stops the node" "$log" && break
  if ! kill -0 "$node_pid" 2>/dev/null; then cat "$log"; exit 1; fi
  sleep 0.5
done
grep -q "Ctrl-C stops the node" "$log" || { cat "$log"; echo "node not ready" >&2; exit 1; }
# register --generate writes EIP-2335 keystores; their password (not a secret on a local node).
export PROVER_BLS_PASSWORD="quickstart-local-password"
a1=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
a2=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
npx --no-install hardhat register --network localhost --generate --signer "$a1"
npx --no-install hardhat register --network localhost --generate --signer "$a2"
npm run blocks
npx --no-install hardhat status --network localhost --signer "$a1"
npx --no-install hardhat claim --network localhost --signer "$a1" | tee "$work/claim.txt"
grep -q "paid" "$work/claim.txt"
echo "quick start on a local node: deployed, registered, proved, claimed"
