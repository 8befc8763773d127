// What the view shows of the FashionMNIST model, computed from its state (no DOM): the live
// caption, the native reference runs' verdict, the spectrum caption, the progress row with the ETA, the time estimate of the chosen
// settings with each method's cost, the stage-1 note and the network's name. The sentences
// themselves are captions.js's; these functions pick what they are about from the model.

import { estimateMs, partition, priorMs, PRIOR_RECORD_MS } from './costs.js';
import { SCHEMA, savedMinimum, networkName, int } from './settings.js';
import { liveCaption, spectrumCaption, progressLine, estimateText, stage1Note, costLabel } from './captions.js';
import { referenceSentence, referenceSummary } from './reference.js';

/** @typedef {import('./model.js').FashionModel} FashionModel */

/** @param {FashionModel} m @returns {string} the note under the stage-1 checkbox */
export function stage1NoteOf(m) {
  const { network, seed } = m.draft;
  return stage1Note({ network, seed, forced: m.stage1Forced(), cached: m.minimums.has(`${network}:${seed}`) });
}

/** @param {FashionModel} m @returns {string} the live caption ('' before the minimum is known) */
export function liveCaptionOf(m) {
  if (!m.start) return '';
  const network = m.settings ? m.settings.network : m.draft.network;
  return liveCaption({ start: m.start, ids: m.ids, records: m.records, names: m.names, parameters: m.parameters || 0, statusOf: (id) => m.status(id), network, testSize: m.config ? m.config.testSize : undefined });
}

/**
 * The native reference runs of the network shown: a one-line summary (each claim's outcome)
 * and the full quote (every comparison), or null before the reference has loaded or without
 * runs of this network.
 * @param {FashionModel} m
 * @returns {{ summary: string, text: string } | null}
 */
export function referenceOf(m) {
  if (!m.reference) return null;
  const network = m.settings ? m.settings.network : m.draft.network;
  const summary = referenceSummary(m.reference, network);
  const text = referenceSentence(m.reference, network);
  return summary && text ? { summary, text } : null;
}

/** @param {FashionModel} m @returns {string} the caption of the spectrum shown */
export function spectrumCaptionOf(m) { return spectrumCaption({ rec: m.spectrumRecord(), start: m.start, parameters: m.parameters }); }

/** @param {FashionModel} m the progress row (captions.js progressLine); keeps the ETA of stage 2 in `m.etaMs` */
export function progressOf(m) {
  const t = m.target();
  const live = m.ids.filter((id) => !m.diverged[id]);
  const staged = m.phase === 'ready' || m.phase === 'running';
  // Workers run side by side: the experiment ends when the slowest one does.
  m.etaMs = staged ? Math.max(0, ...m.shards.map((sh) => estimateMs({
    ids: sh.methods, iterations: m.iterations, target: t, logEvery: /** @type {any} */ (m.settings).logEvery,
    msPerIter: m.perf ? m.perf.msPerIter : priorMs(/** @type {any} */ (m.settings).network), recordMs: m.perf ? m.perf.recordMs : null, diverged: m.diverged,
  }))) : null;
  return progressLine({ phase: m.phase, stage1: m.stage1, trainSize: m.config ? m.config.trainSize : undefined, live, iterations: m.iterations, target: t, iteration: m.minIteration(), etaMs: m.etaMs, measured: !!m.perf });
}

/** @param {FashionModel} m the time estimate of the chosen settings, and each method's cost label */
export function estimateOf(m) {
  const s = m.draft;
  const measured = m.perf ? m.perf.msPerIter : {};
  const prior = priorMs(s.network);
  /** @type {Record<string, { text: string, measured: boolean }>} */
  const costs = {};
  for (const [id] of SCHEMA.methods) costs[id] = { text: costLabel(measured[id] ?? prior[id], measured[id] !== undefined), measured: measured[id] !== undefined };
  if (Object.keys(m.errors).length) return { text: '', costs };
  const stage1 = (s.fromScratch || !savedMinimum(s.network, s.seed)) && !m.minimums.has(`${s.network}:${s.seed}`);
  const recordMs = m.perf ? m.perf.recordMs : null;
  const groups = partition(s.methods, s.threads, s.logEvery, measured, recordMs);
  const ms = Math.max(...groups.map((ids) => estimateMs({ ids, iterations: {}, target: s.target, logEvery: s.logEvery, msPerIter: measured, recordMs })));
  return { text: estimateText({ target: s.target, ms, workers: groups.length, measured: !!m.perf, stage1, recordMs: recordMs ?? PRIOR_RECORD_MS }), costs };
}

/** @param {FashionModel} m what the network is, for the lede */
export function networkLabelOf(m) {
  const n = m.settings ? m.settings.network : m.draft.network;
  return { name: n === 'cnn' ? networkName(n) : 'a small MLP', arch: m.layerSizes ? ` (layers ${m.layerSizes.join('–')}, D = ${int(m.parameters || 0)} parameters)` : '' };
}
