// End-to-end tests of the page and its 2-D figure (`figure=toy`): loading, the SIMD and scalar
// builds, drawing, play/pause, the escape and indicator plots, bad input, method choice. Helpers
// and fixtures: fixtures.mjs.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test, ROOT, T_ADVANCE, T_READY, T_RUN, WANT_SCREENSHOT, canvasStats, check, frames, iteration, noErrors, openPage, pause, positionsOf, waitIteration, waitReady } from './fixtures.mjs';

test('page loads with no console error and no page error; SIMD build chosen; the CSP header reaches the workers', async ({ browser, server }) => {
  const url = server.url;
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
});

test('landscape canvas is drawn (heatmap, contours, many colours), crisp at devicePixelRatio 2', async ({ browser, server }) => {
  const url = server.url;
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
});

test('play advances #iteration and the particles move; pause stops', async ({ browser, server }) => {
  const url = server.url;
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
});

test('escape plot and indicator panel update; 500 iterations reach the target and pause', async ({ browser, server }) => {
  const url = server.url;
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
});

test('without SIMD the scalar build is used and runs', async ({ browser, server }) => {
  const url = server.url;
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
});

test('an invalid parameter (lr = -1) shows an error naming the field; the simulation keeps running; an lr beyond 2/λ₁ is flagged', async ({ browser, server }) => {
  const url = server.url;
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
});

test('method checkboxes choose what is simulated; legend entries toggle visibility', async ({ browser, server }) => {
  const url = server.url;
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
});
