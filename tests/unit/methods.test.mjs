// Presentation of the eight dynamics (www/lib/methods.js): one style and one description each,
// distinct colours and shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESCRIPTION, STYLE, addMarker, styleOf } from '../../www/lib/methods.js';

const IDS = ['gd', 'gld-const', 'gld-dynamic', 'gld-diag', 'gld-leading', 'gld-hessian', 'gld-eigvec', 'sgd'];

test('every method has a style and a description, and nothing else does', () => {
  assert.deepEqual(Object.keys(STYLE), IDS);
  assert.deepEqual(Object.keys(DESCRIPTION), IDS);
});

test('colours and shapes are distinct, so each method is told apart twice', () => {
  assert.equal(new Set(IDS.map((id) => STYLE[id].color.toLowerCase())).size, 8);
  assert.equal(new Set(IDS.map((id) => STYLE[id].shape)).size, 8);
});

test('an unknown id gets a neutral fallback style', () => {
  assert.deepEqual(styleOf('nope'), { color: '#555555', outline: '#ffffff', shape: 'circle' });
  assert.equal(styleOf('sgd'), STYLE.sgd);
});

test('addMarker draws each shape as a closed path around its centre', () => {
  for (const id of IDS) {
    const pts = [];
    let arcs = 0;
    let closed = 0;
    const ctx = {
      moveTo: (x, y) => pts.push([x, y]), lineTo: (x, y) => pts.push([x, y]),
      arc: () => { arcs += 1; }, closePath: () => { closed += 1; },
    };
    addMarker(ctx, STYLE[id].shape, 50, 40, 5);
    if (STYLE[id].shape === 'circle') { assert.equal(arcs, 1); continue; }
    assert.ok(pts.length >= 3 && closed === 1, id);
    const cx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
    const cy = pts.reduce((a, p) => a + p[1], 0) / pts.length;
    assert.ok(Math.abs(cx - 50) < 2 && Math.abs(cy - 40) < 2.5, `${id} centred at ${cx}, ${cy}`);
    assert.ok(pts.every(([x, y]) => Math.hypot(x - 50, y - 40) <= 5 * 1.3), `${id} within its radius`);
  }
});
