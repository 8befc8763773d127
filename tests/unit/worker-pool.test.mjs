// The split of methods over workers (www/lib/worker-pool.js, splitByCost): every method once,
// in the given order, costs balanced greedily.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitByCost } from '../../www/lib/worker-pool.js';

const IDS = ['gd', 'gld-const', 'gld-dynamic', 'gld-diag', 'gld-leading', 'gld-hessian', 'gld-eigvec', 'sgd'];

test('every id lands in exactly one non-empty group, each in the order given', () => {
  for (const k of [1, 2, 3, 8, 20]) {
    const groups = splitByCost(IDS, k, () => 1);
    assert.equal(groups.length, Math.min(k, IDS.length));
    assert.deepEqual(groups.flat().sort(), [...IDS].sort());
    for (const g of groups) assert.deepEqual(g, IDS.filter((id) => g.includes(id)));
  }
});

test('equal costs spread evenly; one expensive id gets a worker to itself', () => {
  const even = splitByCost(IDS, 4, () => 1);
  assert.deepEqual(even.map((g) => g.length), [2, 2, 2, 2]);
  const heavy = splitByCost(IDS, 2, (id) => (id === 'gld-hessian' ? 100 : 1));
  assert.ok(heavy.some((g) => g.length === 1 && g[0] === 'gld-hessian'), JSON.stringify(heavy));
});

test('greedy balance: no worker carries more than the optimum plus the largest single cost', () => {
  const cost = { gd: 8, 'gld-const': 14, 'gld-dynamic': 18, 'gld-diag': 19, 'gld-leading': 9, 'gld-hessian': 75, 'gld-eigvec': 85, sgd: 0.3 };
  for (const k of [2, 3, 4]) {
    const loads = splitByCost(IDS, k, (id) => cost[id]).map((g) => g.reduce((a, id) => a + cost[id], 0));
    const total = Object.values(cost).reduce((a, b) => a + b, 0);
    assert.ok(Math.max(...loads) <= total / k + 85 + 1e-9, `k=${k}: loads ${loads}`);
  }
});

test('no workers asked for still gives one group; no ids gives none', () => {
  assert.deepEqual(splitByCost(['gd', 'sgd'], 0, () => 1), [['gd', 'sgd']]);
  assert.deepEqual(splitByCost([], 3, () => 1), []);
});
