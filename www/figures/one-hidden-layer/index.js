// The one-hidden-layer figure (paper Figure 4): mount(root, options) builds it in `root` and
// returns the figure interface (www/figures/registry.js). view.js makes the markup, model.js
// reads and writes its links, figure.js trains the network in its worker (worker.js).

import { mountControllerFigure } from '../../lib/figure-shell.js';
import { mountOneHidden } from './figure.js';
import { buildOneHiddenLayerFigure } from './view.js';
import { SCHEMA, ohlState, ohlHash, exportBase } from './model.js';

/**
 * Applies a link's state to the controller: the settings, then training to the link's epoch
 * (unpaced), then, if the link says play, playing on from there.
 * @param {any} controller
 * @param {Record<string, any>} state
 */
function apply(controller, state) {
  const { epoch, playing, ...config } = state;
  controller.setState({ ...config, playing: false });
  if (epoch) controller.setState({ epoch });
  if (!playing) return;
  if (!epoch) { controller.play(); return; }
  const off = controller.onChange((/** @type {any} */ s) => {
    if (s.epoch >= epoch && !s.playing) { off(); controller.play(); }
  });
}

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
    apply,
    canvasIds: ['ohl-traces', 'ohl-boundary'],
    card: '.ohl-traces-card',
  });
}
