//! Small dense linear algebra: the symmetric 2x2 matrices of the 2-D landscape.
//!
//! Everything here is closed form, so it is exact up to rounding and identical on every
//! platform (only IEEE-exact operations and `sqrt`).

/// A symmetric 2x2 matrix [[xx, xy], [xy, yy]] (covariances and Hessians in 2-D).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Sym2 {
    /// Entry (0, 0).
    pub xx: f64,
    /// Entries (0, 1) and (1, 0).
    pub xy: f64,
    /// Entry (1, 1).
    pub yy: f64,
}

/// Eigen-decomposition of a [`Sym2`]: `values[0] >= values[1]`, unit `vectors[i]` for `values[i]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Eigen2 {
    /// Eigenvalues, largest first.
    pub values: [f64; 2],
    /// Orthonormal eigenvectors, in the order of `values`.
    pub vectors: [[f64; 2]; 2],
}

impl Sym2 {
    /// The zero matrix.
    pub const ZERO: Sym2 = Sym2 {
        xx: 0.0,
        xy: 0.0,
        yy: 0.0,
    };

    /// `s` times the identity.
    pub fn scaled_identity(s: f64) -> Self {
        Sym2 {
            xx: s,
            xy: 0.0,
            yy: s,
        }
    }

    /// The outer product v v^T.
    pub fn outer(v: [f64; 2]) -> Self {
        Sym2 {
            xx: v[0] * v[0],
            xy: v[0] * v[1],
            yy: v[1] * v[1],
        }
    }

    /// The trace.
    pub fn trace(&self) -> f64 {
        self.xx + self.yy
    }

    /// The diagonal part.
    pub fn diagonal(&self) -> Self {
        Sym2 {
            xx: self.xx,
            xy: 0.0,
            yy: self.yy,
        }
    }

    /// `s` times this matrix.
    pub fn scale(&self, s: f64) -> Self {
        Sym2 {
            xx: self.xx * s,
            xy: self.xy * s,
            yy: self.yy * s,
        }
    }

    /// The sum with `other`.
    pub fn add(&self, other: &Sym2) -> Self {
        Sym2 {
            xx: self.xx + other.xx,
            xy: self.xy + other.xy,
            yy: self.yy + other.yy,
        }
    }

    /// Tr(self * other), the Frobenius inner product of two symmetric matrices.
    pub fn trace_product(&self, other: &Sym2) -> f64 {
        self.xx * other.xx + 2.0 * self.xy * other.xy + self.yy * other.yy
    }

    /// The quadratic form v^T self v.
    pub fn quadratic_form(&self, v: [f64; 2]) -> f64 {
        self.xx * v[0] * v[0] + 2.0 * self.xy * v[0] * v[1] + self.yy * v[1] * v[1]
    }

    /// The product with a vector.
    pub fn apply(&self, v: [f64; 2]) -> [f64; 2] {
        [
            self.xx * v[0] + self.xy * v[1],
            self.xy * v[0] + self.yy * v[1],
        ]
    }

    /// The congruence A self A^T for a symmetric A (used for A = I - lr H).
    pub fn congruence(&self, a: &Sym2) -> Self {
        // (A S) then (A S) A, exploiting the symmetry of A.
        let as_xx = a.xx * self.xx + a.xy * self.xy;
        let as_xy = a.xx * self.xy + a.xy * self.yy;
        let as_yx = a.xy * self.xx + a.yy * self.xy;
        let as_yy = a.xy * self.xy + a.yy * self.yy;
        Sym2 {
            xx: as_xx * a.xx + as_xy * a.xy,
            xy: as_xx * a.xy + as_xy * a.yy,
            yy: as_yx * a.xy + as_yy * a.yy,
        }
    }

    /// The eigen-decomposition, eigenvalues in decreasing order.
    pub fn eigen(&self) -> Eigen2 {
        let mean = 0.5 * (self.xx + self.yy);
        let half_gap = 0.5 * (self.xx - self.yy);
        let radius = (half_gap * half_gap + self.xy * self.xy).sqrt();
        let values = [mean + radius, mean - radius];
        let top = if radius == 0.0 {
            [1.0, 0.0]
        } else {
            // Two algebraically equal candidates; take the better-conditioned one.
            let a = [values[0] - self.yy, self.xy];
            let b = [self.xy, values[0] - self.xx];
            // libm, not the platform hypot: native and wasm then agree bit for bit.
            let (na, nb) = (libm::hypot(a[0], a[1]), libm::hypot(b[0], b[1]));
            if na >= nb {
                [a[0] / na, a[1] / na]
            } else {
                [b[0] / nb, b[1] / nb]
            }
        };
        Eigen2 {
            values,
            vectors: [top, [-top[1], top[0]]],
        }
    }

    /// The positive semi-definite part: negative eigenvalues set to zero.
    pub fn positive_part(&self) -> Self {
        let e = self.eigen();
        if e.values[1] >= 0.0 {
            return *self;
        }
        Sym2::outer(e.vectors[0]).scale(e.values[0].max(0.0))
    }
}

impl Eigen2 {
    /// A vector with covariance equal to the matrix, from two standard normals `z`.
    ///
    /// Eigenvalues below zero (rounding of a PSD matrix) count as zero.
    pub fn sample(&self, z: [f64; 2]) -> [f64; 2] {
        let a = self.values[0].max(0.0).sqrt() * z[0];
        let b = self.values[1].max(0.0).sqrt() * z[1];
        [
            a * self.vectors[0][0] + b * self.vectors[1][0],
            a * self.vectors[0][1] + b * self.vectors[1][1],
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reconstruct(e: &Eigen2) -> Sym2 {
        Sym2::outer(e.vectors[0])
            .scale(e.values[0])
            .add(&Sym2::outer(e.vectors[1]).scale(e.values[1]))
    }

    #[test]
    fn eigen_reconstructs_matrices() {
        let cases = [
            Sym2 {
                xx: 110.0,
                xy: 90.0,
                yy: 110.0,
            },
            Sym2 {
                xx: 2.0,
                xy: 0.0,
                yy: 2.0,
            },
            Sym2 {
                xx: 1.0,
                xy: 0.0,
                yy: 3.0,
            },
            Sym2 {
                xx: -1.0,
                xy: 1e-9,
                yy: 5.0,
            },
            Sym2 {
                xx: 1e-12,
                xy: -3e-12,
                yy: 0.0,
            },
        ];
        for m in cases {
            let e = m.eigen();
            assert!(e.values[0] >= e.values[1]);
            let r = reconstruct(&e);
            let scale = m.xx.abs().max(m.yy.abs()).max(m.xy.abs());
            for (a, b) in [(r.xx, m.xx), (r.xy, m.xy), (r.yy, m.yy)] {
                assert!((a - b).abs() <= 1e-12 * scale, "{m:?} -> {r:?}");
            }
            let v = e.vectors[0];
            assert!((v[0].hypot(v[1]) - 1.0).abs() < 1e-14);
        }
    }

    #[test]
    fn sharp_hessian_has_the_papers_spectrum() {
        let e = Sym2 {
            xx: 110.0,
            xy: 90.0,
            yy: 110.0,
        }
        .eigen();
        assert_eq!(e.values, [200.0, 20.0]);
        let v = e.vectors[0];
        assert!((v[0] - v[1]).abs() < 1e-15 && v[0] > 0.0);
    }

    #[test]
    fn congruence_matches_explicit_product() {
        let s = Sym2 {
            xx: 2.0,
            xy: 0.5,
            yy: 1.0,
        };
        let a = Sym2 {
            xx: 0.3,
            xy: -0.2,
            yy: 0.9,
        };
        let c = s.congruence(&a);
        // explicit A S A
        let m = |p: &Sym2| [[p.xx, p.xy], [p.xy, p.yy]];
        let (sa, aa) = (m(&s), m(&a));
        let mut prod = [[0.0; 2]; 2];
        for i in 0..2 {
            for j in 0..2 {
                for k in 0..2 {
                    for l in 0..2 {
                        prod[i][j] += aa[i][k] * sa[k][l] * aa[l][j];
                    }
                }
            }
        }
        assert!((c.xx - prod[0][0]).abs() < 1e-15);
        assert!((c.xy - prod[0][1]).abs() < 1e-15);
        assert!((c.yy - prod[1][1]).abs() < 1e-15);
    }

    #[test]
    fn positive_part_drops_negative_directions() {
        let p = Sym2 {
            xx: 1.0,
            xy: 0.0,
            yy: -2.0,
        }
        .positive_part();
        assert_eq!(
            p,
            Sym2 {
                xx: 1.0,
                xy: 0.0,
                yy: 0.0
            }
        );
    }
}
