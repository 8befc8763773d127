// Number formatting for labels, tables and captions (www/lib/format.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmt, num, pow10Label, superscript } from '../../www/lib/format.js';
import { niceTicks } from '../../www/lib/chart.js';

test('superscript maps digits and the minus sign', () => {
  assert.equal(superscript(-12), '⁻¹²');
  assert.equal(superscript('305'), '³⁰⁵');
});

test('fmt keeps three significant digits in [0.01, 1e4) and trims trailing zeros', () => {
  assert.equal(fmt(0.005), '5.00×10⁻³');
  assert.equal(fmt(0.01), '0.01');
  assert.equal(fmt(1.5), '1.5');
  assert.equal(fmt(2), '2');
  assert.equal(fmt(123.456), '123');
  assert.equal(fmt(1234.5), '1235');
  assert.equal(fmt(0.12345), '0.123');
});

test('fmt switches to scientific notation outside [0.01, 1e4), with a true minus sign', () => {
  assert.equal(fmt(1.1e-4), '1.10×10⁻⁴');
  assert.equal(fmt(-1.1e-4), '−1.10×10⁻⁴');
  assert.equal(fmt(25000), '2.50×10⁴');
  // Rounding that reaches 10 moves to the next power instead of printing 10.0×10ⁿ.
  assert.equal(fmt(9.9996e-5), '1.00×10⁻⁴');
  assert.equal(fmt(-3), '−3');
});

test('fmt names the values that are not numbers', () => {
  assert.equal(fmt(0), '0');
  assert.equal(fmt(NaN), '—');
  assert.equal(fmt(null), '—');
  assert.equal(fmt(undefined), '—');
  assert.equal(fmt(Infinity), '∞');
  assert.equal(fmt(-Infinity), '−∞');
});

test('fmt honours the digits argument', () => {
  assert.equal(fmt(Math.PI, 5), '3.1416');
  assert.equal(fmt(Math.PI, 2), '3.1');
});

test('pow10Label writes small powers as decimals and the rest as 10ⁿ', () => {
  assert.deepEqual([-3, -2, -1, 0, 1, 3, 4].map(pow10Label), ['10⁻³', '0.01', '0.1', '1', '10', '1000', '10⁴']);
});

test('niceTicks covers [0, max] with a 1-2-2.5-5 step', () => {
  assert.deepEqual(niceTicks(1), [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1].map((v) => Math.round(v / 0.2) * 0.2));
  assert.deepEqual(niceTicks(500), [0, 100, 200, 300, 400, 500]);
  const t = niceTicks(15000, 5);
  assert.equal(t[0], 0);
  assert.ok(t.at(-1) <= 15000 && t.at(-1) >= 10000);
  const steps = t.slice(1).map((v, i) => v - t[i]);
  assert.ok(steps.every((s) => s === steps[0]), `even steps: ${steps}`);
});

test('num rounds to 1e-6 and uses a typographic minus', () => {
  assert.equal(num(-0.25), '−0.25');
  assert.equal(num(1 / 3), '0.333333');
  assert.equal(num(2), '2');
});
