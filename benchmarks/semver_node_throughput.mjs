#!/usr/bin/env node
// ops/s of node-semver on the benchmark corpus, in the same loops as
// benchmarks/semver_throughput.cpp (see that file and semver_vs_node.sh).
//
//   node benchmarks/semver_node_throughput.mjs --corpus PATH [--seconds S]
//
// node-semver is resolved from the repository's node_modules (pinned by
// package.json; `npm ci` or scripts/bootstrap installs it), or from the
// package directory in CALLBOARD_NODE_SEMVER.
//
// node-semver memoises Range parsing: parseRange keeps the comparators of the
// last 1000 `||`-parts in an LRU keyed by options + part text. So range parsing
// and string-level satisfies are measured three ways:
//   as-is   the cache on, corpus order (what a caller gets);
//   cold    the cache off (LRUCache.prototype.get patched to miss; set still runs);
//   warm    (range_parse_warm_subset) a subset small enough to stay cached.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'package.json'));

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const corpusPath = arg('--corpus');
const seconds = Number(arg('--seconds', '2'));
if (!corpusPath) {
  console.error('usage: semver_node_throughput.mjs --corpus PATH [--seconds S]');
  process.exit(2);
}

const semverDir = process.env.CALLBOARD_NODE_SEMVER || path.dirname(require.resolve('semver/package.json'));
const semverVersion = require(path.join(semverDir, 'package.json')).version;
const semver = require(semverDir);
const LRUCache = require(path.join(semverDir, 'internal', 'lrucache.js'));
const { SemVer, Range } = semver;

// ---- corpus: the same derivation as benchmarks/corpus.cpp
const doc = JSON.parse(readFileSync(corpusPath, 'utf8'));
const ranges = doc.ranges.map((r) => (typeof r === 'string' ? r : ''));
const packageNames = Object.keys(doc.versions).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const packageIndex = new Map(packageNames.map((n, i) => [n, i]));
const packageVersions = packageNames.map((n) =>
  (Array.isArray(doc.versions[n]) ? doc.versions[n] : []).filter((v) => typeof v === 'string'));
const versions = [];
const packageOffset = [];
for (const list of packageVersions) {
  packageOffset.push(versions.length);
  versions.push(...list);
}
packageOffset.push(versions.length);
const pairs = [];
for (const p of doc.pairs || []) {
  if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'string') continue;
  const pkg = packageIndex.get(p[1]);
  if (p[0] < 0 || p[0] >= ranges.length || pkg === undefined || packageVersions[pkg].length === 0) continue;
  pairs.push([p[0], pkg]);
}
const checkRange = [];
const checkVersion = [];
for (const [r, pkg] of pairs) {
  for (let v = packageOffset[pkg]; v < packageOffset[pkg + 1]; ++v) {
    checkRange.push(r);
    checkVersion.push(v);
  }
}
const warm = [];
{
  let parts = 0;
  for (const r of ranges) {
    const n = r.split('||').length;
    if (parts + n > 900) break;
    parts += n;
    warm.push(r);
  }
}

console.log(JSON.stringify({
  corpus: doc.generated && !corpusPath.endsWith('registry-corpus.json') ? String(doc.generated) : corpusPath,
  ranges: ranges.length, packages: packageNames.length, versions: versions.length,
  pairs: pairs.length, checks: checkRange.length, semver: semverVersion, node: process.version,
}));

// ---- measurement: same structure as measure() in semver_throughput.cpp
function measure(op, opsPerPass, pass) {
  // Warm up the JIT: at least one pass and 0.5 s.
  const checksum = pass();
  const warmStart = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - warmStart) / 1e9 < 0.5) pass();
  let passes = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let elapsed = 0;
  do {
    if (pass() !== checksum) {
      console.error(`${op}: checksum changed between passes`);
      process.exit(3);
    }
    ++passes;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < seconds);
  // All of node's threads: the JIT and GC helpers' work is part of the cost.
  const cpuUsed = process.cpuUsage(cpuStart);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
  const ops = passes * opsPerPass;
  console.log(JSON.stringify({
    impl: 'node-semver', op, ops, seconds: Number(elapsed.toFixed(3)), cpu_seconds: Number(cpu.toFixed(3)),
    ops_per_sec: Number((ops / elapsed).toFixed(1)), ops_per_cpu_sec: Number((ops / cpu).toFixed(1)), checksum,
  }));
}

const originalGet = LRUCache.prototype.get;
function withCold(fn) {
  LRUCache.prototype.get = function get() { return undefined; };
  try { fn(); } finally { LRUCache.prototype.get = originalGet; }
}

const parseVersions = () => {
  let ok = 0;
  for (let i = 0; i < versions.length; ++i) {
    try { new SemVer(versions[i]); ++ok; } catch { /* invalid */ }
  }
  return String(ok);
};
const parseRanges = (list, options) => () => {
  let ok = 0;
  for (let i = 0; i < list.length; ++i) {
    try { new Range(list[i], options); ++ok; } catch { /* invalid */ }
  }
  return String(ok);
};
const satisfiesStrings = () => {
  let yes = 0;
  for (let i = 0; i < checkRange.length; ++i) {
    if (semver.satisfies(versions[checkVersion[i]], ranges[checkRange[i]])) ++yes;
  }
  return String(yes);
};

measure('version_parse', versions.length, parseVersions);
measure('range_parse', ranges.length, parseRanges(ranges));
withCold(() => measure('range_parse_cold', ranges.length, parseRanges(ranges)));
withCold(() => measure('range_parse_loose_cold', ranges.length, parseRanges(ranges, { loose: true })));
measure('range_parse_warm_subset', warm.length, parseRanges(warm));
measure('satisfies_string', checkRange.length, satisfiesStrings);
withCold(() => measure('satisfies_string_cold', checkRange.length, satisfiesStrings));

{
  const parsedRanges = ranges.map((r) => { try { return new Range(r); } catch { return null; } });
  const parsedVersions = versions.map((v) => { try { return new SemVer(v); } catch { return null; } });
  const pr = [];
  const pv = [];
  for (let i = 0; i < checkRange.length; ++i) {
    const r = parsedRanges[checkRange[i]];
    const v = parsedVersions[checkVersion[i]];
    if (r && v) { pr.push(r); pv.push(v); }
  }
  measure('satisfies_parsed', pr.length, () => {
    let yes = 0;
    for (let i = 0; i < pr.length; ++i) if (pr[i].test(pv[i])) ++yes;
    return String(yes);
  });
}

measure('max_satisfying', pairs.length, () => {
  let found = 0;
  let length = 0;
  for (const [r, pkg] of pairs) {
    const best = semver.maxSatisfying(packageVersions[pkg], ranges[r]);
    if (best !== null) { ++found; length += best.length; }
  }
  return `${found}/${length}`;
});

// How often the cache would have hit in corpus order (untimed): the as-is
// rows are only as warm as this.
{
  let gets = 0;
  let hits = 0;
  LRUCache.prototype.get = function get(key) {
    const value = originalGet.call(this, key);
    ++gets;
    if (value !== undefined) ++hits;
    return value;
  };
  parseRanges(ranges)(); parseRanges(ranges)();
  const rangeRate = hits / gets;
  gets = 0; hits = 0;
  satisfiesStrings();
  const satisfiesRate = hits / gets;
  LRUCache.prototype.get = originalGet;
  console.log(JSON.stringify({ cache_hit_rate: { range_parse: rangeRate, satisfies_string: satisfiesRate } }));
}
