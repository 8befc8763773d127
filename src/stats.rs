//! Summary statistics for claims that compare methods over seeds: mean, sample sd and n, the
//! paired difference of two methods run on the same seeds with its 95% Student-t interval and
//! its paired t-test's p-value, and Holm's correction of several such p-values (a claim that
//! rests on several comparisons must not count one lucky interval among them).

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean, sample standard deviation (n - 1 in the denominator; 0 for n = 1, a placeholder the
/// reports never print as a spread) and count.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The mean.
    pub mean: f64,
    /// The sample standard deviation.
    pub sd: f64,
    /// The number of values.
    pub n: usize,
}

/// The summary of `values` (None when empty).
pub fn summarize(values: &[f64]) -> Option<Summary> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = if n >= 2 {
        (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    Some(Summary { mean, sd, n })
}

/// A paired difference (a - b over common seeds) with its 95% t-interval and the two-sided
/// p-value of the paired t-test of "no difference".
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PairedDifference {
    /// The mean difference.
    pub mean: f64,
    /// The lower end of the 95% interval (equal to `mean` when n < 2: no interval).
    pub ci_low: f64,
    /// The upper end of the 95% interval.
    pub ci_high: f64,
    /// The number of pairs.
    pub n: usize,
    /// The two-sided p-value of the paired t-test (None when n < 2). It is below 0.05 exactly
    /// when the 95% interval excludes 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
}

impl PairedDifference {
    /// Whether the interval excludes zero (with n >= 2: a single pair never does).
    pub fn excludes_zero(&self) -> bool {
        self.n >= 2 && (self.ci_low > 0.0 || self.ci_high < 0.0)
    }
}

/// The paired difference of `pairs` (a_i, b_i): mean of a_i - b_i, mean +- t_{0.975, n-1}
/// sd / sqrt(n), and the paired t-test's two-sided p-value. None when there are no pairs.
pub fn paired_difference(pairs: &[(f64, f64)]) -> Option<PairedDifference> {
    let diffs: Vec<f64> = pairs.iter().map(|(a, b)| a - b).collect();
    let s = summarize(&diffs)?;
    if s.n < 2 {
        return Some(PairedDifference {
            mean: s.mean,
            ci_low: s.mean,
            ci_high: s.mean,
            n: s.n,
            p_value: None,
        });
    }
    let se = s.sd / (s.n as f64).sqrt();
    let half = t_quantile_975(s.n - 1) * se;
    // Identical differences (sd 0): no doubt about the sign when the mean is not 0.
    let p = if se > 0.0 {
        2.0 * student_t(s.n - 1).sf(s.mean.abs() / se)
    } else if s.mean == 0.0 {
        1.0
    } else {
        0.0
    };
    Some(PairedDifference {
        mean: s.mean,
        ci_low: s.mean - half,
        ci_high: s.mean + half,
        n: s.n,
        p_value: Some(p),
    })
}

/// Student's t with `df` degrees of freedom (statrs).
fn student_t(df: usize) -> StudentsT {
    // Location 0, scale 1 and a positive df are always valid parameters.
    StudentsT::new(0.0, 1.0, df.max(1) as f64).expect("standard Student t")
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (the half-width factor of a
/// two-sided 95% interval). `df` 0 is read as 1: a caller with fewer than 2 values has no
/// interval and never asks.
pub fn t_quantile_975(df: usize) -> f64 {
    student_t(df).inverse_cdf(0.975)
}

/// Holm's step-down adjustment of the p-values of a family of tests: the i-th smallest is
/// multiplied by (m - i) (i from 0), capped at 1, and made non-decreasing in that order. A
/// test is significant at level alpha after the correction exactly when its adjusted p-value
/// is below alpha; the family-wise error rate is then at most alpha whatever the dependence
/// between the tests. The result is in the order of `p`.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_known_values() {
        let s = summarize(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(s.n, 4);
        assert!((s.mean - 2.5).abs() < 1e-15);
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(summarize(&[7.0]).unwrap().sd, 0.0);
        assert!(summarize(&[]).is_none());
    }

    #[test]
    fn t_quantiles_match_published_values() {
        // Published 97.5% quantiles (to 4 decimals).
        for (df, want) in [
            (1, 12.7062),
            (2, 4.3027),
            (4, 2.7764),
            (30, 2.0423),
            (31, 2.0395),
            (40, 2.0211),
            (60, 2.0003),
            (120, 1.9799),
        ] {
            assert!((t_quantile_975(df) - want).abs() < 1e-4, "{df}");
        }
        assert!((t_quantile_975(1_000_000) - 1.96).abs() < 1e-3);
    }

    #[test]
    fn p_values_match_published_values_and_the_interval() {
        // Differences 1, 2, 3: t = 2 / (1 / sqrt 3) = 3.4641 on 2 df, two-sided p = 0.0742
        // (R: 2 * pt(-sqrt(12), 2)).
        let d = paired_difference(&[(11.0, 10.0), (7.0, 5.0), (3.0, 0.0)]).unwrap();
        assert!((d.p_value.unwrap() - 0.074180).abs() < 1e-5);
        // Below 0.05 exactly when the 95% interval excludes 0, on both sides of the boundary.
        for shift in [0.9, 1.0, 1.1, 1.5, 2.0, 2.5, 3.0] {
            let pairs = [(shift + 0.5, 0.0), (shift, 0.0), (shift - 0.2, 0.0)];
            let d = paired_difference(&pairs).unwrap();
            assert_eq!(d.p_value.unwrap() < 0.05, d.excludes_zero(), "{shift}");
        }
        assert_eq!(paired_difference(&[(2.0, 1.0)]).unwrap().p_value, None);
        let same = paired_difference(&[(1.0, 1.0), (2.0, 2.0)]).unwrap();
        assert_eq!(same.p_value, Some(1.0));
        let sure = paired_difference(&[(2.0, 1.0), (3.0, 2.0)]).unwrap();
        assert_eq!(sure.p_value, Some(0.0));
        assert!(sure.excludes_zero());
    }

    #[test]
    fn holm_matches_a_worked_example() {
        // p = 0.01, 0.04, 0.03, 0.005 (m = 4): sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1
        // gives 0.02, 0.03, 0.06, 0.04, made monotone: 0.02, 0.03, 0.06, 0.06 (as R's
        // p.adjust(method = "holm")).
        let adjusted = holm(&[0.01, 0.04, 0.03, 0.005]);
        let want = [0.03, 0.06, 0.06, 0.02];
        for (a, w) in adjusted.iter().zip(want) {
            assert!((a - w).abs() < 1e-12, "{adjusted:?}");
        }
        assert_eq!(holm(&[0.5, 0.9]), vec![1.0, 1.0]);
        assert_eq!(holm(&[0.02]), vec![0.02]);
        assert!(holm(&[]).is_empty());
    }

    #[test]
    fn paired_interval_on_known_pairs() {
        // Differences 1, 2, 3: mean 2, sd 1, half-width t(2) / sqrt 3.
        let d = paired_difference(&[(11.0, 10.0), (7.0, 5.0), (3.0, 0.0)]).unwrap();
        let half = t_quantile_975(2) / 3f64.sqrt();
        assert!((d.mean - 2.0).abs() < 1e-15);
        assert!((d.ci_low - (2.0 - half)).abs() < 1e-12);
        assert!((d.ci_high - (2.0 + half)).abs() < 1e-12);
        assert!(!d.excludes_zero());
        let one = paired_difference(&[(2.0, 1.0)]).unwrap();
        assert!(!one.excludes_zero() && one.ci_low == one.ci_high);
        let clear = paired_difference(&[(2.0, 1.0), (2.1, 1.0), (1.9, 1.0)]).unwrap();
        assert!(clear.excludes_zero());
    }

    #[test]
    fn the_interval_covers_about_95_percent() {
        // Coverage by simulation: normal differences of mean 0.3, n = 4.
        let mut rng = crate::rng::Rng::for_stream(11, &[]);
        let trials = 4000;
        let mut covered = 0;
        for _ in 0..trials {
            let pairs: Vec<(f64, f64)> = (0..4).map(|_| (0.3 + rng.normal(), 0.0)).collect();
            let d = paired_difference(&pairs).unwrap();
            covered += (d.ci_low <= 0.3 && 0.3 <= d.ci_high) as usize;
        }
        let rate = covered as f64 / trials as f64;
        // Binomial sd at 0.95 with 4000 trials: 0.0034.
        assert!((rate - 0.95).abs() < 0.015, "coverage {rate}");
    }
}
