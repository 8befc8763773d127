//! The computation behind the determinism fixture, shared by the native test
//! (tests/determinism.rs) and the browser test (tests/web_determinism.rs): a small 2-D
//! ensemble of all eight methods, an MLP gradient and the paper's CNN's loss, gradient and
//! Hessian-vector product, flattened into named number lists.
//!
//! Comparison rules (documented in docs/testing.md): the 2-D ensemble is f64 with the same
//! operations in the same order everywhere (libm's log, IEEE sqrt, no fused multiply-add), so
//! native and wasm must agree to `TOY_TOLERANCE` relative; the MLP and the CNN are f32 through
//! kernels that are bit-identical between the portable and the simd128 versions (and the
//! scalar wasm build), so their values (f32, held exactly in the f64 lists) must match the
//! fixture bit for bit.

use sgd_escape::config::ToyConfig;
use sgd_escape::dynamics::ToyEnsemble;
use sgd_escape::landscape::cnn::Cnn;
use sgd_escape::landscape::mlp::Mlp;
use sgd_escape::landscape::network::Architecture;
use sgd_escape::noise::Method;
use sgd_escape::rng::Rng;
use std::collections::BTreeMap;

/// Relative tolerance of the f64 2-D results between builds.
pub const TOY_TOLERANCE: f64 = 1e-12;

/// Named lists of numbers.
pub type Results = BTreeMap<String, Vec<f64>>;

/// The fixture's JSON: every number as its shortest round-trip decimal string, because
/// serde_json's default number parser is not correctly rounded (it can be 1 ulp off), while
/// Rust's `f64` formatting and `str::parse` round-trip exactly.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // (only the native test writes it)
pub fn to_fixture(results: &Results) -> String {
    let text: BTreeMap<&String, Vec<String>> = results
        .iter()
        .map(|(k, v)| (k, v.iter().map(|x| x.to_string()).collect()))
        .collect();
    serde_json::to_string_pretty(&text).unwrap() + "\n"
}

/// Parses [`to_fixture`]'s JSON back, exactly.
pub fn from_fixture(json: &str) -> Results {
    let text: BTreeMap<String, Vec<String>> = serde_json::from_str(json).unwrap();
    text.into_iter()
        .map(|(k, v)| (k, v.iter().map(|x| x.parse().unwrap()).collect()))
        .collect()
}

/// Computes every result of the fixture.
pub fn compute() -> Results {
    let mut out = Results::new();
    let config = ToyConfig {
        runs: 12,
        seed: 20190,
        lr: 0.01,
        batch_size: 3,
        ..ToyConfig::default()
    };
    let mut ensemble = ToyEnsemble::new(config);
    ensemble.step(300);
    for m in Method::ALL {
        let id = m.id();
        let o = ensemble.outcome(m).unwrap();
        out.insert(
            format!("toy/{id}/positions"),
            ensemble.positions(m).unwrap().to_vec(),
        );
        out.insert(
            format!("toy/{id}/outcome"),
            vec![o.escaped as f64, o.stayed as f64, o.diverged as f64],
        );
        out.insert(
            format!("toy/{id}/meanLossCurve"),
            ensemble
                .mean_loss_curve(m)
                .unwrap()
                .iter()
                .step_by(25)
                .map(|&x| x as f64)
                .collect(),
        );
        out.insert(
            format!("toy/{id}/firstEscape"),
            ensemble.first_escape_times(m).unwrap().to_vec(),
        );
        let ind = ensemble.indicator(m, [0.9, 1.05]);
        out.insert(
            format!("toy/{id}/indicator"),
            vec![ind.tr_h_sigma, ind.tr_sigma],
        );
    }
    let mlp = Mlp::new(&[20, 7, 5]);
    let mut rng = Rng::for_stream(20190, &[99]);
    let theta = mlp.init(&mut rng, 0.3);
    let n = 16;
    let inputs: Vec<f32> = (0..n * 20).map(|_| rng.normal() as f32).collect();
    let labels: Vec<u8> = (0..n).map(|_| rng.index(5) as u8).collect();
    let mut ws = mlp.workspace();
    let mut grad = vec![0.0f32; mlp.parameter_count()];
    let loss = mlp.loss_grad(&theta, &inputs, &labels, &mut grad, &mut ws);
    out.insert("mlp/loss".into(), vec![loss as f64]);
    out.insert("mlp/grad".into(), grad.iter().map(|&g| g as f64).collect());
    let mut hv = vec![0.0f32; mlp.parameter_count()];
    mlp.hvp(&theta, &inputs, &labels, &grad, &mut hv, &mut ws);
    out.insert("mlp/hvp".into(), hv.iter().map(|&g| g as f64).collect());
    // The paper's CNN on 3 synthetic images: a flat background (tied pooling windows) around a
    // random 16 x 12 patch; every 23rd gradient and HVP entry (all blocks are hit).
    let cnn = Cnn::new();
    let mut rng = Rng::for_stream(20190, &[98]);
    let theta = cnn.init(&mut rng, 0.1);
    let n = 3;
    let inputs: Vec<f32> = (0..n * 784)
        .map(|i| {
            let (y, x) = ((i % 784) / 28, i % 28);
            if (6..22).contains(&y) && (8..20).contains(&x) {
                rng.normal() as f32
            } else {
                -1.0
            }
        })
        .collect();
    let labels: Vec<u8> = (0..n).map(|_| rng.index(10) as u8).collect();
    let mut ws = cnn.workspace();
    let mut grad = vec![0.0f32; cnn.parameter_count()];
    let loss = cnn.loss_grad(&theta, &inputs, &labels, &mut grad, &mut ws);
    let mut hv = vec![0.0f32; cnn.parameter_count()];
    cnn.hvp(&theta, &inputs, &labels, &grad, &mut hv, &mut ws);
    let every = |v: &[f32]| v.iter().step_by(23).map(|&g| g as f64).collect::<Vec<_>>();
    out.insert("cnn/loss".into(), vec![loss as f64]);
    out.insert("cnn/grad".into(), every(&grad));
    out.insert("cnn/hvp".into(), every(&hv));
    out
}

/// Whether the values under `key` are f32 network results, compared bit for bit.
fn exact_key(key: &str) -> bool {
    key.starts_with("mlp/") || key.starts_with("cnn/")
}

/// Differences beyond tolerance between `got` and the fixture `want`, as messages: any bit
/// difference in an `mlp/*` or `cnn/*` value, more than `TOY_TOLERANCE` relative elsewhere.
pub fn compare(got: &Results, want: &Results) -> Vec<String> {
    let mut problems = Vec::new();
    if got.keys().ne(want.keys()) {
        problems.push(format!(
            "different keys: {:?} vs {:?}",
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>()
        ));
    }
    for (key, w) in want {
        let Some(g) = got.get(key) else { continue };
        if g.len() != w.len() {
            problems.push(format!(
                "{key}: {} values, fixture has {}",
                g.len(),
                w.len()
            ));
            continue;
        }
        for (i, (a, b)) in g.iter().zip(w).enumerate() {
            let ok = if exact_key(key) {
                a.to_bits() == b.to_bits()
            } else {
                (a - b).abs() <= TOY_TOLERANCE * b.abs().max(1e-300) || a == b
            };
            if !ok {
                problems.push(format!("{key}[{i}]: {a:e} vs fixture {b:e}"));
            }
        }
    }
    problems
}

/// The largest relative difference over all values, and how many values differ at all, as a
/// line for the test output ("0 of N values differ" when bit-identical).
pub fn difference_summary(got: &Results, want: &Results) -> String {
    let (mut worst, mut worst_key, mut differing, mut total) = (0.0f64, String::new(), 0, 0);
    for (key, w) in want {
        if let Some(g) = got.get(key) {
            for (a, b) in g.iter().zip(w) {
                total += 1;
                if a.to_bits() != b.to_bits() {
                    differing += 1;
                    let rel = (a - b).abs() / b.abs().max(1e-300);
                    if rel >= worst {
                        (worst, worst_key) = (rel, key.clone());
                    }
                }
            }
        }
    }
    format!(
        "{differing} of {total} values differ; largest relative difference {worst:e} ({worst_key})"
    )
}

/// Exact equality, bit for bit (NaN never appears, and -0.0 vs 0.0 would count as a change).
pub fn bit_identical(a: &Results, b: &Results) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|((ka, va), (kb, vb))| {
            ka == kb
                && va.len() == vb.len()
                && va.iter().zip(vb).all(|(x, y)| x.to_bits() == y.to_bits())
        })
}
