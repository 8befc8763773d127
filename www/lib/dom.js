// Markup built with DOM calls, never from HTML strings: every figure's view makes its elements
// with h(), so the page, the iframe embed and the custom element share one structure.

/**
 * h('div', { class: 'x', id: 'y', hidden: true }, child, 'text', ...): an element with those
 * attributes (`class`, `text` and `for` set className, textContent and htmlFor; false, null and
 * undefined attributes are left out) and children (null, undefined and false are skipped).
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'for') /** @type {HTMLLabelElement} */ (el).htmlFor = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/**
 * Sets `el`'s text if it differs (no layout work for an unchanged readout).
 * @param {Element | null} el
 * @param {string} text
 */
export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

/**
 * The 2-D context of `canvas`. getContext returns null when the canvas already holds a context of
 * another kind or the browser has canvas drawing turned off; say so here, naming the canvas,
 * rather than failing later on a null.
 * @param {HTMLCanvasElement} canvas
 * @param {CanvasRenderingContext2DSettings} [settings]
 * @returns {CanvasRenderingContext2D}
 */
export function context2d(canvas, settings) {
  const ctx = canvas.getContext('2d', settings);
  if (!ctx) throw new Error(`no 2-D drawing context for the canvas${canvas.id ? ` #${canvas.id}` : ''} (canvas drawing unavailable)`);
  return ctx;
}

/**
 * The element with id `id`; throws naming the id when the page's markup lacks it (a page script's
 * fixed elements, which it cannot work without).
 * @param {string} id
 * @param {Document} [doc]
 * @returns {HTMLElement}
 */
export function byId(id, doc = document) {
  const el = doc.getElementById(id);
  if (!el) throw new Error(`the page has no element #${id}`);
  return el;
}
