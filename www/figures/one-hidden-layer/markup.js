// The markup of the one-hidden-layer figure, built with DOM calls (lib/dom.js) for
// the page, the iframe embed and the custom element alike. The full figure has the section's
// prose; an embed keeps the title and the live numbers, and the parts its link lists.

import { h } from '../../lib/dom.js';
import { trimForEmbed } from '../../lib/figure-shell.js';

// What each control name shows (the rest of the figure is always there).
const PARTS = { boundary: ['.ohl-boundary-card'] };

/**
 * The figure's section: everything when `full`, else trimmed to the `controls` listed (null: all).
 * @param {{ full: boolean, controls: string[] | null }} p
 * @returns {HTMLElement}
 */
export function buildOneHiddenLayerFigure({ full, controls }) {
  const el = section();
  if (!full) trimForEmbed(el, 'ohl-live', PARTS, controls);
  return el;
}

/** @returns {HTMLElement} */
function section() {
  return h('section', { class: 'experiment', id: 'ohl', 'aria-labelledby': 'h-ohl' },
    h('header', { class: 'intro experiment-intro' },
      h('p', { class: 'kicker', text: 'Experiment 3 · paper Figure 4' }),
      h('h2', { class: 'section-title', id: 'h-ohl', text: 'Tr(HΣ) during training' }),
      h('p', { class: 'lede' },
        'Is SGD’s noise aligned with the curvature all along, not just at a minimum? A network with one hidden layer of ',
        h('span', { 'data-ohl-setting': 'hidden', text: '100' }),
        ' ReLUs (D = ',
        h('span', { 'data-ohl-setting': 'parameters', text: '300' }),
        ' weights) learns to tell x₁ ≥ x₂ from x₁ < x₂ on ',
        h('span', { 'data-ohl-setting': 'samples', text: '1,000' }),
        ' points in ',
        h('span', { 'data-ohl-setting': 'inputRange', text: '[−2, 2]²' }),
        ' (Adam, full batch, ',
        h('span', { 'data-ohl-setting': 'iterationsPerEpoch', text: '10' }),
        ' iterations per epoch, the learning rate decaying to 0 from epoch ',
        h('span', { 'data-ohl-setting': 'decayStart', text: '21' }),
        ' of ',
        h('span', { 'data-ohl-setting': 'epochs', text: '31' }),
        '). After every epoch the full Hessian H and the covariance Σ of SGD’s minibatch gradients (',
        h('span', { 'data-ohl-setting': 'sigmaBatches', text: '100' }),
        ' batches of ',
        h('span', { 'data-ohl-setting': 'sigmaBatchSize', text: '10' }),
        ') are measured, and Tr(HΣ) is set against Tr H·Tr Σ / D, the score of isotropic noise of the same size. The native reference run is in ',
        h('cite', { text: 'REPRODUCTION.md' }),
        ', section 2; the numbers below come from the run in your browser.'),
      h('p', { id: 'ohl-live', class: 'live', 'aria-live': 'polite' })),
    h('div', { class: 'layout ohl-layout' },
      h('section', { class: 'card ohl-traces-card', 'aria-labelledby': 'h-ohl-traces' },
        h('div', { class: 'transport', role: 'group', 'aria-label': 'One-hidden-layer playback' },
          h('button', { type: 'button', id: 'ohl-play', class: 'primary', 'aria-pressed': 'false', title: 'Train, or pause', text: 'Play' }),
          h('button', { type: 'button', id: 'ohl-reset', title: 'Back to the untrained network', text: 'Reset' }),
          h('button', { type: 'button', id: 'ohl-new-seed', title: 'Start over from a fresh seed drawn from the operating system; the link records it', text: 'New seed' }),
          h('div', { class: 'readout', 'aria-live': 'off' },
            h('span', { class: 'readout-label', text: 'epoch' }),
            ' ',
            h('span', { id: 'ohl-epoch', class: 'readout-value', text: '0' }),
            ' ',
            h('span', { class: 'readout-of' },
              'of ',
              h('span', { id: 'ohl-epochs', text: '31' })))),
        h('progress', { id: 'ohl-progress', class: 'ohl-progress', max: '31', value: '0', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '31', 'aria-valuenow': '0', 'aria-label': 'Epochs done' }),
        h('div', { class: 'plot-head' },
          h('h3', { id: 'h-ohl-traces', text: 'Tr(HΣ) of SGD’s noise and the isotropic reference, per epoch' })),
        h('div', { class: 'canvas-box', id: 'ohl-traces-box' },
          h('canvas', { id: 'ohl-traces', role: 'img', 'aria-labelledby': 'h-ohl-traces' })),
        h('p', { class: 'status-line' },
          h('span', { id: 'ohl-status', role: 'status', class: 'status', text: 'Loads when this figure scrolls into view.' }))),
      h('section', { class: 'card ohl-boundary-card', 'aria-labelledby': 'h-ohl-boundary' },
        h('div', { class: 'plot-head' },
          h('h3', { id: 'h-ohl-boundary', text: 'What the network has learnt' })),
        h('p', { class: 'caption' },
          'Its output over ',
          h('span', { 'data-ohl-setting': 'inputRange', text: '[−2, 2]²' }),
          ' (orange near 0, blue near 1), the ',
          h('span', { 'data-ohl-setting': 'samples', text: '1,000' }),
          ' training points, the true boundary x₁ = x₂ (dashed) and the network’s own (output ½).'),
        h('div', { class: 'canvas-box', id: 'ohl-boundary-box' },
          h('canvas', { id: 'ohl-boundary', role: 'img', 'aria-label': "The network's output as a heatmap over the square from minus 2 to 2, with the training points and the boundaries" })))));
}
