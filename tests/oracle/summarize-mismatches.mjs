#!/usr/bin/env node
// Groups the differences the differential test found into a Markdown list
// (shortest inputs first) for tests/cases/semver/KNOWN_FAILURES.md.
//
//   node tests/oracle/summarize-mismatches.mjs build/.../semver-differential-mismatches.jsonl [per-group]
import { readFileSync } from 'node:fs'

const file = process.argv[2]
const perGroup = Number(process.argv[3] || 3)
if (!file) {
  process.stderr.write('usage: summarize-mismatches.mjs <mismatches.jsonl> [examples per group]\n')
  process.exit(2)
}
const kind = v => (v === null ? 'null' : typeof v === 'boolean' ? String(v) : typeof v)
const groups = new Map()
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue
  const m = JSON.parse(line)
  const key = `${m.op} ${JSON.stringify(m.opts)} ours=${kind(m.ours)} node=${kind(m.node)}${m.note && m.note.startsWith('ours disagrees') ? ' (vs brute force)' : ''}`
  if (!groups.has(key)) groups.set(key, [])
  groups.get(key).push(m)
}
const size = m => JSON.stringify(m.args).length
const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length)
for (const [key, list] of sorted) {
  list.sort((a, b) => size(a) - size(b))
  console.log(`- **${key}**: ${list.length} kept`)
  for (const m of list.slice(0, perGroup)) {
    const args = m.args.map(a => JSON.stringify(a)).join(', ')
    console.log(`  - \`${m.op}(${args}${Object.keys(m.opts).length ? ', ' + JSON.stringify(m.opts) : ''})\`: ours \`${JSON.stringify(m.ours)}\`, node \`${JSON.stringify(m.node)}\`${m.note ? ` (${m.note})` : ''}`)
  }
}
