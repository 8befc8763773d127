// The model of the sweep figure: its settings from the schema (src/schema/sweep.rs), a parsed
// link as the figure's state and that state as the canonical hash, the split of the points over
// the workers, the run's state machine (which point goes next, what is done, paused or
// finished), the table of results and the caption the results allow. Pure (no DOM, no wasm):
// the numbers come from the workers (sweepPoint, sweepSpearman, sweepMarkers of the wasm build).

import { encodeHash, sharedPairs } from '../../lib/link.js';
import { figureSchema, rangedSetting, workerConfig } from '../../lib/schema.js';
import { fmt } from '../../lib/format.js';

const SWEEP = figureSchema('sweep');

/**
 * The figure's settings from the schema: the parts an embed may list, the keys a link carries
 * (in link order) and the keys the workers' sweep config takes, with their defaults.
 */
export const SCHEMA = {
  controls: SWEEP.parts,
  linkKeys: SWEEP.settings.filter((s) => s.link).map((s) => s.key),
  config: SWEEP.settings.filter((s) => s.api),
  /** @type {string[]} what may vary (angle, anisotropy, sharpness, spread) */
  varies: /** @type {any} */ (SWEEP.settings.find((s) => s.key === 'vary')).choices || [],
};

const CONFIG = workerConfig(SWEEP.id);
/** The keys of the sweep's config (vary, points, from, to, iterations, runs, lr, ...). */
export const CONFIG_KEYS = CONFIG.keys;
/** The schema's defaults (`from` and `to` null: the default range of what varies). */
export const DEFAULTS = CONFIG.defaults;
/** The settings of a state `s` the sweep's config takes (others, and undefined values, left out). */
export const pickConfig = CONFIG.pick;
/** Whether two sweep configs differ (a new one clears the points). */
export const configChanged = CONFIG.changed;

/**
 * A parsed link (Rust's parsePermalink) as the state the figure takes.
 * @param {any} link
 * @returns {Record<string, any>}
 */
export function sweepState(link) {
  const w = link.sweep;
  return { ...pickConfig(w), workers: w.workers ?? null, playing: !!link.play };
}

/**
 * The canonical hash of a sweep state (getState()): `figure=sweep`, the link keys in the
 * schema's order (every one that is set), `play`, then the shared keys.
 * @param {Record<string, any>} s
 * @param {{ controls?: string[] | null, lecture?: boolean }} [extra]
 * @returns {string}
 */
export function sweepHash(s, extra = {}) {
  /** @type {[string, unknown][]} */
  const pairs = [['figure', SWEEP.id]];
  for (const k of SCHEMA.linkKeys) pairs.push([k, s[k]]);
  pairs.push(['play', s.playing ? 1 : 0]);
  return encodeHash([...pairs, ...sharedPairs(extra)]);
}

/**
 * The start of every export's file name.
 * @param {Record<string, any>} s
 */
export function exportBase(s) {
  return `sgd-escape-sweep-${s.vary}-seed${s.seed}`;
}

/**
 * Splits points 0..n-1 over at most k workers, interleaved (worker j gets j, j+k, j+2k, ...), so
 * every worker's share spans the whole range and the shares differ by at most one point. Each
 * point is computed from the seed alone (its data draws and random streams do not depend on
 * the other points), so any split gives the same results.
 * @param {number} n
 * @param {number} k
 * @returns {number[][]} the non-empty shares, each in increasing order
 */
export function splitPoints(n, k) {
  const size = Math.max(1, Math.min(Math.floor(k) || 1, n));
  /** @type {number[][]} */
  const shares = Array.from({ length: size }, () => []);
  for (let i = 0; i < n; i++) shares[i % size].push(i);
  return shares.filter((s) => s.length);
}

/**
 * @typedef {object} SweepPoint  one finished point, as the wasm build's sweepPoint returns it
 * @property {number} value
 * @property {number} trHSigma
 * @property {number} trHSigmaIso
 * @property {number | null} ratio
 * @property {number} escaped
 * @property {number} stayed
 * @property {number} diverged
 * @property {number} runs
 * @property {number} low95
 * @property {number} high95
 */

/**
 * The state machine of one sweep over `values` split over `workers` workers:
 * idle -> running <-> paused -> done. A worker asks `next(j)` for the next point of its share
 * (null when it has none left or the run is not running); `complete(i, point)` records a result.
 * Pausing stops handing out points (a point in flight still completes and is kept, as it is
 * what any later resumption would compute). `stepping` runs until one more point is done.
 */
export class SweepRun {
  /**
   * @param {number[]} values
   * @param {number} workers
   */
  constructor(values, workers) {
    this.values = values.slice();
    this.shares = splitPoints(values.length, workers);
    /** @type {(SweepPoint | null)[]} */
    this.results = values.map(() => null);
    /** @type {Set<number>} */
    this.inFlight = new Set();
    /** @type {'idle' | 'running' | 'paused' | 'done'} */
    this.phase = values.length ? 'idle' : 'done';
    this.stepping = false;
  }

  /** Points finished. */
  get done() { return this.results.filter(Boolean).length; }

  /** Points in all. */
  get total() { return this.values.length; }

  /** Runs (or resumes) the sweep; no effect once done. */
  play() {
    if (this.phase !== 'done') this.phase = 'running';
    this.stepping = false;
  }

  /** Runs until one more point is done, then pauses. */
  step() {
    if (this.phase === 'done') return;
    this.phase = 'running';
    this.stepping = true;
  }

  /** Stops handing out points. */
  pause() {
    if (this.phase === 'running') this.phase = 'paused';
    this.stepping = false;
  }

  /**
   * The index of the next point for worker `j`, marked in flight; null if none.
   * @param {number} j
   * @returns {number | null}
   */
  next(j) {
    if (this.phase !== 'running') return null;
    if (this.stepping && this.inFlight.size > 0) return null;
    const share = this.shares[j] || [];
    const i = share.find((x) => !this.results[x] && !this.inFlight.has(x));
    if (i === undefined) return null;
    this.inFlight.add(i);
    return i;
  }

  /**
   * Records point `i`'s result; the run is done when every point is.
   * @param {number} i
   * @param {SweepPoint} point
   */
  complete(i, point) {
    this.inFlight.delete(i);
    if (i < 0 || i >= this.results.length) return;
    this.results[i] = point;
    if (this.done === this.total) { this.phase = 'done'; this.stepping = false; return; }
    if (this.stepping) { this.stepping = false; this.phase = 'paused'; }
  }

  /** A point that failed goes back to the queue and the run pauses. @param {number} i */
  fail(i) {
    this.inFlight.delete(i);
    this.pause();
  }

  /** The finished points, in the order of their values. @returns {SweepPoint[]} */
  finished() {
    return /** @type {SweepPoint[]} */ (this.results.filter(Boolean));
  }
}

/**
 * What the sweep plots on x: the ratio Tr(HΣ) / (Tr H·Tr Σ / D), except for the spread sweep,
 * where SGD's noise keeps its shape (the ratio stays put) and its size grows: Tr(HΣ) itself.
 * @param {string} vary
 * @returns {'ratio' | 'trHSigma'}
 */
export function xKeyFor(vary) {
  return vary === 'spread' ? 'trHSigma' : 'ratio';
}

/**
 * The escape fraction of a point.
 * @param {SweepPoint} p
 */
export function fractionOf(p) {
  return p.runs > 0 ? p.escaped / p.runs : NaN;
}

/** The unit a value of `vary` is shown with. @param {string} vary @param {number} v */
export function valueText(vary, v) {
  if (vary === 'angle') return `${fmt(v)}°`;
  if (vary === 'sharpness') return `λ₁ = ${fmt(v)}`;
  if (vary === 'spread') return `spread ${fmt(v)}`;
  return `share ${fmt(v)}`;
}

const pct = (/** @type {number} */ x) => `${(100 * x).toFixed(x > 0 && x < 0.01 ? 1 : 0)}%`;

/**
 * The caption the results allow: the points done, the rank correlation with its value (or why
 * there is none), and the two ends compared by their Wilson 95% intervals. It claims a rise or
 * a fall only when the ends' intervals are disjoint; otherwise it says they overlap.
 * @param {{ vary: string, points: SweepPoint[], total: number, spearman: number | null | undefined, running?: boolean }} p
 *   spearman: null when there is none (a constant list), undefined while it is being computed
 * @returns {string}
 */
export function sweepCaption({ vary, points, total, spearman, running = false }) {
  if (!points.length) return running ? `Running the first of ${total} points…` : '';
  const parts = [];
  const runs = points[0].runs;
  const state = points.length < total ? `${points.length} of ${total} points so far` : `All ${total} points`;
  parts.push(`${state}, ${runs} runs each.`);
  if (points.length >= 2) {
    if (spearman === undefined) {
      parts.push('Spearman\'s ρ: being computed…');
    } else if (spearman === null || !Number.isFinite(spearman)) {
      parts.push('No rank correlation: Tr(HΣ) or the escape fraction is the same at every point.');
    } else {
      parts.push(`Spearman's ρ between Tr(HΣ) and the escape fraction: ${spearman.toFixed(2)} over ${points.length} points.`);
    }
    const a = points[0];
    const b = points[points.length - 1];
    const ends = `${valueText(vary, a.value)}: ${pct(fractionOf(a))} escaped (95% CI ${pct(a.low95)}–${pct(a.high95)}); ${valueText(vary, b.value)}: ${pct(fractionOf(b))} (${pct(b.low95)}–${pct(b.high95)})`;
    if (a.high95 < b.low95) parts.push(`The escape fraction rises from one end to the other beyond their 95% intervals (${ends}).`);
    else if (b.high95 < a.low95) parts.push(`The escape fraction falls from one end to the other beyond their 95% intervals (${ends}).`);
    else parts.push(`The 95% intervals of the two ends overlap, so these runs show no difference between them (${ends}); more runs narrow them.`);
  } else {
    const a = points[0];
    parts.push(`${valueText(vary, a.value)}: ${pct(fractionOf(a))} escaped (95% CI ${pct(a.low95)}–${pct(a.high95)}).`);
  }
  return parts.join(' ');
}

/** The columns of the CSV export. @type {[string, (p: SweepPoint) => unknown][]} */
export const CSV_COLUMNS = [
  ['value', (p) => p.value],
  ['trHSigma', (p) => p.trHSigma],
  ['trHSigmaIso', (p) => p.trHSigmaIso],
  ['ratio', (p) => p.ratio],
  ['escaped', (p) => p.escaped],
  ['stayed', (p) => p.stayed],
  ['diverged', (p) => p.diverged],
  ['runs', (p) => p.runs],
  ['escapeFraction', (p) => fractionOf(p)],
  ['low95', (p) => p.low95],
  ['high95', (p) => p.high95],
];

const WORKERS = rangedSetting('sweep', 'workers');

/**
 * How many workers run the points: the link's `workers` if valid, else one per core (at most
 * the schema's maximum), never more than there are points.
 * @param {number | null | undefined} asked
 * @param {number} cores navigator.hardwareConcurrency
 * @param {number} points
 */
export function workerCount(asked, cores, points) {
  const n = typeof asked === 'number' && Number.isInteger(asked) && asked >= WORKERS.min && asked <= WORKERS.max ? asked : Math.max(1, Math.min(WORKERS.max, cores || 2));
  return Math.max(1, Math.min(n, points || 1));
}

/**
 * A config with unset ends (`from`, `to` null) given the default range of what varies.
 * @param {Record<string, any>} config
 * @param {{ id: string, from: number, to: number }[] | null} list sweepList()
 * @returns {Record<string, any>}
 */
export function resolveRange(config, list) {
  const d = (list || []).find((x) => x.id === config.vary);
  if (!d) return { ...config };
  return { ...config, from: config.from ?? d.from, to: config.to ?? d.to };
}
