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
// The tests of tests/e2e/embed.mjs cover links, embeds, the custom element, keyboard, exports,
// layouts and hostile links; they print the Figure 2 timing, the longest main-thread task and
// the wasm memory, and write exports and screenshots (phone, laptop, projector) to target/e2e/.
// Then tests/e2e/later-links.mjs covers the links, embeds, elements and exports of the
// FashionMNIST and one-hidden-layer figures, and tests/e2e/cross-origin.mjs a host page of
// another origin embedding all three figures. The tests reach the figures only through their
// public interface (publicInterface below).
//
// Artifacts: target/e2e/page.png (the whole page after 500 iterations at the default settings)
// on every run; with --screenshot also docs/screenshot.png (the 2-D figure, for the README),
// docs/screenshot-fashion.png (the FashionMNIST figure after 300 iterations of all eight
// dynamics at its default settings) and docs/screenshot-ohl.png (the one-hidden-layer figure
// after its 31 epochs).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { embedTests } from './embed.mjs';
import { laterLinkTests } from './later-links.mjs';
import { crossOriginTests } from './cross-origin.mjs';

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

/**
 * Installed in every frame before the page's scripts: the tests reach the figures only through
 * their public interface (www/figures/registry.js). `__fig(id)` is figure `id` of the page or
 * embed (window.__sgdEscape.figures; default 'toy'), or with '#ID' the `figure` of the custom
 * element with that id; `__state(id)` its getState(), or null while it is not mounted.
 */
function publicInterface() {
  window.__fig = (id = 'toy') => (id.startsWith('#')
    ? (document.getElementById(id.slice(1)) || {}).figure || null
    : (window.__sgdEscape && window.__sgdEscape.figures[id]) || null);
  window.__state = (id) => { const f = window.__fig(id); return f ? f.getState() : null; };
}

/** A fresh context and page, with console errors and page errors collected. */
async function openPage(browser, baseUrl, { noSimd = false, deviceScaleFactor = 1, longTasks = false } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor });
  await context.addInitScript(publicInterface);
  const page = await context.newPage();
  if (longTasks) {
    // Main-thread tasks over 50 ms, as the browser reports them (window.__longTasks: [{ start, duration }]).
    await context.addInitScript(() => {
      window.__longTasks = [];
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      } catch {
        // no longtask support: the list stays empty
      }
    });
  }
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
  try {
    await page.waitForFunction(() => __state()?.ready, null, { timeout: T_READY });
  } catch (e) {
    // Say where it stuck: the status line, the engine, errors and requests in flight.
    const why = await page.evaluate(() => {
      const k = __state() || { stats: {} };
      const text = (id) => (document.getElementById(id) || {}).textContent;
      return JSON.stringify({ status: text('status'), engine: text('engine'), errors: k.errors, inFlight: k.stats.inFlight, workers: k.workers, pageErrors: (window.__sgdEscape || {}).errors });
    }).catch(() => 'page unavailable');
    throw new Failure(`not ready within ${T_READY} ms: ${why}`);
  }
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
  return page.evaluate((m) => Array.from(__state().positions[m] || []), id);
}

/** Presses Pause if playing, then waits until no request is in flight, so the counter holds. */
async function pause(page) {
  if ((await page.$eval('#play', (b) => b.getAttribute('aria-pressed'))) === 'true') await page.click('#play');
  await page.waitForFunction(() => document.getElementById('play').getAttribute('aria-pressed') === 'false' && __state().stats.inFlight === 0, null, { timeout: T_ADVANCE });
}

/** Resolves after `n` animation frames. */
function frames(page, n) {
  return page.evaluate((k) => new Promise((r) => { let i = 0; const f = () => (++i >= k ? r(true) : requestAnimationFrame(f)); requestAnimationFrame(f); }), n);
}

function noErrors(ctx) {
  check(ctx.pageErrors.length === 0, `page errors: ${ctx.pageErrors.join(' | ')}`);
  check(ctx.consoleErrors.length === 0, `console errors: ${ctx.consoleErrors.join(' | ')}`);
}


// ------------------------------------------------------------------------------- the later figures

const T_FASHION = 240_000; // a few dozen stage-2 iterations of four methods on a busy 2-core machine
const T_FASHION_SHOT = 480_000; // 300 iterations of all eight, for the README picture
const T_OHL = 180_000; // 31 epochs
const T_STAGE1 = 600_000; // FashionMNIST stage 1 from scratch (a few thousand full-batch iterations)

/** A few plain fields of the FashionMNIST hook (the records stay in the page). */
function fashionState(page) {
  return page.evaluate(() => {
    const f = __state('fashion');
    const records = {};
    for (const [id, rs] of Object.entries(f.records || {})) records[id] = rs.length;
    return { phase: f.phase, playing: f.playing, busy: f.busy, iteration: f.iteration, iterations: { ...f.iterations }, records, escaped: { ...f.escaped }, diverged: { ...f.diverged }, perf: f.perf, etaMs: f.etaMs, loadMs: f.loadMs, shards: f.shards, errors: [...f.errors], progressMessages: f.progressMessages };
  });
}

/** Sets the FashionMNIST settings before the figure has started (no worker is spent on them). */
async function fashionSettings(page, { methods, logEvery, target }) {
  await page.evaluate(({ methods, logEvery, target }) => {
    const set = (id, v) => { const el = document.getElementById(id); el.value = String(v); el.dispatchEvent(new Event('change')); };
    if (methods) {
      for (const box of document.querySelectorAll('#fashion-method-boxes input[type=checkbox]')) {
        const want = methods.includes(box.value);
        if (box.checked !== want) { box.checked = want; box.dispatchEvent(new Event('change')); }
      }
    }
    if (logEvery) set('fashion-log-every', logEvery);
    if (target) set('fashion-iterations', target);
  }, { methods, logEvery, target });
}

/** Scrolls the FashionMNIST figure into view and waits until stage 2 can start. */
async function fashionReady(page) {
  await page.$eval('#fashion', (el) => el.scrollIntoView());
  await page.waitForFunction(() => __state('fashion')?.phase === 'ready', null, { timeout: T_READY });
}

/** Pixel statistics of an element's canvas found by selector (the strip tiles have no ids). */
function tileStats(page) {
  return page.$$eval('#fashion-strip .tile', (tiles) => tiles.map((t) => {
    const c = t.querySelector('canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200) dark += 1;
    const st = getComputedStyle(c);
    return { corrupted: t.classList.contains('corrupted'), label: t.querySelector('.tile-label').textContent, note: (t.querySelector('.tile-note') || {}).textContent || '', dark: dark / (c.width * c.height), border: st.borderTopColor, borderWidth: parseFloat(st.borderTopWidth), cssWidth: c.getBoundingClientRect().width };
  }));
}

/** Writes docs/FILE: the full page width, from the top of the first element to the bottom of the last. */
async function screenshotOf(page, selectors, file) {
  mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  const box = await page.evaluate((sels) => {
    const rs = sels.map((sel) => document.querySelector(sel).getBoundingClientRect());
    const top = Math.min(...rs.map((r) => r.top)) + window.scrollY;
    const bottom = Math.max(...rs.map((r) => r.bottom)) + window.scrollY;
    return { x: 0, y: Math.max(0, top - 8), width: document.documentElement.clientWidth, height: bottom - top + 24 };
  }, [].concat(selectors));
  await page.screenshot({ path: path.join(ROOT, 'docs', file), fullPage: true, clip: box });
}

// ------------------------------------------------------------------------------- the tests

const TESTS = [
  {
    name: 'page loads with no console error and no page error; SIMD build chosen; the CSP header reaches the workers',
    async run(browser, url) {
      const ctx = await openPage(browser, url);
      await waitReady(ctx.page);
      const engine = await ctx.page.textContent('#engine');
      check(/wasm SIMD128/.test(engine), `#engine should read "wasm SIMD128" in a SIMD browser, got "${engine}"`);
      check(ctx.requests.some((u) => /\/pkg\/sgd_escape/.test(u)), 'the SIMD build (pkg/) was not fetched');
      const kind = await ctx.page.$eval('#status', (el) => el.dataset.kind || '');
      check(kind !== 'error', `status shows an error: ${await ctx.page.textContent('#status')}`);
      const ids = await ctx.page.evaluate(() => __state().config.methods);
      check(ids.length === 8, `all eight methods should be simulated by default, got ${ids.join(', ')}`);
      const live = await ctx.page.textContent('#watch-live');
      check(/\d/.test(live) && /SGD/.test(live), `the live explanation has no numbers: "${live}"`);
      // The server sends the CSP as a header too, so it binds the workers (which ignore the
      // page's <meta>); the workers above ran under it.
      for (const file of ['index.html', 'figures/toy/worker.js', 'figures/fashion/worker.js', 'figures/one-hidden-layer/worker.js']) {
        const csp = (await ctx.page.request.get(new URL(file, url).href)).headers()['content-security-policy'] || '';
        check(/script-src 'self' 'wasm-unsafe-eval'/.test(csp) && /default-src 'self'/.test(csp), `${file}: no CSP header ("${csp}")`);
      }
      noErrors(ctx);
      await ctx.context.close();
    },
  },
  {
    name: 'landscape canvas is drawn (heatmap, contours, many colours), crisp at devicePixelRatio 2',
    async run(browser, url) {
      const ctx = await openPage(browser, url, { deviceScaleFactor: 2 });
      await waitReady(ctx.page);
      await ctx.page.waitForFunction(() => __state().stats.framesDrawn > 0, null, { timeout: T_READY });
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
      const ind = await page.evaluate(() => __state().indicators);
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
      const st = await page.evaluate(() => __state());
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
    name: 'an invalid parameter (lr = -1) shows an error naming the field; the simulation keeps running; an lr beyond 2/λ₁ is flagged',
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
      check((await page.evaluate(() => __state().config.lr)) === 0.005, 'the previous valid simulation was replaced');
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
      await page.waitForFunction(() => __state().config.lr === 0.01 && __state().config.runs === 50, null, { timeout: T_ADVANCE });
      check((await page.textContent('#lr-error')) === '' && (await page.textContent('#runs-error')) === '', 'the errors were not cleared');
      check((await page.getAttribute('#lr', 'aria-invalid')) === null, '#lr is still marked invalid');
      check((await iteration(page)) === 0, 'a new configuration should start at iteration 0');
      await page.click('#play');
      await waitIteration(page, 5);
      await pause(page);
      // lr = 0.01 is exactly 2/λ₁ at the sharp minimum: the caption states the limit, and a
      // larger lr is flagged (escapes then come from the step size, not the noise).
      await page.waitForFunction(() => /2\/λ₁ = 0\.01\b/.test(document.getElementById('hessian-caption').textContent), null, { timeout: T_ADVANCE });
      check(!/beyond/.test(await page.textContent('#hessian-caption')), 'lr = 0.01 is not beyond the limit');
      await page.fill('#lr', '0.02');
      await page.press('#lr', 'Enter');
      await page.waitForFunction(() => /beyond/.test(document.getElementById('hessian-caption').textContent), null, { timeout: T_ADVANCE });
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
      await page.waitForFunction(() => !__state().config.methods.includes('sgd'), null, { timeout: T_ADVANCE });
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
  {
    name: 'FashionMNIST figure: loads its data and the saved minimum when scrolled to, no console error; the strip marks the random labels; crisp at devicePixelRatio 2',
    async run(browser, url) {
      const ctx = await openPage(browser, url, { deviceScaleFactor: 2 });
      const { page } = ctx;
      await waitReady(page);
      // Lazy: nothing of the figure is fetched before it comes into view.
      check(!ctx.requests.some((u) => /\/data\//.test(u)), 'FashionMNIST data was fetched before the figure came into view');
      check((await page.evaluate(() => __state('fashion').phase)) === 'off', 'the FashionMNIST figure started before it came into view');
      await fashionReady(page);
      for (const f of ['fmnist-train1200-images-idx3-ubyte.gz', 'fmnist-train1200-labels-idx1-ubyte.gz', 'fmnist-test2000-images-idx3-ubyte.gz', 'fmnist-test2000-labels-idx1-ubyte.gz', 'fashion-minimum-seed0.bin']) {
        check(ctx.requests.some((u) => u.endsWith(`/data/${f}`)), `data/${f} was not fetched`);
      }
      check(ctx.requests.some((u) => /\/pkg\/sgd_escape/.test(u)), 'the FashionMNIST workers did not load the SIMD build');
      const fs = await fashionState(page);
      check(fs.iteration === 0 && Object.values(fs.records).every((n) => n === 1), `stage 2 should wait at iteration 0 with the record at the minimum, got ${JSON.stringify(fs.records)}`);
      check(Object.keys(fs.records).length === 8, `all eight methods by default, got ${Object.keys(fs.records).join(', ')}`);
      // The live explanation quotes the record at the minimum.
      const start = await page.evaluate(() => __state('fashion').start);
      const live = await page.textContent('#fashion-live');
      check(live.includes(`${(100 * start.testAccuracy).toFixed(1)}%`), `#fashion-live should quote the test accuracy at the minimum (${start.testAccuracy}): "${live}"`);
      check(start.trainAccuracy === 1 && start.corruptedAccuracy === 1, 'the saved minimum should fit every label, the random ones included');
      // The strip: 16 clean and 8 corrupted images, drawn, the corrupted ones outlined in red.
      await page.waitForFunction(() => document.querySelectorAll('#fashion-strip .tile').length === 24, null, { timeout: T_ADVANCE });
      const tiles = await tileStats(page);
      const bad = tiles.filter((t) => t.corrupted);
      check(bad.length === 8, `8 tiles should be marked as corrupted, got ${bad.length}`);
      check(tiles.every((t) => t.dark > 0.05), 'a strip image is blank');
      check(tiles.every((t) => t.cssWidth >= 40), 'strip images should be scaled up');
      const names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
      check(tiles.every((t) => names.includes(t.label)), `strip labels should be class names: ${tiles.map((t) => t.label).join(', ')}`);
      for (const t of bad) {
        check(/random label/.test(t.note), `a corrupted tile should say "random label": "${t.note}"`);
        check(t.borderWidth >= 2 && /rgb\(179, 38, 30\)/.test(t.border), `a corrupted tile should have a red outline, got ${t.borderWidth}px ${t.border}`);
      }
      check(tiles.filter((t) => !t.corrupted).every((t) => !/random/.test(t.note)), 'a clean tile is marked as random');
      // HiDPI backing stores.
      await frames(page, 2);
      const sizes = await page.$$eval('#fashion-curves, #fashion-spectrum', (cs) => cs.map((c) => [c.id, c.width, c.getBoundingClientRect().width]));
      for (const [id, w, css] of sizes) check(Math.abs(w - 2 * css) <= 2, `#${id} is ${w} device pixels wide for ${css} CSS pixels at devicePixelRatio 2`);
      const spec = await canvasStats(page, 'fashion-spectrum');
      check(spec.distinct > 8 && spec.inked > 0.01, 'the spectrum of the minimum is not drawn');
      check((await page.$eval('#fashion-status', (el) => el.dataset.kind || '')) !== 'error', `status shows an error: ${await page.textContent('#fashion-status')}`);
      // Memory at the default settings: the workers' wasm memories together stay under 64 MB.
      const mem = await page.evaluate(() => ({ total: __state('fashion').memoryBytes, each: __state('fashion').memoryByShard }));
      check(Number.isFinite(mem.total) && mem.total > 0, `the workers should report their wasm memory, got ${JSON.stringify(mem)}`);
      check(mem.total <= 64 * 2 ** 20, `FashionMNIST wasm memory at the default settings is ${(mem.total / 2 ** 20).toFixed(1)} MB, over 64 MB`);
      console.log(`      info: saved minimum measured in ${Math.round(fs.loadMs)} ms; ${fs.shards} stage-2 worker(s); wasm memory ${(mem.total / 2 ** 20).toFixed(1)} MB (${mem.each.map((b) => (b / 2 ** 20).toFixed(1)).join(' + ')})`);
      noErrors(ctx);
      await ctx.context.close();
    },
  },
  {
    name: 'FashionMNIST stage 2 from the saved minimum advances, draws its curves and spectrum; pause holds, reset cancels; no main-thread task over 500 ms',
    async run(browser, url) {
      const ctx = await openPage(browser, url, { longTasks: true });
      const { page } = ctx;
      await waitReady(page);
      // Four dynamics (one that escapes at once), a record every 10 iterations, 30 iterations.
      await fashionSettings(page, { methods: ['gd', 'gld-const', 'gld-eigvec', 'sgd'], logEvery: 10, target: 30 });
      await fashionReady(page);
      await frames(page, 2);
      const curves0 = await canvasStats(page, 'fashion-curves');
      const spec0 = await canvasStats(page, 'fashion-spectrum');
      // The test's own canvas hashing runs on the main thread: its tasks are not the page's.
      const own = [];
      const stats = async (id) => {
        const w0 = await page.evaluate(() => performance.now());
        const out = await canvasStats(page, id);
        own.push([w0, await page.evaluate(() => performance.now())]);
        return out;
      };
      const t0 = await page.evaluate(() => performance.now());
      await page.click('#fashion-play');
      check((await page.textContent('#fashion-play')).trim() === 'Pause', 'the play button should turn into Pause');
      await page.waitForFunction(() => Number(document.getElementById('fashion-iteration').textContent.replace(/,/g, '')) >= 10, null, { timeout: T_FASHION });
      await page.waitForFunction(() => Object.values(__state('fashion').records).every((r) => r.length >= 2), null, { timeout: T_FASHION });
      const progress = await page.$eval('#fashion-progress', (el) => el.value / el.max);
      check(progress > 0 && progress < 1, `#fashion-progress should be part way, got ${progress}`);
      check(/left/.test(await page.textContent('#fashion-progress-text')), `the progress text should give an ETA: "${await page.textContent('#fashion-progress-text')}"`);
      // Pause: the workers stop within a chunk and the counters hold.
      await page.click('#fashion-play');
      await page.waitForFunction(() => !__state('fashion').busy, null, { timeout: T_FASHION });
      const held = await fashionState(page);
      await frames(page, 30);
      const still = await fashionState(page);
      check(JSON.stringify(still.iterations) === JSON.stringify(held.iterations), `iterations kept advancing while paused: ${JSON.stringify(held.iterations)} -> ${JSON.stringify(still.iterations)}`);
      check(/Paused/.test(await page.textContent('#fashion-status')), `the status should say paused: "${await page.textContent('#fashion-status')}"`);
      // Resume to the target: play stops there by itself.
      await page.click('#fashion-play');
      await page.waitForFunction(() => {
        const f = __state('fashion');
        return !f.playing && !f.busy && f.iteration >= 30;
      }, null, { timeout: T_FASHION });
      const done = await fashionState(page);
      check(done.iteration === 30, `play should stop at the 30-iteration target, got ${done.iteration}`);
      check(Object.values(done.records).every((n) => n === 4), `records at 0, 10, 20, 30 expected, got ${JSON.stringify(done.records)}`);
      check(Number((await page.textContent('#fashion-iteration')).replace(/,/g, '')) === 30, '#fashion-iteration should read 30');
      // GLD 1st eigvec leaves the sharp minimum within 30 iterations; GD stays.
      check(done.escaped['gld-eigvec'], `GLD 1st eigvec should have left the minimum: ${JSON.stringify(done.escaped)}`);
      check(!done.escaped.gd, 'GD cannot leave the minimum');
      const note = await page.textContent('#fashion-note-gld-eigvec');
      check(/left the minimum|diverged/.test(note), `the legend should say what became of GLD 1st eigvec: "${note}"`);
      await frames(page, 2);
      const curves1 = await stats('fashion-curves');
      const spec1 = await stats('fashion-spectrum');
      check(curves1.hash !== curves0.hash && curves1.distinct > 20, 'the curves were not drawn');
      check(spec1.hash !== spec0.hash, 'the spectrum did not change with the records');
      const rows = await page.$$eval('#fashion-legend-rows tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (c) => c.textContent)));
      check(rows.length === 4 && rows.every((r) => r.every((c) => /\d/.test(c))), `the legend table should have numbers: ${JSON.stringify(rows)}`);
      // Reset cancels a running stage at once and starts over from the minimum.
      await page.fill('#fashion-iterations', '100000');
      await page.press('#fashion-iterations', 'Enter');
      await page.click('#fashion-play');
      await page.waitForFunction(() => __state('fashion').busy, null, { timeout: T_ADVANCE });
      await page.click('#fashion-reset');
      check((await page.evaluate(() => __state('fashion').busy)) === false, 'reset should stop the workers at once');
      await page.waitForFunction(() => __state('fashion').phase === 'ready', null, { timeout: T_READY });
      const after = await fashionState(page);
      check(after.iteration === 0 && Object.values(after.records).every((n) => n === 1), `after reset: iteration 0 and only the start record, got ${JSON.stringify(after)}`);
      check((await page.textContent('#fashion-play')).trim() === 'Play', 'after reset the button should read Play');
      // The main thread was never blocked for long.
      const tasks = await page.evaluate(({ since, skip }) => window.__longTasks
        .filter((t) => t.start >= since && !skip.some(([a, b]) => t.start < b && t.start + t.duration > a))
        .map((t) => t.duration), { since: t0, skip: own });
      const worst = tasks.length ? Math.max(...tasks) : 0;
      const perf = done.perf || { msPerIter: {} };
      const speeds = Object.entries(perf.msPerIter).map(([id, ms]) => `${id} ${ms.toFixed(1)} ms/it`).join(', ');
      console.log(`      info: ${speeds}; record ${perf.recordMs ? Math.round(perf.recordMs) : '?'} ms; ${done.shards} worker(s); ${tasks.length} long tasks, longest ${Math.round(worst)} ms`);
      check(worst < 500, `a main-thread task took ${Math.round(worst)} ms`);
      check(done.errors.length === 0, `figure errors: ${done.errors.join(' | ')}`);
      noErrors(ctx);
      await ctx.context.close();
      if (!WANT_SCREENSHOT) return;
      // The README picture: all eight dynamics (the default), 300 iterations, a record every 50.
      const shot = await openPage(browser, url);
      await waitReady(shot.page);
      await fashionSettings(shot.page, { target: 300, logEvery: 50 });
      await fashionReady(shot.page);
      await shot.page.click('#fashion-play');
      await shot.page.waitForFunction(() => { const f = __state('fashion'); return !f.playing && !f.busy && f.iteration >= 300; }, null, { timeout: T_FASHION_SHOT });
      await shot.page.selectOption('#fashion-spectrum-method', 'sgd');
      await frames(shot.page, 3);
      await screenshotOf(shot.page, ['#fashion .experiment-intro', '#fashion .f-curves', '#fashion .f-right'], 'screenshot-fashion.png');
      noErrors(shot);
      await shot.context.close();
    },
  },
  {
    name: 'one-hidden-layer figure: 31 epochs with Tr(HΣ) above Tr H·Tr Σ / D; traces and boundary drawn; pause and reset',
    async run(browser, url) {
      const ctx = await openPage(browser, url, { deviceScaleFactor: 2 });
      const { page } = ctx;
      await waitReady(page);
      await page.$eval('#ohl', (el) => el.scrollIntoView());
      await page.waitForFunction(() => __state('one-hidden-layer')?.ready, null, { timeout: T_READY });
      await frames(page, 2);
      const traces0 = await canvasStats(page, 'ohl-traces');
      const boundary0 = await canvasStats(page, 'ohl-boundary');
      check(boundary0.distinct > 50, 'the boundary plot of the untrained network is not drawn');
      const sizes = await page.$$eval('#ohl-traces, #ohl-boundary', (cs) => cs.map((c) => [c.id, c.width, c.getBoundingClientRect().width]));
      for (const [id, w, css] of sizes) check(Math.abs(w - 2 * css) <= 2, `#${id} is ${w} device pixels wide for ${css} CSS pixels at devicePixelRatio 2`);
      await page.click('#ohl-play');
      await page.waitForFunction(() => __state('one-hidden-layer').epoch >= 3, null, { timeout: T_OHL });
      // Pause holds the epoch.
      await page.click('#ohl-play');
      await page.waitForFunction(() => !__state('one-hidden-layer').playing, null, { timeout: T_ADVANCE });
      await frames(page, 5);
      const held = await page.evaluate(() => __state('one-hidden-layer').epoch);
      await frames(page, 30);
      check((await page.evaluate(() => __state('one-hidden-layer').epoch)) === held, 'epochs kept advancing while paused');
      check(Number(await page.textContent('#ohl-epoch')) === held, '#ohl-epoch should show the epoch');
      // Resume to the end.
      await page.click('#ohl-play');
      await page.waitForFunction(() => __state('one-hidden-layer').done, null, { timeout: T_OHL });
      const ohl = await page.evaluate(() => ({ records: __state('one-hidden-layer').records, epochMs: __state('one-hidden-layer').epochMs, errors: __state('one-hidden-layer').errors }));
      check(ohl.records.length === 32, `32 records (epochs 0..31) expected, got ${ohl.records.length}`);
      check(Number(await page.textContent('#ohl-epoch')) === 31, '#ohl-epoch should read 31');
      const last = ohl.records[31];
      check(last.trHSigma > last.trHSigmaIso, `final Tr(HΣ) = ${last.trHSigma} should be above Tr H·Tr Σ / D = ${last.trHSigmaIso}`);
      check(ohl.records.every((r) => r.trHSigma > r.trHSigmaIso), 'Tr(HΣ) should beat the isotropic reference at every epoch');
      check(last.trainAccuracy > 0.95, `the network should have learnt the task, train accuracy ${last.trainAccuracy}`);
      await frames(page, 2);
      const traces1 = await canvasStats(page, 'ohl-traces');
      const boundary1 = await canvasStats(page, 'ohl-boundary');
      check(traces1.hash !== traces0.hash && traces1.distinct > 20, 'the traces were not drawn');
      check(boundary1.hash !== boundary0.hash, 'the decision boundary did not change with training');
      check(/\d/.test(await page.textContent('#ohl-live')), 'the live explanation has no numbers');
      const ms = ohl.epochMs;
      console.log(`      info: epoch ${Math.round(ms.reduce((a, b) => a + b, 0) / ms.length)} ms on average in wasm (max ${Math.round(Math.max(...ms))} ms); final ratio ×${(last.trHSigma / last.trHSigmaIso).toFixed(0)}`);
      if (WANT_SCREENSHOT) {
        await screenshotOf(page, ['#ohl .experiment-intro', '#ohl .ohl-layout'], 'screenshot-ohl.png');
      }
      // Bounded: past the last epoch nothing grows; the export has one row per record.
      await page.evaluate(() => __fig('one-hidden-layer').step());
      await frames(page, 10);
      const after = await page.evaluate(() => { const o = __state('one-hidden-layer'); return { epoch: o.epoch, records: o.records.length, epochMs: o.epochMs.length, memory: o.memoryBytes, }; });
      const files = await page.evaluate(async () => { const f = __fig('one-hidden-layer'); return { csv: await (await f.export('csv')).blob.text(), json: await (await f.export('json')).blob.text() }; });
      Object.assign(after, files);
      check(after.epoch === 31 && after.records === 32 && after.epochMs <= 31, `nothing should grow after the last epoch: ${JSON.stringify({ ...after, csv: undefined, json: undefined })}`);
      const csvLines = after.csv.trim().split('\n');
      check(csvLines.length === 33 && csvLines[0].startsWith('epoch,trainLoss'), `the CSV export should have a header and 32 rows, got ${csvLines.length} lines`);
      check(JSON.parse(after.json).records.length === 32, 'the JSON export should hold the 32 records');
      check(Number.isFinite(after.memory) && after.memory <= 16 * 2 ** 20, `the one-hidden-layer worker's wasm memory should be small, got ${after.memory}`);
      // The protocol numbers in the prose come from the study.
      check((await page.textContent('#ohl [data-ohl-setting="decayStart"]')) === '21', 'the decay start should be filled in from the study');
      // Reset: back to the untrained network.
      await page.click('#ohl-reset');
      await page.waitForFunction(() => __state('one-hidden-layer').ready && __state('one-hidden-layer').epoch === 0, null, { timeout: T_READY });
      check(Number(await page.textContent('#ohl-epoch')) === 0, '#ohl-epoch should read 0 after reset');
      // A state with an epoch trains straight to it, then stops.
      await page.evaluate(() => __fig('one-hidden-layer').setState({ epoch: 3 }));
      await page.waitForFunction(() => { const o = __state('one-hidden-layer'); return o.epoch === 3 && !o.playing; }, null, { timeout: T_OHL });
      check((await page.evaluate(() => __state('one-hidden-layer'))).epoch === 3, 'getState should give epoch 3');
      console.log(`      info: one-hidden-layer wasm memory ${(after.memory / 2 ** 20).toFixed(1)} MB`);
      check(ohl.errors.length === 0, `figure errors: ${ohl.errors.join(' | ')}`);
      noErrors(ctx);
      await ctx.context.close();
    },
  },
  {
    name: 'FashionMNIST: progress bar (progressbar, aria-valuenow) and ETA while running; records stay bounded on a long run; step, export, getState and in-place reset through the controller',
    async run(browser, url) {
      const ctx = await openPage(browser, url);
      const { page } = ctx;
      await waitReady(page);
      // A record every iteration with room for 4: the buffers must thin, in the worker and here.
      await page.evaluate(() => __fig('fashion').setState({ maxRecords: 4 }));
      await fashionSettings(page, { methods: ['gd', 'sgd'], logEvery: 1, target: 64 });
      await fashionReady(page);
      const bar = () => page.$eval('#fashion-progress', (el) => ({ role: el.getAttribute('role'), now: el.getAttribute('aria-valuenow'), min: el.getAttribute('aria-valuemin'), max: el.getAttribute('aria-valuemax') }));
      const b0 = await bar();
      check(b0.role === 'progressbar' && b0.min === '0' && b0.max === '100' && b0.now === '0', `the progress bar should be a progressbar at 0 of 0..100: ${JSON.stringify(b0)}`);
      await page.click('#fashion-play');
      await page.waitForFunction(() => __state('fashion').perf && __state('fashion').iteration >= 2, null, { timeout: T_FASHION });
      const b1 = await bar();
      check(Number(b1.now) > 0 && Number(b1.now) < 100, `aria-valuenow should be part way: ${b1.now}`);
      const eta = await page.textContent('#fashion-eta');
      check(/ETA .*\d/.test(eta), `#fashion-eta should give an ETA from the measured speed: "${eta}"`);
      check(Number.isFinite(await page.evaluate(() => __state('fashion').etaMs)), 'the hook should expose etaMs');
      await page.waitForFunction(() => { const f = __state('fashion'); return !f.playing && !f.busy && f.iteration >= 64; }, null, { timeout: T_FASHION });
      const end = await page.evaluate(() => {
        const f = __state('fashion');
        return { records: Object.fromEntries(Object.entries(f.records).map(([k, v]) => [k, v.map((r) => r.iteration)])), every: { ...f.recordEvery } };
      });
      for (const [id, its] of Object.entries(end.records)) {
        const every = end.every[id];
        check(its.length >= 2 && its.length <= 4, `${id}: ${its.length} records kept, the cap is 4 (${its.join(', ')})`);
        check(every >= 16, `${id}: the record interval should have doubled to at least 16, got ${every}`);
        check(its.every((it, k) => it === k * every), `${id}: records should be evenly spaced from the minimum: ${its.join(', ')} (every ${every})`);
      }
      check((await bar()).now === '100', 'the progress bar should be full at the target');
      // step(): every method to its next record, then pause.
      await page.evaluate(() => __fig('fashion').step());
      await page.waitForFunction(() => { const f = __state('fashion'); return !f.playing && !f.busy && f.iteration > 64; }, null, { timeout: T_FASHION });
      const stepped = await fashionState(page);
      check(Object.values(stepped.records).every((n) => n <= 4), `records past the cap after step: ${JSON.stringify(stepped.records)}`);
      // Export and state.
      const out = await page.evaluate(async () => { const c = __fig('fashion'); return { csv: await (await c.export('csv')).blob.text(), json: await (await c.export('json')).blob.text(), state: c.getState() }; });
      const lines = out.csv.trim().split('\n');
      const total = Object.values(stepped.records).reduce((a, n) => a + n, 0);
      check(lines[0].startsWith('method,iteration,') && lines.length === 1 + total, `CSV: header and one row per record expected (${total}), got ${lines.length} lines`);
      check(Object.keys(JSON.parse(out.json).records).length === 2, 'the JSON export should hold both methods');
      check(out.state.maxRecords === 4 && out.state.logEvery === 1 && out.state.methods.join() === 'gd,sgd', `getState: ${JSON.stringify(out.state)}`);
      // Reset in place: no new workers, no reload, no stage 1.
      const workersBefore = ctx.requests.filter((u) => /fashion\/worker\.js/.test(u)).length;
      await page.evaluate(() => __fig('fashion').reset());
      await page.waitForFunction(() => __state('fashion').phase === 'ready', null, { timeout: T_READY });
      const after = await fashionState(page);
      check(after.iteration === 0 && Object.values(after.records).every((n) => n === 1), `after reset: iteration 0 and the start record, got ${JSON.stringify(after.records)}`);
      check(ctx.requests.filter((u) => /fashion\/worker\.js/.test(u)).length === workersBefore, 'reset should not start new workers');
      check((await page.evaluate(() => __state('fashion').stage1Runs)) === 0, 'stage 1 should not have run');
      check(after.errors.length === 0, `figure errors: ${after.errors.join(' | ')}`);
      // The paper-protocol button: all eight methods to 15,000, a record every 500, one worker per core.
      await page.click('#fashion-paper');
      const paper = await page.evaluate(() => ({ state: __state('fashion'), cores: navigator.hardwareConcurrency }));
      check(paper.state.target === 15000 && paper.state.logEvery === 500 && paper.state.seed === 0 && paper.state.methods.length === 8 && paper.state.playing,
        `the paper protocol should play all eight methods to 15,000: ${JSON.stringify(paper.state)}`);
      check(paper.state.threads === Math.min(8, paper.cores), `the paper protocol should use min(cores, 8) workers, got ${paper.state.threads}`);
      await page.waitForFunction(() => __state('fashion').busy && __state('fashion').phase === 'running', null, { timeout: T_READY });
      await page.evaluate(() => __fig('fashion').pause());
      noErrors(ctx);
      await ctx.context.close();
    },
  },
  {
    name: 'FashionMNIST with another seed: stage 1 runs once, in one worker, every worker starts from its minimum, and a restart reuses it',
    async run(browser, url) {
      const ctx = await openPage(browser, url);
      const { page } = ctx;
      await waitReady(page);
      await page.evaluate(() => __fig('fashion').setState({ seed: 1, methods: ['gd', 'gld-const', 'sgd'], logEvery: 5, target: 10, threads: 2 }));
      await page.$eval('#fashion', (el) => el.scrollIntoView());
      await page.waitForFunction(() => __state('fashion').phase === 'need-stage1', null, { timeout: T_READY });
      check(!ctx.requests.some((u) => u.endsWith('/data/fashion-minimum-seed0.bin')), 'the seed-0 minimum should not be fetched for seed 1');
      await page.click('#fashion-play');
      await page.waitForFunction(() => { const f = __state('fashion'); return f.phase === 'ready' && !f.playing && !f.busy && f.iteration >= 10; }, null, { timeout: T_STAGE1 });
      const f = await page.evaluate(() => { const h = __state('fashion'); return { runs: h.stage1Runs, shards: h.shards, stage1: h.stage1, start: h.start, records: Object.fromEntries(Object.entries(h.records).map(([k, v]) => [k, v.length])) }; });
      check(f.shards === 2, `two workers expected, got ${f.shards}`);
      check(f.runs === 1 && f.stage1.done, `stage 1 should have run once to its end: ${JSON.stringify({ runs: f.runs, stage1: f.stage1 })}`);
      check(f.start.trainAccuracy === 1, 'the minimum of stage 1 should fit every label');
      check(Object.keys(f.records).length === 3 && Object.values(f.records).every((n) => n === 3), `records at 0, 5, 10 for every method in both workers: ${JSON.stringify(f.records)}`);
      // New methods start the workers over; stage 1 is not run again for the same seed.
      await page.evaluate(() => __fig('fashion').setState({ methods: ['gd', 'sgd'] }));
      await page.waitForFunction(() => __state('fashion').phase === 'ready', null, { timeout: T_READY });
      const again = await page.evaluate(() => ({ runs: __state('fashion').stage1Runs, start: __state('fashion').start }));
      check(again.runs === 1, `stage 1 ran again (${again.runs} runs)`);
      check(JSON.stringify(again.start) === JSON.stringify(f.start), 'the restarted workers should start from the same minimum');
      console.log(`      info: stage 1 for seed 1 took ${f.stage1.iteration} iterations (${Math.round(f.stage1.elapsedMs / 1000)} s in wasm)`);
      noErrors(ctx);
      await ctx.context.close();
    },
  },
  {
    name: 'without SIMD the later figures use the scalar build too',
    async run(browser, url) {
      const ctx = await openPage(browser, url, { noSimd: true });
      const { page } = ctx;
      await waitReady(page);
      await fashionSettings(page, { methods: ['gd', 'sgd'] });
      await fashionReady(page);
      await page.$eval('#ohl', (el) => el.scrollIntoView());
      await page.waitForFunction(() => __state('one-hidden-layer').ready, null, { timeout: T_READY });
      const engines = await page.evaluate(() => [__state('fashion').engine, __state('one-hidden-layer').engine]);
      check(engines.every((e) => /scalar/.test(e)), `both figures should run the scalar build, got ${engines.join(', ')}`);
      check(!ctx.requests.some((u) => /\/pkg\/sgd_escape/.test(u)), 'the SIMD build (pkg/) was fetched although SIMD is reported missing');
      await page.click('#ohl-play');
      await page.waitForFunction(() => __state('one-hidden-layer').epoch >= 2, null, { timeout: T_OHL });
      await page.click('#ohl-play');
      noErrors(ctx);
      await ctx.context.close();
    },
  },
];

// ------------------------------------------------------------------------------- main

// Links, embedding, teaching tools, exports, layout and hostile input: tests/e2e/embed.mjs.
TESTS.push(...embedTests({ openPage, check, waitReady, frames, noErrors, ROOT, T_READY, T_ADVANCE, T_RUN }));
// Links, embeds and exports of the FashionMNIST and one-hidden-layer figures: tests/e2e/later-links.mjs.
TESTS.push(...laterLinkTests({ openPage, check, noErrors, ROOT, T_READY, T_ADVANCE }));
TESTS.push(...crossOriginTests({ openPage, check, noErrors, ROOT, WWW, T_READY, T_ADVANCE }));

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
