// The FashionMNIST and one-hidden-layer figures' models: settings from the schema,
// what became of each method, and the live caption, as pure functions of the records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCHEMA, ESCAPE_FACTOR, methodStatus, liveCaption, pct, int } from '../../www/figures/fashion/model.js';

test('the settings card and the paper protocol come from the schema', () => {
  assert.deepEqual(SCHEMA.fields.map((f) => f.name), ['target', 'logEvery', 'seed', 'threads']);
  for (const f of SCHEMA.fields) assert.ok(f.setting.min <= f.setting.max, f.name);
  assert.equal(SCHEMA.paper.iterations, 15000);
  assert.equal(SCHEMA.methods.length, 8);
  assert.ok(SCHEMA.maxRecords.min <= SCHEMA.maxRecords.default && SCHEMA.maxRecords.default <= SCHEMA.maxRecords.max);
});

const rec = (iteration, trainLoss, extra = {}) => ({ iteration, trainLoss, corruptedAccuracy: 1, testAccuracy: 0.7, sharpness: 0.5, ...extra });

test('methodStatus: escaped past ESCAPE_FACTOR times the loss at the minimum, diverged, stuck', () => {
  assert.equal(methodStatus([rec(0, 0.01)], undefined).kind, '');
  assert.equal(methodStatus([rec(0, 0.01), rec(100, 0.02)], undefined).kind, 'stuck');
  const out = methodStatus([rec(0, 0.01), rec(100, 0.01 * ESCAPE_FACTOR * 1.01)], undefined);
  assert.deepEqual([out.kind, out.iteration], ['escaped', 100]);
  assert.equal(methodStatus([rec(0, 0.01), rec(100, Infinity)], undefined).kind, 'diverged');
  assert.match(methodStatus([rec(0, 0.01)], { iteration: 1234 }).text, /diverged at iteration 1,234/);
});

test('liveCaption says what each method did, with the numbers at the minimum', () => {
  const start = { trainAccuracy: 1, corruptedAccuracy: 1, testAccuracy: 0.71, sharpness: 3.2, topEigenvalues: [45], trHSigma: 20, trHSigmaIso: 2 };
  const records = { gd: [rec(0, 0.01), rec(100, 0.011)], sgd: [rec(0, 0.01), rec(100, 0.5, { corruptedAccuracy: 0.3, testAccuracy: 0.75, sharpness: 0.2 })] };
  const names = { gd: 'GD', sgd: 'SGD' };
  const text = liveCaption({ start, ids: ['gd', 'sgd'], records, names, parameters: 11140, statusOf: (id) => methodStatus(records[id], undefined) });
  assert.match(text, /^Network: the MLP \(784-14-10\)\. At the minimum: 100\.0% of the training labels fitted .* ×10 the isotropic reference \(D = 11,140\)\./);
  assert.match(text, /By iteration 100, SGD has left it .* down to 30\.0%\. GD is still in it\./);
  // One method beside GD: quoted side by side, nothing ranked.
  assert.match(text, /Latest records: SGD’s test accuracy is 75\.0% at iteration 100 \(GD: 70\.0% at 100\); its expected sharpness 0\.2 \(GD: 0\.5\)\./);
  assert.doesNotMatch(text, /best|flattest/);
  assert.equal(pct(NaN), '—');
  assert.equal(int(15000), '15,000');
});

test('the one-hidden-layer live caption: the latest epoch, the range of the ratio, epochs above the reference', async () => {
  const { liveCaption, ratioOf } = await import('../../www/figures/one-hidden-layer/model.js');
  const r = (epoch, trHSigma, trHSigmaIso) => ({ epoch, trHSigma, trHSigmaIso, trainAccuracy: 0.5 + epoch / 100 });
  assert.ok(Number.isNaN(ratioOf(r(0, 1, 0))));
  assert.equal(liveCaption([r(0, 2, 1)], null), 'Epoch 0: Tr(HΣ) = 2 against Tr H·Tr Σ / D = 1 (D = ?), ×2 the isotropic score; training accuracy 50.0%.');
  const text = liveCaption([r(0, 2, 1), r(1, 3, 1), r(2, 0.5, 1)], 300);
  assert.match(text, /^Epoch 2: .* \(D = 300\), ×0\.5 the isotropic score; training accuracy 52\.0%\./);
  assert.match(text, /ranged from ×0\.5 to ×3 \(×2 at initialisation\); Tr\(HΣ\) was above the reference at 2 of 3 epochs measured\.$/);
});
