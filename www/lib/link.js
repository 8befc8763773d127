// Links (the URL hash) of every figure, on the JS side: which figure a hash names, the hash's
// encoding, the controls it lists before wasm has parsed it, parsing with Rust's parsePermalink
// in a worker, and showing a parsed link's notices. The keys, ranges and defaults are the
// schema's (src/schema/, read through lib/schema.js); each figure's model turns a parsed link
// into its state and its state into the canonical hash.

import { startWorker } from './worker-pool.js';
import { figureNamed } from './schema.js';

/**
 * A figure name (a link's `figure=`, an element's `figure` attribute, or an alias such as `ohl`)
 * as a figure id; `toy` for anything unknown (Rust's parser then says so in a notice).
 * @param {string | null | undefined} name
 * @returns {string}
 */
export function figureId(name) {
  return figureNamed(String(name || '').trim()) || 'toy';
}

/**
 * The figure a hash names (`toy` if none), without parsing the rest.
 * @param {string} hash
 * @returns {string} a figure id
 */
export function figureOf(hash) {
  const m = /(?:^#?|&)figure=([a-z_-]+)(?:&|$)/.exec(hash || '');
  return figureId(m ? m[1] : 'toy');
}

/**
 * `#k=v&...` from [key, value] pairs (null and undefined values left out), values
 * percent-encoded with commas kept readable.
 * @param {[string, unknown][]} pairs
 * @returns {string}
 */
export function encodeHash(pairs) {
  return `#${pairs.filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => `${k}=${encodeURIComponent(String(v)).replace(/%2C/g, ',')}`).join('&')}`;
}

/**
 * The controls a hash lists (`controls=`), known names only, before wasm has parsed it (Rust's
 * parser reports the others as a notice); null when the key is absent or cannot be decoded.
 * @param {string} hash
 * @param {string[]} names the figure's control names
 * @returns {string[] | null}
 */
export function listedControls(hash, names) {
  const m = /(?:^#?|&)controls=([^&]*)/.exec(hash || '');
  if (!m) return null;
  let text;
  try { text = decodeURIComponent(m[1]); } catch { return null; }
  return text.split(',').map((s) => s.trim()).filter((s) => names.includes(s));
}

/**
 * Parses hashes with Rust's parsePermalink in a worker (the 2-D figure's worker.js, which answers
 * `parseLink` without building a simulation), so no wasm runs on the main thread. One per page,
 * made on first use: `linkParser(dir).parse(hash)` resolves to the parsed link, `.presets` to the
 * preset list, `.freshSeed()` to a seed drawn from the OS (for "New seed").
 * @param {string} dir the wasm build
 * @returns {{ presets: Promise<any[]>, parse: (hash: string) => Promise<any>, freshSeed: () => Promise<number> }}
 */
export function linkParser(dir) {
  if (theParser) return theParser;
  const worker = startWorker(new URL('../figures/toy/worker.js', import.meta.url));
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
  const waiting = new Map();
  let next = 1;
  /** @type {Error | null} */
  let failed = null;
  /** @type {(v: any[]) => void} */
  let readyResolve = () => {};
  const ready = new Promise((resolve) => { readyResolve = resolve; });
  worker.addEventListener('message', (ev) => {
    const msg = ev.data;
    if (msg.type === 'ready') { readyResolve(msg.presets); return; }
    if (msg.type === 'fatal') {
      const err = new Error(msg.message);
      failed = err;
      readyResolve([]);
      for (const [, w] of waiting) w.reject(err);
      waiting.clear();
      return;
    }
    const w = waiting.get(msg.req);
    if (!w) return;
    waiting.delete(msg.req);
    if (msg.type === 'link') w.resolve(msg.link);
    else if (msg.type === 'seed') w.resolve(msg.seed);
    else w.reject(new Error(msg.message || 'the link could not be read'));
  });
  worker.postMessage({ type: 'init', dir });
  /** @param {Record<string, unknown>} msg @returns {Promise<any>} */
  const ask = (msg) => {
    if (failed) return Promise.reject(failed);
    const req = next++;
    return new Promise((resolve, reject) => {
      waiting.set(req, { resolve, reject });
      worker.postMessage({ ...msg, req });
    });
  };
  theParser = {
    presets: ready,
    parse: (hash) => ask({ type: 'parseLink', hash: String(hash || '') }),
    freshSeed: () => ask({ type: 'freshSeed' }),
  };
  return theParser;
}
/** @type {ReturnType<typeof linkParser> | null} */
let theParser = null;

/**
 * Shows a link's notices (bad values replaced by defaults) in `box`, as text; logs warnings.
 * @param {HTMLElement | null} box
 * @param {{ notices: { key: string, message: string }[], warnings: string[] }} link
 */
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

/**
 * The keys every figure's link ends with (the order of Rust's to_hash): `controls`, `lecture`.
 * @param {{ controls?: string[] | null, lecture?: boolean }} extra
 * @returns {[string, unknown][]}
 */
export function sharedPairs({ controls, lecture }) {
  /** @type {[string, unknown][]} */
  const out = [];
  if (controls) out.push(['controls', controls.join(',')]);
  if (lecture) out.push(['lecture', 1]);
  return out;
}
