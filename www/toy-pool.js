// The 2-D simulation split over several Web Workers, one wasm instance each (no
// SharedArrayBuffer, so the page embeds anywhere). The split is BY METHOD: every (seed, method,
// run) has its own random stream and every run's data depends on (seed, run) only (see
// src/dynamics.rs), so a method simulated alone in one worker follows exactly the trajectories
// it follows next to the others, whatever the number of workers.
//
// Methods are spread by cost (src/noise: pointStats in methodInfo), so two workers get similar work.
// The pool speaks the protocol of worker.js (request -> one reply) and merges the replies of the
// workers a request went to into one reply, emitted in request order.

const CANONICAL_ERROR = 'unknown';

/**
 * A module worker running worker.js. Browsers only start workers from the page's own origin:
 * when this module was loaded from another host (a custom element on someone's blog), a
 * same-origin blob worker imports worker.js from there instead, which needs that host to send
 * CORS headers (as module scripts and wasm fetches from another origin always do).
 */
function workerScript() {
  const url = new URL('./worker.js', import.meta.url);
  if (url.origin === location.origin) return new Worker(url, { type: 'module' });
  const blob = new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(blob), { type: 'module' });
}

export class ToyPool {
  /** `size` workers on build `dir` ('pkg' | 'pkg-scalar'); `onMessage(reply)` gets merged replies. */
  constructor(size, dir, onMessage, onError) {
    this.dir = dir;
    this.onMessage = onMessage;
    this.onError = onError;
    this.workers = [];
    this.memory = [];
    this.active = [0]; // workers holding the live simulation
    this.queue = []; // [{ req, type, expect: Set, replies: Map, targets }]
    this.order = []; // canonical method order, from 'ready'
    this.costly = new Set(); // methods whose steps need per-sample statistics
    this.readyCount = 0;
    this.firstReady = null;
    for (let i = 0; i < size; i++) {
      const w = workerScript();
      w.addEventListener('message', (ev) => this.receive(i, ev.data));
      w.addEventListener('error', (e) => {
        e.preventDefault();
        this.onError(e.message || 'a simulation worker failed to start');
      });
      w.addEventListener('messageerror', () => this.onError('a message from a worker could not be read'));
      this.workers.push(w);
      this.memory.push(0);
    }
  }

  get size() { return this.workers.length; }

  /** Total wasm memory of all the pool's instances, in bytes. */
  memoryBytes() { return this.memory.reduce((a, b) => a + b, 0); }

  init() {
    for (const w of this.workers) w.postMessage({ type: 'init', dir: this.dir });
  }

  /** Splits a method list over the workers, round robin; null when it can't be split. */
  split(methods) {
    const ok = Array.isArray(methods) && methods.length > 0 && methods.every((m) => typeof m === 'string')
      && new Set(methods).size === methods.length && methods.every((m) => this.order.includes(m));
    if (!ok) return null;
    // Balance the work: the methods that need per-sample statistics at every step cost several
    // times the others; each goes to the least-loaded worker, costly ones first.
    const cost = (m) => (this.costly.has(m) ? 5 : 1);
    const sorted = [...methods].sort((a, b) => cost(b) - cost(a) || this.order.indexOf(a) - this.order.indexOf(b));
    const parts = this.workers.map(() => []);
    const load = this.workers.map(() => 0);
    for (const m of sorted) {
      const i = load.indexOf(Math.min(...load));
      parts[i].push(m);
      load[i] += cost(m);
    }
    return parts;
  }

  /** Sends a request (worker.js protocol); its merged reply goes to onMessage. */
  post(msg) {
    let targets;
    if (msg.type === 'configure') {
      const parts = this.split(msg.config && msg.config.methods);
      if (!parts) {
        targets = [[0, msg]]; // let worker 0 report what is wrong with the list
      } else {
        targets = [];
        parts.forEach((methods, i) => {
          const sorted = methods.sort((a, b) => this.order.indexOf(a) - this.order.indexOf(b));
          if (methods.length) targets.push([i, { ...msg, config: { ...msg.config, methods: sorted }, grid: targets.length === 0 }]);
        });
      }
    } else if (msg.type === 'parseLink') {
      targets = [[0, msg]];
    } else {
      targets = this.active.map((i) => [i, msg]);
    }
    const entry = { req: msg.req, type: msg.type, expect: new Set(targets.map(([i]) => i)), replies: new Map(), targets: targets.map(([i]) => i) };
    this.queue.push(entry);
    for (const [i, m] of targets) this.workers[i].postMessage(m);
  }

  receive(i, data) {
    if (data && typeof data.memory === 'number') this.memory[i] = data.memory;
    if (data.type === 'ready') {
      this.readyCount += 1;
      if (!this.firstReady) this.firstReady = data;
      if (this.readyCount === this.size) {
        this.order = data.methods.map((m) => m.id);
        this.costly = new Set(data.methods.filter((m) => m.pointStats).map((m) => m.id));
        this.onMessage({ ...this.firstReady, workers: this.size });
      }
      return;
    }
    if (data.type === 'fatal') {
      this.onMessage(data);
      return;
    }
    const entry = this.queue.find((e) => e.req === data.req && e.expect.has(i) && !e.replies.has(i));
    if (!entry) return;
    entry.replies.set(i, data);
    while (this.queue.length && this.queue[0].replies.size === this.queue[0].expect.size) {
      const done = this.queue.shift();
      this.onMessage(this.merge(done));
    }
  }

  merge(entry) {
    const replies = entry.targets.map((i) => entry.replies.get(i));
    if (replies.length === 1 && entry.type !== 'configure') return replies[0];
    const bad = replies.find((r) => r.type === 'invalid' || r.type === 'error');
    if (entry.type === 'configure') {
      if (bad) {
        if (replies.some((r) => r.type === 'configured')) {
          // Some instances took the config, others refused it (say, out of memory): unusable.
          return { type: 'error', req: entry.req, message: bad.message, recovered: false };
        }
        return bad;
      }
      const previous = this.active;
      this.active = entry.targets;
      for (const i of previous) if (!this.active.includes(i)) this.workers[i].postMessage({ type: 'drop' });
      const methods = this.sortIds(replies.flatMap((r) => r.methods));
      const indicators = Object.assign({}, ...replies.map((r) => r.indicators));
      return {
        type: 'configured',
        req: entry.req,
        config: { ...replies[0].config, methods },
        methods,
        indicators,
        grid: replies.find((r) => r.grid)?.grid || null,
        state: this.mergeStates(replies.map((r) => r.state)),
      };
    }
    if (bad) {
      const states = replies.map((r) => r.state);
      return { type: 'error', req: entry.req, message: bad.message || CANONICAL_ERROR, recovered: replies.every((r) => r.type !== 'error' || r.recovered), state: states.every(Boolean) ? this.mergeStates(states) : undefined };
    }
    return { type: 'state', req: entry.req, state: this.mergeStates(replies.map((r) => r.state)) };
  }

  sortIds(ids) {
    return [...ids].sort((a, b) => this.order.indexOf(a) - this.order.indexOf(b));
  }

  mergeStates(states) {
    const first = states[0];
    const out = { ...first, methods: this.sortIds(states.flatMap((s) => s.methods)), positions: {}, curves: {}, escaped: {}, diverged: {} };
    for (const s of states) {
      if (s.iteration !== first.iteration) throw new Error(`workers out of step: ${s.iteration} vs ${first.iteration}`);
      Object.assign(out.positions, s.positions);
      Object.assign(out.curves, s.curves);
      Object.assign(out.escaped, s.escaped);
      Object.assign(out.diverged, s.diverged || {});
    }
    return out;
  }

  terminate() {
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }
}
