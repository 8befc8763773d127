// Loads the SIMD wasm build (www/pkg, from `./build.sh build`) in Node for the unit tests that
// need Rust's side (link parsing). `SKIP` is a reason to skip when the build is missing, so
// `npm test` still runs everything else before the first build.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'www', 'pkg');

/** Why the wasm tests cannot run (false when they can). */
export const SKIP = existsSync(path.join(PKG, 'sgd_escape_bg.wasm')) ? false : 'needs the wasm build in www/pkg (./build.sh build)';

let loaded = null;
/** The initialised wasm module (its exports: parsePermalink, ToySimulation, ...). */
export async function wasm() {
  if (!loaded) {
    loaded = (async () => {
      const mod = await import(path.join(PKG, 'sgd_escape.js'));
      await mod.default({ module_or_path: readFileSync(path.join(PKG, 'sgd_escape_bg.wasm')) });
      return mod;
    })();
  }
  return loaded;
}
