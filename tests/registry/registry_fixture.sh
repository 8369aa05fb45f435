#!/usr/bin/env bash
# ctest fixture for the registry integration tests: starts (or stops) the
# local registry of registry_server.mjs in the background.
#
#   registry_fixture.sh start <state-dir>   writes <state-dir>/ready: "READY <proxy> <verdaccio> <token>"
#   registry_fixture.sh stop  <state-dir>
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cmd=${1:?start|stop}
state=${2:?state dir}
case "$cmd" in
  start)
    rm -rf "$state"
    mkdir -p "$state"
    if ! command -v node >/dev/null; then echo "node is not installed (scripts/bootstrap installs it)" >&2; exit 1; fi
    if [[ ! -x "$here/../../node_modules/.bin/verdaccio" ]]; then
      echo "verdaccio is not installed: run 'npm ci' at the repository root (scripts/bootstrap does)" >&2; exit 1
    fi
    node "$here/registry_server.mjs" --detach --workdir "$state/work" >"$state/out" 2>"$state/err" &
    echo $! >"$state/pid"
    for _ in $(seq 1 300); do
      if grep -q '^READY ' "$state/out" 2>/dev/null; then
        grep '^READY ' "$state/out" >"$state/ready"
        exit 0
      fi
      if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then
        echo "registry server exited:" >&2; cat "$state/err" >&2; exit 1
      fi
      sleep 0.2
    done
    echo "registry server not ready after 60 s" >&2; cat "$state/err" >&2
    kill "$(cat "$state/pid")" 2>/dev/null || true
    exit 1
    ;;
  stop)
    if [[ -f "$state/pid" ]]; then
      pid=$(cat "$state/pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    # Verdaccio is a child of the server; make sure nothing outlives the tests.
    pkill -f -- "--config $state/work/config.yaml" 2>/dev/null || true
    rm -rf "$state/work"
    ;;
  *) echo "usage: $0 start|stop <state-dir>" >&2; exit 2 ;;
esac
