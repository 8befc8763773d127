// The browser side of the benchmark (tools/bench-browser.mjs drives it through playwright):
// window.bench.suite(pkg, options) runs every workload of one wasm build on the main thread;
// window.bench.workers(pkg, options) measures the 2-D ensemble's throughput with 1 and 2
// Web Workers (one wasm instance each, no SharedArrayBuffer).

import { DATA_FILES, median, runSuite } from '../protocol.mjs';

const ROOT = new URL('../../', import.meta.url);

async function bytes(rel) {
  const res = await fetch(new URL(rel, ROOT));
  if (!res.ok) throw new Error(`GET ${rel}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function loadData() {
  const data = {};
  for (const [key, file] of Object.entries(DATA_FILES)) data[key] = await bytes(`www/data/${file}`);
  return data;
}

// pkg: 'www/pkg' or 'www/pkg-scalar'.
async function suite(pkg, { engine, quick = false, only = null } = {}) {
  const mod = await import(new URL(`${pkg}/sgd_escape.js`, ROOT).href);
  await mod.default({ module_or_path: new URL(`${pkg}/sgd_escape_bg.wasm`, ROOT) });
  const data = await loadData();
  return runSuite(mod, data, {
    engine, quick, only, now: () => performance.now(), log: (m) => console.log(m),
  });
}

function startWorker(pkg) {
  const worker = new Worker(new URL('worker.mjs', import.meta.url), { type: 'module' });
  const ready = new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve());
    worker.onerror = (e) => reject(new Error(e.message));
  });
  worker.postMessage({ kind: 'init', pkg: new URL(pkg, ROOT).href });
  return { worker, ready };
}

function job(worker, message) {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data));
    worker.postMessage(message);
  });
}

// The same total work (runs x iterations of all eight methods) on 1 worker, then split by
// runs over 2; repeated, medians. Throughput = run-iterations per second (wall clock).
async function workers(pkg, { runs = 1000, iterations = 100, repeats = 3 } = {}) {
  const result = { runs, iterations, repeats, seconds: {} };
  for (const count of [1, 2]) {
    const pool = Array.from({ length: count }, () => startWorker(pkg));
    await Promise.all(pool.map((p) => p.ready));
    const share = runs / count;
    await Promise.all(pool.map((p) => job(p.worker, { kind: 'run', runs: share, iterations: 5 })));
    const times = [];
    for (let r = 0; r < repeats; r++) {
      const t = performance.now();
      await Promise.all(pool.map((p, i) => job(p.worker, { kind: 'run', runs: share, iterations, seed: r * 10 + i })));
      times.push((performance.now() - t) / 1000);
    }
    pool.forEach((p) => p.worker.terminate());
    result.seconds[count] = { median: median(times), samples: times };
  }
  result.speedup = result.seconds[1].median / result.seconds[2].median;
  return result;
}

window.bench = { suite, workers, ready: true };
