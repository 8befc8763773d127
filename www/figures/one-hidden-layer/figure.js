// The one-hidden-layer figure's controller (paper Figure 4: Tr(HΣ) of SGD's noise against the
// isotropic reference while a D = 300 network trains): wires the model (model.js: state and
// training loop), the view (view.js) and the worker client (client.js: the shared WorkerPool)
// on the markup of markup.js, and answers the controls.
//
// `mountOneHidden(root, state, { dir, autostart, freshSeed })` returns the controller that
// index.js (lib/figure-shell.js) turns into the figure interface:
//   play() / pause()      train epoch by epoch (paced), or stop after the epoch in flight
//   step()                one epoch, then pause
//   reset()               back to the untrained network (a fresh worker)
//   getState()            { epoch, playing, seed, epochs, samples, lr }: what setState takes back
//   setState(partial)     new seed, epochs, samples or lr start over; { epoch: n } trains to
//                         epoch n as fast as it can (the study is deterministic); { playing };
//                         a bad value throws an error naming it
//   readout()             the live numbers (ready, epoch, records, epochMs, errors, liveText...)
//   exportCurves(format)  the records so far as 'json' (default) or 'csv' text
//   onChange(fn)          fn(getState()) after every epoch and play/pause; returns an unsubscribe
//   layout(dpr?)          re-measure the canvases; a dpr of 2 redraws them for a PNG export
//   destroy()             stop the worker and observers
// `dir` is the wasm build ('pkg', 'pkg-scalar'); with `autostart` (default) the study loads when
// it nears the view; `freshSeed()` resolves to a seed for the "New seed" button.

import { statusReporter } from '../../lib/status.js';
import { cleanups, emitter, frameScheduler, whenNearView, whenResized, wireNewSeed } from '../../lib/figure-shell.js';
import { OneHiddenLayerModel } from './model.js';
import { OhlView } from './view.js';
import { OhlClient } from './client.js';

/**
 * Mounts the figure on the markup inside `root`; returns its controller (module comment).
 * @param {ParentNode} root
 * @param {Record<string, any>} [state]
 * @param {{ dir?: string, autostart?: boolean, freshSeed?: (() => Promise<number>) | null }} [options]
 */
export function mountOneHidden(root, state = {}, { dir = 'pkg-scalar', autostart = true, freshSeed = null } = {}) {
  const $ = (/** @type {string} */ id) => /** @type {any} */ (root.querySelector(`#${id}`));
  const bag = cleanups();
  const changes = emitter();
  /** @type {string[]} */
  const errors = [];
  const status = statusReporter($('ohl-status'), errors);
  const view = new OhlView(root);
  /** @type {OneHiddenLayerModel} */
  const model = new OneHiddenLayerModel({
    io: {
      start: () => client.start(),
      stop: () => client.stop(),
      post: (msg) => client.post(msg),
      later: (fn, ms) => { setTimeout(fn, ms); },
      now: () => performance.now(),
    },
    on: { status: status.setStatus, error: status.reportError, change: () => changes.emit(getState), draw },
    dir,
    state,
  });
  model.errorLog = errors;
  const client = new OhlClient(model);
  // After every frame the loop may ask for the next epoch (a paced one whose time has come).
  const frame = frameScheduler(() => { view.render(model); model.loop(); });

  function draw() {
    if (model.dirty.playing) view.renderPlaying(model);
    frame.request();
  }

  function getState() { return model.getState(); }

  /** @param {number} [dpr] */
  function layout(dpr) {
    view.layout(model, dpr);
    frame.request();
  }

  bag.listen($('ohl-play'), 'click', () => { if (model.playing) model.pause(); else model.play(); });
  bag.listen($('ohl-reset'), 'click', () => model.reset());
  wireNewSeed($('ohl-new-seed'), freshSeed, (seed) => model.setState({ seed }), status, bag);
  bag.add(whenResized([$('ohl-traces-box'), $('ohl-boundary-box')], () => layout()));
  layout();

  const controller = {
    play: () => model.play(),
    pause: () => model.pause(),
    step: () => model.step(),
    reset: () => model.reset(),
    getState,
    /** @param {Record<string, any>} [partial] */
    setState: (partial = {}) => model.setState(partial),
    readout: () => ({ ...model.readout(), framesDrawn: view.stats.framesDrawn }),
    /** @param {string} [format] */
    exportCurves: (format) => model.exportCurves(format),
    /** @param {(s: any) => void} fn */
    onChange: (fn) => changes.on(fn),
    layout,
    destroy() {
      model.destroyed = true;
      client.stop();
      frame.stop();
      bag.run();
      changes.clear();
    },
  };

  if (typeof WebAssembly !== 'object') {
    status.setStatus('This browser does not support WebAssembly.', 'error');
    $('ohl-play').disabled = true;
    return controller;
  }
  if (state && (state.playing || state.epoch)) model.setState({ playing: state.playing, epoch: state.epoch });
  // Lazy start: load the (cheap) study when the figure comes near the viewport; train on Play.
  if (autostart) bag.add(whenNearView(root, () => model.begin()));
  return controller;
}
