#!/usr/bin/env bash
# npm's resolver against callboard's solver, side by side, on requests npm
# cannot resolve although a solution exists (its placement is greedy and
# never backtracks), plus one request both resolve (for the time ratio).
#
#   benchmarks/solver_vs_npm.sh <callboard binary> [runs]
#
# Starts the local test registry (tests/registry/registry_server.mjs:
# Verdaccio behind a proxy), publishes the packages of each case there, then
# for each case: `npm install <request> --package-lock-only --ignore-scripts`
# in a fresh app folder, and `callboard index` + `callboard solve` on the
# same app and request against the same registry. Prints one line per case:
# what npm said (ok / its error code), what callboard said (the versions, or
# unsatisfiable), and the median wall time of each over <runs> runs (default
# 5) with their ratio. Needs node, npm and node_modules (scripts/bootstrap).
# REGISTRY_SERVER=<path to registry_server.mjs> uses another checkout's copy
# (one whose node_modules is installed).
set -euo pipefail
cli=$(realpath "${1:?usage: $0 <callboard binary> [runs]}")
runs=${2:-5}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

node "${REGISTRY_SERVER:-$repo/tests/registry/registry_server.mjs}" --detach --workdir "$tmp/registry" >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!
for _ in $(seq 1 300); do grep -q '^READY ' "$tmp/server.out" 2>/dev/null && break; sleep 0.2; done
read -r _ registry _ _ < <(grep '^READY ' "$tmp/server.out") || { cat "$tmp/server.err" >&2; exit 1; }

publish() {  # publish '<json manifest>'
  curl -sf -X POST -H 'content-type: application/json' --data "$1" "${registry%/}/-/publish" >/dev/null
}

# --- The cases ------------------------------------------------------------------
# peer-backoff: the newest plugin wants a host the app does not have; an
#   older plugin fits (npm picks the newest, then fails on the app's own host).
publish '{"name":"cbx-host","version":"1.0.0"}'
publish '{"name":"cbx-host","version":"2.0.0"}'
publish '{"name":"cbx-plugin","version":"1.0.0","peerDependencies":{"cbx-host":"^1.0.0"}}'
publish '{"name":"cbx-plugin","version":"2.0.0","peerDependencies":{"cbx-host":"^2.0.0"}}'
# missing-target (PacSolve's example 4): the newest version depends on a
#   version that does not exist; the older one has no dependencies.
publish '{"name":"cbx-b","version":"1.0.0"}'
publish '{"name":"cbx-a","version":"1.0.0"}'
publish '{"name":"cbx-a","version":"2.0.0","dependencies":{"cbx-b":"9.9.9"}}'
# peer-chain: the newest plugin brings a library whose peer wants the newer
#   host; the older plugin's library accepts the app's host.
publish '{"name":"cbx-lib","version":"1.0.0","peerDependencies":{"cbx-host":"^1.0.0"}}'
publish '{"name":"cbx-lib","version":"2.0.0","peerDependencies":{"cbx-host":"^2.0.0"}}'
publish '{"name":"cbx-tool","version":"1.0.0","peerDependencies":{"cbx-lib":"^1.0.0"}}'
publish '{"name":"cbx-tool","version":"2.0.0","peerDependencies":{"cbx-lib":"^2.0.0"}}'
# plain: a request both resolve the same way (the time baseline).
publish '{"name":"cbx-leaf","version":"1.0.0"}'
publish '{"name":"cbx-leaf","version":"1.1.0"}'
publish '{"name":"cbx-mid","version":"1.0.0","dependencies":{"cbx-leaf":"^1.0.0"}}'

# name | the app's dependencies (JSON) | the request
cases=(
  'peer-backoff|{"cbx-host":"^1.0.0"}|cbx-plugin'
  'missing-target|{}|cbx-a'
  'peer-chain|{"cbx-host":"^1.0.0"}|cbx-tool'
  'plain|{}|cbx-mid'
)

db="sqlite:$tmp/callboard.db"
NPM_CONFIG_REGISTRY="$registry" "$cli" index --db "$db" --no-seed --quiet \
  --package cbx-host --package cbx-plugin --package cbx-a --package cbx-b --package cbx-lib \
  --package cbx-tool --package cbx-leaf --package cbx-mid >/dev/null

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-15s %-22s %-40s %9s %9s %7s\n' case npm callboard npm_ms cb_ms ratio
for entry in "${cases[@]}"; do
  IFS='|' read -r name deps request <<<"$entry"
  npm_times=() cb_times=()
  npm_result= cb_result=
  for _ in $(seq 1 "$runs"); do
    app="$tmp/app-$name"
    rm -rf "$app" && mkdir -p "$app"
    printf '{"name":"app","version":"1.0.0","private":true,"dependencies":%s}\n' "$deps" >"$app/package.json"
    t0=$(now_ms)
    if (cd "$app" && npm install "$request" --package-lock-only --ignore-scripts --no-audit --no-fund \
          --registry "$registry" >"$tmp/npm.out" 2>"$tmp/npm.err"); then
      npm_result="ok:$(node -e 'const l=require(process.argv[1]);console.log(Object.entries(l.packages).filter(([k])=>k).map(([k,v])=>k.replace(/^node_modules\//,"")+"@"+v.version).join(","))' "$app/package-lock.json")"
    else
      npm_result=$(grep -o 'code E[A-Z]*' "$tmp/npm.err" | head -1 | cut -d' ' -f2)
      npm_result=${npm_result:-failed}
    fi
    npm_times+=($(( $(now_ms) - t0 )))
    rm -f "$app/package-lock.json"
    t0=$(now_ms)
    if "$cli" solve --db "$db" --app "$app" add "$request" --json >"$tmp/cb.out" 2>"$tmp/cb.err"; then
      cb_result="ok:$(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(d.plan.packages.map(p=>p.name+"@"+p.version).join(","))' "$tmp/cb.out")"
    else
      cb_result="unsatisfiable"
    fi
    cb_times+=($(( $(now_ms) - t0 )))
  done
  npm_ms=$(printf '%s\n' "${npm_times[@]}" | median)
  cb_ms=$(printf '%s\n' "${cb_times[@]}" | median)
  ratio=$(awk -v a="$npm_ms" -v b="$cb_ms" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
  printf '%-15s %-22s %-40s %9s %9s %7s\n' "$name" "$npm_result" "$cb_result" "$npm_ms" "$cb_ms" "$ratio"
done
