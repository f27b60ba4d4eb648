#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (test/browser),
# which drive it with playwright-core; playwright's own browser download is never used.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }
fi
/usr/bin/chromium --version >/dev/null
