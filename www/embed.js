// embed.html: one figure, the one its hash names, with only the controls the hash lists, sized to
// its frame, for an iframe: embed.html#figure=toy&controls=lr,noiseTrace&autoplay=1 (keys:
// docs/API.md). The figure's hash follows its state (history.replaceState); a new hash typed
// into the address bar is applied live.
// A host page drives it with postMessage({ type: 'sgd-escape', command: 'play' | 'pause' |
// 'step' | 'reset' | 'preset' | 'setState', ... }) and hears its state (docs/embedding.md).
// Test and debugging hook: window.__sgdEscape = { figures: { id: figure interface }, errors }.

import { mountFigure } from './figures/registry.js';
import { figureOf } from './lib/link.js';
import { h } from './lib/dom.js';
import { wireFigure } from './lib/host-messages.js';
import { registerOffline } from './lib/offline.js';

/** @type {{ figures: Record<string, import('./figures/registry.js').Figure>, errors: string[] }} */
const hook = { figures: {}, errors: [] };
Object.assign(window, { __sgdEscape: hook });

const root = /** @type {HTMLElement} */ (document.getElementById('embed-root'));
const id = figureOf(location.hash);
const open = /** @type {HTMLAnchorElement} */ (h('a', { href: `index.html${location.hash}`, target: '_blank', rel: 'noopener', text: 'Open the full interactive page' }));
const brand = h('p', { class: 'embed-brand' }, 'sgd-escape · Zhu et al., ICML 2019 · ', open);

/** Whether the stylesheet's compact layout (a short frame) is on. */
const compactLayout = () => getComputedStyle(root).getPropertyValue('--sgd-compact').trim() === '1';

mountFigure(id, root, {
  hash: location.hash,
  keyTarget: document,
  lectureTarget: document.documentElement,
  // The landscape is capped to the frame's height; in the compact layout (a short frame, e.g.
  // a slide) the stylesheet sizes it to the frame instead (style.css, "compact embeds").
  fitHeight: () => (compactLayout() ? Infinity : window.innerHeight),
  linkBase: () => new URL('embed.html', location.href).href,
  footer: brand,
}).then((fig) => {
  hook.figures[id] = fig;
  // Slides and a lecturer's buttons drive the figure by postMessage (lib/host-messages.js);
  // only the parent window may, unless the embed's query string says messages=any.
  const allowAnyWindow = new URLSearchParams(location.search).get('messages') === 'any';
  wireFigure(fig, id, { win: window, allowAnyWindow });
  fig.onChange((s) => {
    if (!s.hash || s.hash === location.hash) return;
    history.replaceState(null, '', s.hash);
    open.href = `index.html${s.hash}`;
  });
  window.addEventListener('hashchange', () => {
    if (location.hash !== fig.getState().hash) fig.setState({ hash: location.hash });
  });
}).catch((e) => {
  const text = String(e && e.message ? e.message : e);
  root.append(h('p', { class: 'status error', text: `This figure could not be loaded: ${text}` }));
  hook.errors.push(text);
});

registerOffline(navigator, location);
