//! Linear algebra: closed-form 2x2 (the 2-D landscape) and the eigen-solvers of the
//! large-scale experiment (Hessian and gradient-noise covariance of a network with D ~ 11,000
//! parameters, PAPER.md 3.3).
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
