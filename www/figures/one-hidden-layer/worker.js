// The one-hidden-layer thread: holds a wasm OneHiddenLayerStudy (paper Figure 4) and runs it
// one epoch per request, so the page can animate epoch by epoch and stop between any two.
// Every request gets exactly one reply. Protocol (plain objects with a `type`):
//
//   page -> worker                       worker -> page
//   { type: 'init', dir, config, grid }  { type: 'ready', epoch, epochs, records, inputs, labels, grid, settings, build, memoryBytes }
//                                        | { type: 'fatal', message }
//   { type: 'epoch', req }               { type: 'epoch', req, epoch, epochs, record, grid, ms, done, memoryBytes }
//                                        | { type: 'error', req, message }
//
// The records are bounded by the study itself: one per epoch, and at most 1000 epochs.
//
// Reset is done by the page terminating this worker and starting a new one.

import { errorMessage, loadOrFatal, memoryBytes, serveInOrder } from '../../lib/worker-boot.js';

/** @type {typeof import('../../pkg/sgd_escape.js') | null} */
let wasm = null;
/** @type {WebAssembly.Memory | null} */
let memory = null;
/** @type {import('../../pkg/sgd_escape.js').OneHiddenLayerStudy | null} */
let study = null;
let gridN = 96;

/**
 * The network's output on the decision grid (gridN x gridN).
 * @param {import('../../pkg/sgd_escape.js').OneHiddenLayerStudy} study
 */
function grid(study) {
  return new Float32Array(study.decisionGrid(gridN));
}

/** @param {any} msg a request (see the protocol above) */
async function handle(msg) {
  switch (msg.type) {
    case 'init': {
      const built = await loadOrFatal(msg.dir);
      if (!built) return;
      ({ wasm, memory } = built);
      try {
        gridN = Math.max(16, Math.min(256, Math.round(msg.grid || 96)));
        study = new wasm.OneHiddenLayerStudy(msg.config || {});
      } catch (e) {
        postMessage({ type: 'fatal', message: errorMessage(e) });
        return;
      }
      const g = grid(study);
      const inputs = new Float64Array(study.inputs());
      const labels = new Float64Array(study.labels());
      postMessage({
        type: 'ready',
        epoch: study.epoch,
        epochs: study.epochs,
        records: study.records(),
        inputs,
        labels,
        grid: { values: g, n: gridN },
        settings: study.settings(),
        build: wasm.buildInfo(),
        memoryBytes: memoryBytes(memory),
      }, { transfer: [g.buffer, inputs.buffer, labels.buffer] });
      return;
    }
    case 'epoch': {
      if (!study) { postMessage({ type: 'error', req: msg.req, message: 'no study yet' }); return; }
      const t0 = performance.now();
      const stepped = study.stepEpoch();
      const ms = performance.now() - t0;
      const records = study.records();
      const g = grid(study);
      postMessage({
        type: 'epoch',
        req: msg.req,
        epoch: study.epoch,
        epochs: study.epochs,
        record: stepped ? records[records.length - 1] : null,
        grid: { values: g, n: gridN },
        ms,
        done: study.epoch >= study.epochs,
        memoryBytes: memoryBytes(memory),
      }, { transfer: [g.buffer] });
      return;
    }
    default:
      postMessage({ type: 'error', req: msg.req, message: `unknown request ${msg.type}` });
  }
}

serveInOrder(handle);
