// <sgd-escape-figure>: any figure of the page as a custom element, defined by this one ES module.
//
//   <script type="module" src="https://your.host/any/path/sgd-escape.js"></script>
//   <sgd-escape-figure figure="toy" seed="3" controls="lr,noiseTrace" autoplay="1"></sgd-escape-figure>
//   <sgd-escape-figure figure="fashion" methods="gd,sgd" iterations="300"></sgd-escape-figure>
//   <sgd-escape-figure figure="ohl" epoch="10" controls="export"></sgd-escape-figure>
//
// Attributes mirror the URL-hash keys of the page (docs/API.md, "Permalinks"); they are read by
// the same Rust parser, so a bad value falls back to its default with a notice in the figure.
// Everything (styles, workers, wasm) is loaded relative to this module's own URL, so it works
// under any sub-path, from another origin (the host must send CORS headers) and offline once
// loaded, with no CDN. Shadow DOM keeps its styles and ids apart, so several elements on one page
// are independent. Each starts when it nears the viewport and pauses when it leaves (resuming
// when it comes back, if it was playing). With the attribute `fit` and a size from its host (a
// slide: style="width: 960px; height: 560px") it fits that frame (style.css, "compact embeds").
//
// Properties: `figure`, the figure interface of www/figures/registry.js (play, pause, step, reset,
// getState, setState, onChange, export, destroy), null until it has loaded; `ready`, a promise
// of it; `near`, whether it is near the view (it runs only then). Event: `sgd-escape-state` with
// `detail.hash` whenever the state changes.

import { mountFigure } from './figures/registry.js';
import { figureId } from './lib/link.js';
import { LINK_KEYS } from './lib/schema.js';
import { wireFigure } from './lib/host-messages.js';

// HTML lower-cases attribute names: noisetrace="0.02" means noiseTrace.
const BY_LOWER = Object.fromEntries(LINK_KEYS.map((k) => [k.toLowerCase(), k]));

export class SgdEscapeFigure extends HTMLElement {
  static get observedAttributes() { return Object.keys(BY_LOWER); }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    /** @type {import('./figures/registry.js').Figure | null} */
    this.figure = null;
    /** @type {Promise<import('./figures/registry.js').Figure> | null} */
    this.ready = null;
    /** @type {IntersectionObserver | null} */
    this.observer = null;
    this.resumeOnReturn = false;
    /** Whether the element is near the view (it runs only then). */
    this.near = false;
    this.generation = 0;
    /** @type {string[]} */
    this.errors = [];
    /** @type {{ dispose: () => void } | null} the host-message wiring (attribute host-messages) */
    this.hostLink = null;
  }

  /** The attributes as a URL hash (values percent-encoded; parsed by Rust, never as HTML). */
  linkHash() {
    const pairs = [];
    for (const attr of this.attributes) {
      const key = BY_LOWER[attr.name];
      if (key) pairs.push(`${key}=${encodeURIComponent(attr.value)}`);
    }
    return `#${pairs.join('&')}`;
  }

  connectedCallback() {
    if (this.ready) return;
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0; // keyboard shortcuts need the focus
    if (!this.hasAttribute('role')) this.setAttribute('role', 'region');
    if (!this.hasAttribute('aria-label')) this.setAttribute('aria-label', 'Interactive figure: escaping a sharp minimum');
    const root = /** @type {ShadowRoot} */ (this.shadowRoot);
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('./style.css', import.meta.url).href;
    const holder = document.createElement('div');
    root.replaceChildren(style, holder);
    const generation = ++this.generation;
    this.ready = mountFigure(figureId(this.getAttribute('figure')), holder, {
      hash: this.linkHash(),
      keyTarget: this,
      lectureTarget: holder, // inside the shadow root, where the lecture styles reach
      start: false,
      linkBase: () => new URL('./index.html', import.meta.url).href,
    });
    this.ready.then((fig) => {
      if (generation !== this.generation) { fig.destroy(); return; }
      this.figure = fig;
      fig.onChange((s) => this.dispatchEvent(new CustomEvent('sgd-escape-state', { detail: { hash: s.hash }, bubbles: true })));
      // Opt-in (attribute host-messages): the page drives the element with
      // window.postMessage({ type: 'sgd-escape', command, target: element id }) like an iframe
      // embed, and hears its reports on window (lib/host-messages.js).
      if (this.hasAttribute('host-messages')) {
        const win = { parent: window, addEventListener: window.addEventListener.bind(window), removeEventListener: window.removeEventListener.bind(window), requestAnimationFrame: window.requestAnimationFrame.bind(window) };
        this.hostLink = wireFigure(fig, figureId(this.getAttribute('figure')), { win, name: this.id || undefined });
      }
      this.observer = new IntersectionObserver((entries) => this.onView(entries.some((e) => e.isIntersecting)), { rootMargin: '200px 0px' });
      this.observer.observe(this);
    }).catch((e) => {
      const text = String(e && e.message ? e.message : e);
      const p = document.createElement('p');
      p.className = 'status error';
      p.textContent = `This figure could not be loaded: ${text}`;
      holder.append(p);
      this.errors.push(text);
    });
  }

  /**
   * Starts the figure when it nears the view; pauses it when it leaves, resuming on return.
   * @param {boolean} near
   */
  onView(near) {
    this.near = near;
    const fig = this.figure;
    if (!fig) return;
    if (near) {
      fig.start();
      if (this.resumeOnReturn) fig.play();
      this.resumeOnReturn = false;
    } else if (fig.getState().playing) {
      fig.pause();
      this.resumeOnReturn = true;
    }
  }

  disconnectedCallback() {
    if (this.hostLink) this.hostLink.dispose();
    this.hostLink = null;
    if (this.observer) this.observer.disconnect();
    this.observer = null;
    if (this.figure) this.figure.destroy();
    this.figure = null;
    this.ready = null;
    this.generation += 1;
    /** @type {ShadowRoot} */ (this.shadowRoot).replaceChildren();
  }

  /**
   * @param {string} name
   * @param {string | null} oldValue
   * @param {string | null} newValue
   */
  attributeChangedCallback(name, oldValue, newValue) {
    if (!this.ready || oldValue === newValue) return;
    if (!this.figure || BY_LOWER[name] === 'controls' || BY_LOWER[name] === 'figure') {
      // The layout depends on the controls and the figure: rebuild.
      this.disconnectedCallback();
      this.connectedCallback();
      return;
    }
    this.figure.setState({ hash: this.linkHash() });
  }
}

if (!customElements.get('sgd-escape-figure')) customElements.define('sgd-escape-figure', SgdEscapeFigure);
