// Marching squares over a row-major grid (row j, column i; value grid[j * nx + i]).
// Returns segments in grid-index coordinates as a flat array x0, y0, x1, y1, ...

/**
 * @param {ArrayLike<number>} grid
 * @param {number} nx
 * @param {number} ny
 * @param {number} level
 * @returns {number[]}
 */
export function contourSegments(grid, nx, ny, level) {
  /** @type {number[]} */
  const segs = [];
  /**
   * @param {number} a
   * @param {number} b
   */
  const lerp = (a, b) => (level - a) / (b - a);
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const v00 = grid[j * nx + i];
      const v10 = grid[j * nx + i + 1];
      const v11 = grid[(j + 1) * nx + i + 1];
      const v01 = grid[(j + 1) * nx + i];
      const c = (v00 > level ? 1 : 0) | (v10 > level ? 2 : 0) | (v11 > level ? 4 : 0) | (v01 > level ? 8 : 0);
      if (c === 0 || c === 15) continue;
      if (!(Number.isFinite(v00) && Number.isFinite(v10) && Number.isFinite(v11) && Number.isFinite(v01))) continue;
      // Crossing points on the four edges.
      const B = () => [i + lerp(v00, v10), j]; // bottom: 00-10
      const R = () => [i + 1, j + lerp(v10, v11)]; // right: 10-11
      const T = () => [i + lerp(v01, v11), j + 1]; // top: 01-11
      const L = () => [i, j + lerp(v00, v01)]; // left: 00-01
      /**
       * @param {number[]} p
       * @param {number[]} q
       */
      const push = (p, q) => segs.push(p[0], p[1], q[0], q[1]);
      switch (c) {
        case 1: case 14: push(B(), L()); break;
        case 2: case 13: push(B(), R()); break;
        case 3: case 12: push(L(), R()); break;
        case 4: case 11: push(R(), T()); break;
        case 6: case 9: push(B(), T()); break;
        case 7: case 8: push(L(), T()); break;
        case 5: {
          const centre = (v00 + v10 + v11 + v01) / 4 > level;
          if (centre) { push(B(), R()); push(T(), L()); } else { push(B(), L()); push(R(), T()); }
          break;
        }
        case 10: {
          const centre = (v00 + v10 + v11 + v01) / 4 > level;
          if (centre) { push(B(), L()); push(R(), T()); } else { push(B(), R()); push(T(), L()); }
          break;
        }
        default: break;
      }
    }
  }
  return segs;
}
