// The landscape's shape on the page's side: which settings shape it (from the schema), and the
// words and labels the figure shows about a shaped landscape, every number taken from the core's
// analysis (the wasm `landscape()` of the live simulation, src/landscape/shape.rs), never
// computed here. No DOM: unit-testable in node.

import { fmt } from '../../lib/format.js';
import { figureSchema, inputAttrs, kebab } from '../../lib/schema.js';

const TOY = figureSchema('toy');

/**
 * The settings that shape the landscape: the simulation settings (api, number fields) that are
 * no part of the settings card's parts list (src/schema/toy.rs keeps the card to the paper's
 * protocol). As [link key, input id, label, input attributes, control], like model.js SETTINGS.
 * @type {[string, string, string, Record<string, string | number>, string][]}
 */
export const SHAPE_SETTINGS = TOY.settings
  .filter((s) => s.api && s.control === 'number' && !TOY.parts.includes(s.key))
  .map((s) => [s.key, kebab(s.key), s.label, inputAttrs(s), s.control]);

/** The shape's keys, in the schema's order. */
export const SHAPE_KEYS = SHAPE_SETTINGS.map(([key]) => key);

/**
 * The shape of a config (the keys it holds; a missing one is the schema's default).
 * @param {Record<string, any>} config
 * @returns {Record<string, number>}
 */
export function shapeOf(config) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const key of SHAPE_KEYS) {
    const s = /** @type {any} */ (TOY.settings.find((x) => x.key === key));
    out[key] = config && key in config ? Number(config[key]) : s.default;
  }
  return out;
}

/**
 * A point as the figure writes it: "(1, 1)", "(−1, −1)".
 * @param {number[]} w
 */
export function pointText(w) {
  return `(${w.map((v) => fmt(v, 3)).join(', ')})`;
}

/**
 * The minima the landscape marks: where the analysis puts them.
 * @param {any} a the analysis
 * @returns {{ w: number[], label: string, sub: string }[]}
 */
export function minimaMarks(a) {
  return [
    { w: a.sharpMinimum, label: 'sharp', sub: pointText(a.sharpMinimum) },
    { w: a.flatMinimum, label: 'flat', sub: pointText(a.flatMinimum) },
  ];
}

/**
 * The escape region's label: both coordinates below the analysis' threshold.
 * @param {any} a
 * @param {boolean} short
 */
export function escapeLabel(a, short) {
  const t = fmt(a.escapeThreshold, 3);
  return short ? 'escaped' : `escaped: w₁ < ${t} and w₂ < ${t}`;
}

/**
 * The landscape canvas' accessible name.
 * @param {any} a
 */
export function landscapeAriaLabel(a) {
  return `Loss landscape over w1 and w2 with a sharp minimum at ${pointText(a.sharpMinimum)} (Hessian eigenvalues ${fmt(a.eigenvalues[0])} and ${fmt(a.eigenvalues[1])}), a flat minimum at ${pointText(a.flatMinimum)}, and the particle clouds of each simulated method`;
}

/**
 * The shape's readout: eigenvalues, GD's stability limit against η, the barrier, all from the
 * analysis.
 * @param {any} a the analysis
 * @param {number | null} lr
 */
export function shapeCaption(a, lr) {
  const [l1, l2] = a.eigenvalues;
  const lim = a.gdStableLr;
  const gd = lim === null || lim === undefined
    ? ''
    : ` GD is stable there for η < 2/λ₁ = ${fmt(lim)}${lr !== null && lr > lim ? `; η = ${lr} is beyond it, so even GD leaves the sharp minimum` : ''}.`;
  const b = a.barrier;
  return `Sharp minimum at ${pointText(a.sharpMinimum)}: Hessian eigenvalues λ₁ = ${fmt(l1)}, λ₂ = ${fmt(l2)}, sharp axis at ${fmt(a.shape.sharpAngle, 3)}° from the line to the flat minimum at ${pointText(a.flatMinimum)}.${gd} Barrier along that line: ${fmt(b.height)} at ${pointText(b.point)}.`;
}
