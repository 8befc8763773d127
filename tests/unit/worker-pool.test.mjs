// The split of methods over workers (www/lib/worker-pool.js splitByCost), used by the 2-D
// figure (cost 5 for the per-sample methods) and the FashionMNIST one (measured costs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitByCost } from '../../www/lib/worker-pool.js';

const IDS = ['gd', 'gld-const', 'gld-dynamic', 'gld-diag', 'gld-leading', 'gld-hessian', 'gld-eigvec', 'sgd'];
const TOY_COST = (id) => (['gld-dynamic', 'gld-diag', 'gld-leading', 'sgd'].includes(id) ? 5 : 1);

test('every method goes to exactly one worker, each list in the order given', () => {
  for (const k of [1, 2, 3, 4, 8, 12]) {
    const parts = splitByCost(IDS, k, TOY_COST);
    assert.deepEqual(parts.flat().sort(), [...IDS].sort());
    assert.ok(parts.length <= Math.min(k, IDS.length) && parts.every((p) => p.length > 0));
    for (const p of parts) assert.deepEqual(p, IDS.filter((id) => p.includes(id)));
  }
});

test('the loads are as even as the greedy split makes them', () => {
  const parts = splitByCost(IDS, 2, TOY_COST);
  const loads = parts.map((p) => p.reduce((a, id) => a + TOY_COST(id), 0));
  assert.deepEqual(loads, [12, 12]);
  assert.deepEqual(splitByCost(['a'], 4, () => 1), [['a']]);
  assert.deepEqual(splitByCost(['a', 'b'], 0, () => 1), [['a', 'b']]);
});
