// Links of the figures, the JS half (www/lib/link.js and the models of the FashionMNIST and
// one-hidden-layer figures): which figure a hash names, the controls it lists, controller states
// from a parsed link, canonical hashes from a state. The Rust half (parsing) is exercised in link-roundtrip.test.mjs through the wasm build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHash, figureId, figureOf, listedControls } from '../../www/lib/link.js';
import { SCHEMA as FASHION, fashionHash, fashionState } from '../../www/figures/fashion/model.js';
import { SCHEMA as OHL, applyOhlState, ohlHash, ohlState } from '../../www/figures/one-hidden-layer/model.js';

const FASHION_CONTROLS = FASHION.controls;
const OHL_CONTROLS = OHL.controls;

test('figureOf reads the figure key wherever it stands, toy otherwise; ohl is an alias', () => {
  assert.equal(figureOf('#figure=fashion&seed=1'), 'fashion');
  assert.equal(figureOf('seed=1&figure=ohl'), 'one-hidden-layer');
  assert.equal(figureOf('#figure=one-hidden-layer'), 'one-hidden-layer');
  assert.equal(figureOf('#seed=1&figure=toy'), 'toy');
  assert.equal(figureOf('#figure=nope'), 'toy');
  assert.equal(figureOf('#myfigure=fashion'), 'toy');
  assert.equal(figureOf(''), 'toy');
  assert.equal(figureOf(undefined), 'toy');
});

test('figureId maps every name of a figure to its folder', () => {
  assert.equal(figureId('ohl'), 'one-hidden-layer');
  assert.equal(figureId('one-hidden-layer'), 'one-hidden-layer');
  assert.equal(figureId(' fashion '), 'fashion');
  assert.equal(figureId(null), 'toy');
});

test('listedControls keeps the known controls of the figure, in link order', () => {
  assert.deepEqual(listedControls('#figure=fashion&controls=strip,bogus,link', FASHION_CONTROLS), ['strip', 'link']);
  assert.deepEqual(listedControls('#figure=ohl&controls=strip,boundary', OHL_CONTROLS), ['boundary']);
  assert.deepEqual(listedControls('#controls=link%2Cexport', OHL_CONTROLS), ['link', 'export']);
  assert.equal(listedControls('#figure=fashion', FASHION_CONTROLS), null);
  assert.equal(listedControls('#controls=%E0%A4%A', FASHION_CONTROLS), null);
});

test('encodeHash leaves out null values and keeps commas readable', () => {
  assert.equal(encodeHash([['a', 1], ['b', null], ['c', 'x,y z'], ['d', undefined]]), '#a=1&c=x,y%20z');
});

test('the control lists name distinct parts', () => {
  assert.equal(new Set(FASHION_CONTROLS).size, FASHION_CONTROLS.length);
  assert.equal(new Set(OHL_CONTROLS).size, OHL_CONTROLS.length);
});

const FASHION_STATE = { methods: ['gd', 'sgd'], seed: 2, target: 3000, logEvery: 100, maxRecords: 400, fromScratch: false, hidden: ['gd'], playing: true, threads: 3, spectrumMethod: 'sgd' };

test('fashionHash writes the keys in the canonical order, commas unescaped', () => {
  assert.equal(fashionHash(FASHION_STATE, { controls: ['strip', 'link'], lecture: true }),
    '#figure=fashion&methods=gd,sgd&seed=2&iterations=3000&logEvery=100&maxRecords=400&workers=3&spectrum=sgd&play=1&hide=gd&controls=strip,link&lecture=1');
});

test('fashionHash leaves out unset workers, spectrum, hide and defaults-off flags', () => {
  const h = fashionHash({ ...FASHION_STATE, threads: undefined, spectrumMethod: null, hidden: [], playing: false });
  assert.equal(h, '#figure=fashion&methods=gd,sgd&seed=2&iterations=3000&logEvery=100&maxRecords=400&play=0');
  assert.match(fashionHash({ ...FASHION_STATE, fromScratch: true }), /&fromScratch=1&/);
});

test('fashionState maps a parsed link to the controller state, and back to the same hash', () => {
  const link = {
    play: true, hide: ['gd'],
    fashion: { methods: ['gd', 'sgd'], seed: 2, iterations: 3000, logEvery: 100, maxRecords: 400, fromScratch: false, workers: 3, spectrum: 'sgd' },
  };
  const s = fashionState(link);
  assert.deepEqual(s, FASHION_STATE);
  const bare = fashionState({ ...link, fashion: { ...link.fashion, workers: null, spectrum: null } });
  assert.ok(!('threads' in bare) && !('spectrumMethod' in bare));
});

test('ohlHash and ohlState agree', () => {
  const link = { play: false, oneHiddenLayer: { seed: 4, epochs: 31, samples: 200, lr: 0.05, epoch: 7 } };
  const s = ohlState(link);
  assert.deepEqual(s, { seed: 4, epochs: 31, samples: 200, lr: 0.05, epoch: 7, playing: false });
  assert.equal(ohlHash(s, { controls: ['boundary'] }), '#figure=one-hidden-layer&seed=4&epochs=31&samples=200&lr=0.05&epoch=7&play=0&controls=boundary');
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
  applyOhlState(c, { seed: 1, epochs: 31, samples: 200, lr: 0.05, epoch: 5, playing: true });
  assert.deepEqual(c.calls, [['setState', { seed: 1, epochs: 31, samples: 200, lr: 0.05, playing: false }], ['setState', { epoch: 5 }]]);
  c.emit({ epoch: 3, playing: false });
  assert.equal(c.calls.length, 2, 'no play before the epoch is reached');
  c.emit({ epoch: 5, playing: false });
  assert.deepEqual(c.calls.at(-1), ['play']);
  assert.equal(c.listeners.size, 0, 'the listener is removed once it has fired');
});

test('applyOhlState plays at once without an epoch, and not at all without play', () => {
  const a = recordingController();
  applyOhlState(a, { seed: 1, epoch: 0, playing: true });
  assert.deepEqual(a.calls.map((x) => x[0]), ['setState', 'play']);
  const b = recordingController();
  applyOhlState(b, { seed: 1, epoch: 4, playing: false });
  assert.deepEqual(b.calls.map((x) => x[0]), ['setState', 'setState']);
  assert.equal(b.listeners.size, 0);
});
