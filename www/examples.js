// The examples page: copy buttons for the snippets, and a minimal stand-in for reveal.js's lazy
// iframes: an iframe's data-src is loaded when its slide is shown and unloaded when it is left
// (what reveal.js does; reveal.js itself is not loaded, as the page uses no CDN).

import { byId } from './lib/dom.js';

for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('button.copy'))) {
  b.addEventListener('click', async () => {
    if (!b.dataset.copy) throw new Error('a copy button without data-copy (the id of its snippet)');
    const code = byId(b.dataset.copy);
    try {
      await navigator.clipboard.writeText(code.textContent);
      b.textContent = 'Copied';
    } catch {
      // No clipboard access: select the text so Ctrl+C copies it.
      const range = document.createRange();
      range.selectNodeContents(code);
      const selection = getSelection();
      if (!selection) return; // no selection in this document either: nothing to offer
      selection.removeAllRanges();
      selection.addRange(range);
      b.textContent = 'Selected';
    }
  });
}

const deck = byId('deck');
const slides = [...deck.querySelectorAll('.slide')];
let current = 0;

/** @param {number} i */
function show(i) {
  current = Math.max(0, Math.min(slides.length - 1, i));
  slides.forEach((s, k) => {
    const on = k === current;
    s.classList.toggle('present', on);
    s.setAttribute('aria-hidden', on ? 'false' : 'true');
    for (const f of /** @type {NodeListOf<HTMLIFrameElement>} */ (s.querySelectorAll('iframe[data-src]'))) {
      const src = f.dataset.src ?? ''; // present: the selector asks for data-src
      if (on && f.getAttribute('src') !== src) f.setAttribute('src', src);
      if (!on && f.hasAttribute('src')) {
        // reveal.js unloads the same way: blank the frame, then drop the attribute.
        f.setAttribute('src', 'about:blank');
        f.removeAttribute('src');
      }
    }
  });
  byId('deck-pos').textContent = `${current + 1} / ${slides.length}`;
  deck.dataset.slide = String(current);
}

byId('deck-prev').addEventListener('click', () => show(current - 1));
byId('deck-next').addEventListener('click', () => show(current + 1));
deck.addEventListener('keydown', (e) => {
  if (e.target !== deck) return;
  if (e.key === 'ArrowRight') { e.preventDefault(); show(current + 1); }
  else if (e.key === 'ArrowLeft') { e.preventDefault(); show(current - 1); }
});
show(0);

// Host messages (section 5): each fragment button posts one command to the embed; the embed's
// reports (ready once, then its state at most once per frame) are shown under the buttons.
const messageFrame = /** @type {HTMLIFrameElement | null} */ (document.getElementById('demo-messages'));
const report = document.getElementById('messages-report');
if (messageFrame && report) {
  for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('button[data-message]'))) {
    b.addEventListener('click', () => {
      messageFrame.contentWindow?.postMessage({ type: 'sgd-escape', ...JSON.parse(b.dataset.message || '{}') }, '*');
    });
  }
  window.addEventListener('message', (e) => {
    if (e.source !== messageFrame.contentWindow || !e.data || e.data.type !== 'sgd-escape') return;
    if (e.data.event === 'ready') report.textContent = `The ${e.data.figure} figure is ready.`;
    if (e.data.event === 'state') {
      const counts = Object.entries(e.data.escaped || {}).map(([id, n]) => `${id} ${n}`).join(', ');
      report.textContent = `Iteration ${e.data.iteration}, ${e.data.playing ? 'playing' : 'paused'}; escaped: ${counts || 'none yet'}.`;
    }
  });
}
