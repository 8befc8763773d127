// Links on the JS side (www/lib/link.js): which figure a hash names, the hash's encoding, the
// controls it lists before wasm has parsed it. Parsing itself is Rust's (link-roundtrip.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHash, figureId, figureOf, listedControls, sharedPairs } from '../../www/lib/link.js';

test('figureOf reads the figure key wherever it stands, toy otherwise', () => {
  assert.equal(figureOf('#figure=fashion&seed=1'), 'fashion');
  assert.equal(figureOf('seed=1&figure=ohl'), 'one-hidden-layer');
  assert.equal(figureOf('#figure=one-hidden-layer'), 'one-hidden-layer');
  assert.equal(figureOf('#seed=1&figure=toy'), 'toy');
  assert.equal(figureOf('#figure=nope'), 'toy');
  assert.equal(figureOf('#myfigure=fashion'), 'toy');
  assert.equal(figureOf(''), 'toy');
  assert.equal(figureOf(undefined), 'toy');
});

test('figureId accepts the folder name and the old `ohl` (the schema\'s alias)', () => {
  for (const n of ['ohl', 'one-hidden-layer', ' ohl ']) assert.equal(figureId(n), 'one-hidden-layer');
  assert.equal(figureId('fashion'), 'fashion');
  assert.equal(figureId(null), 'toy');
  assert.equal(figureId('nope'), 'toy');
});

test('listedControls keeps the known controls, in link order', () => {
  const fashion = ['settings', 'paper', 'spectrum', 'strip', 'link', 'export'];
  assert.deepEqual(listedControls('#figure=fashion&controls=strip,bogus,link', fashion), ['strip', 'link']);
  assert.deepEqual(listedControls('#controls=link%2Cexport', fashion), ['link', 'export']);
  assert.deepEqual(listedControls('#controls=', fashion), []);
  assert.equal(listedControls('#figure=fashion', fashion), null);
  assert.equal(listedControls('#controls=%E0%A4%A', fashion), null, 'a malformed escape counts as no list');
});

test('encodeHash percent-encodes values, keeps commas, and leaves out null and undefined', () => {
  assert.equal(encodeHash([['a', 1], ['b', null], ['c', 'x y&z'], ['d', undefined], ['m', 'gd,sgd']]), '#a=1&c=x%20y%26z&m=gd,sgd');
  assert.equal(encodeHash([]), '#');
});

test('sharedPairs ends every link with controls, then lecture', () => {
  assert.deepEqual(sharedPairs({ controls: ['lr', 'seed'], lecture: true }), [['controls', 'lr,seed'], ['lecture', 1]]);
  assert.deepEqual(sharedPairs({ controls: null, lecture: false }), []);
  assert.deepEqual(sharedPairs({ controls: [] }), [['controls', '']]);
});
