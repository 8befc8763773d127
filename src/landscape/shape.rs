//! The settings that shape the 2-D two-basin landscape, and its closed-form analysis.
//!
//! Five numbers shape it: the sharp basin's two Hessian eigenvalues, the angle of its sharp
//! axis relative to the line joining the minima, the flat basin's curvature and the distance
//! between the minima. The default is the paper's landscape (docs/protocols.md 3.1): eigenvalues 200 and
//! 20, the sharp axis along the joining line, flat curvature 2, minima (1, 1) and (-1, -1).
//! Everything the page shows about the landscape (Hessian, eigenpairs, GD's stability limit,
//! the barrier along the joining line) is computed here, not in JS.

use crate::config::{ConfigError, FieldValue};
use crate::indicator::gd_stable_lr;
use crate::landscape::basin::Landscape;
use crate::linalg::{Eigen2, Sym2};
use crate::schema::Figure;
use serde::Serialize;

/// The API keys of the shape, in the order they are documented. Their ranges, defaults and
/// help are the settings schema's (src/schema/toy.rs); this module only reads them.
pub const SHAPE_KEYS: [&str; 5] = [
    "sharpLambda1",
    "sharpLambda2",
    "sharpAngle",
    "flatCurvature",
    "minimaDistance",
];

/// The shape of the two-basin landscape; `Default` is the paper's.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LandscapeShape {
    /// The sharp basin's larger Hessian eigenvalue, along its sharp axis (paper: 200).
    pub sharp_lambda1: f64,
    /// The sharp basin's smaller Hessian eigenvalue, across the sharp axis (paper: 20).
    pub sharp_lambda2: f64,
    /// Angle in degrees from the line joining the minima to the sharp axis, counterclockwise
    /// (paper: 0, the sharp axis points at the flat basin).
    pub sharp_angle: f64,
    /// The flat basin's curvature (isotropic; paper: 2).
    pub flat_curvature: f64,
    /// Distance between the two minima, which sit on the diagonal symmetric about the origin
    /// (paper: 2 sqrt 2, the minima (1, 1) and (-1, -1)).
    pub minima_distance: f64,
}

impl Default for LandscapeShape {
    fn default() -> Self {
        LandscapeShape {
            sharp_lambda1: 200.0,
            sharp_lambda2: 20.0,
            sharp_angle: 0.0,
            flat_curvature: 2.0,
            minima_distance: 2.0 * std::f64::consts::SQRT_2,
        }
    }
}

/// The barrier along the straight line from the sharp to the flat minimum (noise-free loss).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Barrier {
    /// The loss where the two bowls meet on the line: the highest point of the line.
    pub height: f64,
    /// Where they meet.
    pub point: [f64; 2],
    /// Its distance from the sharp minimum.
    pub distance_from_sharp: f64,
    /// The sharp bowl's curvature along the line, lambda1 cos^2 a + lambda2 sin^2 a.
    pub curvature_along_line: f64,
}

/// Everything the page states about a landscape, from the core.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LandscapeAnalysis {
    /// The settings.
    pub shape: LandscapeShape,
    /// The sharp minimum.
    pub sharp_minimum: [f64; 2],
    /// The flat minimum.
    pub flat_minimum: [f64; 2],
    /// The sharp bowl's Hessian (xx, xy, yy).
    pub sharp_hessian: Sym2,
    /// Its eigenvalues, largest first.
    pub eigenvalues: [f64; 2],
    /// Its unit eigenvectors, in the order of the eigenvalues.
    pub eigenvectors: [[f64; 2]; 2],
    /// GD's stability limit 2 / lambda1 in the sharp bowl.
    pub gd_stable_lr: Option<f64>,
    /// The barrier along the joining line.
    pub barrier: Barrier,
    /// A run counts as escaped while both coordinates are below this.
    pub escape_threshold: f64,
}

impl LandscapeShape {
    /// Sets the field with API key `key` from `value`, checked against the settings schema;
    /// `Ok(false)` when `key` is not a shape key (so a caller can try its other keys), an
    /// error naming the key when the value is bad. Cross-field rules are
    /// [`LandscapeShape::validate`]'s.
    pub fn set_field(&mut self, key: &str, value: &FieldValue) -> Result<bool, ConfigError> {
        if !SHAPE_KEYS.contains(&key) {
            return Ok(false);
        }
        let x = Figure::Toy.api_setting(key)?.parse_number(value)?;
        match key {
            "sharpLambda1" => self.sharp_lambda1 = x,
            "sharpLambda2" => self.sharp_lambda2 = x,
            "sharpAngle" => self.sharp_angle = x,
            "flatCurvature" => self.flat_curvature = x,
            _ => self.minima_distance = x,
        }
        Ok(true)
    }

    /// Builds a shape from key/value pairs (missing keys keep the paper's values); unknown
    /// keys are errors naming them.
    pub fn from_fields<I>(fields: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (String, FieldValue)>,
    {
        let mut shape = LandscapeShape::default();
        for (key, value) in fields {
            if !shape.set_field(&key, &value)? {
                return Err(ConfigError {
                    field: key,
                    message: format!(
                        "is not a landscape setting; they are {}",
                        SHAPE_KEYS.join(", ")
                    ),
                });
            }
        }
        shape.validate()?;
        Ok(shape)
    }

    /// The shape as key/value pairs: `from_fields` of them gives it back exactly.
    pub fn to_fields(&self) -> Vec<(String, FieldValue)> {
        [
            self.sharp_lambda1,
            self.sharp_lambda2,
            self.sharp_angle,
            self.flat_curvature,
            self.minima_distance,
        ]
        .iter()
        .zip(SHAPE_KEYS)
        .map(|(&v, k)| (k.to_string(), FieldValue::Number(v)))
        .collect()
    }

    /// Checks every field against the schema's range and that lambda2 <= lambda1 (the sharp
    /// axis is the one of the larger eigenvalue).
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (key, value) in self.to_fields() {
            Figure::Toy.api_setting(&key)?.parse_number(&value)?;
        }
        if self.sharp_lambda2 > self.sharp_lambda1 {
            return Err(ConfigError::new(
                "sharpLambda2",
                &format!("at most sharpLambda1 = {}", self.sharp_lambda1),
                &self.sharp_lambda2.to_string(),
            ));
        }
        Ok(())
    }

    /// The evaluator of this shape.
    pub fn landscape(&self) -> Landscape {
        Landscape::new(*self)
    }

    /// The sharp bowl's Hessian.
    pub fn sharp_hessian(&self) -> Sym2 {
        self.landscape()
            .branch_hessian(crate::landscape::basin::Branch::Sharp)
    }

    /// The sharp bowl's eigenpairs, largest first.
    pub fn sharp_eigen(&self) -> Eigen2 {
        self.sharp_hessian().eigen()
    }

    /// GD's stability limit 2 / lambda1 in the sharp bowl.
    pub fn gd_stable_lr(&self) -> Option<f64> {
        gd_stable_lr(self.sharp_lambda1)
    }

    /// The barrier along the joining line of the noise-free loss (data point x = 0).
    ///
    /// On the line at distance r from the sharp minimum the sharp bowl is k r^2 / 2 with
    /// k = lambda1 cos^2 a + lambda2 sin^2 a, the flat bowl f (D - r)^2 / 2; they meet at
    /// r* = D sqrt f / (sqrt k + sqrt f), at height (D^2 / 2) k f / (sqrt k + sqrt f)^2.
    pub fn barrier(&self) -> Barrier {
        let a = self.sharp_angle.to_radians();
        let (c, s) = (a.cos(), a.sin());
        let k = self.sharp_lambda1 * c * c + self.sharp_lambda2 * s * s;
        let f = self.flat_curvature;
        let d = self.minima_distance;
        let (sk, sf) = (k.sqrt(), f.sqrt());
        let r = d * sf / (sk + sf);
        let sharp = self.landscape().sharp_minimum();
        let step = r * std::f64::consts::FRAC_1_SQRT_2;
        Barrier {
            height: 0.5 * k * r * r,
            point: [sharp[0] - step, sharp[1] - step],
            distance_from_sharp: r,
            curvature_along_line: k,
        }
    }

    /// The whole analysis the page shows.
    pub fn analysis(&self) -> LandscapeAnalysis {
        let l = self.landscape();
        let e = self.sharp_eigen();
        LandscapeAnalysis {
            shape: *self,
            sharp_minimum: l.sharp_minimum(),
            flat_minimum: l.flat_minimum(),
            sharp_hessian: self.sharp_hessian(),
            eigenvalues: e.values,
            eigenvectors: e.vectors,
            gd_stable_lr: self.gd_stable_lr(),
            barrier: self.barrier(),
            escape_threshold: l.escape_threshold(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::basin::{sample_eval, Branch};
    use crate::rng::Rng;

    fn shaped(l1: f64, l2: f64, angle: f64, f: f64, d: f64) -> LandscapeShape {
        LandscapeShape {
            sharp_lambda1: l1,
            sharp_lambda2: l2,
            sharp_angle: angle,
            flat_curvature: f,
            minima_distance: d,
        }
    }

    #[test]
    fn the_default_is_the_papers_landscape_bit_for_bit() {
        let l = LandscapeShape::default().landscape();
        assert_eq!(l.sharp_minimum(), [1.0, 1.0]);
        assert_eq!(l.flat_minimum(), [-1.0, -1.0]);
        assert_eq!(l.escape_threshold(), -0.5);
        assert_eq!(
            l.branch_hessian(Branch::Sharp),
            Sym2 {
                xx: 110.0,
                xy: 90.0,
                yy: 110.0
            }
        );
        // The authors' formula, written out as in their code.
        let k = std::f64::consts::FRAC_1_SQRT_2;
        let mut rng = Rng::for_stream(3, &[]);
        for _ in 0..2000 {
            let w = [rng.uniform() * 6.0 - 3.0, rng.uniform() * 6.0 - 3.0];
            let x = [rng.normal() * 0.1, rng.normal() * 0.1];
            let p = [w[0] - x[0] - 1.0, w[1] - x[1] - 1.0];
            let q = [w[0] - x[0] + 1.0, w[1] - x[1] + 1.0];
            let (across, along) = (k * p[0] - k * p[1], k * p[0] + k * p[1]);
            let sharp = 10.0 * across * across + 100.0 * along * along;
            let flat = q[0] * q[0] + q[1] * q[1];
            let e = sample_eval(w, x);
            assert_eq!(e.loss.to_bits(), sharp.min(flat).to_bits());
        }
    }

    #[test]
    fn hessian_eigenpairs_follow_the_settings() {
        for angle in [-90.0, -30.0, 0.0, 17.5, 45.0, 90.0] {
            let s = shaped(150.0, 7.0, angle, 3.0, 2.5);
            let e = s.sharp_eigen();
            assert!((e.values[0] - 150.0).abs() < 1e-9 && (e.values[1] - 7.0).abs() < 1e-9);
            // The top eigenvector is the diagonal turned by the angle (up to sign).
            let a = (45.0f64 + angle).to_radians();
            let dot = e.vectors[0][0] * a.cos() + e.vectors[0][1] * a.sin();
            assert!((dot.abs() - 1.0).abs() < 1e-12, "{angle}: {e:?}");
            assert_eq!(s.gd_stable_lr(), Some(2.0 / 150.0));
        }
    }

    #[test]
    fn gradients_and_hessians_of_shaped_landscapes_match_finite_differences() {
        let mut rng = Rng::for_stream(8, &[]);
        for _ in 0..30 {
            let s = shaped(
                50.0 + 300.0 * rng.uniform(),
                1.0 + 40.0 * rng.uniform(),
                180.0 * rng.uniform() - 90.0,
                0.5 + 4.0 * rng.uniform(),
                1.0 + 4.0 * rng.uniform(),
            );
            let l = s.landscape();
            let x = [0.05 * rng.normal(), 0.05 * rng.normal()];
            let w = [4.0 * rng.uniform() - 2.0, 4.0 * rng.uniform() - 2.0];
            let e = l.sample_eval(w, x);
            let h = 1e-6;
            let f = |a: f64, b: f64| l.sample_eval([a, b], x);
            let (xp, xm) = (f(w[0] + h, w[1]), f(w[0] - h, w[1]));
            let (yp, ym) = (f(w[0], w[1] + h), f(w[0], w[1] - h));
            if [xp.branch, xm.branch, yp.branch, ym.branch]
                .iter()
                .any(|&b| b != e.branch)
            {
                continue; // too near the kink
            }
            let fd = [
                (xp.loss - xm.loss) / (2.0 * h),
                (yp.loss - ym.loss) / (2.0 * h),
            ];
            for (g, d) in e.grad.iter().zip(fd) {
                assert!((g - d).abs() < 1e-4 * (1.0 + d.abs()));
            }
            let hess = l.branch_hessian(e.branch);
            let fdh = [
                (xp.grad[0] - xm.grad[0]) / (2.0 * h),
                (xp.grad[1] - xm.grad[1]) / (2.0 * h),
                (yp.grad[1] - ym.grad[1]) / (2.0 * h),
            ];
            for (a, b) in [(hess.xx, fdh[0]), (hess.xy, fdh[1]), (hess.yy, fdh[2])] {
                assert!((a - b).abs() < 1e-5 * (1.0 + a.abs()), "{s:?}: {hess:?}");
            }
            // The minima are where the settings put them.
            let m = l.sharp_minimum();
            assert!(l.sample_eval(m, [0.0, 0.0]).loss.abs() < 1e-24);
            let dist = (2.0f64).sqrt() * 2.0 * m[0];
            assert!((dist - s.minima_distance).abs() < 1e-12);
        }
    }

    #[test]
    fn barrier_matches_its_closed_form_and_a_scan_of_the_line() {
        // The paper's landscape: the bowls meet near (0.818, 0.818) at height 1600 / 242.
        let b = LandscapeShape::default().barrier();
        assert!((b.height - 1600.0 / 242.0).abs() < 1e-12, "{b:?}");
        assert!((b.point[0] - 9.0 / 11.0).abs() < 1e-12 && (b.point[1] - 9.0 / 11.0).abs() < 1e-12);
        for s in [
            LandscapeShape::default(),
            shaped(300.0, 10.0, 60.0, 1.0, 3.0),
            shaped(80.0, 80.0, -20.0, 5.0, 1.5),
            shaped(200.0, 20.0, 90.0, 2.0, 2.0 * std::f64::consts::SQRT_2),
        ] {
            let l = s.landscape();
            let (a, z) = (l.sharp_minimum(), l.flat_minimum());
            let steps = 200_000;
            let (mut best, mut at) = (f64::MIN, 0.0);
            for i in 0..=steps {
                let t = i as f64 / steps as f64;
                let w = [a[0] + t * (z[0] - a[0]), a[1] + t * (z[1] - a[1])];
                let loss = l.sample_eval(w, [0.0, 0.0]).loss;
                if loss > best {
                    (best, at) = (loss, t * s.minima_distance);
                }
            }
            let b = s.barrier();
            assert!(
                (b.height - best).abs() < 1e-3 * b.height,
                "{s:?}: {b:?} vs {best}"
            );
            assert!((b.distance_from_sharp - at).abs() < 1e-4, "{s:?}");
        }
    }

    #[test]
    fn the_default_is_the_schemas() {
        let mut from_schema = LandscapeShape::default();
        for key in SHAPE_KEYS {
            let s = Figure::Toy.api_setting(key).unwrap();
            assert!(from_schema
                .set_field(key, &s.default.field_value())
                .unwrap());
        }
        assert_eq!(from_schema, LandscapeShape::default());
    }

    #[test]
    fn bad_settings_name_their_field() {
        let bad: Vec<(&str, FieldValue)> = vec![
            ("sharpLambda1", FieldValue::Number(0.0)),
            ("sharpLambda1", FieldValue::Number(f64::NAN)),
            ("sharpLambda2", FieldValue::Number(-1.0)),
            ("sharpLambda2", FieldValue::Number(500.0)),
            ("sharpAngle", FieldValue::Number(91.0)),
            ("sharpAngle", FieldValue::Text("ten".into())),
            ("flatCurvature", FieldValue::Number(0.0)),
            ("minimaDistance", FieldValue::Number(1e9)),
            ("sharpness", FieldValue::Number(1.0)),
        ];
        for (key, value) in bad {
            let e = LandscapeShape::from_fields([(key.to_string(), value.clone())]).unwrap_err();
            assert_eq!(e.field, key, "{value:?}");
        }
        let s = shaped(120.0, 3.0, -12.5, 0.75, 4.0);
        assert_eq!(LandscapeShape::from_fields(s.to_fields()), Ok(s));
        assert_eq!(
            LandscapeShape::from_fields(Vec::new()),
            Ok(LandscapeShape::default())
        );
    }
}
