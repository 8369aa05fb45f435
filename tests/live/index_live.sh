#!/usr/bin/env bash
# Opt-in live test (CALLBOARD_LIVE=1): indexes the whole Backstage ecosystem
# from the npm registry the npm configuration names, with the shipped seed
# data, and checks the counts; then re-syncs and checks nothing changed.
# Exits 77 (ctest: skipped) unless CALLBOARD_LIVE=1.
#
#   tests/live/index_live.sh <callboard-binary>
set -euo pipefail
cli=${1:?path to the callboard binary}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [[ "${CALLBOARD_LIVE:-0}" != 1 ]]; then
  echo "live test skipped: set CALLBOARD_LIVE=1 to index the configured registry"
  exit 77
fi
work=$(mktemp -d /tmp/callboard-live-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$cli" --json index --quiet --db "sqlite:$work/live.db" >"$work/first.json"
"$cli" --json index --quiet --db "sqlite:$work/live.db" >"$work/second.json"
"$cli" --json search --db "sqlite:$work/live.db" --limit 5 catalog >"$work/search.json"
python3 - "$work" "$repo/data" <<'PY'
import json, sqlite3, sys, os
work, data = sys.argv[1], sys.argv[2]
first = json.load(open(os.path.join(work, "first.json")))
second = json.load(open(os.path.join(work, "second.json")))
search = json.load(open(os.path.join(work, "search.json")))
names = [l.split("\t")[0] for l in open(os.path.join(data, "ecosystem", "packages.tsv")).read().splitlines()[1:] if l]
releases = len([f for f in os.listdir(os.path.join(data, "releases")) if f.endswith(".json")])
stored = {r[0] for r in sqlite3.connect(os.path.join(work, "live.db")).execute("select name from packuments")}
problems = []
missing_seeds = [n for n in names if n not in stored]
if missing_seeds: problems.append(f"{len(missing_seeds)} ecosystem packages not stored, e.g. {missing_seeds[:5]}")
if first["failed"]: problems.append(f"first run: {first['failed']} failures: {first['failures'][:3]}")
if first["packages"] < len(names): problems.append(f"only {first['packages']} packages (< {len(names)})")
if first["releases"] != releases: problems.append(f"{first['releases']} releases stored, {releases} shipped")
if first["plugins"] < 100: problems.append(f"only {first['plugins']} plugins")
if second["changed"] != 0: problems.append(f"re-sync rewrote {second['changed']} packages")
if search["total"] < 5: problems.append(f"search 'catalog' found {search['total']}")
print(f"live: {first['packages']} packages, {first['versions']} versions, {first['plugins']} plugins, "
      f"{len(first['missing'])} not found, {first['requests']} requests, {first['bytes']} bytes, "
      f"{first['elapsedMs']} ms; re-sync {second['elapsedMs']} ms, {second['unchanged']} unchanged")
for p in problems: print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
