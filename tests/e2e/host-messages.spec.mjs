// End-to-end tests of the host <-> figure messages (www/lib/host-messages.js) in the browser,
// on a host page of the test fixtures (tests/e2e/fixtures/host-page.html, served from the
// repository root): an embed's commands (play, pause, step, reset, preset, setState with
// settings or a whole link) work and are reported back; malformed and unknown messages are
// ignored with a console warning and never executed; a message from a window other than the
// parent is ignored unless the embed opts in (?messages=any); the same for the custom element
// (attribute host-messages, messages on the page's own window with `target`). Then example 5
// of examples.html, the fragment sequence without reveal.js.

import { test, T_ADVANCE, T_READY, check, noErrors, openPage } from './fixtures.mjs';

const MSG = 'sgd-escape';

/** Opens the host page with a log of console warnings (`warnings`: texts). */
async function openHost(browser, serveRoot) {
  const root = await serveRoot('.', { extraArgs: ['--no-csp'] });
  const ctx = await openPage(browser, `${root}tests/e2e/fixtures/host-page.html`);
  ctx.warnings = [];
  ctx.page.on('console', (m) => { if (m.type() === 'warning') ctx.warnings.push(m.text()); });
  return ctx;
}

/** Posts `message` to the embed `id` from the host page (its parent). */
const postToFrame = (page, id, message) => page.evaluate(({ i, m }) => document.getElementById(i).contentWindow.postMessage(m, '*'), { i: id, m: message });

/** Posts `message` to the embed `id` from the sibling frame: a window other than its parent. */
const postFromSibling = (page, id, message) => page.frame({ name: 'sibling' }).evaluate(({ i, m }) => parent.document.getElementById(i).contentWindow.postMessage(m, '*'), { i: id, m: message });

/** The host's log of reports from `source`. */
const reports = (page, source) => page.evaluate((s) => window.__hostLog.filter((e) => e.source === s).map((e) => e.data), source);

/** Waits until the last state report from `source` has `iteration === n` and `playing === playing`. */
async function waitReported(page, source, n, playing = false) {
  await page.waitForFunction(({ s, k, p }) => {
    const states = window.__hostLog.filter((e) => e.source === s && e.data.event === 'state');
    const last = states.at(-1);
    return !!last && last.data.iteration === k && last.data.playing === p;
  }, { s: source, k: n, p: playing }, { timeout: T_ADVANCE });
}

/** Waits until a figure (`at`: a frame, or the page with an element id) rests at iteration n. */
async function waitRest(at, n, id) {
  await at.waitForFunction(({ k, i }) => { const s = __state(i); return !!s && s.ready && s.iteration === k && !s.playing && s.stats.inFlight === 0; }, { k: n, i: id }, { timeout: T_ADVANCE });
}

/** Waits for `count` more console warnings matching `re` than `before` had. */
async function waitWarnings(ctx, re, count, before) {
  const deadline = Date.now() + T_ADVANCE;
  for (;;) {
    const n = ctx.warnings.filter((w) => re.test(w)).length - before;
    if (n >= count) return n;
    check(Date.now() < deadline, `expected ${count} warnings matching ${re}, saw ${n}: ${ctx.warnings.join(' | ')}`);
    await ctx.page.waitForTimeout(50);
  }
}
const countWarnings = (ctx, re) => ctx.warnings.filter((w) => re.test(w)).length;

const MALFORMED = [
  { type: MSG },
  { type: MSG, command: 'explode' },
  { type: MSG, command: 'toString' },
  { type: MSG, command: 'step', count: 0 },
  { type: MSG, command: 'step', count: '3' },
  { type: MSG, command: 'step', count: 1e9 },
  { type: MSG, command: 'reset', seed: -1 },
  { type: MSG, command: 'preset', id: '<script>alert(1)</script>' },
  { type: MSG, command: 'setState' },
  { type: MSG, command: 'setState', state: { lr: { valueOf: 1 } } },
  { type: MSG, command: 'setState', state: { 'bad key': 1 } },
];
const RE_MALFORMED = /sgd-escape: ignored a malformed message/;
const RE_OTHER_WINDOW = /sgd-escape: ignored a message from a window other than the parent/;

test('host messages, iframe: every command works and is reported; malformed ones warn and do nothing; another window than the parent is ignored unless the embed opts in', async ({ browser, serveRoot }) => {
  const ctx = await openHost(browser, serveRoot);
  const { page } = ctx;
  const frame = page.frame({ name: 'figure' });
  const any = page.frame({ name: 'figure-any' });
  await frame.waitForFunction(() => __state()?.ready, null, { timeout: T_READY });
  await any.waitForFunction(() => __state()?.ready, null, { timeout: T_READY });
  await page.waitForFunction(() => ['figure', 'figure-any'].every((s) => window.__hostLog.some((e) => e.source === s && e.data.event === 'ready' && e.data.figure === 'toy')), null, { timeout: T_ADVANCE });
  const ready = (await reports(page, 'figure')).filter((d) => d.event === 'ready');
  check(ready.length === 1, `ready sent ${ready.length} times`);
  await waitReported(page, 'figure', 0);

  // step, with a count, reported.
  await postToFrame(page, 'figure', { type: MSG, command: 'step', count: 3 });
  await waitRest(frame, 3);
  await waitReported(page, 'figure', 3);
  const r3 = (await reports(page, 'figure')).filter((d) => d.event === 'state').at(-1);
  check(r3.figure === 'toy' && r3.playing === false && Object.keys(r3.escaped).length > 0 && Object.values(r3.escaped).every(Number.isInteger), `state report ${JSON.stringify(r3)}`);
  // play, then pause.
  await postToFrame(page, 'figure', { type: MSG, command: 'play' });
  await page.waitForFunction(() => { const l = window.__hostLog.filter((e) => e.source === 'figure' && e.data.event === 'state').at(-1); return l && l.data.playing && l.data.iteration > 3; }, null, { timeout: T_ADVANCE });
  await postToFrame(page, 'figure', { type: MSG, command: 'pause' });
  await frame.waitForFunction(() => !__state().playing && __state().stats.inFlight === 0, null, { timeout: T_ADVANCE });
  const paused = await frame.evaluate(() => __state().iteration);
  await waitReported(page, 'figure', paused);
  check(paused > 3, `play did not advance (${paused})`);
  // reset, then reset with a seed.
  await postToFrame(page, 'figure', { type: MSG, command: 'reset' });
  await waitRest(frame, 0);
  check(await frame.evaluate(() => __state().config.seed) === 2, 'reset changed the seed');
  await postToFrame(page, 'figure', { type: MSG, command: 'reset', seed: 9 });
  await frame.waitForFunction(() => __state().config.seed === 9 && __state().iteration === 0, null, { timeout: T_ADVANCE });
  // setState: settings on top of the current ones, then a whole link.
  await postToFrame(page, 'figure', { type: MSG, command: 'setState', state: { lr: 0.006 } });
  await frame.waitForFunction(() => __state().config.lr === 0.006 && __state().config.seed === 9, null, { timeout: T_ADVANCE });
  await postToFrame(page, 'figure', { type: MSG, command: 'setState', hash: '#figure=toy&controls=lr&seed=5&lr=0.004&workers=1&runs=20' });
  await frame.waitForFunction(() => __state().config.lr === 0.004 && __state().config.seed === 5, null, { timeout: T_ADVANCE });
  // preset.
  await postToFrame(page, 'figure', { type: MSG, command: 'preset', id: 'sgd-escapes' });
  await frame.waitForFunction(() => { const c = __state().config; return c.dataSpread === 0.1 && c.methods.join() === 'gd,gld-dynamic,sgd'; }, null, { timeout: T_ADVANCE });
  await page.waitForFunction(() => { const l = window.__hostLog.filter((e) => e.source === 'figure' && e.data.event === 'state').at(-1); return l && 'sgd' in l.data.escaped && !('gld-const' in l.data.escaped); }, null, { timeout: T_ADVANCE });
  await waitRest(frame, 0);
  const config = await frame.evaluate(() => JSON.stringify(__state().config));

  // Malformed and unknown: one warning each, nothing executed. Messages of other protocols
  // (another type, a figure's own report echoed) are ignored silently. A valid step after them
  // (messages arrive in order) shows that none of them moved the figure.
  const before = countWarnings(ctx, RE_MALFORMED);
  for (const m of MALFORMED) await postToFrame(page, 'figure', m);
  for (const m of [{ type: 'other', command: 'step', count: 5 }, { command: 'step' }, 'step', { type: MSG, event: 'state', iteration: 99 }]) await postToFrame(page, 'figure', m);
  await postToFrame(page, 'figure', { type: MSG, command: 'step' });
  await waitRest(frame, 1);
  check(await waitWarnings(ctx, RE_MALFORMED, MALFORMED.length, before) === MALFORMED.length, 'not one warning per malformed message');
  check(await frame.evaluate(() => JSON.stringify(__state().config)) === config, 'a malformed message changed the settings');
  check(await frame.evaluate(() => !document.querySelector('script:not([src])')), 'a script was injected');

  // Another window (the sibling frame): ignored with a warning by the plain embed...
  const beforeOther = countWarnings(ctx, RE_OTHER_WINDOW);
  await postFromSibling(page, 'figure', { type: MSG, command: 'step', count: 7 });
  await postToFrame(page, 'figure', { type: MSG, command: 'step' });
  await waitRest(frame, 2);
  await waitWarnings(ctx, RE_OTHER_WINDOW, 1, beforeOther);
  // ...obeyed by the embed that opted in (?messages=any).
  await waitRest(any, 0);
  await postFromSibling(page, 'figure-any', { type: MSG, command: 'step', count: 7 });
  await waitRest(any, 7);
  await waitReported(page, 'figure-any', 7);
  check(countWarnings(ctx, RE_OTHER_WINDOW) === beforeOther + 1, `the opted-in embed warned about the sibling: ${ctx.warnings.join(' | ')}`);
  noErrors(ctx);
  await ctx.context.close();
});

test('host messages, custom element: with host-messages it obeys its page\'s window (by target) and reports there; malformed ones, other targets, other windows and elements without the attribute do nothing', async ({ browser, serveRoot }) => {
  const ctx = await openHost(browser, serveRoot);
  const { page } = ctx;
  // Each element starts once it nears the view (its IntersectionObserver is attached only when
  // its figure has mounted). Bring each there in turn, and again at every poll: #el grows as
  // its figure mounts, which can push #el-off out of reach after a single scroll, before its
  // observer is attached; it then never starts (this is what made the test flaky).
  await page.waitForFunction(() => { document.getElementById('el-off').scrollIntoView(); return __state('#el-off')?.ready; }, null, { timeout: T_READY });
  await page.waitForFunction(() => { document.getElementById('el').scrollIntoView(); return __state('#el')?.ready && __state('#el-off')?.ready; }, null, { timeout: T_READY });
  await page.waitForFunction(() => window.__hostLog.some((e) => e.source === 'element' && e.data.event === 'ready'), null, { timeout: T_ADVANCE });
  const readies = (await reports(page, 'element')).filter((d) => d.event === 'ready');
  check(readies.length === 1, `${readies.length} ready reports: only the element with host-messages reports`);
  const post = (m) => page.evaluate((msg) => window.postMessage(msg, location.origin), m);

  await post({ type: MSG, command: 'step', count: 2, target: 'el' });
  await waitRest(page, 2, '#el');
  await waitReported(page, 'element', 2);
  await post({ type: MSG, command: 'setState', state: { lr: 0.007 }, target: 'el' });
  await page.waitForFunction(() => __state('#el').config.lr === 0.007, null, { timeout: T_ADVANCE });
  await post({ type: MSG, command: 'play', target: 'el' });
  await page.waitForFunction(() => __state('#el').iteration > 2 && __state('#el').playing, null, { timeout: T_ADVANCE });
  await post({ type: MSG, command: 'pause', target: 'el' });
  await page.waitForFunction(() => !__state('#el').playing && __state('#el').stats.inFlight === 0, null, { timeout: T_ADVANCE });
  await post({ type: MSG, command: 'reset', target: 'el' });
  await waitRest(page, 0, '#el');
  await waitReported(page, 'element', 0);

  // Not for this element, not from this window, malformed: nothing happens.
  const before = countWarnings(ctx, RE_MALFORMED);
  const beforeOther = countWarnings(ctx, RE_OTHER_WINDOW);
  await post({ type: MSG, command: 'step', count: 5, target: 'someone-else' });
  await post({ type: MSG, command: 'step', count: 5, target: 'el-off' });
  for (const m of MALFORMED) await post({ ...m, target: 'el' });
  await page.frame({ name: 'sibling' }).evaluate((m) => parent.postMessage(m, '*'), { type: MSG, command: 'step', count: 5, target: 'el' });
  await waitWarnings(ctx, RE_OTHER_WINDOW, 1, beforeOther);
  await post({ type: MSG, command: 'step', target: 'el' });
  await waitRest(page, 1, '#el');
  check(await waitWarnings(ctx, RE_MALFORMED, MALFORMED.length, before) === MALFORMED.length, 'not one warning per malformed message');
  check(await page.evaluate(() => __state('#el-off').iteration) === 0, 'the element without host-messages obeyed a message');
  check(await page.evaluate(() => __state('#el').config.lr) === 0.007, 'a malformed message changed the settings');
  noErrors(ctx);
  await ctx.context.close();
});

test('examples.html, example 5: the fragment buttons drive the embed and its reports are shown', async ({ browser, server }) => {
  const ctx = await openPage(browser, `${server.url}examples.html`);
  const { page } = ctx;
  await page.$eval('#demo-messages', (f) => f.scrollIntoView());
  const frame = page.frame({ url: /embed\.html#preset=shape-not-size/ });
  check(frame, 'example 5\'s embed is not there');
  await frame.waitForFunction(() => __state()?.ready, null, { timeout: T_READY });
  await page.waitForFunction(() => /ready|Iteration/.test(document.getElementById('messages-report').textContent), null, { timeout: T_ADVANCE });
  const click = (n) => page.click(`button[data-message]:nth-of-type(${n})`);
  await click(1); // preset
  await frame.waitForFunction(() => __state().config.methods.join() === 'gld-const,gld-eigvec', null, { timeout: T_ADVANCE });
  await click(2); // play
  await frame.waitForFunction(() => __state().playing && __state().iteration > 0, null, { timeout: T_ADVANCE });
  await page.waitForFunction(() => /playing/.test(document.getElementById('messages-report').textContent), null, { timeout: T_ADVANCE });
  await click(3); // pause
  await frame.waitForFunction(() => !__state().playing && __state().stats.inFlight === 0, null, { timeout: T_ADVANCE });
  const it = await frame.evaluate(() => __state().iteration);
  await click(4); // ten steps
  await waitRest(frame, it + 10);
  await page.waitForFunction((n) => document.getElementById('messages-report').textContent.startsWith(`Iteration ${n}, paused`), it + 10, { timeout: T_ADVANCE });
  await click(5); // double the noise
  await frame.waitForFunction(() => __state().config.noiseTrace === 0.02, null, { timeout: T_ADVANCE });
  await click(6); // reset
  await waitRest(frame, 0);
  noErrors(ctx);
  await ctx.context.close();
});
