// The landscape's shape on the page (www/figures/toy/shape.js) and the prediction panel's pure
// parts (www/figures/toy/prediction.js): settings from the schema, words from the core's analysis,
// series and captions from the state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SHAPE_SETTINGS, SHAPE_KEYS, shapeOf, shapeCaption, minimaMarks, escapeLabel, landscapeAriaLabel } from '../../www/figures/toy/shape.js';
import { predictionSeries, predictionCaption, latestPoint, predictionGrid } from '../../www/figures/toy/prediction.js';
import { extraSettings, hessianCaption, liveCaption } from '../../www/figures/toy/model.js';

const schema = JSON.parse(readFileSync(new URL('../../www/lib/schema.json', import.meta.url), 'utf8'));
const toy = schema.figures.find((f) => f.id === 'toy');

// An analysis as the core reports it (src/landscape/shape.rs) for a reshaped landscape.
const analysis = {
  shape: { sharpLambda1: 300, sharpLambda2: 12, sharpAngle: 30, flatCurvature: 2, minimaDistance: 2 },
  sharpMinimum: [0.7071067811865476, 0.7071067811865476],
  flatMinimum: [-0.7071067811865476, -0.7071067811865476],
  sharpHessian: { xx: 1, xy: 2, yy: 3 },
  eigenvalues: [300, 12],
  eigenvectors: [[0.26, 0.97], [-0.97, 0.26]],
  gdStableLr: 2 / 300,
  barrier: { height: 1.234, point: [0.5, 0.5], distanceFromSharp: 0.3, curvatureAlongLine: 228 },
  escapeThreshold: -0.35355339059327373,
};

test('the shape fields are the schema\'s shape settings (not retyped), in its order', () => {
  assert.deepEqual(SHAPE_KEYS, ['sharpLambda1', 'sharpLambda2', 'sharpAngle', 'flatCurvature', 'minimaDistance']);
  for (const [key, id, label, attrs] of SHAPE_SETTINGS) {
    const s = toy.settings.find((x) => x.key === key);
    assert.equal(label, s.label);
    assert.equal(attrs.min, s.min);
    assert.equal(attrs.max, s.max);
    assert.equal(attrs.value, String(s.default));
    assert.match(id, /^[a-z0-9-]+$/);
  }
  assert.deepEqual(shapeOf({ sharpAngle: '15' }), { sharpLambda1: 200, sharpLambda2: 20, sharpAngle: 15, flatCurvature: 2, minimaDistance: toy.settings.find((x) => x.key === 'minimaDistance').default });
  assert.deepEqual(extraSettings({ lr: 0.1, sharpAngle: 3 }), {}, 'the shape has fields now: nothing extra to carry');
});

test('labels and captions of a reshaped landscape come from the analysis', () => {
  const marks = minimaMarks(analysis);
  assert.deepEqual(marks.map((m) => [m.label, m.sub]), [['sharp', '(0.707, 0.707)'], ['flat', '(−0.707, −0.707)']]);
  assert.equal(escapeLabel(analysis, false), 'escaped: w₁ < −0.354 and w₂ < −0.354');
  assert.match(landscapeAriaLabel(analysis), /sharp minimum at \(0\.707, 0\.707\) \(Hessian eigenvalues 300 and 12\)/);
  const text = shapeCaption(analysis, 0.005);
  assert.match(text, /λ₁ = 300, λ₂ = 12, sharp axis at 30°/);
  assert.match(text, /η < 2\/λ₁ = 6\.67×10⁻³\./);
  assert.match(text, /Barrier along that line: 1\.23 at \(0\.5, 0\.5\)/);
  assert.match(shapeCaption(analysis, 0.01), /η = 0\.01 is beyond it/);
  const rows = [{ id: 'gd', trH: 312 }];
  assert.match(hessianCaption(rows, 0.005, analysis), /^At the sharp minimum w = \(0\.707, 0\.707\): Hessian eigenvalues λ₁ = 300, λ₂ = 12, Tr H = 312/);
  assert.equal(hessianCaption(rows, 0.005, null), 'At the sharp minimum');
  const ind = { 'gld-const': { trSigma: 0.01, trHSigma: 1 }, 'gld-eigvec': { trSigma: 0.01, trHSigma: 3 } };
  assert.match(liveCaption({ indicators: ind, config: { noiseTrace: 0.01, dataSpread: 0.01, batchSize: 1 }, names: { 'gld-const': 'GLD const', 'gld-eigvec': 'GLD 1st eigvec' }, target: 500, at: analysis.sharpMinimum }), /^Live, at \(0\.707, 0\.707\):/);
});

test('prediction series: every predicted step, the measured mean and ±1 sd band at the kept iterations, cut at the steps shown', () => {
  const predicted = Float64Array.from({ length: 11 }, (_, k) => 0.1 + 0.01 * k);
  const meanLoss = Float32Array.from([0.1, 0.12, 0.15, 0.2, 0.3]);
  const lossSd = Float32Array.from([0, 0.05, 0.2, 0.1, 0.1]);
  const s = predictionSeries({ predicted, meanLoss, lossSd, stride: 2, iteration: 7, steps: 10 });
  assert.equal(s.predicted.length, 11);
  assert.deepEqual(s.mean.map((q) => q.x), [0, 2, 4, 6], 'kept iterations up to the state\'s');
  assert.ok(Math.abs(s.high[2].y - 0.35) < 1e-6);
  assert.equal(s.low[2].y, 0, 'a loss is never negative: the band stops at 0');
  assert.equal(s.ylo, 0);
  assert.ok(Math.abs(s.yhi - 0.35) < 1e-6);
  const cut = predictionSeries({ predicted, meanLoss, lossSd, stride: 2, iteration: 100, steps: 4 });
  assert.equal(cut.predicted.length, 5);
  assert.deepEqual(cut.mean.map((q) => q.x), [0, 2, 4]);
  const pt = latestPoint(cut, predicted);
  assert.equal(pt.iteration, 4);
  assert.ok(Math.abs(pt.predicted - 0.14) < 1e-12 && Math.abs(pt.measured - 0.15) < 1e-6 && Math.abs(pt.sd - 0.2) < 1e-6);
  const empty = predictionSeries({ predicted: null, meanLoss: null, lossSd: null, stride: 1, iteration: 0, steps: 5 });
  assert.deepEqual([empty.ylo, empty.yhi, empty.mean.length], [0, 1, 0]);
  const nan = predictionSeries({ predicted: [NaN, 1, Infinity], meanLoss: [NaN], lossSd: [NaN], stride: 1, iteration: 0, steps: 5 });
  assert.deepEqual([nan.ylo, nan.yhi], [1, 1], 'only finite values set the range');
});

test('the prediction caption states the prediction against the measurement, from the state', () => {
  const state = { runs: 100, iteration: 4, curveStride: 2, meanLoss: { sgd: Float32Array.from([0.1, 0.2, 0.25]) }, lossSd: { sgd: Float32Array.from([0, 0.01, 0.02]) } };
  const predictions = { sgd: [0.1, 0.15, 0.2, 0.22, 0.24, 0.25] };
  const text = predictionCaption({ ids: ['sgd'], names: { sgd: 'SGD' }, predictions, state, steps: 5 });
  assert.match(text, /first 5 iterations/);
  assert.match(text, /over 100 runs/);
  assert.match(text, /At iteration 4: SGD predicted 0\.24, measured 0\.25 ± 0\.02\.$/);
  assert.match(predictionCaption({ ids: ['sgd'], names: {}, predictions, state: { ...state, iteration: 0 }, steps: 5 }), /Press Play/);
  assert.deepEqual(predictionGrid(1000, 8), { cols: 4, rows: 2, cell: 150 });
  assert.deepEqual(predictionGrid(300, 8), { cols: 1, rows: 8, cell: 150 });
});
