//! The paper's escape indicator and its isotropic reference (docs/protocols.md 2).
//!
//! Tr(H Sigma) is the rate at which noise of covariance Sigma raises the loss at a minimum
//! with Hessian H: one step from the minimum raises the expected loss by exactly
//! 1/2 Tr(H Sigma). Isotropic noise of the same total variance scores Tr H Tr Sigma / D, so the
//! ratio of the two says how much the noise's shape helps it escape. The projection
//! coefficient a_hat = u1^T Sigma u1 Tr H / (lambda_1 Tr Sigma) measures the alignment the
//! paper's second condition asks for.

use crate::linalg::Sym2;
use serde::Serialize;

/// The indicator of one noise at one point, averaged over an ensemble's data draws.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Indicator {
    /// First coordinate of the point.
    pub w1: f64,
    /// Second coordinate of the point.
    pub w2: f64,
    /// Tr(H Sigma), the escape indicator.
    pub tr_h_sigma: f64,
    /// Tr H Tr Sigma / D: the indicator of isotropic noise with the same trace.
    pub tr_h_sigma_iso: f64,
    /// tr_h_sigma / tr_h_sigma_iso; `None` when the reference is zero (no noise or H = 0).
    pub ratio: Option<f64>,
    /// Tr Sigma, the total noise variance.
    pub tr_sigma: f64,
    /// Tr H.
    pub tr_h: f64,
    /// The largest eigenvalue of H.
    pub lambda1: f64,
    /// The smallest eigenvalue of H.
    pub lambda2: f64,
    /// The projection coefficient a_hat; `None` without noise or without positive curvature.
    pub a_hat: Option<f64>,
    /// 2 / lambda1, the largest learning rate at which GD is stable here (`None` without
    /// positive curvature): beyond it even noiseless steps overshoot and are thrown out of the
    /// basin, so an escape says nothing about the noise.
    pub gd_stable_lr: Option<f64>,
}

/// 2 / `lambda1`, the stability limit of GD's learning rate on a quadratic with top
/// curvature `lambda1`; `None` when the curvature is not positive (GD is then never unstable).
pub fn gd_stable_lr(lambda1: f64) -> Option<f64> {
    (lambda1 > 0.0 && lambda1.is_finite()).then(|| 2.0 / lambda1)
}

/// The isotropic reference Tr H Tr Sigma / D in 2-D.
pub fn isotropic_reference(h: &Sym2, sigma: &Sym2) -> f64 {
    h.trace() * sigma.trace() / 2.0
}

/// a_hat = u1^T Sigma u1 Tr H / (lambda_1 Tr Sigma), or `None` when undefined.
pub fn projection_coefficient(h: &Sym2, sigma: &Sym2) -> Option<f64> {
    let e = h.eigen();
    let (lambda1, tr_sigma) = (e.values[0], sigma.trace());
    if lambda1 > 0.0 && tr_sigma > 0.0 {
        Some(sigma.quadratic_form(e.vectors[0]) * h.trace() / (lambda1 * tr_sigma))
    } else {
        None
    }
}

/// The expected loss increase after `k` noisy GD steps from a minimum of the quadratic with
/// Hessian `h`, under noise `sigma` and learning rate `lr`:
/// 1/2 Tr(H sum_{j<k} A^j Sigma A^j) with A = I - lr H (exact for a quadratic).
pub fn predicted_loss_increase(h: &Sym2, sigma: &Sym2, lr: f64, k: u64) -> f64 {
    let a = Sym2::scaled_identity(1.0).add(&h.scale(-lr));
    let mut term = *sigma;
    let mut sum = Sym2::ZERO;
    for _ in 0..k {
        sum = sum.add(&term);
        term = term.congruence(&a);
    }
    0.5 * h.trace_product(&sum)
}

/// [`predicted_loss_increase`] for k = 0, 1, ..., `steps` in one pass (entry k is the
/// expected increase after k steps).
pub fn predicted_loss_series(h: &Sym2, sigma: &Sym2, lr: f64, steps: u64) -> Vec<f64> {
    let a = Sym2::scaled_identity(1.0).add(&h.scale(-lr));
    let mut term = *sigma;
    let mut sum = Sym2::ZERO;
    let mut out = Vec::with_capacity(steps as usize + 1);
    out.push(0.0);
    for _ in 0..steps {
        sum = sum.add(&term);
        term = term.congruence(&a);
        out.push(0.5 * h.trace_product(&sum));
    }
    out
}

/// The continuous-time (Ornstein-Uhlenbeck) prediction 1/4 Tr((I - exp(-2 H t)) Sigma), for a
/// time `t` = lr x iterations; its small-t slope is 1/2 Tr(H Sigma).
pub fn ou_loss_increase(h: &Sym2, sigma: &Sym2, t: f64) -> f64 {
    let e = h.eigen();
    (0..2)
        .map(|i| {
            let damp = -libm::expm1(-2.0 * e.values[i] * t);
            0.25 * damp * sigma.quadratic_form(e.vectors[i])
        })
        .sum()
}

/// Averages the indicator over the data draws of an ensemble: Tr(H_r Sigma_r) and the
/// reference are averaged run by run (each is an expected loss increase); the spectrum and
/// a_hat are those of the mean H and mean Sigma.
#[derive(Clone, Debug, Default)]
pub struct IndicatorSum {
    count: usize,
    tr_h_sigma: f64,
    tr_h_sigma_iso: f64,
    h: Sym2,
    sigma: Sym2,
}

impl IndicatorSum {
    /// Adds one data draw's Hessian and noise covariance.
    pub fn add(&mut self, h: &Sym2, sigma: &Sym2) {
        self.count += 1;
        self.tr_h_sigma += h.trace_product(sigma);
        self.tr_h_sigma_iso += isotropic_reference(h, sigma);
        self.h = self.h.add(h);
        self.sigma = self.sigma.add(sigma);
    }

    /// The mean Hessian and mean noise covariance so far.
    pub fn means(&self) -> (Sym2, Sym2) {
        let n = self.count.max(1) as f64;
        (self.h.scale(1.0 / n), self.sigma.scale(1.0 / n))
    }

    /// The averaged indicator at point `w`.
    pub fn finish(&self, w: [f64; 2]) -> Indicator {
        let n = self.count.max(1) as f64;
        let (h, sigma) = self.means();
        let (tr_h_sigma, tr_h_sigma_iso) = (self.tr_h_sigma / n, self.tr_h_sigma_iso / n);
        let e = h.eigen();
        Indicator {
            w1: w[0],
            w2: w[1],
            tr_h_sigma,
            tr_h_sigma_iso,
            ratio: (tr_h_sigma_iso > 0.0).then(|| tr_h_sigma / tr_h_sigma_iso),
            tr_sigma: sigma.trace(),
            tr_h: h.trace(),
            lambda1: e.values[0],
            lambda2: e.values[1],
            a_hat: projection_coefficient(&h, &sigma),
            gd_stable_lr: gd_stable_lr(e.values[0]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    const H: Sym2 = Sym2 {
        xx: 110.0,
        xy: 90.0,
        yy: 110.0,
    };

    #[test]
    fn one_step_from_a_minimum_raises_the_loss_by_half_tr_h_sigma_monte_carlo() {
        // On L(w) = 1/2 w^T H w, one noisy GD step from w = 0 gives w = eps.
        let sigma = Sym2 {
            xx: 0.004,
            xy: 0.003,
            yy: 0.006,
        };
        let e = sigma.eigen();
        let mut rng = Rng::for_stream(21, &[]);
        let n = 400_000;
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for _ in 0..n {
            let eps = e.sample([rng.normal(), rng.normal()]);
            let rise = 0.5 * H.quadratic_form(eps);
            sum += rise;
            sum_sq += rise * rise;
        }
        let nf = n as f64;
        let mean = sum / nf;
        let se = ((sum_sq / nf - mean * mean) / nf).sqrt();
        let exact = predicted_loss_increase(&H, &sigma, 0.005, 1);
        assert!((exact - 0.5 * H.trace_product(&sigma)).abs() < 1e-15);
        assert!(
            (mean - exact).abs() < 5.0 * se,
            "{mean} vs {exact} (se {se})"
        );
    }

    #[test]
    fn k_steps_match_monte_carlo_of_noisy_gd_on_a_quadratic() {
        let sigma = Sym2 {
            xx: 0.005,
            xy: 0.0,
            yy: 0.005,
        };
        let (lr, k) = (0.005, 4);
        let e = sigma.eigen();
        let mut rng = Rng::for_stream(22, &[]);
        let n = 200_000;
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for _ in 0..n {
            let mut w = [0.0, 0.0];
            for _ in 0..k {
                let g = H.apply(w);
                let eps = e.sample([rng.normal(), rng.normal()]);
                w = [w[0] - lr * g[0] + eps[0], w[1] - lr * g[1] + eps[1]];
            }
            let rise = 0.5 * H.quadratic_form(w);
            sum += rise;
            sum_sq += rise * rise;
        }
        let nf = n as f64;
        let mean = sum / nf;
        let se = ((sum_sq / nf - mean * mean) / nf).sqrt();
        let exact = predicted_loss_increase(&H, &sigma, lr, k);
        assert!(
            (mean - exact).abs() < 5.0 * se,
            "{mean} vs {exact} (se {se})"
        );
    }

    #[test]
    fn ou_prediction_has_slope_half_tr_h_sigma() {
        let sigma = Sym2 {
            xx: 0.002,
            xy: 0.001,
            yy: 0.003,
        };
        let t = 1e-7;
        let slope = ou_loss_increase(&H, &sigma, t) / t;
        assert!((slope - 0.5 * H.trace_product(&sigma)).abs() < 1e-4 * slope);
    }

    #[test]
    fn aligned_noise_beats_the_isotropic_reference() {
        let along_top = Sym2::outer([std::f64::consts::FRAC_1_SQRT_2; 2]).scale(0.01);
        let mut s = IndicatorSum::default();
        s.add(&H, &along_top);
        let ind = s.finish([1.0, 1.0]);
        assert!((ind.tr_h_sigma - 2.0).abs() < 1e-12);
        assert!((ind.tr_h_sigma_iso - 1.1).abs() < 1e-12);
        assert!((ind.a_hat.unwrap() - 1.1).abs() < 1e-12); // Tr H / lambda_1 = 220 / 200
        assert_eq!((ind.lambda1, ind.lambda2), (200.0, 20.0));
        let mut none = IndicatorSum::default();
        none.add(&H, &Sym2::ZERO);
        let ind = none.finish([1.0, 1.0]);
        assert_eq!((ind.ratio, ind.a_hat, ind.tr_h_sigma), (None, None, 0.0));
    }

    #[test]
    fn gd_is_stable_below_two_over_lambda1_and_overshoots_beyond() {
        let mut s = IndicatorSum::default();
        s.add(&H, &Sym2::ZERO);
        let limit = s.finish([1.0, 1.0]).gd_stable_lr.unwrap();
        assert!((limit - 0.01).abs() < 1e-15);
        // Noiseless GD from a displaced point: contracts just below the limit, grows beyond.
        let norm_after = |lr: f64| {
            let mut w = [0.3, -0.2];
            for _ in 0..2000 {
                let g = H.apply(w);
                w = [w[0] - lr * g[0], w[1] - lr * g[1]];
            }
            w[0].hypot(w[1])
        };
        assert!(norm_after(0.99 * limit) < 1e-3);
        assert!(norm_after(1.01 * limit) > 1.0);
        assert_eq!(gd_stable_lr(0.0), None);
        assert_eq!(gd_stable_lr(-3.0), None);
    }

    #[test]
    fn the_series_is_the_k_step_prediction_at_every_k() {
        let sigma = Sym2 {
            xx: 0.004,
            xy: 0.003,
            yy: 0.006,
        };
        let series = predicted_loss_series(&H, &sigma, 0.005, 40);
        assert_eq!(series.len(), 41);
        assert_eq!(series[0], 0.0);
        for (k, &v) in series.iter().enumerate().skip(1) {
            assert_eq!(v, predicted_loss_increase(&H, &sigma, 0.005, k as u64));
        }
        assert!((series[1] - 0.5 * H.trace_product(&sigma)).abs() < 1e-15);
    }
}
