// The shape handles on the landscape (issue 13 §1): three sliders over the canvas for the sharp
// axis' angle and the sharp basin's two eigenvalues, dragged with a mouse, a pen or a finger
// (pointer events, pointer capture, 44 px targets; the nearest handle wins where targets
// overlap) or stepped with the keyboard (arrows, Shift, PageUp/PageDown, Home/End), each an ARIA
// slider named by the schema's label. The geometry is handles.js'; this module owns the
// elements and their events, and reports every change with onInput(key, value, { preview }):
// `preview` while a drag moves (the figure coalesces those), false when it ends or a key steps.

import { h } from '../../lib/dom.js';
import { setting } from '../../lib/schema.js';
import { fmt } from '../../lib/format.js';
import { HANDLES, LAMBDA, ANGLE, handlePositions, hitTest, valueAt, keyStep } from './handles.js';

/** The knob's text: what each handle drives. */
const GLYPH = { angle: 'θ', lambda1: 'λ₁', lambda2: 'λ₂' };

/**
 * @typedef {import('./handles.js').HandleId} HandleId
 * @typedef {import('./handles.js').HandleShape} HandleShape
 * @typedef {import('./handles.js').Frame} Frame
 */

export class ShapeHandles {
  /**
   * @param {HTMLElement} layer the overlay (absolutely placed over the canvas' box)
   * @param {{ onInput: (key: string, value: number, o: { preview: boolean }) => void, onRender?: (positions: Record<HandleId, { x: number, y: number }> | null, center: { x: number, y: number } | null) => void }} o
   *   onRender: the handles moved (the landscape draws their guide lines), null when hidden
   */
  constructor(layer, { onInput, onRender = () => {} }) {
    this.layer = layer;
    this.onInput = onInput;
    this.onRender = onRender;
    /** @type {HandleShape | null} */
    this.shape = null;
    /** @type {Frame | null} */
    this.frame = null;
    /** Where the canvas sits in the layer (CSS pixels). */
    this.offset = { x: 0, y: 0 };
    /** @type {{ id: HandleId, pointer: number, moved: boolean } | null} */
    this.drag = null;
    /** The latest pointer position of a drag not yet applied (one per animation frame). */
    this.latest = /** @type {{ x: number, y: number } | null} */ (null);
    this.frameRequest = 0;
    /** @type {Record<string, HTMLElement>} */
    this.el = {};
    for (const { id, key } of HANDLES) {
      const s = setting('toy', key);
      const range = id === 'angle' ? ANGLE : { min: LAMBDA.lo, max: LAMBDA.hi };
      const el = h('div', {
        class: `shape-handle shape-handle-${id}`, id: `handle-${id}`, role: 'slider', tabindex: '0',
        'aria-label': s.label, 'aria-valuemin': String(range.min), 'aria-valuemax': String(range.max),
        'data-handle': id, 'data-key': key, title: `${s.label}: drag, or focus and use the arrow keys`,
      }, h('span', { class: 'shape-knob', 'aria-hidden': 'true', text: GLYPH[id] }));
      el.addEventListener('pointerdown', (e) => this.down(e));
      el.addEventListener('pointermove', (e) => this.move(e));
      el.addEventListener('pointerup', (e) => this.up(e));
      el.addEventListener('pointercancel', (e) => this.up(e));
      el.addEventListener('lostpointercapture', (e) => this.up(e));
      el.addEventListener('keydown', (e) => this.key(id, e));
      this.el[id] = el;
      layer.append(el);
    }
    this.layer.hidden = true;
  }

  /**
   * The shape shown and the canvas geometry (null: not known yet, the handles hide). While a
   * drag moves, the shape it set stays (a reply for an older preview never pulls it back).
   * @param {HandleShape | null} shape
   * @param {Frame | null} frame
   * @param {{ x: number, y: number }} offset the canvas' top left in the layer
   */
  update(shape, frame, offset) {
    if (shape && !this.drag) this.shape = { ...shape };
    this.frame = frame;
    this.offset = offset;
    this.render();
  }

  /** @returns {Record<HandleId, { x: number, y: number }> | null} canvas pixels */
  positions() {
    return this.shape && this.frame ? handlePositions(this.shape, this.frame) : null;
  }

  render() {
    const pos = this.positions();
    this.layer.hidden = !pos;
    this.onRender(pos, pos && this.frame ? this.frame.center : null);
    if (!pos || !this.shape) return;
    for (const { id, key } of HANDLES) {
      const el = this.el[id];
      el.style.left = `${this.offset.x + pos[id].x}px`;
      el.style.top = `${this.offset.y + pos[id].y}px`;
      const v = /** @type {number} */ (/** @type {any} */ (this.shape)[key]);
      el.setAttribute('aria-valuenow', String(v));
      el.setAttribute('aria-valuetext', id === 'angle' ? `${fmt(v, 3)} degrees` : `${GLYPH[id]} = ${fmt(v, 4)}`);
    }
  }

  /** @param {PointerEvent} e @returns {{ x: number, y: number }} canvas pixels */
  local(e) {
    const r = this.layer.getBoundingClientRect();
    return { x: e.clientX - r.left - this.offset.x, y: e.clientY - r.top - this.offset.y };
  }

  /** @param {PointerEvent} e */
  down(e) {
    const pos = this.positions();
    if (!pos || (e.pointerType === 'mouse' && e.button !== 0)) return;
    // Overlapping targets: the nearest handle to the pointer takes the drag.
    const id = hitTest(pos, this.local(e)) || /** @type {HandleId} */ (/** @type {HTMLElement} */ (e.currentTarget).dataset.handle);
    const el = this.el[id];
    e.preventDefault();
    el.focus();
    try { el.setPointerCapture(e.pointerId); } catch { /* a synthetic event has no capture */ }
    this.drag = { id, pointer: e.pointerId, moved: false };
    el.classList.add('dragging');
  }

  /** @param {PointerEvent} e */
  move(e) {
    const d = this.drag;
    if (!d || e.pointerId !== d.pointer || !this.shape || !this.frame) return;
    e.preventDefault();
    // Throttled to frames: the latest position is applied at the next animation frame.
    this.latest = this.local(e);
    if (!this.frameRequest) this.frameRequest = requestAnimationFrame(() => this.apply());
  }

  /** Applies the drag's latest pointer position. */
  apply() {
    this.frameRequest = 0;
    const d = this.drag;
    const p = this.latest;
    this.latest = null;
    if (!d || !p || !this.shape || !this.frame) return;
    this.set(valueAt(d.id, p, this.shape, this.frame), true);
    d.moved = true;
  }

  /** @param {PointerEvent} e */
  up(e) {
    const d = this.drag;
    if (!d || e.pointerId !== d.pointer) return;
    // A position still waiting for its frame is where the drag ends.
    if (this.frameRequest) {
      cancelAnimationFrame(this.frameRequest);
      this.apply();
    }
    this.drag = null;
    this.el[d.id].classList.remove('dragging');
    const key = HANDLES.find((x) => x.id === d.id)?.key;
    if (d.moved && this.shape && key) this.onInput(key, /** @type {any} */ (this.shape)[key], { preview: false });
  }

  /** @param {HandleId} id @param {KeyboardEvent} e */
  key(id, e) {
    if (!this.shape || e.altKey || e.ctrlKey || e.metaKey) return;
    const next = keyStep(id, e.key, e.shiftKey, this.shape);
    if (!next) return;
    // The figure's own keys (→ steps the simulation) must not see a handle's arrows.
    e.preventDefault();
    e.stopPropagation();
    this.set(next, false);
  }

  /**
   * @param {{ key: string, value: number }} next
   * @param {boolean} preview
   */
  set({ key, value }, preview) {
    if (!this.shape) return;
    const s = /** @type {any} */ (this.shape);
    if (s[key] === value) return;
    s[key] = value;
    this.render();
    this.onInput(key, value, { preview });
  }
}
