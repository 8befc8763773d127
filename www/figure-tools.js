// Link and export tools of the two later figures (FashionMNIST, one hidden layer), the same as the
// 2-D figure's: copy link, PNG at 2x, CSV and JSON of the curves, the config as JSON. The files
// come from the controller's live state (getState, exportCurves) through toy-export.js's helpers.

import { download, figurePng } from './toy-export.js';
import { fashionHash, ohlHash } from './figure-link.js';

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

/**
 * Tools for a mounted later figure.
 *   figure      'fashion' | 'ohl'
 *   controller  what mountFashion / mountOneHidden returned
 *   root        the element or shadow root holding the figure's markup
 *   extra()     { controls, lecture } kept in the link (embeds)
 *   linkBase()  the URL a copied link starts from
 *   setStatus(text, kind)  where to say what happened
 * Returns { hash(), exportAs(kind), exporters, copyLink(), buildBar(only) }.
 */
export function figureTools({ figure, controller, root, extra = () => ({}), linkBase, setStatus = () => {} }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const prefix = figure === 'fashion' ? 'fashion' : 'ohl';
  const canvasIds = figure === 'fashion' ? ['fashion-curves', 'fashion-spectrum'] : ['ohl-traces', 'ohl-boundary'];

  function hash() {
    const s = controller.getState();
    return figure === 'fashion' ? fashionHash(s, extra()) : ohlHash(s, extra());
  }

  function base() {
    const s = controller.getState();
    const at = figure === 'fashion' ? `it${s.target}` : `epoch${s.epoch}`;
    return `sgd-escape-${figure}-seed${s.seed}-${at}`;
  }

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

  const exporters = {
    png: async () => ({ blob: await png(), name: `${base()}.png` }),
    csv: async () => ({ blob: new Blob([controller.exportCurves('csv')], { type: 'text/csv' }), name: `${base()}.csv` }),
    json: async () => ({ blob: new Blob([controller.exportCurves('json')], { type: 'application/json' }), name: `${base()}.json` }),
    config: async () => ({ blob: new Blob([JSON.stringify(config(), null, 1)], { type: 'application/json' }), name: `${base()}-config.json` }),
  };

  async function exportAs(kind) {
    if (!exporters[kind]) throw new Error(`exportAs: kind must be png, csv, json or config, got ${String(kind)}`);
    const out = await exporters[kind]();
    download(out.blob, out.name);
    setStatus(`Saved ${out.name}.`, 'ok');
    return out;
  }

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

  /** A row of buttons: Copy link (if `link`), PNG/CSV/JSON/Config (if `exports`). */
  function buildBar({ link = true, exports = true } = {}) {
    const bar = document.createElement('div');
    bar.className = 'transport figure-tools';
    bar.setAttribute('role', 'group');
    bar.setAttribute('aria-label', 'Link and export');
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

  return { hash, exportAs, exporters, copyLink, buildBar, get copiedLink() { return lastCopied; } };
}
