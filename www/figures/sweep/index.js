// The sweep figure (escape rate against the indicator): mount(root, options) builds it in
// `root` and returns the figure interface (www/figures/registry.js). view.js makes the markup,
// model.js reads and writes its links and holds the run's state machine, figure.js runs the
// points in the worker pool (worker.js).

import { mountControllerFigure } from '../../lib/figure-shell.js';
import { mountSweep } from './figure.js';
import { buildSweepFigure } from './view.js';
import { SCHEMA, sweepState, sweepHash, exportBase } from './model.js';

/**
 * @param {HTMLElement} root
 * @param {import('../registry.js').MountOptions} [options]
 */
export function mount(root, options = {}) {
  return mountControllerFigure(root, options, {
    figure: 'sweep',
    prefix: 'sweep',
    controls: SCHEMA.controls,
    build: buildSweepFigure,
    mountController: mountSweep,
    stateFromLink: sweepState,
    hashOf: sweepHash,
    base: exportBase,
    apply: (controller, state) => controller.setState(state),
    canvasIds: ['sweep-plot'],
    card: '.sweep-plot-card',
  });
}
