// The FashionMNIST figure (paper Section 5.3): stage 1 finds a sharp minimum that fits random
// labels; in stage 2 every dynamics restarts from it. Workers (fashion-worker.js) own the
// experiment and run it in small chunks: one for stage 1, and from the saved minimum the chosen
// methods split over up to four, since the methods are independent (each has its own random
// streams) and the slow ones (GLD Hessian, 1st eigvec) would otherwise hold the rest up. This
// module owns the controls, merges the records it is sent, and draws in requestAnimationFrame.
// Reset and new settings terminate the workers and start fresh ones, which cancels whatever they
// were doing at once; Pause stops them after their current chunk.

import { CurvesPlot, SpectrumPlot, paintImage, sub } from './fashion-plots.js';
import { markerSwatch, DESCRIPTION } from './methods.js';
import { estimateMs, partition, PRIOR_MS, PRIOR_RECORD_MS } from './fashion-costs.js';
import { fmt } from './format.js';
import { statusReporter } from './status.js';

const $ = (id) => document.getElementById(id);

export const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

// The canonical method order and names until the worker reports methodInfo().
const METHODS = [
  ['gd', 'GD'], ['gld-const', 'GLD const'], ['gld-dynamic', 'GLD dynamic'], ['gld-diag', 'GLD diag'],
  ['gld-leading', 'GLD leading'], ['gld-hessian', 'GLD Hessian'], ['gld-eigvec', 'GLD 1st eigvec'], ['sgd', 'SGD'],
];
// A training loss this many times the one at the minimum means the run has left the minimum;
// a non-finite one, or one beyond ESCAPE_FACTOR times chance level (log 10), that it diverged.
const ESCAPE_FACTOR = 10;
const DIVERGED_LOSS = 10 * Math.log(10);
// Records the page asks the wasm experiment for (sharpness draws per record).
const SHARPNESS_DRAWS = 20;

const FIELDS = [
  // key, input id, min, max, what
  ['target', 'fashion-iterations', 1, 100000, 'iteration target'],
  ['logEvery', 'fashion-log-every', 1, 100000, 'record interval'],
  ['seed', 'fashion-seed', 0, 4294967295, 'seed'],
  ['threads', 'fashion-threads', 1, 8, 'number of worker threads'],
];

function duration(ms) {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${Math.max(1, s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');
const int = (v) => Number(v).toLocaleString('en-US');

export function bootFashion({ dir, hook: rootHook }) {
  const names = Object.fromEntries(METHODS);
  const st = {
    shards: [], // [{ k, methods, worker, phase, busy, perf, etaMs }]
    forceSingle: false,
    generation: 0,
    phase: 'off', // off | loading | need-stage1 | stage1 | ready | running | error
    playing: false,
    settings: null, // applied settings of the live worker
    ids: [],
    records: {},
    start: null,
    iterations: {},
    diverged: {}, // from the worker: non-finite loss, no longer stepped
    perf: null,
    etaMs: null,
    stage1: null,
    hidden: new Set(),
    spectrumId: null,
    params: null,
    dirty: { curves: true, spectrum: true, readout: false, text: false },
    drawPending: false,
  };
  const hook = {
    phase: 'off',
    playing: false,
    busy: false,
    ready: false,
    iteration: 0,
    iterations: {},
    records: {},
    start: null,
    diverged: {},
    escaped: {},
    perf: null,
    etaMs: null,
    stage1: null,
    loadMs: null,
    params: null,
    engine: null,
    strip: null,
    progressMessages: 0,
    framesDrawn: 0,
    drawMs: 0, // the last draw of the curves and the spectrum
    maxDrawMs: 0,
    errors: [],
  };
  rootHook.fashion = hook;

  const curves = new CurvesPlot($('fashion-curves'));
  const spectrum = new SpectrumPlot($('fashion-spectrum'));

  // ------------------------------------------------------------------ status

  const { setStatus, reportError } = statusReporter($('fashion-status'), hook.errors);

  function setPhase(p) {
    st.phase = p;
    hook.phase = p;
    hook.ready = ['ready', 'running'].includes(p);
  }

  // ------------------------------------------------------------------ settings

  function readInt(id) {
    const raw = $(id).value.trim();
    const v = raw === '' ? NaN : Number(raw);
    return v;
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
    return ok ? out : null;
  }

  function syncStage1Box() {
    const seed = readInt('fashion-seed');
    const box = $('fashion-stage1');
    const forced = Number.isInteger(seed) && seed !== 0;
    box.disabled = forced;
    if (forced) box.checked = true;
    $('fashion-stage1-note').textContent = forced
      ? `The saved minimum is for seed 0: with seed ${seed}, stage 1 runs first.`
      : 'Off: stage 2 starts from the minimum saved for seed 0 (stage 1 done ahead of time).';
  }

  function target() {
    const v = readInt('fashion-iterations');
    return Number.isInteger(v) && v >= 1 && v <= 100000 ? v : (st.settings ? st.settings.target : 1000);
  }

  // ------------------------------------------------------------------ the workers

  /** Worker threads for stage 2: one per core up to four, leaving one core free from four on. */
  function autoThreads() {
    const cores = navigator.hardwareConcurrency || 2;
    return Math.max(1, Math.min(4, cores >= 4 ? cores - 1 : cores));
  }

  function busy() { return st.shards.some((sh) => sh.busy); }

  function setBusy() {
    hook.busy = busy();
  }

  function start() {
    if (st.shards.length || typeof WebAssembly !== 'object') return;
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
    st.start = null;
    st.iterations = {};
    st.diverged = {};
    st.perf = null;
    st.etaMs = null;
    st.stage1 = null;
    hook.loadMs = null;
    st.spectrumId = settings.methods.includes(st.spectrumId) ? st.spectrumId : (settings.methods.includes('sgd') ? 'sgd' : settings.methods[0]);
    // Stage 1 cannot be shared between workers (the API has no way to hand its minimum over),
    // so it runs in one; from the saved minimum the methods are split over several.
    const stage1 = settings.fromScratch || settings.seed !== 0;
    const groups = stage1 || st.forceSingle ? [settings.methods] : partition(settings.methods, settings.threads, settings.logEvery);
    hook.shards = groups.length;
    buildLegend();
    buildSpectrumSelect();
    markDirty();
    setStatus(`Loading the WebAssembly module and the 1200 + 2000 images${groups.length > 1 ? ` in ${groups.length} workers` : ''}…`);
    st.shards = groups.map((methods, k) => ({ k, methods, worker: null, phase: 'loading', busy: false, iterations: {}, perf: null, etaMs: null }));
    updateReadout();
    for (const sh of st.shards) {
      try {
        sh.worker = new Worker(new URL('./fashion-worker.js', import.meta.url), { type: 'module' });
      } catch (e) {
        reportError('Worker', e.message || String(e));
        stop();
        return;
      }
      sh.worker.addEventListener('message', (ev) => { if (gen === st.generation) onMessage(sh, ev.data); });
      sh.worker.addEventListener('error', (e) => {
        e.preventDefault();
        if (gen !== st.generation) return;
        fail(`worker ${sh.k + 1}: ${e.message || 'the FashionMNIST worker failed'}`);
      });
      sh.worker.postMessage({
        type: 'init',
        dir,
        config: { methods: sh.methods, seed: settings.seed, logEvery: settings.logEvery, sharpnessDraws: SHARPNESS_DRAWS },
        fromScratch: settings.fromScratch,
        strip: sh.k === 0,
      });
    }
  }

  function stop() {
    for (const sh of st.shards) if (sh.worker) sh.worker.terminate();
    st.shards = [];
    st.generation += 1;
    hook.busy = false;
    setPhase('off');
  }

  function restart(why) {
    const wasStarted = st.shards.length > 0;
    stop();
    setPlaying(false);
    if (wasStarted || why === 'reset') {
      start();
      if (why && why !== 'reset') setStatus(why);
    }
  }

  /** Something went wrong for good: pause every worker and say so. */
  function fail(message) {
    for (const sh of st.shards) if (sh.busy && sh.worker) sh.worker.postMessage({ type: 'pause' });
    setPhase('error');
    setPlaying(false);
    reportError('FashionMNIST', message);
  }

  /** Moves the experiment on as far as the current phase allows, if playing. */
  function go() {
    if (!st.playing || !st.shards.length || busy()) return;
    if (st.phase === 'need-stage1') {
      const sh = st.shards[0];
      sh.busy = true;
      setBusy();
      setPhase('stage1');
      sh.worker.postMessage({ type: 'stage1' });
      setStatus('Stage 1: full-batch GD towards a minimum that fits every label…');
    } else if (st.phase === 'ready') {
      const t = target();
      if (minIteration() >= t) {
        setPlaying(false);
        setStatus(`Every method has reached iteration ${int(t)}. Raise the target to go on.`, 'ok');
        return;
      }
      setPhase('running');
      for (const sh of st.shards) {
        if (!sh.methods.some((id) => !st.diverged[id] && (st.iterations[id] || 0) < t)) continue;
        sh.busy = true;
        sh.worker.postMessage({ type: 'run', target: t });
      }
      setBusy();
      setStatus(`Stage 2: ${st.ids.length} dynamics from the minimum, towards iteration ${int(t)}${st.shards.length > 1 ? ` (${st.shards.length} workers)` : ''}…`);
    }
  }

  /** Speeds and ETA over all workers: the experiment ends when its slowest worker does. */
  function mergePerf() {
    const msPerIter = {};
    let rec = 0;
    let recN = 0;
    let eta = 0;
    let any = false;
    for (const sh of st.shards) {
      if (!sh.perf) continue;
      any = true;
      Object.assign(msPerIter, sh.perf.msPerIter);
      if (sh.perf.recordMs !== null) { rec += sh.perf.recordMs; recN += 1; }
      if (sh.busy && sh.etaMs !== null) eta = Math.max(eta, sh.etaMs);
    }
    st.perf = any ? { msPerIter, recordMs: recN ? rec / recN : null } : null;
    st.etaMs = any ? eta : null;
    hook.perf = st.perf;
  }

  function onMessage(sh, msg) {
    switch (msg.type) {
      case 'loaded': {
        sh.phase = 'loaded';
        if (sh.k !== 0) return;
        st.params = msg.params;
        hook.params = msg.params;
        hook.engine = msg.build && msg.build.simd ? 'wasm SIMD128' : 'wasm scalar';
        if (msg.methodInfo) for (const m of msg.methodInfo) names[m.id] = m.name;
        $('fashion-arch').textContent = ` (layers ${msg.layerSizes.join('–')}, D = ${int(msg.params)} parameters)`;
        if (msg.strip) buildStrip(msg.strip);
        buildLegend();
        buildSpectrumSelect();
        setStatus(st.settings.fromScratch || st.settings.seed !== 0 ? 'Data loaded.' : 'Data loaded; measuring the saved minimum…');
        return;
      }
      case 'need-stage1': {
        if (st.shards.length > 1) {
          // The saved minimum did not load after all: stage 1 it is, in a single worker.
          st.forceSingle = true;
          const playing = st.playing;
          restart('reset');
          st.forceSingle = false;
          if (playing) { setPlaying(true); }
          return;
        }
        sh.phase = 'need-stage1';
        setPhase('need-stage1');
        st.stage1 = { iteration: 0, trainAccuracy: 0, done: false };
        updateReadout();
        const why = st.settings.seed !== 0
          ? `The saved minimum is for seed 0: with seed ${st.settings.seed}, stage 1 runs first. Press Play.`
          : msg.reason === 'chosen' ? 'Ready to run stage 1 from scratch. Press Play.' : `Stage 1 has to run: ${msg.reason}. Press Play.`;
        setStatus(why, 'ok');
        go();
        return;
      }
      case 'stage1': {
        st.stage1 = msg;
        hook.stage1 = msg;
        updateReadout();
        return;
      }
      case 'stage2': {
        const fromStage1 = st.phase === 'stage1';
        sh.busy = false;
        sh.phase = 'ready';
        setBusy();
        if (!st.start) st.start = msg.start;
        Object.assign(st.records, msg.records);
        Object.assign(st.iterations, msg.iterations);
        if (msg.loadMs !== undefined) hook.loadMs = Math.max(hook.loadMs || 0, msg.loadMs);
        if (st.shards.some((x) => x.phase !== 'ready')) return;
        setPhase('ready');
        updateReadout();
        describeLive();
        markDirty();
        setStatus(fromStage1
          ? `Stage 1 done after ${int(st.stage1 ? st.stage1.iteration : 0)} iterations: every label fitted. Stage 2 starts from here.`
          : 'Ready: stage 2 starts from the saved stage-1 minimum. Press Play.', 'ok');
        go();
        return;
      }
      case 'progress': {
        hook.progressMessages += 1;
        Object.assign(st.iterations, msg.iterations);
        for (const [id, fresh] of Object.entries(msg.records)) st.records[id] = [...(st.records[id] || []), ...fresh];
        Object.assign(st.diverged, msg.diverged);
        sh.perf = msg.perf;
        sh.etaMs = msg.etaMs;
        mergePerf();
        // The DOM and the canvases are brought up to date once per frame, however many workers report.
        st.dirty.readout = true;
        if (Object.keys(msg.records).length) { st.dirty.text = true; st.dirty.curves = true; st.dirty.spectrum = true; }
        requestDraw();
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
          setPlaying(false);
          setStatus(`Reached iteration ${int(minIteration())}. Raise the target and press Play to go on.`, 'ok');
        } else if (st.playing) {
          go(); // paused and pressed play again before the pause arrived
        } else {
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
    st.playing = on;
    hook.playing = on;
    const b = $('fashion-play');
    b.textContent = on ? 'Pause' : 'Play';
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
  }

  function minIteration() {
    const its = st.ids.filter((id) => !st.diverged[id]).map((id) => st.iterations[id] || 0);
    if (!its.length) return Math.max(0, ...st.ids.map((id) => st.iterations[id] || 0));
    return Math.min(...its);
  }

  // ------------------------------------------------------------------ readouts

  function updateReadout() {
    const t = target();
    const it = minIteration();
    $('fashion-iteration').textContent = int(it);
    $('fashion-target-echo').textContent = int(t);
    hook.iteration = it;
    hook.iterations = st.iterations;
    hook.records = st.records;
    hook.start = st.start;
    hook.diverged = st.diverged;
    hook.etaMs = st.etaMs;
    const bar = $('fashion-progress');
    const text = $('fashion-progress-text');
    const label = $('fashion-progress-label');
    if (st.phase === 'stage1' || (st.phase === 'need-stage1' && st.stage1 && st.stage1.iteration > 0)) {
      const s = st.stage1;
      label.textContent = 'Stage 1';
      bar.max = 1;
      bar.value = s.trainAccuracy;
      bar.setAttribute('aria-valuetext', `stage 1, iteration ${s.iteration}, ${pct(s.trainAccuracy)} of the training labels fitted`);
      text.textContent = `iteration ${int(s.iteration)} · ${pct(s.trainAccuracy)} of the 1200 labels fitted${s.itPerSec ? ` · ${Math.round(s.itPerSec)} it/s` : ''}`;
    } else if (st.phase === 'need-stage1') {
      label.textContent = 'Stage 1';
      bar.max = 1;
      bar.value = 0;
      bar.removeAttribute('aria-valuetext');
      text.textContent = 'full-batch GD until every label is fitted (thousands of iterations)';
    } else if (['ready', 'running'].includes(st.phase)) {
      label.textContent = 'Stage 2';
      const live = st.ids.filter((id) => !st.diverged[id]);
      const done = live.reduce((a, id) => a + Math.min(t, st.iterations[id] || 0), 0);
      bar.max = Math.max(1, live.length * t);
      bar.value = Math.min(bar.max, done);
      // Workers run side by side: the experiment ends when the slowest one does.
      const eta = Math.max(0, ...st.shards.map((sh) => estimateMs({
        ids: sh.methods, iterations: st.iterations, target: t, logEvery: st.settings.logEvery,
        msPerIter: st.perf ? st.perf.msPerIter : {}, recordMs: st.perf ? st.perf.recordMs : null, diverged: st.diverged,
      })));
      st.etaMs = eta;
      hook.etaMs = eta;
      const measured = !!st.perf;
      const left = it >= t ? 'target reached' : `${measured ? 'about' : 'roughly'} ${duration(eta)} left${measured ? '' : ' (first guess, before measuring)'}`;
      text.textContent = `${int(done)} of ${int(live.length * t)} method-iterations · ${left}`;
      bar.setAttribute('aria-valuetext', `stage 2, iteration ${it} of ${t}, ${left}`);
    } else {
      label.textContent = st.phase === 'loading' ? 'Loading' : '';
      bar.removeAttribute('value');
      bar.removeAttribute('aria-valuetext');
      text.textContent = st.phase === 'loading' ? 'data and WebAssembly…' : st.phase === 'off' ? 'starts when the figure scrolls into view' : '';
    }
    updateLegendValues();
  }

  // ------------------------------------------------------------------ the legend table

  function status(id) {
    const rs = st.records[id] || [];
    const start = rs[0];
    if (st.diverged[id]) return { kind: 'diverged', text: `diverged at iteration ${int(st.diverged[id].iteration)}: loss not finite; stopped` };
    const huge = rs.find((r) => !Number.isFinite(r.trainLoss) || r.trainLoss > DIVERGED_LOSS);
    if (huge) return { kind: 'diverged', text: `diverged at iteration ${int(huge.iteration)} (training loss ${fmt(huge.trainLoss)})` };
    if (start) {
      const out = rs.find((r) => r.trainLoss > ESCAPE_FACTOR * start.trainLoss);
      if (out) return { kind: 'escaped', text: `left the minimum by iteration ${int(out.iteration)}`, iteration: out.iteration };
      if (rs.length > 1) return { kind: 'stuck', text: 'still in the minimum' };
    }
    return { kind: '', text: '' };
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

  function describeLive() {
    const s = st.start;
    if (!s) return;
    const out = [];
    const ratio = s.trHSigmaIso > 0 ? s.trHSigma / s.trHSigmaIso : NaN;
    out.push(`At the minimum: ${pct(s.trainAccuracy)} of the training labels fitted (the random ones: ${pct(s.corruptedAccuracy)}), test accuracy ${pct(s.testAccuracy)}, expected sharpness ${fmt(s.sharpness, 2)}, top Hessian eigenvalue ${fmt(s.topEigenvalues[0])}; SGD’s noise there scores Tr(HΣ) ×${fmt(ratio)} the isotropic reference (D = ${int(st.params || 0)}).`);
    // The iteration all methods have a record for.
    const it = Math.min(...st.ids.map((id) => { const rs = st.records[id] || []; return rs.length ? rs[rs.length - 1].iteration : 0; }));
    if (it > 0) {
      const left = [];
      const stuck = [];
      for (const id of st.ids) {
        const k = status(id).kind;
        if (k === 'escaped' || k === 'diverged') left.push(id); else if (k === 'stuck') stuck.push(id);
      }
      const list = (xs) => xs.map((id) => names[id]).join(', ');
      if (left.length) {
        const fits = left.map((id) => { const rs = st.records[id]; return rs[rs.length - 1].corruptedAccuracy; });
        out.push(`By iteration ${int(it)}, ${list(left)} ${left.length > 1 ? 'have' : 'has'} left it (training loss above ${ESCAPE_FACTOR}× its value at the minimum); ${left.length > 1 ? 'their' : 'its'} fit of the random labels is down to ${fits.length > 1 ? `${pct(Math.min(...fits))}–${pct(Math.max(...fits))}` : pct(fits[0])}.`);
      }
      if (stuck.length) out.push(`${list(stuck)} ${stuck.length > 1 ? 'are' : 'is'} still in it.`);
    }
    $('fashion-live').textContent = out.join(' ');
  }

  // ------------------------------------------------------------------ the image strip

  function buildStrip(strip) {
    const box = $('fashion-strip');
    box.replaceChildren();
    const groups = [
      { title: 'Clean labels', sub: 'images 0–999', items: strip.labels.map((l, k) => ({ ...l, k })).filter((l) => !l.corrupted && l.index < 1000) },
      { title: 'Random labels', sub: 'images 1000–1199', items: strip.labels.map((l, k) => ({ ...l, k })).filter((l) => l.corrupted || l.index >= 1000) },
    ];
    let corrupted = 0;
    for (const g of groups) {
      if (!g.items.length) continue;
      const group = document.createElement('div');
      group.className = 'strip-group';
      const head = document.createElement('p');
      head.className = 'strip-head';
      const strong = document.createElement('strong');
      strong.textContent = g.title;
      head.append(strong, document.createTextNode(` · ${g.sub}`));
      const list = document.createElement('ul');
      list.className = 'strip-tiles';
      for (const l of g.items) {
        const li = document.createElement('li');
        li.className = `tile${l.corrupted ? ' corrupted' : ''}`;
        const c = document.createElement('canvas');
        c.className = 'tile-image';
        paintImage(c, strip.images.subarray(l.k * 784, (l.k + 1) * 784));
        const trained = CLASS_NAMES[l.label] || String(l.label);
        const truth = l.original !== null && l.original !== undefined ? CLASS_NAMES[l.original] : null;
        c.setAttribute('role', 'img');
        c.setAttribute('aria-label', l.corrupted
          ? `Image ${l.index}: trained as ${trained} (a random label)${truth ? `; it shows a ${truth}` : ''}`
          : `Image ${l.index}: ${trained}`);
        const cap = document.createElement('span');
        cap.className = 'tile-label';
        cap.textContent = trained;
        li.append(c, cap);
        if (l.corrupted) {
          corrupted += 1;
          const note = document.createElement('span');
          note.className = 'tile-note';
          note.textContent = 'random label';
          if (truth) {
            const really = document.createElement('span');
            really.className = 'tile-truth';
            really.textContent = truth === trained ? '(right by chance)' : `really: ${truth}`;
            note.append(really);
          }
          li.append(note);
        }
        li.title = l.corrupted ? `Image ${l.index}: trained with the random label “${trained}”${truth ? ` (it shows a ${truth})` : ''}` : `Image ${l.index}: ${trained}`;
        list.append(li);
      }
      group.append(head, list);
      box.append(group);
    }
    hook.strip = { count: strip.labels.length, corrupted };
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
    if (st.drawPending) return;
    st.drawPending = true;
    requestAnimationFrame(() => {
      st.drawPending = false;
      const t0 = performance.now();
      if (st.dirty.readout) { updateReadout(); st.dirty.readout = false; }
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

  function markDirty() {
    st.dirty.curves = true;
    st.dirty.spectrum = true;
    requestDraw();
  }

  function layout() {
    const cw = $('fashion-curves-box').clientWidth;
    if (cw && curves.resize(cw)) st.dirty.curves = true;
    const sw = $('fashion-spectrum-box').clientWidth;
    if (sw && spectrum.resize(sw)) st.dirty.spectrum = true;
    requestDraw();
  }

  // ------------------------------------------------------------------ wiring

  function buildMethodBoxes() {
    const box = $('fashion-method-boxes');
    box.replaceChildren();
    for (const [id, name] of METHODS) {
      const label = document.createElement('label');
      label.className = 'check';
      label.htmlFor = `fashion-method-${id}`;
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.id = `fashion-method-${id}`;
      input.value = id;
      input.checked = true;
      input.addEventListener('change', () => settingsChanged());
      const text = document.createElement('span');
      text.textContent = name;
      const cost = document.createElement('span');
      cost.className = 'cost';
      cost.dataset.method = id;
      label.append(input, markerSwatch(id, 14), text, cost);
      label.title = DESCRIPTION[id] || '';
      box.append(label);
    }
  }

  function updateEstimate() {
    const measured = st.perf ? st.perf.msPerIter : {};
    for (const el of document.querySelectorAll('#fashion-method-boxes .cost')) {
      const id = el.dataset.method;
      const v = measured[id] ?? PRIOR_MS[id];
      el.textContent = v === undefined ? '' : `${measured[id] === undefined ? '~' : ''}${v < 1 ? v.toFixed(1) : Math.round(v)} ms/it`;
      el.title = measured[id] === undefined ? 'first guess of the cost of one iteration in wasm' : 'measured cost of one iteration in wasm on this machine';
    }
    const s = readSettings();
    const el = $('fashion-estimate');
    if (!s) { el.textContent = ''; return; }
    const stage1 = s.fromScratch || s.seed !== 0;
    const recordMs = st.perf ? st.perf.recordMs : null;
    const groups = stage1 ? [s.methods] : partition(s.methods, s.threads, s.logEvery, measured, recordMs);
    const ms = Math.max(...groups.map((ids) => estimateMs({ ids, iterations: {}, target: s.target, logEvery: s.logEvery, msPerIter: measured, recordMs })));
    el.textContent = `From the minimum to iteration ${int(s.target)}: ${st.perf ? 'about' : 'roughly'} ${duration(ms)} on this machine with ${groups.length} worker${groups.length > 1 ? 's' : ''}${st.perf ? ' (measured speeds)' : ' (a first guess until it runs)'}${stage1 ? ', after stage 1' : ''}. Records cost about ${duration(recordMs ?? PRIOR_RECORD_MS)} each.`;
  }

  function settingsChanged() {
    syncStage1Box();
    const s = readSettings();
    updateEstimate();
    if (!s) return;
    restart(st.shards.length ? 'New settings: the experiment starts over. Press Play.' : null);
  }

  function wire() {
    const threads = $('fashion-threads');
    threads.value = String(autoThreads());
    threads.defaultValue = threads.value;
    buildMethodBoxes();
    syncStage1Box();
    $('fashion-play').addEventListener('click', () => {
      if (st.playing) {
        setPlaying(false);
        if (busy()) {
          for (const sh of st.shards) if (sh.busy) sh.worker.postMessage({ type: 'pause' });
          setStatus('Pausing after the current chunk…');
        }
        return;
      }
      if (st.phase === 'error') restart('reset');
      setPlaying(true);
      if (!st.shards.length) start();
      if (st.phase === 'loading') setStatus('Loading; stage 2 starts as soon as the minimum is ready…');
      go();
    });
    $('fashion-reset').addEventListener('click', () => {
      restart('reset');
      setStatus('Reset: the experiment starts over from the minimum. Press Play.');
    });
    $('fashion-iterations').addEventListener('change', () => {
      const s = readSettings();
      updateEstimate();
      if (!s) return;
      st.settings = { ...st.settings, target: s.target };
      if (st.phase === 'running') {
        for (const sh of st.shards) if (sh.busy) sh.worker.postMessage({ type: 'target', target: s.target });
        // Workers that were done go on if the target went up.
        if (st.playing) for (const sh of st.shards) {
          if (sh.busy || !sh.methods.some((id) => !st.diverged[id] && (st.iterations[id] || 0) < s.target)) continue;
          sh.busy = true;
          sh.worker.postMessage({ type: 'run', target: s.target });
        }
        setBusy();
      }
      updateReadout();
      markDirty();
    });
    for (const id of ['fashion-log-every', 'fashion-seed', 'fashion-stage1', 'fashion-threads']) $(id).addEventListener('change', settingsChanged);
    $('fashion-seed').addEventListener('input', syncStage1Box);
    $('fashion-settings').addEventListener('submit', (e) => e.preventDefault());
    $('fashion-defaults').addEventListener('click', () => {
      for (const [, id] of FIELDS) $(id).value = $(id).defaultValue;
      for (const [id] of METHODS) $(`fashion-method-${id}`).checked = true;
      $('fashion-stage1').checked = false;
      settingsChanged();
    });
    $('fashion-spectrum-method').addEventListener('change', (e) => {
      st.spectrumId = e.target.value;
      st.dirty.spectrum = true;
      requestDraw();
    });
    const ro = new ResizeObserver(() => layout());
    for (const id of ['fashion-curves-box', 'fashion-spectrum-box']) ro.observe($(id));
  }

  wire();
  updateEstimate();
  layout();
  updateReadout();
  if (typeof WebAssembly !== 'object') {
    setStatus('This browser does not support WebAssembly.', 'error');
    $('fashion-play').disabled = true;
    return { layout };
  }
  // Lazy start: data and the minimum load when the figure comes near the viewport (in a worker,
  // so the 2-D figure is never held up); nothing is trained before Play.
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { io.disconnect(); if (!st.shards.length) start(); }
  }, { rootMargin: '200px 0px' });
  io.observe($('fashion'));
  return { layout };
}
