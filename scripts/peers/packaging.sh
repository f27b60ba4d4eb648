#!/usr/bin/env bash
# Makes sure Debian's packaging tools are there for `npm run package` and its test
# (test/e2e/packages.test.ts): dpkg-deb and dpkg-shlibdeps (dpkg-dev), and lintian.
# Kept out of ensure-installed.sh, which `npm start` runs: a demo needs no packaging tools.
set -euo pipefail
if ! command -v lintian >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends lintian dpkg-dev ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends lintian dpkg-dev; }
fi
lintian --version
