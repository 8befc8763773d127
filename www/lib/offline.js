// Registers the page's service worker (www/sw.js) where browsers allow it: https, or
// localhost / 127.0.0.1 / [::1] over http; then tells it which files this visit already
// fetched (before the worker controlled the page), so it caches those too: the wasm build this
// browser runs and whatever else the page loaded, never the build it does not run. Pure
// module: navigator, location and the page's performance timeline are passed in.

import { chooseBuild } from './wasm-build.js';
import { errorText } from './status.js';

/** The `type` of the page's messages to its service worker (www/sw.js). */
export const SW_MESSAGE_TYPE = 'sgd-escape-sw';

/**
 * Whether a page at `location` may register a service worker.
 * @param {{ protocol: string, hostname: string } | null | undefined} location
 * @returns {boolean}
 */
export function offlineAllowed(location) {
  if (!location) return false;
  if (location.protocol === 'https:') return true;
  return location.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]', '::1'].includes(location.hostname);
}

/**
 * The same-origin URLs this visit has used, for the worker to keep: the page itself (without
 * its hash), every resource in `entries` (the performance timeline's resource entries), and
 * the glue and binary of the wasm build `build` (the figures' workers load it; their own
 * fetches are not in the page's timeline).
 * @param {{ href: string, origin: string }} location
 * @param {{ name: string }[]} entries
 * @param {string} build 'pkg' or 'pkg-scalar'
 */
export function usedUrls(location, entries, build) {
  const page = location.href.split('#')[0];
  const urls = new Set([page]);
  for (const e of entries) {
    try {
      const u = new URL(e.name, page);
      if (u.origin === location.origin) urls.add(u.href.split('#')[0]);
    } catch {
      // not a URL: skip it
    }
  }
  for (const f of ['sgd_escape.js', 'sgd_escape_bg.wasm']) urls.add(new URL(`${build}/${f}`, page).href);
  return [...urls];
}

/**
 * Registers `sw.js` (relative to the page, scope the page's folder) when allowed; resolves to
 * the registration, or null when not allowed or not supported. Once a worker is active it is
 * sent the URLs this visit used (`usedUrls`: message `{ type: SW_MESSAGE_TYPE, command:
 * 'keep', urls }`). Never throws: offline support is an extra, its failure is a console warning.
 * @param {Navigator | null | undefined} navigator
 * @param {{ href: string, origin: string, protocol: string, hostname: string }} location
 * @param {{ url?: string, warn?: (...a: any[]) => void, entries?: () => { name: string }[], build?: () => string }} [o]
 * @returns {Promise<ServiceWorkerRegistration | null>}
 */
export async function registerOffline(navigator, location, {
  url = 'sw.js',
  warn = (/** @type {any[]} */ ...a) => console.warn(...a),
  entries = () => (typeof performance === 'object' ? performance.getEntriesByType('resource') : []),
  build = chooseBuild,
} = {}) {
  if (!navigator || !('serviceWorker' in navigator) || !offlineAllowed(location)) return null;
  try {
    const registration = await navigator.serviceWorker.register(url, { scope: './' });
    // Not awaited: `ready` waits for the first install, which the page need not wait for.
    Promise.resolve(navigator.serviceWorker.ready).then((ready) => {
      const active = ready && ready.active;
      if (active) active.postMessage({ type: SW_MESSAGE_TYPE, command: 'keep', urls: usedUrls(location, entries(), build()) });
    }).catch((e) => warn(`sgd-escape: offline cache incomplete: ${errorText(e)}`));
    return registration;
  } catch (e) {
    warn(`sgd-escape: offline support unavailable: ${errorText(e)}`);
    return null;
  }
}
