// The full page: one loop over the figures (www/figures/registry.js), each mounted in its
// `[data-figure]` element with the whole figure (full: true). The URL hash describes one figure:
// the one the reader last used (or the one the link opened); every figure keeps its own
// canonical hash, written to the address bar (history.replaceState) while it is the active one.
// Test and debugging hook: window.__sgdEscape = { figures: { id: figure interface }, errors }.

import { mountFigure } from './figures/registry.js';
import { markerSwatch } from './lib/methods.js';
import { figureId, figureOf, linkParser } from './lib/link.js';
import { chooseBuild } from './lib/wasm-build.js';
import { registerOffline } from './lib/offline.js';

/** @type {{ figures: Record<string, import('./figures/registry.js').Figure>, errors: string[] }} */
const hook = { figures: {}, errors: [] };
Object.assign(window, { __sgdEscape: hook });

// Which figure the hash describes, and the latest canonical hash of each.
const links = { active: figureOf(location.hash), hashes: /** @type {Record<string, string>} */ ({}) };

/**
 * Records `fig`'s hash; writes it to the address bar if `fig` is the figure in use.
 * @param {string} fig
 * @param {string} h
 */
function writeHashOf(fig, h) {
  links.hashes[fig] = h;
  if (fig === links.active && h && location.hash !== h) history.replaceState(null, '', h);
}

/** @param {string} fig makes `fig` the figure the hash describes (the reader used it) */
function activate(fig) {
  if (links.active === fig) return;
  links.active = fig;
  if (links.hashes[fig]) writeHashOf(fig, links.hashes[fig]);
}

/** @param {string} fig */
function scrollTo(fig) {
  if (fig === 'toy') return;
  const el = document.querySelector(`[data-figure="${fig}"]`);
  if (el) el.scrollIntoView({ behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
}

/** @type {Record<string, string>} links parsed before their figure was mounted, by figure */
const pendingLinks = {};
/** The figure the page's own hash names and that hash: it is mounted with it. */
const booted = { figure: links.active, hash: location.hash };

/**
 * Reads `hash` with Rust's parser (a preset names its figure only there), then applies it to
 * the figure it describes, which becomes the active one.
 * @param {string} hash
 * @param {boolean} scroll
 */
function openLink(hash, scroll) {
  linkParser(chooseBuild()).parse(hash).then((link) => {
    const fig = figureId(link.figure);
    activate(fig);
    if (scroll) scrollTo(fig);
    const f = hook.figures[fig];
    // A figure still mounting gets the link once it is mounted (unless it is mounted with it).
    if (f) f.setState({ hash });
    else if (!(fig === booted.figure && hash === booted.hash)) pendingLinks[fig] = hash;
  }).catch((e) => console.error(`[sgd-escape] link: ${e.message || e}`));
}

function decorateIntro() {
  for (const div of document.querySelectorAll('.methods > div[data-method]')) {
    const dt = div.querySelector('dt');
    if (dt) dt.prepend(markerSwatch(/** @type {HTMLElement} */ (div).dataset.method || '', 14));
  }
}

function boot() {
  decorateIntro();
  const first = links.active;
  const roots = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('[data-figure]')]);
  roots.forEach((root, i) => {
    const id = root.dataset.figure || '';
    mountFigure(id, root, {
      full: true,
      // A link to another figure leaves this one at its defaults.
      hash: id === first ? location.hash : '',
      linkBase: () => location.href.split('#')[0],
      // The first figure answers the keys pressed outside any field (the others would hear them too).
      keyTarget: i === 0 ? document : null,
      lectureTarget: document.documentElement,
      fullscreenTarget: root,
      openPreset: (p) => openLink(`#preset=${encodeURIComponent(p.id)}`, true),
    }).then((fig) => {
      hook.figures[id] = fig;
      if (pendingLinks[id]) { fig.setState({ hash: pendingLinks[id] }); delete pendingLinks[id]; }
      fig.onChange((s) => {
        writeHashOf(id, s.hash);
        const live = document.getElementById('watch-live');
        if (s.captions && s.captions.live && live && live.textContent !== s.captions.live) live.textContent = s.captions.live;
      });
      // Using a figure makes the link describe it.
      for (const type of ['pointerdown', 'keydown', 'change']) root.addEventListener(type, () => activate(id), true);
    }).catch((e) => {
      // A failure there must not take the other figures down with it.
      const text = `${id}: ${e && e.message ? e.message : e}`;
      hook.errors.push(text);
      console.error(`[sgd-escape] ${text}`);
    });
  });
  if (first !== 'toy') scrollTo(first);
  // A preset of another figure: only Rust's parser knows which one it is.
  else if (/(?:^#?|&)preset=/.test(location.hash)) openLink(location.hash, true);
  // A hash typed into the address bar (replaceState fires no hashchange) is applied live.
  window.addEventListener('hashchange', () => {
    if (location.hash !== links.hashes[links.active]) openLink(location.hash, true);
  });
}

boot();

// After one visit the page, the wasm build it ran and the data it read work offline (sw.js).
registerOffline(navigator, location);
