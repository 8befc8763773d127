// The 2-D figure's export files: the landscape and the escape curves as one PNG (redrawn at
// devicePixelRatio 2), the curves as CSV or JSON, the settings with their link (model.js makes
// the files' contents and names).

import { exportBase, curvesCsv, curvesJson } from './model.js';
import { download, figurePng } from '../../lib/export.js';

/** The kinds export(kind) takes. */
export const EXPORT_KINDS = ['png', 'csv', 'json', 'config'];

/**
 * The figure's export files and their buttons, on `fig`.
 * @param {import('./context.js').Toy} fig
 */
export function exporting(fig) {
  const { app, $ } = fig;

  function base() {
    return exportBase(app.config, app.state ? app.state.iteration : 0);
  }

  async function exportPng() {
    // Redraw every canvas at devicePixelRatio 2, compose, then restore the screen resolution.
    fig.layout(2);
    fig.markAll();
    fig.draw();
    const blob = await figurePng([$('landscape'), $('escape-plot')], $('figure-caption').textContent || '');
    fig.layout();
    fig.markAll();
    return blob;
  }

  const curves = () => ({ state: app.state, simulated: app.simulated, names: app.names, indicators: app.indicators, config: app.config, hash: fig.currentHash(), target: fig.target() });
  /** @type {Record<string, () => Promise<{ blob: Blob, name: string }>>} */
  const exporters = {
    png: async () => ({ blob: await exportPng(), name: `${base()}.png` }),
    csv: async () => ({ blob: new Blob([curvesCsv(curves())], { type: 'text/csv' }), name: `${base()}.csv` }),
    json: async () => ({ blob: new Blob([JSON.stringify(curvesJson(curves()), null, 1)], { type: 'application/json' }), name: `${base()}.json` }),
    config: async () => ({ blob: new Blob([JSON.stringify({ config: app.config, iterations: fig.target(), speed: fig.speed(), link: fig.currentHash() }, null, 1)], { type: 'application/json' }), name: `${base()}-config.json` }),
  };

  /**
   * Downloads the figure as `kind` (png, csv, json, config); resolves to { blob, name }.
   * @param {string} kind
   */
  async function exportAs(kind) {
    if (!exporters[kind]) throw new Error(`export: kind must be png, csv, json or config, got ${String(kind)}`);
    if (!app.state) throw new Error('export: the figure has not run yet');
    const out = await exporters[kind]();
    download(out.blob, out.name);
    fig.setStatus(`Saved ${out.name}.`, 'ok');
    return out;
  }

  function wireExports() {
    for (const kind of EXPORT_KINDS) fig.bag.listen($(`export-${kind}`), 'click', () => exportAs(kind).catch((e) => fig.reportError('Export', e.message || String(e))));
  }

  return { exportAs, wireExports };
}
