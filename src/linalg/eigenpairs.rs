//! A few eigenpairs of a large symmetric operator, and sampling from its low-rank part.
//!
//! The large-scale dynamics need only the top k eigenpairs of D x D matrices (Hessian, noise
//! covariance) with D ~ 11,000: k unit vectors of length D, O(kD) memory, f32 like the
//! network's parameters. Eigenvalues stay f64 (they are few, and come out of f64 solvers).

use crate::rng::Rng;

/// k eigenpairs of a symmetric D x D operator: eigenvalues largest first, unit f32
/// eigenvectors stored one after another in a flat buffer (`vector(i)` is the i-th, of length D).
#[derive(Clone, Debug, PartialEq)]
pub struct EigenPairs {
    dim: usize,
    values: Vec<f64>,
    vectors: Vec<f32>,
}

impl EigenPairs {
    /// Pairs from `values` (decreasing) and the flat `vectors` (`values.len() * dim` entries).
    ///
    /// # Panics
    /// If the lengths disagree.
    pub fn new(dim: usize, values: Vec<f64>, vectors: Vec<f32>) -> Self {
        assert_eq!(
            vectors.len(),
            values.len() * dim,
            "EigenPairs: need one vector of length {dim} per value"
        );
        debug_assert!(
            values.windows(2).all(|w| w[0] >= w[1]),
            "values must decrease"
        );
        Self {
            dim,
            values,
            vectors,
        }
    }

    /// No pairs (e.g. the top of a zero-dimensional or zero-rank operator).
    pub fn empty(dim: usize) -> Self {
        Self::new(dim, Vec::new(), Vec::new())
    }

    /// The dimension D of the eigenvectors.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The number of pairs.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The eigenvalues, largest first.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The unit eigenvector of `values()[i]`.
    pub fn vector(&self, i: usize) -> &[f32] {
        &self.vectors[i * self.dim..(i + 1) * self.dim]
    }

    /// All eigenvectors, one after another (`len() * dim()` entries).
    pub fn vectors(&self) -> &[f32] {
        &self.vectors
    }

    /// Keeps only the first (largest) `k` pairs.
    pub fn truncate(&mut self, k: usize) {
        let k = k.min(self.len());
        self.values.truncate(k);
        self.vectors.truncate(k * self.dim);
    }

    /// The sum of the positive eigenvalues: the trace of the positive semi-definite low-rank
    /// matrix `sum_i max(lambda_i, 0) v_i v_i^T` that [`EigenPairs::sample`] draws from (used
    /// to rescale such noise to a prescribed trace, as the paper's GLD variants do).
    pub fn positive_trace(&self) -> f64 {
        self.values.iter().map(|&v| v.max(0.0)).sum()
    }

    /// Writes into `out` a draw of N(0, scale * sum_i max(lambda_i, 0) v_i v_i^T), in O(kD).
    ///
    /// Negative eigenvalues (a Hessian's, or rounding of a covariance) count as zero, as for
    /// [`crate::linalg::Eigen2::sample`]. Exactly `len()` standard normals are drawn from
    /// `rng`, whatever the signs, so the stream's later use does not depend on them.
    ///
    /// # Panics
    /// If `out.len() != dim()` or `scale` is negative.
    pub fn sample(&self, scale: f64, rng: &mut Rng, out: &mut [f32]) {
        assert_eq!(
            out.len(),
            self.dim,
            "EigenPairs::sample: wrong output length"
        );
        assert!(scale >= 0.0, "EigenPairs::sample: negative scale {scale}");
        let mut acc = vec![0.0f64; self.dim];
        for (i, &value) in self.values.iter().enumerate() {
            let c = rng.normal() * (scale * value.max(0.0)).sqrt();
            if c != 0.0 {
                for (a, &v) in acc.iter_mut().zip(self.vector(i)) {
                    *a += c * v as f64;
                }
            }
        }
        for (o, a) in out.iter_mut().zip(acc) {
            *o = a as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_and_truncate() {
        let mut p = EigenPairs::new(2, vec![3.0, -1.0], vec![1.0, 0.0, 0.0, 1.0]);
        assert_eq!((p.dim(), p.len(), p.is_empty()), (2, 2, false));
        assert_eq!(p.vector(1), &[0.0, 1.0]);
        assert_eq!(p.positive_trace(), 3.0);
        p.truncate(1);
        assert_eq!((p.values(), p.vectors()), (&[3.0][..], &[1.0f32, 0.0][..]));
        assert!(EigenPairs::empty(5).is_empty());
    }

    #[test]
    fn sample_ignores_negative_directions_and_draws_one_normal_per_pair() {
        let p = EigenPairs::new(2, vec![4.0, -1.0], vec![0.0, 1.0, 1.0, 0.0]);
        let mut rng = Rng::for_stream(5, &[]);
        let mut out = [0.0f32; 2];
        p.sample(0.25, &mut rng, &mut out);
        let mut check = Rng::for_stream(5, &[]);
        let z = check.normal();
        let _ = check.normal();
        assert_eq!(out, [0.0, (z * 1.0) as f32]);
        assert_eq!(rng.next_u64(), check.next_u64());
    }
}
