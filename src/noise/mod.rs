//! The eight dynamics of the paper and the noise covariance each one adds.
//!
//! All eight are theta <- theta - lr grad L(theta) + eps, eps ~ N(0, Sigma); they differ only
//! in Sigma (PAPER.md 1). The six GLD variants and GD follow the authors' 2-D code: the noise
//! matrix is evaluated at w_t and its trace is `noise_trace` (parameter noise, added after the
//! GD step). `gld-dynamic` instead matches the trace of SGD's own noise at w_t, so that it is
//! always the equal-magnitude isotropic twin of `sgd`. SGD adds nothing: its noise is the
//! minibatch sampling error, whose covariance is (lr^2 / m) C1 for m samples drawn with
//! replacement.

use crate::landscape::basin::PointStats;
use crate::linalg::Sym2;

pub mod gradient;

/// One of the eight dynamics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// Plain gradient descent: no noise.
    Gd,
    /// Langevin dynamics with fixed isotropic noise of trace `noise_trace`.
    GldConst,
    /// Isotropic noise whose trace equals SGD's noise trace at w_t.
    GldDynamic,
    /// The diagonal of C1, rescaled to trace `noise_trace`.
    GldDiag,
    /// C1's leading eigenpairs (all of C1 in 2-D), rescaled to trace `noise_trace`.
    GldLeading,
    /// The Hessian (its positive part), rescaled to trace `noise_trace`.
    GldHessian,
    /// All the variance `noise_trace` along the Hessian's top eigenvector.
    GldEigvec,
    /// Minibatch SGD: the gradient of m samples drawn with replacement; no added noise.
    Sgd,
}

impl Method {
    /// All eight, in the paper's order (the canonical order of every list and plot).
    pub const ALL: [Method; 8] = [
        Method::Gd,
        Method::GldConst,
        Method::GldDynamic,
        Method::GldDiag,
        Method::GldLeading,
        Method::GldHessian,
        Method::GldEigvec,
        Method::Sgd,
    ];

    /// The ids of [`Method::ALL`], in the same order (the schema's lists of methods).
    pub const IDS: [&'static str; 8] = [
        "gd",
        "gld-const",
        "gld-dynamic",
        "gld-diag",
        "gld-leading",
        "gld-hessian",
        "gld-eigvec",
        "sgd",
    ];

    /// The stable id used by the API, the CLI and the page.
    pub fn id(self) -> &'static str {
        Method::IDS[self as usize]
    }

    /// The name the paper gives it.
    pub fn name(self) -> &'static str {
        match self {
            Method::Gd => "GD",
            Method::GldConst => "GLD const",
            Method::GldDynamic => "GLD dynamic",
            Method::GldDiag => "GLD diag",
            Method::GldLeading => "GLD leading",
            Method::GldHessian => "GLD Hessian",
            Method::GldEigvec => "GLD 1st eigvec",
            Method::Sgd => "SGD",
        }
    }

    /// The method with this id, if any.
    pub fn from_id(id: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.id() == id)
    }

    /// The comma-separated list of all ids, for error messages and help texts.
    pub fn id_list() -> String {
        Method::ALL.map(Method::id).join(", ")
    }

    /// The tag of this method's random streams; fixed forever so seeds stay reproducible.
    pub fn stream_tag(self) -> u64 {
        1 + Method::ALL.iter().position(|&m| m == self).unwrap_or(0) as u64
    }

    /// Whether the method needs the per-sample covariance or Hessian at every step (all but
    /// GD, GLD const and SGD).
    pub fn needs_point_stats(self) -> bool {
        !matches!(self, Method::Gd | Method::GldConst | Method::Sgd)
    }
}

/// The step parameters the noise depends on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoiseParams {
    /// Learning rate.
    pub lr: f64,
    /// Trace of the added parameter noise of the GLD variants with a fixed magnitude.
    pub noise_trace: f64,
    /// SGD's minibatch size m (sets SGD's and GLD dynamic's noise magnitude).
    pub batch_size: usize,
}

/// `m` rescaled to trace `trace`; zero when `m` has zero trace (no direction to follow).
fn with_trace(m: Sym2, trace: f64) -> Sym2 {
    let t = m.trace();
    if t > 0.0 {
        m.scale(trace / t)
    } else {
        Sym2::ZERO
    }
}

/// SGD's parameter-noise covariance (lr^2 / m) C1 at a point.
pub fn sgd_covariance(stats: &PointStats, p: &NoiseParams) -> Sym2 {
    stats.c1.scale(p.lr * p.lr / p.batch_size as f64)
}

/// The covariance of the parameter noise `method` adds at a point with statistics `stats`.
///
/// For SGD this is the covariance of its minibatch error, which it does not add but has.
pub fn covariance_2d(method: Method, stats: &PointStats, p: &NoiseParams) -> Sym2 {
    const D: f64 = 2.0;
    match method {
        Method::Gd => Sym2::ZERO,
        Method::GldConst => Sym2::scaled_identity(p.noise_trace / D),
        Method::GldDynamic => Sym2::scaled_identity(sgd_covariance(stats, p).trace() / D),
        Method::GldDiag => with_trace(stats.c1.diagonal(), p.noise_trace),
        Method::GldLeading => with_trace(stats.c1, p.noise_trace),
        Method::GldHessian => with_trace(stats.hessian.positive_part(), p.noise_trace),
        Method::GldEigvec => {
            let top = stats.hessian.eigen().vectors[0];
            Sym2::outer(top).scale(p.noise_trace)
        }
        Method::Sgd => sgd_covariance(stats, p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_tags_are_distinct() {
        let mut tags = std::collections::BTreeSet::new();
        for m in Method::ALL {
            assert_eq!(Method::from_id(m.id()), Some(m));
            assert!(tags.insert(m.stream_tag()));
        }
        assert_eq!(Method::from_id("adam"), None);
    }

    #[test]
    fn every_fixed_magnitude_noise_has_the_requested_trace() {
        let stats = PointStats {
            loss: 0.0,
            grad: [0.0, 0.0],
            hessian: Sym2 {
                xx: 110.0,
                xy: 90.0,
                yy: 110.0,
            },
            c1: Sym2 {
                xx: 3.0,
                xy: -1.0,
                yy: 0.5,
            },
        };
        let p = NoiseParams {
            lr: 0.1,
            noise_trace: 0.01,
            batch_size: 4,
        };
        for m in [
            Method::GldConst,
            Method::GldDiag,
            Method::GldLeading,
            Method::GldHessian,
            Method::GldEigvec,
        ] {
            let t = covariance_2d(m, &stats, &p).trace();
            assert!((t - 0.01).abs() < 1e-15, "{m:?}: {t}");
        }
        let sgd = covariance_2d(Method::Sgd, &stats, &p).trace();
        assert!((sgd - 0.01 / 4.0 * 3.5).abs() < 1e-15);
        let dynamic = covariance_2d(Method::GldDynamic, &stats, &p);
        assert_eq!(dynamic.trace(), sgd);
        assert_eq!(dynamic.xy, 0.0);
        assert_eq!(covariance_2d(Method::Gd, &stats, &p), Sym2::ZERO);
    }

    #[test]
    fn zero_covariance_gives_zero_noise_not_nan() {
        let stats = PointStats {
            loss: 0.0,
            grad: [0.0, 0.0],
            hessian: Sym2::ZERO,
            c1: Sym2::ZERO,
        };
        let p = NoiseParams {
            lr: 0.1,
            noise_trace: 0.01,
            batch_size: 1,
        };
        for m in Method::ALL {
            let c = covariance_2d(m, &stats, &p);
            assert!(
                c.xx.is_finite() && c.xy.is_finite() && c.yy.is_finite(),
                "{m:?}"
            );
        }
    }
}
