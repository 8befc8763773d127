// The FashionMNIST figure's sentences (www/figures/fashion/captions.js): nothing ranks two values
// within 2 standard errors, a negative sharpness never shows without its error, the spectrum
// caption follows the spectrum shown, and the progress line and notes follow the state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyStdErr, separated, leader, sharpnessText, latestComparison, liveCaption, spectrumCaption, progressLine, stage1Note, estimateText, duration, methodStatus, SE_RULE, LARGE_FACTOR } from '../../www/figures/fashion/captions.js';

const NAMES = { gd: 'GD', sgd: 'SGD', 'gld-const': 'GLD const', 'gld-eigvec': 'GLD 1st eigvec' };
const rec = (iteration, testAccuracy, sharpness, sharpnessStdErr, extra = {}) => ({ iteration, trainLoss: 0.01, corruptedAccuracy: 1, testAccuracy, sharpness, sharpnessStdErr, ...extra });

test('separated: more than 2 standard errors of the difference apart, never with an unknown error', () => {
  assert.equal(SE_RULE, 2);
  // Difference 0.3, combined error sqrt(0.1² + 0.1²) = 0.1414: 2 SE = 0.283 < 0.3.
  assert.equal(separated(1, 0.1, 1.3, 0.1), true);
  // Difference 0.25 < 0.283: within 2 SE.
  assert.equal(separated(1, 0.1, 1.25, 0.1), false);
  assert.equal(separated(1, NaN, 5, 0.1), false);
  assert.equal(separated(1, undefined, 5, 0.1), false);
  assert.ok(Math.abs(accuracyStdErr(0.5, 2000) - Math.sqrt(0.25 / 2000)) < 1e-15);
  assert.ok(Number.isNaN(accuracyStdErr(0.5, undefined)));
});

test('leader names the top value and the others within 2 SE of it', () => {
  const items = [{ id: 'a', v: 0.80, se: 0.01 }, { id: 'b', v: 0.79, se: 0.01 }, { id: 'c', v: 0.70, se: 0.01 }];
  assert.deepEqual(leader(items, 'max'), { id: 'a', v: 0.80, se: 0.01, ties: ['b'] });
  assert.deepEqual(leader(items, 'min').id, 'c');
  assert.deepEqual(leader(items, 'min').ties, []);
});

test('sharpnessText: value ± its error; a negative value without an error is not shown', () => {
  assert.equal(sharpnessText(0.123, 0.02), '0.12 ± 0.02');
  assert.equal(sharpnessText(-0.05, 0.03), '−0.05 ± 0.03');
  assert.equal(sharpnessText(-0.05, undefined), '—');
  assert.equal(sharpnessText(0.5, undefined), '0.5');
  assert.equal(sharpnessText(NaN, 0.1), '—');
});

test('latest records: a method is best and flattest only outside 2 SE of every other', () => {
  const ids = ['gd', 'sgd', 'gld-const'];
  // Test accuracy 0.80 vs 0.70 on 2,000 images: SE about 0.01, far apart. Sharpness 0.10 ± 0.01 vs 0.50 ± 0.01.
  const apart = { gd: [rec(100, 0.72, 0.4, 0.01)], sgd: [rec(100, 0.80, 0.10, 0.01)], 'gld-const': [rec(100, 0.70, 0.50, 0.01)] };
  const text = latestComparison({ ids, records: apart, names: NAMES, testSize: 2000 });
  assert.match(text, /the best test accuracy on 2,000 held-out images is SGD’s, 80\.0% at iteration 100, more than 2 standard errors above every other \(GD: 72\.0% at 100\)/);
  assert.match(text, /the flattest point is SGD’s, expected sharpness 0\.1 ± 0\.01, more than 2 standard errors below every other \(GD: 0\.4 ± 0\.01\)/);
  // Within 2 SE: 0.800 vs 0.795 on 2,000 images (2 SE of the difference ≈ 0.025); sharpness 0.10 ± 0.05 vs 0.15 ± 0.05.
  const close = { gd: [rec(100, 0.72, 0.4, 0.01)], sgd: [rec(100, 0.800, 0.10, 0.05)], 'gld-const': [rec(100, 0.795, 0.15, 0.05)] };
  const tied = latestComparison({ ids, records: close, names: NAMES, testSize: 2000 });
  assert.doesNotMatch(tied, /best test accuracy|flattest point is/);
  assert.match(tied, /the highest test accuracy on 2,000 held-out images, SGD’s 80\.0% at iteration 100, is within 2 standard errors of GLD const’s, so none is best/);
  assert.match(tied, /the lowest expected sharpness, SGD’s 0\.1 ± 0\.05, is within 2 standard errors of GLD const’s, so none is the flattest/);
  // Without the number of test images the accuracies have no error: no ranking.
  assert.match(latestComparison({ ids, records: apart, names: NAMES }), /so none is best/);
});

test('the live caption shows the minimum\'s sharpness with its error and ranks nothing within 2 SE', () => {
  const start = { trainAccuracy: 1, corruptedAccuracy: 1, testAccuracy: 0.71, sharpness: -0.02, sharpnessStdErr: 0.03, topEigenvalues: [45], trHSigma: 20, trHSigmaIso: 2 };
  const records = { sgd: [rec(0, 0.71, 0.1, 0.05), rec(100, 0.74, 0.1, 0.05)], 'gld-const': [rec(0, 0.71, 0.1, 0.05), rec(100, 0.745, 0.12, 0.05)] };
  const text = liveCaption({ start, ids: ['sgd', 'gld-const'], records, names: NAMES, parameters: 11330, statusOf: (id) => methodStatus(records[id], undefined), network: 'cnn', testSize: 2000 });
  assert.match(text, /expected sharpness −0\.02 ± 0\.03,/);
  assert.match(text, /so none is best/);
  assert.match(text, /so none is the flattest/);
});

test('the spectrum caption follows the eigenvalues shown', () => {
  const start = { topEigenvalues: [50, 1, 1], trH: 100 };
  const D = 10000; // mean eigenvalue Tr H / D = 0.01; large: above LARGE_FACTOR × 0.01 = 0.1
  assert.equal(LARGE_FACTOR, 10);
  const few = spectrumCaption({ rec: { topEigenvalues: [40, 20, 0.05, 0.04, 0.03, 0.02], trH: 100 }, start, parameters: D });
  assert.match(few, /^λ₁ = 40 \(50 at the minimum\); Tr H ≈ 100 \(100\)\./);
  assert.match(few, /2 of the 6 largest eigenvalues are above 10× the mean eigenvalue Tr H \/ D = 0\.01 \(λ₁ is 4000× it\): a few large eigenvalues over a bulk near zero\./);
  assert.match(few, /The 6 shown carry 60\.1% of Tr H\./);
  const all = spectrumCaption({ rec: { topEigenvalues: [40, 20, 10], trH: 100 }, start, parameters: D });
  assert.match(all, /All 3 eigenvalues shown are above 10×.*does not reach the bulk/);
  assert.doesNotMatch(all, /a few large eigenvalues/);
  const none = spectrumCaption({ rec: { topEigenvalues: [0.05, 0.04], trH: 100 }, start, parameters: D });
  assert.match(none, /None of the 2 largest eigenvalues is above 10×.*λ₁ is 5× it, no outliers/);
  const most = spectrumCaption({ rec: { topEigenvalues: [40, 20, 10, 0.05], trH: 100 }, start, parameters: D });
  assert.match(most, /3 of the 4 largest eigenvalues are above 10×.*the rest fall towards it\./);
  assert.match(spectrumCaption({ rec: { topEigenvalues: [1], trH: -3 }, start, parameters: D }), /not positive/);
  assert.match(spectrumCaption({ rec: null, start, parameters: D }), /^The largest eigenvalues of the Hessian/);
});

test('progressLine: stage 1, stage 2 with its ETA, and the waiting phases', () => {
  const base = { stage1: null, trainSize: 1200, live: ['gd', 'sgd'], iterations: { gd: 50, sgd: 50 }, target: 100, iteration: 50, etaMs: 65000, measured: true };
  const s2 = progressLine({ ...base, phase: 'running' });
  assert.equal(s2.label, 'Stage 2');
  assert.equal(s2.fraction, 0.5);
  assert.equal(s2.text, '100 of 200 method-iterations · about 1 min 05 s left');
  assert.equal(s2.eta, 'ETA 1 min 05 s (measured speed)');
  assert.equal(progressLine({ ...base, phase: 'ready', iteration: 100, iterations: { gd: 100, sgd: 100 } }).eta, '');
  const s1 = progressLine({ ...base, phase: 'stage1', stage1: { iteration: 300, trainAccuracy: 0.9, itPerSec: 40 } });
  assert.equal(s1.text, 'iteration 300 · 90.0% of the 1,200 labels fitted · 40 it/s');
  assert.equal(progressLine({ ...base, phase: 'loading' }).fraction, null);
  assert.equal(duration(NaN), '—');
  assert.equal(duration(3_720_000), '1 h 02 min');
});

test('stage1Note and estimateText say what will run', () => {
  assert.match(stage1Note({ network: 'cnn', seed: 0, forced: false, cached: false }), /^Off: stage 2 starts from the CNN minimum saved for seed 0/);
  assert.match(stage1Note({ network: 'mlp', seed: 3, forced: true, cached: false }), /with seed 3, stage 1 runs first/);
  assert.match(stage1Note({ network: 'mlp', seed: 3, forced: true, cached: true }), /already ran on this page/);
  assert.equal(estimateText({ target: 1000, ms: 30000, workers: 2, measured: false, stage1: true, recordMs: 1500 }),
    'From the minimum to iteration 1,000: roughly 30 s on this machine with 2 workers (a first guess until it runs), after stage 1. Records cost about 2 s each.');
});
