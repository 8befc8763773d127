// The geometry of the shape handles on the landscape: where the three handles sit for a shape
// (the sharp axis' angle, its two eigenvalues), which setting value a pointer position means,
// which handle a pointer picks (44 px targets), and what an arrow key does. Pure functions of
// CSS pixels on the canvas (y down), no DOM: unit-testable in node. This is user-interface
// geometry only; every number the figure states about the landscape comes from the core.
//
// The handles, around the sharp minimum c, with u the sharp axis (the joining line from the flat
// to the sharp minimum turned by sharpAngle, counterclockwise in w):
//   lambda1 at c - r(lambda1) u          (along the sharp axis, on the flat basin's side, where
//                                         the plot has room: further out is sharper)
//   lambda2 at c + r(lambda2) u⊥         (u turned by 90 degrees)
//   angle   at c + R u                   (a fixed distance out on the other side)
// r() is logarithmic between LAMBDA.lo and LAMBDA.hi.

/** Half the hit target's side: 44 CSS pixel targets (WCAG 2.5.5). */
export const HIT_RADIUS = 22;
/** The eigenvalues the handles span (the inputs accept the schema's whole range). */
export const LAMBDA = { lo: 1, hi: 1000 };
/** The angle's range, degrees (the schema's). */
export const ANGLE = { min: -90, max: 90 };

/**
 * @typedef {{ x: number, y: number }} Point
 * @typedef {{ sharpLambda1: number, sharpLambda2: number, sharpAngle: number }} HandleShape
 * @typedef {{ center: Point, base: number, size: number }} Frame
 *   center: the sharp minimum in canvas pixels; base: the angle (radians, counterclockwise in w)
 *   of the line from the flat to the sharp minimum; size: the plot's side in pixels
 * @typedef {'angle' | 'lambda1' | 'lambda2'} HandleId
 */

/**
 * The handles' frame on a canvas: the sharp minimum in pixels and the direction of the joining
 * line, both where the core's analysis puts the minima.
 * @param {{ sharpMinimum: number[], flatMinimum: number[] }} analysis
 * @param {{ toX: (w1: number) => number, toY: (w2: number) => number, size: number }} view
 * @returns {Frame}
 */
export function frameOf({ sharpMinimum: [sx, sy], flatMinimum: [fx, fy] }, { toX, toY, size }) {
  return { center: { x: toX(sx), y: toY(sy) }, base: Math.atan2(sy - fy, sx - fx), size };
}

/** The handles, in tab order, with the setting each drives. */
export const HANDLES = /** @type {const} */ ([
  { id: 'angle', key: 'sharpAngle' },
  { id: 'lambda1', key: 'sharpLambda1' },
  { id: 'lambda2', key: 'sharpLambda2' },
]);

/**
 * The radii of a plot of side `size`: the eigenvalue handles run from rMin to rMax, the angle
 * handle sits at rAngle. rMin keeps the two eigenvalue handles (at right angles) 44 px apart.
 * @param {number} size
 */
export function radii(size) {
  const rMin = Math.max(32, 0.07 * size);
  const rMax = Math.max(rMin + 48, 0.25 * size);
  const rAngle = Math.max(60, 0.17 * size);
  return { rMin, rMax, rAngle };
}

/**
 * The distance from the sharp minimum of an eigenvalue handle (values outside LAMBDA sit at its
 * ends).
 * @param {number} lambda
 * @param {number} size
 */
export function lambdaToRadius(lambda, size) {
  const { rMin, rMax } = radii(size);
  const span = Math.log(LAMBDA.hi / LAMBDA.lo);
  const t = Math.min(1, Math.max(0, Math.log(lambda / LAMBDA.lo) / span));
  return rMin + t * (rMax - rMin);
}

/**
 * The eigenvalue a handle at distance `r` means (3 significant digits, within LAMBDA).
 * @param {number} r
 * @param {number} size
 */
export function radiusToLambda(r, size) {
  const { rMin, rMax } = radii(size);
  const t = Math.min(1, Math.max(0, (r - rMin) / (rMax - rMin)));
  return round3(LAMBDA.lo * Math.exp(t * Math.log(LAMBDA.hi / LAMBDA.lo)));
}

/** @param {number} v @returns {number} v to 3 significant digits */
export function round3(v) {
  return Number(v.toPrecision(3));
}

/**
 * The sharp axis' unit vector in canvas pixels (y down).
 * @param {number} base
 * @param {number} angleDeg
 * @returns {Point}
 */
function axis(base, angleDeg) {
  const phi = base + (angleDeg * Math.PI) / 180;
  return { x: Math.cos(phi), y: -Math.sin(phi) };
}

/**
 * Where the three handles sit.
 * @param {HandleShape} shape
 * @param {Frame} frame
 * @returns {Record<HandleId, Point>}
 */
export function handlePositions(shape, { center: c, base, size }) {
  const u = axis(base, shape.sharpAngle);
  const v = { x: u.y, y: -u.x }; // u turned counterclockwise on screen (y down)
  const r1 = lambdaToRadius(shape.sharpLambda1, size);
  const r2 = lambdaToRadius(shape.sharpLambda2, size);
  const { rAngle } = radii(size);
  return {
    angle: { x: c.x + rAngle * u.x, y: c.y + rAngle * u.y },
    lambda1: { x: c.x - r1 * u.x, y: c.y - r1 * u.y },
    lambda2: { x: c.x + r2 * v.x, y: c.y + r2 * v.y },
  };
}

/**
 * The handle a pointer at `p` picks: the nearest within HIT_RADIUS (a 44 px target), or null.
 * @param {Record<HandleId, Point>} positions
 * @param {Point} p
 * @returns {HandleId | null}
 */
export function hitTest(positions, p) {
  let best = /** @type {HandleId | null} */ (null);
  let bestD = Infinity;
  for (const { id } of HANDLES) {
    const q = positions[id];
    const d = Math.hypot(p.x - q.x, p.y - q.y);
    if (d <= HIT_RADIUS && d < bestD) { best = id; bestD = d; }
  }
  return best;
}

/**
 * The setting a handle dragged to `p` asks for: `{ key, value }`. The angle follows the pointer
 * around the sharp minimum (held in ANGLE: the axis turns no further than the perpendicular); an
 * eigenvalue follows the pointer's distance along its axis, within LAMBDA and with
 * lambda2 <= lambda1 (the sharp axis is the larger eigenvalue's).
 * @param {HandleId} id
 * @param {Point} p
 * @param {HandleShape} shape the shape when the drag started or last moved
 * @param {Frame} frame
 * @returns {{ key: string, value: number }}
 */
export function valueAt(id, p, shape, { center: c, base, size }) {
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  if (id === 'angle') {
    // The angle handle sits on the sharp axis: the pointer's direction from the minimum.
    const psi = Math.atan2(-dy, dx); // the direction of p - c, counterclockwise in w
    let deg = ((psi - base) * 180) / Math.PI;
    deg = ((((deg + 180) % 360) + 360) % 360) - 180; // (-180, 180]
    return { key: 'sharpAngle', value: Math.round(Math.min(ANGLE.max, Math.max(ANGLE.min, deg)) * 2) / 2 };
  }
  const u = axis(base, shape.sharpAngle);
  const dir = id === 'lambda1' ? { x: -u.x, y: -u.y } : { x: u.y, y: -u.x };
  const lambda = radiusToLambda(dx * dir.x + dy * dir.y, size);
  if (id === 'lambda1') return { key: 'sharpLambda1', value: Math.max(lambda, shape.sharpLambda2) };
  return { key: 'sharpLambda2', value: Math.min(lambda, shape.sharpLambda1) };
}

/**
 * What a key pressed on a focused handle asks for, or null for keys a handle ignores. Arrows
 * step (the angle by 1 degree, an eigenvalue by 10% on a log scale), with Shift or PageUp and
 * PageDown ten times as far; Home and End go to the range's ends. Same limits as valueAt.
 * @param {HandleId} id
 * @param {string} key KeyboardEvent.key
 * @param {boolean} shift
 * @param {HandleShape} shape
 * @returns {{ key: string, value: number } | null}
 */
export function keyStep(id, key, shift, shape) {
  const up = key === 'ArrowUp' || key === 'ArrowRight' || key === 'PageUp';
  const down = key === 'ArrowDown' || key === 'ArrowLeft' || key === 'PageDown';
  const big = shift || key === 'PageUp' || key === 'PageDown';
  if (id === 'angle') {
    let v = shape.sharpAngle;
    if (up || down) v += (up ? 1 : -1) * (big ? 10 : 1);
    else if (key === 'Home') v = ANGLE.min;
    else if (key === 'End') v = ANGLE.max;
    else return null;
    return { key: 'sharpAngle', value: Math.round(Math.min(ANGLE.max, Math.max(ANGLE.min, v)) * 2) / 2 };
  }
  const current = id === 'lambda1' ? shape.sharpLambda1 : shape.sharpLambda2;
  let v;
  if (up || down) v = round3(current * (up ? 1.1 : 1 / 1.1) ** (big ? 10 : 1));
  else if (key === 'Home') v = LAMBDA.lo;
  else if (key === 'End') v = LAMBDA.hi;
  else return null;
  // A step of 10% rounded to 3 digits always moves (values below 100 move by at least 0.1).
  if (v === current && (up || down)) v = round3(current + (up ? 1 : -1) * 10 ** (Math.floor(Math.log10(current)) - 2));
  v = Math.min(Math.max(v, Math.min(current, LAMBDA.lo)), Math.max(current, LAMBDA.hi));
  if (id === 'lambda1') return { key: 'sharpLambda1', value: Math.max(v, shape.sharpLambda2) };
  return { key: 'sharpLambda2', value: Math.min(v, shape.sharpLambda1) };
}
