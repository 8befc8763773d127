/**
 * The native reference runs' verdict, quoted beside the FashionMNIST caption: one line with each
 * claim's outcome ([referenceSummary]), unfolding to every comparison ([referenceSentence]).
 *
 * The numbers come from www/data/fashion-reference.json, which is the CLI's
 * `sgd-escape fashion-summary results/fashion --horizon 3000,15000 --dataset paper` over the
 * committed result files
 * (a Rust test regenerates it and compares). Nothing here is typed by hand: this module only
 * words what the summary holds. The summary's `verdicts` (one per claim of the paper, worded
 * by the CLI) are quoted, each with every paired comparison it rests on, as the summary lists
 * them (`comparisons`: label, difference with its 95% interval, p-value Holm-corrected over the
 * claim's comparisons), and the comparisons it lacks (`notRun`). A group without verdicts
 * (the CLI gives none without GD and SGD) has its paired differences in final test accuracy
 * from GD worded each by its own interval: "cannot tell" when it contains 0, never ranked. A
 * single seed is worded "one seed, no interval".
 */

import { METHODS } from '../../lib/schema.js';

/** Where the page fetches the reference summary (relative to www/). */
export const REFERENCE_URL = 'data/fashion-reference.json';

/**
 * How a difference in each quantity of the summary's comparisons is printed, keyed by the
 * summary's quantity ids (its raw values are fractions for accuracies, a loss for sharpness):
 * the name the caption gives it, the scale, the decimals and the unit. Formatting only; what
 * is compared comes from the summary.
 * @type {Record<string, { noun: string, scale: number, digits: number, unit: string }>}
 */
export const QUANTITIES = {
  lowestRandomLabelsFitted: { noun: 'lowest fraction of the random labels fitted on the way', scale: 100, digits: 1, unit: ' points' },
  sharpness: { noun: 'expected sharpness', scale: 1e3, digits: 1, unit: 'e-3' },
  testAccuracy: { noun: 'test accuracy', scale: 100, digits: 2, unit: ' points' },
  windowTestAccuracy: { noun: 'test accuracy', scale: 100, digits: 2, unit: ' points' },
};

/**
 * The format of a quantity; an unknown one is printed as it is, with 3 significant digits.
 * @param {string} quantity
 */
function quantityFormat(quantity) {
  return QUANTITIES[quantity] ?? { noun: quantity, scale: 1, digits: -3, unit: '' };
}

/**
 * A signed number with fixed decimals (`digits` < 0: that many significant digits).
 * @param {number} x
 * @param {number} digits
 */
function signed(x, digits) {
  const abs = Math.abs(x);
  return (x >= 0 ? '+' : '−') + (digits >= 0 ? abs.toFixed(digits) : abs.toPrecision(-digits));
}

/**
 * "p < 0.001", "p = 0.0498" (3 significant digits below 0.1, so that a value near 0.05 shows
 * which side it is on), "p = 0.42": the CLI's rule.
 * @param {number} p
 */
export function pText(p) {
  if (p < 0.001) return 'p < 0.001';
  if (p < 0.1) return `p = ${p.toFixed(2 - Math.floor(Math.log10(p)))}`;
  return `p = ${p.toFixed(2)}`;
}

/**
 * A paired difference with its 95% interval ("−83.6 points [−92.2, −75.0]"), or its value
 * alone with one seed.
 * @param {{ mean: number, ciLow: number, ciHigh: number, n: number }} d
 * @param {{ scale: number, unit: string, digits: number }} format
 */
function withInterval(d, format) {
  const v = (/** @type {number} */ x) => signed(format.scale * x, format.digits);
  if (d.n < 2) return `${v(d.mean)}${format.unit} (one seed, no interval)`;
  return `${v(d.mean)}${format.unit} [${v(d.ciLow)}, ${v(d.ciHigh)}]`;
}

/**
 * The summary's label of a comparison, with a minus sign ("SGD − GD, final").
 * @param {string} label
 */
function minus(label) {
  return label.replace(/ - /g, ' − ');
}

/**
 * One comparison of a verdict as the caption quotes it: "SGD − GD −83.6 points [−92.2, −75.0],
 * p < 0.001" (the p-value Holm-corrected over the claim's comparisons; none with one seed).
 * @param {{ label: string, quantity: string, mean: number, ciLow: number, ciHigh: number, n: number, holmP?: number | null }} c
 */
export function comparisonText(c) {
  const text = `${minus(c.label)} ${withInterval(c, quantityFormat(c.quantity))}`;
  return c.n >= 2 && Number.isFinite(c.holmP) ? `${text}, ${pText(/** @type {number} */ (c.holmP))}` : text;
}

/**
 * One paired difference worded with its interval and what that interval alone allows to say
 * (for a group without verdicts).
 * @param {{ mean: number, ciLow: number, ciHigh: number, n: number }} d
 * @param {{ scale: number, unit: string, digits: number }} format
 */
export function wordDifference(d, format) {
  const interval = withInterval(d, format);
  if (d.n < 2) return interval;
  if (d.ciLow > 0) return `${interval}: higher`;
  if (d.ciHigh < 0) return `${interval}: lower`;
  return `${interval}: cannot tell`;
}

/**
 * The verdicts of a summary group that can be quoted.
 * @param {any} g a summary group
 * @returns {any[]}
 */
function verdictsOf(g) {
  if (!Array.isArray(g.verdicts)) return [];
  return g.verdicts.filter((/** @type {any} */ v) => v && typeof v.claim === 'string' && typeof v.outcome === 'string');
}

/**
 * The comparisons of a verdict that hold a number.
 * @param {any} v a verdict
 * @returns {any[]}
 */
function comparisonsOf(v) {
  if (!Array.isArray(v.comparisons)) return [];
  return v.comparisons.filter((/** @type {any} */ c) => c && typeof c.label === 'string' && Number.isFinite(c.mean));
}

/**
 * The verdicts of a summary group, each with every comparison it rests on: "escape:
 * reproduced (lowest fraction of the random labels fitted on the way: SGD − GD −83.6 points
 * [−92.2, −75.0], p < 0.001; ...)". Null when the group has no verdicts (the summary words
 * them; this only quotes).
 * @param {any} g a summary group
 * @returns {string | null}
 */
export function verdictText(g) {
  const verdicts = verdictsOf(g);
  if (verdicts.length === 0) return null;
  return verdicts
    .map((v) => {
      const comparisons = comparisonsOf(v);
      const nouns = [...new Set(comparisons.map((c) => quantityFormat(c.quantity).noun))];
      const parts = comparisons.map(comparisonText);
      const notRun = Array.isArray(v.notRun) && v.notRun.length > 0 ? `not run: ${v.notRun.map(minus).join(', ')}` : null;
      const inside = [parts.length > 0 ? `${nouns.join(', ')}: ${parts.join('; ')}` : null, notRun].filter(Boolean);
      const outcome = v.outcome.replace(/-/g, ' ');
      return inside.length > 0 ? `${v.claim}: ${outcome} (${inside.join('; ')})` : `${v.claim}: ${outcome}`;
    })
    .join('; ');
}

/**
 * A method's name as the page shows it (its id when the schema does not name it, e.g. a
 * variant).
 * @param {string} id
 */
function methodName(id) {
  return METHODS.find((m) => m.id === id)?.name ?? id;
}

/**
 * The paired differences quoted for a group without verdicts: each method's final test
 * accuracy minus GD's on the same seeds.
 * @param {any} g a summary group
 * @returns {{ label: string, d: { mean: number, ciLow: number, ciHigh: number, n: number } }[]}
 */
function fromGd(g) {
  return g.summary
    .filter((/** @type {any} */ m) => m && m.id !== 'gd' && m.diffVsGd && Number.isFinite(m.diffVsGd.mean))
    .map((/** @type {any} */ m) => ({ label: `${methodName(m.id)} − GD`, d: m.diffVsGd }));
}

/**
 * The summary group quoted for `network` ('cnn' or 'mlp') on the paper's dataset, or null.
 * The summary may hold one group per horizon (`fashion-summary --horizon 3000,15000`): the
 * longest horizon whose verdicts rest on at least one comparison with an interval (2 seeds or
 * more), else the longest with verdicts, else (no group with verdicts) the longest with a
 * paired difference from GD.
 * @param {any[]} groups the summary groups (fashion-reference.json)
 * @param {string} network
 * @returns {any | null}
 */
function quotedGroup(groups, network) {
  if (!Array.isArray(groups)) return null;
  const candidates = groups
    .filter((x) => x && x.network === network && x.dataset === 'paper' && Array.isArray(x.summary))
    .sort((a, b) => Number(b.iterations) - Number(a.iterations));
  const judged = candidates.filter((g) => verdictsOf(g).length > 0);
  const interval = (/** @type {any} */ g) => verdictsOf(g).some((v) => comparisonsOf(v).some((c) => c.n >= 2));
  const plain = candidates.filter((g) => fromGd(g).length > 0);
  return judged.find(interval) ?? judged[0] ?? plain.find((x) => fromGd(x).some((q) => q.d.n >= 2)) ?? plain[0] ?? null;
}

/**
 * "CLI, CNN, paper dataset, seeds 0, 1, 2, iteration 15,000, test accuracy on 10,000 images".
 * @param {any} g a summary group
 * @param {string} network
 */
function runsOf(g, network) {
  const seeds = g.seeds.length === 1 ? `seed ${g.seeds[0]}` : `seeds ${g.seeds.join(', ')}`;
  const images = Number.isFinite(g.testImages) ? `, test accuracy on ${Number(g.testImages).toLocaleString('en-US')} images` : '';
  return `CLI, ${network.toUpperCase()}, paper dataset, ${seeds}, iteration ${Number(g.iterations).toLocaleString('en-US')}${images}`;
}

/**
 * The reference in one line, for the figure to show folded: which runs, and each claim's
 * outcome ("escape: reproduced; flatter minima: reproduced; ..."), or "no verdict" for a group
 * without verdicts. Null when the summary has no group for `network`.
 * @param {any[]} groups the summary groups (fashion-reference.json)
 * @param {string} network
 * @returns {string | null}
 */
export function referenceSummary(groups, network) {
  const g = quotedGroup(groups, network);
  if (!g) return null;
  const verdicts = verdictsOf(g);
  const outcomes = verdicts.length > 0
    ? verdicts.map((v) => `${v.claim}: ${v.outcome.replace(/-/g, ' ')}`).join('; ')
    : 'no verdict, paired differences only';
  return `Native reference runs (${runsOf(g, network)}): ${outcomes}.`;
}

/**
 * The reference sentence in full for `network` ('cnn' or 'mlp') on the paper's dataset
 * ([quotedGroup]'s group), or null when the summary has no such group: its verdicts, each with
 * every comparison it rests on; without verdicts, each paired difference from GD worded by its
 * own interval.
 * @param {any[]} groups the summary groups (fashion-reference.json)
 * @param {string} network
 * @returns {string | null}
 */
export function referenceSentence(groups, network) {
  const g = quotedGroup(groups, network);
  if (!g) return null;
  const head = `Native reference runs (${runsOf(g, network)}; `;
  const verdict = verdictText(g);
  if (verdict) {
    return `${head}verdict per claim of the paper from paired differences on the same seed, `
      + `each as mean [95% interval], p Holm-corrected over the claim's comparisons): ${verdict}.`;
  }
  const parts = fromGd(g).map(({ label, d }) => `${label} ${wordDifference(d, QUANTITIES.testAccuracy)}`);
  return `${head}no verdict; paired differences in final test accuracy on the same seed, `
    + `each as mean [95% interval]): ${parts.join('; ')}.`;
}
