//! The minibatch-gradient noise covariance of the large-scale experiment, never formed.
//!
//! docs/protocols.md 3.3 estimates the gradient-noise covariance from K = 60 minibatch gradients
//! g_1..g_K (one shuffled epoch), unbiased:
//!
//!   C = 1/(K-1) sum_j (g_j - gbar)(g_j - gbar)^T,   rank C <= K - 1.
//!
//! With D ~ 11,000 parameters, C as a dense D x D matrix would be ~121 million entries (~0.5 GB
//! in f32) and its eigen-decomposition O(D^3): out of reach, in a browser especially. But C is
//! X X^T / (K-1) with X = [x_1 .. x_K] the D x K matrix of centred gradients, so everything
//! the dynamics need follows from X in O(KD) memory:
//! - eigenpairs from the K x K Gram matrix G = X^T X: if G a = mu a (|a| = 1, mu > 0), then
//!   C u = lambda u with lambda = mu / (K-1) and u = X a / sqrt(mu) = X a / sqrt(lambda (K-1)),
//!   a unit vector; O(K^2 D + K^3);
//! - the trace sum_j |x_j|^2 / (K-1) and the diagonal sum_j `x_j[i]^2` / (K-1), O(KD);
//! - exact draws from N(0, s C) as x = sqrt(s / (K-1)) X z with z ~ N(0, I_K), O(KD): the
//!   covariance of X z is X X^T.

use crate::linalg::eigenpairs::EigenPairs;
use crate::linalg::symmetric::{fix_sign, symmetric_eigen, EigenError};
use crate::rng::Rng;

/// Gram eigenvalues at most this fraction of the largest are treated as zero: the centred
/// vectors always sum to zero (one null direction), and f32 storage leaves that direction at
/// about 1e-14 relative, not exactly 0. Directions this weak carry no usable variance.
const RANK_RTOL: f64 = 1e-10;

/// The unbiased covariance C = 1/(K-1) sum_j (g_j - gbar)(g_j - gbar)^T of K >= 2 gradient
/// vectors of length D, held as the K centred vectors (O(KD) memory; see the module doc).
#[derive(Clone, Debug, PartialEq)]
pub struct GradientCovariance {
    dim: usize,
    count: usize,
    mean: Vec<f32>,
    centred: Vec<f32>,
}

impl GradientCovariance {
    /// The covariance of `gradients` (K >= 2 vectors of one length D); the mean is taken in f64.
    ///
    /// # Panics
    /// If there are fewer than two gradients or their lengths differ.
    pub fn from_gradients<G: AsRef<[f32]>>(gradients: &[G]) -> Self {
        let count = gradients.len();
        assert!(
            count >= 2,
            "GradientCovariance: need at least 2 gradients, got {count}"
        );
        let dim = gradients[0].as_ref().len();
        let mut sum = vec![0.0f64; dim];
        for (j, g) in gradients.iter().enumerate() {
            let g = g.as_ref();
            assert_eq!(
                g.len(),
                dim,
                "GradientCovariance: gradient {j} has the wrong length"
            );
            for (s, &v) in sum.iter_mut().zip(g) {
                *s += v as f64;
            }
        }
        let mean64: Vec<f64> = sum.iter().map(|s| s / count as f64).collect();
        let mut centred = Vec::with_capacity(count * dim);
        for g in gradients {
            centred.extend(
                g.as_ref()
                    .iter()
                    .zip(&mean64)
                    .map(|(&v, m)| (v as f64 - m) as f32),
            );
        }
        Self {
            dim,
            count,
            mean: mean64.iter().map(|&m| m as f32).collect(),
            centred,
        }
    }

    /// The dimension D.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The number K of gradients.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The mean gradient gbar (the full-batch gradient, when the K minibatches form an epoch).
    pub fn mean(&self) -> &[f32] {
        &self.mean
    }

    /// The centred gradient x_j = g_j - gbar.
    pub fn centred(&self, j: usize) -> &[f32] {
        &self.centred[j * self.dim..(j + 1) * self.dim]
    }

    /// Tr C = sum_j |x_j|^2 / (K-1), in O(KD).
    pub fn trace(&self) -> f64 {
        let ss: f64 = self.centred.iter().map(|&v| (v as f64) * (v as f64)).sum();
        ss / (self.count - 1) as f64
    }

    /// The diagonal of C, C_ii = sum_j `x_j[i]^2` / (K-1), in O(KD) (for the paper's GLD diag).
    pub fn diagonal(&self) -> Vec<f64> {
        let mut diag = vec![0.0f64; self.dim];
        for j in 0..self.count {
            for (d, &v) in diag.iter_mut().zip(self.centred(j)) {
                *d += (v as f64) * (v as f64);
            }
        }
        let scale = 1.0 / (self.count - 1) as f64;
        diag.iter_mut().for_each(|d| *d *= scale);
        diag
    }

    /// The top min(k, rank C) eigenpairs of C (rank C <= K - 1), through the K x K Gram matrix.
    ///
    /// Pairs with eigenvalue at most 1e-10 of the largest are dropped (numerically zero), so
    /// fewer than k may come back. Sampling from the returned low-rank part is
    /// [`EigenPairs::sample`] (the paper's GLD leading).
    ///
    /// # Errors
    /// [`EigenError::NonFinite`] if the gradients contain NaN or infinities.
    pub fn top_eigen(&self, k: usize) -> Result<EigenPairs, EigenError> {
        let kk = self.count;
        let gram = self.projected_gram();
        let eig = symmetric_eigen(kk, &gram)?;
        let mu_max = eig.values[0];
        let mut values = Vec::new();
        let mut vectors = Vec::new();
        let mut u = vec![0.0f64; self.dim];
        for i in 0..k.min(kk - 1) {
            let mu = eig.values[i];
            if mu <= 0.0 || mu <= RANK_RTOL * mu_max {
                break;
            }
            u.fill(0.0);
            for (j, &aj) in eig.vector(i).iter().enumerate() {
                for (ui, &x) in u.iter_mut().zip(self.centred(j)) {
                    *ui += aj * x as f64;
                }
            }
            // |X a| = sqrt(mu) exactly; dividing by the computed length instead absorbs rounding.
            let len = u.iter().map(|v| v * v).sum::<f64>().sqrt();
            u.iter_mut().for_each(|v| *v /= len);
            fix_sign(&mut u);
            values.push(mu / (kk - 1) as f64);
            vectors.extend(u.iter().map(|&v| v as f32));
        }
        Ok(EigenPairs::new(self.dim, values, vectors))
    }

    /// Writes into `out` an exact draw of N(0, scale * C): sqrt(scale / (K-1)) sum_j z_j x_j
    /// with K standard normals z_j drawn from `rng` in order; O(KD), no eigen-decomposition.
    ///
    /// # Panics
    /// If `out.len() != dim()` or `scale` is negative.
    pub fn sample(&self, scale: f64, rng: &mut Rng, out: &mut [f32]) {
        assert_eq!(
            out.len(),
            self.dim,
            "GradientCovariance::sample: wrong output length"
        );
        assert!(
            scale >= 0.0,
            "GradientCovariance::sample: negative scale {scale}"
        );
        let factor = (scale / (self.count - 1) as f64).sqrt();
        let mut acc = vec![0.0f64; self.dim];
        for j in 0..self.count {
            let c = factor * rng.normal();
            for (a, &x) in acc.iter_mut().zip(self.centred(j)) {
                *a += c * x as f64;
            }
        }
        for (o, a) in out.iter_mut().zip(acc) {
            *o = a as f32;
        }
    }

    /// P G P with G the Gram matrix of the centred vectors (f64 dot products) and
    /// P = I - 1 1^T / K: the centred vectors sum to zero, so G's null vector is 1; projecting
    /// removes what f32 rounding of the centring left along it. Row-major K x K.
    fn projected_gram(&self) -> Vec<f64> {
        let kk = self.count;
        let mut g = vec![0.0f64; kk * kk];
        for i in 0..kk {
            for j in i..kk {
                let d: f64 = self
                    .centred(i)
                    .iter()
                    .zip(self.centred(j))
                    .map(|(&a, &b)| a as f64 * b as f64)
                    .sum();
                g[i * kk + j] = d;
                g[j * kk + i] = d;
            }
        }
        let row_means: Vec<f64> = (0..kk)
            .map(|i| g[i * kk..(i + 1) * kk].iter().sum::<f64>() / kk as f64)
            .collect();
        let total_mean = row_means.iter().sum::<f64>() / kk as f64;
        for i in 0..kk {
            for j in 0..kk {
                g[i * kk + j] += total_mean - row_means[i] - row_means[j];
            }
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// K random gradients of length D with a common offset (so centring matters).
    fn gradients(dim: usize, count: usize, seed: u64) -> Vec<Vec<f32>> {
        let mut rng = Rng::for_stream(seed, &[]);
        // Anisotropic: coordinate i has scale 1 / (1 + i), plus a mean of 3.
        (0..count)
            .map(|_| {
                (0..dim)
                    .map(|i| (3.0 + rng.normal() / (1.0 + i as f64)) as f32)
                    .collect()
            })
            .collect()
    }

    /// The dense D x D covariance, in f64 straight from the f32 gradients.
    fn dense_covariance(g: &[Vec<f32>]) -> Vec<f64> {
        let (count, dim) = (g.len(), g[0].len());
        let mean: Vec<f64> = (0..dim)
            .map(|i| g.iter().map(|v| v[i] as f64).sum::<f64>() / count as f64)
            .collect();
        let mut c = vec![0.0; dim * dim];
        for v in g {
            for a in 0..dim {
                for b in 0..dim {
                    c[a * dim + b] += (v[a] as f64 - mean[a]) * (v[b] as f64 - mean[b]);
                }
            }
        }
        c.iter_mut().for_each(|x| *x /= (count - 1) as f64);
        c
    }

    fn check_gram_route(dim: usize, count: usize, seed: u64) {
        let g = gradients(dim, count, seed);
        let cov = GradientCovariance::from_gradients(&g);
        let dense = symmetric_eigen(dim, &dense_covariance(&g)).unwrap();
        let rank = dim.min(count - 1);
        let pairs = cov.top_eigen(dim + count).unwrap();
        assert_eq!(pairs.len(), rank, "rank <= K - 1 and <= D");
        for i in 0..rank {
            let (got, want) = (pairs.values()[i], dense.values[i]);
            assert!(
                (got - want).abs() <= 1e-6 * dense.values[0],
                "{i}: {got} vs {want}"
            );
            let cos: f64 = pairs
                .vector(i)
                .iter()
                .zip(dense.vector(i))
                .map(|(p, q)| *p as f64 * q)
                .sum();
            assert!(1.0 - cos <= 1e-6, "{i}: cos {cos} (same sign convention)");
        }
        // A smaller request is the prefix.
        let top = cov.top_eigen(3).unwrap();
        assert_eq!(top.values(), &pairs.values()[..rank.min(3)]);
    }

    #[test]
    fn gram_route_matches_dense_covariance() {
        check_gram_route(12, 6, 1); // K - 1 < D: rank 5
        check_gram_route(5, 9, 2); // K - 1 > D: rank D
        check_gram_route(8, 2, 3); // two gradients: rank 1
    }

    #[test]
    fn trace_diagonal_and_mean() {
        let g = gradients(7, 5, 4);
        let cov = GradientCovariance::from_gradients(&g);
        let c = dense_covariance(&g);
        let diag = cov.diagonal();
        for i in 0..7 {
            assert!((diag[i] - c[i * 7 + i]).abs() <= 1e-6 * c[i * 7 + i]);
            let mean = g.iter().map(|v| v[i] as f64).sum::<f64>() / 5.0;
            assert!((cov.mean()[i] as f64 - mean).abs() < 1e-6);
        }
        let dense_trace: f64 = (0..7).map(|i| c[i * 7 + i]).sum();
        assert!((cov.trace() - dense_trace).abs() <= 1e-6 * dense_trace);
        let eig_trace: f64 = cov.top_eigen(10).unwrap().values().iter().sum();
        assert!((eig_trace - dense_trace).abs() <= 1e-6 * dense_trace);
        assert_eq!((cov.dim(), cov.count()), (7, 5));
    }

    /// Draws `n` samples and checks every entry of their second moment against `want`
    /// (mean zero known): for Gaussian x, Var(x_a x_b) = C_aa C_bb + C_ab^2, so each entry's
    /// standard error is sqrt((C_aa C_bb + C_ab^2) / n); allow 5 of them.
    fn check_moments(dim: usize, want: &[f64], n: usize, mut draw: impl FnMut(&mut [f32])) {
        let mut m = vec![0.0f64; dim * dim];
        let mut x = vec![0.0f32; dim];
        for _ in 0..n {
            draw(&mut x);
            for a in 0..dim {
                for b in 0..dim {
                    m[a * dim + b] += x[a] as f64 * x[b] as f64;
                }
            }
        }
        for a in 0..dim {
            for b in 0..dim {
                let got = m[a * dim + b] / n as f64;
                let w = want[a * dim + b];
                let se = ((want[a * dim + a] * want[b * dim + b] + w * w) / n as f64).sqrt();
                assert!(
                    (got - w).abs() <= 5.0 * se,
                    "({a},{b}): {got} vs {w} (se {se})"
                );
            }
        }
    }

    #[test]
    fn sampler_has_covariance_scale_times_c() {
        let g = gradients(6, 4, 5);
        let cov = GradientCovariance::from_gradients(&g);
        let scale = 0.3;
        let want: Vec<f64> = dense_covariance(&g).iter().map(|c| scale * c).collect();
        let mut rng = Rng::for_stream(6, &[]);
        check_moments(6, &want, 40_000, |x| cov.sample(scale, &mut rng, x));
    }

    #[test]
    fn low_rank_sampler_has_covariance_of_top_k_part() {
        let g = gradients(6, 5, 7);
        let cov = GradientCovariance::from_gradients(&g);
        let pairs = cov.top_eigen(2).unwrap();
        let scale = 2.0;
        let mut want = vec![0.0f64; 36];
        for i in 0..2 {
            let v = pairs.vector(i);
            for a in 0..6 {
                for b in 0..6 {
                    want[a * 6 + b] += scale * pairs.values()[i] * v[a] as f64 * v[b] as f64;
                }
            }
        }
        let mut rng = Rng::for_stream(8, &[]);
        check_moments(6, &want, 40_000, |x| pairs.sample(scale, &mut rng, x));
        let trace: f64 = (0..6).map(|a| want[a * 6 + a]).sum();
        assert!((trace - scale * pairs.positive_trace()).abs() < 1e-6 * trace);
    }

    #[test]
    fn identical_gradients_have_zero_covariance() {
        let g = vec![vec![1.5f32, -2.0, 0.25]; 4];
        let cov = GradientCovariance::from_gradients(&g);
        assert_eq!(cov.trace(), 0.0);
        assert!(cov.top_eigen(3).unwrap().is_empty());
        let mut out = [9.0f32; 3];
        cov.sample(1.0, &mut Rng::for_stream(1, &[]), &mut out);
        assert_eq!(out, [0.0; 3]);
    }
}
