// Links across the JS/Rust boundary: the hashes the figures' models write (www/figures/*/model.js)
// are read by Rust's parser (parsePermalink, through the wasm build in Node) back into the same
// state, bad values are reported by key and replaced, unknown keys only warn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SKIP, wasm } from './wasm.mjs';
import { figureOf } from '../../www/lib/link.js';
import { fashionHash, fashionState } from '../../www/figures/fashion/model.js';
import { ohlHash, ohlState } from '../../www/figures/one-hidden-layer/model.js';
import { toyHash } from '../../www/figures/toy/model.js';

const METHODS = ['gd', 'gld-const', 'gld-dynamic', 'gld-diag', 'gld-leading', 'gld-hessian', 'gld-eigvec', 'sgd'];

/** xorshift32: a seeded stream of uint32, so a failing case can be replayed. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

test('a FashionMNIST state written by fashionHash parses back to the same state', { skip: SKIP }, async () => {
  const { parsePermalink } = await wasm();
  const state = { methods: ['gd', 'gld-leading', 'sgd'], seed: 7, target: 2000, logEvery: 100, maxRecords: 256, fromScratch: true, hidden: ['gd'], playing: true, threads: 2, spectrumMethod: 'sgd', network: 'cnn' };
  const hash = fashionHash(state, { controls: ['strip', 'export'], lecture: true });
  const link = parsePermalink(hash);
  assert.deepEqual(link.notices, []);
  assert.deepEqual(link.warnings, []);
  assert.equal(link.figure, 'fashion');
  assert.deepEqual(fashionState(link), state);
  assert.deepEqual(link.controls, ['strip', 'export']);
  assert.equal(link.lecture, true);
  assert.equal(fashionHash(fashionState(link), { controls: link.controls, lecture: link.lecture }), hash);
});

test('a one-hidden-layer state written by ohlHash parses back to the same state', { skip: SKIP }, async () => {
  const { parsePermalink } = await wasm();
  const state = { seed: 123, epochs: 31, samples: 1000, lr: 0.001, epoch: 10, playing: false };
  const hash = ohlHash(state);
  const link = parsePermalink(hash);
  assert.deepEqual(link.notices, []);
  assert.deepEqual(ohlState(link), state);
  assert.equal(ohlHash(ohlState(link)), hash);
  assert.equal(figureOf(hash), 'one-hidden-layer');
});

test('a 2-D state written by toyHash parses back to the same settings', { skip: SKIP }, async () => {
  const { parsePermalink } = await wasm();
  // The landscape's shape (not the paper's) travels in the link too.
  const config = { methods: ['gd', 'gld-eigvec', 'sgd'], runs: 50, lr: 0.006, noiseTrace: 0.02, batchSize: 2, samples: 80, dataSpread: 0.05, seed: 3, sharpLambda1: 150, sharpLambda2: 10, sharpAngle: 30, flatCurvature: 3, minimaDistance: 2 };
  const s = { config, iterations: 40, speed: 5, playing: true, hidden: ['gd'], controls: ['lr', 'noiseTrace'], lecture: true };
  const hash = toyHash(s);
  const link = parsePermalink(hash);
  assert.deepEqual(link.notices, []);
  assert.deepEqual(link.warnings, []);
  assert.deepEqual(link.config, config);
  assert.equal(link.iterations, 40);
  assert.equal(link.speed, 5);
  assert.equal(link.play, true);
  assert.deepEqual(link.hide, ['gd']);
  assert.deepEqual(link.controls, ['lr', 'noiseTrace']);
  assert.equal(link.lecture, true);
  assert.equal(toyHash({ config: link.config, iterations: link.iterations, speed: link.speed, playing: link.play, hidden: link.hide, controls: link.controls, lecture: link.lecture }), hash);
  // A config without the shape's keys writes the paper's landscape.
  const { sharpLambda1, sharpLambda2, sharpAngle, flatCurvature, minimaDistance, ...plain } = config;
  const paper = parsePermalink(toyHash({ ...s, config: plain })).config;
  assert.deepEqual([paper.sharpLambda1, paper.sharpLambda2, paper.sharpAngle, paper.flatCurvature, paper.minimaDistance], [200, 20, 0, 2, 2 * Math.SQRT2]);
  assert.notDeepEqual([sharpLambda1, sharpLambda2, sharpAngle, flatCurvature, minimaDistance], [200, 20, 0, 2, 2 * Math.SQRT2]);
});

test('the timeline\'s iteration written by toyHash parses back, and one past the pause-at is named', { skip: SKIP }, async () => {
  const { parsePermalink } = await wasm();
  const config = { methods: ['gd', 'sgd'], runs: 10, lr: 0.005, noiseTrace: 0.01, batchSize: 1, samples: 100, dataSpread: 0.01, seed: 0 };
  const s = { config, iterations: 300, iteration: 120, speed: 2, playing: false, hidden: [], controls: null, lecture: false };
  const hash = toyHash(s);
  const link = parsePermalink(hash);
  assert.deepEqual(link.notices, []);
  assert.equal(link.iteration, 120);
  assert.equal(toyHash({ ...s, config: link.config, iteration: link.iteration }), hash);
  assert.equal(parsePermalink(toyHash({ ...s, iteration: null })).iteration, null);
  const bad = parsePermalink(toyHash({ ...s, iteration: 301 }));
  assert.equal(bad.iteration, null);
  assert.deepEqual(bad.notices.map((/** @type {{ key: string }} */ n) => n.key), ['iteration']);
});

test('random FashionMNIST links that parse cleanly are written back unchanged (seeded)', { skip: SKIP }, async () => {
  const { parsePermalink } = await wasm();
  const next = rng(20261201);
  let clean = 0;
  for (let k = 0; k < 300; k++) {
    const methods = METHODS.filter(() => next() % 2);
    const hash = `#figure=fashion&methods=${(methods.length ? methods : ['sgd']).join(',')}&seed=${next() % 5000}` +
      `&iterations=${1 + (next() % 20000)}&logEvery=${1 + (next() % 1000)}&maxRecords=${next() % 5000}` +
      `&workers=${next() % 10}&play=${next() % 2}`;
    const link = parsePermalink(hash);
    if (link.notices.length) {
      // A rejected value is named, and what replaced it is a valid link again.
      assert.ok(link.notices.every((n) => /`?[a-zA-Z]+`?/.test(n.message)), JSON.stringify(link.notices));
      const again = parsePermalink(fashionHash(fashionState(link)));
      assert.deepEqual(again.notices, [], `case ${k}: the defaults written back should parse cleanly`);
      continue;
    }
    clean += 1;
    const written = fashionHash(fashionState(link));
    const reparsed = parsePermalink(written);
    assert.deepEqual(reparsed.notices, [], `case ${k}: ${written}`);
    assert.deepEqual(fashionState(reparsed), fashionState(link), `case ${k}: ${hash} -> ${written}`);
  }
  assert.ok(clean > 30, `only ${clean} of 300 random links were valid: the generator misses the ranges`);
});

test('a bad value falls back to its default with a notice naming the key and its range', { skip: SKIP }, async () => {
  const { parsePermalink } = await wasm();
  const link = parsePermalink('#figure=toy&lr=0.006&noiseTrace=99&seed=3');
  assert.equal(link.config.lr, 0.006);
  assert.equal(link.config.seed, 3);
  assert.equal(link.config.noiseTrace, 0.01);
  assert.equal(link.notices.length, 1);
  assert.match(link.notices[0].message, /noiseTrace/);
  assert.match(link.notices[0].message, /\[0, 10\]/);
  assert.match(link.notices[0].message, /99/);
});

test('unknown keys and keys of another figure warn, and change nothing', { skip: SKIP }, async () => {
  const { parsePermalink } = await wasm();
  const plain = parsePermalink('#figure=toy');
  const link = parsePermalink('#figure=toy&colour=red&epochs=5');
  assert.deepEqual(link.notices, []);
  assert.ok(link.warnings.some((w) => /colour/.test(w)), JSON.stringify(link.warnings));
  assert.deepEqual(link.config, plain.config);
});

test('any string parses without throwing; non-strings are rejected by name', { skip: SKIP }, async () => {
  const { parsePermalink } = await wasm();
  const next = rng(7);
  for (let k = 0; k < 200; k++) {
    const s = Array.from({ length: next() % 80 }, () => String.fromCharCode(32 + (next() % 95))).join('');
    const link = parsePermalink(`#${s}`);
    assert.ok(['toy', 'fashion', 'ohl', 'one-hidden-layer'].includes(link.figure), `case ${k}: figure ${link.figure}`);
  }
  assert.throws(() => parsePermalink(42), /hash/);
});

test('the presets are listed with their figure, and each one parses cleanly', { skip: SKIP }, async () => {
  const { parsePermalink, presetList } = await wasm();
  const presets = presetList();
  assert.ok(presets.length >= 6);
  for (const p of presets) {
    const link = parsePermalink(`#preset=${p.id}`);
    assert.deepEqual(link.notices, [], p.id);
    assert.equal(link.preset, p.id);
    assert.equal(link.figure, p.figure, p.id);
  }
});
