// The status line of a figure: plain messages, and errors that are also logged and kept in the
// figure's test hook. One helper for the three figures, so they report alike.

/**
 * A reporter writing to `el`; errors are pushed to `errors` and logged with console.error.
 * @param {HTMLElement} el
 * @param {string[]} errors
 */
export function statusReporter(el, errors) {
  /**
   * @param {string} text
   * @param {string} [kind]
   */
  function setStatus(text, kind = 'info') {
    el.textContent = text;
    el.dataset.kind = kind;
  }
  /**
   * @param {string} context
   * @param {string} message
   */
  function reportError(context, message) {
    const text = `${context}: ${message}`;
    errors.push(text);
    console.error(`[sgd-escape] ${text}`);
    setStatus(text, 'error');
  }
  return { setStatus, reportError };
}

/**
 * The text of a thrown value: its `message` when it has a non-empty one, else the value itself.
 * @param {unknown} e
 * @returns {string}
 */
export function errorText(e) {
  const message = e !== null && typeof e === 'object' && 'message' in e ? e.message : undefined;
  return String(message || e);
}
