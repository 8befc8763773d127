// The one-hidden-layer figure (paper Figure 4): mount(root, options) builds it in `root` and
// returns the figure interface (www/figures/registry.js). view.js makes the markup, model.js
// reads and writes its links, figure.js trains the network in its worker (worker.js).

import { mountControllerFigure } from '../../lib/figure-shell.js';
import { mountOneHidden } from './figure.js';
import { buildOneHiddenLayerFigure } from './view.js';
import { SCHEMA, ohlState, ohlHash, exportBase, applyOhlState } from './model.js';

/**
 * @param {HTMLElement} root
 * @param {import('../registry.js').MountOptions} [options]
 */
export function mount(root, options = {}) {
  return mountControllerFigure(root, options, {
    figure: 'one-hidden-layer',
    prefix: 'ohl',
    controls: SCHEMA.controls,
    build: buildOneHiddenLayerFigure,
    mountController: mountOneHidden,
    stateFromLink: ohlState,
    hashOf: ohlHash,
    base: exportBase,
    apply: applyOhlState,
    canvasIds: ['ohl-traces', 'ohl-boundary'],
    card: '.ohl-traces-card',
  });
}
