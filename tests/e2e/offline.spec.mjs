// End-to-end test of the offline cache (www/sw.js, registered by www/lib/offline.js), the one
// spec that lets service workers run (`serviceWorkers: 'allow'` below; playwright.config.mjs
// blocks them for every other spec). A first visit to an embed, on a server of its own: the
// worker takes control, the figure runs; the cache then holds the shell and the wasm build the
// browser ran, and neither the other build nor any data (the 2-D figure reads none), and the
// other build was never requested. Then the network goes: the context is set offline and the
// server is stopped; a reload is answered by the worker and the figure loads and runs again,
// and so does the full page. A rebuild (a copy of the page whose build-id.js changes) replaces
// the worker and its cache.

import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, ARTIFACTS, ROOT, T_ADVANCE, T_READY, WWW, check, noErrors, openPage, waitReady } from './fixtures.mjs';
import { startServer } from '../../tools/chromium.mjs';

test.use({ serviceWorkers: 'allow' });

/**
 * Waits until the async page function `fn(arg)` resolves truthy (waitForFunction would take the
 * promise itself as truthy), polling every 200 ms for at most `timeout` ms.
 */
async function waitAsync(page, fn, arg, what, timeout = T_READY) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    check(Date.now() < deadline, `timed out waiting for ${what}`);
    await page.waitForTimeout(200);
  }
}

/** The scope-relative paths in the page's sgd-escape caches: { cacheName: [path] }. */
const cacheContents = (page) => page.evaluate(async () => {
  const out = {};
  for (const name of await caches.keys()) {
    if (!name.startsWith('sgd-escape-')) continue;
    const cache = await caches.open(name);
    const base = new URL('./', location.href).href;
    out[name] = (await cache.keys()).map((r) => r.url.slice(base.length)).sort();
  }
  return out;
});

test('offline: after one visit the embed and the page load and run without a network; only the shell and the wasm build the browser runs are cached', async ({ browser }) => {
  const server = await startServer('www');
  let stopped = false;
  try {
    const link = 'embed.html#figure=toy&controls=lr&autoplay=1&seed=4';
    const ctx = await openPage(browser, `${server.url}${link}`);
    const { page, context } = ctx;
    await waitReady(page);
    // The worker takes over this first visit (clients.claim) and is told what it used.
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: T_READY });
    await waitAsync(page, async () => {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        if (await cache.match('pkg/sgd_escape_bg.wasm') && await cache.match('pkg/sgd_escape.js')) return true;
      }
      return false;
    }, null, 'the SIMD build in the cache');
    await page.waitForFunction(() => __state().iteration > 5, null, { timeout: T_ADVANCE });
    const build = await page.evaluate(() => document.getElementById('engine').textContent);
    check(/SIMD/.test(build), `this browser should run the SIMD build, the engine says "${build}"`);

    const caches1 = await cacheContents(page);
    const names = Object.keys(caches1);
    check(names.length === 1, `one cache per build, got ${names.join(', ')}`);
    const files = caches1[names[0]];
    console.log(`      cache ${names[0]}: ${files.length} files (${files.filter((f) => f.startsWith('pkg/')).join(', ')})`);
    for (const f of ['embed.html', 'index.html', 'style.css', 'embed.js', 'lib/schema.json', 'figures/toy/worker.js', 'pkg/sgd_escape.js', 'pkg/sgd_escape_bg.wasm']) {
      check(files.includes(f), `${f} is not cached: ${files.join(', ')}`);
    }
    check(!files.some((f) => f.startsWith('pkg-scalar/')), `the unused scalar build was cached: ${files.filter((f) => f.startsWith('pkg-scalar/'))}`);
    check(!files.some((f) => f.startsWith('data/')), `data the 2-D figure never reads were cached: ${files.filter((f) => f.startsWith('data/'))}`);
    // The requests this context made (the page's, its workers' and the service worker's).
    check(ctx.requests.some((u) => u.endsWith('/pkg/sgd_escape_bg.wasm')), 'the SIMD build\'s request was not seen (the request log misses the workers)');
    const scalar = ctx.requests.filter((u) => u.includes('/pkg-scalar/'));
    check(scalar.length === 0, `the unused scalar build was fetched: ${scalar.join(', ')}`);
    const data = ctx.requests.filter((u) => u.includes('/data/'));
    check(data.length === 0, `data were fetched: ${data.join(', ')}`);

    // No network: the context offline and the server gone.
    await context.setOffline(true);
    server.stop();
    stopped = true;
    await new Promise((resolve) => (server.child.exitCode !== null || server.child.signalCode !== null ? resolve() : server.child.once('exit', resolve)));
    const net = await page.evaluate(() => fetch(`build-id.js?probe=${Date.now()}`).then(() => 'reachable', () => 'unreachable'));
    check(net === 'unreachable', 'the network is still there');

    const response = await page.reload({ waitUntil: 'load', timeout: T_READY });
    check(response && response.fromServiceWorker(), 'the reload was not answered by the service worker');
    await waitReady(page);
    await page.waitForFunction(() => __state().iteration > 5, null, { timeout: T_ADVANCE });
    const errors = await page.evaluate(() => __state().errors);
    check(errors.length === 0, `figure errors offline: ${errors.join(' | ')}`);

    // The full page, never opened in this context, comes from the shell too.
    await page.goto(`${server.url}index.html#figure=toy&seed=4`, { waitUntil: 'load', timeout: T_READY });
    await waitReady(page);
    await page.click('#step');
    await page.waitForFunction(() => __state().iteration === 1 && __state().stats.inFlight === 0, null, { timeout: T_ADVANCE });
    const scalarAfter = ctx.requests.filter((u) => u.includes('/pkg-scalar/'));
    check(scalarAfter.length === 0, `the scalar build was requested offline: ${scalarAfter.join(', ')}`);
    // Offline, the worker's update check of sw.js fails: the browser says so, nothing else may.
    ctx.consoleErrors.splice(0, ctx.consoleErrors.length, ...ctx.consoleErrors.filter((e) => !/sw\.js|ServiceWorker|ERR_INTERNET_DISCONNECTED/.test(e)));
    noErrors(ctx);
    await context.close();
  } finally {
    if (!stopped) server.stop();
  }
});

test('offline: a rebuild (a new build-id.js) installs a new worker, which caches under the new id and deletes the old cache', async ({ browser }) => {
  // A copy of the page, so the test can "rebuild" it.
  const copy = path.join(ARTIFACTS, 'offline-www');
  rmSync(copy, { recursive: true, force: true });
  cpSync(path.join(ROOT, WWW), copy, { recursive: true });
  const manifest = path.join(copy, 'build-id.js');
  const text = readFileSync(manifest, 'utf8');
  const id = /id: "([^"]+)"/.exec(text)?.[1];
  check(id, 'build-id.js has no id: run ./build.sh build');
  const server = await startServer(path.relative(ROOT, copy));
  try {
    const ctx = await openPage(browser, `${server.url}embed.html#figure=toy&controls=lr&seed=4`);
    const { page } = ctx;
    await waitReady(page);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: T_READY });
    await waitAsync(page, async (name) => (await caches.keys()).includes(name), `sgd-escape-${id}`, 'the first build\'s cache');
    // The rebuild: same files, a new id (./build.sh build writes a new one when any file changes).
    const rebuilt = `${id}-rebuilt`;
    writeFileSync(manifest, text.replace(`id: "${id}"`, `id: "${rebuilt}"`));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await waitAsync(page, async ([name, old]) => { const k = await caches.keys(); return k.includes(name) && !k.includes(old); }, [`sgd-escape-${rebuilt}`, `sgd-escape-${id}`], 'the new cache, without the old one');
    // A reload under the new worker tells it what the page uses; then it works offline.
    await page.reload({ waitUntil: 'load', timeout: T_READY });
    await waitReady(page);
    await waitAsync(page, async (name) => !!(await (await caches.open(name)).match('pkg/sgd_escape_bg.wasm')), `sgd-escape-${rebuilt}`, 'the SIMD build in the new cache');
    const names = await page.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith('sgd-escape-')));
    check(JSON.stringify(names) === JSON.stringify([`sgd-escape-${rebuilt}`]), `caches after the rebuild: ${names.join(', ')}`);
    await ctx.context.setOffline(true);
    server.stop();
    await page.reload({ waitUntil: 'load', timeout: T_READY });
    await waitReady(page);
    await page.click('#step');
    await page.waitForFunction(() => __state().iteration === 1 && __state().stats.inFlight === 0, null, { timeout: T_ADVANCE });
    ctx.consoleErrors.splice(0, ctx.consoleErrors.length, ...ctx.consoleErrors.filter((e) => !/sw\.js|ServiceWorker|ERR_INTERNET_DISCONNECTED/.test(e)));
    noErrors(ctx);
    await ctx.context.close();
  } finally {
    server.stop();
    rmSync(copy, { recursive: true, force: true });
  }
});
