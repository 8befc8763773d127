// The simulation thread: holds the wasm ToySimulation, steps it on request and posts back copies
// of what the page draws. Every request gets exactly one reply, so the page can keep at most one
// step in flight. Protocol (all messages are plain objects with a `type`):
//
//   page -> worker                          worker -> page
//   { type: 'init', dir }                   { type: 'ready', methods, build } | { type: 'fatal', message }
//   { type: 'configure', req, config, field, preview?, steps? }
//                                           { type: 'configured', req, config, methods, indicators, landscape, predictions, grid?, state }
//                                           | { type: 'invalid', req, message, field, fieldErrors }
//   { type: 'step', req, n }                { type: 'state', req, state } | { type: 'error', req, message, recovered, state? }
//   { type: 'reset', req }                  { type: 'state', req, state } | { type: 'error', req, message, recovered, state? }
//   { type: 'predict', req, steps }         { type: 'predictions', req, steps, predictions }   (the pause-at iteration moved)
//   { type: 'parseLink', req, hash }         { type: 'link', req, link }   (Rust's parsePermalink)
//   { type: 'freshSeed', req }               { type: 'seed', req, seed }   (a seed from the OS)
//   { type: 'drop' }                        (no reply: frees the simulation of an idle pool worker)
//
// The figure runs several of these (client.js), each simulating a subset of the methods;
// `configure` may carry `grid: false` so that only one of them computes the heatmap, `preview:
// true` for a coarser heatmap while a shape handle is dragged, and `steps`, how many iterations
// the loss prediction covers (predictions: method id -> the predicted mean loss at iterations
// 0..=steps; landscape: the core's analysis of the shape). States carry, per method, the mean
// loss and its standard deviation over runs at the kept iterations (meanLoss, lossSd). Every
// reply carries `memory`, the byte length of this instance's wasm memory.

import { prepareGridData, preparedBuffers } from './grid.js';
import { loadBuild } from '../../lib/wasm-build.js';
import { errorMessage, loadOrFatal, memoryBytes, serveInOrder } from '../../lib/worker-boot.js';

const VIEW = { min: -1.4, max: 1.6 };
// At most this many runs per method are sent for drawing (counts and curves cover all runs).
const MAX_DRAWN = 5000;

/** @type {typeof import('../../pkg/sgd_escape.js') | null} */
let wasm = null; // the imported module namespace
/** @type {WebAssembly.Memory | null} */
let memoryOf = null; // the instance's memory
/** @type {string | null} */
let dir = null;
/** @type {import('../../pkg/sgd_escape.js').ToySimulation | null} */
let sim = null;
/** @type {any} */
let lastGood = null; // config of the live simulation, to rebuild after a wasm trap
/** @type {string | null} */
let gridKey = null;
let loads = 0;

/** The loaded wasm module; a request before `init` loaded it is an error saying so. */
function loaded() {
  if (!wasm) throw new Error('wasm not loaded yet (init first)');
  return wasm;
}

/** The live simulation; a request that needs one before `configure` is an error saying so. */
function simulation() {
  if (!sim) throw new Error('no simulation yet');
  return sim;
}

/** @returns {{ state: object, transfer: Transferable[] }} */
function snapshot() {
  const sim = simulation();
  const ids = sim.methods();
  /** @type {Record<string, Float32Array>} */
  const positions = {};
  /** @type {Record<string, Float32Array>} */
  const curves = {};
  /** @type {Record<string, number>} */
  const escaped = {};
  /** @type {Record<string, number>} */
  const diverged = {};
  /** @type {Record<string, Float32Array>} */
  const meanLoss = {};
  /** @type {Record<string, Float32Array>} */
  const lossSd = {};
  /** @type {Transferable[]} */
  const transfer = [];
  for (const id of ids) {
    const view = sim.positions(id);
    // Copy out of wasm memory (narrowed to f32 for drawing; the first MAX_DRAWN runs only).
    const p = new Float32Array(view.length > 2 * MAX_DRAWN ? view.subarray(0, 2 * MAX_DRAWN) : view);
    const c = new Float32Array(sim.escapeCurve(id));
    const ml = new Float32Array(sim.meanLossCurve(id));
    const sd = sim.lossSdCurve(id); // already a copy
    positions[id] = p;
    curves[id] = c;
    meanLoss[id] = ml;
    lossSd[id] = sd;
    escaped[id] = sim.escapedCount(id);
    // Runs that diverged (learning rate beyond stability, huge noise): frozen where they left
    // the bounded domain, never counted as escaped.
    diverged[id] = sim.divergedCount(id);
    transfer.push(p.buffer, c.buffer, ml.buffer, sd.buffer);
  }
  return {
    state: { iteration: sim.iteration, curveStride: sim.curveStride, runs: sim.runs, drawn: Math.min(sim.runs, MAX_DRAWN), methods: ids, positions, curves, escaped, diverged, meanLoss, lossSd },
    transfer,
  };
}

/**
 * @param {number} samples
 * @param {boolean} preview
 * @returns {number}
 */
function gridSize(samples, preview) {
  // Each grid node costs `samples` loss evaluations: keep the grid under ~30 M of them (a
  // preview while a handle is dragged: a sixteenth of that, so the heatmap follows the drag).
  const n = Math.floor(Math.sqrt((preview ? 2e6 : 3e7) / Math.max(1, samples)));
  return Math.max(preview ? 48 : 64, Math.min(preview ? 128 : 320, n));
}

/**
 * The predicted mean loss of every method at iterations 0..=steps (the core's lossPrediction).
 * @param {number} steps
 * @returns {Record<string, Float64Array>}
 */
function predictions(steps) {
  const sim = simulation();
  /** @type {Record<string, Float64Array>} */
  const out = {};
  for (const id of sim.methods()) out[id] = Float64Array.from(sim.lossPrediction(id, steps).predicted);
  return out;
}

/** @returns {Record<string, unknown>} */
function indicators() {
  const sim = simulation();
  /** @type {Record<string, unknown>} */
  const out = {};
  // No point given: the indicators at the sharp minimum.
  for (const id of sim.methods()) out[id] = sim.indicator(id, undefined, undefined);
  return out;
}

/**
 * Which fields are invalid on their own? wasm reports the first bad field of a config; to mark
 * every bad control at once, each field is tried alone in a tiny simulation (one run, GD only).
 * @param {Record<string, unknown>} config
 * @returns {Record<string, string>}
 */
function probeFields(config) {
  const wasm = loaded();
  /** @type {Record<string, string>} */
  const errors = {};
  for (const [key, value] of Object.entries(config)) {
    /** @type {Record<string, unknown>} */
    const probe = { methods: ['gd'], runs: 1, [key]: value };
    if (key === 'batchSize') probe.samples = 10000; // batchSize is bounded by samples
    if (key === 'runs') probe.samples = 1; // runs * samples is bounded
    try {
      new wasm.ToySimulation(probe).free();
    } catch (e) {
      errors[key] = errorMessage(e);
    }
  }
  return errors;
}

/**
 * Handles a wasm trap (RuntimeError): the instance is poisoned, so load a new one.
 * @param {unknown} err
 * @returns {Promise<boolean>}
 */
async function recover(err) {
  if (!(err instanceof WebAssembly.RuntimeError) || !lastGood) return false;
  try {
    // A fresh instance after a trap needs a fresh module record (loadBuild's `instance`).
    if (dir === null) throw new Error('no build directory (init first)');
    const built = await loadBuild(dir, loads++);
    ({ wasm, memory: memoryOf } = built);
    sim = new built.wasm.ToySimulation(lastGood);
    gridKey = null;
    return true;
  } catch (e) {
    postMessage({ type: 'fatal', message: `wasm could not be restarted: ${errorMessage(e)}` });
    return false;
  }
}

/**
 * @param {object} msg
 * @param {Transferable[]} [transfer]
 */
const reply = (msg, transfer) => postMessage({ ...msg, memory: memoryBytes(memoryOf) ?? 0 }, { transfer: transfer || [] });

/** @param {any} msg a request (see the protocol above) */
async function handle(msg) {
  switch (msg.type) {
    case 'init': {
      dir = msg.dir;
      const built = await loadOrFatal(msg.dir, undefined, loads++);
      if (!built) return;
      ({ wasm, memory: memoryOf } = built);
      const w = built.wasm;
      reply({ type: 'ready', methods: w.methodInfo(), build: w.buildInfo(), presets: w.presetList(), defaults: w.parsePermalink(''), dir });
      return;
    }
    case 'configure': {
      const wasm = loaded();
      let next;
      try {
        next = new wasm.ToySimulation(msg.config);
      } catch (e) {
        reply({ type: 'invalid', req: msg.req, message: errorMessage(e), field: msg.field, fieldErrors: probeFields(msg.config) });
        return;
      }
      if (sim) sim.free();
      sim = next;
      const config = sim.config();
      lastGood = config;
      /** @type {(import('./grid.js').LossGrid & { prepared: import('./grid.js').PreparedGrid, values: Float32Array, min: number, max: number }) | null} */
      let grid = null;
      // The heatmap depends on the data and the landscape's shape (and the preview's size).
      const n = gridSize(config.samples, !!msg.preview);
      const key = [config.samples, config.dataSpread, config.seed, config.sharpLambda1, config.sharpLambda2, config.sharpAngle, config.flatCurvature, config.minimaDistance, n].join('|');
      if (msg.grid === false) gridKey = null;
      else if (key !== gridKey) {
        const values = sim.lossGrid(n, n, VIEW.min, VIEW.max, VIEW.min, VIEW.max);
        // Heatmap pixels and contours are computed here, so the page never blocks on them.
        grid = { values, nx: n, ny: n, min: VIEW.min, max: VIEW.max, prepared: prepareGridData({ values, nx: n, ny: n }) };
        gridKey = key;
      }
      const { state, transfer } = snapshot();
      if (grid) transfer.push(grid.values.buffer, ...preparedBuffers(grid.prepared));
      const steps = Number.isInteger(msg.steps) && msg.steps >= 1 ? msg.steps : 500;
      reply({ type: 'configured', req: msg.req, config, methods: sim.methods(), indicators: indicators(), landscape: sim.landscape(), predictions: predictions(steps), steps, preview: !!msg.preview, grid, state }, transfer);
      return;
    }
    case 'step':
    case 'seek':
    case 'reset': {
      if (!sim) { postMessage({ type: 'error', req: msg.req, message: 'no simulation yet' }); return; }
      try {
        // seek: to any iteration, back or ahead, bit for bit the uninterrupted run's positions.
        if (msg.type === 'step') sim.step(msg.n); else if (msg.type === 'seek') sim.seek(msg.iteration); else sim.reset(undefined); // no seed: keep the current one
      } catch (e) {
        const recovered = await recover(e);
        // After a trap the page gets the fresh simulation's state (iteration 0) with the error.
        reply({ type: 'error', req: msg.req, message: errorMessage(e), recovered, state: recovered ? snapshot().state : undefined });
        return;
      }
      const { state, transfer } = snapshot();
      reply({ type: 'state', req: msg.req, state }, transfer);
      return;
    }
    case 'predict': {
      if (!sim) { postMessage({ type: 'error', req: msg.req, message: 'no simulation yet' }); return; }
      try {
        reply({ type: 'predictions', req: msg.req, steps: msg.steps, predictions: predictions(msg.steps) });
      } catch (e) {
        reply({ type: 'error', req: msg.req, message: errorMessage(e), recovered: true, state: snapshot().state });
      }
      return;
    }
    case 'freshSeed': {
      // A seed from the OS (getrandom), for "New seed": every run stays reproducible from its link.
      reply({ type: 'seed', req: msg.req, seed: loaded().freshSeed() });
      return;
    }
    case 'parseLink': {
      reply({ type: 'link', req: msg.req, link: loaded().parsePermalink(String(msg.hash)) });
      return;
    }
    case 'drop': {
      if (sim) sim.free();
      sim = null;
      gridKey = null;
      return;
    }
    default:
      postMessage({ type: 'error', req: msg.req, message: `unknown request ${msg.type}` });
  }
}

// Requests are handled strictly one after another (init is async).
serveInOrder(handle);
