// The view of the sweep figure: its markup, built with DOM calls (lib/dom.js) for the page, the
// iframe embed and the custom element alike. The full figure has the section's prose; an embed
// keeps the title, the live caption, the plot, Run and Reset, and the settings its link lists.

import { h } from '../../lib/dom.js';
import { trimForEmbed } from '../../lib/figure-shell.js';
import { inputAttrs, setting } from '../../lib/schema.js';
import { SCHEMA } from './model.js';

// The settings card's number fields, by key (their label, range and default from the schema).
const FIELDS = ['points', 'runs', 'from', 'to', 'noiseTrace', 'iterations', 'seed'];

// What each control name shows (the plot, its caption, Run and Reset are always there).
const PARTS = {
  vary: ['.sweep-field-vary'],
  points: ['.sweep-field-points'],
  runs: ['.sweep-field-runs'],
  range: ['.sweep-field-from', '.sweep-field-to'],
  noiseTrace: ['.sweep-field-noiseTrace'],
  iterations: ['.sweep-field-iterations'],
  seed: ['.sweep-field-seed'],
};

/**
 * A number field of the settings card (id `sweep-KEY`, its error `sweep-KEY-error`).
 * @param {string} key
 */
function numberField(key) {
  const s = setting('sweep', key);
  const id = `sweep-${key}`;
  const input = h('input', { id, type: 'number', ...inputAttrs(s), 'aria-describedby': `${id}-error` });
  const fresh = s.control === 'seed'
    ? h('button', { type: 'button', id: `${id}-new`, class: 'new-seed', title: 'Draw a fresh seed from the operating system; the link records it', text: 'New seed' })
    : null;
  return h('label', { class: `field sweep-field-${key}`, for: id },
    h('span', { class: 'label-text', title: s.help, text: s.label }),
    fresh ? h('span', { class: 'field-row' }, input, fresh) : input,
    h('span', { class: 'error', id: `${id}-error`, role: 'alert' }));
}

/** What varies: a select of the schema's choices. */
function varyField() {
  const s = setting('sweep', 'vary');
  const names = /** @type {Record<string, string>} */ ({
    angle: 'Angle of the noise from the sharp axis',
    anisotropy: 'Share of the noise along the sharp axis',
    sharpness: 'Sharpness λ₁ of the sharp basin',
    spread: 'SGD’s data spread',
  });
  const select = h('select', { id: 'sweep-vary', 'aria-describedby': 'sweep-vary-error' },
    ...SCHEMA.varies.map((v) => h('option', { value: v, text: names[v] || v })));
  return h('label', { class: 'field sweep-field-vary', for: 'sweep-vary' },
    h('span', { class: 'label-text', title: s.help, text: s.label }),
    select,
    h('span', { class: 'error', id: 'sweep-vary-error', role: 'alert' }));
}

/**
 * The figure's section: everything when `full`, else trimmed to the `controls` listed (null: all).
 * @param {{ full: boolean, controls: string[] | null }} p
 * @returns {HTMLElement}
 */
export function buildSweepFigure({ full, controls }) {
  const el = section();
  if (!full) {
    trimForEmbed(el, 'sweep-live', PARTS, controls);
    // No settings listed: no settings card.
    const card = /** @type {HTMLElement | null} */ (el.querySelector('.sweep-settings'));
    if (card && controls && !Object.keys(PARTS).some((k) => controls.includes(k))) card.hidden = true;
  }
  return el;
}

/** @returns {HTMLElement} */
function section() {
  return h('section', { class: 'experiment', id: 'sweep', 'aria-labelledby': 'h-sweep' },
    h('header', { class: 'intro experiment-intro' },
      h('p', { class: 'kicker', text: 'The theory, tested · escapes against Tr(HΣ)' }),
      h('h2', { class: 'section-title', id: 'h-sweep', text: 'Escape rate against the indicator' }),
      h('p', { class: 'lede' },
        'The paper’s claim is quantitative: how often noise carries the runs out of the sharp minimum is governed by the indicator Tr(HΣ), so noise of a given trace beats isotropic noise of the same trace exactly when it is aligned with the curvature, where Tr(HΣ) / (Tr H·Tr Σ / D) exceeds 1. Here the noise keeps its trace and turns: at angle 0 all of it lies along the sharp basin’s top Hessian eigenvector (GLD 1st eigvec), at 90° all of it lies along the flat direction. Each point runs the 2-D experiment from the sharp minimum with the same seed, so the points differ by their noise alone; the bars are Wilson 95% intervals, and the marks above the plot show where the paper’s eight dynamics sit on the same axis. The native reference sweep is in ',
        h('cite', { text: 'REPRODUCTION.md' }),
        ', section 4.'),
      h('p', { id: 'sweep-live', class: 'live', 'aria-live': 'polite' })),
    h('div', { class: 'layout sweep-layout' },
      h('section', { class: 'card sweep-plot-card', 'aria-labelledby': 'h-sweep-plot' },
        h('div', { class: 'transport', role: 'group', 'aria-label': 'Sweep playback' },
          h('button', { type: 'button', id: 'sweep-play', class: 'primary', 'aria-pressed': 'false', title: 'Run the sweep, or pause it after the points in flight', text: 'Run' }),
          h('button', { type: 'button', id: 'sweep-reset', title: 'Cancel and clear the points', text: 'Reset' }),
          h('div', { class: 'readout', 'aria-live': 'off' },
            h('span', { class: 'readout-label', text: 'points' }),
            ' ',
            h('span', { id: 'sweep-done', class: 'readout-value', text: '0' }),
            ' ',
            h('span', { class: 'readout-of' },
              'of ',
              h('span', { id: 'sweep-total', text: String(setting('sweep', 'points').default) })))),
        h('progress', { id: 'sweep-progress', class: 'sweep-progress', max: '1', value: '0', 'aria-label': 'Points done' }),
        h('div', { class: 'plot-head' },
          h('h3', { id: 'h-sweep-plot', text: 'Runs that escaped, against the indicator at the sharp minimum' })),
        h('div', { class: 'canvas-box', id: 'sweep-plot-box' },
          h('canvas', { id: 'sweep-plot', role: 'img', 'aria-labelledby': 'h-sweep-plot sweep-live' })),
        h('ul', { id: 'sweep-markers', class: 'sweep-markers', 'aria-label': 'Where the paper’s eight dynamics sit' }),
        h('p', { class: 'status-line' },
          h('span', { id: 'sweep-status', role: 'status', class: 'status', text: 'Loads when this figure scrolls into view.' }))),
      h('section', { class: 'card sweep-settings', 'aria-labelledby': 'h-sweep-settings' },
        h('h3', { id: 'h-sweep-settings', text: 'Settings' }),
        h('p', { class: 'caption', text: 'Changing a setting clears the points; Run computes them again. Leave From and To as they come to use the default range of what varies.' }),
        h('form', { id: 'sweep-settings', novalidate: true, autocomplete: 'off' },
          h('div', { class: 'fields' }, varyField(), ...FIELDS.map(numberField))))));
}
