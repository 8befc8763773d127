//! Property tests (proptest): random and hostile configs and command lines against the
//! parsers, random points against the landscape maths. Each property runs `CASES` cases (the
//! README records the count); a failure is shrunk to a minimal counterexample.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use sgd_escape::cli;
use sgd_escape::config::{fields_from_json, FieldValue, ToyConfig};
use sgd_escape::dynamics::{ToyEnsemble, DIVERGENCE_BOUND};
use sgd_escape::experiments::fashion_session::FashionSettings;
use sgd_escape::experiments::one_hidden_layer::OneHiddenLayerConfig;
use sgd_escape::landscape::basin::{mean_loss, point_stats, sample_eval};
use sgd_escape::landscape::mlp::Mlp;
use sgd_escape::landscape::network::Architecture;
use sgd_escape::linalg::Sym2;
use sgd_escape::noise::{covariance_2d, Method, NoiseParams};
use sgd_escape::rng::Rng;
use sgd_escape::schema::Figure;

/// Cases per property (proptest's default is 256).
const CASES: u32 = 512;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        ..ProptestConfig::default()
    }
}

/// Numbers as they come from JS or a flag: ordinary, edge and hostile.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        -10.0..10.0f64,
        0.0..1.0f64,
        (0u32..200_000).prop_map(f64::from),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(1e300),
        Just(f64::MIN_POSITIVE),
        Just(2f64.powi(32)),
        any::<f64>(),
    ]
}

fn method_id() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(Method::ALL.map(|m| m.id()).to_vec()).prop_map(str::to_string),
        ".{0,12}",
    ]
}

fn field_value() -> impl Strategy<Value = FieldValue> {
    let leaf = prop_oneof![
        number().prop_map(FieldValue::Number),
        ".{0,16}".prop_map(FieldValue::Text),
        method_id().prop_map(FieldValue::Text),
        any::<bool>().prop_map(FieldValue::Bool),
        Just(FieldValue::Null),
        Just(FieldValue::Other("an object".into())),
    ];
    leaf.prop_recursive(2, 16, 8, |inner| {
        prop::collection::vec(inner, 0..8).prop_map(FieldValue::List)
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(Figure::Toy.api_keys()).prop_map(str::to_string),
        1 => prop::sample::select(vec!["__proto__", "constructor", "epochs", "logEvery", ""])
            .prop_map(str::to_string),
        1 => ".{0,10}",
    ]
}

fn fields() -> impl Strategy<Value = Vec<(String, FieldValue)>> {
    prop::collection::vec((key(), field_value()), 0..10)
}

/// A command-line argument: a known flag, a value, or noise.
fn arg() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "--methods",
            "--runs",
            "--lr",
            "--noise-trace",
            "--batch-size",
            "--samples",
            "--data-spread",
            "--seed",
            "--iterations",
            "--format",
            "--iters",
            "--log-every",
            "--hidden",
            "--epochs",
            "--sharpness-draws",
            "--refresh-fast",
            "--stage1-max",
            "--full-test",
            "--eigvec-warm-steps",
            "--refresh-slow",
        ])
        .prop_map(str::to_string),
        number().prop_map(|x| x.to_string()),
        method_id(),
        "[-=a-z0-9.,]{0,12}",
    ]
}

/// Whether `c` is inside every documented range (nothing was clamped or let through).
fn in_range(c: &ToyConfig) -> bool {
    !c.methods.is_empty()
        && (1..=100_000).contains(&c.runs)
        && c.lr > 0.0
        && c.lr <= 1.0
        && (0.0..=10.0).contains(&c.noise_trace)
        && (0.0..=10.0).contains(&c.data_spread)
        && (1..=c.samples).contains(&c.batch_size)
        && (1..=10_000).contains(&c.samples)
        && c.runs as u64 * c.samples as u64 <= 2_000_000
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn toy_parser_accepts_only_valid_configs_and_names_the_field(fields in fields()) {
        let keys: Vec<String> = fields.iter().map(|(k, _)| k.clone()).collect();
        match ToyConfig::from_fields(fields.clone()) {
            Ok(c) => {
                prop_assert!(in_range(&c), "{c:?}");
                // Accepted configs round-trip exactly.
                prop_assert_eq!(ToyConfig::from_fields(c.to_fields()), Ok(c.clone()));
                // The last value given for each key is the one kept.
                for (k, v) in fields.iter().rev() {
                    if k == "lr" && keys.iter().filter(|x| *x == "lr").count() == 1 {
                        prop_assert_eq!(v, &FieldValue::Number(c.lr));
                    }
                }
            }
            Err(e) => {
                // The field is one given, or one a cross-field rule names.
                prop_assert!(
                    keys.contains(&e.field) || e.field == "runs" || e.field == "batchSize",
                    "{e}"
                );
                let prefix = format!("`{}` ", e.field);
                prop_assert!(e.to_string().starts_with(&prefix), "{}", e);
                prop_assert!(e.message.starts_with("must be") || e.message.starts_with("is not"));
            }
        }
    }

    #[test]
    fn other_parsers_never_panic_and_name_the_field(fields in fields()) {
        if let Err(e) = FashionSettings::from_fields(fields.clone()) {
            prop_assert!(!e.field.is_empty() || fields.iter().any(|(k, _)| k.is_empty()), "{e}");
            prop_assert!(!e.message.is_empty());
        }
        if let Err(e) = OneHiddenLayerConfig::from_fields(fields.clone()) {
            prop_assert!(!e.message.is_empty(), "{e}");
        }
    }

    #[test]
    fn json_configs_never_panic(text in ".{0,64}", runs in 0u32..300_000, lr in number()) {
        // Arbitrary text, and well-formed objects with hostile values.
        if let Err(e) = fields_from_json(&text) {
            prop_assert_eq!(e.field, "config");
        }
        let lr_json = serde_json::to_string(&lr).unwrap_or_else(|_| "null".into());
        let object = format!(r#"{{"runs": {runs}, "lr": {lr_json}, "nested": {{"a": [1]}}}}"#);
        let parsed = fields_from_json(&object).unwrap();
        let err = ToyConfig::from_fields(parsed).unwrap_err();
        prop_assert!(["runs", "lr", "nested"].contains(&err.field.as_str()), "{err}");
    }

    #[test]
    fn command_lines_never_panic_and_name_the_flag(
        args in prop::collection::vec(arg(), 0..8)
    ) {
        // (Code 0: `--help` or `-h` came up, and the message is the help text.)
        if let Err(e) = cli::parse_toy(&args) {
            prop_assert!(e.code == 0 || (e.message.contains('`') && e.code == 2), "{}", e.message);
        }
        if let Err(e) = cli::fashion::parse(&args) {
            prop_assert!(e.code == 0 || e.message.contains('`'), "{}", e.message);
        }
        if let Err(e) = cli::parse_one_hidden_layer(&args) {
            prop_assert!(e.code == 0 || e.message.contains('`'), "{}", e.message);
        }
    }

    #[test]
    fn basin_gradient_matches_finite_differences(
        w0 in -3.0..3.0f64, w1 in -3.0..3.0f64, x0 in -0.5..0.5f64, x1 in -0.5..0.5f64,
    ) {
        let (w, x) = ([w0, w1], [x0, x1]);
        let e = sample_eval(w, x);
        let h = 1e-6;
        for i in 0..2 {
            let (mut up, mut down) = (w, w);
            up[i] += h;
            down[i] -= h;
            let (a, b) = (sample_eval(up, x), sample_eval(down, x));
            // Only where both sides are on the same branch (the loss is a min of two bowls).
            if a.branch == e.branch && b.branch == e.branch {
                let fd = (a.loss - b.loss) / (2.0 * h);
                prop_assert!((fd - e.grad[i]).abs() <= 1e-5 * (1.0 + e.grad[i].abs()),
                    "d/dw{i}: {fd} vs {}", e.grad[i]);
            }
        }
    }

    #[test]
    fn basin_loss_and_stats_are_finite_on_the_whole_bounded_domain(
        w0 in -DIVERGENCE_BOUND..DIVERGENCE_BOUND,
        w1 in -DIVERGENCE_BOUND..DIVERGENCE_BOUND,
        spread in 0.0..10.0f64, n in 1usize..20, seed in any::<u32>(),
        lr in 1e-6..1.0f64, trace in 0.0..10.0f64, m in 1usize..20,
    ) {
        let mut data = vec![[0.0; 2]; n];
        sgd_escape::landscape::basin::draw_data(&mut Rng::for_stream(seed as u64, &[]), spread, &mut data);
        let w = [w0, w1];
        prop_assert!(mean_loss(w, &data).is_finite() && mean_loss(w, &data) >= 0.0);
        let s = point_stats(w, &data);
        prop_assert!(s.grad.iter().all(|g| g.is_finite()));
        let p = NoiseParams { lr, noise_trace: trace, batch_size: m.min(n) };
        for method in Method::ALL {
            let cov = covariance_2d(method, &s, &p);
            let eig = cov.eigen();
            // A covariance: finite, symmetric by construction, positive semi-definite.
            prop_assert!(eig.values.iter().all(|v| v.is_finite()), "{method:?} {cov:?}");
            prop_assert!(eig.values[1] >= -1e-9 * (1.0 + eig.values[0].abs()), "{method:?} {eig:?}");
            let z = eig.sample([1.0, -1.0]);
            prop_assert!(z.iter().all(|v| v.is_finite()));
        }
    }

    #[test]
    fn sym2_eigen_reconstructs_the_matrix(xx in -1e3..1e3f64, xy in -1e3..1e3f64, yy in -1e3..1e3f64) {
        let a = Sym2 { xx, xy, yy };
        let e = a.eigen();
        let scale = 1.0 + xx.abs() + xy.abs() + yy.abs();
        let rebuilt = Sym2::outer(e.vectors[0]).scale(e.values[0])
            .add(&Sym2::outer(e.vectors[1]).scale(e.values[1]));
        for (got, want) in [(rebuilt.xx, xx), (rebuilt.xy, xy), (rebuilt.yy, yy)] {
            prop_assert!((got - want).abs() <= 1e-9 * scale, "{a:?} -> {e:?}");
        }
        prop_assert!(e.values[0] >= e.values[1]);
    }

    #[test]
    fn mlp_hessian_is_symmetric_and_matches_gradient_differences(
        seed in any::<u32>(), n in 1usize..6, hidden in 1usize..5,
    ) {
        let mlp = Mlp::new(&[3, hidden, 3]);
        let mut rng = Rng::for_stream(seed as u64, &[1]);
        let theta = mlp.init(&mut rng, 0.5);
        let inputs: Vec<f32> = (0..n * 3).map(|_| rng.normal() as f32).collect();
        let labels: Vec<u8> = (0..n).map(|_| rng.index(3) as u8).collect();
        let d = mlp.parameter_count();
        let mut ws = mlp.workspace();
        let u: Vec<f32> = (0..d).map(|_| rng.normal() as f32).collect();
        let v: Vec<f32> = (0..d).map(|_| rng.normal() as f32).collect();
        let (mut hu, mut hv) = (vec![0.0f32; d], vec![0.0f32; d]);
        mlp.hvp(&theta, &inputs, &labels, &u, &mut hu, &mut ws);
        mlp.hvp(&theta, &inputs, &labels, &v, &mut hv, &mut ws);
        let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum::<f64>();
        let (vhu, uhv) = (dot(&v, &hu), dot(&u, &hv));
        let norm = dot(&hu, &hu).sqrt() * dot(&v, &v).sqrt() + 1e-6;
        prop_assert!((vhu - uhv).abs() <= 1e-4 * norm, "v.Hu {vhu} vs u.Hv {uhv}");
        // H u against central differences of the gradient along the unit vector u / |u|.
        // A ReLU switching inside the difference interval makes the quotient meaningless:
        // such cases are detected (two step sizes disagree) and skipped, not counted.
        let norm_u = dot(&u, &u).sqrt() as f32;
        let quotient = |eps: f32| -> Vec<f64> {
            let grad_at = |sign: f32| -> Vec<f32> {
                let t: Vec<f32> =
                    theta.iter().zip(&u).map(|(a, b)| a + sign * eps * b / norm_u).collect();
                let mut g = vec![0.0f32; d];
                let mut ws = mlp.workspace();
                mlp.loss_grad(&t, &inputs, &labels, &mut g, &mut ws);
                g
            };
            let (gp, gm) = (grad_at(1.0), grad_at(-1.0));
            gp.iter().zip(&gm).map(|(a, b)| (*a as f64 - *b as f64) / (2.0 * eps as f64)).collect()
        };
        let (coarse, fine) = (quotient(2e-2), quotient(1e-2));
        let dist = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>().sqrt();
        let size = |a: &[f64]| a.iter().map(|x| x * x).sum::<f64>().sqrt();
        prop_assume!(dist(&coarse, &fine) <= 0.02 * size(&fine) + 1e-3, "a ReLU kink in range");
        let hu_unit: Vec<f64> = hu.iter().map(|&x| x as f64 / norm_u as f64).collect();
        prop_assert!(dist(&fine, &hu_unit) <= 0.02 * size(&hu_unit) + 2e-3,
            "|fd - Hu| = {}, |Hu| = {}", dist(&fine, &hu_unit), size(&hu_unit));
        let mut g = vec![0.0f32; d];
        prop_assert!(mlp.loss_grad(&theta, &inputs, &labels, &mut g, &mut ws).is_finite());
    }

    #[test]
    fn ensembles_stay_finite_and_account_for_every_run(
        lr in 1e-4..1.0f64, trace in 0.0..10.0f64, spread in 0.0..10.0f64,
        samples in 1usize..8, seed in any::<u32>(), steps in 1u64..60,
    ) {
        let config = ToyConfig { runs: 3, lr, noise_trace: trace, data_spread: spread, samples,
            seed, ..ToyConfig::default() };
        let mut e = ToyEnsemble::new(config);
        e.step(steps);
        for m in Method::ALL {
            let o = e.outcome(m).unwrap();
            prop_assert_eq!(o.escaped + o.stayed + o.diverged, 3);
            prop_assert!(e.positions(m).unwrap().iter().all(|x| x.is_finite()));
            prop_assert!(e.mean_loss_curve(m).unwrap().iter().all(|x| x.is_finite()));
        }
    }
}
