#!/usr/bin/env node
// A small, dependency-free static file server for the page in www/.
//
//   node tools/serve.mjs --root www --port 8000 [--host 127.0.0.1] [--cors] [--no-csp]
//
// Prints `Serving www/ at http://127.0.0.1:8000/` once listening (with --port 0 the OS picks a
// free port and the printed URL shows it). Serves .wasm as application/wasm (needed by
// WebAssembly.instantiateStreaming) and .js/.mjs as text/javascript (needed by module scripts),
// sends `Cache-Control: no-cache` so a rebuilt pkg is always picked up, sends the page's
// Content-Security-Policy as a header (so it also binds the Web Workers), never serves anything
// outside the root, and stops cleanly on SIGINT/SIGTERM. Only GET and HEAD are answered.
// --cors adds `Access-Control-Allow-Origin: *`, so pages of other origins can load the figures
// (<sgd-escape-figure> from another host); --no-csp leaves the policy header out (a third-party
// host page, which brings its own policy or none).

import { createServer } from 'node:http';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const USAGE = 'usage: node tools/serve.mjs --root DIR [--port PORT] [--host HOST] [--cors] [--no-csp]\n' +
  '  --root DIR    directory to serve (required)\n' +
  '  --port PORT   TCP port, 0 picks a free one (default 8000)\n' +
  '  --host HOST   address to listen on (default 127.0.0.1)\n' +
  '  --cors        allow every origin to load the files (Access-Control-Allow-Origin: *)\n' +
  '  --no-csp      send no Content-Security-Policy header';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

function fail(message, code = 1) {
  process.stderr.write(`serve.mjs: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { root: null, port: 8000, host: '127.0.0.1', cors: false, csp: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    }
    if (arg === '--cors') { opts.cors = true; continue; }
    if (arg === '--no-csp') { opts.csp = false; continue; }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!['--root', '--port', '--host'].includes(name)) fail(`unknown argument ${arg}\n${USAGE}`, 2);
    let value;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    else fail(`${name} needs a value\n${USAGE}`, 2);
    opts[name.slice(2)] = value;
  }
  if (!opts.root) fail(`--root is required\n${USAGE}`, 2);
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port ${opts.port}`, 2);
  opts.port = port;
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

let rootDir;
try {
  rootDir = await fsp.realpath(path.resolve(opts.root));
  if (!(await fsp.stat(rootDir)).isDirectory()) throw new Error('not a directory');
} catch (e) {
  fail(`cannot serve ${opts.root}: ${e.message}`);
}
// What the banner calls the root: as given, with exactly one trailing slash.
const rootLabel = opts.root.replace(/\/+$/, '') + '/';

function isInside(dir, p) {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

// The page's Content-Security-Policy as a header too: the <meta> tags in www/*.html cover the
// pages, but a Web Worker takes its policy only from its own script's response headers, so
// this is what holds the workers (and every other file) to the same rules. Same policy as the
// <meta> tags: only this origin, wasm compilation allowed, no eval, no inline script; frames of
// this origin (the examples page embeds embed.html); any site may frame the page (embedding).
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'self'",
].join('; ');

function send(res, status, text, extraHeaders = {}) {
  const body = Buffer.from(text + '\n');
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-cache',
    ...extraHeaders,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

// Maps a request path to a regular file inside rootDir, or null. Rejects encoded NULs, `..`
// segments that would climb out, and symlinks that point outside the root.
async function resolveFile(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 400 };
  let candidate = path.resolve(rootDir, '.' + path.posix.normalize('/' + decoded));
  if (!isInside(rootDir, candidate)) return { status: 403 };
  let stat;
  try {
    candidate = await fsp.realpath(candidate);
    if (!isInside(rootDir, candidate)) return { status: 403 };
    stat = await fsp.stat(candidate);
    if (stat.isDirectory()) {
      if (!urlPath.endsWith('/')) return { status: 301, location: urlPath + '/' };
      candidate = await fsp.realpath(path.join(candidate, 'index.html'));
      if (!isInside(rootDir, candidate)) return { status: 403 };
      stat = await fsp.stat(candidate);
    }
  } catch {
    return { status: 404 };
  }
  if (!stat.isFile()) return { status: 404 };
  return { status: 200, file: candidate, stat };
}

const server = createServer(async (req, res) => {
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const url = new URL(req.url, 'http://localhost');
    const found = await resolveFile(url.pathname);
    switch (found.status) {
      case 200:
        break;
      case 301:
        send(res, 301, 'moved', { Location: found.location + url.search });
        return;
      case 400:
        send(res, 400, 'bad request');
        return;
      case 403:
        send(res, 403, 'forbidden');
        return;
      default:
        send(res, 404, 'not found');
        return;
    }
    const type = MIME[path.extname(found.file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': found.stat.size,
      'Cache-Control': 'no-cache',
      'Last-Modified': found.stat.mtime.toUTCString(),
      'X-Content-Type-Options': 'nosniff',
      ...(opts.csp ? { 'Content-Security-Policy': CSP } : {}),
      ...(opts.cors ? { 'Access-Control-Allow-Origin': '*' } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(found.file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  } catch (e) {
    if (!res.headersSent) send(res, 500, 'internal error');
    else res.destroy();
    process.stderr.write(`serve.mjs: ${req.method} ${req.url}: ${e.stack || e}\n`);
  }
});

server.on('error', (e) => {
  if (e.code === 'EADDRINUSE') {
    fail(`port ${opts.port} on ${opts.host} is already in use (pick another with --port, or 0 for any free port)`);
  }
  if (e.code === 'EACCES') fail(`no permission to listen on ${opts.host}:${opts.port}`);
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') fail(`cannot listen on host ${opts.host}`);
  fail(`server error: ${e.message}`);
});

server.listen(opts.port, opts.host, () => {
  const { port } = server.address();
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  process.stdout.write(`Serving ${rootLabel} at http://${host}:${port}/\n`);
});

let stopping = false;
function stop(signal) {
  if (stopping) process.exit(1); // second Ctrl-C: don't wait any longer
  stopping = true;
  process.stdout.write(`\nserve.mjs: ${signal}, stopping\n`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
