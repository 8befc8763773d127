// The page's service worker: after one visit the page, both wasm builds and the data work
// without a network. Served from localhost or https only (the registration checks).
//
// Versioned by the build: build.sh writes build-id.js (`self.SGD_ESCAPE_BUILD = { id, files }`,
// the build's id and every file of the page). A rebuild changes that file, so the browser sees
// a new worker, which precaches the new build under a new cache name, takes over at once and
// deletes the old caches. Without build-id.js (a checkout that was never built) the worker
// installs nothing and stays out of the way.
//
// Requests: same-origin GETs of a file of the build are answered from the build's cache first
// (it is exactly that build), anything else from the network, with the cache as the fallback
// when offline.


const CACHE_PREFIX = 'sgd-escape-';
// The worker's global scope (ServiceWorkerGlobalScope; the page's type check knows only the
// DOM's Window).
const sw = /** @type {any} */ (self);

try {
  sw.importScripts('./build-id.js');
} catch (e) {
  // Not built: no manifest, nothing to precache (install below then fails harmlessly).
}

const build = sw.SGD_ESCAPE_BUILD && typeof sw.SGD_ESCAPE_BUILD.id === 'string' ? sw.SGD_ESCAPE_BUILD : null;
const CACHE = build ? `${CACHE_PREFIX}${build.id}` : null;

/** The scope-relative path of a same-origin URL ('' for the scope root), or null. */
function scopePath(url) {
  const scope = new URL(sw.registration ? sw.registration.scope : sw.location.href);
  const u = new URL(url, scope);
  if (u.origin !== scope.origin || !u.pathname.startsWith(scope.pathname)) return null;
  return u.pathname.slice(scope.pathname.length);
}

sw.addEventListener('install', (/** @type {any} */ event) => {
  event.waitUntil((async () => {
    if (!build) throw new Error('sgd-escape: no build-id.js; nothing to cache');
    const cache = await caches.open(CACHE);
    // `reload`: fetch past the HTTP cache, so the cache holds exactly this build's files.
    await cache.addAll(build.files.map((f) => new Request(f, { cache: 'reload' })));
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

sw.addEventListener('fetch', (/** @type {any} */ event) => {
  const { request } = event;
  if (request.method !== 'GET' || !CACHE) return;
  const path = scopePath(request.url);
  if (path === null) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // The page's root is index.html; query strings and hashes never select another file.
    const key = path === '' ? 'index.html' : path;
    const hit = await cache.match(key, { ignoreSearch: true });
    if (hit) return hit;
    try {
      const response = await fetch(request);
      if (response.ok && response.type === 'basic') await cache.put(key, response.clone());
      return response;
    } catch (e) {
      const fallback = await cache.match(key, { ignoreSearch: true });
      if (fallback) return fallback;
      throw e;
    }
  })());
});
