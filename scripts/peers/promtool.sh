#!/usr/bin/env bash
# Makes sure Debian's promtool (package `prometheus`) is at /usr/bin/promtool: the metrics tests
# run `promtool check metrics` on the real output of the cloud and the agent. Only the tool is
# used; the package's Prometheus service is not started.
set -euo pipefail
if [ ! -x /usr/bin/promtool ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus; }
fi
/usr/bin/promtool --version 2>&1 | head -1
