// The FashionMNIST figure's side of its workers (worker.js): a WorkerPool of them (the shared
// pool, with its cross-origin start), replies routed to the model by worker index, replies of a
// pool that has since been stopped dropped; and the committed stage-1 minimums, fetched once per
// page and kept with those computed here (by network and seed) for every figure of the page.

import { WorkerPool } from '../../lib/worker-pool.js';
import { SAVED_MINIMUMS } from './settings.js';
import { REFERENCE_URL } from './reference.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Stage-1 minimums of this page, by `network:seed` (checkpoint bytes), shared by every figure. */
export const MINIMUMS = new Map();

/** @type {Map<string, Promise<Uint8Array>>} network -> the committed checkpoint's bytes */
const saved = new Map();

/**
 * The committed minimum of `network` (model.js SAVED_MINIMUMS), fetched once per page.
 * @param {string} network
 * @returns {Promise<Uint8Array>}
 */
export function fetchSavedMinimum(network) {
  let p = saved.get(network);
  if (!p) {
    const url = new URL(`../../${/** @type {Record<string, { path: string }>} */ (SAVED_MINIMUMS)[network].path}`, import.meta.url);
    p = fetch(url)
      .then((res) => (res.ok ? res.arrayBuffer() : Promise.reject(new Error(`HTTP ${res.status}`))))
      .then((b) => new Uint8Array(b))
      .catch((e) => { saved.delete(network); throw e; });
    saved.set(network, p);
  }
  return p;
}

/** @type {Promise<any[] | null> | null} */
let reference = null;

/**
 * The native reference runs' summary (reference.js), fetched once per page; null when it cannot
 * be loaded (the caption then only points to the docs).
 * @returns {Promise<any[] | null>}
 */
export function fetchReference() {
  if (!reference) {
    reference = fetch(new URL(`../../${REFERENCE_URL}`, import.meta.url))
      .then((res) => (res.ok ? res.json() : null))
      .catch(() => null);
  }
  return reference;
}

/** The workers of one FashionMNIST figure; what model.js calls `io`. */
export class FashionClient {
  /**
   * @param {{ receive: (k: number, msg: any) => void, fail: (message: string) => void }} model
   *   where replies go (`receive`), and a worker that failed (`fail`)
   */
  constructor(model) {
    this.model = model;
    /** @type {WorkerPool | null} */
    this.pool = null;
  }

  /** @param {number} count starts that many workers (throws if the browser refuses) */
  start(count) {
    this.stop();
    /** @type {WorkerPool | null} */
    let pool = null;
    pool = new WorkerPool(WORKER_URL, count, {
      onMessage: (k, data) => { if (pool === this.pool) this.model.receive(k, data); },
      onError: (k, message) => { if (pool === this.pool) this.model.fail(`worker ${k + 1}: ${message}`); },
    });
    this.pool = pool;
  }

  /** Stops the workers; their replies still on the way are dropped. */
  stop() {
    if (this.pool) this.pool.terminate();
    this.pool = null;
  }

  /** @param {number} k @param {any} msg */
  post(k, msg) {
    if (this.pool) this.pool.post(k, msg);
  }

  /** @param {string} network @returns {Promise<Uint8Array>} */
  fetchSaved(network) { return fetchSavedMinimum(network); }

  /** @returns {Promise<any[] | null>} */
  fetchReference() { return fetchReference(); }
}
