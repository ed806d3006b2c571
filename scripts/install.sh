#!/usr/bin/env bash
# Installs the locked dependencies. Hardhat 3 needs Node >= 22.13 and npm only installs its native
# EDR binary when npm itself runs on Node >= 22, so on an older Node (this machine has 20) the
# install runs under the Node 24 binary from the npm registry. The project then carries its own
# Node 24 (devDependency `node`), which every `npm run` script finds first on its PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
# package.json's preinstall (scripts/check-node.mjs) refuses an npm running on Node < 22.13 with
# one line pointing here, so a plain `npm ci` cannot leave a half-working install behind.
if node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 13) ? 0 : 1)'; then
  npm ci --no-audit --no-fund
else
  echo "Node $(node -v) is older than 22.13: installing with npm on Node 24 (npx -p node@24)."
  npx -y -p node@24 -- npm ci --no-audit --no-fund
fi
