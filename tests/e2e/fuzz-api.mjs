#!/usr/bin/env node
// Seeded fuzz of the wasm API in headless Chromium: random and hostile arguments to every
// export (wrong types, NaN, infinities, huge values, strings with markup, nested objects,
// BigInt, Symbol, functions, throwing getters, Proxies, prototype-pollution keys, garbage IDX
// bytes). Every call must either return or throw a JS Error whose message names a field in
// backticks; no call may reach the Rust panic hook (`lastPanic()` stays null); after every
// rejected call the instance must still work; Object.prototype must stay clean.
//
//   node tests/e2e/fuzz-api.mjs [--cases N] [--seed S] [--pkg pkg|pkg-scalar]
//
// Defaults: 20000 cases, seed 1, the SIMD build in www/pkg (`./build.sh build` first). A failure
// prints the seed, the case number and the call, so `--seed S --cases N` replays it exactly.

import process from 'node:process';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, startServer } from '../../tools/chromium.mjs';

const ARGS = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = ARGS.indexOf(name);
  return i >= 0 && ARGS[i + 1] !== undefined ? ARGS[i + 1] : fallback;
};
const CASES = Number(arg('--cases', '20000'));
const SEED = Number(arg('--seed', '1'));
const PKG = arg('--pkg', 'pkg');
if (!Number.isInteger(CASES) || CASES < 1) throw new Error(`--cases must be a positive integer, got ${arg('--cases')}`);
if (!Number.isInteger(SEED) || SEED < 0) throw new Error(`--seed must be a non-negative integer, got ${arg('--seed')}`);
if (!['pkg', 'pkg-scalar'].includes(PKG)) throw new Error(`--pkg must be pkg or pkg-scalar, got ${PKG}`);


// Everything below runs inside the page: generation, calls and checks, so a case costs no
// round trip. It returns { cases, calls, accepted, rejected, failures: [...] }.
async function fuzzInPage({ moduleUrl, cases, seed }) {
  const wasm = await import(moduleUrl);
  await wasm.default();

  // mulberry32: small, seeded, good enough to pick cases.
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(rand() * list.length)];

  const METHODS = ['gd', 'gld-const', 'gld-dynamic', 'gld-diag', 'gld-leading', 'gld-hessian', 'gld-eigvec', 'sgd'];
  const throwingGetter = () => {
    const o = {};
    Object.defineProperty(o, 'runs', { enumerable: true, get() { throw new Error('getter says no'); } });
    return o;
  };
  const revoked = () => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; };
  const hostileTrap = () => new Proxy({}, { ownKeys() { throw new TypeError('trap says no'); } });
  const HOSTILE = [
    () => NaN, () => Infinity, () => -Infinity, () => -1, () => 0, () => -0, () => 0.5, () => 1.5,
    () => 1e308, () => -1e308, () => 2 ** 53, () => 2 ** 32, () => 4294967295, () => 5e-324,
    () => '1', () => '', () => 'abc', () => '<img src=x onerror="window.__pwned=1">',
    () => '"><script>window.__pwned=1</script>', () => 'x'.repeat(100_000), () => 'gd',
    () => null, () => undefined, () => true, () => false, () => [], () => [1], () => [[[]]],
    () => ['gd', 'gd'], () => ['gd', 7], () => new Array(10_000).fill('sgd'), () => ({}),
    () => ({ valueOf() { return 3; } }), () => ({ toString() { return '5'; } }), () => 5n,
    () => Symbol('s'), () => () => 1, () => new Uint8Array(3), () => new Float64Array(2),
    () => new Date(0), () => /re/, () => JSON.parse('{"__proto__": {"polluted": 1}}'),
    () => Object.create(null), () => ({ a: { b: { c: [1, { d: 2 }] } } }), throwingGetter,
    revoked, hostileTrap, () => new Number(5), () => new String('gd'),
  ];
  const PLAUSIBLE = [
    () => int(0, 12), () => int(1, 200), () => rand(), () => rand() * 20 - 10, () => int(0, 2 ** 32),
    () => pick(METHODS), () => METHODS.filter(() => rand() < 0.4),
  ];
  const value = () => (rand() < 0.5 ? pick(HOSTILE) : pick(PLAUSIBLE))();
  const TOY_KEYS = ['methods', 'runs', 'lr', 'noiseTrace', 'batchSize', 'samples', 'dataSpread', 'seed'];
  const OTHER_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'epochs',
    'logEvery', 'sharpnessDraws', '', ' runs', 'RUNS', '0'];
  const config = (keys) => {
    const r = rand();
    if (r < 0.1) return value(); // not an object at all, or a hostile one
    const o = {};
    const n = int(0, 5);
    for (let i = 0; i < n; i += 1) {
      const key = rand() < 0.8 ? pick(keys) : pick(OTHER_KEYS);
      // defineProperty: even "__proto__" becomes an own, enumerable data property.
      Object.defineProperty(o, key, { value: value(), enumerable: true, configurable: true, writable: true });
    }
    return o;
  };
  // Configs that are cheap to run (the random ones may ask for 100,000 runs).
  const smallToy = () => new wasm.ToySimulation({ runs: 4, samples: 5, methods: ['gd', 'sgd', 'gld-eigvec'] });

  const describe = (v) => {
    try {
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'symbol') return v.toString();
      if (typeof v === 'function') return 'function';
      if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
      if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
      const s = JSON.stringify(v);
      return s === undefined ? String(v) : (s.length > 80 ? `${s.slice(0, 80)}...` : s);
    } catch (e) {
      try {
        return `<${Object.prototype.toString.call(v)}>`;
      } catch (e2) {
        return '<unprintable: a revoked Proxy?>';
      }
    }
  };
  // Errors start with the field in backticks: "`lr` must be ...", "`foo` is not a setting".
  const NAMED = /^`[^`]*` \S/;

  const stats = { cases, calls: 0, accepted: 0, rejected: 0, failures: [] };
  const fail = (i, call, why) => {
    if (stats.failures.length < 20) stats.failures.push(`case ${i}: ${call}: ${why}`);
  };
  // Calls `fn`; checks that it returns or throws a field-naming Error. Returns [ok, result].
  const attempt = (i, call, fn) => {
    stats.calls += 1;
    try {
      const result = fn();
      stats.accepted += 1;
      return [true, result];
    } catch (e) {
      stats.rejected += 1;
      if (!(e instanceof Error)) fail(i, call, `threw a non-Error: ${describe(e)}`);
      else if (!NAMED.test(e.message)) fail(i, call, `error names no field: ${e.message}`);
      else if (/RuntimeError|unreachable/.test(`${e.name} ${e.message}`)) fail(i, call, `trap: ${e.message}`);
      return [false, e];
    }
  };

  // Bytes for the FashionMNIST constructor: garbage, truncated or near-valid IDX headers.
  const idxBytes = () => {
    const r = rand();
    if (r < 0.2) return value();
    const header = (magic, dims) => {
      const b = new Uint8Array(4 + 4 * dims.length + int(0, 40));
      const view = new DataView(b.buffer);
      view.setUint32(0, magic);
      dims.forEach((d, k) => view.setUint32(4 + 4 * k, d));
      for (let k = 4 + 4 * dims.length; k < b.length; k += 1) b[k] = int(0, 255);
      return b.subarray(0, int(0, b.length));
    };
    if (r < 0.5) return header(0x803, [int(0, 3), int(0, 28), int(0, 28)]);
    if (r < 0.8) return header(0x801, [int(0, 40)]);
    if (r < 0.9) return new Uint8Array([0x1f, 0x8b, ...Array.from({ length: int(0, 30) }, () => int(0, 255))]);
    return new Uint8Array(Array.from({ length: int(0, 64) }, () => int(0, 255)));
  };

  const live = smallToy();
  const study = new wasm.OneHiddenLayerStudy({ epochs: 2 });
  const TOY_CALLS = [
    ['step', 1], ['reset', 1], ['positions', 1], ['escapeCurve', 1], ['meanLossCurve', 1],
    ['escapedCount', 1], ['divergedCount', 1], ['outcome', 1], ['divergenceTimes', 1],
    ['divergedCurve', 1], ['firstEscapeTimes', 1], ['indicator', 3], ['predictedLossIncrease', 2],
    ['lossGrid', 6], ['config', 0], ['methods', 0],
  ];
  // A plausible or hostile argument for `name`'s position `k`, kept cheap when valid.
  const toyArg = (name, k) => {
    if (name === 'lossGrid' && k < 2 && rand() < 0.5) return int(2, 64);
    if (name === 'step' && rand() < 0.5) return int(1, 50);
    if (k === 0 && !['step', 'reset', 'lossGrid'].includes(name) && rand() < 0.5) return pick(METHODS);
    return value();
  };

  for (let i = 0; i < cases; i += 1) {
    const kind = rand();
    if (kind < 0.3) {
      const cfg = config(TOY_KEYS);
      const [ok, sim] = attempt(i, `new ToySimulation(${describe(cfg)})`, () => new wasm.ToySimulation(cfg));
      if (ok) {
        attempt(i, 'fresh.step(1)', () => (sim.runs <= 1000 ? sim.step(1) : 0));
        sim.free();
      }
    } else if (kind < 0.75) {
      const [name, arity] = pick(TOY_CALLS);
      // Cap a valid lossGrid's cost: its size is checked before any work.
      const args = Array.from({ length: arity + int(0, 1) }, (_, k) => toyArg(name, k));
      attempt(i, `sim.${name}(${args.map(describe).join(', ')})`, () => live[name](...args));
    } else if (kind < 0.85) {
      const cfg = config(['seed', 'epochs', 'samples', 'lr']);
      const [ok, s] = attempt(i, `new OneHiddenLayerStudy(${describe(cfg)})`, () => new wasm.OneHiddenLayerStudy(cfg));
      if (ok) s.free();
      const e = rand() < 0.5 ? int(0, 3) : value();
      attempt(i, `study.learningRate(${describe(e)})`, () => study.learningRate(e));
      const n = rand() < 0.5 ? int(2, 40) : value();
      attempt(i, `study.decisionGrid(${describe(n)})`, () => study.decisionGrid(n));
    } else if (kind < 0.97) {
      const cfg = config(['methods', 'seed', 'lr', 'logEvery', 'sharpnessDraws', 'refreshFast']);
      const files = [idxBytes(), idxBytes(), idxBytes(), idxBytes()];
      const [ok, exp] = attempt(i, `new FashionExperiment(${describe(cfg)}, ${files.map(describe).join(', ')})`,
        () => new wasm.FashionExperiment(cfg, ...files));
      if (ok) {
        fail(i, 'new FashionExperiment', 'accepted garbage data');
        exp.free();
      }
    } else {
      attempt(i, 'methodInfo()', () => wasm.methodInfo());
      attempt(i, 'buildInfo()', () => wasm.buildInfo());
    }
    // Nothing panicked, and the long-lived instances still work.
    const panic = wasm.lastPanic();
    if (panic !== undefined && panic !== null) {
      fail(i, 'lastPanic()', `a Rust panic: ${panic}`);
      break;
    }
    try {
      live.step(1);
      if (live.outcome('gd').stayed + live.outcome('gd').escaped + live.outcome('gd').diverged !== 4) {
        fail(i, 'live.outcome', 'counts do not add up to the runs');
      }
      if (live.iteration > 5000) live.reset(0);
      study.learningRate(0);
    } catch (e) {
      fail(i, 'instance after the case', `no longer usable: ${e}`);
      break;
    }
  }
  if (({}).polluted !== undefined || Object.prototype.polluted !== undefined) {
    stats.failures.push('Object.prototype was polluted');
  }
  if (window.__pwned) stats.failures.push('injected markup ran');
  live.free();
  study.free();
  return stats;
}

async function main() {
  const { child, url } = await startServer();
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // A same-origin document that runs nothing of the app: the module itself, shown as text.
    await page.goto(`${url}${PKG}/sgd_escape.js`);
    const started = Date.now();
    const stats = await page.evaluate(fuzzInPage, { moduleUrl: `${url}${PKG}/sgd_escape.js`, cases: CASES, seed: SEED });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`fuzz-api (${PKG}, seed ${SEED}): ${stats.cases} cases, ${stats.calls} calls ` +
      `(${stats.accepted} returned, ${stats.rejected} rejected with a field-naming Error) in ${seconds} s`);
    const failures = [...stats.failures, ...errors.map((e) => `uncaught page error: ${e}`)];
    for (const f of failures) console.log(`FAIL ${f}`);
    console.log(`${failures.length === 0 ? 1 : 0} passed, ${failures.length === 0 ? 0 : 1} failed`);
    process.exitCode = failures.length === 0 ? 0 : 1;
  } finally {
    if (browser) await browser.close();
    child.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
