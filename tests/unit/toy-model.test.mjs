// The 2-D figure's model (www/figures/toy/model.js): its link, its playback arithmetic and its
// captions, as pure functions of the state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SCHEMA, FAST_STEP, MAX_WORKERS, workerCount, stepSize, stopAt, toyHash, countText, drawnNote,
  indicatorRows, stateCaption, hessianCaption, liveCaption, protocolCaption, exportBase,
} from '../../www/figures/toy/model.js';

const CONFIG = { methods: ['gd', 'gld-const', 'sgd'], runs: 100, lr: 0.005, noiseTrace: 0.01, batchSize: 1, samples: 100, dataSpread: 0.01, seed: 3 };

test('toyHash writes every key in the canonical order, and the optional ones only when set', () => {
  const base = { config: CONFIG, iterations: 500, speed: 2, playing: false, hidden: [], controls: null, lecture: false };
  assert.equal(toyHash(base), '#figure=toy&methods=gd,gld-const,sgd&runs=100&lr=0.005&noiseTrace=0.01&batchSize=1&samples=100&dataSpread=0.01&seed=3&iterations=500&speed=2&play=0');
  const all = toyHash({ ...base, playing: true, hidden: ['gd'], controls: ['lr', 'seed'], lecture: true, iterations: null });
  assert.match(all, /&iterations=500&speed=2&play=1&hide=gd&controls=lr,seed&lecture=1$/);
});

test('the settings data object names every setting once, with an input id and a range', () => {
  const keys = SCHEMA.settings.map(([key]) => key);
  assert.equal(new Set(keys).size, keys.length);
  for (const [key, id, label, attrs] of SCHEMA.settings) {
    assert.ok(id && label, key);
    assert.ok(Number(attrs.min) <= Number(attrs.max), key);
    assert.ok(SCHEMA.controls.includes(key), `${key} can be listed in controls`);
  }
});

test('workerCount takes the link\'s workers in 1..=8, else one per core up to 8', () => {
  assert.equal(workerCount('#workers=3', 2), 3);
  assert.equal(workerCount('#seed=1&workers=9', 4), 4);
  assert.equal(workerCount('', 32), MAX_WORKERS);
  assert.equal(workerCount('', 0), 2);
  assert.equal(workerCount('#workers=0', 1), 1);
});

test('stepSize: speed per frame (at most 3 frames), FAST_STEP when skipping, never past the stop', () => {
  assert.equal(stepSize({ fast: false, speed: 5, frames: 1, iteration: 0, stopAt: Infinity }), 5);
  assert.equal(stepSize({ fast: false, speed: 5, frames: 10, iteration: 0, stopAt: Infinity }), 15);
  assert.equal(stepSize({ fast: false, speed: 5, frames: 0, iteration: 0, stopAt: Infinity }), 5);
  assert.equal(stepSize({ fast: true, speed: 5, frames: 1, iteration: 0, stopAt: Infinity }), FAST_STEP);
  assert.equal(stepSize({ fast: true, speed: 5, frames: 1, iteration: 490, stopAt: 500 }), 10);
  assert.equal(stepSize({ fast: false, speed: 5, frames: 1, iteration: 500, stopAt: 500 }), 0);
});

test('stopAt: the target while below it, nowhere once at or past it', () => {
  assert.equal(stopAt(500, 0), 500);
  assert.equal(stopAt(500, 500), Infinity);
  assert.equal(stopAt(null, 0), Infinity);
});

const STATE = { iteration: 200, runs: 100, drawn: 100, escaped: { gd: 0, 'gld-const': 3, sgd: 41 }, diverged: { sgd: 2 } };
const NAMES = { gd: 'GD', 'gld-const': 'GLD const', sgd: 'SGD' };
const IND = {
  gd: { trSigma: 0, trHSigma: 0, trHSigmaIso: 0, ratio: 0, lambda1: 200, lambda2: 20, trH: 220, gdStableLr: 0.01 },
  'gld-const': { trSigma: 0.01, trHSigma: 1.1, trHSigmaIso: 1.1, ratio: 1, lambda1: 200, lambda2: 20, trH: 220, gdStableLr: 0.01 },
  sgd: { trSigma: 0.001, trHSigma: 0.2, trHSigmaIso: 0.11, ratio: 1.8, lambda1: 200, lambda2: 20, trH: 220, gdStableLr: 0.01 },
};

test('countText and drawnNote say what the legend and the markers stand for', () => {
  assert.equal(countText(STATE, 'gld-const'), '3/100 escaped');
  assert.equal(countText(STATE, 'sgd'), '41/100 escaped · 2 diverged');
  assert.equal(drawnNote(STATE), 'One marker per run.');
  assert.match(drawnNote({ ...STATE, runs: 20000, drawn: 5000 }), /first 5,000 of 20,000 runs/);
});

test('the captions come from the state: escapes, the Hessian, GD\'s stability limit', () => {
  const rows = indicatorRows(['gd', 'gld-const', 'sgd'], IND, NAMES);
  assert.deepEqual(rows.map((r) => r.name), ['GD', 'GLD const', 'SGD']);
  const text = stateCaption({ state: STATE, config: CONFIG, simulated: ['gd', 'gld-const', 'sgd'], names: NAMES, target: 500, rows });
  assert.equal(text, 'Iteration 200 of 500, seed 3, η = 0.005, noise trace 0.01: runs escaped to the flat basin out of 100: GD 0, GLD const 3, SGD 41 (2 diverged).');
  assert.match(stateCaption({ state: STATE, config: { ...CONFIG, lr: 0.02 }, simulated: ['gd'], names: NAMES, target: null, rows }), /beyond GD's stability limit/);
  assert.match(hessianCaption(rows, 0.005), /λ₁ = 200, λ₂ = 20, Tr H = 220; D = 2\. GD is stable there for η < 2\/λ₁ = 0\.01\.$/);
  assert.match(hessianCaption(rows, 0.02), /η = 0.02 is beyond it/);
  assert.equal(hessianCaption([], 0.005), 'At w = (1, 1)');
  assert.equal(indicatorRows(['gd'], null, NAMES).length, 0);
});

test('the live caption says when SGD\'s own noise is too small to compare', () => {
  const small = liveCaption({ indicators: IND, config: CONFIG, names: NAMES, target: 500 });
  assert.match(small, /Honest caveat: SGD’s own noise/);
  assert.match(small, /in 500 iterations/);
  const none = liveCaption({ indicators: { gd: IND.gd }, config: CONFIG, names: NAMES, target: 500 });
  assert.equal(none, 'Tick SGD in the settings to compare its own noise with these.');
});

test('protocolCaption and exportBase', () => {
  assert.match(protocolCaption({ config: CONFIG, iterations: 500 }), /η = 0.005, noise trace 0.01, 100 runs, batch 1 of 100 samples, data spread 0.01, 500 iterations\.$/);
  assert.equal(exportBase(CONFIG, 42), 'sgd-escape-toy-seed3-it42');
  assert.equal(exportBase(null, 0), 'sgd-escape-toy-seed0-it0');
});
