//! Determinism in the browser (SIMD and scalar builds): two runs give bit-identical results,
//! and they match the native fixture tests/fixtures/determinism.json within the tolerances
//! documented in tests/common/determinism.rs.
#![cfg(target_arch = "wasm32")]

#[path = "common/determinism.rs"]
mod determinism;

use determinism::{bit_identical, compare, compute, difference_summary, from_fixture};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn browser_results_repeat_and_match_the_native_fixture() {
    let first = compute();
    assert!(
        bit_identical(&first, &compute()),
        "two runs of one build differ"
    );
    let want = from_fixture(include_str!("fixtures/determinism.json"));
    let problems = compare(&first, &want);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    web_sys_log(&format!(
        "wasm vs native fixture: {}",
        difference_summary(&first, &want)
    ));
}

fn web_sys_log(message: &str) {
    wasm_bindgen_test::console_log!("{message}");
}
