// Exports of the 2-D figure: a PNG of its canvases at 2x, its curves as CSV and JSON. Data only
// from the live state; files are handed to the browser as Blob downloads (no server, no HTML).

/** Saves `blob` as `name` through a temporary link. */
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

/** The iterations the escape curves hold (0, stride, 2 stride, ...). */
function curveIterations(state, length) {
  return Array.from({ length }, (_, k) => k * state.curveStride);
}

/** CSV: one row per kept iteration, one column per method (fraction of runs escaped). */
export function curvesCsv({ app }) {
  const s = app.state;
  const ids = app.simulated;
  const n = Math.max(0, ...ids.map((id) => (s.curves[id] ? s.curves[id].length : 0)));
  const quote = (t) => `"${String(t).replace(/"/g, '""')}"`;
  const lines = [['iteration', ...ids.map((id) => quote(`${app.names[id] || id} escaped fraction`))].join(',')];
  curveIterations(s, n).forEach((it, k) => {
    lines.push([it, ...ids.map((id) => (s.curves[id] && k < s.curves[id].length ? s.curves[id][k] : ''))].join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** JSON: config, link, and per method its counts, escape curve and indicator. */
export function curvesJson({ app, hash, target }) {
  const s = app.state;
  const methods = {};
  for (const id of app.simulated) {
    methods[id] = {
      name: app.names[id] || id,
      escaped: s.escaped[id] ?? 0,
      diverged: s.diverged && id in s.diverged ? s.diverged[id] : null,
      escapeCurve: Array.from(s.curves[id] || []),
      indicator: app.indicators ? app.indicators[id] : null,
    };
  }
  return { figure: 'toy', link: hash, config: app.config, pauseAt: target, iteration: s.iteration, runs: s.runs, curveStride: s.curveStride, curveIterations: curveIterations(s, Math.max(0, ...Object.values(methods).map((m) => m.escapeCurve.length))), methods };
}

/** Splits `text` into lines no wider than `width` in `ctx`'s font. */
function wrap(ctx, text, width) {
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

/** The canvases side by side (at their backing-store resolution) over a caption, as a PNG. */
export function figurePng(canvases, caption) {
  const pad = 24;
  const lineHeight = 30;
  const font = '24px system-ui, sans-serif';
  const width = canvases.reduce((a, c) => a + c.width, 0) + pad * (canvases.length + 1);
  const measure = document.createElement('canvas').getContext('2d');
  measure.font = font;
  const lines = caption ? wrap(measure, caption, width - 2 * pad) : [];
  const top = Math.max(...canvases.map((c) => c.height)) + 2 * pad;
  const height = top + (lines.length ? lines.length * lineHeight + pad : 0);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d');
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
