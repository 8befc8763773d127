// The 2-D figure (the two-basin experiment): mount(root, options) builds it inside `root` and
// returns the interface every figure shares (www/figures/registry.js). The page, the iframe
// embed and the custom element all mount it the same way; each mount has its own workers,
// state and link, so several on one page are independent. The main thread never runs the
// simulation; it keeps at most one request in flight.
//
// model.js holds the pure parts (settings, link, step sizes, captions, export files), view.js
// the markup and the parts rebuilt from the state, client.js the workers (worker.js). The
// landscape's shape: shape.js (its settings and words), handles.js (the handles' geometry),
// shape-control.js (the handles' elements and events), coalesce.js (one configure in flight
// while a handle is dragged); prediction.js draws the loss prediction next to the measurement.

import { Landscape } from './landscape.js';
import { EscapePlot, IndicatorPlot } from './plots.js';
import { PredictionPlot, predictionCaption } from './prediction.js';
import { ShapeHandles } from './shape-control.js';
import { frameOf } from './handles.js';
import { Coalescer } from './coalesce.js';
import { shapeOf, shapeCaption, landscapeAriaLabel, pointText } from './shape.js';
import { FIELDS, SettingsFields } from './fields.js';
import { ToyClient } from './client.js';
import { buildToyFigure, buildLegend, fillIndicatorTable } from './view.js';
import {
  SCHEMA, SETTINGS, Playback, fieldLabel, clampSpeed, workerCount, toyHash, countText, drawnNote,
  indicatorRows, stateCaption, hessianCaption, liveCaption, protocolCaption, exportBase, curvesCsv, curvesJson,
  timeline, seekRequest, extraSettings,
} from './model.js';
import { buildMethodBoxes } from '../../lib/methods.js';
import { statusReporter } from '../../lib/status.js';
import { download, figurePng } from '../../lib/export.js';
import { figureKeyHandler, toggleFullscreen } from '../../lib/keys.js';
import { chooseBuild } from '../../lib/wasm-build.js';
import { listedControls } from '../../lib/link.js';
import { setText as writeText } from '../../lib/dom.js';
import { cleanups, emitter, whenResized } from '../../lib/figure-shell.js';

/** The loss prediction covers the first iterations up to the pause-at one, at most this many. */
const MAX_PREDICTION_STEPS = 5000;

const reducedMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * @typedef {import('../registry.js').MountOptions} MountOptions
 * @typedef {import('../registry.js').Figure} Figure
 */

/**
 * Builds the 2-D figure in `root` and starts it (see registry.js for the options).
 * @param {HTMLElement} root
 * @param {MountOptions} [options]
 * @returns {Figure}
 */
export function mount(root, options = {}) {
  const opts = { hash: '', full: false, linkBase: () => location.href.split('#')[0], keyTarget: null, lectureTarget: null, fullscreenTarget: null, start: true, fitHeight: null, openPreset: null, footer: null, ...options };
  const listed = listedControls(opts.hash, SCHEMA.controls);
  if (opts.full) root.classList.add('layout', 'toy-layout'); else root.classList.add('embed-layout');
  root.replaceChildren(...buildToyFigure({ controls: opts.full ? null : (listed || []), full: opts.full }));
  if (opts.footer) root.querySelector('.side')?.append(opts.footer);
  /** @param {string} id @returns {any} */
  const $ = (id) => root.querySelector(`#${id}`);
  const setText = (/** @type {string} */ id, /** @type {string} */ text) => writeText($(id), text);

  const app = {
    client: /** @type {ToyClient | null} */ (null),
    /** The timeline's iteration when it was moved (written to the link), else null. */
    scrubbed: /** @type {number | null} */ (null),
    /** A link's timeline iteration, sought once the simulation is configured. */
    pendingSeek: /** @type {number | null} */ (null),
    /** A link's settings without a field in the card (the landscape's shape), sent on configure. */
    extra: /** @type {Record<string, unknown>} */ ({}),
    dir: /** @type {string | null} */ (null),
    ready: false,
    started: false,
    /** @type {{ id: string, name: string }[]} */
    methodInfo: [],
    /** @type {Record<string, string>} */
    names: {},
    /** @type {any[]} */
    presets: [],
    /** @type {string[]} */
    simulated: [],
    hidden: new Set(),
    config: /** @type {any} */ (null),
    indicators: /** @type {any} */ (null),
    /** The core's analysis of the simulated landscape (eigenpairs, GD's limit, barrier). */
    analysis: /** @type {any} */ (null),
    /** Per method, the predicted mean loss at iterations 0..=predictionSteps. */
    predictions: /** @type {Record<string, ArrayLike<number>> | null} */ (null),
    predictionSteps: 0,
    /** The req of the configure in flight (its reply lets the next, coalesced, one go). */
    configReq: 0,
    state: /** @type {any} */ (null),
    fellBack: false,
    nextReq: 1,
    raf: 0,
    playAfterConfigure: false,
    motionHeld: false,
    controls: /** @type {string[] | null} */ (null), // the embed's control list (kept in the hash)
    lecture: false,
    destroyed: false,
    describedAt: 0,
    hash: '',
    dirty: { landscape: true, escape: true, indicator: true, prediction: true },
  };
  // Playing, where it stops, queued steps, the request in flight (model.js).
  const playback = new Playback();
  // What getState() reports besides the settings: readiness, link notices, errors, timings.
  const info = { grids: 0, gridSize: 0, engine: /** @type {string | null} */ (null), workers: 0, errors: /** @type {string[]} */ ([]), notices: /** @type {string[]} */ ([]), warnings: /** @type {string[]} */ ([]), link: /** @type {any} */ (null), copiedLink: /** @type {string | null} */ (null), statesReceived: 0, framesDrawn: 0, drawMs: 0, gridMs: 0, skipMs: /** @type {number | null} */ (null), skipStartedAt: 0 };
  const changes = emitter();

  const fields = new SettingsFields($);
  const landscape = new Landscape($('landscape'));
  const escapePlot = new EscapePlot($('escape-plot'));
  const indicatorPlot = new IndicatorPlot($('indicator-plot'));
  const predictionPlot = new PredictionPlot($('prediction-plot'));
  const handles = new ShapeHandles($('shape-handles'), {
    onInput: shapeInput,
    onRender: (positions, center) => {
      landscape.guides = positions && center ? { positions, center } : null;
      app.dirty.landscape = true;
    },
  });
  const { setStatus, reportError } = statusReporter($('status'), info.errors);

  const emit = () => changes.emit(getState);

  // ---------------------------------------------------------------- configuration

  /** @param {string} id */
  const readNumber = (id) => fields.number(id);
  const methodIds = () => app.methodInfo.map((m) => m.id);
  const readConfig = () => fields.read(app.extra, methodIds());

  /** @param {any} msg */
  function post(msg) {
    if (!app.client) return;
    playback.inFlight += 1;
    app.client.post(msg);
  }

  /** How many iterations the loss prediction covers: up to the pause-at iteration. */
  function predictionSteps() {
    return Math.min(target() ?? SCHEMA.iterations.default, MAX_PREDICTION_STEPS);
  }

  // One configure in flight: while a handle is dragged, newer requests replace the waiting one.
  // The settings are read when a request is sent, so the latest values always go.
  const configurer = new Coalescer((/** @type {{ field: string | null, preview: boolean }} */ o) => {
    app.configReq = app.nextReq++;
    post({ type: 'configure', req: app.configReq, config: readConfig(), field: o.field, preview: o.preview, steps: predictionSteps() });
  });

  /**
   * @param {string | null} field the setting that changed (null: all)
   * @param {boolean} [preview] a drag in progress: a coarser heatmap
   */
  function configure(field, preview = false) {
    if (!app.ready) return;
    configurer.push({ field, preview });
  }

  /**
   * A shape handle moved (shape-control.js): its field takes the value, and a fresh simulation
   * of the new landscape starts (coalesced while dragging, the heatmap coarser until it ends).
   * @param {string} key
   * @param {number} value
   * @param {{ preview: boolean }} o
   */
  function shapeInput(key, value, { preview }) {
    const f = FIELDS.find(([k]) => k === key);
    if (!f) return;
    $(f[1]).value = String(value);
    configure(key, preview);
  }

  /** Places the shape handles for the landscape on screen (after a resize or a new shape). */
  function placeHandles() {
    const a = app.analysis;
    if (!a || !landscape.width || $('shape-fields').hidden) {
      handles.update(null, null, { x: 0, y: 0 });
      return;
    }
    const canvas = $('landscape');
    const view = { toX: (/** @type {number} */ w) => landscape.toX(w), toY: (/** @type {number} */ w) => landscape.toY(w), size: landscape.plot.size };
    // A reply older than a waiting request (a drag's latest) would pull the handles back.
    const shape = configurer.waiting ? null : /** @type {any} */ (shapeOf(app.config));
    handles.update(shape, frameOf(a, view), { x: canvas.offsetLeft, y: canvas.offsetTop });
  }

  /** @returns {number | null} the iteration Play stops at */
  function target() {
    const v = readNumber('iterations');
    return Number.isInteger(v) && v >= 1 ? v : null;
  }

  function speed() {
    return clampSpeed(readNumber('speed'));
  }

  // ---------------------------------------------------------------- the link

  /** The canonical hash of what is on screen. */
  function currentHash() {
    if (!app.config) return '';
    return toyHash({ config: app.config, iterations: target(), iteration: app.scrubbed ?? null, speed: speed(), playing: playback.playing, hidden: app.simulated.filter((id) => app.hidden.has(id)), controls: app.controls, lecture: app.lecture });
  }

  function syncHash() {
    const h = currentHash();
    if (!h || h === app.hash) return;
    app.hash = h;
    emit();
  }

  /** @param {{ message: string }[]} notices */
  function showNotices(notices) {
    const box = $('notices');
    box.replaceChildren();
    for (const n of notices) {
      const p = document.createElement('p');
      p.textContent = `Link: ${n.message}.`;
      box.append(p);
    }
    box.hidden = notices.length === 0;
  }

  /**
   * Puts a parsed link (Rust's parsePermalink) into the controls, then starts a simulation.
   * @param {any} link
   */
  function applyLink(link) {
    info.link = link;
    info.notices = link.notices.map((/** @type {{ key: string, message: string }} */ n) => `${n.key}: ${n.message}`);
    info.warnings = link.warnings.slice();
    for (const w of link.warnings) console.warn(`[sgd-escape] link: ${w}`);
    showNotices(link.notices);
    const c = link.config;
    app.extra = extraSettings(c);
    fields.write(c, methodIds());
    $('iterations').value = String(link.iterations);
    $('target-echo').textContent = String(link.iterations);
    // The timeline's iteration: sought once the simulation is configured.
    app.pendingSeek = link.iteration ?? null;
    app.scrubbed = link.iteration ?? null;
    $('speed').value = String(link.speed);
    $('speed-out').textContent = String(link.speed);
    app.hidden = new Set(link.hide);
    if (link.controls) app.controls = link.controls;
    setLecture(link.lecture);
    if (playback.playing) setPlaying(false);
    // prefers-reduced-motion: a link never starts the animation by itself (Play still works).
    app.playAfterConfigure = link.play && !reducedMotion();
    app.motionHeld = link.play && reducedMotion();
    playback.queued = 0;
    configure(null);
  }

  /** @param {string} hash */
  function parseLink(hash) {
    post({ type: 'parseLink', req: app.nextReq++, hash });
  }

  // ---------------------------------------------------------------- playback

  /** @param {boolean} on */
  function setPlaying(on) {
    if (on) app.scrubbed = null;
    playback.set(on, target(), app.state ? app.state.iteration : 0);
    const b = $('play');
    b.textContent = on ? 'Pause' : 'Play';
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    if (!on) describeState();
    syncHash();
    emit();
  }

  function tick() {
    if (app.destroyed) return;
    const next = playback.tick(app.ready && !!app.state, app.state ? app.state.iteration : 0, speed());
    if (next && 'step' in next) post({ type: 'step', req: app.nextReq++, n: next.step });
    else if (next) setPlaying(false);
    draw();
    app.raf = requestAnimationFrame(tick);
  }

  // ---------------------------------------------------------------- drawing

  function visibleIds() {
    return app.simulated.filter((id) => !app.hidden.has(id));
  }

  function rows() {
    return indicatorRows(app.simulated, app.indicators, app.names);
  }

  function draw() {
    const d = app.dirty;
    if (d.landscape) {
      const t0 = performance.now();
      landscape.draw(app.state, visibleIds());
      info.drawMs = performance.now() - t0;
      d.landscape = false;
      info.framesDrawn += 1;
    }
    if (d.escape) {
      escapePlot.draw(app.state, visibleIds(), app.names, target());
      d.escape = false;
    }
    if (d.indicator && app.indicators) {
      indicatorPlot.draw(rows(), app.analysis ? pointText(app.analysis.sharpMinimum) : null);
      d.indicator = false;
    }
    if (d.prediction && app.predictions && !$('prediction-panel').hidden) {
      predictionPlot.draw(predictionArgs());
      d.prediction = false;
    }
  }

  function predictionArgs() {
    return { ids: visibleIds(), names: app.names, predictions: app.predictions, state: app.state, steps: app.predictionSteps };
  }

  function markAll() {
    app.dirty.landscape = true;
    app.dirty.escape = true;
    app.dirty.indicator = true;
    app.dirty.prediction = true;
  }

  // ---------------------------------------------------------------- the DOM that depends on the methods

  /**
   * The paper's protocol, from Rust's defaults: what "Restore" restores, and its caption.
   * @param {any} d a parsed empty link
   */
  function applyDefaults(d) {
    if (!d) return;
    fields.setDefaults(d.config);
    $('iterations').defaultValue = String(d.iterations);
    $('speed').defaultValue = String(d.speed);
    setText('protocol-caption', protocolCaption(d));
  }

  function buildPresets() {
    const select = $('preset');
    for (const p of app.presets) {
      const o = document.createElement('option');
      o.value = p.id;
      o.textContent = p.title;
      o.dataset.figure = p.figure;
      select.append(o);
    }
    select.addEventListener('change', () => {
      const p = app.presets.find((x) => x.id === select.value);
      select.value = '';
      if (!p) return;
      if (p.figure !== 'toy') {
        if (opts.openPreset) opts.openPreset(p);
        else setStatus(`${p.title}: open the full page for that figure.`, 'info');
        return;
      }
      setStatus(`Preset: ${p.title}.`, 'ok');
      parseLink(`preset=${encodeURIComponent(p.id)}${app.controls ? `&controls=${app.controls.join(',')}` : ''}${app.lecture ? '&lecture=1' : ''}`);
    });
  }

  /** @param {string} id */
  function toggleMethod(id) {
    if (app.hidden.has(id)) app.hidden.delete(id); else app.hidden.add(id);
    app.dirty.landscape = true;
    app.dirty.escape = true;
    app.dirty.prediction = true;
    layout();
    syncHash();
  }

  function updateCounts() {
    const s = app.state;
    if (!s) return;
    setText('drawn-note', drawnNote(s));
    setText('iteration', String(s.iteration));
    for (const id of app.simulated) setText(`count-${id}`, countText(s, id));
  }

  /** The live caption (an ARIA live region): numbers from the state, written when it rests. */
  function describeState() {
    if (!app.state || !app.config) return;
    setText('figure-caption', stateCaption({ state: app.state, config: app.config, simulated: app.simulated, names: app.names, target: target(), rows: rows() }));
    if (app.predictions) setText('prediction-caption', predictionCaption(predictionArgs()));
    app.describedAt = app.state.iteration;
  }

  // ---------------------------------------------------------------- worker replies

  /** @param {any} state */
  function applyState(state) {
    app.state = state;
    const t = timeline({ iteration: state.iteration, target: target() });
    const slider = /** @type {HTMLInputElement} */ ($('timeline'));
    slider.max = String(t.max);
    slider.value = String(t.value);
    info.statesReceived += 1;
    updateCounts();
    app.dirty.landscape = true;
    app.dirty.escape = true;
    app.dirty.prediction = true;
    if (playback.reached(state.iteration)) {
      if (playback.fast) info.skipMs = performance.now() - info.skipStartedAt;
      setPlaying(false);
      setStatus(`Reached iteration ${state.iteration}. Press Play to continue.`, 'ok');
    }
    // The caption is a live region: rewritten when the figure rests, and every 100 iterations.
    if (!playback.playing || Math.floor(state.iteration / 100) !== Math.floor(app.describedAt / 100)) describeState();
    emit();
  }

  /** @param {any} msg a (merged) worker reply */
  function onMessage(msg) {
    handleMessage(msg);
    // The configure in flight is answered: the waiting one (a drag's latest) may go.
    if (msg.req !== undefined && msg.req === app.configReq) configurer.settle();
  }

  /** @param {any} msg */
  function handleMessage(msg) {
    switch (msg.type) {
      case 'ready': {
        app.methodInfo = msg.methods;
        app.names = Object.fromEntries(msg.methods.map((/** @type {{ id: string, name: string }} */ m) => [m.id, m.name]));
        app.presets = msg.presets || [];
        const simd = !!(msg.build && msg.build.simd);
        const engine = simd ? 'wasm SIMD128' : 'wasm scalar';
        setText('engine', `${engine}${msg.workers > 1 ? ` × ${msg.workers} workers` : ''}`);
        $('engine').dataset.dir = msg.dir;
        info.engine = engine;
        info.workers = msg.workers;
        if ((msg.dir === 'pkg') !== simd) console.warn(`[sgd-escape] loaded ./${msg.dir}/ but buildInfo().simd is ${simd}`);
        buildMethodBoxes($('method-boxes'), { methods: app.methodInfo.map((m) => [m.id, m.name]), onChange: () => configure('methods') });
        buildPresets();
        applyDefaults(msg.defaults);
        app.ready = true;
        setStatus('Starting the simulation…');
        parseLink(opts.hash || '');
        return;
      }
      case 'fatal': {
        reportError('WebAssembly', msg.message);
        setText('engine', 'unavailable');
        emit();
        return;
      }
      default:
        break;
    }
    playback.inFlight = Math.max(0, playback.inFlight - 1);
    switch (msg.type) {
      case 'link':
        applyLink(msg.link);
        return;
      case 'seed': {
        // "New seed": the seed shows in its field, a fresh simulation starts, the link records it.
        const seedField = SETTINGS.find(([, , , , control]) => control === 'seed');
        if (!seedField) return;
        $(seedField[1]).value = String(msg.seed);
        configure(seedField[0]);
        setStatus(`New seed: ${msg.seed}.`, 'ok');
        return;
      }
      case 'configured': {
        const first = !app.config;
        app.config = msg.config;
        app.simulated = msg.methods;
        app.indicators = msg.indicators;
        app.analysis = msg.landscape;
        app.predictions = msg.predictions;
        app.predictionSteps = msg.steps;
        fields.clearErrors();
        if (app.analysis) landscape.setAnalysis(app.analysis);
        if (msg.grid) {
          const t0 = performance.now();
          landscape.setGrid(msg.grid);
          info.gridMs = performance.now() - t0;
          info.grids += 1;
          info.gridSize = msg.grid.nx;
        }
        if (app.analysis) {
          $('landscape').setAttribute('aria-label', landscapeAriaLabel(app.analysis));
          setText('shape-caption', shapeCaption(app.analysis, app.config.lr));
          placeHandles();
        }
        applyState(msg.state);
        buildLegend($('legend'), { simulated: app.simulated, names: app.names, hidden: app.hidden, state: app.state, onToggle: toggleMethod });
        fillIndicatorTable($('indicator-rows'), rows());
        setText('hessian-caption', hessianCaption(rows(), app.config ? app.config.lr : null, app.analysis));
        layout();
        markAll();
        for (const b of ['play', 'step', 'reset', 'run-to', 'timeline']) $(b).disabled = false;
        if (app.pendingSeek !== null) {
          seek(app.pendingSeek);
          app.pendingSeek = null;
        }
        if (app.playAfterConfigure) {
          app.playAfterConfigure = false;
          setPlaying(true);
        } else if (playback.playing) {
          setPlaying(true); // new run: play towards the target again
        }
        if (app.motionHeld) {
          app.motionHeld = false;
          setStatus('Autoplay is off because your system asks for reduced motion. Press Play.', 'ok');
        } else if (first) {
          setStatus(playback.playing ? 'Running…' : 'Ready. Press Play.', 'ok');
        } else {
          if (!msg.preview) setStatus(`New simulation: ${msg.state.runs} runs × ${msg.methods.length} methods.`, 'ok');
        }
        syncHash();
        emit();
        return;
      }
      case 'invalid': {
        if (!app.config && !app.fellBack) {
          app.fellBack = true;
          fields.restore(methodIds());
          reportError('Settings', `${msg.message}; starting with the paper’s settings instead`);
          configure(null);
          return;
        }
        fields.clearErrors();
        const named = /`([A-Za-z]+)`/.exec(msg.message);
        const field = named ? named[1] : msg.field;
        const perField = { ...(msg.fieldErrors || {}) };
        if (!Object.keys(perField).length) perField[field || msg.field] = msg.message;
        let shown = 0;
        for (const [key, text] of Object.entries(perField)) if (fields.showError(key, String(text))) shown += 1;
        if (!shown && !fields.showError(msg.field, msg.message)) {
          reportError('Settings', msg.message);
          emit();
          return;
        }
        const label = field ? fieldLabel(field) : 'settings';
        const text = `Invalid ${label}: ${msg.message}. The previous simulation keeps running.`;
        info.errors.push(text);
        console.error(`[sgd-escape] ${text}`);
        setStatus(text, 'error');
        emit();
        return;
      }
      case 'state':
        applyState(msg.state);
        return;
      case 'predictions':
        app.predictions = msg.predictions;
        app.predictionSteps = msg.steps;
        app.dirty.prediction = true;
        describeState();
        return;
      case 'error': {
        if (msg.state) applyState(msg.state);
        setPlaying(false);
        reportError('Simulation', msg.message + (msg.recovered ? ' (restarted with the last valid settings)' : ''));
        emit();
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- layout

  /** @param {number} [dpr] */
  function layout(dpr) {
    const lw = $('landscape-box').clientWidth;
    // In a short frame (an embed), the square landscape must also fit the height.
    const maxH = opts.fitHeight ? Math.max(200, opts.fitHeight() - 170) : Infinity; // minus the card's title and captions
    if (lw && landscape.resize(Math.min(lw, maxH), dpr)) app.dirty.landscape = true;
    const ew = $('escape-box').clientWidth;
    if (ew && escapePlot.resize(ew, dpr)) app.dirty.escape = true;
    const iw = $('indicator-box').clientWidth;
    if (iw && indicatorPlot.resize(iw, (app.indicators ? rows().length : 0) || 1, dpr)) app.dirty.indicator = true;
    const pw = $('prediction-box').clientWidth;
    if (pw && predictionPlot.resize(pw, visibleIds().length || 1, dpr)) app.dirty.prediction = true;
    placeHandles();
  }

  // ---------------------------------------------------------------- lecture mode and export

  /** @param {boolean} on */
  function setLecture(on) {
    app.lecture = !!on;
    $('lecture').setAttribute('aria-pressed', on ? 'true' : 'false');
    (opts.lectureTarget || root).classList.toggle('lecture', app.lecture);
    requestAnimationFrame(() => { layout(); markAll(); });
  }

  function base() {
    return exportBase(app.config, app.state ? app.state.iteration : 0);
  }

  async function exportPng() {
    // Redraw every canvas at devicePixelRatio 2, compose, then restore the screen resolution.
    layout(2);
    markAll();
    draw();
    const blob = await figurePng([$('landscape'), $('escape-plot')], $('figure-caption').textContent || '');
    layout();
    markAll();
    return blob;
  }

  const curves = () => ({ state: app.state, simulated: app.simulated, names: app.names, indicators: app.indicators, config: app.config, hash: currentHash(), target: target() });
  /** @type {Record<string, () => Promise<{ blob: Blob, name: string }>>} */
  const exporters = {
    png: async () => ({ blob: await exportPng(), name: `${base()}.png` }),
    csv: async () => ({ blob: new Blob([curvesCsv(curves())], { type: 'text/csv' }), name: `${base()}.csv` }),
    json: async () => ({ blob: new Blob([JSON.stringify(curvesJson(curves()), null, 1)], { type: 'application/json' }), name: `${base()}.json` }),
    config: async () => ({ blob: new Blob([JSON.stringify({ config: app.config, iterations: target(), speed: speed(), link: currentHash() }, null, 1)], { type: 'application/json' }), name: `${base()}-config.json` }),
  };

  /**
   * Downloads the figure as `kind` (png, csv, json, config); resolves to { blob, name }.
   * @param {string} kind
   */
  async function exportAs(kind) {
    if (!exporters[kind]) throw new Error(`export: kind must be png, csv, json or config, got ${String(kind)}`);
    if (!app.state) throw new Error('export: the figure has not run yet');
    const out = await exporters[kind]();
    download(out.blob, out.name);
    setStatus(`Saved ${out.name}.`, 'ok');
    return out;
  }

  // ---------------------------------------------------------------- wiring

  const bag = cleanups();
  const listen = bag.listen;

  function play() {
    if (!app.state || playback.playing) return;
    setPlaying(true);
    setStatus(Number.isFinite(playback.stopAt) ? `Running to iteration ${playback.stopAt}…` : 'Running…');
  }

  function pause() {
    if (!playback.playing) return;
    setPlaying(false);
    setStatus(`Paused at iteration ${app.state ? app.state.iteration : 0}.`);
  }

  function togglePlay() {
    if (playback.playing) pause(); else play();
  }

  function step() {
    if (playback.playing) setPlaying(false);
    app.scrubbed = null;
    playback.queued += 1;
  }

  /**
   * Shows iteration `raw` (the timeline, a link): the workers seek there, back or ahead.
   * @param {unknown} raw
   */
  function seek(raw) {
    const r = seekRequest(raw, target());
    if ('error' in r) {
      $('timeline-error').textContent = r.error;
      setStatus(r.error, 'error');
      return;
    }
    $('timeline-error').textContent = '';
    if (playback.playing) setPlaying(false);
    playback.queued = 0;
    app.scrubbed = r.seek;
    post({ type: 'seek', req: app.nextReq++, iteration: r.seek });
    syncHash();
  }

  function reset() {
    app.scrubbed = null;
    playback.queued = 0;
    post({ type: 'reset', req: app.nextReq++ });
    if (playback.playing) setPlaying(true);
    setStatus('Reset to iteration 0.');
  }

  function fullscreen() {
    toggleFullscreen(opts.fullscreenTarget || opts.lectureTarget || root, (m) => setStatus(`Fullscreen refused: ${m}`, 'info'));
  }

  async function copyLink() {
    syncHash();
    const url = opts.linkBase() + currentHash();
    info.copiedLink = url;
    emit();
    try {
      await navigator.clipboard.writeText(url);
      setStatus('Link copied: it reopens exactly this figure.', 'ok');
    } catch {
      // No clipboard permission (an iframe, http): show the link to copy by hand.
      setStatus(`Copy this link: ${url}`, 'info');
    }
  }

  function wire() {
    listen($('play'), 'click', togglePlay);
    listen($('step'), 'click', step);
    listen($('reset'), 'click', reset);
    listen($('timeline'), 'change', () => seek(/** @type {HTMLInputElement} */ ($('timeline')).value));
    listen($('run-to'), 'click', () => {
      const t = target();
      if (!app.state || t === null || app.state.iteration >= t) return;
      info.skipStartedAt = performance.now();
      setPlaying(true);
      playback.fast = true;
      setStatus(`Computing to iteration ${t}…`);
    });
    listen($('speed'), 'input', () => { $('speed-out').textContent = $('speed').value; });
    listen($('speed'), 'change', syncHash);
    $('speed-out').textContent = $('speed').value;
    listen($('iterations'), 'change', () => {
      const t = target();
      if (t === null) {
        $('iterations-error').textContent = 'Enter a whole number of iterations, at least 1.';
        $('iterations').setAttribute('aria-invalid', 'true');
        return;
      }
      $('iterations-error').textContent = '';
      $('iterations').removeAttribute('aria-invalid');
      $('target-echo').textContent = String(t);
      if (playback.playing) setPlaying(true);
      app.dirty.escape = true;
      // The prediction covers the first iterations up to the new pause-at one.
      if (app.config && predictionSteps() !== app.predictionSteps) post({ type: 'predict', req: app.nextReq++, steps: predictionSteps() });
      syncHash();
    });
    for (const [key, id] of FIELDS) listen($(id), 'change', () => configure(key));
    listen($('controls'), 'submit', (e) => e.preventDefault());
    listen($('defaults'), 'click', () => {
      app.extra = {};
      fields.restore(methodIds());
      const it = $('iterations');
      if (it.value !== it.defaultValue) {
        it.value = it.defaultValue;
        it.dispatchEvent(new Event('change'));
      }
      configure(null);
    });
    listen($('copy-link'), 'click', copyLink);
    for (const [, id, , , control] of SETTINGS) {
      if (control === 'seed') listen($(`${id}-new`), 'click', () => { if (app.ready) post({ type: 'freshSeed', req: app.nextReq++ }); });
    }
    for (const kind of ['png', 'csv', 'json', 'config']) listen($(`export-${kind}`), 'click', () => exportAs(kind).catch((e) => reportError('Export', e.message || String(e))));
    listen($('lecture'), 'click', () => { setLecture(!app.lecture); syncHash(); });
    // Keyboard: Space or K play/pause, → or . step, R reset, F fullscreen (not while typing).
    if (opts.keyTarget) listen(opts.keyTarget, 'keydown', figureKeyHandler({ toggle: togglePlay, step, reset, fullscreen }, () => !!(app.ready && app.state)));
    bag.add(whenResized(['landscape-box', 'escape-box', 'indicator-box', 'prediction-box'].map($), () => layout()));
    const watchDpr = () => {
      const mq = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      mq.addEventListener('change', () => { if (!app.destroyed) { layout(); markAll(); watchDpr(); } }, { once: true });
    };
    watchDpr();
  }

  /** Loads the workers and runs the link (at mount, or when an element nears the view). */
  function start() {
    if (app.started || app.destroyed) return;
    app.started = true;
    if (typeof WebAssembly !== 'object') {
      reportError('WebAssembly', 'this browser does not support WebAssembly');
      return;
    }
    app.dir = chooseBuild();
    setText('engine', app.dir === 'pkg' ? 'loading wasm SIMD128…' : 'loading wasm scalar…');
    setStatus('Loading the WebAssembly module…');
    try {
      app.client = new ToyClient(workerCount(opts.hash || '', navigator.hardwareConcurrency), app.dir, onMessage, (m) => reportError('Worker', m));
    } catch (e) {
      reportError('Worker', e instanceof Error ? e.message : String(e));
      return;
    }
    app.client.init();
    app.raf = requestAnimationFrame(tick);
  }

  /** @returns {any} the figure's state, plain JSON (see registry.js) */
  function getState() {
    const s = app.state;
    return {
      figure: 'toy',
      started: app.started,
      ready: !!(app.config && s),
      playing: playback.playing,
      iteration: s ? s.iteration : 0,
      hash: app.hash,
      config: app.config,
      target: target(),
      speed: speed(),
      hidden: [...app.hidden],
      lecture: app.lecture,
      dir: app.dir,
      engine: info.engine,
      workers: info.workers,
      runs: s ? s.runs : 0,
      escaped: s ? { ...s.escaped } : {},
      diverged: s ? { ...s.diverged } : {},
      // The live arrays of the last state (not copies): per method, [w1, w2, ...] of the drawn
      // runs, and the escape curve (fraction escaped every curveStride iterations).
      positions: s ? s.positions : {},
      curves: s ? s.curves : {},
      curveStride: s ? s.curveStride : 0,
      indicators: app.indicators,
      // The core's analysis of the landscape, and per method the predicted mean loss at
      // iterations 0..=predictionSteps (the state's meanLoss and lossSd are the measurement).
      landscape: app.analysis,
      predictions: app.predictions,
      predictionSteps: app.predictionSteps,
      meanLoss: s ? s.meanLoss : {},
      lossSd: s ? s.lossSd : {},
      captions: { figure: $('figure-caption').textContent, live: app.config ? liveCaption({ indicators: app.indicators || {}, config: app.config, names: app.names, target: target(), at: app.analysis ? app.analysis.sharpMinimum : null }) : '', shape: $('shape-caption').textContent, prediction: $('prediction-caption').textContent },
      link: info.link,
      notices: info.notices,
      warnings: info.warnings,
      errors: info.errors.slice(),
      copiedLink: info.copiedLink,
      stats: { grids: info.grids, gridSize: info.gridSize, configuresSent: configurer.sent, configuresReplaced: configurer.dropped, statesReceived: info.statesReceived, framesDrawn: info.framesDrawn, drawMs: info.drawMs, gridMs: info.gridMs, skipMs: info.skipMs, skipStartedAt: info.skipStartedAt, inFlight: playback.inFlight, memoryBytes: app.client ? app.client.memoryBytes() : 0 },
    };
  }

  /**
   * Applies a partial state: `hash` (a link, read by Rust's parser like a new URL), `playing`,
   * and any simulation setting (lr, noiseTrace, runs, batchSize, samples, dataSpread, seed,
   * methods, and the landscape's shape: sharpLambda1, sharpLambda2, sharpAngle, flatCurvature,
   * minimaDistance), which starts a fresh simulation.
   * @param {Record<string, any>} partial
   */
  function setState(partial = {}) {
    if (typeof partial.hash === 'string') {
      if (app.ready) parseLink(partial.hash); else opts.hash = partial.hash;
    }
    if (fields.write(partial, methodIds())) configure(null);
    if (partial.playing === true) play();
    if (partial.playing === false) pause();
  }

  wire();
  layout();
  if (opts.start) start();

  return {
    play,
    pause,
    step,
    reset,
    getState,
    setState,
    onChange: (fn) => changes.on(fn),
    export: exportAs,
    start,
    destroy() {
      app.destroyed = true;
      cancelAnimationFrame(app.raf);
      bag.run();
      if (app.client) app.client.terminate();
      app.client = null;
      changes.clear();
    },
  };
}
