/**
 * The native reference runs' verdict, quoted in the FashionMNIST caption.
 *
 * The numbers come from www/data/fashion-reference.json, which is the CLI's
 * `sgd-escape fashion-summary results/fashion --horizon 3000,15000 --dataset paper` over the
 * committed result files
 * (a Rust test regenerates it and compares). Nothing here is typed by hand: this module only
 * words what the summary holds. A paired difference whose 95% interval contains 0 is worded
 * "cannot tell", never ranked; a single seed is worded "one seed, no interval". Each interval
 * is worded on its own; the summary's `verdicts` (one per claim of the paper, corrected by the
 * CLI for the claim's several comparisons) are quoted after them as the verdict.
 */

/** Where the page fetches the reference summary (relative to www/). */
export const REFERENCE_URL = 'data/fashion-reference.json';

/**
 * The claims quoted, each a paired difference of one method from a baseline on the same seed.
 * `pick` reads it from a method's summary entry; `scale` and `unit` format it.
 * `name` is how the caption names the method.
 * @type {{ method: string, name: string, against: string, what: string, pick: (m: any) => any, scale: number, unit: string, digits: number }[]}
 */
export const CLAIMS = [
  {
    method: 'sgd', name: 'SGD', against: 'GD', what: 'lowest fraction of the random labels fitted on the way',
    pick: (m) => m.lowestRandomLabelsDiffVsGd, scale: 100, unit: ' points', digits: 1,
  },
  {
    method: 'sgd', name: 'SGD', against: 'GD', what: 'expected sharpness',
    pick: (m) => m.sharpnessDiffVsGd, scale: 1e3, unit: 'e-3', digits: 2,
  },
  {
    method: 'sgd', name: 'SGD', against: 'GD', what: 'test accuracy',
    pick: (m) => m.diffVsGd, scale: 100, unit: ' points', digits: 2,
  },
  {
    method: 'sgd', name: 'SGD', against: 'GD', what: 'test accuracy, mean of the last 20% of iterations',
    pick: (m) => m.windowDiffVsGd, scale: 100, unit: ' points', digits: 2,
  },
  {
    method: 'gld-leading', name: 'GLD leading', against: 'GD', what: 'test accuracy',
    pick: (m) => m.diffVsGd, scale: 100, unit: ' points', digits: 2,
  },
  {
    method: 'sgd', name: 'SGD', against: 'GLD dynamic (isotropic, same trace)', what: 'test accuracy',
    pick: (m) => m.vsGldDynamic?.testAccuracy, scale: 100, unit: ' points', digits: 2,
  },
  {
    method: 'gld-leading', name: 'GLD leading', against: 'GLD dynamic', what: 'test accuracy',
    pick: (m) => m.vsGldDynamic?.testAccuracy, scale: 100, unit: ' points', digits: 2,
  },
];

/**
 * A signed number with fixed digits.
 * @param {number} x
 * @param {number} digits
 */
function signed(x, digits) {
  return (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(digits);
}

/**
 * One paired difference worded with its interval and what it allows to say.
 * @param {{ mean: number, ciLow: number, ciHigh: number, n: number }} d
 * @param {{ scale: number, unit: string, digits: number }} claim
 */
export function wordDifference(d, claim) {
  const v = (/** @type {number} */ x) => signed(claim.scale * x, claim.digits);
  if (d.n < 2) return `${v(d.mean)}${claim.unit} (one seed, no interval)`;
  const interval = `${v(d.mean)}${claim.unit} [95% interval ${v(d.ciLow)}, ${v(d.ciHigh)}]`;
  if (d.ciLow > 0) return `${interval}: higher`;
  if (d.ciHigh < 0) return `${interval}: lower`;
  return `${interval}: cannot tell`;
}

/**
 * The quotable claims of one summary group, worded.
 * @param {any} g a summary group
 * @returns {string[]}
 */
function claimParts(g) {
  const parts = [];
  for (const claim of CLAIMS) {
    const m = g.summary.find((/** @type {any} */ x) => x.id === claim.method);
    const d = m && claim.pick(m);
    if (!d || !Number.isFinite(d.mean)) continue;
    parts.push(`${claim.name} − ${claim.against}, ${claim.what}: ${wordDifference(d, claim)}`);
  }
  return parts;
}

/**
 * The verdict per claim of a summary group, worded ("escape: reproduced; ..."), or null when
 * the group has none.
 * @param {any} g a summary group
 * @returns {string | null}
 */
export function verdictText(g) {
  if (!Array.isArray(g.verdicts) || g.verdicts.length === 0) return null;
  return g.verdicts
    .filter((/** @type {any} */ v) => v && typeof v.claim === 'string' && typeof v.outcome === 'string')
    .map((/** @type {any} */ v) => `${v.claim}: ${v.outcome.replace(/-/g, ' ')}`)
    .join('; ');
}

/**
 * The caption's reference sentence for `network` ('cnn' or 'mlp') on the paper's dataset, or
 * null when the summary has no such group. The summary may hold one group per horizon
 * (`fashion-summary --horizon 3000,15000`): the sentence quotes the longest horizon at which
 * SGD − GD has an interval (at least 2 seeds), else the longest with anything to quote.
 * @param {any[]} groups the summary groups (fashion-reference.json)
 * @param {string} network
 * @returns {string | null}
 */
export function referenceSentence(groups, network) {
  if (!Array.isArray(groups)) return null;
  const candidates = groups
    .filter((x) => x && x.network === network && x.dataset === 'paper' && Array.isArray(x.summary))
    .sort((a, b) => Number(b.iterations) - Number(a.iterations));
  const paired = (/** @type {any} */ g) => (g.summary.find((/** @type {any} */ x) => x.id === 'sgd')?.diffVsGd?.n ?? 0) >= 2;
  const worded = candidates.map((g) => ({ g, parts: claimParts(g) })).filter((c) => c.parts.length > 0);
  const pick = worded.find((c) => paired(c.g)) ?? worded[0];
  if (!pick) return null;
  const { g, parts } = pick;
  const seeds = g.seeds.length === 1 ? `seed ${g.seeds[0]}` : `seeds ${g.seeds.join(', ')}`;
  const images = Number.isFinite(g.testImages) ? `, test accuracy on ${Number(g.testImages).toLocaleString('en-US')} images` : '';
  const verdict = verdictText(g);
  return `Native reference runs (CLI, ${network.toUpperCase()}, paper dataset, ${seeds}, `
    + `iteration ${Number(g.iterations).toLocaleString('en-US')}${images}; `
    + `paired differences on the same seed, each interval on its own): ${parts.join('; ')}.`
    + (verdict ? ` Verdict per claim, corrected for its several comparisons (Holm): ${verdict}.` : '');
}
