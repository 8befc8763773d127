// The full page: builds the 2-D figure into <main id="toy-root">, mounts it with the page's URL
// hash (read at load, written back with history.replaceState), and boots the two later figures.

import { buildToyFigure } from './toy-dom.js';
import { mountToy, chooseBuild } from './toy-figure.js';
import { markerSwatch } from './methods.js';
import { bootFashion } from './fashion.js';
import { bootOneHidden } from './one-hidden.js';

// Test and debugging hook of the 2-D figure (filled by mountToy).
const hook = {};
window.__sgdEscape = hook;

function decorateIntro() {
  for (const div of document.querySelectorAll('.methods > div[data-method]')) {
    const dt = div.querySelector('dt');
    if (dt) dt.prepend(markerSwatch(div.dataset.method, 14));
  }
}

/** The two later figures, each with its own worker on the same wasm build; they start lazily. */
function bootLaterFigures(dir) {
  for (const [name, boot] of [['FashionMNIST figure', bootFashion], ['one-hidden-layer figure', bootOneHidden]]) {
    try {
      boot({ dir, hook });
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
  const figureOf = (h) => (/[#&]figure=([a-z]+)/.exec(h) || [])[1];
  const controller = mountToy(document, {
    hash: location.hash,
    hook,
    keyTarget: document,
    lectureTarget: document.documentElement,
    fullscreenTarget: main,
    writeHash: (h) => history.replaceState(null, '', h),
  });
  // A link to a later figure scrolls to it (their settings are not in the link yet).
  const fig = figureOf(location.hash);
  if (fig === 'fashion' || fig === 'ohl') document.getElementById(fig)?.scrollIntoView();
  // A hash typed into the address bar (replaceState fires no hashchange) is applied live.
  window.addEventListener('hashchange', () => {
    if (location.hash !== hook.hash) controller.setLink(location.hash);
  });
  bootLaterFigures(typeof WebAssembly === 'object' ? chooseBuild() : 'pkg-scalar');
}

boot();
