// Unit tests of www/lib/host-messages.js (node --test tests/unit/): the host <-> figure
// protocol's validation, dispatch, sender check, throttled state reports and ready event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostMessage, connectHost, stateMessage, MESSAGE_TYPE, MAX_STEP_COUNT } from '../../www/lib/host-messages.js';

const msg = (fields) => ({ type: MESSAGE_TYPE, ...fields });

test('valid commands parse to clean command objects', () => {
  assert.deepEqual(parseHostMessage(msg({ command: 'play', extra: 1 })), { ok: true, command: { command: 'play' } });
  assert.deepEqual(parseHostMessage(msg({ command: 'pause' })).command, { command: 'pause' });
  assert.deepEqual(parseHostMessage(msg({ command: 'step' })).command, { command: 'step', count: 1 });
  assert.deepEqual(parseHostMessage(msg({ command: 'step', count: 50 })).command, { command: 'step', count: 50 });
  assert.deepEqual(parseHostMessage(msg({ command: 'reset', seed: 7 })).command, { command: 'reset', seed: 7 });
  assert.deepEqual(parseHostMessage(msg({ command: 'preset', id: 'shape-not-size' })).command, { command: 'preset', id: 'shape-not-size' });
  assert.deepEqual(parseHostMessage(msg({ command: 'setState', state: { lr: 0.01, methods: ['gd', 'sgd'], play: true, iteration: 200 } })).command,
    { command: 'setState', state: { lr: 0.01, methods: ['gd', 'sgd'], play: true, iteration: 200 } });
  assert.deepEqual(parseHostMessage(msg({ command: 'setState', hash: 'lr=0.02' })).command, { command: 'setState', hash: '#lr=0.02' });
});

test('messages of other protocols are not ours (null), malformed ones are reasons', () => {
  for (const data of [null, 3, 'play', [], { command: 'play' }, { type: 'other', command: 'play' }, msg({ event: 'state' })]) {
    assert.equal(parseHostMessage(data), null, JSON.stringify(data));
  }
  const bad = [
    msg({}), msg({ command: 'explode' }), msg({ command: 'toString' }), msg({ command: 42 }),
    msg({ command: 'step', count: 0 }), msg({ command: 'step', count: 1.5 }), msg({ command: 'step', count: MAX_STEP_COUNT + 1 }),
    msg({ command: 'step', count: '3' }), msg({ command: 'reset', seed: -1 }), msg({ command: 'preset' }),
    msg({ command: 'preset', id: '<script>' }), msg({ command: 'setState' }), msg({ command: 'setState', state: { lr: NaN } }),
    msg({ command: 'setState', state: { 'bad key': 1 } }), msg({ command: 'setState', state: { lr: { nested: 1 } } }),
    msg({ command: 'setState', hash: 'x'.repeat(5000) }),
  ];
  for (const data of bad) {
    const r = parseHostMessage(data);
    assert.equal(r.ok, false, JSON.stringify(data));
    assert.equal(typeof r.reason, 'string');
  }
  // A proxy-like object with a prototype is not a plain message.
  assert.equal(parseHostMessage(Object.assign(Object.create({ type: MESSAGE_TYPE }), { command: 'play' })), null);
});

/** A fake window with a parent that records what it receives. */
function fakeWindows() {
  const parentInbox = [];
  const parent = { postMessage: (m, origin) => parentInbox.push({ m, origin }) };
  const listeners = new Set();
  const frames = [];
  const win = {
    parent,
    addEventListener: (type, f) => type === 'message' && listeners.add(f),
    removeEventListener: (type, f) => listeners.delete(f),
    requestAnimationFrame: (f) => frames.push(f),
  };
  const deliver = (data, source = parent) => [...listeners].forEach((f) => f({ data, source }));
  const runFrame = () => frames.splice(0).forEach((f) => f());
  return { win, parent, parentInbox, deliver, runFrame, listeners };
}

test('commands from the parent are dispatched; others are ignored with a warning', () => {
  const w = fakeWindows();
  const calls = [];
  const warnings = [];
  const link = connectHost({
    win: w.win, figure: 'toy', warn: (m) => warnings.push(m),
    handlers: { play: (c) => calls.push(c), step: (c) => calls.push(c), setState: () => { throw new Error('bad link'); } },
  });
  w.deliver(msg({ command: 'play' }));
  w.deliver(msg({ command: 'step', count: 3 }));
  assert.deepEqual(calls, [{ command: 'play' }, { command: 'step', count: 3 }]);
  w.deliver(msg({ command: 'play' }), { postMessage() {} }); // another window
  w.deliver(msg({ command: 'explode' }));
  w.deliver(msg({ command: 'pause' })); // no handler
  w.deliver(msg({ command: 'setState', hash: '#lr=2' })); // handler throws: warned, not rethrown
  w.deliver({ type: 'webpack', data: 1 }); // not ours: silent
  assert.equal(calls.length, 2);
  assert.equal(warnings.length, 4, warnings.join('\n'));
  assert.match(warnings[0], /other than the parent/);
  assert.match(warnings[1], /malformed/);
  assert.match(warnings[2], /does not support/);
  assert.match(warnings[3], /bad link/);
  link.dispose();
  w.deliver(msg({ command: 'play' }));
  assert.equal(calls.length, 2);
  assert.equal(w.listeners.size, 0);
});

test('an embed that opts in accepts other windows', () => {
  const w = fakeWindows();
  const calls = [];
  connectHost({ win: w.win, figure: 'toy', allowAnyWindow: true, warn: () => {}, handlers: { pause: (c) => calls.push(c) } });
  w.deliver(msg({ command: 'pause' }), { postMessage() {} });
  assert.equal(calls.length, 1);
});

test('ready is sent once; state reports are throttled to one per frame and only on change', () => {
  const w = fakeWindows();
  const link = connectHost({ win: w.win, figure: 'toy', warn: () => {} });
  link.ready();
  link.ready();
  assert.deepEqual(w.parentInbox.map((x) => x.m), [{ type: MESSAGE_TYPE, event: 'ready', figure: 'toy' }]);
  for (let i = 1; i <= 5; i++) link.reportState({ iteration: i, playing: true, escaped: { sgd: i } });
  assert.equal(w.parentInbox.length, 1); // nothing before the frame
  w.runFrame();
  assert.equal(w.parentInbox.length, 2);
  assert.deepEqual(w.parentInbox[1].m, { type: MESSAGE_TYPE, event: 'state', figure: 'toy', iteration: 5, playing: true, escaped: { sgd: 5 } });
  link.reportState({ iteration: 5, playing: true, escaped: { sgd: 5 } });
  w.runFrame();
  assert.equal(w.parentInbox.length, 2); // unchanged: not re-sent
  link.reportState({ iteration: 6, playing: false, escaped: { sgd: 5 } });
  w.runFrame();
  assert.equal(w.parentInbox.length, 3);
  assert.equal(w.parentInbox[2].m.playing, false);
});

test('a top-level page (no parent) posts nothing and ignores messages', () => {
  const w = fakeWindows();
  w.win.parent = w.win;
  const warnings = [];
  const calls = [];
  const link = connectHost({ win: w.win, figure: 'toy', warn: (m) => warnings.push(m), handlers: { play: (c) => calls.push(c) } });
  link.ready();
  w.deliver(msg({ command: 'play' }), w.win);
  assert.equal(calls.length, 0);
  assert.equal(warnings.length, 1);
});

test('state messages drop non-finite counts', () => {
  assert.deepEqual(stateMessage('toy', { iteration: 3, playing: 1, escaped: { a: 2, b: NaN } }),
    { type: MESSAGE_TYPE, event: 'state', figure: 'toy', iteration: 3, playing: true, escaped: { a: 2 } });
});

test('a mounted figure obeys the commands and reports its state', async () => {
  const { wireFigure } = await import('../../www/lib/host-messages.js');
  const w = fakeWindows();
  const calls = [];
  let change = null;
  const fig = {
    play: () => calls.push('play'), pause: () => calls.push('pause'), step: () => calls.push('step'),
    reset: () => calls.push('reset'), setState: (s) => calls.push(['setState', s]),
    getState: () => ({ iteration: 0, playing: false, escaped: {} }),
    onChange: (fn) => { change = fn; return () => { change = null; }; },
  };
  const link = wireFigure(fig, 'toy', { win: w.win, warn: () => {} });
  assert.deepEqual(w.parentInbox.map((x) => x.m.event), ['ready']);
  w.deliver(msg({ command: 'play' }));
  w.deliver(msg({ command: 'step', count: 2 }));
  w.deliver(msg({ command: 'reset', seed: 4 }));
  w.deliver(msg({ command: 'preset', id: 'shape-not-size' }));
  w.deliver(msg({ command: 'setState', state: { lr: 0.01 } }));
  w.deliver(msg({ command: 'setState', hash: '#figure=toy&seed=2' }));
  assert.deepEqual(calls, ['play', 'step', 'step', ['setState', { seed: 4 }], 'reset',
    ['setState', { hash: '#figure=toy&preset=shape-not-size' }], ['setState', { lr: 0.01 }], ['setState', { hash: '#figure=toy&seed=2' }]]);
  change({ iteration: 12, playing: true, escaped: { 'gld-eigvec': 3 } });
  w.runFrame();
  const states = w.parentInbox.filter((x) => x.m.event === 'state').map((x) => x.m);
  assert.deepEqual(states.at(-1), { type: MESSAGE_TYPE, event: 'state', figure: 'toy', iteration: 12, playing: true, escaped: { 'gld-eigvec': 3 } });
  link.dispose();
  assert.equal(change, null);
});
