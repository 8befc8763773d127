// Unit tests of the service worker www/sw.js and its registration (www/lib/offline.js): the
// real worker script runs in a node vm context with in-memory caches and a switchable network;
// install precaches only the shell, a lazy file (a wasm build, data) is cached when first
// fetched or named by the page's `keep` message, activate drops other builds' caches, and
// fetches are answered from the cache when offline. (tests/e2e/offline.spec.mjs goes offline in
// headless Chromium.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { offlineAllowed, registerOffline, usedUrls, SW_MESSAGE_TYPE } from '../../www/lib/offline.js';

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
    api: { open, has: async (n) => stores.has(n), keys: async () => [...stores.keys()], delete: async (n) => stores.delete(n) },
  };
}

/** A network serving `files` (path -> body) under SCOPE, switchable off. */
function fakeNetwork(files) {
  const net = { online: true, requests: 0, paths: [] };
  net.fetch = async (req) => {
    const url = new URL(typeof req === 'string' ? req : req.url, SCOPE);
    net.requests++;
    net.paths.push(url.pathname.slice(new URL(SCOPE).pathname.length));
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
    const handler = handlers[type];
    assert.ok(handler, `no ${type} handler`);
    handler({ ...extra, waitUntil: (p) => { waited = p; }, respondWith: (p) => { responded = p; } });
    if (waited) await waited;
    return responded ? await responded : undefined;
  };
  return { dispatch };
}

const FILES = {
  'index.html': '<html>v1', 'embed.html': '<html>embed', 'main.js': 'js v1', 'lib/schema.json': '{}',
  'pkg/sgd_escape.js': 'glue', 'pkg/sgd_escape_bg.wasm': 'wasm v1',
  'pkg-scalar/sgd_escape.js': 'scalar glue', 'pkg-scalar/sgd_escape_bg.wasm': 'scalar v1', 'data/x.gz': 'data',
};
const SHELL = ['index.html', 'embed.html', 'main.js', 'lib/schema.json'];
const LAZY = Object.keys(FILES).filter((f) => !SHELL.includes(f));
const BUILD = { id: 'b1', shell: SHELL, lazy: LAZY };
const get = (path) => ({ request: { method: 'GET', url: new URL(path, SCOPE).href } });
const cached = (caches, name = 'sgd-escape-b1') => [...caches.stores.get(name).keys()].map((u) => u.slice(SCOPE.length)).sort();

/** A worker installed and activated on FILES, with its network and caches. */
async function installed(build = BUILD, files = FILES) {
  const caches = fakeCaches();
  const net = fakeNetwork(files);
  caches.setFetch(net.fetch);
  const sw = loadWorker({ build, caches, net });
  await sw.dispatch('install');
  await sw.dispatch('activate');
  return { caches, net, sw };
}

test('install precaches the shell only: no wasm build and no data are downloaded', async () => {
  const { caches, net } = await installed();
  assert.deepEqual([...caches.stores.keys()], ['sgd-escape-b1']);
  assert.deepEqual(cached(caches), [...SHELL].sort());
  assert.deepEqual(net.paths.sort(), [...SHELL].sort());
});

test('a lazy file is cached when the page first fetches it and served from the cache after; the other build never is', async () => {
  const { caches, net, sw } = await installed();
  assert.equal((await sw.dispatch('fetch', get('pkg/sgd_escape_bg.wasm'))).body, 'wasm v1');
  assert.equal((await sw.dispatch('fetch', get('pkg/sgd_escape.js?instance=2'))).body, 'glue');
  assert.equal((await sw.dispatch('fetch', get('data/x.gz'))).body, 'data');
  const before = net.requests;
  assert.equal((await sw.dispatch('fetch', get('pkg/sgd_escape_bg.wasm'))).body, 'wasm v1');
  assert.equal(net.requests, before, 'a cached file went to the network again');
  assert.ok(!net.paths.some((p) => p.startsWith('pkg-scalar/')), 'the unused build was fetched');
  assert.deepEqual(cached(caches), [...SHELL, 'data/x.gz', 'pkg/sgd_escape.js', 'pkg/sgd_escape_bg.wasm'].sort());
  net.online = false;
  for (const path of [...SHELL, 'pkg/sgd_escape.js', 'pkg/sgd_escape_bg.wasm', 'data/x.gz']) {
    assert.equal((await sw.dispatch('fetch', get(path))).body, FILES[path], path);
  }
  assert.equal((await sw.dispatch('fetch', get(''))).body, '<html>v1');
  assert.equal((await sw.dispatch('fetch', get('embed.html?x=1#figure=toy'))).body, '<html>embed');
  await assert.rejects(sw.dispatch('fetch', get('pkg-scalar/sgd_escape_bg.wasm')), /Failed to fetch/);
});

test('the page\'s keep message caches the build files it names (once), and nothing else', async () => {
  const { caches, net, sw } = await installed();
  const posted = [];
  const source = { postMessage: (m) => posted.push(m) };
  const urls = [`${SCOPE}pkg/sgd_escape.js`, `${SCOPE}pkg/sgd_escape_bg.wasm`, `${SCOPE}embed.html`, `${SCOPE}build-id.js`,
    `${SCOPE}not-a-file.js`, 'https://cdn.example/x.js', 'https://example.test/other/pkg/sgd_escape.js', 'not a url', 42, `${SCOPE}data/x.gz?v=1`];
  await sw.dispatch('message', { data: { type: SW_MESSAGE_TYPE, command: 'keep', urls }, source });
  assert.deepEqual(cached(caches), [...SHELL, 'data/x.gz', 'pkg/sgd_escape.js', 'pkg/sgd_escape_bg.wasm'].sort());
  assert.deepEqual(JSON.parse(JSON.stringify(posted.map((m) => [m.type, m.event, [...m.urls].sort()]))), [[SW_MESSAGE_TYPE, 'kept', ['data/x.gz', 'embed.html', 'pkg/sgd_escape.js', 'pkg/sgd_escape_bg.wasm']]]);
  // Already cached: no second download.
  const before = net.requests;
  await sw.dispatch('message', { data: { type: SW_MESSAGE_TYPE, command: 'keep', urls }, source });
  assert.equal(net.requests, before);
  // Other messages are ignored (no waitUntil, nothing fetched).
  for (const data of [null, 'keep', { type: 'other', command: 'keep', urls }, { type: SW_MESSAGE_TYPE, command: 'drop', urls }, { type: SW_MESSAGE_TYPE, command: 'keep', urls: 'pkg-scalar/sgd_escape_bg.wasm' }]) {
    await sw.dispatch('message', { data, source });
  }
  assert.equal(net.requests, before);
  assert.ok(!net.paths.some((p) => p.startsWith('pkg-scalar/')), 'the unused build was fetched');
  // A file that fails (offline) does not stop the others.
  const fresh = await installed();
  fresh.net.online = false;
  await fresh.sw.dispatch('message', { data: { type: SW_MESSAGE_TYPE, command: 'keep', urls }, source });
  assert.deepEqual(cached(fresh.caches), [...SHELL].sort());
});

test('a rebuild gets a new cache, the old one is deleted and the old worker does not recreate it', async () => {
  const { caches, net, sw: v1 } = await installed();
  await v1.dispatch('fetch', get('pkg/sgd_escape_bg.wasm'));
  assert.ok(net.requests > 0);
  caches.stores.set('unrelated-app-cache', new Map());
  const files2 = { ...FILES, 'main.js': 'js v2', 'pkg/sgd_escape_bg.wasm': 'wasm v2' };
  const net2 = fakeNetwork(files2);
  caches.setFetch(net2.fetch);
  const v2 = loadWorker({ build: { ...BUILD, id: 'b2' }, caches, net: net2 });
  await v2.dispatch('install');
  await v2.dispatch('activate');
  assert.deepEqual([...caches.stores.keys()].sort(), ['sgd-escape-b2', 'unrelated-app-cache']);
  assert.equal((await v2.dispatch('fetch', get('pkg/sgd_escape_bg.wasm'))).body, 'wasm v2');
  // The old worker, answering a last request or message, does not bring its cache back.
  assert.equal((await v1.dispatch('fetch', get('data/x.gz'))).body, 'data');
  await v1.dispatch('message', { data: { type: SW_MESSAGE_TYPE, command: 'keep', urls: [`${SCOPE}pkg-scalar/sgd_escape.js`] } });
  assert.deepEqual([...caches.stores.keys()].sort(), ['sgd-escape-b2', 'unrelated-app-cache']);
  net2.online = false;
  assert.equal((await v2.dispatch('fetch', get('main.js'))).body, 'js v2');
  assert.equal((await v2.dispatch('fetch', get('pkg/sgd_escape_bg.wasm'))).body, 'wasm v2');
});

test('without build-id.js (or with an old-format one) the worker installs nothing and answers nothing', async () => {
  for (const build of [null, { id: 'old', files: Object.keys(FILES) }]) {
    const caches = fakeCaches();
    const net = fakeNetwork(FILES);
    caches.setFetch(net.fetch);
    const sw = loadWorker({ build, caches, net });
    await assert.rejects(sw.dispatch('install'), /no build-id/);
    assert.equal(await sw.dispatch('fetch', get('index.html')), undefined);
    assert.equal(net.requests, 0);
  }
});

test('cross-origin, non-GET and non-build requests are left to the network', async () => {
  const { sw } = await installed();
  assert.equal(await sw.dispatch('fetch', { request: { method: 'GET', url: 'https://cdn.example/x.js' } }), undefined);
  assert.equal(await sw.dispatch('fetch', { request: { method: 'POST', url: `${SCOPE}index.html` } }), undefined);
  assert.equal(await sw.dispatch('fetch', { request: { method: 'GET', url: 'https://example.test/other/index.html' } }), undefined);
  assert.equal(await sw.dispatch('fetch', get('build-id.js')), undefined);
  assert.equal(await sw.dispatch('fetch', get('sw.js')), undefined);
});

test('usedUrls: the page, its same-origin resources and the chosen build, without hashes', () => {
  const location = { href: 'https://x.org/sgd/embed.html#figure=toy', origin: 'https://x.org' };
  const entries = [{ name: 'https://x.org/sgd/style.css' }, { name: 'https://x.org/sgd/data/a.gz#x' }, { name: 'https://cdn.example/lib.js' }, { name: 'https://x.org/sgd/style.css' }];
  assert.deepEqual(usedUrls(location, entries, 'pkg'), [
    'https://x.org/sgd/embed.html', 'https://x.org/sgd/style.css', 'https://x.org/sgd/data/a.gz',
    'https://x.org/sgd/pkg/sgd_escape.js', 'https://x.org/sgd/pkg/sgd_escape_bg.wasm']);
  assert.ok(usedUrls(location, [], 'pkg-scalar').every((u) => !u.includes('/pkg/')));
});

test('registration only on https or localhost, never throwing; once active the worker is told what the visit used', async () => {
  assert.equal(offlineAllowed({ protocol: 'https:', hostname: 'x.org' }), true);
  assert.equal(offlineAllowed({ protocol: 'http:', hostname: 'localhost' }), true);
  assert.equal(offlineAllowed({ protocol: 'http:', hostname: '127.0.0.1' }), true);
  assert.equal(offlineAllowed({ protocol: 'http:', hostname: 'example.org' }), false);
  assert.equal(offlineAllowed({ protocol: 'file:', hostname: '' }), false);
  const registered = [];
  const posted = [];
  const active = { postMessage: (m) => posted.push(m) };
  const nav = { serviceWorker: { register: async (url, opts) => { registered.push([url, opts]); return 'reg'; }, ready: Promise.resolve({ active }) } };
  const loc = { protocol: 'https:', hostname: 'x.org', href: 'https://x.org/index.html', origin: 'https://x.org' };
  const opts = { entries: () => [{ name: 'https://x.org/main.js' }], build: () => 'pkg-scalar' };
  assert.equal(await registerOffline(nav, { ...loc, protocol: 'http:', hostname: 'example.org' }, opts), null);
  assert.equal(await registerOffline(nav, loc, opts), 'reg');
  assert.deepEqual(registered, [['sw.js', { scope: './' }]]);
  await nav.serviceWorker.ready;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(posted, [{ type: SW_MESSAGE_TYPE, command: 'keep', urls: ['https://x.org/index.html', 'https://x.org/main.js', 'https://x.org/pkg-scalar/sgd_escape.js', 'https://x.org/pkg-scalar/sgd_escape_bg.wasm'] }]);
  assert.equal(await registerOffline({}, loc), null);
  const warnings = [];
  const failing = { serviceWorker: { register: async () => { throw new Error('denied'); } } };
  assert.equal(await registerOffline(failing, loc, { warn: (m) => warnings.push(m) }), null);
  assert.match(warnings[0], /denied/);
});
