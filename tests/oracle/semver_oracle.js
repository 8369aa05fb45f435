#!/usr/bin/env node
// Differential-testing oracle: answers node-semver questions over JSON lines.
//
// Protocol (stdin/stdout, one JSON document per line, UTF-8):
//   startup  -> {"ready":true,"semver":"7.8.5","node":"v20.x"}
//            or {"ready":false,"error":"missing"|"version","message":"...","semver":"x.y.z"}
//               followed by exit code 3 (semver not installed) or 4 (wrong version)
//   request  <- {"op":"satisfies","cases":[[args...],...],"opts":{...}}
//   reply    -> [result, ...]                  one result per case, in order
//            or {"error":"..."}                for a malformed request
//
// Each case's arguments are passed to the semver function of the same name,
// with `opts` in node-semver's options position. A case that throws yields
// null, as the library's own wrappers (satisfies, validRange, ...) do.
// SemVer objects in results are written as strings, with build metadata
// ("1.2.3-rc.1+b5"), so callers can check build handling too.
//
// Speed: node-semver spends ~25 us parsing a range, and the differential
// test asks several questions about each of a million ranges. So range
// arguments are parsed once per (range, options) into a Range object, which
// is then passed to the semver function. That is node-semver's own contract:
// every range function starts with `new Range(range, options)`, which returns
// the given Range unchanged when its loose/includePrerelease flags match
// (classes/range.js), so the answers are the same as for the string. Invalid
// ranges are always passed as the original string, so each function fails
// its own way. Set "cache": false in a request to bypass this.
//
// The semver package is resolved from the repository root's node_modules
// (override the search directory with CALLBOARD_ORACLE_NODE_PATH). Its
// version must be exactly the one the C++ engine ports.
'use strict'

// Exceptions are part of normal operation here (invalid inputs); without
// stack capture they are ~2x cheaper.
Error.stackTraceLimit = 0

const path = require('path')
const readline = require('readline')

const EXPECTED_VERSION = '7.8.5'
const repoRoot = path.resolve(__dirname, '..', '..')
const searchDir = process.env.CALLBOARD_ORACLE_NODE_PATH || repoRoot

function hello (obj, code) {
  process.stdout.write(JSON.stringify(obj) + '\n')
  if (code !== undefined) {
    process.exitCode = code
  }
}

let semver
let semverVersion
try {
  const pkgJson = require.resolve('semver/package.json', { paths: [searchDir] })
  semverVersion = require(pkgJson).version
  semver = require(path.dirname(pkgJson))
} catch (err) {
  hello({ ready: false, error: 'missing', message: `cannot load semver from ${searchDir}: ${err.message}` }, 3)
  process.stderr.write(`semver_oracle: semver is not installed under ${searchDir} (run npm ci at the repo root)\n`)
  return
}
if (semverVersion !== EXPECTED_VERSION) {
  hello({ ready: false, error: 'version', semver: semverVersion, message: `semver ${semverVersion} found, ${EXPECTED_VERSION} required` }, 4)
  process.stderr.write(`semver_oracle: FATAL: semver ${semverVersion} installed, the engine ports ${EXPECTED_VERSION}\n`)
  return
}

function full (v) {
  if (v === null || v === undefined) return null
  if (v instanceof semver.SemVer) {
    return v.build.length ? `${v.version}+${v.build.join('.')}` : v.version
  }
  return v
}

const RANGE_CACHE_LIMIT = 200000
const rangeCache = new Map()
let useCache = true

// The parsed Range for `text` under `o`, or `text` itself when it is not a
// valid range (or caching is off).
function R (text, o) {
  if (!useCache || typeof text !== 'string') return text
  const key = (o.loose ? 'L' : '-') + (o.includePrerelease ? 'P' : '-') + text
  let hit = rangeCache.get(key)
  if (hit === undefined) {
    try {
      hit = new semver.Range(text, o)
    } catch (err) {
      hit = null
    }
    if (rangeCache.size >= RANGE_CACHE_LIMIT) rangeCache.clear()
    rangeCache.set(key, hit)
  }
  return hit === null ? text : hit
}

// Each entry: (args, opts) -> JSON-able result. Exceptions become null.
const ops = {
  satisfies: (a, o) => semver.satisfies(a[0], R(a[1], o), o),
  valid: (a, o) => semver.valid(a[0], o),
  clean: (a, o) => semver.clean(a[0], o),
  validRange: (a, o) => semver.validRange(R(a[0], o), o),
  compare: (a, o) => semver.compare(a[0], a[1], o),
  compareBuild: (a, o) => semver.compareBuild(a[0], a[1], o),
  maxSatisfying: (a, o) => semver.maxSatisfying(a[0], R(a[1], o), o),
  minSatisfying: (a, o) => semver.minSatisfying(a[0], R(a[1], o), o),
  minVersion: (a, o) => full(semver.minVersion(R(a[0], o), o)),
  subset: (a, o) => semver.subset(R(a[0], o), R(a[1], o), o),
  intersects: (a, o) => semver.intersects(R(a[0], o), R(a[1], o), o),
  gtr: (a, o) => semver.gtr(a[0], R(a[1], o), o),
  ltr: (a, o) => semver.ltr(a[0], R(a[1], o), o),
  // [version, release, identifier?, identifierBase?]; identifierBase is
  // passed through as given ("0", "1", false or absent).
  inc: (a, o) => semver.inc(a[0], a[1], o, a[2], a[3]),
  diff: (a) => semver.diff(a[0], a[1]),
  // opts may carry rtl / includePrerelease / loose.
  coerce: (a, o) => full(semver.coerce(a[0], o)),
  // Not part of the differential contract; handy for debugging.
  parse: (a, o) => {
    const v = semver.parse(a[0], o)
    return v && { version: v.version, major: v.major, minor: v.minor, patch: v.patch, prerelease: v.prerelease, build: v.build }
  },
  rangeSet: (a, o) => new semver.Range(a[0], o).set.map(s => s.map(c => c.value)),
}

function answer (line) {
  let req
  try {
    req = JSON.parse(line)
  } catch (err) {
    return { error: `bad JSON: ${err.message}` }
  }
  const fn = ops[req.op]
  if (!fn) return { error: `unknown op ${JSON.stringify(req.op)}` }
  if (!Array.isArray(req.cases)) return { error: 'cases must be an array' }
  const opts = req.opts || {}
  useCache = req.cache !== false
  const out = new Array(req.cases.length)
  for (let i = 0; i < req.cases.length; ++i) {
    try {
      const r = fn(req.cases[i], opts)
      out[i] = r === undefined ? null : r
    } catch (err) {
      out[i] = null
    }
  }
  return out
}

hello({ ready: true, semver: semverVersion, node: process.version })

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false })
rl.on('line', (line) => {
  if (line.length === 0) return
  process.stdout.write(JSON.stringify(answer(line)) + '\n')
})
