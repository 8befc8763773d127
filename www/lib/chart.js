// The chart module of every figure: HiDPI sizing, panels with linear or log axes and their
// grids, tick generation (linear, log), clipped polylines, haloed text and labels that avoid
// each other. Hand-written canvas, as the best explainers draw: the few scale and tick
// functions a library such as d3-scale would bring are short here, and a dependency bundled at
// build time would cost more (a bundler step, a lockfile entry) than it removes. Each figure's
// plots.js draws its own charts with these pieces, so every figure on the page reads alike.

import { fmt, pow10Label } from './format.js';

/** @typedef {{ x: number, y: number }} XY a point in data units */
/** @typedef {{ v: number, label: string, major: boolean }} Tick an axis tick: value, label ('' for none), major or minor */
/** @typedef {{ w: number, h: number, dpr: number }} FitMemo the canvas size fit() last set, in CSS pixels and device pixels per CSS pixel (0 before the first fit) */

export const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const FONT_SMALL = '11px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const FONT_BOLD = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const INK = '#2b2b2e';
export const INK_SOFT = '#6a6a70';
export const GRID = '#e6e6ea';

/** Sizes a canvas to its CSS width and the given CSS height at devicePixelRatio (or `dpr`, for
 *  exports at a fixed resolution); true if changed.
 * @param {HTMLCanvasElement} canvas
 * @param {number} cssWidth
 * @param {number} cssHeight
 * @param {FitMemo} memo the size last fitted (updated here)
 * @param {number} [dpr]
 * @returns {boolean}
 */
export function fit(canvas, cssWidth, cssHeight, memo, dpr = window.devicePixelRatio || 1) {
  const w = Math.max(160, Math.floor(cssWidth));
  const h = Math.round(cssHeight);
  if (memo.w === w && memo.h === h && memo.dpr === dpr) return false;
  memo.w = w; memo.h = h; memo.dpr = dpr;
  canvas.style.height = `${h}px`;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  return true;
}

/**
 * A darker casing under light line colours, so yellow and sky blue read on white.
 * @param {string} hex
 * @returns {string | null}
 */
export function casing(hex) {
  const v = parseInt(hex.slice(1), 16);
  const r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return lum > 150 ? 'rgba(60,55,20,0.55)' : null;
}

/**
 * A nice step (1, 2, 2.5, 5 times a power of ten) near `raw`.
 * @param {number} raw
 * @returns {number}
 */
function niceStep(raw) {
  const e = Math.floor(Math.log10(raw));
  const b = 10 ** e;
  for (const m of [1, 2, 2.5, 5, 10]) if (m * b >= raw * 0.999) return m * b;
  return 10 * b;
}

/**
 * Linear ticks covering [lo, hi] (about `target` of them) and the range widened to them.
 * @param {number} lo
 * @param {number} hi
 * @param {number} [target]
 * @returns {{ lo: number, hi: number, ticks: number[], step: number }}
 */
export function linearTicks(lo, hi, target = 5) {
  if (!(hi > lo)) { const d = Math.abs(lo) * 0.1 || 1; lo -= d; hi += d; }
  const step = niceStep((hi - lo) / target);
  const a = Math.floor(lo / step + 1e-9) * step;
  const b = Math.ceil(hi / step - 1e-9) * step;
  const ticks = [];
  for (let v = a; v <= b + step * 1e-6; v += step) ticks.push(Math.round(v / step) * step);
  return { lo: a, hi: b, ticks, step };
}

/**
 * Log ticks for [lo, hi] (both > 0): the range widened to the 1-2-5 grid, major ticks (labelled)
 * and minor ones. Spans under a decade get 1-2-5 labels; wide spans label every k-th decade.
 * @param {number} lo
 * @param {number} hi
 * @param {number} [maxLabels]
 * @returns {{ lo: number, hi: number, major: number[], minor: number[] }}
 */
export function logTicks(lo, hi, maxLabels = 6) {
  if (!(lo > 0) || !(hi > 0)) { lo = 1; hi = 10; }
  if (hi / lo < 1.5) { const m = Math.sqrt(hi * lo); lo = m / 1.6; hi = m * 1.6; }
  const seq = [1, 2, 5];
  /** @param {number} v */
  const down = (v) => { const e = Math.floor(Math.log10(v) + 1e-9); const b = 10 ** e; const m = [...seq].reverse().find((s) => s * b <= v * (1 + 1e-9)) || 1; return m * b; };
  /** @param {number} v */
  const up = (v) => { const e = Math.floor(Math.log10(v) - 1e-9); const b = 10 ** e; const m = seq.find((s) => s * b >= v * (1 - 1e-9)); return m ? m * b : 10 * b; };
  const a = down(lo);
  const b = up(hi);
  const e0 = Math.floor(Math.log10(a) + 1e-9);
  const e1 = Math.ceil(Math.log10(b) - 1e-9);
  const decades = e1 - e0;
  /** @type {number[]} */
  const major = [];
  /** @type {number[]} */
  const minor = [];
  if (decades <= 2) {
    for (let e = e0; e <= e1; e++) {
      for (let k = 1; k < 10; k++) {
        const v = k * 10 ** e;
        if (v < a * (1 - 1e-9) || v > b * (1 + 1e-9)) continue;
        if (seq.includes(k) && (decades <= 1 || k !== 2)) major.push(v); else minor.push(v);
      }
    }
  } else {
    const every = Math.max(1, Math.ceil((decades + 1) / maxLabels));
    for (let e = e0; e <= e1; e++) {
      const v = 10 ** e;
      if (v >= a * (1 - 1e-9) && v <= b * (1 + 1e-9)) ((e - e0) % every === 0 ? major : minor).push(v);
      if (decades <= 6) for (let k = 2; k < 10; k++) { const w = k * v; if (w > a && w < b) minor.push(w); }
    }
  }
  return { lo: a, hi: b, major, minor };
}

/**
 * Label of a log tick value.
 * @param {number} v
 * @returns {string}
 */
export function logLabel(v) {
  const e = Math.round(Math.log10(v));
  if (Math.abs(v - 10 ** e) < 1e-9 * v) return pow10Label(e);
  if (v >= 1e-2 && v < 1e5) return String(Number(v.toPrecision(2)));
  return fmt(v, 2);
}

/** A rectangular plotting area with its own axes. rect: { x, y, w, h } in CSS pixels. */
export class Panel {
  /**
   * @param {CanvasRenderingContext2D} ctx
   * @param {{ x: number, y: number, w: number, h: number }} rect
   * @param {{ xmin: number, xmax: number, ymin: number, ymax: number, xlog?: boolean, ylog?: boolean }} range
   */
  constructor(ctx, { x, y, w, h }, { xmin, xmax, ymin, ymax, xlog = false, ylog = false }) {
    this.ctx = ctx;
    this.x = x;
    this.y = y;
    this.w = w;
    this.h = h;
    this.xmin = xmin;
    this.xmax = xmax;
    this.ymin = ymin;
    this.ymax = ymax;
    this.xlog = xlog;
    this.ylog = ylog;
  }

  /**
   * @param {number} v
   * @returns {number}
   */
  X(v) {
    if (this.xlog) {
      const l = Math.log10(Math.max(v, 1e-300));
      return this.x + ((l - Math.log10(this.xmin)) / (Math.log10(this.xmax) - Math.log10(this.xmin) || 1)) * this.w;
    }
    return this.x + ((v - this.xmin) / (this.xmax - this.xmin || 1)) * this.w;
  }

  /**
   * @param {number} v
   * @returns {number}
   */
  Y(v) {
    if (this.ylog) {
      const l = Math.log10(Math.max(v, 1e-300));
      return this.y + (1 - (l - Math.log10(this.ymin)) / (Math.log10(this.ymax) - Math.log10(this.ymin) || 1)) * this.h;
    }
    return this.y + (1 - (v - this.ymin) / (this.ymax - this.ymin || 1)) * this.h;
  }

  /**
   * Whether v lies in the y range (with a little tolerance).
   * @param {number} v
   * @returns {boolean}
   */
  inY(v) {
    if (!Number.isFinite(v)) return false;
    if (this.ylog && v <= 0) return false;
    const y = this.Y(v);
    return y >= this.y - 0.5 && y <= this.y + this.h + 0.5;
  }

  /**
   * Horizontal grid lines and y labels. ticks: [{ v, label, major }]
   * @param {Tick[]} ticks
   * @param {{ side?: 'left' | 'right' }} [o]
   */
  yGrid(ticks, { side = 'left' } = {}) {
    const ctx = this.ctx;
    ctx.lineWidth = 1;
    ctx.font = FONT_SMALL;
    for (const t of ticks) {
      const y = Math.round(this.Y(t.v)) + 0.5;
      if (y < this.y - 1 || y > this.y + this.h + 1) continue;
      if (t.major) {
        ctx.strokeStyle = GRID;
        ctx.beginPath(); ctx.moveTo(this.x, y); ctx.lineTo(this.x + this.w, y); ctx.stroke();
      } else {
        // Minor ticks: short marks on the axis only, so log grids stay quiet.
        ctx.strokeStyle = INK;
        const x = side === 'left' ? Math.round(this.x) : Math.round(this.x + this.w);
        const d = side === 'left' ? -3 : 3;
        ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + d, y); ctx.stroke();
      }
      if (t.label) {
        ctx.fillStyle = INK; ctx.textBaseline = 'middle';
        if (side === 'left') { ctx.textAlign = 'right'; ctx.fillText(t.label, this.x - 6, y); } else { ctx.textAlign = 'left'; ctx.fillText(t.label, this.x + this.w + 6, y); }
      }
    }
  }

  /**
   * Vertical grid lines (major ticks) or short marks under the axis (minor ones), with labels
   * under the axis. ticks: [{ v, label, major }]
   * @param {Tick[]} ticks
   */
  xGrid(ticks) {
    const ctx = this.ctx;
    const yb = this.y + this.h;
    ctx.lineWidth = 1;
    ctx.font = FONT_SMALL;
    for (const t of ticks) {
      const x = Math.round(this.X(t.v)) + 0.5;
      if (x < this.x - 1 || x > this.x + this.w + 1) continue;
      if (t.major) {
        ctx.strokeStyle = GRID;
        ctx.beginPath(); ctx.moveTo(x, this.y); ctx.lineTo(x, yb); ctx.stroke();
      } else {
        ctx.strokeStyle = INK;
        ctx.beginPath(); ctx.moveTo(x, yb); ctx.lineTo(x, yb + 2.5); ctx.stroke();
      }
      if (t.label) {
        ctx.fillStyle = INK; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
        ctx.fillText(t.label, x, yb + 5);
      }
    }
  }

  /**
   * The x axis line at the bottom, with ticks; labels only when `labels` is true.
   * @param {number[]} ticks
   * @param {{ labels?: boolean, format?: (v: number) => string }} [o]
   */
  xAxis(ticks, { labels = true, format = String } = {}) {
    const ctx = this.ctx;
    const yb = Math.round(this.y + this.h) + 0.5;
    ctx.lineWidth = 1;
    ctx.strokeStyle = INK;
    ctx.beginPath(); ctx.moveTo(this.x, yb); ctx.lineTo(this.x + this.w, yb); ctx.stroke();
    ctx.font = FONT_SMALL;
    for (const v of ticks) {
      const x = Math.round(this.X(v)) + 0.5;
      if (x < this.x - 1 || x > this.x + this.w + 1) continue;
      ctx.strokeStyle = INK;
      ctx.beginPath(); ctx.moveTo(x, yb); ctx.lineTo(x, yb + 4); ctx.stroke();
      if (labels) {
        ctx.fillStyle = INK; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
        ctx.fillText(format(v), x, yb + 6);
      }
    }
  }

  /** The left axis line. */
  yAxisLine() {
    const ctx = this.ctx;
    ctx.strokeStyle = INK;
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(Math.round(this.x) + 0.5, this.y); ctx.lineTo(Math.round(this.x) + 0.5, this.y + this.h + 0.5); ctx.stroke();
  }

  /**
   * A vertical interval at x from `lo` to `hi` (an error bar) with caps `cap` px wide each side,
   * in the current stroke style; nothing for a non-finite end.
   * @param {number} x
   * @param {number} lo
   * @param {number} hi
   * @param {number} [cap]
   */
  interval(x, lo, hi, cap = 3) {
    if (![x, lo, hi].every(Number.isFinite)) return;
    const ctx = this.ctx;
    const px = this.X(x);
    const [y0, y1] = [this.Y(lo), this.Y(hi)];
    ctx.beginPath();
    ctx.moveTo(px, y0); ctx.lineTo(px, y1);
    if (cap > 0) {
      ctx.moveTo(px - cap, y0); ctx.lineTo(px + cap, y0);
      ctx.moveTo(px - cap, y1); ctx.lineTo(px + cap, y1);
    }
    ctx.stroke();
  }

  /**
   * Clips drawing to the panel (call inside save/restore).
   * @param {number} [pad]
   */
  clip(pad = 0) {
    this.ctx.beginPath();
    this.ctx.rect(this.x - pad, this.y - pad, this.w + 2 * pad, this.h + 2 * pad);
    this.ctx.clip();
  }

  /**
   * Adds a polyline through points [{x, y}] to the path, broken at non-finite (or, on a log
   * axis, non-positive) values; values beyond the range are pinned a little outside the panel
   * so a clipped line leaves it in the right direction.
   * @param {XY[]} points
   */
  path(points) {
    const ctx = this.ctx;
    let pen = false;
    for (const p of points) {
      const ok = Number.isFinite(p.y) && !(this.ylog && p.y <= 0);
      if (!ok) {
        // Non-finite upwards (overflow) still points up: end the line at the top edge.
        if (pen && (p.y === Infinity || Number.isNaN(p.y))) ctx.lineTo(this.X(p.x), this.y - 40);
        pen = false;
        continue;
      }
      const y = Math.min(this.y + this.h + 40, Math.max(this.y - 40, this.Y(p.y)));
      if (!pen) { ctx.moveTo(this.X(p.x), y); pen = true; } else ctx.lineTo(this.X(p.x), y);
    }
  }
}

/**
 * Evenly spaced nice ticks covering [0, max] (1, 2, 2.5 or 5 times a power of ten apart), none
 * beyond max.
 * @param {number} max
 * @param {number} [target]
 * @returns {number[]}
 */
export function niceTicks(max, target = 5) {
  const step = niceStep(max / target);
  const ticks = [];
  for (let v = 0; v <= max * (1 + 1e-9); v += step) ticks.push(Math.round(v / step) * step);
  return ticks;
}

/**
 * The range of the finite `values` widened by `pad` of its width each side (a single value or
 * none: `fallback` around it), so points at the ends are not drawn on the axes.
 * @param {number[]} values
 * @param {number} [pad]
 * @param {[number, number]} [fallback]
 * @returns {[number, number]}
 */
export function paddedExtent(values, pad = 0.06, fallback = [0, 1]) {
  const v = values.filter(Number.isFinite);
  if (!v.length) return [fallback[0], fallback[1]];
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  if (!(hi > lo)) { const d = Math.abs(lo) * 0.1 || (fallback[1] - fallback[0]) / 2 || 1; return [lo - d, hi + d]; }
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

/**
 * Y ticks for a linear range as Panel.yGrid wants them.
 * @param {number} lo
 * @param {number} hi
 * @param {(v: number) => string} format
 * @param {number} [target]
 * @returns {{ lo: number, hi: number, ticks: Tick[] }}
 */
export function linearYTicks(lo, hi, format, target = 4) {
  const t = linearTicks(lo, hi, target);
  return { lo: t.lo, hi: t.hi, ticks: t.ticks.map((v) => ({ v, label: format(v), major: true })) };
}

/**
 * Y ticks for a log range.
 * @param {number} lo
 * @param {number} hi
 * @param {number} [maxLabels]
 * @returns {{ lo: number, hi: number, ticks: Tick[] }}
 */
export function logYTicks(lo, hi, maxLabels = 5) {
  const t = logTicks(lo, hi, maxLabels);
  const ticks = [
    ...t.minor.map((v) => ({ v, label: '', major: false })),
    ...t.major.map((v) => ({ v, label: logLabel(v), major: true })),
  ];
  return { lo: t.lo, hi: t.hi, ticks };
}

/**
 * Draws text with a white halo, for labels over lines or a heatmap.
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} text
 * @param {number} x
 * @param {number} y
 * @param {string} [halo]
 * @param {number} [width]
 */
export function haloText(ctx, text, x, y, halo = 'rgba(255,255,255,0.92)', width = 3) {
  ctx.save();
  ctx.lineJoin = 'round';
  ctx.lineWidth = width;
  ctx.strokeStyle = halo;
  ctx.strokeText(text, x, y);
  ctx.restore();
  ctx.fillText(text, x, y);
}

/**
 * Spreads label centres (sorted by y) so neighbours are at least `gap` apart, inside [lo, hi].
 * Returns the new centres in the same order.
 * @param {number[]} ys
 * @param {number[]} heights
 * @param {number} lo
 * @param {number} hi
 * @param {number} [gap]
 * @returns {number[]}
 */
export function spreadLabels(ys, heights, lo, hi, gap = 2) {
  const cs = ys.slice();
  for (let pass = 0; pass < 100; pass++) {
    let moved = false;
    for (let i = 1; i < cs.length; i++) {
      const need = (heights[i - 1] + heights[i]) / 2 + gap;
      if (cs[i] - cs[i - 1] < need) { const d = (need - (cs[i] - cs[i - 1])) / 2; cs[i - 1] -= d; cs[i] += d; moved = true; }
    }
    for (let i = 0; i < cs.length; i++) cs[i] = Math.min(Math.max(cs[i], lo + heights[i] / 2), hi - heights[i] / 2);
    if (!moved) break;
  }
  return cs;
}
