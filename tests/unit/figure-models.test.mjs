// The FashionMNIST and one-hidden-layer figures' models (www/figures/fashion/model.js,
// www/figures/one-hidden-layer/model.js): a parsed link as the figure's state, the state as the
// canonical hash, the export file names, and how a one-hidden-layer link is applied to its
// controller (a recording controller with the figure interface's setState/play/onChange).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fashion from '../../www/figures/fashion/model.js';
import * as ohl from '../../www/figures/one-hidden-layer/model.js';

const FASHION_STATE = { methods: ['gd', 'sgd'], seed: 2, target: 3000, logEvery: 100, maxRecords: 400, fromScratch: false, hidden: ['gd'], playing: true, threads: 3, spectrumMethod: 'sgd', network: 'mlp' };

test('fashionHash writes the keys in the canonical order, commas unescaped', () => {
  assert.equal(fashion.fashionHash(FASHION_STATE, { controls: ['strip', 'link'], lecture: true }),
    '#figure=fashion&methods=gd,sgd&seed=2&iterations=3000&logEvery=100&maxRecords=400&workers=3&spectrum=sgd&play=1&hide=gd&controls=strip,link&lecture=1');
});

test('fashionHash leaves out unset workers, spectrum, hide and flags that are off', () => {
  const h = fashion.fashionHash({ ...FASHION_STATE, threads: undefined, spectrumMethod: null, hidden: [], playing: false });
  assert.equal(h, '#figure=fashion&methods=gd,sgd&seed=2&iterations=3000&logEvery=100&maxRecords=400&play=0');
  assert.match(fashion.fashionHash({ ...FASHION_STATE, fromScratch: true }), /&fromScratch=1&/);
});

test('fashionState maps a parsed link to the figure\'s state', () => {
  const link = {
    play: true, hide: ['gd'],
    fashion: { methods: ['gd', 'sgd'], seed: 2, iterations: 3000, logEvery: 100, maxRecords: 400, fromScratch: false, workers: 3, spectrum: 'sgd', network: 'mlp' },
  };
  assert.deepEqual(fashion.fashionState(link), FASHION_STATE);
  const bare = fashion.fashionState({ ...link, fashion: { ...link.fashion, workers: null, spectrum: null } });
  assert.ok(!('threads' in bare) && !('spectrumMethod' in bare));
});

test('ohlState and ohlHash agree', () => {
  const link = { play: false, oneHiddenLayer: { seed: 4, epochs: 31, samples: 200, lr: 0.05, epoch: 7 } };
  const s = ohl.ohlState(link);
  assert.deepEqual(s, { seed: 4, epochs: 31, samples: 200, lr: 0.05, epoch: 7, playing: false });
  assert.equal(ohl.ohlHash(s, { controls: ['boundary'] }), '#figure=one-hidden-layer&seed=4&epochs=31&samples=200&lr=0.05&epoch=7&play=0&controls=boundary');
});

test('export names carry the figure, the seed and where it stands', () => {
  assert.equal(fashion.exportBase(FASHION_STATE), 'sgd-escape-fashion-mlp-seed2-it3000');
  assert.equal(ohl.exportBase({ seed: 123, epoch: 31 }), 'sgd-escape-ohl-seed123-epoch31');
});

test('each figure names the parts an embed may show, once each', () => {
  for (const { SCHEMA } of [fashion, ohl]) {
    assert.ok(SCHEMA.controls.length >= 3);
    assert.equal(new Set(SCHEMA.controls).size, SCHEMA.controls.length);
    assert.ok(SCHEMA.controls.includes('link') && SCHEMA.controls.includes('export'));
  }
});

/** A controller with the figure interface's setState/play/onChange, recording the calls. */
function recordingController() {
  const calls = [];
  const listeners = new Set();
  return {
    calls,
    setState(s) { calls.push(['setState', s]); },
    play() { calls.push(['play']); },
    onChange(f) { listeners.add(f); return () => listeners.delete(f); },
    emit(s) { for (const f of [...listeners]) f(s); },
    listeners,
  };
}

test('applyOhlState sets the settings paused, then trains to the epoch, then plays on', () => {
  const c = recordingController();
  ohl.applyOhlState(c, { seed: 1, epochs: 31, samples: 200, lr: 0.05, epoch: 5, playing: true });
  assert.deepEqual(c.calls, [['setState', { seed: 1, epochs: 31, samples: 200, lr: 0.05, playing: false }], ['setState', { epoch: 5 }]]);
  c.emit({ epoch: 3, playing: false });
  assert.equal(c.calls.length, 2, 'no play before the epoch is reached');
  c.emit({ epoch: 5, playing: false });
  assert.deepEqual(c.calls.at(-1), ['play']);
  assert.equal(c.listeners.size, 0, 'the listener is removed once it has fired');
});

test('applyOhlState plays at once without an epoch, and not at all without play', () => {
  const a = recordingController();
  ohl.applyOhlState(a, { seed: 1, epoch: 0, playing: true });
  assert.deepEqual(a.calls.map((x) => x[0]), ['setState', 'play']);
  const b = recordingController();
  ohl.applyOhlState(b, { seed: 1, epoch: 4, playing: false });
  assert.deepEqual(b.calls.map((x) => x[0]), ['setState', 'setState']);
  assert.equal(b.listeners.size, 0);
});
