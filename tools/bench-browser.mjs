#!/usr/bin/env node
// The wasm benchmark in headless Chromium (Debian's /usr/bin/chromium via playwright-core):
// serves the repository root with tools/serve.mjs, opens benches/web/index.html, runs every
// workload of the SIMD build (www/pkg) and of the scalar build (www/pkg-scalar), then the
// 1-vs-2 Web Worker scaling of the 2-D ensemble; prints one JSON object on stdout.
//
//   node tools/bench-browser.mjs [--quick] [--only a,b] [--engines simd,scalar,workers]

import { spawn } from 'node:child_process';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const quick = process.argv.includes('--quick');
const only = arg('--only', null)?.split(',') ?? null;
const engines = arg('--engines', 'simd,scalar,workers').split(',');
const log = (m) => process.stderr.write(`  ${m}\n`);

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['tools/serve.mjs', '--root', '.', '--port', '0'], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server printed no URL: ${out}`)), 15000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /Serving .* at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1].endsWith('/') ? m[1] : `${m[1]}/` });
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

const { child: server, url } = await startServer();
let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  page.on('console', (m) => log(`[page] ${m.text()}`));
  page.on('pageerror', (e) => log(`[page error] ${e.message}`));
  page.setDefaultTimeout(0);
  await page.goto(`${url}benches/web/index.html`);
  await page.waitForFunction(() => window.bench && window.bench.ready);
  const result = { runtime: `chromium ${browser.version()}`, engines: {} };
  if (engines.includes('simd')) {
    result.engines['wasm-simd-chromium'] = await page.evaluate(
      ([quick, only]) => window.bench.suite('www/pkg', { engine: 'wasm-simd-chromium', quick, only }), [quick, only]);
  }
  if (engines.includes('scalar')) {
    result.engines['wasm-scalar-chromium'] = await page.evaluate(
      ([quick, only]) => window.bench.suite('www/pkg-scalar', { engine: 'wasm-scalar-chromium', quick, only }), [quick, only]);
  }
  if (engines.includes('workers')) {
    log('chromium: 1 vs 2 workers, 2-D ensemble');
    const options = quick ? { runs: 20, iterations: 2, repeats: 1 } : {};
    result.workers = await page.evaluate((o) => window.bench.workers('www/pkg', o), options);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
