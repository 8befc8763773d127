// Keyboard shortcuts of the figures (www/lib/keys.js), with key events as plain objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureKeyHandler } from '../../www/lib/keys.js';

/** A key event whose target matches `closest(sel)` for the given tag. */
function key(k, { tag = 'div', mods = {} } = {}) {
  const field = ['input', 'select', 'textarea'].includes(tag);
  const control = ['button', 'a'].includes(tag);
  const target = { closest: (sel) => ((field && sel.includes('input')) || (control && sel.startsWith('button')) ? {} : null) };
  return { key: k, target, altKey: false, ctrlKey: false, metaKey: false, ...mods, prevented: false, preventDefault() { this.prevented = true; } };
}

function handler(ready = () => true) {
  const done = [];
  const actions = Object.fromEntries(['toggle', 'step', 'reset', 'fullscreen'].map((a) => [a, () => done.push(a)]));
  return { done, on: figureKeyHandler(actions, ready) };
}

test('space, k, right arrow, period, r and f map to their actions and stop the default', () => {
  const { done, on } = handler();
  const events = [' ', 'k', 'ArrowRight', '.', 'r', 'f'].map((k) => key(k));
  events.forEach(on);
  assert.deepEqual(done, ['toggle', 'toggle', 'step', 'step', 'reset', 'fullscreen']);
  assert.ok(events.every((e) => e.prevented));
});

test('other keys, modifiers and typing in a field do nothing', () => {
  const { done, on } = handler();
  const events = [key('x'), key('r', { mods: { ctrlKey: true } }), key('k', { mods: { metaKey: true } }), key('r', { tag: 'input' }), key(' ', { tag: 'textarea' })];
  events.forEach(on);
  assert.deepEqual(done, []);
  assert.ok(events.every((e) => !e.prevented));
});

test('on a button, space and enter keep their meaning but the letters still work', () => {
  const { done, on } = handler();
  on(key(' ', { tag: 'button' }));
  on(key('Enter', { tag: 'a' }));
  on(key('r', { tag: 'button' }));
  assert.deepEqual(done, ['reset']);
});

test('nothing happens until the figure is ready', () => {
  let ready = false;
  const { done, on } = handler(() => ready);
  on(key(' '));
  ready = true;
  on(key(' '));
  assert.deepEqual(done, ['toggle']);
});

test('an action the figure lacks is ignored', () => {
  const on = figureKeyHandler({ toggle() {} });
  const e = key('f');
  on(e);
  assert.equal(e.prevented, false);
});
