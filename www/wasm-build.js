// Loading a wasm build inside a figure's worker: one place for the allowed build directories
// and for the message a failed load reports.

/** The build directories a worker may load (`./pkg` SIMD, `./pkg-scalar` scalar). */
export const BUILD_DIRS = new Set(['pkg', 'pkg-scalar']);

/**
 * Imports and instantiates `./DIR/sgd_escape.js`; resolves to `{ wasm, memory }` (the module
 * namespace and the instance's memory), or rejects with an Error naming the file.
 */
export async function loadBuild(dir) {
  try {
    const mod = await import(`./${dir}/sgd_escape.js`);
    const exports = await mod.default();
    return { wasm: mod, memory: exports && exports.memory ? exports.memory : null };
  } catch (e) {
    const why = e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e);
    throw new Error(`could not load ./${dir}/sgd_escape.js: ${why}`);
  }
}
