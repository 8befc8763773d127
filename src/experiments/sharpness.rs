//! Expected sharpness E_v[L(theta + v)] - L(theta), v ~ N(0, delta^2 I) (the paper's flatness
//! measure, Section 5.3, delta = 0.01), estimated so that it can be trusted and compared:
//!
//! - antithetic pairs: each draw v contributes (L(theta + v) + L(theta - v)) / 2 - L(theta).
//!   For a smooth loss the odd terms of the Taylor series (the gradient term g.v, whose
//!   variance delta^2 |g|^2 swamps the curvature term away from a minimum) cancel exactly,
//!   leaving 1/2 v^T H v + O(delta^4); the pair is still an unbiased draw of the expectation,
//!   since v and -v have the same law;
//! - common random numbers: draw j is a function of (seed, j) only, the same for every method
//!   and every record, so differences between methods and iterations are not blurred by
//!   independent draws;
//! - a standard error with every estimate (the sd of the per-pair values / sqrt(draws)), so no
//!   caption or table ranks two values within their noise.

use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// Stream tag of the sharpness draws (distinct from every experiment's tag).
const SHARPNESS_TAG: u64 = 0x5348_4152; // "SHAR"

/// An expected-sharpness estimate with its standard error.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharpnessEstimate {
    /// The mean of the antithetic pair values.
    pub mean: f64,
    /// Its standard error; NaN with fewer than 2 draws (nothing to estimate it from, and a
    /// 0 would read as an exact value that may be ranked). The settings' schema requires at
    /// least 2 draws, so only a hand-built config meets the NaN.
    pub std_err: f64,
}

/// The standard normal vector of draw `j` for `seed` (common to every method and record).
pub fn draw_direction(seed: u64, j: usize, out: &mut [f32]) {
    let mut rng = Rng::for_stream(seed, &[SHARPNESS_TAG, j as u64]);
    for o in out.iter_mut() {
        *o = rng.normal() as f32;
    }
}

/// The antithetic estimate at `theta` with `draws` pairs of perturbations of sd `delta`;
/// `loss` evaluates the training loss at a point (called 2 draws + 1 times). With fewer than
/// 2 draws the standard error is NaN (and with none the mean too), never a claimed 0.
pub fn expected_sharpness(
    theta: &[f32],
    delta: f32,
    draws: usize,
    seed: u64,
    mut loss: impl FnMut(&[f32]) -> f64,
) -> SharpnessEstimate {
    let base = loss(theta);
    let mut v = vec![0.0f32; theta.len()];
    let mut point = vec![0.0f32; theta.len()];
    let (mut sum, mut sum_sq) = (0.0f64, 0.0f64);
    for j in 0..draws {
        draw_direction(seed, j, &mut v);
        for ((p, &t), &x) in point.iter_mut().zip(theta).zip(&v) {
            *p = t + delta * x;
        }
        let plus = loss(&point);
        for ((p, &t), &x) in point.iter_mut().zip(theta).zip(&v) {
            *p = t - delta * x;
        }
        let minus = loss(&point);
        let value = 0.5 * (plus + minus) - base;
        sum += value;
        sum_sq += value * value;
    }
    let n = draws as f64;
    let mean = if draws >= 1 { sum / n } else { f64::NAN };
    let std_err = if draws >= 2 {
        ((sum_sq - n * mean * mean).max(0.0) / (n - 1.0) / n).sqrt()
    } else {
        f64::NAN
    };
    SharpnessEstimate { mean, std_err }
}

/// Whether two estimates differ by more than `k` standard errors of their difference (the
/// estimates share their draws, so the SE of the difference is at most the sum of the SEs;
/// this uses that bound, erring towards "cannot tell").
pub fn clearly_different(a: SharpnessEstimate, b: SharpnessEstimate, k: f64) -> bool {
    (a.mean - b.mean).abs() > k * (a.std_err + b.std_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// L(t) = 1/2 t^T H t + g.t with H = diag(h): the expectation is delta^2 / 2 Tr H exactly.
    fn quadratic<'a>(h: &'a [f64], g: &'a [f64]) -> impl Fn(&[f32]) -> f64 + 'a {
        move |t: &[f32]| {
            t.iter()
                .zip(h.iter().zip(g))
                .map(|(&t, (&h, &g))| 0.5 * h * (t as f64).powi(2) + g * t as f64)
                .sum()
        }
    }

    #[test]
    fn antithetic_estimate_is_unbiased_on_a_quadratic_and_its_se_is_honest() {
        let dim = 50;
        let h: Vec<f64> = (0..dim)
            .map(|i| 1.0 + 10.0 * (i as f64) / dim as f64)
            .collect();
        // A large gradient: without the antithetic pairs it would dominate the variance.
        let g = vec![100.0; dim];
        let theta: Vec<f32> = (0..dim).map(|i| 0.01 * i as f32).collect();
        let delta = 0.1f32;
        let exact = 0.5 * (delta as f64).powi(2) * h.iter().sum::<f64>();
        let loss = quadratic(&h, &g);
        // Many independent estimates (different seeds): their mean is the exact value within
        // its own standard error, and the reported SEs match the spread of the estimates.
        let reps = 400;
        let draws = 20;
        let mut estimates = Vec::new();
        let mut ses = Vec::new();
        for seed in 0..reps {
            let e = expected_sharpness(&theta, delta, draws, seed, &loss);
            estimates.push(e.mean);
            ses.push(e.std_err);
        }
        let mean = estimates.iter().sum::<f64>() / reps as f64;
        let spread =
            (estimates.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (reps - 1) as f64).sqrt();
        let se_of_mean = spread / (reps as f64).sqrt();
        assert!(
            (mean - exact).abs() < 4.0 * se_of_mean,
            "mean {mean} vs exact {exact} (se {se_of_mean})"
        );
        // The RMS of the reported SEs estimates the true sd of one estimate.
        let rms_se = (ses.iter().map(|s| s * s).sum::<f64>() / reps as f64).sqrt();
        assert!(
            (rms_se / spread - 1.0).abs() < 0.15,
            "reported SE {rms_se} vs actual spread {spread}"
        );
        // The exact sd of one pair value: 1/2 v^T H v has variance delta^4 / 2 sum h_i^2.
        let pair_sd = (0.5 * (delta as f64).powi(4) * h.iter().map(|x| x * x).sum::<f64>()).sqrt();
        let want = pair_sd / (draws as f64).sqrt();
        assert!((spread / want - 1.0).abs() < 0.15, "{spread} vs {want}");
    }

    #[test]
    fn draws_are_common_to_every_caller_and_fewer_than_two_draws_have_no_se() {
        let h = vec![2.0; 8];
        let g = vec![0.0; 8];
        let loss = quadratic(&h, &g);
        let theta = vec![0.5f32; 8];
        let a = expected_sharpness(&theta, 0.01, 5, 3, &loss);
        let b = expected_sharpness(&theta, 0.01, 5, 3, &loss);
        assert_eq!(a, b);
        // The first 5 of 10 draws are the 5 draws: common random numbers across settings.
        let (mut x, mut y) = (vec![0.0f32; 8], vec![0.0f32; 8]);
        draw_direction(3, 4, &mut x);
        draw_direction(3, 4, &mut y);
        assert_eq!(x, y);
        draw_direction(3, 5, &mut y);
        assert_ne!(x, y);
        let one = expected_sharpness(&theta, 0.01, 1, 3, &loss);
        assert!(
            one.std_err.is_nan(),
            "no error from one draw: {}",
            one.std_err
        );
        assert!(one.mean > 0.0);
        let none = expected_sharpness(&theta, 0.01, 0, 3, &loss);
        assert!(none.mean.is_nan() && none.std_err.is_nan());
        // An unknown error never separates two estimates.
        let two = expected_sharpness(&theta, 0.01, 2, 3, &loss);
        assert!(two.std_err > 0.0 && two.std_err.is_finite());
        let far = SharpnessEstimate {
            mean: one.mean + 1e6,
            std_err: 0.0,
        };
        assert!(!clearly_different(one, far, 2.0));
    }

    #[test]
    fn clearly_different_needs_the_gap_beyond_k_standard_errors() {
        let a = SharpnessEstimate {
            mean: 1.0,
            std_err: 0.1,
        };
        let b = SharpnessEstimate {
            mean: 1.3,
            std_err: 0.1,
        };
        assert!(!clearly_different(a, b, 2.0));
        assert!(clearly_different(a, b, 1.0));
    }
}
