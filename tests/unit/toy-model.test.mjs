// The 2-D figure's model (www/figures/toy/model.js): its link, its playback (how many
// iterations to ask for, where to stop, how many workers), its captions from the state, and
// its export files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as model from '../../www/figures/toy/model.js';

const config = { methods: ['gd', 'gld-eigvec', 'sgd'], runs: 100, lr: 0.005, noiseTrace: 0.01, batchSize: 1, samples: 100, dataSpread: 0.01, seed: 3 };
const names = { gd: 'GD', 'gld-const': 'GLD const', 'gld-eigvec': 'GLD 1st eigvec', 'gld-dynamic': 'GLD dynamic', sgd: 'SGD, "minibatch"' };
const state = {
  iteration: 20, runs: 100, curveStride: 10, drawn: 100,
  curves: { gd: Float32Array.from([0, 0, 0]), sgd: Float32Array.from([0, 0.25, 0.5]) },
  escaped: { gd: 0, 'gld-eigvec': 40, sgd: 50 },
  diverged: { sgd: 2 },
};
// The indicators Rust reports at (1, 1) for the paper's settings (rounded).
const indicators = {
  gd: { trSigma: 0, trHSigma: 0, ratio: 0, lambda1: 200, lambda2: 20, trH: 220, gdStableLr: 0.01 },
  'gld-const': { trSigma: 0.01, trHSigma: 1.1, ratio: 1, lambda1: 200, lambda2: 20, trH: 220, gdStableLr: 0.01 },
  'gld-eigvec': { trSigma: 0.01, trHSigma: 2, ratio: 1.82, lambda1: 200, lambda2: 20, trH: 220, gdStableLr: 0.01 },
  'gld-dynamic': { trSigma: 1.2e-4, trHSigma: 0.013, ratio: 1, lambda1: 200, lambda2: 20, trH: 220, gdStableLr: 0.01 },
  sgd: { trSigma: 1.2e-4, trHSigma: 0.024, ratio: 1.8, lambda1: 200, lambda2: 20, trH: 220, gdStableLr: 0.01 },
};

test('toyHash writes every setting in Rust\'s key order, then hide, controls, lecture', () => {
  const h = model.toyHash({ config, iterations: 40, speed: 5, playing: false, hidden: ['gd'], controls: ['lr', 'noiseTrace'], lecture: true });
  assert.equal(h, '#figure=toy&methods=gd,gld-eigvec,sgd&runs=100&lr=0.005&noiseTrace=0.01&batchSize=1&samples=100&dataSpread=0.01&seed=3&sharpLambda1=200&sharpLambda2=20&sharpAngle=0&flatCurvature=2&minimaDistance=2.8284271247461903&iterations=40&speed=5&play=0&hide=gd&controls=lr,noiseTrace&lecture=1');
  const plain = model.toyHash({ config, iterations: null, speed: 2, playing: true, hidden: [], controls: null, lecture: false });
  assert.match(plain, /&iterations=500&speed=2&play=1$/);
});

test('stepSize follows the speed and the frames elapsed, and never passes the stop', () => {
  assert.equal(model.stepSize({ fast: false, speed: 2, frames: 1, iteration: 0, stopAt: Infinity }), 2);
  assert.equal(model.stepSize({ fast: false, speed: 2, frames: 2, iteration: 0, stopAt: Infinity }), 4);
  assert.equal(model.stepSize({ fast: false, speed: 2, frames: 10, iteration: 0, stopAt: Infinity }), 6, 'at most three frames are caught up');
  assert.equal(model.stepSize({ fast: false, speed: 2, frames: 0, iteration: 0, stopAt: Infinity }), 2);
  assert.equal(model.stepSize({ fast: true, speed: 2, frames: 1, iteration: 0, stopAt: Infinity }), model.FAST_STEP);
  assert.equal(model.stepSize({ fast: true, speed: 2, frames: 1, iteration: 490, stopAt: 500 }), 10);
  assert.equal(model.stepSize({ fast: false, speed: 50, frames: 1, iteration: 500, stopAt: 500 }), 0);
});

test('stopAt: the target while below it, nowhere once at or past it', () => {
  assert.equal(model.stopAt(500, 0), 500);
  assert.equal(model.stopAt(500, 500), Infinity);
  assert.equal(model.stopAt(500, 900), Infinity);
  assert.equal(model.stopAt(null, 3), Infinity);
});

test('workerCount takes the link\'s workers in 1..=8, else one per core, at most 8', () => {
  assert.equal(model.workerCount('#workers=3', 2), 3);
  assert.equal(model.workerCount('#lr=0.1&workers=1', 16), 1);
  assert.equal(model.workerCount('#workers=9', 4), 4);
  assert.equal(model.workerCount('#workers=0', 4), 4);
  assert.equal(model.workerCount('', 32), model.MAX_WORKERS);
  assert.equal(model.workerCount('', 0), 2, 'an unknown core count counts as two');
});

test('countText and drawnNote say what the counts and markers are', () => {
  assert.equal(model.countText(state, 'sgd'), '50/100 escaped · 2 diverged');
  assert.equal(model.countText(state, 'gd'), '0/100 escaped');
  assert.equal(model.countText(state, 'gld-const'), '0/100 escaped');
  assert.equal(model.drawnNote(state), 'One marker per run.');
  assert.equal(model.drawnNote({ runs: 20000, drawn: 2000 }), 'Markers for the first 2,000 of 20,000 runs per method; counts and curves use all runs.');
});

test('indicatorRows lists the simulated methods that have an indicator, with their names', () => {
  const rows = model.indicatorRows(['gd', 'gld-eigvec', 'gld-hessian'], indicators, names);
  assert.deepEqual(rows.map((r) => [r.id, r.name, r.trHSigma]), [['gd', 'GD', 0], ['gld-eigvec', 'GLD 1st eigvec', 2]]);
  assert.deepEqual(model.indicatorRows(['gd'], null, names), []);
});

test('stateCaption counts escapes per method and flags an lr beyond 2/λ₁', () => {
  const rows = model.indicatorRows(config.methods, indicators, names);
  const text = model.stateCaption({ state, config, simulated: config.methods, names, target: 500, rows });
  assert.equal(text, 'Iteration 20 of 500, seed 3, η = 0.005, noise trace 0.01: runs escaped to the flat basin out of 100: GD 0, GLD 1st eigvec 40, SGD, "minibatch" 50 (2 diverged).');
  const hot = model.stateCaption({ state, config: { ...config, lr: 0.02 }, simulated: ['gd'], names, target: null, rows });
  assert.match(hot, /^Iteration 20, /);
  assert.match(hot, /beyond GD's stability limit 2\/λ₁ = 0\.01/);
});

test('hessianCaption states the Hessian and the stability limit from the core\'s analysis, and when lr is beyond it', () => {
  const rows = model.indicatorRows(['gd'], indicators, names);
  // The paper's landscape as the core analyses it (src/landscape/shape.rs).
  const analysis = { sharpMinimum: [1, 1], flatMinimum: [-1, -1], eigenvalues: [200, 20], gdStableLr: 0.01 };
  assert.equal(model.hessianCaption(rows, 0.005, analysis), 'At the sharp minimum w = (1, 1): Hessian eigenvalues λ₁ = 200, λ₂ = 20, Tr H = 220; D = 2. GD is stable there for η < 2/λ₁ = 0.01.');
  assert.match(model.hessianCaption(rows, 0.02, analysis), /η = 0\.02 is beyond it/);
  assert.equal(model.hessianCaption([], 0.005, analysis), 'At the sharp minimum');
  assert.equal(model.hessianCaption(rows, 0.005), 'At the sharp minimum', 'no analysis yet: no numbers');
});

test('liveCaption compares isotropic and aligned noise of the same trace, and is honest about SGD\'s size', () => {
  const text = model.liveCaption({ indicators, config, names, target: 500 });
  assert.match(text, /noise of trace 0\.01 scores Tr\(HΣ\) = 1\.1 as GLD const but 2 as GLD 1st eigvec/);
  assert.match(text, /Honest caveat: SGD’s own noise here .* has trace 1\.20×10⁻⁴, only 1\.2% of 0\.01/);
  assert.match(text, /too small to escape in 500 iterations, and so is GLD dynamic/);
  // The spread that would give SGD the GLD trace: 0.01 * sqrt(0.01 / 1.2e-4) = 0.091.
  assert.match(text, /a spread near 0\.091 gives it trace ≈ 0\.01/);
  const big = model.liveCaption({ indicators: { ...indicators, sgd: { ...indicators.sgd, trSigma: 0.02 } }, config, names, target: 500 });
  assert.match(big, /SGD’s own noise has trace 0\.02 here \(the GLD methods get 0\.01\) and scores ×1\.80/);
  const none = model.liveCaption({ indicators: { gd: indicators.gd }, config, names, target: 500 });
  assert.equal(none, 'Tick SGD in the settings to compare its own noise with these.');
});

test('protocolCaption spells out the defaults it is given', () => {
  assert.equal(model.protocolCaption({ config, iterations: 500 }),
    'Changing a setting starts a fresh simulation. The paper’s protocol: η = 0.005, noise trace 0.01, 100 runs, batch 1 of 100 samples, data spread 0.01, 500 iterations.');
});

test('the CSV has one row per kept iteration and one quoted column per method', () => {
  const csv = model.curvesCsv({ state, simulated: ['gd', 'sgd'], names });
  assert.equal(csv, 'iteration,"GD escaped fraction","SGD, ""minibatch"" escaped fraction"\n0,0,0\n10,0,0.25\n20,0,0.5\n');
  const short = { ...state, curves: { gd: Float32Array.from([0]), sgd: state.curves.sgd } };
  assert.equal(model.curvesCsv({ state: short, simulated: ['gd', 'sgd'], names }).split('\n')[2], '10,,0.25');
});

test('the JSON holds the link, config, iterations and each method', () => {
  const j = model.curvesJson({ state, simulated: ['gd', 'sgd'], names, indicators, config, hash: '#figure=toy&lr=0.005', target: 500 });
  assert.equal(j.figure, 'toy');
  assert.equal(j.link, '#figure=toy&lr=0.005');
  assert.equal(j.pauseAt, 500);
  assert.deepEqual(j.curveIterations, [0, 10, 20]);
  assert.deepEqual(j.methods.sgd, { name: 'SGD, "minibatch"', escaped: 50, diverged: 2, escapeCurve: [0, 0.25, 0.5], indicator: indicators.sgd });
  assert.equal(j.methods.gd.diverged, null);
  assert.deepEqual(JSON.parse(JSON.stringify(j)), j);
  assert.equal(model.exportBase(config, 20), 'sgd-escape-toy-seed3-it20');
  assert.equal(model.exportBase(null, 0), 'sgd-escape-toy-seed0-it0');
});

test('the settings name each link key once, with an input id and a range', () => {
  const keys = model.SETTINGS.map(([k]) => k);
  assert.equal(new Set(keys).size, keys.length);
  for (const [key, id, label, attrs] of model.SETTINGS) {
    assert.ok(id && label, key);
    assert.ok(Number(attrs.min) <= Number(attrs.value) && Number(attrs.value) <= Number(attrs.max), `${key}: ${attrs.value} in [${attrs.min}, ${attrs.max}]`);
  }
});

test('Playback: Step queues one request, Play steps each frame to the stop, one request in flight', async () => {
  const { Playback } = await import('../../www/figures/toy/model.js');
  const p = new Playback();
  assert.equal(p.tick(false, 0, 2), null, 'nothing before a simulation');
  p.queued += 1;
  assert.deepEqual(p.tick(true, 0, 2), { step: 1 });
  p.inFlight = 1;
  p.set(true, 10, 1);
  assert.equal(p.tick(true, 1, 4), null, 'nothing while a request is in flight');
  p.inFlight = 0;
  assert.deepEqual(p.tick(true, 1, 4), { step: 8 }, 'two frames since the last step: twice the speed');
  assert.deepEqual(p.tick(true, 9, 4), { step: 1 }, 'never past the stop');
  assert.equal(p.reached(10), true);
  assert.deepEqual(p.tick(true, 10, 4), { stop: true });
  p.set(true, 10, 10);
  assert.equal(p.stopAt, Infinity, 'Play at the target plays on freely');
  p.fast = true;
  p.set(false, 10, 10);
  assert.equal(p.fast, false, 'pausing ends a skip');
  assert.equal(p.tick(true, 10, 4), null);
});

test('the timeline spans 0 to the pause-at iteration and asks the workers to seek, never clamping', () => {
  assert.deepEqual(model.timeline({ iteration: 120, target: 500 }), { min: 0, max: 500, value: 120 });
  assert.deepEqual(model.timeline({ iteration: 0, target: null }), { min: 0, max: model.SCHEMA.iterations.default, value: 0 });
  // Past the pause-at iteration (Step after it was reached): the range grows to show it.
  assert.deepEqual(model.timeline({ iteration: 501, target: 500 }), { min: 0, max: 501, value: 501 });
  assert.deepEqual(model.seekRequest('250', 500), { seek: 250 });
  assert.deepEqual(model.seekRequest(0, 500), { seek: 0 });
  assert.deepEqual(model.seekRequest(500, 500), { seek: 500 });
  for (const bad of [501, -1, 2.5, 'abc', '', null, NaN]) {
    const r = model.seekRequest(bad, 500);
    assert.ok('error' in r && r.error.startsWith('`iteration` must be an integer in 0..=500'), `${bad}: ${JSON.stringify(r)}`);
  }
});

test('toyHash writes the timeline\'s iteration after iterations, only when it was moved', () => {
  const s = { config, iterations: 40, speed: 5, playing: false, hidden: [], controls: null, lecture: false };
  assert.match(model.toyHash({ ...s, iteration: 12 }), /&iterations=40&iteration=12&speed=5&/);
  assert.match(model.toyHash({ ...s, iteration: 0 }), /&iterations=40&iteration=0&speed=5&/);
  assert.doesNotMatch(model.toyHash({ ...s, iteration: null }), /iteration=/);
  assert.doesNotMatch(model.toyHash(s), /iteration=/);
});

test('extraSettings keeps the link\'s settings the figure has no field for (the shape has fields now)', () => {
  const c = { methods: ['gd'], runs: 10, lr: 0.005, noiseTrace: 0.01, batchSize: 1, samples: 100, dataSpread: 0.01, seed: 0, sharpLambda1: 150, sharpLambda2: 10, sharpAngle: 30, flatCurvature: 3, minimaDistance: 2 };
  assert.deepEqual(model.extraSettings(c), {});
  assert.deepEqual(model.extraSettings({ methods: ['gd'], runs: 10 }), {});
});
