// The shape handles' geometry (www/figures/toy/handles.js): handle positions <-> (angle,
// eigenvalues) round trips, 44 px hit targets with the nearest handle winning, and the
// keyboard's steps within the ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HANDLES, HIT_RADIUS, LAMBDA, ANGLE, radii, lambdaToRadius, radiusToLambda, handlePositions, hitTest, valueAt, keyStep, frameOf } from '../../www/figures/toy/handles.js';

// The paper's landscape on a 500 px plot: the sharp minimum at (400, 100), the joining line from
// the flat to the sharp minimum along the diagonal (45 degrees).
const frame = { center: { x: 400, y: 100 }, base: Math.PI / 4, size: 500 };
const paper = { sharpLambda1: 200, sharpLambda2: 20, sharpAngle: 0 };

test('every handle dragged to where it sits reads back its setting (round trip)', () => {
  for (const sharpAngle of [-90, -60, -12.5, 0, 7, 45, 89.5, 90]) {
    for (const [l1, l2] of [[200, 20], [1000, 1], [35.2, 35.2], [3.16, 1.5]]) {
      for (const f of [frame, { center: { x: 120, y: 300 }, base: -2.1, size: 260 }]) {
        const shape = { sharpLambda1: l1, sharpLambda2: l2, sharpAngle };
        const pos = handlePositions(shape, f);
        assert.deepEqual(valueAt('angle', pos.angle, shape, f), { key: 'sharpAngle', value: sharpAngle });
        const v1 = valueAt('lambda1', pos.lambda1, shape, f);
        assert.equal(v1.key, 'sharpLambda1');
        assert.ok(Math.abs(v1.value - l1) <= 0.006 * l1, `${l1} -> ${v1.value}`);
        const v2 = valueAt('lambda2', pos.lambda2, shape, f);
        assert.ok(Math.abs(v2.value - l2) <= 0.006 * l2, `${l2} -> ${v2.value}`);
      }
    }
  }
});

test('radius <-> eigenvalue is monotone, logarithmic and held in LAMBDA', () => {
  const { rMin, rMax } = radii(500);
  assert.equal(lambdaToRadius(LAMBDA.lo, 500), rMin);
  assert.equal(lambdaToRadius(LAMBDA.hi, 500), rMax);
  assert.equal(lambdaToRadius(1e5, 500), rMax, 'beyond the handles\' range: at the end');
  const mid = lambdaToRadius(Math.sqrt(LAMBDA.lo * LAMBDA.hi), 500);
  assert.ok(Math.abs(mid - (rMin + rMax) / 2) < 1e-9);
  let last = -Infinity;
  for (let r = rMin - 10; r <= rMax + 10; r += 3) {
    const l = radiusToLambda(r, 500);
    assert.ok(l >= last && l >= LAMBDA.lo && l <= LAMBDA.hi);
    last = l;
  }
});

test('the paper\'s handles: lambda1 along the diagonal towards the flat minimum, lambda2 across it, the angle out on the other side', () => {
  const p = handlePositions(paper, frame);
  const c = frame.center;
  assert.ok(p.lambda1.x < c.x && p.lambda1.y > c.y && Math.abs((p.lambda1.x - c.x) + (p.lambda1.y - c.y)) < 1e-9, 'down and left, on the diagonal');
  assert.ok(p.angle.x > c.x && p.angle.y < c.y && Math.abs((p.angle.x - c.x) + (p.angle.y - c.y)) < 1e-9, 'up and right, on the diagonal');
  assert.ok(p.lambda2.x < c.x && p.lambda2.y < c.y, 'up and left: the diagonal turned counterclockwise');
  // Every pair of handles is at least a hit target apart, whatever the eigenvalues.
  for (const [l1, l2] of [[200, 20], [1, 1], [1000, 1000], [0.01, 0.01]]) {
    for (const size of [200, 500, 900]) {
      const q = handlePositions({ sharpLambda1: l1, sharpLambda2: l2, sharpAngle: 30 }, { ...frame, size });
      for (const a of HANDLES) for (const b of HANDLES) {
        if (a.id < b.id) assert.ok(Math.hypot(q[a.id].x - q[b.id].x, q[a.id].y - q[b.id].y) >= 2 * HIT_RADIUS - 1e-9, `${a.id}/${b.id} at ${l1}, ${l2}, ${size}`);
      }
    }
  }
});

test('hit testing: a 44 px target around each handle, the nearest wins, nothing outside', () => {
  const p = handlePositions(paper, frame);
  for (const { id } of HANDLES) {
    assert.equal(hitTest(p, p[id]), id);
    assert.equal(hitTest(p, { x: p[id].x + 21.9, y: p[id].y }), id);
    assert.equal(hitTest(p, { x: p[id].x, y: p[id].y - HIT_RADIUS }), id, 'the edge of the target');
    assert.equal(hitTest(p, { x: p[id].x + 15.5, y: p[id].y + 15.5 }), id, 'diagonally, just inside the 22 px radius');
    assert.equal(hitTest(p, { x: p[id].x + 15.6, y: p[id].y + 15.6 }), null, 'diagonally, just outside it');
  }
  assert.equal(hitTest(p, { x: p.angle.x + 23, y: p.angle.y }), null);
  assert.equal(hitTest(p, frame.center), null, 'the minimum itself is no handle');
  // Two targets overlapping: the nearer handle takes the pointer.
  const close = { angle: { x: 0, y: 0 }, lambda1: { x: 30, y: 0 }, lambda2: { x: 500, y: 500 } };
  assert.equal(hitTest(close, { x: 14, y: 0 }), 'angle');
  assert.equal(hitTest(close, { x: 16, y: 0 }), 'lambda1');
});

test('dragging holds the angle in its range and keeps lambda2 <= lambda1', () => {
  const c = frame.center;
  // Pointer straight down from the minimum: the axis points down (w direction -90 degrees), 135
  // degrees clockwise from the diagonal: held at the range's end.
  assert.equal(valueAt('angle', { x: c.x, y: c.y + 80 }, paper, frame).value, ANGLE.min);
  assert.equal(valueAt('angle', { x: c.x - 80, y: c.y - 1 }, paper, frame).value, ANGLE.max);
  // Pointer up and right, away from the flat minimum: angle 0; straight up: 45; straight right: -45.
  assert.equal(valueAt('angle', { x: c.x + 50, y: c.y - 50 }, paper, frame).value, 0);
  assert.equal(valueAt('angle', { x: c.x, y: c.y - 70 }, paper, frame).value, 45);
  assert.equal(valueAt('angle', { x: c.x + 70, y: c.y }, paper, frame).value, -45);
  const far = valueAt('lambda2', handlePositions({ ...paper, sharpLambda2: 1000 }, frame).lambda2, paper, frame);
  assert.deepEqual(far, { key: 'sharpLambda2', value: 200 }, 'lambda2 stops at lambda1');
  const low = valueAt('lambda1', c, paper, frame);
  assert.deepEqual(low, { key: 'sharpLambda1', value: 20 }, 'lambda1 stops at lambda2');
});

test('keys: arrows step, Shift and PageUp/PageDown ten times, Home/End the ends; other keys are not taken', () => {
  assert.deepEqual(keyStep('angle', 'ArrowRight', false, paper), { key: 'sharpAngle', value: 1 });
  assert.deepEqual(keyStep('angle', 'ArrowDown', true, paper), { key: 'sharpAngle', value: -10 });
  assert.deepEqual(keyStep('angle', 'End', false, paper), { key: 'sharpAngle', value: 90 });
  assert.deepEqual(keyStep('angle', 'ArrowUp', false, { ...paper, sharpAngle: 90 }), { key: 'sharpAngle', value: 90 });
  assert.deepEqual(keyStep('lambda1', 'ArrowUp', false, paper), { key: 'sharpLambda1', value: 220 });
  assert.deepEqual(keyStep('lambda1', 'ArrowDown', false, paper), { key: 'sharpLambda1', value: 182 });
  assert.deepEqual(keyStep('lambda2', 'PageUp', false, paper), { key: 'sharpLambda2', value: 51.9 });
  assert.deepEqual(keyStep('lambda2', 'End', false, paper), { key: 'sharpLambda2', value: 200 }, 'at most lambda1');
  assert.deepEqual(keyStep('lambda1', 'Home', false, paper), { key: 'sharpLambda1', value: 20 }, 'at least lambda2');
  assert.equal(keyStep('lambda1', 'a', false, paper), null);
  assert.equal(keyStep('angle', 'Enter', false, paper), null);
  // Small eigenvalues still move.
  const tiny = { sharpLambda1: 1.01, sharpLambda2: 1.01, sharpAngle: 0 };
  assert.ok(keyStep('lambda1', 'ArrowUp', false, tiny).value > 1.01);
});

test('the frame comes from the analysis\' minima: the centre on the sharp one, the base along the joining line', () => {
  const view = { toX: (w) => 100 + 50 * w, toY: (w) => 200 - 50 * w, size: 300 };
  const f = frameOf({ sharpMinimum: [1, 1], flatMinimum: [-1, -1] }, view);
  assert.deepEqual(f.center, { x: 150, y: 150 });
  assert.ok(Math.abs(f.base - Math.PI / 4) < 1e-15);
  assert.equal(f.size, 300);
  // With that frame the paper's λ₁ handle lies on the screen diagonal, down and left.
  const p = handlePositions(paper, f);
  assert.ok(Math.abs((p.lambda1.x - 150) + (p.lambda1.y - 150)) < 1e-9 && p.lambda1.x < 150);
});
