// The FashionMNIST figure (paper Section 5.3): mount(root, options) builds it in `root` and
// returns the figure interface (www/figures/registry.js). view.js makes the markup, model.js
// reads and writes its links, figure.js runs the experiment over its workers (worker.js).

import { mountControllerFigure } from '../../lib/figure-shell.js';
import { mountFashion } from './figure.js';
import { buildFashionFigure } from './view.js';
import { SCHEMA, fashionState, fashionHash, exportBase } from './model.js';

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
