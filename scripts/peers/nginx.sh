#!/usr/bin/env bash
# Makes sure Debian's nginx is at /usr/sbin/nginx for the reverse-proxy test
# (packages/cloud/test/reverse-proxy.test.ts), which runs its own instance from a temp folder;
# the package's system service is not used.
set -euo pipefail
if [ ! -x /usr/sbin/nginx ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx-light ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx-light; }
fi
/usr/sbin/nginx -v 2>/dev/null
