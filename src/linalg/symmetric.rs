//! Dense symmetric eigen-decomposition of small matrices (f64), through `nalgebra`.
//!
//! For the small matrices the large-scale solvers reduce to: Lanczos' tridiagonal matrix
//! (tens of rows) and the K x K Gram matrix of minibatch gradients (K = 60). nalgebra's
//! Householder tridiagonalisation plus implicit-shift QR is backward stable, so eigenvalues are
//! accurate to about `f64::EPSILON * ||A||`. On top of it this module sorts the pairs (largest
//! eigenvalue first) and fixes each eigenvector's sign, so that results do not depend on the
//! solver's internal ordering.

use nalgebra::{DMatrix, SymmetricEigen};
use std::fmt;

/// Why an eigen-decomposition failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EigenError {
    /// The matrix, or an operator's output, contains NaN or an infinity (e.g. a diverged
    /// network); no decomposition is meaningful then.
    NonFinite,
    /// The QR iteration did not converge within its iteration budget (not expected for
    /// finite input; reported rather than looping forever).
    NoConvergence,
}

impl fmt::Display for EigenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EigenError::NonFinite => write!(f, "eigen-decomposition: non-finite matrix entries"),
            EigenError::NoConvergence => {
                write!(f, "eigen-decomposition: QR iteration did not converge")
            }
        }
    }
}

impl std::error::Error for EigenError {}

/// All eigenpairs of a symmetric n x n matrix: `values` largest first, and `vector(i)` the unit
/// eigenvector of `values[i]`, its largest-magnitude entry made positive.
#[derive(Clone, Debug, PartialEq)]
pub struct SymEigen {
    /// The order n of the matrix.
    pub n: usize,
    /// The n eigenvalues, in decreasing order.
    pub values: Vec<f64>,
    /// The eigenvectors one after another (n x n, row i = eigenvector i); see [`SymEigen::vector`].
    pub vectors: Vec<f64>,
}

impl SymEigen {
    /// The unit eigenvector of `values[i]`.
    pub fn vector(&self, i: usize) -> &[f64] {
        &self.vectors[i * self.n..(i + 1) * self.n]
    }
}

/// The eigen-decomposition of the symmetric part (A + A^T) / 2 of the row-major n x n matrix `a`.
///
/// Taking the symmetric part (instead of silently reading one triangle) makes the result
/// independent of rounding asymmetries in how `a` was built.
///
/// # Panics
/// If `a.len() != n * n`.
pub fn symmetric_eigen(n: usize, a: &[f64]) -> Result<SymEigen, EigenError> {
    assert_eq!(a.len(), n * n, "symmetric_eigen: expected {n}x{n} entries");
    if a.iter().any(|x| !x.is_finite()) {
        return Err(EigenError::NonFinite);
    }
    if n == 0 {
        return Ok(SymEigen {
            n,
            values: Vec::new(),
            vectors: Vec::new(),
        });
    }
    let m = DMatrix::from_fn(n, n, |i, j| 0.5 * (a[i * n + j] + a[j * n + i]));
    // About two QR sweeps per eigenvalue are typical; the budget is generous.
    let eig =
        SymmetricEigen::try_new(m, f64::EPSILON, 100 * n + 100).ok_or(EigenError::NoConvergence)?;
    let mut order: Vec<usize> = (0..n).collect();
    // Stable sort: equal eigenvalues keep the solver's order (deterministic for given input).
    order.sort_by(|&i, &j| eig.eigenvalues[j].total_cmp(&eig.eigenvalues[i]));
    let mut values = Vec::with_capacity(n);
    let mut vectors = Vec::with_capacity(n * n);
    for &i in &order {
        values.push(eig.eigenvalues[i]);
        let start = vectors.len();
        vectors.extend(eig.eigenvectors.column(i).iter());
        fix_sign(&mut vectors[start..]);
    }
    Ok(SymEigen { n, values, vectors })
}

/// The eigen-decomposition of the symmetric tridiagonal matrix with the given diagonal
/// (length n) and off-diagonal (length n - 1, entry i couples rows i and i + 1).
///
/// # Panics
/// If `off_diagonal.len() + 1 != diagonal.len()` (for n > 0).
pub fn tridiagonal_eigen(diagonal: &[f64], off_diagonal: &[f64]) -> Result<SymEigen, EigenError> {
    let n = diagonal.len();
    assert_eq!(
        off_diagonal.len(),
        n.saturating_sub(1),
        "tridiagonal_eigen: off-diagonal must have n - 1 entries"
    );
    let mut a = vec![0.0; n * n];
    for (i, &d) in diagonal.iter().enumerate() {
        a[i * n + i] = d;
    }
    for (i, &e) in off_diagonal.iter().enumerate() {
        a[i * n + i + 1] = e;
        a[(i + 1) * n + i] = e;
    }
    symmetric_eigen(n, &a)
}

/// Flips `v` so that its largest-magnitude entry (the first one, on ties) is positive: a
/// reproducible choice of sign for eigenvectors, which are defined only up to sign.
pub(crate) fn fix_sign(v: &mut [f64]) {
    let mut best = 0.0f64;
    let mut sign = 1.0;
    for &x in v.iter() {
        if x.abs() > best {
            best = x.abs();
            sign = x.signum();
        }
    }
    if sign < 0.0 {
        for x in v.iter_mut() {
            *x = -*x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reconstruct(e: &SymEigen) -> Vec<f64> {
        let n = e.n;
        let mut a = vec![0.0; n * n];
        for (k, &lambda) in e.values.iter().enumerate() {
            let v = e.vector(k);
            for i in 0..n {
                for j in 0..n {
                    a[i * n + j] += lambda * v[i] * v[j];
                }
            }
        }
        a
    }

    #[test]
    fn decomposes_and_sorts() {
        // A fixed, indefinite 4x4 matrix.
        let a = [
            4.0, 1.0, -2.0, 0.5, //
            1.0, -3.0, 0.0, 2.0, //
            -2.0, 0.0, 1.0, 1.5, //
            0.5, 2.0, 1.5, 0.0,
        ];
        let e = symmetric_eigen(4, &a).unwrap();
        assert!(e.values.windows(2).all(|w| w[0] >= w[1]));
        assert!(e.values[3] < 0.0);
        let r = reconstruct(&e);
        for (x, y) in r.iter().zip(a.iter()) {
            assert!((x - y).abs() < 1e-13, "{r:?}");
        }
        for i in 0..4 {
            for j in 0..4 {
                let d: f64 = e
                    .vector(i)
                    .iter()
                    .zip(e.vector(j))
                    .map(|(p, q)| p * q)
                    .sum();
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((d - want).abs() < 1e-14);
            }
            let v = e.vector(i);
            let big = v
                .iter()
                .fold(0.0f64, |m, x| if x.abs() > m.abs() { *x } else { m });
            assert!(big > 0.0, "sign convention");
        }
        // Trace is preserved.
        let trace: f64 = e.values.iter().sum();
        assert!((trace - 2.0).abs() < 1e-13);
    }

    #[test]
    fn tridiagonal_matches_known_spectrum() {
        // The n x n tridiagonal (2, -1) matrix has eigenvalues 2 - 2 cos(k pi / (n + 1)).
        let n = 12;
        let e = tridiagonal_eigen(&vec![2.0; n], &vec![-1.0; n - 1]).unwrap();
        for (i, &value) in e.values.iter().enumerate() {
            let k = (n - i) as f64;
            let want = 2.0 - 2.0 * (k * std::f64::consts::PI / (n as f64 + 1.0)).cos();
            assert!((value - want).abs() < 1e-13, "{i}: {value} vs {want}");
        }
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(symmetric_eigen(0, &[]).unwrap().values, Vec::<f64>::new());
        let e = tridiagonal_eigen(&[3.5], &[]).unwrap();
        assert_eq!((e.values[0], e.vector(0)[0]), (3.5, 1.0));
        assert_eq!(
            symmetric_eigen(2, &[1.0, f64::NAN, 0.0, 1.0]),
            Err(EigenError::NonFinite)
        );
    }
}
