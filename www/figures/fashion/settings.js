// The settings of the FashionMNIST figure: what the schema says about them, how a value is
// checked (an error names the field), a parsed link as the figure's state and that state as the
// canonical hash, the committed stage-1 minimums, and the paper's protocol. Pure (no DOM).

import { encodeHash, sharedPairs } from '../../lib/link.js';
import { METHODS, figureSchema, setting, presetValues } from '../../lib/schema.js';

const FASHION = figureSchema('fashion');

/**
 * A number field of the settings card: its link key, the state's name for it, its input id,
 * what an error calls it, and the schema's setting (range, default, label).
 * @typedef {{ key: string, name: string, id: string, what: string, setting: import('../../lib/schema.js').Setting }} Field
 */

/**
 * @param {string} key the link key
 * @param {string} name the state's name for it
 * @param {string} id the input's id
 * @param {string} what what an error message calls it
 * @returns {Field}
 */
function field(key, name, id, what) {
  return { key, name, id, what, setting: setting('fashion', key) };
}

/**
 * The figure's settings and controls, from the schema (src/schema/fashion.rs): the parts an
 * embed may list, the eight dynamics, and the settings of the settings card.
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
  /** The networks the figure trains (link key `network`). */
  networks: /** @type {string[]} */ (/** @type {any} */ (setting('fashion', 'network')).choices),
  /** The page's default network (the schema's default). */
  network: /** @type {string} */ (setting('fashion', 'network').default),
  /** The paper's stage 2 (the preset fashion-5-3): iterations, logEvery, seed, methods, network. */
  paper: presetValues('fashion', 'fashion-5-3'),
};

const METHOD_IDS = SCHEMA.methods.map(([id]) => id);
const FIELD_BY_NAME = Object.fromEntries(SCHEMA.fields.map((f) => [f.name, f]));

/** The settings that start the experiment over when they change (the rest: the target). */
export const STRUCTURAL = ['methods', 'seed', 'logEvery', 'threads', 'fromScratch', 'maxRecords', 'network'];

/** Worker threads by default: each holds the data and its own wasm memory (about 22 MB), so
 * two keep the page's wasm memory under 64 MB; the paper protocol uses every core. */
export const DEFAULT_THREADS = 2;

/** @param {number} v @returns {string} with thousands separators */
export const int = (v) => Number(v).toLocaleString('en-US');

/**
 * Worker threads for `cores` cores: every core up to the schema's maximum (one per method).
 * @param {number} cores
 */
export function maxThreads(cores) {
  const t = FIELD_BY_NAME.threads.setting;
  return Math.max(/** @type {number} */ (t.min), Math.min(/** @type {number} */ (t.max), cores || 2));
}

/** @param {number} cores @returns {number} the default worker threads (DEFAULT_THREADS at most) */
export function autoThreads(cores) {
  return Math.min(DEFAULT_THREADS, maxThreads(cores));
}

/**
 * The settings of the figure, all valid.
 * @typedef {{ methods: string[], seed: number, logEvery: number, target: number, threads: number, fromScratch: boolean, network: string, maxRecords: number }} Settings
 */

/**
 * The default settings on a machine with `cores` cores.
 * @param {number} cores
 * @returns {Settings}
 */
export function defaultSettings(cores) {
  const d = (/** @type {string} */ name) => /** @type {number} */ (FIELD_BY_NAME[name].setting.default);
  return { methods: [...METHOD_IDS], seed: d('seed'), logEvery: d('logEvery'), target: d('target'), threads: autoThreads(cores), fromScratch: false, network: SCHEMA.network, maxRecords: /** @type {number} */ (SCHEMA.maxRecords.default) };
}

/**
 * Checks the settings in `partial` (any of Settings' keys; others are ignored): the valid ones
 * in `values`, and for each bad one a message naming it in `errors` (by the state's name).
 * @param {Record<string, any>} partial
 * @returns {{ values: Partial<Settings>, errors: Record<string, string> }}
 */
export function checkSettings(partial) {
  /** @type {Record<string, any>} */
  const values = {};
  /** @type {Record<string, string>} */
  const errors = {};
  for (const f of SCHEMA.fields) {
    if (!(f.name in partial) || partial[f.name] === undefined) continue;
    const v = partial[f.name];
    const { min, max } = /** @type {{ min: number, max: number }} */ (f.setting);
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) values[f.name] = v;
    else errors[f.name] = `The ${f.what} must be a whole number from ${int(min)} to ${int(max)}${typeof v === 'number' && Number.isNaN(v) ? '' : `, got ${String(v)}`}.`;
  }
  if (partial.methods !== undefined) {
    const m = partial.methods;
    if (!Array.isArray(m) || !m.length) errors.methods = 'Choose at least one method.';
    else if (m.some((id) => !METHOD_IDS.includes(id))) errors.methods = `The methods must be among ${METHOD_IDS.join(', ')}, got ${m.join(', ')}.`;
    else values.methods = METHOD_IDS.filter((id) => m.includes(id));
  }
  if (partial.network !== undefined) {
    if (SCHEMA.networks.includes(partial.network)) values.network = partial.network;
    else errors.network = `The network must be one of ${SCHEMA.networks.join(', ')}, got ${String(partial.network)}.`;
  }
  if (partial.fromScratch !== undefined) {
    if (typeof partial.fromScratch === 'boolean') values.fromScratch = partial.fromScratch;
    else errors.fromScratch = `fromScratch must be true or false, got ${String(partial.fromScratch)}.`;
  }
  if (partial.maxRecords !== undefined) {
    const c = partial.maxRecords;
    const { min, max } = /** @type {{ min: number, max: number }} */ (SCHEMA.maxRecords);
    if (Number.isInteger(c) && c >= min && c <= max) values.maxRecords = c;
    else errors.maxRecords = `maxRecords must be a whole number from ${int(min)} to ${int(max)}, got ${String(c)}.`;
  }
  return { values, errors };
}

/**
 * Whether two settings run the same experiment (they may differ in their target only).
 * @param {Record<string, any> | null} a
 * @param {Record<string, any> | null} b
 */
export function sameStructure(a, b) {
  return !!a && !!b && STRUCTURAL.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/**
 * The paper's stage 2 (the preset fashion-5-3): all eight dynamics from the saved seed-0
 * minimum of the paper's network, the CNN, to iteration 15,000, a record every 500, on every
 * core. It sets the network explicitly: the paper's protocol is the CNN's, whatever ran before.
 * @param {number} cores
 * @returns {Settings & { playing: boolean }}
 */
export function paperSettings(cores) {
  const p = SCHEMA.paper;
  return {
    methods: [...p.methods], seed: p.seed, logEvery: p.logEvery, target: p.iterations, threads: maxThreads(cores),
    fromScratch: false, network: p.network, maxRecords: /** @type {number} */ (SCHEMA.maxRecords.default), playing: true,
  };
}

/**
 * A parsed link (Rust's parsePermalink) as the state mount / setState takes.
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

/** @param {string} network @returns {number} the seed of the network's committed minimum */
export function savedSeed(network) {
  return /** @type {Record<string, { seed: number }>} */ (SAVED_MINIMUMS)[network].seed;
}

/** What the network is, for labels: `the paper’s CNN` or `the MLP (784-14-10)`. */
export function networkName(/** @type {string} */ network) {
  return network === 'cnn' ? 'the paper’s CNN' : 'the MLP (784-14-10)';
}
