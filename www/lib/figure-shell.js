// The mount of a figure built on a controller that takes a state (FashionMNIST, one hidden
// layer; their figure.js): the markup from the figure's view, the link read by Rust's parser and
// turned into the controller's state, its notices, the link and export bar, the keys, lecture
// mode, and the figure interface of www/figures/registry.js on top. One shell for both figures,
// so neither knows whether it is on the page, in an iframe or in a custom element.

import { chooseBuild } from './wasm-build.js';
import { listedControls, linkParser, showLinkNotices } from './link.js';
import { figureTools } from './tools.js';
import { figureKeyHandler, toggleFullscreen } from './keys.js';

/**
 * Trims a figure's section for an embed: keeps the header's title and its live numbers
 * (`#LIVEID`), hides the prose, and hides the parts (selectors by control name) not listed in
 * `controls` (null: all listed).
 * @param {HTMLElement} el
 * @param {string} liveId
 * @param {Record<string, string[]>} parts
 * @param {string[] | null} controls
 */
export function trimForEmbed(el, liveId, parts, controls) {
  const header = el.querySelector('header.experiment-intro');
  const live = /** @type {HTMLElement | null} */ (el.querySelector(`#${liveId}`));
  if (header) {
    const title = header.querySelector('h2');
    for (const child of [...header.children]) if (child !== title) /** @type {HTMLElement} */ (child).hidden = true;
    if (live) { live.hidden = false; header.append(live); }
    header.classList.add('embed-header');
  }
  for (const [name, selectors] of Object.entries(parts)) {
    if (controls && !controls.includes(name)) for (const s of selectors) for (const x of el.querySelectorAll(s)) /** @type {HTMLElement} */ (x).hidden = true;
  }
}

// ------------------------------------------------------------------ pieces every controller uses

/**
 * The listeners of a controller's state: `on(fn)` returns an unsubscribe; `emit(get)` calls each
 * with get() (computed once, only if someone listens); a throwing listener is logged, not fatal.
 * @template T
 * @returns {{ on: (fn: (s: T) => void) => () => void, emit: (get: () => T) => void, clear: () => void }}
 */
export function emitter() {
  /** @type {Set<(s: T) => void>} */
  const fns = new Set();
  return {
    on(fn) { fns.add(fn); return () => { fns.delete(fn); }; },
    emit(get) {
      if (!fns.size) return;
      const s = get();
      for (const fn of fns) {
        try { fn(s); } catch (e) { console.error(e); }
      }
    },
    clear() { fns.clear(); },
  };
}

/**
 * What a mounted controller undoes on destroy: `listen(el, type, fn)` adds a listener (and its
 * removal), `add(fn)` any other cleanup, `run()` undoes everything once.
 */
export function cleanups() {
  /** @type {(() => void)[]} */
  const fns = [];
  return {
    /** @param {EventTarget} el @param {string} type @param {(e: any) => void} fn */
    listen(el, type, fn) {
      el.addEventListener(type, fn);
      fns.push(() => el.removeEventListener(type, fn));
    },
    /** @param {() => void} fn */
    add(fn) { fns.push(fn); },
    run() { for (const f of fns.splice(0)) f(); },
  };
}

/**
 * One call of `draw` per animation frame however often `request()` is called, until `stop()`.
 * @param {() => void} draw
 */
export function frameScheduler(draw) {
  let pending = false;
  let stopped = false;
  return {
    request() {
      if (pending || stopped) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; if (!stopped) draw(); });
    },
    stop() { stopped = true; },
  };
}

/**
 * Calls `fn` once, when `root` (its host, for a shadow root) comes within 200 px of the viewport:
 * the figures load their data and wasm lazily. Returns the disconnect.
 * @param {Node} root
 * @param {() => void} fn
 */
export function whenNearView(root, fn) {
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { io.disconnect(); fn(); }
  }, { rootMargin: '200px 0px' });
  io.observe(/** @type {Element} */ (root instanceof ShadowRoot ? root.host : root));
  return () => io.disconnect();
}

/**
 * Calls `fn` whenever one of `elements` changes size. Returns the disconnect.
 * @param {Element[]} elements
 * @param {() => void} fn
 */
export function whenResized(elements, fn) {
  const ro = new ResizeObserver(() => fn());
  for (const el of elements) ro.observe(el);
  return () => ro.disconnect();
}

/**
 * The "New seed" button: a seed from the operating system (`freshSeed`), applied with `apply`
 * (the figure starts over with it, and its link records it), then said in the status line.
 * @param {HTMLElement | null} button
 * @param {(() => Promise<number>) | null} freshSeed
 * @param {(seed: number) => void} apply
 * @param {{ setStatus: (text: string, kind?: string) => void, reportError: (context: string, message: string) => void }} status
 * @param {ReturnType<typeof cleanups>} bag
 */
export function wireNewSeed(button, freshSeed, apply, status, bag) {
  if (!button || !freshSeed) return;
  bag.listen(button, 'click', () => freshSeed().then((seed) => {
    apply(seed);
    status.setStatus(`New seed: ${seed}.`, 'ok');
  }).catch((e) => status.reportError('New seed', e.message || String(e))));
}

/**
 * @typedef {object} ControllerSpec
 * @property {string} figure          the figure's id
 * @property {string} prefix          of its element ids (`fashion`, `ohl`)
 * @property {string[]} controls      the parts an embed may list
 * @property {(p: { full: boolean, controls: string[] | null }) => HTMLElement} build  the markup
 * @property {(el: HTMLElement, state: any, o: { dir: string, autostart: boolean, freshSeed: () => Promise<number> }) => any} mountController
 *                                    returns a controller: play, pause, step, reset, getState,
 *                                    setState, onChange, exportCurves, layout, destroy, and
 *                                    readout() (its live numbers, added to the figure's getState)
 * @property {(link: any) => Record<string, any>} stateFromLink
 * @property {(state: any, extra: { controls?: string[] | null, lecture?: boolean }) => string} hashOf
 * @property {(state: any) => string} base   the start of the export files' names
 * @property {(controller: any, state: Record<string, any>) => void} apply  a link's state to a
 *                                    running controller (after `begin`, with its playing)
 * @property {string[]} canvasIds     what the PNG export composes
 * @property {string} card            the selector of the card holding the transport
 */

/**
 * Mounts a controller figure in `root` (see registry.js for the options).
 * @param {HTMLElement} root
 * @param {import('../figures/registry.js').MountOptions} options
 * @param {ControllerSpec} spec
 * @returns {Promise<import('../figures/registry.js').Figure>}
 */
export async function mountControllerFigure(root, options, spec) {
  const opts = { hash: '', full: false, linkBase: () => location.href.split('#')[0], keyTarget: null, lectureTarget: null, fullscreenTarget: null, start: true, footer: null, ...options };
  const dir = chooseBuild();
  const early = opts.full ? null : listedControls(opts.hash, spec.controls);
  const el = spec.build({ full: !!opts.full, controls: early });
  const card = /** @type {HTMLElement} */ (el.querySelector(spec.card));
  const notices = document.createElement('div');
  notices.className = 'notices';
  notices.id = `${spec.prefix}-notices`;
  notices.setAttribute('role', 'status');
  notices.hidden = true;
  card.prepend(notices);
  if (opts.footer) el.append(opts.footer);
  if (!opts.full) root.classList.add('embed-later');
  root.replaceChildren(el);
  /** @type {any} */
  let link = await linkParser(dir).parse(opts.hash || '');
  showLinkNotices(notices, link);
  const info = { link, notices: linkNotices(link), warnings: link.warnings.slice(), hash: '' };
  const controls = opts.full ? null : (link.controls || early);
  const state = spec.stateFromLink(link);
  // prefers-reduced-motion: a link never starts the animation by itself (Play still works).
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  /** @type {Record<string, any>} */
  let pending = { ...state, playing: state.playing && !reduced };
  const freshSeed = () => linkParser(dir).freshSeed();
  const controller = spec.mountController(el, { ...state, playing: false, epoch: undefined }, { dir, autostart: true, freshSeed });
  /** @returns {Record<string, any>} the controller's live numbers (phase, iteration, records...) */
  const live = () => controller.readout();
  const statusEl = el.querySelector(`#${spec.prefix}-status`);
  const setStatus = (/** @type {string} */ text) => { if (statusEl) statusEl.textContent = text; };
  const extra = () => ({ controls: opts.full ? null : link.controls, lecture: link.lecture });
  const hash = () => spec.hashOf(controller.getState(), extra());
  const tools = figureTools({ figure: spec.figure, prefix: spec.prefix, controller, root: el, canvasIds: spec.canvasIds, hash, base: () => spec.base(controller.getState()), linkBase: opts.linkBase, setStatus });
  const wantLink = !controls || controls.includes('link');
  const wantExport = !controls || controls.includes('export');
  if (wantLink || wantExport) card.querySelector('.transport')?.after(tools.buildBar({ link: wantLink, exports: wantExport }));
  /** @type {(() => void)[]} */
  const cleanups = [];
  const setLecture = (/** @type {boolean} */ on) => (opts.lectureTarget || root).classList.toggle('lecture', on);
  if (!opts.full || link.lecture) setLecture(!!link.lecture);
  const keyTarget = opts.keyTarget;
  if (keyTarget) {
    const toggle = () => { if (controller.getState().playing) controller.pause(); else controller.play(); };
    const fullscreen = () => toggleFullscreen(opts.fullscreenTarget || el, (m) => setStatus(`Fullscreen refused: ${m}`));
    const onKey = figureKeyHandler({ toggle, step: () => controller.step(), reset: () => controller.reset(), fullscreen });
    keyTarget.addEventListener('keydown', onKey);
    cleanups.push(() => keyTarget.removeEventListener('keydown', onKey));
  }
  /** @type {Set<(state: any) => void>} */
  const listeners = new Set();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  // The hash follows the state, debounced (a running figure changes state many times a second).
  const sync = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      info.hash = hash();
      const s = getState();
      for (const fn of listeners) fn(s);
    }, 200);
  };
  controller.onChange(sync);
  sync();
  let begun = false;
  /** Applies the link's play (and epoch): at once, or when an element nears the view. */
  function start() {
    if (begun) return;
    begun = true;
    const p = pending;
    pending = {};
    spec.apply(controller, p);
  }
  if (opts.start) start();

  /** @param {any} l */
  function linkNotices(l) {
    return l.notices.map((/** @type {{ key: string, message: string }} */ n) => `${n.key}: ${n.message}`);
  }

  function getState() {
    const readout = live();
    return { ...readout, ...controller.getState(), figure: spec.figure, hash: info.hash, link: info.link, notices: info.notices, warnings: info.warnings, errors: (readout.errors || []).slice(), copiedLink: tools.copiedLink };
  }

  /** @param {Record<string, any>} partial */
  function setState(partial = {}) {
    if (typeof partial.hash !== 'string') { controller.setState(partial); return; }
    linkParser(dir).parse(partial.hash).then((l) => {
      link = l;
      info.link = l;
      info.notices = linkNotices(l);
      info.warnings = l.warnings.slice();
      showLinkNotices(notices, l);
      spec.apply(controller, spec.stateFromLink(l));
      sync();
    }).catch((e) => console.error(`[sgd-escape] link: ${e.message || e}`));
  }

  return {
    play: () => controller.play(),
    pause: () => controller.pause(),
    step: () => controller.step(),
    reset: () => controller.reset(),
    getState,
    setState,
    onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    export: (kind) => tools.exportAs(kind),
    start,
    destroy() {
      clearTimeout(timer);
      for (const f of cleanups.splice(0)) f();
      listeners.clear();
      controller.destroy();
    },
  };
}
