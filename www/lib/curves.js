// Curves of the two later figures as data: bounded buffers (thinning) and CSV/JSON export.
// Shared by fashion.js and one-hidden.js so both export alike.

/**
 * Thins `records` (sorted by `key`, the first at 0) in place: keeps the multiples of `stride`,
 * then doubles the stride until at most `cap` are left; returns the stride in use. The same rule
 * as the wasm session's, so page and worker keep the same points.
 * @template {Record<string, any>} R
 * @param {R[]} records
 * @param {number} cap
 * @param {number} stride
 * @param {string} [key]
 * @returns {number}
 */
export function thinRecords(records, cap, stride, key = 'iteration') {
  let s = Math.max(1, stride);
  const keep = () => {
    let k = 0;
    for (const r of records) if (r[key] % s === 0) records[k++] = r;
    records.length = k;
  };
  keep();
  while (records.length > cap) {
    s *= 2;
    keep();
  }
  return s;
}

/**
 * @param {unknown} v
 * @returns {string}
 */
function cell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v); // NaN and Infinity stay visible as such
  const t = String(v);
  return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/**
 * CSV text of `rows` (objects) with the given columns: [header, (row) => value].
 * @template R
 * @param {R[]} rows
 * @param {[string, (row: R) => unknown][]} columns
 * @returns {string}
 */
export function toCsv(rows, columns) {
  const lines = [columns.map(([h]) => cell(h)).join(',')];
  for (const r of rows) lines.push(columns.map(([, f]) => cell(f(r))).join(','));
  return `${lines.join('\n')}\n`;
}
