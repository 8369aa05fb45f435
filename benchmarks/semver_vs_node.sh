#!/usr/bin/env bash
# Side-by-side throughput of callboard::semver and node-semver (the version
# pinned in package.json, from the repository's node_modules) on the SAME
# corpus in the same run. Prints a Markdown table of ops/s and ours/node.
#
# Usage: benchmarks/semver_vs_node.sh [--seconds S] [--repeat N] [--corpus PATH]
#   --seconds S    timed seconds per operation and side (default 2)
#   --repeat N     run both sides N times, alternating, and report each
#                  side's best run per operation (default 3; the machine is shared)
#   --corpus PATH  default tests/cases/semver/registry-corpus.json; when that
#                  file is missing a generated corpus is written to
#                  build/bench/generated-corpus.json and used by both sides
# Environment: CALLBOARD_NODE_SEMVER=<dir> uses another node-semver package dir.
#
# Builds build/bench (Release, g++ -O2). Raw results are kept in
# build/bench/semver_vs_node/{callboard,node}.<run>.jsonl. The two sides run one
# after the other, never at once, each single-threaded (node's GC and JIT
# helper threads aside). See benchmarks/RESULTS.md for what each row means.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build/bench"
out="$build/semver_vs_node"
seconds=2
repeat=3
corpus="$root/tests/cases/semver/registry-corpus.json"
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# node-semver, pinned.
if [[ -n ${CALLBOARD_NODE_SEMVER:-} ]]; then
  semver_dir=$CALLBOARD_NODE_SEMVER
else
  semver_dir=$(cd "$root" && node -p "require('path').dirname(require.resolve('semver/package.json'))" 2>/dev/null) || {
    echo "node-semver not found in $root/node_modules: run scripts/bootstrap (npm ci)" >&2
    exit 1
  }
fi
semver_version=$(node -p "require('$semver_dir/package.json').version")
wanted=$(node -p "require('$root/package.json').devDependencies.semver" 2>/dev/null || echo "7.8.5")
if [[ $semver_version != "$wanted" ]]; then
  echo "node-semver in $semver_dir is $semver_version, package.json pins $wanted: run scripts/bootstrap" >&2
  exit 1
fi

echo "building build/bench (Release, g++ -O2)..." >&2
mkdir -p "$out"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
  "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" -DCALLBOARD_BUILD_BENCHMARKS=ON \
  -DCALLBOARD_BUILD_TESTS=OFF -DCALLBOARD_BUILD_CLI=OFF -DCALLBOARD_INSTALL=OFF >"$out/configure.log" 2>&1 ||
  { tail -n 20 "$out/configure.log" >&2; exit 1; }
cmake --build "$build" --target semver_throughput semver_bench >"$out/build.log" 2>&1 ||
  { grep -E 'error' "$out/build.log" | head -n 20 >&2; exit 1; }
driver=$(find "$build" -type f -name semver_throughput -perm -u+x | head -n 1)

if [[ ! -f $corpus ]]; then
  echo "$corpus not found: generating a corpus" >&2
  corpus="$build/generated-corpus.json"
  "$driver" --corpus /nonexistent --write-corpus "$corpus" 2>/dev/null
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rm -f "$out"/callboard.*.jsonl "$out"/node.*.jsonl
for run in $(seq 1 "$repeat"); do
  echo "run $run/$repeat: callboard (${seconds}s per operation)..." >&2
  "$driver" --corpus "$corpus" --seconds "$seconds" >"$out/callboard.$run.jsonl"
  echo "run $run/$repeat: node-semver $semver_version (${seconds}s per operation)..." >&2
  CALLBOARD_NODE_SEMVER="$semver_dir" node "$root/benchmarks/semver_node_throughput.mjs" \
    --corpus "$corpus" --seconds "$seconds" >"$out/node.$run.jsonl"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$root" diff --quiet HEAD -- src include 2>/dev/null; then
  commit="$commit + uncommitted changes in src/ or include/"
fi
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
cxx=$(g++ --version | head -n 1)
node --input-type=module - "$out" "$repeat" <<EOF
import { readFileSync } from 'node:fs';
const read = (f) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const dir = process.argv[2];
const runs = Number(process.argv[3]);
const all = (side) => Array.from({ length: runs }, (_, i) => read(dir + '/' + side + '.' + (i + 1) + '.jsonl'));
const oursRuns = all('callboard');
const nodeRuns = all('node');
const ours = oursRuns[0];
const node = nodeRuns[0];
// Best run per operation and side, on wall time and on CPU time separately;
// the checksum must be the same in every run.
const get = (rows, op) => {
  const runsOf = (rows === ours ? oursRuns : nodeRuns).map((r) => r.find((x) => x.op === op)).filter(Boolean);
  if (!runsOf.length) return undefined;
  const checksums = new Set(runsOf.map((r) => r.checksum));
  return {
    ops_per_sec: Math.max(...runsOf.map((r) => r.ops_per_sec)),
    ops_per_cpu_sec: Math.max(...runsOf.map((r) => r.ops_per_cpu_sec)),
    spread: Math.min(...runsOf.map((r) => r.ops_per_sec)) / Math.max(...runsOf.map((r) => r.ops_per_sec)),
    checksum: checksums.size === 1 ? runsOf[0].checksum : [...checksums].join(' or '),
  };
};
const corpus = node[0];
const hits = node.find((r) => r.cache_hit_rate)?.cache_hit_rate ?? {};
const pct = (x) => (x === undefined ? '?' : (100 * x).toFixed(1) + '%');
console.log('corpus: ' + ours[0].corpus + ' (' + corpus.ranges + ' ranges, ' + corpus.versions +
  ' versions of ' + corpus.packages + ' packages, ' + corpus.checks + ' (range, version) pairs)');
console.log('callboard at commit ${commit}');
console.log('node-semver ' + corpus.semver + ' on node ' + corpus.node + '; callboard: $cxx, -O2');
console.log('machine: $(nproc) cores, ${cpu}; load average before ${load_before}, after ${load_after}');
console.log('best of ' + runs + ' alternating runs per side, ${seconds} s timed per operation and run');
console.log('node parse-cache hit rate in corpus order: range parse ' + pct(hits.range_parse) +
  ', satisfies ' + pct(hits.satisfies_string));
console.log('');
const rows = [
  ['version parse', 'version_parse', 'version_parse'],
  ['range parse (node cache as-is, corpus order)', 'range_parse', 'range_parse'],
  ['range parse (node cache off: cold)', 'range_parse', 'range_parse_cold'],
  ['range parse, warm subset (node: all cache hits)', 'range_parse_warm_subset', 'range_parse_warm_subset'],
  ['range parse, loose mode (node cache off)', 'range_parse_loose', 'range_parse_loose_cold'],
  ['satisfies(v, r) strings (node cache as-is)', 'satisfies_string', 'satisfies_string'],
  ['satisfies(v, r) strings (node cache off)', 'satisfies_string', 'satisfies_string_cold'],
  ['Range.test(SemVer), both pre-parsed', 'satisfies_parsed', 'satisfies_parsed'],
  ['maxSatisfying(versions of package, range)', 'max_satisfying', 'max_satisfying'],
];
const fmt = (x) => (x >= 1e6 ? (x / 1e6).toFixed(2) + 'M' : x >= 1e3 ? (x / 1e3).toFixed(1) + 'k' : x.toFixed(0));
console.log('| operation | callboard ops/s | node-semver ops/s | callboard/node | same on CPU time | worst/best run (ours, node) | results agree |');
console.log('|---|---:|---:|---:|---:|---:|---|');
let mismatches = 0;
for (const [label, ourOp, nodeOp] of rows) {
  const a = get(ours, ourOp);
  const b = get(node, nodeOp);
  if (!a || !b) { console.log('| ' + label + ' | missing | | | | | |'); continue; }
  const agree = a.checksum === b.checksum;
  if (!agree) ++mismatches;
  console.log('| ' + label + ' | ' + fmt(a.ops_per_sec) + ' | ' + fmt(b.ops_per_sec) + ' | ' +
    (a.ops_per_sec / b.ops_per_sec).toFixed(1) + 'x | ' +
    (a.ops_per_cpu_sec / b.ops_per_cpu_sec).toFixed(1) + 'x | ' +
    a.spread.toFixed(2) + ', ' + b.spread.toFixed(2) + ' | ' +
    (agree ? 'yes (' + a.checksum + ')' : 'NO: ' + a.checksum + ' vs ' + b.checksum) + ' |');
}
if (mismatches) {
  console.log('');
  console.log(mismatches + ' operation(s) computed different results from node-semver on this corpus.');
  process.exitCode = 1;
}
EOF
