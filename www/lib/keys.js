// Keyboard shortcuts of every figure (lib/figure-shell.js and the 2-D figure's index.js):
// Space or K play/pause, → or . step, R reset, F fullscreen. Never while typing
// in a field; on a button or a link, Space and Enter keep their own meaning (press it).

/** @typedef {'toggle' | 'step' | 'reset' | 'fullscreen'} KeyAction */

/**
 * Calls `actions.toggle | step | reset | fullscreen` for the keys pressed on `target`, while
 * `ready()` is true; returns the handler (to remove it with removeEventListener).
 * @param {Partial<Record<KeyAction, () => void>>} actions
 * @param {() => boolean} [ready]
 * @returns {(ev: Event) => void} a keydown listener
 */
export function figureKeyHandler(actions, ready = () => true) {
  return (ev) => {
    const e = /** @type {KeyboardEvent} */ (ev);
    if (e.altKey || e.ctrlKey || e.metaKey || !ready()) return;
    // The event's first target: an element, or a document or window (no closest()).
    const t = /** @type {Partial<Element> | null} */ (e.composedPath ? e.composedPath()[0] : e.target);
    if (t && t.closest && t.closest('input, select, textarea, [contenteditable]')) return;
    if (t && t.closest && t.closest('button, a') && (e.key === ' ' || e.key === 'Enter')) return;
    const act = /** @type {Record<string, KeyAction>} */ ({ ' ': 'toggle', k: 'toggle', '.': 'step', ArrowRight: 'step', r: 'reset', f: 'fullscreen' })[e.key];
    if (!act || !actions[act]) return;
    e.preventDefault();
    actions[act]();
  };
}

/**
 * Puts `el` in fullscreen, or leaves fullscreen; `onRefused(message)` if the browser says no.
 * @param {Element} el
 * @param {(message: string) => void} [onRefused]
 */
export function toggleFullscreen(el, onRefused = () => {}) {
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else if (el.requestFullscreen) el.requestFullscreen().catch((e) => onRefused(e.message));
}
