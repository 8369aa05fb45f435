#!/usr/bin/env node
// Records the semver differential-test corpus from the package registry.
//
//   node tests/corpus/record-corpus.mjs [packages.tsv] [out.json]
//
// Defaults: ../shared/data/backstage-ecosystem/packages.tsv (relative to the
// repository root) and tests/cases/semver/registry-corpus.json.
//
// The registry URL comes from `npm config get registry` at run time and is
// never written anywhere: the output holds only package names, range strings
// and version strings. See tests/corpus/README.md for what is recorded and why.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '..', '..')
const tsvPath = process.argv[2] || path.resolve(repoRoot, '..', 'shared', 'data', 'backstage-ecosystem', 'packages.tsv')
const outPath = process.argv[3] || path.join(repoRoot, 'tests', 'cases', 'semver', 'registry-corpus.json')

const CONCURRENCY = 8
const MAX_EXTERNAL = 1500           // fetch outside targets only up to this many
const MAX_PACKUMENT_BYTES = 20e6    // skip anything bigger (huge packuments)
const RANGE_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies']

function registryUrl () {
  const out = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  if (!/^https?:\/\//.test(out)) throw new Error('npm config get registry returned no URL')
  return out.endsWith('/') ? out : out + '/'
}

function packumentPath (name) {
  // Scoped names keep their '@' and encode the slash: @scope%2fname.
  return name.startsWith('@') ? '@' + encodeURIComponent(name.slice(1)) : encodeURIComponent(name)
}

async function fetchPackument (base, name) {
  const url = base + packumentPath(name)
  for (let attempt = 1; ; ++attempt) {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' } })
      if (res.status === 404) return { missing: true }
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      const len = Number(res.headers.get('content-length') || 0)
      if (len > MAX_PACKUMENT_BYTES) {
        await res.body?.cancel()
        return { tooBig: true }
      }
      const text = await res.text()
      if (text.length > MAX_PACKUMENT_BYTES) return { tooBig: true }
      return { doc: JSON.parse(text) }
    } catch (err) {
      if (attempt >= 3) return { failed: String(err && err.message ? err.message : err) }
      await new Promise(resolve => setTimeout(resolve, 500 * attempt))
    }
  }
}

async function mapPool (items, limit, fn) {
  const results = new Array(items.length)
  let next = 0
  let done = 0
  async function worker () {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i], i)
      if (++done % 50 === 0) process.stderr.write(`  ${done}/${items.length}\n`)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

function versionsOf (doc) {
  return Object.keys((doc && doc.versions) || {})
}

async function main () {
  const base = registryUrl()
  const names = readFileSync(tsvPath, 'utf8').split('\n').slice(1)
    .map(line => line.split('\t')[0].trim()).filter(Boolean)
  const ecosystem = new Set(names)
  process.stderr.write(`fetching ${names.length} ecosystem packuments\n`)

  const versions = new Map()          // target name -> [versions]
  const pairs = new Map()             // range -> Set(target)
  const stats = { ecosystemMissing: [], ecosystemFailed: [], manifests: 0 }

  const docs = await mapPool(names, CONCURRENCY, name => fetchPackument(base, name))
  names.forEach((name, i) => {
    const r = docs[i]
    if (!r.doc) {
      (r.missing ? stats.ecosystemMissing : stats.ecosystemFailed).push(name)
      return
    }
    versions.set(name, versionsOf(r.doc))
    for (const manifest of Object.values(r.doc.versions || {})) {
      stats.manifests++
      const add = (range, target) => {
        if (typeof range !== 'string' || typeof target !== 'string') return
        if (!pairs.has(range)) pairs.set(range, new Set())
        pairs.get(range).add(target)
      }
      for (const field of RANGE_FIELDS) {
        const deps = manifest[field]
        if (deps && typeof deps === 'object') {
          for (const [target, range] of Object.entries(deps)) add(range, target)
        }
      }
      const engines = manifest.engines
      if (engines && typeof engines === 'object') {
        for (const [engine, range] of Object.entries(engines)) add(range, engine)
      }
    }
  })

  // Targets outside the ecosystem list (react, express, node for engines...).
  const external = new Set()
  for (const targets of pairs.values()) {
    for (const t of targets) if (!ecosystem.has(t)) external.add(t)
  }
  const externalList = [...external].sort()
  process.stderr.write(`${externalList.length} targets outside the ecosystem list\n`)
  const externalStats = { fetched: 0, missing: [], tooBig: [], failed: [], crossedWithPool: externalList.length > MAX_EXTERNAL }
  if (externalList.length <= MAX_EXTERNAL) {
    const extDocs = await mapPool(externalList, CONCURRENCY, name => fetchPackument(base, name))
    externalList.forEach((name, i) => {
      const r = extDocs[i]
      if (r.doc) {
        versions.set(name, versionsOf(r.doc))
        externalStats.fetched++
      } else if (r.missing) externalStats.missing.push(name)
      else if (r.tooBig) externalStats.tooBig.push(name)
      else externalStats.failed.push(name)
    })
  } else {
    process.stderr.write(`more than ${MAX_EXTERNAL}: outside targets are crossed with the version pool\n`)
  }

  // Outside targets without a version list are checked against a pool: every
  // version any fetched package published (the test also adds synthetic ones).
  const ranges = [...pairs.keys()].sort()
  const index = new Map(ranges.map((r, i) => [r, i]))
  const pairList = []
  for (const r of ranges) {
    for (const t of [...pairs.get(r)].sort()) pairList.push([index.get(r), t])
  }
  const sortedVersions = {}
  for (const name of [...versions.keys()].sort()) sortedVersions[name] = versions.get(name)

  const out = {
    generated: new Date().toISOString().slice(0, 10),
    packages: versions.size,
    ecosystemPackages: names.length - stats.ecosystemMissing.length - stats.ecosystemFailed.length,
    manifests: stats.manifests,
    externalTargets: externalList.length,
    externalNotFetched: {
      missing: externalStats.missing,
      tooBig: externalStats.tooBig,
      failed: externalStats.failed,
      crossedWithPool: externalStats.crossedWithPool,
    },
    ecosystemNotFetched: { missing: stats.ecosystemMissing, failed: stats.ecosystemFailed },
    ranges,
    versions: sortedVersions,
    pairs: pairList,
  }
  const text = JSON.stringify(out)
  if (text.includes(new URL(base).host)) throw new Error('refusing to write: output contains the registry host')
  writeFileSync(outPath, text + '\n')
  const versionCount = Object.values(sortedVersions).reduce((n, v) => n + v.length, 0)
  process.stderr.write(`wrote ${path.relative(repoRoot, outPath)}: ${out.packages} packages (${out.ecosystemPackages} ecosystem, ` +
    `${externalStats.fetched} outside), ${versionCount} versions, ${ranges.length} ranges, ${pairList.length} pairs, ` +
    `${(text.length / 1e6).toFixed(2)} MB\n`)
  process.stderr.write(`not fetched: ecosystem ${stats.ecosystemMissing.length + stats.ecosystemFailed.length}, ` +
    `outside missing ${externalStats.missing.length}, too big ${externalStats.tooBig.length}, failed ${externalStats.failed.length}\n`)
}

main().catch(err => { process.stderr.write(`record-corpus: ${err.stack || err}\n`); process.exit(1) })
