// The wasm build of every figure: which one the browser can run (chooseBuild, on the page) and
// loading it inside a figure's worker (loadBuild): one place for the allowed build directories
// and for the message a failed load reports.

/** The build directories a worker may load (`pkg` SIMD, `pkg-scalar` scalar), under www/. */
export const BUILD_DIRS = new Set(['pkg', 'pkg-scalar']);

// The standard tiny SIMD test module (wasm-feature-detect's simd test).
const SIMD_TEST = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/**
 * The build this browser runs: 'pkg' (SIMD128) when it validates the SIMD test module, else
 * 'pkg-scalar' (also without WebAssembly at all, where loading then reports the failure).
 * @returns {'pkg' | 'pkg-scalar'}
 */
export function chooseBuild() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_TEST) ? 'pkg' : 'pkg-scalar';
  } catch {
    return 'pkg-scalar';
  }
}

/**
 * Imports and instantiates `www/DIR/sgd_escape.js`; resolves to `{ wasm, memory }` (the module
 * namespace and the instance's memory), or rejects with an Error naming the file. `instance` > 0
 * loads a fresh module record (a new instance after a wasm trap poisoned the old one).
 * @param {string} dir a member of BUILD_DIRS
 * @param {number} [instance]
 * @returns {Promise<{ wasm: typeof import('../pkg/sgd_escape.js'), memory: WebAssembly.Memory | null }>}
 *   (the module's types: wasm-pack's generated www/pkg/sgd_escape.d.ts; the scalar build has the same)
 */
export async function loadBuild(dir, instance = 0) {
  if (!BUILD_DIRS.has(dir)) throw new Error(`unknown build directory ${String(dir)}`);
  try {
    const mod = await import(`../${dir}/sgd_escape.js${instance ? `?instance=${instance}` : ''}`);
    const exports = await mod.default();
    return { wasm: mod, memory: exports && exports.memory ? exports.memory : null };
  } catch (e) {
    const why = e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e);
    throw new Error(`could not load ./${dir}/sgd_escape.js: ${why}`, { cause: e });
  }
}
