#!/usr/bin/env node
// Prints target/bench/results.json (from `./build.sh bench`) as the Markdown tables of
// docs/speed.md, so the docs quote measured numbers, never typed-in ones. With --write FILE it
// replaces the text between FILE's `<!-- bench-markdown:start -->` and
// `<!-- bench-markdown:end -->` markers instead of printing.
//
//   node tools/bench-markdown.mjs [--write docs/speed.md] [target/bench/results.json]

import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const writeAt = args.indexOf('--write');
const target = writeAt >= 0 ? args.splice(writeAt, 2)[1] : null;
if (writeAt >= 0 && !target) throw new Error('--write needs a file, e.g. --write docs/speed.md');
const r = JSON.parse(readFileSync(args[0] ?? 'target/bench/results.json', 'utf8'));
const out = [];
const print = (line) => out.push(line);
const ENGINES = [['wasm-simd-chromium', 'SIMD wasm, Chromium'], ['wasm-simd-node', 'SIMD wasm, Node'],
  ['wasm-scalar-chromium', 'scalar wasm, Chromium'], ['native', 'native (auto kernels)'], ['native-portable', 'native, portable kernels'],
  ['native-cpu', 'native, target-cpu=native'],
  ['numpy', 'NumPy']];
const t = (s) => (s == null ? '-' : s < 1e-3 ? `${(s * 1e6).toFixed(0)} µs` : s < 1 ? `${(s * 1e3).toFixed(s < 0.01 ? 2 : 1)} ms` : `${s.toFixed(2)} s`);
const x = (v) => (v == null ? '-' : v.toFixed(2));
const pct = (v) => (v == null ? '-' : `${(100 * v).toFixed(0)}%`);
const gf = (v) => (v == null ? '-' : v.toFixed(1));

print(`Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cpu}, ${r.machine.cores} cores ` +
  `(load average at the end ${r.machine.loadAverage.map((l) => l.toFixed(1)).join(', ')}), ${r.runtimes.chromium}, Node ${r.runtimes.node}, ${r.runtimes.numpy}.\n`);
print(`| workload | ${ENGINES.map(([, n]) => n).join(' | ')} | SIMD GFLOP/s | of SIMD peak | SIMD / native | SIMD / scalar | SIMD / NumPy | native auto / portable | native / NumPy |`);
print(`|---|${ENGINES.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|---:|---:|`);
for (const [name, w] of Object.entries(r.workloads)) {
  const cells = ENGINES.map(([e]) => t(w.engines[e]?.secondsPerOp));
  print(`| ${name} | ${cells.join(' | ')} | ${gf(w.engines['wasm-simd-chromium']?.gflops)} | ${pct(w.fractionOfWasmPeak)} | ${x(w.wasmSimdOverNative)} | ${x(w.wasmSimdOverScalar)} | ${x(w.wasmSimdOverNumpy)} | ${x(w.nativeOverPortable)} | ${x(w.nativeOverNumpy)} |`);
}
print('\n| target (issues 4 and 10) | measured | needs | |\n|---|---:|---:|---|');
for (const g of r.targets) print(`| ${g.name} | ${g.measured ?? x(g.value)} | ${g.needs ?? g.min} | ${g.holds ? 'holds' : '**missed**'} |`);
const w = r.workers;
if (w) print(`\nWeb Workers (2-D ensemble, ${w.runs} runs x ${w.iterations} iterations, all eight methods, median of ${w.repeats}): one worker ${t(w.seconds[1].median)}, two ${t(w.seconds[2].median)}, speed-up ${x(w.speedup)}x.`);
print(`Wasm sizes: SIMD ${r.wasmSizes['wasm-simd'].gzipBytes} bytes gzipped (${r.wasmSizes['wasm-simd'].bytes} raw), scalar ${r.wasmSizes['wasm-scalar'].gzipBytes} (${r.wasmSizes['wasm-scalar'].bytes}).`);
if (r.numpyChecks) print(`NumPy reference against the Rust results: ${r.numpyChecks.ok ? 'all' : 'NOT all'} ${Object.keys(r.numpyChecks.checks).length} checks pass.`);

const text = `${out.join('\n')}\n`;
if (target) {
  const START = '<!-- bench-markdown:start -->';
  const END = '<!-- bench-markdown:end -->';
  const doc = readFileSync(target, 'utf8');
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${target} has no ${START} ... ${END} markers`);
  writeFileSync(target, `${doc.slice(0, a + START.length)}\n${text}${doc.slice(b)}`);
  console.log(`wrote the bench tables into ${target}`);
} else {
  process.stdout.write(text);
}
