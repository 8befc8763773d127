// End-to-end tests of links, embedding, teaching tools, exports, layout and hostile input of the
// 2-D figure: a sub-path install, links that set every control, worker counts, embed.html, the
// examples page, the keyboard, exports, hostile links and attributes, three screen layouts.
//
// Measurements printed (not asserted beyond the targets): the time the Figure 2 protocol takes
// in the page, the longest main-thread task, and the page's total wasm memory.

import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test, ARTIFACTS, T_ADVANCE, T_READY, T_RUN, check, frames, noErrors, openPage, waitReady } from './fixtures.mjs';

/** Open `rel` (relative to the server root), with the usual collectors. */
const open = (browser, url, rel, o = {}) => openPage(browser, new URL(rel, url).href, o);

const hookOf = (page) => page.evaluate(() => {
  const k = __state();
  return { ready: k.ready, iteration: k.ready ? k.iteration : null, config: k.config, playing: k.playing, notices: k.notices, warnings: k.warnings, errors: k.errors, hash: k.hash, workers: k.workers, memoryBytes: k.stats.memoryBytes };
});

/** Waits until the figure rests at `n` iterations or more (not playing, nothing in flight). */
async function waitRest(page, n, timeout = T_RUN) {
  await page.waitForFunction((k) => {
    const x = __state();
    return x && x.ready && x.iteration >= k && !x.playing && x.stats.inFlight === 0;
  }, n, { timeout });
}

const positions = (page) => page.evaluate(() => {
  const s = __state();
  return Object.fromEntries(s.config.methods.map((m) => [m, Array.from(s.positions[m])]));
});

function samePositions(a, b, what) {
  check(JSON.stringify(Object.keys(a)) === JSON.stringify(Object.keys(b)), `${what}: methods differ: ${Object.keys(a)} vs ${Object.keys(b)}`);
  for (const m of Object.keys(a)) {
    check(a[m].length === b[m].length && a[m].length > 0, `${what}: ${m} has ${a[m].length} vs ${b[m].length} coordinates`);
    const i = a[m].findIndex((v, k) => v !== b[m][k]);
    check(i < 0, `${what}: ${m} differs at coordinate ${i}: ${a[m][i]} vs ${b[m][i]}`);
  }
}

/** A CSP violation listener, installed before any script of the page runs. */
async function watchCsp(context) {
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

test('under a sub-path (/www/ of another root): the embed and the custom element load and run', async ({ browser, serveRoot }) => {
  // A second server whose root is the repository, so the page lives under /www/.
  const url = await serveRoot('.');
  {
    const ctx = await openPage(browser, `${url}www/embed.html#autoplay=1&controls=lr`);
    await waitReady(ctx.page);
    await ctx.page.waitForFunction(() => __state().iteration > 5, null, { timeout: T_ADVANCE });
    noErrors(ctx);
    await ctx.context.close();
    const ex = await openPage(browser, `${url}www/examples.html`);
    await ex.page.$eval('#demo-element-1', (e) => e.scrollIntoView());
    await ex.page.waitForFunction(() => __state('#demo-element-1')?.ready, null, { timeout: T_READY });
    await ex.page.evaluate(() => __fig('#demo-element-1').step());
    await ex.page.waitForFunction(() => __state('#demo-element-1').iteration === 1, null, { timeout: T_ADVANCE });
    check(ex.requests.every((u) => !u.startsWith(url) || u.startsWith(`${url}www/`)), 'a request left the /www/ sub-path');
    noErrors(ex);
    await ex.context.close();
  }
});

test('a link sets every control; bad values show a notice naming the key and range, unknown keys warn; the hash is written back; reloading reproduces the same trajectories', async ({ browser, server }) => {
  const url = server.url;
  const link = 'index.html#figure=toy&methods=gd,gld-eigvec,sgd&runs=50&lr=0.006&noiseTrace=99&batchSize=2&samples=80&dataSpread=0.05&seed=3&iterations=40&speed=5&play=1&hide=gd&colour=red';
  const ctx = await open(browser, url, link);
  const warnings = [];
  ctx.page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await waitReady(ctx.page);
  await waitRest(ctx.page, 40);
  const k = await hookOf(ctx.page);
  const c = k.config;
  check(c.lr === 0.006 && c.seed === 3 && c.runs === 50 && c.batchSize === 2 && c.samples === 80 && c.dataSpread === 0.05, `config not from the link: ${JSON.stringify(c)}`);
  check(c.methods.join() === 'gd,gld-eigvec,sgd', `methods ${c.methods}`);
  check(c.noiseTrace === 0.01, `the bad noiseTrace should fall back to 0.01, got ${c.noiseTrace}`);
  check(k.iteration === 40, `play=1 with iterations=40 should stop at 40, got ${k.iteration}`);
  const notice = await ctx.page.textContent('#notices');
  check(/noiseTrace/.test(notice) && /\[0, 10\]/.test(notice) && /99/.test(notice), `visible notice should name noiseTrace and [0, 10]: "${notice}"`);
  check(await ctx.page.isVisible('#notices'), '#notices is not visible');
  check(warnings.some((w) => /colour/.test(w)) || k.warnings.some((w) => /colour/.test(w)), `no console warning for the unknown key: ${warnings.join(' | ')}`);
  check(await ctx.page.$eval('#speed', (e) => e.value) === '5', 'speed not from the link');
  check(await ctx.page.$eval('#iterations', (e) => e.value) === '40', 'iterations not from the link');
  check(await ctx.page.$eval('#legend [data-method="gd"]', (b) => b.getAttribute('aria-pressed')) === 'false', 'hide=gd did not hide GD');
  const hash = await ctx.page.evaluate(() => location.hash);
  for (const part of ['lr=0.006', 'seed=3', 'noiseTrace=0.01', 'runs=50', 'play=0', 'hide=gd', 'iterations=40', 'methods=gd,gld-eigvec,sgd']) {
    check(hash.includes(part), `written hash lacks ${part}: ${hash}`);
  }
  check(!hash.includes('colour'), 'unknown key written back');
  // Copy link gives the same URL.
  await ctx.page.click('#copy-link');
  const copied = await ctx.page.evaluate(() => __state().copiedLink);
  check(copied === (await ctx.page.evaluate(() => location.href)), `copied link ${copied} is not the page's URL`);
  const before = await positions(ctx.page);
  // Reload the written link in a fresh page and run it to the same iteration.
  const again = await open(browser, url, `index.html${hash}`);
  await waitReady(again.page);
  const k2 = await hookOf(again.page);
  check(k2.notices.length === 0, `the written link should parse cleanly: ${k2.notices.join(' | ')}`);
  check(JSON.stringify(k2.config) === JSON.stringify(c), `reloaded config differs: ${JSON.stringify(k2.config)}`);
  await again.page.click('#play');
  await waitRest(again.page, 40);
  check((await hookOf(again.page)).iteration === 40, 'reloaded run did not stop at 40');
  samePositions(before, await positions(again.page), 'reloaded link');
  check(again.pageErrors.length === 0, `page errors: ${again.pageErrors.join(' | ')}`);
  await again.context.close();
  noErrors(ctx);
  await ctx.context.close();
});

test('workers: identical trajectories with 1, 4 and the default number of workers; Figure 2 protocol (8 x 100 x 500, "Skip to end") timed; longest main-thread task and total wasm memory reported', async ({ browser, server }) => {
  const url = server.url;
  const runs = {};
  for (const workers of [1, 4, 0]) {
    const ctx = await openPage(browser, new URL(`index.html${workers ? `#workers=${workers}` : ''}`, url).href, { longTasks: true });
    await waitReady(ctx.page);
    await frames(ctx.page, 5);
    await ctx.page.click('#run-to');
    await waitRest(ctx.page, 500);
    const k = await hookOf(ctx.page);
    const m = await ctx.page.evaluate(() => {
      const t0 = __state().stats.skipStartedAt;
      const during = window.__longTasks.filter((t) => t.start + t.duration >= t0);
      return { skipMs: __state().stats.skipMs, load: Math.max(0, ...window.__longTasks.filter((t) => t.start + t.duration < t0).map((t) => t.duration)), during: Math.max(0, ...during.map((t) => t.duration)), n: during.length };
    });
    runs[workers] = { positions: await positions(ctx.page), ...m, workers: k.workers, memory: k.memoryBytes };
    console.log(`      workers=${k.workers}: Figure 2 protocol (500 iterations x 8 methods x 100 runs) in ${m.skipMs.toFixed(0)} ms; ` +
      `longest main-thread task ${m.during.toFixed(0)} ms during it (${m.n} over 50 ms), ${m.load.toFixed(0)} ms during load; wasm memory ${(k.memoryBytes / 2 ** 20).toFixed(1)} MiB in ${k.workers} instance(s)`);
    check(k.iteration === 500, `stopped at ${k.iteration}`);
    check(k.memoryBytes > 0 && k.memoryBytes <= 64 * 2 ** 20, `wasm memory ${k.memoryBytes} bytes is over 64 MiB (or unreported)`);
    noErrors(ctx);
    await ctx.context.close();
  }
  check(runs[1].workers === 1 && runs[4].workers === 4, `worker counts ${runs[1].workers}, ${runs[4].workers}`);
  samePositions(runs[1].positions, runs[4].positions, '1 vs 4 workers');
  samePositions(runs[1].positions, runs[0].positions, '1 vs default workers');
  console.log(`      speed-up of ${runs[0].workers} workers over 1: x${(runs[1].skipMs / runs[0].skipMs).toFixed(2)}`);
});

test('embed.html shows just the figure and the listed controls, fits its frame, autoplays; its hash follows the state', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await open(browser, url, 'embed.html#figure=toy&controls=lr,noiseTrace&autoplay=1&seed=5');
  await ctx.page.setViewportSize({ width: 900, height: 640 });
  await waitReady(ctx.page);
  await ctx.page.waitForFunction(() => __state().iteration >= 20, null, { timeout: T_ADVANCE });
  for (const id of ['lr', 'noise-trace', 'play', 'landscape', 'escape-plot']) check(await ctx.page.isVisible(`#${id}`), `#${id} should be visible`);
  for (const id of ['runs', 'seed', 'batch-size', 'samples', 'data-spread', 'method-boxes', 'indicator-plot', 'copy-link', 'export-png', 'preset']) check(!(await ctx.page.isVisible(`#${id}`)), `#${id} should be hidden in the embed`);
  const fit = await ctx.page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: innerWidth, ch: document.getElementById('landscape').getBoundingClientRect().height, h: innerHeight }));
  check(fit.sw <= fit.w, `horizontal overflow: ${fit.sw} > ${fit.w}`);
  check(fit.ch <= fit.h, `landscape ${fit.ch}px taller than the frame ${fit.h}px`);
  await ctx.page.fill('#lr', '0.007');
  await ctx.page.press('#lr', 'Enter');
  await ctx.page.dispatchEvent('#lr', 'change');
  await ctx.page.waitForFunction(() => location.hash.includes('lr=0.007'), null, { timeout: T_ADVANCE });
  check((await ctx.page.evaluate(() => location.hash)).includes('controls=lr,noiseTrace'), 'controls dropped from the hash');
  mkdirSync(ARTIFACTS, { recursive: true });
  await ctx.page.screenshot({ path: path.join(ARTIFACTS, 'embed-900x640.png') });
  noErrors(ctx);
  await ctx.context.close();
  // prefers-reduced-motion: the same link does not start the animation by itself.
  const calm = await open(browser, url, 'about:blank');
  await calm.page.emulateMedia({ reducedMotion: 'reduce' });
  await calm.page.goto(new URL('embed.html#figure=toy&controls=lr&autoplay=1', url).href);
  await waitReady(calm.page);
  await frames(calm.page, 20);
  const still = await hookOf(calm.page);
  check(still.iteration === 0 && !still.playing, `autoplay ran under prefers-reduced-motion (iteration ${still.iteration})`);
  check(/reduced motion/.test(await calm.page.textContent('#status')), 'no word on why autoplay is off');
  noErrors(calm);
  await calm.context.close();
});

test('examples page: two custom elements start lazily and run independently, pause off screen; the iframe runs; the slide iframe loads with its slide and unloads after', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await open(browser, url, 'examples.html');
  const page = ctx.page;
  await page.waitForFunction(() => document.getElementById('demo-iframe').contentWindow.__state?.()?.iteration > 0, null, { timeout: T_READY });
  const started = () => page.evaluate(() => [...document.querySelectorAll('#demo-element-1, #demo-element-2')].map((e) => !!e.figure && e.figure.getState().started));
  check((await started()).every((s) => !s), 'custom elements started before they neared the viewport');
  check(await page.$eval('#demo-slide', (f) => !f.hasAttribute('src')), 'the slide iframe loaded before its slide');
  // The slide.
  await page.click('#deck-next');
  await page.waitForFunction(() => document.getElementById('demo-slide').contentWindow.__state?.()?.ready, null, { timeout: T_READY });
  await page.waitForFunction(() => document.getElementById('demo-slide').contentWindow.__state().iteration > 0, null, { timeout: T_ADVANCE });
  const lecture = await page.evaluate(() => document.getElementById('demo-slide').contentDocument.documentElement.classList.contains('lecture'));
  check(lecture, 'lecture=1 in the slide link did not turn lecture mode on');
  await page.click('#deck-next');
  check(await page.$eval('#demo-slide', (f) => !f.hasAttribute('src')), 'the slide iframe kept its src after its slide was left');
  await page.waitForFunction(() => !document.getElementById('demo-slide').contentWindow.__sgdEscape, null, { timeout: T_ADVANCE });
  // The elements.
  await page.$eval('#demo-element-1', (e) => e.scrollIntoView());
  await page.waitForFunction(() => [...document.querySelectorAll('#demo-element-1, #demo-element-2')].every((e) => e.figure && e.figure.getState().ready), null, { timeout: T_READY });
  const seeds = await page.evaluate(() => [...document.querySelectorAll('#demo-element-1, #demo-element-2')].map((e) => e.figure.getState().config.seed));
  check(seeds[0] === 3 && seeds[1] === 77, `seeds ${seeds}`);
  await page.evaluate(() => document.getElementById('demo-element-1').shadowRoot.getElementById('play').click());
  await page.waitForFunction(() => __state('#demo-element-1').iteration >= 30, null, { timeout: T_ADVANCE });
  const second = await page.evaluate(() => __state('#demo-element-2').iteration);
  check(second === 0, `the second element moved (${second}) when only the first played`);
  // The second steps alone.
  await page.evaluate(() => document.getElementById('demo-element-2').shadowRoot.getElementById('step').click());
  await page.waitForFunction(() => __state('#demo-element-2').iteration === 1, null, { timeout: T_ADVANCE });
  // Attributes are live: lecture="1" enlarges the second element's type, not the first's.
  const fontOf = (id) => page.evaluate((i) => parseFloat(getComputedStyle(document.getElementById(i).shadowRoot.getElementById('h-landscape')).fontSize), id);
  const [a0, b0] = [await fontOf('demo-element-1'), await fontOf('demo-element-2')];
  await page.evaluate(() => document.getElementById('demo-element-2').setAttribute('lecture', '1'));
  await page.waitForFunction(() => document.getElementById('demo-element-2').shadowRoot.querySelector('.embed-layout').classList.contains('lecture'), null, { timeout: T_ADVANCE });
  check((await fontOf('demo-element-2')) > b0 * 1.2 && (await fontOf('demo-element-1')) === a0, 'lecture attribute did not enlarge only its own element');
  // Off screen: the first pauses.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => !__state('#demo-element-1')?.playing, null, { timeout: T_ADVANCE });
  const ids = await page.evaluate(() => document.getElementById('demo-element-1').shadowRoot.getElementById('lr') !== null && document.getElementById('lr') === null);
  check(ids, 'the element\'s controls should live in its shadow root only');
  // No CDN, nothing remote: every request stays on this origin.
  const remote = ctx.requests.filter((u) => !u.startsWith(url) && !/^(blob|data|about):/.test(u));
  check(remote.length === 0, `requests to other origins: ${remote.join(', ')}`);
  noErrors(ctx);
  await ctx.context.close();
});

test('keyboard: → steps, Space plays and pauses, R resets, F asks for fullscreen; lecture mode enlarges the type and enters the hash', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await open(browser, url, 'index.html');
  const page = ctx.page;
  await waitReady(page);
  await page.focus('body');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => __state().iteration === 1 && __state().stats.inFlight === 0, null, { timeout: T_ADVANCE });
  await page.keyboard.press(' ');
  await page.waitForFunction(() => __state().iteration > 5, null, { timeout: T_ADVANCE });
  await page.keyboard.press(' ');
  await page.waitForFunction(() => !__state().playing && __state().stats.inFlight === 0, null, { timeout: T_ADVANCE });
  const it = (await hookOf(page)).iteration;
  await frames(page, 10);
  check((await hookOf(page)).iteration === it, 'Space did not pause');
  await page.keyboard.press('r');
  await page.waitForFunction(() => __state().iteration === 0, null, { timeout: T_ADVANCE });
  const size0 = await page.$eval('#h-landscape', (e) => parseFloat(getComputedStyle(e).fontSize));
  await page.click('#lecture');
  const size1 = await page.$eval('#h-landscape', (e) => parseFloat(getComputedStyle(e).fontSize));
  check(size1 > size0 * 1.2, `lecture mode should enlarge the type: ${size0} -> ${size1}`);
  await page.waitForFunction(() => location.hash.includes('lecture=1'), null, { timeout: T_ADVANCE });
  // → and F work with a button focused (only Space and Enter keep the button's meaning).
  await page.focus('#lecture');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => __state().iteration === 1, null, { timeout: T_ADVANCE });
  await page.keyboard.press('f');
  await page.waitForFunction(() => !!document.fullscreenElement || /Fullscreen/.test(document.getElementById('status').textContent), null, { timeout: T_ADVANCE });
  // Controls are reachable with Tab, in order, and show a focus ring.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const reached = new Set();
  const wanted = ['play', 'step', 'reset', 'run-to', 'speed', 'iterations', 'preset', 'copy-link', 'export-png', 'lecture', 'lr', 'seed'];
  for (let i = 0; i < 120 && !wanted.every((id) => reached.has(id)); i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (id) reached.add(id);
  }
  for (const id of wanted) check(reached.has(id), `#${id} is not reachable with Tab (reached ${[...reached].join(', ')})`);
  await page.focus('#play');
  const ring = await page.$eval('#play', (b) => getComputedStyle(b).outlineStyle);
  check(ring !== 'none', `no visible focus on #play (outline ${ring})`);
  const unlabelled = await page.$$eval('#toy-root input, #toy-root select, #toy-root button', (els) => els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map((e) => e.id || e.outerHTML.slice(0, 60)));
  check(unlabelled.length === 0, `controls without a label: ${unlabelled.join(', ')}`);
  noErrors(ctx);
  await ctx.context.close();
});

test('exports: PNG at 2x (valid signature, twice the CSS size), CSV and JSON of the curves, config JSON', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await open(browser, url, 'index.html#iterations=60&speed=20&play=1');
  const page = ctx.page;
  await waitReady(page);
  await waitRest(page, 60);
  mkdirSync(ARTIFACTS, { recursive: true });
  const save = async (id) => {
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: T_ADVANCE }), page.click(id)]);
    const file = path.join(ARTIFACTS, d.suggestedFilename());
    await d.saveAs(file);
    return { name: d.suggestedFilename(), bytes: readFileSync(file) };
  };
  const png = await save('#export-png');
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  check(sig.every((b, i) => png.bytes[i] === b), `${png.name} lacks the PNG signature`);
  const w = png.bytes.readUInt32BE(16);
  const hgt = png.bytes.readUInt32BE(20);
  const css = await page.$eval('#landscape', (c) => { const r = c.getBoundingClientRect(); return { w: r.width, h: r.height }; });
  check(w >= 2 * css.w && hgt >= 2 * css.h, `PNG ${w}x${hgt} is not 2x the ${css.w}x${css.h}px landscape`);
  const back = await page.$eval('#landscape', (c) => c.width);
  check(Math.abs(back - css.w) <= 1, `the landscape canvas was not restored after export: ${back} for ${css.w}`);
  const csv = (await save('#export-csv')).bytes.toString('utf8').trim().split('\n');
  check(/^iteration,/.test(csv[0]) && csv[0].split(',').length === 9, `CSV header: ${csv[0]}`);
  const last = csv[csv.length - 1].split(',').map(Number);
  check(last[0] === 60 && last.slice(1).every((v) => v >= 0 && v <= 1), `CSV last row: ${csv[csv.length - 1]}`);
  const json = JSON.parse((await save('#export-json')).bytes.toString('utf8'));
  check(json.iteration === 60 && Object.keys(json.methods).length === 8 && json.methods.sgd.escapeCurve.length === csv.length - 1, 'JSON content');
  const config = JSON.parse((await save('#export-config')).bytes.toString('utf8'));
  check(config.config.lr === 0.005 && /lr=0.005/.test(config.link), `config JSON: ${JSON.stringify(config)}`);
  noErrors(ctx);
  await ctx.context.close();
});

test('hostile links and attributes: script/HTML in every key and value, huge values, thousands of keys: nothing runs, nothing is injected, no CSP violation, the figure still works', async ({ browser, server }) => {
  const url = server.url;
  const KEYS = ['figure', 'preset', 'methods', 'runs', 'lr', 'noiseTrace', 'batchSize', 'samples', 'dataSpread', 'seed', 'iterations', 'speed', 'play', 'autoplay', 'hide', 'controls', 'lecture', 'workers'];
  const evil = ['<img src=x onerror="window.__pwned=1">', '"><script>window.__pwned=1</script>', '<svg onload=alert(1)>', 'javascript:alert(1)'];
  const pairs = [];
  KEYS.forEach((k, i) => pairs.push(`${k}=${encodeURIComponent(evil[i % evil.length])}`));
  for (const e of evil) pairs.push(`${encodeURIComponent(e)}=${encodeURIComponent(e)}`);
  pairs.push(`lr=${'9'.repeat(100000)}`);
  for (let i = 0; i < 3000; i++) pairs.push(`k${i}=<b>${i}</b>`);
  const hash = `#${pairs.join('&')}`;
  for (const rel of ['index.html', 'embed.html']) {
    const ctx = await open(browser, url, `about:blank`);
    await watchCsp(ctx.context);
    let dialogs = 0;
    ctx.page.on('dialog', (d) => { dialogs += 1; d.dismiss().catch(() => {}); });
    await ctx.page.goto(new URL(`${rel}${hash}`, url).href);
    await waitReady(ctx.page);
    const k = await hookOf(ctx.page);
    check(k.notices.length > 0, `${rel}: no notice for a hostile link`);
    const injected = await ctx.page.evaluate(() => ({ pwned: window.__pwned, imgs: document.querySelectorAll('img').length, svgs: document.querySelectorAll('svg').length, inline: document.querySelectorAll('script:not([src])').length, b: document.querySelectorAll('b').length, csp: window.__cspViolations }));
    check(injected.pwned === undefined && dialogs === 0, `${rel}: injected code ran`);
    check(injected.imgs === 0 && injected.svgs === 0 && injected.inline === 0 && injected.b === 0, `${rel}: elements injected: ${JSON.stringify(injected)}`);
    check(injected.csp.length === 0, `${rel}: CSP violations: ${injected.csp.join(' | ')}`);
    const shown = await ctx.page.textContent('#notices');
    check(shown.includes('<img') || shown.includes('"'), `${rel}: notices should quote the bad values as text`);
    check(k.config.lr === 0.005 && k.config.methods.length === 8, `${rel}: defaults not used: ${JSON.stringify(k.config)}`);
    await ctx.page.click('#step');
    await ctx.page.waitForFunction(() => __state().iteration === 1, null, { timeout: T_ADVANCE });
    check(ctx.pageErrors.length === 0, `${rel}: page errors: ${ctx.pageErrors.join(' | ')}`);
    await ctx.context.close();
  }
  // A custom element with hostile attributes.
  const ctx = await open(browser, url, 'about:blank');
  await watchCsp(ctx.context);
  let dialogs = 0;
  ctx.page.on('dialog', (d) => { dialogs += 1; d.dismiss().catch(() => {}); });
  await ctx.page.goto(new URL('examples.html', url).href);
  await ctx.page.evaluate(([keys, evilValues]) => {
    const el = document.createElement('sgd-escape-figure');
    el.id = 'hostile';
    keys.forEach((k, i) => el.setAttribute(k.toLowerCase(), evilValues[i % evilValues.length]));
    el.setAttribute('seed', '9'.repeat(5000));
    document.body.prepend(el);
  }, [KEYS, evil]);
  await ctx.page.waitForFunction(() => __state('#hostile')?.ready, null, { timeout: T_READY });
  const r = await ctx.page.evaluate(() => {
    const el = document.getElementById('hostile');
    const sr = el.shadowRoot;
    return { notices: el.figure.getState().notices.length, pwned: window.__pwned, imgs: sr.querySelectorAll('img, svg, script, b').length, csp: window.__cspViolations };
  });
  check(r.notices > 0 && r.pwned === undefined && dialogs === 0 && r.imgs === 0 && r.csp.length === 0, `hostile element: ${JSON.stringify(r)}`);
  check(ctx.pageErrors.length === 0, `page errors: ${ctx.pageErrors.join(' | ')}`);
  await ctx.context.close();
});

test('layout: phone portrait 390x844, laptop 1366x768, projector 1024x768 (lecture mode): no horizontal overflow; screenshots in target/e2e/', async ({ browser, server }) => {
  const url = server.url;
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [name, width, height, extra] of [['phone', 390, 844, ''], ['laptop', 1366, 768, ''], ['projector', 1024, 768, '&lecture=1']]) {
    const ctx = await open(browser, url, `index.html#iterations=80&speed=40&play=1${extra}`);
    await ctx.page.setViewportSize({ width, height });
    await waitReady(ctx.page);
    await waitRest(ctx.page, 80);
    await frames(ctx.page, 3);
    const o = await ctx.page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: innerWidth }));
    check(o.sw <= o.w, `${name}: page is ${o.sw}px wide in a ${o.w}px viewport`);
    const box = await ctx.page.$eval('#play', (b) => { const r = b.getBoundingClientRect(); return r.width >= 40 && r.height >= 30; });
    check(box, `${name}: the Play button is smaller than a finger`);
    await ctx.page.$eval('#landscape-box', (e) => e.scrollIntoView({ block: 'start' }));
    await ctx.page.screenshot({ path: path.join(ARTIFACTS, `toy-${name}-${width}x${height}.png`) });
    noErrors(ctx);
    await ctx.context.close();
  }
});
