// Fresh seeds: "New seed" on every figure draws a seed from the OS (the wasm export freshSeed,
// getrandom), shows it and writes it into the link; a link's `seed=random` is resolved to a
// concrete seed and the hash rewritten, so every run stays reproducible from its link.

import { test, T_ADVANCE, T_READY, check, noErrors, openPage, waitReady } from './fixtures.mjs';

const open = (browser, url, rel) => openPage(browser, new URL(rel, url).href);

/** The seed a hash records (NaN if none). */
const seedOf = (hash) => Number((/[#&]seed=(\d+)(?:&|$)/.exec(hash) || [])[1]);

test('seed=random in a link becomes a concrete seed in the figure and in the rewritten hash, on the page and in an embed', async ({ browser, server }) => {
  const ctx = await open(browser, server.url, 'index.html#figure=toy&seed=random&runs=20');
  const { page } = ctx;
  await waitReady(page);
  const seed = await page.evaluate(() => __state().config.seed);
  check(Number.isInteger(seed) && seed >= 0 && seed <= 4294967295, `the figure's seed: ${seed}`);
  await page.waitForFunction((s) => location.hash.includes(`seed=${s}`), seed, { timeout: T_ADVANCE });
  check(!/random/.test(await page.evaluate(() => location.hash)), 'the hash still says random');
  check(Number(await page.inputValue('#seed')) === seed, 'the seed field does not show the seed');
  noErrors(ctx);
  await ctx.context.close();

  const e = await open(browser, server.url, 'embed.html#figure=ohl&seed=random&controls=link');
  await e.page.waitForFunction(() => __state('one-hidden-layer')?.ready, null, { timeout: T_READY });
  await e.page.waitForFunction(() => /seed=\d+/.test(location.hash), null, { timeout: T_ADVANCE });
  const hash = await e.page.evaluate(() => location.hash);
  const ohlSeed = await e.page.evaluate(() => __state('one-hidden-layer').seed);
  check(seedOf(hash) === ohlSeed && !/random/.test(hash), `embed hash ${hash}, seed ${ohlSeed}`);
  noErrors(e);
  await e.context.close();
});

test('"New seed" on every figure draws a new seed, shows it and writes it into the link', async ({ browser, server }) => {
  const ctx = await open(browser, server.url, 'index.html#figure=toy&runs=20&seed=5');
  const { page } = ctx;
  await waitReady(page);
  // The 2-D figure: the field shows the new seed, a fresh simulation runs with it, the hash has it.
  await page.click('#seed-new');
  await page.waitForFunction(() => __state().config.seed !== 5 && __state().stats.inFlight === 0, null, { timeout: T_ADVANCE });
  const toySeed = await page.evaluate(() => __state().config.seed);
  check(Number(await page.inputValue('#seed')) === toySeed, 'the seed field does not show the new seed');
  await page.waitForFunction((s) => location.hash.includes(`seed=${s}`), toySeed, { timeout: T_ADVANCE });
  // FashionMNIST: the field and the figure's state take the seed; the link describes the figure.
  await page.$eval('#fashion', (el) => el.scrollIntoView());
  await page.waitForFunction(() => __state('fashion')?.phase === 'ready', null, { timeout: T_READY });
  await page.click('#fashion-seed-new');
  await page.waitForFunction(() => __state('fashion').seed !== 0, null, { timeout: T_ADVANCE });
  const fashionSeed = await page.evaluate(() => __state('fashion').seed);
  // The field is written with the next frame the figure draws.
  await page.waitForFunction((s) => Number(document.querySelector('#fashion-seed').value) === s, fashionSeed, { timeout: T_ADVANCE })
    .catch(() => undefined);
  check(Number(await page.inputValue('#fashion-seed')) === fashionSeed, 'the FashionMNIST seed field does not show the new seed');
  await page.waitForFunction((s) => location.hash.startsWith('#figure=fashion') && location.hash.includes(`seed=${s}`), fashionSeed, { timeout: T_ADVANCE });
  // One hidden layer: the study starts over from the new seed; the status and the link show it.
  await page.$eval('#ohl', (el) => el.scrollIntoView());
  await page.waitForFunction(() => __state('one-hidden-layer')?.ready, null, { timeout: T_READY });
  const before = await page.evaluate(() => __state('one-hidden-layer').seed);
  await page.click('#ohl-new-seed');
  await page.waitForFunction((b) => __state('one-hidden-layer').seed !== b, before, { timeout: T_ADVANCE });
  const ohlSeed = await page.evaluate(() => __state('one-hidden-layer').seed);
  // "New seed: N." or, once the worker has restarted, "Ready: ... (seed N)": either shows it.
  await page.waitForFunction((s) => document.querySelector('#ohl-status').textContent.includes(String(s)), ohlSeed, { timeout: T_ADVANCE })
    .catch(() => undefined);
  check((await page.textContent('#ohl-status')).includes(String(ohlSeed)), 'the status does not show the new seed');
  await page.waitForFunction((s) => location.hash.startsWith('#figure=one-hidden-layer') && location.hash.includes(`seed=${s}`), ohlSeed, { timeout: T_ADVANCE });
  noErrors(ctx);
  await ctx.context.close();
});
