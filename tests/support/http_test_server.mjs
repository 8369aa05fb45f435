// A local HTTP/1.1 server for the transport tests (node:http only, no npm
// packages). Listens on 127.0.0.1 with a free port, prints "PORT <n>" on
// stdout, and exits when its stdin closes (the test process died or is done).
// With HTTP_TEST_TLS_CERT and HTTP_TEST_TLS_KEY (PEM files) it also serves
// the same routes over TLS with HTTP/2 (ALPN h2, HTTP/1.1 as a fallback) on a
// second port, and prints "PORT <n> TLSPORT <m>".
//
// Routes (query parameters in brackets):
//   /status/<code>                      that status, body "status <code>"
//   /flaky/<key>[fail=N&status=503&retry_after=S|retry_after_date=S]
//                                       the first N requests for <key> get
//                                       `status` (optionally with Retry-After
//                                       in seconds or as an HTTP date S seconds
//                                       ahead), then 200 "ok <key> after N"
//   /count/<key>                        how many requests /flaky|/hits saw for <key>
//   /hits/<key>[status=C]               counts, then answers C (default 200)
//   /delay[ms=M]                        waits M ms before the headers, then "ok"
//   /trickle[chunks=N&every=M&size=B]   N chunks of B bytes, M ms apart
//   /truncated[declared=N&sent=M]       Content-Length N, M bytes, then the socket is destroyed
//   /gzip[size=N]                       N bytes of text, gzip-encoded
//   /etag                               ETag "v1"; If-None-Match "v1" -> 304
//   /last-modified                      Last-Modified fixed; If-Modified-Since equal or later -> 304
//   /big[size=N&chunked=1]              N bytes ('a'..'z' repeating), with Content-Length unless chunked
//   /echo                               JSON {method, url, headers, body, remote_port, http_version}
//   /body[text=T&status=C]              answers C (default 200) with the JSON body T
//   /redirect[n=K&to=/path]             K redirects (302), then to `to` (default /status/200)
//   /stats                              JSON {current, max_concurrent, requests}
//   /stats/reset                        zeroes max_concurrent and requests
// Requests to /stats* are not counted in the statistics.

import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import zlib from 'node:zlib';

const counters = new Map();
let current = 0;
let maxConcurrent = 0;
let requests = 0;

const FIXED_DATE = new Date(Date.UTC(2024, 0, 15, 12, 0, 0));

function pattern(size) {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = 97 + (i % 26);
  return buf;
}

function bump(key) {
  const n = (counters.get(key) ?? 0) + 1;
  counters.set(key, n);
  return n;
}

function send(res, status, body, headers = {}) {
  const data = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
  res.writeHead(status, { 'Content-Length': data.length, 'Content-Type': 'text/plain', ...headers });
  res.end(data);
}

function handle(req, res, url, body) {
  const q = url.searchParams;
  const num = (name, dflt) => (q.has(name) ? Number(q.get(name)) : dflt);
  const parts = url.pathname.split('/').filter(Boolean);
  const route = parts[0] ?? '';

  switch (route) {
    case 'status': {
      const code = Number(parts[1] ?? 200);
      if (code === 204 || code === 304) {
        res.writeHead(code);
        res.end();
      } else {
        send(res, code, `status ${code}`);
      }
      return;
    }
    case 'flaky': {
      const key = parts[1] ?? 'default';
      const n = bump(key);
      const fail = num('fail', 1);
      if (n <= fail) {
        const headers = {};
        if (q.has('retry_after')) headers['Retry-After'] = q.get('retry_after');
        if (q.has('retry_after_date')) {
          headers['Retry-After'] = new Date(Date.now() + num('retry_after_date', 1) * 1000).toUTCString();
        }
        send(res, num('status', 503), `failure ${n}`, headers);
      } else {
        send(res, 200, `ok ${key} after ${fail}`);
      }
      return;
    }
    case 'hits': {
      bump(parts[1] ?? 'default');
      send(res, num('status', 200), 'hit');
      return;
    }
    case 'count':
      send(res, 200, String(counters.get(parts[1] ?? 'default') ?? 0));
      return;
    case 'delay':
      setTimeout(() => send(res, 200, 'ok'), num('ms', 100));
      return;
    case 'trickle': {
      const chunks = num('chunks', 10);
      const every = num('every', 100);
      const size = num('size', 10);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      let sent = 0;
      const tick = () => {
        if (res.destroyed) return;
        if (sent === chunks) {
          res.end();
          return;
        }
        sent++;
        res.write(pattern(size));
        setTimeout(tick, every);
      };
      tick();
      return;
    }
    case 'truncated': {
      const declared = num('declared', 1000);
      const sent = num('sent', 10);
      res.writeHead(200, { 'Content-Length': declared, 'Content-Type': 'text/plain' });
      res.write(pattern(sent), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    case 'gzip': {
      const data = zlib.gzipSync(pattern(num('size', 1000)));
      send(res, 200, data, { 'Content-Encoding': 'gzip' });
      return;
    }
    case 'etag': {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { ETag: '"v1"' });
        res.end();
      } else {
        send(res, 200, 'etag body', { ETag: '"v1"' });
      }
      return;
    }
    case 'last-modified': {
      const since = req.headers['if-modified-since'];
      if (since && Date.parse(since) >= FIXED_DATE.getTime()) {
        res.writeHead(304, { 'Last-Modified': FIXED_DATE.toUTCString() });
        res.end();
      } else {
        send(res, 200, 'modified body', { 'Last-Modified': FIXED_DATE.toUTCString() });
      }
      return;
    }
    case 'big': {
      const data = pattern(num('size', 1 << 20));
      if (q.get('chunked') === '1') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        // Several writes, so the client sees the body in pieces.
        const step = 64 * 1024;
        for (let i = 0; i < data.length; i += step) res.write(data.subarray(i, i + step));
        res.end();
      } else {
        send(res, 200, data, { 'Content-Type': 'application/octet-stream' });
      }
      return;
    }
    case 'body':
      send(res, num('status', 200), q.get('text') ?? '', { 'Content-Type': 'application/json' });
      return;
    case 'echo':
      send(res, 200, JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body,
                                       remote_port: req.socket.remotePort, http_version: req.httpVersion }), {
        'Content-Type': 'application/json',
      });
      return;
    case 'redirect': {
      const n = num('n', 1);
      const to = q.get('to') ?? '/status/200';
      const location = n > 1 ? `/redirect?n=${n - 1}&to=${encodeURIComponent(to)}` : to;
      res.writeHead(302, { Location: location, 'Content-Length': 0 });
      res.end();
      return;
    }
    default:
      send(res, 404, `no route ${url.pathname}`);
  }
}

function onRequest(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/stats') {
    send(res, 200, JSON.stringify({ current, max_concurrent: maxConcurrent, requests }), {
      'Content-Type': 'application/json',
    });
    return;
  }
  if (url.pathname === '/stats/reset') {
    maxConcurrent = current;
    requests = 0;
    send(res, 200, 'reset');
    return;
  }
  current++;
  requests++;
  maxConcurrent = Math.max(maxConcurrent, current);
  let done = false;
  const finish = () => {
    if (!done) {
      done = true;
      current--;
    }
  };
  res.on('finish', finish);
  res.on('close', finish);
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => handle(req, res, url, Buffer.concat(chunks).toString('utf8')));
}

function listen(srv) {
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv.address().port)));
}

const server = http.createServer(onRequest);
server.keepAliveTimeout = 5000;
const ports = [`PORT ${await listen(server)}`];
if (process.env.HTTP_TEST_TLS_CERT && process.env.HTTP_TEST_TLS_KEY) {
  const secure = http2.createSecureServer({
    cert: fs.readFileSync(process.env.HTTP_TEST_TLS_CERT),
    key: fs.readFileSync(process.env.HTTP_TEST_TLS_KEY),
    allowHTTP1: true,
  }, onRequest);
  ports.push(`TLSPORT ${await listen(secure)}`);
}
process.stdout.write(ports.join(' ') + '\n');
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
