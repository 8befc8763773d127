// End-to-end tests of the figures on slides, with reveal.js 5 itself (a pinned devDependency,
// loaded from node_modules by the test deck tests/e2e/fixtures/reveal-deck.html, served from the
// repository root). At 960x560 and 1280x720: the embed (embed.html in a data-src iframe) and
// the custom element (<sgd-escape-figure fit>) fit their slide without scrolling, the escape
// curves visible; they report `ready` and `state`; reveal.js fragments drive them by
// postMessage (pause, step, setState, preset, play); leaving the slide unloads the iframe and
// pauses the element. Screenshots: target/e2e/slides-{iframe,element}-WxH.png. And the compact
// layout stays out of tall or narrow frames.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test, ARTIFACTS, T_ADVANCE, T_READY, check, noErrors, openPage } from './fixtures.mjs';

const SIZES = [[960, 560], [1280, 720]];

/** How the figure of the iframe (`frame`) or of the element sits in its frame, from the deck. */
function fitOf(page, which) {
  return page.evaluate((kind) => {
    const box = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height });
    let doc;
    let outer;
    let root;
    let frameBox;
    if (kind === 'iframe') {
      const f = document.getElementById('figure-frame');
      doc = f.contentDocument;
      outer = { scrollHeight: doc.documentElement.scrollHeight, clientHeight: doc.documentElement.clientHeight, scrollWidth: doc.documentElement.scrollWidth, clientWidth: doc.documentElement.clientWidth };
      root = doc.getElementById('embed-root');
      frameBox = box(f.getBoundingClientRect());
    } else {
      const el = document.getElementById('figure-element');
      doc = el.shadowRoot;
      root = doc.querySelector('.embed-layout');
      outer = { scrollHeight: el.scrollHeight, clientHeight: el.clientHeight, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
      frameBox = box(el.getBoundingClientRect());
    }
    const win = kind === 'iframe' ? doc.defaultView : window;
    const plot = doc.getElementById('escape-plot');
    const landscape = doc.getElementById('landscape');
    const p = plot.getBoundingClientRect();
    // What is drawn at the middle of the curves (nothing may cover them).
    const hit = doc.elementFromPoint(p.left + p.width / 2, p.top + p.height / 2);
    // Ink on the curves' canvas: its axes and curves.
    const ctx = plot.getContext('2d');
    const d = ctx.getImageData(0, 0, plot.width, plot.height).data;
    let inked = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) inked += 1;
    return {
      outer,
      frame: frameBox,
      viewport: kind === 'iframe' ? { width: win.innerWidth, height: win.innerHeight } : null,
      compact: win.getComputedStyle(root).getPropertyValue('--sgd-compact').trim() === '1',
      plot: box(p),
      landscape: box(landscape.getBoundingClientRect()),
      root: box(root.getBoundingClientRect()),
      hitIsPlot: hit === plot,
      inked: inked / (plot.width * plot.height),
    };
  }, which);
}

/** Checks that the figure fits its w x h frame, compact, the curves whole and visible. */
function checkFit(f, w, h, what) {
  check(Math.round(f.frame.width) === w && Math.round(f.frame.height) === h, `${what}: the frame is ${f.frame.width}x${f.frame.height}, not ${w}x${h}`);
  check(f.frame.left >= -0.5 && f.frame.top >= -0.5 && f.frame.right <= w + 0.5 && f.frame.bottom <= h + 0.5, `${what}: the frame is not on the slide: ${JSON.stringify(f.frame)}`);
  check(f.outer.scrollHeight <= f.outer.clientHeight, `${what}: scrolls vertically: scrollHeight ${f.outer.scrollHeight} > clientHeight ${f.outer.clientHeight}`);
  check(f.outer.scrollWidth <= f.outer.clientWidth, `${what}: scrolls horizontally: scrollWidth ${f.outer.scrollWidth} > clientWidth ${f.outer.clientWidth}`);
  check(f.compact, `${what}: the compact layout is off in a ${w}x${h} frame`);
  // Coordinates: inside the iframe they are the frame's own; the element's are the deck's.
  const top = f.viewport ? 0 : f.frame.top;
  const bottom = f.viewport ? f.viewport.height : f.frame.bottom;
  const right = f.viewport ? f.viewport.width : f.frame.right;
  for (const [name, r] of [['escape curves', f.plot], ['landscape', f.landscape], ['figure', f.root]]) {
    check(r.top >= top - 0.5 && r.bottom <= bottom + 0.5 && r.right <= right + 0.5, `${what}: the ${name} (${JSON.stringify(r)}) is cut off by the ${w}x${h} frame`);
  }
  check(f.plot.height >= 150 && f.plot.width >= 250, `${what}: the escape curves are only ${f.plot.width}x${f.plot.height}`);
  check(f.landscape.height >= 0.6 * h, `${what}: the landscape is only ${f.landscape.height}px tall in a ${h}px frame`);
  check(f.hitIsPlot, `${what}: something covers the escape curves`);
  check(f.inked > 0.01, `${what}: the escape curves' canvas is blank (${f.inked})`);
}

const deckLog = (page, source) => page.evaluate((s) => window.__deckLog.filter((e) => e.source === s).map((e) => e.data), source);
const lastState = async (page, source) => (await deckLog(page, source)).filter((d) => d.event === 'state').at(-1);

/** Waits until the figure's last state report (as the deck heard it) satisfies `pred(report)`. */
async function waitReport(page, source, pred, arg) {
  await page.waitForFunction(({ s, p, a }) => {
    const states = window.__deckLog.filter((e) => e.source === s && e.data.event === 'state');
    if (!states.length) return false;
    return new Function('r', 'a', `return (${p})(r, a);`)(states.at(-1).data, a);
  }, { s: source, p: pred.toString(), a: arg }, { timeout: T_ADVANCE });
}

const inFrame = (page, fn, arg) => page.evaluate(({ f, a }) => {
  const w = document.getElementById('figure-frame').contentWindow;
  return new Function('w', 'a', `return (${f})(w, a);`)(w, a);
}, { f: fn.toString(), a: arg });

for (const [w, h] of SIZES) {
  test(`reveal.js ${w}x${h}: the embed and the element fit their slide, curves visible; fragments drive them by messages; they report ready and state; they stop when the slide leaves`, async ({ browser, serveRoot }) => {
    // The repository root, without the page's CSP header: the deck is the lecturer's page.
    const root = await serveRoot('.', { extraArgs: ['--no-csp'] });
    const ctx = await openPage(browser, 'about:blank');
    const { page } = ctx;
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`${root}tests/e2e/fixtures/reveal-deck.html?w=${w}&h=${h}`);
    await page.waitForFunction(() => document.documentElement.dataset.deckReady === '1', null, { timeout: T_READY });
    check(await page.evaluate(() => window.Reveal.VERSION.startsWith('5.')), 'not reveal.js 5');
    const scale = await page.evaluate(() => window.Reveal.getScale());
    check(scale === 1, `the deck is scaled by ${scale}; the test wants 1:1 slides`);
    check(await page.$eval('#figure-frame', (f) => !f.hasAttribute('src')), 'the iframe loaded before its slide');

    // ---- the iframe slide
    await page.evaluate(() => window.Reveal.next());
    await page.waitForFunction(() => document.getElementById('figure-frame').contentWindow.__state?.()?.ready, null, { timeout: T_READY });
    await page.waitForFunction(() => window.__deckLog.some((e) => e.source === 'iframe' && e.data.event === 'ready' && e.data.figure === 'toy'), null, { timeout: T_ADVANCE });
    // autoplay=1: it runs, and says so.
    await waitReport(page, 'iframe', (r) => r.playing && r.iteration > 0);
    check(await inFrame(page, (win) => win.document.documentElement.classList.contains('lecture')), 'lecture=1 did not turn lecture mode on');
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, { timeout: T_ADVANCE });
    const f1 = await fitOf(page, 'iframe');
    console.log(`      ${w}x${h} iframe: landscape ${Math.round(f1.landscape.width)}x${Math.round(f1.landscape.height)}, curves ${Math.round(f1.plot.width)}x${Math.round(f1.plot.height)} (bottom ${Math.round(f1.plot.bottom)}), document ${f1.outer.scrollHeight}/${f1.outer.clientHeight} px tall`);
    checkFit(f1, w, h, `iframe ${w}x${h}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, `slides-iframe-${w}x${h}.png`) });

    // Fragment 1: pause.
    await page.evaluate(() => window.Reveal.next());
    await waitReport(page, 'iframe', (r) => !r.playing);
    await page.waitForFunction(() => { const s = document.getElementById('figure-frame').contentWindow.__state(); return !s.playing && s.stats.inFlight === 0; }, null, { timeout: T_ADVANCE });
    const it0 = await inFrame(page, (win) => win.__state().iteration);
    // Fragment 2: five steps.
    await page.evaluate(() => window.Reveal.next());
    await page.waitForFunction((n) => { const s = document.getElementById('figure-frame').contentWindow.__state(); return s.iteration === n && s.stats.inFlight === 0; }, it0 + 5, { timeout: T_ADVANCE });
    await waitReport(page, 'iframe', (r, n) => r.iteration === n && !r.playing, it0 + 5);
    const report = await lastState(page, 'iframe');
    check(report.figure === 'toy' && typeof report.escaped === 'object' && 'gld-eigvec' in report.escaped, `state report without the figure or its escaped counts: ${JSON.stringify(report)}`);
    // Fragment 3: a setting.
    await page.evaluate(() => window.Reveal.next());
    await page.waitForFunction(() => document.getElementById('figure-frame').contentWindow.__state().config.noiseTrace === 0.02, null, { timeout: T_ADVANCE });
    // Fragment 4: a preset (three methods: the layout must still fit).
    await page.evaluate(() => window.Reveal.next());
    await page.waitForFunction(() => { const c = document.getElementById('figure-frame').contentWindow.__state().config; return c.dataSpread === 0.1 && c.methods.join() === 'gd,gld-dynamic,sgd'; }, null, { timeout: T_ADVANCE });
    await waitReport(page, 'iframe', (r) => 'sgd' in r.escaped);
    // Fragment 5: play.
    await page.evaluate(() => window.Reveal.next());
    await waitReport(page, 'iframe', (r) => r.playing && r.iteration > 3);
    checkFit(await fitOf(page, 'iframe'), w, h, `iframe ${w}x${h} after the preset`);
    const warnings = ctx.consoleErrors.concat(await inFrame(page, (win) => win.__sgdEscape.errors));
    check(warnings.length === 0, `errors: ${warnings.join(' | ')}`);

    // ---- leaving the slide unloads the iframe (reveal.js removes its src)
    await page.evaluate(() => window.Reveal.next());
    check(await page.$eval('#figure-frame', (f) => !f.hasAttribute('src')), 'the iframe kept its src after its slide was left');
    await page.waitForFunction(() => !document.getElementById('figure-frame').contentWindow?.__sgdEscape, null, { timeout: T_ADVANCE });

    // ---- the element slide (now shown)
    check(await page.evaluate(() => window.Reveal.getCurrentSlide().id) === 'slide-element', 'not on the element slide');
    await page.waitForFunction(() => __state('#figure-element')?.ready, null, { timeout: T_READY });
    await page.waitForFunction(() => window.__deckLog.some((e) => e.source === 'element' && e.data.event === 'ready'), null, { timeout: T_ADVANCE });
    await waitReport(page, 'element', (r) => r.playing && r.iteration > 0);
    // reveal.js slides the new slide in (a CSS transition): measure once it has arrived.
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, { timeout: T_ADVANCE });
    const f2 = await fitOf(page, 'element');
    console.log(`      ${w}x${h} element: landscape ${Math.round(f2.landscape.width)}x${Math.round(f2.landscape.height)}, curves ${Math.round(f2.plot.width)}x${Math.round(f2.plot.height)}, content ${f2.outer.scrollHeight}/${f2.outer.clientHeight} px tall`);
    checkFit(f2, w, h, `element ${w}x${h}`);
    await page.screenshot({ path: path.join(ARTIFACTS, `slides-element-${w}x${h}.png`) });
    await page.evaluate(() => window.Reveal.next()); // pause
    await page.waitForFunction(() => { const s = __state('#figure-element'); return !s.playing && s.stats.inFlight === 0; }, null, { timeout: T_ADVANCE });
    await waitReport(page, 'element', (r) => !r.playing);
    const e0 = await page.evaluate(() => __state('#figure-element').iteration);
    await page.evaluate(() => window.Reveal.next()); // five steps
    await page.waitForFunction((n) => { const s = __state('#figure-element'); return s.iteration === n && s.stats.inFlight === 0; }, e0 + 5, { timeout: T_ADVANCE });
    await waitReport(page, 'element', (r, n) => r.iteration === n, e0 + 5);
    await page.evaluate(() => window.Reveal.next()); // play
    await waitReport(page, 'element', (r, n) => r.playing && r.iteration > n, e0 + 5);
    // Leaving the slide pauses the element (it is off screen), and it reports that.
    await page.evaluate(() => window.Reveal.next());
    await page.waitForFunction(() => !__state('#figure-element').playing, null, { timeout: T_ADVANCE });
    await waitReport(page, 'element', (r) => !r.playing);
    check(await page.evaluate(() => !document.getElementById('figure-element').near), 'the element still counts itself near the view after its slide left');

    noErrors(ctx);
    await ctx.context.close();
  });
}

test('the compact layout is only for short, wide frames: a tall frame and a narrow one keep the usual layouts', async ({ browser, server }) => {
  const ctx = await openPage(browser, 'about:blank');
  const { page } = ctx;
  for (const [w, h, compact] of [[1280, 1000, false], [640, 560, false], [1024, 768, true]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`${server.url}embed.html#preset=shape-not-size&controls=noiseTrace&lecture=1`);
    await page.waitForFunction(() => __state()?.ready, null, { timeout: T_READY });
    const got = await page.evaluate(() => ({
      compact: getComputedStyle(document.getElementById('embed-root')).getPropertyValue('--sgd-compact').trim() === '1',
      caption: getComputedStyle(document.querySelector('#embed-root .figure .card-head .caption')).display !== 'none',
      sw: document.documentElement.scrollWidth,
    }));
    check(got.compact === compact, `${w}x${h}: compact ${got.compact}, expected ${compact}`);
    check(got.caption === !compact, `${w}x${h}: the landscape's caption is ${got.caption ? 'shown' : 'hidden'}`);
    check(got.sw <= w, `${w}x${h}: horizontal overflow (${got.sw})`);
  }
  noErrors(ctx);
  await ctx.context.close();
});
