// The image strip of the FashionMNIST figure: a few training images with the label each is
// trained with, the corrupted ones (random labels) grouped apart and outlined, with what they
// really show when the published labels are known. DOM only, built with textContent.

import { paintImage } from './plots.js';

/** @typedef {{ index: number, label: number, corrupted: boolean, original: number | null }} StripLabel a tile's training image: its index, the label trained with, the published one (null: unknown) */
/** @typedef {{ images: Uint8Array, labels: StripLabel[] }} Strip the tiles' 784-pixel images, in order, and their labels */

export const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/**
 * Fills `box` with the tiles of `strip` ({ images: Uint8Array of 784-pixel images, labels:
 * [{ index, label, corrupted, original }] }); [lo, hi) is the corrupted range of the training set.
 * Returns { count, corrupted }.
 * @param {HTMLElement} box
 * @param {Strip} strip
 * @param {[number, number]} range
 * @returns {{ count: number, corrupted: number }}
 */
export function buildStrip(box, strip, [lo, hi]) {
  box.replaceChildren();
  const groups = [
    { title: 'Clean labels', sub: lo > 0 ? `images 0–${lo - 1}` : `images ${hi}–`, items: strip.labels.map((l, k) => ({ ...l, k })).filter((l) => !l.corrupted && (l.index < lo || l.index >= hi)) },
    { title: 'Random labels', sub: `images ${lo}–${hi - 1}`, items: strip.labels.map((l, k) => ({ ...l, k })).filter((l) => l.corrupted || (l.index >= lo && l.index < hi)) },
  ];
  let corrupted = 0;
  for (const g of groups) {
    if (!g.items.length) continue;
    const group = document.createElement('div');
    group.className = 'strip-group';
    const head = document.createElement('p');
    head.className = 'strip-head';
    const strong = document.createElement('strong');
    strong.textContent = g.title;
    head.append(strong, document.createTextNode(` · ${g.sub}`));
    const list = document.createElement('ul');
    list.className = 'strip-tiles';
    for (const l of g.items) {
      const li = document.createElement('li');
      li.className = `tile${l.corrupted ? ' corrupted' : ''}`;
      const c = document.createElement('canvas');
      c.className = 'tile-image';
      paintImage(c, strip.images.subarray(l.k * 784, (l.k + 1) * 784));
      const trained = CLASS_NAMES[l.label] || String(l.label);
      const truth = l.original !== null && l.original !== undefined ? CLASS_NAMES[l.original] : null;
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', l.corrupted
        ? `Image ${l.index}: trained as ${trained} (a random label)${truth ? `; it shows a ${truth}` : ''}`
        : `Image ${l.index}: ${trained}`);
      const cap = document.createElement('span');
      cap.className = 'tile-label';
      cap.textContent = trained;
      li.append(c, cap);
      if (l.corrupted) {
        corrupted += 1;
        const note = document.createElement('span');
        note.className = 'tile-note';
        note.textContent = 'random label';
        if (truth) {
          const really = document.createElement('span');
          really.className = 'tile-truth';
          really.textContent = truth === trained ? '(right by chance)' : `really: ${truth}`;
          note.append(really);
        }
        li.append(note);
      }
      li.title = l.corrupted ? `Image ${l.index}: trained with the random label “${trained}”${truth ? ` (it shows a ${truth})` : ''}` : `Image ${l.index}: ${trained}`;
      list.append(li);
    }
    group.append(head, list);
    box.append(group);
  }
  return { count: strip.labels.length, corrupted };
}

