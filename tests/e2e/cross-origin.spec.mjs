// Embedding from another origin: the figure files are served with CORS headers by one server
// (tools/serve.mjs --cors), a host page by a second one on another port (another origin, with no
// policy of its own, like a blog), and the host embeds all four figures with
// <sgd-escape-figure>. Browsers start workers only from the page's own origin, so every figure
// must start its workers through www/lib/worker-pool.js's blob start; each must then run.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, WWW, T_ADVANCE, T_READY, check, noErrors, openPage } from './fixtures.mjs';

test('cross-origin: a host page on a second origin embeds all four figures with <sgd-escape-figure> and each runs', async ({ browser, serveRoot }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sgd-escape-host-'));
  try {
    const figures = await serveRoot(WWW, { extraArgs: ['--cors'] });
    writeFileSync(path.join(dir, 'host.html'), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A blog post</title><link rel="icon" href="data:,">
<script type="module" src="${figures}sgd-escape.js"></script></head>
<body>
<p style="height: 1200px">A blog post about SGD.</p>
<sgd-escape-figure id="x-toy" figure="toy" controls="lr"></sgd-escape-figure>
<p style="height: 1200px">More text.</p>
<sgd-escape-figure id="x-fashion" figure="fashion" methods="gd,sgd" iterations="2" logEvery="1" controls="export"></sgd-escape-figure>
<p style="height: 1200px">More text.</p>
<sgd-escape-figure id="x-ohl" figure="ohl" controls="link"></sgd-escape-figure>
<p style="height: 1200px">More text.</p>
<sgd-escape-figure id="x-sweep" figure="sweep" vary="angle" points="2" runs="8" iterations="50" workers="1" autoplay="1" controls="runs"></sgd-escape-figure>
</body></html>
`);
    // Another port is another origin.
    const host = await serveRoot(dir, { extraArgs: ['--no-csp'] });
    check(new URL(host).origin !== new URL(figures).origin, 'the host and the figures should have different origins');
    const ctx = await openPage(browser, `${host}host.html`);
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
    // The sweep: both points, in its worker.
    await page.$eval('#x-sweep', (e) => e.scrollIntoView());
    await page.waitForFunction(() => __state('#x-sweep')?.done, null, { timeout: T_ADVANCE * 2 });
    const sweep = await page.evaluate(() => __state('#x-sweep').results);
    check(sweep.length === 2 && sweep.every((p) => Number.isFinite(p.ratio)), `the sweep's points: ${JSON.stringify(sweep)}`);
    const errors = await page.evaluate(() => ['#x-toy', '#x-fashion', '#x-ohl', '#x-sweep'].flatMap((id) => [...(__state(id).errors || []), ...document.querySelector(id).errors]));
    check(errors.length === 0, `figure errors: ${errors.join(' | ')}`);
    const origin = new URL(figures).origin;
    for (const file of ['figures/toy/worker.js', 'figures/fashion/worker.js', 'figures/one-hidden-layer/worker.js', 'figures/sweep/worker.js', 'pkg/sgd_escape_bg.wasm', 'data/']) {
      check(ctx.requests.some((u) => u.startsWith(`${origin}/${file}`)), `nothing was fetched from ${origin}/${file}`);
    }
    noErrors(ctx);
    await ctx.context.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
