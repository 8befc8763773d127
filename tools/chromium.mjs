// How the project drives a browser and serves the page, in one place for the end-to-end suite
// (playwright.config.mjs, tests/e2e/fixtures.mjs) and the browser tools (tests/e2e/fuzz-api.mjs,
// tools/fashion-protocol.mjs): Debian's chromium (never a downloaded browser), its flags, the
// SIMD test bytes, and tools/serve.mjs started on a free port.

import { spawn } from 'node:child_process';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Debian's chromium (`apt-get install chromium`, done by `./build.sh setup`); CHROMIUM overrides. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Flags for every headless run: no sandbox (root in CI), no GPU, and no traffic of its own. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The standard tiny SIMD test module (wasm-feature-detect's simd test), as the page has it. */
export const SIMD_TEST = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11];

/**
 * Starts `node tools/serve.mjs --root ROOT_DIR --port 0` (plus `extraArgs`) and resolves to
 * `{ child, url, stop }` once it prints its URL (with a trailing slash). `stop()` ends it.
 */
export function startServer(root = 'www', { extraArgs = [], timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['tools/serve.mjs', '--root', root, '--port', '0', ...extraArgs], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const stop = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
    const timer = setTimeout(() => { stop(); reject(new Error(`server printed no URL within ${timeoutMs} ms: ${out}${err}`)); }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /Serving .* at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1].endsWith('/') ? m[1] : `${m[1]}/`, stop });
      }
    });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before printing its URL: ${out}${err}`));
    });
  });
}
