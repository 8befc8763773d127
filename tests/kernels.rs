//! The compile-time-chosen kernels against the portable ones, bit for bit, in a real browser
//! (wasm-pack test --headless --chrome): in the SIMD build this checks the explicit simd128
//! code, in the scalar build the portable code against itself.
#![cfg(target_arch = "wasm32")]

use sgd_escape::kernels::{self, check, portable};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_expected_implementation_is_active() {
    let want = if cfg!(target_feature = "simd128") {
        "simd128"
    } else {
        "portable"
    };
    assert_eq!(kernels::implementation(), want);
}

#[wasm_bindgen_test]
fn dot_matches_portable_bit_for_bit() {
    for seed in [1, 2, 3, 20190609] {
        for n in check::lengths() {
            let (a, b) = (check::vector(seed, 1, n), check::vector(seed, 2, n));
            let (got, want) = (kernels::dot(&a, &b), portable::dot(&a, &b));
            assert_eq!(got.to_bits(), want.to_bits(), "n = {n}: {got} vs {want}");
        }
    }
}

#[wasm_bindgen_test]
fn all_kernels_match_portable_bit_for_bit() {
    check::all();
}

#[wasm_bindgen_test]
fn conv2d_matches_portable_bit_for_bit() {
    for seed in [1, 2, 3, 20190609] {
        check::conv2d(seed);
    }
}

#[wasm_bindgen_test]
fn axpy_patches_matches_portable_bit_for_bit() {
    for seed in [1, 2, 3, 20190609] {
        check::axpy_patches(seed);
        check::axpy_patches_random(seed);
    }
}

#[wasm_bindgen_test]
fn max_pool_relu_matches_portable_bit_for_bit() {
    for seed in [1, 2, 3, 20190609] {
        check::max_pool_relu(seed);
    }
}
