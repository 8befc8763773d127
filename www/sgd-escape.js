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
// under any sub-path and offline once loaded, with no CDN. Shadow DOM keeps its styles and ids
// apart, so several elements on one page are independent. Each starts when it nears the viewport
// and pauses when it leaves (resuming when it comes back, if it was playing).
//
// Properties: `hook` (state for tests), `controller` (play(), pause(), step(), reset(), hash(),
// exportAs(kind)). Event: `sgd-escape-state` with `detail.hash` whenever the state changes.
// figure="fashion" and figure="ohl" mount the later figures (later-figure.js): their markup is
// index.html's section, fetched from this module's folder; `controller` is then the figure's own
// (play, pause, step, reset, getState, setState, exportCurves) plus hash() and exportAs(kind).

import { buildToyFigure, controlsFromHash } from './toy-dom.js';
import { mountToy } from './toy-figure.js';
import { mountLaterFigure } from './later-figure.js';

// The hash keys an attribute may set (the KEYS of src/permalink.rs).
const KEYS = ['figure', 'preset', 'methods', 'runs', 'lr', 'noiseTrace', 'batchSize', 'samples', 'dataSpread', 'seed', 'sharpLambda1', 'sharpLambda2', 'sharpAngle', 'flatCurvature', 'minimaDistance', 'iterations', 'speed', 'play', 'autoplay', 'hide', 'controls', 'lecture', 'workers', 'logEvery', 'maxRecords', 'fromScratch', 'spectrum', 'epochs', 'epoch'];
// HTML lower-cases attribute names: noisetrace="0.02" means noiseTrace.
const BY_LOWER = Object.fromEntries(KEYS.map((k) => [k.toLowerCase(), k]));

export class SgdEscapeFigure extends HTMLElement {
  static get observedAttributes() { return Object.keys(BY_LOWER); }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.hook = {};
    this.controller = null;
    this.observer = null;
    this.resumeOnReturn = false;
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
    if (this.controller) return;
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0; // keyboard shortcuts need the focus
    if (!this.hasAttribute('role')) this.setAttribute('role', 'region');
    if (!this.hasAttribute('aria-label')) this.setAttribute('aria-label', 'Interactive figure: escaping a sharp minimum');
    const hash = this.linkHash();
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('./style.css', import.meta.url).href;
    const figure = (this.getAttribute('figure') || 'toy').trim();
    if (figure === 'fashion' || figure === 'ohl') {
      this.connectLater(figure, hash, style);
      return;
    }
    const layout = document.createElement('div');
    layout.className = 'embed-layout';
    layout.append(...buildToyFigure({ controls: controlsFromHash(hash), full: false }));
    this.shadowRoot.replaceChildren(style, layout);
    this.hook = {};
    this.controller = mountToy(this.shadowRoot, {
      hash,
      hook: this.hook,
      keyTarget: this,
      lectureTarget: layout, // inside the shadow root, where the lecture styles reach
      start: false,
      linkBase: () => new URL('./index.html', import.meta.url).href,
      writeHash: (h) => this.dispatchEvent(new CustomEvent('sgd-escape-state', { detail: { hash: h }, bubbles: true })),
    });
    this.observer = new IntersectionObserver((entries) => {
      const near = entries.some((e) => e.isIntersecting);
      const c = this.controller;
      if (!c) return;
      if (near) {
        if (!c.started) c.start();
        else if (this.resumeOnReturn) c.play();
        this.resumeOnReturn = false;
      } else if (c.started) {
        this.resumeOnReturn = c.pause() || this.resumeOnReturn;
      }
      this.hook.visible = near;
    }, { rootMargin: '200px 0px' });
    this.observer.observe(this);
  }

  /** Mounts a later figure; it loads when near the view, plays (if asked) and pauses with it. */
  connectLater(figure, hash, style) {
    const holder = document.createElement('div');
    holder.className = 'embed-later';
    this.shadowRoot.replaceChildren(style, holder);
    this.hook = {};
    const generation = (this.generation = (this.generation || 0) + 1);
    this.controller = { pending: true, destroy() {} };
    this.mounting = mountLaterFigure(holder, figure, hash, {
      hook: this.hook,
      deferPlay: true,
      keyTarget: this,
      lectureTarget: holder,
      linkBase: () => new URL('./index.html', import.meta.url).href,
      writeHash: (h) => this.dispatchEvent(new CustomEvent('sgd-escape-state', { detail: { hash: h }, bubbles: true })),
    }).then((m) => {
      if (generation !== this.generation) { m.destroy(); return; }
      const c = m.controller;
      this.controller = { ...c, hash: m.tools.hash, exportAs: m.tools.exportAs, exporters: m.tools.exporters, destroy: m.destroy, later: m };
      this.observer = new IntersectionObserver((entries) => {
        const near = entries.some((e) => e.isIntersecting);
        if (near) {
          m.begin();
          if (this.resumeOnReturn) c.play();
          this.resumeOnReturn = false;
        } else if (c.getState().playing) {
          c.pause();
          this.resumeOnReturn = true;
        }
        this.hook.visible = near;
      }, { rootMargin: '200px 0px' });
      this.observer.observe(this);
    }).catch((e) => {
      const p = document.createElement('p');
      p.className = 'status error';
      p.textContent = `This figure could not be loaded: ${e.message || e}`;
      holder.append(p);
      (this.hook.errors || (this.hook.errors = [])).push(String(e.message || e));
    });
  }

  disconnectedCallback() {
    if (this.observer) this.observer.disconnect();
    this.observer = null;
    if (this.controller) this.controller.destroy();
    this.controller = null;
    this.generation = (this.generation || 0) + 1;
    this.shadowRoot.replaceChildren();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (!this.controller || oldValue === newValue) return;
    if (BY_LOWER[name] === 'controls' || BY_LOWER[name] === 'figure' || this.controller.later || this.controller.pending) {
      // The layout depends on the controls: rebuild.
      this.disconnectedCallback();
      this.connectedCallback();
      return;
    }
    this.controller.setLink(this.linkHash());
  }
}

if (!customElements.get('sgd-escape-figure')) customElements.define('sgd-escape-figure', SgdEscapeFigure);
