//! The sweep: escape rate against the indicator, one setting varied continuously.
//!
//! The paper's claim is quantitative: noise escapes a sharp minimum more often the larger its
//! Tr(H Sigma), and noise aligned with the curvature beats isotropic noise of the same trace.
//! A sweep varies one thing at fixed noise trace and measures the escape fraction at each
//! point next to the indicator at the sharp minimum:
//!
//! - `angle`: GLD with a rank-one noise of trace `noiseTrace` along the direction at angle
//!   theta (degrees) from the top Hessian eigenvector at w_t (theta = 0 is GLD 1st eigvec,
//!   theta = 90 puts all the noise along the flat direction);
//! - `anisotropy`: the share of the trace along the top eigenvector (1: rank-one aligned,
//!   0.5: isotropic, 0: all across);
//! - `sharpness`: the sharp basin's top eigenvalue lambda1, with GLD 1st eigvec's noise;
//! - `spread`: SGD's data spread (its noise grows with the spread of the per-sample gradients).
//!
//! Every point uses the same seed, so the data draws and the random streams are shared across
//! points (common random numbers): the differences between points are the settings', not the
//! draws'. The noise families use GLD 1st eigvec's streams, so theta = 0 reproduces that
//! method's runs bit for bit.

use crate::config::{ConfigError, FieldValue, RealRange, ToyConfig};
use crate::dynamics::{
    is_divergent, step_with_covariance, RunOutcome, ToyEnsemble, DATA_STREAM_TAG,
};
use crate::indicator::{Indicator, IndicatorSum};
use crate::landscape::basin::{draw_data, PointStats};
use crate::linalg::Sym2;
use crate::noise::{covariance_2d, Method};
use crate::rng::Rng;
use crate::schema::Figure;
use serde::Serialize;

/// What a sweep varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Vary {
    /// The angle of a rank-one noise from the top Hessian eigenvector, in degrees.
    Angle,
    /// The share of the noise trace along the top Hessian eigenvector.
    Anisotropy,
    /// The sharp basin's top eigenvalue (noise: GLD 1st eigvec).
    Sharpness,
    /// SGD's data spread.
    Spread,
}

impl Vary {
    /// All four, in the order the CLI documents them.
    pub const ALL: [Vary; 4] = [Vary::Angle, Vary::Anisotropy, Vary::Sharpness, Vary::Spread];

    /// Their ids, in the order of [`Vary::ALL`] (the schema's choices for `vary`).
    pub const IDS: [&'static str; 4] = ["angle", "anisotropy", "sharpness", "spread"];

    /// The id of the CLI, the JSON and the page.
    pub fn id(self) -> &'static str {
        Vary::IDS[self as usize]
    }

    /// The sweep with this id.
    pub fn from_id(id: &str) -> Option<Vary> {
        Vary::ALL.into_iter().find(|v| v.id() == id)
    }

    /// The unit of the varied value.
    pub fn unit(self) -> &'static str {
        match self {
            Vary::Angle => "degrees",
            Vary::Anisotropy => "share of the trace along the top eigenvector",
            Vary::Sharpness => "top eigenvalue of the sharp basin",
            Vary::Spread => "data spread",
        }
    }

    /// The default range: the paper's 0 to 90 degrees for the angle; for the others a range
    /// on which the paper's protocol goes from (almost) never to often escaping. (Beyond a
    /// spread of about 0.15 the data themselves put points in the flat bowl at (1, 1): the
    /// sharp minimum stops being one, and every run leaves whatever its noise.)
    pub fn default_range(self) -> (f64, f64) {
        match self {
            Vary::Angle => (0.0, 90.0),
            Vary::Anisotropy => (0.0, 1.0),
            Vary::Sharpness => (40.0, 360.0),
            Vary::Spread => (0.02, 0.12),
        }
    }

    /// The values allowed.
    pub fn range(self) -> RealRange {
        let (min, max) = match self {
            Vary::Angle => (-180.0, 180.0),
            Vary::Anisotropy => (0.0, 1.0),
            Vary::Sharpness => (1e-9, 1e5),
            Vary::Spread => (0.0, 10.0),
        };
        RealRange {
            min,
            min_inclusive: true,
            max,
        }
    }
}

/// The continuous noise families of the `angle` and `anisotropy` sweeps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SweepNoise {
    /// Rank one, all the trace along the top Hessian eigenvector turned by this many degrees.
    Rank1 {
        /// Degrees from the top eigenvector, counterclockwise.
        angle: f64,
    },
    /// This share of the trace along the top Hessian eigenvector, the rest across it.
    Split {
        /// In [0, 1].
        share: f64,
    },
}

impl SweepNoise {
    /// The noise covariance of trace `trace` at a point with statistics `stats`.
    pub fn covariance(&self, stats: &PointStats, trace: f64) -> Sym2 {
        let e = stats.hessian.eigen();
        match *self {
            SweepNoise::Rank1 { angle } => {
                let u = e.vectors[0];
                let dir = if angle == 0.0 {
                    u
                } else {
                    let (s, c) = angle.to_radians().sin_cos();
                    [c * u[0] - s * u[1], s * u[0] + c * u[1]]
                };
                Sym2::outer(dir).scale(trace)
            }
            SweepNoise::Split { share } => Sym2::outer(e.vectors[0])
                .scale(share * trace)
                .add(&Sym2::outer(e.vectors[1]).scale((1.0 - share) * trace)),
        }
    }
}

/// One point of a sweep: the indicator at the sharp minimum and where the runs ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepPoint {
    /// The varied setting's value.
    pub value: f64,
    /// Tr(H Sigma) at the sharp minimum, averaged over the runs' data draws.
    pub tr_h_sigma: f64,
    /// Tr H Tr Sigma / D there: isotropic noise of the same trace.
    pub tr_h_sigma_iso: f64,
    /// Their ratio (null without noise).
    pub ratio: Option<f64>,
    /// Runs in the flat basin at the end.
    pub escaped: usize,
    /// Runs neither escaped nor diverged.
    pub stayed: usize,
    /// Runs that diverged.
    pub diverged: usize,
    /// Runs.
    pub runs: usize,
}

/// A finished sweep, in the CLI's JSON shape.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepReport {
    /// Always "sweep".
    pub experiment: &'static str,
    /// What was varied.
    pub vary: Vary,
    /// Its unit.
    pub unit: &'static str,
    /// The points, in the order of their values.
    pub points: Vec<SweepPoint>,
    /// Spearman's rank correlation of Tr(H Sigma) with the escape fraction over the points
    /// (null when either is constant).
    pub spearman: Option<f64>,
}

/// The settings of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepConfig {
    /// What is varied.
    pub vary: Vary,
    /// Number of points, spread evenly over `from..=to`.
    pub points: usize,
    /// First value.
    pub from: f64,
    /// Last value.
    pub to: f64,
    /// Iterations per run (paper: 500).
    pub iterations: u64,
    /// Everything else (runs, lr, noise trace, data, seed, landscape shape); its `methods` are
    /// ignored (each sweep has its own dynamics).
    pub toy: ToyConfig,
}

/// Largest number of points of a sweep.
pub const MAX_POINTS: usize = 1000;

impl SweepConfig {
    /// The paper's protocol swept over `vary`'s default range at 10 points.
    pub fn new(vary: Vary) -> Self {
        let (from, to) = vary.default_range();
        SweepConfig {
            vary,
            points: 10,
            from,
            to,
            iterations: 500,
            toy: ToyConfig::default(),
        }
    }

    /// A sweep from the JS API's or a config file's fields, checked against the schema
    /// (`figure=sweep`, src/schema/sweep.rs): `vary` first (it sets the default range), then
    /// the others in any order, then [`SweepConfig::validate`]. Errors name the key.
    pub fn from_fields<I>(fields: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (String, FieldValue)>,
    {
        let fields: Vec<(String, FieldValue)> = fields.into_iter().collect();
        let mut c = SweepConfig::new(Vary::Angle);
        if let Some((key, value)) = fields.iter().rev().find(|(k, _)| k == "vary") {
            c.set(key, value)?;
        }
        for (key, value) in fields.iter().filter(|(k, _)| k != "vary") {
            c.set(key, value)?;
        }
        c.validate()?;
        Ok(c)
    }

    /// Sets one key after checking its value against the schema; on error nothing changes.
    /// Setting `vary` also puts `from` and `to` back to its default range. The rules that tie
    /// keys together are [`SweepConfig::validate`]'s.
    pub fn set(&mut self, key: &str, value: &FieldValue) -> Result<(), ConfigError> {
        let s = Figure::Sweep.api_setting(key)?;
        match s.key {
            "vary" => {
                let vary = Vary::from_id(s.parse_choice(value)?).unwrap_or(self.vary);
                (self.from, self.to) = vary.default_range();
                self.vary = vary;
            }
            "points" => self.points = s.parse_integer(value)? as usize,
            "from" => self.from = s.parse_number(value)?,
            "to" => self.to = s.parse_number(value)?,
            "iterations" => self.iterations = s.parse_integer(value)?,
            _ => self.toy.set(key, value)?,
        }
        Ok(())
    }

    /// Every setting by key, in the schema's order (what [`SweepConfig::from_fields`] reads).
    pub fn to_fields(&self) -> Vec<(String, FieldValue)> {
        let n = |x: f64| FieldValue::Number(x);
        let mut out = vec![
            (
                "vary".to_string(),
                FieldValue::Text(self.vary.id().to_string()),
            ),
            ("points".to_string(), n(self.points as f64)),
            ("from".to_string(), n(self.from)),
            ("to".to_string(), n(self.to)),
            ("iterations".to_string(), n(self.iterations as f64)),
        ];
        out.extend(
            self.toy
                .to_fields()
                .into_iter()
                .filter(|(k, _)| k != "methods"),
        );
        out
    }

    /// The values of the points.
    pub fn values(&self) -> Vec<f64> {
        if self.points == 1 {
            return vec![self.from];
        }
        let last = (self.points - 1) as f64;
        (0..self.points)
            .map(|i| self.from + (self.to - self.from) * i as f64 / last)
            .collect()
    }

    /// Checks the range and that every point gives a valid experiment; errors name `from` or
    /// `to` (or the toy setting at fault).
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.points == 0 || self.points > MAX_POINTS {
            return Err(ConfigError::new(
                "points",
                &format!("an integer in 1..={MAX_POINTS}"),
                &self.points.to_string(),
            ));
        }
        let range = self.vary.range();
        range.check("from", &FieldValue::Number(self.from))?;
        range.check("to", &FieldValue::Number(self.to))?;
        self.toy.validate()?;
        for (field, value) in [("from", self.from), ("to", self.to)] {
            self.point_config(value)
                .validate()
                .map_err(|e| ConfigError {
                    field: field.to_string(),
                    message: format!("gives an invalid experiment: {e}"),
                })?;
        }
        Ok(())
    }

    /// The toy settings at one point (the base settings with the varied one set).
    pub fn point_config(&self, value: f64) -> ToyConfig {
        let mut c = self.toy.clone();
        match self.vary {
            Vary::Angle | Vary::Anisotropy => c.methods = vec![Method::GldEigvec],
            Vary::Sharpness => {
                c.methods = vec![Method::GldEigvec];
                c.shape.sharp_lambda1 = value;
            }
            Vary::Spread => {
                c.methods = vec![Method::Sgd];
                c.data_spread = value;
            }
        }
        c
    }

    /// The noise family of a point of the `angle` and `anisotropy` sweeps.
    fn family(&self, value: f64) -> Option<SweepNoise> {
        match self.vary {
            Vary::Angle => Some(SweepNoise::Rank1 { angle: value }),
            Vary::Anisotropy => Some(SweepNoise::Split { share: value }),
            Vary::Sharpness | Vary::Spread => None,
        }
    }

    /// Runs one point (validate first).
    pub fn run_point(&self, value: f64) -> SweepPoint {
        let config = self.point_config(value);
        let (outcome, indicator) = match self.family(value) {
            Some(noise) => run_family(&config, noise, self.iterations),
            None => {
                let method = config.methods[0];
                let mut e = ToyEnsemble::new(config);
                let indicator = e.indicator(method, e.landscape().sharp_minimum());
                e.step(self.iterations);
                (e.outcome(method).unwrap_or_default(), indicator)
            }
        };
        SweepPoint {
            value,
            tr_h_sigma: indicator.tr_h_sigma,
            tr_h_sigma_iso: indicator.tr_h_sigma_iso,
            ratio: indicator.ratio,
            escaped: outcome.escaped,
            stayed: outcome.stayed,
            diverged: outcome.diverged,
            runs: self.toy.runs,
        }
    }

    /// Runs every point, calling `progress(done, total)` after each.
    pub fn run(&self, mut progress: impl FnMut(usize, usize)) -> SweepReport {
        let values = self.values();
        let mut points = Vec::with_capacity(values.len());
        for (i, &v) in values.iter().enumerate() {
            points.push(self.run_point(v));
            progress(i + 1, values.len());
        }
        SweepReport::of(self.vary, points)
    }
}

impl SweepReport {
    /// The report of finished points.
    pub fn of(vary: Vary, points: Vec<SweepPoint>) -> Self {
        let x: Vec<f64> = points.iter().map(|p| p.tr_h_sigma).collect();
        let y: Vec<f64> = points.iter().map(SweepPoint::escape_fraction).collect();
        SweepReport {
            experiment: "sweep",
            vary,
            unit: vary.unit(),
            spearman: spearman(&x, &y),
            points,
        }
    }
}

impl SweepPoint {
    /// Escaped runs over all runs.
    pub fn escape_fraction(&self) -> f64 {
        self.escaped as f64 / self.runs.max(1) as f64
    }

    /// The Wilson 95% interval of the escape probability.
    pub fn interval(&self) -> (f64, f64) {
        wilson_interval(self.escaped, self.runs)
    }
}

/// Runs `config.runs` runs of a continuous noise family from the sharp minimum for
/// `iterations` steps, exactly as [`ToyEnsemble`] runs GLD 1st eigvec (same data draws, same
/// streams, same divergence and escape rules); returns the outcome and the indicator at the
/// sharp minimum.
pub fn run_family(
    config: &ToyConfig,
    noise: SweepNoise,
    iterations: u64,
) -> (RunOutcome, Indicator) {
    let l = config.shape.landscape();
    let start = l.sharp_minimum();
    let trace = config.noise_trace;
    let tag = Method::GldEigvec.stream_tag();
    let seed = config.seed as u64;
    let mut data = vec![[0.0; 2]; config.samples];
    let mut outcome = RunOutcome::default();
    let mut indicator = IndicatorSum::default();
    for r in 0..config.runs {
        draw_data(
            &mut Rng::for_stream(seed, &[DATA_STREAM_TAG, r as u64]),
            config.data_spread,
            &mut data,
        );
        let at_start = l.point_stats(start, &data);
        indicator.add(&at_start.hessian, &noise.covariance(&at_start, trace));
        let mut rng = Rng::for_stream(seed, &[tag, r as u64]);
        let mut w = start;
        let mut diverged = false;
        for _ in 0..iterations {
            let next = step_with_covariance(&l, w, &data, &mut rng, config.lr, |s| {
                noise.covariance(s, trace)
            });
            if is_divergent(next) {
                diverged = true;
                break;
            }
            w = next;
        }
        if diverged {
            outcome.diverged += 1;
        } else if l.in_flat_basin(w) {
            outcome.escaped += 1;
        } else {
            outcome.stayed += 1;
        }
    }
    (outcome, indicator.finish(start))
}

/// The noise covariance of one of the eight methods at a point, for marking where the paper's
/// dynamics sit on a sweep's axes (see [`method_indicator`]).
pub fn method_covariance(method: Method, stats: &PointStats, config: &ToyConfig) -> Sym2 {
    covariance_2d(method, stats, &config.noise_params())
}

/// The indicator of one of the paper's eight dynamics at the sharp minimum of `config`'s
/// landscape, averaged over `config.runs` data draws (where it sits on a sweep's axes).
pub fn method_indicator(method: Method, config: &ToyConfig) -> Indicator {
    let e = ToyEnsemble::new(ToyConfig {
        methods: vec![method],
        ..config.clone()
    });
    e.indicator(method, e.landscape().sharp_minimum())
}

/// Ranks with ties given their average rank (1-based).
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Spearman's rank correlation (Pearson correlation of the average ranks); `None` for fewer
/// than two points or when either list is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 {
        return None;
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// The Wilson score 95% interval of a binomial proportion `k` of `n` (z = 1.959964).
pub fn wilson_interval(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    // In exact arithmetic the interval holds the estimate (its ends are 0 and 1 at k = 0 and
    // k = n); rounding may leave 3e-17 instead of 0, so the ends are clamped to hold it.
    ((centre - half).clamp(0.0, p), (centre + half).clamp(p, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_of_known_lists() {
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), Some(1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[5.0, 5.0, 5.0]), None);
        // Ties get average ranks: x ranks 1, 2.5, 2.5, 4; y ranks 1, 2, 3, 4.
        let r = spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        let expected = 4.5 / (4.5f64 * 5.0).sqrt();
        assert!((r - expected).abs() < 1e-12, "{r}");
    }

    #[test]
    fn wilson_interval_is_known_and_covers_the_estimate() {
        let (lo, hi) = wilson_interval(0, 100);
        assert!(lo.abs() < 1e-15, "{lo}");
        assert!((hi - 0.036_995).abs() < 1e-5, "{hi}");
        let (lo, hi) = wilson_interval(50, 100);
        assert!((lo - 0.403_832).abs() < 1e-5 && (hi - 0.596_168).abs() < 1e-5);
        for n in [1, 7, 12, 20, 100, 1000] {
            for k in 0..=n {
                let (lo, hi) = wilson_interval(k, n);
                let p = k as f64 / n as f64;
                assert!(
                    0.0 <= lo && lo <= p && p <= hi && hi <= 1.0,
                    "{k}/{n}: {lo}..{hi}"
                );
            }
            assert_eq!(
                (wilson_interval(0, n).0, wilson_interval(n, n).1),
                (0.0, 1.0)
            );
        }
    }

    #[test]
    fn ratio_at_the_minimum_matches_its_closed_form() {
        // With the paper's tiny spread every data point is in the sharp branch at the sharp
        // minimum, so H is the sharp bowl's Hessian exactly.
        let (l1, l2) = (200.0, 20.0);
        for vary in [Vary::Angle, Vary::Anisotropy, Vary::Sharpness] {
            let mut c = SweepConfig::new(vary);
            c.toy.runs = 5;
            c.iterations = 1;
            for v in c.values() {
                let p = c.run_point(v);
                let t = c.toy.noise_trace;
                let (tr, l1) = match vary {
                    Vary::Angle => {
                        let (s, co) = v.to_radians().sin_cos();
                        (t * (l1 * co * co + l2 * s * s), l1)
                    }
                    Vary::Anisotropy => (t * (v * l1 + (1.0 - v) * l2), l1),
                    _ => (t * v, v),
                };
                let iso = (l1 + l2) * t / 2.0;
                assert!(
                    (p.tr_h_sigma - tr).abs() < 1e-9 * tr.max(1.0),
                    "{vary:?} {v}: {p:?}"
                );
                assert!((p.tr_h_sigma_iso - iso).abs() < 1e-9 * iso, "{vary:?} {v}");
                let ratio = 2.0 * tr / ((l1 + l2) * t);
                assert!((p.ratio.unwrap() - ratio).abs() < 1e-9, "{vary:?} {v}");
            }
        }
    }

    #[test]
    fn spread_ratio_matches_h_s_h_per_draw() {
        // SGD's noise at the minimum is (lr^2/m) C1 with C1 = H S H (S the draw's covariance)
        // when every point is in the sharp branch (at spread 0.05 a point needs a 5.6 sd draw
        // to reach the flat one).
        let mut c = SweepConfig::new(Vary::Spread);
        c.toy.runs = 4;
        c.iterations = 1;
        let value = 0.05;
        let p = c.run_point(value);
        let config = c.point_config(value);
        let h = config.shape.sharp_hessian();
        let (mut tr, mut iso) = (0.0, 0.0);
        for r in 0..4 {
            let mut data = vec![[0.0; 2]; config.samples];
            draw_data(
                &mut Rng::for_stream(config.seed as u64, &[DATA_STREAM_TAG, r]),
                value,
                &mut data,
            );
            let n = data.len() as f64;
            let m = [
                data.iter().map(|x| x[0]).sum::<f64>() / n,
                data.iter().map(|x| x[1]).sum::<f64>() / n,
            ];
            let mut s = Sym2::ZERO;
            for x in &data {
                s = s.add(&Sym2::outer([x[0] - m[0], x[1] - m[1]]).scale(1.0 / n));
            }
            let c1 = s.congruence(&h);
            let sigma = c1.scale(config.lr * config.lr / config.batch_size as f64);
            tr += h.trace_product(&sigma) / 4.0;
            iso += h.trace() * sigma.trace() / 2.0 / 4.0;
        }
        assert!((p.tr_h_sigma - tr).abs() < 1e-9 * tr, "{p:?} vs {tr}");
        assert!((p.tr_h_sigma_iso - iso).abs() < 1e-9 * iso);
    }

    #[test]
    fn angle_zero_is_gld_first_eigvec_bit_for_bit() {
        let toy = ToyConfig {
            runs: 40,
            seed: 11,
            methods: vec![Method::GldEigvec],
            ..ToyConfig::default()
        };
        let mut e = ToyEnsemble::new(toy.clone());
        e.step(500);
        let (outcome, ind) = run_family(&toy, SweepNoise::Rank1 { angle: 0.0 }, 500);
        assert_eq!(outcome, e.outcome(Method::GldEigvec).unwrap());
        let reference = e.indicator(Method::GldEigvec, [1.0, 1.0]);
        assert_eq!(ind.tr_h_sigma, reference.tr_h_sigma);
        assert!(outcome.escaped > 0);
    }

    #[test]
    fn bad_sweeps_name_their_field() {
        let mut c = SweepConfig::new(Vary::Anisotropy);
        c.to = 1.5;
        assert_eq!(c.validate().unwrap_err().field, "to");
        let mut c = SweepConfig::new(Vary::Sharpness);
        c.from = 10.0; // below lambda2 = 20
        assert_eq!(c.validate().unwrap_err().field, "from");
        let mut c = SweepConfig::new(Vary::Angle);
        c.points = 0;
        assert_eq!(c.validate().unwrap_err().field, "points");
        assert!(SweepConfig::new(Vary::Spread).validate().is_ok());
    }
}
