// The sweep figure: the escape fraction against the indicator while one setting of the 2-D
// experiment varies. Its points run in a pool of workers (worker.js, lib/worker-pool.js), split
// between them by model.js's splitPoints; each point is deterministic given the seed, so the
// results do not depend on the number of workers.
//
// Mounting: `mountSweep(root, state, { dir, autostart, freshSeed })` builds the figure on
// the markup inside `root` (view.js's) and returns a controller:
//   play() / pause()   run the points, or stop handing them out (the points in flight finish)
//   step()             one more point, then pause
//   reset()            cancel (the workers are stopped) and clear the points
//   getState()         { ...settings, workers, playing, done, progress: { done, total },
//                      results, markers, spearman, xKey, caption }: plain JSON
//   setState(partial)  any settings (a change clears the points; Rust checks them when the
//                      sweep is planned, and a bad one is reported at its field), `workers`,
//                      `playing`
//   exportCurves(fmt)  the points as 'json' (default) or 'csv' text
//   onChange(fn)       fn(getState()) after every point and play/pause; returns an unsubscribe
//   layout(dpr?)       re-measure the canvas (2: for a PNG export)
//   readout()          the live numbers the shell adds to getState (ready, errors, engine,
//                      pointMs, memoryBytes)
//   destroy()          stop the workers and observers

import { WorkerPool } from '../../lib/worker-pool.js';
import { statusReporter, errorText } from '../../lib/status.js';
import { toCsv } from '../../lib/curves.js';
import { fmt } from '../../lib/format.js';
import { markerSwatch } from '../../lib/methods.js';
import { h, setText } from '../../lib/dom.js';
import { cleanups, emitter, frameScheduler, whenNearView, whenResized, wireNewSeed } from '../../lib/figure-shell.js';
import { SweepPlot } from './plots.js';
import { CONFIG_KEYS, CSV_COLUMNS, DEFAULTS, SweepRun, configChanged, fractionOf, pickConfig, resolveRange, sweepCaption, workerCount, xKeyFor } from './model.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * Mounts the figure on the markup inside `root`; returns its controller (module comment).
 * @param {HTMLElement} root
 * @param {Record<string, any>} state
 * @param {{ dir?: string, autostart?: boolean, freshSeed?: (() => Promise<number>) | null }} [o]
 */
export function mountSweep(root, state = {}, { dir = 'pkg-scalar', autostart = true, freshSeed = null } = {}) {
  /** @param {string} id @returns {any} */
  const $ = (id) => root.querySelector(`#${id}`);
  const bag = cleanups();
  const changes = emitter();
  const st = {
    /** @type {Record<string, any>} */
    config: { ...DEFAULTS, ...pickConfig(state) },
    /** @type {number | null} */
    workers: Number.isInteger(state.workers) ? state.workers : null,
    /** @type {WorkerPool | null} */
    pool: null,
    /** @type {boolean[]} which workers have loaded the build */
    ready: [],
    /** @type {boolean[]} */
    busy: [],
    /** @type {any[] | null} sweepList() */
    list: null,
    /** @type {SweepRun | null} */
    run: null,
    /** @type {any[]} */
    markers: [],
    /** @type {number | null} */
    spearman: null,
    /** the number of points `spearman` is for (-1: none asked) */
    spearmanN: -1,
    planning: false,
    /** @type {string | null} the plan's error, if the settings are not a valid sweep */
    invalid: null,
    wantPlay: false,
    wantStep: false,
    generation: 0,
    poolId: 0,
    destroyed: false,
    // The live numbers (readout()):
    /** whether the first worker has loaded the build */
    loaded: false,
    /** @type {string[]} errors reported */
    errors: [],
    /** @type {string | null} */
    engine: null,
    /** @type {number[]} the wasm time of each point (the last 1000) */
    pointMs: [],
    /** @type {number | null} */
    memoryBytes: null,
  };

  const plot = new SweepPlot($('sweep-plot'));
  const status = statusReporter($('sweep-status'), st.errors);
  const setStatus = status.setStatus;

  const playing = () => !!(st.run && st.run.phase === 'running') || (st.wantPlay && !st.run);
  const results = () => (st.run ? st.run.finished() : []);
  // Rho is for the points so far once the worker has answered (undefined: being computed).
  const rho = () => (st.spearmanN === results().length || results().length < 2 ? st.spearman : undefined);

  const emit = () => changes.emit(getState);

  function caption() {
    return sweepCaption({ vary: st.config.vary, points: results(), total: st.run ? st.run.total : st.config.points, spearman: rho(), running: playing() });
  }

  function update() {
    const done = st.run ? st.run.done : 0;
    const total = st.run ? st.run.total : st.config.points;
    setText($('sweep-done'), String(done));
    setText($('sweep-total'), String(total));
    const bar = $('sweep-progress');
    bar.max = Math.max(1, total);
    bar.value = done;
    const b = $('sweep-play');
    const on = playing();
    const finished = !!st.run && st.run.phase === 'done';
    b.textContent = on ? 'Pause' : finished ? 'Done' : done > 0 ? 'Resume' : 'Run';
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    b.disabled = finished || !!st.invalid;
    setText($('sweep-live'), caption());
    requestDraw();
  }

  const frame = frameScheduler(() => {
    plot.draw({ points: results(), markers: st.markers, xKey: xKeyFor(st.config.vary), vary: st.config.vary, family: st.config.vary === 'spread' ? 'sgd' : 'gld-eigvec' });
  });
  const requestDraw = () => frame.request();

  /** The list of the eight dynamics with their place on the x axis. */
  function showMarkers() {
    const ul = $('sweep-markers');
    const key = xKeyFor(st.config.vary);
    ul.replaceChildren(...st.markers.map((m) => {
      const v = key === 'ratio' ? m.ratio : m.trHSigma;
      const text = v === null || v === undefined || !(m.trHSigma > 0) ? 'no noise' : key === 'ratio' ? `×${fmt(v)}` : fmt(v);
      return h('li', {}, markerSwatch(m.id, 14), ` ${m.name} `, h('span', { class: 'sweep-marker-value', text }));
    }));
  }

  /** Shows an error of Rust's at the field it names (`\`points\` must be ...`). @param {string} message */
  function showFieldError(message) {
    for (const el of root.querySelectorAll('#sweep-settings .error')) el.textContent = '';
    const m = /^`(\w+)`/.exec(message);
    const el = m && $(`sweep-${m[1]}-error`);
    if (el) el.textContent = message;
  }

  function config() {
    return resolveRange(st.config, st.list);
  }

  function startPool() {
    if (st.pool || st.destroyed || typeof WebAssembly !== 'object') return;
    st.poolId += 1;
    const pid = st.poolId;
    const size = workerCount(st.workers, navigator.hardwareConcurrency, st.config.points);
    setStatus('Loading the WebAssembly module…');
    try {
      st.pool = new WorkerPool(WORKER_URL, size, {
        onMessage: (i, data) => onMessage(pid, i, data),
        onError: (i, message) => { if (pid === st.poolId) fail('Worker', message); },
      });
    } catch (e) {
      fail('Worker', errorText(e));
      return;
    }
    st.ready = Array(size).fill(false);
    st.busy = Array(size).fill(false);
    st.pool.broadcast({ type: 'init', dir });
  }

  /** @param {string} context @param {string} message */
  function fail(context, message) {
    status.reportError(context, message);
    st.wantPlay = false;
    if (st.run) st.run.pause();
    update();
    emit();
  }

  function plan() {
    if (!st.pool || !st.ready[0] || st.planning || st.run) return;
    st.planning = true;
    st.pool.post(0, { type: 'plan', req: st.generation, config: config() });
  }

  function dispatch() {
    if (!st.pool || !st.run) return;
    for (let j = 0; j < st.pool.size; j++) {
      if (!st.ready[j] || st.busy[j]) continue;
      const i = st.run.next(j);
      if (i === null) continue;
      st.busy[j] = true;
      st.pool.post(j, { type: 'point', req: st.generation, config: config(), index: i, value: st.run.values[i] });
    }
  }

  function askSpearman() {
    const pts = results();
    if (!st.pool || pts.length < 2) { st.spearman = null; st.spearmanN = pts.length; return; }
    st.pool.post(0, { type: 'spearman', req: st.generation, n: pts.length, trHSigma: pts.map((p) => p.trHSigma), fraction: pts.map(fractionOf) });
  }

  /** @param {number} pid the pool that replied @param {number} j @param {any} msg */
  function onMessage(pid, j, msg) {
    if (pid !== st.poolId || st.destroyed) return;
    if (Number.isFinite(msg.memoryBytes) && st.pool) st.memoryBytes = st.pool.memoryBytes();
    // A reply to a request of a sweep since reset: its worker is free, the reply is dropped.
    if (msg.req !== undefined && msg.req !== null && msg.req !== st.generation) {
      if (msg.type === 'point' || msg.type === 'error') st.busy[j] = false;
      dispatch();
      return;
    }
    switch (msg.type) {
      case 'ready':
        st.ready[j] = true;
        if (!st.list) st.list = msg.list;
        if (j === 0) {
          st.loaded = true;
          st.engine = msg.build && msg.build.simd ? 'wasm SIMD128' : 'wasm scalar';
          $('sweep-reset').disabled = false;
          setStatus(st.wantPlay ? 'Planning the sweep…' : 'Ready. Press Run.', 'ok');
          plan();
          syncFields();
        }
        dispatch();
        return;
      case 'plan': {
        st.planning = false;
        st.invalid = null;
        showFieldError('');
        st.run = new SweepRun(msg.values, st.pool ? st.pool.size : 1);
        st.markers = msg.markers;
        showMarkers();
        if (st.wantStep) st.run.step(); else if (st.wantPlay) st.run.play();
        st.wantPlay = false;
        st.wantStep = false;
        if (playing()) setStatus(`Running ${st.run.total} points over ${st.pool ? st.pool.size : 1} worker${st.pool && st.pool.size > 1 ? 's' : ''}…`);
        dispatch();
        update();
        emit();
        return;
      }
      case 'point': {
        st.busy[j] = false;
        if (!st.run) return;
        st.run.complete(msg.index, msg.point);
        st.pointMs.push(msg.ms);
        if (st.pointMs.length > 1000) st.pointMs.shift();
        askSpearman();
        if (st.run.phase === 'done') setStatus(`All ${st.run.total} points done.`, 'ok');
        else if (st.run.phase === 'running') setStatus(`Running: ${st.run.done} of ${st.run.total} points (${msg.ms.toFixed(0)} ms for the last in wasm).`);
        else if (!st.run.inFlight.size) setStatus(`Paused after ${st.run.done} of ${st.run.total} points.`, 'ok');
        dispatch();
        update();
        emit();
        return;
      }
      case 'spearman':
        st.spearman = msg.rho ?? null;
        st.spearmanN = msg.n;
        update();
        emit();
        return;
      case 'fatal':
        fail('Sweep', msg.message);
        return;
      case 'error':
        if (msg.index !== undefined && msg.index !== null && st.run) { st.busy[j] = false; st.run.fail(msg.index); }
        if (st.planning) {
          st.planning = false;
          st.invalid = msg.message;
          showFieldError(msg.message);
        }
        fail('Sweep', msg.message);
        return;
      default:
    }
  }

  /** Cancels the run: in-flight points are dropped with their workers; the pool restarts. */
  function reset() {
    const busy = st.busy.some(Boolean);
    st.generation += 1;
    st.run = null;
    st.spearman = null;
    st.spearmanN = -1;
    st.planning = false;
    st.wantPlay = false;
    st.wantStep = false;
    if (st.pool && (busy || st.pool.size !== workerCount(st.workers, navigator.hardwareConcurrency, st.config.points))) {
      st.pool.terminate();
      st.pool = null;
      st.loaded = false;
      startPool();
    } else if (st.pool) {
      // Idle workers are kept; replies to the old sweep's requests are dropped.
      plan();
    }
    setStatus('Reset: no points yet.');
    update();
    emit();
  }

  function play() {
    if (st.invalid) return;
    if (!st.pool) startPool();
    if (!st.run) { st.wantPlay = true; st.wantStep = false; plan(); update(); emit(); return; }
    if (st.run.phase === 'done' || st.run.phase === 'running') return;
    st.run.play();
    setStatus(`Running: ${st.run.done} of ${st.run.total} points…`);
    dispatch();
    update();
    emit();
  }

  function pause() {
    st.wantPlay = false;
    st.wantStep = false;
    if (!st.run || st.run.phase !== 'running') { update(); return; }
    st.run.pause();
    setStatus(st.run.inFlight.size ? 'Pausing after the points in flight…' : `Paused after ${st.run.done} points.`);
    update();
    emit();
  }

  function step() {
    if (st.invalid) return;
    if (!st.pool) startPool();
    if (!st.run) { st.wantStep = true; plan(); return; }
    if (st.run.phase === 'done' || st.run.phase === 'running') return;
    st.run.step();
    dispatch();
    update();
    emit();
  }

  function getState() {
    const c = config();
    const run = st.run;
    return {
      ...c,
      workers: st.workers,
      playing: playing(),
      // Done once every point is in and rho is for all of them.
      done: !!run && run.phase === 'done' && rho() !== undefined,
      progress: { done: run ? run.done : 0, total: run ? run.total : c.points },
      results: results().map((p) => ({ ...p })),
      markers: st.markers.map((m) => ({ ...m })),
      spearman: rho() ?? null,
      xKey: xKeyFor(c.vary),
      caption: caption(),
    };
  }

  /** @param {Record<string, any>} [partial] */
  function setState(partial = {}) {
    if (!partial || typeof partial !== 'object') return;
    const next = { ...st.config, ...pickConfig(partial) };
    // A new `vary` brings its own default range unless the state gives one.
    if (next.vary !== st.config.vary) {
      if (partial.from === undefined) next.from = null;
      if (partial.to === undefined) next.to = null;
    }
    const workers = partial.workers === undefined ? st.workers : (Number.isInteger(partial.workers) ? partial.workers : null);
    const changed = configChanged(next, st.config) || workers !== st.workers;
    if (changed) {
      st.config = next;
      st.workers = workers;
      st.invalid = null;
      reset();
      syncFields();
    }
    if (partial.playing === true) play();
    else if (partial.playing === false) pause();
  }

  /** The points: 'json' ({ figure, experiment, vary, settings, points, spearman, markers }) or 'csv'. */
  function exportCurves(format = 'json') {
    if (format === 'csv') return toCsv(results(), CSV_COLUMNS);
    if (format !== 'json') throw new Error(`exportCurves: format must be 'json' or 'csv', got ${String(format)}`);
    const unit = (st.list || []).find((x) => x.id === st.config.vary);
    return JSON.stringify({ figure: 'sweep', experiment: 'sweep', vary: st.config.vary, unit: unit ? unit.unit : null, settings: config(), points: results(), spearman: st.spearman, markers: st.markers });
  }

  /** Puts the settings in the form (not the field being typed in). */
  function syncFields() {
    const c = config();
    for (const k of ['vary', 'points', 'runs', 'from', 'to', 'noiseTrace', 'iterations', 'seed']) {
      const el = $(`sweep-${k}`);
      if (!el || el === document.activeElement) continue;
      const v = c[k] === null || c[k] === undefined ? '' : String(c[k]);
      if (el.value !== v) el.value = v;
    }
  }

  /** @param {number} [dpr] */
  function layout(dpr) {
    const w = $('sweep-plot-box').clientWidth;
    if (w) plot.resize(w, dpr);
    requestDraw();
  }

  const controller = {
    play,
    pause,
    step,
    reset,
    getState,
    setState,
    exportCurves,
    /** @param {(s: any) => void} fn */
    onChange: (fn) => changes.on(fn),
    /** @returns {Record<string, any>} the live numbers the shell adds to getState (ready, errors, engine, pointMs, memoryBytes) */
    readout() {
      return { ready: st.loaded, errors: st.errors.slice(), engine: st.engine, pointMs: st.pointMs, memoryBytes: st.memoryBytes };
    },
    layout,
    destroy() {
      st.destroyed = true;
      st.generation += 1;
      frame.stop();
      if (st.pool) st.pool.terminate();
      st.pool = null;
      bag.run();
      changes.clear();
    },
  };

  bag.listen($('sweep-play'), 'click', () => { if (playing()) pause(); else play(); });
  bag.listen($('sweep-reset'), 'click', () => reset());
  bag.listen($('sweep-settings'), 'submit', (e) => e.preventDefault());
  bag.listen($('sweep-settings'), 'change', (e) => {
    const el = /** @type {HTMLInputElement} */ (e.target);
    const key = el.id.replace(/^sweep-/, '');
    if (!CONFIG_KEYS.includes(key)) return;
    if (key === 'vary') { setState({ vary: el.value }); return; }
    const text = el.value.trim();
    // An empty range end: the default range; anything else is Rust's to check.
    setState({ [key]: text === '' ? ((key === 'from' || key === 'to') ? null : NaN) : Number(text) });
  });
  wireNewSeed($('sweep-seed-new'), freshSeed, (seed) => setState({ seed }), status, bag);
  $('sweep-reset').disabled = true;
  bag.add(whenResized([$('sweep-plot-box')], () => layout()));
  syncFields();
  update();
  layout();

  if (typeof WebAssembly !== 'object') {
    setStatus('This browser does not support WebAssembly.', 'error');
    $('sweep-play').disabled = true;
    return controller;
  }
  if (!autostart) return controller;
  // Lazy start: load the workers when the figure nears the viewport; run on Run.
  bag.add(whenNearView(root, startPool));
  return controller;
}
