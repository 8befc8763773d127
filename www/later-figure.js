// Mounts one of the two later figures (FashionMNIST `figure=fashion`, one hidden layer
// `figure=ohl`) on its own, from a link: for embed.html and <sgd-escape-figure>. The markup is
// index.html's section of that figure (fetched from this module's folder, so there is one copy of
// it), trimmed to the figure and the controls the link lists; the state comes from the link,
// parsed by Rust (parsePermalink), and every change of state is written back as a canonical hash.

import { mountFashion } from './fashion.js';
import { mountOneHidden } from './one-hidden.js';
import { chooseBuild } from './toy-figure.js';
import { applyOhlState, fashionState, ohlState, laterControlsFromHash, linkParser, showLinkNotices } from './figure-link.js';
import { figureTools } from './figure-tools.js';
import { figureKeyHandler, toggleFullscreen } from './figure-keys.js';

const PAGE = new URL('./index.html', import.meta.url);
let sectionsText = null; // a promise of index.html's text, fetched once

async function section(figure) {
  if (!sectionsText) {
    sectionsText = fetch(PAGE).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status} for ${PAGE.pathname}`))));
    sectionsText.catch(() => { sectionsText = null; });
  }
  const doc = new DOMParser().parseFromString(await sectionsText, 'text/html');
  const el = doc.getElementById(figure);
  if (!el) throw new Error(`index.html has no #${figure} section`);
  return document.importNode(el, true);
}

// What each control name shows (the rest of the figure is always there).
const PARTS = {
  fashion: { settings: ['.f-settings'], paper: ['#fashion-paper'], spectrum: ['.f-spectrum'], strip: ['.f-strip'] },
  ohl: { boundary: ['.ohl-boundary-card'] },
};

/** Keeps the title and the live numbers of the section's header; hides the prose. */
function trim(el, figure, controls) {
  const prefix = figure === 'fashion' ? 'fashion' : 'ohl';
  const header = el.querySelector('header.experiment-intro');
  const live = el.querySelector(`#${prefix}-live`);
  if (header) {
    const title = header.querySelector('h2');
    for (const child of [...header.children]) if (child !== title) child.hidden = true;
    if (live) { live.hidden = false; header.append(live); }
    header.classList.add('embed-header');
  }
  for (const [name, selectors] of Object.entries(PARTS[figure])) {
    if (controls && !controls.includes(name)) for (const s of selectors) for (const x of el.querySelectorAll(s)) x.hidden = true;
  }
  // The paper button's row goes if the button does.
  const paper = el.querySelector('#fashion-paper');
  if (paper && paper.hidden) paper.parentElement.hidden = true;
  const notices = document.createElement('div');
  notices.className = 'notices';
  notices.id = `${prefix}-notices`;
  notices.setAttribute('role', 'status');
  notices.hidden = true;
  el.prepend(notices);
}

/**
 * Mounts `figure` ('fashion' | 'ohl') into `container` (an element or a shadow root) from `hash`.
 *   writeHash(h)  called with the canonical hash whenever the state changes (debounced)
 *   linkBase()    the URL a copied link starts from
 *   deferPlay     true: the link's play=1 (and, for ohl, its epoch) wait for begin(), which
 *                 the caller calls when the figure nears the view; false: applied at once
 *   hook          an object the figure exposes its live state on (hook.fashion / hook.ohl)
 *   keyTarget     where Space/K, →/., R and F are listened for (figure-keys.js)
 *   lectureTarget what gets the `lecture` class when the link says lecture=1
 * The figure loads its data when it nears the view (the controllers' own lazy start).
 * Resolves to { controller, tools, link, figure, begin, destroy }.
 */
export async function mountLaterFigure(container, figure, hash, { writeHash = () => {}, linkBase = () => `${PAGE.href}`, deferPlay = false, hook = {}, keyTarget = null, lectureTarget = null } = {}) {
  const dir = typeof WebAssembly === 'object' ? chooseBuild() : 'pkg-scalar';
  const early = laterControlsFromHash(figure, hash);
  const el = await section(figure);
  trim(el, figure, early);
  container.append(el);
  const link = await linkParser(dir).parse(hash);
  const prefix = figure === 'fashion' ? 'fashion' : 'ohl';
  showLinkNotices(el.querySelector(`#${prefix}-notices`), link);
  hook.link = link;
  hook.notices = link.notices.map((n) => `${n.key}: ${n.message}`);
  hook.warnings = link.warnings.slice();
  const controls = link.controls || early;
  const state = figure === 'fashion' ? fashionState(link) : ohlState(link);
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  // prefers-reduced-motion: a link never starts the animation by itself (Play still works).
  const play = state.playing && !reduced;
  const epoch = state.epoch;
  state.playing = false;
  delete state.epoch;
  const mount = figure === 'fashion' ? mountFashion : mountOneHidden;
  const controller = mount(el, state, { dir, hook, autostart: true });
  const statusEl = el.querySelector(`#${prefix}-status`);
  const setStatus = (text) => { if (statusEl) statusEl.textContent = text; };
  const extra = () => ({ controls: link.controls, lecture: link.lecture });
  const tools = figureTools({ figure, controller, root: el, extra, linkBase, setStatus });
  const wantLink = !controls || controls.includes('link');
  const wantExport = !controls || controls.includes('export');
  if (wantLink || wantExport) {
    const card = el.querySelector(figure === 'fashion' ? '.f-side' : '.ohl-traces-card');
    const transport = card.querySelector('.transport');
    transport.after(tools.buildBar({ link: wantLink, exports: wantExport }));
  }
  hook.tools = tools;
  const cleanups = [];
  if (lectureTarget) lectureTarget.classList.toggle('lecture', !!link.lecture);
  if (keyTarget) {
    const toggle = () => { if (controller.getState().playing) controller.pause(); else controller.play(); };
    const fullscreen = () => toggleFullscreen(el, (m) => setStatus(`Fullscreen refused: ${m}`));
    const onKey = figureKeyHandler({ toggle, step: () => controller.step(), reset: () => controller.reset(), fullscreen });
    keyTarget.addEventListener('keydown', onKey);
    cleanups.push(() => keyTarget.removeEventListener('keydown', onKey));
  }
  let timer = null;
  const sync = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { const h = tools.hash(); hook.hash = h; writeHash(h); }, 200);
  };
  controller.onChange(sync);
  sync();
  let begun = false;
  const begin = () => {
    if (begun) return;
    begun = true;
    if (figure === 'ohl') applyOhlState(controller, { epoch, playing: play });
    else if (play) controller.play();
  };
  if (!deferPlay) begin();
  const destroy = () => {
    clearTimeout(timer);
    for (const f of cleanups.splice(0)) f();
    controller.destroy();
  };
  return { controller, tools, link, figure, begin, destroy };
}
