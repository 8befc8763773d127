// The 2-D landscape's still part (www/figures/toy/grid.js): log colour scale, pixels, contour levels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WASH, prepareGridData, preparedBuffers } from '../../www/figures/toy/grid.js';
import { viridis } from '../../www/lib/colormap.js';

function bowl(n) {
  const values = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values[j * n + i] = 1e-3 + ((i - (n - 1) / 2) ** 2 + (j - (n - 1) / 2) ** 2);
  return { values, nx: n, ny: n };
}

test('the scale spans four decades below the maximum when the minimum lies lower', () => {
  const g = bowl(21);
  const { scale } = prepareGridData(g);
  assert.equal(scale.hi, Math.max(...g.values));
  assert.ok(Math.abs(scale.lo - scale.hi * 1e-4) < 1e-12, `lo ${scale.lo}`);
  assert.ok(Math.abs(scale.span - 4) < 1e-9);
});

test('pixels are RGBA, opaque, with the image flipped so row 0 is the top (largest w2)', () => {
  const g = { values: Float64Array.from([1, 1, 100, 100]), nx: 2, ny: 2 }; // bottom row low, top row high
  const { pixels } = prepareGridData(g, 0);
  assert.equal(pixels.length, 16);
  assert.ok([3, 7, 11, 15].every((k) => pixels[k] === 255));
  // Image row 0 holds grid row 1 (high values, light end of viridis).
  assert.deepEqual(Array.from(pixels.slice(0, 3)), viridis(1));
  assert.deepEqual(Array.from(pixels.slice(8, 11)), viridis(0));
});

test('contour levels are 1-2-5 times powers of ten inside the range, majors at powers of ten', () => {
  const { levels, scale } = prepareGridData(bowl(21));
  assert.ok(levels.length > 5);
  for (const l of levels) {
    assert.ok(l.value > scale.lo && l.value < scale.hi);
    const m = l.value / 10 ** Math.floor(Math.log10(l.value) + 1e-12);
    assert.ok([1, 2, 5].some((x) => Math.abs(m - x) < 1e-9), `level ${l.value}`);
    assert.equal(l.major, Math.abs(m - 1) < 1e-9);
    assert.equal(l.light, l.t < 0.6);
    assert.ok(l.segs instanceof Float32Array && l.segs.length % 4 === 0);
  }
});

test('non-finite values and an all-zero grid do not break the scale', () => {
  const g = { values: Float64Array.from([NaN, Infinity, 1, 2]), nx: 2, ny: 2 };
  const p = prepareGridData(g);
  assert.ok(Number.isFinite(p.scale.lo) && Number.isFinite(p.scale.hi));
  const z = prepareGridData({ values: new Float64Array(4), nx: 2, ny: 2 });
  assert.equal(z.scale.hi, 1);
});

test('preparedBuffers lists the pixel buffer and one buffer per level, for transfer', () => {
  const p = prepareGridData(bowl(9), WASH);
  const bufs = preparedBuffers(p);
  assert.equal(bufs.length, 1 + p.levels.length);
  assert.equal(bufs[0], p.pixels.buffer);
});
