// The page's service worker: after one visit the page, the wasm build it ran and the data it
// loaded work without a network. Served from localhost or https only (the registration checks).
//
// Versioned by the build: build.sh writes build-id.js (`self.SGD_ESCAPE_BUILD = { id, shell,
// lazy }`: the build's id, the page's shell and the files it loads only on demand). A rebuild
// changes that file, so the browser sees a new worker, which caches the new build under a new
// cache name, takes over at once and deletes the old caches. Without build-id.js (a checkout
// that was never built) the worker installs nothing and stays out of the way.
//
// What is downloaded, and when (a first visit fetches nothing the page does not use):
// - install precaches only the shell: the pages, styles, JS modules and the schema (small);
// - a `lazy` file (a wasm build's glue and binary, a data file) is cached the first time the
//   page fetches it through this worker, and served from the cache after that. Only the build
//   the browser runs is ever fetched, so only it is cached;
// - the page also names what it fetched before this worker controlled it (the wasm build its
//   first workers loaded, the data already read): message `{ type: 'sgd-escape-sw', command:
//   'keep', urls }` (www/lib/offline.js). Files of the build among them are cached (with a
//   conditional request: a host that answers it sends a 304 for what the page just loaded);
//   other URLs are ignored.
// Requests: same-origin GETs of a file of the build are answered cache-first (the cache holds
// exactly that build); anything else goes to the network untouched.

const CACHE_PREFIX = 'sgd-escape-';
/** The `type` of the page's messages to this worker. */
const MESSAGE_TYPE = 'sgd-escape-sw';
/** Most URLs one `keep` message may name. */
const MAX_KEEP = 512;
// The worker's global scope (ServiceWorkerGlobalScope; the page's type check knows only the
// DOM's Window).
const sw = /** @type {any} */ (self);

try {
  sw.importScripts('./build-id.js');
} catch (e) {
  // Not built: no manifest, nothing to cache (install below then fails harmlessly).
}

const manifest = sw.SGD_ESCAPE_BUILD;
/** @type {{ id: string, shell: string[], lazy: string[] } | null} the build's files (build-id.js) */
const build = manifest && typeof manifest.id === 'string' && Array.isArray(manifest.shell) && Array.isArray(manifest.lazy) ? manifest : null;
const CACHE = build ? `${CACHE_PREFIX}${build.id}` : null;
/** Every file of the build, shell or lazy (scope-relative paths). */
const FILES = new Set(build ? [...build.shell, ...build.lazy] : []);

/**
 * The scope-relative path of a same-origin URL ('' for the scope root), or null.
 * @param {string} url
 * @returns {string | null}
 */
function scopePath(url) {
  const scope = new URL(sw.registration ? sw.registration.scope : sw.location.href);
  const u = new URL(url, scope);
  if (u.origin !== scope.origin || !u.pathname.startsWith(scope.pathname)) return null;
  return u.pathname.slice(scope.pathname.length);
}

/**
 * This build's cache, or null once a newer build's worker has deleted it: a worker that lingers
 * (answering a last request of a page it no longer controls) must not create it again.
 * @returns {Promise<Cache | null>}
 */
async function buildCache() {
  if (CACHE === null) return null; // not built: no cache of this build
  return (await caches.has(CACHE)) ? caches.open(CACHE) : null;
}

/**
 * The cache key of a request's path: the build file it names (the root is index.html), or null.
 * @param {string | null} path
 * @returns {string | null}
 */
function buildFile(path) {
  if (path === null) return null;
  const key = path === '' ? 'index.html' : path;
  return FILES.has(key) ? key : null;
}

/**
 * Caches one file of the build from the network unless it is cached already. `no-cache`
 * revalidates what the HTTP cache holds: never a stale copy from an older build, and no second
 * download of a file the page just loaded from a host that answers conditional requests.
 * @param {Cache} cache
 * @param {string} key
 */
async function keep(cache, key) {
  if (await cache.match(key, { ignoreSearch: true })) return;
  const response = await fetch(new Request(key, { cache: 'no-cache' }));
  if (response.ok) await cache.put(key, response);
}

sw.addEventListener('install', (/** @type {any} */ event) => {
  event.waitUntil((async () => {
    if (!build || CACHE === null) throw new Error('sgd-escape: no build-id.js; nothing to cache');
    const cache = await caches.open(CACHE);
    await cache.addAll(build.shell.map((f) => new Request(f, { cache: 'no-cache' })));
    await sw.skipWaiting();
  })());
});

sw.addEventListener('activate', (/** @type {any} */ event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
    await sw.clients.claim();
  })());
});

sw.addEventListener('message', (/** @type {any} */ event) => {
  const data = event.data;
  if (!CACHE || !data || data.type !== MESSAGE_TYPE || data.command !== 'keep' || !Array.isArray(data.urls)) return;
  /** @type {Set<string>} */
  const keys = new Set();
  for (const url of data.urls.slice(0, MAX_KEEP)) {
    if (typeof url !== 'string') continue;
    let key;
    try {
      key = buildFile(scopePath(url));
    } catch {
      key = null; // not a URL
    }
    if (key) keys.add(key);
  }
  event.waitUntil((async () => {
    const cache = await buildCache();
    if (!cache) return;
    // One failed file (offline already, a 404) does not stop the others.
    await Promise.allSettled([...keys].map((k) => keep(cache, k)));
    if (event.source && typeof event.source.postMessage === 'function') {
      event.source.postMessage({ type: MESSAGE_TYPE, event: 'kept', urls: [...keys] });
    }
  })());
});

sw.addEventListener('fetch', (/** @type {any} */ event) => {
  const { request } = event;
  if (request.method !== 'GET' || !CACHE) return;
  const key = buildFile(scopePath(request.url));
  if (key === null) return;
  event.respondWith((async () => {
    const cache = await buildCache();
    if (!cache) return fetch(request);
    // Query strings and hashes never select another file.
    const hit = await cache.match(key, { ignoreSearch: true });
    if (hit) return hit;
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') await cache.put(key, response.clone());
    return response;
  })());
});
