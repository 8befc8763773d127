// End-to-end tests of the 2-D figure's landscape shaping (issue 13 §1, §3, §4): the shape
// handles dragged with the mouse and stepped with the keyboard change the setting, its link key,
// the eigenvalue the core reports and the heatmap; the prediction panel draws finite values;
// seeking on the timeline of a reshaped landscape recomputes it bit for bit. Helpers: fixtures.mjs.

import { test, T_ADVANCE, canvasStats, check, noErrors, openPage, positionsOf, waitIteration, waitReady } from './fixtures.mjs';

/** The centre of an element in page coordinates. */
async function centre(page, selector) {
  const b = await page.locator(selector).boundingBox();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Waits until the figure has settled: no request in flight. */
async function settled(page) {
  await page.waitForFunction(() => __state().ready && __state().stats.inFlight === 0, null, { timeout: T_ADVANCE });
}

test('dragging the λ₁ handle with the mouse reshapes the landscape: setting, link key, eigenvalue from the core, heatmap', async ({ browser, server }) => {
  const ctx = await openPage(browser, server.url);
  const { page } = ctx;
  await waitReady(page);
  await page.waitForFunction(() => __state().landscape && __state().stats.framesDrawn > 0, null, { timeout: T_ADVANCE });
  const before = await page.evaluate(() => ({ grids: __state().stats.grids, size: __state().stats.gridSize, sent: __state().stats.configuresSent, l1: __state().landscape.eigenvalues[0], hash: __state().hash }));
  check(before.l1 === 200 && /sharpLambda1=200&/.test(before.hash), `the paper's λ₁ = 200 to start with, got ${before.l1}, ${before.hash}`);
  check(/λ₁ = 200,/.test(await page.textContent('#shape-caption')), 'the shape caption shows λ₁ = 200');
  const pixels = await canvasStats(page, 'landscape');
  // The handle sits along the sharp axis, down and left of the sharp minimum: drag it back up
  // towards the minimum (a smaller λ₁).
  const h = await centre(page, '#handle-lambda1');
  const c = await page.evaluate(() => {
    const r = document.getElementById('landscape').getBoundingClientRect();
    const k = __state().landscape.sharpMinimum;
    return { r: { x: r.x, y: r.y }, k };
  });
  check(c.k[0] === 1 && c.k[1] === 1, 'the sharp minimum at (1, 1)');
  await page.mouse.move(h.x, h.y);
  await page.mouse.down();
  for (let i = 1; i <= 6; i++) await page.mouse.move(h.x + 2 * i, h.y - 2 * i);
  await page.mouse.up();
  await settled(page);
  const after = await page.evaluate(() => ({ grids: __state().stats.grids, size: __state().stats.gridSize, l1: __state().config.sharpLambda1, core: __state().landscape.eigenvalues[0], hash: __state().hash, sent: __state().stats.configuresSent }));
  // The drag sent previews (coarser heatmaps) and, once released, the full one: the last request
  // is never lost to coalescing.
  check(after.sent >= before.sent + 2, `a drag should send previews and a final configure: ${before.sent} -> ${after.sent}`);
  check(after.size === before.size, `the heatmap after the drag should be full size (${before.size}), got ${after.size}`);
  check(after.l1 < 200 && after.l1 > 20, `dragging λ₁ inwards should lower it, got ${after.l1}`);
  check(Math.abs(after.core - after.l1) < 1e-9 * after.l1, `the core's eigenvalue ${after.core} should be the setting ${after.l1}`);
  check(after.hash.includes(`sharpLambda1=${after.l1}&`), `the link should carry sharpLambda1=${after.l1}: ${after.hash}`);
  check(after.grids > before.grids, 'the heatmap should have been recomputed');
  check(new RegExp(`λ₁ = ${String(after.l1).replace('.', '\\.')}[,]`).test(await page.textContent('#shape-caption')), `the caption should show λ₁ = ${after.l1}: ${await page.textContent('#shape-caption')}`);
  check(Number(await page.inputValue('#sharp-lambda1')) === after.l1, 'the λ₁ field follows the handle');
  await page.waitForFunction(() => __state().stats.framesDrawn > 0, null, { timeout: T_ADVANCE });
  const redrawn = await canvasStats(page, 'landscape');
  check(redrawn.hash !== pixels.hash, 'the heatmap should be redrawn for the new shape');
  // A touch-sized target: the handle's box is 44 CSS pixels.
  const box = await page.locator('#handle-lambda1').boundingBox();
  check(Math.round(box.width) === 44 && Math.round(box.height) === 44, `handle target ${box.width}x${box.height}`);
  noErrors(ctx);
  await ctx.context.close();
});

test('a finger drags the λ₂ handle (touch events, through Chromium\'s own touch input)', async ({ browser, server }) => {
  const ctx = await openPage(browser, server.url);
  const { page } = ctx;
  await waitReady(page);
  await page.waitForFunction(() => __state().landscape, null, { timeout: T_ADVANCE });
  const cdp = await ctx.context.newCDPSession(page);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
  const h = await centre(page, '#handle-lambda2');
  const touch = (type, x, y) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
  await touch('touchStart', h.x, h.y);
  // Out along the λ₂ arm (up and left of the sharp minimum on the paper's landscape): larger.
  for (let i = 1; i <= 5; i++) await touch('touchMove', h.x - 3 * i, h.y - 3 * i);
  await touch('touchEnd', 0, 0);
  await settled(page);
  const l2 = await page.evaluate(() => __state().config.sharpLambda2);
  check(l2 > 20 && l2 <= 200, `a touch drag outwards should raise λ₂ from 20, got ${l2}`);
  check(await page.evaluate((v) => __state().landscape.eigenvalues[1] === v && __state().hash.includes(`sharpLambda2=${v}&`), l2), 'the core and the link follow');
  noErrors(ctx);
  await ctx.context.close();
});

test('the angle handle with the keyboard: arrows step the angle, the link and the ARIA value follow', async ({ browser, server }) => {
  const ctx = await openPage(browser, server.url);
  const { page } = ctx;
  await waitReady(page);
  await page.waitForFunction(() => __state().landscape, null, { timeout: T_ADVANCE });
  const role = await page.getAttribute('#handle-angle', 'role');
  const label = await page.getAttribute('#handle-angle', 'aria-label');
  check(role === 'slider' && /angle/i.test(label), `the angle handle is a labelled slider: ${role}, ${label}`);
  await page.focus('#handle-angle');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await page.waitForFunction(() => __state().config.sharpAngle === 13, null, { timeout: T_ADVANCE });
  await settled(page);
  const s = await page.evaluate(() => ({ hash: __state().hash, it: __state().iteration, v: __state().landscape.eigenvectors[0] }));
  check(/sharpAngle=13&/.test(s.hash), `the link should carry sharpAngle=13: ${s.hash}`);
  check(s.it === 0, 'the arrows must not step the simulation (the figure\'s → key)');
  // The core's top eigenvector: the diagonal turned by 13 degrees (up to sign).
  const a = ((45 + 13) * Math.PI) / 180;
  check(Math.abs(Math.abs(s.v[0] * Math.cos(a) + s.v[1] * Math.sin(a)) - 1) < 1e-9, `eigenvector ${s.v}`);
  check((await page.getAttribute('#handle-angle', 'aria-valuenow')) === '13', 'aria-valuenow follows');
  check(/sharp axis at 13°/.test(await page.textContent('#shape-caption')), 'the caption states the angle');
  // The λ₂ handle with the keyboard, and the field typed by hand.
  await page.focus('#handle-lambda2');
  await page.keyboard.press('End');
  await page.waitForFunction(() => __state().config.sharpLambda2 === 200, null, { timeout: T_ADVANCE });
  await page.fill('#flat-curvature', '3');
  await page.dispatchEvent('#flat-curvature', 'change');
  await page.waitForFunction(() => __state().config.flatCurvature === 3 && /flatCurvature=3&/.test(__state().hash), null, { timeout: T_ADVANCE });
  // λ₂ above λ₁ typed by hand: an error at that field naming the rule, the simulation kept.
  await page.fill('#sharp-lambda2', '5000');
  await page.dispatchEvent('#sharp-lambda2', 'change');
  await page.waitForFunction(() => /sharpLambda1/.test(document.getElementById('sharp-lambda2-error').textContent), null, { timeout: T_ADVANCE });
  check((await page.getAttribute('#sharp-lambda2', 'aria-invalid')) === 'true', 'the field is marked invalid');
  check(await page.evaluate(() => __state().config.sharpLambda2 === 200), 'the previous simulation keeps running');
  // The invalid setting is reported on the console, as it should be; nothing else may be.
  const others = ctx.consoleErrors.filter((t) => !/Invalid sharp eigenvalue λ₂/.test(t));
  ctx.consoleErrors.splice(0, ctx.consoleErrors.length, ...others);
  await ctx.context.close();
});

test('the prediction panel draws the indicator\'s prediction next to the measured loss, all finite', async ({ browser, server }) => {
  const ctx = await openPage(browser, server.url);
  const { page } = ctx;
  await waitReady(page);
  await page.waitForFunction(() => __state().predictions, null, { timeout: T_ADVANCE });
  const p = await page.evaluate(() => {
    const s = __state();
    return { steps: s.predictionSteps, ids: Object.keys(s.predictions), lengths: Object.values(s.predictions).map((a) => a.length), finite: Object.values(s.predictions).every((a) => Array.from(a).every(Number.isFinite)) };
  });
  check(p.steps === 500 && p.ids.length === 8 && p.lengths.every((n) => n === 501) && p.finite, `predictions: ${JSON.stringify(p)}`);
  const blank = await canvasStats(page, 'prediction-plot');
  await page.click('#play');
  await waitIteration(page, 30);
  await page.click('#play');
  await settled(page);
  const m = await page.evaluate(() => {
    const s = __state();
    return Object.keys(s.predictions).map((id) => [id, s.meanLoss[id].length, Array.from(s.meanLoss[id]).every(Number.isFinite), Array.from(s.lossSd[id]).every(Number.isFinite)]);
  });
  check(m.every(([, n, a, b]) => n > 1 && a && b), `measured curves: ${JSON.stringify(m)}`);
  await page.waitForFunction(() => /At iteration \d+: GD predicted/.test(document.getElementById('prediction-caption').textContent), null, { timeout: T_ADVANCE });
  const drawn = await canvasStats(page, 'prediction-plot');
  check(drawn.inked > 0.02 && drawn.hash !== blank.hash, `the prediction plot should draw the measurement: ${JSON.stringify(drawn)}`);
  check(!/NaN|undefined/.test(await page.textContent('#prediction-caption')), 'no NaN in the caption');
  noErrors(ctx);
  await ctx.context.close();
});

test('a reshaped landscape: seeking back on the timeline recomputes it bit for bit', async ({ browser, server }) => {
  const ctx = await openPage(browser, `${server.url}#figure=toy&runs=40&sharpLambda1=150&sharpAngle=20&minimaDistance=2.5&methods=gld-const,gld-eigvec`);
  const { page } = ctx;
  await waitReady(page);
  check(await page.evaluate(() => __state().landscape.shape.sharpAngle === 20 && __state().landscape.eigenvalues[0] === 150), 'the link\'s shape is what runs');
  check((await page.inputValue('#sharp-angle')) === '20', 'the link fills the shape fields');
  // A marker of the sharp minimum where the analysis puts it: (2.5 / 2√2, same).
  const k = await page.evaluate(() => __state().landscape.sharpMinimum);
  check(Math.abs(k[0] - 2.5 / (2 * Math.SQRT2)) < 1e-12, `sharp minimum ${k}`);
  await page.focus('#handle-angle');
  await page.keyboard.press('ArrowLeft'); // a shape change through the handle: a fresh simulation
  await page.waitForFunction(() => __state().config.sharpAngle === 19, null, { timeout: T_ADVANCE });
  await settled(page);
  await page.click('#step');
  for (let i = 0; i < 9; i++) await page.click('#step');
  await page.waitForFunction(() => __state().iteration === 10, null, { timeout: T_ADVANCE });
  const at10 = await positionsOf(page, 'gld-eigvec');
  await page.click('#play');
  await waitIteration(page, 40);
  await page.click('#play');
  await settled(page);
  await page.$eval('#timeline', (el) => { el.value = '10'; el.dispatchEvent(new Event('change')); });
  await page.waitForFunction(() => __state().iteration === 10 && __state().stats.inFlight === 0, null, { timeout: T_ADVANCE });
  const again = await positionsOf(page, 'gld-eigvec');
  check(again.length === at10.length && again.every((v, i) => Object.is(v, at10[i])), 'positions after the seek should equal those of the uninterrupted run');
  check(/&iteration=10&/.test(await page.evaluate(() => __state().hash)) && /sharpAngle=19&/.test(await page.evaluate(() => __state().hash)), 'the link carries the timeline and the shape');
  noErrors(ctx);
  await ctx.context.close();
});

test('an embed that lists `shape` in its controls shows the shape fields and the handles; one without it shows neither', async ({ browser, server }) => {
  const ctx = await openPage(browser, new URL('embed.html#figure=toy&controls=shape,lr', server.url).href);
  const { page } = ctx;
  await waitReady(page);
  await page.waitForFunction(() => __state().landscape, null, { timeout: T_ADVANCE });
  check(await page.isVisible('#shape-fields'), 'controls=shape should show the shape fields');
  check(await page.isVisible('#handle-angle'), 'controls=shape should show the drag handles');
  await page.focus('#handle-angle');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => __state().config.sharpAngle === 1, null, { timeout: T_ADVANCE });
  await page.waitForFunction(() => /sharpAngle=1(&|$)/.test(__state().hash) && /controls=shape,lr/.test(__state().hash), null, { timeout: T_ADVANCE });
  noErrors(ctx);
  await ctx.context.close();
  const plain = await openPage(browser, new URL('embed.html#figure=toy&controls=lr', server.url).href);
  await waitReady(plain.page);
  check(!(await plain.page.isVisible('#shape-fields')) && !(await plain.page.isVisible('#handle-angle')), 'without `shape` an embed shows neither');
  await plain.context.close();
});
