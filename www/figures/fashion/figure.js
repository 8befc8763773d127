// The FashionMNIST figure (paper Section 5.3): stage 1 finds a sharp minimum that fits random
// labels; in stage 2 every dynamics restarts from it.
//
// Mounting: `mountFashion(root, state, { dir, hook, autostart })` builds the figure on the markup
// inside `root` (an element holding the ids of view.js's markup)
// and returns a controller:
//   play() / pause()      run or pause stage 1 and stage 2 (pause lands after the current chunk)
//   step()                run every method to its next record, then pause
//   reset()               back to the minimum (in place: the workers keep data and minimum)
//   paperProtocol()       the paper's stage 2: all eight methods from the saved seed-0 minimum
//                         to iteration 15,000 (a record every 500), and play
//   getState()            { methods, seed, logEvery, target, threads, fromScratch, network, playing,
//                           spectrumMethod, hidden }: plain JSON, what setState takes back
//   setState(partial)     applies any of those keys; methods/seed/logEvery/threads/fromScratch/network
//                         start the experiment over, the others do not
//   exportCurves(format)  the records so far as 'json' (default) or 'csv' text
//   onChange(fn)          fn(getState()) after every change of state; returns an unsubscribe
//   layout(dpr?)          re-measure the canvases (the figure also watches its own size); a dpr
//                         of 2 redraws them at twice the CSS size for a PNG export
//   destroy()             stop the workers and observers
// `state` is a partial getState() applied before anything runs; `dir` is the wasm build
// ('pkg' for SIMD, 'pkg-scalar'), `hook` an object the figure exposes its live state on (for
// tests) as hook.fashion; with `autostart` (default) data load when the figure nears the view;
// `freshSeed()` resolves to a seed from the OS, for the "New seed" button.
//
// Workers (worker.js) own the experiment and run it in small chunks; the chosen methods
// are split over up to min(cores, 8) of them (each method has its own random streams, so the
// split does not change any result). Stage 1 runs once, in the first worker; its minimum goes to
// the others and is kept for later restarts with the same seed (seed 0 starts from the committed
// minimum, fetched once). Records arrive incrementally and are kept in bounded buffers (worker
// and page), thinned to evenly spaced points when they pass `maxRecords`. Everything the DOM
// and the canvases show is brought up to date once per animation frame.

import { CurvesPlot, SpectrumPlot, PANELS, sub } from './plots.js';
import { buildStrip } from './strip.js';
import { markerSwatch, buildMethodBoxes, DESCRIPTION } from '../../lib/methods.js';
import { estimateMs, partition, priorMs, PRIOR_RECORD_MS } from './costs.js';
import { thinRecords, toCsv } from '../../lib/curves.js';
import { fmt } from '../../lib/format.js';
import { statusReporter } from '../../lib/status.js';
import { startWorker } from '../../lib/worker-pool.js';
import { SCHEMA, SAVED_MINIMUMS, savedMinimum, methodStatus, liveCaption, pct, int } from './model.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);

export { CLASS_NAMES } from './strip.js';

// The canonical method order and names until the worker reports methodInfo().
// The canonical method order and names (the schema's).
const METHODS = SCHEMA.methods;
// The counters and the progress bar are updated at most this often (ms): the workers report
// many times a second, and every update costs the main thread a style, layout and paint.
const READOUT_MS = 250;
// Records the page asks the wasm experiment for (sharpness draws per record).
const SHARPNESS_DRAWS = 20;
// Records kept per method by default, in the worker and here; past it they are thinned (see
// above). A state may ask for another cap (maxRecords, in the schema's range).
const CAP = SCHEMA.maxRecords;
const MAX_RECORDS = CAP.default;
// The paper's stage 2 (docs/protocols.md 3.3): 15,000 iterations of every dynamics, over
// min(cores, 8) workers (the schema's preset fashion-5-3).
const PAPER = { target: SCHEMA.paper.iterations, logEvery: SCHEMA.paper.logEvery, seed: SCHEMA.paper.seed };
// Workers by default: each holds the data and its own wasm memory (about 22 MB), so two keep the
// page's wasm memory under 64 MB at the default settings; the paper protocol uses every core.
const DEFAULT_THREADS = 2;
// The committed stage-1 minimums (model.js SAVED_MINIMUMS), by network; seed 0 each.
const savedSeed = (network) => SAVED_MINIMUMS[network].seed;
const savedUrl = (network) => new URL(`../../${SAVED_MINIMUMS[network].path}`, import.meta.url);

// The settings card: [state key, input id, min, max, what], ranges from the schema.
const FIELDS = SCHEMA.fields.map((f) => /** @type {[string, string, number, number, string]} */ ([f.name, f.id, f.setting.min, f.setting.max, f.what]));
const TARGET = SCHEMA.fields.find((f) => f.name === 'target').setting;
const THREADS = SCHEMA.fields.find((f) => f.name === 'threads').setting;
// Settings that start the experiment over when they change.
const STRUCTURAL = ['methods', 'seed', 'logEvery', 'threads', 'fromScratch', 'maxRecords', 'network'];

// Stage-1 minimums of this page, by network and seed (checkpoint bytes), shared by every
// mounted figure.
const MINIMUMS = new Map();
const minimumKey = (network, seed) => `${network}:${seed}`;
const savedMinimums = new Map(); // network -> a promise of the committed checkpoint's bytes

function fetchSavedMinimum(network) {
  if (!savedMinimums.has(network)) {
    savedMinimums.set(network, fetch(savedUrl(network))
      .then((res) => (res.ok ? res.arrayBuffer() : Promise.reject(new Error(`HTTP ${res.status}`))))
      .then((b) => new Uint8Array(b))
      .catch((e) => { savedMinimums.delete(network); throw e; }));
  }
  return savedMinimums.get(network);
}

function duration(ms) {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${Math.max(1, s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}


/** Mounts the figure on the markup inside `root`; returns its controller (module comment). */
export function mountFashion(root, state = {}, { dir = 'pkg-scalar', hook: rootHook = null, autostart = true, freshSeed = null } = {}) {
  const $ = (id) => root.querySelector(`#${id}`);
  const names = Object.fromEntries(METHODS);
  const listeners = new Set();
  const st = {
    shards: [], // [{ k, methods, worker, gen, phase, busy, perf, etaMs, memoryBytes }]
    generation: 0,
    phase: 'off', // off | loading | need-stage1 | stage1 | resetting | ready | running | error
    playing: false,
    settings: null, // applied settings of the live workers
    ids: [],
    records: {},
    recordEvery: {},
    start: null,
    iterations: {},
    diverged: {}, // from the workers: non-finite loss, no longer stepped
    perf: null,
    etaMs: null,
    stage1: null,
    stepTo: null, // the iteration step() runs to, or null
    hidden: new Set(),
    spectrumId: null,
    params: null,
    config: null, // the experiment's settings as the wasm reports them
    dirty: { curves: true, spectrum: true, readout: false, text: false },
    drawPending: false,
    destroyed: false,
    maxRecords: MAX_RECORDS,
    lastReadout: 0,
    readoutTimer: null,
  };
  const hook = {
    phase: 'off',
    playing: false,
    busy: false,
    ready: false,
    iteration: 0,
    iterations: {},
    records: {},
    recordEvery: {},
    maxRecords: MAX_RECORDS,
    start: null,
    diverged: {},
    escaped: {},
    perf: null,
    etaMs: null,
    stage1: null,
    stage1Runs: 0, // stage-1 runs started by this figure
    loadMs: null,
    params: null,
    engine: null,
    strip: null,
    shards: 0,
    groups: [], // the methods of each worker
    controller: null,
    memoryBytes: null, // wasm memory of all workers together
    memoryByShard: [],
    progressMessages: 0,
    framesDrawn: 0,
    drawMs: 0, // the last draw of the curves and the spectrum
    maxDrawMs: 0,
    errors: [],
  };
  if (rootHook) rootHook.fashion = hook;

  const curves = new CurvesPlot($('fashion-curves'));
  const spectrum = new SpectrumPlot($('fashion-spectrum'));

  // ------------------------------------------------------------------ status

  const { setStatus, reportError } = statusReporter($('fashion-status'), hook.errors);

  function setPhase(p) {
    st.phase = p;
    hook.phase = p;
    hook.ready = ['ready', 'running'].includes(p);
  }

  function emit() {
    if (!listeners.size) return;
    const s = getState();
    for (const fn of listeners) {
      try { fn(s); } catch (e) { console.error(e); }
    }
  }

  // ------------------------------------------------------------------ settings

  function readInt(id) {
    const raw = $(id).value.trim();
    return raw === '' ? NaN : Number(raw);
  }

  /** The settings in the form, or null (with the bad fields marked). */
  function readSettings() {
    let ok = true;
    const out = {};
    for (const [key, id, min, max, what] of FIELDS) {
      const v = readInt(id);
      const err = $(`${id}-error`);
      if (!Number.isInteger(v) || v < min || v > max) {
        err.textContent = `The ${what} must be a whole number from ${int(min)} to ${int(max)}.`;
        $(id).setAttribute('aria-invalid', 'true');
        ok = false;
      } else {
        err.textContent = '';
        $(id).removeAttribute('aria-invalid');
        out[key] = v;
      }
    }
    out.methods = METHODS.map(([id]) => id).filter((id) => $(`fashion-method-${id}`).checked);
    if (!out.methods.length) {
      $('fashion-methods-error').textContent = 'Choose at least one method.';
      ok = false;
    } else {
      $('fashion-methods-error').textContent = '';
    }
    out.fromScratch = $('fashion-stage1').checked;
    out.network = $('fashion-network').value;
    out.maxRecords = st.maxRecords;
    return ok ? out : null;
  }

  function syncStage1Box() {
    const seed = readInt('fashion-seed');
    const network = $('fashion-network').value;
    const box = $('fashion-stage1');
    const forced = Number.isInteger(seed) && !savedMinimum(network, seed);
    box.disabled = forced;
    if (forced) box.checked = true;
    const cached = Number.isInteger(seed) && MINIMUMS.has(minimumKey(network, seed));
    $('fashion-stage1-note').textContent = forced
      ? (cached ? `Seed ${seed}: stage 1 of the ${network.toUpperCase()} already ran on this page; its minimum is reused.` : `The saved ${network.toUpperCase()} minimum is for seed ${savedSeed(network)}: with seed ${seed}, stage 1 runs first (once; every worker then starts from its minimum).`)
      : `Off: stage 2 starts from the ${network.toUpperCase()} minimum saved for seed ${savedSeed(network)} (stage 1 done ahead of time).`;
  }

  function target() {
    if (st.stepTo !== null) return st.stepTo;
    return formTarget();
  }

  function formTarget() {
    const v = readInt('fashion-iterations');
    return Number.isInteger(v) && v >= TARGET.min && v <= TARGET.max ? v : (st.settings ? st.settings.target : TARGET.default);
  }

  function sameStructure(a, b) {
    return !!a && !!b && STRUCTURAL.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
  }

  // ------------------------------------------------------------------ the workers

  /** Worker threads for the paper protocol: one per core, at most the schema's (one per method). */
  function maxThreads() {
    return Math.max(THREADS.min, Math.min(THREADS.max, navigator.hardwareConcurrency || 2));
  }

  /** The default worker threads: as many as cores up to DEFAULT_THREADS (memory, see there). */
  function autoThreads() {
    return Math.min(DEFAULT_THREADS, maxThreads());
  }

  function busy() { return st.shards.some((sh) => sh.busy); }

  function setBusy() {
    hook.busy = busy();
  }

  /** Where stage 2 starts for `settings`: { bytes } of a minimum, or { reason } to run stage 1. */
  async function minimumFor(settings) {
    const cached = MINIMUMS.get(minimumKey(settings.network, settings.seed));
    if (cached) return { bytes: cached, reused: true };
    if (settings.fromScratch) return { reason: 'chosen' };
    if (!savedMinimum(settings.network, settings.seed)) return { reason: `the saved minimum is for seed ${savedSeed(settings.network)}; seed ${settings.seed} needs stage 1` };
    try {
      return { bytes: await fetchSavedMinimum(settings.network) };
    } catch (e) {
      return { reason: `the saved minimum did not load (${e.message || e})` };
    }
  }

  function start() {
    if (st.shards.length || st.destroyed || typeof WebAssembly !== 'object') return;
    const settings = readSettings();
    if (!settings) {
      setStatus('Fix the settings marked in red first.', 'error');
      return;
    }
    st.settings = settings;
    st.generation += 1;
    const gen = st.generation;
    setPhase('loading');
    st.ids = settings.methods;
    st.records = {};
    st.recordEvery = {};
    st.start = null;
    st.iterations = {};
    st.diverged = {};
    st.perf = null;
    st.etaMs = null;
    st.stage1 = null;
    st.stepTo = null;
    hook.loadMs = null;
    st.spectrumId = settings.methods.includes(st.spectrumId) ? st.spectrumId : (settings.methods.includes('sgd') ? 'sgd' : settings.methods[0]);
    const groups = partition(settings.methods, settings.threads, settings.logEvery);
    hook.shards = groups.length;
    hook.groups = groups;
    buildLegend();
    buildSpectrumSelect();
    markDirty();
    setStatus(`Loading the WebAssembly module and the 1200 + 2000 images${groups.length > 1 ? ` in ${groups.length} workers` : ''}…`);
    st.shards = groups.map((methods, k) => ({ k, methods, worker: null, gen: 0, phase: 'loading', busy: false, perf: null, etaMs: null, memoryBytes: null }));
    updateReadout();
    for (const sh of st.shards) {
      try {
        sh.worker = startWorker(WORKER_URL);
      } catch (e) {
        reportError('Worker', e.message || String(e));
        stop();
        return;
      }
      sh.worker.addEventListener('message', (ev) => {
        if (gen !== st.generation || ev.data.gen !== sh.gen) return; // replaced, or reset since
        onMessage(sh, ev.data);
      });
      sh.worker.addEventListener('error', (e) => {
        e.preventDefault();
        if (gen !== st.generation) return;
        fail(`worker ${sh.k + 1}: ${e.message || 'the FashionMNIST worker failed'}`);
      });
    }
    // The workers load wasm and data while the minimum is being found (a fetch at most).
    minimumFor(settings).then((m) => {
      if (gen !== st.generation) return;
      st.minimumNote = m.reused ? `stage-1 minimum computed earlier on this page for seed ${settings.seed}` : null;
      for (const sh of st.shards) {
        sh.worker.postMessage({
          type: 'init',
          dir,
          config: { network: settings.network, methods: sh.methods, seed: settings.seed, logEvery: settings.logEvery, sharpnessDraws: SHARPNESS_DRAWS, maxRecords: settings.maxRecords },
          minimum: m.bytes ? m.bytes.slice() : null,
          reason: m.reason,
          strip: sh.k === 0,
        });
      }
    });
    emit();
  }

  function stop() {
    for (const sh of st.shards) if (sh.worker) sh.worker.terminate();
    st.shards = [];
    st.generation += 1;
    hook.busy = false;
    setPhase('off');
  }

  /** Terminates the workers and starts fresh ones (new settings, or after a failure). */
  function restart(why) {
    const wasStarted = st.shards.length > 0;
    stop();
    setPlaying(false);
    if (wasStarted || why === 'reset') {
      start();
      if (why && why !== 'reset') setStatus(why);
    }
  }

  /** Back to the minimum without reloading: every worker resets its experiment in place. */
  function reset() {
    if (!st.shards.length || ['off', 'loading', 'error'].includes(st.phase) || st.shards.some((sh) => sh.phase === 'loading')) {
      restart('reset');
      setStatus('Reset: the experiment starts over. Press Play.');
      return;
    }
    setPlaying(false);
    st.stepTo = null;
    for (const sh of st.shards) {
      sh.gen += 1;
      sh.busy = false;
      sh.phase = 'resetting';
      sh.etaMs = null;
      sh.worker.postMessage({ type: 'reset', gen: sh.gen });
    }
    setBusy();
    st.records = {};
    st.recordEvery = {};
    st.iterations = {};
    st.diverged = {};
    st.etaMs = null;
    if (st.stage1 && !st.start) st.stage1 = { iteration: 0, trainAccuracy: 0, done: false };
    setPhase('resetting');
    updateReadout();
    markDirty();
    setStatus('Reset: back to the minimum. Press Play.');
  }

  /** Something went wrong for good: pause every worker and say so. */
  function fail(message) {
    for (const sh of st.shards) if (sh.busy && sh.worker) sh.worker.postMessage({ type: 'pause' });
    setPhase('error');
    setPlaying(false);
    reportError('FashionMNIST', message);
  }

  function runnable(sh, t) {
    return sh.methods.some((id) => !st.diverged[id] && (st.iterations[id] || 0) < t);
  }

  /** Moves the experiment on as far as the current phase allows, if playing. */
  function go() {
    if (!st.playing || !st.shards.length || busy()) return;
    if (st.phase === 'need-stage1') {
      const sh = st.shards[0];
      sh.busy = true;
      setBusy();
      setPhase('stage1');
      hook.stage1Runs += 1;
      sh.worker.postMessage({ type: 'stage1' });
      setStatus(`Stage 1: full-batch GD towards a minimum that fits every label${st.shards.length > 1 ? ' (in one worker; the others start from its minimum)' : ''}…`);
    } else if (st.phase === 'ready') {
      const t = target();
      if (minIteration() >= t) {
        finishRun();
        return;
      }
      setPhase('running');
      for (const sh of st.shards) {
        if (!runnable(sh, t)) continue;
        sh.busy = true;
        sh.worker.postMessage({ type: 'run', target: t });
      }
      setBusy();
      setStatus(`Stage 2: ${st.ids.length} dynamics from the minimum, towards iteration ${int(t)}${st.shards.length > 1 ? ` (${st.shards.length} workers)` : ''}…`);
    }
  }

  /** Play has reached its target (or step() its record): stop there and say so. */
  function finishRun() {
    const stepped = st.stepTo !== null;
    st.stepTo = null;
    setPlaying(false);
    setStatus(stepped
      ? `Stepped to iteration ${int(minIteration())}.`
      : `Every method has reached iteration ${int(minIteration())}. Raise the target and press Play to go on.`, 'ok');
  }

  /** Speeds and ETA over all workers: the experiment ends when its slowest worker does. */
  function mergePerf() {
    const msPerIter = {};
    let rec = 0;
    let recN = 0;
    let any = false;
    for (const sh of st.shards) {
      if (!sh.perf) continue;
      any = true;
      Object.assign(msPerIter, sh.perf.msPerIter);
      if (sh.perf.recordMs !== null) { rec += sh.perf.recordMs; recN += 1; }
    }
    st.perf = any ? { msPerIter, recordMs: recN ? rec / recN : null } : null;
    hook.perf = st.perf;
  }

  function noteMemory(sh, bytes) {
    if (!Number.isFinite(bytes)) return;
    sh.memoryBytes = bytes;
    hook.memoryByShard = st.shards.map((x) => x.memoryBytes);
    hook.memoryBytes = st.shards.reduce((a, x) => a + (x.memoryBytes || 0), 0);
  }

  /** Adds fresh records of `id` to its bounded buffer. */
  function mergeRecords(id, fresh, every) {
    const rs = st.records[id] || (st.records[id] = []);
    const last = rs.length ? rs[rs.length - 1].iteration : -1;
    for (const r of fresh) if (r.iteration > last) rs.push(r);
    // The worker's interval only grows (it thins its own buffer alike); never go below it.
    const stride = Math.max(st.recordEvery[id] || st.settings.logEvery, every || 0);
    st.recordEvery[id] = thinRecords(rs, st.settings.maxRecords, stride);
  }

  function allShards(phase) { return st.shards.every((x) => x.phase === phase); }

  function onMessage(sh, msg) {
    if ('memoryBytes' in msg) noteMemory(sh, msg.memoryBytes);
    switch (msg.type) {
      case 'loaded': {
        sh.phase = 'loaded';
        if (sh.k !== 0) return;
        st.params = msg.params;
        hook.params = msg.params;
        hook.engine = msg.build && msg.build.simd ? 'wasm SIMD128' : 'wasm scalar';
        if (msg.methodInfo) for (const m of msg.methodInfo) names[m.id] = m.name;
        st.config = msg.settings;
        $('fashion-net-name').textContent = st.settings.network === 'cnn' ? 'the paper’s CNN' : 'a small MLP';
        $('fashion-arch').textContent = ` (layers ${msg.layerSizes.join('–')}, D = ${int(msg.params)} parameters)`;
        describeProtocol();
        if (msg.strip) hook.strip = buildStrip($('fashion-strip'), msg.strip, msg.settings.corrupted);
        buildLegend();
        buildSpectrumSelect();
        setStatus('Data loaded.');
        return;
      }
      case 'need-stage1': {
        sh.phase = 'need-stage1';
        sh.busy = false;
        setBusy();
        if (!st.shards.every((x) => ['need-stage1', 'ready'].includes(x.phase))) return;
        setPhase('need-stage1');
        st.stage1 = { iteration: 0, trainAccuracy: 0, done: false };
        updateReadout();
        const reason = msg.reason;
        const why = reason === 'reset' ? 'Reset: stage 1 starts over. Press Play.'
          : !savedMinimum(st.settings.network, st.settings.seed) ? `The saved minimum is for seed ${savedSeed(st.settings.network)}: with seed ${st.settings.seed}, stage 1 runs first. Press Play.`
            : reason === 'chosen' ? 'Ready to run stage 1 from scratch. Press Play.' : `Stage 1 has to run: ${reason}. Press Play.`;
        setStatus(why, 'ok');
        go();
        return;
      }
      case 'stage1': {
        st.stage1 = msg;
        hook.stage1 = msg;
        st.dirty.readout = true;
        requestDraw();
        return;
      }
      case 'minimum': {
        // Stage 1 is done: keep its minimum for this seed and start the other workers from it.
        MINIMUMS.set(minimumKey(st.settings.network, st.settings.seed), msg.bytes);
        for (const x of st.shards) if (x !== sh) x.worker.postMessage({ type: 'minimum', bytes: msg.bytes.slice() });
        syncStage1Box();
        return;
      }
      case 'stage2': {
        const fromStage1 = st.phase === 'stage1';
        sh.busy = false;
        sh.phase = 'ready';
        setBusy();
        if (!st.start || fromStage1) st.start = msg.start;
        for (const [id, rs] of Object.entries(msg.records)) {
          st.records[id] = [];
          mergeRecords(id, rs, msg.recordEvery && msg.recordEvery[id]);
        }
        Object.assign(st.iterations, msg.iterations);
        if (msg.loadMs !== undefined) hook.loadMs = Math.max(hook.loadMs || 0, msg.loadMs);
        if (!allShards('ready')) return;
        const wasReset = st.phase === 'resetting';
        setPhase('ready');
        updateReadout();
        describeLive();
        markDirty();
        if (wasReset) setStatus('Reset: back to the minimum. Press Play.', 'ok');
        else if (fromStage1) setStatus(`Stage 1 done after ${int(st.stage1 ? st.stage1.iteration : 0)} iterations: every label fitted. Stage 2 starts from here.`, 'ok');
        else setStatus(`Ready: stage 2 starts from the ${st.minimumNote || 'saved stage-1 minimum'}. Press Play.`, 'ok');
        go();
        return;
      }
      case 'progress': {
        hook.progressMessages += 1;
        Object.assign(st.iterations, msg.iterations);
        for (const [id, fresh] of Object.entries(msg.records)) mergeRecords(id, fresh, msg.recordEvery && msg.recordEvery[id]);
        Object.assign(st.diverged, msg.diverged);
        sh.perf = msg.perf;
        sh.etaMs = msg.etaMs;
        mergePerf();
        // The canvases are redrawn in the next frame when records arrive; the counters and the
        // progress bar at most every READOUT_MS, however many workers report.
        st.dirty.readout = true;
        if (Object.keys(msg.records).length) {
          st.dirty.text = true;
          st.dirty.curves = true;
          st.dirty.spectrum = true;
          requestDraw();
        } else {
          scheduleReadout();
        }
        return;
      }
      case 'idle': {
        sh.busy = false;
        sh.reason = msg.reason;
        setBusy();
        if (busy()) return;
        mergePerf();
        if (msg.stage === 1) setPhase('need-stage1'); else if (st.phase !== 'error') setPhase('ready');
        updateReadout();
        updateEstimate();
        if (st.phase === 'error') return;
        const reached = msg.stage !== 1 && minIteration() >= target();
        if (reached) {
          finishRun();
        } else if (st.playing) {
          go(); // paused and pressed play again before the pause arrived
        } else {
          st.stepTo = null;
          setStatus(msg.stage === 1
            ? `Paused stage 1 at iteration ${int(st.stage1 ? st.stage1.iteration : 0)}.`
            : `Paused at iteration ${int(minIteration())}.`);
        }
        return;
      }
      case 'error': {
        sh.busy = false;
        setBusy();
        if (st.phase === 'running' && !busy()) setPhase('ready');
        if (st.phase === 'stage1') setPhase('need-stage1');
        setPlaying(false);
        for (const x of st.shards) if (x.busy) x.worker.postMessage({ type: 'pause' });
        reportError('FashionMNIST', msg.message);
        return;
      }
      case 'fatal': {
        fail(msg.message);
        return;
      }
      default:
    }
  }

  // ------------------------------------------------------------------ playback

  function setPlaying(on) {
    const changed = st.playing !== on;
    st.playing = on;
    hook.playing = on;
    const b = $('fashion-play');
    b.textContent = on ? 'Pause' : 'Play';
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    if (changed) emit();
  }

  function play() {
    if (st.playing) return;
    if (st.phase === 'error') restart('reset');
    setPlaying(true);
    if (!st.shards.length) start();
    if (st.phase === 'loading') setStatus('Loading; the experiment runs as soon as the minimum is ready…');
    go();
  }

  function pause() {
    st.stepTo = null;
    if (!st.playing) return;
    setPlaying(false);
    if (busy()) {
      for (const sh of st.shards) if (sh.busy) sh.worker.postMessage({ type: 'pause' });
      setStatus('Pausing after the current chunk…');
    }
  }

  /** Every method to its next record (or stage 1 to its end), then pause. */
  function step() {
    if (st.playing) return;
    // Stage 1 runs to its end and stops at the minimum (a target of iteration 0).
    if (['need-stage1', 'stage1'].includes(st.phase)) st.stepTo = 0;
    if (st.phase === 'ready') {
      const every = st.settings.logEvery;
      st.stepTo = Math.min(formTarget() > minIteration() ? formTarget() : Infinity, (Math.floor(minIteration() / every) + 1) * every);
      if (!Number.isFinite(st.stepTo)) st.stepTo = (Math.floor(minIteration() / every) + 1) * every;
    }
    play();
  }

  function minIteration() {
    const its = st.ids.filter((id) => !st.diverged[id]).map((id) => st.iterations[id] || 0);
    if (!its.length) return Math.max(0, ...st.ids.map((id) => st.iterations[id] || 0));
    return Math.min(...its);
  }

  // ------------------------------------------------------------------ readouts

  /** The ETA of stage 2: the slowest worker's, from the measured speeds (or first guesses). */
  function stage2Eta(t) {
    return Math.max(0, ...st.shards.map((sh) => estimateMs({
      ids: sh.methods, iterations: st.iterations, target: t, logEvery: st.settings.logEvery,
      msPerIter: st.perf ? st.perf.msPerIter : priorMs(st.settings.network), recordMs: st.perf ? st.perf.recordMs : null, diverged: st.diverged,
    })));
  }

  function setBar(fraction, text) {
    const bar = $('fashion-progress');
    if (fraction === null) {
      bar.removeAttribute('value');
      bar.removeAttribute('aria-valuenow');
    } else {
      const f = Math.max(0, Math.min(1, fraction));
      bar.max = 1;
      bar.value = f;
      bar.setAttribute('aria-valuenow', String(Math.round(100 * f)));
    }
    if (text) bar.setAttribute('aria-valuetext', text); else bar.removeAttribute('aria-valuetext');
  }

  function updateReadout() {
    const t = target();
    const it = minIteration();
    $('fashion-iteration').textContent = int(it);
    $('fashion-target-echo').textContent = int(formTarget());
    hook.iteration = it;
    hook.iterations = st.iterations;
    hook.records = st.records;
    hook.recordEvery = st.recordEvery;
    hook.start = st.start;
    hook.diverged = st.diverged;
    const text = $('fashion-progress-text');
    const label = $('fashion-progress-label');
    const etaEl = $('fashion-eta');
    let eta = '';
    if (st.phase === 'stage1' || (st.phase === 'need-stage1' && st.stage1 && st.stage1.iteration > 0)) {
      const s = st.stage1;
      label.textContent = 'Stage 1';
      setBar(s.trainAccuracy, `stage 1, iteration ${s.iteration}, ${pct(s.trainAccuracy)} of the training labels fitted`);
      text.textContent = `iteration ${int(s.iteration)} · ${pct(s.trainAccuracy)} of the ${st.config ? `${int(st.config.trainSize)} ` : ''}labels fitted${s.itPerSec ? ` · ${Math.round(s.itPerSec)} it/s` : ''}`;
      st.etaMs = null;
    } else if (st.phase === 'need-stage1') {
      label.textContent = 'Stage 1';
      setBar(0, 'stage 1 not started');
      text.textContent = 'full-batch GD until every label is fitted (thousands of iterations)';
      st.etaMs = null;
    } else if (['ready', 'running'].includes(st.phase)) {
      label.textContent = 'Stage 2';
      const live = st.ids.filter((id) => !st.diverged[id]);
      const total = Math.max(1, live.length * t);
      const done = live.reduce((a, id) => a + Math.min(t, st.iterations[id] || 0), 0);
      // Workers run side by side: the experiment ends when the slowest one does.
      const ms = stage2Eta(t);
      st.etaMs = ms;
      const measured = !!st.perf;
      const left = it >= t ? 'target reached' : `${measured ? 'about' : 'roughly'} ${duration(ms)} left${measured ? '' : ' (first guess, before measuring)'}`;
      eta = it >= t ? '' : `ETA ${measured ? '' : '~'}${duration(ms)}${measured ? ' (measured speed)' : ''}`;
      setBar(done / total, `stage 2, iteration ${it} of ${t}, ${left}`);
      text.textContent = `${int(done)} of ${int(live.length * t)} method-iterations · ${left}`;
    } else {
      label.textContent = st.phase === 'loading' ? 'Loading' : st.phase === 'resetting' ? 'Reset' : '';
      setBar(null, null);
      text.textContent = st.phase === 'loading' ? 'data and WebAssembly…' : st.phase === 'off' ? 'starts when the figure scrolls into view' : '';
      st.etaMs = null;
    }
    if (etaEl.textContent !== eta) etaEl.textContent = eta;
    hook.etaMs = st.etaMs;
    updateLegendValues();
  }

  // ------------------------------------------------------------------ the legend table

  function status(id) {
    return methodStatus(st.records[id] || [], st.diverged[id]);
  }

  function buildLegend() {
    const body = $('fashion-legend-rows');
    body.replaceChildren();
    for (const id of st.ids) {
      const tr = document.createElement('tr');
      tr.dataset.method = id;
      const th = document.createElement('th');
      th.scope = 'row';
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'legend-item fashion-toggle';
      b.dataset.method = id;
      b.setAttribute('aria-pressed', st.hidden.has(id) ? 'false' : 'true');
      b.title = `${DESCRIPTION[id] || ''} Click to show or hide its curves.`;
      const name = document.createElement('span');
      name.className = 'legend-name';
      name.textContent = names[id] || id;
      const note = document.createElement('span');
      note.className = 'legend-note';
      note.id = `fashion-note-${id}`;
      b.append(markerSwatch(id, 14), name, note);
      b.addEventListener('click', () => {
        if (st.hidden.has(id)) st.hidden.delete(id); else st.hidden.add(id);
        b.setAttribute('aria-pressed', st.hidden.has(id) ? 'false' : 'true');
        markDirty();
        emit();
      });
      th.append(b);
      tr.append(th);
      for (const k of ['test', 'random', 'sharp', 'ratio']) {
        const td = document.createElement('td');
        td.className = 'num';
        td.id = `fashion-${k}-${id}`;
        td.textContent = '—';
        tr.append(td);
      }
      body.append(tr);
    }
    updateLegendValues();
  }

  function updateLegendValues() {
    const escaped = {};
    for (const id of st.ids) {
      const rs = st.records[id] || [];
      const r = rs[rs.length - 1];
      const set = (k, v) => { const el = $(`fashion-${k}-${id}`); if (el && el.textContent !== v) el.textContent = v; };
      set('test', r ? pct(r.testAccuracy) : '—');
      set('random', r ? pct(r.corruptedAccuracy) : '—');
      set('sharp', r ? fmt(r.sharpness, 2) : '—');
      set('ratio', r && r.trHSigmaIso > 0 ? `×${fmt(r.trHSigma / r.trHSigmaIso, 3)}` : '—');
      const s = status(id);
      const note = $(`fashion-note-${id}`);
      if (note) {
        if (note.textContent !== s.text) note.textContent = s.text;
        note.dataset.kind = s.kind;
      }
      if (s.kind === 'escaped' || s.kind === 'diverged') escaped[id] = s;
    }
    hook.escaped = escaped;
  }

  // ------------------------------------------------------------------ the live explanation

  /** Fills the protocol's numbers in the prose from the experiment's own settings. */
  function describeProtocol() {
    const c = st.config;
    if (!c) return;
    const values = {
      stage1Lr: fmt(c.stage1Lr),
      lr: fmt(c.lr),
      batchSize: int(c.batchSize),
      trainSize: int(c.trainSize),
      testSize: int(c.testSize),
      corruptedCount: int(c.corrupted[1] - c.corrupted[0]),
      corruptedRange: `${c.corrupted[0]}–${c.corrupted[1] - 1}`,
      params: int(st.params || 0),
      topK: int(c.topK),
      sharpnessDelta: fmt(c.sharpnessDelta),
      maxRecords: int(c.maxRecords),
    };
    for (const el of root.querySelectorAll('[data-fashion-setting]')) {
      const v = values[el.dataset.fashionSetting];
      if (v !== undefined && el.textContent !== v) el.textContent = v;
    }
    // The plot's panel notes say what the measurements are made on.
    PANELS[0].note = `${values.testSize} held-out images`;
    $('fashion-test-col').title = `Test accuracy on ${values.testSize} held-out images`;
    PANELS[1].note = `the ${values.corruptedCount} corrupted training images`;
    PANELS[2].note = `E[L(θ+ν)] − L(θ), ν ~ 𝒩(0, ${values.sharpnessDelta}² I); a noisy estimate`;
    st.dirty.curves = true;
  }

  /** The numbers of the live run, in words (model.js liveCaption). */
  function describeLive() {
    if (!st.start) return;
    const text = liveCaption({ start: st.start, ids: st.ids, records: st.records, names, params: st.params || 0, statusOf: status, network: st.settings ? st.settings.network : SCHEMA.network, testSize: st.config ? st.config.testSize : undefined });
    if ($('fashion-live').textContent !== text) $('fashion-live').textContent = text;
  }

  // ------------------------------------------------------------------ the spectrum

  function buildSpectrumSelect() {
    const sel = $('fashion-spectrum-method');
    sel.replaceChildren();
    for (const id of st.ids) {
      const o = document.createElement('option');
      o.value = id;
      o.textContent = names[id] || id;
      sel.append(o);
    }
    if (st.spectrumId) sel.value = st.spectrumId;
  }

  function spectrumCaption(rec) {
    const s = st.start;
    const cap = $('fashion-spectrum-caption');
    if (!rec || !s) { cap.textContent = 'The largest eigenvalues of the Hessian (Lanczos), at the latest record of the chosen method, against those at the minimum.'; return; }
    const a = rec.topEigenvalues[0];
    const b = s.topEigenvalues[0];
    const tail = rec.topEigenvalues[rec.topEigenvalues.length - 1];
    cap.textContent = `λ₁ = ${fmt(a)} (${fmt(b)} at the minimum); Tr H ≈ ${fmt(rec.trH)} (${fmt(s.trH)}). A handful of large eigenvalues over a bulk near zero: λ₁ / λ${sub(rec.topEigenvalues.length)} = ${fmt(a / tail)}, while Tr H / D = ${fmt(rec.trH / (st.params || 1))}.`;
  }

  // ------------------------------------------------------------------ drawing

  function visibleIds() { return st.ids.filter((id) => !st.hidden.has(id)); }

  function requestDraw() {
    if (st.drawPending || st.destroyed) return;
    st.drawPending = true;
    requestAnimationFrame(() => {
      st.drawPending = false;
      const t0 = performance.now();
      if (st.dirty.readout) { updateReadout(); st.dirty.readout = false; st.lastReadout = t0; }
      if (st.dirty.text) { describeLive(); updateEstimate(); st.dirty.text = false; }
      if (st.dirty.curves) {
        curves.draw(st.records, visibleIds(), target(), st.diverged, st.start);
        st.dirty.curves = false;
      }
      if (st.dirty.spectrum) {
        const id = st.spectrumId;
        const rs = (id && st.records[id]) || [];
        const rec = rs[rs.length - 1] || null;
        spectrum.draw(id, rec, st.start, names[id] || id);
        spectrumCaption(rec);
        st.dirty.spectrum = false;
      }
      const ms = performance.now() - t0;
      hook.drawMs = ms;
      hook.maxDrawMs = Math.max(hook.maxDrawMs, ms);
      hook.framesDrawn += 1;
    });
  }

  /** A frame for the counters, no sooner than READOUT_MS after the last one. */
  function scheduleReadout() {
    if (st.readoutTimer) return;
    const wait = READOUT_MS - (performance.now() - st.lastReadout);
    if (wait <= 0) { requestDraw(); return; }
    st.readoutTimer = setTimeout(() => { st.readoutTimer = null; requestDraw(); }, wait);
  }

  function markDirty() {
    st.dirty.curves = true;
    st.dirty.spectrum = true;
    requestDraw();
  }

  /** Sizes the canvases to their boxes, at `dpr` (default: the screen's; 2 for a PNG export). */
  function layout(dpr) {
    const cw = $('fashion-curves-box').clientWidth;
    if (cw && curves.resize(cw, dpr)) st.dirty.curves = true;
    const sw = $('fashion-spectrum-box').clientWidth;
    if (sw && spectrum.resize(sw, dpr)) st.dirty.spectrum = true;
    requestDraw();
  }

  // ------------------------------------------------------------------ state and export

  function getState() {
    const s = readSettings() || st.settings || {};
    return {
      methods: [...(s.methods || [])],
      seed: s.seed,
      logEvery: s.logEvery,
      target: s.target,
      threads: s.threads,
      fromScratch: !!s.fromScratch,
      network: s.network,
      maxRecords: st.maxRecords,
      playing: st.playing,
      spectrumMethod: st.spectrumId,
      hidden: [...st.hidden],
    };
  }

  /** Writes the given keys into the form (unknown keys are ignored); true if any changed. */
  function writeForm(partial) {
    let changed = false;
    const setField = (id, v) => { const el = $(id); if (el.value !== String(v)) { el.value = String(v); changed = true; } };
    for (const [key, id] of FIELDS) if (partial[key] !== undefined) setField(id, partial[key]);
    if (Array.isArray(partial.methods)) {
      for (const [id] of METHODS) {
        const box = $(`fashion-method-${id}`);
        const want = partial.methods.includes(id);
        if (box.checked !== want) { box.checked = want; changed = true; }
      }
    }
    if (typeof partial.network === 'string' && $('fashion-network').value !== partial.network) {
      if (!SCHEMA.networks.includes(partial.network)) throw new Error(`setState: network must be one of ${SCHEMA.networks.join(', ')}, got ${partial.network}`);
      $('fashion-network').value = partial.network;
      syncStage1Box();
      changed = true;
    }
    if (partial.fromScratch !== undefined && $('fashion-stage1').checked !== !!partial.fromScratch) {
      $('fashion-stage1').checked = !!partial.fromScratch;
      changed = true;
    }
    return changed;
  }

  /** Applies a maxRecords of a state (undefined: no change); true if it changed. */
  function setCap(cap) {
    if (cap === undefined) return false;
    if (!Number.isInteger(cap) || cap < CAP.min || cap > CAP.max) throw new Error(`setState: maxRecords must be a whole number from ${int(CAP.min)} to ${int(CAP.max)}, got ${String(cap)}`);
    if (cap === st.maxRecords) return false;
    st.maxRecords = cap;
    hook.maxRecords = cap;
    return true;
  }

  /** @param {Record<string, any>} [partial] */
  function setState(partial = {}) {
    if (!partial || typeof partial !== 'object') return;
    const capChanged = setCap(partial.maxRecords);
    if (writeForm(partial) || capChanged) settingsChanged();
    if (Array.isArray(partial.hidden)) {
      st.hidden = new Set(partial.hidden.filter((id) => names[id]));
      for (const b of root.querySelectorAll('.fashion-toggle')) b.setAttribute('aria-pressed', st.hidden.has(b.dataset.method) ? 'false' : 'true');
      markDirty();
    }
    if (typeof partial.spectrumMethod === 'string' && names[partial.spectrumMethod]) {
      st.spectrumId = partial.spectrumMethod;
      $('fashion-spectrum-method').value = st.spectrumId;
      st.dirty.spectrum = true;
      requestDraw();
    }
    if (partial.playing === true) play(); else if (partial.playing === false) pause();
    emit();
  }

  const CSV_COLUMNS = [
    ['method', (r) => r.method],
    ['iteration', (r) => r.iteration],
    ['trainLoss', (r) => r.trainLoss],
    ['trainAccuracy', (r) => r.trainAccuracy],
    ['cleanAccuracy', (r) => r.cleanAccuracy],
    ['corruptedAccuracy', (r) => r.corruptedAccuracy],
    ['testAccuracy', (r) => r.testAccuracy],
    ['sharpness', (r) => r.sharpness],
    ['trHSigma', (r) => r.trHSigma],
    ['trHSigmaIso', (r) => r.trHSigmaIso],
    ['trH', (r) => r.trH],
    ['trSigma', (r) => r.trSigma],
    ['lambda1', (r) => (r.topEigenvalues ? r.topEigenvalues[0] : null)],
    ['aHat', (r) => r.aHat],
  ];

  /** The records so far: 'json' ({ figure, settings, start, records, recordEvery, diverged }) or 'csv'. */
  function exportCurves(format = 'json') {
    if (format === 'csv') {
      const rows = [];
      for (const id of st.ids) for (const r of st.records[id] || []) rows.push({ method: id, ...r });
      return toCsv(rows, CSV_COLUMNS);
    }
    if (format !== 'json') throw new Error(`exportCurves: format must be 'json' or 'csv', got ${String(format)}`);
    return JSON.stringify({
      figure: 'fashion',
      settings: st.settings,
      config: st.config,
      start: st.start,
      records: st.records,
      recordEvery: st.recordEvery,
      diverged: st.diverged,
    });
  }

  // ------------------------------------------------------------------ wiring

  function methodBoxes() {
    buildMethodBoxes($('fashion-method-boxes'), {
      methods: METHODS,
      prefix: 'fashion-',
      onChange: () => settingsChanged(),
      extra: (id) => { const cost = document.createElement('span'); cost.className = 'cost'; cost.dataset.method = id; return cost; },
    });
  }

  function updateEstimate() {
    const measured = st.perf ? st.perf.msPerIter : {};
    for (const el of root.querySelectorAll('#fashion-method-boxes .cost')) {
      const id = el.dataset.method;
      const v = measured[id] ?? priorMs($('fashion-network').value)[id];
      el.textContent = v === undefined ? '' : `${measured[id] === undefined ? '~' : ''}${v < 1 ? v.toFixed(1) : Math.round(v)} ms/it`;
      el.title = measured[id] === undefined ? 'first guess of the cost of one iteration in wasm' : 'measured cost of one iteration in wasm on this machine';
    }
    const s = readSettings();
    const el = $('fashion-estimate');
    if (!s) { el.textContent = ''; return; }
    const stage1 = (s.fromScratch || !savedMinimum(s.network, s.seed)) && !MINIMUMS.has(minimumKey(s.network, s.seed));
    const recordMs = st.perf ? st.perf.recordMs : null;
    const groups = partition(s.methods, s.threads, s.logEvery, measured, recordMs);
    const ms = Math.max(...groups.map((ids) => estimateMs({ ids, iterations: {}, target: s.target, logEvery: s.logEvery, msPerIter: measured, recordMs })));
    el.textContent = `From the minimum to iteration ${int(s.target)}: ${st.perf ? 'about' : 'roughly'} ${duration(ms)} on this machine with ${groups.length} worker${groups.length > 1 ? 's' : ''}${st.perf ? ' (measured speeds)' : ' (a first guess until it runs)'}${stage1 ? ', after stage 1' : ''}. Records cost about ${duration(recordMs ?? PRIOR_RECORD_MS)} each.`;
  }

  function settingsChanged() {
    syncStage1Box();
    const s = readSettings();
    updateEstimate();
    emit();
    if (!s) return;
    if (st.settings && sameStructure(s, st.settings) && st.shards.length) {
      targetChanged();
      return;
    }
    restart(st.shards.length ? 'New settings: the experiment starts over. Press Play.' : null);
  }

  /** A new iteration target: running workers take it on the fly, finished ones go on. */
  function targetChanged() {
    const s = readSettings();
    updateEstimate();
    if (!s) return;
    st.settings = { ...st.settings, target: s.target };
    if (st.phase === 'running') {
      const t = target();
      for (const sh of st.shards) if (sh.busy) sh.worker.postMessage({ type: 'target', target: t });
      // Workers that were done go on if the target went up.
      if (st.playing) for (const sh of st.shards) {
        if (sh.busy || !runnable(sh, t)) continue;
        sh.busy = true;
        sh.worker.postMessage({ type: 'run', target: t });
      }
      setBusy();
    }
    updateReadout();
    markDirty();
    emit();
  }

  /** The paper's stage 2: all eight methods from the saved seed-0 minimum to 15,000, playing. */
  function paperProtocol() {
    writeForm({ methods: METHODS.map(([id]) => id), seed: PAPER.seed, fromScratch: false, logEvery: PAPER.logEvery, target: PAPER.target, threads: maxThreads() });
    settingsChanged();
    setStatus(`Paper protocol: all eight dynamics to iteration ${int(PAPER.target)}, a record every ${int(PAPER.logEvery)}, split over ${st.shards.length || readSettings().threads} worker(s).`);
    play();
  }

  const cleanups = [];
  function on(el, type, fn) {
    el.addEventListener(type, fn);
    cleanups.push(() => el.removeEventListener(type, fn));
  }

  function wire() {
    const threads = $('fashion-threads');
    threads.value = String(autoThreads());
    threads.defaultValue = threads.value;
    methodBoxes();
    syncStage1Box();
    on($('fashion-play'), 'click', () => { if (st.playing) pause(); else play(); });
    on($('fashion-reset'), 'click', () => reset());
    const paper = $('fashion-paper');
    if (paper) on(paper, 'click', () => paperProtocol());
    on($('fashion-iterations'), 'change', () => targetChanged());
    for (const id of ['fashion-log-every', 'fashion-seed', 'fashion-threads']) on($(id), 'change', settingsChanged);
    // "New seed": a seed from the OS, shown in its field; the experiment starts over with it.
    const fresh = $('fashion-seed-new');
    if (fresh && freshSeed) {
      on(fresh, 'click', () => freshSeed().then((seed) => {
        setState({ seed });
        setStatus(`New seed: ${seed}.`, 'ok');
      }).catch((e) => reportError('New seed', e.message || String(e))));
    }
    on($('fashion-stage1'), 'change', (e) => {
      // Asking for stage 1 from scratch means running it again, not reusing one from earlier.
      if (e.target.checked) MINIMUMS.delete(minimumKey($('fashion-network').value, readInt('fashion-seed')));
      settingsChanged();
    });
    on($('fashion-seed'), 'input', syncStage1Box);
    on($('fashion-network'), 'change', () => { syncStage1Box(); settingsChanged(); });
    on($('fashion-settings'), 'submit', (e) => e.preventDefault());
    on($('fashion-defaults'), 'click', () => {
      for (const [, id] of FIELDS) $(id).value = $(id).defaultValue;
      for (const [id] of METHODS) $(`fashion-method-${id}`).checked = true;
      $('fashion-stage1').checked = false;
      $('fashion-network').value = SCHEMA.network;
      syncStage1Box();
      settingsChanged();
    });
    on($('fashion-spectrum-method'), 'change', (e) => {
      st.spectrumId = e.target.value;
      st.dirty.spectrum = true;
      requestDraw();
      emit();
    });
    const ro = new ResizeObserver(() => layout());
    for (const id of ['fashion-curves-box', 'fashion-spectrum-box']) ro.observe($(id));
    cleanups.push(() => ro.disconnect());
  }

  const controller = {
    play,
    pause,
    step,
    reset,
    paperProtocol,
    getState,
    setState,
    exportCurves,
    onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    layout,
    destroy() {
      st.destroyed = true;
      stop();
      for (const f of cleanups.splice(0)) f();
      listeners.clear();
    },
  };

  hook.controller = controller;
  wire();
  setCap((state || {}).maxRecords);
  writeForm(state || {});
  syncStage1Box();
  if (state && Array.isArray(state.hidden)) st.hidden = new Set(state.hidden);
  if (state && typeof state.spectrumMethod === 'string') st.spectrumId = state.spectrumMethod;
  updateEstimate();
  layout();
  updateReadout();
  if (typeof WebAssembly !== 'object') {
    setStatus('This browser does not support WebAssembly.', 'error');
    $('fashion-play').disabled = true;
    return controller;
  }
  if (state && state.playing) play();
  if (!autostart) return controller;
  // Lazy start: data and the minimum load when the figure comes near the viewport (in workers,
  // so the 2-D figure is never held up); nothing is trained before Play.
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { io.disconnect(); if (!st.shards.length) start(); }
  }, { rootMargin: '200px 0px' });
  io.observe(root instanceof ShadowRoot ? root.host : root);
  cleanups.push(() => io.disconnect());
  return controller;
}
