// The status line of a figure: plain messages, and errors that are also logged and kept in the
// figure's test hook. One helper for the three figures, so they report alike.

/** A reporter writing to `el`; errors are pushed to `errors` and logged with console.error. */
export function statusReporter(el, errors) {
  function setStatus(text, kind = 'info') {
    el.textContent = text;
    el.dataset.kind = kind;
  }
  function reportError(context, message) {
    const text = `${context}: ${message}`;
    errors.push(text);
    console.error(`[sgd-escape] ${text}`);
    setStatus(text, 'error');
  }
  return { setStatus, reportError };
}
