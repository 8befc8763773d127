// Ticks and label placement of the chart module (www/lib/chart.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { casing, linearTicks, linearYTicks, logLabel, logTicks, logYTicks, spreadLabels } from '../../www/lib/chart.js';

test('linearTicks widens the range to nice steps that cover it', () => {
  const t = linearTicks(0.13, 0.87, 5);
  assert.equal(t.step, 0.2);
  assert.ok(t.lo <= 0.13 && t.hi >= 0.87);
  assert.deepEqual(t.ticks, [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1].map((v) => Math.round(v / 0.2) * 0.2));
});

test('linearTicks steps are 1, 2, 2.5 or 5 times a power of ten', () => {
  for (const [lo, hi] of [[0, 1], [-3, 17], [0, 15000], [1e-5, 3e-5], [-0.02, 0.7]]) {
    const { step, ticks } = linearTicks(lo, hi);
    const m = step / 10 ** Math.floor(Math.log10(step) + 1e-12);
    assert.ok([1, 2, 2.5, 5].some((x) => Math.abs(m - x) < 1e-9), `step ${step} for [${lo}, ${hi}]`);
    assert.ok(ticks.length >= 2 && ticks.length <= 12, `${ticks.length} ticks for [${lo}, ${hi}]`);
  }
});

test('linearTicks gives an empty range room instead of dividing by zero', () => {
  const t = linearTicks(3, 3);
  assert.ok(t.lo < 3 && t.hi > 3 && t.ticks.every(Number.isFinite));
  const z = linearTicks(0, 0);
  assert.ok(z.lo < 0 && z.hi > 0);
});

test('logTicks within a decade labels 1-2-5 and widens to that grid', () => {
  const t = logTicks(0.13, 0.42);
  assert.equal(t.lo, 0.1);
  assert.equal(t.hi, 0.5);
  assert.deepEqual(t.major.map((v) => Number(v.toPrecision(3))), [0.1, 0.2, 0.5]);
  assert.deepEqual(t.minor.map((v) => Number(v.toPrecision(3))), [0.3, 0.4]);
});

test('logTicks over two decades labels 1 and 5 only (2 becomes a minor tick)', () => {
  const t = logTicks(0.03, 0.4);
  assert.equal(t.lo, 0.02);
  assert.equal(t.hi, 0.5);
  assert.deepEqual(t.major.map((v) => Number(v.toPrecision(3))), [0.05, 0.1, 0.5]);
  assert.ok(t.minor.some((v) => Math.abs(v - 0.02) < 1e-12) && t.minor.some((v) => Math.abs(v - 0.2) < 1e-12));
});

test('logTicks over many decades labels at most maxLabels decades', () => {
  const t = logTicks(1e-7, 1e3, 6);
  assert.ok(t.major.length <= 6, `${t.major.length} labels`);
  for (const v of t.major) assert.ok(Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  assert.ok(t.lo <= 1e-7 && t.hi >= 1e3);
});

test('logTicks falls back to [1, 10] for a non-positive range', () => {
  const t = logTicks(0, -1);
  assert.equal(t.lo, 1);
  assert.equal(t.hi, 10);
});

test('logLabel writes powers of ten, short decimals and small values', () => {
  assert.equal(logLabel(1000), '1000');
  assert.equal(logLabel(1e-5), '10⁻⁵');
  assert.equal(logLabel(0.2), '0.2');
  assert.equal(logLabel(5e-4), '5.0×10⁻⁴');
});

test('linearYTicks and logYTicks mark labelled ticks as major', () => {
  const lin = linearYTicks(0, 1, (v) => v.toFixed(1));
  assert.ok(lin.ticks.every((t) => t.major && t.label === t.v.toFixed(1)));
  const log = logYTicks(1e-3, 10);
  assert.ok(log.ticks.filter((t) => t.major).every((t) => t.label !== ''));
  assert.ok(log.ticks.filter((t) => !t.major).every((t) => t.label === ''));
});

test('spreadLabels separates overlapping labels and keeps them inside the range', () => {
  const ys = [50, 51, 52, 53];
  const out = spreadLabels(ys, [10, 10, 10, 10], 0, 200, 2);
  for (let i = 1; i < out.length; i++) assert.ok(out[i] - out[i - 1] >= 12 - 1e-6, `${out}`);
  // Centred on the original cluster (the moves are symmetric).
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(Math.abs(mean(out) - mean(ys)) < 1e-9);
  const edge = spreadLabels([1, 2], [10, 10], 0, 100);
  assert.ok(edge[0] >= 5 && edge[1] >= 5);
});

test('spreadLabels leaves labels that already fit alone', () => {
  assert.deepEqual(spreadLabels([10, 40, 90], [10, 10, 10], 0, 100), [10, 40, 90]);
});

test('casing outlines light colours only', () => {
  assert.equal(casing('#F0E442'), 'rgba(60,55,20,0.55)');
  assert.equal(casing('#000000'), null);
  assert.equal(casing('#0072B2'), null);
});

test('paddedExtent widens the finite values\' range and gives room around a single value', async () => {
  const { paddedExtent } = await import('../../www/lib/chart.js');
  assert.deepEqual(paddedExtent([1, 3, NaN, Infinity], 0.5), [0, 4]);
  const [lo, hi] = paddedExtent([2]);
  assert.ok(lo < 2 && hi > 2);
  const [a, b] = paddedExtent([0, 0]);
  assert.ok(a < 0 && b > 0, 'a zero-width range at 0 still gets room');
  assert.deepEqual(paddedExtent([], 0.1, [0, 2]), [0, 2]);
});
