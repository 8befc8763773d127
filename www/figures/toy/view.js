// The view of the 2-D figure: its markup, built with DOM calls (lib/dom.js), so the full page,
// the iframe embed and the custom element share one structure and one set of ids (unique within
// their root: the document, or each element's shadow root), and the parts of it that are rebuilt
// from the state (method boxes, legend, indicator table).
//
// buildToyFigure({ controls, full }) -> [Element] (the cards, in the order of the page's grid)
// `controls`: null for every control, else the list of hash keys to show (permalink CONTROLS);
// settings not listed still exist as hidden inputs, so the figure reads every value one way.

import { h } from '../../lib/dom.js';
import { markerSwatch, DESCRIPTION } from '../../lib/methods.js';
import { fmt } from '../../lib/format.js';
import { SCHEMA, SETTINGS, countText } from './model.js';
import { SHAPE_SETTINGS } from './shape.js';
import { inputAttrs } from '../../lib/schema.js';

/**
 * A number field of the settings card; a seed gets a "New seed" button (`ID-new`).
 * @param {[string, string, string, Record<string, string | number>, string]} setting
 * @param {boolean} shown
 */
function numberField([key, id, label, attrs, control], shown) {
  const input = h('input', { id, name: key, type: 'number', 'aria-describedby': `${id}-error`, ...attrs });
  const fresh = control === 'seed'
    ? h('button', { type: 'button', id: `${id}-new`, class: 'new-seed', title: 'Draw a fresh seed from the operating system; the link records it', text: 'New seed' })
    : null;
  return h('label', { class: 'field', for: id, hidden: !shown, 'data-key': key },
    h('span', { class: 'label-text', text: label }),
    fresh ? h('span', { class: 'field-row' }, input, fresh) : input,
    h('span', { class: 'error', id: `${id}-error`, role: 'alert' }));
}

/**
 * The figure's cards, in the order of the page's grid.
 * @param {{ controls?: string[] | null, full?: boolean }} [o]
 */
export function buildToyFigure({ controls = null, full = true } = {}) {
  /** @param {string} key */
  const shows = (key) => controls === null || controls.includes(key);

  const landscape = h('section', { class: 'card figure', 'aria-labelledby': 'h-landscape' },
    h('div', { class: 'card-head' },
      h('h2', { id: 'h-landscape', text: 'Loss landscape and particle clouds' }),
      h('p', { class: 'caption' }, 'Heatmap and contours: the mean loss over the data (log scale). ',
        h('span', { id: 'drawn-note', text: 'One marker per run.' }))),
    h('div', { class: 'canvas-box landscape-box', id: 'landscape-box' },
      h('canvas', { id: 'landscape', role: 'img', 'aria-label': 'Loss landscape over w1 and w2 with its sharp and flat minima, and the particle clouds of each simulated method' }),
      // The shape handles (shape-control.js), only where the shape's fields are shown.
      h('div', { class: 'shape-handles', id: 'shape-handles', role: 'group', 'aria-label': 'Shape the sharp basin', hidden: true })),
    h('p', { id: 'figure-caption', class: 'caption live-caption', 'aria-live': 'polite' }));

  const sp = SCHEMA.speed;
  const speed = h('label', { class: 'field', for: 'speed', hidden: !shows('speed'), 'data-key': 'speed' },
    h('span', { class: 'label-text' }, `${sp.label} `, h('output', { id: 'speed-out', for: 'speed', text: String(sp.default) }), ' ',
      h('span', { class: 'unit', text: 'iterations / frame' })),
    h('input', { autocomplete: 'off', id: 'speed', name: 'speed', type: 'range', ...inputAttrs(sp), inputmode: null }));
  const it = SCHEMA.iterations;
  const iterations = h('label', { class: 'field', for: 'iterations', hidden: !shows('iterations'), 'data-key': 'iterations' },
    h('span', { class: 'label-text', text: it.label }),
    h('input', { autocomplete: 'off', id: 'iterations', name: 'iterations', type: 'number', ...inputAttrs(it), 'aria-describedby': 'iterations-error' }),
    h('span', { class: 'error', id: 'iterations-error', role: 'alert' }));

  const presetSelect = h('select', { id: 'preset', 'aria-label': 'Preset' }, h('option', { value: '', text: 'Presets…' }));
  const tools = h('div', { class: 'tools', role: 'group', 'aria-label': 'Presets, link and export' },
    h('span', { hidden: !shows('presets') }, presetSelect),
    h('button', { type: 'button', id: 'copy-link', hidden: !shows('link'), title: 'Copy a link to exactly this figure (settings, seed, play state)', text: 'Copy link' }),
    h('span', { class: 'export', hidden: !shows('export') },
      h('button', { type: 'button', id: 'export-png', title: 'The figure as a PNG at twice its resolution', text: 'PNG' }),
      h('button', { type: 'button', id: 'export-csv', title: 'The escape curves as CSV', text: 'CSV' }),
      h('button', { type: 'button', id: 'export-json', title: 'The curves, counts and config as JSON', text: 'JSON' }),
      h('button', { type: 'button', id: 'export-config', title: 'The config as JSON', text: 'Config' })),
    h('button', { type: 'button', id: 'lecture', 'aria-pressed': 'false', title: 'Lecture mode: large type, high contrast; Space play/pause, → step, R reset, F fullscreen', text: 'Lecture mode' }));

  const side = h('section', { class: 'card side', 'aria-labelledby': 'h-run' },
    h('h2', { id: 'h-run', class: 'visually-hidden', text: 'Run' }),
    h('div', { id: 'notices', class: 'notices', role: 'alert', hidden: true }),
    h('div', { class: 'transport', role: 'group', 'aria-label': 'Playback' },
      h('button', { type: 'button', id: 'play', class: 'primary', 'aria-pressed': 'false', 'aria-keyshortcuts': 'Space K', title: 'Play or pause (Space or K)', disabled: true, text: 'Play' }),
      h('button', { type: 'button', id: 'step', 'aria-keyshortcuts': '. ArrowRight', title: 'One iteration (. or →)', disabled: true, text: 'Step' }),
      h('button', { type: 'button', id: 'reset', 'aria-keyshortcuts': 'R', title: 'Back to iteration 0, same seed (R)', disabled: true, text: 'Reset' }),
      h('button', { type: 'button', id: 'run-to', title: 'Compute straight to the pause iteration, as fast as the workers go (no animation)', disabled: true, text: 'Skip to end' }),
      h('div', { class: 'readout', 'aria-live': 'off' },
        h('span', { class: 'readout-label', text: 'iteration' }),
        h('span', { id: 'iteration', class: 'readout-value', text: '0' }),
        h('span', { class: 'readout-of' }, 'of ', h('span', { id: 'target-echo', text: String(SCHEMA.iterations.default) })))),
    h('label', { class: 'field timeline', for: 'timeline', hidden: !shows('iterations'), 'data-key': 'iteration' },
      h('span', { class: 'label-text', text: SCHEMA.iteration.label }),
      h('input', { autocomplete: 'off', id: 'timeline', name: 'timeline', type: 'range', min: String(SCHEMA.iteration.min), max: String(SCHEMA.iterations.default), step: '1', value: '0', disabled: true, title: 'Drag to any iteration reached or ahead: the workers seek there, bit for bit the uninterrupted run', 'aria-describedby': 'timeline-error' }),
      h('span', { class: 'error', id: 'timeline-error', role: 'alert' })),
    h('div', { class: 'transport-settings', hidden: !shows('speed') && !shows('iterations') }, speed, iterations),
    tools,
    h('div', { class: 'legend-head' }, h('h3', {}, 'Methods ', h('span', { class: 'hint', text: '(click to show or hide)' }))),
    h('div', { id: 'legend', class: 'legend', role: 'group', 'aria-label': 'Show or hide methods; escaped counts' }),
    h('div', { class: 'plot-head' }, h('h3', { id: 'h-escape', text: 'Runs in the flat basin' })),
    h('div', { class: 'canvas-box', id: 'escape-box' }, h('canvas', { id: 'escape-plot', role: 'img', 'aria-labelledby': 'h-escape' })),
    h('p', { class: 'status-line' },
      h('span', { id: 'status', role: 'status', class: 'status', text: 'Loading…' }),
      h('span', { class: 'engine-wrap' }, 'engine: ', h('span', { id: 'engine', text: 'detecting…' }))));

  // The landscape's shape (fields and drag handles): on the full page, and in an embed that
  // lists `shape` in its `controls=`.
  const shapeShown = full || shows('shape');
  const shape = h('fieldset', { class: 'shape-fields', id: 'shape-fields', hidden: !shapeShown },
    h('legend', { text: 'Landscape shape' }),
    h('p', { class: 'caption', text: 'Drag the handles θ, λ₁ and λ₂ around the sharp minimum, or type the values.' }),
    h('div', { class: 'fields' }, ...SHAPE_SETTINGS.map((x) => numberField(x, shapeShown))),
    h('p', { class: 'caption shape-caption', id: 'shape-caption', 'aria-live': 'polite' }));
  const anySetting = SETTINGS.some(([key]) => shows(key)) || shows('methods') || shapeShown;
  const settingsCard = h('section', { class: 'card toy-settings', 'aria-labelledby': 'h-toy-settings', hidden: !anySetting },
    h('h2', { id: 'h-toy-settings', text: 'Settings' }),
    full ? h('p', { class: 'caption', id: 'protocol-caption', text: 'Changing a setting starts a fresh simulation.' }) : null,
    h('form', { id: 'controls', novalidate: true, autocomplete: 'off' },
      h('div', { class: 'fields' }, ...SETTINGS.map((x) => numberField(x, shows(x[0])))),
      shape,
      h('fieldset', { class: 'method-boxes', 'aria-describedby': 'methods-error', hidden: !shows('methods') },
        h('legend', { text: 'Simulated methods' }),
        h('div', { id: 'method-boxes', class: 'checks' }),
        h('span', { class: 'error', id: 'methods-error', role: 'alert' })),
      h('div', { class: 'form-actions', hidden: !full }, h('button', { type: 'button', id: 'defaults', text: 'Restore the paper’s settings' }))));

  const indicator = h('section', { class: 'card indicator', id: 'indicator-panel', 'aria-labelledby': 'h-indicator-panel', hidden: !shows('indicator') },
    h('h2', { id: 'h-indicator-panel', text: 'Tr(HΣ) at the sharp minimum' }),
    h('p', { class: 'caption' },
      h('span', { class: 'key key-solid', 'aria-hidden': 'true' }), ' Tr(HΣ) of each method’s noise, against ',
      h('span', { class: 'key key-iso', 'aria-hidden': 'true' }), ' the isotropic reference Tr H · Tr Σ / D of the same trace. A ratio above 1 means the noise is concentrated along sharp directions.'),
    h('div', { class: 'canvas-box', id: 'indicator-box' },
      h('canvas', { id: 'indicator-plot', role: 'img', 'aria-label': 'Bars of Tr(H Sigma) and of the isotropic reference for each method, on a log axis' })),
    h('div', { class: 'table-wrap' },
      h('table', { id: 'indicator-table' },
        h('caption', { id: 'hessian-caption', text: 'At the sharp minimum' }),
        h('thead', {}, h('tr', {}, ...['Method', 'Tr Σ', 'Tr(HΣ)', 'Tr H·Tr Σ / D', 'ratio', 'â'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', { id: 'indicator-rows' }))));

  const prediction = h('section', { class: 'card prediction', id: 'prediction-panel', 'aria-labelledby': 'h-prediction', hidden: !full || !shows('indicator') },
    h('h2', { id: 'h-prediction', text: 'The indicator predicts the loss rise' }),
    h('p', { class: 'caption', id: 'prediction-caption', text: 'Mean loss over the first iterations from the sharp minimum: dashed, the prediction; solid, the measured mean, shaded ±1 sd.' }),
    h('div', { class: 'canvas-box', id: 'prediction-box' },
      h('canvas', { id: 'prediction-plot', role: 'img', 'aria-labelledby': 'h-prediction', 'aria-describedby': 'prediction-caption' })));

  return [landscape, side, settingsCard, indicator, prediction];
}

/**
 * The legend: one toggle button per simulated method with its escaped count (`count-ID`).
 * @param {HTMLElement} legend
 * @param {{ simulated: string[], names: Record<string, string>, hidden: Set<string>, state: any, onToggle: (id: string) => void }} p
 */
export function buildLegend(legend, { simulated, names, hidden, state, onToggle }) {
  legend.replaceChildren();
  const title = (/** @type {string} */ id) => `${DESCRIPTION[id] || ''} Click to ${hidden.has(id) ? 'show' : 'hide'}.`;
  for (const id of simulated) {
    const b = h('button', { type: 'button', class: 'legend-item', 'data-method': id, 'aria-pressed': hidden.has(id) ? 'false' : 'true', title: title(id) },
      markerSwatch(id, 16),
      h('span', { class: 'legend-name', text: names[id] || id }),
      h('span', { class: 'visually-hidden', text: ': ' }),
      h('span', { class: 'legend-count', id: `count-${id}`, text: state ? countText(state, id) : '0/0 escaped' }));
    b.addEventListener('click', () => {
      onToggle(id);
      b.setAttribute('aria-pressed', hidden.has(id) ? 'false' : 'true');
      b.title = title(id);
    });
    legend.append(b);
  }
}

/**
 * The indicator table: one row per method (Tr Σ, Tr(HΣ), the isotropic reference, ratio, â).
 * @param {HTMLElement} body the tbody
 * @param {any[]} rows indicatorRows()
 */
export function fillIndicatorTable(body, rows) {
  body.replaceChildren();
  const cell = (/** @type {string} */ text) => h('td', { class: 'num', text });
  for (const r of rows) {
    const noisy = r.trSigma > 0;
    body.append(h('tr', {},
      h('th', { scope: 'row' }, markerSwatch(r.id, 12), h('span', { text: r.name })),
      cell(fmt(r.trSigma)),
      cell(fmt(r.trHSigma)),
      cell(fmt(r.trHSigmaIso)),
      cell(noisy ? `×${Number(r.ratio).toFixed(2)}` : '—'),
      cell(noisy ? Number(r.aHat).toFixed(2) : '—')));
  }
}
