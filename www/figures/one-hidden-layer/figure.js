// The one-hidden-layer figure (paper Figure 4): Tr(HΣ) of SGD's noise against the isotropic
// reference Tr H·Tr Σ / D while a D = 300 network trains. The worker (worker.js) runs
// one epoch per request; this module keeps at most one request in flight, paces the epochs so the
// training can be watched, and draws in requestAnimationFrame.
//
// Mounting: `mountOneHidden(root, state, { dir, hook, autostart })` builds the figure on the
// markup inside `root` (an element holding the ids of view.js's markup)
// and returns a controller:
//   play() / pause()      train epoch by epoch (paced), or stop after the epoch in flight
//   step()                one epoch, then pause
//   reset()               back to the untrained network (a fresh worker)
//   getState()            { epoch, playing, seed, epochs, samples, lr }: plain JSON, what
//                         setState takes back; a state's seed, epochs, samples or lr (checked
//                         by Rust, OneHiddenLayerConfig) replace the paper's and start over
//   setState(partial)     { epoch: n } trains to epoch n as fast as it can (the study is
//                         deterministic, so this reproduces what was seen), or back from the
//                         start if n is below the current epoch; { playing } plays or pauses
//   exportCurves(format)  the records so far as 'json' (default) or 'csv' text
//   onChange(fn)          fn(getState()) after every epoch and play/pause; returns an unsubscribe
//   layout(dpr?)          re-measure the canvases (the figure also watches its own size); a dpr
//                         of 2 redraws them at twice the CSS size for a PNG export
//   destroy()             stop the worker and observers
// `dir` is the wasm build ('pkg', 'pkg-scalar'); `hook` an object the figure exposes its live state
// on (for tests) as hook.ohl; with `autostart` (default) the study loads when it nears the view;
// `freshSeed()` resolves to a seed from the OS, for the "New seed" button.
// The records are bounded by
// the study (one per epoch, at most 1000 epochs); the page keeps no other growing state.

import { TracesPlot, BoundaryPlot } from './plots.js';
import { toCsv } from '../../lib/curves.js';
import { fmt } from '../../lib/format.js';
import { statusReporter } from '../../lib/status.js';
import { startWorker } from '../../lib/worker-pool.js';
import { SCHEMA, liveCaption, ratioOf } from './model.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);

// The paper's protocol (docs/protocols.md 3.2): the schema's defaults (seed 123, 31 epochs, ...).
const CONFIG = Object.fromEntries(SCHEMA.config.map((s) => [s.key, s.default]));
const GRID_N = 96;
// Slowest pace: at least this long between epochs, so the boundary visibly moves.
const PACE_MS = 140;
// The settings a state may change (the keys the study's config takes).
const CONFIG_KEYS = SCHEMA.config.map((s) => s.key);
const pickConfig = (s) => Object.fromEntries(CONFIG_KEYS.filter((k) => s && s[k] !== undefined).map((k) => [k, s[k]]));

/** Mounts the figure on the markup inside `root`; returns its controller (module comment). */
export function mountOneHidden(root, state = {}, { dir = 'pkg-scalar', hook: rootHook = null, autostart = true, freshSeed = null } = {}) {
  const $ = (id) => root.querySelector(`#${id}`);
  const listeners = new Set();
  const st = {
    worker: null,
    ready: false,
    loading: false,
    playing: false,
    inFlight: false,
    lastPost: 0,
    epoch: 0,
    epochs: CONFIG.epochs,
    config: { ...CONFIG, ...pickConfig(state) }, // what the worker's study is built with
    decayFrom: null, // from the study's settings
    settings: null,
    runTo: null, // setState({ epoch }): train to this epoch unpaced, then stop
    stepOnce: false,
    records: [],
    inputs: null,
    labels: null,
    generation: 0,
    dirty: { traces: true, boundary: true },
    drawPending: false,
    destroyed: false,
  };
  const hook = {
    ready: false,
    playing: false,
    done: false,
    epoch: 0,
    epochs: CONFIG.epochs,
    records: [],
    epochMs: [],
    framesDrawn: 0,
    memoryBytes: null,
    settings: null,
    controller: null,
    errors: [],
    engine: null,
  };
  if (rootHook) rootHook.ohl = hook;

  const traces = new TracesPlot($('ohl-traces'));
  const boundary = new BoundaryPlot($('ohl-boundary'));

  const status = statusReporter($('ohl-status'), hook.errors);
  const setStatus = status.setStatus;
  function reportError(context, message) {
    status.reportError(context, message);
    setPlaying(false);
  }

  function emit() {
    if (!listeners.size) return;
    const s = getState();
    for (const fn of listeners) {
      try { fn(s); } catch (e) { console.error(e); }
    }
  }

  function setPlaying(on) {
    const changed = st.playing !== on;
    st.playing = on;
    hook.playing = on;
    const b = $('ohl-play');
    b.textContent = on ? 'Pause' : (st.epoch >= st.epochs ? 'Done' : st.epoch > 0 ? 'Resume' : 'Play');
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    b.disabled = !on && st.epoch >= st.epochs && st.ready;
    if (changed) emit();
    if (on) loop();
  }

  function updateReadout() {
    $('ohl-epoch').textContent = String(st.epoch);
    $('ohl-epochs').textContent = String(st.epochs);
    const p = $('ohl-progress');
    p.max = st.epochs;
    p.value = st.epoch;
    p.setAttribute('aria-valuenow', String(st.epoch));
    p.setAttribute('aria-valuemax', String(st.epochs));
    hook.epoch = st.epoch;
    hook.epochs = st.epochs;
    hook.records = st.records;
    describeLive();
  }

  /** Fills the protocol's numbers in the prose from the study's own settings. */
  function describeProtocol() {
    const c = st.settings;
    if (!c) return;
    const values = {
      hidden: String(c.hidden),
      samples: c.samples.toLocaleString('en-US'),
      inputRange: `[−${c.inputRange}, ${c.inputRange}]²`,
      iterationsPerEpoch: String(c.iterationsPerEpoch),
      epochs: String(c.epochs),
      decayStart: String(c.decayStart),
      params: String(c.params),
      sigmaBatches: String(c.sigmaBatches),
      sigmaBatchSize: String(c.sigmaBatchSize),
    };
    for (const el of root.querySelectorAll('[data-ohl-setting]')) {
      const v = values[el.dataset.ohlSetting];
      if (v !== undefined && el.textContent !== v) el.textContent = v;
    }
  }

  function describeLive() {
    if (!st.records.length) return;
    const text = liveCaption(st.records, st.settings ? st.settings.params : null);
    if ($('ohl-live').textContent !== text) $('ohl-live').textContent = text;
  }

  function info() {
    const r = st.records[st.records.length - 1];
    if (!r) return null;
    return [
      { text: `epoch ${r.epoch} of ${st.epochs}`, bold: true },
      { text: `train accuracy ${(100 * r.trainAccuracy).toFixed(1)}%`, soft: true },
      { text: `train loss ${fmt(r.trainLoss)}`, soft: true },
    ];
  }

  function requestDraw() {
    if (st.drawPending || st.destroyed) return;
    st.drawPending = true;
    requestAnimationFrame(() => {
      st.drawPending = false;
      if (st.dirty.traces) { traces.draw(st.records, st.epochs, st.decayFrom ?? st.epochs); st.dirty.traces = false; }
      if (st.dirty.boundary) { boundary.draw(st.inputs, st.labels, info()); st.dirty.boundary = false; }
      hook.framesDrawn += 1;
      loop();
    });
  }

  function markDirty() {
    st.dirty.traces = true;
    st.dirty.boundary = true;
    requestDraw();
  }

  function loop() {
    if (!st.playing || !st.ready || st.inFlight) return;
    const goal = st.runTo ?? st.epochs;
    if (st.epoch >= goal || (st.stepOnce && st.epoch > st.stepFrom)) {
      const reachedEnd = st.epoch >= st.epochs;
      const stepped = st.stepOnce;
      st.runTo = null;
      st.stepOnce = false;
      hook.done = reachedEnd;
      setPlaying(false);
      if (reachedEnd) {
        const r = st.records[st.records.length - 1];
        const above = st.records.filter((x) => x.trHSigma > x.trHSigmaIso).length;
        const where = above === st.records.length ? 'at every epoch' : `at ${above} of ${st.records.length} epochs`;
        setStatus(`All ${st.epochs} epochs done: Tr(HΣ) was above the isotropic reference ${where}${r ? ` (×${fmt(ratioOf(r))} at the end)` : ''}.`, 'ok');
      } else {
        setStatus(stepped ? `Stepped to epoch ${st.epoch}.` : `At epoch ${st.epoch}.`, 'ok');
      }
      return;
    }
    // Paced for watching, unless a state asks for an epoch (then as fast as it goes).
    const wait = st.runTo !== null ? 0 : PACE_MS - (performance.now() - st.lastPost);
    if (wait > 0) { setTimeout(loop, wait); return; }
    st.inFlight = true;
    st.lastPost = performance.now();
    st.worker.postMessage({ type: 'epoch', req: st.generation });
  }

  function onMessage(gen, ev) {
    if (gen !== st.generation) return; // a reply of a worker that has been reset
    const msg = ev.data;
    if (Number.isFinite(msg.memoryBytes)) hook.memoryBytes = msg.memoryBytes;
    switch (msg.type) {
      case 'ready': {
        st.ready = true;
        st.loading = false;
        st.epoch = msg.epoch;
        st.epochs = msg.epochs;
        st.records = msg.records;
        st.inputs = msg.inputs;
        st.labels = msg.labels;
        st.settings = msg.settings || null;
        hook.settings = st.settings;
        st.decayFrom = st.settings ? st.settings.decayStart : null;
        describeProtocol();
        boundary.setGrid(msg.grid.values, msg.grid.n);
        hook.ready = true;
        hook.engine = msg.build && msg.build.simd ? 'wasm SIMD128' : 'wasm scalar';
        $('ohl-reset').disabled = false;
        $('ohl-play').disabled = false;
        updateReadout();
        markDirty();
        setStatus(st.playing ? 'Training…' : 'Ready: the untrained network at epoch 0. Press Play.', 'ok');
        if (st.playing) setPlaying(true);
        return;
      }
      case 'epoch': {
        st.inFlight = false;
        st.epoch = msg.epoch;
        st.epochs = msg.epochs;
        if (msg.record) st.records.push(msg.record);
        hook.epochMs.push(msg.ms);
        if (hook.epochMs.length > st.epochs) hook.epochMs.shift();
        boundary.setGrid(msg.grid.values, msg.grid.n);
        updateReadout();
        markDirty();
        emit();
        if (st.playing) setStatus(`Training: epoch ${st.epoch} of ${st.epochs} (${msg.ms.toFixed(0)} ms in wasm).`);
        loop();
        return;
      }
      case 'fatal':
        st.loading = false;
        reportError('One hidden layer', msg.message);
        return;
      case 'error':
        st.inFlight = false;
        reportError('One hidden layer', msg.message);
        return;
      default:
    }
  }

  function start() {
    if (st.worker || st.destroyed || typeof WebAssembly !== 'object') return;
    st.generation += 1;
    const gen = st.generation;
    st.loading = true;
    setStatus('Loading the WebAssembly module…');
    try {
      st.worker = startWorker(WORKER_URL);
    } catch (e) {
      reportError('Worker', e.message || String(e));
      return;
    }
    st.worker.addEventListener('message', (ev) => onMessage(gen, ev));
    st.worker.addEventListener('error', (e) => { e.preventDefault(); if (gen === st.generation) reportError('Worker', e.message || 'the one-hidden-layer worker failed'); });
    st.worker.postMessage({ type: 'init', dir, config: st.config, grid: GRID_N });
  }

  function reset() {
    if (st.worker) st.worker.terminate();
    st.worker = null;
    st.ready = false;
    st.inFlight = false;
    st.epoch = 0;
    st.records = [];
    st.runTo = null;
    st.stepOnce = false;
    hook.done = false;
    hook.ready = false;
    hook.epochMs = [];
    setPlaying(false);
    updateReadout();
    $('ohl-live').textContent = '';
    start();
    setStatus('Reset to epoch 0.');
    emit();
  }

  /** Sizes the canvases to their boxes, at `dpr` (default: the screen's; 2 for a PNG export). */
  function layout(dpr) {
    const tw = $('ohl-traces-box').clientWidth;
    if (tw && traces.resize(tw, dpr)) st.dirty.traces = true;
    const bw = $('ohl-boundary-box').clientWidth;
    if (bw && boundary.resize(bw, dpr)) st.dirty.boundary = true;
    requestDraw();
  }

  function play() {
    if (!st.worker) start();
    if (st.playing || st.epoch >= st.epochs) return;
    setPlaying(true);
    setStatus(st.ready ? 'Training…' : 'Loading, then training…');
  }

  function pause() {
    st.runTo = null;
    st.stepOnce = false;
    if (!st.playing) return;
    setPlaying(false);
    setStatus(`Paused at epoch ${st.epoch}.`);
  }

  function step() {
    if (st.playing || st.epoch >= st.epochs) return;
    st.stepOnce = true;
    st.stepFrom = st.epoch;
    play();
  }

  /** The study's settings in use (as the worker reports them), else those asked for. */
  function currentConfig() {
    return st.settings ? { ...st.config, ...pickConfig(st.settings) } : { ...st.config };
  }

  function getState() {
    return { epoch: st.epoch, playing: st.playing, ...currentConfig() };
  }

  /** @param {Record<string, any>} [partial] */
  function setState(partial = {}) {
    if (!partial || typeof partial !== 'object') return;
    const now = currentConfig();
    const next = { ...now, ...pickConfig(partial) };
    if (CONFIG_KEYS.some((k) => next[k] !== now[k])) {
      st.config = next;
      st.settings = null;
      reset();
    }
    if (Number.isInteger(partial.epoch) && partial.epoch >= 0) {
      const to = Math.min(partial.epoch, st.epochs);
      if (to < st.epoch) reset();
      if (to > st.epoch) { st.runTo = to; play(); }
    }
    if (partial.playing === true) play(); else if (partial.playing === false && st.runTo === null) pause();
  }

  const CSV_COLUMNS = [
    ['epoch', (r) => r.epoch],
    ['trainLoss', (r) => r.trainLoss],
    ['trainAccuracy', (r) => r.trainAccuracy],
    ['trHSigma', (r) => r.trHSigma],
    ['trHSigmaIso', (r) => r.trHSigmaIso],
    ['trH', (r) => r.trH],
    ['trSigma', (r) => r.trSigma],
  ];

  /** The records so far: 'json' ({ figure, settings, records }) or 'csv'. */
  function exportCurves(format = 'json') {
    if (format === 'csv') return toCsv(st.records, CSV_COLUMNS);
    if (format !== 'json') throw new Error(`exportCurves: format must be 'json' or 'csv', got ${String(format)}`);
    return JSON.stringify({ figure: 'ohl', settings: st.settings, records: st.records });
  }

  const cleanups = [];
  function on(el, type, fn) {
    el.addEventListener(type, fn);
    cleanups.push(() => el.removeEventListener(type, fn));
  }

  const controller = {
    play,
    pause,
    step,
    reset,
    getState,
    setState,
    exportCurves,
    onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    layout,
    destroy() {
      st.destroyed = true;
      if (st.worker) st.worker.terminate();
      st.worker = null;
      st.generation += 1;
      for (const f of cleanups.splice(0)) f();
      listeners.clear();
    },
  };
  hook.controller = controller;

  on($('ohl-play'), 'click', () => { if (st.playing) pause(); else play(); });
  on($('ohl-reset'), 'click', () => reset());
  // "New seed": a seed from the OS; the network trains again from it, and the link records it.
  const fresh = $('ohl-new-seed');
  if (fresh && freshSeed) {
    on(fresh, 'click', () => freshSeed().then((seed) => {
      setState({ seed });
      status.setStatus(`New seed: ${seed}.`, 'ok');
    }).catch((e) => status.reportError('New seed', e.message || String(e))));
  }
  $('ohl-reset').disabled = true;
  const ro = new ResizeObserver(() => layout());
  for (const id of ['ohl-traces-box', 'ohl-boundary-box']) ro.observe($(id));
  cleanups.push(() => ro.disconnect());
  layout();

  if (typeof WebAssembly !== 'object') {
    setStatus('This browser does not support WebAssembly.', 'error');
    $('ohl-play').disabled = true;
    return controller;
  }
  if (state && (state.playing || state.epoch)) setState({ playing: state.playing, epoch: state.epoch });
  if (!autostart) return controller;
  // Lazy start: load the (cheap) study when the figure comes near the viewport; train on Play.
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { io.disconnect(); start(); }
  }, { rootMargin: '200px 0px' });
  io.observe(root instanceof ShadowRoot ? root.host : root);
  cleanups.push(() => io.disconnect());
  return controller;
}
