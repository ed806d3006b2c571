#!/usr/bin/env bash
# Quick start, command 1: install, run the main job (`npm start`), then the whole-network
# simulation (`npm run sim`: 64 prover clients x 32 blocks against the deployed contracts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
npm start
npm run sim
