// The model of the FashionMNIST figure: its settings from the schema, a parsed link as the
// state the figure takes and that state as the canonical hash, what became of each method, and
// the live caption. Pure (no DOM). The experiment's state machine lives in figure.js.

import { encodeHash, sharedPairs } from '../../lib/link.js';
import { fmt } from '../../lib/format.js';
import { METHODS, figureSchema, setting, presetValues } from '../../lib/schema.js';

const FASHION = figureSchema('fashion');
/**
 * The figure's settings and controls, from the schema (src/schema/fashion.rs): the parts an
 * embed may list, the eight dynamics, and the settings of the settings card (link key, the
 * controller's name for it, input id, what an error calls it).
 */
export const SCHEMA = {
  controls: FASHION.parts,
  methods: /** @type {[string, string][]} */ (METHODS.map((m) => [m.id, m.name])),
  fields: [
    field('iterations', 'target', 'fashion-iterations', 'iteration target'),
    field('logEvery', 'logEvery', 'fashion-log-every', 'record interval'),
    field('seed', 'seed', 'fashion-seed', 'seed'),
    field('workers', 'threads', 'fashion-threads', 'number of worker threads'),
  ],
  maxRecords: setting('fashion', 'maxRecords'),
  /** The networks the figure trains (link key `network`), the page's default first. */
  networks: /** @type {string[]} */ (/** @type {any} */ (setting('fashion', 'network')).choices),
  /** The page's default network (the schema's default). */
  network: /** @type {string} */ (setting('fashion', 'network').default),
  /** The paper's stage 2 (the preset fashion-5-3): iterations, logEvery, seed, methods. */
  paper: presetValues('fashion', 'fashion-5-3'),
};

/**
 * @param {string} key the link key
 * @param {string} name the controller's name for it
 * @param {string} id the input's id
 * @param {string} what what an error message calls it
 */
function field(key, name, id, what) {
  return { key, name, id, what, setting: setting('fashion', key) };
}

/**
 * A parsed link (Rust's parsePermalink) as the state mountFashion / setState takes.
 * @param {any} link
 * @returns {Record<string, any>}
 */
export function fashionState(link) {
  const f = link.fashion;
  /** @type {Record<string, any>} */
  const s = {
    methods: f.methods,
    seed: f.seed,
    target: f.iterations,
    logEvery: f.logEvery,
    maxRecords: f.maxRecords,
    fromScratch: f.fromScratch,
    hidden: link.hide,
    playing: link.play,
    network: f.network ?? SCHEMA.network,
  };
  if (f.workers != null) s.threads = f.workers;
  if (f.spectrum != null) s.spectrumMethod = f.spectrum;
  return s;
}

/**
 * The canonical hash of a FashionMNIST state (getState()).
 * @param {Record<string, any>} s
 * @param {{ controls?: string[] | null, lecture?: boolean }} [extra]
 * @returns {string}
 */
export function fashionHash(s, extra = {}) {
  /** @type {[string, unknown][]} */
  const pairs = [
    ['figure', 'fashion'],
    ['methods', (s.methods || []).join(',')],
    ['seed', s.seed], ['iterations', s.target], ['logEvery', s.logEvery], ['maxRecords', s.maxRecords],
    ['workers', s.threads],
  ];
  if (s.network && s.network !== SCHEMA.network) pairs.push(['network', s.network]);
  if (s.fromScratch) pairs.push(['fromScratch', 1]);
  if (s.spectrumMethod) pairs.push(['spectrum', s.spectrumMethod]);
  pairs.push(['play', s.playing ? 1 : 0]);
  if (s.hidden && s.hidden.length) pairs.push(['hide', s.hidden.join(',')]);
  return encodeHash([...pairs, ...sharedPairs(extra)]);
}

/**
 * The start of every export's file name.
 * @param {Record<string, any>} s
 */
export function exportBase(s) {
  return `sgd-escape-fashion-${s.network || SCHEMA.network}-seed${s.seed}-it${s.target}`;
}

/**
 * The committed stage-1 minimums (`sgd-escape fashion --network N --save-start`), by network:
 * the seed they are for and their path under www/. Other seeds (or networks) run stage 1.
 */
export const SAVED_MINIMUMS = {
  mlp: { seed: 0, path: 'data/fashion-minimum-seed0.bin' },
  cnn: { seed: 0, path: 'data/fashion-cnn-minimum-seed0.bin' },
};

/**
 * The saved minimum for a network and seed, or null when stage 1 has to run.
 * @param {string} network
 * @param {number} seed
 * @returns {{ seed: number, path: string } | null}
 */
export function savedMinimum(network, seed) {
  const m = /** @type {Record<string, { seed: number, path: string }>} */ (SAVED_MINIMUMS)[network];
  return m && m.seed === seed ? m : null;
}

/** What the network is, for labels: `the paper's CNN` or `the MLP (784-14-10)`. */
export function networkName(/** @type {string} */ network) {
  return network === 'cnn' ? 'the paper’s CNN' : 'the MLP (784-14-10)';
}

/** The sentence of the caption that points to the multi-seed verdict (docs, not this run). */
export const VERDICT_POINTER = 'Whether this holds over many seeds: REPRODUCTION.md, section 3.';

// A training loss this many times the one at the minimum means the run has left the minimum;
// a non-finite one, or one beyond ESCAPE_FACTOR times chance level (log 10), that it diverged.
export const ESCAPE_FACTOR = 10;
const DIVERGED_LOSS = 10 * Math.log(10);

/** @param {number} v a fraction @returns {string} it as a percentage, or a dash */
export const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');
/** @param {number} v @returns {string} with thousands separators */
export const int = (v) => Number(v).toLocaleString('en-US');

/**
 * What became of a method, from its records (the first at the minimum): `diverged` (the worker
 * stopped it, or a loss not finite or beyond 10x chance level), `escaped` (training loss above
 * ESCAPE_FACTOR times the minimum's), `stuck`, or '' before it has two records.
 * @param {{ iteration: number, trainLoss: number }[]} rs
 * @param {{ iteration: number } | undefined} stopped the worker's report of a divergence
 * @returns {{ kind: string, text: string, iteration?: number }}
 */
export function methodStatus(rs, stopped) {
  const start = rs[0];
  if (stopped) return { kind: 'diverged', text: `diverged at iteration ${int(stopped.iteration)}: loss not finite; stopped` };
  const huge = rs.find((r) => !Number.isFinite(r.trainLoss) || r.trainLoss > DIVERGED_LOSS);
  if (huge) return { kind: 'diverged', text: `diverged at iteration ${int(huge.iteration)} (training loss ${fmt(huge.trainLoss)})` };
  if (start) {
    const out = rs.find((r) => r.trainLoss > ESCAPE_FACTOR * start.trainLoss);
    if (out) return { kind: 'escaped', text: `left the minimum by iteration ${int(out.iteration)}`, iteration: out.iteration };
    if (rs.length > 1) return { kind: 'stuck', text: 'still in the minimum' };
  }
  return { kind: '', text: '' };
}

/**
 * The live caption: the numbers at the minimum, then what became of each method, and the best
 * test accuracy and flattest point of the latest records (against GD's when it runs).
 * `network` and `testSize` (images the test accuracy is measured on) say what runs; the caption
 * ends with VERDICT_POINTER (the multi-seed verdict lives in the docs, not in one run).
 * @param {{ start: any, ids: string[], records: Record<string, any[]>, names: Record<string, string>, params: number, statusOf: (id: string) => { kind: string }, network?: string, testSize?: number }} p
 * @returns {string}
 */
export function liveCaption({ start: s, ids, records, names, params, statusOf, network = SCHEMA.network, testSize }) {
  const out = [];
  const ratio = s.trHSigmaIso > 0 ? s.trHSigma / s.trHSigmaIso : NaN;
  const on = testSize ? ` on ${int(testSize)} held-out images` : '';
  out.push(`Network: ${networkName(network)}. At the minimum: ${pct(s.trainAccuracy)} of the training labels fitted (the random ones: ${pct(s.corruptedAccuracy)}), test accuracy ${pct(s.testAccuracy)}${on}, expected sharpness ${fmt(s.sharpness, 2)}, top Hessian eigenvalue ${fmt(s.topEigenvalues[0])}; SGD’s noise there scores Tr(HΣ) ×${fmt(ratio)} the isotropic reference (D = ${int(params)}).`);
  // The iteration all methods have a record for.
  const it = Math.min(...ids.map((id) => { const rs = records[id] || []; return rs.length ? rs[rs.length - 1].iteration : 0; }));
  if (it > 0) {
    const left = [];
    const stuck = [];
    for (const id of ids) {
      const k = statusOf(id).kind;
      if (k === 'escaped' || k === 'diverged') left.push(id); else if (k === 'stuck') stuck.push(id);
    }
    const list = (/** @type {string[]} */ xs) => xs.map((id) => names[id]).join(', ');
    if (left.length) {
      const fits = left.map((id) => { const rs = records[id]; return rs[rs.length - 1].corruptedAccuracy; });
      out.push(`By iteration ${int(it)}, ${list(left)} ${left.length > 1 ? 'have' : 'has'} left it (training loss above ${ESCAPE_FACTOR}× its value at the minimum); ${left.length > 1 ? 'their' : 'its'} fit of the random labels is down to ${fits.length > 1 ? `${pct(Math.min(...fits))}–${pct(Math.max(...fits))}` : pct(fits[0])}.`);
    }
    if (stuck.length) out.push(`${list(stuck)} ${stuck.length > 1 ? 'are' : 'is'} still in it.`);
    // Test accuracy and sharpness of the latest records, against GD's when it runs.
    const latest = (/** @type {string} */ id) => { const rs = records[id] || []; return rs[rs.length - 1]; };
    const gd = ids.includes('gd') ? latest('gd') : null;
    const others = ids.filter((id) => id !== 'gd' && latest(id));
    if (others.length) {
      const best = others.reduce((a, b) => (latest(b).testAccuracy > latest(a).testAccuracy ? b : a));
      const flat = others.reduce((a, b) => (latest(b).sharpness < latest(a).sharpness ? b : a));
      out.push(`Latest records: the best test accuracy${on} is ${names[best]}’s, ${pct(latest(best).testAccuracy)} at iteration ${int(latest(best).iteration)}${gd ? ` (GD: ${pct(gd.testAccuracy)} at ${int(gd.iteration)})` : ''}; the flattest point is ${names[flat]}’s, expected sharpness ${fmt(latest(flat).sharpness, 2)}${gd ? ` (GD: ${fmt(gd.sharpness, 2)})` : ''}.`);
    }
  }
  out.push(VERDICT_POINTER);
  return out.join(' ');
}
