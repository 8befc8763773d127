// End-to-end tests of links, embeds and exports of the FashionMNIST and one-hidden-layer
// figures. Kept short: FashionMNIST starts from the committed seed-0 minimum and runs two methods
// for 20 iterations; the one-hidden-layer study runs 2 to 3 epochs on 100-200 points.

import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test, ARTIFACTS, T_ADVANCE, T_READY, check, noErrors, openPage } from './fixtures.mjs';

const open = (browser, url, rel, o = {}) => openPage(browser, new URL(rel, url).href, o);

const FASHION = 'figure=fashion&methods=gd,sgd&seed=0&iterations=20&logEvery=10&maxRecords=64&workers=1&spectrum=sgd';

/**
 * Waits until the FashionMNIST figure rests at `n` iterations or more: the page's (no `id`) or
 * that of the custom element with this id.
 */
const fashionAt = (page, n, id = null) => page.waitForFunction(([i, k]) => {
  const f = __state(i ? `#${i}` : 'fashion');
  return f && f.phase === 'ready' && !f.playing && !f.busy && f.iteration >= k;
}, [id, n], { timeout: T_ADVANCE * 2 });

/** The hash once the page has written one matching every regex source in `patterns`. */
async function settledHash(page, ...patterns) {
  await page.waitForFunction((ps) => ps.every((p) => new RegExp(p).test(location.hash)), patterns, { timeout: T_ADVANCE });
  return page.evaluate(() => location.hash);
}

/** Clicks `selector` in `frame` and saves the download; returns { name, bytes }. */
async function save(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: T_ADVANCE }), click()]);
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, d.suggestedFilename());
  await d.saveAs(file);
  return { name: d.suggestedFilename(), bytes: readFileSync(file) };
}

function checkPng(png, cssWidth) {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  check(sig.every((b, i) => png.bytes[i] === b), `${png.name} lacks the PNG signature`);
  const w = png.bytes.readUInt32BE(16);
  check(w >= 2 * cssWidth, `${png.name}: ${w} px wide, not 2x the ${cssWidth} px figure`);
  return w;
}

test('FashionMNIST link: every key reaches the controller, a bad value gets a notice naming key and range, the canonical hash is written back and round-trips on reload; copy link', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await open(browser, url, `index.html#${FASHION}&fromScratch=0&logEvery=0&colour=red`);
  const { page } = ctx;
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.waitForFunction(() => __state('fashion')?.target === 20, null, { timeout: T_READY });
  const st = await page.evaluate(() => __state('fashion'));
  check(JSON.stringify(st.methods) === '["gd","sgd"]' && st.seed === 0 && st.threads === 1 && st.maxRecords === 64 && st.spectrumMethod === 'sgd', `state from the link: ${JSON.stringify(st)}`);
  check(st.logEvery === 100, `logEvery=0 should fall back to the default 100, got ${st.logEvery}`);
  const notice = await page.$eval('#fashion-notices', (b) => (b.hidden ? '' : b.textContent));
  check(/logEvery/.test(notice) && /1\.\.=1000000/.test(notice), `notice: ${notice}`);
  const written = await settledHash(page, 'figure=fashion', 'logEvery=100');
  check(written === '#figure=fashion&methods=gd,sgd&seed=0&iterations=20&logEvery=100&maxRecords=64&workers=1&spectrum=sgd&play=0', `written hash: ${written}`);
  // The page section is scrolled to, and Copy link gives the same link.
  await page.click('#fashion-copy-link');
  const copied = await page.evaluate(() => __state('fashion').copiedLink);
  check(copied === `${new URL('index.html', url).href}${written}`, `copied ${copied}`);
  // Reload the written link: the same state, nothing to report.
  await page.evaluate(() => location.reload());
  await page.waitForFunction(() => __state('fashion')?.target === 20, null, { timeout: T_READY });
  const again = await page.evaluate(() => __state('fashion'));
  const settings = (x) => JSON.stringify(['methods', 'seed', 'logEvery', 'target', 'threads', 'fromScratch', 'maxRecords', 'spectrumMethod', 'hidden'].map((k) => x[k]));
  check(settings(again) === settings(st), `after reload: ${settings(again)} vs ${settings(st)}`);
  check(await page.$eval('#fashion-notices', (b) => b.hidden), 'the canonical link should give no notice');
  // The 2-D figure kept its defaults and did not take the hash over.
  check((await page.evaluate(() => location.hash)) === written, 'the hash changed after reload');
  // Using the 2-D figure makes the link describe it.
  await page.waitForFunction(() => __state()?.ready, null, { timeout: T_READY });
  await page.click('#step');
  await settledHash(page, 'figure=toy');
  noErrors(ctx);
  await ctx.context.close();
});

test('presets "FashionMNIST 5.3" and "Paper Figure 4" set those figures\' state; an ohl link trains to its epoch, and with play=1 plays on from there', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await open(browser, url, 'index.html');
  const { page } = ctx;
  await page.waitForFunction(() => __state()?.ready && document.querySelector('#preset option[value="fashion-5-3"]'), null, { timeout: T_READY });
  await page.selectOption('#preset', 'fashion-5-3');
  await page.waitForFunction(() => __state('fashion')?.target === 15000, null, { timeout: T_READY });
  const f = await page.evaluate(() => __state('fashion'));
  check(f.methods.length === 8 && f.logEvery === 500 && f.seed === 0 && f.network === 'cnn', `fashion preset state (the paper's stage 2 runs its CNN): ${JSON.stringify(f)}`);
  await settledHash(page, 'figure=fashion', 'iterations=15000');
  await page.evaluate(() => __fig('fashion').pause());
  // An ohl link with a small study: trains to epoch 2, and the hash says so.
  await page.evaluate(() => { location.hash = '#figure=ohl&samples=100&epoch=2'; });
  await page.waitForFunction(() => { const o = __state('one-hidden-layer'); return o.ready && o.epoch === 2 && !o.playing; }, null, { timeout: T_READY });
  const o = await page.evaluate(() => __state('one-hidden-layer'));
  check(o.samples === 100 && o.seed === 123 && o.epochs === 31, `ohl state: ${JSON.stringify(o)}`);
  await settledHash(page, '^#figure=one-hidden-layer&seed=123&epochs=31&samples=100&lr=0\\.001&epoch=2&play=0$');
  // epoch=3&play=1: trains to epoch 3 at once, then plays on (paced).
  await page.evaluate(() => { location.hash = '#figure=ohl&samples=100&epoch=3&play=1'; });
  await page.waitForFunction(() => __state('one-hidden-layer').epoch >= 4 && __state('one-hidden-layer').playing, null, { timeout: T_READY });
  await page.evaluate(() => __fig('one-hidden-layer').pause());
  // The preset asks for all 31 epochs of the paper's study.
  await page.selectOption('#preset', 'paper-figure-4');
  await page.waitForFunction(() => __state('one-hidden-layer').samples === 1000, null, { timeout: T_READY });
  await page.waitForFunction(() => __state('one-hidden-layer').epoch >= 1, null, { timeout: T_READY });
  await page.evaluate(() => __fig('one-hidden-layer').pause());
  noErrors(ctx);
  await ctx.context.close();
});

test('embed.html#figure=fashion and #figure=ohl: just the figure and the listed controls, they run; PNG at 2x, CSV, JSON and config exports are valid; keyboard → and R; lecture=1; a hostile link is shown as text', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await open(browser, url, `embed.html#${FASHION}&play=1&controls=export`);
  const { page } = ctx;
  await fashionAt(page, 20);
  const parts = await page.evaluate(() => ({
    settings: document.querySelector('.f-settings').hidden,
    spectrum: document.querySelector('.f-spectrum').hidden,
    lede: document.querySelector('.experiment-intro .lede').hidden,
    copy: !!document.getElementById('fashion-copy-link'),
    png: !!document.getElementById('fashion-export-png'),
  }));
  check(parts.settings && parts.spectrum && parts.lede && !parts.copy && parts.png, `embed parts: ${JSON.stringify(parts)}`);
  const css = await page.$eval('#fashion-curves', (c) => c.getBoundingClientRect().width);
  checkPng(await save(page, () => page.click('#fashion-export-png')), css);
  const back = await page.$eval('#fashion-curves', (c) => c.width);
  check(Math.abs(back - css) <= 1, `the curves canvas was not restored after export: ${back} for ${css}`);
  const csv = (await save(page, () => page.click('#fashion-export-csv'))).bytes.toString('utf8').trim().split('\n');
  check(/^method,iteration,trainLoss/.test(csv[0]) && csv.length === 1 + 2 * 3, `CSV: header ${csv[0]}, ${csv.length} lines`);
  check(csv.slice(1).every((l) => /^(gd|sgd),(0|10|20),/.test(l)), `CSV rows: ${csv.slice(1).join(' | ')}`);
  const json = JSON.parse((await save(page, () => page.click('#fashion-export-json'))).bytes.toString('utf8'));
  check(json.figure === 'fashion' && json.records.sgd.length === 3, 'curves JSON');
  const config = JSON.parse((await save(page, () => page.click('#fashion-export-config'))).bytes.toString('utf8'));
  check(config.figure === 'fashion' && /^#figure=fashion&methods=gd,sgd/.test(config.link) && config.state.target === 20, `config JSON: ${JSON.stringify(config).slice(0, 300)}`);
  // Phone portrait and projector: no horizontal overflow; screenshots as artifacts.
  for (const [w, hgt, name] of [[390, 844, 'phone'], [1024, 768, 'projector']]) {
    await page.setViewportSize({ width: w, height: hgt });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    check(sw <= cw, `fashion embed at ${w}x${hgt}: ${sw} px wide content in ${cw} px`);
    await page.screenshot({ path: path.join(ARTIFACTS, `embed-fashion-${name}.png`) });
  }
  noErrors(ctx);
  await ctx.context.close();

  const o = await open(browser, url, 'embed.html#figure=ohl&samples=100&epoch=2&controls=link,export');
  await o.page.waitForFunction(() => { const x = __state('one-hidden-layer'); return x && x.epoch === 2 && !x.playing; }, null, { timeout: T_READY });
  check(await o.page.evaluate(() => document.querySelector('.ohl-boundary-card').hidden && !!document.getElementById('ohl-copy-link')), 'the ohl embed should hide the boundary card and show the link button');
  const ocss = await o.page.$eval('#ohl-traces', (c) => c.getBoundingClientRect().width);
  checkPng(await save(o.page, () => o.page.click('#ohl-export-png')), ocss);
  const ocsv = (await save(o.page, () => o.page.click('#ohl-export-csv'))).bytes.toString('utf8').trim().split('\n');
  check(/^epoch,trainLoss/.test(ocsv[0]) && ocsv.length === 4, `ohl CSV: ${ocsv.length} lines`);
  const ojson = JSON.parse((await save(o.page, () => o.page.click('#ohl-export-json'))).bytes.toString('utf8'));
  check(ojson.figure === 'ohl' && ojson.records.length === 3 && ojson.settings.samples === 100, 'ohl JSON');
  const oconf = JSON.parse((await save(o.page, () => o.page.click('#ohl-export-config'))).bytes.toString('utf8'));
  check(oconf.link === '#figure=one-hidden-layer&seed=123&epochs=31&samples=100&lr=0.001&epoch=2&play=0&controls=link,export', `ohl config link: ${oconf.link}`);
  // Keyboard: → steps one epoch, R resets to epoch 0.
  await o.page.keyboard.press('ArrowRight');
  await o.page.waitForFunction(() => { const x = __state('one-hidden-layer'); return x.epoch === 3 && !x.playing; }, null, { timeout: T_ADVANCE });
  await o.page.keyboard.press('r');
  await o.page.waitForFunction(() => { const x = __state('one-hidden-layer'); return x.ready && x.epoch === 0; }, null, { timeout: T_ADVANCE });
  noErrors(o);
  await o.context.close();

  // A hostile link: HTML in a value and a key is shown as text in a notice, never built.
  const bad = await open(browser, url, 'embed.html#figure=ohl&samples=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E&%3Cb%3E=1&controls=export&lecture=1');
  await bad.page.waitForFunction(() => document.getElementById('ohl-notices')?.hidden === false, null, { timeout: T_READY });
  const shown = await bad.page.evaluate(() => ({ text: document.getElementById('ohl-notices').textContent, imgs: document.querySelectorAll('#ohl-notices img, #ohl-notices b').length, pwned: !!window.__pwned, samples: __state('one-hidden-layer').link.oneHiddenLayer.samples, warnings: __state('one-hidden-layer').warnings.length }));
  check(/samples/.test(shown.text) && /10\.\.=100000/.test(shown.text) && /<img/.test(shown.text), `hostile notice: ${shown.text}`);
  check(shown.imgs === 0 && !shown.pwned && shown.samples === 1000 && shown.warnings === 1, `hostile link: ${JSON.stringify(shown)}`);
  check(await bad.page.evaluate(() => document.documentElement.classList.contains('lecture')), 'lecture=1 should turn lecture mode on in the embed');
  noErrors(bad);
  await bad.context.close();
});

test('custom elements figure="ohl" and figure="fashion" on the examples page: start near the view, run independently, pause off screen and resume, export; the iframe of section 4 runs', async ({ browser, server }) => {
  const url = server.url;
  const ctx = await open(browser, url, 'examples.html');
  const { page } = ctx;
  check(await page.evaluate(() => !__state('#demo-element-ohl')?.ready), 'the ohl element loaded before it neared the view');
  await page.$eval('#demo-element-ohl', (e) => e.scrollIntoView());
  // epoch="5" trains to epoch 5 once in view.
  await page.waitForFunction(() => { const o = __state('#demo-element-ohl'); return o && o.epoch === 5 && !o.playing; }, null, { timeout: T_READY });
  await page.$eval('#demo-element-fashion', (e) => e.scrollIntoView());
  await page.waitForFunction(() => __state('#demo-element-fashion')?.phase === 'ready', null, { timeout: T_READY });
  await page.evaluate(() => document.getElementById('demo-element-fashion').shadowRoot.getElementById('fashion-play').click());
  await fashionAt(page, 200, 'demo-element-fashion');
  const ohlEpoch = await page.evaluate(() => __state('#demo-element-ohl').epoch);
  check(ohlEpoch === 5, `the ohl element moved (${ohlEpoch}) while only the fashion one played`);
  const shadowOnly = await page.evaluate(() => document.getElementById('fashion-play') === null && !!document.getElementById('demo-element-fashion').shadowRoot.getElementById('fashion-play'));
  check(shadowOnly, 'the element\'s figure should live in its shadow root only');
  const out = await page.evaluate(async () => {
    const b = await document.getElementById('demo-element-fashion').figure.export('csv');
    return (await b.blob.text()).trim().split('\n').length;
  });
  check(out === 1 + 2 * 5, `element CSV has ${out} lines`);
  const state = await page.evaluate(() => __state('#demo-element-ohl').hash);
  check(/^#figure=one-hidden-layer&.*epoch=5/.test(state), `element hash ${state}`);
  // The ohl element plays, pauses when it leaves the view, and resumes when it comes back.
  await page.$eval('#demo-element-ohl', (e) => e.scrollIntoView());
  await page.evaluate(() => __fig('#demo-element-ohl').play());
  await page.waitForFunction(() => __state('#demo-element-ohl').epoch >= 6, null, { timeout: T_ADVANCE });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => { const o = __state('#demo-element-ohl'); return !o.playing && !document.getElementById('demo-element-ohl').near; }, null, { timeout: T_ADVANCE });
  const left = await page.evaluate(() => __state('#demo-element-ohl').epoch);
  check(left < 31, `the ohl element should have paused off screen before the end (epoch ${left})`);
  await page.$eval('#demo-element-ohl', (e) => e.scrollIntoView());
  await page.waitForFunction((k) => __state('#demo-element-ohl').epoch > k, left + 1, { timeout: T_ADVANCE });
  await page.evaluate(() => __fig('#demo-element-ohl').pause());
  await page.$eval('#demo-later-iframe', (e) => e.scrollIntoView());
  await page.waitForFunction(() => document.getElementById('demo-later-iframe').contentWindow.__state?.('fashion')?.phase === 'ready', null, { timeout: T_READY });
  const remote = ctx.requests.filter((u) => !u.startsWith(url) && !/^(blob|data|about):/.test(u));
  check(remote.length === 0, `requests to other origins: ${remote.join(', ')}`);
  noErrors(ctx);
  await ctx.context.close();
});
