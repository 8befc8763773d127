// The page: UI state, the worker conversation, and the requestAnimationFrame drawing loop.
// The main thread never runs the simulation; it keeps at most one step request in flight.

import { Landscape } from './landscape.js';
import { EscapePlot, IndicatorPlot } from './plots.js';
import { markerSwatch, DESCRIPTION } from './methods.js';
import { fmt } from './format.js';
import { statusReporter } from './status.js';
import { bootFashion } from './fashion.js';
import { bootOneHidden } from './one-hidden.js';

// The standard tiny SIMD test module (wasm-feature-detect's simd test).
const SIMD_TEST = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

// Simulation parameters: config key (docs/API.md) -> input id.
const FIELDS = [
  ['lr', 'lr'],
  ['noiseTrace', 'noise-trace'],
  ['runs', 'runs'],
  ['batchSize', 'batch-size'],
  ['samples', 'samples'],
  ['dataSpread', 'data-spread'],
  ['seed', 'seed'],
];
const FIELD_LABEL = { lr: 'learning rate', noiseTrace: 'noise trace', runs: 'runs', batchSize: 'batch size', samples: 'samples', dataSpread: 'data spread', seed: 'seed', methods: 'methods' };

const $ = (id) => document.getElementById(id);

const app = {
  worker: null,
  dir: null,
  ready: false,
  methodInfo: [], // [{id, name}] canonical order
  names: {}, // id -> name
  simulated: [], // ids in the live simulation
  hidden: new Set(), // ids hidden by the legend
  config: null,
  indicators: null,
  state: null,
  playing: false,
  stopAt: Infinity,
  inFlight: 0,
  stepQueued: 0,
  fellBack: false, // the first configuration was invalid and the defaults were used instead
  nextReq: 1,
  lastStepFrame: 0,
  frame: 0,
  dirty: { landscape: true, escape: true, indicator: true },
};

// Test and debugging hook: the last state the worker sent, and a few flags.
const hook = {
  ready: false,
  engine: null,
  dir: null,
  config: null,
  state: null,
  indicators: null,
  playing: false,
  statesReceived: 0,
  framesDrawn: 0,
  drawMs: 0, // time of the last landscape draw
  errors: [],
};
Object.defineProperty(hook, 'inFlight', { get: () => app.inFlight, enumerable: true });
window.__sgdEscape = hook;

let landscape;
let escapePlot;
let indicatorPlot;

// ---------------------------------------------------------------- status and errors

const { setStatus, reportError } = statusReporter($('status'), hook.errors);

function controlIdFor(field) {
  if (field === 'methods') return 'methods';
  const f = FIELDS.find(([key]) => key === field);
  return f ? f[1] : null;
}

function clearFieldErrors() {
  for (const [, id] of FIELDS) {
    $(`${id}-error`).textContent = '';
    $(id).removeAttribute('aria-invalid');
  }
  $('methods-error').textContent = '';
}

function showFieldError(field, message) {
  const id = controlIdFor(field);
  if (!id) return false;
  $(`${id}-error`).textContent = message;
  if (id !== 'methods') $(id).setAttribute('aria-invalid', 'true');
  return true;
}

// ---------------------------------------------------------------- configuration

function readNumber(id) {
  const raw = $(id).value.trim();
  return raw === '' ? NaN : Number(raw);
}

function readConfig() {
  const config = {};
  for (const [key, id] of FIELDS) config[key] = readNumber(id);
  config.methods = app.methodInfo.map((m) => m.id).filter((id) => {
    const box = $(`method-${id}`);
    return box && box.checked;
  });
  return config;
}

function post(msg, transfer) {
  app.inFlight += 1;
  app.worker.postMessage(msg, transfer || []);
}

function configure(field) {
  if (!app.ready) return;
  post({ type: 'configure', req: app.nextReq++, config: readConfig(), field });
}

function target() {
  const v = readNumber('iterations');
  return Number.isInteger(v) && v >= 1 ? v : null;
}

// ---------------------------------------------------------------- playback

function setPlaying(on) {
  app.playing = on;
  hook.playing = on;
  const b = $('play');
  b.textContent = on ? 'Pause' : 'Play';
  b.setAttribute('aria-pressed', on ? 'true' : 'false');
  if (on) {
    const t = target();
    const it = app.state ? app.state.iteration : 0;
    // Play runs to the target; pressed again at or past it, play continues freely.
    app.stopAt = t !== null && it < t ? t : Infinity;
  }
}

function tick() {
  app.frame += 1;
  if (app.ready && app.state && app.inFlight === 0) {
    if (app.stepQueued > 0) {
      post({ type: 'step', req: app.nextReq++, n: app.stepQueued });
      app.stepQueued = 0;
      app.lastStepFrame = app.frame;
    } else if (app.playing) {
      const speed = Math.max(1, Math.min(50, Math.round(readNumber('speed')) || 1));
      // Keep iterations per second steady when the worker needs more than a frame.
      const frames = Math.min(3, Math.max(1, app.frame - app.lastStepFrame));
      let n = speed * frames;
      const it = app.state.iteration;
      if (Number.isFinite(app.stopAt)) n = Math.min(n, app.stopAt - it);
      if (n >= 1) {
        post({ type: 'step', req: app.nextReq++, n });
        app.lastStepFrame = app.frame;
      } else {
        setPlaying(false);
      }
    }
  }
  draw();
  requestAnimationFrame(tick);
}

// ---------------------------------------------------------------- drawing

function visibleIds() {
  return app.simulated.filter((id) => !app.hidden.has(id));
}

function draw() {
  const d = app.dirty;
  if (d.landscape && landscape) {
    const t0 = performance.now();
    landscape.draw(app.state, visibleIds());
    hook.drawMs = performance.now() - t0;
    d.landscape = false;
    hook.framesDrawn += 1;
  }
  if (d.escape && escapePlot) {
    escapePlot.draw(app.state, visibleIds(), app.names, target());
    d.escape = false;
  }
  if (d.indicator && indicatorPlot && app.indicators) {
    indicatorPlot.draw(indicatorRows());
    d.indicator = false;
  }
}

function markAll() {
  app.dirty.landscape = true;
  app.dirty.escape = true;
  app.dirty.indicator = true;
}

function indicatorRows() {
  return app.simulated.filter((id) => app.indicators[id]).map((id) => ({ id, name: app.names[id] || id, ...app.indicators[id] }));
}

// ---------------------------------------------------------------- the DOM that depends on the methods

function buildMethodBoxes() {
  const box = $('method-boxes');
  box.replaceChildren();
  for (const { id, name } of app.methodInfo) {
    const label = document.createElement('label');
    label.className = 'check';
    label.htmlFor = `method-${id}`;
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.id = `method-${id}`;
    input.value = id;
    input.checked = true;
    input.addEventListener('change', () => configure('methods'));
    const text = document.createElement('span');
    text.textContent = name;
    label.append(input, markerSwatch(id, 14), text);
    label.title = DESCRIPTION[id] || '';
    box.append(label);
  }
}

function buildLegend() {
  const legend = $('legend');
  legend.replaceChildren();
  const runs = app.state ? app.state.runs : 0;
  for (const id of app.simulated) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'legend-item';
    b.dataset.method = id;
    b.setAttribute('aria-pressed', app.hidden.has(id) ? 'false' : 'true');
    b.title = `${DESCRIPTION[id] || ''} Click to ${app.hidden.has(id) ? 'show' : 'hide'}.`;
    const name = document.createElement('span');
    name.className = 'legend-name';
    name.textContent = app.names[id] || id;
    const sep = document.createElement('span');
    sep.className = 'visually-hidden';
    sep.textContent = ': ';
    const count = document.createElement('span');
    count.className = 'legend-count';
    count.id = `count-${id}`;
    count.textContent = `${app.state?.escaped?.[id] ?? 0}/${runs} escaped`;
    b.append(markerSwatch(id, 16), name, sep, count);
    b.addEventListener('click', () => {
      if (app.hidden.has(id)) app.hidden.delete(id); else app.hidden.add(id);
      b.setAttribute('aria-pressed', app.hidden.has(id) ? 'false' : 'true');
      b.title = `${DESCRIPTION[id] || ''} Click to ${app.hidden.has(id) ? 'show' : 'hide'}.`;
      app.dirty.landscape = true;
      app.dirty.escape = true;
    });
    legend.append(b);
  }
}

function updateCounts() {
  const s = app.state;
  if (!s) return;
  const note = s.drawn < s.runs
    ? `Markers for the first ${s.drawn.toLocaleString('en-US')} of ${s.runs.toLocaleString('en-US')} runs per method; counts and curves use all runs.`
    : 'One marker per run.';
  if ($('drawn-note').textContent !== note) $('drawn-note').textContent = note;
  $('iteration').textContent = String(s.iteration);
  for (const id of app.simulated) {
    const el = $(`count-${id}`);
    if (el) el.textContent = `${s.escaped[id] ?? 0}/${s.runs} escaped`;
  }
}

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function buildIndicatorTable() {
  const body = $('indicator-rows');
  body.replaceChildren();
  const rows = indicatorRows();
  for (const r of rows) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    const name = document.createElement('span');
    name.textContent = r.name;
    th.append(markerSwatch(r.id, 12), name);
    const noisy = r.trSigma > 0;
    tr.append(
      th,
      cell(fmt(r.trSigma), 'num'),
      cell(fmt(r.trHSigma), 'num'),
      cell(fmt(r.trHSigmaIso), 'num'),
      cell(noisy ? `×${Number(r.ratio).toFixed(2)}` : '—', 'num'),
      cell(noisy ? Number(r.aHat).toFixed(2) : '—', 'num'),
    );
    body.append(tr);
  }
  const first = rows[0];
  $('hessian-caption').textContent = first
    ? `At w = (1, 1): Hessian eigenvalues λ₁ = ${fmt(first.lambda1)}, λ₂ = ${fmt(first.lambda2)}, Tr H = ${fmt(first.trH)}; D = 2.`
    : 'At w = (1, 1)';
}

/** The live part of "what to watch", written from the indicator values of this configuration. */
function describeLive() {
  const ind = app.indicators || {};
  const cfg = app.config || {};
  const out = [];
  const isoId = ['gld-const', 'gld-diag'].find((id) => ind[id] && ind[id].trSigma > 0);
  const alId = ['gld-eigvec', 'gld-leading', 'gld-hessian'].find((id) => ind[id] && ind[id].trSigma > 0);
  if (isoId && alId) {
    const a = ind[isoId];
    const b = ind[alId];
    out.push(`Live, at (1, 1): noise of trace ${fmt(a.trSigma)} scores Tr(HΣ) = ${fmt(a.trHSigma)} as ${app.names[isoId]} but ${fmt(b.trHSigma)} as ${app.names[alId]}.`);
  }
  const sgd = ind.sgd;
  const ref = cfg.noiseTrace;
  const dyn = ind['gld-dynamic'];
  const its = Number.isInteger(target()) ? ` in ${target()} iterations` : '';
  if (sgd && ref > 0 && sgd.trSigma < 0.3 * ref) {
    const like = dyn && dyn.trSigma < 0.3 * ref ? ', and so is GLD dynamic, which copies its trace' : '';
    out.push(`Honest caveat: SGD’s own noise here (data spread ${fmt(cfg.dataSpread)}, batch ${cfg.batchSize}) has trace ${fmt(sgd.trSigma)}, only ${fmt((100 * sgd.trSigma) / ref, 2)}% of ${fmt(ref)}. It is aligned (×${Number(sgd.ratio).toFixed(2)} the isotropic score) but far too small to escape${its}${like}.`);
    if (cfg.dataSpread > 0 && sgd.trSigma > 0) {
      const s = cfg.dataSpread * Math.sqrt(ref / sgd.trSigma);
      if (s <= 10) out.push(`Its covariance grows as the data spread squared: a spread near ${fmt(s, 2)} gives it trace ≈ ${fmt(ref)}.`);
    }
  } else if (sgd) {
    out.push(`SGD’s own noise has trace ${fmt(sgd.trSigma)} here (the GLD methods get ${fmt(ref)}) and scores ×${Number(sgd.ratio).toFixed(2)} the isotropic Tr(HΣ).`);
  } else {
    out.push('Tick SGD in the settings to compare its own noise with these.');
  }
  $('watch-live').textContent = out.join(' ');
}

// ---------------------------------------------------------------- worker replies

function applyState(state) {
  app.state = state;
  hook.state = state;
  hook.statesReceived += 1;
  updateCounts();
  app.dirty.landscape = true;
  app.dirty.escape = true;
  if (app.playing && state.iteration >= app.stopAt) {
    setPlaying(false);
    setStatus(`Reached iteration ${state.iteration}. Press Play to continue.`, 'ok');
  }
}

function onMessage(ev) {
  const msg = ev.data;
  switch (msg.type) {
    case 'ready': {
      app.methodInfo = msg.methods;
      app.names = Object.fromEntries(msg.methods.map((m) => [m.id, m.name]));
      const simd = !!(msg.build && msg.build.simd);
      const engine = simd ? 'wasm SIMD128' : 'wasm scalar';
      $('engine').textContent = engine;
      $('engine').dataset.dir = msg.dir;
      hook.engine = engine;
      if ((msg.dir === 'pkg') !== simd) console.warn(`[sgd-escape] loaded ./${msg.dir}/ but buildInfo().simd is ${simd}`);
      buildMethodBoxes();
      app.ready = true;
      setStatus('Starting the simulation…');
      configure(null);
      return;
    }
    case 'fatal': {
      reportError('WebAssembly', msg.message);
      $('engine').textContent = 'unavailable';
      return;
    }
    default:
      break;
  }
  // Replies to requests.
  app.inFlight = Math.max(0, app.inFlight - 1);
  switch (msg.type) {
    case 'configured': {
      const first = !app.config;
      app.config = msg.config;
      app.simulated = msg.methods;
      app.indicators = msg.indicators;
      hook.config = msg.config;
      hook.indicators = msg.indicators;
      clearFieldErrors();
      if (msg.grid) landscape.setGrid(msg.grid);
      applyState(msg.state);
      buildLegend();
      buildIndicatorTable();
      describeLive();
      layout();
      markAll();
      if (app.playing) setPlaying(true); // new run: play towards the target again
      for (const b of ['play', 'step', 'reset']) $(b).disabled = false;
      if (first) {
        hook.ready = true;
        setStatus('Ready. Press Play.', 'ok');
      } else {
        setStatus(`New simulation: ${msg.state.runs} runs × ${msg.methods.length} methods.`, 'ok');
      }
      return;
    }
    case 'invalid': {
      if (!app.config && !app.fellBack) {
        app.fellBack = true;
        // Nothing runs yet (say the browser restored odd values into the form): start from the
        // paper's settings instead, and say so.
        for (const [, id] of FIELDS) $(id).value = $(id).defaultValue;
        for (const { id } of app.methodInfo) $(`method-${id}`).checked = true;
        reportError('Settings', `${msg.message}; starting with the paper’s settings instead`);
        configure(null);
        return;
      }
      // Mark every control whose value is bad on its own; a conflict between fields (say batch
      // size above samples) goes to the field the message names, else to the one just changed.
      clearFieldErrors();
      const named = /`([A-Za-z]+)`/.exec(msg.message);
      const field = named ? named[1] : msg.field;
      const perField = { ...(msg.fieldErrors || {}) };
      if (!Object.keys(perField).length) perField[field || msg.field] = msg.message;
      let shown = 0;
      for (const [key, text] of Object.entries(perField)) if (showFieldError(key, text)) shown += 1;
      if (!shown && !showFieldError(msg.field, msg.message)) {
        reportError('Settings', msg.message);
        return;
      }
      const label = FIELD_LABEL[field] || field || 'settings';
      const text = `Invalid ${label}: ${msg.message}. The previous simulation keeps running.`;
      hook.errors.push(text);
      console.error(`[sgd-escape] ${text}`);
      setStatus(text, 'error');
      return;
    }
    case 'state':
      applyState(msg.state);
      return;
    case 'error': {
      if (msg.state) applyState(msg.state);
      setPlaying(false);
      reportError('Simulation', msg.message + (msg.recovered ? ' (restarted with the last valid settings)' : ''));
      return;
    }
    default:
      return;
  }
}

// ---------------------------------------------------------------- layout

function layout() {
  const lw = $('landscape-box').clientWidth;
  if (lw && landscape.resize(lw)) app.dirty.landscape = true;
  const ew = $('escape-box').clientWidth;
  if (ew && escapePlot.resize(ew)) app.dirty.escape = true;
  const iw = $('indicator-box').clientWidth;
  if (iw && indicatorPlot.resize(iw, indicatorRows().length || 1)) app.dirty.indicator = true;
}

// ---------------------------------------------------------------- wiring

function wire() {
  $('play').addEventListener('click', () => {
    setPlaying(!app.playing);
    if (app.playing) setStatus(Number.isFinite(app.stopAt) ? `Running to iteration ${app.stopAt}…` : 'Running…');
    else setStatus(`Paused at iteration ${app.state ? app.state.iteration : 0}.`);
  });
  $('step').addEventListener('click', () => {
    if (app.playing) setPlaying(false);
    app.stepQueued += 1;
  });
  $('reset').addEventListener('click', () => {
    app.stepQueued = 0;
    post({ type: 'reset', req: app.nextReq++ });
    if (app.playing) setPlaying(true);
    setStatus('Reset to iteration 0.');
  });
  $('speed').addEventListener('input', () => { $('speed-out').textContent = $('speed').value; });
  $('speed-out').textContent = $('speed').value;
  if (target() !== null) $('target-echo').textContent = String(target());
  $('iterations').addEventListener('change', () => {
    const t = target();
    if (t === null) {
      $('iterations-error').textContent = 'Enter a whole number of iterations, at least 1.';
      $('iterations').setAttribute('aria-invalid', 'true');
      return;
    }
    $('iterations-error').textContent = '';
    $('iterations').removeAttribute('aria-invalid');
    $('target-echo').textContent = String(t);
    if (app.playing) setPlaying(true);
    app.dirty.escape = true;
  });
  for (const [key, id] of FIELDS) {
    $(id).addEventListener('change', () => configure(key));
  }
  $('controls').addEventListener('submit', (e) => e.preventDefault());
  $('defaults').addEventListener('click', () => {
    for (const [, id] of FIELDS) $(id).value = $(id).defaultValue;
    for (const { id } of app.methodInfo) $(`method-${id}`).checked = true;
    const it = $('iterations');
    if (it.value !== it.defaultValue) {
      it.value = it.defaultValue;
      it.dispatchEvent(new Event('change'));
    }
    configure(null);
  });
  // Keyboard: Space or K plays/pauses, period steps, R resets (when no control has the focus).
  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || !app.ready || !app.state) return;
    const t = e.target;
    if (t && t !== document.body && t.closest && t.closest('input, button, select, textarea, a, [contenteditable]')) return;
    if (e.key === ' ' || e.key === 'k') { e.preventDefault(); $('play').click(); }
    else if (e.key === '.') { e.preventDefault(); $('step').click(); }
    else if (e.key === 'r') { e.preventDefault(); $('reset').click(); }
  });
  const ro = new ResizeObserver(() => layout());
  for (const id of ['landscape-box', 'escape-box', 'indicator-box']) ro.observe($(id));
  // A devicePixelRatio change (zoom, moving the window to another screen) needs new backing stores.
  const watchDpr = () => {
    const mq = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    mq.addEventListener('change', () => { layout(); markAll(); watchDpr(); }, { once: true });
  };
  watchDpr();
}

function decorateIntro() {
  for (const div of document.querySelectorAll('.methods > div[data-method]')) {
    const dt = div.querySelector('dt');
    if (dt) dt.prepend(markerSwatch(div.dataset.method, 14));
  }
}

function chooseBuild() {
  let simd = false;
  try {
    simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_TEST);
  } catch {
    simd = false;
  }
  return simd ? 'pkg' : 'pkg-scalar';
}

/** The two later figures, each with its own worker on the same wasm build; they start lazily. */
function bootLaterFigures(dir) {
  for (const [name, boot] of [['FashionMNIST figure', bootFashion], ['one-hidden-layer figure', bootOneHidden]]) {
    try {
      boot({ dir, hook });
    } catch (e) {
      // A failure there must not take the 2-D figure down with it.
      const text = `${name}: ${e && e.message ? e.message : e}`;
      hook.errors.push(text);
      console.error(`[sgd-escape] ${text}`);
    }
  }
}

function boot() {
  landscape = new Landscape($('landscape'));
  escapePlot = new EscapePlot($('escape-plot'));
  indicatorPlot = new IndicatorPlot($('indicator-plot'));
  decorateIntro();
  wire();
  layout();
  if (typeof WebAssembly !== 'object') {
    reportError('WebAssembly', 'this browser does not support WebAssembly');
    bootLaterFigures('pkg-scalar');
    return;
  }
  app.dir = chooseBuild();
  hook.dir = app.dir;
  bootLaterFigures(app.dir);
  $('engine').textContent = app.dir === 'pkg' ? 'loading wasm SIMD128…' : 'loading wasm scalar…';
  setStatus('Loading the WebAssembly module…');
  try {
    app.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  } catch (e) {
    reportError('Worker', e.message || String(e));
    return;
  }
  app.worker.addEventListener('message', onMessage);
  app.worker.addEventListener('error', (e) => {
    e.preventDefault();
    reportError('Worker', e.message || 'the simulation worker failed to start');
  });
  app.worker.addEventListener('messageerror', () => reportError('Worker', 'a message from the worker could not be read'));
  app.worker.postMessage({ type: 'init', dir: app.dir });
  requestAnimationFrame(tick);
}

boot();
