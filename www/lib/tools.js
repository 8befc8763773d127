// The link and export bar of the figures built on a controller (FashionMNIST, one hidden layer),
// the same tools as the 2-D figure's: copy link, PNG at 2x, CSV and JSON of the curves, the
// config as JSON. The files come from the controller's live state (getState, exportCurves).

import { download, figurePng } from './export.js';

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));

/**
 * Tools for a mounted controller figure.
 * @param {{ figure: string, prefix: string, controller: any, root: ParentNode, canvasIds: string[], hash: () => string, base: () => string, linkBase: () => string, setStatus?: (text: string, kind?: string) => void }} p
 *   prefix: of the buttons' ids and of the live caption (`PREFIX-live`); hash(): the canonical
 *   link; base(): the start of the files' names
 */
export function figureTools({ figure, prefix, controller, root, canvasIds, hash, base, linkBase, setStatus = () => {} }) {
  /** @param {string} id @returns {any} */
  const $ = (id) => root.querySelector(`#${id}`);

  /** The visible canvases redrawn at devicePixelRatio 2 over the live caption, as a PNG. */
  async function png() {
    controller.layout(2);
    await nextFrame();
    await nextFrame();
    const canvases = canvasIds.map($).filter((c) => c && c.width > 0 && c.offsetParent !== null);
    const caption = ($(`${prefix}-live`) || {}).textContent || '';
    try {
      return await figurePng(canvases, caption);
    } finally {
      controller.layout();
    }
  }

  function config() {
    const curves = JSON.parse(controller.exportCurves('json'));
    return { figure, link: hash(), state: controller.getState(), settings: curves.settings || null, config: curves.config || null };
  }

  /** @type {Record<string, () => Promise<{ blob: Blob, name: string }>>} */
  const exporters = {
    png: async () => ({ blob: await png(), name: `${base()}.png` }),
    csv: async () => ({ blob: new Blob([controller.exportCurves('csv')], { type: 'text/csv' }), name: `${base()}.csv` }),
    json: async () => ({ blob: new Blob([controller.exportCurves('json')], { type: 'application/json' }), name: `${base()}.json` }),
    config: async () => ({ blob: new Blob([JSON.stringify(config(), null, 1)], { type: 'application/json' }), name: `${base()}-config.json` }),
  };

  /**
   * Downloads the figure as `kind`; resolves to { blob, name }.
   * @param {string} kind png, csv, json or config
   */
  async function exportAs(kind) {
    if (!exporters[kind]) throw new Error(`export: kind must be png, csv, json or config, got ${String(kind)}`);
    const out = await exporters[kind]();
    download(out.blob, out.name);
    setStatus(`Saved ${out.name}.`, 'ok');
    return out;
  }

  /** @type {string | null} */
  let lastCopied = null;
  async function copyLink() {
    const url = linkBase() + hash();
    lastCopied = url;
    try {
      await navigator.clipboard.writeText(url);
      setStatus('Link copied: it reopens exactly this figure.', 'ok');
    } catch {
      setStatus(`Copy this link: ${url}`, 'info');
    }
    return url;
  }

  /**
   * A row of buttons: Copy link (if `link`), PNG/CSV/JSON/Config (if `exports`).
   * @param {{ link?: boolean, exports?: boolean }} [only]
   */
  function buildBar({ link = true, exports = true } = {}) {
    const bar = document.createElement('div');
    bar.className = 'transport figure-tools';
    bar.setAttribute('role', 'group');
    bar.setAttribute('aria-label', 'Link and export');
    /**
     * @param {string} id
     * @param {string} text
     * @param {string} title
     * @param {() => Promise<unknown>} fn
     */
    const button = (id, text, title, fn) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.id = `${prefix}-${id}`;
      b.textContent = text;
      b.title = title;
      b.addEventListener('click', () => fn().catch((e) => setStatus(`Export: ${e.message || e}`, 'error')));
      bar.append(b);
    };
    if (link) button('copy-link', 'Copy link', 'Copy a link that reopens this figure with these settings', copyLink);
    if (exports) {
      button('export-png', 'PNG', 'The figure at twice the screen resolution, with its caption', () => exportAs('png'));
      button('export-csv', 'CSV', 'The curves so far, one row per record', () => exportAs('csv'));
      button('export-json', 'JSON', 'The curves so far with the settings', () => exportAs('json'));
      button('export-config', 'Config', 'The settings and the link, as JSON', () => exportAs('config'));
    }
    return bar;
  }

  return { exportAs, copyLink, buildBar, get copiedLink() { return lastCopied; } };
}
