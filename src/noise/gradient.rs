//! Gradient noise in D dimensions: the covariances of the MLP experiment, held in forms that
//! never need a D x D matrix (D is about 11,000).
//!
//! In the FashionMNIST scripts of the paper the noise is added to the gradient,
//! theta <- theta - lr (grad L + xi), so the parameter noise is lr^2 Cov(xi).

use crate::linalg::{dot_f64, EigenPairs};
use crate::rng::Rng;

/// The covariance of the gradient noise xi of one method, in a form cheap to sample.
#[derive(Clone, Debug, PartialEq)]
pub enum GradientNoise {
    /// No noise (GD, and SGD, whose noise is its minibatch).
    None,
    /// sd^2 I.
    Isotropic {
        /// Standard deviation of every coordinate.
        sd: f64,
    },
    /// diag(sd_i^2).
    Diagonal {
        /// Standard deviation of each coordinate.
        sd: Vec<f32>,
    },
    /// scale * sum_i max(lambda_i, 0) v_i v_i^T, a low-rank covariance.
    LowRank {
        /// The eigenpairs (lambda_i, v_i).
        pairs: EigenPairs,
        /// The factor that gives the covariance its intended trace.
        scale: f64,
    },
}

impl GradientNoise {
    /// Low-rank noise along `pairs` with total variance `trace` (none if the pairs carry no
    /// positive variance: there is no direction to follow).
    pub fn low_rank_with_trace(pairs: EigenPairs, trace: f64) -> Self {
        let own = pairs.positive_trace();
        if own > 0.0 && trace > 0.0 {
            GradientNoise::LowRank {
                scale: trace / own,
                pairs,
            }
        } else {
            GradientNoise::None
        }
    }

    /// Low-rank noise with covariance exactly sum of max(lambda_i, 0) v_i v_i^T (no rescaling:
    /// GLD leading's Sigma is the leading part of C as it is); none if the pairs carry no
    /// positive variance.
    pub fn low_rank(pairs: EigenPairs) -> Self {
        if pairs.positive_trace() > 0.0 {
            GradientNoise::LowRank { scale: 1.0, pairs }
        } else {
            GradientNoise::None
        }
    }

    /// Tr Cov(xi), for a dimension `dim`.
    pub fn trace(&self, dim: usize) -> f64 {
        match self {
            GradientNoise::None => 0.0,
            GradientNoise::Isotropic { sd } => sd * sd * dim as f64,
            GradientNoise::Diagonal { sd } => sd.iter().map(|&s| (s as f64) * (s as f64)).sum(),
            GradientNoise::LowRank { pairs, scale } => scale * pairs.positive_trace(),
        }
    }

    /// v^T Cov(xi) v.
    pub fn quadratic_form(&self, v: &[f32]) -> f64 {
        match self {
            GradientNoise::None => 0.0,
            GradientNoise::Isotropic { sd } => {
                sd * sd * v.iter().map(|&x| (x as f64) * (x as f64)).sum::<f64>()
            }
            GradientNoise::Diagonal { sd } => sd
                .iter()
                .zip(v)
                .map(|(&s, &x)| {
                    let p = s as f64 * x as f64;
                    p * p
                })
                .sum(),
            GradientNoise::LowRank { pairs, scale } => (0..pairs.len())
                .map(|i| {
                    let dot = dot_f64(pairs.vector(i), v);
                    scale * pairs.values()[i].max(0.0) * dot * dot
                })
                .sum(),
        }
    }

    /// Adds one draw of xi to `out`; `scratch` is reused between calls (no allocation once
    /// it has grown to the dimension).
    pub fn add_sample(&self, rng: &mut Rng, out: &mut [f32], scratch: &mut Vec<f32>) {
        match self {
            GradientNoise::None => {}
            GradientNoise::Isotropic { sd } => {
                for o in out.iter_mut() {
                    *o += (sd * rng.normal()) as f32;
                }
            }
            GradientNoise::Diagonal { sd } => {
                for (o, &s) in out.iter_mut().zip(sd) {
                    *o += (s as f64 * rng.normal()) as f32;
                }
            }
            GradientNoise::LowRank { pairs, scale } => {
                scratch.resize(out.len(), 0.0);
                pairs.sample(*scale, rng, scratch);
                for (o, s) in out.iter_mut().zip(scratch.iter()) {
                    *o += s;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_covariance(noise: &GradientNoise, dim: usize, exact: &dyn Fn(usize, usize) -> f64) {
        let n = 100_000;
        let mut rng = Rng::for_stream(4, &[]);
        let mut sums = vec![0.0f64; dim * dim];
        let mut sq = vec![0.0f64; dim * dim];
        let (mut out, mut scratch) = (vec![0.0f32; dim], Vec::new());
        for _ in 0..n {
            out.iter_mut().for_each(|x| *x = 0.0);
            noise.add_sample(&mut rng, &mut out, &mut scratch);
            for i in 0..dim {
                for j in 0..dim {
                    let p = out[i] as f64 * out[j] as f64;
                    sums[i * dim + j] += p;
                    sq[i * dim + j] += p * p;
                }
            }
        }
        for i in 0..dim {
            for j in 0..dim {
                let mean = sums[i * dim + j] / n as f64;
                let se = ((sq[i * dim + j] / n as f64 - mean * mean) / n as f64).sqrt();
                assert!(
                    (mean - exact(i, j)).abs() < 5.0 * se + 1e-9,
                    "({i}, {j}): {mean} vs {}",
                    exact(i, j)
                );
            }
        }
        let trace: f64 = (0..dim).map(|i| exact(i, i)).sum();
        assert!((noise.trace(dim) - trace).abs() < 1e-6 * trace.max(1e-12));
    }

    #[test]
    fn samplers_have_their_covariance() {
        check_covariance(&GradientNoise::Isotropic { sd: 0.3 }, 3, &|i, j| {
            if i == j {
                0.09
            } else {
                0.0
            }
        });
        let sd = vec![0.1f32, 0.5, 0.2];
        check_covariance(&GradientNoise::Diagonal { sd: sd.clone() }, 3, &|i, j| {
            if i == j {
                (sd[i] as f64).powi(2)
            } else {
                0.0
            }
        });
        let s = std::f32::consts::FRAC_1_SQRT_2;
        let pairs = EigenPairs::new(3, vec![2.0, 1.0], vec![s, s, 0.0, 0.0, 0.0, 1.0]);
        let noise = GradientNoise::low_rank_with_trace(pairs, 0.6);
        // 0.2 * (2 u u^T + e3 e3^T) with u = (1, 1, 0)/sqrt 2.
        let exact = |i: usize, j: usize| match (i, j) {
            (0, 0) | (1, 1) | (0, 1) | (1, 0) => 0.2,
            (2, 2) => 0.2,
            _ => 0.0,
        };
        check_covariance(&noise, 3, &exact);
        assert!((noise.quadratic_form(&[s, s, 0.0]) - 0.4).abs() < 1e-6);
    }

    #[test]
    fn no_direction_means_no_noise() {
        let pairs = EigenPairs::new(2, vec![-1.0], vec![1.0, 0.0]);
        assert_eq!(
            GradientNoise::low_rank_with_trace(pairs, 1.0),
            GradientNoise::None
        );
    }
}
