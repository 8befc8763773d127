//! Summary statistics for claims that compare methods over seeds: mean, sample sd and n, and
//! the paired difference of two methods run on the same seeds with its 95% Student-t interval.

use serde::{Deserialize, Serialize};

/// Mean, sample standard deviation (n - 1 in the denominator; 0 for n = 1) and count.
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

/// A paired difference (a - b over common seeds) with its 95% t-interval.
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
}

impl PairedDifference {
    /// Whether the interval excludes zero (with n >= 2: a single pair never does).
    pub fn excludes_zero(&self) -> bool {
        self.n >= 2 && (self.ci_low > 0.0 || self.ci_high < 0.0)
    }
}

/// The paired difference of `pairs` (a_i, b_i): mean of a_i - b_i, and mean +- t_{0.975, n-1}
/// sd / sqrt(n). None when there are no pairs.
pub fn paired_difference(pairs: &[(f64, f64)]) -> Option<PairedDifference> {
    let diffs: Vec<f64> = pairs.iter().map(|(a, b)| a - b).collect();
    let s = summarize(&diffs)?;
    let half = if s.n >= 2 {
        t_quantile_975(s.n - 1) * s.sd / (s.n as f64).sqrt()
    } else {
        0.0
    };
    Some(PairedDifference {
        mean: s.mean,
        ci_low: s.mean - half,
        ci_high: s.mean + half,
        n: s.n,
    })
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (the half-width factor of a
/// two-sided 95% interval): exact tabulated values (to 4 decimals) for df <= 30, the
/// Cornish-Fisher expansion about the normal quantile beyond (error below 1e-4 there).
///
/// # Panics
/// If `df` is 0.
pub fn t_quantile_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010,
        2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739,
        2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
    ];
    assert!(df > 0, "t quantile needs at least one degree of freedom");
    if df <= TABLE.len() {
        return TABLE[df - 1];
    }
    let z = 1.959_963_984_540_054_f64;
    let n = df as f64;
    let g1 = (z.powi(3) + z) / 4.0;
    let g2 = (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0;
    let g3 = (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0;
    z + g1 / n + g2 / (n * n) + g3 / (n * n * n)
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
    fn t_quantiles_match_published_values_and_join_smoothly() {
        assert_eq!(t_quantile_975(1), 12.7062);
        assert_eq!(t_quantile_975(2), 4.3027);
        assert_eq!(t_quantile_975(4), 2.7764);
        // Beyond the table: published values for df = 40, 60, 120 (2.0211, 2.0003, 1.9799).
        for (df, want) in [(40, 2.0211), (60, 2.0003), (120, 1.9799), (31, 2.0395)] {
            assert!((t_quantile_975(df) - want).abs() < 2e-4, "{df}");
        }
        assert!((t_quantile_975(1_000_000) - 1.96).abs() < 1e-3);
    }

    #[test]
    fn paired_interval_on_known_pairs() {
        // Differences 1, 2, 3: mean 2, sd 1, half-width t(2) / sqrt 3.
        let d = paired_difference(&[(11.0, 10.0), (7.0, 5.0), (3.0, 0.0)]).unwrap();
        let half = 4.3027 / 3f64.sqrt();
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
