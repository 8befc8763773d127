//! Determinism, natively: the same seed and settings give bit-identical results twice in one
//! build, and they match the committed fixture tests/fixtures/determinism.json (which the
//! browser test tests/web_determinism.rs also checks, so native and wasm agree).
//!
//! Regenerate the fixture (only after a deliberate change of the numerics) with
//!   SGD_ESCAPE_WRITE_FIXTURE=1 cargo test --release --test determinism
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/determinism.rs"]
mod determinism;

use determinism::{bit_identical, compare, compute, difference_summary, from_fixture, to_fixture};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/determinism.json"
);

#[test]
fn same_seed_same_bits_and_matches_the_fixture() {
    // The fixture covers the exact kernels (the library's default; the CLI's `--kernels
    // portable`), bit-identical to both wasm builds. The fused native kernels round
    // differently and are bounded in tests/kernels_fast.rs instead.
    assert_eq!(
        sgd_escape::kernels::select(sgd_escape::kernels::Kernels::Portable),
        "portable"
    );
    let first = compute();
    let second = compute();
    assert!(
        bit_identical(&first, &second),
        "two runs of one build differ"
    );
    if std::env::var_os("SGD_ESCAPE_WRITE_FIXTURE").is_some() {
        std::fs::write(FIXTURE, to_fixture(&first)).unwrap();
        eprintln!("wrote {FIXTURE}");
        return;
    }
    let text = std::fs::read_to_string(FIXTURE).expect(
        "fixture missing: run SGD_ESCAPE_WRITE_FIXTURE=1 cargo test --release --test determinism",
    );
    let want = from_fixture(&text);
    let problems = compare(&first, &want);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    eprintln!("native vs fixture: {}", difference_summary(&first, &want));
}

#[test]
fn one_ulp_in_a_network_value_is_a_difference() {
    // The f32 network values must match bit for bit (issue 10: native portable, SIMD wasm and
    // scalar wasm identical); the f64 2-D values keep their relative tolerance.
    let want = from_fixture(&std::fs::read_to_string(FIXTURE).unwrap());
    for key in ["mlp/grad", "cnn/grad", "cnn/loss", "mlp/hvp"] {
        let mut got = want.clone();
        let v = &mut got.get_mut(key).unwrap()[0];
        *v = (*v as f32).next_up() as f64;
        let problems = compare(&got, &want);
        assert_eq!(problems.len(), 1, "{key}: {problems:?}");
        assert!(problems[0].starts_with(key), "{problems:?}");
    }
    let mut got = want.clone();
    let v = &mut got.get_mut("toy/gd/positions").unwrap()[0];
    *v = v.next_up();
    assert!(compare(&got, &want).is_empty());
}
