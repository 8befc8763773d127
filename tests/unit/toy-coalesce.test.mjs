// Request coalescing (www/figures/toy/coalesce.js): one request in flight, the latest waiting one
// sent when it is answered, none lost, none sent twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coalescer } from '../../www/figures/toy/coalesce.js';

test('a drag faster than the answers sends one request per answer, always the latest, the last never lost', () => {
  const sent = [];
  const c = new Coalescer((v) => sent.push(v));
  assert.equal(c.push(1), true, 'nothing in flight: sent at once');
  for (let v = 2; v <= 9; v++) assert.equal(c.push(v), false);
  assert.deepEqual(sent, [1]);
  c.settle();
  assert.deepEqual(sent, [1, 9], 'the answer lets the latest go, 2..8 are dropped');
  assert.equal(c.dropped, 7);
  c.push(10);
  c.settle();
  assert.deepEqual(sent, [1, 9, 10]);
  c.settle();
  assert.equal(c.busy, false, 'all answered: idle');
  assert.equal(c.push(11), true);
  assert.deepEqual(sent, [1, 9, 10, 11]);
  assert.equal(c.sent, 4);
});

test('a simulation of requests and random answers: every request sent is the newest at that time, and the final value always goes', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let trial = 0; trial < 50; trial++) {
    const sent = [];
    let inFlight = 0;
    const c = new Coalescer((v) => { sent.push(v); inFlight += 1; });
    let latest = 0;
    for (let t = 0; t < 200; t++) {
      if (rand() < 0.6) { latest += 1; c.push(latest); }
      if (inFlight && rand() < 0.3) { inFlight -= 1; c.settle(); }
      assert.ok(inFlight <= 1, 'never two in flight');
      for (let i = 1; i < sent.length; i++) assert.ok(sent[i] > sent[i - 1]);
    }
    while (inFlight) { inFlight -= 1; c.settle(); }
    if (latest) assert.equal(sent[sent.length - 1], latest);
  }
});

test('clear forgets the waiting request', () => {
  const sent = [];
  const c = new Coalescer((v) => sent.push(v));
  c.push('a');
  c.push('b');
  c.clear();
  c.push('c');
  assert.deepEqual(sent, ['a', 'c']);
});
