// Fixtures and helpers of the end-to-end suite (tests/e2e/*.spec.mjs, run by `npx playwright test`
// with playwright.config.mjs).
//
// Fixtures: `server`, one `node tools/serve.mjs --root www --port 0` per worker (E2E_ROOT serves
// another copy of the page), as `{ url }` with a trailing slash; `serveRoot(dir)`, a second server
// for one test (stopped after it), resolving to its URL. Every browser context opened with
// `openPage` is closed after its test, even a failed one.
//
// Helpers: `openPage` (a fresh context and page collecting console errors, page errors and
// requests; optionally SIMD reported missing, a device scale factor, long-task recording),
// `waitReady`, `check`, `noErrors`, canvas pixel statistics, and the FashionMNIST helpers.
// Artifacts go to target/e2e/; with E2E_SCREENSHOTS=1 the tests that take the README's pictures
// also write docs/screenshot.png, docs/screenshot-fashion.png and docs/screenshot-ohl.png.

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { test as base, expect } from '@playwright/test';
import { CHROMIUM, ROOT, SIMD_TEST, startServer } from '../../tools/chromium.mjs';

export { expect, ROOT };

/** The directory served (relative to the repository root). */
export const WWW = process.env.E2E_ROOT || 'www';
/** Whether to rewrite the README's screenshots in docs/. */
export const WANT_SCREENSHOT = process.env.E2E_SCREENSHOTS === '1';
/** Where exports and screenshots of the runs go. */
export const ARTIFACTS = path.join(ROOT, 'target', 'e2e');
export const VIEWPORT = { width: 1280, height: 900 };

// Generous timeouts: CI is a slow 2-core machine. Nothing sleeps for a fixed time; these only
// bound how long a condition may take to become true. (One whole test: playwright.config.mjs.)
export const T_READY = 120_000; // page load, wasm compile, first simulation
export const T_ADVANCE = 120_000; // a few iterations after pressing play
export const T_RUN = 600_000; // 500 iterations

const openContexts = new Set();

export const test = base.extend({
  // One server for all the tests of a worker.
  server: [async ({}, use) => { // eslint-disable-line no-empty-pattern
    for (const dir of ['pkg', 'pkg-scalar']) {
      if (!existsSync(path.resolve(ROOT, WWW, dir, 'sgd_escape.js'))) throw new Error(`${WWW}/${dir}/sgd_escape.js is missing: run ./build.sh build first`);
    }
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium, or ./build.sh setup)`);
    const s = await startServer(WWW);
    try {
      await use({ url: s.url });
    } finally {
      s.stop();
    }
  }, { scope: 'worker' }],
  // Further servers for one test: `await serveRoot('.')` serves the repository root.
  serveRoot: async ({}, use) => { // eslint-disable-line no-empty-pattern
    const started = [];
    try {
      await use(async (dir, options) => {
        const s = await startServer(dir, options);
        started.push(s);
        return s.url;
      });
    } finally {
      for (const s of started) s.stop();
    }
  },
  // Closes what a test left open (a failed check skips the test's own close()).
  closeContexts: [async ({}, use) => { // eslint-disable-line no-empty-pattern
    await use();
    await Promise.all([...openContexts].map((c) => c.close().catch(() => {})));
    openContexts.clear();
  }, { auto: true }],
});

// ------------------------------------------------------------------------------- helpers

/** An assertion with the message that says what went wrong (expect's own, so Playwright reports it). */
export function check(cond, message) {
  expect(cond, message).toBeTruthy();
}

/**
 * Installed in every frame before the page's scripts: the tests reach the figures only through
 * their public interface (www/figures/registry.js). `__fig(id)` is figure `id` of the page or
 * embed (window.__sgdEscape.figures; default 'toy'), or with '#ID' the `figure` of the custom
 * element with that id; `__state(id)` its getState(), or null while it is not mounted.
 */
export function publicInterface() {
  window.__fig = (id = 'toy') => (id.startsWith('#')
    ? (document.getElementById(id.slice(1)) || {}).figure || null
    : (window.__sgdEscape && window.__sgdEscape.figures[id]) || null);
  window.__state = (id) => { const f = window.__fig(id); return f ? f.getState() : null; };
}

/** A fresh context and page, with console errors and page errors collected. */
export async function openPage(browser, baseUrl, { noSimd = false, deviceScaleFactor = 1, longTasks = false } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor });
  await context.addInitScript(publicInterface);
  openContexts.add(context);
  context.on('close', () => openContexts.delete(context));
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

export async function waitReady(page) {
  try {
    await page.waitForFunction(() => __state()?.ready, null, { timeout: T_READY });
  } catch (e) {
    // Say where it stuck: the status line, the engine, errors and requests in flight.
    const why = await page.evaluate(() => {
      const k = __state() || { stats: {} };
      const text = (id) => (document.getElementById(id) || {}).textContent;
      return JSON.stringify({ status: text('status'), engine: text('engine'), errors: k.errors, inFlight: k.stats.inFlight, workers: k.workers, pageErrors: (window.__sgdEscape || {}).errors });
    }).catch(() => 'page unavailable');
    throw new Error(`not ready within ${T_READY} ms: ${why}`, { cause: e });
  }
}

export const iteration = (page) => page.$eval('#iteration', (el) => Number(el.textContent));

export async function waitIteration(page, atLeast, timeout = T_ADVANCE) {
  await page.waitForFunction((n) => Number(document.getElementById('iteration').textContent) >= n, atLeast, { timeout });
}

/** Pixel statistics of a canvas: distinct colours, fraction not white, and a hash. */
export function canvasStats(page, id) {
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
export function positionsOf(page, id) {
  return page.evaluate((m) => Array.from(__state().positions[m] || []), id);
}

/** Presses Pause if playing, then waits until no request is in flight, so the counter holds. */
export async function pause(page) {
  if ((await page.$eval('#play', (b) => b.getAttribute('aria-pressed'))) === 'true') await page.click('#play');
  await page.waitForFunction(() => document.getElementById('play').getAttribute('aria-pressed') === 'false' && __state().stats.inFlight === 0, null, { timeout: T_ADVANCE });
}

/** Resolves after `n` animation frames. */
export function frames(page, n) {
  return page.evaluate((k) => new Promise((r) => { let i = 0; const f = () => (++i >= k ? r(true) : requestAnimationFrame(f)); requestAnimationFrame(f); }), n);
}

export function noErrors(ctx) {
  check(ctx.pageErrors.length === 0, `page errors: ${ctx.pageErrors.join(' | ')}`);
  check(ctx.consoleErrors.length === 0, `console errors: ${ctx.consoleErrors.join(' | ')}`);
}


// ------------------------------------------------------------------------------- FashionMNIST and one hidden layer

export const T_FASHION = 240_000; // a few dozen stage-2 iterations of four methods on a busy 2-core machine
export const T_FASHION_SHOT = 480_000; // 300 iterations of all eight, for the README picture
export const T_OHL = 180_000; // 31 epochs
export const T_STAGE1 = 600_000; // FashionMNIST stage 1 from scratch (a few thousand full-batch iterations)

/** A few plain fields of the FashionMNIST hook (the records stay in the page). */
export function fashionState(page) {
  return page.evaluate(() => {
    const f = __state('fashion');
    const records = {};
    for (const [id, rs] of Object.entries(f.records || {})) records[id] = rs.length;
    return { phase: f.phase, playing: f.playing, busy: f.busy, iteration: f.iteration, iterations: { ...f.iterations }, records, escaped: { ...f.escaped }, diverged: { ...f.diverged }, perf: f.perf, etaMs: f.etaMs, loadMs: f.loadMs, shards: f.shards, errors: [...f.errors], progressMessages: f.progressMessages };
  });
}

/** Sets the FashionMNIST settings before the figure has started (no worker is spent on them). */
export async function fashionSettings(page, { methods, logEvery, target }) {
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
export async function fashionReady(page) {
  await page.$eval('#fashion', (el) => el.scrollIntoView());
  await page.waitForFunction(() => __state('fashion')?.phase === 'ready', null, { timeout: T_READY });
}

/** Pixel statistics of an element's canvas found by selector (the strip tiles have no ids). */
export function tileStats(page) {
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
export async function screenshotOf(page, selectors, file) {
  mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  const box = await page.evaluate((sels) => {
    const rs = sels.map((sel) => document.querySelector(sel).getBoundingClientRect());
    const top = Math.min(...rs.map((r) => r.top)) + window.scrollY;
    const bottom = Math.max(...rs.map((r) => r.bottom)) + window.scrollY;
    return { x: 0, y: Math.max(0, top - 8), width: document.documentElement.clientWidth, height: bottom - top + 24 };
  }, [].concat(selectors));
  await page.screenshot({ path: path.join(ROOT, 'docs', file), fullPage: true, clip: box });
}
