// Every sentence of the one-hidden-layer figure that depends on the run, as pure functions of
// its records (no DOM): the live caption, the line when training is done, the boundary's info.

import { fmt } from '../../lib/format.js';

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
 * @param {number | null} parameters D, the network's parameter count (null before it is known)
 * @returns {string}
 */
export function liveCaption(records, parameters) {
  const r = records[records.length - 1];
  const first = records[0];
  const parts = [];
  parts.push(`Epoch ${r.epoch}: Tr(HΣ) = ${fmt(r.trHSigma)} against Tr H·Tr Σ / D = ${fmt(r.trHSigmaIso)} (D = ${parameters ?? '?'}), ×${fmt(ratioOf(r))} the isotropic score; training accuracy ${(100 * r.trainAccuracy).toFixed(1)}%.`);
  if (r.epoch > 0 && first) {
    const ratios = records.map(ratioOf).filter(Number.isFinite);
    const above = records.filter((x) => x.trHSigma > x.trHSigmaIso).length;
    parts.push(`So far the ratio has ranged from ×${fmt(Math.min(...ratios))} to ×${fmt(Math.max(...ratios))} (×${fmt(ratioOf(first))} at initialisation); Tr(HΣ) was above the reference at ${above === records.length ? 'every one' : `${above}`} of ${records.length} epochs measured.`);
  }
  return parts.join(' ');
}

/**
 * The status line once every epoch is done: at how many epochs Tr(HΣ) beat the reference.
 * @param {{ trHSigma: number, trHSigmaIso: number }[]} records
 * @param {number} epochs
 */
export function doneCaption(records, epochs) {
  const r = records[records.length - 1];
  const above = records.filter((x) => x.trHSigma > x.trHSigmaIso).length;
  const where = above === records.length ? 'at every epoch' : `at ${above} of ${records.length} epochs`;
  return `All ${epochs} epochs done: Tr(HΣ) was above the isotropic reference ${where}${r ? ` (×${fmt(ratioOf(r))} at the end)` : ''}.`;
}

/**
 * The lines written over the boundary plot: the epoch, the training accuracy and loss.
 * @param {{ epoch: number, trainAccuracy: number, trainLoss: number }[]} records
 * @param {number} epochs
 */
export function boundaryInfo(records, epochs) {
  const r = records[records.length - 1];
  if (!r) return null;
  return [
    { text: `epoch ${r.epoch} of ${epochs}`, bold: true },
    { text: `train accuracy ${(100 * r.trainAccuracy).toFixed(1)}%`, soft: true },
    { text: `train loss ${fmt(r.trainLoss)}`, soft: true },
  ];
}
