//! The benchmark harness for JS (`./build.sh bench`): `new BenchHarness(trainImages,
//! trainLabels, testImages, testLabels, minimum)`, then `run(workload, reps)` timed by the
//! caller, or `runTimed(workload, reps)`, timed inside wasm with the page's or the worker's
//! `performance.now()` through web-sys (benches/protocol.mjs takes its samples this way, so a
//! sample holds no JS-to-wasm call overhead). The workloads are [`crate::bench::BenchSuite`]'s,
//! the same code every native and wasm engine runs.

use crate::bench::{op_unit, workload_names, BenchSuite};
use js_sys::{Float64Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::Performance;

/// The global `performance` (window, worker or Node), for timings taken in wasm.
fn performance() -> Result<Performance, JsError> {
    let value = Reflect::get(&js_sys::global(), &"performance".into())
        .map_err(|_| JsError::new("performance: reading the global `performance` threw"))?;
    if !value.is_object() {
        return Err(JsError::new(
            "performance: this environment has no global `performance` to time with",
        ));
    }
    // Not `dyn_into`: Node's `performance` is not an instance of a global `Performance` class in
    // every version, and only its `now()` is used.
    Ok(value.unchecked_into())
}

/// Every benchmark workload of this build, with its data.
#[wasm_bindgen]
pub struct BenchHarness {
    suite: BenchSuite,
}

#[wasm_bindgen]
impl BenchHarness {
    /// The suite on the page's IDX files (gzip or raw) and optional stage-1 minimum checkpoint.
    #[wasm_bindgen(constructor)]
    pub fn new(
        train_images: Uint8Array,
        train_labels: Uint8Array,
        test_images: Uint8Array,
        test_labels: Uint8Array,
        minimum: Option<Uint8Array>,
    ) -> Result<BenchHarness, JsError> {
        let minimum = minimum.map(|m| m.to_vec());
        let suite = BenchSuite::new(
            &train_images.to_vec(),
            &train_labels.to_vec(),
            &test_images.to_vec(),
            &test_labels.to_vec(),
            minimum.as_deref(),
        )
        .map_err(|e| JsError::new(&e))?;
        Ok(BenchHarness { suite })
    }

    /// The workload names, in report order.
    pub fn workloads() -> Vec<String> {
        workload_names()
    }

    /// What one op of `workload` is (for the report).
    #[wasm_bindgen(js_name = opUnit)]
    pub fn op_unit(workload: &str) -> String {
        op_unit(workload).to_string()
    }

    /// `"simd128"` or `"portable"`: which kernels this build runs.
    pub fn kernels() -> String {
        crate::kernels::IMPLEMENTATION.to_string()
    }

    /// Runs `reps` ops of `workload` (1..=1,000,000); returns a checksum of the results.
    pub fn run(&mut self, workload: &str, reps: u32) -> Result<f64, JsError> {
        if !(1..=1_000_000).contains(&reps) {
            return Err(JsError::new(&format!(
                "reps: must be an integer in 1..=1000000, got {reps}"
            )));
        }
        self.suite.run(workload, reps).map_err(|e| JsError::new(&e))
    }

    /// Runs `reps` ops of `workload` like [`BenchHarness::run`], timed in wasm with
    /// `performance.now()`; returns `[milliseconds, checksum]`.
    #[wasm_bindgen(js_name = runTimed)]
    pub fn run_timed(&mut self, workload: &str, reps: u32) -> Result<Float64Array, JsError> {
        let clock = performance()?;
        let start = clock.now();
        let checksum = self.run(workload, reps)?;
        let elapsed = clock.now() - start;
        Ok(Float64Array::from(&[elapsed, checksum][..]))
    }

    /// Floating-point operations of one op of `workload` (undefined where not counted).
    pub fn flops(&self, workload: &str) -> Option<f64> {
        self.suite.flops(workload)
    }
}
