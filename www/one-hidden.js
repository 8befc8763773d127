// The one-hidden-layer figure (paper Figure 4): Tr(HΣ) of SGD's noise against the isotropic
// reference Tr H·Tr Σ / D while a D = 300 network trains. The worker (one-hidden-worker.js) runs
// one epoch per request; this module keeps at most one request in flight, paces the epochs so the
// training can be watched, and draws in requestAnimationFrame.

import { TracesPlot, BoundaryPlot } from './one-hidden-plots.js';
import { fmt } from './format.js';
import { statusReporter } from './status.js';

const $ = (id) => document.getElementById(id);

// The paper's protocol (PAPER.md 3.2): seed 123, 31 epochs; the learning rate decays linearly to
// 0 from epoch 21 (a protocol constant of the study, not reported by the API).
const CONFIG = { seed: 123, epochs: 31 };
const DECAY_FROM = 21;
const GRID_N = 96;
// Slowest pace: at least this long between epochs, so the boundary visibly moves.
const PACE_MS = 140;

export function bootOneHidden({ dir, hook: rootHook }) {
  const st = {
    worker: null,
    ready: false,
    loading: false,
    playing: false,
    inFlight: false,
    lastPost: 0,
    epoch: 0,
    epochs: CONFIG.epochs,
    records: [],
    inputs: null,
    labels: null,
    generation: 0,
    dirty: { traces: true, boundary: true },
    drawPending: false,
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
    errors: [],
    engine: null,
  };
  rootHook.ohl = hook;

  const traces = new TracesPlot($('ohl-traces'));
  const boundary = new BoundaryPlot($('ohl-boundary'));

  const status = statusReporter($('ohl-status'), hook.errors);
  const setStatus = status.setStatus;
  function reportError(context, message) {
    status.reportError(context, message);
    setPlaying(false);
  }

  function setPlaying(on) {
    st.playing = on;
    hook.playing = on;
    const b = $('ohl-play');
    b.textContent = on ? 'Pause' : (st.epoch >= st.epochs ? 'Done' : st.epoch > 0 ? 'Resume' : 'Play');
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    b.disabled = !on && st.epoch >= st.epochs && st.ready;
    if (on) loop();
  }

  function updateReadout() {
    $('ohl-epoch').textContent = String(st.epoch);
    $('ohl-epochs').textContent = String(st.epochs);
    const p = $('ohl-progress');
    p.max = st.epochs;
    p.value = st.epoch;
    hook.epoch = st.epoch;
    hook.epochs = st.epochs;
    hook.records = st.records;
    describeLive();
  }

  function describeLive() {
    const r = st.records[st.records.length - 1];
    if (!r) return;
    const first = st.records[0];
    const d = r.trHSigmaIso > 0 ? Math.round((r.trH * r.trSigma) / r.trHSigmaIso) : null;
    const ratio = r.trHSigmaIso > 0 ? r.trHSigma / r.trHSigmaIso : NaN;
    const parts = [];
    parts.push(`Epoch ${r.epoch}: Tr(HΣ) = ${fmt(r.trHSigma)} against Tr H·Tr Σ / D = ${fmt(r.trHSigmaIso)}${d ? ` (D = ${d})` : ''}, ×${fmt(ratio)} the isotropic score; training accuracy ${(100 * r.trainAccuracy).toFixed(1)}%.`);
    if (r.epoch > 0 && first) {
      const lo = Math.min(...st.records.map((x) => (x.trHSigmaIso > 0 ? x.trHSigma / x.trHSigmaIso : Infinity)));
      parts.push(`So far the ratio has stayed above ×${fmt(lo)}, from ×${fmt(first.trHSigma / first.trHSigmaIso)} at initialisation.`);
    }
    $('ohl-live').textContent = parts.join(' ');
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
    if (st.drawPending) return;
    st.drawPending = true;
    requestAnimationFrame(() => {
      st.drawPending = false;
      if (st.dirty.traces) { traces.draw(st.records, st.epochs, DECAY_FROM); st.dirty.traces = false; }
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
    if (st.epoch >= st.epochs) {
      hook.done = true;
      setPlaying(false);
      const r = st.records[st.records.length - 1];
      const above = st.records.filter((x) => x.trHSigma > x.trHSigmaIso).length;
      const where = above === st.records.length ? 'at every epoch' : `at ${above} of ${st.records.length} epochs`;
      setStatus(`All ${st.epochs} epochs done: Tr(HΣ) was above the isotropic reference ${where}${r ? ` (×${fmt(r.trHSigma / r.trHSigmaIso)} at the end)` : ''}.`, 'ok');
      return;
    }
    const wait = PACE_MS - (performance.now() - st.lastPost);
    if (wait > 0) { setTimeout(loop, wait); return; }
    st.inFlight = true;
    st.lastPost = performance.now();
    st.worker.postMessage({ type: 'epoch', req: st.generation });
  }

  function onMessage(gen, ev) {
    if (gen !== st.generation) return; // a reply of a worker that has been reset
    const msg = ev.data;
    switch (msg.type) {
      case 'ready': {
        st.ready = true;
        st.loading = false;
        st.epoch = msg.epoch;
        st.epochs = msg.epochs;
        st.records = msg.records;
        st.inputs = msg.inputs;
        st.labels = msg.labels;
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
        if (msg.record) st.records = [...st.records, msg.record];
        hook.epochMs.push(msg.ms);
        boundary.setGrid(msg.grid.values, msg.grid.n);
        updateReadout();
        markDirty();
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
    if (st.worker || typeof WebAssembly !== 'object') return;
    st.generation += 1;
    const gen = st.generation;
    st.loading = true;
    setStatus('Loading the WebAssembly module…');
    try {
      st.worker = new Worker(new URL('./one-hidden-worker.js', import.meta.url), { type: 'module' });
    } catch (e) {
      reportError('Worker', e.message || String(e));
      return;
    }
    st.worker.addEventListener('message', (ev) => onMessage(gen, ev));
    st.worker.addEventListener('error', (e) => { e.preventDefault(); if (gen === st.generation) reportError('Worker', e.message || 'the one-hidden-layer worker failed'); });
    st.worker.postMessage({ type: 'init', dir, config: CONFIG, grid: GRID_N });
  }

  function reset() {
    if (st.worker) st.worker.terminate();
    st.worker = null;
    st.ready = false;
    st.inFlight = false;
    st.epoch = 0;
    st.records = [];
    hook.done = false;
    hook.ready = false;
    hook.epochMs = [];
    setPlaying(false);
    updateReadout();
    $('ohl-live').textContent = '';
    start();
  }

  function layout() {
    const tw = $('ohl-traces-box').clientWidth;
    if (tw && traces.resize(tw)) st.dirty.traces = true;
    const bw = $('ohl-boundary-box').clientWidth;
    if (bw && boundary.resize(bw)) st.dirty.boundary = true;
    requestDraw();
  }

  $('ohl-play').addEventListener('click', () => {
    if (!st.worker) start();
    if (st.playing) {
      setPlaying(false);
      setStatus(`Paused at epoch ${st.epoch}.`);
    } else if (st.epoch < st.epochs) {
      setPlaying(true);
      setStatus(st.ready ? 'Training…' : 'Loading, then training…');
    }
  });
  $('ohl-reset').addEventListener('click', () => {
    reset();
    setStatus('Reset to epoch 0.');
  });
  $('ohl-reset').disabled = true;
  const ro = new ResizeObserver(() => layout());
  for (const id of ['ohl-traces-box', 'ohl-boundary-box']) ro.observe($(id));
  layout();

  // Lazy start: load the (cheap) study when the figure comes near the viewport; train on Play.
  if (typeof WebAssembly !== 'object') {
    setStatus('This browser does not support WebAssembly.', 'error');
    $('ohl-play').disabled = true;
    return { layout };
  }
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { io.disconnect(); start(); }
  }, { rootMargin: '200px 0px' });
  io.observe($('ohl'));
  return { layout };
}
