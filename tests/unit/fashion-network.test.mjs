// The FashionMNIST figure's network (link key `network`, cnn | mlp): the model reads it from a
// parsed link, writes it into the canonical hash, picks the saved stage-1 minimum for it, and
// the live caption names it and the number of test images its accuracies are measured on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEMA, SAVED_MINIMUMS, VERDICT_POINTER, fashionState, fashionHash, savedMinimum, liveCaption, methodStatus } from '../../www/figures/fashion/model.js';

const link = (fashion) => ({ fashion: { methods: ['gd'], seed: 0, iterations: 10, logEvery: 5, maxRecords: 400, fromScratch: false, ...fashion }, hide: [], play: false });

test('the networks and the default come from the schema; each has a committed minimum', () => {
  assert.deepEqual([...SCHEMA.networks].sort(), ['cnn', 'mlp']);
  assert.ok(SCHEMA.networks.includes(SCHEMA.network));
  for (const n of SCHEMA.networks) {
    const file = fileURLToPath(new URL(`../../www/${SAVED_MINIMUMS[n].path}`, import.meta.url));
    assert.ok(existsSync(file), `${file} is missing`);
  }
  assert.notEqual(SAVED_MINIMUMS.cnn.path, SAVED_MINIMUMS.mlp.path);
});

test('fashionState reads the network of a link; fashionHash writes it back unless it is the default', () => {
  assert.equal(fashionState(link({ network: 'cnn' })).network, 'cnn');
  assert.equal(fashionState(link({})).network, SCHEMA.network);
  const other = SCHEMA.networks.find((n) => n !== SCHEMA.network);
  const s = fashionState(link({ network: other }));
  assert.match(fashionHash(s), new RegExp(`(^|&)network=${other}(&|$)`));
  assert.doesNotMatch(fashionHash(fashionState(link({ network: SCHEMA.network }))), /network=/);
});

test('savedMinimum: the committed minimum of each network for its seed, none for other seeds', () => {
  assert.equal(savedMinimum('cnn', SAVED_MINIMUMS.cnn.seed).path, 'data/fashion-cnn-minimum-seed0.bin');
  assert.equal(savedMinimum('mlp', SAVED_MINIMUMS.mlp.seed).path, 'data/fashion-minimum-seed0.bin');
  assert.equal(savedMinimum('cnn', SAVED_MINIMUMS.cnn.seed + 1), null);
  assert.equal(savedMinimum('nope', 0), null);
});

test('liveCaption names the running network, the test images, and points to the multi-seed verdict', () => {
  const start = { trainAccuracy: 1, corruptedAccuracy: 1, testAccuracy: 0.71, sharpness: 3.2, topEigenvalues: [45], trHSigma: 20, trHSigmaIso: 2 };
  const rec = (iteration, trainLoss, testAccuracy) => ({ iteration, trainLoss, corruptedAccuracy: 1, testAccuracy, sharpness: 0.5 });
  const records = { gd: [rec(0, 0.01, 0.71), rec(100, 0.011, 0.7)], sgd: [rec(0, 0.01, 0.71), rec(100, 0.012, 0.74)] };
  const p = { start, ids: ['gd', 'sgd'], records, names: { gd: 'GD', sgd: 'SGD' }, parameters: 11330, statusOf: (id) => methodStatus(records[id], undefined) };
  const cnn = liveCaption({ ...p, network: 'cnn', testSize: 2000 });
  assert.match(cnn, /CNN/);
  assert.doesNotMatch(cnn, /MLP/);
  assert.match(cnn, /test accuracy 71\.0% on 2,000 held-out images/);
  assert.match(cnn, /SGD’s test accuracy on 2,000 held-out images is 74\.0%/);
  assert.match(cnn, /D = 11,330/);
  assert.ok(cnn.endsWith(VERDICT_POINTER));
  assert.match(VERDICT_POINTER, /REPRODUCTION\.md, section 3/);
  assert.match(liveCaption({ ...p, network: 'mlp', testSize: 500 }), /MLP.*on 500 held-out images/);
});

test('first guesses of the ETA scale with the network; measurements are what estimateMs takes', async () => {
  const { priorMs, PRIOR_MS, estimateMs } = await import('../../www/figures/fashion/costs.js');
  assert.deepEqual(priorMs('mlp'), PRIOR_MS);
  for (const [id, v] of Object.entries(PRIOR_MS)) assert.ok(priorMs('cnn')[id] > v, id);
  const base = { ids: ['gd'], iterations: { gd: 0 }, target: 100, logEvery: 1000, recordMs: 0 };
  assert.equal(estimateMs({ ...base, msPerIter: { gd: 90 } }), 9000);
  assert.ok(estimateMs({ ...base, msPerIter: priorMs('cnn') }) > estimateMs({ ...base, msPerIter: priorMs('mlp') }));
});
