// Every sentence and label of the FashionMNIST figure that depends on the run, as pure functions
// of plain data (no DOM): what became of a method, the live caption, the spectrum caption, the
// table's sharpness cell, the progress line, the time estimate and the stage-1 note.
//
// The rule for comparisons: nothing ranks two values whose difference lies within 2 standard
// errors (docs/reproduction.md). Expected sharpness carries its standard error
// (`sharpnessStdErr`); a test accuracy p on n images has the binomial one, sqrt(p(1-p)/n). The
// two errors of a difference are combined as if independent, sqrt(a² + b²): the methods share
// their test images and sharpness draws, so this is the conservative side (fewer rankings).
// A negative sharpness is never shown without its error.

import { fmt } from '../../lib/format.js';
import { int, networkName, savedSeed } from './settings.js';

export { int };

/** @param {number} v a fraction @returns {string} it as a percentage, or a dash */
export const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');

/** The sentence of the caption that points to the multi-seed verdict (docs, not this run). */
export const VERDICT_POINTER = 'Whether this holds over many seeds: REPRODUCTION.md, section 3.';

// A training loss this many times the one at the minimum means the run has left the minimum;
// a non-finite one, or one beyond 10 times chance level (log 10), that it diverged.
export const ESCAPE_FACTOR = 10;
const DIVERGED_LOSS = 10 * Math.log(10);
/** How many standard errors apart two values must be before a caption ranks them. */
export const SE_RULE = 2;
/** An eigenvalue this many times the mean eigenvalue Tr H / D counts as large. */
export const LARGE_FACTOR = 10;

/** @param {number} ms @returns {string} a duration for people ('1 min 05 s'), or a dash */
export function duration(ms) {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${Math.max(1, s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/**
 * The standard error of an accuracy `p` measured on `n` images (NaN when n is unknown).
 * @param {number} p
 * @param {number | undefined} n
 */
export function accuracyStdErr(p, n) {
  return n && n > 0 && Number.isFinite(p) ? Math.sqrt(Math.max(0, p * (1 - p)) / n) : NaN;
}

/**
 * Whether a and b lie more than SE_RULE standard errors of their difference apart (false when
 * an error is unknown: then nothing may be ranked).
 * @param {number} a
 * @param {number} seA
 * @param {number} b
 * @param {number} seB
 */
export function separated(a, seA, b, seB) {
  const se = Math.sqrt(seA * seA + seB * seB);
  return Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(se) && Math.abs(a - b) > SE_RULE * se;
}

/**
 * The leader of `items` (highest `v` for 'max', lowest for 'min') and the others that lie
 * within SE_RULE standard errors of it (`ties`; empty: the leader may be named as such).
 * @param {{ id: string, v: number, se: number }[]} items
 * @param {'max' | 'min'} dir
 * @returns {{ id: string, v: number, se: number, ties: string[] }}
 */
export function leader(items, dir) {
  const top = items.reduce((a, b) => ((dir === 'max' ? b.v > a.v : b.v < a.v) ? b : a));
  return { ...top, ties: items.filter((x) => x !== top && !separated(top.v, top.se, x.v, x.se)).map((x) => x.id) };
}

/**
 * An expected sharpness for a label: `v ± se` (one standard error); a negative value without an
 * error is not shown (a dash).
 * @param {number} v
 * @param {number | undefined} se
 */
export function sharpnessText(v, se) {
  if (!Number.isFinite(v)) return '—';
  if (se !== undefined && Number.isFinite(se)) return `${fmt(v, 2)} ± ${fmt(se, 2)}`;
  return v < 0 ? '—' : fmt(v, 2);
}

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

/** @param {string[]} names @returns {string} 'A', 'A and B', 'A, B and C' */
const listOf = (names) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/**
 * The live caption: the numbers at the minimum, what became of each method, and the latest
 * records' test accuracy and sharpness, ranked only where the ranking is outside 2 standard
 * errors (module comment). `network` and `testSize` (images the test accuracy is measured on)
 * say what runs; the caption ends with VERDICT_POINTER (where the native multi-seed runs are
 * documented; their verdict is quoted beside it, reference.js, outside this live region so that
 * a screen reader does not read it again at every record).
 * @param {{ start: any, ids: string[], records: Record<string, any[]>, names: Record<string, string>, parameters: number, statusOf: (id: string) => { kind: string }, network: string, testSize?: number }} p
 * @returns {string}
 */
export function liveCaption({ start: s, ids, records, names, parameters, statusOf, network, testSize }) {
  const out = [];
  const ratio = s.trHSigmaIso > 0 ? s.trHSigma / s.trHSigmaIso : NaN;
  const on = testSize ? ` on ${int(testSize)} held-out images` : '';
  out.push(`Network: ${networkName(network)}. At the minimum: ${pct(s.trainAccuracy)} of the training labels fitted (the random ones: ${pct(s.corruptedAccuracy)}), test accuracy ${pct(s.testAccuracy)}${on}, expected sharpness ${sharpnessText(s.sharpness, s.sharpnessStdErr)}, top Hessian eigenvalue ${fmt(s.topEigenvalues[0])}; SGD’s noise there scores Tr(HΣ) ×${fmt(ratio)} the isotropic reference (D = ${int(parameters)}).`);
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
    const latest = latestComparison({ ids, records, names, testSize });
    if (latest) out.push(latest);
  }
  out.push(VERDICT_POINTER);
  return out.join(' ');
}

/**
 * The latest records' test accuracy and expected sharpness, GD's quoted beside; a method is
 * called best or flattest only when every other lies more than 2 standard errors away.
 * @param {{ ids: string[], records: Record<string, any[]>, names: Record<string, string>, testSize?: number }} p
 * @returns {string} '' without records
 */
export function latestComparison({ ids, records, names, testSize }) {
  const latest = (/** @type {string} */ id) => { const rs = records[id] || []; return rs[rs.length - 1]; };
  const gd = ids.includes('gd') ? latest('gd') : null;
  const others = ids.filter((id) => id !== 'gd' && latest(id));
  if (!others.length) return '';
  const on = testSize ? ` on ${int(testSize)} held-out images` : '';
  const acc = (/** @type {string} */ id) => `${pct(latest(id).testAccuracy)} at iteration ${int(latest(id).iteration)}`;
  const sharp = (/** @type {any} */ r) => sharpnessText(r.sharpness, r.sharpnessStdErr);
  const gdAcc = gd ? ` (GD: ${pct(gd.testAccuracy)} at ${int(gd.iteration)})` : '';
  const gdSharp = gd ? ` (GD: ${sharp(gd)})` : '';
  if (others.length === 1) {
    const id = others[0];
    return `Latest records: ${names[id]}’s test accuracy${on} is ${acc(id)}${gdAcc}; its expected sharpness ${sharp(latest(id))}${gdSharp}.`;
  }
  const best = leader(others.map((id) => ({ id, v: latest(id).testAccuracy, se: accuracyStdErr(latest(id).testAccuracy, testSize) })), 'max');
  const flat = leader(others.map((id) => ({ id, v: latest(id).sharpness, se: latest(id).sharpnessStdErr })), 'min');
  const tied = (/** @type {string[]} */ ties) => listOf(ties.map((id) => `${names[id]}’s`));
  const accText = best.ties.length
    ? `the highest test accuracy${on}, ${names[best.id]}’s ${acc(best.id)}, is within ${SE_RULE} standard errors of ${tied(best.ties)}, so none is best${gdAcc}`
    : `the best test accuracy${on} is ${names[best.id]}’s, ${acc(best.id)}, more than ${SE_RULE} standard errors above every other${gdAcc}`;
  const sharpText = flat.ties.length
    ? `the lowest expected sharpness, ${names[flat.id]}’s ${sharp(latest(flat.id))}, is within ${SE_RULE} standard errors of ${tied(flat.ties)}, so none is the flattest${gdSharp}`
    : `the flattest point is ${names[flat.id]}’s, expected sharpness ${sharp(latest(flat.id))}, more than ${SE_RULE} standard errors below every other${gdSharp}`;
  return `Latest records: ${accText}; ${sharpText}.`;
}

/**
 * The caption under the Hessian spectrum, from the spectrum shown: the record's top
 * eigenvalues (Lanczos) against the minimum's, and how many of them stand out from the mean
 * eigenvalue Tr H / D (Tr H a Hutchinson estimate) by more than LARGE_FACTOR.
 * @param {{ rec: { topEigenvalues: number[], trH: number } | null, start: { topEigenvalues: number[], trH: number } | null, parameters: number | null }} p
 * @returns {string}
 */
export function spectrumCaption({ rec, start, parameters }) {
  if (!rec || !start || !rec.topEigenvalues.length) return 'The largest eigenvalues of the Hessian (Lanczos), at the latest record of the chosen method, against those at the minimum.';
  const ev = rec.topEigenvalues;
  const k = ev.length;
  const head = `λ₁ = ${fmt(ev[0])} (${fmt(start.topEigenvalues[0])} at the minimum); Tr H ≈ ${fmt(rec.trH)} (${fmt(start.trH)}).`;
  const mean = parameters ? rec.trH / parameters : NaN;
  if (!(mean > 0)) return `${head} The estimate of Tr H is not positive here, so the ${k} eigenvalues shown cannot be set against the mean eigenvalue.`;
  const large = ev.filter((l) => l > LARGE_FACTOR * mean).length;
  const share = ev.reduce((a, l) => a + l, 0) / rec.trH;
  const shareText = share > 0 && share <= 1 ? ` The ${k} shown carry ${pct(share)} of Tr H.` : '';
  const against = `the mean eigenvalue Tr H / D = ${fmt(mean)}`;
  let shape;
  if (large === 0) shape = `None of the ${k} largest eigenvalues is above ${LARGE_FACTOR}× ${against}: λ₁ is ${fmt(ev[0] / mean)}× it, no outliers over the bulk.`;
  else if (large === k) shape = `All ${k} eigenvalues shown are above ${LARGE_FACTOR}× ${against}: the large ones go on past the ${k} computed, so this view does not reach the bulk.`;
  else if (large <= k / 2) shape = `${large} of the ${k} largest eigenvalues are above ${LARGE_FACTOR}× ${against} (λ₁ is ${fmt(ev[0] / mean)}× it): a few large eigenvalues over a bulk near zero.`;
  else shape = `${large} of the ${k} largest eigenvalues are above ${LARGE_FACTOR}× ${against} (λ₁ is ${fmt(ev[0] / mean)}× it); the rest fall towards it.`;
  return `${head} ${shape}${shareText}`;
}

/**
 * The note under the stage-1 checkbox.
 * @param {{ network: string, seed: number, forced: boolean, cached: boolean }} p
 */
export function stage1Note({ network, seed, forced, cached }) {
  const net = network.toUpperCase();
  if (!forced) return `Off: stage 2 starts from the ${net} minimum saved for seed ${savedSeed(network)} (stage 1 done ahead of time).`;
  return cached
    ? `Seed ${seed}: stage 1 of the ${net} already ran on this page; its minimum is reused.`
    : `The saved ${net} minimum is for seed ${savedSeed(network)}: with seed ${seed}, stage 1 runs first (once; every worker then starts from its minimum).`;
}

/**
 * The time estimate under the settings.
 * @param {{ target: number, ms: number, workers: number, measured: boolean, stage1: boolean, recordMs: number }} p
 */
export function estimateText({ target, ms, workers, measured, stage1, recordMs }) {
  return `From the minimum to iteration ${int(target)}: ${measured ? 'about' : 'roughly'} ${duration(ms)} on this machine with ${workers} worker${workers > 1 ? 's' : ''}${measured ? ' (measured speeds)' : ' (a first guess until it runs)'}${stage1 ? ', after stage 1' : ''}. Records cost about ${duration(recordMs)} each.`;
}

/**
 * The cost label of a method's checkbox: ms per iteration, '~' while it is a first guess.
 * @param {number | undefined} v
 * @param {boolean} measured
 */
export function costLabel(v, measured) {
  return v === undefined ? '' : `${measured ? '' : '~'}${v < 1 ? v.toFixed(1) : Math.round(v)} ms/it`;
}

/**
 * The progress row: its label, the bar's fraction (null: indeterminate), the bar's spoken text,
 * the text beside it and the ETA.
 * @param {{ phase: string, stage1: any, trainSize?: number, live: string[], iterations: Record<string, number>, target: number, iteration: number, etaMs: number | null, measured: boolean }} p
 * @returns {{ label: string, fraction: number | null, valueText: string | null, text: string, eta: string }}
 */
export function progressLine({ phase, stage1: s, trainSize, live, iterations, target: t, iteration: it, etaMs, measured }) {
  if (phase === 'stage1' || (phase === 'need-stage1' && s && s.iteration > 0)) {
    return {
      label: 'Stage 1', fraction: s.trainAccuracy, eta: '',
      valueText: `stage 1, iteration ${s.iteration}, ${pct(s.trainAccuracy)} of the training labels fitted`,
      text: `iteration ${int(s.iteration)} · ${pct(s.trainAccuracy)} of the ${trainSize ? `${int(trainSize)} ` : ''}labels fitted${s.itPerSec ? ` · ${Math.round(s.itPerSec)} it/s` : ''}`,
    };
  }
  if (phase === 'need-stage1') return { label: 'Stage 1', fraction: 0, valueText: 'stage 1 not started', text: 'full-batch GD until every label is fitted (thousands of iterations)', eta: '' };
  if (phase === 'ready' || phase === 'running') {
    const total = Math.max(1, live.length * t);
    const done = live.reduce((a, id) => a + Math.min(t, iterations[id] || 0), 0);
    const ms = /** @type {number} */ (etaMs);
    const left = it >= t ? 'target reached' : `${measured ? 'about' : 'roughly'} ${duration(ms)} left${measured ? '' : ' (first guess, before measuring)'}`;
    return {
      label: 'Stage 2', fraction: done / total, valueText: `stage 2, iteration ${it} of ${t}, ${left}`,
      text: `${int(done)} of ${int(live.length * t)} method-iterations · ${left}`,
      eta: it >= t ? '' : `ETA ${measured ? '' : '~'}${duration(ms)}${measured ? ' (measured speed)' : ''}`,
    };
  }
  return {
    label: phase === 'loading' ? 'Loading' : phase === 'resetting' ? 'Reset' : '', fraction: null, valueText: null, eta: '',
    text: phase === 'loading' ? 'data and WebAssembly…' : phase === 'off' ? 'starts when the figure scrolls into view' : '',
  };
}
