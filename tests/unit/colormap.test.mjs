// The viridis colour map (www/lib/colormap.js): a polynomial fit, checked against the published
// viridis end points and its defining property (lightness rises monotonically).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { viridis, viridisLUT } from '../../www/lib/colormap.js';

const near = (a, b, tol) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

test('viridis matches matplotlib at the ends and the middle within four 8-bit steps', () => {
  // matplotlib's viridis(0), viridis(0.5), viridis(1) in 0..255. The polynomial fit is off by
  // up to 4 steps (blue at t = 1: 33 against 37; red at t = 0.75: 90 against 94), 2 in the middle.
  assert.ok(near(viridis(0), [68, 1, 84], 4), `${viridis(0)}`);
  assert.ok(near(viridis(0.25), [59, 82, 139], 2), `${viridis(0.25)}`);
  assert.ok(near(viridis(0.5), [33, 145, 140], 2), `${viridis(0.5)}`);
  assert.ok(near(viridis(0.75), [94, 201, 98], 4), `${viridis(0.75)}`);
  assert.ok(near(viridis(1), [253, 231, 37], 4), `${viridis(1)}`);
});

test('viridis clamps t outside [0, 1]', () => {
  assert.deepEqual(viridis(-5), viridis(0));
  assert.deepEqual(viridis(7), viridis(1));
});

test('viridis lightness (Rec. 709 luma) rises monotonically', () => {
  let last = -1;
  for (let i = 0; i <= 100; i++) {
    const [r, g, b] = viridis(i / 100);
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    assert.ok(y >= last - 0.5, `luma falls at t=${i / 100}: ${y} < ${last}`);
    last = y;
  }
});

test('wash moves every channel towards white; wash 1 is white', () => {
  for (const t of [0, 0.3, 0.8]) {
    const plain = viridis(t);
    const washed = viridis(t, 0.34);
    assert.ok(washed.every((v, k) => v >= plain[k]), `t=${t}: ${washed} vs ${plain}`);
    assert.deepEqual(viridis(t, 1), [255, 255, 255]);
  }
});

test('viridisLUT holds 256 rgb triples equal to viridis(i / 255)', () => {
  const lut = viridisLUT(0.2);
  assert.equal(lut.length, 768);
  for (const i of [0, 17, 128, 255]) assert.deepEqual(Array.from(lut.slice(3 * i, 3 * i + 3)), viridis(i / 255, 0.2));
});
