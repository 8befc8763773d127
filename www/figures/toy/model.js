// The model of the 2-D figure: its settings (one data object), the link it writes, what its
// playback asks the workers for, the captions and the export files, all as pure functions of
// the state. No DOM: unit-testable in node.

import { fmt } from '../../lib/format.js';
import { encodeHash } from '../../lib/link.js';
import { figureSchema, setting, rangedSetting, inputAttrs, kebab } from '../../lib/schema.js';

/** @typedef {import('../../lib/schema.js').Setting} Setting */
import { SHAPE_KEYS, pointText } from './shape.js';

const TOY = figureSchema('toy');

/**
 * The figure's settings and controls, from the schema (src/schema/toy.rs): the parts an embed
 * may list (`controls=`), the simulation settings of the settings card (those the simulation's
 * config takes, shown as number fields, in the parts' order) as [link key, input id, label,
 * input attributes, control (`seed`: with a "New seed" button)], and the transport's settings
 * (pause-at iteration, speed).
 */
export const SCHEMA = {
  controls: TOY.parts,
  settings: TOY.parts
    .map((key) => TOY.settings.find((x) => x.key === key))
    .filter(/** @type {(x: Setting | undefined) => x is Setting} */ ((x) => !!x && x.api && (x.control === 'number' || x.control === 'seed')))
    .map((x) => /** @type {[string, string, string, Record<string, string | number>, string]} */ ([x.key, kebab(x.key), x.label, inputAttrs(x), x.control])),
  iterations: setting('toy', 'iterations'),
  iteration: rangedSetting('toy', 'iteration'),
  speed: rangedSetting('toy', 'speed'),
  workers: rangedSetting('toy', 'workers'),
};
/** The simulation settings: [key, input id, label, input attributes, control]. */
export const SETTINGS = SCHEMA.settings;

/**
 * The words an error message uses for a setting: its label, in lower case after the first word.
 * @param {string} key
 */
export function fieldLabel(key) {
  const s = TOY.settings.find((x) => x.key === key);
  if (!s) return key;
  return s.label.charAt(0).toLowerCase() + s.label.slice(1);
}

/** The most workers a link may ask for. */
export const MAX_WORKERS = SCHEMA.workers.max;
/**
 * Iterations per request in "skip to end": large enough that messaging costs little, small
 * enough that the counters still move.
 */
export const FAST_STEP = 250;

/**
 * The number of workers: the link's `workers` (in the schema's range, checked again by Rust,
 * which reports a bad value), else one per core, at most MAX_WORKERS.
 * @param {string} hash
 * @param {number} cores navigator.hardwareConcurrency
 * @returns {number}
 */
export function workerCount(hash, cores) {
  const link = /[#&]workers=(\d+)/.exec(hash || '');
  const asked = link ? Number(link[1]) : NaN;
  return asked >= SCHEMA.workers.min && asked <= MAX_WORKERS ? asked : Math.max(1, Math.min(MAX_WORKERS, cores || 2));
}

/**
 * The speed a control's raw value means: a whole number in the schema's range (1 if unreadable).
 * @param {number} raw
 */
export function clampSpeed(raw) {
  return Math.max(SCHEMA.speed.min, Math.min(SCHEMA.speed.max, Math.round(raw) || 1));
}

/**
 * How many iterations the next request of a playing figure asks for (0: the target is reached).
 * Iterations per second stay steady when the workers need more than a frame.
 * @param {{ fast: boolean, speed: number, frames: number, iteration: number, stopAt: number }} p
 * @returns {number}
 */
export function stepSize({ fast, speed, frames, iteration, stopAt }) {
  let n = fast ? FAST_STEP : speed * Math.min(3, Math.max(1, frames));
  if (Number.isFinite(stopAt)) n = Math.min(n, stopAt - iteration);
  return Math.max(0, n);
}

/**
 * Where Play stops: the target, or nowhere when pressed at or past it.
 * @param {number | null} target
 * @param {number} iteration
 * @returns {number}
 */
export function stopAt(target, iteration) {
  return target !== null && iteration < target ? target : Infinity;
}

/**
 * The figure's playback state machine: playing or not, where Play stops, "skip to end", steps
 * queued by Step, and the one request allowed in flight. Each animation frame, tick() says what
 * to ask the workers for. No DOM, no workers: the figure sends what it returns.
 */
export class Playback {
  constructor() {
    this.playing = false;
    this.stopAt = Infinity;
    /** "Skip to end": steps as large as the workers take, not per frame. */
    this.fast = false;
    this.queued = 0;
    this.inFlight = 0;
    this.frame = 0;
    this.lastStepFrame = 0;
  }

  /**
   * Plays towards `target` (freely when at or past it), or pauses (which ends a skip).
   * @param {boolean} on
   * @param {number | null} target
   * @param {number} iteration
   */
  set(on, target, iteration) {
    this.playing = on;
    if (on) this.stopAt = stopAt(target, iteration);
    else this.fast = false;
  }

  /**
   * One animation frame: `{ step: n }` to ask for n iterations, `{ stop: true }` when Play has
   * reached where it stops, or null (nothing to do, or a request still in flight).
   * @param {boolean} ready whether the figure has a simulation
   * @param {number} iteration
   * @param {number} speed iterations per frame
   * @returns {{ step: number } | { stop: true } | null}
   */
  tick(ready, iteration, speed) {
    this.frame += 1;
    if (!ready || this.inFlight > 0) return null;
    if (this.queued > 0) {
      const n = this.queued;
      this.queued = 0;
      this.lastStepFrame = this.frame;
      return { step: n };
    }
    if (!this.playing) return null;
    const n = stepSize({ fast: this.fast, speed, frames: this.frame - this.lastStepFrame, iteration, stopAt: this.stopAt });
    if (n < 1) return { stop: true };
    this.lastStepFrame = this.frame;
    return { step: n };
  }

  /** @param {number} iteration @returns {boolean} whether a playing figure has reached its stop */
  reached(iteration) {
    return this.playing && iteration >= this.stopAt;
  }
}

/**
 * The simulation settings of a link's config that the figure has no field for (the settings
 * card and the landscape's shape fields, shape.js, have one for all of today's), which the page
 * keeps and sends with every configure so that what a link asks for is what runs.
 * @param {Record<string, unknown>} config a parsed link's config
 * @returns {Record<string, unknown>}
 */
export function extraSettings(config) {
  const shown = new Set([...SETTINGS.map(([key]) => key), ...SHAPE_KEYS]);
  return Object.fromEntries(TOY.settings
    .filter((s) => s.api && s.key !== 'methods' && !shown.has(s.key) && s.key in config)
    .map((s) => [s.key, config[s.key]]));
}

/**
 * The timeline slider's range and value: from 0 to the pause-at iteration, at the iteration
 * shown.
 * @param {{ iteration: number, target: number | null }} s
 * @returns {{ min: number, max: number, value: number }}
 */
export function timeline({ iteration, target }) {
  const max = target ?? SCHEMA.iterations.default;
  return { min: SCHEMA.iteration.min, max: Math.max(max, iteration), value: iteration };
}

/**
 * What a request to show `raw` on the timeline means: `{ seek: n }` (the workers' `seek`, back
 * or ahead, bit for bit the uninterrupted run), or `{ error }` naming `iteration` when it is no
 * whole number in 0..=the pause-at iteration (never clamped).
 * @param {unknown} raw a slider's value, a link's or a host message's
 * @param {number | null} target the pause-at iteration
 * @returns {{ seek: number } | { error: string }}
 */
export function seekRequest(raw, target) {
  const max = target ?? SCHEMA.iterations.default;
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < SCHEMA.iteration.min || n > max) {
    return { error: `\`iteration\` must be an integer in ${SCHEMA.iteration.min}..=${max} (at most \`iterations\`), got ${JSON.stringify(raw)}` };
  }
  return { seek: n };
}

/**
 * The canonical hash of what is on screen (the key order of Rust's to_hash); `iteration`, the
 * timeline's position, only when the timeline was moved (null: the latest).
 * @param {{ config: any, iterations: number | null, iteration?: number | null, speed: number, playing: boolean, hidden: string[], controls: string[] | null, lecture: boolean }} s
 * @returns {string}
 */
export function toyHash({ config: c, iterations, iteration = null, speed, playing, hidden, controls, lecture }) {
  /** @type {[string, unknown][]} */
  const pairs = [
    ['figure', 'toy'],
    // Every setting of the simulation, in the schema's order (Rust's to_fields), the landscape's
    // shape included; one the config lacks is written as its default.
    ...TOY.settings.filter((s) => s.api).map((s) => /** @type {[string, unknown]} */ ([s.key, s.key === 'methods' ? c.methods.join(',') : (c[s.key] ?? s.default)])),
    ['iterations', iterations ?? SCHEMA.iterations.default],
    ...(iteration === null ? [] : [/** @type {[string, unknown]} */ (['iteration', iteration])]),
    ['speed', speed], ['play', playing ? 1 : 0],
  ];
  if (hidden.length) pairs.push(['hide', hidden.join(',')]);
  if (controls) pairs.push(['controls', controls.join(',')]);
  if (lecture) pairs.push(['lecture', 1]);
  return encodeHash(pairs);
}

/**
 * "12/100 escaped", with "· 3 diverged" when runs diverged (never counted as escaped).
 * @param {any} s a state
 * @param {string} id
 */
export function countText(s, id) {
  const d = s.diverged && s.diverged[id];
  return `${s.escaped[id] ?? 0}/${s.runs} escaped${d ? ` · ${d} diverged` : ''}`;
}

/** @param {any} s a state @returns {string} what the markers stand for */
export function drawnNote(s) {
  return s.drawn < s.runs
    ? `Markers for the first ${s.drawn.toLocaleString('en-US')} of ${s.runs.toLocaleString('en-US')} runs per method; counts and curves use all runs.`
    : 'One marker per run.';
}

/**
 * The indicator of each simulated method, with its name.
 * @param {string[]} simulated
 * @param {Record<string, any> | null} indicators
 * @param {Record<string, string>} names
 */
export function indicatorRows(simulated, indicators, names) {
  if (!indicators) return [];
  return simulated.filter((id) => indicators[id]).map((id) => ({ id, name: names[id] || id, ...indicators[id] }));
}

/**
 * The live caption: escapes per method, and a warning when η is beyond GD's stability limit.
 * @param {{ state: any, config: any, simulated: string[], names: Record<string, string>, target: number | null, rows: any[] }} p
 */
export function stateCaption({ state: s, config: c, simulated, names, target, rows }) {
  const parts = simulated.map((id) => `${names[id] || id} ${s.escaped[id] ?? 0}${s.diverged && s.diverged[id] ? ` (${s.diverged[id]} diverged)` : ''}`);
  const first = rows[0];
  const unstable = first && first.gdStableLr && c.lr > first.gdStableLr
    ? ` η is beyond GD's stability limit 2/λ₁ = ${fmt(first.gdStableLr)} at the sharp minimum: escapes come from the step size, not the noise.`
    : '';
  return `Iteration ${s.iteration}${target ? ` of ${target}` : ''}, seed ${c.seed}, η = ${c.lr}, noise trace ${c.noiseTrace}: runs escaped to the flat basin out of ${s.runs}: ${parts.join(', ')}.${unstable}`;
}

/**
 * The indicator table's caption: the Hessian at the sharp minimum and GD's stability limit, from
 * the core's analysis of the landscape (Tr H from the indicator rows, also the core's).
 * @param {any[]} rows indicatorRows()
 * @param {number | null} lr
 * @param {any} [analysis] the landscape's analysis (null: not known yet)
 */
export function hessianCaption(rows, lr, analysis = null) {
  const first = rows[0];
  if (!first || !analysis) return 'At the sharp minimum';
  const limit = analysis.gdStableLr;
  const beyond = limit && lr !== null && lr > limit
    ? ` η = ${lr} is beyond it: even GD's steps overshoot and throw runs out of the sharp minimum, so escapes here measure the step size, not the noise.`
    : '';
  return `At the sharp minimum w = ${pointText(analysis.sharpMinimum)}: Hessian eigenvalues λ₁ = ${fmt(analysis.eigenvalues[0])}, λ₂ = ${fmt(analysis.eigenvalues[1])}, Tr H = ${fmt(first.trH)}; D = 2.${limit ? ` GD is stable there for η < 2/λ₁ = ${fmt(limit)}.` : ''}${beyond}`;
}

/**
 * The live part of "what to watch" (the full page), from the indicators of this configuration
 * (taken at the sharp minimum `at`, the analysis' point).
 * @param {{ indicators: Record<string, any>, config: any, names: Record<string, string>, target: number | null, at?: number[] | null }} p
 */
export function liveCaption({ indicators: ind, config: cfg, names, target, at = null }) {
  const out = [];
  const isoId = ['gld-const', 'gld-diag'].find((id) => ind[id] && ind[id].trSigma > 0);
  const alId = ['gld-eigvec', 'gld-leading', 'gld-hessian'].find((id) => ind[id] && ind[id].trSigma > 0);
  if (isoId && alId) {
    const a = ind[isoId];
    const b = ind[alId];
    out.push(`Live, at ${at ? pointText(at) : 'the sharp minimum'}: noise of trace ${fmt(a.trSigma)} scores Tr(HΣ) = ${fmt(a.trHSigma)} as ${names[isoId]} but ${fmt(b.trHSigma)} as ${names[alId]}.`);
  }
  const sgd = ind.sgd;
  const ref = cfg.noiseTrace;
  const dyn = ind['gld-dynamic'];
  const its = Number.isInteger(target) ? ` in ${target} iterations` : '';
  if (sgd && ref > 0 && sgd.trSigma < 0.3 * ref) {
    const like = dyn && dyn.trSigma < 0.3 * ref ? ', and so is GLD dynamic, which copies its trace' : '';
    out.push(`Honest caveat: SGD’s own noise here (data spread ${fmt(cfg.dataSpread)}, batch ${cfg.batchSize}) has trace ${fmt(sgd.trSigma)}, only ${fmt((100 * sgd.trSigma) / ref, 2)}% of ${fmt(ref)}. It is aligned (×${Number(sgd.ratio).toFixed(2)} the isotropic score) but far too small to escape${its}${like}.`);
    if (cfg.dataSpread > 0 && sgd.trSigma > 0) {
      const s = cfg.dataSpread * Math.sqrt(ref / sgd.trSigma);
      if (s <= 10) out.push(`Its covariance grows as the data spread squared: a spread near ${fmt(s, 2)} gives it trace ≈ ${fmt(ref)}.`);
    }
  } else if (sgd) {
    out.push(`SGD’s own noise has trace ${fmt(sgd.trSigma)} here (the GLD methods get ${fmt(ref)}) and scores ×${Number(sgd.ratio).toFixed(2)} the isotropic Tr(HΣ).`);
  } else {
    out.push('Tick SGD in the settings to compare its own noise with these.');
  }
  return out.join(' ');
}

/**
 * The settings caption: the paper's protocol, from Rust's defaults (a parsed empty link).
 * @param {{ config: any, iterations: number }} d
 */
export function protocolCaption(d) {
  const c = d.config;
  return `Changing a setting starts a fresh simulation. The paper’s protocol: η = ${c.lr}, noise trace ${c.noiseTrace}, ${c.runs} runs, batch ${c.batchSize} of ${c.samples} samples, data spread ${c.dataSpread}, ${d.iterations} iterations.`;
}

/**
 * The start of every export's file name.
 * @param {any} config
 * @param {number} iteration
 */
export function exportBase(config, iteration) {
  return `sgd-escape-toy-seed${(config && config.seed) ?? 0}-it${iteration}`;
}

/**
 * The iterations the escape curves hold (0, stride, 2 stride, ...).
 * @param {any} state
 * @param {number} length
 */
function curveIterations(state, length) {
  return Array.from({ length }, (_, k) => k * state.curveStride);
}

/**
 * CSV: one row per kept iteration, one column per method (fraction of runs escaped).
 * @param {{ state: any, simulated: string[], names: Record<string, string> }} p
 */
export function curvesCsv({ state: s, simulated: ids, names }) {
  const n = Math.max(0, ...ids.map((id) => (s.curves[id] ? s.curves[id].length : 0)));
  const quote = (/** @type {string} */ t) => `"${String(t).replace(/"/g, '""')}"`;
  const lines = [['iteration', ...ids.map((id) => quote(`${names[id] || id} escaped fraction`))].join(',')];
  curveIterations(s, n).forEach((it, k) => {
    lines.push([it, ...ids.map((id) => (s.curves[id] && k < s.curves[id].length ? s.curves[id][k] : ''))].join(','));
  });
  return `${lines.join('\n')}\n`;
}

/**
 * JSON: config, link, and per method its counts, escape curve and indicator.
 * @param {{ state: any, simulated: string[], names: Record<string, string>, indicators: Record<string, any> | null, config: any, hash: string, target: number | null }} p
 */
export function curvesJson({ state: s, simulated, names, indicators, config, hash, target }) {
  /** @type {Record<string, any>} */
  const methods = {};
  for (const id of simulated) {
    methods[id] = {
      name: names[id] || id,
      escaped: s.escaped[id] ?? 0,
      diverged: s.diverged && id in s.diverged ? s.diverged[id] : null,
      escapeCurve: Array.from(s.curves[id] || []),
      indicator: indicators ? indicators[id] : null,
    };
  }
  return { figure: 'toy', link: hash, config, pauseAt: target, iteration: s.iteration, runs: s.runs, curveStride: s.curveStride, curveIterations: curveIterations(s, Math.max(0, ...Object.values(methods).map((m) => m.escapeCurve.length))), methods };
}
