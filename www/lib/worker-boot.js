// What every figure's worker does the same way around its own protocol: loading the wasm build
// named by the page's `init` message (a failed load answered by `{ type: 'fatal', message }`),
// the byte length of the instance's memory that replies report, the text of an error, and the
// queue that handles requests strictly one after another, answering a request that throws with
// `{ type: 'error', req, message }`. The replies that carry results (`ready`, `loaded`, ...) and
// the handlers belong to each worker; its header comment documents its protocol.

import { loadBuild } from './wasm-build.js';

/**
 * The text of an error, or of anything thrown (wasm throws strings and JS errors alike).
 * @param {unknown} err
 * @returns {string}
 */
export function errorMessage(err) {
  if (err && typeof err === 'object' && 'message' in err) return String(err.message);
  return String(err);
}

/**
 * The byte length of a wasm instance's memory, or null when there is none (not loaded yet).
 * @param {WebAssembly.Memory | null} memory
 * @returns {number | null}
 */
export function memoryBytes(memory) {
  return memory ? memory.buffer.byteLength : null;
}

/**
 * Loads the build `dir` (wasm-build.js `loadBuild`) for an `init` request. On failure (an unknown
 * directory, a missing file, no WebAssembly) it posts `{ type: 'fatal', message }` through `post`
 * and resolves to null, so the page shows why the figure cannot run.
 * @param {string} dir the `init` message's `dir`, a member of wasm-build.js BUILD_DIRS
 * @param {(msg: { type: 'fatal', message: string }) => void} [post] how the worker posts (default
 *   postMessage; a worker that stamps its replies passes its own)
 * @param {number} [instance] loadBuild's `instance` (> 0: a fresh module after a wasm trap)
 * @returns {Promise<Awaited<ReturnType<typeof loadBuild>> | null>}
 */
export async function loadOrFatal(dir, post = (msg) => postMessage(msg), instance = 0) {
  try {
    return await loadBuild(dir, instance);
  } catch (e) {
    post({ type: 'fatal', message: errorMessage(e) });
    return null;
  }
}

/**
 * @param {any} msg
 * @param {string} text
 */
const errorReply = (msg, text) => ({ type: 'error', req: msg && msg.req, message: text });

/**
 * Makes `handle` this worker's message handler, called for one request after another (a request
 * waits until the previous one, `init`'s load included, has finished). A request whose handler
 * throws is answered by `reply(msg, text)`, by default `{ type: 'error', req, message }`, so
 * every request still gets its reply.
 * @param {(msg: any) => void | Promise<void>} handle
 * @param {(msg: any, text: string) => object} [reply]
 */
export function serveInOrder(handle, reply = errorReply) {
  let queue = Promise.resolve();
  self.onmessage = (ev) => {
    const msg = ev.data;
    queue = queue.then(() => handle(msg)).catch((e) => {
      postMessage(reply(msg, errorMessage(e)));
    });
  };
}
