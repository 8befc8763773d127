// The Web Workers of every figure: one way to start them (same-origin or cross-origin), one pool
// that routes their messages, and one split of methods over workers.
//
// Each figure runs its wasm in module workers (no SharedArrayBuffer, so the page embeds anywhere).
// A figure's methods can be split over several workers because every (seed, method, run) has its
// own random stream: a method simulated alone in one worker follows exactly the trajectories it
// follows next to the others, whatever the number of workers.

/**
 * Starts the module worker at `url`. Browsers only start workers from the page's own origin:
 * when the figure was loaded from another host (a custom element on someone's blog), a
 * same-origin blob worker imports the script from there instead, which needs that host to send
 * CORS headers (as module scripts and wasm fetches from another origin always do). Inside such a
 * worker, relative URLs must be resolved against `import.meta.url`, never the worker's location.
 * @param {URL} url
 * @returns {Worker}
 */
export function startWorker(url) {
  if (url.origin === location.origin) return new Worker(url, { type: 'module' });
  const blob = new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(blob), { type: 'module' });
}

/**
 * Splits `ids` over at most `k` workers so that their summed `cost` is as even as possible:
 * greedy, the most expensive first (ties in the order of `ids`), each to the least-loaded worker
 * (the first of equals). Returns the non-empty lists, each in the order of `ids`.
 * @param {string[]} ids
 * @param {number} k
 * @param {(id: string) => number} cost
 * @returns {string[][]}
 */
export function splitByCost(ids, k, cost) {
  const bins = Array.from({ length: Math.max(1, Math.min(k, ids.length)) }, () => ({ load: 0, ids: new Set() }));
  for (const id of [...ids].sort((a, b) => cost(b) - cost(a))) {
    const bin = bins.reduce((a, b) => (b.load < a.load ? b : a));
    bin.load += cost(id);
    bin.ids.add(id);
  }
  return bins.filter((b) => b.ids.size).map((b) => ids.filter((id) => b.ids.has(id)));
}

/**
 * A fixed set of workers running the same script. Replies go to `onMessage(index, data)`; a
 * failed start or an unreadable message to `onError(index, message)`. Every reply may carry
 * `memory` or `memoryBytes` (the byte length of that worker's wasm memory), summed by memoryBytes().
 */
export class WorkerPool {
  /**
   * @param {URL} url the worker script (started with startWorker)
   * @param {number} size
   * @param {{ onMessage: (index: number, data: any) => void, onError: (index: number, message: string) => void }} handlers
   */
  constructor(url, size, { onMessage, onError }) {
    /** @type {Worker[]} */
    this.workers = [];
    /** @type {number[]} */
    this.memory = [];
    for (let i = 0; i < size; i++) {
      let w;
      try {
        w = startWorker(url);
      } catch (e) {
        // The browser refused one: none of the pool runs (the caller reports why).
        this.terminate();
        throw e;
      }
      w.addEventListener('message', (ev) => {
        const data = ev.data;
        const bytes = data && (typeof data.memory === 'number' ? data.memory : data.memoryBytes);
        if (typeof bytes === 'number') this.memory[i] = bytes;
        onMessage(i, data);
      });
      w.addEventListener('error', (e) => {
        e.preventDefault();
        onError(i, e.message || 'a worker failed to start');
      });
      w.addEventListener('messageerror', () => onError(i, 'a message from a worker could not be read'));
      this.workers.push(w);
      this.memory.push(0);
    }
  }

  /** @returns {number} the number of workers */
  get size() { return this.workers.length; }

  /** @returns {number} the wasm memory of all the pool's workers, in bytes */
  memoryBytes() { return this.memory.reduce((a, b) => a + b, 0); }

  /**
   * Sends `msg` to worker `i`.
   * @param {number} i
   * @param {any} msg
   * @param {Transferable[]} [transfer]
   */
  post(i, msg, transfer = []) {
    const w = this.workers[i];
    if (w) w.postMessage(msg, transfer);
  }

  /** @param {any} msg sent to every worker */
  broadcast(msg) {
    for (const w of this.workers) w.postMessage(msg);
  }

  /** Stops every worker. */
  terminate() {
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }
}
