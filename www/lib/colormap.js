// Viridis (van der Walt & Smith), as the degree-6 polynomial fit used in many shaders
// (within 4 of 255 steps of matplotlib's table: tests/unit/colormap.test.mjs), computed here so
// no table or library is needed.

const C = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

/**
 * Viridis at t in [0, 1] as [r, g, b] in 0..255, optionally washed towards white by `wash`.
 * @param {number} t
 * @param {number} [wash]
 * @returns {number[]}
 */
export function viridis(t, wash = 0) {
  const x = t < 0 ? 0 : t > 1 ? 1 : t;
  const out = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    let v = C[6][k];
    for (let i = 5; i >= 0; i--) v = C[i][k] + x * v;
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    out[k] = Math.round(255 * (v + (1 - v) * wash));
  }
  return out;
}

/** A 256-entry lookup table (Uint8ClampedArray of rgb triples). */
export function viridisLUT(wash = 0) {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(viridis(i / 255, wash), 3 * i);
  return lut;
}
