// End-to-end test of embedding from another origin: the figure files served with CORS headers,
// a host page of a second origin embedding all three figures with <sgd-escape-figure>; each
// must start its workers through the blob start of www/lib/worker-pool.js and run. Helpers and
// fixtures: fixtures.mjs.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, ROOT, T_ADVANCE, T_READY, WWW, check, noErrors, openPage } from './fixtures.mjs';

/** tools/serve.mjs with `args`; resolves to { child, url } once it prints its URL. */
function serve(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['tools/serve.mjs', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGTERM'); reject(new Error(`no URL from serve.mjs ${args.join(' ')}: ${out}`)); }, 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /Serving .* at (http:\/\/[^\s]+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1].endsWith('/') ? m[1] : `${m[1]}/` }); }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

test('cross-origin: a host page on a second origin embeds all three figures with <sgd-escape-figure> and each runs', async ({ browser }) => {
  const servers = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sgd-escape-host-'));
  try {
    const figures = await serve(['--root', WWW, '--cors']);
    servers.push(figures.child);
    // The host page: another port is another origin.
    writeFileSync(path.join(dir, 'host.html'), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A blog post</title><link rel="icon" href="data:,">
<script type="module" src="${figures.url}sgd-escape.js"></script></head>
<body>
<p style="height: 1200px">A blog post about SGD.</p>
<sgd-escape-figure id="x-toy" figure="toy" controls="lr"></sgd-escape-figure>
<p style="height: 1200px">More text.</p>
<sgd-escape-figure id="x-fashion" figure="fashion" methods="gd,sgd" iterations="2" logEvery="1" controls="export"></sgd-escape-figure>
<p style="height: 1200px">More text.</p>
<sgd-escape-figure id="x-ohl" figure="ohl" controls="link"></sgd-escape-figure>
</body></html>
`);
    const host = await serve(['--root', dir, '--no-csp']);
    servers.push(host.child);
    check(new URL(host.url).origin !== new URL(figures.url).origin, 'the host and the figures should have different origins');
    const ctx = await openPage(browser, `${host.url}host.html`);
    const { page } = ctx;
    // The 2-D figure: one step.
    await page.$eval('#x-toy', (e) => e.scrollIntoView());
    await page.waitForFunction(() => __state('#x-toy')?.ready, null, { timeout: T_READY });
    await page.evaluate(() => __fig('#x-toy').step());
    await page.waitForFunction(() => __state('#x-toy').iteration === 1, null, { timeout: T_ADVANCE });
    // FashionMNIST: data and the saved minimum load from the figures' origin; two iterations.
    await page.$eval('#x-fashion', (e) => e.scrollIntoView());
    await page.waitForFunction(() => __state('#x-fashion')?.phase === 'ready', null, { timeout: T_READY });
    await page.evaluate(() => __fig('#x-fashion').play());
    await page.waitForFunction(() => { const f = __state('#x-fashion'); return f.iteration >= 2 && !f.busy && !f.playing; }, null, { timeout: T_ADVANCE * 2 });
    // One hidden layer: one epoch.
    await page.$eval('#x-ohl', (e) => e.scrollIntoView());
    await page.waitForFunction(() => __state('#x-ohl')?.ready, null, { timeout: T_READY });
    await page.evaluate(() => __fig('#x-ohl').step());
    await page.waitForFunction(() => __state('#x-ohl').epoch >= 1, null, { timeout: T_ADVANCE });
    const errors = await page.evaluate(() => ['#x-toy', '#x-fashion', '#x-ohl'].flatMap((id) => [...(__state(id).errors || []), ...document.querySelector(id).errors]));
    check(errors.length === 0, `figure errors: ${errors.join(' | ')}`);
    const origin = new URL(figures.url).origin;
    for (const file of ['figures/toy/worker.js', 'figures/fashion/worker.js', 'figures/one-hidden-layer/worker.js', 'pkg/sgd_escape_bg.wasm', 'data/']) {
      check(ctx.requests.some((u) => u.startsWith(`${origin}/${file}`)), `nothing was fetched from ${origin}/${file}`);
    }
    noErrors(ctx);
    await ctx.context.close();
  } finally {
    for (const c of servers) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
