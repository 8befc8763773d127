#!/usr/bin/env node
// End-to-end tests of the page in www/, in Debian's headless Chromium driven by playwright-core.
//
//   node tests/e2e/run.mjs [--screenshot] [--only N[,N...]] [--root DIR]
//
// Starts `node tools/serve.mjs --root www --port 0` itself (the printed URL gives the port),
// runs every test in a fresh browser context, prints one PASS/FAIL line per test with its time,
// always stops the server, and exits non-zero if any test failed. Needs the wasm builds in
// www/pkg and www/pkg-scalar (`./build.sh build`).
//
// Artifacts: target/e2e/page.png (the whole page after 500 iterations at the default settings)
// on every run; with --screenshot also docs/screenshot.png (the figure, for the README).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARGS = process.argv.slice(2);
const WANT_SCREENSHOT = ARGS.includes('--screenshot');
const ONLY = (() => {
  const i = ARGS.indexOf('--only');
  return i >= 0 && ARGS[i + 1] ? new Set(ARGS[i + 1].split(',').map(Number)) : null;
})();
// --root DIR serves another copy of the page (default: www).
const WWW = (() => {
  const i = ARGS.indexOf('--root');
  return i >= 0 && ARGS[i + 1] ? ARGS[i + 1] : 'www';
})();
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1280, height: 900 };

// Generous timeouts: CI is a slow 2-core machine. Nothing sleeps for a fixed time; these only
// bound how long a condition may take to become true.
const T_SERVER = 30_000;
const T_READY = 120_000; // page load, wasm compile, first simulation
const T_ADVANCE = 120_000; // a few iterations after pressing play
const T_RUN = 600_000; // 500 iterations
const T_TEST = 900_000; // one whole test

// The standard tiny SIMD test module (wasm-feature-detect's simd test), as main.js has it.
const SIMD_TEST = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11];

// ------------------------------------------------------------------------------- the server

let server = null;

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['tools/serve.mjs', '--root', WWW, '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server printed no URL within ${T_SERVER} ms: ${out}${err}`)), T_SERVER);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /Serving .* at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].endsWith('/') ? m[1] : `${m[1]}/`);
      }
    });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (server === child) server = null;
      reject(new Error(`server exited (${code ?? signal}) before printing its URL: ${out}${err}`));
    });
  });
}

function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
  server = null;
}
process.on('exit', stopServer);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopServer();
    process.exit(130);
  });
}

// ------------------------------------------------------------------------------- helpers

class Failure extends Error {}
function check(cond, message) {
  if (!cond) throw new Failure(message);
}

/** A fresh context and page, with console errors and page errors collected. */
async function openPage(browser, baseUrl, { noSimd = false, deviceScaleFactor = 1 } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor });
  const page = await context.newPage();
  const consoleErrors = [];
  const pageErrors = [];
  const requests = [];
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (e) => pageErrors.push(String(e && e.message ? e.message : e)));
  context.on('request', (req) => requests.push(req.url()));
  if (noSimd) {
    // Report SIMD as missing: WebAssembly.validate answers false for the SIMD test bytes only.
    await context.addInitScript((simdBytes) => {
      const original = WebAssembly.validate;
      WebAssembly.validate = function validate(bytes, ...rest) {
        try {
          const u = bytes instanceof ArrayBuffer ? new Uint8Array(bytes)
            : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          if (u.length === simdBytes.length && u.every((b, i) => b === simdBytes[i])) return false;
        } catch {
          // not bytes we recognise: fall through to the real validate
        }
        return original.call(this, bytes, ...rest);
      };
    }, SIMD_TEST);
  }
  await page.goto(baseUrl, { waitUntil: 'load', timeout: T_READY });
  return { context, page, consoleErrors, pageErrors, requests };
}

async function waitReady(page) {
  await page.waitForFunction(() => window.__sgdEscape && window.__sgdEscape.ready && window.__sgdEscape.state, null, { timeout: T_READY });
}

const iteration = (page) => page.$eval('#iteration', (el) => Number(el.textContent));

async function waitIteration(page, atLeast, timeout = T_ADVANCE) {
  await page.waitForFunction((n) => Number(document.getElementById('iteration').textContent) >= n, atLeast, { timeout });
}

/** Pixel statistics of a canvas: distinct colours, fraction not white, and a hash. */
function canvasStats(page, id) {
  return page.evaluate((canvasId) => {
    const c = document.getElementById(canvasId);
    const ctx = c.getContext('2d');
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let inked = 0;
    let hash = 2166136261;
    for (let i = 0; i < d.length; i += 4) {
      const v = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      colours.add(v);
      if (d[i + 3] > 0 && v !== 0xffffff) inked += 1;
      hash = Math.imul(hash ^ v, 16777619) >>> 0;
    }
    return { width: c.width, height: c.height, distinct: colours.size, inked: inked / (c.width * c.height), hash };
  }, id);
}

/** A copy of the positions the worker last reported for one method. */
function positionsOf(page, id) {
  return page.evaluate((m) => Array.from(window.__sgdEscape.state.positions[m] || []), id);
}

/** Presses Pause if playing, then waits until no request is in flight, so the counter holds. */
async function pause(page) {
  if ((await page.$eval('#play', (b) => b.getAttribute('aria-pressed'))) === 'true') await page.click('#play');
  await page.waitForFunction(() => document.getElementById('play').getAttribute('aria-pressed') === 'false' && window.__sgdEscape.inFlight === 0, null, { timeout: T_ADVANCE });
}

/** Resolves after `n` animation frames. */
function frames(page, n) {
  return page.evaluate((k) => new Promise((r) => { let i = 0; const f = () => (++i >= k ? r(true) : requestAnimationFrame(f)); requestAnimationFrame(f); }), n);
}

function noErrors(ctx) {
  check(ctx.pageErrors.length === 0, `page errors: ${ctx.pageErrors.join(' | ')}`);
  check(ctx.consoleErrors.length === 0, `console errors: ${ctx.consoleErrors.join(' | ')}`);
}

// ------------------------------------------------------------------------------- the tests

const TESTS = [
  {
    name: 'page loads with no console error and no page error; SIMD build chosen',
    async run(browser, url) {
      const ctx = await openPage(browser, url);
      await waitReady(ctx.page);
      const engine = await ctx.page.textContent('#engine');
      check(/wasm SIMD128/.test(engine), `#engine should read "wasm SIMD128" in a SIMD browser, got "${engine}"`);
      check(ctx.requests.some((u) => /\/pkg\/sgd_escape/.test(u)), 'the SIMD build (pkg/) was not fetched');
      const kind = await ctx.page.$eval('#status', (el) => el.dataset.kind || '');
      check(kind !== 'error', `status shows an error: ${await ctx.page.textContent('#status')}`);
      const ids = await ctx.page.evaluate(() => window.__sgdEscape.config.methods);
      check(ids.length === 8, `all eight methods should be simulated by default, got ${ids.join(', ')}`);
      const live = await ctx.page.textContent('#watch-live');
      check(/\d/.test(live) && /SGD/.test(live), `the live explanation has no numbers: "${live}"`);
      noErrors(ctx);
      await ctx.context.close();
    },
  },
  {
    name: 'landscape canvas is drawn (heatmap, contours, many colours), crisp at devicePixelRatio 2',
    async run(browser, url) {
      const ctx = await openPage(browser, url, { deviceScaleFactor: 2 });
      await waitReady(ctx.page);
      await ctx.page.waitForFunction(() => window.__sgdEscape.framesDrawn > 0, null, { timeout: T_READY });
      const s = await canvasStats(ctx.page, 'landscape');
      check(s.width > 300 && s.height > 300, `landscape canvas too small: ${s.width}x${s.height}`);
      check(s.distinct > 500, `landscape has only ${s.distinct} distinct colours`);
      check(s.inked > 0.5, `landscape is mostly blank (${(100 * s.inked).toFixed(1)}% inked)`);
      // HiDPI: the backing store has two device pixels per CSS pixel, for every canvas.
      const sizes = await ctx.page.$$eval('#landscape, #escape-plot, #indicator-plot', (cs) => cs.map((c) => [c.id, c.width, c.getBoundingClientRect().width]));
      for (const [id, w, css] of sizes) check(Math.abs(w - 2 * css) <= 2, `#${id} is ${w} device pixels wide for ${css} CSS pixels at devicePixelRatio 2`);
      noErrors(ctx);
      await ctx.context.close();
    },
  },
  {
    name: 'play advances #iteration and the particles move; pause stops',
    async run(browser, url) {
      const ctx = await openPage(browser, url);
      const { page } = ctx;
      await waitReady(page);
      check((await iteration(page)) === 0, 'iteration should start at 0');
      const before = await positionsOf(page, 'gld-const');
      const pixelsBefore = await canvasStats(page, 'landscape');
      check(before.length === 200 && before.every((v) => v === 1), 'runs should start at (1, 1)');
      await page.click('#play');
      check((await page.textContent('#play')).trim() === 'Pause', 'the play button should turn into Pause');
      await waitIteration(page, 20);
      await pause(page);
      const it = await iteration(page);
      const after = await positionsOf(page, 'gld-const');
      check(after.some((v, i) => v !== before[i]), 'positions did not change after playing');
      const pixelsAfter = await canvasStats(page, 'landscape');
      check(pixelsAfter.hash !== pixelsBefore.hash, 'the landscape canvas did not change after playing');
      // Paused (and nothing in flight): the counter holds still over a few frames.
      const held = await iteration(page);
      await frames(page, 10);
      check((await iteration(page)) === held, 'iteration kept advancing while paused');
      // Step advances by exactly one, Reset goes back to 0.
      await page.click('#step');
      await waitIteration(page, held + 1);
      check((await iteration(page)) === held + 1, `Step should advance one iteration (from ${held}, got ${await iteration(page)})`);
      await page.click('#reset');
      await page.waitForFunction(() => document.getElementById('iteration').textContent === '0', null, { timeout: T_ADVANCE });
      check(it >= 20, `iteration only reached ${it}`);
      noErrors(ctx);
      await ctx.context.close();
    },
  },
  {
    name: 'escape plot and indicator panel update; 500 iterations reach the target and pause',
    async run(browser, url) {
      const ctx = await openPage(browser, url);
      const { page } = ctx;
      await waitReady(page);
      // Indicator panel: one row per method with numbers, and the plot drawn.
      const rows = await page.$$eval('#indicator-panel tbody tr', (trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent.trim())));
      check(rows.length === 8, `indicator table should have 8 rows, got ${rows.length}`);
      for (const r of rows) check(r.slice(1, 4).every((c) => /\d/.test(c)), `indicator row without numbers: ${r.join(' | ')}`);
      const ind = await page.evaluate(() => window.__sgdEscape.indicators);
      check(ind['gld-eigvec'].trHSigma > ind['gld-eigvec'].trHSigmaIso, 'Tr(HΣ) of GLD 1st eigvec should beat the isotropic reference');
      check(Math.abs(ind['gld-const'].ratio - 1) < 1e-6, `GLD const is isotropic: ratio should be 1, got ${ind['gld-const'].ratio}`);
      const indPixels = await canvasStats(page, 'indicator-plot');
      check(indPixels.distinct > 8 && indPixels.inked > 0.02, 'the indicator bars are not drawn');
      const plot0 = await canvasStats(page, 'escape-plot');
      // Run the paper's protocol: play stops at the 500-iteration target by itself. The speed
      // slider is a display setting (iterations per frame), so the fastest one is used here.
      await page.focus('#speed');
      await page.keyboard.press('End');
      check((await page.$eval('#speed', (el) => el.value)) === '50', 'the speed slider did not answer the End key');
      await page.click('#play');
      await waitIteration(page, 500, T_RUN);
      await page.waitForFunction(() => document.getElementById('play').getAttribute('aria-pressed') === 'false', null, { timeout: T_ADVANCE });
      check((await iteration(page)) === 500, `play should pause exactly at the 500 target, got ${await iteration(page)}`);
      const plot1 = await canvasStats(page, 'escape-plot');
      check(plot1.hash !== plot0.hash, 'the escape plot did not change');
      const counts = await page.$$eval('#legend .legend-item', (els) => els.map((e) => e.textContent));
      check(counts.length === 8 && counts.every((t) => /\d+\/100 escaped/.test(t)), `escape counts missing: ${counts.join(' | ')}`);
      const st = await page.evaluate(() => window.__sgdEscape.state);
      check(st.escaped.gd === 0, `GD cannot escape, but ${st.escaped.gd} runs did`);
      const curve = st.curves['gld-eigvec'];
      check(curve && curve.length > 10, 'escape curve too short');
      // Press play again: it continues past the target.
      await page.click('#play');
      await waitIteration(page, 510);
      await pause(page);
      // Back to the display defaults for the picture.
      await page.reload({ waitUntil: 'load' });
      await waitReady(page);
      await page.click('#play');
      await waitIteration(page, 500, T_RUN);
      await page.waitForFunction(() => document.getElementById('play').getAttribute('aria-pressed') === 'false', null, { timeout: T_ADVANCE });
      await frames(page, 2);
      mkdirSync(path.join(ROOT, 'target', 'e2e'), { recursive: true });
      await page.screenshot({ path: path.join(ROOT, 'target', 'e2e', 'page.png'), fullPage: true });
      if (WANT_SCREENSHOT) {
        mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
        const box = await page.evaluate(() => {
          const a = document.querySelector('.figure').getBoundingClientRect();
          const b = document.querySelector('.side').getBoundingClientRect();
          const top = Math.min(a.top, b.top) + window.scrollY;
          const bottom = Math.max(a.bottom, b.bottom) + window.scrollY;
          return { x: 0, y: Math.max(0, top - 16), width: document.documentElement.clientWidth, height: bottom - top + 32 };
        });
        await page.screenshot({ path: path.join(ROOT, 'docs', 'screenshot.png'), fullPage: true, clip: box });
      }
      noErrors(ctx);
      await ctx.context.close();
    },
  },
  {
    name: 'without SIMD the scalar build is used and runs',
    async run(browser, url) {
      const ctx = await openPage(browser, url, { noSimd: true });
      const { page } = ctx;
      await waitReady(page);
      const engine = await page.textContent('#engine');
      check(/scalar/.test(engine), `#engine should say scalar, got "${engine}"`);
      check(ctx.requests.some((u) => /\/pkg-scalar\/sgd_escape/.test(u)), 'the scalar build (pkg-scalar/) was not fetched');
      check(!ctx.requests.some((u) => /\/pkg\/sgd_escape/.test(u)), 'the SIMD build (pkg/) was fetched although SIMD is reported missing');
      await page.click('#play');
      await waitIteration(page, 10);
      await pause(page);
      noErrors(ctx);
      await ctx.context.close();
    },
  },
  {
    name: 'an invalid parameter (lr = -1) shows an error naming the field; the simulation keeps running',
    async run(browser, url) {
      const ctx = await openPage(browser, url);
      const { page } = ctx;
      await waitReady(page);
      await page.fill('#lr', '-1');
      await page.press('#lr', 'Enter');
      await page.waitForFunction(() => document.getElementById('lr-error').textContent.length > 0, null, { timeout: T_ADVANCE });
      const msg = await page.textContent('#lr-error');
      check(/\blr\b/.test(msg), `the error should name the field lr: "${msg}"`);
      check(await page.isVisible('#lr-error'), 'the error next to #lr is not visible');
      check((await page.getAttribute('#lr', 'aria-invalid')) === 'true', '#lr should be marked aria-invalid');
      const status = await page.textContent('#status');
      check(/lr/.test(status), `the status line should mention lr: "${status}"`);
      check((await page.evaluate(() => window.__sgdEscape.config.lr)) === 0.005, 'the previous valid simulation was replaced');
      // Still running: play advances.
      await page.click('#play');
      await waitIteration(page, 10);
      await pause(page);
      // Two bad fields at once: both are marked.
      await page.fill('#runs', '0');
      await page.press('#runs', 'Enter');
      await page.waitForFunction(() => document.getElementById('runs-error').textContent.length > 0, null, { timeout: T_ADVANCE });
      check(/runs/.test(await page.textContent('#runs-error')), 'the runs error should name runs');
      check(/\blr\b/.test(await page.textContent('#lr-error')), 'the lr error should stay while lr is still bad');
      // Fixing both gives a fresh simulation with the new values and clears the errors.
      await page.fill('#runs', '50');
      await page.fill('#lr', '0.01');
      await page.press('#lr', 'Enter');
      await page.waitForFunction(() => window.__sgdEscape.config.lr === 0.01 && window.__sgdEscape.config.runs === 50, null, { timeout: T_ADVANCE });
      check((await page.textContent('#lr-error')) === '' && (await page.textContent('#runs-error')) === '', 'the errors were not cleared');
      check((await page.getAttribute('#lr', 'aria-invalid')) === null, '#lr is still marked invalid');
      check((await iteration(page)) === 0, 'a new configuration should start at iteration 0');
      await page.click('#play');
      await waitIteration(page, 5);
      await pause(page);
      check(ctx.pageErrors.length === 0, `page errors: ${ctx.pageErrors.join(' | ')}`);
      await ctx.context.close();
    },
  },
  {
    name: 'method checkboxes choose what is simulated; legend entries toggle visibility',
    async run(browser, url) {
      const ctx = await openPage(browser, url);
      const { page } = ctx;
      await waitReady(page);
      await page.uncheck('#method-sgd');
      await page.waitForFunction(() => !window.__sgdEscape.config.methods.includes('sgd'), null, { timeout: T_ADVANCE });
      check((await page.$$('#legend .legend-item')).length === 7, 'the legend should list the 7 simulated methods');
      check((await page.$$('#indicator-panel tbody tr')).length === 7, 'the indicator table should list the 7 simulated methods');
      // Let the clouds spread, then hide one.
      await page.click('#step');
      await waitIteration(page, 1);
      await page.click('#play');
      await waitIteration(page, 30);
      await pause(page);
      await frames(page, 2);
      const before = await canvasStats(page, 'landscape');
      const item = page.locator('#legend .legend-item[data-method="gld-leading"]');
      await item.click();
      check((await item.getAttribute('aria-pressed')) === 'false', 'legend toggle did not switch off');
      await frames(page, 2);
      const after = await canvasStats(page, 'landscape');
      check(after.hash !== before.hash, 'hiding GLD leading did not change the landscape canvas');
      await item.click();
      check((await item.getAttribute('aria-pressed')) === 'true', 'legend toggle did not switch back on');
      noErrors(ctx);
      await ctx.context.close();
    },
  },
];

// ------------------------------------------------------------------------------- main

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Failure(`${what} timed out after ${ms / 1000} s`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  for (const dir of ['pkg', 'pkg-scalar']) {
    if (!existsSync(path.resolve(ROOT, WWW, dir, 'sgd_escape.js'))) {
      console.error(`${WWW}/${dir}/sgd_escape.js is missing: run ./build.sh build first`);
      return 1;
    }
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`${CHROMIUM} not found (apt-get install chromium, or ./build.sh setup)`);
    return 1;
  }
  const url = await startServer();
  console.log(`e2e: serving ${WWW}/ at ${url}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  let passed = 0;
  let failed = 0;
  try {
    for (const [i, t] of TESTS.entries()) {
      const n = i + 1;
      if (ONLY && !ONLY.has(n)) continue;
      const t0 = Date.now();
      try {
        await withTimeout(t.run(browser, url), T_TEST, `test ${n}`);
        passed += 1;
        console.log(`PASS  ${n}. ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (e) {
        failed += 1;
        console.log(`FAIL  ${n}. ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        console.log(`      ${e instanceof Failure ? e.message : e && e.stack ? e.stack : e}`);
      }
    }
  } finally {
    await browser.close().catch(() => {});
    stopServer();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => { stopServer(); process.exit(code); },
  (e) => { console.error(e && e.stack ? e.stack : e); stopServer(); process.exit(1); },
);
