#!/usr/bin/env node
// Prints target/bench/results.json (from `./build.sh bench`) as the Markdown tables of
// docs/speed.md, so the docs quote measured numbers, never typed-in ones.
//
//   node tools/bench-markdown.mjs [target/bench/results.json]

import { readFileSync } from 'node:fs';

const r = JSON.parse(readFileSync(process.argv[2] ?? 'target/bench/results.json', 'utf8'));
const ENGINES = [['wasm-simd-chromium', 'SIMD wasm, Chromium'], ['wasm-simd-node', 'SIMD wasm, Node'],
  ['wasm-scalar-chromium', 'scalar wasm, Chromium'], ['native', 'native (auto kernels)'], ['native-portable', 'native, portable kernels'],
  ['native-cpu', 'native, target-cpu=native'],
  ['numpy', 'NumPy']];
const t = (s) => (s == null ? '-' : s < 1e-3 ? `${(s * 1e6).toFixed(0)} µs` : s < 1 ? `${(s * 1e3).toFixed(s < 0.01 ? 2 : 1)} ms` : `${s.toFixed(2)} s`);
const x = (v) => (v == null ? '-' : v.toFixed(2));
const pct = (v) => (v == null ? '-' : `${(100 * v).toFixed(0)}%`);
const gf = (v) => (v == null ? '-' : v.toFixed(1));

console.log(`Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cpu}, ${r.machine.cores} cores ` +
  `(load average at the end ${r.machine.loadAverage.map((l) => l.toFixed(1)).join(', ')}), ${r.runtimes.chromium}, Node ${r.runtimes.node}, ${r.runtimes.numpy}.\n`);
console.log(`| workload | ${ENGINES.map(([, n]) => n).join(' | ')} | SIMD GFLOP/s | of SIMD peak | SIMD / native | SIMD / scalar | SIMD / NumPy | native auto / portable | native / NumPy |`);
console.log(`|---|${ENGINES.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|---:|---:|`);
for (const [name, w] of Object.entries(r.workloads)) {
  const cells = ENGINES.map(([e]) => t(w.engines[e]?.secondsPerOp));
  console.log(`| ${name} | ${cells.join(' | ')} | ${gf(w.engines['wasm-simd-chromium']?.gflops)} | ${pct(w.fractionOfWasmPeak)} | ${x(w.wasmSimdOverNative)} | ${x(w.wasmSimdOverScalar)} | ${x(w.wasmSimdOverNumpy)} | ${x(w.nativeOverPortable)} | ${x(w.nativeOverNumpy)} |`);
}
console.log('\n| target (issues 4 and 10) | measured | needs | |\n|---|---:|---:|---|');
for (const g of r.targets) console.log(`| ${g.name} | ${x(g.value)} | ${g.min} | ${g.holds ? 'holds' : '**missed**'} |`);
const w = r.workers;
if (w) console.log(`\nWeb Workers (2-D ensemble, ${w.runs} runs x ${w.iterations} iterations, all eight methods, median of ${w.repeats}): one worker ${t(w.seconds[1].median)}, two ${t(w.seconds[2].median)}, speed-up ${x(w.speedup)}x.`);
console.log(`Wasm sizes: SIMD ${r.wasmSizes['wasm-simd'].gzipBytes} bytes gzipped (${r.wasmSizes['wasm-simd'].bytes} raw), scalar ${r.wasmSizes['wasm-scalar'].gzipBytes} (${r.wasmSizes['wasm-scalar'].bytes}).`);
if (r.numpyChecks) console.log(`NumPy reference against the Rust results: ${r.numpyChecks.ok ? 'all' : 'NOT all'} ${Object.keys(r.numpyChecks.checks).length} checks pass.`);
