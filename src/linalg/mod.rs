//! Linear algebra: closed-form 2x2 (the 2-D landscape) and the eigen-solvers of the
//! large-scale experiment (Hessian and gradient-noise covariance of a network with D ~ 11,000
//! parameters, docs/protocols.md 3.3).
//!
//! Nothing here ever forms a D x D matrix: the Hessian is reached only through
//! Hessian-vector products ([`lanczos`]), and the minibatch-gradient covariance through the
//! K x K Gram matrix of its K centred gradients ([`gram`]). Dense decompositions
//! ([`symmetric`]) are for the small matrices those two reduce to.

pub mod eigenpairs;
pub mod gram;
pub mod lanczos;
pub mod sym2;
pub mod symmetric;

pub use eigenpairs::EigenPairs;
pub use gram::GradientCovariance;
pub use lanczos::{lanczos_top, lanczos_top_from, LanczosOptions, LanczosResult};
pub use sym2::{Eigen2, Sym2};
pub use symmetric::{symmetric_eigen, tridiagonal_eigen, EigenError, SymEigen};

/// The dot product of two f32 vectors, accumulated in f64 (traces and projections of the
/// MLP experiment must not lose digits to f32 sums over 11,000 terms).
pub fn dot_f64(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum()
}
