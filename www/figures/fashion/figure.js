// The FashionMNIST figure's controller (paper Section 5.3): wires the model (model.js: state and
// state machine), the view (view.js: draws it, reads the settings card) and the worker client
// (client.js: the shared WorkerPool) on the markup of markup.js, and answers the controls.
//
// `mountFashion(root, state, { dir, autostart, freshSeed })` returns the controller that
// index.js (lib/figure-shell.js) turns into the figure interface:
//   play() / pause()      run or pause stage 1 and stage 2 (pause lands after the current chunk)
//   step()                run every method to its next record, then pause
//   reset()               back to the minimum (in place: the workers keep data and minimum)
//   paperProtocol()       the paper's stage 2 with its CNN (settings.js paperSettings), playing
//   getState()            { methods, seed, logEvery, target, threads, fromScratch, network,
//                           maxRecords, playing, spectrumMethod, hidden }: what setState takes back
//   setState(partial)     any of those keys (a bad value throws an error naming it); structural
//                         settings start the experiment over, the target does not
//   readout()             the live numbers (phase, iteration, records, perf, errors, liveText, spectrumText...)
//   exportCurves(format)  the records so far as 'json' (default) or 'csv' text
//   onChange(fn)          fn(getState()) after every change of state; returns an unsubscribe
//   layout(dpr?)          re-measure the canvases; a dpr of 2 redraws them for a PNG export
//   destroy()             stop the workers and observers
// `dir` is the wasm build ('pkg' for SIMD, 'pkg-scalar'); with `autostart` (default) data load
// when the figure nears the view; `freshSeed()` resolves to a seed for the "New seed" button.

import { statusReporter } from '../../lib/status.js';
import { cleanups, emitter, frameScheduler, whenNearView, whenResized, wireNewSeed } from '../../lib/figure-shell.js';
import { FashionModel } from './model.js';
import { FashionView } from './view.js';
import { FashionClient, MINIMUMS } from './client.js';

export { CLASS_NAMES } from './strip.js';

// The counters and the progress bar follow progress without new records at most this often (ms):
// the workers report many times a second, and every update costs a style, layout and paint.
const READOUT_MS = 250;

/**
 * Mounts the figure on the markup inside `root`; returns its controller (module comment).
 * @param {ParentNode} root
 * @param {Record<string, any>} [state] a partial getState() applied before anything runs
 * @param {{ dir?: string, autostart?: boolean, freshSeed?: (() => Promise<number>) | null }} [options]
 */
export function mountFashion(root, state = {}, { dir = 'pkg-scalar', autostart = true, freshSeed = null } = {}) {
  const $ = (/** @type {string} */ id) => /** @type {any} */ (root.querySelector(`#${id}`));
  const bag = cleanups();
  const changes = emitter();
  /** @type {string[]} */
  const errors = [];
  const status = statusReporter($('fashion-status'), errors);
  let lastReadout = 0;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let readoutTimer = null;

  /** @type {FashionModel} */
  const model = new FashionModel({
    io: {
      start: (n) => client.start(n),
      stop: () => client.stop(),
      post: (k, msg) => client.post(k, msg),
      fetchSaved: (network) => client.fetchSaved(network),
    },
    on: { status: status.setStatus, error: status.reportError, change: () => changes.emit(getState), draw },
    dir,
    cores: navigator.hardwareConcurrency || 2,
    minimums: MINIMUMS,
  });
  model.errorLog = errors;
  const client = new FashionClient(model);
  const view = new FashionView(root, {
    onMethodToggle: (id) => model.toggleHidden(id),
    onSettings: () => model.edit(view.readForm()),
  });
  // The threads' default is the page's (two workers at most; settings.js DEFAULT_THREADS).
  $('fashion-threads').defaultValue = String(model.draft.threads);
  const frame = frameScheduler(() => {
    if (model.dirty.readoutSoon) { model.dirty.readoutSoon = false; model.dirty.readout = true; }
    if (model.dirty.readout) lastReadout = performance.now();
    view.render(model);
  });

  /** Schedules a frame for what the model marked; progress alone waits for READOUT_MS. */
  function draw() {
    if (model.dirty.playing) view.renderPlaying(model);
    const d = /** @type {Record<string, boolean>} */ (model.dirty);
    if (Object.keys(d).some((k) => d[k] && k !== 'readoutSoon')) { frame.request(); return; }
    if (!d.readoutSoon || readoutTimer) return;
    const wait = READOUT_MS - (performance.now() - lastReadout);
    if (wait <= 0) { frame.request(); return; }
    readoutTimer = setTimeout(() => { readoutTimer = null; frame.request(); }, wait);
  }

  function getState() { return model.getState(); }

  /** @param {number} [dpr] sizes the canvases to their boxes (default: the screen's dpr) */
  function layout(dpr) {
    view.layout(model, dpr);
    frame.request();
  }

  // ---------------------------------------------------------------- the controls
  const edit = () => model.edit(view.readForm());
  bag.listen($('fashion-play'), 'click', () => { if (model.playing) model.pause(); else model.play(); });
  bag.listen($('fashion-reset'), 'click', () => model.reset());
  const paper = $('fashion-paper');
  if (paper) bag.listen(paper, 'click', () => model.paperProtocol());
  for (const id of ['fashion-iterations', 'fashion-log-every', 'fashion-seed', 'fashion-threads', 'fashion-network']) bag.listen($(id), 'change', edit);
  bag.listen($('fashion-stage1'), 'change', (e) => {
    // Asking for stage 1 from scratch means running it again, not reusing one from earlier.
    if (e.target.checked) model.forgetMinimum();
    edit();
  });
  bag.listen($('fashion-settings'), 'submit', (e) => e.preventDefault());
  bag.listen($('fashion-defaults'), 'click', () => { view.restoreDefaults(); edit(); });
  bag.listen($('fashion-spectrum-method'), 'change', (e) => { model.setSpectrum(e.target.value); model.on.change(); });
  wireNewSeed($('fashion-seed-new'), freshSeed, (seed) => model.setState({ seed }), status, bag);
  bag.add(whenResized([$('fashion-curves-box'), $('fashion-spectrum-box')], () => layout()));

  const controller = {
    play: () => model.play(),
    pause: () => model.pause(),
    step: () => model.step(),
    reset: () => model.reset(),
    paperProtocol: () => model.paperProtocol(),
    getState,
    /** @param {Record<string, any>} [partial] */
    setState: (partial = {}) => model.setState(partial),
    readout: () => ({ ...model.readout(), ...view.stats, strip: view.strip }),
    /** @param {string} [format] */
    exportCurves: (format) => model.exportCurves(format),
    /** @param {(s: any) => void} fn */
    onChange: (fn) => changes.on(fn),
    layout,
    destroy() {
      model.destroyed = true;
      model.stop();
      frame.stop();
      if (readoutTimer) clearTimeout(readoutTimer);
      bag.run();
      changes.clear();
    },
  };

  const { playing, ...settings } = state || {};
  model.setState(settings);
  layout();
  if (typeof WebAssembly !== 'object') {
    status.setStatus('This browser does not support WebAssembly.', 'error');
    $('fashion-play').disabled = true;
    return controller;
  }
  if (playing) model.play();
  // Lazy start: data and the minimum load when the figure comes near the viewport (in workers,
  // so the 2-D figure is never held up); nothing is trained before Play.
  const loadReference = () => client.fetchReference().then((groups) => {
    if (model.destroyed || !groups) return;
    model.reference = groups;
    model.dirty.text = true;
    model.on.change();
    draw();
  });
  if (autostart) {
    bag.add(whenNearView(root, () => {
      if (!model.shards.length) model.begin();
      loadReference();
    }));
  }
  return controller;
}
