//! Issue 13's theory, tested natively: the sweep's monotone relation within statistical bands,
//! and the indicator's k-step prediction against the ensemble's measured mean loss.
#![cfg(not(target_arch = "wasm32"))]

use sgd_escape::config::ToyConfig;
use sgd_escape::dynamics::ToyEnsemble;
use sgd_escape::noise::Method;
use sgd_escape::sweep::{SweepConfig, Vary};

#[test]
fn the_escape_fraction_falls_as_the_noise_turns_away_from_the_sharp_axis() {
    let mut c = SweepConfig::new(Vary::Angle);
    c.points = 4; // 0, 30, 60, 90 degrees
    c.toy.runs = 1000;
    c.toy.seed = 7;
    c.validate().unwrap();
    let report = c.run(|_, _| {});
    let f: Vec<f64> = report.points.iter().map(|p| p.escape_fraction()).collect();
    let n = c.toy.runs as f64;
    // Binomial standard error of a difference of two fractions (independent draws; the points
    // share their random numbers, which only makes the real error smaller).
    let se_diff = |a: f64, b: f64| ((a * (1.0 - a) + b * (1.0 - b)) / n).sqrt();
    for w in f.windows(2) {
        assert!(
            w[1] <= w[0] + 3.0 * se_diff(w[0], w[1]) + 1e-12,
            "the escape fraction rose with the angle: {f:?}"
        );
    }
    // And it falls for real: aligned noise escapes far more than noise at 60 degrees.
    assert!(
        f[0] - f[2] > 5.0 * se_diff(f[0], f[2]),
        "no clear fall from 0 to 60 degrees: {f:?}"
    );
    // The indicator falls with the angle too, so its rank correlation with the escape
    // fraction is positive.
    assert!(report.spearman.unwrap() > 0.5, "{report:?}");
    for p in &report.points {
        assert_eq!(p.escaped + p.stayed + p.diverged, p.runs);
    }
}

#[test]
fn the_k_step_prediction_matches_the_measured_mean_loss_over_the_first_steps() {
    let runs = 2000;
    let mut e = ToyEnsemble::new(ToyConfig {
        runs,
        seed: 5,
        methods: vec![Method::GldConst, Method::GldHessian, Method::GldEigvec],
        ..ToyConfig::default()
    });
    // The prediction is the quadratic sharp bowl's: it holds until runs start crossing the
    // barrier (a crossing run carries the flat bowl's high loss for a long time), which
    // aligned noise of trace 0.01 does within ~10 steps at the 2.6 sd it needs.
    let steps = 5;
    e.step(20);
    for &m in &e.config().methods.clone() {
        let p = e.loss_prediction(m, steps).unwrap();
        assert_eq!(p.iterations.len(), steps as usize + 1);
        for k in 1..=steps as usize {
            let (measured, sd) = (p.measured[k].unwrap(), p.measured_sd[k].unwrap());
            // The mean of `runs` losses: 4 standard errors, plus f32 storage and the start's
            // tiny deterministic drift (the data shift each run's minimum by ~0.01).
            let band = 4.0 * sd / (runs as f64).sqrt() + 2e-3;
            assert!(
                (measured - p.predicted[k]).abs() <= band,
                "{m:?} at step {k}: measured {measured}, predicted {} (band {band})",
                p.predicted[k]
            );
        }
    }
    assert!(e.loss_prediction(Method::Sgd, 3).is_none());
}
