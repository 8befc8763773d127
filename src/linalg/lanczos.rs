//! The top (largest algebraic) k eigenpairs of a symmetric operator known only through
//! matrix-vector products: the Hessian of a network with D ~ 11,000 parameters, reached by
//! Hessian-vector products (docs/protocols.md 3.3: the top 20 eigenpairs, by Lanczos on
//! Hessian-vector products).
//!
//! Lanczos with full reorthogonalisation: each new Krylov vector is orthogonalised against all
//! previous ones twice (classical Gram-Schmidt twice, "twice is enough"), which keeps the basis
//! orthonormal to working precision and so avoids the spurious copies of converged eigenvalues
//! that plain Lanczos produces. The price, O(m^2 D) flops and O(m D) memory for m steps, is
//! small for m ~ 50. Ritz pairs come from the m x m tridiagonal matrix via
//! [`crate::linalg::symmetric`].
//!
//! Precision: the operator takes and returns f32 vectors (the network is f32); the basis, all
//! dot products and norms are f64. Eigenvalues are then accurate to about the operator's own
//! rounding, roughly `f32::EPSILON * ||A||`, once converged.
//!
//! Which end: the returned eigenvalues are the k *largest* (most positive), not the k of largest
//! magnitude; a Hessian's negative eigenvalues, however large in magnitude, come last or not at
//! all.
//!
//! Limitation shared by every single-vector Krylov method: of an eigenvalue of multiplicity r > 1
//! the start vector excites one direction only; the other r - 1 enter through rounding (which
//! the iteration amplifies) or through a restart after a breakdown, so with m < D steps such an
//! eigenvalue may be returned fewer than r times. With m = D every multiplicity is recovered.

use crate::linalg::eigenpairs::EigenPairs;
use crate::linalg::symmetric::{fix_sign, tridiagonal_eigen, EigenError};
use crate::rng::Rng;

/// A breakdown (invariant subspace found) is declared when the new Krylov direction is shorter
/// than this times the largest ||A q|| seen: below it, the direction is the operator's f32
/// rounding, not information.
const BREAKDOWN_RTOL: f64 = 16.0 * f32::EPSILON as f64;

/// How many eigenpairs to find, and with how many Lanczos steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LanczosOptions {
    /// The number k of top eigenpairs wanted.
    pub k: usize,
    /// The number m of Lanczos vectors (= operator applications); raised to k and capped at D.
    /// More steps converge more pairs more tightly; see [`LanczosOptions::default_steps`].
    pub steps: usize,
}

impl LanczosOptions {
    /// The top `k` pairs with [`LanczosOptions::default_steps`] steps.
    pub fn top(k: usize) -> Self {
        Self {
            k,
            steps: Self::default_steps(k),
        }
    }

    /// max(2k + 10, k + 20): a Krylov space comfortably larger than the wanted one, so that the
    /// k-th pair converges too (50 steps for the paper's k = 20).
    pub fn default_steps(k: usize) -> usize {
        (2 * k + 10).max(k + 20)
    }
}

/// What [`lanczos_top`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct LanczosResult {
    /// The top min(k, D) eigenpairs, largest eigenvalue first, unit eigenvectors (each with its
    /// largest-magnitude entry positive).
    pub pairs: EigenPairs,
    /// For each pair, the Lanczos residual estimate ||A v - lambda v|| ~ beta_m |s_m| (exact in
    /// exact arithmetic; excludes the operator's own rounding): small means converged.
    pub residuals: Vec<f64>,
    /// The number of Lanczos vectors built (= operator applications).
    pub steps: usize,
    /// How many times an invariant subspace was found and the iteration restarted with a fresh
    /// random vector orthogonal to all previous ones.
    pub restarts: usize,
}

/// The top (largest algebraic) `options.k` eigenpairs of the symmetric D x D operator `op`,
/// `dim` = D, by Lanczos with full reorthogonalisation from a random start drawn from `rng`.
///
/// `op(x, y)` must set `y = A x` (`y` is zeroed before each call, so accumulating into it works).
/// With D < k, all D pairs are returned; with D = 0 or k = 0, none.
///
/// # Errors
/// [`EigenError::NonFinite`] if `op` returns NaN or an infinity; the tridiagonal solver's
/// [`EigenError::NoConvergence`] otherwise (not expected).
pub fn lanczos_top<F>(
    dim: usize,
    options: LanczosOptions,
    rng: &mut Rng,
    op: F,
) -> Result<LanczosResult, EigenError>
where
    F: FnMut(&[f32], &mut [f32]),
{
    lanczos_top_from(dim, options, None, rng, op)
}

/// As [`lanczos_top`], but starting from `start` when given (and not zero): a warm start from
/// the previous iteration's eigenvector lets a few steps track a slowly moving top pair, which
/// is what the GLD 1st-eigvec dynamics need at every iteration.
pub fn lanczos_top_from<F>(
    dim: usize,
    options: LanczosOptions,
    start: Option<&[f32]>,
    rng: &mut Rng,
    mut op: F,
) -> Result<LanczosResult, EigenError>
where
    F: FnMut(&[f32], &mut [f32]),
{
    let k = options.k.min(dim);
    if k == 0 {
        return Ok(LanczosResult {
            pairs: EigenPairs::empty(dim),
            residuals: Vec::new(),
            steps: 0,
            restarts: 0,
        });
    }
    let m = options.steps.max(k).min(dim);
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(m);
    let mut alphas: Vec<f64> = Vec::with_capacity(m);
    let mut betas: Vec<f64> = Vec::with_capacity(m);
    let mut x = vec![0.0f32; dim];
    let mut y = vec![0.0f32; dim];
    let mut a_norm = 0.0f64;
    let mut restarts = 0;
    let mut last_beta = 0.0;
    let warm: Option<Vec<f64>> = start.filter(|v| v.len() == dim).and_then(|v| {
        let v: Vec<f64> = v.iter().map(|&x| x as f64).collect();
        let n = norm(&v);
        (n > 0.0 && n.is_finite()).then(|| v.iter().map(|x| x / n).collect())
    });
    let mut q = match warm {
        Some(q) => q,
        None => random_orthonormal(dim, &basis, rng).expect("an empty basis spans nothing"),
    };
    loop {
        for (xi, &qi) in x.iter_mut().zip(&q) {
            *xi = qi as f32;
        }
        basis.push(q);
        y.fill(0.0);
        op(&x, &mut y);
        if y.iter().any(|v| !v.is_finite()) {
            return Err(EigenError::NonFinite);
        }
        let mut w: Vec<f64> = y.iter().map(|&v| v as f64).collect();
        a_norm = a_norm.max(norm(&w));
        // alpha_j = q_j^T A q_j, plus the (tiny) second-pass correction.
        let j = basis.len() - 1;
        let mut alpha = 0.0;
        for _pass in 0..2 {
            for (i, qi) in basis.iter().enumerate() {
                let h = dot(qi, &w);
                axpy(-h, qi, &mut w);
                if i == j {
                    alpha += h;
                }
            }
        }
        alphas.push(alpha);
        let beta = norm(&w);
        let broke_down = beta <= BREAKDOWN_RTOL * a_norm;
        if basis.len() == m {
            last_beta = if broke_down { 0.0 } else { beta };
            break;
        }
        if !broke_down {
            betas.push(beta);
            q = w.iter().map(|&v| v / beta).collect();
        } else {
            // Invariant subspace: the Krylov space is exhausted. Continue in the orthogonal
            // complement (T becomes block diagonal) so that the other eigenvalues, and the
            // multiplicities, can still be found.
            betas.push(0.0);
            restarts += 1;
            match random_orthonormal(dim, &basis, rng) {
                Some(fresh) => q = fresh,
                None => break, // the basis spans the whole space already
            }
        }
    }
    let n = basis.len();
    let ritz = tridiagonal_eigen(&alphas, &betas[..n - 1])?;
    let count = k.min(n);
    let mut values = Vec::with_capacity(count);
    let mut vectors = Vec::with_capacity(count * dim);
    let mut residuals = Vec::with_capacity(count);
    let mut v = vec![0.0f64; dim];
    for i in 0..count {
        let s = ritz.vector(i);
        v.fill(0.0);
        for (qj, &sj) in basis.iter().zip(s) {
            axpy(sj, qj, &mut v);
        }
        let len = norm(&v);
        for vi in v.iter_mut() {
            *vi /= len;
        }
        fix_sign(&mut v);
        values.push(ritz.values[i]);
        vectors.extend(v.iter().map(|&vi| vi as f32));
        residuals.push((last_beta * s[n - 1]).abs());
    }
    Ok(LanczosResult {
        pairs: EigenPairs::new(dim, values, vectors),
        residuals,
        steps: n,
        restarts,
    })
}

/// A random unit vector orthogonal to `basis` (orthonormal), or None if `basis` spans R^dim.
fn random_orthonormal(dim: usize, basis: &[Vec<f64>], rng: &mut Rng) -> Option<Vec<f64>> {
    if basis.len() >= dim {
        return None;
    }
    // A few tries: a Gaussian vector lies (numerically) inside span(basis) with probability ~0.
    for _ in 0..4 {
        let mut w: Vec<f64> = (0..dim).map(|_| rng.normal()).collect();
        let start = norm(&w);
        for _pass in 0..2 {
            for qi in basis {
                let h = dot(qi, &w);
                axpy(-h, qi, &mut w);
            }
        }
        let len = norm(&w);
        if len > 1e-6 * start {
            return Some(w.into_iter().map(|v| v / len).collect());
        }
    }
    None
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// y += s x
fn axpy(s: f64, x: &[f64], y: &mut [f64]) {
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi += s * xi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::symmetric::symmetric_eigen;

    /// A random orthonormal basis of R^n (Gram-Schmidt twice of Gaussian vectors), row-major.
    fn random_orthogonal(n: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
        let mut q: Vec<Vec<f64>> = Vec::new();
        while q.len() < n {
            q.push(random_orthonormal(n, &q, rng).unwrap());
        }
        q
    }

    /// Q diag(spectrum) Q^T in f64, row-major, and its f32 copy.
    fn with_spectrum(spectrum: &[f64], rng: &mut Rng) -> (Vec<f64>, Vec<f32>) {
        let n = spectrum.len();
        let q = random_orthogonal(n, rng);
        let mut a = vec![0.0; n * n];
        for (lambda, v) in spectrum.iter().zip(&q) {
            for i in 0..n {
                for j in 0..n {
                    a[i * n + j] += lambda * v[i] * v[j];
                }
            }
        }
        let a32 = a.iter().map(|&x| x as f32).collect();
        (a, a32)
    }

    fn matvec(n: usize, a: &[f32]) -> impl FnMut(&[f32], &mut [f32]) + '_ {
        move |x, y| {
            for i in 0..n {
                y[i] = a[i * n..(i + 1) * n]
                    .iter()
                    .zip(x)
                    .map(|(p, q)| *p as f64 * *q as f64)
                    .sum::<f64>() as f32;
            }
        }
    }

    /// Checks `found` against the dense solver's top pairs: eigenvalues to `value_tol * ||A||`,
    /// eigenvectors to `vector_tol` (1 - |cos|), orthonormality, and the residual estimates.
    fn check_against_dense(
        a: &[f64],
        a32: &[f32],
        found: &LanczosResult,
        value_tol: f64,
        vector_tol: f64,
    ) {
        let n = found.pairs.dim();
        let dense = symmetric_eigen(n, a).unwrap();
        let a_norm = dense.values[0].abs().max(dense.values[n - 1].abs());
        let pairs = &found.pairs;
        for i in 0..pairs.len() {
            let (got, want) = (pairs.values()[i], dense.values[i]);
            assert!(
                (got - want).abs() <= value_tol * a_norm,
                "value {i}: {got} vs {want}"
            );
            let v = pairs.vector(i);
            let cos: f64 = v
                .iter()
                .zip(dense.vector(i))
                .map(|(p, q)| *p as f64 * q)
                .sum();
            assert!(1.0 - cos.abs() <= vector_tol, "vector {i}: cos = {cos}");
            for j in 0..pairs.len() {
                let d: f64 = v
                    .iter()
                    .zip(pairs.vector(j))
                    .map(|(p, q)| *p as f64 * *q as f64)
                    .sum();
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((d - want).abs() < 1e-6, "orthonormality {i} {j}: {d}");
            }
            let mut av = vec![0.0f32; n];
            matvec(n, a32)(v, &mut av);
            let r: f64 = av
                .iter()
                .zip(v)
                .map(|(p, q)| (*p as f64 - got * *q as f64).powi(2))
                .sum::<f64>()
                .sqrt();
            // The Lanczos estimate is the true residual, up to the f32 operator's rounding.
            let estimate = found.residuals[i];
            assert!(
                (r - estimate).abs() <= 1e-5 * a_norm,
                "residual {i}: {r} vs {estimate}"
            );
        }
    }

    #[test]
    fn separated_top_with_large_negative_eigenvalues() {
        // The most negative eigenvalue (-12) is larger in magnitude than the top (10): the
        // largest algebraic must still come first.
        let mut rng = Rng::for_stream(11, &[]);
        let n = 60;
        let mut spectrum = vec![10.0, 8.0, 6.5, 5.0, 4.0];
        spectrum.extend((0..n - 5).map(|i| -12.0 + 14.0 * i as f64 / (n - 6) as f64));
        let (a, a32) = with_spectrum(&spectrum, &mut rng);
        let found = lanczos_top(n, LanczosOptions::top(5), &mut rng, matvec(n, &a32)).unwrap();
        assert_eq!((found.steps, found.restarts, found.pairs.len()), (25, 0, 5));
        check_against_dense(&a, &a32, &found, 1e-6, 1e-6);
        // The first pairs have converged to the f32 operator's rounding; the 5th nearly.
        assert!(
            found.residuals[..3].iter().all(|&r| r < 1e-5),
            "{:?}",
            found.residuals
        );
    }

    #[test]
    fn clustered_top_eigenvalues() {
        // Top cluster 9.999..10 (gaps 1e-3) over a bulk in [-20, 3]; 40 steps.
        let mut rng = Rng::for_stream(12, &[]);
        let n = 60;
        let mut spectrum = vec![10.0, 9.999, 9.998, 9.0, 8.9999];
        spectrum.extend((0..n - 5).map(|i| -20.0 + 23.0 * i as f64 / (n - 6) as f64));
        let (a, a32) = with_spectrum(&spectrum, &mut rng);
        let options = LanczosOptions { k: 5, steps: 40 };
        let found = lanczos_top(n, options, &mut rng, matvec(n, &a32)).unwrap();
        // Observed: values within 1e-8 ||A||, 1 - |cos| ~ 6e-9 (the f32 operator's rounding
        // over the 1e-3 gaps); the bounds leave a margin of ~10 and ~100.
        check_against_dense(&a, &a32, &found, 1e-7, 1e-6);
    }

    #[test]
    fn all_steps_is_exact_even_with_multiplicities() {
        // m = D spans the whole space, so every eigenvalue comes back with its multiplicity,
        // both exactly repeated ones (a diagonal operator, exact in f32: the other copies enter
        // through rounding, which the iteration amplifies once the first copy has converged)
        // and ones split by rounding (a rotated f32 matrix).
        let mut rng = Rng::for_stream(13, &[]);
        let n = 30;
        let mut spectrum = vec![5.0, 5.0, 5.0, 2.0, 2.0];
        spectrum.extend((0..n - 5).map(|i| -7.0 + 0.25 * i as f64));
        let want = [5.0, 5.0, 5.0, 2.0, 2.0];
        let options = LanczosOptions { k: 5, steps: n };

        let diagonal: Vec<f32> = spectrum.iter().map(|&v| v as f32).collect();
        let found = lanczos_top(n, options, &mut rng, |x, y| {
            for ((yi, xi), d) in y.iter_mut().zip(x).zip(&diagonal) {
                *yi = xi * d;
            }
        })
        .unwrap();
        assert_eq!(found.steps, n);
        let values = found.pairs.values();
        for (got, want) in values.iter().zip(want) {
            assert!((got - want).abs() < 1e-6, "{values:?}");
        }

        let (_, a32) = with_spectrum(&spectrum, &mut rng);
        let found = lanczos_top(n, options, &mut rng, matvec(n, &a32)).unwrap();
        let values = found.pairs.values();
        for (got, want) in values.iter().zip(want) {
            assert!((got - want).abs() < 1e-5, "{values:?}");
        }
    }

    #[test]
    fn low_rank_operator_breaks_down_and_restarts() {
        // A = 5 u u^T + 3 v v^T - 2 w w^T in R^40: the Krylov space has dimension 4, then
        // breakdowns; the top 5 eigenvalues are 5, 3, 0, 0, 0.
        let mut rng = Rng::for_stream(14, &[]);
        let n = 40;
        let mut spectrum = vec![5.0, 3.0, -2.0];
        spectrum.resize(n, 0.0);
        let (a, a32) = with_spectrum(&spectrum, &mut rng);
        let found = lanczos_top(n, LanczosOptions::top(5), &mut rng, matvec(n, &a32)).unwrap();
        assert!(found.restarts >= 1, "{found:?}");
        let values = found.pairs.values();
        for (got, want) in values.iter().zip([5.0, 3.0, 0.0, 0.0, 0.0]) {
            assert!((got - want).abs() < 1e-5, "{values:?}");
        }
        check_against_dense(&a, &a32, &found, 1e-5, 1.0); // vectors of the 0-eigenspace are arbitrary
        let top = found.pairs.vector(0);
        let dense = symmetric_eigen(n, &a).unwrap();
        let cos: f64 = top
            .iter()
            .zip(dense.vector(0))
            .map(|(p, q)| *p as f64 * q)
            .sum();
        // f32 storage alone limits |cos| to 1 +- ~1e-8.
        assert!((1.0 - cos).abs() < 1e-7, "{cos}");
    }

    #[test]
    fn small_dimensions_and_identity() {
        let mut rng = Rng::for_stream(15, &[]);
        // D < k: all D pairs.
        let a32 = [2.0f32, 1.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, -1.0];
        let found = lanczos_top(3, LanczosOptions::top(5), &mut rng, matvec(3, &a32)).unwrap();
        let values = found.pairs.values();
        assert_eq!(values.len(), 3);
        for (got, want) in values.iter().zip([3.0, 1.0, -1.0]) {
            assert!((got - want).abs() < 1e-6, "{values:?}");
        }
        // The identity: breakdown after one step, every Ritz value 1.
        let found = lanczos_top(10, LanczosOptions::top(3), &mut rng, |x, y| {
            y.copy_from_slice(x)
        })
        .unwrap();
        assert!(found.pairs.values().iter().all(|v| (v - 1.0).abs() < 1e-7));
        // D = 0, k = 0, the zero operator.
        let none = lanczos_top(0, LanczosOptions::top(3), &mut rng, |_, _| {}).unwrap();
        assert!(none.pairs.is_empty());
        let none = lanczos_top(4, LanczosOptions::top(0), &mut rng, |_, _| {}).unwrap();
        assert!(none.pairs.is_empty());
        let zero = lanczos_top(6, LanczosOptions::top(2), &mut rng, |_, _| {}).unwrap();
        assert_eq!(zero.pairs.values(), &[0.0, 0.0]);
    }

    #[test]
    fn non_finite_operator_is_an_error() {
        let mut rng = Rng::for_stream(16, &[]);
        let result = lanczos_top(5, LanczosOptions::top(2), &mut rng, |_, y| y[2] = f32::NAN);
        assert_eq!(result, Err(EigenError::NonFinite));
    }

    #[test]
    fn same_seed_same_result() {
        let (_, a32) = with_spectrum(
            &[3.0, 1.0, 0.5, -1.0, -2.0, 0.1],
            &mut Rng::for_stream(1, &[]),
        );
        let run = |seed| {
            lanczos_top(
                6,
                LanczosOptions::top(2),
                &mut Rng::for_stream(seed, &[]),
                matvec(6, &a32),
            )
            .unwrap()
        };
        assert_eq!(run(7), run(7));
    }
}
