/**
 * The native reference runs' verdict, quoted in the FashionMNIST caption.
 *
 * The numbers come from www/data/fashion-reference.json, which is the CLI's
 * `sgd-escape fashion-summary results/fashion --horizon 3000,15000 --dataset paper` over the
 * committed result files
 * (a Rust test regenerates it and compares). Nothing here is typed by hand: this module only
 * words what the summary holds. The summary's `verdicts` (one per claim of the paper, worded
 * by the CLI, corrected for the claim's several comparisons) are quoted, each followed by the
 * paired differences it rests on; a summary without verdicts has each difference worded by its
 * own interval: "cannot tell" when it contains 0, never ranked. A single seed is worded "one
 * seed, no interval".
 */

/** Where the page fetches the reference summary (relative to www/). */
export const REFERENCE_URL = 'data/fashion-reference.json';

/**
 * The claims quoted, each a paired difference of one method from a baseline on the same seed.
 * `pick` reads it from a method's summary entry; `scale` and `unit` format it.
 * `name` is how the caption names the method; `claim` is the claim of the paper it bears on,
 * as the summary's `verdicts` name it.
 * @type {{ claim: string, method: string, name: string, against: string, what: string, pick: (m: any) => any, scale: number, unit: string, digits: number }[]}
 */
export const CLAIMS = [
  {
    claim: 'escape', method: 'sgd', name: 'SGD', against: 'GD', what: 'lowest fraction of the random labels fitted on the way',
    pick: (m) => m.lowestRandomLabelsDiffVsGd, scale: 100, unit: ' points', digits: 1,
  },
  {
    claim: 'flatter minima', method: 'sgd', name: 'SGD', against: 'GD', what: 'expected sharpness',
    pick: (m) => m.sharpnessDiffVsGd, scale: 1e3, unit: 'e-3', digits: 2,
  },
  {
    claim: 'higher test accuracy than GD', method: 'sgd', name: 'SGD', against: 'GD', what: 'test accuracy',
    pick: (m) => m.diffVsGd, scale: 100, unit: ' points', digits: 2,
  },
  {
    claim: 'higher test accuracy than GD', method: 'sgd', name: 'SGD', against: 'GD', what: 'test accuracy, mean of the last 20% of iterations',
    pick: (m) => m.windowDiffVsGd, scale: 100, unit: ' points', digits: 2,
  },
  {
    claim: 'higher test accuracy than GD', method: 'gld-leading', name: 'GLD leading', against: 'GD', what: 'test accuracy',
    pick: (m) => m.diffVsGd, scale: 100, unit: ' points', digits: 2,
  },
  {
    claim: 'higher test accuracy than isotropic noise', method: 'sgd', name: 'SGD', against: 'GLD dynamic (isotropic, same trace)', what: 'test accuracy',
    pick: (m) => m.vsGldDynamic?.testAccuracy, scale: 100, unit: ' points', digits: 2,
  },
  {
    claim: 'higher test accuracy than isotropic noise', method: 'gld-leading', name: 'GLD leading', against: 'GLD dynamic', what: 'test accuracy',
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
 * One paired difference with its interval ("−0.68 points [95% interval −7.84, +6.48]"), or
 * its value alone with one seed.
 * @param {{ mean: number, ciLow: number, ciHigh: number, n: number }} d
 * @param {{ scale: number, unit: string, digits: number }} claim
 */
function withInterval(d, claim) {
  const v = (/** @type {number} */ x) => signed(claim.scale * x, claim.digits);
  if (d.n < 2) return `${v(d.mean)}${claim.unit} (one seed, no interval)`;
  return `${v(d.mean)}${claim.unit} [95% interval ${v(d.ciLow)}, ${v(d.ciHigh)}]`;
}

/**
 * One paired difference worded with its interval and what that interval alone allows to say.
 * @param {{ mean: number, ciLow: number, ciHigh: number, n: number }} d
 * @param {{ scale: number, unit: string, digits: number }} claim
 */
export function wordDifference(d, claim) {
  const interval = withInterval(d, claim);
  if (d.n < 2) return interval;
  if (d.ciLow > 0) return `${interval}: higher`;
  if (d.ciHigh < 0) return `${interval}: lower`;
  return `${interval}: cannot tell`;
}

/**
 * The quoted comparisons of one summary group that it has, with their paired differences.
 * @param {any} g a summary group
 */
function quoted(g) {
  const found = [];
  for (const claim of CLAIMS) {
    const m = g.summary.find((/** @type {any} */ x) => x.id === claim.method);
    const d = m && claim.pick(m);
    if (d && Number.isFinite(d.mean)) found.push({ claim, d });
  }
  return found;
}

/**
 * The verdicts of a summary group, each with the quoted comparisons of its claim: "escape:
 * reproduced (SGD − GD, lowest ...: −80.3 points [95% interval ...])". Null when the group
 * has no verdicts (the summary words them; this only quotes).
 * @param {any} g a summary group
 * @returns {string | null}
 */
export function verdictText(g) {
  if (!Array.isArray(g.verdicts) || g.verdicts.length === 0) return null;
  const found = quoted(g);
  return g.verdicts
    .filter((/** @type {any} */ v) => v && typeof v.claim === 'string' && typeof v.outcome === 'string')
    .map((/** @type {any} */ v) => {
      const mine = found
        .filter((q) => q.claim.claim === v.claim)
        .map((q) => `${q.claim.name} − ${q.claim.against}, ${q.claim.what}: ${withInterval(q.d, q.claim)}`);
      const outcome = v.outcome.replace(/-/g, ' ');
      return mine.length > 0 ? `${v.claim}: ${outcome} (${mine.join('; ')})` : `${v.claim}: ${outcome}`;
    })
    .join('; ');
}

/**
 * The caption's reference sentence for `network` ('cnn' or 'mlp') on the paper's dataset, or
 * null when the summary has no such group. The summary may hold one group per horizon
 * (`fashion-summary --horizon 3000,15000`): the sentence quotes the longest horizon at which
 * SGD − GD has an interval (at least 2 seeds), else the longest with anything to quote. With
 * the group's verdicts it quotes them, each with its comparisons; without, it words each
 * comparison by its own interval.
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
  const worded = candidates.filter((g) => quoted(g).length > 0);
  const g = worded.find(paired) ?? worded[0];
  if (!g) return null;
  const seeds = g.seeds.length === 1 ? `seed ${g.seeds[0]}` : `seeds ${g.seeds.join(', ')}`;
  const images = Number.isFinite(g.testImages) ? `, test accuracy on ${Number(g.testImages).toLocaleString('en-US')} images` : '';
  const head = `Native reference runs (CLI, ${network.toUpperCase()}, paper dataset, ${seeds}, `
    + `iteration ${Number(g.iterations).toLocaleString('en-US')}${images}; `;
  const verdict = verdictText(g);
  if (verdict) {
    return `${head}verdict per claim of the paper, corrected for the claim's several comparisons `
      + `(Holm), with paired differences on the same seed): ${verdict}.`;
  }
  const parts = quoted(g).map(({ claim, d }) => `${claim.name} − ${claim.against}, ${claim.what}: ${wordDifference(d, claim)}`);
  return `${head}paired differences on the same seed): ${parts.join('; ')}.`;
}
