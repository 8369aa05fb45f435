#!/usr/bin/env bash
# Full index of the Backstage ecosystem, then the re-sync with nothing
# changed, side by side, against two servers:
#
#   configured  the npm registry your npm configuration names
#   mirror      a local Verdaccio holding the same packuments (it sends ETags,
#               so the re-sync is answered with 304s)
#
# Prints packages, versions, requests, bytes, wall time and peak memory of
# each run, and the first/re-sync ratio. Release build in build/release.
#
#   benchmarks/index_sync.sh [--skip-mirror] [--concurrency N]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
mirror=1
concurrency=32
while [[ $# -gt 0 ]]; do
  case "$1" in
    --skip-mirror) mirror=0 ;;
    --concurrency) concurrency=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "index_sync: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

cmake --preset release >/dev/null
cmake --build --preset release --target callboard_cli >/dev/null
cli="$repo/build/release/bin/callboard"
work=$(mktemp -d /tmp/callboard-index-bench-XXXXXX)
vpid=""
cleanup() {
  [[ -n "$vpid" ]] && kill "$vpid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# One run: prints "packages versions requests bytes changed unchanged failed wall_s rss_mb".
run_index() {  # db registry
  local out
  out=$(NPM_CONFIG_REGISTRY="$2" /usr/bin/time -f '%e %M' -o "$work/time" \
          "$cli" --json index --quiet --concurrency "$concurrency" --db "sqlite:$1")
  python3 - "$out" "$(cat "$work/time")" <<'EOF'
import json, sys
r = json.loads(sys.argv[1]); wall, rss = sys.argv[2].split()
print(r["packages"], r["versions"], r["requests"], r["bytes"], r["changed"], r["unchanged"], r["failed"],
      wall, int(rss) // 1024)
EOF
}

report() {  # label first second
  python3 - "$@" <<'EOF'
import sys
label, first, second = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
names = ["packages", "versions", "requests", "bytes", "changed", "unchanged", "failed", "wall s", "peak RSS MB"]
print(f"\n{label}")
print(f"  {'':12} {'first index':>14} {'re-sync':>14}")
for n, a, b in zip(names, first, second):
    print(f"  {n:12} {a:>14} {b:>14}")
print(f"  ratio first/re-sync wall time: {float(first[7]) / max(float(second[7]), 1e-3):.1f}x")
EOF
}

registry=$(npm config get registry 2>/dev/null)
echo "index_sync: $(nproc) cores, concurrency $concurrency"
first=$(run_index "$work/configured.db" "$registry")
second=$(run_index "$work/configured.db" "$registry")
report "configured registry (no ETag / Last-Modified: the re-sync downloads and hashes every packument)" "$first" "$second"

if [[ $mirror -eq 1 ]]; then
  # The mirror: every packument the first run stored, written into Verdaccio's storage.
  mkdir -p "$work/verdaccio/storage"
  touch "$work/verdaccio/htpasswd"
  cat >"$work/verdaccio/config.yaml" <<EOF
storage: $work/verdaccio/storage
auth:
  htpasswd:
    file: $work/verdaccio/htpasswd
uplinks: {}
packages:
  '**':
    access: \$all
    publish: \$authenticated
log: { type: stdout, format: json, level: error }
EOF
  sqlite3 "$work/configured.db" "select name from packuments" | while read -r name; do
    mkdir -p "$work/verdaccio/storage/$name"
    curl -sf "${registry%/}/${name/\//%2f}" -o "$work/verdaccio/storage/$name/package.json"
  done
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$repo/node_modules/.bin/verdaccio" --config "$work/verdaccio/config.yaml" --listen "127.0.0.1:$port" \
    >/dev/null 2>&1 &
  vpid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/-/ping" >/dev/null && break; sleep 0.2; done
  mfirst=$(run_index "$work/mirror.db" "http://127.0.0.1:$port/")
  msecond=$(run_index "$work/mirror.db" "http://127.0.0.1:$port/")
  report "local Verdaccio mirror of the same packuments (ETag: the re-sync is 304s)" "$mfirst" "$msecond"
fi
