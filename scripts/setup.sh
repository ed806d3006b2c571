#!/usr/bin/env bash
# Quick start, command 1: install, then run the main job (`npm start`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
npm start
