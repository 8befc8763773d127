// A FashionMNIST thread: fetches the data, holds a wasm FashionExperiment for some of the methods
// (the page splits them over several of these workers) and runs it in small chunks, yielding to
// its event loop between chunks so a pause or a reset arrives within one chunk. Stage 1 runs in
// one worker only; its minimum (saveMinimum bytes) goes back to the page, which hands it to every
// worker (and keeps it for later restarts), so stage 1 is computed once per seed. Reset is done
// in place: the experiment goes back to the minimum without reloading anything.
//
//   page -> worker                                    worker -> page
//   { type: 'init', dir, config, strip, minimum? }    { type: 'loaded', parameters, layerSizes, methods, settings, strip?, build, memoryBytes }
//                                                     then { type: 'stage2', ... } if `minimum` (checkpoint bytes) loads,
//                                                     or { type: 'need-stage1', reason } | { type: 'fatal', message }
//   { type: 'stage1' }                                { type: 'stage1', iteration, trainAccuracy, done, itPerSec } per chunk,
//                                                     then { type: 'minimum', bytes, iteration } and { type: 'stage2', ... },
//                                                     or { type: 'idle', reason: 'paused', stage: 1 }
//   { type: 'minimum', bytes }                        { type: 'stage2', start, records, iterations, recordEvery, memoryBytes }
//   { type: 'run', target }                           { type: 'progress', iterations, records (new ones), recordEvery, diverged,
//                                                       etaMs, perf, memoryBytes } per chunk,
//                                                     then { type: 'idle', reason: 'target' | 'paused', stage: 2 }
//   { type: 'pause' }                                 (the running loop stops after its chunk)
//   { type: 'target', target }                        (a new iteration target for the running loop)
//   { type: 'reset', gen }                            (the running loop stops after its chunk) then
//                                                     { type: 'stage2', ... } or { type: 'need-stage1', reason: 'reset' }
//
// Every message to the page carries `gen`, the generation of the last reset, so the page can drop
// progress that was already on its way when it reset. Errors: { type: 'error', message }.

import { PRIOR_MS, PRIOR_RECORD_MS, estimateMs } from './costs.js';
import { errorMessage, loadOrFatal, memoryBytes } from '../../lib/worker-boot.js';

const FILES = {
  trainImages: 'fmnist-train1200-images-idx3-ubyte.gz',
  trainLabels: 'fmnist-train1200-labels-idx1-ubyte.gz',
  testImages: 'fmnist-test2000-images-idx3-ubyte.gz',
  testLabels: 'fmnist-test2000-labels-idx1-ubyte.gz',
};
// The image strip: clean images from 0..999 and corrupted ones from 1000..1199.
const STRIP = [...Array.from({ length: 16 }, (_, i) => i), ...Array.from({ length: 8 }, (_, i) => 1000 + i)];
// Stage-1 iterations per call (about 0.1 s in wasm).
const STAGE1_CHUNK = 20;
// Wall time one stage-2 chunk aims for; a chunk that records takes longer (about a second).
const CHUNK_MS = 120;
// A method whose training loss stops being finite has diverged for good: it is reported and no
// longer stepped. (A large but finite loss is not divergence: noise that escapes the sharp
// minimum throws the loss up to about chance level, log 10, and training then recovers.)

/** @type {typeof import('../../pkg/sgd_escape.js') | null} */
let wasm = null;
/** @type {WebAssembly.Memory | null} */
let memory = null;
/** @type {import('../../pkg/sgd_escape.js').FashionExperiment | null} */
let exp = null;
/** @type {string[]} */
let ids = [];
let running = false;
let stopRequested = false;
/** @type {number | null} */
let resetGen = null; // a reset waiting for the running loop to stop
let gen = 0;
let target = 0;
let logEvery = 100;
/** @type {Record<string, number>} */
let seen = {}; // id -> iteration of the latest record posted
/** @type {Record<string, number>} id -> measured ms per iteration (records excluded) */
const msPerIter = {};
/** @type {Record<string, { ms: number, n: number }>} */
const cost = {}; // id -> { ms, n }: time spent in iterations that did not record
let recordMs = PRIOR_RECORD_MS;
let recordTotal = 0;
let recordSamples = 0;
/** @type {Record<string, { iteration: number, trainLoss: number }>} id -> { iteration, trainLoss } */
let diverged = {};

/** The experiment; a request that needs it before `init` built it is an error saying so. */
function experiment() {
  if (!exp) throw new Error('no experiment yet (init first)');
  return exp;
}

/**
 * @param {Record<string, unknown>} msg
 * @param {Transferable[]} [transfer]
 */
function post(msg, transfer = []) {
  postMessage({ ...msg, gen }, { transfer });
}

const tick = () => new Promise((r) => setTimeout(r, 0));

/**
 * @param {string} name
 * @returns {Promise<Uint8Array>}
 */
async function bytes(name) {
  // Resolved against this module, not the worker's location (a blob URL when started cross-origin).
  const res = await fetch(new URL(`../../data/${name}`, import.meta.url));
  if (!res.ok) throw new Error(`data/${name}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * The labels as published (before corruption), from the gzip IDX file; null if unavailable.
 * @param {Uint8Array<ArrayBuffer>} gz
 * @returns {Promise<Uint8Array | null>}
 */
async function publishedLabels(gz) {
  if (typeof DecompressionStream !== 'function') return null;
  try {
    const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
    const raw = new Uint8Array(await new Response(stream).arrayBuffer());
    const view = new DataView(raw.buffer);
    if (view.getUint32(0) !== 0x00000801) return null;
    return raw.subarray(8, 8 + view.getUint32(4));
  } catch {
    return null;
  }
}

/** @param {Uint8Array | null} original */
function strip(original) {
  const exp = experiment();
  const images = new Uint8Array(STRIP.length * 784);
  /** @type {import('./strip.js').StripLabel[]} */
  const labels = [];
  STRIP.forEach((i, k) => {
    images.set(exp.trainImage(i), k * 784);
    const l = exp.trainLabel(i);
    labels.push({ index: i, label: l.label, corrupted: l.corrupted, original: original ? original[i] : null });
  });
  return { images, labels };
}

function recordEvery() {
  const exp = experiment();
  return Object.fromEntries(ids.map((id) => [id, exp.recordEvery(id)]));
}

function stage2Message() {
  const exp = experiment();
  /** @type {Record<string, { iteration: number }[]>} */
  const records = {};
  /** @type {Record<string, number>} */
  const iterations = {};
  seen = {};
  for (const id of ids) {
    const r = exp.records(id);
    records[id] = r;
    seen[id] = r.length ? r[r.length - 1].iteration : 0;
    iterations[id] = exp.iteration(id);
  }
  return { type: 'stage2', start: exp.startRecord(), records, iterations, recordEvery: recordEvery(), memoryBytes: memoryBytes(memory) };
}

/** @param {Uint8Array} buf a stage-1 checkpoint */
function loadMinimum(buf) {
  const t0 = performance.now();
  experiment().loadMinimum(buf);
  post({ ...stage2Message(), loadMs: performance.now() - t0 });
}

/** @param {any} msg the `init` request (see the protocol above) */
async function init(msg) {
  const built = await loadOrFatal(msg.dir, post);
  if (!built) return;
  ({ wasm, memory } = built);
  /** @type {Record<keyof FILES, Uint8Array<ArrayBuffer>>} */
  let data;
  try {
    const names = /** @type {(keyof FILES)[]} */ (Object.keys(FILES));
    const got = await Promise.all(names.map((k) => bytes(FILES[k])));
    data = /** @type {Record<keyof FILES, Uint8Array<ArrayBuffer>>} */ (Object.fromEntries(names.map((k, i) => [k, got[i]])));
  } catch (e) {
    post({ type: 'fatal', message: `could not load the data: ${errorMessage(e)}` });
    return;
  }
  try {
    exp = new wasm.FashionExperiment(msg.config, data.trainImages, data.trainLabels, data.testImages, data.testLabels);
  } catch (e) {
    post({ type: 'fatal', message: errorMessage(e) });
    return;
  }
  ids = exp.methods();
  const s = msg.strip ? strip(await publishedLabels(data.trainLabels)) : null;
  post({
    type: 'loaded',
    parameters: exp.parameters,
    layerSizes: Array.from(exp.layerSizes()),
    methods: ids,
    methodInfo: wasm.methodInfo(),
    settings: exp.settings(),
    strip: s,
    build: wasm.buildInfo(),
    memoryBytes: memoryBytes(memory),
  }, s ? [s.images.buffer] : []);
  if (!msg.minimum) {
    post({ type: 'need-stage1', reason: msg.reason || 'chosen' });
    return;
  }
  try {
    loadMinimum(msg.minimum);
  } catch (e) {
    // A checkpoint that does not fit (another seed or network): stage 1 has to run.
    post({ type: 'need-stage1', reason: errorMessage(e) });
  }
}

async function runStage1() {
  const exp = experiment();
  running = true;
  stopRequested = false;
  let last = null;
  const t0 = performance.now();
  try {
    while (!stopRequested) {
      const c0 = performance.now();
      last = exp.stage1Step(STAGE1_CHUNK);
      const dt = performance.now() - c0;
      post({ type: 'stage1', iteration: last.iteration, trainAccuracy: last.trainAccuracy, done: last.done, itPerSec: (1000 * STAGE1_CHUNK) / Math.max(dt, 1e-3), elapsedMs: performance.now() - t0 });
      if (last.done) break;
      await tick();
    }
  } catch (e) {
    running = false;
    post({ type: 'error', message: errorMessage(e) });
    return;
  }
  running = false;
  if (afterLoop()) return;
  if (last && last.done && exp.inStage2) {
    const cp = exp.saveMinimum();
    post({ type: 'minimum', bytes: cp, iteration: last.iteration }, [cp.buffer]);
    post(stage2Message());
    return;
  }
  if (last && last.done) {
    post({ type: 'error', message: `stage 1 stopped after ${last.iteration} iterations without fitting every label (train accuracy ${(100 * last.trainAccuracy).toFixed(1)}%)` });
    return;
  }
  post({ type: 'idle', reason: 'paused', stage: 1 });
}

function active() {
  const exp = experiment();
  return ids.filter((id) => !diverged[id] && exp.iteration(id) < target);
}

function eta() {
  const exp = experiment();
  /** @type {Record<string, number>} */
  const iterations = {};
  for (const id of ids) iterations[id] = exp.iteration(id);
  return estimateMs({ ids, iterations, target, logEvery, msPerIter, recordMs: recordSamples ? recordMs : null, diverged });
}

/**
 * @param {string} id
 * @param {{ iteration: number, trainLoss: number }[]} records
 */
function checkDivergence(id, records) {
  if (diverged[id]) return;
  for (const r of records) {
    if (!Number.isFinite(r.trainLoss)) { diverged[id] = { iteration: r.iteration, trainLoss: r.trainLoss }; return; }
  }
}

async function runStage2() {
  const exp = experiment();
  running = true;
  stopRequested = false;
  try {
    for (;;) {
      if (stopRequested) break;
      const todo = active();
      if (!todo.length) break;
      // The method furthest behind goes next, so all of them advance together.
      let id = todo[0];
      for (const m of todo) if (exp.iteration(m) < exp.iteration(id)) id = m;
      const it = exp.iteration(id);
      const per = msPerIter[id] ?? PRIOR_MS[id] ?? 20;
      // Chunks stop just short of a record; the record is then taken by a call of its own, so
      // both costs are measured cleanly (with a record every iteration every call records).
      const every = exp.recordEvery(id);
      const toRecord = every - (it % every);
      let n = Math.max(1, Math.min(target - it, Math.floor(CHUNK_MS / per) || 1, 50));
      if (toRecord > 1) n = Math.min(n, toRecord - 1); else n = 1;
      const c0 = performance.now();
      exp.step(id, n);
      const dt = performance.now() - c0;
      const fresh = exp.recordsAfter(id, seen[id] ?? 0);
      if (fresh.length) seen[id] = fresh[fresh.length - 1].iteration;
      const recs = fresh.length;
      if (!recs) {
        const c = cost[id] || (cost[id] = { ms: 0, n: 0 });
        c.ms += dt;
        c.n += n;
        msPerIter[id] = c.ms / c.n;
      } else {
        recordTotal += Math.max(0, dt - n * (msPerIter[id] ?? per)) / recs;
        recordSamples += 1;
        recordMs = recordTotal / recordSamples;
      }
      checkDivergence(id, fresh);
      /** @type {Record<string, number>} */
      const iterations = {};
      for (const m of ids) iterations[m] = exp.iteration(m);
      post({
        type: 'progress',
        method: id,
        iterations,
        records: recs ? { [id]: fresh } : {},
        recordEvery: { [id]: exp.recordEvery(id) },
        diverged: { ...diverged },
        etaMs: eta(),
        perf: { msPerIter: { ...msPerIter }, recordMs: recordSamples ? recordMs : null, chunkMs: dt, n },
        memoryBytes: memoryBytes(memory),
      });
      await tick();
    }
  } catch (e) {
    running = false;
    post({ type: 'error', message: errorMessage(e) });
    return;
  }
  running = false;
  if (afterLoop()) return;
  post({ type: 'idle', reason: stopRequested ? 'paused' : 'target', stage: 2, diverged: { ...diverged } });
}

/**
 * Back to the start of stage 2 (or of stage 1 before it ended), keeping the measured speeds.
 * @param {number} g
 */
function resetNow(g) {
  resetGen = null;
  gen = g;
  const exp = experiment();
  exp.reset();
  diverged = {};
  if (exp.inStage2) post(stage2Message()); else post({ type: 'need-stage1', reason: 'reset' });
}

/** Runs a reset that arrived while a loop ran; true if there was one. */
function afterLoop() {
  if (resetGen === null) return false;
  resetNow(resetGen);
  return true;
}

self.onmessage = (ev) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'init':
      logEvery = (msg.config && msg.config.logEvery) || 100;
      init(msg).catch((e) => post({ type: 'fatal', message: errorMessage(e) }));
      return;
    case 'pause':
      stopRequested = true;
      if (!running) post({ type: 'idle', reason: 'paused', stage: exp && exp.inStage2 ? 2 : 1 });
      return;
    case 'reset':
      if (!exp) return;
      if (running) { stopRequested = true; resetGen = msg.gen; } else resetNow(msg.gen);
      return;
    case 'target':
      target = msg.target;
      return;
    case 'stage1':
      if (running || !exp) return;
      runStage1().catch((e) => post({ type: 'error', message: errorMessage(e) }));
      return;
    case 'minimum':
      if (!exp || running) return;
      try {
        loadMinimum(msg.bytes);
      } catch (e) {
        post({ type: 'fatal', message: `the minimum of stage 1 did not load: ${errorMessage(e)}` });
      }
      return;
    case 'run':
      if (!exp) return;
      target = msg.target;
      if (running) return;
      if (!exp.inStage2) { post({ type: 'error', message: 'stage 2 has not begun' }); return; }
      runStage2().catch((e) => post({ type: 'error', message: errorMessage(e) }));
      return;
    default:
      post({ type: 'error', message: `unknown request ${msg.type}` });
  }
};
