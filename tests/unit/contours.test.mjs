// Marching squares (www/lib/contours.js): segments lie on the level set, close around a bump and
// skip cells with non-finite corners.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contourSegments } from '../../www/lib/contours.js';

/** A row-major grid of f(x, y) on [0, nx-1] x [0, ny-1] in grid units. */
function grid(nx, ny, f) {
  const g = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) g[j * nx + i] = f(i, j);
  return g;
}

test('a plane gives one straight line at the right place', () => {
  const g = grid(5, 4, (i) => i); // value = x
  const segs = contourSegments(g, 5, 4, 2.5);
  assert.equal(segs.length, 4 * 3); // one segment per row of cells
  for (let k = 0; k < segs.length; k += 4) {
    assert.equal(segs[k], 2.5);
    assert.equal(segs[k + 2], 2.5);
  }
});

test('the level set of a cone is a closed ring at the right radius', () => {
  const n = 41;
  const c = 20;
  const r = 12.3;
  const g = grid(n, n, (i, j) => Math.hypot(i - c, j - c));
  const segs = contourSegments(g, n, n, r);
  assert.ok(segs.length > 40);
  const ends = new Map();
  for (let k = 0; k < segs.length; k += 2) {
    const x = segs[k], y = segs[k + 1];
    // Linear interpolation of a cone: points within a fraction of a cell of the circle.
    assert.ok(Math.abs(Math.hypot(x - c, y - c) - r) < 0.05, `point (${x}, ${y}) off the circle`);
    const key = `${x.toFixed(9)},${y.toFixed(9)}`;
    ends.set(key, (ends.get(key) || 0) + 1);
  }
  // Closed: every end point is shared by exactly two segments.
  assert.ok([...ends.values()].every((v) => v === 2));
});

test('no segment for a level outside the range, or for a flat grid', () => {
  const g = grid(6, 6, (i, j) => i + j);
  assert.deepEqual(contourSegments(g, 6, 6, 100), []);
  assert.deepEqual(contourSegments(g, 6, 6, -1), []);
  assert.deepEqual(contourSegments(grid(6, 6, () => 1), 6, 6, 1), []);
});

test('cells with a non-finite corner are skipped', () => {
  const g = grid(3, 3, (i) => i);
  g[4] = NaN; // the centre touches all four cells
  assert.deepEqual(contourSegments(g, 3, 3, 0.5), []);
});

test('saddle cells resolve by the centre value into two segments', () => {
  // Corners 00 and 11 high, 10 and 01 low: case 5.
  const hi = Float64Array.from([1, 0, 0, 1]);
  assert.equal(contourSegments(hi, 2, 2, 0.4).length, 8);
  assert.equal(contourSegments(hi, 2, 2, 0.6).length, 8);
});
