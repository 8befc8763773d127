// The FashionMNIST figure's state machine (www/figures/fashion/model.js FashionModel), driven
// without a browser: the workers are replaced by a recorder of what the model asks them (`io`),
// and their replies are fed to `receive` in the shape of worker.js's protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FashionModel, paperSettings, checkSettings, SCHEMA } from '../../www/figures/fashion/model.js';
import { stage1NoteOf, progressOf, estimateOf } from '../../www/figures/fashion/readouts.js';

const START = { iteration: 0, trainLoss: 0.01, trainAccuracy: 1, corruptedAccuracy: 1, testAccuracy: 0.7, sharpness: 0.3, sharpnessStdErr: 0.02, topEigenvalues: [40, 3], trH: 100, trHSigma: 20, trHSigmaIso: 2 };
const MINIMUM = new Uint8Array([1, 2, 3]);

/** A model whose workers are a recorder; `posts` lists [worker, message]. */
function harness(cores = 4) {
  const posts = [];
  const statuses = [];
  const errors = [];
  let started = 0;
  let changes = 0;
  const model = new FashionModel({
    io: {
      start: (n) => { started = n; },
      stop: () => { started = 0; },
      post: (k, msg) => posts.push([k, msg]),
      fetchSaved: async () => MINIMUM,
    },
    on: { status: (t, kind) => statuses.push([t, kind]), error: (c, m) => errors.push(`${c}: ${m}`), change: () => { changes += 1; }, draw: () => {} },
    cores,
    minimums: new Map(),
  });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return { model, posts, statuses, errors, flush, get started() { return started; }, get changes() { return changes; } };
}

/** Replies as the workers do after `init` with the saved minimum: loaded, then stage2 at the minimum. */
function loadAll(model) {
  model.shards.forEach((sh) => {
    model.receive(sh.k, { type: 'loaded', gen: 0, parameters: 11140, layerSizes: [784, 14, 10], methodInfo: [{ id: 'gd', name: 'GD (full batch)' }], settings: { trainSize: 1200, testSize: 2000, corrupted: [1000, 1200] } });
  });
  model.shards.forEach((sh) => {
    model.receive(sh.k, { type: 'stage2', gen: 0, start: START, records: Object.fromEntries(sh.methods.map((id) => [id, [START]])), iterations: Object.fromEntries(sh.methods.map((id) => [id, 0])) });
  });
}

test('off -> loading -> ready -> running -> ready: the workers get init, run and stop at the target', async () => {
  const h = harness();
  const { model } = h;
  model.setState({ methods: ['gd', 'sgd'], threads: 2, logEvery: 10, target: 20 });
  assert.equal(model.phase, 'off');
  model.begin();
  assert.equal(model.phase, 'loading');
  assert.equal(h.started, 2);
  assert.deepEqual(model.shards.map((s) => s.methods), [['gd'], ['sgd']]);
  await h.flush();
  const inits = h.posts.filter(([, m]) => m.type === 'init');
  assert.equal(inits.length, 2);
  assert.deepEqual(inits[0][1].minimum, MINIMUM);
  assert.equal(inits[0][1].strip, true);
  assert.equal(inits[1][1].strip, false);
  loadAll(model);
  assert.equal(model.phase, 'ready');
  assert.equal(model.readout().ready, true);
  assert.equal(model.names.gd, 'GD (full batch)', 'the worker\'s method names replace the schema\'s');
  assert.deepEqual([model.parameters, model.dirty.protocol, model.dirty.strip], [11140, true, false]);
  model.play();
  assert.equal(model.phase, 'running');
  assert.deepEqual(h.posts.filter(([, m]) => m.type === 'run').map(([k, m]) => [k, m.target]), [[0, 20], [1, 20]]);
  assert.equal(model.readout().busy, true);
  for (const k of [0, 1]) {
    const id = model.shards[k].methods[0];
    model.receive(k, { type: 'progress', gen: 0, iterations: { [id]: 20 }, records: { [id]: [{ ...START, iteration: 10 }, { ...START, iteration: 20 }] }, diverged: {}, perf: { msPerIter: { [id]: 5 }, recordMs: 100 }, etaMs: 0 });
    model.receive(k, { type: 'idle', gen: 0, reason: 'target', stage: 2 });
  }
  assert.equal(model.phase, 'ready');
  assert.equal(model.playing, false);
  assert.equal(model.minIteration(), 20);
  assert.equal(model.readout().records.gd.length, 3);
  assert.match(h.statuses.at(-1)[0], /Every method has reached iteration 20/);
  // What the view shows: the bar full, no ETA left, the estimate from the measured speeds.
  const p = progressOf(model);
  assert.deepEqual([p.label, p.fraction, p.eta, model.etaMs], ['Stage 2', 1, '', 0]);
  assert.match(estimateOf(model).text, /^From the minimum to iteration 20: about .* \(measured speeds\)\./);
  assert.deepEqual(estimateOf(model).costs.gd, { text: '5 ms/it', measured: true });
});

test('a seed without a saved minimum: stage 1 runs in the first worker once; its minimum goes to the others', async () => {
  const h = harness();
  const { model } = h;
  model.setState({ seed: 1, methods: ['gd', 'gld-const', 'sgd'], threads: 2 });
  assert.equal(model.getState().fromScratch, true, 'stage 1 is forced for a seed without a saved minimum');
  model.begin();
  await h.flush();
  assert.equal(h.posts.find(([, m]) => m.type === 'init')[1].reason, 'chosen');
  for (const sh of model.shards) model.receive(sh.k, { type: 'need-stage1', gen: 0, reason: 'seed' });
  assert.equal(model.phase, 'need-stage1');
  model.play();
  assert.equal(model.phase, 'stage1');
  assert.deepEqual(h.posts.filter(([, m]) => m.type === 'stage1').map(([k]) => k), [0]);
  assert.equal(model.readout().stage1Runs, 1);
  model.receive(0, { type: 'minimum', gen: 0, bytes: MINIMUM, iteration: 900 });
  assert.deepEqual(h.posts.filter(([, m]) => m.type === 'minimum').map(([k]) => k), [1]);
  assert.ok(model.minimums.has('mlp:1'));
  assert.match(stage1NoteOf(model), /already ran on this page/);
});

test('reset goes back to the minimum in place; replies from before the reset are dropped', async () => {
  const h = harness();
  const { model } = h;
  model.setState({ methods: ['gd'], threads: 1 });
  model.begin();
  await h.flush();
  loadAll(model);
  model.play();
  model.reset();
  assert.equal(model.phase, 'resetting');
  assert.equal(model.playing, false);
  assert.equal(model.readout().busy, false);
  assert.deepEqual(h.posts.at(-1), [0, { type: 'reset', gen: 1 }]);
  // A progress report of the old generation changes nothing.
  model.receive(0, { type: 'progress', gen: 0, iterations: { gd: 7 }, records: {}, diverged: {}, perf: null, etaMs: 0 });
  assert.equal(model.minIteration(), 0);
  model.receive(0, { type: 'stage2', gen: 1, start: START, records: { gd: [START] }, iterations: { gd: 0 } });
  assert.equal(model.phase, 'ready');
});

test('getState and setState round-trip; only the target keeps the workers', async () => {
  const h = harness();
  const { model } = h;
  const state = { methods: ['gd', 'sgd'], seed: 0, logEvery: 50, target: 300, threads: 1, fromScratch: false, network: 'cnn', maxRecords: 64, playing: false, spectrumMethod: 'sgd', hidden: ['gd'] };
  model.setState(state);
  assert.deepEqual(model.getState(), state);
  model.begin();
  await h.flush();
  const started = model.generation;
  model.setState({ target: 500 });
  assert.equal(model.generation, started, 'a new target does not start the workers over');
  model.setState({ logEvery: 25 });
  assert.ok(model.generation > started, 'a new record interval starts the workers over');
  assert.deepEqual(model.getState(), { ...state, target: 500, logEvery: 25 });
});

test('bad values are refused with an error that names the setting, and nothing changes', () => {
  const h = harness();
  const { model } = h;
  const before = model.getState();
  assert.throws(() => model.setState({ seed: -1 }), /setState: The seed must be a whole number from 0 to 4,294,967,295, got -1\./);
  assert.throws(() => model.setState({ network: 'vgg' }), /The network must be one of cnn, mlp, got vgg/);
  assert.throws(() => model.setState({ methods: [] }), /Choose at least one method/);
  assert.throws(() => model.setState({ methods: ['adam'] }), /methods must be among/);
  assert.throws(() => model.setState({ maxRecords: 2 }), /maxRecords must be a whole number from 3/);
  assert.throws(() => model.setState({ target: 1.5, seed: 2 }), /iteration target/);
  assert.deepEqual(model.getState(), before);
  // From the form: the bad field is kept in `errors` (the view marks it), the rest applies.
  model.edit({ target: NaN, seed: 0, logEvery: 10, threads: 1, methods: ['gd'], fromScratch: false, network: 'mlp' });
  assert.deepEqual(Object.keys(model.errors), ['target']);
  assert.equal(model.getState().logEvery, 10);
  assert.deepEqual(checkSettings({ threads: 9 }).errors, { threads: 'The number of worker threads must be a whole number from 1 to 8, got 9.' });
});

test('the paper protocol runs the paper\'s CNN, says so when it switches, and plays', async () => {
  const h = harness(6);
  const { model } = h;
  model.setState({ network: 'mlp', methods: ['gd'] });
  model.paperProtocol();
  const s = model.getState();
  assert.equal(SCHEMA.paper.network, 'cnn');
  assert.deepEqual(paperSettings(6).network, 'cnn');
  assert.equal(s.network, 'cnn');
  assert.equal(s.methods.length, 8);
  assert.deepEqual([s.target, s.logEvery, s.seed, s.threads, s.playing], [15000, 500, 0, 6, true]);
  assert.ok(h.statuses.some(([t]) => /Paper protocol: the paper’s CNN \(switched from the MLP \(784-14-10\)\), all eight dynamics to iteration 15,000/.test(t)), JSON.stringify(h.statuses));
  // Already on the CNN: no switch to speak of.
  const again = harness(2);
  again.model.setState({ network: 'cnn' });
  again.model.paperProtocol();
  assert.ok(again.statuses.some(([t]) => /^Paper protocol: the paper’s CNN, all eight/.test(t)));
  assert.equal(again.model.getState().threads, 2);
});

test('hidden methods and the spectrum choice are state; the readout carries the captions', async () => {
  const h = harness();
  const { model } = h;
  model.setState({ methods: ['gd', 'sgd'], threads: 1 });
  model.begin();
  await h.flush();
  loadAll(model);
  model.toggleHidden('gd');
  assert.deepEqual(model.getState().hidden, ['gd']);
  assert.deepEqual(model.visibleIds(), ['sgd']);
  model.setSpectrum('gd');
  assert.equal(model.getState().spectrumMethod, 'gd');
  const r = model.readout();
  assert.match(r.liveText, /^Network: the MLP .* on 2,000 held-out images, expected sharpness 0\.3 ± 0\.02/);
  assert.match(r.spectrumText, /^λ₁ = 40 \(40 at the minimum\)/);
  assert.equal(JSON.parse(model.exportCurves('json')).records.gd.length, 1);
  assert.match(model.exportCurves('csv').split('\n')[0], /^method,iteration,.*sharpness,sharpnessStdErr,/);
  assert.throws(() => model.exportCurves('xml'), /format must be 'json' or 'csv', got xml/);
});
