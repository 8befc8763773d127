// End-to-end tests of the FashionMNIST figure (`figure=fashion`) in the page: loading its data
// and the saved minimum, stage 2, its plots and strip, the progress bar and ETA, bounded records,
// the controller, stage 1 for another seed. Helpers and fixtures: fixtures.mjs.

import { test, T_ADVANCE, T_FASHION, T_FASHION_SHOT, T_READY, T_STAGE1, WANT_SCREENSHOT, canvasStats, check, fashionReady, fashionSettings, fashionState, frames, noErrors, openPage, screenshotOf, tileStats, waitReady } from './fixtures.mjs';

test('FashionMNIST figure: loads its data and the saved minimum when scrolled to, no console error; the strip marks the random labels; crisp at devicePixelRatio 2', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await openPage(browser, url, { deviceScaleFactor: 2 });
  const { page } = ctx;
  await waitReady(page);
  // Lazy: nothing of the figure is fetched before it comes into view.
  check(!ctx.requests.some((u) => /\/data\//.test(u)), 'FashionMNIST data was fetched before the figure came into view');
  check((await page.evaluate(() => __state('fashion').phase)) === 'off', 'the FashionMNIST figure started before it came into view');
  await fashionReady(page);
  for (const f of ['fmnist-train1200-images-idx3-ubyte.gz', 'fmnist-train1200-labels-idx1-ubyte.gz', 'fmnist-test2000-images-idx3-ubyte.gz', 'fmnist-test2000-labels-idx1-ubyte.gz', 'fashion-minimum-seed0.bin']) {
    check(ctx.requests.some((u) => u.endsWith(`/data/${f}`)), `data/${f} was not fetched`);
  }
  check(ctx.requests.some((u) => /\/pkg\/sgd_escape/.test(u)), 'the FashionMNIST workers did not load the SIMD build');
  const fs = await fashionState(page);
  check(fs.iteration === 0 && Object.values(fs.records).every((n) => n === 1), `stage 2 should wait at iteration 0 with the record at the minimum, got ${JSON.stringify(fs.records)}`);
  check(Object.keys(fs.records).length === 8, `all eight methods by default, got ${Object.keys(fs.records).join(', ')}`);
  // The live explanation quotes the record at the minimum.
  const start = await page.evaluate(() => __state('fashion').start);
  const live = await page.textContent('#fashion-live');
  check(live.includes(`${(100 * start.testAccuracy).toFixed(1)}%`), `#fashion-live should quote the test accuracy at the minimum (${start.testAccuracy}): "${live}"`);
  check(start.trainAccuracy === 1 && start.corruptedAccuracy === 1, 'the saved minimum should fit every label, the random ones included');
  // The strip: 16 clean and 8 corrupted images, drawn, the corrupted ones outlined in red.
  await page.waitForFunction(() => document.querySelectorAll('#fashion-strip .tile').length === 24, null, { timeout: T_ADVANCE });
  const tiles = await tileStats(page);
  const bad = tiles.filter((t) => t.corrupted);
  check(bad.length === 8, `8 tiles should be marked as corrupted, got ${bad.length}`);
  check(tiles.every((t) => t.dark > 0.05), 'a strip image is blank');
  check(tiles.every((t) => t.cssWidth >= 40), 'strip images should be scaled up');
  const names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  check(tiles.every((t) => names.includes(t.label)), `strip labels should be class names: ${tiles.map((t) => t.label).join(', ')}`);
  for (const t of bad) {
    check(/random label/.test(t.note), `a corrupted tile should say "random label": "${t.note}"`);
    check(t.borderWidth >= 2 && /rgb\(179, 38, 30\)/.test(t.border), `a corrupted tile should have a red outline, got ${t.borderWidth}px ${t.border}`);
  }
  check(tiles.filter((t) => !t.corrupted).every((t) => !/random/.test(t.note)), 'a clean tile is marked as random');
  // HiDPI backing stores.
  await frames(page, 2);
  const sizes = await page.$$eval('#fashion-curves, #fashion-spectrum', (cs) => cs.map((c) => [c.id, c.width, c.getBoundingClientRect().width]));
  for (const [id, w, css] of sizes) check(Math.abs(w - 2 * css) <= 2, `#${id} is ${w} device pixels wide for ${css} CSS pixels at devicePixelRatio 2`);
  const spec = await canvasStats(page, 'fashion-spectrum');
  check(spec.distinct > 8 && spec.inked > 0.01, 'the spectrum of the minimum is not drawn');
  check((await page.$eval('#fashion-status', (el) => el.dataset.kind || '')) !== 'error', `status shows an error: ${await page.textContent('#fashion-status')}`);
  // Memory at the default settings: the workers' wasm memories together stay under 64 MB.
  const mem = await page.evaluate(() => ({ total: __state('fashion').memoryBytes, each: __state('fashion').memoryByShard }));
  check(Number.isFinite(mem.total) && mem.total > 0, `the workers should report their wasm memory, got ${JSON.stringify(mem)}`);
  check(mem.total <= 64 * 2 ** 20, `FashionMNIST wasm memory at the default settings is ${(mem.total / 2 ** 20).toFixed(1)} MB, over 64 MB`);
  console.log(`      info: saved minimum measured in ${Math.round(fs.loadMs)} ms; ${fs.shards} stage-2 worker(s); wasm memory ${(mem.total / 2 ** 20).toFixed(1)} MB (${mem.each.map((b) => (b / 2 ** 20).toFixed(1)).join(' + ')})`);
  noErrors(ctx);
  await ctx.context.close();
});

test('FashionMNIST stage 2 from the saved minimum advances, draws its curves and spectrum; pause holds, reset cancels; longest main-thread task reported', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await openPage(browser, url, { longTasks: true });
  const { page } = ctx;
  await waitReady(page);
  // Four dynamics (one that escapes at once), a record every 10 iterations, 30 iterations.
  await fashionSettings(page, { methods: ['gd', 'gld-const', 'gld-eigvec', 'sgd'], logEvery: 10, target: 30 });
  await fashionReady(page);
  await frames(page, 2);
  const curves0 = await canvasStats(page, 'fashion-curves');
  const spec0 = await canvasStats(page, 'fashion-spectrum');
  // The test's own canvas hashing runs on the main thread: its tasks are not the page's.
  const own = [];
  const stats = async (id) => {
    const w0 = await page.evaluate(() => performance.now());
    const out = await canvasStats(page, id);
    own.push([w0, await page.evaluate(() => performance.now())]);
    return out;
  };
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#fashion-play');
  check((await page.textContent('#fashion-play')).trim() === 'Pause', 'the play button should turn into Pause');
  await page.waitForFunction(() => Number(document.getElementById('fashion-iteration').textContent.replace(/,/g, '')) >= 10, null, { timeout: T_FASHION });
  await page.waitForFunction(() => Object.values(__state('fashion').records).every((r) => r.length >= 2), null, { timeout: T_FASHION });
  const progress = await page.$eval('#fashion-progress', (el) => el.value / el.max);
  check(progress > 0 && progress < 1, `#fashion-progress should be part way, got ${progress}`);
  check(/left/.test(await page.textContent('#fashion-progress-text')), `the progress text should give an ETA: "${await page.textContent('#fashion-progress-text')}"`);
  // Pause: the workers stop within a chunk and the counters hold.
  await page.click('#fashion-play');
  await page.waitForFunction(() => !__state('fashion').busy, null, { timeout: T_FASHION });
  const held = await fashionState(page);
  await frames(page, 30);
  const still = await fashionState(page);
  check(JSON.stringify(still.iterations) === JSON.stringify(held.iterations), `iterations kept advancing while paused: ${JSON.stringify(held.iterations)} -> ${JSON.stringify(still.iterations)}`);
  check(/Paused/.test(await page.textContent('#fashion-status')), `the status should say paused: "${await page.textContent('#fashion-status')}"`);
  // Resume to the target: play stops there by itself.
  await page.click('#fashion-play');
  await page.waitForFunction(() => {
    const f = __state('fashion');
    return !f.playing && !f.busy && f.iteration >= 30;
  }, null, { timeout: T_FASHION });
  const done = await fashionState(page);
  check(done.iteration === 30, `play should stop at the 30-iteration target, got ${done.iteration}`);
  check(Object.values(done.records).every((n) => n === 4), `records at 0, 10, 20, 30 expected, got ${JSON.stringify(done.records)}`);
  check(Number((await page.textContent('#fashion-iteration')).replace(/,/g, '')) === 30, '#fashion-iteration should read 30');
  // GLD 1st eigvec leaves the sharp minimum within 30 iterations; GD stays.
  check(done.escaped['gld-eigvec'], `GLD 1st eigvec should have left the minimum: ${JSON.stringify(done.escaped)}`);
  check(!done.escaped.gd, 'GD cannot leave the minimum');
  const note = await page.textContent('#fashion-note-gld-eigvec');
  check(/left the minimum|diverged/.test(note), `the legend should say what became of GLD 1st eigvec: "${note}"`);
  await frames(page, 2);
  const curves1 = await stats('fashion-curves');
  const spec1 = await stats('fashion-spectrum');
  check(curves1.hash !== curves0.hash && curves1.distinct > 20, 'the curves were not drawn');
  check(spec1.hash !== spec0.hash, 'the spectrum did not change with the records');
  const rows = await page.$$eval('#fashion-legend-rows tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (c) => c.textContent)));
  check(rows.length === 4 && rows.every((r) => r.every((c) => /\d/.test(c))), `the legend table should have numbers: ${JSON.stringify(rows)}`);
  // The sharpness is shown with its standard error; the test column says on how many images.
  check(rows.every((r) => /±/.test(r[2])), `every sharpness should carry its error: ${JSON.stringify(rows.map((r) => r[2]))}`);
  check(/test \(2,000 images\)/.test(await page.textContent('#fashion-test-col')), `the test column should say on how many images: "${await page.textContent('#fashion-test-col')}"`);
  check(/of the \d+ largest eigenvalues|eigenvalues shown are above|None of the \d+ largest/.test(await page.textContent('#fashion-spectrum-caption')), `the spectrum caption should describe the spectrum shown: "${await page.textContent('#fashion-spectrum-caption')}"`);
  // Reset cancels a running stage at once and starts over from the minimum.
  await page.fill('#fashion-iterations', '100000');
  await page.press('#fashion-iterations', 'Enter');
  await page.click('#fashion-play');
  await page.waitForFunction(() => __state('fashion').busy, null, { timeout: T_ADVANCE });
  await page.click('#fashion-reset');
  check((await page.evaluate(() => __state('fashion').busy)) === false, 'reset should stop the workers at once');
  await page.waitForFunction(() => __state('fashion').phase === 'ready', null, { timeout: T_READY });
  const after = await fashionState(page);
  check(after.iteration === 0 && Object.values(after.records).every((n) => n === 1), `after reset: iteration 0 and only the start record, got ${JSON.stringify(after)}`);
  check((await page.textContent('#fashion-play')).trim() === 'Play', 'after reset the button should read Play');
  // The longest main-thread task is reported, not asserted: a timing depends on the machine's
  // load (speed is measured by ./build.sh bench, never in a test).
  const tasks = await page.evaluate(({ since, skip }) => window.__longTasks
    .filter((t) => t.start >= since && !skip.some(([a, b]) => t.start < b && t.start + t.duration > a))
    .map((t) => t.duration), { since: t0, skip: own });
  const worst = tasks.length ? Math.max(...tasks) : 0;
  const perf = done.perf || { msPerIter: {} };
  const speeds = Object.entries(perf.msPerIter).map(([id, ms]) => `${id} ${ms.toFixed(1)} ms/it`).join(', ');
  console.log(`      info: ${speeds}; record ${perf.recordMs ? Math.round(perf.recordMs) : '?'} ms; ${done.shards} worker(s); ${tasks.length} long tasks, longest ${Math.round(worst)} ms`);
  check(done.errors.length === 0, `figure errors: ${done.errors.join(' | ')}`);
  noErrors(ctx);
  await ctx.context.close();
  if (!WANT_SCREENSHOT) return;
  // The README picture: all eight dynamics (the default), 300 iterations, a record every 50.
  const shot = await openPage(browser, url);
  await waitReady(shot.page);
  await fashionSettings(shot.page, { target: 300, logEvery: 50 });
  await fashionReady(shot.page);
  await shot.page.click('#fashion-play');
  await shot.page.waitForFunction(() => { const f = __state('fashion'); return !f.playing && !f.busy && f.iteration >= 300; }, null, { timeout: T_FASHION_SHOT });
  await shot.page.selectOption('#fashion-spectrum-method', 'sgd');
  await frames(shot.page, 3);
  await screenshotOf(shot.page, ['#fashion .experiment-intro', '#fashion .f-curves', '#fashion .f-right'], 'screenshot-fashion.png');
  noErrors(shot);
  await shot.context.close();
});

test('FashionMNIST: progress bar (progressbar, aria-valuenow) and ETA while running; records stay bounded on a long run; step, export, getState and in-place reset through the controller', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await openPage(browser, url);
  const { page } = ctx;
  await waitReady(page);
  // A record every iteration with room for 4: the buffers must thin, in the worker and here.
  await page.evaluate(() => __fig('fashion').setState({ maxRecords: 4 }));
  await fashionSettings(page, { methods: ['gd', 'sgd'], logEvery: 1, target: 64 });
  await fashionReady(page);
  const bar = () => page.$eval('#fashion-progress', (el) => ({ role: el.getAttribute('role'), now: el.getAttribute('aria-valuenow'), min: el.getAttribute('aria-valuemin'), max: el.getAttribute('aria-valuemax') }));
  const b0 = await bar();
  check(b0.role === 'progressbar' && b0.min === '0' && b0.max === '100' && b0.now === '0', `the progress bar should be a progressbar at 0 of 0..100: ${JSON.stringify(b0)}`);
  await page.click('#fashion-play');
  await page.waitForFunction(() => __state('fashion').perf && __state('fashion').iteration >= 2, null, { timeout: T_FASHION });
  const b1 = await bar();
  check(Number(b1.now) > 0 && Number(b1.now) < 100, `aria-valuenow should be part way: ${b1.now}`);
  const eta = await page.textContent('#fashion-eta');
  check(/ETA .*\d/.test(eta), `#fashion-eta should give an ETA from the measured speed: "${eta}"`);
  check(Number.isFinite(await page.evaluate(() => __state('fashion').etaMs)), 'the hook should expose etaMs');
  await page.waitForFunction(() => { const f = __state('fashion'); return !f.playing && !f.busy && f.iteration >= 64; }, null, { timeout: T_FASHION });
  const end = await page.evaluate(() => {
    const f = __state('fashion');
    return { records: Object.fromEntries(Object.entries(f.records).map(([k, v]) => [k, v.map((r) => r.iteration)])), every: { ...f.recordEvery } };
  });
  for (const [id, its] of Object.entries(end.records)) {
    const every = end.every[id];
    check(its.length >= 2 && its.length <= 4, `${id}: ${its.length} records kept, the cap is 4 (${its.join(', ')})`);
    check(every >= 16, `${id}: the record interval should have doubled to at least 16, got ${every}`);
    check(its.every((it, k) => it === k * every), `${id}: records should be evenly spaced from the minimum: ${its.join(', ')} (every ${every})`);
  }
  check((await bar()).now === '100', 'the progress bar should be full at the target');
  // step(): every method to its next record, then pause.
  await page.evaluate(() => __fig('fashion').step());
  await page.waitForFunction(() => { const f = __state('fashion'); return !f.playing && !f.busy && f.iteration > 64; }, null, { timeout: T_FASHION });
  const stepped = await fashionState(page);
  check(Object.values(stepped.records).every((n) => n <= 4), `records past the cap after step: ${JSON.stringify(stepped.records)}`);
  // Export and state.
  const out = await page.evaluate(async () => { const c = __fig('fashion'); return { csv: await (await c.export('csv')).blob.text(), json: await (await c.export('json')).blob.text(), state: c.getState() }; });
  const lines = out.csv.trim().split('\n');
  const total = Object.values(stepped.records).reduce((a, n) => a + n, 0);
  check(lines[0].startsWith('method,iteration,') && lines.length === 1 + total, `CSV: header and one row per record expected (${total}), got ${lines.length} lines`);
  check(Object.keys(JSON.parse(out.json).records).length === 2, 'the JSON export should hold both methods');
  check(out.state.maxRecords === 4 && out.state.logEvery === 1 && out.state.methods.join() === 'gd,sgd', `getState: ${JSON.stringify(out.state)}`);
  // Reset in place: no new workers, no reload, no stage 1.
  const workersBefore = ctx.requests.filter((u) => /fashion\/worker\.js/.test(u)).length;
  await page.evaluate(() => __fig('fashion').reset());
  await page.waitForFunction(() => __state('fashion').phase === 'ready', null, { timeout: T_READY });
  const after = await fashionState(page);
  check(after.iteration === 0 && Object.values(after.records).every((n) => n === 1), `after reset: iteration 0 and the start record, got ${JSON.stringify(after.records)}`);
  check(ctx.requests.filter((u) => /fashion\/worker\.js/.test(u)).length === workersBefore, 'reset should not start new workers');
  check((await page.evaluate(() => __state('fashion').stage1Runs)) === 0, 'stage 1 should not have run');
  check(after.errors.length === 0, `figure errors: ${after.errors.join(' | ')}`);
  // The paper-protocol button: the paper's CNN (switched from the MLP, and the status says so),
  // all eight methods to 15,000, a record every 500, one worker per core.
  check((await page.inputValue('#fashion-network')) === 'mlp', 'this test starts on the MLP');
  await page.click('#fashion-paper');
  const paper = await page.evaluate(() => ({ state: __state('fashion'), cores: navigator.hardwareConcurrency }));
  check(paper.state.network === 'cnn' && (await page.inputValue('#fashion-network')) === 'cnn', `the paper protocol should switch to the paper's CNN: ${paper.state.network}`);
  check(/Paper protocol: the paper’s CNN \(switched from the MLP/.test(await page.textContent('#fashion-status')), `the status should say the network was switched: "${await page.textContent('#fashion-status')}"`);
  check(paper.state.target === 15000 && paper.state.logEvery === 500 && paper.state.seed === 0 && paper.state.methods.length === 8 && paper.state.playing,
    `the paper protocol should play all eight methods to 15,000: ${JSON.stringify(paper.state)}`);
  check(paper.state.threads === Math.min(8, paper.cores), `the paper protocol should use min(cores, 8) workers, got ${paper.state.threads}`);
  await page.waitForFunction(() => __state('fashion').busy && __state('fashion').phase === 'running', null, { timeout: T_READY });
  await page.evaluate(() => __fig('fashion').pause());
  noErrors(ctx);
  await ctx.context.close();
});

test('FashionMNIST with another seed: stage 1 runs once, in one worker, every worker starts from its minimum, and a restart reuses it', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await openPage(browser, url);
  const { page } = ctx;
  await waitReady(page);
  await page.evaluate(() => __fig('fashion').setState({ seed: 1, methods: ['gd', 'gld-const', 'sgd'], logEvery: 5, target: 10, threads: 2 }));
  await page.$eval('#fashion', (el) => el.scrollIntoView());
  await page.waitForFunction(() => __state('fashion').phase === 'need-stage1', null, { timeout: T_READY });
  check(!ctx.requests.some((u) => u.endsWith('/data/fashion-minimum-seed0.bin')), 'the seed-0 minimum should not be fetched for seed 1');
  await page.click('#fashion-play');
  await page.waitForFunction(() => { const f = __state('fashion'); return f.phase === 'ready' && !f.playing && !f.busy && f.iteration >= 10; }, null, { timeout: T_STAGE1 });
  const f = await page.evaluate(() => { const h = __state('fashion'); return { runs: h.stage1Runs, shards: h.shards, stage1: h.stage1, start: h.start, records: Object.fromEntries(Object.entries(h.records).map(([k, v]) => [k, v.length])) }; });
  check(f.shards === 2, `two workers expected, got ${f.shards}`);
  check(f.runs === 1 && f.stage1.done, `stage 1 should have run once to its end: ${JSON.stringify({ runs: f.runs, stage1: f.stage1 })}`);
  check(f.start.trainAccuracy === 1, 'the minimum of stage 1 should fit every label');
  check(Object.keys(f.records).length === 3 && Object.values(f.records).every((n) => n === 3), `records at 0, 5, 10 for every method in both workers: ${JSON.stringify(f.records)}`);
  // New methods start the workers over; stage 1 is not run again for the same seed.
  await page.evaluate(() => __fig('fashion').setState({ methods: ['gd', 'sgd'] }));
  await page.waitForFunction(() => __state('fashion').phase === 'ready', null, { timeout: T_READY });
  const again = await page.evaluate(() => ({ runs: __state('fashion').stage1Runs, start: __state('fashion').start }));
  check(again.runs === 1, `stage 1 ran again (${again.runs} runs)`);
  check(JSON.stringify(again.start) === JSON.stringify(f.start), 'the restarted workers should start from the same minimum');
  console.log(`      info: stage 1 for seed 1 took ${f.stage1.iteration} iterations (${Math.round(f.stage1.elapsedMs / 1000)} s in wasm)`);
  noErrors(ctx);
  await ctx.context.close();
});
