// The one-hidden-layer figure (paper Figure 4): mount(root, options) builds it in `root` and
// returns the figure interface (www/figures/registry.js). markup.js makes the markup, model.js
// holds the state and the training loop (settings.js: settings and links; captions.js: the
// sentences from the records), view.js draws it, client.js runs the worker (worker.js) through
// the shared pool, and figure.js wires them together.

import { mountControllerFigure } from '../../lib/figure-shell.js';
import { mountOneHidden } from './figure.js';
import { buildOneHiddenLayerFigure } from './markup.js';
import { SCHEMA, ohlState, ohlHash, exportBase, applyOhlState } from './settings.js';

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
