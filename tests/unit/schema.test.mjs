// The settings schema as the page reads it (www/lib/schema.json, exported from src/schema/):
// its shape, its defaults inside its own ranges, the method list the page styles, and (through
// the wasm build) that it is what Rust's link parser enforces: a default parses cleanly, a value
// out of range gets a notice naming the key. Skipped with a reason while the file or the build
// is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SKIP as NO_WASM, wasm } from './wasm.mjs';
import { STYLE } from '../../www/lib/methods.js';

const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'www', 'lib', 'schema.json');
const NO_SCHEMA = existsSync(FILE) ? false : 'www/lib/schema.json is not in this tree';
const schema = NO_SCHEMA ? null : JSON.parse(readFileSync(FILE, 'utf8'));
const SKIP_BOTH = NO_SCHEMA || NO_WASM;

/** Whether `v` lies in the setting's range, honouring exclusive bounds. */
function inRange(s, v) {
  if (s.min != null && (s.minExclusive ? !(v > s.min) : !(v >= s.min))) return false;
  if (s.max != null && (s.maxExclusive ? !(v < s.max) : !(v <= s.max))) return false;
  return true;
}

const numeric = (s) => s.type === 'integer' || s.type === 'number' || s.type === 'seed';

test('every figure and setting has a unique id or key, a label and a help text', { skip: NO_SCHEMA }, () => {
  assert.equal(typeof schema.schemaVersion, 'number');
  const ids = schema.figures.map((f) => f.id);
  assert.deepEqual(ids, ['toy', 'fashion', 'one-hidden-layer', 'sweep']);
  for (const f of schema.figures) {
    const keys = f.settings.map((s) => s.key);
    assert.equal(new Set(keys).size, keys.length, `${f.id}: duplicate keys ${keys}`);
    for (const s of f.settings) {
      assert.ok(s.label && s.help, `${f.id}.${s.key} needs a label and a help text`);
    }
  }
  const pageKeys = schema.pageKeys.map((s) => s.key);
  assert.equal(new Set(pageKeys).size, pageKeys.length);
});

test('defaults lie inside their own ranges and choices', { skip: NO_SCHEMA }, () => {
  for (const f of schema.figures) {
    for (const s of [...f.settings, ...schema.pageKeys]) {
      if (s.default == null) continue;
      if (numeric(s)) {
        assert.ok(inRange(s, s.default), `${f.id}.${s.key}: default ${s.default} outside its range`);
        if (s.type !== 'number') assert.ok(Number.isInteger(s.default), `${f.id}.${s.key}: default should be whole`);
      }
      if (s.type === 'choice' && s.choices) assert.ok(s.choices.includes(s.default), `${f.id}.${s.key}: ${s.default} not a choice`);
      if (s.type === 'methods') assert.ok(s.default.every((m) => schema.methods.some((x) => x.id === m)));
    }
  }
});

test('the page styles exactly the schema\'s methods, in its order', { skip: NO_SCHEMA }, () => {
  assert.deepEqual(Object.keys(STYLE), schema.methods.map((m) => m.id));
});

test('`ohl` stays an accepted name of the one-hidden-layer figure', { skip: NO_SCHEMA }, () => {
  const ohl = schema.figures.find((f) => f.id === 'one-hidden-layer');
  assert.ok(ohl.aliases.includes('ohl'));
});

test('the committed schema.json is what the wasm build exports', { skip: SKIP_BOTH }, async () => {
  const w = await wasm();
  assert.equal(typeof w.schema, 'function', 'the wasm build has no schema() export');
  assert.deepEqual(JSON.parse(JSON.stringify(w.schema())), schema);
});

test('Rust\'s link parser enforces the schema\'s ranges for every numeric link key', { skip: SKIP_BOTH }, async () => {
  const { parsePermalink } = await wasm();
  let checked = 0;
  for (const f of schema.figures) {
    for (const s of f.settings.filter((x) => x.link && numeric(x))) {
      const ok = s.default ?? (s.minExclusive ? s.min + (s.type === 'number' ? 1e-3 : 1) : s.min);
      const good = parsePermalink(`#figure=${f.id}&${s.key}=${ok}`);
      assert.deepEqual(good.notices.filter((n) => n.key === s.key), [], `${f.id}.${s.key}=${ok} should parse cleanly`);
      const bad = [s.max != null ? s.max * 2 + 1 : null, s.min != null ? s.min - 1 : null, s.type === 'integer' ? 1.5 : null, 'NaN']
        .filter((v) => v != null && !(typeof v === 'number' && inRange(s, v) && !(s.type === 'integer' && !Number.isInteger(v))));
      for (const v of bad) {
        const link = parsePermalink(`#figure=${f.id}&${s.key}=${v}`);
        const n = link.notices.find((x) => x.key === s.key);
        assert.ok(n, `${f.id}.${s.key}=${v} should get a notice (got ${JSON.stringify(link.notices)})`);
        assert.ok(n.message.includes(s.key), `the notice should name ${s.key}: ${n.message}`);
        checked += 1;
      }
    }
  }
  assert.ok(checked > 20, `only ${checked} bad values checked`);
});

test('the schema\'s presets are the ones the wasm build lists, each for its figure', { skip: SKIP_BOTH }, async () => {
  const { presetList } = await wasm();
  const fromSchema = schema.figures.flatMap((f) => f.presets.map((p) => [p.id, f.id]));
  const listed = presetList().map((p) => [p.id, p.figure === 'ohl' ? 'one-hidden-layer' : p.figure]);
  assert.deepEqual(new Map(listed), new Map(fromSchema));
});

test('workerConfig: a figure\'s api settings, their defaults, the set ones of a state, and whether two configs differ', { skip: NO_SCHEMA }, async () => {
  const { workerConfig } = await import('../../www/lib/schema.js');
  for (const f of schema.figures) {
    const api = f.settings.filter((s) => s.api);
    const c = workerConfig(f.id);
    assert.deepEqual(c.keys, api.map((s) => s.key), f.id);
    assert.deepEqual(c.defaults, Object.fromEntries(api.map((s) => [s.key, s.default])), f.id);
    if (!api.length) continue;
    const [k] = c.keys;
    assert.deepEqual(c.pick({ [k]: 5, notASetting: 1 }), { [k]: 5 }, f.id);
    assert.deepEqual(c.pick({ [k]: undefined }), {}, f.id);
    assert.deepEqual(c.pick(null), {});
    assert.deepEqual(c.pick(7), {});
    assert.equal(c.changed(c.defaults, { ...c.defaults }), false, f.id);
    assert.equal(c.changed(c.defaults, { ...c.defaults, [k]: 'other' }), true, f.id);
    assert.equal(c.changed(c.defaults, { ...c.defaults, notASetting: 1 }), false, f.id);
  }
});
