// The model of the FashionMNIST figure on the link's side: the parts an embed may list, a
// parsed link as the state the figure takes, and that state as the canonical hash. Pure (no
// DOM). The experiment's state machine lives in figure.js.

import { encodeHash, sharedPairs } from '../../lib/link.js';
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
  return `sgd-escape-fashion-seed${s.seed}-it${s.target}`;
}
