#!/usr/bin/env node
// The wasm benchmark in Node: every workload of one wasm build (default www/pkg, the SIMD
// build), timed by benches/protocol.mjs; prints the engine's JSON on stdout.
//
//   node tools/bench-node.mjs [--pkg www/pkg] [--engine NAME] [--quick] [--only a,b]

import { readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DATA_FILES, runSuite } from '../benches/protocol.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const pkg = path.resolve(ROOT, arg('--pkg', 'www/pkg'));
const engine = arg('--engine', 'wasm-simd-node');
const quick = process.argv.includes('--quick');
const only = arg('--only', null)?.split(',') ?? null;

const mod = await import(pathToFileURL(path.join(pkg, 'sgd_escape.js')).href);
mod.initSync({ module: readFileSync(path.join(pkg, 'sgd_escape_bg.wasm')) });
const data = {};
for (const [key, file] of Object.entries(DATA_FILES)) {
  data[key] = new Uint8Array(readFileSync(path.join(ROOT, 'www/data', file)));
}
const result = await runSuite(mod, data, {
  engine, quick, only, now: () => performance.now(), log: (m) => process.stderr.write(`  ${m}\n`),
});
result.runtime = `node ${process.version}`;
process.stdout.write(JSON.stringify(result) + '\n');
