//! Ensembles of runs of the eight dynamics on the 2-D landscape, with escape bookkeeping.
//!
//! Run r of every method sees the same data draw (as in the authors' code); each
//! (seed, method, run) has its own random stream, so adding a method or a run never changes
//! another's trajectory, and a seed reproduces bit for bit on every platform.

use crate::config::ToyConfig;
use crate::indicator::{predicted_loss_increase, predicted_loss_series, Indicator, IndicatorSum};
use crate::landscape::basin::{draw_data, Landscape, PointStats};
use crate::linalg::Sym2;
use crate::noise::{covariance_2d, Method, NoiseParams};
use crate::rng::Rng;

/// Stream tag of the data draws (methods use 1..=8).
pub const DATA_STREAM_TAG: u64 = 0;
/// Curves keep at most this many points; beyond it they are thinned to every other point
/// and the stride doubles, so memory stays bounded however long the simulation plays.
pub const CURVE_CAPACITY: usize = 4096;
/// A run has diverged once a step leaves the box |w1|, |w2| <= this bound or produces a
/// non-finite coordinate. Both minima lie at distance sqrt(2) from the origin and the figure
/// shows [-3, 3]^2, so a run this far out can only be the geometric blow-up of a step that is
/// unstable for the sharp bowl (lr > 0.01 for GD: the largest curvature is 200) or of huge
/// noise; it will never come back to either basin in a meaningful way.
pub const DIVERGENCE_BOUND: f64 = 1e3;

/// Where one method's runs are: everything a step changes (the part a checkpoint keeps).
#[derive(Clone, Debug)]
struct RunsState {
    /// w1, w2 of every run, interleaved.
    positions: Vec<f64>,
    rngs: Vec<Rng>,
    /// Per run, the first iteration it was inside the flat basin (-1: never).
    first_escape: Vec<f64>,
    /// Runs inside the flat basin now (never counting a diverged run).
    escaped: usize,
    /// Per run, the iteration at which it diverged (-1: it has not). A diverged run is
    /// frozen at its last position inside the bound and never steps again.
    diverged_at: Vec<f64>,
    /// Runs that have diverged.
    diverged: usize,
}

/// One method's runs and curves.
#[derive(Clone, Debug)]
struct Track {
    method: Method,
    runs: RunsState,
    /// Fraction of runs in the flat basin at iterations 0, stride, 2 stride, ...
    escape_curve: Vec<f32>,
    /// Mean loss over runs at the same iterations (a diverged run contributes the loss at the
    /// point where it was frozen, which is finite).
    loss_curve: Vec<f32>,
    /// Standard deviation of the loss over runs at the same iterations.
    loss_sd_curve: Vec<f32>,
    /// Fraction of runs diverged at the same iterations.
    diverged_curve: Vec<f32>,
}

/// The state of every track at one iteration, from which a seek recomputes.
#[derive(Clone, Debug)]
struct Checkpoint {
    iteration: u64,
    runs: Vec<RunsState>,
}

/// Iterations between checkpoints at first (the interval doubles when they are thinned).
pub const CHECKPOINT_INTERVAL: u64 = 100;
/// At most this many checkpoints are kept; beyond it every other one is dropped and the
/// interval doubles, so memory stays bounded however far the simulation runs.
pub const CHECKPOINT_CAPACITY: usize = 64;

/// Where one method's runs are now: every run is in exactly one of the three states.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunOutcome {
    /// In the flat basin's success region (and not diverged).
    pub escaped: usize,
    /// Neither escaped nor diverged (still around the sharp minimum, or on the way).
    pub stayed: usize,
    /// Left the bounded region or became non-finite; frozen since (see [`DIVERGENCE_BOUND`]).
    pub diverged: usize,
}

/// The indicator's prediction of one method's mean loss over the first steps, next to the
/// ensemble's measured mean and spread (docs/protocols.md 2: the k-step prediction is exact while the
/// runs stay in the quadratic sharp bowl).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LossPrediction {
    /// The method id.
    pub method: &'static str,
    /// Iterations 0, 1, ..., steps.
    pub iterations: Vec<u64>,
    /// Predicted mean loss: the mean loss at the start plus
    /// 1/2 Tr(H sum_{j<k} A^j Sigma A^j) from the mean Hessian and noise at the start.
    pub predicted: Vec<f64>,
    /// Measured mean loss over runs (null where the curves do not hold the iteration).
    pub measured: Vec<Option<f64>>,
    /// Measured standard deviation of the loss over runs (null likewise).
    pub measured_sd: Vec<Option<f64>>,
}

/// Whether a step result counts as divergence: non-finite, or outside the bound.
pub fn is_divergent(w: [f64; 2]) -> bool {
    !(w[0].abs() <= DIVERGENCE_BOUND && w[1].abs() <= DIVERGENCE_BOUND)
}

/// An ensemble of runs of several dynamics on the 2-D two-basin landscape.
///
/// The curves describe the computed history (iterations 0 to the frontier); the current
/// iteration can be moved back and forth over it with [`ToyEnsemble::seek`], which restores
/// the nearest checkpoint and recomputes, so positions after a seek are bit for bit those of
/// an uninterrupted run.
#[derive(Clone, Debug)]
pub struct ToyEnsemble {
    config: ToyConfig,
    landscape: Landscape,
    /// The data of run r is `data[r * samples..(r + 1) * samples]`.
    data: Vec<[f64; 2]>,
    tracks: Vec<Track>,
    iteration: u64,
    /// The furthest iteration computed since the reset (the curves end there).
    frontier: u64,
    curve_stride: u64,
    checkpoints: Vec<Checkpoint>,
    checkpoint_interval: u64,
}

/// The gradient of the mean loss over `data` at `w`.
fn mean_grad(l: &Landscape, w: [f64; 2], data: &[[f64; 2]]) -> [f64; 2] {
    let (mut g0, mut g1) = (0.0, 0.0);
    for &x in data {
        let g = l.sample_eval(w, x).grad;
        g0 += g[0];
        g1 += g[1];
    }
    let n = data.len() as f64;
    [g0 / n, g1 / n]
}

/// The gradient of a minibatch of `m` samples drawn with replacement.
fn minibatch_grad(
    l: &Landscape,
    w: [f64; 2],
    data: &[[f64; 2]],
    m: usize,
    rng: &mut Rng,
) -> [f64; 2] {
    let (mut g0, mut g1) = (0.0, 0.0);
    for _ in 0..m {
        let g = l.sample_eval(w, data[rng.index(data.len())]).grad;
        g0 += g[0];
        g1 += g[1];
    }
    [g0 / m as f64, g1 / m as f64]
}

/// One iteration of `method` for one run: the GD (or SGD) step from `w` plus the noise
/// evaluated at `w`.
fn step_run(
    l: &Landscape,
    method: Method,
    w: [f64; 2],
    data: &[[f64; 2]],
    rng: &mut Rng,
    p: &NoiseParams,
) -> [f64; 2] {
    let (grad, noise) = match method {
        Method::Gd => (mean_grad(l, w, data), [0.0, 0.0]),
        Method::Sgd => (minibatch_grad(l, w, data, p.batch_size, rng), [0.0, 0.0]),
        Method::GldConst => {
            let sd = (p.noise_trace / 2.0).sqrt();
            (
                mean_grad(l, w, data),
                [sd * rng.normal(), sd * rng.normal()],
            )
        }
        _ => return step_with_covariance(l, w, data, rng, p.lr, |s| covariance_2d(method, s, p)),
    };
    [
        w[0] - p.lr * grad[0] + noise[0],
        w[1] - p.lr * grad[1] + noise[1],
    ]
}

/// One noisy GD iteration from `w` whose noise covariance is `covariance` of the point's
/// statistics at `w`: the step every GLD variant with a state-dependent covariance takes (and
/// the sweep's continuous noise families, so they share its arithmetic bit for bit).
pub fn step_with_covariance(
    l: &Landscape,
    w: [f64; 2],
    data: &[[f64; 2]],
    rng: &mut Rng,
    lr: f64,
    covariance: impl Fn(&PointStats) -> Sym2,
) -> [f64; 2] {
    let stats = l.point_stats(w, data);
    let noise = covariance(&stats)
        .eigen()
        .sample([rng.normal(), rng.normal()]);
    [
        w[0] - lr * stats.grad[0] + noise[0],
        w[1] - lr * stats.grad[1] + noise[1],
    ]
}

/// Keeps every other point (iterations 0, 2s, 4s, ...).
fn thin(curve: &mut Vec<f32>) {
    let kept: Vec<f32> = curve.iter().step_by(2).copied().collect();
    *curve = kept;
}

impl ToyEnsemble {
    /// A fresh ensemble at iteration 0, every run at the sharp minimum.
    pub fn new(config: ToyConfig) -> Self {
        let mut ensemble = ToyEnsemble {
            landscape: config.shape.landscape(),
            data: Vec::new(),
            tracks: Vec::new(),
            iteration: 0,
            frontier: 0,
            curve_stride: 1,
            checkpoints: Vec::new(),
            checkpoint_interval: CHECKPOINT_INTERVAL,
            config,
        };
        ensemble.reset(ensemble.config.seed);
        ensemble
    }

    /// Back to iteration 0 with `seed`: new data draws, new streams, runs at the sharp
    /// minimum; the history and its checkpoints are dropped.
    pub fn reset(&mut self, seed: u32) {
        self.config.seed = seed;
        let (runs, n) = (self.config.runs, self.config.samples);
        self.data = vec![[0.0; 2]; runs * n];
        for (r, chunk) in self.data.chunks_mut(n).enumerate() {
            let mut rng = Rng::for_stream(seed as u64, &[DATA_STREAM_TAG, r as u64]);
            draw_data(&mut rng, self.config.data_spread, chunk);
        }
        self.iteration = 0;
        self.frontier = 0;
        self.curve_stride = 1;
        let start = self.landscape.sharp_minimum();
        self.tracks = self
            .config
            .methods
            .iter()
            .map(|&method| Track {
                method,
                runs: RunsState {
                    positions: start.repeat(runs),
                    rngs: (0..runs)
                        .map(|r| Rng::for_stream(seed as u64, &[method.stream_tag(), r as u64]))
                        .collect(),
                    first_escape: vec![-1.0; runs],
                    escaped: 0,
                    diverged_at: vec![-1.0; runs],
                    diverged: 0,
                },
                escape_curve: Vec::new(),
                loss_curve: Vec::new(),
                loss_sd_curve: Vec::new(),
                diverged_curve: Vec::new(),
            })
            .collect();
        self.checkpoints.clear();
        self.checkpoint_interval = CHECKPOINT_INTERVAL;
        self.save_checkpoint();
        self.record();
    }

    /// Advances every run of every method by `iterations` steps. Iterations beyond the
    /// frontier are recorded in the curves (and checkpointed); iterations replayed after a
    /// backward seek are not recorded twice.
    pub fn step(&mut self, iterations: u64) {
        let p = self.config.noise_params();
        let n = self.config.samples;
        let l = self.landscape;
        for _ in 0..iterations {
            self.iteration += 1;
            for track in &mut self.tracks {
                let method = track.method;
                let state = &mut track.runs;
                let mut escaped = 0;
                for (r, (w, rng)) in state
                    .positions
                    .chunks_exact_mut(2)
                    .zip(&mut state.rngs)
                    .enumerate()
                {
                    if state.diverged_at[r] >= 0.0 {
                        continue;
                    }
                    let data = &self.data[r * n..(r + 1) * n];
                    let next = step_run(&l, method, [w[0], w[1]], data, rng, &p);
                    if is_divergent(next) {
                        // Frozen at its last position inside the bound; counted apart.
                        state.diverged_at[r] = self.iteration as f64;
                        state.diverged += 1;
                        continue;
                    }
                    w.copy_from_slice(&next);
                    if l.in_flat_basin(next) {
                        escaped += 1;
                        if state.first_escape[r] < 0.0 {
                            state.first_escape[r] = self.iteration as f64;
                        }
                    }
                }
                state.escaped = escaped;
            }
            if self.iteration > self.frontier {
                self.frontier = self.iteration;
                self.record();
                if self.iteration.is_multiple_of(self.checkpoint_interval) {
                    self.save_checkpoint();
                }
            }
        }
    }

    /// Moves to `iteration`: forward by stepping, backward (or forward past a checkpoint) by
    /// restoring the nearest checkpoint at or before it and recomputing from there.
    pub fn seek(&mut self, iteration: u64) {
        let nearest = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.iteration <= iteration);
        if let Some(c) = nearest {
            if iteration < self.iteration || c.iteration > self.iteration {
                self.iteration = c.iteration;
                for (track, runs) in self.tracks.iter_mut().zip(&c.runs) {
                    track.runs = runs.clone();
                }
            }
        }
        self.step(iteration.saturating_sub(self.iteration));
    }

    /// The furthest iteration computed since the reset: the curves end there.
    pub fn frontier(&self) -> u64 {
        self.frontier
    }

    /// The iterations at which checkpoints are kept now (for tests and the page's timeline).
    pub fn checkpoint_iterations(&self) -> Vec<u64> {
        self.checkpoints.iter().map(|c| c.iteration).collect()
    }

    /// Keeps the current state as a checkpoint, thinning the checkpoints when they are full.
    fn save_checkpoint(&mut self) {
        self.checkpoints.push(Checkpoint {
            iteration: self.iteration,
            runs: self.tracks.iter().map(|t| t.runs.clone()).collect(),
        });
        if self.checkpoints.len() > CHECKPOINT_CAPACITY {
            self.checkpoint_interval *= 2;
            let every = self.checkpoint_interval;
            self.checkpoints
                .retain(|c| c.iteration.is_multiple_of(every));
        }
    }

    /// Appends the current iteration to the curves if the stride keeps it.
    fn record(&mut self) {
        if !self.iteration.is_multiple_of(self.curve_stride) {
            return;
        }
        let (runs, n) = (self.config.runs, self.config.samples);
        let l = self.landscape;
        for track in &mut self.tracks {
            let (mut total, mut squares) = (0.0, 0.0);
            for (r, w) in track.runs.positions.chunks_exact(2).enumerate() {
                let loss = l.mean_loss([w[0], w[1]], &self.data[r * n..(r + 1) * n]);
                total += loss;
                squares += loss * loss;
            }
            let mean = total / runs as f64;
            let variance = (squares / runs as f64 - mean * mean).max(0.0);
            // `escaped` is kept up to date by `step` (and is 0 after a reset).
            let state = &track.runs;
            track.escape_curve.push(state.escaped as f32 / runs as f32);
            track.loss_curve.push(mean as f32);
            track.loss_sd_curve.push(variance.sqrt() as f32);
            track
                .diverged_curve
                .push(state.diverged as f32 / runs as f32);
        }
        if self
            .tracks
            .first()
            .is_some_and(|t| t.escape_curve.len() > CURVE_CAPACITY)
        {
            for track in &mut self.tracks {
                thin(&mut track.escape_curve);
                thin(&mut track.loss_curve);
                thin(&mut track.loss_sd_curve);
                thin(&mut track.diverged_curve);
            }
            self.curve_stride *= 2;
        }
    }

    fn track(&self, method: Method) -> Option<&Track> {
        self.tracks.iter().find(|t| t.method == method)
    }

    /// The validated settings (with the current seed).
    pub fn config(&self) -> &ToyConfig {
        &self.config
    }

    /// Iterations done since the last reset.
    pub fn iteration(&self) -> u64 {
        self.iteration
    }

    /// The curves hold iterations 0, stride, 2 stride, ...
    pub fn curve_stride(&self) -> u64 {
        self.curve_stride
    }

    /// Whether `method` is simulated.
    pub fn has_method(&self, method: Method) -> bool {
        self.track(method).is_some()
    }

    /// w1, w2 of every run of `method`, interleaved; `None` if it is not simulated.
    pub fn positions(&self, method: Method) -> Option<&[f64]> {
        self.track(method).map(|t| t.runs.positions.as_slice())
    }

    /// The landscape the runs move on.
    pub fn landscape(&self) -> &Landscape {
        &self.landscape
    }

    /// Standard deviation of the loss over runs at the kept iterations.
    pub fn loss_sd_curve(&self, method: Method) -> Option<&[f32]> {
        self.track(method).map(|t| t.loss_sd_curve.as_slice())
    }

    /// Fraction of runs in the flat basin at the kept iterations.
    pub fn escape_curve(&self, method: Method) -> Option<&[f32]> {
        self.track(method).map(|t| t.escape_curve.as_slice())
    }

    /// Mean loss over runs at the kept iterations.
    pub fn mean_loss_curve(&self, method: Method) -> Option<&[f32]> {
        self.track(method).map(|t| t.loss_curve.as_slice())
    }

    /// Fraction of runs diverged at the kept iterations.
    pub fn diverged_curve(&self, method: Method) -> Option<&[f32]> {
        self.track(method).map(|t| t.diverged_curve.as_slice())
    }

    /// Runs of `method` that have diverged (never counted as escaped).
    pub fn diverged_count(&self, method: Method) -> Option<usize> {
        self.track(method).map(|t| t.runs.diverged)
    }

    /// Per run, the iteration at which it diverged, or -1.
    pub fn divergence_times(&self, method: Method) -> Option<&[f64]> {
        self.track(method).map(|t| t.runs.diverged_at.as_slice())
    }

    /// Escaped / stayed / diverged counts of `method`'s runs now (they sum to the runs).
    pub fn outcome(&self, method: Method) -> Option<RunOutcome> {
        self.track(method).map(|t| RunOutcome {
            escaped: t.runs.escaped,
            stayed: self.config.runs - t.runs.escaped - t.runs.diverged,
            diverged: t.runs.diverged,
        })
    }

    /// Runs of `method` now in the flat basin (diverged runs excluded).
    pub fn escaped_count(&self, method: Method) -> Option<usize> {
        self.track(method).map(|t| t.runs.escaped)
    }

    /// Per run, the first iteration inside the flat basin, or -1.
    pub fn first_escape_times(&self, method: Method) -> Option<&[f64]> {
        self.track(method).map(|t| t.runs.first_escape.as_slice())
    }

    /// The data draw of run `r`.
    pub fn run_data(&self, r: usize) -> &[[f64; 2]] {
        let n = self.config.samples;
        &self.data[r * n..(r + 1) * n]
    }

    /// The noise of `method` at point `w`, summed over the ensemble's data draws.
    fn indicator_sum(&self, method: Method, w: [f64; 2]) -> IndicatorSum {
        let p = self.config.noise_params();
        let mut sum = IndicatorSum::default();
        for r in 0..self.config.runs {
            let stats = self.landscape.point_stats(w, self.run_data(r));
            sum.add(&stats.hessian, &covariance_2d(method, &stats, &p));
        }
        sum
    }

    /// The escape indicator of `method`'s noise at `w`, averaged over the data draws.
    ///
    /// Works for any of the eight methods, simulated or not.
    pub fn indicator(&self, method: Method, w: [f64; 2]) -> Indicator {
        self.indicator_sum(method, w).finish(w)
    }

    /// The expected mean-loss increase after `k` steps from the start (the sharp minimum),
    /// for the mean Hessian and noise there (exact while the runs stay in the quadratic sharp
    /// bowl).
    pub fn predicted_loss_increase(&self, method: Method, k: u64) -> f64 {
        let (h, sigma) = self
            .indicator_sum(method, self.landscape.sharp_minimum())
            .means();
        predicted_loss_increase(&h, &sigma, self.config.lr, k)
    }

    /// The predicted mean loss of `method` over iterations 0..=`steps` next to the measured
    /// mean and spread (where the curves hold them); `None` if `method` is not simulated.
    pub fn loss_prediction(&self, method: Method, steps: u64) -> Option<LossPrediction> {
        let track = self.track(method)?;
        let start = self.landscape.sharp_minimum();
        let (h, sigma) = self.indicator_sum(method, start).means();
        let runs = self.config.runs;
        let start_loss = (0..runs)
            .map(|r| self.landscape.mean_loss(start, self.run_data(r)))
            .sum::<f64>()
            / runs as f64;
        let rise = predicted_loss_series(&h, &sigma, self.config.lr, steps);
        let at = |curve: &[f32], k: u64| -> Option<f64> {
            if !k.is_multiple_of(self.curve_stride) {
                return None;
            }
            curve
                .get((k / self.curve_stride) as usize)
                .map(|&v| v as f64)
        };
        Some(LossPrediction {
            method: method.id(),
            iterations: (0..=steps).collect(),
            predicted: rise.iter().map(|r| start_loss + r).collect(),
            measured: (0..=steps).map(|k| at(&track.loss_curve, k)).collect(),
            measured_sd: (0..=steps).map(|k| at(&track.loss_sd_curve, k)).collect(),
        })
    }

    /// The measured mean-loss increase at iteration `k` (if the curves hold it).
    pub fn measured_loss_increase(&self, method: Method, k: u64) -> Option<f64> {
        let curve = self.mean_loss_curve(method)?;
        if !k.is_multiple_of(self.curve_stride) {
            return None;
        }
        let at = curve.get((k / self.curve_stride) as usize)?;
        Some(*at as f64 - curve[0] as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::basin::{point_stats, SHARP_MINIMUM};

    /// Empirical covariance of `samples` and, per entry, the standard error of its estimate.
    fn covariance_with_errors(samples: &[[f64; 2]]) -> (Sym2, Sym2) {
        let n = samples.len() as f64;
        let mean = [
            samples.iter().map(|s| s[0]).sum::<f64>() / n,
            samples.iter().map(|s| s[1]).sum::<f64>() / n,
        ];
        let products = |i: usize, j: usize| -> (f64, f64) {
            let p: Vec<f64> = samples
                .iter()
                .map(|s| (s[i] - mean[i]) * (s[j] - mean[j]))
                .collect();
            let m = p.iter().sum::<f64>() / n;
            let var = p.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n;
            (m, (var / n).sqrt())
        };
        let ((xx, sxx), (xy, sxy), (yy, syy)) = (products(0, 0), products(0, 1), products(1, 1));
        (
            Sym2 { xx, xy, yy },
            Sym2 {
                xx: sxx,
                xy: sxy,
                yy: syy,
            },
        )
    }

    #[test]
    fn every_sampler_has_the_covariance_it_claims() {
        let mut data = vec![[0.0; 2]; 40];
        draw_data(&mut Rng::for_stream(9, &[]), 0.3, &mut data);
        let w = [0.93, 1.08];
        let p = NoiseParams {
            lr: 0.05,
            noise_trace: 0.01,
            batch_size: 3,
        };
        let stats: PointStats = point_stats(w, &data);
        let n = 200_000;
        for method in Method::ALL {
            let mut rng = Rng::for_stream(10, &[method.stream_tag()]);
            // The noise is the step minus the deterministic GD step.
            let noise: Vec<[f64; 2]> = (0..n)
                .map(|_| {
                    let next = step_run(&Landscape::default(), method, w, &data, &mut rng, &p);
                    [
                        next[0] - (w[0] - p.lr * stats.grad[0]),
                        next[1] - (w[1] - p.lr * stats.grad[1]),
                    ]
                })
                .collect();
            let (cov, se) = covariance_with_errors(&noise);
            let claimed = covariance_2d(method, &stats, &p);
            for (got, want, err) in [
                (cov.xx, claimed.xx, se.xx),
                (cov.xy, claimed.xy, se.xy),
                (cov.yy, claimed.yy, se.yy),
            ] {
                assert!(
                    (got - want).abs() <= 5.0 * err + 1e-15,
                    "{method:?}: covariance {cov:?}, claimed {claimed:?}, standard errors {se:?}"
                );
            }
            let mean = [
                noise.iter().map(|e| e[0]).sum::<f64>() / n as f64,
                noise.iter().map(|e| e[1]).sum::<f64>() / n as f64,
            ];
            let mean_se = [
                (claimed.xx / n as f64).sqrt(),
                (claimed.yy / n as f64).sqrt(),
            ];
            assert!(
                (mean[0]).abs() <= 5.0 * mean_se[0] + 1e-15
                    && (mean[1]).abs() <= 5.0 * mean_se[1] + 1e-15,
                "{method:?}: the noise is biased, mean {mean:?}"
            );
        }
    }

    #[test]
    fn curves_stay_bounded_and_keep_exact_iterations() {
        let config = ToyConfig {
            methods: vec![Method::GldConst],
            runs: 2,
            samples: 3,
            ..ToyConfig::default()
        };
        let mut long = ToyEnsemble::new(config.clone());
        let total = 3 * CURVE_CAPACITY as u64 + 5;
        long.step(total);
        let curve = long.mean_loss_curve(Method::GldConst).unwrap();
        assert!(curve.len() <= CURVE_CAPACITY + 1);
        assert_eq!(long.curve_stride(), 4);
        assert_eq!(curve.len() as u64, total / 4 + 1);
        // The kept points are the values at those exact iterations.
        let mut short = ToyEnsemble::new(config);
        short.step(4 * 1000);
        let at_4000 = *short
            .mean_loss_curve(Method::GldConst)
            .unwrap()
            .last()
            .unwrap();
        assert_eq!(curve[1000], at_4000);
    }

    fn ensemble_of(config: ToyConfig, iterations: u64) -> ToyEnsemble {
        let mut e = ToyEnsemble::new(config);
        e.step(iterations);
        e
    }

    fn assert_all_finite(e: &ToyEnsemble) {
        for &m in &e.config().methods {
            assert!(
                e.positions(m).unwrap().iter().all(|x| x.is_finite()),
                "{m:?}"
            );
            assert!(
                e.mean_loss_curve(m).unwrap().iter().all(|x| x.is_finite()),
                "{m:?}"
            );
            assert!(
                e.escape_curve(m).unwrap().iter().all(|x| x.is_finite()),
                "{m:?}"
            );
            let ind = e.indicator(m, SHARP_MINIMUM);
            assert!(
                ind.tr_h_sigma.is_finite() && ind.tr_sigma.is_finite(),
                "{m:?}"
            );
            assert!(e.predicted_loss_increase(m, 5).is_finite(), "{m:?}");
        }
    }

    #[test]
    fn a_run_leaving_the_bound_is_frozen_marked_and_counted_apart() {
        // Within the allowed settings the flat bowl (curvature 2) is stable for lr <= 1, so a
        // run diverges only slowly (at lr = 1 GD/GLD oscillate around the flat minimum as an
        // undamped random walk). Start one run near the bound: at lr = 1 the flat bowl's step
        // maps w to about -w - 2, across the bound.
        let config = ToyConfig {
            runs: 3,
            lr: 1.0,
            methods: vec![Method::Gd, Method::GldConst, Method::Sgd],
            ..ToyConfig::default()
        };
        let mut e = ToyEnsemble::new(config);
        for track in &mut e.tracks {
            track.runs.positions[2..4].copy_from_slice(&[999.5, 999.5]);
        }
        e.step(3);
        for &m in &e.config().methods {
            let o = e.outcome(m).unwrap();
            assert_eq!(o.diverged, 1, "{m:?}");
            assert_eq!(o.escaped + o.stayed + o.diverged, 3, "{m:?}");
            assert_eq!(e.divergence_times(m).unwrap()[1], 1.0, "{m:?}");
            assert_eq!(e.divergence_times(m).unwrap()[0], -1.0, "{m:?}");
            // Frozen where it was, finite, never counted as escaped.
            assert_eq!(&e.positions(m).unwrap()[2..4], &[999.5, 999.5], "{m:?}");
            assert_eq!(
                e.diverged_curve(m).unwrap(),
                &[0.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]
            );
        }
        assert_all_finite(&e);
        // A reset clears the marks.
        e.reset(1);
        assert_eq!(e.outcome(Method::Gd).unwrap().diverged, 0);
    }

    #[test]
    fn the_widest_settings_stay_finite_over_a_long_run() {
        let config = ToyConfig {
            runs: 4,
            lr: 1.0,
            noise_trace: 10.0,
            data_spread: 10.0,
            ..ToyConfig::default()
        };
        let e = ensemble_of(config, 2000);
        assert_all_finite(&e);
        for &m in &e.config().methods {
            let o = e.outcome(m).unwrap();
            assert_eq!(o.escaped + o.stayed + o.diverged, 4, "{m:?}");
        }
    }

    #[test]
    fn stable_settings_diverge_nowhere_and_keep_the_old_counts() {
        let e = ensemble_of(ToyConfig::default(), 200);
        for &m in &e.config().methods {
            let o = e.outcome(m).unwrap();
            assert_eq!(o.diverged, 0, "{m:?}");
            assert_eq!(o.escaped, e.escaped_count(m).unwrap());
            assert_eq!(o.stayed, 100 - o.escaped);
        }
    }

    #[test]
    fn divergence_test_covers_non_finite_and_far_points() {
        assert!(is_divergent([f64::NAN, 0.0]));
        assert!(is_divergent([0.0, f64::INFINITY]));
        assert!(is_divergent([0.0, -1001.0]));
        assert!(!is_divergent([DIVERGENCE_BOUND, -DIVERGENCE_BOUND]));
    }

    #[test]
    fn degenerate_settings_give_defined_results() {
        let cases = [
            // Zero noise for the GLD-const family, zero data spread (identical samples: every
            // per-sample gradient equal, zero-trace covariances, zero gradient at (1, 1)).
            ToyConfig {
                noise_trace: 0.0,
                data_spread: 0.0,
                runs: 3,
                ..ToyConfig::default()
            },
            // One sample per run, batch of one.
            ToyConfig {
                samples: 1,
                runs: 3,
                ..ToyConfig::default()
            },
            // The largest noise and spread allowed.
            ToyConfig {
                noise_trace: 10.0,
                data_spread: 10.0,
                runs: 3,
                lr: 1.0,
                ..ToyConfig::default()
            },
        ];
        for config in cases {
            let e = ensemble_of(config.clone(), 100);
            assert_all_finite(&e);
            for &m in &config.methods {
                let o = e.outcome(m).unwrap();
                assert_eq!(o.escaped + o.stayed + o.diverged, 3);
            }
        }
        // With identical samples at the exact minimum nothing moves: zero gradient, zero noise.
        let still = ensemble_of(
            ToyConfig {
                noise_trace: 0.0,
                data_spread: 0.0,
                runs: 2,
                ..ToyConfig::default()
            },
            10,
        );
        for &m in &still.config().methods {
            assert_eq!(still.positions(m).unwrap(), &[1.0, 1.0, 1.0, 1.0], "{m:?}");
        }
    }

    /// Every run's position, stream state and escape bookkeeping, for bit-for-bit comparisons.
    fn fingerprint(e: &ToyEnsemble) -> Vec<u64> {
        let mut out = vec![e.iteration()];
        for &m in &e.config().methods {
            out.extend(e.positions(m).unwrap().iter().map(|x| x.to_bits()));
            out.extend(e.first_escape_times(m).unwrap().iter().map(|x| x.to_bits()));
            out.extend(e.divergence_times(m).unwrap().iter().map(|x| x.to_bits()));
            let o = e.outcome(m).unwrap();
            out.extend([o.escaped as u64, o.stayed as u64, o.diverged as u64]);
        }
        out
    }

    #[test]
    fn seeking_anywhere_gives_the_uninterrupted_runs_bit_for_bit() {
        let config = ToyConfig {
            runs: 6,
            seed: 77,
            ..ToyConfig::default()
        };
        let mut reference = ToyEnsemble::new(config.clone());
        let mut at = std::collections::BTreeMap::new();
        at.insert(0, fingerprint(&reference));
        for _ in 0..350 {
            reference.step(1);
            at.insert(reference.iteration(), fingerprint(&reference));
        }
        let mut e = ToyEnsemble::new(config);
        e.step(350);
        let curves = e.escape_curve(Method::GldEigvec).unwrap().to_vec();
        // Backward, forward within the history, across checkpoints, to 0, and past the end.
        for target in [10, 349, 0, 123, 200, 199, 201, 350, 57, 300] {
            e.seek(target);
            assert_eq!(fingerprint(&e), at[&target], "after seek({target})");
        }
        // Replays never record twice: the history is unchanged.
        assert_eq!(
            e.escape_curve(Method::GldEigvec).unwrap(),
            curves.as_slice()
        );
        assert_eq!(e.frontier(), 350);
        e.seek(420);
        reference.step(70);
        assert_eq!(fingerprint(&e), fingerprint(&reference));
        assert_eq!(
            e.mean_loss_curve(Method::Sgd).unwrap(),
            reference.mean_loss_curve(Method::Sgd).unwrap()
        );
    }

    #[test]
    fn checkpoints_stay_bounded_and_evenly_spaced() {
        let mut e = ToyEnsemble::new(ToyConfig {
            runs: 1,
            methods: vec![Method::Gd],
            ..ToyConfig::default()
        });
        e.step(CHECKPOINT_INTERVAL * (CHECKPOINT_CAPACITY as u64 + 10));
        let kept = e.checkpoint_iterations();
        assert!(kept.len() <= CHECKPOINT_CAPACITY, "{}", kept.len());
        assert_eq!(kept[0], 0);
        let gap = kept[1] - kept[0];
        assert_eq!(gap, 2 * CHECKPOINT_INTERVAL);
        assert!(kept.windows(2).all(|w| w[1] - w[0] == gap), "{kept:?}");
    }

    #[test]
    fn a_shaped_landscape_starts_at_its_sharp_minimum_and_escapes_to_its_flat_one() {
        let shape = crate::landscape::shape::LandscapeShape {
            minima_distance: 2.0,
            sharp_angle: 30.0,
            ..Default::default()
        };
        let mut e = ToyEnsemble::new(ToyConfig {
            runs: 50,
            methods: vec![Method::GldEigvec],
            noise_trace: 0.02,
            shape,
            ..ToyConfig::default()
        });
        let c = 2.0 / (2.0 * std::f64::consts::SQRT_2);
        assert!(e.positions(Method::GldEigvec).unwrap()[..2] == [c, c]);
        e.step(500);
        let threshold = -0.5 * c;
        let escaped = e
            .positions(Method::GldEigvec)
            .unwrap()
            .chunks_exact(2)
            .filter(|w| w[0] < threshold && w[1] < threshold)
            .count();
        assert_eq!(escaped, e.escaped_count(Method::GldEigvec).unwrap());
        assert!(escaped > 0);
    }
}
