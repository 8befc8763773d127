// The 2-D figure's settings card to the workers: a changed setting (a field, a method box, a
// shape handle, "Restore", "New seed") becomes a `configure` request for a fresh simulation,
// one in flight at a time (coalesce.js: while a handle is dragged, newer requests replace the
// waiting one). The settings are read when a request is sent, so the latest values always go.

import { Coalescer } from './coalesce.js';
import { FIELDS } from './fields.js';
import { SETTINGS } from './model.js';
import { predictionSpan } from './state.js';

/** The loss prediction covers the first iterations up to the pause-at one, at most this many. */
const MAX_PREDICTION_STEPS = 5000;

/**
 * The figure's configure requests (one in flight) and the settings card's listeners, on `fig`.
 * @param {import('./context.js').Toy} fig
 */
export function configuring(fig) {
  const { app, $ } = fig;

  /** How many iterations the loss prediction covers: up to the pause-at iteration. */
  const predictionSteps = () => predictionSpan(fig.target(), MAX_PREDICTION_STEPS);

  const configurer = new Coalescer((/** @type {{ field: string | null, preview: boolean }} */ o) => {
    app.configReq = fig.req();
    fig.post({ type: 'configure', req: app.configReq, config: fig.readConfig(), field: o.field, preview: o.preview, steps: predictionSteps() });
  });

  /**
   * @param {string | null} field the setting that changed (null: all)
   * @param {boolean} [preview] a drag in progress: a coarser heatmap
   */
  function configure(field, preview = false) {
    if (!app.ready) return;
    configurer.push({ field, preview });
  }

  /**
   * A shape handle moved (shape-control.js): its field takes the value, and a fresh simulation
   * of the new landscape starts (coalesced while dragging, the heatmap coarser until it ends).
   * @param {string} key
   * @param {number} value
   * @param {{ preview: boolean }} o
   */
  function shapeInput(key, value, { preview }) {
    const f = FIELDS.find(([k]) => k === key);
    if (!f) return;
    $(f[1]).value = String(value);
    configure(key, preview);
  }

  /**
   * "New seed" answered: the seed shows in its field, a fresh simulation starts, the link records it.
   * @param {number} seed
   */
  function newSeed(seed) {
    const seedField = SETTINGS.find(([, , , , control]) => control === 'seed');
    if (!seedField) return;
    $(seedField[1]).value = String(seed);
    configure(seedField[0]);
    fig.setStatus(`New seed: ${seed}.`, 'ok');
  }

  /** Listens to the settings card: its fields, "Restore", "New seed". */
  function wireSettings() {
    const { listen } = fig.bag;
    for (const [key, id] of FIELDS) listen($(id), 'change', () => configure(key));
    listen($('controls'), 'submit', (e) => e.preventDefault());
    listen($('defaults'), 'click', () => {
      app.extra = {};
      fig.fields.restore(fig.methodIds());
      const it = $('iterations');
      if (it.value !== it.defaultValue) {
        it.value = it.defaultValue;
        it.dispatchEvent(new Event('change'));
      }
      configure(null);
    });
  }

  /** Listens to the "New seed" buttons (after the link's controls, as ever). */
  function wireSeeds() {
    for (const [, id, , , control] of SETTINGS) {
      if (control === 'seed') fig.bag.listen($(`${id}-new`), 'click', () => { if (app.ready) fig.post({ type: 'freshSeed', req: fig.req() }); });
    }
  }

  return { configurer, configure, shapeInput, newSeed, predictionSteps, wireSettings, wireSeeds };
}
