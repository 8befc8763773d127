// Links of the two later figures (FashionMNIST, `figure=fashion`; one hidden layer, `figure=ohl`):
// the parsed link (Rust's parsePermalink, src/permalink/) as a controller state, and a
// controller's state as the canonical hash. The schema, its ranges and its defaults live in Rust;
// this module only renames keys between the link and the controllers (fashion.js, one-hidden.js).

// The parts an embed of each figure may show (copies of FASHION_CONTROLS and OHL_CONTROLS in
// src/permalink/later.rs, kept equal by a Rust test: the embed lays out before wasm loads).
export const FASHION_CONTROLS = ['settings', 'paper', 'spectrum', 'strip', 'link', 'export'];
export const OHL_CONTROLS = ['boundary', 'link', 'export'];

/** The figure a hash names (`toy` if none), without parsing the rest. */
export function figureOf(hash) {
  const m = /(?:^#?|&)figure=([a-z]+)(?:&|$)/.exec(hash || '');
  return m && (m[1] === 'fashion' || m[1] === 'ohl') ? m[1] : 'toy';
}

/** The controls a hash lists for a later figure (null: all), before wasm has parsed it. */
export function laterControlsFromHash(figure, hash) {
  const all = figure === 'fashion' ? FASHION_CONTROLS : OHL_CONTROLS;
  const m = /(?:^#?|&)controls=([^&]*)/.exec(hash || '');
  if (!m) return null;
  let text = '';
  try { text = decodeURIComponent(m[1]); } catch { return null; }
  return text.split(',').map((s) => s.trim()).filter((s) => all.includes(s));
}

/** A parsed link as the state mountFashion / setState takes. */
export function fashionState(link) {
  const f = link.fashion;
  const s = {
    methods: f.methods,
    seed: f.seed,
    target: f.iterations,
    logEvery: f.logEvery,
    maxRecords: f.maxRecords,
    fromScratch: f.fromScratch,
    hidden: link.hide,
    playing: link.play,
  };
  if (f.workers != null) s.threads = f.workers;
  if (f.spectrum != null) s.spectrumMethod = f.spectrum;
  return s;
}

/** A parsed link as the state mountOneHidden / setState takes. */
export function ohlState(link) {
  const o = link.ohl;
  return { seed: o.seed, epochs: o.epochs, samples: o.samples, lr: o.lr, epoch: o.epoch, playing: link.play };
}

/**
 * Applies an ohl state to its controller: the settings, then training to the link's epoch
 * (unpaced), then, if the link says play, playing on from there.
 */
export function applyOhlState(controller, state) {
  const { epoch, playing, ...config } = state;
  controller.setState({ ...config, playing: false });
  if (epoch) controller.setState({ epoch });
  if (!playing) return;
  if (!epoch) { controller.play(); return; }
  const off = controller.onChange((s) => {
    if (s.epoch >= epoch && !s.playing) { off(); controller.play(); }
  });
}

function encode(pairs) {
  return `#${pairs.filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => `${k}=${encodeURIComponent(String(v)).replace(/%2C/g, ',')}`).join('&')}`;
}

/** Keys every figure shares, appended after its own (the order of Rust's to_hash). */
function shared({ controls, lecture }) {
  const out = [];
  if (controls) out.push(['controls', controls.join(',')]);
  if (lecture) out.push(['lecture', 1]);
  return out;
}

/** The canonical hash of a FashionMNIST controller state (getState()). */
export function fashionHash(s, extra = {}) {
  const pairs = [
    ['figure', 'fashion'],
    ['methods', (s.methods || []).join(',')],
    ['seed', s.seed], ['iterations', s.target], ['logEvery', s.logEvery], ['maxRecords', s.maxRecords],
    ['workers', s.threads],
  ];
  if (s.fromScratch) pairs.push(['fromScratch', 1]);
  if (s.spectrumMethod) pairs.push(['spectrum', s.spectrumMethod]);
  pairs.push(['play', s.playing ? 1 : 0]);
  if (s.hidden && s.hidden.length) pairs.push(['hide', s.hidden.join(',')]);
  return encode([...pairs, ...shared(extra)]);
}

/** The canonical hash of a one-hidden-layer controller state (getState()). */
export function ohlHash(s, extra = {}) {
  const pairs = [
    ['figure', 'ohl'],
    ['seed', s.seed], ['epochs', s.epochs], ['samples', s.samples], ['lr', s.lr], ['epoch', s.epoch],
    ['play', s.playing ? 1 : 0],
  ];
  return encode([...pairs, ...shared(extra)]);
}

/**
 * Parses hashes with Rust's parsePermalink in a worker (worker.js, which answers `parseLink`
 * without building a simulation), so no wasm runs on the main thread. One per page, made on
 * first use: `parser(dir).parse(hash)` resolves to the parsed link, `.presets` to the preset list.
 */
let theParser = null;
export function linkParser(dir) {
  if (theParser) return theParser;
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const waiting = new Map();
  let next = 1;
  let failed = null;
  let readyResolve;
  const ready = new Promise((resolve) => { readyResolve = resolve; });
  worker.addEventListener('message', (ev) => {
    const msg = ev.data;
    if (msg.type === 'ready') { readyResolve(msg.presets); return; }
    if (msg.type === 'fatal') { failed = new Error(msg.message); readyResolve([]); for (const [, w] of waiting) w.reject(failed); waiting.clear(); return; }
    const w = waiting.get(msg.req);
    if (!w) return;
    waiting.delete(msg.req);
    if (msg.type === 'link') w.resolve(msg.link); else w.reject(new Error(msg.message || 'the link could not be read'));
  });
  worker.postMessage({ type: 'init', dir });
  theParser = {
    presets: ready,
    parse(hash) {
      if (failed) return Promise.reject(failed);
      const req = next++;
      return new Promise((resolve, reject) => {
        waiting.set(req, { resolve, reject });
        worker.postMessage({ type: 'parseLink', req, hash: String(hash || '') });
      });
    },
  };
  return theParser;
}

/** Shows a link's notices (bad values replaced by defaults) in `box`, as text; logs warnings. */
export function showLinkNotices(box, link) {
  for (const w of link.warnings) console.warn(`[sgd-escape] link: ${w}`);
  if (!box) return;
  box.replaceChildren();
  for (const n of link.notices) {
    const p = document.createElement('p');
    p.textContent = `Link: ${n.message}.`;
    box.append(p);
  }
  box.hidden = link.notices.length === 0;
}
