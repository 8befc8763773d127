#!/usr/bin/env node
// Measures the FashionMNIST stage 2 in the page, in Debian's headless Chromium: how long the
// chosen methods take to reach the target, split over the page's workers, with its progress bar
// and ETA. A measuring script, not a test: it prints what it saw and exits 0 unless the page failed.
//
//   node tools/fashion-protocol.mjs [--iterations N] [--log-every N] [--threads N]
//                                       [--methods gd,sgd,...] [--no-simd] [--root DIR]
//
// Defaults: the page's "Paper protocol (15,000 iterations)" button, i.e. all eight methods from
// the saved seed-0 minimum to iteration 15,000 with a record every 500, over the page's default
// number of workers (min(cores, 8)). With --iterations it runs a shorter stage 2 with the same
// settings and extrapolates to 15,000 from the speeds it measured (each worker's methods run one
// after another; the workers side by side). Every 10 s it prints the iteration, the ETA shown in
// the page and the wasm memory of the workers; at the end, the wall time, each method's ms per
// iteration and per record, the main-thread long tasks (over 50 ms) and the memory.

import process from 'node:process';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, SIMD_TEST, startServer } from './chromium.mjs';

const ARGS = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = ARGS.indexOf(name);
  return i >= 0 && ARGS[i + 1] ? ARGS[i + 1] : fallback;
};
const PAPER_ITERATIONS = 15000;
const PAPER_LOG_EVERY = 500;
const ITERATIONS = Number(arg('--iterations', PAPER_ITERATIONS));
const LOG_EVERY = Number(arg('--log-every', PAPER_LOG_EVERY));
const THREADS = arg('--threads', null);
const METHODS = arg('--methods', null);
const NO_SIMD = ARGS.includes('--no-simd');
const WWW = arg('--root', 'www');

function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

async function main() {
  const { child, url } = await startServer(WWW);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  let failed = false;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(({ noSimd, simdBytes }) => {
      // The figures through their public interface (www/figures/registry.js).
      window.__fig = (id = 'toy') => (window.__sgdEscape && window.__sgdEscape.figures[id]) || null;
      window.__state = (id) => { const f = window.__fig(id); return f ? f.getState() : null; };
      window.__longTasks = [];
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      } catch { /* no longtask support */ }
      if (noSimd) {
        const original = WebAssembly.validate;
        WebAssembly.validate = function validate(bytes, ...rest) {
          const u = new Uint8Array(bytes.buffer || bytes);
          if (u.length === simdBytes.length && u.every((b, i) => b === simdBytes[i])) return false;
          return original.call(this, bytes, ...rest);
        };
      }
    }, { noSimd: NO_SIMD, simdBytes: SIMD_TEST });
    const page = await context.newPage();
    page.on('pageerror', (e) => { failed = true; console.log(`page error: ${e.message}`); });
    page.on('console', (m) => { if (m.type() === 'error') { failed = true; console.log(`console error: ${m.text()}`); } });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => __state()?.ready, null, { timeout: 120_000 });
    // The 2-D figure must not compete for the main thread: pause it if it plays.
    if ((await page.getAttribute('#play', 'aria-pressed')) === 'true') await page.click('#play');
    await page.$eval('#fashion', (el) => el.scrollIntoView());
    await page.waitForFunction(() => __state('fashion')?.phase === 'ready', null, { timeout: 180_000 });
    const hw = await page.evaluate(() => navigator.hardwareConcurrency);
    // The paper-protocol button, then the shorter target or other settings if asked for.
    const t0 = Date.now();
    const p0 = await page.evaluate(() => performance.now());
    await page.click('#fashion-paper');
    const overrides = {};
    if (ITERATIONS !== PAPER_ITERATIONS) overrides.target = ITERATIONS;
    if (LOG_EVERY !== PAPER_LOG_EVERY) overrides.logEvery = LOG_EVERY;
    if (THREADS) overrides.threads = Number(THREADS);
    if (METHODS) overrides.methods = METHODS.split(',');
    if (Object.keys(overrides).length) {
      await page.evaluate((o) => __fig('fashion').setState({ ...o, playing: true }), overrides);
    }
    const info = await page.evaluate(() => ({ shards: __state('fashion').shards, engine: __state('fashion').engine }));
    console.log(`fashion stage 2: target ${ITERATIONS}, a record every ${LOG_EVERY}, ${info.shards} worker(s) (hardwareConcurrency ${hw}), ${info.engine || (NO_SIMD ? 'scalar' : 'SIMD')}`);
    let lastPrint = 0;
    for (;;) {
      const s = await page.evaluate(() => {
        const f = __state('fashion');
        const bar = document.getElementById('fashion-progress');
        return { phase: f.phase, playing: f.playing, busy: f.busy, iteration: f.iteration, iterations: { ...f.iterations }, etaMs: f.etaMs, memory: f.memoryBytes, eta: document.getElementById('fashion-eta').textContent, now: bar.getAttribute('aria-valuenow'), errors: [...f.errors] };
      });
      if (s.errors.length) { failed = true; console.log(`figure errors: ${s.errors.join(' | ')}`); break; }
      const done = s.iteration >= ITERATIONS && !s.busy;
      if (done || Date.now() - lastPrint > 10_000) {
        lastPrint = Date.now();
        console.log(`  ${fmtMs(Date.now() - t0).padStart(12)}  iteration ${s.iteration} (${Object.entries(s.iterations).map(([k, v]) => `${k} ${v}`).join(', ')})  bar ${s.now}%  ${s.eta || ''}  wasm memory ${(s.memory / 2 ** 20).toFixed(1)} MB`);
      }
      if (done) break;
      if (!s.playing && !s.busy && s.phase === 'ready' && s.iteration < ITERATIONS) { failed = true; console.log('the run stopped before its target'); break; }
      await new Promise((r) => setTimeout(r, 1000));
    }
    const wall = Date.now() - t0;
    const end = await page.evaluate((since) => {
      const f = __state('fashion');
      const tasks = window.__longTasks.filter((t) => t.start >= since).map((t) => t.duration);
      const counts = Object.fromEntries(Object.entries(f.records).map(([k, v]) => [k, v.length]));
      return { perf: f.perf, memory: f.memoryBytes, memoryByShard: f.memoryByShard, tasks, counts, maxDrawMs: f.maxDrawMs, groups: f.groups };
    }, p0);
    console.log(`wall time: ${fmtMs(wall)} for ${ITERATIONS} iterations of each method`);
    const ms = end.perf ? end.perf.msPerIter : {};
    const rec = end.perf && end.perf.recordMs;
    console.log(`per iteration (ms, wasm, this machine): ${Object.entries(ms).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; per record ${rec ? Math.round(rec) : '?'} ms`);
    if (ITERATIONS !== PAPER_ITERATIONS && end.groups) {
      // Extrapolation: each worker runs its methods one after another, the workers side by side.
      const per = end.groups.map((ids) => ids.reduce((a, id) => a + PAPER_ITERATIONS * (ms[id] || 0) + Math.floor(PAPER_ITERATIONS / LOG_EVERY) * (rec || 0), 0));
      console.log(`extrapolated to ${PAPER_ITERATIONS} iterations: ${fmtMs(Math.max(...per))} (workers: ${end.groups.map((g, i) => `[${g.join(', ')}] ${fmtMs(per[i])}`).join('; ')})`);
    }
    const worst = end.tasks.length ? Math.max(...end.tasks) : 0;
    console.log(`main thread: ${end.tasks.length} long tasks (> 50 ms), longest ${Math.round(worst)} ms; longest draw ${Math.round(end.maxDrawMs)} ms`);
    console.log(`records kept: ${JSON.stringify(end.counts)}`);
    console.log(`wasm memory: ${(end.memory / 2 ** 20).toFixed(1)} MB over ${end.memoryByShard.length} worker(s) (${end.memoryByShard.map((b) => (b / 2 ** 20).toFixed(1)).join(' + ')} MB)`);
    await context.close();
  } finally {
    await browser.close().catch(() => {});
    child.kill();
  }
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => { console.error(e && e.stack ? e.stack : e); process.exit(1); });
