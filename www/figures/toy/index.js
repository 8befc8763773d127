// The 2-D figure (the two-basin experiment): mount(root, options) builds it inside `root` and
// returns the interface every figure shares (www/figures/registry.js). The page, the iframe
// embed and the custom element all mount it the same way; each mount has its own workers,
// state and link, so several on one page are independent. The main thread never runs the
// simulation; it keeps at most one request in flight.
//
// This module puts the parts together (context.js: what they share). model.js and state.js
// hold the pure parts (settings, link, playback, captions, export files; the live state and its
// readout), view.js the markup and the parts rebuilt from the state, client.js the workers
// (worker.js). The controller's parts: configure.js (settings to configure requests),
// canvases.js (drawing, layout, lecture mode), transport.js (play, step, reset, the timeline,
// the keys), permalink.js (the link, its notices, presets), replies.js (the workers' replies),
// exports.js (the export files). The landscape's shape: shape.js (its settings and words),
// handles.js (the handles' geometry), shape-control.js (the handles' elements and events),
// coalesce.js (one configure in flight while a handle is dragged); prediction.js draws the loss
// prediction next to the measurement.

import { SCHEMA, workerCount } from './model.js';
import { ToyClient } from './client.js';
import { buildToyFigure } from './view.js';
import { figureState } from './state.js';
import { createContext } from './context.js';
import { configuring } from './configure.js';
import { canvases } from './canvases.js';
import { transport } from './transport.js';
import { permalink } from './permalink.js';
import { replies } from './replies.js';
import { exporting } from './exports.js';
import { chooseBuild } from '../../lib/wasm-build.js';
import { listedControls } from '../../lib/link.js';

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

  // The parts share one context, and call each other through it once all are in.
  const fig = /** @type {import('./context.js').Toy} */ (/** @type {unknown} */ (createContext(root, opts)));
  const { app, info, playback, $ } = fig;
  /** @type {import('./context.js').ToyParts} */
  const parts = { ...canvases(fig), ...configuring(fig), ...transport(fig), ...permalink(fig), ...replies(fig), ...exporting(fig) };
  Object.assign(fig, parts);
  fig.getState = getState;

  /** Loads the workers and runs the link (at mount, or when an element nears the view). */
  function start() {
    if (app.started || app.destroyed) return;
    app.started = true;
    if (typeof WebAssembly !== 'object') {
      fig.reportError('WebAssembly', 'this browser does not support WebAssembly');
      return;
    }
    app.dir = chooseBuild();
    fig.setText('engine', app.dir === 'pkg' ? 'loading wasm SIMD128…' : 'loading wasm scalar…');
    fig.setStatus('Loading the WebAssembly module…');
    try {
      app.client = new ToyClient(workerCount(opts.hash || '', navigator.hardwareConcurrency), app.dir, fig.onMessage, (m) => fig.reportError('Worker', m));
    } catch (e) {
      fig.reportError('Worker', e instanceof Error ? e.message : String(e));
      return;
    }
    app.client.init();
    app.raf = requestAnimationFrame(fig.tick);
  }

  /** @returns {any} the figure's state, plain JSON (see registry.js) */
  function getState() {
    return figureState({
      app, info, playing: playback.playing, inFlight: playback.inFlight, target: fig.target(), speed: fig.speed(),
      captions: { figure: $('figure-caption').textContent, shape: $('shape-caption').textContent, prediction: $('prediction-caption').textContent },
      configures: fig.configurer,
    });
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
      if (app.ready) fig.parseLink(partial.hash); else opts.hash = partial.hash;
    }
    if (fig.fields.write(partial, fig.methodIds())) fig.configure(null);
    if (partial.playing === true) fig.play();
    if (partial.playing === false) fig.pause();
  }

  fig.wireTransport();
  fig.wireSettings();
  fig.wireLink();
  fig.wireSeeds();
  fig.wireExports();
  fig.wireLecture();
  fig.wireKeys();
  fig.wireLayout();
  fig.layout();
  if (opts.start) start();

  return {
    play: fig.play,
    pause: fig.pause,
    step: fig.step,
    reset: fig.reset,
    getState,
    setState,
    onChange: (fn) => fig.changes.on(fn),
    export: fig.exportAs,
    start,
    destroy() {
      app.destroyed = true;
      cancelAnimationFrame(app.raf);
      fig.bag.run();
      if (app.client) app.client.terminate();
      app.client = null;
      fig.changes.clear();
    },
  };
}
