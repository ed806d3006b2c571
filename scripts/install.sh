#!/usr/bin/env bash
# Installs the locked dependencies. Hardhat 3 needs Node >= 22.13 and npm only installs its native
# EDR binary when npm itself runs on Node >= 22, so on an older Node (this machine has 20) the
# install runs under the Node 24 binary from the npm registry. The project then carries its own
# Node 24 (devDependency `node`), which every `npm run` script finds first on its PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -ge 22 ]; then
  npm ci --no-audit --no-fund
else
  npx -y -p node@24 -- npm ci --no-audit --no-fund
fi
