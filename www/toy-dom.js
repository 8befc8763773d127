// The markup of the 2-D figure, built with DOM calls (never from HTML strings), so the full page,
// the iframe embed and the custom element share one structure and one set of ids. Ids are unique
// within their root (the document, or each element's shadow root).
//
// buildToyFigure(doc, { controls }) -> { cards: [Element], fieldNodes: Map(key -> label) }
// `controls`: null for every control, else the list of hash keys to show (permalink CONTROLS);
// settings not listed still exist as hidden inputs, so the figure reads every value one way.

/** h('div', { class: 'x', id: 'y', hidden: true }, child, 'text', ...) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'for') el.htmlFor = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** The controls an embed may list (the `CONTROLS` of src/permalink.rs). */
export const CONTROL_NAMES = ['lr', 'noiseTrace', 'runs', 'batchSize', 'samples', 'dataSpread', 'seed', 'methods', 'speed', 'iterations', 'presets', 'indicator', 'link', 'export'];

/**
 * Which controls to lay out, from a hash's `controls=` (known names only: Rust's parser reports
 * the others as a notice once the figure runs); [] when the key is absent.
 */
export function controlsFromHash(hash) {
  const m = /(?:^#?|&)controls=([^&]*)/.exec(hash || '');
  if (!m) return [];
  let raw = '';
  try { raw = decodeURIComponent(m[1]); } catch { raw = ''; }
  return raw.split(',').map((s) => s.trim()).filter((s) => CONTROL_NAMES.includes(s));
}

/** The simulation settings: [key, id, label, input attributes]. */
export const SETTINGS = [
  ['lr', 'lr', 'Learning rate η', { step: 'any', min: 0, max: 1, value: '0.005' }],
  ['noiseTrace', 'noise-trace', 'Noise trace Tr Σ', { step: 'any', min: 0, max: 10, value: '0.01' }],
  ['runs', 'runs', 'Runs per method', { step: 1, min: 1, max: 100000, value: '100', inputmode: 'numeric' }],
  ['batchSize', 'batch-size', 'SGD batch size m', { step: 1, min: 1, max: 10000, value: '1', inputmode: 'numeric' }],
  ['samples', 'samples', 'Data samples n', { step: 1, min: 1, max: 10000, value: '100', inputmode: 'numeric' }],
  ['dataSpread', 'data-spread', 'Data spread', { step: 'any', min: 0, max: 10, value: '0.01' }],
  ['seed', 'seed', 'Seed', { step: 1, min: 0, max: 4294967295, value: '0', inputmode: 'numeric' }],
];

function numberField(key, id, label, attrs, shown) {
  const input = h('input', { id, name: key, type: 'number', 'aria-describedby': `${id}-error`, ...attrs });
  return h('label', { class: 'field', for: id, hidden: !shown, 'data-key': key },
    h('span', { class: 'label-text', text: label }),
    input,
    h('span', { class: 'error', id: `${id}-error`, role: 'alert' }));
}

/** The figure's cards, in the order of the page's grid. */
export function buildToyFigure({ controls = null, full = true } = {}) {
  const shows = (key) => controls === null || controls.includes(key);

  const landscape = h('section', { class: 'card figure', 'aria-labelledby': 'h-landscape' },
    h('div', { class: 'card-head' },
      h('h2', { id: 'h-landscape', text: 'Loss landscape and particle clouds' }),
      h('p', { class: 'caption' }, 'Heatmap and contours: the mean loss over the data (log scale). ',
        h('span', { id: 'drawn-note', text: 'One marker per run.' }))),
    h('div', { class: 'canvas-box', id: 'landscape-box' },
      h('canvas', { id: 'landscape', role: 'img', 'aria-label': 'Loss landscape over w1 and w2 with a sharp minimum at (1, 1), a flat minimum at (−1, −1), and the particle clouds of each simulated method' })),
    h('p', { id: 'figure-caption', class: 'caption live-caption', 'aria-live': 'polite' }));

  const speed = h('label', { class: 'field', for: 'speed', hidden: !shows('speed'), 'data-key': 'speed' },
    h('span', { class: 'label-text' }, 'Speed ', h('output', { id: 'speed-out', for: 'speed', text: '2' }), ' ',
      h('span', { class: 'unit', text: 'iterations / frame' })),
    h('input', { autocomplete: 'off', id: 'speed', name: 'speed', type: 'range', min: 1, max: 50, step: 1, value: '2' }));
  const iterations = h('label', { class: 'field', for: 'iterations', hidden: !shows('iterations'), 'data-key': 'iterations' },
    h('span', { class: 'label-text', text: 'Pause at iteration' }),
    h('input', { autocomplete: 'off', id: 'iterations', name: 'iterations', type: 'number', min: 1, max: 10000000, step: 1, value: '500', inputmode: 'numeric', 'aria-describedby': 'iterations-error' }),
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
        h('span', { class: 'readout-of' }, 'of ', h('span', { id: 'target-echo', text: '500' })))),
    h('div', { class: 'transport-settings', hidden: !shows('speed') && !shows('iterations') }, speed, iterations),
    tools,
    h('div', { class: 'legend-head' }, h('h3', {}, 'Methods ', h('span', { class: 'hint', text: '(click to show or hide)' }))),
    h('div', { id: 'legend', class: 'legend', role: 'group', 'aria-label': 'Show or hide methods; escaped counts' }),
    h('div', { class: 'plot-head' }, h('h3', { id: 'h-escape', text: 'Runs in the flat basin' })),
    h('div', { class: 'canvas-box', id: 'escape-box' }, h('canvas', { id: 'escape-plot', role: 'img', 'aria-labelledby': 'h-escape' })),
    h('p', { class: 'status-line' },
      h('span', { id: 'status', role: 'status', class: 'status', text: 'Loading…' }),
      h('span', { class: 'engine-wrap' }, 'engine: ', h('span', { id: 'engine', text: 'detecting…' }))));

  const anySetting = SETTINGS.some(([key]) => shows(key)) || shows('methods');
  const params = h('section', { class: 'card params', 'aria-labelledby': 'h-params', hidden: !anySetting },
    h('h2', { id: 'h-params', text: 'Settings' }),
    full ? h('p', { class: 'caption', id: 'protocol-caption', text: 'Changing a setting starts a fresh simulation.' }) : null,
    h('form', { id: 'controls', novalidate: true, autocomplete: 'off' },
      h('div', { class: 'fields' }, ...SETTINGS.map(([key, id, label, attrs]) => numberField(key, id, label, attrs, shows(key)))),
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
        h('caption', { id: 'hessian-caption', text: 'At w = (1, 1)' }),
        h('thead', {}, h('tr', {}, ...['Method', 'Tr Σ', 'Tr(HΣ)', 'Tr H·Tr Σ / D', 'ratio', 'â'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', { id: 'indicator-rows' }))));

  return [landscape, side, params, indicator];
}
