#!/usr/bin/env node
// Checks, against node-semver itself, every property the fuzz targets assert,
// so that a fuzzer failure means "we differ from node-semver" and never
// "we asserted something node-semver does not do".
//
// Usage: node fuzz/check_properties_in_node.mjs [iterations]
// Resolves `semver` from the repository's node_modules (CALLBOARD_NODE_SEMVER
// may point at another package directory). Prints counterexamples, if any,
// and exits non-zero when a property fails.

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'package.json'));
const semverDir = process.env.CALLBOARD_NODE_SEMVER || path.dirname(require.resolve('semver/package.json'));
const semver = require(semverDir);
const semverVersion = require(path.join(semverDir, 'package.json')).version;
const { SemVer, Range } = semver;

const iterations = Number(process.argv[2] || 200000);

// Small deterministic PRNG (mulberry32) so runs are reproducible.
let seed = 0x5eed;
const rand = () => {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const chance = (p) => rand() < p;

const nums = ['0', '1', '2', '3', '10', '01', '00', '9007199254740991', '9007199254740992',
  '99999999999999999999', '123'];
const ids = ['alpha', 'beta', '0', '1', '01', 'rc', 'x', 'X', '-', 'a-b', '1a', '0999999999999999999999',
  '9007199254740991', '9007199254740992', 'pre', ''];
const parts = ['x', 'X', '*'];
const spaces = [' ', '  ', '\t', '\n', '\u00a0', '\ufeff', ''];

function genVersionish() {
  let s = '';
  if (chance(0.2)) s += pick(['v', '=', 'v=', '= v ', ' v', 'V']);
  const n = 1 + Math.floor(rand() * 3);
  const comps = [];
  for (let i = 0; i < n; i++) comps.push(chance(0.15) ? pick(parts) : pick(nums));
  if (chance(0.05)) comps.push(pick(nums));
  s += comps.join('.');
  if (chance(0.35)) {
    s += chance(0.85) ? '-' : '';
    const k = 1 + Math.floor(rand() * 3);
    const pre = [];
    for (let i = 0; i < k; i++) pre.push(pick(ids));
    s += pre.join('.');
  }
  if (chance(0.15)) s += '+' + pick(['build', '1', 'sha.5', 'a-b.c', '']);
  return s;
}

function genComparator() {
  const op = pick(['', '', '^', '~', '~>', '>', '>=', '<', '<=', '=', '<>', '!']);
  const sp = chance(0.2) ? pick(spaces) : '';
  if (chance(0.05)) return pick(['*', 'x', '', 'latest', '>=*', '<*']);
  return op + sp + genVersionish();
}

function genSimple() {
  if (chance(0.12)) return genVersionish() + pick([' - ', ' -  ', '\t-\t', '-', ' - ']) + genVersionish();
  const k = 1 + Math.floor(rand() * 3);
  const cs = [];
  for (let i = 0; i < k; i++) cs.push(genComparator());
  return cs.join(pick([' ', '  ', '\t', ' ', ', ']));
}

function genRange() {
  const k = 1 + Math.floor(rand() * 3);
  const ss = [];
  for (let i = 0; i < k; i++) ss.push(genSimple());
  let s = ss.join(pick(['||', ' || ', ' ||', '|| ', '|']));
  if (chance(0.1)) s = pick(spaces) + s + pick(spaces);
  return s;
}

const optionCombos = [{}, { loose: true }, { includePrerelease: true }, { loose: true, includePrerelease: true }];

// Versions to probe a range with: digit runs of the input, coerced, plus
// prerelease variants and the bounds of every comparator.
function probeVersions(rangeText, range) {
  const out = new Set(['0.0.0', '0.0.0-0', '1.0.0', '1.2.3-alpha', '2.0.0-0', '9007199254740991.0.0']);
  for (const set of range ? range.set : []) {
    for (const c of set) {
      if (c.semver === Comparator.ANY) continue;
      const v = c.semver;
      out.add(v.version);
      out.add(`${v.major}.${v.minor}.${v.patch}`);
      out.add(`${v.major}.${v.minor}.${v.patch}-0`);
      out.add(`${v.major}.${v.minor}.${v.patch}-zzz`);
      if (v.patch < 9007199254740991) out.add(`${v.major}.${v.minor}.${v.patch + 1}-0`);
      if (v.prerelease.length) out.add(`${v.version}.0`);
    }
  }
  const c = semver.coerce(rangeText, { includePrerelease: true });
  if (c) out.add(c.version);
  return [...out];
}
const { Comparator } = semver;

const failures = [];
const fail = (prop, detail) => {
  if (failures.length < 5000) failures.push({ prop, ...detail });
};

// --- version properties
function checkVersion(text) {
  for (const opts of optionCombos) {
    let v = null;
    try { v = new SemVer(text, opts); } catch { v = null; }
    if (v) {
      // parse(to_string(v)) == v, same options, when within MAX_LENGTH.
      const full = v.build.length ? `${v.version}+${v.build.join('.')}` : v.version;
      if (full.length <= 256) {
        let w = null;
        try { w = new SemVer(full, opts); } catch { w = null; }
        if (!w || w.version !== v.version || w.compareBuild(v) !== 0 || w.compare(v) !== 0) {
          fail('version-roundtrip', { text, opts, got: w && w.version });
        }
      }
      if (v.version.length <= 256) {
        let w = null;
        try { w = new SemVer(v.version, opts); } catch { w = null; }
        if (!w || w.version !== v.version) fail('version-roundtrip-nobuild', { text, opts });
      }
    }
    // clean(x) = s  =>  valid(s) == s and clean(s) == s (same options).
    const c = semver.clean(text, opts);
    if (c !== null) {
      if (semver.valid(c, opts) !== c) fail('clean-valid', { text, opts, c });
      if (semver.clean(c, opts) !== c) fail('clean-idempotent', { text, opts, c });
    }
  }
  // Loose accepts everything strict does, with the same result, and
  // includePrerelease does not change how a version parses.
  const parsed = optionCombos.map((opts) => {
    try {
      const v = new SemVer(text, opts);
      return v.build.length ? `${v.version}+${v.build.join('.')}` : v.version;
    } catch { return null; }
  });
  if (parsed[0] !== null && parsed[1] !== parsed[0]) fail('strict-implies-loose', { text, parsed });
  if (parsed[0] !== parsed[2] || parsed[1] !== parsed[3]) fail('includePrerelease-irrelevant', { text, parsed });
  for (const rtl of [false, true]) {
    for (const includePrerelease of [false, true]) {
      const opts = { rtl, includePrerelease };
      const v = semver.coerce(text, opts);
      if (v) {
        const full = v.build.length ? `${v.version}+${v.build.join('.')}` : v.version;
        // coerce(coerce(x)) == coerce(x)
        const w = semver.coerce(full, opts);
        if (!w || w.version !== v.version || w.compareBuild(v) !== 0) {
          fail('coerce-idempotent', { text, opts, v: full, w: w && w.version });
        }
        // coerce output parses strictly (loose off).
        if (semver.valid(full) === null) fail('coerce-valid', { text, opts, v: full });
        if (!includePrerelease && (v.prerelease.length || v.build.length)) fail('coerce-plain', { text, opts });
      }
    }
  }
}

// --- range properties
function checkRange(text) {
  for (const opts of optionCombos) {
    let r = null;
    try { r = new Range(text, opts); } catch { r = null; }
    if (!r) continue;
    const canon = r.range || '*';
    if (semver.validRange(text, opts) !== canon) fail('validRange-is-range', { text, opts });
    // validRange is idempotent under the same options in strict mode. In
    // loose mode it is not: `~00` gives `>=0.0.0 <1.0.0-0` (the `>=00.0.0`
    // the tilde produced escapes the GTE0 rewrite, then prints as `>=0.0.0`),
    // and reparsing that drops the `>=0.0.0`. A second round is a fixpoint.
    const again = semver.validRange(canon, opts);
    if (again === null) {
      fail('validRange-reparses', { text, opts, canon });
      continue;
    }
    if (again !== canon) {
      if (!opts.loose) fail('validRange-idempotent-strict', { text, opts, canon, again });
      const third = semver.validRange(again, opts);
      if (third !== again) fail('validRange-fixpoint-after-2', { text, opts, canon, again, third });
      const gte0 = opts.includePrerelease ? '>=0.0.0-0' : '>=0.0.0';
      const stripped = canon.split('||').map((set) => set.split(' ')
        .filter((c) => c !== gte0).join(' '));
      const expected = stripped.some((set) => set === '') ? '*' : stripped.join('||');
      if (again !== expected) fail('validRange-loose-drift-is-only-gte0', { text, opts, canon, again, expected });
    }
    // ...and, when it is a fixpoint, the reparsed range means the same (same
    // verdict on probes). Not so after loose drift: `>1.2.3-a||>=0.0.0`
    // becomes `*`, and `*` collapses the whole range, dropping the
    // prereleases the first set admitted.
    const r2 = again === canon ? new Range(canon, opts) : null;
    for (const p of probeVersions(text, r)) {
      let v;
      try { v = new SemVer(p); } catch { continue; }
      if (r2 && r.test(v) !== r2.test(v)) fail('reparse-same-meaning', { text, opts, canon, p });
      // String-level satisfies agrees with the parsed form.
      if (semver.satisfies(p, text, opts) !== r.test(v)) fail('satisfies-agrees', { text, opts, p });
    }
  }
}

const fixed = [
  '', ' ', '*', 'x', '>=0.0.0', '>=0.0.0-0', '<0.0.0-0', '<0.0.0', '^0.0.0', '~0', '1.x.5', 'x.1',
  '1.2.3 - 2.3', '1.0.0 - 2.0.0', '>=1.2.3 <1.0.0', '^1.2.3-beta.1', '1.2.3beta', '=v1.2.3', '~> 1.2',
  '^ 1', '> 1.2.3 < 1.2.5', '1 || 2 || *', '<0.0.0-0 || <0.0.0-0', '>=1.2.3+build', '1.2.3+build',
  '01.02.03', '1.2.3-01', '1.2.3-0999999999999999999999', '9007199254740992.0.0', 'v 1.2.3', '\u00a01.2.3',
  '1.2.3 -', '- 1.2.3', '~00', '>=00.0.0-0', '>=0.0.0-0 || 1', '1.2.3-beta || *', '>=00 || 1.2.3-beta',
  '>1.2.3-a || >=00', '^00 <1.2.3-a', '||', '|| 1', '1 ||', 'a || 1', '>=* <1', '<=*', '>*', '^*', '~*', '1.2.3-x.X',
];
for (const t of fixed) { checkVersion(t); checkRange(t); }
for (let i = 0; i < iterations; i++) {
  checkVersion(genVersionish());
  checkRange(genRange());
}

if (failures.length) {
  console.log(JSON.stringify(failures, null, 1));
  console.log(`${failures.length} counterexample(s)`);
  process.exit(1);
}
console.log(`all properties hold on ${iterations + fixed.length} generated inputs per kind (semver ${semverVersion})`);
