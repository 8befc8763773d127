// The 2-D figure's live state (www/figures/toy/state.js): the methods shown, the link of what is
// on screen, what the workers' `ready` and `invalid` replies mean, a link's play under reduced
// motion, the prediction's span, and the getState() readout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as st from '../../www/figures/toy/state.js';
import { toyHash, SCHEMA } from '../../www/figures/toy/model.js';

const config = { methods: ['gd', 'sgd'], runs: 100, lr: 0.005, noiseTrace: 0.01, batchSize: 1, samples: 100, dataSpread: 0.01, seed: 3 };
const names = { gd: 'GD', sgd: 'SGD' };
const indicators = {
  gd: { trSigma: 0, trHSigma: 0, ratio: 0, lambda1: 200, lambda2: 20, trH: 220, gdStableLr: 0.01 },
  sgd: { trSigma: 1.2e-4, trHSigma: 0.024, ratio: 1.8, lambda1: 200, lambda2: 20, trH: 220, gdStableLr: 0.01 },
};

/** An app that simulated gd and sgd, sgd hidden. */
function simulatedApp() {
  const app = st.createApp();
  Object.assign(app, { config, simulated: ['gd', 'sgd'], names, indicators, hidden: new Set(['sgd', 'gld-const']) });
  return app;
}

test('a new app has nothing simulated, its first request is 1, and everything is to draw', () => {
  const app = st.createApp();
  assert.equal(app.config, null);
  assert.equal(app.state, null);
  assert.equal(app.nextReq, 1);
  assert.deepEqual(app.dirty, { landscape: true, escape: true, indicator: true, prediction: true });
  assert.notEqual(st.createApp().hidden, app.hidden, 'each mount has its own state');
});

test('visibleIds keeps the simulated methods the legend does not hide, in order', () => {
  const app = simulatedApp();
  assert.deepEqual(st.visibleIds(app), ['gd']);
  app.hidden.clear();
  assert.deepEqual(st.visibleIds(app), ['gd', 'sgd']);
});

test('rows and predictionArgs follow the simulated methods', () => {
  const app = simulatedApp();
  assert.deepEqual(st.rows(app).map((r) => r.id), ['gd', 'sgd']);
  app.predictions = { gd: [1, 2] };
  app.predictionSteps = 1;
  assert.deepEqual(st.predictionArgs(app), { ids: ['gd'], names, predictions: { gd: [1, 2] }, state: null, steps: 1 });
});

test('screenHash is empty before the first simulation, then the link of what is on screen', () => {
  const app = simulatedApp();
  assert.equal(st.screenHash({ ...app, config: null }, { target: 40, speed: 5, playing: false }), '');
  // Only simulated methods are written as hidden; the timeline's iteration once it was moved.
  assert.equal(st.screenHash(app, { target: 40, speed: 5, playing: true }),
    toyHash({ config, iterations: 40, iteration: null, speed: 5, playing: true, hidden: ['sgd'], controls: null, lecture: false }));
  app.scrubbed = 12;
  app.lecture = true;
  app.controls = ['lr'];
  const h = st.screenHash(app, { target: 40, speed: 5, playing: false });
  assert.match(h, /&iterations=40&iteration=12&speed=5&play=0&hide=sgd&controls=lr&lecture=1$/);
});

test('presetLink keeps the embed\'s controls and lecture mode, and escapes the id', () => {
  assert.equal(st.presetLink('paper', null, false), 'preset=paper');
  assert.equal(st.presetLink('a b', ['lr', 'seed'], true), 'preset=a%20b&controls=lr,seed&lecture=1');
});

test('linkNotices names each notice\'s key', () => {
  assert.deepEqual(st.linkNotices({ notices: [{ key: 'lr', message: 'too large' }] }), ['lr: too large']);
  assert.deepEqual(st.linkNotices({ notices: [] }), []);
});

test('linkMotion: a link plays once configured, unless the system asks for reduced motion', () => {
  assert.deepEqual(st.linkMotion(true, false), { playAfterConfigure: true, motionHeld: false });
  assert.deepEqual(st.linkMotion(true, true), { playAfterConfigure: false, motionHeld: true });
  assert.deepEqual(st.linkMotion(false, true), { playAfterConfigure: false, motionHeld: false });
});

test('readyInfo names the engine and notices a build that is not the one asked for', () => {
  const methods = [{ id: 'gd', name: 'GD' }, { id: 'sgd', name: 'SGD' }];
  const simd = st.readyInfo({ methods, build: { simd: true }, workers: 2, dir: 'pkg' });
  assert.deepEqual(simd, { names, simd: true, engine: 'wasm SIMD128', engineText: 'wasm SIMD128 × 2 workers', buildMismatch: false });
  const scalar = st.readyInfo({ methods, workers: 1, dir: 'pkg-scalar' });
  assert.equal(scalar.engineText, 'wasm scalar');
  assert.equal(scalar.buildMismatch, false);
  assert.equal(st.readyInfo({ methods, build: { simd: false }, workers: 1, dir: 'pkg' }).buildMismatch, true);
});

test('invalidErrors: the setting named in backquotes, else the reply\'s field; fieldErrors win', () => {
  assert.deepEqual(st.invalidErrors({ message: '`lr` must be positive', field: 'config' }), { field: 'lr', perField: { lr: '`lr` must be positive' } });
  assert.deepEqual(st.invalidErrors({ message: 'must be positive', field: 'runs' }), { field: 'runs', perField: { runs: 'must be positive' } });
  const both = st.invalidErrors({ message: '`runs` and `seed` are bad', field: 'config', fieldErrors: { runs: 'too many', seed: 'not an integer' } });
  assert.deepEqual(both, { field: 'runs', perField: { runs: 'too many', seed: 'not an integer' } });
});

test('predictionSpan runs to the pause-at iteration (the default when unreadable), at most max', () => {
  assert.equal(st.predictionSpan(40, 5000), 40);
  assert.equal(st.predictionSpan(9000, 5000), 5000);
  assert.equal(st.predictionSpan(null, 1e9), SCHEMA.iterations.default);
});

test('figureState before anything ran: not ready, empty numbers, no memory', () => {
  const s = st.figureState({ app: st.createApp(), info: st.createInfo(), playing: false, inFlight: 0, target: 500, speed: 2, captions: { figure: '', shape: '', prediction: '' }, configures: { sent: 0, dropped: 0 } });
  assert.equal(s.figure, 'toy');
  assert.equal(s.ready, false);
  assert.equal(s.iteration, 0);
  assert.deepEqual(s.escaped, {});
  assert.equal(s.captions.live, '');
  assert.equal(s.stats.memoryBytes, 0);
  assert.deepEqual(JSON.parse(JSON.stringify(s)).hidden, []);
});

test('figureState reports the live state, copies the counts and errors, and shares the arrays', () => {
  const app = simulatedApp();
  const curves = { gd: Float32Array.from([0, 0.5]) };
  app.state = { iteration: 20, runs: 100, escaped: { gd: 3 }, diverged: {}, positions: { gd: [1, 2] }, curves, curveStride: 10, meanLoss: { gd: [0] }, lossSd: { gd: [0] } };
  app.client = /** @type {any} */ ({ memoryBytes: () => 1234 });
  const info = st.createInfo();
  info.errors.push('Worker: gone');
  const s = st.figureState({ app, info, playing: true, inFlight: 1, target: 40, speed: 5, captions: { figure: 'F', shape: 'S', prediction: 'P' }, configures: { sent: 3, dropped: 2 } });
  assert.equal(s.ready, true);
  assert.equal(s.playing, true);
  assert.equal(s.iteration, 20);
  assert.deepEqual(s.hidden.sort(), ['gld-const', 'sgd']);
  assert.equal(s.curves, curves, 'the live arrays, not copies');
  assert.notEqual(s.escaped, app.state.escaped);
  assert.notEqual(s.errors, info.errors);
  assert.deepEqual(s.errors, ['Worker: gone']);
  assert.equal(s.captions.figure, 'F');
  assert.ok(s.captions.live.length > 0, 'the live caption once configured');
  assert.deepEqual([s.stats.configuresSent, s.stats.configuresReplaced, s.stats.inFlight, s.stats.memoryBytes], [3, 2, 1, 1234]);
});
