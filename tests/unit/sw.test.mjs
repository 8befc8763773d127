// Unit tests of the service worker www/sw.js and its registration (www/lib/offline.js): the
// real worker script runs in a node vm context with in-memory caches and a switchable network;
// install precaches the build's files, activate drops other builds' caches, and fetches are
// answered from the cache when offline. (The browser test goes offline in headless Chromium.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { offlineAllowed, registerOffline } from '../../www/lib/offline.js';

const SW_SOURCE = readFileSync(new URL('../../www/sw.js', import.meta.url), 'utf8');
const SCOPE = 'https://example.test/sgd/';

/** In-memory CacheStorage keyed by absolute URL. */
function fakeCaches() {
  const stores = new Map();
  const abs = (k) => new URL(typeof k === 'string' ? k : k.url, SCOPE).href;
  const strip = (u) => u.split('?')[0];
  const open = async (name) => {
    if (!stores.has(name)) stores.set(name, new Map());
    const store = stores.get(name);
    return {
      async put(key, response) { store.set(abs(key), response); },
      async match(key, opts = {}) {
        const k = abs(key);
        for (const [u, r] of store) if (u === k || (opts.ignoreSearch && strip(u) === strip(k))) return r;
        return undefined;
      },
      async addAll(requests) {
        for (const r of requests) {
          const response = await globalFetch(r);
          if (!response.ok) throw new Error(`addAll: ${r.url} ${response.status}`);
          store.set(abs(r), response);
        }
      },
    };
  };
  let globalFetch = null;
  return {
    stores,
    setFetch(f) { globalFetch = f; },
    api: { open, keys: async () => [...stores.keys()], delete: async (n) => stores.delete(n) },
  };
}

/** A network serving `files` (path -> body) under SCOPE, switchable off. */
function fakeNetwork(files) {
  const net = { online: true, requests: 0 };
  net.fetch = async (req) => {
    const url = new URL(typeof req === 'string' ? req : req.url, SCOPE);
    net.requests++;
    if (!net.online) throw new TypeError('Failed to fetch');
    const path = url.pathname.slice(new URL(SCOPE).pathname.length) || 'index.html';
    const body = files[path];
    return body === undefined
      ? { ok: false, status: 404, type: 'basic', body: '', clone() { return this; } }
      : { ok: true, status: 200, type: 'basic', body, clone() { return this; } };
  };
  return net;
}

/** Loads sw.js into a fresh context; returns its event dispatcher. */
function loadWorker({ build, caches, net }) {
  const handlers = {};
  const self = {
    registration: { scope: SCOPE },
    location: { href: `${SCOPE}sw.js` },
    addEventListener: (type, f) => { handlers[type] = f; },
    skipWaiting: async () => {},
    clients: { claim: async () => {} },
    importScripts: (path) => {
      assert.equal(path, './build-id.js');
      if (!build) throw new Error('404');
      self.SGD_ESCAPE_BUILD = build;
    },
  };
  const context = vm.createContext({
    self, caches: caches.api, fetch: net.fetch, URL,
    Request: class { constructor(url, init) { this.url = new URL(url, SCOPE).href; this.method = 'GET'; this.init = init; } },
    console,
  });
  vm.runInContext(SW_SOURCE, context);
  const dispatch = async (type, extra = {}) => {
    let waited = null;
    let responded = null;
    handlers[type]({ ...extra, waitUntil: (p) => { waited = p; }, respondWith: (p) => { responded = p; } });
    if (waited) await waited;
    return responded ? await responded : undefined;
  };
  return { dispatch };
}

const FILES = { 'index.html': '<html>v1', 'main.js': 'js v1', 'pkg/sgd_escape_bg.wasm': 'wasm v1', 'pkg-scalar/sgd_escape_bg.wasm': 'scalar v1', 'data/x.gz': 'data' };
const get = (path) => ({ request: { method: 'GET', url: new URL(path, SCOPE).href } });

test('after install the whole build is served offline, root and query strings included', async () => {
  const caches = fakeCaches();
  const net = fakeNetwork(FILES);
  caches.setFetch(net.fetch);
  const sw = loadWorker({ build: { id: 'b1', files: Object.keys(FILES) }, caches, net });
  await sw.dispatch('install');
  await sw.dispatch('activate');
  assert.deepEqual([...caches.stores.keys()], ['sgd-escape-b1']);
  net.online = false;
  for (const [path, body] of Object.entries(FILES)) {
    assert.equal((await sw.dispatch('fetch', get(path))).body, body, path);
  }
  assert.equal((await sw.dispatch('fetch', get(''))).body, '<html>v1');
  assert.equal((await sw.dispatch('fetch', get('index.html?x=1#figure=toy'))).body, '<html>v1');
  await assert.rejects(sw.dispatch('fetch', get('not-cached.js')), /Failed to fetch/);
});

test('a rebuild gets a new cache and the old one is deleted', async () => {
  const caches = fakeCaches();
  const net = fakeNetwork(FILES);
  caches.setFetch(net.fetch);
  const v1 = loadWorker({ build: { id: 'b1', files: Object.keys(FILES) }, caches, net });
  await v1.dispatch('install');
  await v1.dispatch('activate');
  caches.stores.set('unrelated-app-cache', new Map());
  const files2 = { ...FILES, 'main.js': 'js v2' };
  const net2 = fakeNetwork(files2);
  caches.setFetch(net2.fetch);
  const v2 = loadWorker({ build: { id: 'b2', files: Object.keys(files2) }, caches, net: net2 });
  await v2.dispatch('install');
  await v2.dispatch('activate');
  assert.deepEqual([...caches.stores.keys()].sort(), ['sgd-escape-b2', 'unrelated-app-cache']);
  net2.online = false;
  assert.equal((await v2.dispatch('fetch', get('main.js'))).body, 'js v2');
});

test('without build-id.js the worker installs nothing and answers nothing', async () => {
  const caches = fakeCaches();
  const net = fakeNetwork(FILES);
  caches.setFetch(net.fetch);
  const sw = loadWorker({ build: null, caches, net });
  await assert.rejects(sw.dispatch('install'), /no build-id/);
  assert.equal(await sw.dispatch('fetch', get('index.html')), undefined);
});

test('cross-origin and non-GET requests are left to the network', async () => {
  const caches = fakeCaches();
  const net = fakeNetwork(FILES);
  caches.setFetch(net.fetch);
  const sw = loadWorker({ build: { id: 'b1', files: ['index.html'] }, caches, net });
  await sw.dispatch('install');
  assert.equal(await sw.dispatch('fetch', { request: { method: 'GET', url: 'https://cdn.example/x.js' } }), undefined);
  assert.equal(await sw.dispatch('fetch', { request: { method: 'POST', url: `${SCOPE}index.html` } }), undefined);
  assert.equal(await sw.dispatch('fetch', { request: { method: 'GET', url: 'https://example.test/other/index.html' } }), undefined);
});

test('registration only on https or localhost, never throwing', async () => {
  assert.equal(offlineAllowed({ protocol: 'https:', hostname: 'x.org' }), true);
  assert.equal(offlineAllowed({ protocol: 'http:', hostname: 'localhost' }), true);
  assert.equal(offlineAllowed({ protocol: 'http:', hostname: '127.0.0.1' }), true);
  assert.equal(offlineAllowed({ protocol: 'http:', hostname: 'example.org' }), false);
  assert.equal(offlineAllowed({ protocol: 'file:', hostname: '' }), false);
  const registered = [];
  const nav = { serviceWorker: { register: async (url, opts) => { registered.push([url, opts]); return 'reg'; } } };
  assert.equal(await registerOffline(nav, { protocol: 'http:', hostname: 'example.org' }), null);
  assert.equal(await registerOffline(nav, { protocol: 'https:', hostname: 'x.org' }), 'reg');
  assert.deepEqual(registered, [['sw.js', { scope: './' }]]);
  assert.equal(await registerOffline({}, { protocol: 'https:', hostname: 'x.org' }), null);
  const warnings = [];
  const failing = { serviceWorker: { register: async () => { throw new Error('denied'); } } };
  assert.equal(await registerOffline(failing, { protocol: 'https:', hostname: 'x.org' }, { warn: (m) => warnings.push(m) }), null);
  assert.match(warnings[0], /denied/);
});
