// Exports of every figure: files handed to the browser as Blob downloads (no server, no HTML),
// and a PNG of a figure's canvases (redrawn at 2x by the figure) over its caption. The data of
// the CSV and JSON files comes from each figure's model.

import { context2d } from './dom.js';

/**
 * Saves `blob` as `name` through a temporary link.
 * @param {Blob} blob
 * @param {string} name
 */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Splits `text` into lines no wider than `width` in `ctx`'s font.
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} text
 * @param {number} width
 * @returns {string[]}
 */
function wrap(ctx, text, width) {
  /** @type {string[]} */
  const lines = [];
  let line = '';
  for (const w of text.split(' ')) {
    const next = line ? `${line} ${w}` : w;
    if (line && ctx.measureText(next).width > width) {
      lines.push(line);
      line = w;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The canvases side by side (at their backing-store resolution) over a caption, as a PNG.
 * @param {HTMLCanvasElement[]} canvases
 * @param {string} caption
 * @returns {Promise<Blob>}
 */
export function figurePng(canvases, caption) {
  const pad = 24;
  const lineHeight = 30;
  const font = '24px system-ui, sans-serif';
  const width = canvases.reduce((a, c) => a + c.width, 0) + pad * (canvases.length + 1);
  const measure = context2d(document.createElement('canvas'));
  measure.font = font;
  const lines = caption ? wrap(measure, caption, width - 2 * pad) : [];
  const top = Math.max(...canvases.map((c) => c.height)) + 2 * pad;
  const height = top + (lines.length ? lines.length * lineHeight + pad : 0);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = context2d(out);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  let x = pad;
  for (const c of canvases) {
    ctx.drawImage(c, x, pad);
    x += c.width + pad;
  }
  ctx.fillStyle = '#1d1d1f';
  ctx.font = font;
  ctx.textBaseline = 'top';
  lines.forEach((line, i) => ctx.fillText(line, pad, top + i * lineHeight));
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png'));
}
