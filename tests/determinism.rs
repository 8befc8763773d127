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
