// Bounded record buffers and CSV export of the curves (www/lib/curves.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thinRecords, toCsv } from '../../www/lib/curves.js';

const records = (n, every = 1) => Array.from({ length: n }, (_, k) => ({ iteration: k * every }));

test('thinRecords keeps everything under the cap', () => {
  const rs = records(5);
  assert.equal(thinRecords(rs, 10, 1), 1);
  assert.equal(rs.length, 5);
});

test('thinRecords doubles the stride until the cap holds, keeping evenly spaced records from 0', () => {
  const rs = records(65); // 0..64
  const stride = thinRecords(rs, 4, 1);
  assert.equal(stride, 32);
  assert.deepEqual(rs.map((r) => r.iteration), [0, 32, 64]);
});

test('thinRecords works in place on another key and a starting stride', () => {
  const rs = Array.from({ length: 10 }, (_, k) => ({ epoch: k }));
  const same = rs;
  assert.equal(thinRecords(rs, 100, 3, 'epoch'), 3);
  assert.equal(rs, same);
  assert.deepEqual(rs.map((r) => r.epoch), [0, 3, 6, 9]);
});

test('thinRecords treats a stride under 1 as 1', () => {
  const rs = records(3);
  assert.equal(thinRecords(rs, 10, 0), 1);
  assert.equal(rs.length, 3);
});

test('toCsv writes a header and one row per record, quoting commas, quotes and newlines', () => {
  const csv = toCsv([{ a: 1, b: 'x,y' }, { a: NaN, b: 'say "hi"' }, { a: null, b: 'two\nlines' }], [['a', (r) => r.a], ['b "col"', (r) => r.b]]);
  assert.equal(csv, 'a,"b ""col"""\n1,"x,y"\nNaN,"say ""hi"""\n,"two\nlines"\n');
});

test('toCsv keeps infinities visible', () => {
  assert.equal(toCsv([{ v: Infinity }], [['v', (r) => r.v]]), 'v\nInfinity\n');
});
