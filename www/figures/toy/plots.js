// The 2-D figure's two live plots, drawn with the chart module (lib/chart.js): fraction escaped
// vs iteration, and the indicator bars on a log axis.

import { styleOf, drawMarker } from '../../lib/methods.js';
import { pow10Label } from '../../lib/format.js';
import { context2d } from '../../lib/dom.js';
import { FONT, FONT_SMALL, INK, fit, casing, niceTicks, spreadLabels, Panel } from '../../lib/chart.js';

export class EscapePlot {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = context2d(canvas);
    /** @type {import('../../lib/chart.js').FitMemo} */
    this.memo = { w: 0, h: 0, dpr: 0 };
  }

  /**
   * @param {number} cssWidth
   * @param {number} [dpr]
   * @returns {boolean}
   */
  resize(cssWidth, dpr) {
    const h = Math.round(Math.min(320, Math.max(220, cssWidth * 0.5)));
    return fit(this.canvas, cssWidth, h, this.memo, dpr);
  }

  /**
   * state: { iteration, curveStride, curves: {id: Float32Array}, escaped, runs }
   * ids: visible method ids in canonical order; names: id -> display name; target: iteration goal.
   * @param {{ iteration: number, curveStride?: number, curves: Record<string, ArrayLike<number>>, escaped?: Record<string, number>, runs?: number } | null} state
   * @param {string[]} ids
   * @param {Record<string, string>} names
   * @param {number | null} target
   */
  draw(state, ids, names, target) {
    const { w, h, dpr } = this.memo;
    if (!w) return;
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const m = { left: 46, right: 128, top: 12, bottom: 40 };
    const pw = w - m.left - m.right;
    const ph = h - m.top - m.bottom;
    const it = state ? state.iteration : 0;
    let xmax = Math.max(target || 500, 10);
    while (xmax < it) xmax *= 2;
    let fmax = 0;
    if (state) for (const id of ids) { const c = state.curves[id]; if (c) for (let i = 0; i < c.length; i++) if (c[i] > fmax) fmax = c[i]; }
    const ymax = [0.1, 0.2, 0.5, 1].find((v) => fmax <= v + 1e-9) || 1;
    const p = new Panel(ctx, { x: m.left, y: m.top, w: pw, h: ph }, { xmin: 0, xmax, ymin: 0, ymax });
    /** @param {number} x */
    const X = (x) => p.X(x);
    /** @param {number} y */
    const Y = (y) => p.Y(y);

    // Grid and axes.
    p.yGrid(niceTicks(ymax, 5).map((v) => ({ v, label: `${Math.round(v * 100)}%`, major: true })));
    p.xAxis(niceTicks(xmax, Math.max(3, Math.min(6, Math.floor(pw / 70)))));
    p.yAxisLine();
    ctx.font = FONT;
    ctx.fillStyle = INK; ctx.textAlign = 'center'; ctx.textBaseline = 'alphabetic';
    ctx.fillText('iteration', m.left + pw / 2, h - 4);

    // The iteration target.
    if (target && target <= xmax) {
      const x = Math.round(X(target)) + 0.5;
      ctx.save();
      ctx.setLineDash([4, 4]);
      ctx.strokeStyle = '#8a8a90';
      ctx.beginPath(); ctx.moveTo(x, m.top); ctx.lineTo(x, m.top + ph); ctx.stroke();
      ctx.restore();
      ctx.font = FONT_SMALL; ctx.fillStyle = '#6a6a70'; ctx.textAlign = target > xmax * 0.85 ? 'right' : 'left'; ctx.textBaseline = 'top';
      ctx.fillText(`target ${target}`, x + (ctx.textAlign === 'right' ? -4 : 4), m.top + 2);
    }
    if (!state) return;

    // Curves.
    const stride = state.curveStride || 1;
    /** @type {{ id: string, x: number, y: number, frac: number }[]} */
    const ends = [];
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    for (const id of ids) {
      const c = state.curves[id];
      if (!c || !c.length) continue;
      const st = styleOf(id);
      ctx.beginPath();
      for (let i = 0; i < c.length; i++) {
        const x = X(i * stride);
        const y = Y(c[i]);
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
      // The curve ends at the last kept iteration; extend to now with the current count.
      let yEnd = c[c.length - 1];
      if (state.escaped && state.runs && state.escaped[id] !== undefined) yEnd = state.escaped[id] / state.runs;
      ctx.lineTo(X(it), Y(yEnd));
      const cas = casing(st.color);
      if (cas) { ctx.lineWidth = 3.6; ctx.strokeStyle = cas; ctx.stroke(); }
      ctx.lineWidth = 2.2;
      ctx.strokeStyle = st.color;
      ctx.stroke();
      ends.push({ id, x: X(it), y: Y(yEnd), frac: yEnd });
    }
    for (const e of ends) drawMarker(ctx, e.id, e.x, e.y, 4.5, 1);

    // Direct labels at the right: methods at the same percentage share one label, wrapped to the
    // margin; labels are nudged apart so they never overlap.
    if (it === 0 || !ends.length) return;
    ctx.font = FONT_SMALL;
    const lh = 13;
    const maxW = m.right - 14;
    /** @type {Map<number, { pct: number, ends: typeof ends, y: number }>} */
    const groups = new Map();
    for (const e of ends) {
      const pct = Math.round(e.frac * 100);
      let g = groups.get(pct);
      if (!g) { g = { pct, ends: [], y: 0 }; groups.set(pct, g); }
      g.ends.push(e);
    }
    const labels = [...groups.values()].map((g) => {
      g.y = g.ends.reduce((a, e) => a + e.y, 0) / g.ends.length;
      const words = g.ends.map((e, i) => `${names[e.id] || e.id}${i < g.ends.length - 1 ? ',' : ''}`);
      words.push(`${g.pct}%`);
      /** @type {string[]} */
      const lines = [];
      let line = '';
      for (const w of words) {
        const trial = line ? `${line} ${w}` : w;
        if (line && ctx.measureText(trial).width > maxW) { lines.push(line); line = w; } else line = trial;
      }
      if (line) lines.push(line);
      return { ...g, lines, h: lines.length * lh };
    }).sort((a, b) => a.y - b.y);
    // Centres, pushed apart until neighbours clear each other, kept inside the plot.
    const cs = spreadLabels(labels.map((l) => l.y), labels.map((l) => l.h), m.top + 4, m.top + ph + 4);
    const lx = m.left + pw + 12;
    labels.forEach((l, i) => {
      const top = cs[i] - l.h / 2;
      ctx.strokeStyle = '#c4c4ca';
      ctx.lineWidth = 1;
      for (const e of l.ends) {
        ctx.beginPath(); ctx.moveTo(e.x + 6, e.y); ctx.lineTo(lx - 3, cs[i]); ctx.stroke();
      }
      ctx.fillStyle = INK; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
      l.lines.forEach((t, k) => ctx.fillText(t, lx, top + lh * (k + 0.5)));
    });
  }
}

export class IndicatorPlot {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = context2d(canvas);
    /** @type {import('../../lib/chart.js').FitMemo} */
    this.memo = { w: 0, h: 0, dpr: 0 };
    this.rows = 0;
  }

  /**
   * @param {number} cssWidth
   * @param {number} rows
   * @param {number} [dpr]
   * @returns {boolean}
   */
  resize(cssWidth, rows, dpr) {
    this.rows = rows;
    return fit(this.canvas, cssWidth, 44 + Math.max(rows, 1) * 30, this.memo, dpr);
  }

  /**
   * rows: [{ id, name, trHSigma, trHSigmaIso, ratio }]; at: where the indicators are taken (the
   * sharp minimum as the analysis writes it, e.g. "(1, 1)"), for the axis' title.
   * @param {{ id: string, name: string, trHSigma: number, trHSigmaIso: number, ratio: number }[]} rows
   * @param {string | null} [at]
   */
  draw(rows, at = null) {
    const { w, h, dpr } = this.memo;
    if (!w) return;
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = FONT;
    const labelW = Math.max(60, ...rows.map((r) => ctx.measureText(r.name).width));
    const m = { left: Math.ceil(labelW) + 30, right: 64, top: 8, bottom: 36 };
    const pw = w - m.left - m.right;
    const rh = (h - m.top - m.bottom) / Math.max(rows.length, 1);
    /** @type {number[]} */
    const vals = [];
    for (const r of rows) for (const v of [r.trHSigma, r.trHSigmaIso]) if (v > 0 && Number.isFinite(v)) vals.push(v);
    if (!vals.length) vals.push(1e-3, 1);
    let lo = Math.floor(Math.log10(Math.min(...vals)));
    let hi = Math.ceil(Math.log10(Math.max(...vals)));
    if (hi - lo < 2) { lo -= 1; hi = Math.max(hi, lo + 2); }
    const p = new Panel(ctx, { x: m.left, y: m.top, w: pw, h: h - m.top - m.bottom }, { xmin: 10 ** lo, xmax: 10 ** hi, ymin: 0, ymax: 1, xlog: true });
    /** @param {number} v */
    const X = (v) => p.X(v);
    /** @type {import('../../lib/chart.js').Tick[]} */
    const ticks = [];
    for (let e = lo; e <= hi; e++) {
      ticks.push({ v: 10 ** e, label: pow10Label(e), major: true });
      if (e < hi) for (let k = 2; k < 10; k++) ticks.push({ v: k * 10 ** e, label: '', major: false });
    }
    p.xGrid(ticks);
    ctx.strokeStyle = INK;
    ctx.beginPath(); ctx.moveTo(m.left, h - m.bottom + 0.5); ctx.lineTo(m.left + pw, h - m.bottom + 0.5); ctx.stroke();
    ctx.font = FONT_SMALL;
    ctx.fillStyle = INK; ctx.textAlign = 'center'; ctx.textBaseline = 'alphabetic';
    ctx.fillText(at ? `at w = ${at}, log scale` : 'at the sharp minimum, log scale', m.left + pw / 2, h - 4);

    rows.forEach((r, i) => {
      const yc = m.top + (i + 0.5) * rh;
      const st = styleOf(r.id);
      drawMarker(ctx, r.id, 10, yc, 4.5, 1);
      ctx.font = FONT;
      ctx.fillStyle = INK; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
      ctx.fillText(r.name, 20, yc);
      const bh = Math.min(11, rh * 0.36);
      // Isotropic reference: a hollow grey bar above; Tr(H Sigma): the solid bar below.
      if (r.trHSigmaIso > 0) {
        const x1 = X(r.trHSigmaIso);
        ctx.fillStyle = '#ececef';
        ctx.fillRect(m.left, yc - bh - 1, x1 - m.left, bh);
        ctx.strokeStyle = '#77777d';
        ctx.strokeRect(m.left + 0.5, yc - bh - 0.5, x1 - m.left - 1, bh - 1);
      }
      if (r.trHSigma > 0) {
        const x2 = X(r.trHSigma);
        ctx.fillStyle = st.color;
        ctx.fillRect(m.left, yc + 1, x2 - m.left, bh);
        ctx.strokeStyle = 'rgba(0,0,0,0.45)';
        ctx.strokeRect(m.left + 0.5, yc + 1.5, x2 - m.left - 1, bh - 1);
      }
      ctx.font = FONT_SMALL;
      ctx.textAlign = 'left';
      ctx.fillStyle = INK;
      const ratio = r.trHSigma > 0 && r.trHSigmaIso > 0 ? `×${Number(r.ratio).toFixed(2)}` : 'no noise';
      ctx.fillText(ratio, m.left + pw + 8, yc);
    });
  }
}
