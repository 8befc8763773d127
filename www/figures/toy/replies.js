// What the workers' replies (worker.js protocol, merged by client.js) do to the 2-D figure:
// `ready` (the methods, presets and the paper's defaults), `link`, `seed`, `configured` (a fresh
// simulation: its landscape, legend, table and captions), `invalid` (a setting's error at its
// field), `state`, `predictions`, `error`, `fatal`; and the text that follows the state (the
// counts, the live caption).

import { buildLegend, fillIndicatorTable } from './view.js';
import { predictionCaption } from './prediction.js';
import { shapeCaption, landscapeAriaLabel } from './shape.js';
import { fieldLabel, countText, drawnNote, stateCaption, hessianCaption, protocolCaption, timeline } from './model.js';
import { rows, predictionArgs, readyInfo, invalidErrors } from './state.js';
import { buildMethodBoxes } from '../../lib/methods.js';

/**
 * What the workers' replies do to the figure `fig`: `onMessage` for its client.
 * @param {import('./context.js').Toy} fig
 */
export function replies(fig) {
  const { app, info, playback, fields, $, setText } = fig;

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

  /** @param {string} id shows or hides a method (the legend's buttons) */
  function toggleMethod(id) {
    if (app.hidden.has(id)) app.hidden.delete(id); else app.hidden.add(id);
    app.dirty.landscape = true;
    app.dirty.escape = true;
    app.dirty.prediction = true;
    fig.layout();
    fig.syncHash();
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
    setText('figure-caption', stateCaption({ state: app.state, config: app.config, simulated: app.simulated, names: app.names, target: fig.target(), rows: rows(app) }));
    if (app.predictions) setText('prediction-caption', predictionCaption(predictionArgs(app)));
    app.describedAt = app.state.iteration;
  }

  /** @param {any} state the workers' latest (merged) state */
  function applyState(state) {
    app.state = state;
    const t = timeline({ iteration: state.iteration, target: fig.target() });
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
      fig.setPlaying(false);
      fig.setStatus(`Reached iteration ${state.iteration}. Press Play to continue.`, 'ok');
    }
    // The caption is a live region: rewritten when the figure rests, and every 100 iterations.
    if (!playback.playing || Math.floor(state.iteration / 100) !== Math.floor(app.describedAt / 100)) describeState();
    fig.emit();
  }

  /** @param {any} msg `ready`: the workers loaded; the controls that depend on the methods */
  function onReady(msg) {
    app.methodInfo = msg.methods;
    const r = readyInfo(msg);
    app.names = r.names;
    app.presets = msg.presets || [];
    setText('engine', r.engineText);
    $('engine').dataset.dir = msg.dir;
    info.engine = r.engine;
    info.workers = msg.workers;
    if (r.buildMismatch) console.warn(`[sgd-escape] loaded ./${msg.dir}/ but buildInfo().simd is ${r.simd}`);
    buildMethodBoxes($('method-boxes'), { methods: app.methodInfo.map((m) => [m.id, m.name]), onChange: () => fig.configure('methods') });
    fig.buildPresets();
    applyDefaults(msg.defaults);
    app.ready = true;
    fig.setStatus('Starting the simulation…');
    fig.parseLink(fig.opts.hash || '');
  }

  /** @param {any} msg `configured`: a fresh simulation, its landscape, legend, table and captions */
  function onConfigured(msg) {
    const first = !app.config;
    app.config = msg.config;
    app.simulated = msg.methods;
    app.indicators = msg.indicators;
    app.analysis = msg.landscape;
    app.predictions = msg.predictions;
    app.predictionSteps = msg.steps;
    fields.clearErrors();
    const { landscape } = fig;
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
      fig.placeHandles();
    }
    applyState(msg.state);
    buildLegend($('legend'), { simulated: app.simulated, names: app.names, hidden: app.hidden, state: app.state, onToggle: toggleMethod });
    fillIndicatorTable($('indicator-rows'), rows(app));
    setText('hessian-caption', hessianCaption(rows(app), app.config ? app.config.lr : null, app.analysis));
    fig.layout();
    fig.markAll();
    for (const b of ['play', 'step', 'reset', 'run-to', 'timeline']) $(b).disabled = false;
    if (app.pendingSeek !== null) {
      fig.seek(app.pendingSeek);
      app.pendingSeek = null;
    }
    if (app.playAfterConfigure) {
      app.playAfterConfigure = false;
      fig.setPlaying(true);
    } else if (playback.playing) {
      fig.setPlaying(true); // new run: play towards the target again
    }
    if (app.motionHeld) {
      app.motionHeld = false;
      fig.setStatus('Autoplay is off because your system asks for reduced motion. Press Play.', 'ok');
    } else if (first) {
      fig.setStatus(playback.playing ? 'Running…' : 'Ready. Press Play.', 'ok');
    } else {
      if (!msg.preview) fig.setStatus(`New simulation: ${msg.state.runs} runs × ${msg.methods.length} methods.`, 'ok');
    }
    fig.syncHash();
    fig.emit();
  }

  /** @param {any} msg `invalid`: a setting's error at its field; a bad first link falls back */
  function onInvalid(msg) {
    if (!app.config && !app.fellBack) {
      app.fellBack = true;
      fields.restore(fig.methodIds());
      fig.reportError('Settings', `${msg.message}; starting with the paper’s settings instead`);
      fig.configure(null);
      return;
    }
    fields.clearErrors();
    const { field, perField } = invalidErrors(msg);
    let shown = 0;
    for (const [key, text] of Object.entries(perField)) if (fields.showError(key, String(text))) shown += 1;
    if (!shown && !fields.showError(msg.field, msg.message)) {
      fig.reportError('Settings', msg.message);
      fig.emit();
      return;
    }
    const label = field ? fieldLabel(field) : 'settings';
    const text = `Invalid ${label}: ${msg.message}. The previous simulation keeps running.`;
    info.errors.push(text);
    console.error(`[sgd-escape] ${text}`);
    fig.setStatus(text, 'error');
    fig.emit();
  }

  /** @param {any} msg a (merged) worker reply */
  function onMessage(msg) {
    handleMessage(msg);
    // The configure in flight is answered: the waiting one (a drag's latest) may go.
    if (msg.req !== undefined && msg.req === app.configReq) fig.configurer.settle();
  }

  /** @param {any} msg */
  function handleMessage(msg) {
    switch (msg.type) {
      case 'ready':
        onReady(msg);
        return;
      case 'fatal':
        fig.reportError('WebAssembly', msg.message);
        setText('engine', 'unavailable');
        fig.emit();
        return;
      default:
        break;
    }
    // Every other reply answers a request: one fewer in flight.
    playback.inFlight = Math.max(0, playback.inFlight - 1);
    switch (msg.type) {
      case 'link':
        fig.applyLink(msg.link);
        return;
      case 'seed':
        fig.newSeed(msg.seed);
        return;
      case 'configured':
        onConfigured(msg);
        return;
      case 'invalid':
        onInvalid(msg);
        return;
      case 'state':
        applyState(msg.state);
        return;
      case 'predictions':
        app.predictions = msg.predictions;
        app.predictionSteps = msg.steps;
        app.dirty.prediction = true;
        describeState();
        return;
      case 'error':
        if (msg.state) applyState(msg.state);
        fig.setPlaying(false);
        fig.reportError('Simulation', msg.message + (msg.recovered ? ' (restarted with the last valid settings)' : ''));
        fig.emit();
        return;
      default:
        return;
    }
  }

  return { onMessage, describeState };
}
