// The one-hidden-layer figure's two canvases: the indicator traces per epoch on a log axis (the
// paper's Figure 4), and the network's decision boundary over [-2, 2]^2 with the training points.

import { styleOf, drawMarker } from '../../lib/methods.js';
import { fmt } from '../../lib/format.js';
import { contourSegments } from '../../lib/contours.js';
import { fit, Panel, INK, INK_SOFT, FONT, FONT_SMALL, logYTicks, linearTicks, haloText, spreadLabels } from '../../lib/chart.js';
import { context2d } from '../../lib/dom.js';

// SGD's own noise is what the study measures: it gets SGD's colour and marker; the isotropic
// reference is grey and hollow, as in the 2-D indicator panel.
const SGD = styleOf('sgd');
const ISO = { color: '#77777d', fill: '#ececef' };

/** @typedef {{ epoch: number, trHSigma: number, trHSigmaIso: number }} TraceRecord one epoch's indicators */

export class TracesPlot {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = context2d(canvas);
    /** @type {import('../../lib/chart.js').FitMemo} */
    this.memo = { w: 0, h: 0, dpr: 0 };
  }

  /** @param {number} cssWidth @param {number} [dpr] */
  resize(cssWidth, dpr) {
    const h = Math.round(Math.min(340, Math.max(240, cssWidth * 0.56)));
    return fit(this.canvas, cssWidth, h, this.memo, dpr);
  }

  /**
   * records: [{ epoch, trHSigma, trHSigmaIso }], epochs: the protocol length, decayFrom: first epoch of lr decay.
   * @param {TraceRecord[]} records
   * @param {number} epochs
   * @param {number | null} decayFrom
   */
  draw(records, epochs, decayFrom) {
    const { w, h, dpr } = this.memo;
    if (!w) return;
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const m = { left: 52, right: 112, top: 14, bottom: 40 };
    /** @type {number[]} */
    const vals = [];
    for (const r of records) for (const v of [r.trHSigma, r.trHSigmaIso]) if (v > 0 && Number.isFinite(v)) vals.push(v);
    if (!vals.length) vals.push(1e-3, 10);
    const yt = logYTicks(Math.min(...vals), Math.max(...vals), 6);
    const p = new Panel(ctx, { x: m.left, y: m.top, w: w - m.left - m.right, h: h - m.top - m.bottom }, { xmin: 0, xmax: epochs, ymin: yt.lo, ymax: yt.hi, ylog: true });

    // The learning-rate decay, shaded.
    const decay = decayFrom !== null && decayFrom < epochs;
    if (decay) {
      const x0 = p.X(decayFrom);
      ctx.fillStyle = '#f3f3ee';
      ctx.fillRect(x0, p.y, p.X(epochs) - x0, p.h);
    }
    p.yGrid(yt.ticks);
    if (decay) {
      ctx.font = FONT_SMALL; ctx.fillStyle = INK_SOFT; ctx.textAlign = 'right'; ctx.textBaseline = 'top';
      haloText(ctx, 'learning rate → 0', p.X(epochs) - 4, p.y + 4, 'rgba(243,243,238,0.95)');
    }
    const xt = linearTicks(0, epochs, Math.max(4, Math.min(8, Math.floor(p.w / 60)))).ticks.filter((v) => v <= epochs);
    p.xAxis(xt);
    p.yAxisLine();
    ctx.font = FONT; ctx.fillStyle = INK; ctx.textAlign = 'center'; ctx.textBaseline = 'alphabetic';
    ctx.fillText('epoch (10 full-batch Adam iterations each)', p.x + p.w / 2, h - 4);
    if (!records.length) return;

    /** @type {{ key: 'trHSigma' | 'trHSigmaIso', label: string, color: string, dash: number[], marker: string | null }[]} */
    const series = [
      { key: 'trHSigma', label: 'Tr(HΣ)', color: SGD.color, dash: [], marker: 'sgd' },
      { key: 'trHSigmaIso', label: 'Tr H·Tr Σ / D', color: ISO.color, dash: [6, 4], marker: null },
    ];
    ctx.save();
    p.clip(6);
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    for (const s of series) {
      ctx.beginPath();
      p.path(records.map((r) => ({ x: r.epoch, y: r[s.key] })));
      ctx.setLineDash(s.dash);
      ctx.lineWidth = 2.2;
      ctx.strokeStyle = s.color;
      ctx.stroke();
      ctx.setLineDash([]);
      for (const r of records) {
        const v = r[s.key];
        if (!(v > 0) || !Number.isFinite(v)) continue;
        if (s.marker) drawMarker(ctx, s.marker, p.X(r.epoch), p.Y(v), 3.4, 1);
        else {
          ctx.beginPath(); ctx.rect(p.X(r.epoch) - 2.6, p.Y(v) - 2.6, 5.2, 5.2);
          ctx.fillStyle = ISO.fill; ctx.fill(); ctx.lineWidth = 1.2; ctx.strokeStyle = ISO.color; ctx.stroke();
        }
      }
    }
    ctx.restore();

    // Direct labels at the right end, and the ratio between the two at the last epoch.
    const last = records[records.length - 1];
    const ends = series.map((s) => ({ s, y: p.Y(last[s.key]) }));
    const cs = spreadLabels(ends.map((e) => e.y), ends.map(() => 28), p.y + 2, p.y + p.h, 4);
    const lx = p.X(last.epoch) + 10;
    ctx.font = FONT_SMALL;
    ends.forEach((e, i) => {
      ctx.fillStyle = e.s.color === ISO.color ? INK_SOFT : INK;
      ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
      const x = Math.min(lx, p.x + p.w + 8);
      haloText(ctx, e.s.label, x, cs[i] - 6);
      ctx.fillStyle = INK_SOFT;
      haloText(ctx, fmt(last[e.s.key]), x, cs[i] + 7);
    });
    if (last.trHSigmaIso > 0 && last.trHSigma > 0) {
      const ratio = last.trHSigma / last.trHSigmaIso;
      const x = p.X(last.epoch);
      const y0 = p.Y(last.trHSigma) + 7;
      const y1 = p.Y(last.trHSigmaIso) - 7;
      if (y1 - y0 > 26) {
        ctx.strokeStyle = '#b5b5bb'; ctx.lineWidth = 1;
        ctx.beginPath(); ctx.moveTo(x - 8, y0); ctx.lineTo(x - 8, y1); ctx.stroke();
        for (const [yy, d] of /** @type {[number, number][]} */ ([[y0, 1], [y1, -1]])) { ctx.beginPath(); ctx.moveTo(x - 11, yy + 4 * d); ctx.lineTo(x - 8, yy); ctx.lineTo(x - 5, yy + 4 * d); ctx.stroke(); }
        ctx.font = FONT; ctx.fillStyle = INK; ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
        haloText(ctx, `×${ratio >= 100 ? Math.round(ratio) : ratio.toPrecision(3)}`, x - 14, (y0 + y1) / 2);
      }
    }
  }
}

// Class colours: Okabe-Ito blue for label 1 (x1 >= x2) and orange for label 0, with light tints
// of the same two for the network's output under them.
const C1 = [0, 114, 178];
const C0 = [230, 159, 0];
const T1 = [196, 222, 240];
const T0 = [250, 228, 186];

/**
 * @param {number} p
 * @returns {number[]}
 */
function tint(p) {
  // p = network output in [0, 1]: orange tint at 0, white at 0.5, blue tint at 1.
  const t = Math.max(0, Math.min(1, p));
  const a = Math.abs(t - 0.5) * 2;
  const s = Math.pow(a, 0.8);
  const c = t >= 0.5 ? T1 : T0;
  return [255 + (c[0] - 255) * s, 255 + (c[1] - 255) * s, 255 + (c[2] - 255) * s];
}

export class BoundaryPlot {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = context2d(canvas);
    /** @type {import('../../lib/chart.js').FitMemo} */
    this.memo = { w: 0, h: 0, dpr: 0 };
    /** @type {OffscreenCanvas | HTMLCanvasElement | null} */
    this.image = null; // offscreen canvas with the heatmap at grid resolution
    this.gridN = 0;
    /** @type {number[] | null} */
    this.segs = null;
    this.narrow = false;
  }

  /** @param {number} cssWidth @param {number} [dpr] */
  resize(cssWidth, dpr) {
    // A square plot (at most 420 px) with the axes below it and the key to its right, or below
    // it all on narrow screens.
    this.narrow = cssWidth < 480;
    const side = this.narrow ? Math.max(120, cssWidth - 50) : Math.max(160, Math.min(420, cssWidth - 40 - 160));
    return fit(this.canvas, cssWidth, side + 10 + 36 + (this.narrow ? 150 : 0), this.memo, dpr);
  }

  /**
   * The network's output on an n x n grid over [-2, 2]^2 (row j: x2 = -2 + 4j/(n-1)).
   * @param {ArrayLike<number>} values
   * @param {number} n
   */
  setGrid(values, n) {
    const img = new ImageData(n, n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const [r, g, b] = tint(values[j * n + i]);
        // Row j is x2 = -2 + 4j/(n-1): flip so x2 grows upwards.
        const k = 4 * ((n - 1 - j) * n + i);
        img.data[k] = r; img.data[k + 1] = g; img.data[k + 2] = b; img.data[k + 3] = 255;
      }
    }
    let image = this.image;
    if (!image || image.width !== n) {
      image = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(n, n) : Object.assign(document.createElement('canvas'), { width: n, height: n });
      this.image = image;
    }
    const g = image.getContext('2d');
    if (!g) throw new Error('no 2-D drawing context for the decision boundary\'s heatmap (canvas drawing unavailable)');
    g.putImageData(img, 0, 0);
    this.gridN = n;
    this.segs = contourSegments(values, n, n, 0.5);
  }

  /**
   * inputs: Float64Array x1,x2,...; labels: 0/1
   * @param {ArrayLike<number> | null} inputs
   * @param {ArrayLike<number> | null} labels
   * @param {{ text: string, soft?: boolean, bold?: boolean }[] | null} [info] lines under the key
   */
  draw(inputs, labels, info) {
    const { w, h, dpr } = this.memo;
    if (!w) return;
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const m = { left: 40, bottom: 36, top: 10 };
    const side = this.narrow ? w - m.left - 10 : Math.max(100, Math.min(h - m.top - m.bottom, w - m.left - 160));
    const x0 = m.left;
    const y0 = m.top;
    /** @param {number} v */
    const X = (v) => x0 + ((v + 2) / 4) * side;
    /** @param {number} v */
    const Y = (v) => y0 + (1 - (v + 2) / 4) * side;

    if (this.image) {
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      // Grid nodes sit on the corners of the square: half a cell is outside on every side.
      const cell = side / (this.gridN - 1);
      ctx.save();
      ctx.beginPath(); ctx.rect(x0, y0, side, side); ctx.clip();
      ctx.drawImage(this.image, x0 - cell / 2, y0 - cell / 2, side + cell, side + cell);
      ctx.restore();
    } else {
      ctx.fillStyle = '#f6f6f4';
      ctx.fillRect(x0, y0, side, side);
    }

    // Training points, coloured by label.
    if (inputs && labels) {
      const n = labels.length;
      for (const cls of [0, 1]) {
        const c = cls ? C1 : C0;
        ctx.beginPath();
        for (let k = 0; k < n; k++) {
          if (labels[k] !== cls) continue;
          const x = X(inputs[2 * k]);
          const y = Y(inputs[2 * k + 1]);
          ctx.moveTo(x + 2.1, y);
          ctx.arc(x, y, 2.1, 0, 2 * Math.PI);
        }
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.fill();
        ctx.lineWidth = 0.6;
        ctx.strokeStyle = 'rgba(255,255,255,0.85)';
        ctx.stroke();
      }
    }

    // The true boundary x1 = x2 (dashed) and the network's (output 0.5, solid).
    ctx.save();
    ctx.beginPath(); ctx.rect(x0, y0, side, side); ctx.clip();
    ctx.setLineDash([6, 5]);
    ctx.lineWidth = 1.6;
    ctx.strokeStyle = 'rgba(29,29,31,0.75)';
    ctx.beginPath(); ctx.moveTo(X(-2), Y(-2)); ctx.lineTo(X(2), Y(2)); ctx.stroke();
    ctx.setLineDash([]);
    if (this.segs && this.segs.length) {
      const s = this.segs;
      const cell = side / (this.gridN - 1);
      ctx.beginPath();
      for (let k = 0; k < s.length; k += 4) {
        ctx.moveTo(x0 + s[k] * cell, y0 + side - s[k + 1] * cell);
        ctx.lineTo(x0 + s[k + 2] * cell, y0 + side - s[k + 3] * cell);
      }
      ctx.lineCap = 'round';
      ctx.lineWidth = 4.5; ctx.strokeStyle = 'rgba(255,255,255,0.9)'; ctx.stroke();
      ctx.lineWidth = 2.2; ctx.strokeStyle = '#1d1d1f'; ctx.stroke();
    }
    ctx.restore();

    // Frame and axes.
    ctx.strokeStyle = INK; ctx.lineWidth = 1;
    ctx.strokeRect(x0 + 0.5, y0 + 0.5, side - 1, side - 1);
    ctx.font = FONT_SMALL; ctx.fillStyle = INK;
    for (const v of [-2, -1, 0, 1, 2]) {
      const label = v < 0 ? `−${-v}` : String(v);
      ctx.textAlign = 'center'; ctx.textBaseline = 'top';
      ctx.fillText(label, X(v), y0 + side + 5);
      ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
      ctx.fillText(label, x0 - 6, Y(v));
    }
    ctx.font = FONT; ctx.textAlign = 'center'; ctx.textBaseline = 'alphabetic';
    ctx.fillText('x₁', x0 + side / 2, y0 + side + 32);
    ctx.save(); ctx.translate(12, y0 + side / 2); ctx.rotate(-Math.PI / 2); ctx.fillText('x₂', 0, 0); ctx.restore();

    // Key, to the right of the square.
    const kx = this.narrow ? x0 : x0 + side + 18;
    let ky = this.narrow ? y0 + side + 52 : y0 + 8;
    ctx.font = FONT_SMALL; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    /**
     * @param {(x: number, y: number) => void} drawSwatch
     * @param {string} text
     */
    const key = (drawSwatch, text) => { drawSwatch(kx + 9, ky); ctx.fillStyle = INK; ctx.fillText(text, kx + 24, ky); ky += 20; };
    /**
     * @param {number[]} c
     * @returns {(x: number, y: number) => void}
     */
    const dot = (c) => (x, y) => { ctx.beginPath(); ctx.arc(x, y, 3.2, 0, 2 * Math.PI); ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`; ctx.fill(); };
    key(dot(C1), 'label 1 (x₁ ≥ x₂)');
    key(dot(C0), 'label 0');
    key((x, y) => { ctx.setLineDash([5, 4]); ctx.strokeStyle = 'rgba(29,29,31,0.75)'; ctx.lineWidth = 1.6; ctx.beginPath(); ctx.moveTo(x - 9, y); ctx.lineTo(x + 9, y); ctx.stroke(); ctx.setLineDash([]); }, 'true boundary');
    key((x, y) => { ctx.strokeStyle = '#1d1d1f'; ctx.lineWidth = 2.2; ctx.beginPath(); ctx.moveTo(x - 9, y); ctx.lineTo(x + 9, y); ctx.stroke(); }, 'network (output ½)');
    // Colour bar of the output.
    ky += 6;
    ctx.fillStyle = INK_SOFT; ctx.fillText('network output', kx, ky); ky += 12;
    const bw = 110;
    for (let i = 0; i < bw; i++) {
      const [r, g, b] = tint(i / (bw - 1));
      ctx.fillStyle = `rgb(${Math.round(r)},${Math.round(g)},${Math.round(b)})`;
      ctx.fillRect(kx + i, ky, 1, 10);
    }
    ctx.strokeStyle = '#b9b9bf'; ctx.strokeRect(kx + 0.5, ky + 0.5, bw - 1, 9);
    ky += 14;
    ctx.fillStyle = INK; ctx.textBaseline = 'top';
    ctx.textAlign = 'left'; ctx.fillText('0', kx, ky);
    ctx.textAlign = 'center'; ctx.fillText('½', kx + bw / 2, ky);
    ctx.textAlign = 'right'; ctx.fillText('1', kx + bw, ky);
    if (info) {
      if (this.narrow) { ky = y0 + side + 52; } else ky += 28;
      const ix = this.narrow ? kx + 170 : kx;
      ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
      for (const line of info) { ctx.fillStyle = line.soft ? INK_SOFT : INK; ctx.font = line.bold ? FONT : FONT_SMALL; ctx.fillText(line.text, ix, ky); ky += 16; }
    }
  }
}
