// The one-hidden-layer figure's side of its worker (worker.js): one worker of the shared
// WorkerPool (with its cross-origin start); replies of a worker that has since been stopped
// (a reset starts a fresh one) are dropped.

import { WorkerPool } from '../../lib/worker-pool.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** The worker of one one-hidden-layer figure; what model.js calls `io` (with now and later). */
export class OhlClient {
  /**
   * @param {{ receive: (msg: any) => void, fail: (context: string, message: string) => void }} model
   */
  constructor(model) {
    this.model = model;
    /** @type {WorkerPool | null} */
    this.pool = null;
  }

  /** Starts a fresh worker (throws if the browser refuses). */
  start() {
    this.stop();
    /** @type {WorkerPool | null} */
    let pool = null;
    pool = new WorkerPool(WORKER_URL, 1, {
      onMessage: (_k, data) => { if (pool === this.pool) this.model.receive(data); },
      onError: (_k, message) => { if (pool === this.pool) this.model.fail('Worker', message); },
    });
    this.pool = pool;
  }

  /** Stops the worker. */
  stop() {
    if (this.pool) this.pool.terminate();
    this.pool = null;
  }

  /** @param {any} msg */
  post(msg) {
    if (this.pool) this.pool.post(0, msg);
  }
}
