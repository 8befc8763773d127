// The FashionMNIST worker split and ETA (www/figures/fashion/costs.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRIOR_MS, PRIOR_RECORD_MS, estimateMs, partition } from '../../www/figures/fashion/costs.js';

const ALL = ['gd', 'gld-const', 'gld-dynamic', 'gld-diag', 'gld-leading', 'gld-hessian', 'gld-eigvec', 'sgd'];

test('every method has a prior cost', () => {
  assert.deepEqual(Object.keys(PRIOR_MS).sort(), [...ALL].sort());
});

test('partition puts every method in exactly one worker, in the order given', () => {
  for (const shards of [1, 2, 3, 8, 20]) {
    const groups = partition(ALL, shards, 500);
    assert.equal(groups.length, Math.min(shards, ALL.length));
    assert.deepEqual(groups.flat().sort(), [...ALL].sort());
    for (const g of groups) {
      assert.ok(g.length > 0);
      assert.deepEqual(g, ALL.filter((id) => g.includes(id)));
    }
  }
});

test('partition balances the cost: the two expensive Hessian methods go to different workers', () => {
  const groups = partition(ALL, 2, 500);
  const which = (id) => groups.findIndex((g) => g.includes(id));
  assert.notEqual(which('gld-hessian'), which('gld-eigvec'));
  const rec = PRIOR_RECORD_MS / 500;
  const loads = groups.map((g) => g.reduce((a, id) => a + PRIOR_MS[id] + rec, 0));
  // Greedy LPT is within 4/3 of the optimum; here the split is far tighter than that.
  assert.ok(Math.max(...loads) / Math.min(...loads) < 1.3, `loads ${loads}`);
});

test('partition follows measured speeds over the priors', () => {
  const measured = { gd: 100, sgd: 100, 'gld-const': 1 };
  const groups = partition(['gd', 'sgd', 'gld-const'], 2, 1000, measured, 0);
  const which = (id) => groups.findIndex((g) => g.includes(id));
  assert.notEqual(which('gd'), which('sgd'));
});

test('partition with no worker count still gives one worker', () => {
  assert.deepEqual(partition(['gd', 'sgd'], 0, 10), [['gd', 'sgd']]);
});

test('estimateMs adds iterations and records left, per method, and skips diverged ones', () => {
  const ms = estimateMs({ ids: ['gd', 'sgd'], iterations: { gd: 100, sgd: 0 }, target: 200, logEvery: 100, msPerIter: { gd: 2, sgd: 1 }, recordMs: 10 });
  // gd: 100 iterations x 2 ms + 1 record; sgd: 200 x 1 ms + 2 records.
  assert.equal(ms, 100 * 2 + 10 + 200 * 1 + 2 * 10);
  const skip = estimateMs({ ids: ['gd', 'sgd'], iterations: {}, target: 200, logEvery: 100, msPerIter: { gd: 2, sgd: 1 }, recordMs: 10, diverged: { gd: 17 } });
  assert.equal(skip, 200 + 20);
});

test('estimateMs uses the priors before anything is measured and is 0 at the target', () => {
  assert.equal(estimateMs({ ids: ['gd'], iterations: {}, target: 10, logEvery: 10 }), 10 * PRIOR_MS.gd + PRIOR_RECORD_MS);
  assert.equal(estimateMs({ ids: ['gd'], iterations: { gd: 10 }, target: 10, logEvery: 10 }), 0);
  assert.equal(estimateMs({ ids: ['gd'], iterations: { gd: 50 }, target: 10, logEvery: 10 }), 0);
});
