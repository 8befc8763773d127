// The timing protocol of the wasm engines (Node and Chromium), the twin of the native runner's
// (src/bench/native.rs): warm-up ops for 0.5 s, reps calibrated so a sample takes ~0.2 s, then 5 samples
// (3 when one op takes over a second); the median seconds per op is what the report compares.
// Runs in Node and in the browser (no Node or DOM APIs here).

export const TARGET_SAMPLE_SECONDS = 0.2;
export const WARMUP_SECONDS = 0.5;

export const DATA_FILES = {
  trainImages: 'fmnist-train1200-images-idx3-ubyte.gz',
  trainLabels: 'fmnist-train1200-labels-idx1-ubyte.gz',
  testImages: 'fmnist-test2000-images-idx3-ubyte.gz',
  testLabels: 'fmnist-test2000-labels-idx1-ubyte.gz',
  minimum: 'fashion-minimum-seed0.bin',
};

export function samplesFor(opSeconds) {
  return opSeconds > 1 ? 3 : 5;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

// Times one workload of `harness` (a BenchHarness); `now()` returns milliseconds.
export async function measure(harness, name, now, quick = false) {
  // Warm-up: ops for at least WARMUP_SECONDS (and at least two), because V8 starts wasm in its
  // baseline compiler and tiers hot functions up on background threads, which on a loaded
  // machine can take a while; the last warm-up op calibrates.
  let checksum = 0;
  let first = 0;
  const start = now();
  for (let i = 0; quick ? i < 1 : i < 2 || (now() - start) / 1000 < WARMUP_SECONDS; i++) {
    const t = now();
    checksum = harness.run(name, 1);
    first = (now() - t) / 1000;
  }
  const reps = quick ? 1 : Math.max(1, Math.ceil(TARGET_SAMPLE_SECONDS / Math.max(first, 1e-9)));
  const count = quick ? 0 : samplesFor(first);
  const samples = quick ? [first] : [];
  for (let i = 0; i < count; i++) {
    await pause(); // let the event loop breathe between samples (never inside one)
    // Timed inside wasm (performance.now() through web-sys), so no JS call overhead counts.
    const [ms, sum] = harness.runTimed(name, reps);
    checksum = sum;
    samples.push(ms / 1000 / reps);
  }
  return {
    secondsPerOp: median(samples),
    samples,
    reps,
    checksum,
    flopsPerOp: harness.flops(name) ?? null,
  };
}

// Runs every workload (or those in `only`) of the wasm module `mod` (initialised), on `data`
// (an object of Uint8Arrays keyed as DATA_FILES). `log(name)` reports progress.
export async function runSuite(mod, data, { engine, now, quick = false, only = null, log = () => {} }) {
  const harness = new mod.BenchHarness(
    data.trainImages, data.trainLabels, data.testImages, data.testLabels, data.minimum);
  const names = only ?? mod.BenchHarness.workloads();
  const workloads = {};
  try {
    for (const name of names) {
      log(`${engine}: ${name}`);
      workloads[name] = await measure(harness, name, now, quick);
    }
  } finally {
    harness.free();
  }
  return { engine, kernels: mod.BenchHarness.kernels(), quick, workloads };
}
