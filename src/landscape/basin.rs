//! The 2-D two-basin loss of the paper's Figure 2 (docs/protocols.md 3.1; authors' repo 2Dim/).
//!
//! Per data point x the loss at w is the smaller of a sharp quadratic bowl centred at
//! (1, 1) + x (Hessian [[110, 90], [90, 110]], eigenvalues 200 along (1, 1) and 20 across)
//! and a flat one centred at (-1, -1) + x (Hessian 2 I). The gradient is that of the smaller
//! branch. All arithmetic is f64: in 2-D it is cheap, and it keeps the figure faithful.

pub use crate::landscape::shape::LandscapeShape;
use crate::linalg::Sym2;
use crate::rng::Rng;

/// cos(pi/4): the rotation of the sharp bowl and of the data (the repo's K1 = K2).
const K: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// The sharp minimum of the paper's noise-free loss, where every run starts.
pub const SHARP_MINIMUM: [f64; 2] = [1.0, 1.0];
/// The flat minimum of the paper's noise-free loss, where escaping runs end up.
pub const FLAT_MINIMUM: [f64; 2] = [-1.0, -1.0];
/// A run of the paper's landscape counts as escaped while both coordinates are below this
/// (the repo's success test); a shaped landscape scales it with the minima's offset.
pub const ESCAPE_THRESHOLD: f64 = -0.5;

/// Which of the two bowls is the smaller at a point, for one data point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Branch {
    /// The sharp bowl around (1, 1) + x.
    Sharp,
    /// The flat bowl around (-1, -1) + x.
    Flat,
}

/// Loss and gradient of one data point at one parameter point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SampleEval {
    /// l(w; x).
    pub loss: f64,
    /// The gradient of l in w.
    pub grad: [f64; 2],
    /// The branch that is active (the smaller one; sharp on a tie).
    pub branch: Branch,
}

/// The two-basin loss of a [`LandscapeShape`], ready to evaluate.
///
/// The minima sit at (c, c) and (-c, -c) on the diagonal, c = distance / (2 sqrt 2). The sharp
/// bowl is the paper's bowl (curvature lambda1 along the diagonal, lambda2 across) turned by
/// the shape's angle; the flat bowl is isotropic. Evaluation runs the paper's arithmetic in the
/// bowl's own frame and rotates only when the angle is not zero, so the paper's landscape
/// gives bit for bit the numbers of the authors' formula.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Landscape {
    shape: LandscapeShape,
    /// The minima's coordinate offset c.
    offset: f64,
    /// (cos, sin) of the sharp axis's turn; `None` for the paper's unturned bowl.
    turn: Option<[f64; 2]>,
    /// Curvature halves of the sharp bowl across and along its long axis (the repo's 10, 100).
    weights: [f64; 2],
    /// Half the flat bowl's curvature.
    flat_half: f64,
}

impl Default for Landscape {
    fn default() -> Self {
        Landscape::new(LandscapeShape::default())
    }
}

impl Landscape {
    /// The evaluator of `shape` (validate the shape first: this does not check it).
    pub fn new(shape: LandscapeShape) -> Self {
        let angle = shape.sharp_angle.to_radians();
        Landscape {
            shape,
            offset: shape.minima_distance / (2.0 * std::f64::consts::SQRT_2),
            turn: (angle != 0.0).then(|| [angle.cos(), angle.sin()]),
            weights: [0.5 * shape.sharp_lambda2, 0.5 * shape.sharp_lambda1],
            flat_half: 0.5 * shape.flat_curvature,
        }
    }

    /// The settings this landscape was built from.
    pub fn shape(&self) -> &LandscapeShape {
        &self.shape
    }

    /// The sharp minimum of the noise-free loss (where every run starts).
    pub fn sharp_minimum(&self) -> [f64; 2] {
        [self.offset, self.offset]
    }

    /// The flat minimum of the noise-free loss.
    pub fn flat_minimum(&self) -> [f64; 2] {
        [-self.offset, -self.offset]
    }

    /// Both coordinates must be below this for a run to count as escaped: halfway from the
    /// origin to the flat minimum (the repo's -0.5 on the paper's landscape).
    pub fn escape_threshold(&self) -> f64 {
        ESCAPE_THRESHOLD * self.offset
    }

    /// Whether a point lies in the flat basin's success region.
    pub fn in_flat_basin(&self, w: [f64; 2]) -> bool {
        let t = self.escape_threshold();
        w[0] < t && w[1] < t
    }

    /// `v` turned by minus the sharp axis's angle (into the bowl's frame).
    #[inline]
    fn in_bowl_frame(&self, v: [f64; 2]) -> [f64; 2] {
        match self.turn {
            None => v,
            Some([c, s]) => [c * v[0] + s * v[1], c * v[1] - s * v[0]],
        }
    }

    /// `v` turned by the sharp axis's angle (out of the bowl's frame).
    #[inline]
    fn in_plane_frame(&self, v: [f64; 2]) -> [f64; 2] {
        match self.turn {
            None => v,
            Some([c, s]) => [c * v[0] - s * v[1], s * v[0] + c * v[1]],
        }
    }

    /// The loss and gradient of data point `x` at `w`.
    #[inline]
    pub fn sample_eval(&self, w: [f64; 2], x: [f64; 2]) -> SampleEval {
        let c = self.offset;
        let p = self.in_bowl_frame([w[0] - x[0] - c, w[1] - x[1] - c]);
        let q = [w[0] - x[0] + c, w[1] - x[1] + c];
        let across = K * p[0] - K * p[1];
        let along = K * p[0] + K * p[1];
        let sharp = self.weights[0] * across * across + self.weights[1] * along * along;
        let flat = self.flat_half * (q[0] * q[0] + q[1] * q[1]);
        if sharp <= flat {
            let d_across = 2.0 * self.weights[0] * across;
            let d_along = 2.0 * self.weights[1] * along;
            SampleEval {
                loss: sharp,
                grad: self.in_plane_frame([K * (d_across + d_along), K * (d_along - d_across)]),
                branch: Branch::Sharp,
            }
        } else {
            let f = self.shape.flat_curvature;
            SampleEval {
                loss: flat,
                grad: [f * q[0], f * q[1]],
                branch: Branch::Flat,
            }
        }
    }

    /// The (constant) Hessian of one branch.
    pub fn branch_hessian(&self, branch: Branch) -> Sym2 {
        match branch {
            Branch::Sharp => {
                let [a, b] = self.weights;
                // 2a k k^T + 2b j j^T with k = K(1, -1), j = K(1, 1), in the bowl's frame.
                let h = Sym2 {
                    xx: a + b,
                    xy: b - a,
                    yy: a + b,
                };
                match self.turn {
                    None => h,
                    Some(_) => {
                        let (e0, e1) = (
                            self.in_plane_frame([1.0, 0.0]),
                            self.in_plane_frame([0.0, 1.0]),
                        );
                        // R H R^T from the columns of R.
                        let r = [[e0[0], e1[0]], [e0[1], e1[1]]];
                        let row = |i: usize, j: usize| {
                            let rh = [
                                r[i][0] * h.xx + r[i][1] * h.xy,
                                r[i][0] * h.xy + r[i][1] * h.yy,
                            ];
                            rh[0] * r[j][0] + rh[1] * r[j][1]
                        };
                        Sym2 {
                            xx: row(0, 0),
                            xy: row(0, 1),
                            yy: row(1, 1),
                        }
                    }
                }
            }
            Branch::Flat => Sym2::scaled_identity(self.shape.flat_curvature),
        }
    }

    /// The mean loss of a data set at `w`.
    pub fn mean_loss(&self, w: [f64; 2], data: &[[f64; 2]]) -> f64 {
        let total: f64 = data.iter().map(|&x| self.sample_eval(w, x).loss).sum();
        total / data.len() as f64
    }

    /// Loss, gradient, Hessian and per-sample gradient covariance of `data` at `w`, in one
    /// pass.
    ///
    /// The covariance is accumulated around the first sample's gradient (a shifted
    /// single-pass estimate), which keeps it accurate even where the mean gradient is large.
    pub fn point_stats(&self, w: [f64; 2], data: &[[f64; 2]]) -> PointStats {
        assert!(
            !data.is_empty(),
            "point_stats needs at least one data point"
        );
        let shift = self.sample_eval(w, data[0]).grad;
        let (mut loss, mut g0, mut g1) = (0.0, 0.0, 0.0);
        let (mut s00, mut s01, mut s11) = (0.0, 0.0, 0.0);
        let mut sharp_count = 0usize;
        for &x in data {
            let e = self.sample_eval(w, x);
            loss += e.loss;
            let (d0, d1) = (e.grad[0] - shift[0], e.grad[1] - shift[1]);
            g0 += d0;
            g1 += d1;
            s00 += d0 * d0;
            s01 += d0 * d1;
            s11 += d1 * d1;
            sharp_count += (e.branch == Branch::Sharp) as usize;
        }
        let n = data.len() as f64;
        let (m0, m1) = (g0 / n, g1 / n);
        let sharp_share = sharp_count as f64 / n;
        PointStats {
            loss: loss / n,
            grad: [shift[0] + m0, shift[1] + m1],
            hessian: self
                .branch_hessian(Branch::Sharp)
                .scale(sharp_share)
                .add(&self.branch_hessian(Branch::Flat).scale(1.0 - sharp_share)),
            c1: Sym2 {
                xx: (s00 / n - m0 * m0).max(0.0),
                xy: s01 / n - m0 * m1,
                yy: (s11 / n - m1 * m1).max(0.0),
            },
        }
    }
}

/// Whether a point lies in the paper's flat basin success region (w1 < -0.5 and w2 < -0.5).
pub fn in_flat_basin(w: [f64; 2]) -> bool {
    w[0] < ESCAPE_THRESHOLD && w[1] < ESCAPE_THRESHOLD
}

/// The loss and gradient of data point `x` at `w` on the paper's landscape.
#[inline]
pub fn sample_eval(w: [f64; 2], x: [f64; 2]) -> SampleEval {
    Landscape::default().sample_eval(w, x)
}

/// The (constant) Hessian of one branch of the paper's landscape.
pub fn branch_hessian(branch: Branch) -> Sym2 {
    Landscape::default().branch_hessian(branch)
}

/// The mean loss of a data set at `w` on the paper's landscape.
pub fn mean_loss(w: [f64; 2], data: &[[f64; 2]]) -> f64 {
    Landscape::default().mean_loss(w, data)
}

/// Everything the dynamics and the indicator need at one point for one data set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointStats {
    /// The mean loss L(w).
    pub loss: f64,
    /// The mean gradient.
    pub grad: [f64; 2],
    /// The exact Hessian of the mean loss.
    pub hessian: Sym2,
    /// C1 = (1/n) sum_i (g_i - g)(g_i - g)^T, the per-sample gradient covariance.
    pub c1: Sym2,
}

/// [`Landscape::point_stats`] on the paper's landscape.
pub fn point_stats(w: [f64; 2], data: &[[f64; 2]]) -> PointStats {
    Landscape::default().point_stats(w, data)
}

/// Draws the repo's data set: n points x = (z1 sqrt(10), z2) K * spread, z standard normal,
/// K the rotation by pi/4 (row vector times K), into `out`.
pub fn draw_data(rng: &mut Rng, spread: f64, out: &mut [[f64; 2]]) {
    let stretch = 10f64.sqrt();
    for x in out.iter_mut() {
        let a = rng.normal() * stretch;
        let b = rng.normal();
        *x = [(a * K + b * K) * spread, (b * K - a * K) * spread];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fd_grad(w: [f64; 2], x: [f64; 2]) -> [f64; 2] {
        let h = 1e-6;
        let f = |a: f64, b: f64| sample_eval([a, b], x).loss;
        [
            (f(w[0] + h, w[1]) - f(w[0] - h, w[1])) / (2.0 * h),
            (f(w[0], w[1] + h) - f(w[0], w[1] - h)) / (2.0 * h),
        ]
    }

    fn fd_hessian(w: [f64; 2], data: &[[f64; 2]]) -> Sym2 {
        let h = 1e-5;
        let g = |a: f64, b: f64| point_stats([a, b], data).grad;
        let (gxp, gxm) = (g(w[0] + h, w[1]), g(w[0] - h, w[1]));
        let (gyp, gym) = (g(w[0], w[1] + h), g(w[0], w[1] - h));
        Sym2 {
            xx: (gxp[0] - gxm[0]) / (2.0 * h),
            xy: 0.5 * ((gxp[1] - gxm[1]) + (gyp[0] - gym[0])) / (2.0 * h),
            yy: (gyp[1] - gym[1]) / (2.0 * h),
        }
    }

    fn some_data(n: usize, spread: f64) -> Vec<[f64; 2]> {
        let mut data = vec![[0.0; 2]; n];
        draw_data(&mut Rng::for_stream(11, &[]), spread, &mut data);
        data
    }

    #[test]
    fn minima_and_curvatures_are_the_papers() {
        let sharp = sample_eval(SHARP_MINIMUM, [0.0, 0.0]);
        assert_eq!(
            (sharp.loss, sharp.grad, sharp.branch),
            (0.0, [0.0, 0.0], Branch::Sharp)
        );
        let flat = sample_eval(FLAT_MINIMUM, [0.0, 0.0]);
        assert_eq!(
            (flat.loss, flat.grad, flat.branch),
            (0.0, [0.0, 0.0], Branch::Flat)
        );
        assert_eq!(
            branch_hessian(Branch::Sharp),
            Sym2 {
                xx: 110.0,
                xy: 90.0,
                yy: 110.0
            }
        );
        // Along the diagonal the basins meet near (0.818, 0.818).
        let t = 0.818;
        let left = sample_eval([t - 0.001, t - 0.001], [0.0, 0.0]).branch;
        let right = sample_eval([t + 0.001, t + 0.001], [0.0, 0.0]).branch;
        assert_eq!((left, right), (Branch::Flat, Branch::Sharp));
    }

    #[test]
    fn gradients_match_finite_differences() {
        let data = some_data(5, 0.3);
        let mut rng = Rng::for_stream(5, &[]);
        for _ in 0..200 {
            let w = [rng.uniform() * 3.0 - 1.4, rng.uniform() * 3.0 - 1.4];
            for &x in &data {
                let e = sample_eval(w, x);
                let fd = fd_grad(w, x);
                // Skip points within finite-difference reach of the kink between branches.
                let other = sample_eval([w[0] + 1e-5, w[1] + 1e-5], x).branch;
                if other != e.branch {
                    continue;
                }
                for (exact, approx) in e.grad.iter().zip(fd) {
                    assert!(
                        (exact - approx).abs() < 1e-4 * (1.0 + approx.abs()),
                        "{w:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn hessian_matches_finite_differences_of_the_gradient() {
        let data = some_data(50, 0.2);
        for w in [
            [1.0, 1.0],
            [0.9, 1.2],
            [-1.0, -1.0],
            [-0.3, 0.1],
            [1.3, -0.2],
        ] {
            let exact = point_stats(w, &data).hessian;
            let fd = fd_hessian(w, &data);
            // Away from kinks the mean Hessian is exact; fd agrees to rounding.
            for (a, b) in [(exact.xx, fd.xx), (exact.xy, fd.xy), (exact.yy, fd.yy)] {
                assert!(
                    (a - b).abs() < 1e-3 * (1.0 + a.abs()),
                    "{w:?}: {exact:?} vs {fd:?}"
                );
            }
        }
    }

    #[test]
    fn point_stats_agree_with_two_pass_definitions() {
        let data = some_data(37, 0.5);
        for w in [[1.0, 1.0], [0.2, -0.4], [3.0, 2.0]] {
            let s = point_stats(w, &data);
            let evals: Vec<SampleEval> = data.iter().map(|&x| sample_eval(w, x)).collect();
            let n = data.len() as f64;
            let g = [
                evals.iter().map(|e| e.grad[0]).sum::<f64>() / n,
                evals.iter().map(|e| e.grad[1]).sum::<f64>() / n,
            ];
            let mut c = Sym2::ZERO;
            for e in &evals {
                c = c.add(&Sym2::outer([e.grad[0] - g[0], e.grad[1] - g[1]]).scale(1.0 / n));
            }
            let loss = evals.iter().map(|e| e.loss).sum::<f64>() / n;
            let tol = 1e-10 * (1.0 + c.trace());
            assert!((s.loss - loss).abs() < 1e-12 * (1.0 + loss));
            assert!((s.grad[0] - g[0]).abs() < 1e-10 && (s.grad[1] - g[1]).abs() < 1e-10);
            assert!((s.c1.xx - c.xx).abs() < tol && (s.c1.xy - c.xy).abs() < tol);
            assert!((s.c1.yy - c.yy).abs() < tol);
            assert!((mean_loss(w, &data) - loss).abs() < 1e-12 * (1.0 + loss));
        }
    }

    #[test]
    fn data_has_the_repos_covariance() {
        // Cov(x) = spread^2 K^T diag(10, 1) K = spread^2 [[5.5, -4.5], [-4.5, 5.5]].
        let n = 200_000;
        let data = some_data(n, 1.0);
        let nf = n as f64;
        let mut c = Sym2::ZERO;
        for x in &data {
            c = c.add(&Sym2::outer(*x).scale(1.0 / nf));
        }
        // Standard error of a second moment ~ sqrt(2) * variance / sqrt(n); allow 5 of them.
        let tol = 5.0 * 2f64.sqrt() * 10.0 / nf.sqrt();
        assert!(
            (c.xx - 5.5).abs() < tol && (c.yy - 5.5).abs() < tol,
            "{c:?}"
        );
        assert!((c.xy + 4.5).abs() < tol, "{c:?}");
    }
}
