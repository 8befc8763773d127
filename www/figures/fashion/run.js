// The FashionMNIST experiment's run over its workers, the worker side of the model's state
// machine (model.js): starting them (with the stage-1 minimum to start from), resetting them in
// place, moving the run on (stage 1, then stage 2 towards the target), and what each of their
// replies (worker.js protocol) does to the model's state. Functions of the model; no DOM.

import { thinRecords } from '../../lib/curves.js';
import { partition } from './costs.js';
import { savedMinimum, savedSeed, networkName, int } from './settings.js';

/** @typedef {import('./model.js').FashionModel} FashionModel */
/** @typedef {import('./model.js').Shard} Shard */

// Records the page asks the wasm experiment for (sharpness draws per record).
const SHARPNESS_DRAWS = 20;

/** @param {FashionModel} m starts the workers for the chosen settings (a no-op while they run) */
export function beginRun(m) {
  if (m.shards.length || m.destroyed) return;
  if (Object.keys(m.errors).length) { m.on.status('Fix the settings marked in red first.', 'error'); return; }
  const settings = { ...m.draft, methods: [...m.draft.methods] };
  m.settings = settings;
  m.generation += 1;
  const gen = m.generation;
  m.phase = 'loading';
  m.ids = settings.methods;
  Object.assign(m, { records: {}, recordEvery: {}, start: null, iterations: {}, diverged: {}, perf: null, etaMs: null, stage1: null, stepTo: null });
  m.counters.loadMs = null;
  if (!m.spectrumId || !m.ids.includes(m.spectrumId)) m.spectrumId = m.ids.includes('sgd') ? 'sgd' : m.ids[0];
  const groups = partition(settings.methods, settings.threads, settings.logEvery);
  m.shards = groups.map((methods, k) => ({ k, methods, gen: 0, phase: 'loading', busy: false, perf: null, etaMs: null, memoryBytes: null }));
  m.dirty.legend = true;
  m.markDirty();
  m.on.status(`Loading the WebAssembly module and the 1200 + 2000 images${groups.length > 1 ? ` in ${groups.length} workers` : ''}…`);
  try {
    m.io.start(groups.length);
  } catch (e) {
    m.on.error('Worker', /** @type {Error} */ (e).message || String(e));
    m.stop();
    return;
  }
  // The workers load wasm and data while the minimum is being found (a fetch at most).
  minimumFor(m, settings).then((found) => {
    if (gen !== m.generation) return;
    m.minimumNote = found.reused ? `stage-1 minimum computed earlier on this page for seed ${settings.seed}` : null;
    for (const sh of m.shards) {
      m.io.post(sh.k, {
        type: 'init',
        dir: m.dir,
        config: { network: settings.network, methods: sh.methods, seed: settings.seed, logEvery: settings.logEvery, sharpnessDraws: SHARPNESS_DRAWS, maxRecords: settings.maxRecords },
        minimum: found.bytes ? found.bytes.slice() : null,
        reason: found.reason,
        strip: sh.k === 0,
      });
    }
  });
  m.on.change();
}

/**
 * Where stage 2 starts: { bytes } of a minimum, or { reason } to run stage 1.
 * @param {FashionModel} m
 * @param {import('./settings.js').Settings} s
 * @returns {Promise<{ bytes?: Uint8Array, reused?: boolean, reason?: string }>}
 */
async function minimumFor(m, s) {
  const cached = m.minimums.get(`${s.network}:${s.seed}`);
  if (cached) return { bytes: cached, reused: true };
  if (s.fromScratch) return { reason: 'chosen' };
  if (!savedMinimum(s.network, s.seed)) return { reason: `the saved minimum is for seed ${savedSeed(s.network)}; seed ${s.seed} needs stage 1` };
  try {
    return { bytes: await m.io.fetchSaved(s.network) };
  } catch (e) {
    return { reason: `the saved minimum did not load (${/** @type {Error} */ (e).message || e})` };
  }
}


/** @param {FashionModel} m back to the minimum without reloading: every worker resets its experiment in place */
export function resetRun(m) {
  if (!m.shards.length || ['off', 'loading', 'error'].includes(m.phase) || m.shards.some((sh) => sh.phase === 'loading')) {
    m.restart('reset');
    m.on.status('Reset: the experiment starts over. Press Play.');
    return;
  }
  m.setPlaying(false);
  m.stepTo = null;
  for (const sh of m.shards) {
    Object.assign(sh, { gen: sh.gen + 1, busy: false, phase: 'resetting', etaMs: null });
    m.io.post(sh.k, { type: 'reset', gen: sh.gen });
  }
  Object.assign(m, { records: {}, recordEvery: {}, iterations: {}, diverged: {}, etaMs: null });
  if (m.stage1 && !m.start) m.stage1 = { iteration: 0, trainAccuracy: 0, done: false };
  m.phase = 'resetting';
  m.markDirty();
  m.on.status('Reset: back to the minimum. Press Play.');
}


/** @param {FashionModel} m @param {Shard} sh @param {number} t */
export function runnable(m, sh, t) {
  return sh.methods.some((id) => !m.diverged[id] && (m.iterations[id] || 0) < t);
}

/** @param {FashionModel} m moves the experiment on as far as the current phase allows, if playing */
export function goOn(m) {
  if (!m.playing || !m.shards.length || m.busy()) return;
  if (m.phase === 'need-stage1') {
    const sh = m.shards[0];
    sh.busy = true;
    m.phase = 'stage1';
    m.counters.stage1Runs += 1;
    m.io.post(sh.k, { type: 'stage1' });
    m.on.status(`Stage 1: full-batch GD towards a minimum that fits every label${m.shards.length > 1 ? ' (in one worker; the others start from its minimum)' : ''}…`);
  } else if (m.phase === 'ready') {
    const t = m.target();
    if (m.minIteration() >= t) { finishRun(m); return; }
    m.phase = 'running';
    for (const sh of m.shards) {
      if (!runnable(m, sh, t)) continue;
      sh.busy = true;
      m.io.post(sh.k, { type: 'run', target: t });
    }
    m.on.status(`Stage 2: ${m.ids.length} dynamics of ${networkName(/** @type {any} */ (m.settings).network)} from the minimum, towards iteration ${int(t)}${m.shards.length > 1 ? ` (${m.shards.length} workers)` : ''}…`);
  }
  m.dirty.readout = true;
  m.draw();
}

/** @param {FashionModel} m play has reached its target (or step() its record): stop there and say so */
function finishRun(m) {
  const stepped = m.stepTo !== null;
  m.stepTo = null;
  m.setPlaying(false);
  m.on.status(stepped
    ? `Stepped to iteration ${int(m.minIteration())}.`
    : `Every method has reached iteration ${int(m.minIteration())}. Raise the target and press Play to go on.`, 'ok');
}


/**
 * A reply of worker `k` (worker.js protocol); replies from before its last reset are dropped.
 * @param {FashionModel} m
 * @param {number} k
 * @param {any} msg
 */
export function receiveReply(m, k, msg) {
  const sh = m.shards[k];
  if (!sh || msg.gen !== sh.gen) return;
  if (Number.isFinite(msg.memoryBytes)) sh.memoryBytes = msg.memoryBytes;
  const handler = /** @type {Record<string, (m: FashionModel, sh: Shard, msg: any) => void>} */ (REPLIES)[msg.type];
  if (handler) handler(m, sh, msg);
  m.draw();
}

/**
 * Adds fresh records of `id` to its bounded buffer.
 * @param {FashionModel} m
 * @param {string} id
 * @param {any[]} fresh
 * @param {number | undefined} every the worker's record interval
 */
function mergeRecords(m, id, fresh, every) {
  const rs = m.records[id] || (m.records[id] = []);
  const last = rs.length ? rs[rs.length - 1].iteration : -1;
  for (const r of fresh) if (r.iteration > last) rs.push(r);
  const s = /** @type {import('./settings.js').Settings} */ (m.settings);
  // The worker's interval only grows (it thins its own buffer alike); never go below it.
  const stride = Math.max(m.recordEvery[id] || s.logEvery, every || 0);
  m.recordEvery[id] = thinRecords(rs, s.maxRecords, stride);
}

/** @param {FashionModel} m speeds over all workers: the experiment ends when its slowest worker does */
function mergePerf(m) {
  /** @type {Record<string, number>} */
  const msPerIter = {};
  let rec = 0;
  let recN = 0;
  let any = false;
  for (const sh of m.shards) {
    if (!sh.perf) continue;
    any = true;
    Object.assign(msPerIter, sh.perf.msPerIter);
    if (sh.perf.recordMs !== null) { rec += sh.perf.recordMs; recN += 1; }
  }
  m.perf = any ? { msPerIter, recordMs: recN ? rec / recN : null } : null;
}


/** What each reply of the workers does to the model, by type. */
const REPLIES = {
  /** @param {FashionModel} m @param {Shard} sh @param {any} msg */
  loaded(m, sh, msg) {
    sh.phase = 'loaded';
    if (sh.k !== 0) return;
    m.parameters = msg.parameters;
    m.engine = msg.build && msg.build.simd ? 'wasm SIMD128' : 'wasm scalar';
    if (msg.methodInfo) for (const info of msg.methodInfo) m.names[info.id] = info.name;
    m.config = msg.settings;
    m.layerSizes = msg.layerSizes;
    if (msg.strip) { m.strip = { strip: msg.strip, corrupted: msg.settings.corrupted }; m.dirty.strip = true; }
    Object.assign(m.dirty, { protocol: true, legend: true, curves: true });
    m.on.status('Data loaded.');
  },
  /** @param {FashionModel} m @param {Shard} sh @param {any} msg */
  'need-stage1'(m, sh, msg) {
    sh.phase = 'need-stage1';
    sh.busy = false;
    if (!m.shards.every((x) => ['need-stage1', 'ready'].includes(x.phase))) return;
    const s = /** @type {import('./settings.js').Settings} */ (m.settings);
    m.phase = 'need-stage1';
    m.stage1 = { iteration: 0, trainAccuracy: 0, done: false };
    m.dirty.readout = true;
    const reason = msg.reason;
    m.on.status(reason === 'reset' ? 'Reset: stage 1 starts over. Press Play.'
      : !savedMinimum(s.network, s.seed) ? `The saved minimum is for seed ${savedSeed(s.network)}: with seed ${s.seed}, stage 1 runs first. Press Play.`
        : reason === 'chosen' ? 'Ready to run stage 1 from scratch. Press Play.' : `Stage 1 has to run: ${reason}. Press Play.`, 'ok');
    m.go();
  },
  /** @param {FashionModel} m @param {Shard} _sh @param {any} msg */
  stage1(m, _sh, msg) {
    m.stage1 = msg;
    m.dirty.readout = true;
  },
  /** @param {FashionModel} m @param {Shard} sh @param {any} msg */
  minimum(m, sh, msg) {
    // Stage 1 is done: keep its minimum for this seed and start the other workers from it.
    const s = /** @type {import('./settings.js').Settings} */ (m.settings);
    m.minimums.set(`${s.network}:${s.seed}`, msg.bytes);
    for (const x of m.shards) if (x !== sh) m.io.post(x.k, { type: 'minimum', bytes: msg.bytes.slice() });
    m.dirty.form = true;
  },
  /** @param {FashionModel} m @param {Shard} sh @param {any} msg */
  stage2(m, sh, msg) {
    const fromStage1 = m.phase === 'stage1';
    sh.busy = false;
    sh.phase = 'ready';
    if (!m.start || fromStage1) m.start = msg.start;
    for (const [id, rs] of Object.entries(msg.records)) {
      m.records[id] = [];
      mergeRecords(m, id, /** @type {any[]} */ (rs), msg.recordEvery && msg.recordEvery[id]);
    }
    Object.assign(m.iterations, msg.iterations);
    if (msg.loadMs !== undefined) m.counters.loadMs = Math.max(m.counters.loadMs || 0, msg.loadMs);
    if (!m.shards.every((x) => x.phase === 'ready')) return;
    const wasReset = m.phase === 'resetting';
    m.phase = 'ready';
    m.markDirty();
    if (wasReset) m.on.status('Reset: back to the minimum. Press Play.', 'ok');
    else if (fromStage1) m.on.status(`Stage 1 done after ${int(m.stage1 ? m.stage1.iteration : 0)} iterations: every label fitted. Stage 2 starts from here.`, 'ok');
    else m.on.status(`Ready: stage 2 of ${networkName(/** @type {any} */ (m.settings).network)} starts from the ${m.minimumNote || 'saved stage-1 minimum'}. Press Play.`, 'ok');
    m.go();
  },
  /** @param {FashionModel} m @param {Shard} sh @param {any} msg */
  progress(m, sh, msg) {
    m.counters.progressMessages += 1;
    Object.assign(m.iterations, msg.iterations);
    for (const [id, fresh] of Object.entries(msg.records)) mergeRecords(m, id, /** @type {any[]} */ (fresh), msg.recordEvery && msg.recordEvery[id]);
    Object.assign(m.diverged, msg.diverged);
    sh.perf = msg.perf;
    sh.etaMs = msg.etaMs;
    mergePerf(m);
    // New records redraw at once; progress alone updates the counters now and then (figure.js).
    if (Object.keys(msg.records).length) Object.assign(m.dirty, { readout: true, text: true, curves: true, spectrum: true });
    else m.dirty.readoutSoon = true;
  },
  /** @param {FashionModel} m @param {Shard} sh @param {any} msg */
  idle(m, sh, msg) {
    sh.busy = false;
    sh.reason = msg.reason;
    if (m.busy()) return;
    mergePerf(m);
    if (msg.stage === 1) m.phase = 'need-stage1'; else if (m.phase !== 'error') m.phase = 'ready';
    Object.assign(m.dirty, { readout: true, text: true });
    if (m.phase === 'error') return;
    if (msg.stage !== 1 && m.minIteration() >= m.target()) {
      finishRun(m);
    } else if (m.playing) {
      m.go(); // paused and pressed play again before the pause arrived
    } else {
      m.stepTo = null;
      m.on.status(msg.stage === 1
        ? `Paused stage 1 at iteration ${int(m.stage1 ? m.stage1.iteration : 0)}.`
        : `Paused at iteration ${int(m.minIteration())}.`);
    }
  },
  /** @param {FashionModel} m @param {Shard} sh @param {any} msg */
  error(m, sh, msg) {
    sh.busy = false;
    if (m.phase === 'running' && !m.busy()) m.phase = 'ready';
    if (m.phase === 'stage1') m.phase = 'need-stage1';
    m.setPlaying(false);
    for (const x of m.shards) if (x.busy) m.io.post(x.k, { type: 'pause' });
    m.on.error('FashionMNIST', msg.message);
  },
  /** @param {FashionModel} m @param {Shard} _sh @param {any} msg */
  fatal(m, _sh, msg) { m.fail(msg.message); },
};
