// The main figure: the loss landscape as a log-scaled heatmap with contour lines (drawn once per
// configuration into an offscreen canvas) and the particle clouds of every visible method on
// top (drawn each frame that brings new positions).

import { viridis } from '../../lib/colormap.js';
import { prepareGridData, WASH } from './grid.js';
import { addMarker, styleOf } from '../../lib/methods.js';
import { num, pow10Label } from '../../lib/format.js';
import { minimaMarks, escapeLabel } from './shape.js';
import { context2d } from '../../lib/dom.js';

/** @typedef {import('./grid.js').LossGrid} LossGrid */
/** @typedef {import('./grid.js').GridScale} GridScale */
/** @typedef {import('./grid.js').ContourLevel} ContourLevel */
/** @typedef {import('./handles.js').Point} Point */
/** @typedef {any} Analysis the core's analysis of the landscape (src/landscape/shape.rs, as the wasm build returns it) */
/** @typedef {{ positions?: Record<string, ArrayLike<number>>, runs?: number }} CloudState the part of the workers' state the clouds need: w1, w2 pairs per method */
/** @typedef {{ dx: Int16Array, dy: Int16Array, rgba: Int32Array, n: number, half: number }} Sprite a marker's non-transparent device pixels */

export const VIEW = { min: -1.4, max: 1.6 };
// Escaped: w1 < t and w2 < t, t the analysis' escapeThreshold (-0.5 on the paper's landscape).
const ESCAPE_DEFAULT = -0.5;
const MARGIN = { left: 50, right: 86, top: 14, bottom: 44 };
// Narrow screens: a slimmer colour bar without its title.
const MARGIN_COMPACT = { left: 42, right: 52, top: 12, bottom: 40 };
/** @param {number} width */
const margins = (width) => (width < 520 ? MARGIN_COMPACT : MARGIN);
const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const FONT_SMALL = '11px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const FONT_BOLD = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/**
 * Canvas height in CSS pixels for a given width: the plot area is a square.
 * @param {number} width
 * @returns {number}
 */
export function landscapeHeight(width) {
  const m = margins(width);
  return Math.max(120, width - m.left - m.right) + m.top + m.bottom;
}

/**
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} text
 * @param {number} x
 * @param {number} y
 * @param {string} [color]
 * @param {string} [halo]
 */
function haloText(ctx, text, x, y, color = '#111', halo = 'rgba(255,255,255,0.92)') {
  ctx.lineJoin = 'round';
  ctx.lineWidth = 3.5;
  ctx.strokeStyle = halo;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

export class Landscape {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = context2d(canvas);
    this.layer = document.createElement('canvas');
    /** @type {LossGrid | null} */
    this.grid = null;
    this.width = 0;
    this.height = 0;
    this.dpr = 1;
    /**
     * The core's analysis of the landscape (minima, escape threshold); null until known.
     * @type {Analysis | null}
     */
    this.analysis = null;
    /**
     * The shape handles' guide lines: { center, positions } in CSS pixels, or null.
     * @type {{ center: Point, positions: Record<import('./handles.js').HandleId, Point> } | null}
     */
    this.guides = null;
    // Set by prepareGrid: the colour scale, the heatmap image and the contour levels.
    /** @type {GridScale | undefined} */
    this.scale = undefined;
    /** @type {HTMLCanvasElement | undefined} */
    this.image = undefined;
    /** @type {ContourLevel[] | undefined} */
    this.levels = undefined;
    // Set by captureBackground: the plot area's box in device pixels, its pixels, a scratch copy.
    /** @type {{ x: number, y: number, w: number, h: number } | undefined} */
    this.box = undefined;
    /** @type {ImageData | undefined} */
    this.bg = undefined;
    /** @type {ImageData | undefined} */
    this.work = undefined;
    /** @type {number | undefined} bumped by each renderLayer */
    this.layerVersion = undefined;
    /** @type {number | undefined} the layerVersion last copied to the canvas */
    this.drawnVersion = undefined;
    /** @type {Map<string, Sprite> | undefined} */
    this.sprites = undefined;
  }

  /**
   * The landscape's analysis (src/landscape/shape.rs): where the minima and labels go.
   * @param {Analysis} analysis
   */
  setAnalysis(analysis) {
    const moved = !this.analysis || this.analysis.escapeThreshold !== analysis.escapeThreshold;
    this.analysis = analysis;
    if (moved) this.renderLayer();
  }

  /** @returns {number} */
  get escape() {
    return this.analysis ? this.analysis.escapeThreshold : ESCAPE_DEFAULT;
  }

  /**
   * New loss grid (values row-major, row j = w2 index from the bottom).
   * @param {LossGrid} grid
   */
  setGrid(grid) {
    this.grid = grid;
    this.prepareGrid(grid);
    this.renderLayer();
  }

  /** Sizes the canvas for its current CSS width (at devicePixelRatio, or `dpr` for exports);
   *  returns true when the size changed.
   * @param {number} cssWidth
   * @param {number} [dpr]
   * @returns {boolean}
   */
  resize(cssWidth, dpr = window.devicePixelRatio || 1) {
    const w = Math.max(200, Math.floor(cssWidth));
    const h = landscapeHeight(w);
    if (w === this.width && h === this.height && dpr === this.dpr) return false;
    this.width = w;
    this.height = h;
    this.dpr = dpr;
    this.canvas.style.height = `${h}px`;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.layer.width = this.canvas.width;
    this.layer.height = this.canvas.height;
    this.renderLayer();
    return true;
  }

  get plot() {
    const m = margins(this.width);
    const size = this.width - m.left - m.right;
    return { x: m.left, y: m.top, size, compact: m === MARGIN_COMPACT };
  }

  /**
   * w -> canvas CSS pixels.
   * @param {number} w1
   * @returns {number}
   */
  toX(w1) { const p = this.plot; return p.x + ((w1 - VIEW.min) / (VIEW.max - VIEW.min)) * p.size; }
  /**
   * @param {number} w2
   * @returns {number}
   */
  toY(w2) { const p = this.plot; return p.y + (1 - (w2 - VIEW.min) / (VIEW.max - VIEW.min)) * p.size; }

  /** @param {LossGrid} grid */
  prepareGrid(grid) {
    // The worker normally sends the grid prepared (landscape-grid.js); else prepare it here.
    const prep = grid.prepared || prepareGridData(grid, WASH);
    const { nx, ny } = grid;
    const img = document.createElement('canvas');
    img.width = nx;
    img.height = ny;
    context2d(img).putImageData(new ImageData(prep.pixels, nx, ny), 0, 0);
    this.scale = prep.scale;
    this.image = img;
    this.levels = prep.levels;
  }

  /** Everything that does not move: heatmap, contours, escape region, axes, colour bar. */
  renderLayer() {
    if (!this.width) return;
    // Read back once per render (captureBackground): keep this canvas in CPU memory.
    const ctx = context2d(this.layer, { willReadFrequently: true });
    this.layerVersion = (this.layerVersion || 0) + 1;
    const dpr = this.dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.layer.width, this.layer.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const p = this.plot;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, this.width, this.height);

    if (this.grid && this.image && this.levels) {
      const { nx, ny } = this.grid;
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      // Grid nodes sit at pixel centres of the small image: map node 0 .. n-1 onto the square.
      ctx.drawImage(this.image, 0.5, 0.5, nx - 1, ny - 1, p.x, p.y, p.size, p.size);
      ctx.save();
      ctx.beginPath();
      ctx.rect(p.x, p.y, p.size, p.size);
      ctx.clip();
      const sx = p.size / (nx - 1);
      const sy = p.size / (ny - 1);
      ctx.lineCap = 'round';
      for (const lev of this.levels) {
        ctx.beginPath();
        const s = lev.segs;
        for (let k = 0; k < s.length; k += 4) {
          ctx.moveTo(p.x + s[k] * sx, p.y + p.size - s[k + 1] * sy);
          ctx.lineTo(p.x + s[k + 2] * sx, p.y + p.size - s[k + 3] * sy);
        }
        ctx.lineWidth = lev.major ? 1.15 : 0.7;
        if (lev.light) ctx.strokeStyle = lev.major ? 'rgba(255,255,255,0.85)' : 'rgba(255,255,255,0.5)';
        else ctx.strokeStyle = lev.major ? 'rgba(20,30,40,0.42)' : 'rgba(20,30,40,0.22)';
        ctx.stroke();
      }
      ctx.restore();
    } else {
      ctx.fillStyle = '#eef0f3';
      ctx.fillRect(p.x, p.y, p.size, p.size);
    }

    // The flat-basin escape region (w1 < t, w2 < t).
    const ex = this.toX(this.escape);
    const ey = this.toY(this.escape);
    ctx.save();
    ctx.beginPath();
    ctx.moveTo(p.x, ey);
    ctx.lineTo(ex, ey);
    ctx.lineTo(ex, p.y + p.size);
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(255,255,255,0.85)';
    ctx.setLineDash([]);
    ctx.stroke();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#1d1d1f';
    ctx.setLineDash([6, 4]);
    ctx.stroke();
    ctx.restore();

    // Frame.
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#2b2b2e';
    ctx.strokeRect(p.x + 0.5, p.y + 0.5, p.size - 1, p.size - 1);

    // Axes.
    ctx.fillStyle = '#2b2b2e';
    ctx.strokeStyle = '#2b2b2e';
    ctx.font = FONT;
    for (let v = -1; v <= 1.5 + 1e-9; v += 0.5) {
      const x = this.toX(v);
      const y = this.toY(v);
      ctx.beginPath();
      ctx.moveTo(x, p.y + p.size);
      ctx.lineTo(x, p.y + p.size + 5);
      ctx.moveTo(p.x, y);
      ctx.lineTo(p.x - 5, y);
      ctx.stroke();
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.fillText(num(v), x, p.y + p.size + 7);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(num(v), p.x - 8, y);
    }
    ctx.font = 'italic 14px Georgia, "Times New Roman", serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText('w₁', p.x + p.size / 2, p.y + p.size + 38);
    ctx.save();
    ctx.translate(p.compact ? 10 : 14, p.y + p.size / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText('w₂', 0, 0);
    ctx.restore();

    // Colour bar (log10 of the mean loss).
    if (this.scale) {
      const bx = p.x + p.size + (p.compact ? 8 : 16);
      const bw = p.compact ? 8 : 12;
      const { logLo, logHi, span } = this.scale;
      for (let k = 0; k < p.size; k++) {
        const t = 1 - k / (p.size - 1);
        const [r, g, b] = viridis(t, WASH);
        ctx.fillStyle = `rgb(${r},${g},${b})`;
        ctx.fillRect(bx, p.y + k, bw, 1.2);
      }
      // The contour levels, marked across the bar.
      for (const lev of this.levels || []) {
        const y = Math.round(p.y + (1 - lev.t) * p.size) + 0.5;
        ctx.strokeStyle = lev.light ? 'rgba(255,255,255,0.9)' : 'rgba(20,30,40,0.5)';
        ctx.lineWidth = lev.major ? 1.2 : 0.7;
        ctx.beginPath();
        ctx.moveTo(bx, y);
        ctx.lineTo(bx + bw, y);
        ctx.stroke();
      }
      ctx.strokeStyle = '#2b2b2e';
      ctx.lineWidth = 1;
      ctx.strokeRect(bx + 0.5, p.y + 0.5, bw - 1, p.size - 1);
      ctx.font = FONT_SMALL;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillStyle = '#2b2b2e';
      for (let e = Math.ceil(logLo); e <= Math.floor(logHi); e++) {
        const y = p.y + (1 - (e - logLo) / span) * p.size;
        ctx.beginPath();
        ctx.moveTo(bx + bw, y);
        ctx.lineTo(bx + bw + 4, y);
        ctx.stroke();
        ctx.fillText(pow10Label(e), bx + bw + 6, y);
      }
      if (!p.compact) {
        ctx.save();
        ctx.translate(bx + bw + 48, p.y + p.size / 2);
        ctx.rotate(Math.PI / 2);
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.font = FONT_SMALL;
        ctx.fillText('mean loss L(w), log scale', 0, 0);
        ctx.restore();
      }
    }
    // The plot area as drawn so far: the background the clouds are blended into.
    this.captureBackground(ctx);
  }

  /** @param {CanvasRenderingContext2D} ctx */
  captureBackground(ctx) {
    const p = this.plot;
    const d = this.dpr;
    const x = Math.round(p.x * d);
    const y = Math.round(p.y * d);
    const w = Math.max(1, Math.round((p.x + p.size) * d) - x);
    const h = Math.max(1, Math.round((p.y + p.size) * d) - y);
    this.box = { x, y, w, h };
    this.bg = ctx.getImageData(x, y, w, h);
    this.work = new ImageData(w, h);
  }

  /**
   * Composites the static layer, the clouds of the visible methods, and the minima on top.
   * @param {CloudState | null} state the workers' latest state
   * @param {string[]} visibleIds
   */
  draw(state, visibleIds) {
    if (!this.width) return;
    const ctx = this.ctx;
    const dpr = this.dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    // The margins (axes, colour bar) only change with the layer; the plot area is rewritten below.
    if (this.drawnVersion !== this.layerVersion || !this.bg) {
      ctx.drawImage(this.layer, 0, 0);
      this.drawnVersion = this.layerVersion;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (state && state.positions && this.bg) this.drawParticles(ctx, state, visibleIds);
    this.drawGuides(ctx);
    this.drawMinima(ctx);
  }

  /**
   * The shape handles' axes: the sharp axis through the angle and λ₁ handles, the λ₂ arm.
   * @param {CanvasRenderingContext2D} ctx
   */
  drawGuides(ctx) {
    const g = this.guides;
    if (!g) return;
    const { center: c, positions: q } = g;
    ctx.save();
    ctx.lineCap = 'round';
    for (const [width, style] of /** @type {[number, string][]} */ ([[3.5, 'rgba(255,255,255,0.8)'], [1.4, 'rgba(17,17,17,0.85)']])) {
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = width;
      ctx.strokeStyle = style;
      ctx.beginPath();
      ctx.moveTo(q.angle.x, q.angle.y);
      ctx.lineTo(q.lambda1.x, q.lambda1.y);
      ctx.moveTo(c.x, c.y);
      ctx.lineTo(q.lambda2.x, q.lambda2.y);
      ctx.stroke();
    }
    ctx.restore();
  }

  /**
   * The clouds, composited in JS straight into a copy of the plot area's pixels: stamping tens
   * of thousands of markers through the canvas API is slow without a GPU, blending a few
   * pre-rendered sprite pixels per particle is not. Runs outside the view are skipped.
   * @param {CanvasRenderingContext2D} ctx
   * @param {CloudState} state
   * @param {string[]} visibleIds
   */
  drawParticles(ctx, state, visibleIds) {
    const p = this.plot;
    const { box, bg, work } = this;
    if (!box || !bg || !work) throw new Error('drawParticles: no background captured yet (renderLayer runs first)');
    const runs = state.runs || 1;
    const zoom = Math.max(0.6, Math.min(1.25, p.size / 500));
    const r = zoom * (runs <= 150 ? 4.6 : runs <= 600 ? 3.4 : runs <= 3000 ? 2.4 : 1.6);
    const outline = runs <= 3000;
    const dpr = this.dpr;
    const k = (p.size / (VIEW.max - VIEW.min)) * dpr;
    // Device pixel of w relative to the box.
    const x0 = p.x * dpr - VIEW.min * k - box.x;
    const y0 = (p.y + p.size) * dpr + VIEW.min * k - box.y;
    const W = box.w;
    const H = box.h;
    const out = work.data;
    out.set(bg.data);
    // GD never moves: draw it last so its dot stays visible at the sharp minimum.
    const order = visibleIds.filter((id) => id !== 'gd');
    if (visibleIds.includes('gd')) order.push('gd');
    for (const id of order) {
      const pos = state.positions && state.positions[id];
      if (!pos) continue;
      const sp = this.sprite(id, r, outline);
      const { dx, dy, rgba, n, half } = sp;
      for (let j = 0; j + 1 < pos.length; j += 2) {
        const cx = Math.round(x0 + pos[j] * k);
        const cy = Math.round(y0 - pos[j + 1] * k);
        if (!(cx > -half && cx < W + half && cy > -half && cy < H + half)) continue; // also NaN
        const inside = cx >= half && cx < W - half && cy >= half && cy < H - half;
        for (let q = 0; q < n; q++) {
          const x = cx + dx[q];
          const y = cy + dy[q];
          if (!inside && (x < 0 || x >= W || y < 0 || y >= H)) continue;
          const o = (y * W + x) << 2;
          const a = rgba[4 * q + 3];
          const b = 256 - a;
          out[o] = (rgba[4 * q] * a + out[o] * b) >> 8;
          out[o + 1] = (rgba[4 * q + 1] * a + out[o + 1] * b) >> 8;
          out[o + 2] = (rgba[4 * q + 2] * a + out[o + 2] * b) >> 8;
        }
      }
    }
    ctx.putImageData(work, box.x, box.y);
  }

  /**
   * A pre-rendered marker for one method, as a list of its non-transparent device pixels.
   * @param {string} id
   * @param {number} r
   * @param {boolean} outline
   * @returns {Sprite}
   */
  sprite(id, r, outline) {
    const key = `${id}|${r}|${outline}|${this.dpr}`;
    const sprites = this.sprites || new Map();
    this.sprites = sprites;
    let s = sprites.get(key);
    if (s) return s;
    const st = styleOf(id);
    const half = Math.ceil((r * 1.35 + 1.5) * this.dpr);
    const c = document.createElement('canvas');
    c.width = 2 * half + 1;
    c.height = 2 * half + 1;
    const g = context2d(c, { willReadFrequently: true });
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.beginPath();
    addMarker(g, st.shape, (half + 0.5) / this.dpr, (half + 0.5) / this.dpr, r);
    g.fillStyle = st.color;
    g.fill();
    if (outline) {
      g.lineJoin = 'round';
      g.lineWidth = 0.8;
      g.strokeStyle = st.outline;
      g.globalAlpha = 0.9;
      g.stroke();
    }
    const img = g.getImageData(0, 0, c.width, c.height).data;
    /** @type {number[]} */
    const dx = [];
    /** @type {number[]} */
    const dy = [];
    /** @type {number[]} */
    const rgba = [];
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const o = 4 * (y * c.width + x);
        const a = img[o + 3];
        if (a === 0) continue;
        dx.push(x - half);
        dy.push(y - half);
        // Alpha in 0..256 (fixed point), with the clouds' overall opacity of 0.92.
        rgba.push(img[o], img[o + 1], img[o + 2], Math.round((a / 255) * 0.92 * 256));
      }
    }
    s = { dx: Int16Array.from(dx), dy: Int16Array.from(dy), rgba: Int32Array.from(rgba), n: dx.length, half };
    sprites.set(key, s);
    return s;
  }

  /**
   * Labels that must stay readable over the clouds: the minima and the escape region.
   * @param {CanvasRenderingContext2D} ctx
   */
  drawMinima(ctx) {
    const p = this.plot;
    /**
     * @param {number[]} w
     * @param {string} label
     * @param {string} sub
     */
    const mark = (w, label, sub) => {
      const x = this.toX(w[0]);
      const y = this.toY(w[1]);
      ctx.beginPath();
      ctx.arc(x, y, 5.5, 0, 2 * Math.PI);
      ctx.lineWidth = 3.5;
      ctx.strokeStyle = 'rgba(255,255,255,0.95)';
      ctx.stroke();
      ctx.lineWidth = 1.6;
      ctx.strokeStyle = '#111';
      ctx.stroke();
      // Up and to the right, clear of the clouds (they spread mostly along the other diagonal),
      // joined to the minimum by a short leader line.
      ctx.font = FONT_BOLD;
      const wl0 = ctx.measureText(label).width;
      ctx.font = FONT_SMALL;
      const wAll = wl0 + 4 + ctx.measureText(sub).width;
      const lx = Math.min(x + 22, p.x + p.size - 4 - wAll);
      const ly = y - 30;
      ctx.beginPath();
      ctx.moveTo(x + 4.5, y - 4.5);
      ctx.lineTo(lx - 3, ly + 6);
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(255,255,255,0.9)';
      ctx.stroke();
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = '#111';
      ctx.stroke();
      ctx.textAlign = 'left';
      ctx.textBaseline = 'alphabetic';
      ctx.font = FONT_BOLD;
      haloText(ctx, label, lx, ly);
      const wl = ctx.measureText(label).width;
      ctx.font = FONT_SMALL;
      haloText(ctx, sub, lx + wl + 4, ly, '#333');
    };
    // Where the core's analysis puts the minima (before it arrives: nothing to mark).
    if (!this.analysis) return;
    for (const m of minimaMarks(this.analysis)) mark(m.w, m.label, m.sub);
    ctx.font = FONT_SMALL;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    haloText(ctx, escapeLabel(this.analysis, p.size < 420), p.x + 6, this.toY(this.escape) - 4, '#1d1d1f');
  }
}
