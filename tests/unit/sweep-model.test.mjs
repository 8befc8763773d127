// The sweep figure's model (www/figures/sweep/model.js): the split of the points over the
// workers, the run's state machine, links, and the caption rules (it states rho with its value
// and claims a rise or a fall only when the ends' 95% intervals are disjoint). With the wasm
// build, the split is checked against Rust's sweepPoint: any worker count gives the same points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SKIP, wasm } from './wasm.mjs';
import { SweepRun, splitPoints, sweepCaption, sweepHash, sweepState, workerCount, resolveRange, xKeyFor, SCHEMA, DEFAULTS, exportBase } from '../../www/figures/sweep/model.js';

test('splitPoints gives every point to exactly one worker, interleaved and balanced', () => {
  for (const [n, k] of [[10, 1], [10, 3], [10, 4], [7, 8], [1, 2], [1000, 8]]) {
    const shares = splitPoints(n, k);
    assert.equal(shares.length, Math.min(n, k), `${n} over ${k}`);
    const all = shares.flat().sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: n }, (_, i) => i), `${n} over ${k}: each point once`);
    const sizes = shares.map((s) => s.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${n} over ${k}: ${sizes}`);
    for (const s of shares) assert.deepEqual(s, [...s].sort((a, b) => a - b));
  }
  assert.deepEqual(splitPoints(5, 2), [[0, 2, 4], [1, 3]]);
  assert.deepEqual(splitPoints(0, 3), []);
  assert.deepEqual(splitPoints(3, 0), [[0, 1, 2]], 'no workers asked: one');
});

const point = (value, escaped, runs = 10, lo = 0, hi = 1) => ({ value, trHSigma: value, trHSigmaIso: 1, ratio: value, escaped, stayed: runs - escaped, diverged: 0, runs, low95: lo, high95: hi });

test('SweepRun hands out each worker its share, pauses, steps and finishes', () => {
  const run = new SweepRun([0, 30, 60, 90], 2);
  assert.equal(run.phase, 'idle');
  assert.equal(run.next(0), null, 'nothing before play');
  run.play();
  assert.equal(run.next(0), 0);
  assert.equal(run.next(1), 1);
  assert.equal(run.next(0), 2, 'a worker may queue its next point');
  run.pause();
  assert.equal(run.next(1), null, 'paused: nothing new');
  run.complete(0, point(0, 9));
  assert.equal(run.phase, 'paused', 'a point in flight still completes');
  assert.equal(run.done, 1);
  run.step();
  assert.equal(run.next(1), null, 'stepping waits for the points in flight');
  run.complete(1, point(30, 5));
  assert.equal(run.phase, 'paused', 'a step ends after one point');
  run.play();
  assert.equal(run.next(1), 3);
  run.complete(3, point(90, 0));
  run.complete(2, point(60, 2));
  assert.equal(run.phase, 'done');
  assert.deepEqual(run.finished().map((p) => p.value), [0, 30, 60, 90], 'in the order of the values');
  run.play();
  assert.equal(run.phase, 'done', 'done stays done');
});

test('SweepRun puts a failed point back and pauses', () => {
  const run = new SweepRun([1, 2], 1);
  run.play();
  assert.equal(run.next(0), 0);
  run.fail(0);
  assert.equal(run.phase, 'paused');
  run.play();
  assert.equal(run.next(0), 0, 'the failed point is handed out again');
});

test('the caption states rho with its value and claims a fall only beyond the intervals', () => {
  const falls = sweepCaption({ vary: 'angle', total: 3, spearman: 0.97, points: [point(0, 60, 100, 0.5, 0.69), point(45, 30, 100, 0.22, 0.4), point(90, 2, 100, 0.005, 0.07)] });
  assert.match(falls, /Spearman's ρ between Tr\(HΣ\) and the escape fraction: 0\.97 over 3 points/);
  assert.match(falls, /falls from one end to the other beyond their 95% intervals/);
  assert.doesNotMatch(falls, /overlap/);
  const overlap = sweepCaption({ vary: 'angle', total: 3, spearman: 0.5, points: [point(0, 3, 10, 0.1, 0.6), point(45, 2, 10, 0.05, 0.5), point(90, 1, 10, 0.02, 0.4)] });
  assert.match(overlap, /intervals of the two ends overlap/);
  assert.doesNotMatch(overlap, /falls|rises/, 'no trend claimed when the ends overlap');
  const rises = sweepCaption({ vary: 'spread', total: 2, spearman: 1, points: [point(0.02, 0, 100, 0, 0.04), point(0.12, 50, 100, 0.4, 0.6)] });
  assert.match(rises, /rises from one end/);
  const flat = sweepCaption({ vary: 'angle', total: 4, spearman: null, points: [point(0, 0, 10, 0, 0.28), point(90, 0, 10, 0, 0.28)] });
  assert.match(flat, /2 of 4 points so far/);
  assert.match(flat, /No rank correlation/);
  assert.doesNotMatch(flat, /ρ/);
  const pending = sweepCaption({ vary: 'angle', total: 4, spearman: undefined, points: [point(0, 3), point(90, 1)] });
  assert.match(pending, /being computed/);
  assert.doesNotMatch(pending, /No rank correlation/, 'a rho not yet computed is not a missing one');
  assert.equal(sweepCaption({ vary: 'angle', total: 4, spearman: null, points: [] }), '');
  assert.match(sweepCaption({ vary: 'angle', total: 4, spearman: null, points: [], running: true }), /first of 4/);
});

test('a sweep state goes to a hash and back through a parsed link', () => {
  const state = { ...DEFAULTS, vary: 'sharpness', points: 5, from: 50, to: 300, runs: 40, seed: 9, workers: 2, playing: true };
  const hash = sweepHash(state, { controls: ['vary', 'link'] });
  assert.ok(hash.startsWith('#figure=sweep&vary=sharpness&points=5&from=50&to=300&iterations=500&runs=40&'), hash);
  assert.ok(hash.endsWith('&workers=2&play=1&controls=vary,link'), hash);
  const link = { play: true, sweep: { ...state, playing: undefined } };
  const back = sweepState(link);
  assert.deepEqual(back, state);
  assert.equal(sweepHash({ ...state, from: null, to: null, workers: null }).includes('from='), false, 'unset ends are left out');
  assert.equal(exportBase(state), 'sgd-escape-sweep-sharpness-seed9');
  assert.ok(SCHEMA.controls.includes('link') && SCHEMA.controls.includes('export'));
  assert.deepEqual(SCHEMA.varies, ['angle', 'anisotropy', 'sharpness', 'spread']);
});

test('worker count, default ranges and the x axis', () => {
  assert.equal(workerCount(3, 8, 10), 3);
  assert.equal(workerCount(null, 4, 10), 4);
  assert.equal(workerCount(null, 16, 10), 8, 'at most the schema maximum');
  assert.equal(workerCount(null, 4, 2), 2, 'never more than the points');
  assert.equal(workerCount(99, 2, 10), 2, 'a bad count: one per core');
  const list = [{ id: 'angle', from: 0, to: 90 }, { id: 'spread', from: 0.02, to: 0.12 }];
  assert.deepEqual(resolveRange({ vary: 'spread', from: null, to: 0.2 }, list), { vary: 'spread', from: 0.02, to: 0.2 });
  assert.equal(xKeyFor('angle'), 'ratio');
  assert.equal(xKeyFor('spread'), 'trHSigma');
});

test('any split of the points over workers gives the same points, bit for bit', { skip: SKIP }, async () => {
  const w = await wasm();
  const config = { vary: 'angle', points: 5, runs: 12, iterations: 300, seed: 4 };
  const values = Array.from(w.sweepValues(config));
  const runAll = (k) => {
    const out = values.map(() => null);
    for (const share of splitPoints(values.length, k)) {
      // Each worker computes its own share alone, in its own order.
      for (const i of share.slice().reverse()) out[i] = w.sweepPoint(config, values[i]);
    }
    return out;
  };
  const one = runAll(1);
  for (const k of [2, 3, 5]) assert.deepEqual(runAll(k), one, `${k} workers`);
  for (const p of one) {
    assert.ok(Number.isFinite(p.ratio) && p.low95 <= p.escaped / p.runs && p.escaped / p.runs <= p.high95);
  }
});

test('a sweep state written by sweepHash parses back to the same state with Rust\'s parser', { skip: SKIP }, async () => {
  const { parsePermalink } = await wasm();
  const state = { ...DEFAULTS, vary: 'anisotropy', points: 6, from: 0.2, to: 0.9, runs: 30, noiseTrace: 0.02, seed: 11, sharpLambda1: 150, workers: 3, playing: false };
  const hash = sweepHash(state, { controls: ['vary', 'range'], lecture: true });
  const link = parsePermalink(hash);
  assert.deepEqual(link.notices, []);
  assert.deepEqual(link.warnings, []);
  assert.equal(link.figure, 'sweep');
  assert.deepEqual(sweepState(link), state);
  assert.equal(sweepHash(sweepState(link), { controls: link.controls, lecture: link.lecture }), hash);
  // Unset ends parse to the default range of what varies.
  const d = parsePermalink('#figure=sweep&vary=spread');
  assert.deepEqual([d.sweep.from, d.sweep.to], [0.02, 0.12]);
  // Past the angle's range: a notice naming `to`, and the default end.
  const bad = parsePermalink('#figure=sweep&vary=angle&to=400');
  assert.equal(bad.notices[0].key, 'to');
  assert.equal(bad.sweep.to, 90);
});
