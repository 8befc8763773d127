// The FashionMNIST figure with the paper's CNN (`network=cnn` in the link): it fetches the CNN's
// saved stage-1 minimum, runs stage 2 of GD with D = 11,330 parameters, and its ETA and caption
// come from this run (the CNN's measured speed, the CNN named). Prints the measured cost of one
// CNN iteration of GD in the worker.

import { test, T_ADVANCE, T_FASHION, check, fashionReady, fashionState, noErrors, openPage, waitReady } from './fixtures.mjs';

test('fashion-cnn: a network=cnn link runs the CNN from its saved minimum; ETA from its measured speed; the caption names it', async ({ browser, server }) => {
  test.setTimeout(T_FASHION + 2 * T_ADVANCE);
  const ctx = await openPage(browser, new URL('index.html#figure=fashion&network=cnn&methods=gd&seed=0&iterations=30&logEvery=10&workers=1', server.url).href);
  const { page } = ctx;
  await waitReady(page);
  await fashionReady(page);
  const s = await page.evaluate(() => { const f = __state('fashion'); return { network: f.network, parameters: f.parameters, hash: f.hash }; });
  check(s.network === 'cnn', `getState().network should be cnn, got ${s.network}`);
  check(s.parameters === 11330, `the CNN has 11,330 parameters, the figure reports ${s.parameters}`);
  check(/network=cnn/.test(s.hash), `the hash should keep network=cnn: ${s.hash}`);
  check((await page.inputValue('#fashion-network')) === 'cnn', 'the network select should show cnn');
  check(ctx.requests.some((u) => u.endsWith('/data/fashion-cnn-minimum-seed0.bin')), 'the CNN minimum was not fetched');
  check(!ctx.requests.some((u) => u.endsWith('/data/fashion-minimum-seed0.bin')), 'the MLP minimum was fetched for the CNN');
  const start = await page.evaluate(() => __state('fashion').start);
  check(start.trainAccuracy === 1, `the CNN's saved minimum should fit every label, got ${start.trainAccuracy}`);
  // The native reference runs' verdict is shown beside the caption, folded to one line, once
  // data/fashion-reference.json has loaded; the live caption itself stays short.
  await page.waitForFunction(() => { const el = document.querySelector('#fashion-reference'); return el && !el.hidden && /Native reference runs/.test(el.textContent); }, null, { timeout: T_ADVANCE });
  const live = await page.textContent('#fashion-live');
  check(/CNN/.test(live) && /on 2,000 held-out images/.test(live) && /REPRODUCTION\.md, section 3/.test(live), `the caption should name the CNN, the test images and the verdict's place: "${live}"`);
  check(!/Native reference runs/.test(live), `the live region should not repeat the reference verdict at every record: "${live}"`);
  const summary = await page.textContent('#fashion-reference-summary');
  check(/^Native reference runs \(CLI, CNN, paper dataset, seeds? [0-9, ]+, iteration (?:3,000|15,000), test accuracy on 10,000 images\): escape: [a-z ]+; flatter minima: [a-z ]+;/.test(summary), `the reference line should name the CNN's runs and each claim's outcome: "${summary}"`);
  check(!(await page.isVisible('#fashion-reference-text')), 'the reference comparisons should start folded');
  await page.click('#fashion-reference-summary');
  check(await page.isVisible('#fashion-reference-text'), 'a click on the reference line should unfold its comparisons');
  const reference = await page.textContent('#fashion-reference-text');
  check(/Holm-corrected over the claim's comparisons\): escape: [a-z ]+ \(.*SGD − GD −?[0-9.]+ points \[[^\]]+\], p [<=] /.test(reference), `the reference should quote each verdict with its comparisons and Holm p-values: "${reference}"`);
  check(ctx.requests.some((u) => u.endsWith('/data/fashion-reference.json')), 'the reference summary was not fetched');
  await page.click('#fashion-play');
  await page.waitForFunction(() => __state('fashion').iteration >= 30, null, { timeout: T_FASHION });
  const fs = await fashionState(page);
  const ms = fs.perf && fs.perf.msPerIter.gd;
  check(Number.isFinite(ms) && ms > 0, `the worker should measure GD's ms per CNN iteration, got ${JSON.stringify(fs.perf)}`);
  console.log(`      info: stage 2, GD with the CNN in the worker: ${ms.toFixed(1)} ms per iteration (record ${fs.perf.recordMs === null ? '—' : `${Math.round(fs.perf.recordMs)} ms`})`);
  const live2 = await page.textContent('#fashion-live');
  check(/Latest records|By iteration|still in it/.test(live2), `the caption should report the run: "${live2}"`);
  noErrors(ctx);
  await ctx.context.close();
});
