#!/usr/bin/env bash
# The one command that runs every Ferry test (README: `npm test`). On a fresh Debian machine,
# as root, it installs what is missing, starts every peer the tests need (Samba AD lab,
# PostgreSQL, Chromium), builds, lints and runs all tiers. A peer that cannot start fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-installed.sh
npm run build
npm run typecheck
npm run lint
bash scripts/peers/postgres.sh
bash scripts/peers/chromium.sh
bash scripts/peers/nginx.sh
bash scripts/peers/packaging.sh
bash scripts/peers/promtool.sh
npm run lab -- up
npm run lab -- up openldap
node scripts/run-tests.mjs all "$@"
