// The still part of the landscape computed from the loss grid, off the main thread: log scale,
// heatmap pixels and contour segments. Pure (no DOM), so the simulation worker runs it and the
// page only blits the result; landscape.js falls back to running it itself.

import { viridisLUT } from '../../lib/colormap.js';
import { contourSegments } from '../../lib/contours.js';

/**
 * @typedef {object} LossGrid the mean loss on a grid over the view
 * @property {ArrayLike<number>} values row-major, row j = w2 index from the bottom
 * @property {number} nx
 * @property {number} ny
 * @property {PreparedGrid} [prepared] prepareGridData's result, when the worker ran it
 *
 * @typedef {{ lo: number, hi: number, logLo: number, logHi: number, span: number }} GridScale
 * @typedef {{ value: number, t: number, major: boolean, light: boolean, segs: Float32Array }} ContourLevel
 * @typedef {{ scale: GridScale, pixels: Uint8ClampedArray<ArrayBuffer>, levels: ContourLevel[] }} PreparedGrid
 */

/** Washed viridis, as landscape.js draws it (markers stay readable on it). */
export const WASH = 0.34;

/**
 * grid: { values (row-major, row j = w2 index from the bottom), nx, ny }.
 * Returns { scale: { lo, hi, logLo, logHi, span }, pixels: Uint8ClampedArray (RGBA, image row 0
 * at the top), levels: [{ value, t, major, light, segs: Float32Array }] }.
 * @param {LossGrid} grid
 * @param {number} [wash]
 * @returns {PreparedGrid}
 */
export function prepareGridData({ values, nx, ny }, wash = WASH) {
  let hi = -Infinity;
  let minPos = Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!Number.isFinite(v)) continue;
    if (v > hi) hi = v;
    if (v > 0 && v < minPos) minPos = v;
  }
  if (!Number.isFinite(hi) || hi <= 0) { hi = 1; minPos = 1e-3; }
  const lo = Math.max(minPos, hi * 1e-4);
  const logLo = Math.log10(lo);
  const logHi = Math.log10(hi);
  const span = Math.max(logHi - logLo, 1e-6);
  const logs = new Float32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    logs[k] = Math.log10(Math.max(Number.isFinite(v) ? v : hi, lo));
  }
  const lut = viridisLUT(wash);
  const pixels = new Uint8ClampedArray(4 * nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const t = (logs[j * nx + i] - logLo) / span;
      const c = Math.max(0, Math.min(255, Math.round(t * 255)));
      const o = 4 * ((ny - 1 - j) * nx + i);
      pixels[o] = lut[3 * c];
      pixels[o + 1] = lut[3 * c + 1];
      pixels[o + 2] = lut[3 * c + 2];
      pixels[o + 3] = 255;
    }
  }
  // Contour levels: 1, 2 and 5 times each power of ten inside (lo, hi). Lines are white on the
  // dark (low) end of the colour map and dark on the light end.
  /** @type {ContourLevel[]} */
  const levels = [];
  for (let e = Math.floor(logLo); e <= Math.ceil(logHi); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v > lo * 1.05 && v < hi * 0.97) {
        const t = (Math.log10(v) - logLo) / span;
        levels.push({ value: v, t, major: m === 1, light: t < 0.6, segs: new Float32Array(contourSegments(logs, nx, ny, Math.log10(v))) });
      }
    }
  }
  return { scale: { lo, hi, logLo, logHi, span }, pixels, levels };
}

/**
 * The transferable buffers of a prepared grid.
 * @param {PreparedGrid} prep
 * @returns {ArrayBufferLike[]}
 */
export function preparedBuffers(prep) {
  return [prep.pixels.buffer, ...prep.levels.map((l) => l.segs.buffer)];
}
