// Number formatting for labels and tables.

/** @type {Record<string, string>} */
const SUP = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };
/**
 * @param {number | string} n
 * @returns {string}
 */
export function superscript(n) { return String(n).split('').map((c) => SUP[c] || c).join(''); }

/**
 * 3 significant digits; scientific notation (1.10×10⁻⁴) outside [0.01, 1e4).
 * @param {number | null | undefined} x
 * @param {number} [digits]
 * @returns {string}
 */
export function fmt(x, digits = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const ax = Math.abs(x);
  const sign = x < 0 ? '−' : '';
  if (ax >= 0.0099995 && ax < 9999.5) {
    // toPrecision switches to e-notation once the integer part has more digits than asked for.
    if (ax >= 10 ** digits - 0.5) return sign + String(Math.round(ax));
    let s = ax.toPrecision(digits);
    if (s.includes('.') && !s.includes('e')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    return sign + s;
  }
  const e = Math.floor(Math.log10(ax));
  let m = ax / 10 ** e;
  let ms = m.toPrecision(digits);
  if (Number(ms) >= 10) { m /= 10; ms = m.toPrecision(digits); return `${sign}${ms}×10${superscript(e + 1)}`; }
  return `${sign}${ms}×10${superscript(e)}`;
}

/**
 * Tick label for a power of ten.
 * @param {number} e
 * @returns {string}
 */
export function pow10Label(e) {
  if (e >= -2 && e <= 3) return String(10 ** e).replace(/^0\./, '0.');
  return `10${superscript(e)}`;
}

/**
 * Minus sign typographically correct for axis labels.
 * @param {number} x
 * @returns {string}
 */
export function num(x) {
  const s = String(Math.round(x * 1e6) / 1e6);
  return s.startsWith('-') ? '−' + s.slice(1) : s;
}
