#!/usr/bin/env bash
# A second lab for the test runner's second lab lane (scripts/run-tests.mjs): a network namespace
# of its own (loopback only), holding its own PostgreSQL cluster, Samba AD lab and OpenLDAP lab on
# the same well-known ports as the first lab, so suites run unchanged inside it.
#   lab-lane.sh up NAMESPACE DIR     provisions and starts everything; DIR/lab is FERRY_LAB_DIR
#   lab-lane.sh down NAMESPACE DIR   stops every process in the namespace, removes it and DIR
set -euo pipefail
action=$1 ns=$2 dir=$3
cd "$(dirname "$0")/../.."

stop() {
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$dir"
}

case $action in
  up)
    stop
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
    mkdir -p "$dir/pg" "$dir/pg-run"
    chmod 755 "$dir"
    chown postgres "$dir/pg" "$dir/pg-run"
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    runuser -u postgres -- "$bin/initdb" -D "$dir/pg" -A trust -U postgres >/dev/null
    ip netns exec "$ns" runuser -u postgres -- "$bin/pg_ctl" -D "$dir/pg" -l "$dir/pg-run/log" -w \
      -o "-c listen_addresses=127.0.0.1 -p 5432 -k $dir/pg-run -c max_connections=200 -c fsync=off" \
      start >/dev/null
    for statement in 'CREATE ROLE root SUPERUSER LOGIN' 'CREATE DATABASE root OWNER root' \
      'CREATE DATABASE test OWNER root'; do
      ip netns exec "$ns" psql -q -h 127.0.0.1 -U postgres -c "$statement" >/dev/null
    done
    ip netns exec "$ns" env FERRY_LAB_DIR="$dir/lab" npm run --silent lab -- up >/dev/null
    ip netns exec "$ns" env FERRY_LAB_DIR="$dir/lab" npm run --silent lab -- up openldap >/dev/null
    ;;
  down) stop ;;
  *)
    echo "usage: lab-lane.sh up|down NAMESPACE DIR" >&2
    exit 2
    ;;
esac
