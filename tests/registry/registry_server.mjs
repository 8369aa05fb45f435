// A real local npm registry for the integration tests: Verdaccio (from
// node_modules) on a loopback port, fed with the fixture packages of
// fixture-packages.mjs through npm's publish protocol, behind a small
// fault-injecting proxy.
//
//   node tests/registry/registry_server.mjs [--workdir DIR] [--detach]
//
// Prints one line when ready:
//   READY <proxy-url> <verdaccio-url> <token>
// and runs until stdin closes (or SIGTERM), then stops Verdaccio and removes
// its temporary folder. The test talks to <proxy-url>; faults are set with
//   POST <proxy-url>/-/fault            {"package": name, "mode": ..., "times": n, ...}
//   POST <proxy-url>/-/fault/clear
//   GET  <proxy-url>/-/fault/stats      per-package request counts, statuses, conditional requests
//   POST <proxy-url>/-/publish          {"name", "version", ...manifest}: publish one more version
//                                       ([manifest, ...]: many, skipping versions already there)
// Modes: "status" (code, retryAfter), "slow" (ms before the headers),
// "trickle" (ms between 1-byte writes of the body), "truncate" (half the body, then
// the socket is destroyed), "invalid-json" (a 200 with a broken body).
// A rule applies to the next `times` requests for that package (default: all).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import crypto from 'node:crypto';

import { fixturePackages, privateScope } from './fixture-packages.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// ---- A minimal tar writer (ustar), enough for npm tarballs -----------------
function tarHeader(name, size) {
  const h = Buffer.alloc(512, 0);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function makeTarball(files) {
  const parts = [];
  for (const [name, content] of Object.entries(files)) {
    const body = Buffer.from(content);
    parts.push(tarHeader(`package/${name}`, body.length), body);
    const pad = (512 - (body.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return zlib.gzipSync(Buffer.concat(parts));
}

function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function publish(registry, token, manifest, { skipExisting = false } = {}) {
  // `_files` (fixture-only, not published): more files for the tarball.
  const { _files: extra = {}, ...published } = manifest;
  manifest = published;
  const files = { 'package.json': JSON.stringify(manifest, null, 2), ...extra };
  if (manifest.readme) files['README.md'] = manifest.readme;
  const tarball = makeTarball(files);
  const integrity = 'sha512-' + crypto.createHash('sha512').update(tarball).digest('base64');
  const shasum = crypto.createHash('sha1').update(tarball).digest('hex');
  const file = `${manifest.name.replace(/^@[^/]+\//, '')}-${manifest.version}.tgz`;
  const tarballUrl = `${registry}${manifest.name}/-/${file}`;
  const version = { ...manifest, _id: `${manifest.name}@${manifest.version}`,
    dist: { integrity, shasum, tarball: tarballUrl } };
  const doc = {
    _id: manifest.name,
    name: manifest.name,
    description: manifest.description ?? '',
    'dist-tags': { [manifest.tag ?? 'latest']: manifest.version },
    versions: { [manifest.version]: version },
    access: null,
    _attachments: { [file]: { content_type: 'application/octet-stream', data: tarball.toString('base64'),
      length: tarball.length } },
  };
  const res = await request(`${registry}${manifest.name.replace('/', '%2f')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(doc),
  });
  if (skipExisting && res.status === 409) return;
  if (res.status >= 300) throw new Error(`publish ${manifest.name}@${manifest.version}: ${res.status} ${res.body}`);
}

// ---- Verdaccio ---------------------------------------------------------------
async function startVerdaccio(workdir) {
  const port = await freePort();
  const storage = path.join(workdir, 'storage');
  mkdirSync(storage, { recursive: true });
  writeFileSync(path.join(workdir, 'htpasswd'), '');
  writeFileSync(path.join(workdir, 'config.yaml'), [
    `storage: ${storage}`,
    'auth:',
    '  htpasswd:',
    `    file: ${path.join(workdir, 'htpasswd')}`,
    '    max_users: 10',
    'uplinks: {}',
    'packages:',
    `  '${privateScope}/*':`,
    '    access: $authenticated',
    '    publish: $authenticated',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    'server:',
    '  keepAliveTimeout: 60',
    'max_body_size: 50mb',
    'log: { type: stdout, format: json, level: error }',
    '',
  ].join('\n'));
  const bin = path.join(root, 'node_modules', '.bin', 'verdaccio');
  const child = spawn(bin, ['--config', path.join(workdir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    cwd: workdir, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}`);
    try {
      const res = await request(`${url}-/ping`);
      if (res.status === 200) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error('verdaccio did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url };
}

async function addUser(registry) {
  const name = 'callboard-test';
  const res = await request(`${registry}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'callboard-test-password' }),
  });
  if (res.status >= 300) throw new Error(`adduser: ${res.status} ${res.body}`);
  return JSON.parse(res.body).token;
}

// ---- The fault proxy -----------------------------------------------------------
function packageOf(urlPath) {
  const p = decodeURIComponent(urlPath.split('?')[0]).replace(/^\//, '');
  if (p.startsWith('-/')) return null;
  const parts = p.split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : parts[0];
}

function startProxy(upstream, onPublish) {
  const rules = new Map();
  const stats = new Map();
  const stat = (name) => {
    if (!stats.has(name)) stats.set(name, { requests: 0, conditional: 0, statuses: {} });
    return stats.get(name);
  };
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    if (req.url === '/-/fault' && req.method === 'POST') {
      const rule = JSON.parse(body.toString('utf8'));
      rules.set(rule.package, { times: Infinity, ...rule });
      res.writeHead(204).end();
      return;
    }
    if (req.url === '/-/fault/clear' && req.method === 'POST') {
      rules.clear();
      stats.clear();
      res.writeHead(204).end();
      return;
    }
    if (req.url === '/-/fault/stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Object.fromEntries(stats)));
      return;
    }
    if (req.url === '/-/publish' && req.method === 'POST') {
      try {
        const doc = JSON.parse(body.toString('utf8'));
        // An array publishes many in one request, skipping versions the
        // registry already has (a re-run, or another case's world).
        if (Array.isArray(doc)) {
          for (const m of doc) await onPublish(m, { skipExisting: true });
        } else {
          await onPublish(doc);
        }
        res.writeHead(201).end();
      } catch (e) {
        res.writeHead(500).end(String(e));
      }
      return;
    }
    const name = packageOf(req.url);
    const s = name ? stat(name) : null;
    if (s) {
      s.requests++;
      if (req.headers['if-none-match'] || req.headers['if-modified-since']) s.conditional++;
    }
    const rule = name ? rules.get(name) : undefined;
    const apply = rule && rule.times > 0;
    if (apply) rule.times--;
    const record = (code) => { if (s) s.statuses[code] = (s.statuses[code] ?? 0) + 1; };
    if (apply && rule.mode === 'status') {
      const headers = { 'content-type': 'application/json' };
      if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter);
      record(rule.code);
      res.writeHead(rule.code, headers).end(JSON.stringify({ error: `injected ${rule.code}` }));
      return;
    }
    if (apply && rule.mode === 'slow') await new Promise((r) => setTimeout(r, rule.ms));
    const headers = { ...req.headers, host: new URL(upstream).host };
    delete headers['accept-encoding'];
    if (apply && (rule.mode === 'invalid-json' || rule.mode === 'truncate')) {
      // These faults corrupt a body, so make sure there is one (no 304).
      delete headers['if-none-match'];
      delete headers['if-modified-since'];
    }
    const up = http.request(new URL(req.url, upstream), { method: req.method, headers }, (upRes) => {
      const parts = [];
      upRes.on('data', (c) => parts.push(c));
      upRes.on('end', async () => {
        let out = Buffer.concat(parts);
        record(upRes.statusCode);
        const outHeaders = { ...upRes.headers };
        delete outHeaders['transfer-encoding'];
        if (apply && rule.mode === 'invalid-json' && upRes.statusCode === 200) {
          out = Buffer.concat([out.subarray(0, Math.floor(out.length / 2)), Buffer.from('}}}')]);
          delete outHeaders.etag;
        }
        outHeaders['content-length'] = String(out.length);
        if (apply && rule.mode === 'truncate' && upRes.statusCode === 200) {
          res.writeHead(200, outHeaders);
          res.write(out.subarray(0, Math.floor(out.length / 2)));
          setTimeout(() => res.destroy(), 20);
          return;
        }
        if (apply && rule.mode === 'trickle') {
          res.writeHead(upRes.statusCode, outHeaders);
          for (const byte of out) {
            if (res.destroyed) return;
            res.write(Buffer.from([byte]));
            await new Promise((r) => setTimeout(r, rule.ms));
          }
          res.end();
          return;
        }
        res.writeHead(upRes.statusCode, outHeaders).end(out);
      });
    });
    up.on('error', (e) => { res.writeHead(502).end(String(e)); });
    up.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

// ---- Main --------------------------------------------------------------------
const argWorkdir = process.argv.indexOf('--workdir');
const workdir = argWorkdir > 0 ? process.argv[argWorkdir + 1] : mkdtempSync(path.join(os.tmpdir(), 'callboard-registry-'));
const ownsWorkdir = argWorkdir <= 0;
let verdaccio;
let proxy;
const stop = () => {
  try { verdaccio?.child.kill('SIGTERM'); } catch { /* gone */ }
  try { proxy?.server.close(); } catch { /* gone */ }
  if (ownsWorkdir) rmSync(workdir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// With --detach the server ignores stdin and runs until SIGTERM (ctest
// fixtures start it in the background; see registry_fixture.sh).
if (!process.argv.includes('--detach')) {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

try {
  verdaccio = await startVerdaccio(workdir);
  const token = await addUser(verdaccio.url);
  // Versions of one package in order (Verdaccio merges them); packages in parallel.
  const byName = new Map();
  for (const m of fixturePackages) {
    if (!byName.has(m.name)) byName.set(m.name, []);
    byName.get(m.name).push(m);
  }
  await Promise.all([...byName.values()].map(async (versions) => {
    for (const m of versions) await publish(verdaccio.url, token, m);
  }));
  proxy = await startProxy(verdaccio.url, (m, options) => publish(verdaccio.url, token, m, options));
  process.stdout.write(`READY ${proxy.url} ${verdaccio.url} ${token}\n`);
} catch (e) {
  process.stderr.write(`registry_server: ${e.stack ?? e}\n`);
  try { verdaccio?.child.kill('SIGKILL'); } catch { /* gone */ }
  if (ownsWorkdir) rmSync(workdir, { recursive: true, force: true });
  process.exit(1);
}
