// End-to-end tests of the sweep figure: a small sweep opened by a link runs in the workers, its
// points (through the public getState and export) have finite ratios and intervals containing
// their fractions, the eight dynamics are marked, the result does not depend on the worker
// count or the build (SIMD or scalar), pause holds and reset clears; the embed shows the listed
// settings only; a preset and the custom element open it.

import { test, T_ADVANCE, T_READY, canvasStats, check, frames, noErrors, openPage } from './fixtures.mjs';

const SMALL = 'figure=sweep&vary=angle&points=4&from=0&to=90&iterations=200&runs=20&seed=3';

/** Waits until the page's (or embed's) sweep has every point. */
const sweepDone = (page) => page.waitForFunction(() => __state('sweep')?.done, null, { timeout: T_ADVANCE * 2 });

/** The checks every finished small sweep passes; returns its points. */
async function checkPoints(page, n) {
  const s = await page.evaluate(() => __state('sweep'));
  check(s.results.length === n && s.progress.done === n && s.progress.total === n, `${n} points expected: ${JSON.stringify(s.progress)}`);
  check(s.results.map((p) => p.value).join() === '0,30,60,90', `values: ${s.results.map((p) => p.value)}`);
  for (const p of s.results) {
    const f = p.escaped / p.runs;
    check(Number.isFinite(p.ratio) && p.ratio > 0, `ratio of ${p.value}: ${p.ratio}`);
    check(p.runs === 20 && p.escaped + p.stayed + p.diverged === 20, `runs of ${p.value}: ${JSON.stringify(p)}`);
    check(p.low95 <= f && f <= p.high95 && p.low95 >= 0 && p.high95 <= 1, `interval of ${p.value}: ${p.low95}..${p.high95} for ${f}`);
  }
  // Aligned noise scores above isotropic noise of the same trace, noise across the sharp axis below.
  check(s.results[0].ratio > 1 && s.results[3].ratio < 1, `ratios ${s.results.map((p) => p.ratio)}`);
  check(s.markers.length === 8 && s.markers.filter((m) => Number.isFinite(m.ratio)).length === 7, `markers: ${JSON.stringify(s.markers)}`);
  check(s.spearman === null || (s.spearman >= -1 && s.spearman <= 1), `spearman ${s.spearman}`);
  check(s.spearman === null ? /No rank correlation/.test(s.caption) : s.caption.includes(`ρ between Tr(HΣ) and the escape fraction: ${s.spearman.toFixed(2)}`), `caption: ${s.caption}`);
  check((await page.textContent('#sweep-live')) === s.caption, 'the live caption is the state\'s');
  return s.results;
}

test('sweep link: a small sweep runs in two workers; points, intervals, markers, caption, exports; one worker gives the same points; pause holds, reset clears', async ({ browser, server }) => {
  const ctx = await openPage(browser, new URL(`index.html#${SMALL}&workers=2&play=1`, server.url).href);
  const { page } = ctx;
  await page.waitForFunction(() => __state('sweep')?.ready, null, { timeout: T_READY });
  await sweepDone(page);
  const two = await checkPoints(page, 4);
  await page.$eval('#sweep', (el) => el.scrollIntoView());
  await frames(page, 3);
  const drawn = await canvasStats(page, 'sweep-plot');
  check(drawn.distinct > 20, 'the sweep plot is not drawn');
  // The canonical link, written back to the address bar.
  await page.waitForFunction(() => /^#figure=sweep&vary=angle&points=4&from=0&to=90&iterations=200&runs=20&/.test(location.hash), null, { timeout: T_ADVANCE });
  // Exports through the public interface.
  const files = await page.evaluate(async () => { const f = __fig('sweep'); return { csv: await (await f.export('csv')).blob.text(), json: await (await f.export('json')).blob.text() }; });
  const rows = files.csv.trim().split('\n');
  check(rows.length === 5 && rows[0].startsWith('value,trHSigma,trHSigmaIso,ratio,escaped'), `CSV: ${rows.length} lines, ${rows[0]}`);
  const json = JSON.parse(files.json);
  check(json.figure === 'sweep' && json.vary === 'angle' && json.points.length === 4 && json.markers.length === 8, `JSON: ${files.json.slice(0, 200)}`);
  // One worker: the same points, bit for bit (each point is computed from the seed alone).
  await page.evaluate(() => __fig('sweep').setState({ workers: 1, playing: true }));
  await page.waitForFunction(() => __state('sweep').workers === 1 && __state('sweep').done, null, { timeout: T_ADVANCE * 2 });
  const one = await checkPoints(page, 4);
  check(JSON.stringify(one) === JSON.stringify(two), 'one worker and two workers give different points');
  // Reset clears; a step runs one point and pauses; pause holds.
  await page.evaluate(() => __fig('sweep').reset());
  check((await page.evaluate(() => __state('sweep').results.length)) === 0, 'reset should clear the points');
  await page.evaluate(() => __fig('sweep').step());
  await page.waitForFunction(() => __state('sweep').results.length === 1 && !__state('sweep').playing, null, { timeout: T_ADVANCE });
  await frames(page, 20);
  check((await page.evaluate(() => __state('sweep').results.length)) === 1, 'a step should run exactly one point');
  // A bad value from the API is Rust's to reject, at its field.
  await page.evaluate(() => __fig('sweep').setState({ to: 400 }));
  await page.waitForFunction(() => document.getElementById('sweep-to-error').textContent.length > 0, null, { timeout: T_ADVANCE });
  const err = await page.textContent('#sweep-to-error');
  check(/^`to` /.test(err), `the error should name \`to\`: ${err}`);
  check(await page.$eval('#sweep-play', (b) => b.disabled), 'Run should be disabled while the settings are invalid');
  await page.evaluate(() => __fig('sweep').setState({ to: 90 }));
  await page.waitForFunction(() => !document.getElementById('sweep-play').disabled, null, { timeout: T_ADVANCE });
  const errors = await page.evaluate(() => __state('sweep').errors);
  check(errors.length === 1 && /`to`/.test(errors[0]), `errors: ${errors}`);
  check(ctx.pageErrors.length === 0, `page errors: ${ctx.pageErrors.join(' | ')}`);
});

test('embed.html#figure=sweep: the plot, the listed settings only, runs with play=1', async ({ browser, server }) => {
  const ctx = await openPage(browser, new URL(`embed.html#${SMALL}&workers=1&play=1&controls=vary,export`, server.url).href);
  const { page } = ctx;
  await sweepDone(page);
  await checkPoints(page, 4);
  const parts = await page.evaluate(() => ({
    vary: document.querySelector('.sweep-field-vary').hidden,
    runs: document.querySelector('.sweep-field-runs').hidden,
    lede: document.querySelector('.experiment-intro .lede').hidden,
    copy: !!document.getElementById('sweep-copy-link'),
    csv: !!document.getElementById('sweep-export-csv'),
  }));
  check(!parts.vary && parts.runs && parts.lede && !parts.copy && parts.csv, `embed parts: ${JSON.stringify(parts)}`);
  noErrors(ctx);
});

test('preset=spread-sweep opens the sweep over SGD\'s data spread; <sgd-escape-figure figure="sweep"> runs its own sweep', async ({ browser, server }) => {
  const ctx = await openPage(browser, new URL('index.html#preset=spread-sweep&points=3&runs=10&iterations=100&workers=1&play=1', server.url).href);
  const { page } = ctx;
  await sweepDone(page);
  const s = await page.evaluate(() => __state('sweep'));
  check(s.vary === 'spread' && s.from === 0.02 && s.to === 0.12 && s.xKey === 'trHSigma', `preset state: ${JSON.stringify({ vary: s.vary, from: s.from, to: s.to, xKey: s.xKey })}`);
  check(s.results.length === 3 && s.results.every((p) => Number.isFinite(p.trHSigma) && p.trHSigma > 0), `spread points: ${JSON.stringify(s.results)}`);
  check(s.results[0].trHSigma < s.results[2].trHSigma, 'SGD\'s Tr(HΣ) should grow with the spread');
  // The custom element, on the same page.
  await page.evaluate(async () => {
    await import('./sgd-escape.js');
    const el = document.createElement('sgd-escape-figure');
    el.id = 'el';
    for (const [k, v] of Object.entries({ figure: 'sweep', vary: 'anisotropy', points: '2', runs: '8', iterations: '50', workers: '1', autoplay: '1', controls: 'runs' })) el.setAttribute(k, v);
    document.body.prepend(el);
    // An element starts when it nears the view.
    el.scrollIntoView();
  });
  await page.waitForFunction(() => __state('#el')?.done, null, { timeout: T_ADVANCE * 2 });
  const e = await page.evaluate(() => __state('#el'));
  check(e.vary === 'anisotropy' && e.results.length === 2 && e.results.map((p) => p.value).join() === '0,1', `element: ${JSON.stringify({ vary: e.vary, values: e.results.map((p) => p.value) })}`);
  // The element's canonical link (written 200 ms after a change).
  await page.waitForFunction(() => /^#figure=sweep&vary=anisotropy&points=2&/.test(__state('#el').hash), null, { timeout: T_ADVANCE });
  check(ctx.pageErrors.length === 0, `page errors: ${ctx.pageErrors.join(' | ')}`);
});

test('the scalar build (no SIMD) gives the sweep\'s points bit for bit as the SIMD build', async ({ browser, server }) => {
  const run = async (noSimd) => {
    const ctx = await openPage(browser, new URL(`embed.html#${SMALL}&workers=2&play=1`, server.url).href, { noSimd });
    await sweepDone(ctx.page);
    const s = await ctx.page.evaluate(() => __state('sweep'));
    await ctx.page.context().close();
    return s;
  };
  const simd = await run(false);
  const scalar = await run(true);
  check(simd.engine === 'wasm SIMD128' && scalar.engine === 'wasm scalar', `engines: ${simd.engine}, ${scalar.engine}`);
  check(JSON.stringify(scalar.results) === JSON.stringify(simd.results), 'the scalar and SIMD builds give different points');
  check(JSON.stringify(scalar.markers) === JSON.stringify(simd.markers), 'the scalar and SIMD builds mark the dynamics differently');
});
