// The prediction next to the measurement (issue 13 §3): per method, a small panel with the
// indicator's predicted mean loss over the first steps from the sharp minimum (the core's
// lossPrediction: 1/2 Tr(H sum_j A^j Sigma A^j) added to the loss at the minimum, exact for
// the quadratic bowl), and the ensemble's measured mean loss (meanLossCurve) with a band of
// ±1 standard deviation over runs (lossSdCurve; a loss is never negative, so the band stops at
// 0). The iterations run on a log axis from 1: the rise happens in the first tens of steps,
// the plateau after. The series and the caption are pure functions of the state;
// PredictionPlot draws them with the chart module (lib/chart.js).

import { styleOf, drawMarker } from '../../lib/methods.js';
import { fmt } from '../../lib/format.js';
import { FONT_SMALL, FONT_BOLD, INK, INK_SOFT, fit, linearYTicks, logTicks, logLabel, Panel } from '../../lib/chart.js';
import { context2d } from '../../lib/dom.js';

/**
 * @typedef {{ x: number, y: number }} XY
 * @typedef {{ predicted: XY[], mean: XY[], low: XY[], high: XY[], ylo: number, yhi: number, steps: number }} Series
 */

/**
 * One method's series up to `steps`: the prediction at every iteration, the measured mean and
 * its ±1 sd band at the kept iterations (every `stride`, up to the state's iteration), and the
 * y range that holds them (finite values only).
 * @param {{ predicted: ArrayLike<number> | null, meanLoss: ArrayLike<number> | null, lossSd: ArrayLike<number> | null, stride: number, iteration: number, steps: number }} p
 * @returns {Series}
 */
export function predictionSeries({ predicted, meanLoss, lossSd, stride, iteration, steps }) {
  const s = { predicted: /** @type {XY[]} */ ([]), mean: /** @type {XY[]} */ ([]), low: /** @type {XY[]} */ ([]), high: /** @type {XY[]} */ ([]), ylo: Infinity, yhi: -Infinity, steps };
  const see = (/** @type {number} */ y) => {
    if (!Number.isFinite(y)) return;
    if (y < s.ylo) s.ylo = y;
    if (y > s.yhi) s.yhi = y;
  };
  if (predicted) {
    for (let k = 0; k < predicted.length && k <= steps; k++) {
      s.predicted.push({ x: k, y: predicted[k] });
      see(predicted[k]);
    }
  }
  if (meanLoss) {
    const st = Math.max(1, stride || 1);
    const last = Math.min(iteration, steps);
    for (let j = 0; j < meanLoss.length && j * st <= last; j++) {
      const m = meanLoss[j];
      const sd = lossSd && j < lossSd.length ? lossSd[j] : NaN;
      s.mean.push({ x: j * st, y: m });
      see(m);
      if (Number.isFinite(sd)) {
        s.low.push({ x: j * st, y: Math.max(0, m - sd) });
        s.high.push({ x: j * st, y: m + sd });
        see(Math.max(0, m - sd));
        see(m + sd);
      }
    }
  }
  if (!(s.yhi >= s.ylo)) { s.ylo = 0; s.yhi = 1; }
  return s;
}

/**
 * The measured mean and sd at the latest kept iteration within `steps`, with the prediction
 * there, or null before any measurement.
 * @param {Series} s
 * @param {ArrayLike<number> | null} predicted
 */
export function latestPoint(s, predicted) {
  const k = s.mean.length - 1;
  if (k < 0) return null;
  const x = s.mean[k].x;
  const sd = s.high.length > k ? s.high[k].y - s.mean[k].y : NaN;
  return { iteration: x, measured: s.mean[k].y, sd, predicted: predicted && x < predicted.length ? predicted[x] : NaN };
}

/**
 * The caption: what the panels show, and per method the prediction against the measurement at
 * the latest kept iteration.
 * @param {{ ids: string[], names: Record<string, string>, predictions: Record<string, ArrayLike<number>> | null, state: any, steps: number }} p
 */
export function predictionCaption({ ids, names, predictions, state, steps }) {
  const head = `Mean loss over the first ${steps} iterations from the sharp minimum (log iteration axis): dashed, the indicator's prediction; solid, the mean over ${state ? state.runs : 0} runs, shaded ±1 sd.`;
  if (!state || !predictions) return head;
  const parts = [];
  let at = 0;
  for (const id of ids) {
    const p = predictions[id];
    const s = predictionSeries({ predicted: p, meanLoss: state.meanLoss && state.meanLoss[id], lossSd: state.lossSd && state.lossSd[id], stride: state.curveStride, iteration: state.iteration, steps });
    const pt = latestPoint(s, p);
    if (!pt) continue;
    at = pt.iteration;
    parts.push(`${names[id] || id} predicted ${fmt(pt.predicted)}, measured ${fmt(pt.measured)} ± ${fmt(pt.sd)}`);
  }
  if (!parts.length || at === 0) return `${head} Press Play: the predictions are drawn before any run escapes.`;
  return `${head} At iteration ${at}: ${parts.join('; ')}.`;
}

/**
 * The panels' grid: columns for a width, and each panel's height.
 * @param {number} width
 * @param {number} count
 */
export function predictionGrid(width, count) {
  const cols = Math.max(1, Math.min(4, Math.floor(width / 220), count));
  const rows = Math.max(1, Math.ceil(count / cols));
  return { cols, rows, cell: 150 };
}

export class PredictionPlot {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = context2d(canvas);
    /** @type {import('../../lib/chart.js').FitMemo} */
    this.memo = { w: 0, h: 0, dpr: 0 };
    this.count = 1;
  }

  /**
   * @param {number} cssWidth
   * @param {number} count methods shown
   * @param {number} [dpr]
   */
  resize(cssWidth, count, dpr) {
    this.count = Math.max(1, count);
    const g = predictionGrid(cssWidth, this.count);
    return fit(this.canvas, cssWidth, g.rows * g.cell, this.memo, dpr);
  }

  /**
   * @param {{ ids: string[], names: Record<string, string>, predictions: Record<string, ArrayLike<number>> | null, state: any, steps: number }} p
   * @returns {number} the finite values drawn (for tests: a panel with none draws nothing)
   */
  draw({ ids, names, predictions, state, steps }) {
    const { w, h, dpr } = this.memo;
    if (!w) return 0;
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const g = predictionGrid(w, Math.max(1, ids.length));
    const cw = w / g.cols;
    let finite = 0;
    ids.forEach((id, i) => {
      const cx = (i % g.cols) * cw;
      const cy = Math.floor(i / g.cols) * g.cell;
      const pred = predictions ? predictions[id] : null;
      const s = predictionSeries({ predicted: pred, meanLoss: state && state.meanLoss ? state.meanLoss[id] : null, lossSd: state && state.lossSd ? state.lossSd[id] : null, stride: state ? state.curveStride : 1, iteration: state ? state.iteration : 0, steps });
      const yt = linearYTicks(s.ylo, s.yhi, (v) => fmt(v, 2), 3);
      const m = { left: 48, right: 10, top: 20, bottom: 24 };
      const xmax = Math.max(2, steps);
      const p = new Panel(ctx, { x: cx + m.left, y: cy + m.top, w: cw - m.left - m.right, h: g.cell - m.top - m.bottom }, { xmin: 1, xmax, ymin: yt.lo, ymax: yt.hi, xlog: true });
      const st = styleOf(id);
      drawMarker(ctx, id, cx + 8, cy + 9, 4, 1);
      ctx.font = FONT_BOLD; ctx.fillStyle = INK; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
      ctx.fillText(names[id] || id, cx + 16, cy + 9);
      p.yGrid(yt.ticks);
      const xt = logTicks(1, xmax, 4);
      p.xAxis(xt.major.filter((v) => v <= xmax), { format: logLabel });
      p.yAxisLine();
      ctx.save();
      p.clip(1);
      // The measured band, then the mean, then the prediction (dashed, on top).
      // Iteration 0 has no place on the log axis: every series starts at 1.
      const high = s.high.filter((q) => q.x >= 1);
      const low = s.low.filter((q) => q.x >= 1);
      if (low.length > 1) {
        ctx.beginPath();
        high.forEach((q, k) => (k ? ctx.lineTo(p.X(q.x), p.Y(q.y)) : ctx.moveTo(p.X(q.x), p.Y(q.y))));
        for (let k = low.length - 1; k >= 0; k--) ctx.lineTo(p.X(low[k].x), p.Y(low[k].y));
        ctx.closePath();
        ctx.globalAlpha = 0.22;
        ctx.fillStyle = st.color;
        ctx.fill();
        ctx.globalAlpha = 1;
      }
      ctx.lineJoin = 'round';
      if (s.mean.length) {
        ctx.beginPath();
        p.path(s.mean.filter((q) => q.x >= 1));
        ctx.lineWidth = 2;
        ctx.strokeStyle = st.color;
        ctx.stroke();
      }
      if (s.predicted.length) {
        ctx.beginPath();
        p.path(s.predicted.filter((q) => q.x >= 1));
        ctx.setLineDash([5, 3]);
        ctx.lineWidth = 1.6;
        ctx.strokeStyle = INK;
        ctx.stroke();
        ctx.setLineDash([]);
      }
      ctx.restore();
      for (const q of [...s.predicted, ...s.mean]) if (Number.isFinite(q.y)) finite += 1;
      if (!s.mean.length) {
        ctx.font = FONT_SMALL; ctx.fillStyle = INK_SOFT; ctx.textAlign = 'right'; ctx.textBaseline = 'top';
        ctx.fillText('measured: press Play', p.x + p.w - 4, p.y + 4);
      }
    });
    return finite;
  }
}
