// The 2-D figure's side of its workers (worker.js): a WorkerPool of them, the methods split over
// it by cost, requests fanned out, and the replies of the workers a request went to merged into
// one reply, emitted in request order (the protocol of worker.js: one reply per request).

import { WorkerPool, splitByCost } from '../../lib/worker-pool.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);
const CANONICAL_ERROR = 'unknown';

export class ToyClient {
  /**
   * `size` workers on build `dir` ('pkg' | 'pkg-scalar'); `onMessage(reply)` gets merged replies.
   * @param {number} size
   * @param {string} dir
   * @param {(reply: any) => void} onMessage
   * @param {(message: string) => void} onError
   */
  constructor(size, dir, onMessage, onError) {
    this.dir = dir;
    this.onMessage = onMessage;
    this.active = [0]; // workers holding the live simulation
    /** @type {{ req: number, type: string, expect: Set<number>, replies: Map<number, any>, targets: number[] }[]} */
    this.queue = [];
    /** @type {string[]} canonical method order, from 'ready' */
    this.order = [];
    /** @type {Set<string>} methods whose steps need per-sample statistics */
    this.costly = new Set();
    this.readyCount = 0;
    this.firstReady = null;
    this.pool = new WorkerPool(WORKER_URL, size, { onMessage: (i, data) => this.receive(i, data), onError: (_i, m) => onError(m) });
  }

  /** @returns {number} */
  get size() { return this.pool.size; }

  /** @returns {number} the wasm memory of every worker, in bytes */
  memoryBytes() { return this.pool.memoryBytes(); }

  /** Loads the wasm build in every worker. */
  init() { this.pool.broadcast({ type: 'init', dir: this.dir }); }

  /**
   * Splits a method list over the workers (the per-sample methods cost about five times the
   * others); null when it can't be split (worker 0 then reports what is wrong with it).
   * @param {unknown} methods
   * @returns {string[][] | null}
   */
  split(methods) {
    const ok = Array.isArray(methods) && methods.length > 0 && methods.every((m) => typeof m === 'string')
      && new Set(methods).size === methods.length && methods.every((m) => this.order.includes(m));
    if (!ok) return null;
    return splitByCost(this.sortIds(/** @type {string[]} */ (methods)), this.size, (m) => (this.costly.has(m) ? 5 : 1));
  }

  /**
   * Sends a request (worker.js protocol); its merged reply goes to onMessage.
   * @param {any} msg
   */
  post(msg) {
    let targets;
    if (msg.type === 'configure') {
      const parts = this.split(msg.config && msg.config.methods);
      targets = parts
        ? parts.map((methods, i) => [i, { ...msg, config: { ...msg.config, methods }, grid: i === 0 }])
        : [[0, msg]];
    } else if (msg.type === 'parseLink' || msg.type === 'freshSeed') {
      targets = [[0, msg]];
    } else {
      targets = this.active.map((i) => [i, msg]);
    }
    const indices = targets.map(([i]) => i);
    this.queue.push({ req: msg.req, type: msg.type, expect: new Set(indices), replies: new Map(), targets: indices });
    for (const [i, m] of targets) this.pool.post(i, m);
  }

  /**
   * @param {number} i
   * @param {any} data
   */
  receive(i, data) {
    if (data.type === 'ready') {
      this.readyCount += 1;
      if (!this.firstReady) this.firstReady = data;
      if (this.readyCount === this.size) {
        this.order = data.methods.map((/** @type {{ id: string }} */ m) => m.id);
        this.costly = new Set(data.methods.filter((/** @type {{ pointStats: boolean }} */ m) => m.pointStats).map((/** @type {{ id: string }} */ m) => m.id));
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
      const done = /** @type {NonNullable<ReturnType<typeof this.queue.shift>>} */ (this.queue.shift());
      this.onMessage(this.merge(done));
    }
  }

  /** @param {{ req: number, type: string, replies: Map<number, any>, targets: number[] }} entry */
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
      for (const i of previous) if (!this.active.includes(i)) this.pool.post(i, { type: 'drop' });
      const methods = this.sortIds(replies.flatMap((r) => r.methods));
      const indicators = Object.assign({}, ...replies.map((r) => r.indicators));
      const predictions = Object.assign({}, ...replies.map((r) => r.predictions || {}));
      return {
        type: 'configured',
        req: entry.req,
        config: { ...replies[0].config, methods },
        methods,
        indicators,
        predictions,
        steps: replies[0].steps,
        preview: replies[0].preview,
        // Every worker simulates the same landscape: the first one's analysis.
        landscape: replies[0].landscape || null,
        grid: replies.find((r) => r.grid)?.grid || null,
        state: this.mergeStates(replies.map((r) => r.state)),
      };
    }
    if (entry.type === 'predict' && !bad) {
      return { type: 'predictions', req: entry.req, steps: replies[0].steps, predictions: Object.assign({}, ...replies.map((r) => r.predictions)) };
    }
    if (bad) {
      const states = replies.map((r) => r.state);
      return { type: 'error', req: entry.req, message: bad.message || CANONICAL_ERROR, recovered: replies.every((r) => r.type !== 'error' || r.recovered), state: states.every(Boolean) ? this.mergeStates(states) : undefined };
    }
    return { type: 'state', req: entry.req, state: this.mergeStates(replies.map((r) => r.state)) };
  }

  /** @param {string[]} ids @returns {string[]} in canonical order */
  sortIds(ids) {
    return [...ids].sort((a, b) => this.order.indexOf(a) - this.order.indexOf(b));
  }

  /** @param {any[]} states one per worker @returns {any} one state */
  mergeStates(states) {
    const first = states[0];
    const out = { ...first, methods: this.sortIds(states.flatMap((s) => s.methods)), positions: {}, curves: {}, escaped: {}, diverged: {}, meanLoss: {}, lossSd: {} };
    for (const s of states) {
      if (s.iteration !== first.iteration) throw new Error(`workers out of step: ${s.iteration} vs ${first.iteration}`);
      Object.assign(out.positions, s.positions);
      Object.assign(out.curves, s.curves);
      Object.assign(out.escaped, s.escaped);
      Object.assign(out.diverged, s.diverged || {});
      Object.assign(out.meanLoss, s.meanLoss || {});
      Object.assign(out.lossSd, s.lossSd || {});
    }
    return out;
  }

  /** Stops the workers. */
  terminate() { this.pool.terminate(); }
}
