// Presentation of the eight dynamics: colour (Okabe-Ito, colour-blind safe), marker shape and
// a one-sentence description. Pure data plus the marker geometry; no science here: the names
// and the canonical order come from the wasm module's methodInfo().

import { context2d } from './dom.js';

/** @typedef {{ color: string, outline: string, shape: string }} MethodStyle */
/** @typedef {[number, number]} Vertex */

/** Okabe & Ito's palette, one colour per method, with an outline that keeps it visible on both
 *  the light heatmap and the dark low-loss basins. */
/** @type {Record<string, MethodStyle>} */
export const STYLE = {
  'gd':          { color: '#000000', outline: '#ffffff', shape: 'circle' },
  'gld-const':   { color: '#E69F00', outline: '#3d2a00', shape: 'square' },
  'gld-dynamic': { color: '#F0E442', outline: '#4a4510', shape: 'triangle' },
  'gld-diag':    { color: '#009E73', outline: '#00261c', shape: 'diamond' },
  'gld-leading': { color: '#0072B2', outline: '#ffffff', shape: 'cross' },
  'gld-hessian': { color: '#56B4E9', outline: '#0b2d40', shape: 'plus' },
  'gld-eigvec':  { color: '#CC79A7', outline: '#3b1229', shape: 'star' },
  'sgd':         { color: '#D55E00', outline: '#ffffff', shape: 'itriangle' },
};

const FALLBACK = { color: '#555555', outline: '#ffffff', shape: 'circle' };
/**
 * @param {string} id
 * @returns {MethodStyle}
 */
export function styleOf(id) { return STYLE[id] || FALLBACK; }

/**
 * One sentence per method (what its noise covariance Sigma_t is).
 * @type {Record<string, string>}
 */
export const DESCRIPTION = {
  'gd': 'Plain gradient descent: no noise at all, the reference that never leaves the sharp minimum.',
  'gld-const': 'Langevin dynamics with constant isotropic noise σ²I of the chosen trace.',
  'gld-dynamic': 'Isotropic noise whose trace follows SGD’s own noise at the current point.',
  'gld-diag': 'Noise with the diagonal of the gradient covariance, rescaled to the chosen trace.',
  'gld-leading': 'The full gradient covariance (its leading eigenpairs; all of it in 2-D), rescaled to the chosen trace.',
  'gld-hessian': 'Noise shaped like the Hessian H, rescaled to the chosen trace.',
  'gld-eigvec': 'All of the chosen trace along the Hessian’s top eigenvector, the sharpest direction.',
  'sgd': 'Real minibatch SGD: the noise is the sampling error of a batch drawn from the data.',
};

// Unit-area-ish polygons (radius 1) for the marker shapes; `circle` is drawn with arc().
/**
 * @param {number} n
 * @param {number} rot
 * @param {number} [inner]
 * @returns {Vertex[]}
 */
function regular(n, rot, inner) {
  /** @type {Vertex[]} */
  const pts = [];
  const k = inner ? 2 * n : n;
  for (let i = 0; i < k; i++) {
    const a = rot + (i * 2 * Math.PI) / k;
    const r = inner && i % 2 === 1 ? inner : 1;
    pts.push([r * Math.cos(a), r * Math.sin(a)]);
  }
  return pts;
}
/**
 * @param {number} t
 * @param {number} rot
 * @returns {Vertex[]}
 */
function plusShape(t, rot) {
  /** @type {Vertex[]} */
  const raw = [[-t, -1], [t, -1], [t, -t], [1, -t], [1, t], [t, t], [t, 1], [-t, 1], [-t, t], [-1, t], [-1, -t], [-t, -t]];
  const c = Math.cos(rot), s = Math.sin(rot);
  return raw.map(([x, y]) => [x * c - y * s, x * s + y * c]);
}
/** @type {Record<string, number>} */
const SCALE = { circle: 0.86, square: 0.78, triangle: 1.12, itriangle: 1.12, diamond: 1.0, cross: 1.1, plus: 1.0, star: 1.22 };
/** @type {Record<string, Vertex[]>} */
const POLY = {
  square: [[-1, -1], [1, -1], [1, 1], [-1, 1]],
  // Canvas y points down: the "up" triangle has its apex at negative y.
  triangle: regular(3, -Math.PI / 2),
  itriangle: regular(3, Math.PI / 2),
  diamond: regular(4, -Math.PI / 2),
  cross: plusShape(0.32, Math.PI / 4),
  plus: plusShape(0.32, 0),
  star: regular(5, -Math.PI / 2, 0.45),
};
// Centre triangles on their centroid's bounding box so they sit on the data point.
for (const key of ['triangle', 'itriangle']) {
  const ys = POLY[key].map((p) => p[1]);
  const mid = (Math.min(...ys) + Math.max(...ys)) / 2;
  POLY[key] = POLY[key].map(([x, y]) => [x, y - mid]);
}

/**
 * Adds one marker of `shape` centred at (x, y) with nominal radius r to the current path.
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} shape
 * @param {number} x
 * @param {number} y
 * @param {number} r
 */
export function addMarker(ctx, shape, x, y, r) {
  const s = r * (SCALE[shape] || 1);
  if (shape === 'circle' || !POLY[shape]) {
    ctx.moveTo(x + s, y);
    ctx.arc(x, y, s, 0, 2 * Math.PI);
    return;
  }
  const pts = POLY[shape];
  ctx.moveTo(x + pts[0][0] * s, y + pts[0][1] * s);
  for (let i = 1; i < pts.length; i++) ctx.lineTo(x + pts[i][0] * s, y + pts[i][1] * s);
  ctx.closePath();
}

/**
 * Draws a single outlined marker (legend swatches, plot end points).
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} id
 * @param {number} x
 * @param {number} y
 * @param {number} r
 * @param {number} [lineWidth]
 */
export function drawMarker(ctx, id, x, y, r, lineWidth = 1) {
  const st = styleOf(id);
  ctx.beginPath();
  addMarker(ctx, st.shape, x, y, r);
  ctx.fillStyle = st.color;
  ctx.fill();
  ctx.lineWidth = lineWidth;
  ctx.strokeStyle = st.outline === '#ffffff' ? 'rgba(255,255,255,0.95)' : st.outline;
  ctx.lineJoin = 'round';
  ctx.stroke();
}

/**
 * A small canvas with the method's marker, crisp at the current devicePixelRatio.
 * @param {string} id
 * @param {number} [size]
 * @returns {HTMLCanvasElement}
 */
export function markerSwatch(id, size = 16) {
  const c = document.createElement('canvas');
  const dpr = window.devicePixelRatio || 1;
  c.width = Math.round(size * dpr);
  c.height = Math.round(size * dpr);
  c.style.width = `${size}px`;
  c.style.height = `${size}px`;
  c.setAttribute('aria-hidden', 'true');
  const ctx = context2d(c);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  // Legend swatches sit on a light background: outline them dark, except black GD.
  const st = styleOf(id);
  ctx.beginPath();
  addMarker(ctx, st.shape, size / 2, size / 2, size * 0.36);
  ctx.fillStyle = st.color;
  ctx.fill();
  ctx.lineWidth = 1;
  ctx.lineJoin = 'round';
  ctx.strokeStyle = id === 'gd' ? '#000' : 'rgba(0,0,0,0.55)';
  ctx.stroke();
  return c;
}

/**
 * Fills `box` with one labelled checkbox per method (id `PREFIXmethod-ID`, value ID, checked),
 * each with its marker, name and description; `extra(id)` may append a node to the label (the
 * FashionMNIST figure's cost note). `onChange` runs when one is ticked or unticked.
 * @param {HTMLElement} box
 * @param {{ methods: [string, string][], prefix?: string, onChange: () => void, extra?: (id: string) => Node | null }} p
 */
export function buildMethodBoxes(box, { methods, prefix = '', onChange, extra = () => null }) {
  box.replaceChildren();
  for (const [id, name] of methods) {
    const label = document.createElement('label');
    label.className = 'check';
    label.htmlFor = `${prefix}method-${id}`;
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.id = `${prefix}method-${id}`;
    input.value = id;
    input.checked = true;
    input.addEventListener('change', onChange);
    const text = document.createElement('span');
    text.textContent = name;
    label.append(input, markerSwatch(id, 14), text);
    const more = extra(id);
    if (more) label.append(more);
    label.title = DESCRIPTION[id] || '';
    box.append(label);
  }
}
