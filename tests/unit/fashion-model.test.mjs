// The FashionMNIST figure's model (www/figures/fashion/model.js): its settings from the schema,
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
  const text = liveCaption({ start, ids: ['gd', 'sgd'], records, names, params: 11140, statusOf: (id) => methodStatus(records[id], undefined) });
  assert.match(text, /^At the minimum: 100\.0% of the training labels fitted .* ×10 the isotropic reference \(D = 11,140\)\./);
  assert.match(text, /By iteration 100, SGD has left it .* down to 30\.0%\. GD is still in it\./);
  assert.match(text, /the best test accuracy is SGD’s, 75\.0% at iteration 100 \(GD: 70\.0% at 100\)/);
  assert.equal(pct(NaN), '—');
  assert.equal(int(15000), '15,000');
});
