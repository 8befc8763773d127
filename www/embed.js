// embed.html: just one figure and the controls its hash lists, sized to its frame, for an
// iframe: embed.html#figure=toy&controls=lr,noiseTrace&autoplay=1 (keys: docs/API.md); with
// figure=fashion or figure=ohl, the FashionMNIST or one-hidden-layer figure (later-figure.js).

import { buildToyFigure, controlsFromHash } from './toy-dom.js';
import { mountToy } from './toy-figure.js';
import { figureOf } from './figure-link.js';
import { mountLaterFigure } from './later-figure.js';

const hook = {};
window.__sgdEscape = hook;

const root = document.getElementById('embed-root');
const figure = figureOf(location.hash);

function brandLink(hash) {
  const brand = document.createElement('p');
  brand.className = 'embed-brand';
  const a = document.createElement('a');
  a.href = `index.html${hash}`;
  a.target = '_blank';
  a.rel = 'noopener';
  a.textContent = 'Open the full interactive page';
  brand.append('sgd-escape · Zhu et al., ICML 2019 · ', a);
  return { brand, a };
}

if (figure === 'toy') mountToyEmbed();
else mountLater();

function mountLater() {
  root.classList.remove('embed-layout');
  root.classList.add('embed-later');
  root.setAttribute('aria-label', figure === 'fashion' ? 'FashionMNIST with corrupted labels: paper Section 5.3 of Zhu et al., ICML 2019' : 'Tr(HΣ) during training: paper Figure 4 of Zhu et al., ICML 2019');
  root.replaceChildren();
  const { brand, a } = brandLink(location.hash);
  const later = mountLaterFigure(root, figure, location.hash, {
    hook,
    keyTarget: document,
    lectureTarget: document.documentElement,
    linkBase: () => new URL('embed.html', location.href).href,
    writeHash: (h) => {
      history.replaceState(null, '', h);
      a.href = `index.html${h}`;
    },
  });
  later.then((m) => {
    root.append(brand);
    hook.later = m;
    window.addEventListener('hashchange', () => {
      if (location.hash === hook.hash) return;
      // A new link for this figure: reload, which applies it from scratch.
      location.reload();
    });
  }).catch((e) => {
    const p = document.createElement('p');
    p.className = 'status error';
    p.textContent = `This figure could not be loaded: ${e.message || e}`;
    root.append(p);
    (hook.errors || (hook.errors = [])).push(String(e.message || e));
  });
}

function mountToyEmbed() {
  const controls = controlsFromHash(location.hash);
  root.replaceChildren(...buildToyFigure({ controls, full: false }));
  const { brand, a } = brandLink(location.hash);
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
}
