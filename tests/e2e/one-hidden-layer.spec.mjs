// End-to-end tests of the one-hidden-layer figure in the page, and of the scalar build for both
// trained figures. Helpers and fixtures: fixtures.mjs.

import { test, T_ADVANCE, T_OHL, T_READY, WANT_SCREENSHOT, canvasStats, check, fashionReady, fashionSettings, frames, noErrors, openPage, screenshotOf, waitReady } from './fixtures.mjs';

test('one-hidden-layer figure: 31 epochs with Tr(HΣ) above Tr H·Tr Σ / D; traces and boundary drawn; pause and reset', async ({ browser, server }) => {
  const url = server.url;
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
});

test('without SIMD the FashionMNIST and one-hidden-layer figures use the scalar build too', async ({ browser, server }) => {
  const url = server.url;
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
});
