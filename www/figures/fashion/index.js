// The FashionMNIST figure (paper Section 5.3): mount(root, options) builds it in `root` and
// returns the figure interface (www/figures/registry.js). markup.js makes the markup, model.js
// holds the state and the experiment's state machine (settings.js: settings and links;
// captions.js: every sentence from state), view.js draws it, client.js runs the workers
// (worker.js) through the shared pool, and figure.js wires them together.

import { mountControllerFigure } from '../../lib/figure-shell.js';
import { mountFashion } from './figure.js';
import { buildFashionFigure } from './markup.js';
import { SCHEMA, fashionState, fashionHash, exportBase } from './settings.js';

/**
 * @param {HTMLElement} root
 * @param {import('../registry.js').MountOptions} [options]
 */
export function mount(root, options = {}) {
  return mountControllerFigure(root, options, {
    figure: 'fashion',
    prefix: 'fashion',
    controls: SCHEMA.controls,
    build: buildFashionFigure,
    mountController: mountFashion,
    stateFromLink: fashionState,
    hashOf: fashionHash,
    base: exportBase,
    apply: (controller, state) => controller.setState(state),
    canvasIds: ['fashion-curves', 'fashion-spectrum'],
    card: '.f-side',
  });
}
