// embed.html: just the 2-D figure and the controls its hash lists, sized to its frame, for an
// iframe: embed.html#figure=toy&controls=lr,noiseTrace&autoplay=1 (keys: docs/API.md).

import { buildToyFigure, controlsFromHash } from './toy-dom.js';
import { mountToy } from './toy-figure.js';

const hook = {};
window.__sgdEscape = hook;

const root = document.getElementById('embed-root');
const controls = controlsFromHash(location.hash);
root.replaceChildren(...buildToyFigure({ controls, full: false }));
const brand = document.createElement('p');
brand.className = 'embed-brand';
const a = document.createElement('a');
a.href = `index.html${location.hash}`;
a.target = '_blank';
a.rel = 'noopener';
a.textContent = 'Open the full interactive page';
brand.append('sgd-escape · Zhu et al., ICML 2019 · ', a);
root.querySelector('.side').append(brand);

const controller = mountToy(document, {
  hash: location.hash,
  hook,
  keyTarget: document,
  lectureTarget: document.documentElement,
  fitHeight: () => window.innerHeight,
  linkBase: () => new URL('embed.html', location.href).href,
  writeHash: (h) => {
    history.replaceState(null, '', h);
    a.href = `index.html${h}`;
  },
});
window.addEventListener('hashchange', () => {
  if (location.hash !== hook.hash) controller.setLink(location.hash);
});
