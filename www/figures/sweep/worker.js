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

import { loadOrFatal, memoryBytes, serveInOrder } from '../../lib/worker-boot.js';

/** @type {any} */
let wasm = null;
/** @type {WebAssembly.Memory | null} */
let memory = null;

/** @param {any} msg */
async function handle(msg) {
  if (msg.type === 'init') {
    const built = await loadOrFatal(msg.dir);
    if (!built) return;
    ({ wasm, memory } = built);
    postMessage({ type: 'ready', build: wasm.buildInfo(), list: wasm.sweepList(), memoryBytes: memoryBytes(memory) });
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
      postMessage({ type: 'point', req: msg.req, index: msg.index, point, ms: performance.now() - t0, memoryBytes: memoryBytes(memory) });
      return;
    }
    case 'spearman':
      postMessage({ type: 'spearman', req: msg.req, n: msg.n, rho: wasm.sweepSpearman(Float64Array.from(msg.trHSigma), Float64Array.from(msg.fraction)) ?? null });
      return;
    default:
      postMessage({ type: 'error', req: msg.req, message: `unknown request ${msg.type}` });
  }
}

// A failed request names the point it was for (`index`), so the page can free that slot.
serveInOrder(handle, (msg, text) => ({ type: 'error', req: msg && msg.req, index: msg && msg.index, message: text }));
