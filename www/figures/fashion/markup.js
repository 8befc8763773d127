// The markup of the FashionMNIST figure, built with DOM calls (lib/dom.js) for the
// page, the iframe embed and the custom element alike. The full figure has the section's prose;
// an embed keeps the title and the live numbers, and the parts its link lists.

import { h } from '../../lib/dom.js';
import { trimForEmbed } from '../../lib/figure-shell.js';
import { inputAttrs, setting } from '../../lib/schema.js';
import { SCHEMA } from './settings.js';

/**
 * A number field of the settings card, its label, range and default from the schema (a default
 * the page decides, such as the worker threads, is set by the figure).
 * @param {{ id: string, setting: import('../../lib/schema.js').Setting }} f
 */
function numberField({ id, setting }) {
  const input = h('input', { id, type: 'number', ...inputAttrs(setting), 'aria-describedby': `${id}-error` });
  // A seed gets a "New seed" button (`ID-new`).
  const fresh = setting.control === 'seed'
    ? h('button', { type: 'button', id: `${id}-new`, class: 'new-seed', title: 'Draw a fresh seed from the operating system; the link records it', text: 'New seed' })
    : null;
  return h('label', { class: 'field', for: id },
    h('span', { class: 'label-text', title: setting.help, text: setting.label }),
    fresh ? h('span', { class: 'field-row' }, input, fresh) : input,
    h('span', { class: 'error', id: `${id}-error`, role: 'alert' }));
}

/** The network select (link key `network`): its choices, label and help from the schema. */
function networkField() {
  const s = setting('fashion', 'network');
  const select = h('select', { id: 'fashion-network' },
    ...SCHEMA.networks.map((n) => h('option', { value: n, text: n === 'cnn' ? 'CNN (the paper’s, D = 11,330)' : 'MLP (784-14-10, D = 11,140)' })));
  /** @type {HTMLSelectElement} */ (select).value = SCHEMA.network;
  for (const o of select.querySelectorAll('option')) if (o.value === SCHEMA.network) o.defaultSelected = true;
  return h('label', { class: 'field', for: 'fashion-network' },
    h('span', { class: 'label-text', title: s.help, text: s.label }), select);
}

// What each control name shows (the rest of the figure is always there).
const PARTS = { settings: ['.f-settings'], paper: ['#fashion-paper'], spectrum: ['.f-spectrum'], strip: ['.f-strip'] };

/**
 * The figure's section: everything when `full`, else trimmed to the `controls` listed (null: all).
 * @param {{ full: boolean, controls: string[] | null }} p
 * @returns {HTMLElement}
 */
export function buildFashionFigure({ full, controls }) {
  const el = section();
  if (!full) {
    trimForEmbed(el, 'fashion-live', PARTS, controls);
    // The reference verdict stays with the live caption (the view shows it once loaded).
    const live = el.querySelector('#fashion-live');
    const reference = el.querySelector('#fashion-reference');
    if (live && reference) live.after(reference);
    // The paper button's row goes if the button does.
    const paper = el.querySelector('#fashion-paper');
    if (paper && paper.parentElement && /** @type {HTMLElement} */ (paper).hidden) paper.parentElement.hidden = true;
  }
  return el;
}

/** @returns {HTMLElement} */
function section() {
  return h('section', { class: 'experiment', id: 'fashion', 'aria-labelledby': 'h-fashion' },
    h('header', { class: 'intro experiment-intro' },
      h('p', { class: 'kicker', text: 'Experiment 2 · paper Section 5.3' }),
      h('h2', { class: 'section-title', id: 'h-fashion', text: 'FashionMNIST with corrupted labels' }),
      h('p', { class: 'lede' },
        'A real network, a real data set: ',
        h('span', { id: 'fashion-net-name', text: SCHEMA.network === 'cnn' ? 'the paper’s CNN' : 'a small MLP' }),
        h('span', { id: 'fashion-arch' }),
        ' is first driven into a sharp minimum, then every dynamics restarts from it. The paper finds that noise shaped like the curvature escapes and isotropic noise of the same size does not; the run below shows what happens here.'),
      h('div', { class: 'explain' },
        h('section', { 'aria-labelledby': 'h-fashion-stage1' },
          h('h3', { id: 'h-fashion-stage1', text: 'Stage 1: a sharp minimum' }),
          h('p', {},
            'The training set is ',
            h('span', { 'data-fashion-setting': 'trainSize', text: '1200' }),
            ' images of which ',
            h('span', { 'data-fashion-setting': 'corruptedCount', text: '200' }),
            ' (images ',
            h('span', { 'data-fashion-setting': 'corruptedRange', text: '1000–1199' }),
            ') carry uniformly random labels. Full-batch GD with learning rate ',
            h('span', { 'data-fashion-setting': 'stage1Lr', text: '0.1' }),
            ' runs until it fits ',
            h('em', { text: 'every' }),
            ' label, the random ones included. Memorising noise takes a narrow, sharp minimum. It is saved for seed 0, so stage 2 can start at once; other seeds, or the option below, run stage 1 here, once: every worker then starts from its minimum.')),
        h('section', { 'aria-labelledby': 'h-fashion-stage2' },
          h('h3', { id: 'h-fashion-stage2', text: 'Stage 2: eight dynamics from it' }),
          h('p', {},
            'Each dynamics restarts from that minimum with learning rate ',
            h('span', { 'data-fashion-setting': 'lr', text: '0.07' }),
            ': SGD with batch ',
            h('span', { 'data-fashion-setting': 'batchSize', text: '20' }),
            ', and the Langevin variants, full-batch gradient plus Gaussian noise of their own shape: GLD const a fixed sd of 1e-3, GLD leading the top 20 eigenpairs of SGD’s covariance C with their eigenvalues as they are, and GLD dynamic, diag, Hessian and 1st eigvec the trace of SGD’s noise, Tr C, in another shape. The indicator Tr(HΣ) compares SGD’s gradient noise with isotropic noise of the same trace, in D = ',
            h('span', { 'data-fashion-setting': 'parameters', text: '11,140' }),
            ' dimensions; the ratio at the minimum of this run is below.')),
        h('section', { 'aria-labelledby': 'h-fashion-watch', class: 'watch' },
          h('h3', { id: 'h-fashion-watch', text: 'What to watch' }),
          h('p', {},
            'Whether each dynamics leaves the sharp minimum: when one does, the loss jumps and the fit of the random labels drops, then training recovers (over a long run it may fit them again). The paper sees SGD and the curvature-aligned noises (GLD leading, Hessian, 1st eigvec) leave, and GLD const, dynamic and diag stay where GD is; the native reference runs agree for all eight (at least 3 seeds each, to iteration 3,000; to 15,000, GD, GLD const, GLD dynamic, GLD leading and SGD on 5 seeds, GLD Hessian and 1st eigvec on one). The table says what happens in this run. The paper runs 15,000 iterations and reports flatter minima that generalise better; “Paper protocol” runs that length here, with the paper’s CNN. The native reference runs of this network, with what agrees with the paper and what does not, are in ',
            h('cite', { text: 'REPRODUCTION.md' }),
            ', section 3; every number in this figure comes from the run in your browser.'),
          h('p', { id: 'fashion-live', class: 'live', 'aria-live': 'polite', text: 'Numbers from the minimum appear here once it has loaded.' }),
          h('details', { id: 'fashion-reference', class: 'reference', hidden: true },
            h('summary', { id: 'fashion-reference-summary' }),
            h('p', { id: 'fashion-reference-text' }))))),
    h('div', { class: 'layout fashion-layout' },
      h('section', { class: 'card f-curves', 'aria-labelledby': 'h-fashion-curves' },
        h('div', { class: 'card-head' },
          h('h3', { id: 'h-fashion-curves', text: 'What each dynamics does after leaving the minimum' }),
          h('p', { class: 'caption', text: 'One marker per record; dotted: the value at the minimum. Curves that run off a panel end in an arrow instead of stretching the axis.' })),
        h('div', { class: 'canvas-box', id: 'fashion-curves-box' },
          h('canvas', { id: 'fashion-curves', role: 'img', 'aria-label': 'Test accuracy, fit of the random labels, expected sharpness and the indicator ratio against stage-2 iteration, one curve per method' }))),
      h('div', { class: 'f-right' },
        h('section', { class: 'card f-side', 'aria-labelledby': 'h-fashion-run' },
          h('h3', { id: 'h-fashion-run', class: 'visually-hidden', text: 'Run the FashionMNIST experiment' }),
          h('div', { class: 'transport', role: 'group', 'aria-label': 'FashionMNIST playback' },
            h('button', { type: 'button', id: 'fashion-play', class: 'primary', 'aria-pressed': 'false', title: 'Run or pause the experiment', text: 'Play' }),
            h('button', { type: 'button', id: 'fashion-reset', title: 'Cancel and start over from the minimum', text: 'Reset' }),
            h('div', { class: 'readout', 'aria-live': 'off' },
              h('span', { class: 'readout-label', text: 'iteration' }),
              ' ',
              h('span', { id: 'fashion-iteration', class: 'readout-value', text: '0' }),
              ' ',
              h('span', { class: 'readout-of' },
                'of ',
                h('span', { id: 'fashion-target-echo', text: '1,000' })))),
          h('div', { class: 'transport', role: 'group', 'aria-label': 'FashionMNIST presets' },
            h('button', { type: 'button', id: 'fashion-paper', title: 'The paper’s stage 2: its CNN (the network switches to the CNN), all eight dynamics from the saved seed-0 minimum to iteration 15,000, a record every 500, split over one worker per core (up to 8)', text: 'Paper protocol (CNN, 15,000 iterations)' })),
          h('div', { class: 'progress-row' },
            h('label', { for: 'fashion-progress', id: 'fashion-progress-label', class: 'progress-label', text: 'Stage 2' }),
            h('progress', { id: 'fashion-progress', max: '1', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' }),
            h('span', { id: 'fashion-progress-text', class: 'progress-text' }),
            ' ',
            h('span', { id: 'fashion-eta', class: 'progress-text', 'aria-live': 'off' })),
          h('div', { class: 'table-wrap' },
            h('table', { class: 'fashion-legend' },
              h('caption', { text: 'Latest record of each method (click a name to show or hide its curves)' }),
              h('thead', {},
                h('tr', {},
                  h('th', { scope: 'col', text: 'Method' }),
                  h('th', { scope: 'col', id: 'fashion-test-col', title: 'Test accuracy on the held-out test images', text: 'test' }),
                  h('th', { scope: 'col', title: 'Accuracy on the 200 corrupted images against their random labels', text: 'random fit' }),
                  h('th', { scope: 'col', title: 'Expected sharpness E[L(θ+ν)] − L(θ) ± one standard error', text: 'sharpness ± SE' }),
                  h('th', { scope: 'col', title: 'Tr(HΣ) / Tr(HΣ_iso) of SGD’s gradient noise', text: 'Tr ratio' }))),
              h('tbody', { id: 'fashion-legend-rows' }))),
          h('p', { class: 'status-line' },
            h('span', { id: 'fashion-status', role: 'status', class: 'status', text: 'Starts loading when this figure scrolls into view.' }))),
        h('section', { class: 'card f-spectrum', 'aria-labelledby': 'h-fashion-spectrum' },
          h('div', { class: 'plot-head spectrum-head' },
            h('h3', { id: 'h-fashion-spectrum', text: 'Hessian spectrum' }),
            h('label', { class: 'inline-field', for: 'fashion-spectrum-method' },
              'of ',
              h('select', { id: 'fashion-spectrum-method' }))),
          h('div', { class: 'canvas-box', id: 'fashion-spectrum-box' },
            h('canvas', { id: 'fashion-spectrum', role: 'img', 'aria-labelledby': 'h-fashion-spectrum fashion-spectrum-caption' })),
          h('p', { class: 'caption', id: 'fashion-spectrum-caption' }))),
      h('section', { class: 'card f-strip', 'aria-labelledby': 'h-fashion-strip' },
        h('div', { class: 'card-head' },
          h('h3', { id: 'h-fashion-strip', text: 'The training set, and what it is told' }),
          h('p', { class: 'caption', text: 'The label each image is trained with. Outlined in red: images whose label was replaced by a random one, which the sharp minimum fits anyway.' })),
        h('div', { id: 'fashion-strip', class: 'strip', 'aria-live': 'off' })),
      h('section', { class: 'card f-settings', 'aria-labelledby': 'h-fashion-settings' },
        h('h3', { id: 'h-fashion-settings', text: 'Settings' }),
        h('p', { class: 'caption' },
          'The paper runs 15,000 iterations of its CNN; here the CNN or an MLP of about its size, for as long as you like. Changing the network, the methods, the record interval, the seed, the threads or stage 1 starts the experiment over. Each method keeps at most ',
          h('span', { 'data-fashion-setting': 'maxRecords', text: String(SCHEMA.maxRecords.default) }),
          ' records: past that, every other one is dropped and the interval doubles.'),
        h('form', { id: 'fashion-settings', novalidate: true, autocomplete: 'off' },
          h('div', { class: 'fields' }, ...SCHEMA.fields.map(numberField), networkField()),
          h('label', { class: 'check stage1-check', for: 'fashion-stage1' },
            h('input', { type: 'checkbox', id: 'fashion-stage1', 'aria-describedby': 'fashion-stage1-note' }),
            h('span', { text: 'Run stage 1 from scratch' })),
          h('p', { class: 'note', id: 'fashion-stage1-note' }),
          h('fieldset', { class: 'method-boxes', 'aria-describedby': 'fashion-methods-error' },
            h('legend', { text: 'Dynamics of stage 2' }),
            h('div', { id: 'fashion-method-boxes', class: 'checks' }),
            h('span', { class: 'error', id: 'fashion-methods-error', role: 'alert' })),
          h('p', { class: 'note', id: 'fashion-estimate' }),
          h('div', { class: 'form-actions' },
            h('button', { type: 'button', id: 'fashion-defaults', text: 'Restore the defaults' }))))));
}
