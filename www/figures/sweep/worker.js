// A sweep thread: loads the wasm build and answers requests about one sweep config (the sweep
// figure's settings, checked by Rust: SweepConfig::from_fields). Several of these run in the
// figure's pool, each computing the points of its share. Every request gets exactly one reply.
// `list` is sweepList(): what may vary, with its unit and default range. Protocol (plain objects
// with a `type`):
//
//   page -> worker                               worker -> page
//   { type: 'init', dir }                        { type: 'ready', build, list, memoryBytes } | { type: 'fatal', message }
//   { type: 'plan', req, config }                { type: 'plan', req, values, markers }
//   { type: 'point', req, config, index, value } { type: 'point', req, index, point, ms, memoryBytes }
//   { type: 'spearman', req, n, trHSigma, fraction } { type: 'spearman', req, n, rho }
//   any of them, on a bad config or value        { type: 'error', req, index?, message }
//
// A point's runs all happen inside one call, so a cancelled sweep is stopped by terminating the
// worker (the page does, on reset).

import { BUILD_DIRS, loadBuild } from '../../lib/wasm-build.js';

/** @type {any} */
let wasm = null;
/** @type {WebAssembly.Memory | null} */
let memory = null;

/** @param {unknown} err */
function message(err) {
  if (err && typeof err === 'object' && 'message' in err) return String(err.message);
  return String(err);
}

/** @param {any} msg */
async function handle(msg) {
  if (msg.type === 'init') {
    if (!BUILD_DIRS.has(msg.dir)) throw new Error(`unknown build directory ${msg.dir}`);
    try {
      ({ wasm, memory } = await loadBuild(msg.dir));
    } catch (e) {
      postMessage({ type: 'fatal', message: message(e) });
      return;
    }
    postMessage({ type: 'ready', build: wasm.buildInfo(), list: wasm.sweepList(), memoryBytes: memory ? memory.buffer.byteLength : null });
    return;
  }
  if (!wasm) { postMessage({ type: 'error', req: msg.req, index: msg.index, message: 'the wasm module is not loaded' }); return; }
  switch (msg.type) {
    case 'plan':
      postMessage({ type: 'plan', req: msg.req, values: Array.from(wasm.sweepValues(msg.config)), markers: wasm.sweepMarkers(msg.config) });
      return;
    case 'point': {
      const t0 = performance.now();
      const point = wasm.sweepPoint(msg.config, msg.value);
      postMessage({ type: 'point', req: msg.req, index: msg.index, point, ms: performance.now() - t0, memoryBytes: memory ? memory.buffer.byteLength : null });
      return;
    }
    case 'spearman':
      postMessage({ type: 'spearman', req: msg.req, n: msg.n, rho: wasm.sweepSpearman(Float64Array.from(msg.trHSigma), Float64Array.from(msg.fraction)) ?? null });
      return;
    default:
      postMessage({ type: 'error', req: msg.req, message: `unknown request ${msg.type}` });
  }
}

let queue = Promise.resolve();
self.onmessage = (ev) => {
  const msg = ev.data;
  queue = queue.then(() => handle(msg)).catch((e) => {
    postMessage({ type: 'error', req: msg && msg.req, index: msg && msg.index, message: message(e) });
  });
};
