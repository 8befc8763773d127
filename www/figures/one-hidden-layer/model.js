// The model of the one-hidden-layer figure: its settings from the schema, a parsed link as the
// state the figure takes and that state as the canonical hash, applying a link to the
// controller, and the live caption. Pure (no DOM). The training loop's state lives in figure.js.

import { encodeHash, sharedPairs } from '../../lib/link.js';
import { figureSchema } from '../../lib/schema.js';
import { fmt } from '../../lib/format.js';

const OHL = figureSchema('one-hidden-layer');
/**
 * The figure's settings and controls, from the schema (src/schema/one_hidden_layer.rs): the
 * parts an embed may list, and the settings the study is built with (its config's keys) with
 * their defaults (the paper's protocol).
 */
export const SCHEMA = {
  controls: OHL.parts,
  config: OHL.settings.filter((s) => s.api),
};

/**
 * A parsed link as the state mountOneHidden / setState takes (`epoch`: train to it).
 * @param {any} link
 * @returns {Record<string, any>}
 */
export function ohlState(link) {
  const o = link.oneHiddenLayer;
  return { seed: o.seed, epochs: o.epochs, samples: o.samples, lr: o.lr, epoch: o.epoch, playing: link.play };
}

/**
 * The canonical hash of a one-hidden-layer state (getState()).
 * @param {Record<string, any>} s
 * @param {{ controls?: string[] | null, lecture?: boolean }} [extra]
 * @returns {string}
 */
export function ohlHash(s, extra = {}) {
  /** @type {[string, unknown][]} */
  const pairs = [
    ['figure', OHL.id],
    ['seed', s.seed], ['epochs', s.epochs], ['samples', s.samples], ['lr', s.lr], ['epoch', s.epoch],
    ['play', s.playing ? 1 : 0],
  ];
  return encodeHash([...pairs, ...sharedPairs(extra)]);
}

/**
 * The start of every export's file name.
 * @param {Record<string, any>} s
 */
export function exportBase(s) {
  return `sgd-escape-ohl-seed${s.seed}-epoch${s.epoch}`;
}

/**
 * Applies a link's state to the controller: the settings, then training to the link's epoch
 * (unpaced), then, if the link says play, playing on from there.
 * @param {any} controller
 * @param {Record<string, any>} state
 */
export function applyOhlState(controller, state) {
  const { epoch, playing, ...config } = state;
  controller.setState({ ...config, playing: false });
  if (epoch) controller.setState({ epoch });
  if (!playing) return;
  if (!epoch) { controller.play(); return; }
  const off = controller.onChange((/** @type {any} */ s) => {
    if (s.epoch >= epoch && !s.playing) { off(); controller.play(); }
  });
}

/**
 * The indicator's ratio of a record: Tr(HΣ) over the isotropic reference (NaN without one).
 * @param {{ trHSigma: number, trHSigmaIso: number }} r
 */
export function ratioOf(r) {
  return r.trHSigmaIso > 0 ? r.trHSigma / r.trHSigmaIso : NaN;
}

/**
 * The live caption: the latest epoch's Tr(HΣ) against the isotropic reference, then the range
 * of the ratio so far and at how many epochs Tr(HΣ) was above the reference.
 * @param {{ epoch: number, trHSigma: number, trHSigmaIso: number, trainAccuracy: number }[]} records one per epoch
 * @param {number | null} params D, the network's parameter count (null before it is known)
 * @returns {string}
 */
export function liveCaption(records, params) {
  const r = records[records.length - 1];
  const first = records[0];
  const parts = [];
  parts.push(`Epoch ${r.epoch}: Tr(HΣ) = ${fmt(r.trHSigma)} against Tr H·Tr Σ / D = ${fmt(r.trHSigmaIso)} (D = ${params ?? '?'}), ×${fmt(ratioOf(r))} the isotropic score; training accuracy ${(100 * r.trainAccuracy).toFixed(1)}%.`);
  if (r.epoch > 0 && first) {
    const ratios = records.map(ratioOf).filter(Number.isFinite);
    const above = records.filter((x) => x.trHSigma > x.trHSigmaIso).length;
    parts.push(`So far the ratio has ranged from ×${fmt(Math.min(...ratios))} to ×${fmt(Math.max(...ratios))} (×${fmt(ratioOf(first))} at initialisation); Tr(HΣ) was above the reference at ${above === records.length ? 'every one' : `${above}`} of ${records.length} epochs measured.`);
  }
  return parts.join(' ');
}
