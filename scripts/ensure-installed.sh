#!/usr/bin/env bash
# Installs the project's npm dependencies when they are missing or older than the lock file,
# so the README's commands work on a fresh clone (better-sqlite3 compiles here: ~2 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The web app the cloud serves: built when missing or older than its sources (Vite, ~2 s).
web=packages/web
if [ ! -f "$web/dist/index.html" ] || [ -n "$(find "$web/src" "$web/index.html" -newer "$web/dist/index.html" -print -quit)" ]; then
  npm run build -w @ferry/web
fi
