// The sweep figure's canvas: the escape fraction of every finished point with its Wilson 95%
// interval against the indicator (the ratio Tr(HΣ) / (Tr H·Tr Σ / D), or Tr(HΣ) for the spread
// sweep), the points joined in the order of the varied value, and a strip at the top marking
// where the paper's eight dynamics sit on the same x axis.

import { styleOf, drawMarker } from '../../lib/methods.js';
import { fmt } from '../../lib/format.js';
import { fit, Panel, INK, INK_SOFT, FONT, FONT_SMALL, linearTicks, linearYTicks, paddedExtent, haloText } from '../../lib/chart.js';
import { fractionOf, valueText } from './model.js';
import { context2d } from '../../lib/dom.js';

// The swept noise is a continuous family through GLD 1st eigvec (angle 0) or SGD (spread): its
// points take the colour of that dynamics.
const LINE = '#5b3a8c';
const STRIP = 34;

/** @param {any} p @param {string} key */
const xOf = (p, key) => (key === 'ratio' ? p.ratio : p.trHSigma);

export class SweepPlot {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = context2d(canvas);
    /** @type {import('../../lib/chart.js').FitMemo} */
    this.memo = { w: 0, h: 0, dpr: 0 };
  }

  /** @param {number} cssWidth @param {number} [dpr] */
  resize(cssWidth, dpr) {
    const h = Math.round(Math.min(420, Math.max(280, cssWidth * 0.6)));
    return fit(this.canvas, cssWidth, h, this.memo, dpr);
  }

  /**
   * @param {{ points: any[], markers: any[], xKey: 'ratio' | 'trHSigma', vary: string, family: string }} d
   *   family: the method id whose colour the swept points take
   */
  draw({ points, markers, xKey, vary, family }) {
    const { w, h, dpr } = this.memo;
    if (!w) return;
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const m = { left: 52, right: 18, top: 14 + STRIP, bottom: 42 };
    const shown = markers.filter((k) => Number.isFinite(xOf(k, xKey)));
    const xs = [...points.map((p) => xOf(p, xKey)), ...shown.map((k) => xOf(k, xKey))];
    const [x0, x1] = paddedExtent(xs, 0.06, xKey === 'ratio' ? [0, 2] : [0, 1]);
    const xt = linearTicks(Math.max(0, x0), x1, Math.max(3, Math.min(8, Math.floor((w - m.left - m.right) / 70))));
    const yt = linearYTicks(0, 1, (v) => `${Math.round(v * 100)}%`, 5);
    const p = new Panel(ctx, { x: m.left, y: m.top, w: w - m.left - m.right, h: h - m.top - m.bottom }, { xmin: xt.lo, xmax: xt.hi, ymin: -0.02, ymax: 1.02 });
    p.yGrid(yt.ticks);
    p.xAxis(xt.ticks.filter((v) => v >= xt.lo && v <= xt.hi), { format: (v) => fmt(v) });
    p.yAxisLine();
    ctx.font = FONT; ctx.fillStyle = INK; ctx.textAlign = 'center'; ctx.textBaseline = 'alphabetic';
    const xLabel = xKey === 'ratio'
      ? 'Tr(HΣ) / (Tr H·Tr Σ / D): the noise against isotropic noise of the same trace'
      : 'Tr(HΣ) at the sharp minimum';
    ctx.fillText(xLabel, p.x + p.w / 2, h - 6);
    ctx.save();
    ctx.translate(13, p.y + p.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText('runs escaped (95% interval)', 0, 0);
    ctx.restore();
    if (xKey === 'ratio' && 1 >= xt.lo && 1 <= xt.hi) {
      // Isotropic noise of the same trace sits at 1.
      ctx.save();
      ctx.setLineDash([4, 4]);
      ctx.strokeStyle = INK_SOFT;
      ctx.beginPath(); ctx.moveTo(Math.round(p.X(1)) + 0.5, p.y - STRIP + 4); ctx.lineTo(Math.round(p.X(1)) + 0.5, p.y + p.h); ctx.stroke();
      ctx.restore();
    }
    this.drawMarkers(p, shown, xKey);
    if (!points.length) return;
    const color = styleOf(family).color;
    ctx.save();
    p.clip(8);
    const sorted = points.slice().sort((a, b) => a.value - b.value);
    ctx.strokeStyle = LINE; ctx.globalAlpha = 0.45; ctx.lineWidth = 1.2;
    ctx.beginPath();
    p.path(sorted.map((q) => ({ x: xOf(q, xKey), y: fractionOf(q) })));
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = INK; ctx.lineWidth = 1.2;
    for (const q of sorted) p.interval(xOf(q, xKey), q.low95, q.high95, 3.5);
    for (const q of sorted) {
      const [px, py] = [p.X(xOf(q, xKey)), p.Y(fractionOf(q))];
      ctx.beginPath(); ctx.arc(px, py, 4.2, 0, 2 * Math.PI);
      ctx.fillStyle = color; ctx.fill();
      ctx.strokeStyle = '#ffffff'; ctx.lineWidth = 1.2; ctx.stroke();
    }
    // The two ends named by their value.
    ctx.font = FONT_SMALL; ctx.fillStyle = INK;
    const ends = sorted.length > 1 ? [sorted[0], sorted[sorted.length - 1]] : sorted;
    for (const q of ends) {
      const [px, py] = [p.X(xOf(q, xKey)), p.Y(fractionOf(q))];
      ctx.textAlign = px > p.x + p.w / 2 ? 'right' : 'left';
      ctx.textBaseline = py < p.y + 20 ? 'top' : 'bottom';
      haloText(ctx, valueText(vary, q.value), px + (ctx.textAlign === 'left' ? 7 : -7), py + (ctx.textBaseline === 'top' ? 6 : -6));
    }
    ctx.restore();
  }

  /**
   * The eight dynamics' positions on x, in a strip above the plot (GD has no noise: no mark).
   * @param {Panel} p
   * @param {any[]} markers
   * @param {'ratio' | 'trHSigma'} xKey
   */
  drawMarkers(p, markers, xKey) {
    const ctx = this.ctx;
    const y = p.y - STRIP / 2 - 2;
    ctx.font = FONT_SMALL; ctx.fillStyle = INK_SOFT; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    ctx.fillText('the paper’s dynamics:', p.x + 2, p.y - STRIP + 6);
    // Marks that would overlap are stacked a little.
    /** @type {number[]} */
    const placed = [];
    for (const k of markers.slice().sort((a, b) => xOf(a, xKey) - xOf(b, xKey))) {
      const x = p.X(xOf(k, xKey));
      if (x < p.x - 4 || x > p.x + p.w + 4) continue;
      const near = placed.filter((px) => Math.abs(px - x) < 9).length;
      placed.push(x);
      const yy = y + 4 + (near % 2 ? -7 : 0) + (near >= 2 ? 7 : 0);
      ctx.strokeStyle = styleOf(k.id).color; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(Math.round(x) + 0.5, yy + 5); ctx.lineTo(Math.round(x) + 0.5, p.y); ctx.stroke();
      drawMarker(ctx, k.id, x, yy, 4.4, 1);
    }
  }
}
