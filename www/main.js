// The full page: builds the 2-D figure into <main id="toy-root">, mounts it with the page's URL
// hash (read at load, written back with history.replaceState), and boots the two later figures,
// whose state a link (figure=fashion, figure=ohl) also carries. The hash describes one figure:
// the one the reader last used (or the one the link opened).

import { buildToyFigure } from './toy-dom.js';
import { mountToy, chooseBuild } from './toy-figure.js';
import { markerSwatch } from './methods.js';
import { bootFashion } from './fashion.js';
import { bootOneHidden } from './one-hidden.js';
import { applyOhlState, figureOf, fashionState, ohlState, linkParser, showLinkNotices } from './figure-link.js';
import { figureTools } from './figure-tools.js';

// Test and debugging hook of the 2-D figure (filled by mountToy).
const hook = {};
window.__sgdEscape = hook;

function decorateIntro() {
  for (const div of document.querySelectorAll('.methods > div[data-method]')) {
    const dt = div.querySelector('dt');
    if (dt) dt.prepend(markerSwatch(div.dataset.method, 14));
  }
}

// Which figure the hash describes, and the latest canonical hash of each (also on the test hook).
const links = { active: 'toy', hashes: {} };
hook.links = links;

/** Records `fig`'s hash; writes it to the address bar if `fig` is the figure in use. */
function writeHashOf(fig, h) {
  links.hashes[fig] = h;
  if (fig === links.active && h && location.hash !== h) history.replaceState(null, '', h);
}

/** Makes `fig` the figure the hash describes (the reader used it). */
function activate(fig) {
  if (links.active === fig) return;
  links.active = fig;
  if (links.hashes[fig]) writeHashOf(fig, links.hashes[fig]);
}

/** Applies a parsed link to a later figure's controller, with its notices shown. */
function applyLaterLink(fig, link) {
  const later = hook.later && hook.later[fig];
  if (!later) return;
  showLinkNotices(later.notices, link);
  if (fig === 'fashion') later.controller.setState(fashionState(link));
  else applyOhlState(later.controller, ohlState(link));
}

/**
 * Reads `hash` (figure=fashion|ohl, or a preset of those figures) with Rust's parser, applies
 * it to that figure and makes the hash describe it.
 */
function openLaterLink(dir, hash, scroll) {
  const guess = figureOf(hash);
  if (guess !== 'toy') activate(guess);
  if (scroll && guess !== 'toy') document.getElementById(guess)?.scrollIntoView();
  linkParser(dir).parse(hash).then((link) => {
    if (link.figure === 'toy') return;
    activate(link.figure);
    if (scroll && guess !== link.figure) document.getElementById(link.figure)?.scrollIntoView();
    applyLaterLink(link.figure, link);
  }).catch((e) => console.error(`[sgd-escape] link: ${e.message || e}`));
}

/** The link and export tools and the hash of a later figure on this page. */
function wireLater(fig, controller) {
  const prefix = fig === 'fashion' ? 'fashion' : 'ohl';
  const section = document.getElementById(fig);
  const statusEl = document.getElementById(`${prefix}-status`);
  const tools = figureTools({
    figure: fig,
    controller,
    root: document,
    linkBase: () => location.href.split('#')[0],
    setStatus: (text) => { if (statusEl) statusEl.textContent = text; },
  });
  const card = section.querySelector(fig === 'fashion' ? '.f-side' : '.ohl-traces-card');
  card.querySelector('.transport').after(tools.buildBar());
  const notices = document.createElement('div');
  notices.className = 'notices';
  notices.id = `${prefix}-notices`;
  notices.setAttribute('role', 'status');
  notices.hidden = true;
  card.prepend(notices);
  let timer = null;
  controller.onChange(() => {
    clearTimeout(timer);
    timer = setTimeout(() => writeHashOf(fig, tools.hash()), 200);
  });
  // Using a figure makes the link describe it.
  for (const type of ['pointerdown', 'keydown', 'change']) section.addEventListener(type, () => activate(fig), true);
  (hook.later || (hook.later = {}))[fig] = { controller, tools, notices };
}

/** The two later figures, each with its own worker on the same wasm build; they start lazily. */
function bootLaterFigures(dir) {
  for (const [name, fig, boot] of [['FashionMNIST figure', 'fashion', bootFashion], ['one-hidden-layer figure', 'ohl', bootOneHidden]]) {
    try {
      wireLater(fig, boot({ dir, hook }));
    } catch (e) {
      // A failure there must not take the 2-D figure down with it.
      const text = `${name}: ${e && e.message ? e.message : e}`;
      (hook.errors || (hook.errors = [])).push(text);
      console.error(`[sgd-escape] ${text}`);
    }
  }
}

function boot() {
  decorateIntro();
  const main = document.getElementById('toy-root');
  main.replaceChildren(...buildToyFigure({ controls: null, full: true }));
  const dir = typeof WebAssembly === 'object' ? chooseBuild() : 'pkg-scalar';
  const first = figureOf(location.hash);
  links.active = first;
  const controller = mountToy(document, {
    // A link to a later figure leaves the 2-D figure at its defaults.
    hash: first === 'toy' ? location.hash : '',
    hook,
    keyTarget: document,
    lectureTarget: document.documentElement,
    fullscreenTarget: main,
    writeHash: (h) => writeHashOf('toy', h),
    openPreset: (p) => openLaterLink(dir, `#preset=${encodeURIComponent(p.id)}`, true),
  });
  document.getElementById('toy-root').addEventListener('pointerdown', () => activate('toy'), true);
  document.getElementById('toy-root').addEventListener('change', () => activate('toy'), true);
  // A hash typed into the address bar (replaceState fires no hashchange) is applied live.
  window.addEventListener('hashchange', () => {
    if (location.hash === links.hashes[links.active]) return;
    if (figureOf(location.hash) === 'toy') {
      activate('toy');
      if (location.hash !== hook.hash) controller.setLink(location.hash);
    } else openLaterLink(dir, location.hash, true);
  });
  bootLaterFigures(dir);
  if (first !== 'toy') openLaterLink(dir, location.hash, true);
}

boot();
