// The caption's quote of the native reference runs: worded from the shipped summary, each
// verdict with every comparison it rests on (interval and Holm p), no interval for a single
// seed; without verdicts, "cannot tell" for an interval containing 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { wordDifference, referenceSentence, referenceSummary, verdictText, comparisonText, pText, QUANTITIES } from '../../www/figures/fashion/reference.js';

const points = { scale: 100, unit: ' points', digits: 1 };

test('wordDifference: higher, lower, cannot tell, one seed', () => {
  assert.equal(wordDifference({ mean: 0.02, ciLow: 0.01, ciHigh: 0.03, n: 3 }, points), '+2.0 points [+1.0, +3.0]: higher');
  assert.equal(wordDifference({ mean: -0.74, ciLow: -0.92, ciHigh: -0.56, n: 3 }, points), '−74.0 points [−92.0, −56.0]: lower');
  assert.match(wordDifference({ mean: 0.009, ciLow: -0.03, ciHigh: 0.05, n: 3 }, points), /: cannot tell$/);
  assert.equal(wordDifference({ mean: 0.004, ciLow: 0.004, ciHigh: 0.004, n: 1 }, points), '+0.4 points (one seed, no interval)');
});

test('pText follows the CLI: p < 0.001, 3 significant digits below 0.1, else 2 decimals', () => {
  assert.equal(pText(0.0004), 'p < 0.001');
  assert.equal(pText(0.0052), 'p = 0.00520');
  assert.equal(pText(0.05021), 'p = 0.0502');
  assert.equal(pText(0.04981), 'p = 0.0498');
  assert.equal(pText(0.1667), 'p = 0.17');
});

/** A comparison as the summary's verdicts list it. */
const cmp = (label, quantity, mean, lo, hi, n = 3, holmP = 0.01) => ({
  method: 'sgd', against: 'gd', label, quantity, mean, ciLow: lo, ciHigh: hi, n, pValue: holmP, holmP: n >= 2 ? holmP : null, counts: n >= 2 && holmP < 0.05,
});

test('comparisonText: the label, the difference in its quantity\'s units with its interval, the Holm p', () => {
  assert.equal(comparisonText(cmp('SGD - GD', 'lowestRandomLabelsFitted', -0.836, -0.922, -0.75, 5, 0.0004)), 'SGD − GD −83.6 points [−92.2, −75.0], p < 0.001');
  assert.equal(comparisonText(cmp('SGD - GLD dynamic', 'sharpness', -0.0132, -0.0208, -0.0056, 3, 0.0176)), 'SGD − GLD dynamic −13.2e-3 [−20.8, −5.6], p = 0.0176');
  assert.equal(comparisonText(cmp('GLD leading - GD, last 20%', 'windowTestAccuracy', 0.0099, 0.0018, 0.018, 5, 0.0858)), 'GLD leading − GD, last 20% +0.99 points [+0.18, +1.80], p = 0.0858');
  // One seed: no interval, no p-value.
  assert.equal(comparisonText(cmp('SGD - GD, final', 'testAccuracy', 0.004, 0.004, 0.004, 1)), 'SGD − GD, final +0.40 points (one seed, no interval)');
  // A quantity the page has no format for: printed as it is, never dropped.
  assert.equal(comparisonText(cmp('SGD - GD', 'lossAtTheEnd', 0.01234, 0.001, 0.02, 3, 0.2)), 'SGD − GD +0.0123 [+0.00100, +0.0200], p = 0.20');
});

const group = (network, verdicts, iterations = 3000, summary = [{ id: 'gd' }, { id: 'sgd' }]) => ({
  network, dataset: 'paper', iterations, testImages: 10000, seeds: [0, 1, 2], summary, verdicts,
});

test('verdictText quotes every verdict with every comparison it rests on, and what was not run', () => {
  const verdicts = [
    { claim: 'escape', outcome: 'reproduced', comparisons: [cmp('SGD - GD', 'lowestRandomLabelsFitted', -0.74, -0.92, -0.56), cmp('GLD leading - GD', 'lowestRandomLabelsFitted', -0.5, -0.7, -0.3, 3, 0.02)] },
    { claim: 'higher test accuracy than GD', outcome: 'cannot-tell', comparisons: [cmp('SGD - GD, final', 'testAccuracy', 0.01, -0.01, 0.03, 3, 0.4), cmp('SGD - GD, last 20%', 'windowTestAccuracy', 0.02, -0.01, 0.05, 3, 0.4)] },
    { claim: 'higher test accuracy than isotropic noise', outcome: 'partly', comparisons: [cmp('GLD leading - GLD dynamic, final', 'testAccuracy', 0.01, 0.002, 0.018, 3, 0.03)], notRun: ['SGD - GLD dynamic, final'] },
    { claim: 'flatter minima', outcome: 'cannot-tell', comparisons: [] },
  ];
  assert.equal(verdictText(group('cnn', verdicts)),
    'escape: reproduced (lowest fraction of the random labels fitted on the way: SGD − GD −74.0 points [−92.0, −56.0], p = 0.0100; GLD leading − GD −50.0 points [−70.0, −30.0], p = 0.0200); '
    + 'higher test accuracy than GD: cannot tell (test accuracy: SGD − GD, final +1.00 points [−1.00, +3.00], p = 0.40; SGD − GD, last 20% +2.00 points [−1.00, +5.00], p = 0.40); '
    + 'higher test accuracy than isotropic noise: partly (test accuracy: GLD leading − GLD dynamic, final +1.00 points [+0.20, +1.80], p = 0.0300; not run: SGD − GLD dynamic, final); '
    + 'flatter minima: cannot tell');
  assert.equal(verdictText(group('cnn', [])), null);
  assert.equal(verdictText(group('cnn', undefined)), null);
  const s = referenceSentence([group('cnn', verdicts)], 'cnn') ?? '';
  assert.match(s, /^Native reference runs \(CLI, CNN, paper dataset, seeds 0, 1, 2, iteration 3,000, test accuracy on 10,000 images; verdict per claim of the paper from paired differences on the same seed, each as mean \[95% interval\], p Holm-corrected over the claim's comparisons\): escape: reproduced \(/);
  assert.doesNotMatch(s, /: (higher|lower)\b/, 'with verdicts, no interval is worded on its own');
  assert.doesNotMatch(s, / - /, 'minus signs, not hyphens');
});

test('referenceSentence quotes the longest horizon whose verdicts have an interval', () => {
  const at = (iterations, n) => group('cnn', [{ claim: 'escape', outcome: 'cannot-tell', comparisons: [cmp('SGD - GD', 'lowestRandomLabelsFitted', -0.1, -0.3, 0.1, n, 0.3)] }], iterations);
  assert.match(referenceSentence([at(3000, 3), at(15000, 3)], 'cnn') ?? '', /iteration 15,000/);
  // One seed at 15,000 (no interval): the 3,000 group with its interval is quoted.
  assert.match(referenceSentence([at(15000, 1), at(3000, 3)], 'cnn') ?? '', /iteration 3,000/);
  // Nothing has an interval: the longest horizon with verdicts.
  assert.match(referenceSentence([at(3000, 1), at(15000, 1)], 'cnn') ?? '', /iteration 15,000.*one seed, no interval/);
  // A longer group without verdicts (no SGD there) is not preferred to one with them.
  const noSgd = group('cnn', [], 15000, [{ id: 'gd' }, { id: 'gld-leading', diffVsGd: { mean: 0.01, ciLow: 0.002, ciHigh: 0.018, n: 3 } }]);
  assert.match(referenceSentence([noSgd, at(3000, 3)], 'cnn') ?? '', /iteration 3,000, test accuracy on 10,000 images; verdict/);
  // No group for the network: no sentence.
  assert.equal(referenceSentence([at(3000, 3)], 'mlp'), null);
  assert.equal(referenceSentence(/** @type {any} */ (null), 'cnn'), null);
});

test('without verdicts, the paired differences from GD are worded each by its own interval', () => {
  const g = group('mlp', [], 15000, [
    { id: 'gd', diffVsGd: { mean: 0, ciLow: 0, ciHigh: 0, n: 3 } },
    { id: 'gld-leading', diffVsGd: { mean: 0.0125, ciLow: 0.0012, ciHigh: 0.0239, n: 3 } },
    { id: 'gld-const', diffVsGd: { mean: 0.0087, ciLow: -0.0276, ciHigh: 0.045, n: 3 } },
    { id: 'gld-leading-refresh', diffVsGd: { mean: -0.001, ciLow: -0.001, ciHigh: -0.001, n: 1 } },
  ]);
  const s = referenceSentence([g], 'mlp') ?? '';
  assert.match(s, /no verdict; paired differences in final test accuracy on the same seed, each as mean \[95% interval\]\): /);
  assert.match(s, /GLD leading − GD \+1\.25 points \[\+0\.12, \+2\.39\]: higher; GLD const − GD \+0\.87 points \[−2\.76, \+4\.50\]: cannot tell; gld-leading-refresh − GD −0\.10 points \(one seed, no interval\)\.$/);
  assert.doesNotMatch(s, /GD − GD/);
  // No GD in the group: nothing to quote.
  assert.equal(referenceSentence([group('mlp', [], 15000, [{ id: 'sgd' }])], 'mlp'), null);
});

test('the shipped reference summary: every comparison of every quoted verdict is in the sentence', () => {
  const groups = JSON.parse(readFileSync(new URL('../../www/data/fashion-reference.json', import.meta.url), 'utf8'));
  for (const network of ['cnn', 'mlp']) {
    const s = referenceSentence(groups, network);
    assert.ok(s, network);
    const mine = groups.filter((x) => x.network === network && x.dataset === 'paper' && x.verdicts.length > 0);
    // The longest horizon with verdicts on 2 seeds or more is quoted.
    const g = mine.sort((a, b) => b.iterations - a.iterations).find((x) => x.verdicts.some((v) => v.comparisons.some((c) => c.n >= 2)));
    assert.ok(g, `${network}: a group with verdicts`);
    assert.match(s, new RegExp(`iteration ${g.iterations.toLocaleString('en-US')}, test accuracy on 10,000 images; verdict`));
    assert.equal(g.testImages, 10000, `${network}: the CLI measures on all 10,000 test images`);
    assert.ok(g.seeds.length >= 3, `${network}: the reference has ${g.seeds.length} seeds`);
    let quoted = 0;
    for (const v of g.verdicts) {
      assert.ok(s.includes(`${v.claim}: ${v.outcome.replace(/-/g, ' ')}`), `${network}: the verdict on "${v.claim}"`);
      assert.ok(v.comparisons.length > 0, `${network}: "${v.claim}" rests on no comparison`);
      for (const c of v.comparisons) {
        assert.ok(QUANTITIES[c.quantity], `${network}: no format for the quantity ${c.quantity}`);
        const text = comparisonText(c);
        assert.ok(s.includes(text), `${network}: "${text}" is not quoted`);
        if (c.n >= 2) assert.match(text, /\], p [<=] /, `${network}: ${c.label} without its Holm p`);
        quoted += 1;
      }
    }
    assert.equal((s.match(/, p [<=] /g) ?? []).length, quoted, `${network}: a p-value the verdicts do not hold`);
  }
  // The CNN at the paper's 15,000 iterations: the escape verdict rests on GLD leading and on
  // GLD dynamic too, and the test-accuracy verdict on the last 20% of iterations.
  const cnn = referenceSentence(groups, 'cnn') ?? '';
  assert.match(cnn, /iteration 15,000/);
  assert.match(cnn, /escape: reproduced \([^)]*SGD − GLD dynamic [^)]*GLD leading − GD /);
  assert.match(cnn, /higher test accuracy than GD: [a-z ]+ \([^)]*GLD leading − GD, last 20% /);
});

test('referenceSummary: the same runs as the sentence, each claim with its outcome, in one line', () => {
  const groups = JSON.parse(readFileSync(new URL('../../www/data/fashion-reference.json', import.meta.url), 'utf8'));
  for (const network of ['cnn', 'mlp']) {
    const line = referenceSummary(groups, network) ?? '';
    const full = referenceSentence(groups, network) ?? '';
    const runs = line.match(/^Native reference runs \(([^)]*)\): /);
    assert.ok(runs, `${network}: "${line}"`);
    assert.ok(full.startsWith(`Native reference runs (${runs[1]}; `), `${network}: the line and the sentence quote different runs`);
    const g = groups.filter((x) => x.network === network && x.dataset === 'paper' && x.verdicts.length > 0)
      .sort((a, b) => b.iterations - a.iterations).find((x) => x.verdicts.some((v) => v.comparisons.some((c) => c.n >= 2)));
    const outcomes = g.verdicts.map((v) => `${v.claim}: ${v.outcome.replace(/-/g, ' ')}`);
    assert.ok(outcomes.length >= 4, `${network}: ${outcomes.length} verdicts`);
    assert.equal(line, `Native reference runs (${runs[1]}): ${outcomes.join('; ')}.`);
    assert.doesNotMatch(line, /\[|p [<=]/, 'no interval or p-value in the folded line');
  }
  const noVerdicts = group('mlp', [], 15000, [{ id: 'gd', diffVsGd: { mean: 0, ciLow: 0, ciHigh: 0, n: 3 } }, { id: 'sgd', diffVsGd: { mean: 0.01, ciLow: -0.01, ciHigh: 0.03, n: 3 } }]);
  assert.match(referenceSummary([noVerdicts], 'mlp') ?? '', /\): no verdict, paired differences only\.$/);
  assert.equal(referenceSummary([noVerdicts], 'cnn'), null);
  assert.equal(referenceSummary(/** @type {any} */ (null), 'cnn'), null);
});
