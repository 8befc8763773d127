// The FashionMNIST figure's canvases: stacked small multiples of the records against iteration
// (test accuracy, expected sharpness, the indicator ratio), the top of the Hessian spectrum, and
// the tiles of the image strip. Diverged runs are clipped at the panel edges with an arrow, so
// they never stretch the axes of the others.

import { styleOf, drawMarker } from '../../lib/methods.js';
import { fmt } from '../../lib/format.js';
import { fit, casing, Panel, INK, INK_SOFT, FONT, FONT_SMALL, FONT_BOLD, linearTicks, linearYTicks, logYTicks, haloText } from '../../lib/chart.js';
import { context2d } from '../../lib/dom.js';

/** @typedef {import('./model.js').FashionRecord} FashionRecord */
/** @typedef {Record<string, { iteration: number }> | null | undefined} Diverged per method, the iteration its run diverged at */
/**
 * A panel of the curves: what it plots and how.
 * @typedef {object} PanelSpec
 * @property {string} key
 * @property {string} title
 * @property {string} note
 * @property {(v: number) => string} format
 * @property {[number, number]} [bounds]  no axis beyond these (percentages)
 * @property {boolean} [log]
 * @property {(r: FashionRecord) => number} value
 * @property {(r: FashionRecord) => number} [se]  the value's standard error
 */

/**
 * @param {number} v
 * @returns {string}
 */
function pct(v) {
  const p = 100 * v;
  return `${Math.abs(p - Math.round(p)) < 1e-6 ? Math.round(p) : p.toFixed(1)}%`;
}

/**
 * The panels, top to bottom: what they plot and how.
 * @type {PanelSpec[]}
 */
export const PANELS = [
  {
    key: 'testAccuracy',
    title: 'Test accuracy',
    note: '2000 held-out images',
    format: pct,
    bounds: [0, 1],
    value: (r) => r.testAccuracy,
  },
  {
    key: 'corruptedAccuracy',
    title: 'Random labels still fitted',
    note: 'the 200 corrupted training images',
    format: pct,
    bounds: [0, 1],
    value: (r) => r.corruptedAccuracy,
  },
  {
    key: 'sharpness',
    title: 'Expected sharpness',
    note: 'E[L(θ+ν)] − L(θ), ν ~ 𝒩(0, 0.01² I); bars: ±2 standard errors',
    format: (v) => fmt(v, 2),
    value: (r) => r.sharpness,
    // Its standard error: every point carries its ±2 SE bar (a negative value is never shown bare).
    se: (r) => r.sharpnessStdErr,
  },
  {
    key: 'ratio',
    title: 'Indicator ratio',
    note: 'Tr(HΣ) / Tr(HΣ_iso) of SGD’s noise at θ_t; log scale',
    log: true,
    format: (v) => `×${fmt(v)}`,
    value: (r) => (r.trHSigmaIso > 0 ? r.trHSigma / r.trHSigmaIso : NaN),
  },
];

/**
 * The iteration at which a method's records stop counting for the axes (diverged), or Infinity.
 * @param {Diverged} diverged
 * @param {string} id
 * @returns {number}
 */
function cutoff(diverged, id) {
  const d = diverged && diverged[id];
  return d ? d.iteration : Infinity;
}

export class CurvesPlot {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = context2d(canvas);
    /** @type {import('../../lib/chart.js').FitMemo} */
    this.memo = { w: 0, h: 0, dpr: 0 };
  }

  /** @param {number} cssWidth @param {number} [dpr] */
  resize(cssWidth, dpr) {
    const panelH = Math.round(Math.min(190, Math.max(130, cssWidth * 0.24)));
    return fit(this.canvas, cssWidth, PANELS.length * (panelH + 38) + 40, this.memo, dpr);
  }

  /**
   * records: { id: [record] }, ids: visible methods (canonical order), target: iteration goal,
   * diverged: { id: { iteration } }, start: the record at the minimum.
   * @param {Record<string, FashionRecord[]>} records
   * @param {string[]} ids
   * @param {number | null} target
   * @param {Diverged} diverged
   * @param {FashionRecord | null | undefined} start
   */
  draw(records, ids, target, diverged, start) {
    const { w, h, dpr } = this.memo;
    if (!w) return;
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const m = { left: 58, right: 22, top: 6, bottom: 40 };
    const gap = 38;
    const ph = (h - m.top - m.bottom - (PANELS.length - 1) * gap - PANELS.length * 0) / PANELS.length - 0;
    let xmax = Math.max(target || 100, 10);
    for (const id of ids) { const r = records[id]; if (r && r.length) xmax = Math.max(xmax, r[r.length - 1].iteration); }
    const xt = linearTicks(0, xmax, Math.max(3, Math.min(8, Math.floor((w - m.left - m.right) / 80))));
    xmax = Math.max(xmax, 1);

    PANELS.forEach((spec, k) => {
      const top = m.top + k * (ph + gap) + 18;
      const rect = { x: m.left, y: top, w: w - m.left - m.right, h: ph - 18 };
      // The y range from every visible point that has not diverged, and the start.
      /** @type {number[]} */
      const vals = [];
      for (const id of ids) {
        const cut = cutoff(diverged, id);
        for (const r of records[id] || []) {
          if (r.iteration >= cut) continue;
          const v = spec.value(r);
          if (Number.isFinite(v) && (!spec.log || v > 0)) vals.push(v);
        }
      }
      if (start) { const v = spec.value(start); if (Number.isFinite(v) && (!spec.log || v > 0)) vals.push(v); }
      /** @type {{ lo: number, hi: number, ticks: import('../../lib/chart.js').Tick[] }} */
      let yt;
      if (spec.log) {
        yt = vals.length ? logYTicks(Math.min(...vals), Math.max(...vals), 4) : logYTicks(1e-3, 1e-1);
      } else {
        let lo = vals.length ? Math.min(...vals) : 0;
        let hi = vals.length ? Math.max(...vals) : 1;
        const pad = Math.max((hi - lo) * 0.08, Math.abs(hi) * 0.02, 1e-4);
        lo -= pad; hi += pad;
        yt = linearYTicks(lo, hi, spec.format, 4);
        if (spec.bounds) {
          // Percentages: no axis beyond 0% or 100%.
          yt.lo = Math.max(spec.bounds[0], yt.lo);
          yt.hi = Math.min(spec.bounds[1], yt.hi);
          yt.ticks = yt.ticks.filter((t) => t.v >= yt.lo - 1e-9 && t.v <= yt.hi + 1e-9);
        }
      }
      const p = new Panel(ctx, rect, { xmin: 0, xmax, ymin: yt.lo, ymax: yt.hi, ylog: spec.log });

      // Title and note above the panel.
      ctx.textAlign = 'left'; ctx.textBaseline = 'alphabetic';
      ctx.font = FONT_BOLD; ctx.fillStyle = INK;
      ctx.fillText(spec.title, m.left, top - 6);
      const tw = ctx.measureText(spec.title).width;
      ctx.font = FONT_SMALL; ctx.fillStyle = INK_SOFT;
      ctx.fillText(ellipsize(ctx, spec.note, w - m.right - (m.left + tw + 10)), m.left + tw + 10, top - 6);

      p.yGrid(yt.ticks);
      p.xAxis(xt.ticks.filter((v) => v <= xmax), { labels: k === PANELS.length - 1, format: (v) => v.toLocaleString('en-US') });
      p.yAxisLine();

      // The value at the minimum, for reference.
      if (start) {
        const v = spec.value(start);
        if (p.inY(v)) {
          const y = Math.round(p.Y(v)) + 0.5;
          ctx.save();
          ctx.setLineDash([2, 3]);
          ctx.strokeStyle = '#9a9aa0';
          ctx.lineWidth = 1;
          ctx.beginPath(); ctx.moveTo(p.x, y); ctx.lineTo(p.x + p.w, y); ctx.stroke();
          ctx.restore();
        }
      }

      // The curves, clipped to the panel; markers at every record.
      /** @type {{ id: string, x: number, up: boolean, v: number, se: number }[]} */
      const exits = [];
      ctx.save();
      p.clip(5);
      ctx.lineJoin = 'round';
      ctx.lineCap = 'round';
      for (const id of ids) {
        const rs = records[id];
        if (!rs || !rs.length) continue;
        const st = styleOf(id);
        const pts = rs.map((r) => ({ x: r.iteration, y: spec.value(r) }));
        ctx.beginPath();
        p.path(pts);
        const cas = casing(st.color);
        if (cas) { ctx.lineWidth = 3.4; ctx.strokeStyle = cas; ctx.stroke(); }
        ctx.lineWidth = 2;
        ctx.strokeStyle = st.color;
        ctx.stroke();
        const many = rs.length > 40;
        rs.forEach((r, i) => {
          const v = spec.value(r);
          if (!p.inY(v)) {
            if (!exits.some((e) => e.id === id)) exits.push({ id, x: p.X(r.iteration), up: !(v < p.ymin) || Number.isNaN(v), v, se: spec.se ? spec.se(r) : NaN });
            return;
          }
          const se = spec.se ? spec.se(r) : NaN;
          if (Number.isFinite(se) && se > 0) {
            ctx.beginPath();
            ctx.moveTo(p.X(r.iteration), p.Y(v - 2 * se));
            ctx.lineTo(p.X(r.iteration), p.Y(v + 2 * se));
            ctx.lineWidth = 1.2;
            ctx.strokeStyle = st.color;
            ctx.stroke();
          }
          if (many && i !== rs.length - 1 && i % Math.ceil(rs.length / 40) !== 0) return;
          drawMarker(ctx, id, p.X(r.iteration), p.Y(v), i === rs.length - 1 ? 4.2 : 3, 1);
        });
      }
      ctx.restore();
      // Where a diverged curve leaves the panel: an arrow in its colour and its value.
      ctx.font = FONT_SMALL;
      for (const e of exits) {
        const st = styleOf(e.id);
        const y = e.up ? p.y + 3 : p.y + p.h - 3;
        const d = e.up ? -1 : 1;
        ctx.beginPath();
        ctx.moveTo(e.x, y + 6 * d); ctx.lineTo(e.x - 5, y - 2 * d); ctx.lineTo(e.x + 5, y - 2 * d); ctx.closePath();
        ctx.fillStyle = st.color; ctx.fill();
        ctx.lineWidth = 1; ctx.strokeStyle = 'rgba(0,0,0,0.55)'; ctx.stroke();
        ctx.fillStyle = INK; ctx.textAlign = e.x > p.x + p.w - 120 ? 'right' : 'left'; ctx.textBaseline = 'middle';
        const value = spec.format ? spec.format(e.v) : fmt(e.v);
        const label = Number.isFinite(e.v) ? `off scale: ${value}${Number.isFinite(e.se) ? ` ± ${fmt(e.se, 2)}` : ''}` : 'off scale: not finite';
        haloText(ctx, label, e.x + (ctx.textAlign === 'right' ? -9 : 9), y - 2 * d + 5 * d);
      }
    });
    ctx.font = FONT; ctx.fillStyle = INK; ctx.textAlign = 'center'; ctx.textBaseline = 'alphabetic';
    ctx.fillText('stage-2 iteration (learning rate 0.07, from the stage-1 minimum)', m.left + (w - m.left - m.right) / 2, h - 4);

    // The iteration target, dashed across all panels.
    if (target && target <= xmax) {
      const x = Math.round(m.left + (target / xmax) * (w - m.left - m.right)) + 0.5;
      ctx.save();
      ctx.setLineDash([4, 4]);
      ctx.strokeStyle = '#b0b0b6';
      ctx.beginPath(); ctx.moveTo(x, m.top + 18); ctx.lineTo(x, h - m.bottom); ctx.stroke();
      ctx.restore();
    }
  }
}

export class SpectrumPlot {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = context2d(canvas);
    /** @type {import('../../lib/chart.js').FitMemo} */
    this.memo = { w: 0, h: 0, dpr: 0 };
  }

  /** @param {number} cssWidth @param {number} [dpr] */
  resize(cssWidth, dpr) {
    return fit(this.canvas, cssWidth, Math.round(Math.min(260, Math.max(190, cssWidth * 0.45))), this.memo, dpr);
  }

  /**
   * id: method shown; record: its latest record; start: the record at the minimum.
   * @param {string | null} id
   * @param {FashionRecord | null | undefined} record
   * @param {FashionRecord | null | undefined} start
   * @param {string | null} name the method's name (shown with its record)
   */
  draw(id, record, start, name) {
    const { w, h, dpr } = this.memo;
    if (!w) return;
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const m = { left: 52, right: 14, top: 26, bottom: 38 };
    const cur = record ? record.topEigenvalues || [] : [];
    const ref = start ? start.topEigenvalues || [] : [];
    const k = Math.max(cur.length, ref.length, 1);
    const finite = [...cur, ...ref].filter((v) => Number.isFinite(v));
    const hi = finite.length ? Math.max(...finite, 0) : 1;
    const lo = finite.length ? Math.min(0, ...finite) : 0;
    const yt = linearYTicks(lo, hi * 1.05, fmt, 4);
    const p = new Panel(ctx, { x: m.left, y: m.top, w: w - m.left - m.right, h: h - m.top - m.bottom }, { xmin: 0.4, xmax: k + 0.6, ymin: yt.lo, ymax: yt.hi });
    p.yGrid(yt.ticks);
    p.xAxis(Array.from({ length: k }, (_, i) => i + 1), { format: (v) => `λ${sub(v)}` });
    p.yAxisLine();
    ctx.font = FONT; ctx.fillStyle = INK; ctx.textAlign = 'center'; ctx.textBaseline = 'alphabetic';
    ctx.fillText('top eigenvalues of the Hessian of the training loss', p.x + p.w / 2, h - 4);

    // Key.
    ctx.font = FONT_SMALL; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    let kx = p.x + 4;
    const ky = 10;
    if (record && id) {
      drawMarker(ctx, id, kx + 5, ky, 4.2, 1);
      ctx.fillStyle = INK;
      const t = `${name} at iteration ${record.iteration.toLocaleString('en-US')}`;
      ctx.fillText(t, kx + 14, ky);
      kx += 14 + ctx.measureText(t).width + 16;
    }
    if (ref.length) {
      ctx.beginPath(); ctx.arc(kx + 5, ky, 3.6, 0, 2 * Math.PI);
      ctx.fillStyle = '#fff'; ctx.fill(); ctx.lineWidth = 1.4; ctx.strokeStyle = '#77777d'; ctx.stroke();
      ctx.fillStyle = INK_SOFT;
      ctx.fillText('at the minimum', kx + 14, ky);
    }

    const zero = p.Y(Math.max(0, yt.lo));
    const dx = Math.min(10, p.w / k / 5);
    const st = id ? styleOf(id) : null;
    // The minimum's spectrum: hollow grey stems, set slightly left.
    ref.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const x = p.X(i + 1) - (cur.length ? dx : 0);
      ctx.strokeStyle = '#a4a4aa'; ctx.lineWidth = 1.4;
      ctx.beginPath(); ctx.moveTo(x, zero); ctx.lineTo(x, p.Y(v)); ctx.stroke();
      ctx.beginPath(); ctx.arc(x, p.Y(v), 3.6, 0, 2 * Math.PI);
      ctx.fillStyle = '#fff'; ctx.fill(); ctx.strokeStyle = '#77777d'; ctx.stroke();
    });
    if (st && id) {
      cur.forEach((v, i) => {
        const x = p.X(i + 1) + (ref.length ? dx : 0);
        if (!Number.isFinite(v)) {
          ctx.fillStyle = INK; ctx.textAlign = 'center'; ctx.textBaseline = 'top'; ctx.font = FONT_SMALL;
          ctx.fillText('∞', x, p.y + 2);
          return;
        }
        ctx.strokeStyle = st.color; ctx.lineWidth = 2.4;
        ctx.beginPath(); ctx.moveTo(x, zero); ctx.lineTo(x, p.Y(v)); ctx.stroke();
        drawMarker(ctx, id, x, p.Y(v), 4.6, 1);
      });
      // λ1 value, labelled.
      if (Number.isFinite(cur[0])) {
        ctx.font = FONT_SMALL; ctx.fillStyle = INK; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
        haloText(ctx, fmt(cur[0]), p.X(1) + (ref.length ? dx : 0) + 8, p.Y(cur[0]));
      }
    }
    if (!record) {
      ctx.font = FONT; ctx.fillStyle = INK_SOFT; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
      ctx.fillText('appears when stage 2 begins', p.x + p.w / 2, p.y + p.h / 2);
    }
  }
}

/**
 * `text` cut with an ellipsis to fit `width` in the current font.
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} text
 * @param {number} width
 */
function ellipsize(ctx, text, width) {
  if (ctx.measureText(text).width <= width) return text;
  let t = text;
  while (t.length > 1 && ctx.measureText(`${t}…`).width > width) t = t.slice(0, -1);
  return t.length > 1 ? `${t.trimEnd()}…` : '';
}

export { sub };

/** @type {Record<string, string>} */
const SUB = { 0: '₀', 1: '₁', 2: '₂', 3: '₃', 4: '₄', 5: '₅', 6: '₆', 7: '₇', 8: '₈', 9: '₉' };
/** @param {number} n @returns {string} */
function sub(n) { return String(n).split('').map((c) => SUB[c] || c).join(''); }

/**
 * Paints 28x28 greyscale pixels (0..255, object bright) inverted onto a small canvas: dark ink on paper.
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number>} pixels
 */
export function paintImage(canvas, pixels) {
  canvas.width = 28;
  canvas.height = 28;
  const ctx = context2d(canvas);
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = 255 - pixels[i];
    img.data[4 * i] = v;
    img.data[4 * i + 1] = v;
    img.data[4 * i + 2] = Math.min(255, v + 2);
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
