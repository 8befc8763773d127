// The model of the FashionMNIST figure on the link's side: the parts an embed may list, a
// parsed link as the state the figure takes, and that state as the canonical hash. Pure (no
// DOM). The experiment's state machine lives in figure.js.

import { encodeHash, sharedPairs } from '../../lib/link.js';

// The parts an embed may list (a copy of FASHION_CONTROLS in src/permalink/later.rs, kept equal
// by a Rust test: the embed lays out before wasm loads).
const FASHION_CONTROLS = ['settings', 'paper', 'spectrum', 'strip', 'link', 'export'];
/** The figure's settings and controls, one data object. */
export const SCHEMA = { controls: FASHION_CONTROLS };

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
