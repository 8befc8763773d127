// The 2-D figure's CSV and JSON exports from its state (www/figures/toy/model.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curvesCsv, curvesJson } from '../../www/figures/toy/model.js';

const app = {
  hash: '#figure=toy&lr=0.005',
  target: 500,
  simulated: ['gd', 'sgd'],
  names: { gd: 'GD', sgd: 'SGD, "minibatch"' },
  config: { lr: 0.005, seed: 0 },
  indicators: { gd: 0, sgd: 1.5 },
  state: {
    iteration: 20, runs: 100, curveStride: 10,
    curves: { gd: Float32Array.from([0, 0, 0]), sgd: Float32Array.from([0, 0.25, 0.5]) },
    escaped: { gd: 0, sgd: 50 },
    diverged: { sgd: 0 },
  },
};

test('the CSV has one row per kept iteration and one quoted column per method', () => {
  const csv = curvesCsv(app);
  assert.equal(csv, 'iteration,"GD escaped fraction","SGD, ""minibatch"" escaped fraction"\n0,0,0\n10,0,0.25\n20,0,0.5\n');
});

test('a method with a shorter curve leaves its later cells empty', () => {
  const short = { ...app, state: { ...app.state, curves: { gd: Float32Array.from([0]), sgd: app.state.curves.sgd } } };
  assert.equal(curvesCsv(short).split('\n')[2], '10,,0.25');
});

test('the JSON holds the link, config, iterations and each method', () => {
  const j = curvesJson(app);
  assert.equal(j.figure, 'toy');
  assert.equal(j.link, '#figure=toy&lr=0.005');
  assert.equal(j.pauseAt, 500);
  assert.deepEqual(j.curveIterations, [0, 10, 20]);
  assert.deepEqual(j.methods.sgd, { name: 'SGD, "minibatch"', escaped: 50, diverged: 0, escapeCurve: [0, 0.25, 0.5], indicator: 1.5 });
  assert.equal(j.methods.gd.diverged, null);
  assert.deepEqual(JSON.parse(JSON.stringify(j)), j);
});
