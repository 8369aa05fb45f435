#!/usr/bin/env node
// Writes the data-driven semver golden cases, tests/cases/semver/<name>.json.
//
//   node tests/corpus/make-golden-cases.mjs
//
// The inputs below come from the research digest (shared/research/
// semver-and-solvers.md §1) and node-semver's README; every "expected" value
// is computed here by the real node-semver 7.8.5 (repo node_modules), so the
// tables cannot be wrong. tests/unit/semver/cases_test.cpp checks them
// against the C++ engine without node.
//
// intersects is the one exception: node-semver is wrong on some prerelease
// ranges (§1.6). Its expected value is the ground truth found by brute force
// (is there a version in a dense candidate pool that satisfies both ranges,
// by node's own satisfies?); where node disagrees the case also records
// "node" with node's answer.
import { createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '..', '..')
const outDir = path.join(repoRoot, 'tests', 'cases', 'semver')
const require = createRequire(path.join(repoRoot, 'package.json'))
const semver = require('semver')
if (require('semver/package.json').version !== '7.8.5') {
  throw new Error(`semver ${require('semver/package.json').version} installed; 7.8.5 required`)
}

const P = { includePrerelease: true }
const L = { loose: true }
const LP = { loose: true, includePrerelease: true }

function full (v) {
  if (v === null || v === undefined) return null
  if (v instanceof semver.SemVer) return v.build.length ? `${v.version}+${v.build.join('.')}` : v.version
  return v
}
function guard (fn) {
  try {
    const r = fn()
    return r === undefined ? null : r
  } catch {
    return null
  }
}

const evaluate = {
  satisfies: ([v, r], o) => semver.satisfies(v, r, o),
  valid: ([v], o) => semver.valid(v, o),
  clean: ([v], o) => semver.clean(v, o),
  validRange: ([r], o) => semver.validRange(r, o),
  compare: ([a, b], o) => guard(() => semver.compare(a, b, o)),
  compareBuild: ([a, b], o) => guard(() => semver.compareBuild(a, b, o)),
  maxSatisfying: ([l, r], o) => semver.maxSatisfying(l, r, o),
  minSatisfying: ([l, r], o) => semver.minSatisfying(l, r, o),
  minVersion: ([r], o) => guard(() => full(semver.minVersion(r, o))),
  subset: ([a, b], o) => guard(() => semver.subset(a, b, o)),
  gtr: ([v, r], o) => guard(() => semver.gtr(v, r, o)),
  ltr: ([v, r], o) => guard(() => semver.ltr(v, r, o)),
  inc: ([v, rel, id, base], o) => semver.inc(v, rel, o, id, base),
  diff: ([a, b]) => guard(() => semver.diff(a, b)),
  coerce: ([t], o) => full(semver.coerce(t, o)),
}

// ---- intersects ground truth -------------------------------------------
function successor (v) {
  const s = new semver.SemVer(v.version)
  if (s.prerelease.length) s.prerelease = [...s.prerelease, 0]
  else {
    s.patch++
    s.prerelease = [0]
  }
  return new semver.SemVer(s.format())
}
function witnessPool (r1, r2, o) {
  const pool = new Set(['0.0.0', '0.0.0-0'])
  for (const r of [r1, r2]) {
    for (const set of new semver.Range(r, o).set) {
      for (const c of set) {
        if (c.semver === semver.Comparator.ANY || !c.semver.version) continue
        const v = c.semver
        const rel = `${v.major}.${v.minor}.${v.patch}`
        const succ = successor(v)
        pool.add(v.version).add(succ.version).add(rel).add(`${succ.major}.${succ.minor}.${succ.patch}`)
        pool.add(`${rel}-0`).add(`${v.major}.${v.minor}.${v.patch + 1}`).add(`${v.major}.${v.minor + 1}.0`).add(`${v.major + 1}.0.0`)
      }
    }
  }
  return [...pool]
}
function exactIntersects (r1, r2, o) {
  if (semver.validRange(r1, o) === null || semver.validRange(r2, o) === null) return null
  return witnessPool(r1, r2, o).some(v => semver.satisfies(v, r1, o) && semver.satisfies(v, r2, o))
}
evaluate.intersects = ([a, b], o) => exactIntersects(a, b, o)

// ---- the tables -----------------------------------------------------------
function build (op, rows, defaultsFrom) {
  return rows.map(row => {
    const { args, opts = {}, note } = Array.isArray(row) ? { args: row } : row
    const c = { op, args, opts }
    c.expected = evaluate[op](args, opts)
    if (op === 'intersects') {
      const node = guard(() => semver.intersects(args[0], args[1], opts))
      if (node !== c.expected) c.node = node
    }
    if (note) c.note = note
    return c
  })
}
function withOpts (rows, ...optsList) {
  const out = []
  for (const o of optsList) for (const r of rows) out.push({ args: Array.isArray(r) ? r : [r], opts: o })
  return out
}

const files = {}

// §1.2 desugaring table and README "Advanced Range Syntax", every option combo.
const desugar = [
  '^1.2.3', '^1.2', '^1.x', '^0.2.3', '^0.0.3', '^1.2.3-beta.2', '^0.0.3-beta', '^1.2.x', '^0.0.x', '^0.0',
  '^0.x', '^0', '^0.0.0', '~1.2.3', '~1.2', '~1', '~0.2.3', '~0.2', '~0', '~1.2.3-beta.2', '~>1.2', '~> 1.2.3',
  '1.2.x', '1', '1.2', '1.x', '1.X', '1.*', '*', 'x', 'X', '', '>=*', '>1.2', '<=1.2', '>=1.2.3', '<2.0.0',
  '1.0.0 - 2.0.0', '1.2.3 - 2.3', '1.2.3 - 2', '1.2 - 2.3.4', '1.2.3+build', '1.2.3-beta+build - 2.0.0+b',
  '>=1.2.3 <2.0.0 || >=3', '1.2.3 || 2.x', '>= 1.2.3', '~ 1', '^ 1', '> = 1', '< 1.0.0-0', '<0.0.0-0',
  '>=0.0.0', '>=0.0.0-0', '1.x.5', 'x.1', 'x.x.1', '1.x.5 || 2.x', '>1.2.x', '<1.2.x', '>=1.x', '<=1.x',
  '1.2.3beta', '=v1.2.3', 'v1.2.3', ' = v 1.2.3 ', '01.2.3', '^01.2.3', '1.2.3-01', '||', ' || 1', '1 || ',
  '1.2.3 - *', '* - 1.2.3', 'latest', 'workspace:^', 'npm:foo@^1', '^^1', '>=1.2.3 <=1.2.3',
  '9007199254740991.0.0', '9007199254740992.0.0', '^9007199254740991', '>=1.2.3\t<2', 'a.b.c', '1.2.3 -2',
]
files['range-parse'] = {
  description: 'validRange: the desugaring table (§1.2) and README range syntax, with default, includePrerelease, loose and both options',
  cases: build('validRange', withOpts(desugar, {}, P, L, LP)),
}

// §1.3 satisfaction and README "Prerelease Tags".
const sat = [
  ['1.2.3-beta.2', '^1.2.3-beta.1'], ['1.2.4-beta.2', '^1.2.3-beta.1'], ['1.3.0-beta', '^1.2.3'],
  ['4.3.0-dev.20210213', '>= 2.8'], ['1.2.3-alpha.7', '>1.2.3-alpha.3'], ['3.4.5-alpha.9', '>1.2.3-alpha.3'],
  ['3.4.5', '>1.2.3-alpha.3'], ['1.2.3-alpha', '^1.2.3'], ['0.0.3-alpha', '^0.0.3'], ['1.3.0-alpha', '^1.2.3'],
  ['1.3.0-alpha', '^1.2'], ['1.2.0-alpha', '^1.2'], ['1.2.0-alpha', '~1.2'], ['1.0.0-rc.1', '1.x'],
  ['2.0.0-0', '<2.0.0'], ['2.0.0-0', '<2.0.0-0'], ['1.9.9', '<2.0.0-0'], ['1.0.0', '1.0.0 - 2.0.0'],
  ['2.0.0', '1.0.0 - 2.0.0'], ['2.0.1-0', '1.0.0 - 2.0.0'], ['2.0.0-rc', '1.0.0 - 2.0.0'],
  ['1.2.3', '*'], ['1.2.3-0', '*'], ['1.2.3-0', ''], ['1.2.3', '1.2.3+build'], ['1.2.3+build', '1.2.3'],
  ['v1.2.3', '1.2.3'], ['=1.2.3', '1.2.3'], [' 1.2.3 ', '1.2.3'], ['1.2.3beta', '1.2.3-beta'],
  ['1.2.3', '1.2.3beta'], ['01.2.3', '1.2.3'], ['1.2.3', '^1.2.3 || junk'], ['junk', '*'], ['1.2.3', 'junk'],
  ['1.2.3', '>=1.2.3 <1.2.3'], ['0.0.0', '<0.0.0-0'], ['0.0.0-0', '>=0.0.0-0'], ['0.0.0-0', '*'],
  ['17.0.0-0', '>=16.0.0 <17.0.0'], ['17.0.0-0', '^17.0.0-0'], ['1.2.3-alpha', '=1.2.3-alpha'],
  ['1.2.3-alpha', '^1.2.3-alpha'], ['1.2.3-alpha', '<2.0.0-0'], ['9007199254740991.0.0', '>=1'],
  ['9007199254740992.0.0', '*'], ['1.2.3-9007199254740992', '1.2.3-9007199254740992'],
]
files.satisfies = {
  description: 'satisfies: §1.3 examples (per-set prerelease rule), README prerelease examples, loose forms, invalid input',
  cases: build('satisfies', withOpts(sat, {}, P, L)),
}

const lists = [
  [['1.2.3', '1.2.4-beta', '1.3.0-rc.1'], '^1.2.3'], [['1.2.3', '1.2.4', '2.0.0'], '~1.2'],
  [['0.0.1', '1.0.0', '1.2.3-rc.1', 'junk', 'v1.5.0'], '1.x'], [['2.0.0-0', '1.9.9'], '<2'],
  [['1.2.3', '1.2.3+b', '1.2.3+a'], '1.2.3'], [[], '*'], [['1.2.3'], 'junk'], [['1.2.3beta', '1.2.3'], '>=1.2.3-0'],
]
files['max-min-satisfying'] = {
  description: 'maxSatisfying / minSatisfying (§1.3)',
  cases: [...build('maxSatisfying', withOpts(lists.map(x => x), {}, P, L)),
    ...build('minSatisfying', withOpts(lists.map(x => x), {}, P, L))],
}
// withOpts wraps non-array rows; lists rows are arrays already: fix their shape.
for (const c of files['max-min-satisfying'].cases) if (!Array.isArray(c.args[0])) c.args = [c.args]

const minv = ['>1.2.3 <2', '*', '', '>=0.0.0', '<0.0.0-0', '>1.2.3-alpha', '>=1.2.3-alpha <1.2.3', '^1.2.3',
  '1.2.3 - 2', '>1.2', '<2.0.0', '>0.0.0', '>=1.0.0 <1.0.0', '1.x || 0.5.x', '>=1.2.3 || <1.0.0', 'junk',
  '^0.0.0', '>=0.0.0-0', '>9007199254740990.9007199254740991.9007199254740991']
files['min-version'] = { description: 'minVersion', cases: build('minVersion', withOpts(minv, {}, P, L)) }

const coerceText = ['v3.4 replaces v3.3.1', '42.6.7.9.3-alpha', '1.2.3.4', '1.2.3.4-rc', '1', '1.2', '01.02.03',
  'version 1.2.3-rc.1+build.5 and more', 'x1.2.3y', '12345678901234567.1.2', '1234567890123456.1.1',
  '1.12345678901234567.2', '', 'junk', '  5.6  ', 'v2', '1.2.3-alpha.01', '1.2.3-', '1.2.3+', '10.20.30.40.50',
  '9007199254740991.9007199254740992.1']
files.coerce = {
  description: 'coerce (§1.5): plain, rtl, includePrerelease, both',
  cases: build('coerce', withOpts(coerceText, {}, { rtl: true }, P, { rtl: true, includePrerelease: true })),
}

const inter = [
  ['>1.0.0 <2.0.0', '^2.0.0-0'], ['^1.2.3-alpha', '=1.2.3-alpha'], ['>=16.0.0 <17.0.0', '^17.0.0-0'],
  ['^1.2.3', '^1.5.0'], ['^1.2.3', '^2.0.0'], ['1.x', '<1.0.0'], ['>1.0.0', '<1.0.1-0'], ['*', '1.2.3-alpha'],
  ['', '>=0.0.0'], ['<0.0.0-0', '*'], ['1.2.3 - 2', '>=2.0.0'], ['>2.0.0', '<=2.0.0'], ['~1.2.3-beta', '1.2.3-rc'],
  ['1.0.0', '1.0.0+build'], ['^1.0.0 || ^3.0.0', '^2.0.0 || ^3.5.0'], ['junk', '1.x'],
]
files.intersects = {
  description: 'intersects (§1.6): expected is the exact answer; "node" records node-semver\'s differing answer',
  cases: build('intersects', withOpts(inter, {}, P)),
}

const sub = [
  ['^10.2.0-beta.2', '^10.2.0-beta.1'], ['^1.2.3', '^1.0.0'], ['^1.0.0', '^1.2.3'], ['1.2.3', '1.x'], ['*', '*'],
  ['*', '>=0.0.0'], ['>=0.0.0-0', '*'], ['1.2.3-pre', '*'], ['<0.0.0-0', '1.2.3'], ['1 || 2', '1 - 2'],
  ['>=1.0.0 <2.0.0', '^1.0.0'], ['~1.2.3-beta', '^1.2.3-alpha'], ['junk', '*'], ['1.x', '1.x'],
  ['>2 <1', '3'], ['=1.2.3-a', '>=1.2.3-a <1.2.4'],
]
files.subset = { description: 'subset (§1.7, fix #867)', cases: build('subset', withOpts(sub, {}, P)) }

const incRows = [
  ['1.2.3', 'major'], ['1.2.3', 'minor'], ['1.2.3', 'patch'], ['1.2.3', 'premajor'], ['1.2.3', 'preminor', 'beta'],
  ['1.2.3', 'prepatch', 'rc', '1'], ['1.2.3', 'prerelease'], ['1.2.3-beta.1', 'prerelease'],
  ['1.2.3-beta.1', 'prerelease', 'beta'], ['1.2.3-beta', 'prerelease', 'beta'], ['1.2.3-alpha.1', 'prerelease', 'beta'],
  ['1.2.3-beta.1', 'release'], ['1.2.3', 'release'], ['1.0.0-5', 'major'], ['1.2.0-5', 'minor'], ['1.2.3-5', 'patch'],
  ['1.2.3', 'pre'], ['1.2.3', 'prerelease', 'alpha', false], ['1.2.3-alpha', 'prerelease', 'alpha', false],
  ['1.2.3', 'prerelease', '', false], ['1.2.3', 'prerelease', 'invalid id!'], ['1.2.3', 'foo'],
  ['1.2.3-a.b.1.c', 'prerelease'], ['1.2.3-rc.1.x', 'prerelease', 'rc.1'], ['v1.2.3', 'major'], ['junk', 'major'],
  ['9007199254740991.0.0', 'major'], ['1.2.3', 'prerelease', 'beta.0'],
]
files.inc = { description: 'inc', cases: build('inc', withOpts(incRows, {}, L)) }

const diffRows = [['1.2.3', '1.2.3'], ['1.2.3', '2.0.0'], ['1.2.3', '1.3.0'], ['1.2.3', '1.2.4'],
  ['1.0.0-1', '1.0.0'], ['1.1.0-1', '1.1.0'], ['1.1.1-1', '1.1.1'], ['1.0.0-1', '1.1.1'], ['1.2.3', '2.0.0-pre'],
  ['1.2.3-a', '1.2.3-b'], ['1.2.3+a', '1.2.3+b'], ['junk', '1.2.3'], ['0.0.1-1', '0.0.1']]
files.diff = { description: 'diff', cases: build('diff', withOpts(diffRows, {})) }

const cmpRows = [['1.0.0-alpha.1', '1.0.0-alpha.beta'], ['1.0.0+b1', '1.0.0+b2'], ['1.0.0-alpha', '1.0.0'],
  ['1.0.0-2', '1.0.0-10'], ['1.0.0-a10', '1.0.0-a9'], ['1.2.3', 'v1.2.3'], ['1.2.3', '1.2.3beta'],
  ['1.0.0-9007199254740992', '1.0.0-9007199254740993'], ['1.0.0-01a', '1.0.0-1a']]
files.compare = {
  description: 'compare and compareBuild (§1.1)',
  cases: [...build('compare', withOpts(cmpRows, {}, L)), ...build('compareBuild', withOpts(cmpRows, {}, L))],
}

const validRows = ['1.2.3', 'v1.2.3', '=1.2.3', ' = v 1.2.3 ', '1.2.3-01', '1.2.3-0', '01.2.3', '1.2.3beta',
  '1.2', '1.2.3.4', '9007199254740991.0.0', '9007199254740992.0.0', '1.2.3-' + 'a'.repeat(250),
  '1.2.3-' + 'a'.repeat(249), '1.2.3+' + 'b'.repeat(251), '', 'vv1.2.3', '1.2.3-alpha..1', '1.2.3-_']
files.valid = {
  description: 'valid and clean (§1.1, README clean examples)',
  cases: [...build('valid', withOpts(validRows, {}, L)),
    ...build('clean', withOpts([' = v 2.1.5foo', ' = v 2.1.5-foo', '=v2.1.5', '  =v2.1.5', '      2.1.5   ',
      '~1.0.0', 'v=1.2.3', '==v1.2.3'], {}, L))],
}

const outsideRows = [['2.0.0', '^1.2.3'], ['1.0.0', '^1.2.3'], ['1.5.0', '^1.2.3'], ['2.0.0-0', '<2.0.0'],
  ['3.0.0', '1.x || 2.x'], ['1.5.0', '1.0.0 || 2.0.0'], ['0.0.0', '>0.0.0'], ['1.2.3-rc', '1.2.3']]
files.outside = {
  description: 'gtr / ltr (outside)',
  cases: [...build('gtr', withOpts(outsideRows, {}, P)), ...build('ltr', withOpts(outsideRows, {}, P))],
}

for (const [name, content] of Object.entries(files)) {
  const doc = { description: content.description, generatedBy: 'tests/corpus/make-golden-cases.mjs', semver: '7.8.5', cases: content.cases }
  const text = '{\n' +
    `  "description": ${JSON.stringify(doc.description)},\n` +
    `  "generatedBy": ${JSON.stringify(doc.generatedBy)},\n` +
    `  "semver": "7.8.5",\n` +
    '  "cases": [\n' + doc.cases.map(c => '    ' + JSON.stringify(c)).join(',\n') + '\n  ]\n}\n'
  writeFileSync(path.join(outDir, `${name}.json`), text)
  process.stderr.write(`${name}.json: ${doc.cases.length} cases\n`)
}
