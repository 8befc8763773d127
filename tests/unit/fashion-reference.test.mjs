// The caption's quote of the native reference runs: worded from the shipped summary, with
// "cannot tell" for an interval containing 0 and no interval for a single seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { wordDifference, referenceSentence, verdictText, CLAIMS } from '../../www/figures/fashion/reference.js';

const points = { scale: 100, unit: ' points', digits: 1 };

test('wordDifference: higher, lower, cannot tell, one seed', () => {
  assert.equal(wordDifference({ mean: 0.02, ciLow: 0.01, ciHigh: 0.03, n: 3 }, points), '+2.0 points [95% interval +1.0, +3.0]: higher');
  assert.equal(wordDifference({ mean: -0.74, ciLow: -0.92, ciHigh: -0.56, n: 3 }, points), '−74.0 points [95% interval −92.0, −56.0]: lower');
  assert.match(wordDifference({ mean: 0.009, ciLow: -0.03, ciHigh: 0.05, n: 3 }, points), /: cannot tell$/);
  assert.equal(wordDifference({ mean: 0.004, ciLow: 0.004, ciHigh: 0.004, n: 1 }, points), '+0.4 points (one seed, no interval)');
});

const diff = (mean, lo, hi, n = 3) => ({ mean, ciLow: lo, ciHigh: hi, n });
const group = (network, sgd) => ({ network, dataset: 'paper', iterations: 3000, testImages: 10000, seeds: [0, 1, 2], summary: [{ id: 'gd' }, sgd] });

test('referenceSentence names the network, seeds, iteration and test images, and words every claim', () => {
  const sgd = {
    id: 'sgd',
    lowestRandomLabelsDiffVsGd: diff(-0.74, -0.92, -0.56),
    sharpnessDiffVsGd: diff(0.0018, -0.0005, 0.0041),
    diffVsGd: diff(0.0087, -0.0276, 0.045),
    vsGldDynamic: { testAccuracy: diff(0.0079, -0.0309, 0.0467) },
  };
  const s = referenceSentence([group('mlp', { id: 'sgd' }), group('cnn', sgd)], 'cnn');
  assert.ok(s);
  assert.match(s, /CNN, paper dataset, seeds 0, 1, 2, iteration 3,000, test accuracy on 10,000 images/);
  assert.match(s, /random labels fitted on the way: −74\.0 points \[95% interval −92\.0, −56\.0\]: lower/);
  assert.match(s, /SGD − GD, test accuracy: \+0\.87 points .*: cannot tell/);
  assert.match(s, /GLD dynamic .* test accuracy: \+0\.79 points .*: cannot tell/);
  assert.equal((s.match(/cannot tell/g) ?? []).length, 3);
  assert.doesNotMatch(s, /GLD leading/, 'no GLD leading entry in this group: no GLD leading claim');
  const lead = {
    id: 'gld-leading', diffVsGd: diff(0.0125, 0.0012, 0.0239), vsGldDynamic: { testAccuracy: diff(0.0114, 0.0036, 0.0192) },
  };
  const withLead = referenceSentence([{ ...group('cnn', sgd), summary: [{ id: 'gd' }, sgd, lead] }], 'cnn');
  assert.match(withLead ?? '', /GLD leading − GD, test accuracy: \+1\.25 points \[95% interval \+0\.12, \+2\.39\]: higher/);
  assert.match(withLead ?? '', /GLD leading − GLD dynamic, test accuracy: \+1\.14 points \[95% interval \+0\.36, \+1\.92\]: higher/);
  // No group for the network, or nothing to quote: no sentence.
  assert.equal(referenceSentence([group('cnn', sgd)], 'mlp'), null);
  assert.equal(referenceSentence([group('mlp', { id: 'sgd' })], 'mlp'), null);
  assert.equal(referenceSentence(null, 'cnn'), null);
});

test('the verdict per claim is quoted from the summary, with the comparisons of its claim', () => {
  const verdicts = [
    { claim: 'escape', outcome: 'reproduced' },
    { claim: 'higher test accuracy than GD', outcome: 'cannot-tell' },
    { claim: 'higher test accuracy than isotropic noise', outcome: 'not-reproduced' },
  ];
  const sgd = { id: 'sgd', lowestRandomLabelsDiffVsGd: diff(-0.74, -0.92, -0.56), diffVsGd: diff(0.01, -0.01, 0.03) };
  const g = { ...group('cnn', sgd), verdicts };
  assert.equal(verdictText(g),
    'escape: reproduced (SGD − GD, lowest fraction of the random labels fitted on the way: −74.0 points [95% interval −92.0, −56.0]); '
    + 'higher test accuracy than GD: cannot tell (SGD − GD, test accuracy: +1.00 points [95% interval −1.00, +3.00]); '
    + 'higher test accuracy than isotropic noise: not reproduced');
  assert.equal(verdictText({ ...g, verdicts: [] }), null);
  assert.equal(verdictText(group('cnn', sgd)), null);
  const s = referenceSentence([g], 'cnn') ?? '';
  assert.match(s, /^Native reference runs \(CLI, CNN, paper dataset, seeds 0, 1, 2, iteration 3,000, test accuracy on 10,000 images; verdict per claim of the paper, corrected for the claim's several comparisons \(Holm\), with paired differences on the same seed\): escape: reproduced \(/);
  assert.doesNotMatch(s, /: (higher|lower)\b/, 'with verdicts, no interval is worded on its own');
  // No verdicts in the summary: each interval worded on its own, no verdict.
  const plain = referenceSentence([group('cnn', sgd)], 'cnn') ?? '';
  assert.match(plain, /−56\.0\]: lower/);
  assert.doesNotMatch(plain, /verdict/);
});

test('referenceSentence quotes the longest horizon where SGD and GD have an interval', () => {
  const sgd = (n) => ({ id: 'sgd', diffVsGd: diff(0.01, -0.01, 0.03, n) });
  const at = (iterations, n) => ({ ...group('cnn', sgd(n)), iterations });
  assert.match(referenceSentence([at(3000, 3), at(15000, 3)], 'cnn'), /iteration 15,000/);
  // One seed at 15,000 (no interval): the 3,000 group with its interval is quoted.
  assert.match(referenceSentence([at(15000, 1), at(3000, 3)], 'cnn'), /iteration 3,000/);
  // Nothing has an interval: the longest horizon with a value.
  assert.match(referenceSentence([at(3000, 1), at(15000, 1)], 'cnn'), /iteration 15,000.*one seed, no interval/);
});

test('the shipped reference summary has every quoted claim for both networks', () => {
  const groups = JSON.parse(readFileSync(new URL('../../www/data/fashion-reference.json', import.meta.url), 'utf8'));
  for (const network of ['cnn', 'mlp']) {
    const s = referenceSentence(groups, network);
    assert.ok(s, network);
    const g = groups.find((x) => x.network === network && x.dataset === 'paper');
    assert.equal(g.testImages, 10000, `${network}: the CLI measures on all 10,000 test images`);
    assert.ok(g.seeds.length >= 3, `${network}: the reference has ${g.seeds.length} seeds`);
    if (network === 'cnn') assert.match(s, /verdict per claim of the paper.*: escape: reproduced \(/, 'the CNN reference quotes its verdicts');
    // Every quoted comparison names a claim the CLI gives a verdict on.
    const claims = new Set(g.verdicts.map((v) => v.claim));
    for (const c of CLAIMS) assert.ok(claims.has(c.claim), `${network}: no verdict for the claim "${c.claim}"`);
    for (const c of CLAIMS) {
      const m = g.summary.find((x) => x.id === c.method);
      assert.ok(m && c.pick(m), `${network}: ${c.name} ${c.what} vs ${c.against}`);
    }
  }
});
