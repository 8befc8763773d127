// What stage 2 of the FashionMNIST experiment costs, for the ETA: first guesses (ms per
// iteration of each method in wasm on a 2-core machine, and ms per record), replaced by what the
// worker measures as soon as it runs. Shared by worker.js and figure.js.

import { splitByCost } from '../../lib/worker-pool.js';

/** @type {Record<string, number>} */
export const PRIOR_MS = {
  'gd': 8, 'gld-const': 14, 'gld-dynamic': 18, 'gld-diag': 19,
  'gld-leading': 9, 'gld-hessian': 75, 'gld-eigvec': 85, 'sgd': 0.3,
};
export const PRIOR_RECORD_MS = 1500;
// The CNN's iterations cost about ten times the MLP's (GD: 82-93 ms against 5-8 ms measured in
// the page's worker on a busy 2-core machine); first guesses only, measurements replace them.
/** @type {Record<string, number>} */
const PRIOR_SCALE = { mlp: 1, cnn: 10 };

/**
 * First guesses of ms per iteration of each method for a network (cnn | mlp).
 * @param {string} network
 * @returns {Record<string, number>}
 */
export function priorMs(network) {
  const k = PRIOR_SCALE[network] ?? 1;
  return Object.fromEntries(Object.entries(PRIOR_MS).map(([id, v]) => [id, k * v]));
}

/**
 * Milliseconds left until every method that has not diverged reaches `target`.
 * iterations: { id: done }, msPerIter: { id: measured }, recordMs: measured or null.
 * @param {{ ids: string[], iterations: Record<string, number>, target: number, logEvery: number, msPerIter?: Record<string, number>, recordMs?: number | null, diverged?: Record<string, unknown> }} p
 * @returns {number}
 */
export function estimateMs({ ids, iterations, target, logEvery, msPerIter = {}, recordMs = null, diverged = {} }) {
  let ms = 0;
  const rec = recordMs ?? PRIOR_RECORD_MS;
  for (const id of ids) {
    if (diverged[id]) continue;
    const it = iterations[id] || 0;
    ms += Math.max(0, target - it) * (msPerIter[id] ?? PRIOR_MS[id] ?? 20);
    ms += Math.max(0, Math.floor(target / logEvery) - Math.floor(it / logEvery)) * rec;
  }
  return ms;
}

/**
 * Splits `ids` over at most `shards` workers so their costs per iteration (records included)
 * are as even as possible (lib/worker-pool.js splitByCost). Returns non-empty lists, each in the
 * order of `ids`.
 * @param {string[]} ids
 * @param {number} shards
 * @param {number} logEvery
 * @param {Record<string, number>} [msPerIter]
 * @param {number | null} [recordMs]
 * @returns {string[][]}
 */
export function partition(ids, shards, logEvery, msPerIter = {}, recordMs = null) {
  const rec = (recordMs ?? PRIOR_RECORD_MS) / Math.max(1, logEvery);
  return splitByCost(ids, shards, (id) => (msPerIter[id] ?? PRIOR_MS[id] ?? 20) + rec);
}
