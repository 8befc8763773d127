// The one-hidden-layer figure's model (www/figures/one-hidden-layer/model.js): the training loop
// paced one epoch per request, step, run-to-epoch, reset, the settings round trip and the
// validation of a state, driven without a browser (the worker replaced by a recorder, the clock
// by a counter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OneHiddenLayerModel, PACE_MS, DEFAULT_CONFIG, doneCaption, boundaryInfo } from '../../www/figures/one-hidden-layer/model.js';

function harness(state = {}) {
  const posts = [];
  const timers = [];
  const statuses = [];
  let clock = 1000;
  let starts = 0;
  const model = new OneHiddenLayerModel({
    io: {
      start: () => { starts += 1; },
      stop: () => {},
      post: (msg) => posts.push(msg),
      later: (fn, ms) => timers.push({ fn, ms }),
      now: () => clock,
    },
    on: { status: (t) => statuses.push(t), error: (c, m) => statuses.push(`${c}: ${m}`), change: () => {}, draw: () => {} },
    state,
  });
  const record = (epoch) => ({ epoch, trainLoss: 1 / (epoch + 1), trainAccuracy: 0.5 + epoch / 100, trHSigma: 3, trHSigmaIso: 1, trH: 1, trSigma: 1 });
  const ready = (epochs = 31) => model.receive({ type: 'ready', epoch: 0, epochs, records: [record(0)], inputs: new Float64Array(4), labels: new Float64Array(2), grid: { values: new Float32Array(4), n: 2 }, settings: { ...model.config, decayStart: 21, parameters: 300 } });
  /** The worker's answer to the epoch in flight. */
  const answer = () => {
    const epoch = model.epoch + 1;
    model.receive({ type: 'epoch', epoch, epochs: model.epochs, record: record(epoch), grid: { values: new Float32Array(4), n: 2 }, ms: 5, done: epoch >= model.epochs });
  };
  return { model, posts, timers, statuses, ready, answer, tick: (ms) => { clock += ms; }, get starts() { return starts; } };
}

test('play asks for one epoch at a time, paced PACE_MS apart; pause stops after the one in flight', () => {
  const h = harness();
  const { model } = h;
  model.begin();
  assert.deepEqual(h.posts[0], { type: 'init', dir: 'pkg-scalar', config: DEFAULT_CONFIG, grid: 96 });
  h.ready();
  model.play();
  assert.equal(h.posts.filter((m) => m.type === 'epoch').length, 1);
  h.answer();
  // The answer came at once: the next epoch waits for the pace.
  assert.equal(h.posts.filter((m) => m.type === 'epoch').length, 1);
  assert.equal(h.timers.at(-1).ms, PACE_MS);
  h.tick(PACE_MS);
  h.timers.at(-1).fn();
  assert.equal(h.posts.filter((m) => m.type === 'epoch').length, 2);
  model.pause();
  h.answer();
  assert.equal(model.epoch, 2);
  assert.equal(model.playing, false);
  assert.equal(h.posts.filter((m) => m.type === 'epoch').length, 2);
  assert.equal(model.playLabel(), 'Resume');
});

test('step trains one epoch then pauses; setState({ epoch }) trains to it unpaced', () => {
  const h = harness();
  const { model } = h;
  model.begin();
  h.ready();
  model.step();
  h.answer();
  assert.equal(model.epoch, 1);
  assert.equal(model.playing, false);
  assert.match(h.statuses.at(-1), /Stepped to epoch 1/);
  model.setState({ epoch: 4 });
  for (let i = 0; i < 3; i++) h.answer();
  assert.equal(model.epoch, 4);
  assert.equal(model.playing, false);
  assert.equal(h.timers.length, 0, 'a run to an epoch does not wait for the pace');
});

test('the last epoch says at how many epochs Tr(HΣ) beat the reference; nothing grows after it', () => {
  const h = harness();
  const { model } = h;
  model.begin();
  h.ready(3);
  model.setState({ epoch: 3 });
  for (let i = 0; i < 3; i++) h.answer();
  assert.equal(model.done, true);
  assert.equal(h.statuses.at(-1), 'All 3 epochs done: Tr(HΣ) was above the isotropic reference at every epoch (×3 at the end).');
  model.step();
  assert.equal(model.records.length, 4);
  assert.equal(model.playLabel(), 'Done');
  assert.equal(doneCaption([{ trHSigma: 1, trHSigmaIso: 2 }, { trHSigma: 3, trHSigmaIso: 1 }], 1), 'All 1 epochs done: Tr(HΣ) was above the isotropic reference at 1 of 2 epochs (×3 at the end).');
  assert.equal(boundaryInfo([], 31), null);
  assert.equal(boundaryInfo(model.records, 3)[0].text, 'epoch 3 of 3');
});

test('getState and setState round-trip; new settings start a fresh study, bad ones are refused by name', () => {
  const h = harness({ seed: 7 });
  const { model } = h;
  assert.deepEqual(model.getState(), { epoch: 0, playing: false, ...DEFAULT_CONFIG, seed: 7 });
  model.begin();
  h.ready();
  const starts = h.starts;
  model.setState({ samples: 200, lr: 0.01 });
  assert.equal(h.starts, starts + 1, 'new settings start a fresh worker');
  assert.deepEqual(model.getState(), { epoch: 0, playing: false, ...DEFAULT_CONFIG, seed: 7, samples: 200, lr: 0.01 });
  assert.deepEqual(h.posts.at(-1).config, { ...DEFAULT_CONFIG, seed: 7, samples: 200, lr: 0.01 });
  const before = model.getState();
  assert.throws(() => model.setState({ lr: 0 }), /setState: lr must be a number in \(0, 1\], got 0/);
  assert.throws(() => model.setState({ samples: 5 }), /samples must be a whole number in \[10, 100000\], got 5/);
  assert.throws(() => model.setState({ epochs: 2.5 }), /epochs must be a whole number/);
  assert.throws(() => model.setState({ epoch: 40 }), /epoch must be at most epochs \(31\), got 40/);
  assert.throws(() => model.setState({ playing: 'yes' }), /playing must be true or false/);
  assert.deepEqual(model.getState(), before);
});

test('reset goes back to the untrained network in a fresh worker; the exports hold the records', () => {
  const h = harness();
  const { model } = h;
  model.begin();
  h.ready();
  model.setState({ epoch: 2 });
  h.answer();
  h.answer();
  assert.equal(model.exportCurves('csv').trim().split('\n').length, 4);
  assert.equal(JSON.parse(model.exportCurves('json')).records.length, 3);
  assert.match(model.liveCaption(), /^Epoch 2: Tr\(HΣ\) = 3 against Tr H·Tr Σ \/ D = 1 \(D = 300\)/);
  const starts = h.starts;
  model.reset();
  assert.equal(h.starts, starts + 1);
  assert.deepEqual([model.epoch, model.records.length, model.ready, model.liveCaption()], [0, 0, false, '']);
  assert.throws(() => model.exportCurves('png'), /format must be 'json' or 'csv'/);
});
