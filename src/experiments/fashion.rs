//! FashionMNIST with corrupted labels (docs/protocols.md 3.3, paper Section 5.3): fit 1200 images, 200
//! of them with random labels, by full-batch GD to a sharp minimum (stage 1), then restart every
//! dynamics from it and watch which noise escapes towards flatter, better-generalising regions
//! (stage 2).
//!
//! The network is the paper's CNN or an MLP (see [`FashionConfig::network`]); all
//! arithmetic is f32 (the network) with f64 accumulation where it matters (losses, traces).
//! Stage 2 follows the paper's scripts: the noise is added to the gradient,
//! theta <- theta - lr (g + xi), with SGD using minibatches of 20; GLD const has xi ~ N(0,
//! 1e-6 I); every other GLD variant takes the trace of C, the unbiased covariance of the 60
//! minibatch gradients (batch 20) of one shuffled epoch, refreshed every iteration (dynamic,
//! diag, 1st eigvec) or every 10 (leading, Hessian; top 20 eigenpairs). GLD leading is the
//! leading part of C itself, sum of the top 20 lambda_i u_i u_i^T with the eigenvalues as they
//! are (the paper's definition; only GLD Hessian and 1st eigvec are rescaled to Tr C); its
//! noise is drawn every iteration, or only on the refresh iterations as the authors'
//! gld_lead.py does ([`LeadingDraw`]).

use super::sharpness::{expected_sharpness, SharpnessEstimate};
use crate::data::fashion::Dataset;
use crate::data::{corrupt_labels, load_pair, pixels_to_unit_range, IdxError};
use crate::landscape::cnn::Cnn;
use crate::landscape::mlp::Mlp;
use crate::landscape::network::{Architecture, Network, NetworkKind, NetworkWorkspace};
use crate::linalg::{dot_f64, lanczos_top_from, EigenPairs, GradientCovariance, LanczosOptions};
use crate::noise::gradient::GradientNoise;
use crate::noise::Method;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Stream tag of this experiment's random numbers.
const STREAM_TAG: u64 = 200;

/// The data of the experiment, preprocessed: pixels in [-1, 1], some labels corrupted.
#[derive(Clone, Debug)]
pub struct FashionData {
    /// Pixels of the training images, one row of `input_dim` per image.
    pub train_inputs: Vec<f32>,
    /// Training labels as trained on (with the corrupted ones).
    pub train_labels: Vec<u8>,
    /// The training images whose labels were replaced by random ones.
    pub corrupted: Range<usize>,
    /// Pixels of the test images.
    pub test_inputs: Vec<f32>,
    /// Test labels.
    pub test_labels: Vec<u8>,
    /// Pixels per image (784).
    pub input_dim: usize,
    /// The first training images' raw pixels (0..=255), for the page's image strip.
    pub train_pixels: Vec<u8>,
}

impl FashionData {
    /// Reads IDX files (gzip or raw), keeps the first `train_size` training images, and
    /// replaces the labels of `corrupted` by uniformly random ones drawn from `seed`.
    pub fn from_idx(
        train_images: &[u8],
        train_labels: &[u8],
        test_images: &[u8],
        test_labels: &[u8],
        train_size: usize,
        corrupted: Range<usize>,
        seed: u32,
    ) -> Result<Self, DataError> {
        let train = load_pair(train_images, train_labels).map_err(DataError::Train)?;
        let test = load_pair(test_images, test_labels).map_err(DataError::Test)?;
        if train.images.n < train_size {
            return Err(DataError::TooFew {
                have: train.images.n,
                want: train_size,
            });
        }
        if corrupted.end > train_size || corrupted.start > corrupted.end {
            return Err(DataError::BadCorruptedRange {
                range: corrupted,
                train_size,
            });
        }
        let input_dim = train.images.image_len();
        if test.images.image_len() != input_dim {
            return Err(DataError::ShapeMismatch);
        }
        let mut labels = train.labels[..train_size].to_vec();
        corrupt_labels(
            &mut labels,
            corrupted.clone(),
            &mut Rng::for_stream(seed as u64, &[STREAM_TAG, 0]),
        );
        let pixels = train.images.pixels[..train_size * input_dim].to_vec();
        Ok(FashionData {
            train_inputs: pixels_to_unit_range(&pixels),
            train_labels: labels,
            corrupted,
            test_inputs: pixels_to_unit_range(&test.images.pixels),
            test_labels: test.labels,
            input_dim,
            train_pixels: pixels,
        })
    }

    /// Training images.
    pub fn train_len(&self) -> usize {
        self.train_labels.len()
    }

    /// Test images.
    pub fn test_len(&self) -> usize {
        self.test_labels.len()
    }
}

/// Why the data could not be loaded.
#[derive(Clone, Debug, PartialEq)]
pub enum DataError {
    /// The training files are bad.
    Train(IdxError),
    /// The test files are bad.
    Test(IdxError),
    /// Fewer training images than asked for.
    TooFew {
        /// Images in the file.
        have: usize,
        /// Images wanted.
        want: usize,
    },
    /// The corrupted range lies outside the training set.
    BadCorruptedRange {
        /// The range asked for.
        range: Range<usize>,
        /// The training set size.
        train_size: usize,
    },
    /// Training and test images differ in size.
    ShapeMismatch,
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataError::Train(e) => write!(f, "training data: {e}"),
            DataError::Test(e) => write!(f, "test data: {e}"),
            DataError::TooFew { have, want } => {
                write!(f, "training data: {have} images, need {want}")
            }
            DataError::BadCorruptedRange { range, train_size } => {
                write!(
                    f,
                    "corrupted range {range:?} is not inside the {train_size} training images"
                )
            }
            DataError::ShapeMismatch => write!(f, "training and test images differ in size"),
        }
    }
}

impl std::error::Error for DataError {}

/// When GLD leading draws its noise (`--gld-leading-draw`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeadingDraw {
    /// A fresh draw every iteration from the covariance refreshed every `refresh_slow`
    /// iterations: the paper's definition (Sigma = the leading part of C at all times).
    #[default]
    Every,
    /// A draw only on the refresh iterations, none on the others: the authors'
    /// FashionMNIST/gld_lead.py (its noise vector is zero on the nine iterations between).
    Refresh,
}

impl LeadingDraw {
    /// Both, in a fixed order.
    pub const ALL: [LeadingDraw; 2] = [LeadingDraw::Every, LeadingDraw::Refresh];

    /// The id used in the CLI, JSON and file names.
    pub fn id(self) -> &'static str {
        match self {
            LeadingDraw::Every => "every",
            LeadingDraw::Refresh => "refresh",
        }
    }

    /// The variant of an id.
    pub fn from_id(id: &str) -> Option<LeadingDraw> {
        LeadingDraw::ALL.into_iter().find(|d| d.id() == id)
    }
}

/// The settings of the experiment; `Default` is the paper's protocol with our MLP.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FashionConfig {
    /// The network: `mlp` (784-[`FashionConfig::hidden`]-10) or `cnn` (the paper's ConvYu,
    /// D = 11,330; needs 28x28 images). The command line defaults to `cnn`.
    #[serde(default)]
    pub network: NetworkKind,
    /// Hidden layer widths. Default `[14]`: a 784-14-10 MLP has D = 11,140 parameters, the
    /// order of the paper's CNN (11,330), and fits the 200 random labels with full-batch GD.
    pub hidden: Vec<usize>,
    /// Seed of the initialisation, the label corruption and every noise stream.
    pub seed: u32,
    /// Standard deviation of the truncated-normal initial weights (paper: 0.02).
    pub init_sd: f32,
    /// Stage 1 learning rate (paper: 0.1).
    pub stage1_lr: f32,
    /// Stage 1 stops when every training label is fitted, or after this many iterations.
    pub stage1_max_iterations: u64,
    /// Stage 2 learning rate (paper: 0.07).
    pub lr: f32,
    /// SGD's batch size, and the batch of the minibatch gradients that make C (paper: 20).
    pub batch_size: usize,
    /// Eigenpairs kept by GLD leading and GLD Hessian (paper: 20).
    pub top_k: usize,
    /// Iterations between refreshes of the noise of GLD dynamic, diag and 1st eigvec (paper: 1).
    pub refresh_fast: u64,
    /// Iterations between refreshes of the noise of GLD leading and Hessian (paper: 10).
    pub refresh_slow: u64,
    /// GLD const's gradient-noise standard deviation (paper: 1e-3).
    pub const_sd: f64,
    /// Lanczos steps of GLD 1st eigvec's per-iteration eigenvector search when warm-started
    /// from the previous iteration's eigenvector (0: a cold search every time, ~21 Hessian-
    /// vector products). The top eigenvector moves little in one step, so a few steps from
    /// the previous one track it at a fraction of the cost.
    pub eigvec_warm_steps: usize,
    /// Standard deviation delta of the expected-sharpness perturbation (paper: 0.01).
    pub sharpness_delta: f32,
    /// Draws of the expected sharpness (paper: 1000).
    pub sharpness_draws: usize,
    /// Rademacher probes of the Hutchinson estimate of Tr H.
    pub trace_probes: usize,
    /// Hessian eigenvalues reported at each record.
    pub spectrum_k: usize,
    /// The training set (the paper's text, or the authors' code).
    #[serde(default)]
    pub dataset: Dataset,
    /// When GLD leading draws its noise.
    #[serde(default)]
    pub gld_leading_draw: LeadingDraw,
}

impl Default for FashionConfig {
    fn default() -> Self {
        FashionConfig {
            network: NetworkKind::Mlp,
            hidden: vec![14],
            seed: 0,
            init_sd: 0.02,
            stage1_lr: 0.1,
            stage1_max_iterations: 20_000,
            lr: 0.07,
            batch_size: 20,
            top_k: 20,
            refresh_fast: 1,
            refresh_slow: 10,
            const_sd: 1e-3,
            eigvec_warm_steps: 4,
            sharpness_delta: 0.01,
            sharpness_draws: 100,
            trace_probes: 20,
            spectrum_k: 10,
            dataset: Dataset::Paper,
            gld_leading_draw: LeadingDraw::Every,
        }
    }
}

impl FashionConfig {
    /// The network for `input_dim` inputs and 10 classes (the CNN takes 784 = 28 x 28 only).
    pub fn network(&self, input_dim: usize) -> Network {
        match self.network {
            NetworkKind::Cnn => Network::Cnn(Cnn::new()),
            NetworkKind::Mlp => {
                let mut sizes = vec![input_dim];
                sizes.extend(&self.hidden);
                sizes.push(10);
                Network::Mlp(Mlp::new(&sizes))
            }
        }
    }

    /// Iterations between noise refreshes of `method` (0: it has no refreshed noise).
    pub fn refresh_interval(&self, method: Method) -> u64 {
        match method {
            Method::GldDynamic | Method::GldDiag | Method::GldEigvec => self.refresh_fast,
            Method::GldLeading | Method::GldHessian => self.refresh_slow,
            _ => 0,
        }
    }
}

/// Everything measured at one point of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FashionRecord {
    /// Stage-2 iteration (stage-1 iteration for the stage-1 record).
    pub iteration: u64,
    /// Training loss on the labels trained on.
    pub train_loss: f64,
    /// Training accuracy on the labels trained on.
    pub train_accuracy: f64,
    /// Accuracy on the clean training images.
    pub clean_accuracy: f64,
    /// Accuracy on the corrupted images against their random labels (memorisation).
    pub corrupted_accuracy: f64,
    /// Test accuracy.
    pub test_accuracy: f64,
    /// E[L(theta + nu)] - L(theta), nu ~ N(0, delta^2 I), from antithetic pairs with the
    /// draws common to every method and record (see [`super::sharpness`]).
    pub sharpness: f64,
    /// The standard error of `sharpness`.
    #[serde(default)]
    pub sharpness_std_err: f64,
    /// Tr(H C), C the covariance of SGD's minibatch gradient (batch `batch_size`).
    pub tr_h_sigma: f64,
    /// Tr H Tr C / D.
    pub tr_h_sigma_iso: f64,
    /// Tr H (Hutchinson estimate).
    pub tr_h: f64,
    /// Tr C.
    pub tr_sigma: f64,
    /// The top Hessian eigenvalues, largest first.
    pub top_eigenvalues: Vec<f64>,
    /// u1^T C u1 Tr H / (lambda_1 Tr C); null without positive curvature.
    pub a_hat: Option<f64>,
}

/// Shared, read-only pieces of an experiment: data, network, scratch space.
#[derive(Clone, Debug)]
pub struct FashionContext {
    /// The settings.
    pub config: FashionConfig,
    /// The data.
    pub data: FashionData,
    /// The network.
    pub network: Network,
}

impl FashionContext {
    /// The context of `config` on `data`.
    pub fn new(config: FashionConfig, data: FashionData) -> Self {
        let network = config.network(data.input_dim);
        FashionContext {
            config,
            data,
            network,
        }
    }

    /// D.
    pub fn dim(&self) -> usize {
        self.network.parameter_count()
    }

    /// The seeded initial weights of stage 1.
    pub fn initial_weights(&self) -> Vec<f32> {
        let mut rng = Rng::for_stream(self.config.seed as u64, &[STREAM_TAG, 1]);
        self.network.init(&mut rng, self.config.init_sd)
    }

    /// Full-batch training loss and gradient.
    pub fn full_gradient(&self, theta: &[f32], grad: &mut [f32], ws: &mut NetworkWorkspace) -> f32 {
        let d = &self.data;
        self.network
            .loss_grad(theta, &d.train_inputs, &d.train_labels, grad, ws)
    }

    /// The full-batch training loss's Hessian-vector product H v, into `out`.
    pub fn full_hvp(&self, theta: &[f32], v: &[f32], out: &mut [f32], ws: &mut NetworkWorkspace) {
        let d = &self.data;
        self.network
            .hvp(theta, &d.train_inputs, &d.train_labels, v, out, ws);
    }

    /// Accuracy on the training images in `range`, against the labels trained on.
    fn train_accuracy_on(
        &self,
        theta: &[f32],
        range: Range<usize>,
        ws: &mut NetworkWorkspace,
    ) -> f64 {
        if range.is_empty() {
            return 0.0;
        }
        let d = &self.data;
        let x = &d.train_inputs[range.start * d.input_dim..range.end * d.input_dim];
        self.network.accuracy(theta, x, &d.train_labels[range], ws)
    }

    /// Training accuracy on all labels trained on.
    pub fn train_accuracy(&self, theta: &[f32], ws: &mut NetworkWorkspace) -> f64 {
        self.train_accuracy_on(theta, 0..self.data.train_len(), ws)
    }

    /// Accuracy on the corrupted images against their random labels (memorisation).
    pub fn corrupted_accuracy(&self, theta: &[f32], ws: &mut NetworkWorkspace) -> f64 {
        self.train_accuracy_on(theta, self.data.corrupted.clone(), ws)
    }

    /// Test accuracy.
    pub fn test_accuracy(&self, theta: &[f32], ws: &mut NetworkWorkspace) -> f64 {
        let d = &self.data;
        self.network
            .accuracy(theta, &d.test_inputs, &d.test_labels, ws)
    }

    /// The unbiased covariance of the minibatch gradients of one shuffled epoch.
    pub fn minibatch_covariance(
        &self,
        theta: &[f32],
        rng: &mut Rng,
        ws: &mut NetworkWorkspace,
    ) -> GradientCovariance {
        let d = &self.data;
        let n = d.train_len();
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, rng.index(i + 1));
        }
        let m = self.config.batch_size.clamp(1, n);
        let batches = (n / m).max(2);
        let dim = self.dim();
        let grads: Vec<Vec<f32>> = (0..batches)
            .map(|b| {
                let start = (b * m) % n;
                let idx: Vec<usize> = (0..m).map(|i| order[(start + i) % n]).collect();
                let mut g = vec![0.0; dim];
                self.network.loss_grad_indices(
                    theta,
                    &d.train_inputs,
                    &d.train_labels,
                    &idx,
                    &mut g,
                    ws,
                );
                g
            })
            .collect();
        GradientCovariance::from_gradients(&grads)
    }

    /// The top `k` Hessian eigenpairs at `theta` (Lanczos on exact Hessian-vector products),
    /// from a random start, or with `steps` Lanczos steps from a warm `start` when given.
    pub fn hessian_top(
        &self,
        theta: &[f32],
        k: usize,
        warm: Option<(&[f32], usize)>,
        rng: &mut Rng,
        ws: &mut NetworkWorkspace,
    ) -> EigenPairs {
        let op = |x: &[f32], y: &mut [f32]| self.full_hvp(theta, x, y, ws);
        let (options, start) = match warm {
            Some((start, steps)) => (LanczosOptions { k, steps }, Some(start)),
            None => (LanczosOptions::top(k), None),
        };
        match lanczos_top_from(self.dim(), options, start, rng, op) {
            Ok(result) => result.pairs,
            Err(_) => EigenPairs::empty(self.dim()),
        }
    }

    /// The noise `method` adds to the gradient at `theta`.
    ///
    /// `previous` is the noise this method used before: GLD 1st eigvec warm-starts its
    /// eigenvector search from it (see [`FashionConfig::eigvec_warm_steps`]).
    pub fn build_noise(
        &self,
        method: Method,
        theta: &[f32],
        previous: &GradientNoise,
        rng: &mut Rng,
        ws: &mut NetworkWorkspace,
    ) -> GradientNoise {
        let c = &self.config;
        let dim = self.dim();
        match method {
            Method::Gd | Method::Sgd => GradientNoise::None,
            Method::GldConst => GradientNoise::Isotropic { sd: c.const_sd },
            _ => {
                let cov = self.minibatch_covariance(theta, rng, ws);
                let trace = cov.trace();
                match method {
                    Method::GldDynamic => GradientNoise::Isotropic {
                        sd: (trace / dim as f64).sqrt(),
                    },
                    Method::GldDiag => GradientNoise::Diagonal {
                        sd: cov
                            .diagonal()
                            .iter()
                            .map(|&v| v.max(0.0).sqrt() as f32)
                            .collect(),
                    },
                    Method::GldLeading => match cov.top_eigen(c.top_k) {
                        Ok(pairs) => GradientNoise::low_rank(pairs),
                        Err(_) => GradientNoise::None,
                    },
                    Method::GldHessian => GradientNoise::low_rank_with_trace(
                        self.hessian_top(theta, c.top_k, None, rng, ws),
                        trace,
                    ),
                    _ => {
                        let warm = match previous {
                            GradientNoise::LowRank { pairs, .. }
                                if c.eigvec_warm_steps > 0 && !pairs.is_empty() =>
                            {
                                Some((pairs.vector(0), c.eigvec_warm_steps))
                            }
                            _ => None,
                        };
                        let mut top = self.hessian_top(theta, 1, warm, rng, ws);
                        top.truncate(1);
                        GradientNoise::low_rank_with_trace(top, trace)
                    }
                }
            }
        }
    }

    /// The expected sharpness at `theta` with its standard error: antithetic pairs, the draws
    /// a function of the seed only (common to every method and record).
    pub fn sharpness(&self, theta: &[f32], ws: &mut NetworkWorkspace) -> SharpnessEstimate {
        let c = &self.config;
        let d = &self.data;
        expected_sharpness(
            theta,
            c.sharpness_delta,
            c.sharpness_draws,
            c.seed as u64,
            |p| self.network.loss(p, &d.train_inputs, &d.train_labels, ws) as f64,
        )
    }

    /// Every metric of [`FashionRecord`] at `theta`; `rng` drives the measurement only.
    pub fn measure(
        &self,
        theta: &[f32],
        iteration: u64,
        rng: &mut Rng,
        ws: &mut NetworkWorkspace,
    ) -> FashionRecord {
        let c = &self.config;
        let d = &self.data;
        let dim = self.dim();
        let (x, y) = (&d.train_inputs, &d.train_labels);
        let train_loss = self.network.loss(theta, x, y, ws) as f64;
        let sharpness = self.sharpness(theta, ws);
        // SGD's noise C and the Hessian, through Hessian-vector products only.
        let cov = self.minibatch_covariance(theta, rng, ws);
        let mut hv = vec![0.0f32; dim];
        let mut tr_h_sigma = 0.0;
        for j in 0..cov.count() {
            let v = cov.centred(j);
            self.full_hvp(theta, v, &mut hv, ws);
            tr_h_sigma += dot_f64(v, &hv);
        }
        tr_h_sigma /= (cov.count() - 1) as f64;
        let mut probe = vec![0.0f32; dim];
        let mut tr_h = 0.0;
        for _ in 0..c.trace_probes {
            for p in probe.iter_mut() {
                *p = if rng.next_u64() & 1 == 0 { 1.0 } else { -1.0 };
            }
            self.full_hvp(theta, &probe, &mut hv, ws);
            tr_h += dot_f64(&probe, &hv);
        }
        tr_h /= c.trace_probes.max(1) as f64;
        let top = self.hessian_top(theta, c.spectrum_k.max(1), None, rng, ws);
        let tr_sigma = cov.trace();
        let a_hat = match top.values().first() {
            Some(&lambda1) if lambda1 > 0.0 && tr_sigma > 0.0 => {
                let u = top.vector(0);
                let along: f64 = (0..cov.count())
                    .map(|j| {
                        let dot = dot_f64(cov.centred(j), u);
                        dot * dot
                    })
                    .sum::<f64>()
                    / (cov.count() - 1) as f64;
                Some(along * tr_h / (lambda1 * tr_sigma))
            }
            _ => None,
        };
        let n = d.train_len();
        FashionRecord {
            iteration,
            train_loss,
            train_accuracy: self.train_accuracy_on(theta, 0..n, ws),
            clean_accuracy: self.train_accuracy_on(theta, clean_range(&d.corrupted, n), ws),
            corrupted_accuracy: self.train_accuracy_on(theta, d.corrupted.clone(), ws),
            test_accuracy: self.test_accuracy(theta, ws),
            sharpness: sharpness.mean,
            sharpness_std_err: sharpness.std_err,
            tr_h_sigma,
            tr_h_sigma_iso: tr_h * tr_sigma / dim as f64,
            tr_h,
            tr_sigma,
            top_eigenvalues: top.values().to_vec(),
            a_hat,
        }
    }
}

/// The clean images: those before the corrupted range (the paper corrupts the tail).
fn clean_range(corrupted: &Range<usize>, n: usize) -> Range<usize> {
    if corrupted.start > 0 {
        0..corrupted.start
    } else {
        corrupted.end..n
    }
}

/// Stage 1: full-batch GD from the seeded initialisation until every training label is fitted.
#[derive(Clone, Debug)]
pub struct Stage1 {
    theta: Vec<f32>,
    grad: Vec<f32>,
    ws: NetworkWorkspace,
    iteration: u64,
    train_accuracy: f64,
}

/// Stage 1 checks the training accuracy every this many iterations.
const STAGE1_CHECK_EVERY: u64 = 10;

impl Stage1 {
    /// At the seeded initial weights.
    pub fn new(ctx: &FashionContext) -> Self {
        let theta = ctx.initial_weights();
        let mut ws = ctx.network.workspace();
        let train_accuracy = ctx.train_accuracy(&theta, &mut ws);
        Stage1 {
            grad: vec![0.0; theta.len()],
            theta,
            ws,
            iteration: 0,
            train_accuracy,
        }
    }

    /// At `theta` after `iteration` GD iterations, a stage-1 checkpoint. Stage 1 is
    /// deterministic full-batch GD, so the weights and the count are its whole state and the
    /// resumed run continues bit for bit, provided `iteration` is a multiple of
    /// [`Stage1::CHECKPOINT_EVERY`] (there the training accuracy was just measured, as it is
    /// here). None otherwise, or when `theta` has the wrong length.
    pub fn resume(ctx: &FashionContext, theta: Vec<f32>, iteration: u64) -> Option<Self> {
        if !iteration.is_multiple_of(STAGE1_CHECK_EVERY) || theta.len() != ctx.dim() {
            return None;
        }
        let mut ws = ctx.network.workspace();
        let train_accuracy = ctx.train_accuracy(&theta, &mut ws);
        Some(Stage1 {
            grad: vec![0.0; theta.len()],
            theta,
            ws,
            iteration,
            train_accuracy,
        })
    }

    /// Iterations between stage-1 checkpoints of the CLI (a multiple of the accuracy check's
    /// interval, so that [`Stage1::resume`] is exact).
    pub const CHECKPOINT_EVERY: u64 = 50 * STAGE1_CHECK_EVERY;

    /// Whether every label is fitted or the iteration budget is spent.
    pub fn done(&self, ctx: &FashionContext) -> bool {
        self.train_accuracy >= 1.0 || self.iteration >= ctx.config.stage1_max_iterations
    }

    /// Runs up to `n` GD iterations (fewer if done first); returns whether it is done.
    pub fn step(&mut self, ctx: &FashionContext, n: u64) -> bool {
        let lr = ctx.config.stage1_lr;
        for _ in 0..n {
            if self.done(ctx) {
                break;
            }
            ctx.full_gradient(&self.theta, &mut self.grad, &mut self.ws);
            for (t, g) in self.theta.iter_mut().zip(&self.grad) {
                *t -= lr * g;
            }
            self.iteration += 1;
            if self.iteration.is_multiple_of(STAGE1_CHECK_EVERY) {
                self.train_accuracy = ctx.train_accuracy(&self.theta, &mut self.ws);
            }
        }
        self.done(ctx)
    }

    /// GD iterations so far.
    pub fn iteration(&self) -> u64 {
        self.iteration
    }

    /// Training accuracy at the last check.
    pub fn train_accuracy(&self) -> f64 {
        self.train_accuracy
    }

    /// The current weights (the sharp minimum once done).
    pub fn theta(&self) -> &[f32] {
        &self.theta
    }
}

/// Stage 2 for one method: restarted from the stage-1 minimum.
#[derive(Clone, Debug)]
pub struct MethodRun {
    method: Method,
    theta: Vec<f32>,
    grad: Vec<f32>,
    scratch: Vec<f32>,
    rng: Rng,
    noise: GradientNoise,
    ws: NetworkWorkspace,
    iteration: u64,
    /// The iteration at which the run diverged (a non-finite loss or gradient, or a step
    /// that would make a weight non-finite); it is frozen at its last finite weights since.
    diverged_at: Option<u64>,
    /// SGD's minibatch sampler state, allocated once (no allocation in the step loop).
    sampler: MinibatchSampler,
    /// When GLD leading draws (from the config; [`MethodRun::set_leading_draw`] changes it).
    leading_draw: LeadingDraw,
}

impl MethodRun {
    /// `method` at the minimum `start`.
    pub fn new(ctx: &FashionContext, method: Method, start: &[f32]) -> Self {
        MethodRun {
            method,
            theta: start.to_vec(),
            grad: vec![0.0; start.len()],
            scratch: Vec::new(),
            rng: Rng::for_stream(
                ctx.config.seed as u64,
                &[STREAM_TAG, 10 + method.stream_tag()],
            ),
            noise: GradientNoise::None,
            ws: ctx.network.workspace(),
            iteration: 0,
            diverged_at: None,
            sampler: MinibatchSampler::new(ctx.data.train_len(), ctx.config.batch_size),
            leading_draw: ctx.config.gld_leading_draw,
        }
    }

    /// Runs GLD leading in the variant `draw` instead of the config's (so that one context
    /// serves both variants).
    pub fn set_leading_draw(&mut self, draw: LeadingDraw) {
        self.leading_draw = draw;
    }

    /// Runs `n` iterations of theta <- theta - lr (g + xi); stops early, for good, if the run
    /// diverges (see [`MethodRun::diverged_at`]).
    pub fn step(&mut self, ctx: &FashionContext, n: u64) {
        let c = &ctx.config;
        let d = &ctx.data;
        for _ in 0..n {
            if self.diverged_at.is_some() {
                return;
            }
            let interval = c.refresh_interval(self.method);
            if self.method == Method::GldConst && self.iteration == 0 {
                self.noise = GradientNoise::Isotropic { sd: c.const_sd };
            } else if interval > 0 && self.iteration.is_multiple_of(interval) {
                self.noise = ctx.build_noise(
                    self.method,
                    &self.theta,
                    &self.noise,
                    &mut self.rng,
                    &mut self.ws,
                );
            }
            let loss = if self.method == Method::Sgd {
                let idx = self.sampler.draw(&mut self.rng);
                ctx.network.loss_grad_indices(
                    &self.theta,
                    &d.train_inputs,
                    &d.train_labels,
                    idx,
                    &mut self.grad,
                    &mut self.ws,
                )
            } else {
                ctx.full_gradient(&self.theta, &mut self.grad, &mut self.ws)
            };
            if self.draws_noise_now(c.refresh_interval(self.method)) {
                self.noise
                    .add_sample(&mut self.rng, &mut self.grad, &mut self.scratch);
            }
            let finite_step = self
                .theta
                .iter()
                .zip(&self.grad)
                .all(|(t, g)| (t - c.lr * g).is_finite());
            if !loss.is_finite() || !finite_step {
                self.diverged_at = Some(self.iteration);
                return;
            }
            for (t, g) in self.theta.iter_mut().zip(&self.grad) {
                *t -= c.lr * g;
            }
            self.iteration += 1;
        }
    }

    /// Whether this iteration adds a draw of the noise: always, except GLD leading in the
    /// authors' variant ([`LeadingDraw::Refresh`]) between refreshes.
    fn draws_noise_now(&self, interval: u64) -> bool {
        !(self.method == Method::GldLeading
            && self.leading_draw == LeadingDraw::Refresh
            && interval > 0
            && !self.iteration.is_multiple_of(interval))
    }

    /// Measures every metric now (its own stream: measuring never changes the trajectory).
    pub fn measure(&mut self, ctx: &FashionContext) -> FashionRecord {
        let mut rng = Rng::for_stream(
            ctx.config.seed as u64,
            &[STREAM_TAG, 100 + self.method.stream_tag(), self.iteration],
        );
        ctx.measure(&self.theta, self.iteration, &mut rng, &mut self.ws)
    }

    /// Tr Cov(xi) of the noise in use.
    pub fn noise_trace(&self, ctx: &FashionContext) -> f64 {
        self.noise.trace(ctx.dim())
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// Iterations so far.
    pub fn iteration(&self) -> u64 {
        self.iteration
    }

    /// The iteration at which the run diverged, if it did: its loss or gradient became
    /// non-finite, or the step would have made a weight non-finite. The run keeps its last
    /// finite weights and `step` does nothing from then on.
    pub fn diverged_at(&self) -> Option<u64> {
        self.diverged_at
    }

    /// The current weights.
    pub fn theta(&self) -> &[f32] {
        &self.theta
    }
}

/// Everything a stage-2 run needs to resume exactly where it stopped (the weights, its random
/// stream, and GLD 1st eigvec's warm-start vector), taken at an iteration where every noise
/// is rebuilt anyway (a multiple of its refresh interval).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodRunState {
    /// The method id.
    pub method: String,
    /// Iterations done.
    pub iteration: u64,
    /// The weights.
    pub theta: Vec<f32>,
    /// The xoshiro words of the run's stream.
    pub rng: [u64; 4],
    /// The stream's cached spare normal deviate.
    pub spare_normal: Option<f64>,
    /// The iteration at which the run diverged, if it did.
    pub diverged_at: Option<u64>,
    /// GLD 1st eigvec: the eigenvalue and vector of the previous iteration's noise.
    pub warm: Option<(f64, Vec<f32>)>,
    /// GLD leading's draw variant.
    #[serde(default)]
    pub leading_draw: LeadingDraw,
}

impl MethodRun {
    /// The state to resume from, or None if this iteration is not a multiple of the method's
    /// refresh interval (its noise would not be rebuilt on resuming).
    pub fn snapshot(&self, ctx: &FashionContext) -> Option<MethodRunState> {
        let interval = ctx.config.refresh_interval(self.method);
        if interval > 0 && !self.iteration.is_multiple_of(interval) {
            return None;
        }
        let warm = match &self.noise {
            GradientNoise::LowRank { pairs, .. }
                if self.method == Method::GldEigvec && !pairs.is_empty() =>
            {
                Some((pairs.values()[0], pairs.vector(0).to_vec()))
            }
            _ => None,
        };
        let (rng, spare_normal) = self.rng.full_state();
        Some(MethodRunState {
            method: self.method.id().to_string(),
            iteration: self.iteration,
            theta: self.theta.clone(),
            rng,
            spare_normal,
            diverged_at: self.diverged_at,
            warm,
            leading_draw: self.leading_draw,
        })
    }

    /// The run of a [`MethodRun::snapshot`]; an error names what does not fit `ctx`.
    pub fn resume(ctx: &FashionContext, state: &MethodRunState) -> Result<Self, String> {
        let method = Method::from_id(&state.method)
            .ok_or_else(|| format!("unknown method {:?} in the run state", state.method))?;
        let dim = ctx.dim();
        if state.theta.len() != dim || state.theta.iter().any(|t| !t.is_finite()) {
            return Err(format!(
                "run state has {} weights (or non-finite ones), the network {dim}",
                state.theta.len()
            ));
        }
        if state.rng == [0; 4] {
            return Err("run state has an all-zero random state".into());
        }
        let mut run = MethodRun::new(ctx, method, &state.theta);
        run.iteration = state.iteration;
        run.rng = Rng::from_full_state(state.rng, state.spare_normal);
        run.diverged_at = state.diverged_at;
        run.leading_draw = state.leading_draw;
        run.noise = match (&state.warm, method) {
            (Some((value, vector)), Method::GldEigvec) if vector.len() == dim => {
                GradientNoise::LowRank {
                    pairs: EigenPairs::new(dim, vec![*value], vector.clone()),
                    scale: 1.0,
                }
            }
            (_, Method::GldConst) if state.iteration > 0 => GradientNoise::Isotropic {
                sd: ctx.config.const_sd,
            },
            _ => GradientNoise::None,
        };
        Ok(run)
    }
}

/// `m` distinct indices below `n`, uniformly (partial Fisher-Yates on 0..n).
#[cfg(test)]
fn sample_without_replacement(n: usize, m: usize, rng: &mut Rng) -> Vec<usize> {
    MinibatchSampler::new(n, m).draw(rng).to_vec()
}

/// Draws minibatches of `m` distinct indices below `n` (partial Fisher-Yates on 0..n) without
/// allocating: the pool is restored to 0..n after each draw by undoing the swaps in reverse,
/// so every draw is exactly the one a fresh pool would give.
#[derive(Clone, Debug)]
struct MinibatchSampler {
    pool: Vec<usize>,
    swaps: Vec<usize>,
    batch: Vec<usize>,
}

impl MinibatchSampler {
    fn new(n: usize, m: usize) -> Self {
        let m = m.min(n);
        MinibatchSampler {
            pool: (0..n).collect(),
            swaps: vec![0; m],
            batch: vec![0; m],
        }
    }

    fn draw(&mut self, rng: &mut Rng) -> &[usize] {
        let n = self.pool.len();
        for (i, s) in self.swaps.iter_mut().enumerate() {
            let j = i + rng.index(n - i);
            self.pool.swap(i, j);
            *s = j;
        }
        let m = self.swaps.len();
        self.batch.copy_from_slice(&self.pool[..m]);
        for (i, &j) in self.swaps.iter().enumerate().rev() {
            self.pool.swap(i, j);
        }
        &self.batch
    }
}

/// The file magic of a stage-1 minimum checkpoint.
const CHECKPOINT_MAGIC: &[u8; 8] = b"SGDMIN01";

/// A stage-1 minimum as stored on disk: where stage 2 starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// The seed that produced it.
    pub seed: u32,
    /// Stage-1 GD iterations it took.
    pub iterations: u64,
    /// The weights.
    pub theta: Vec<f32>,
}

impl Checkpoint {
    /// Little-endian bytes: magic, seed (u32), iterations (u64), D (u32), D f32 weights.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + 4 * self.theta.len());
        out.extend_from_slice(CHECKPOINT_MAGIC);
        out.extend_from_slice(&self.seed.to_le_bytes());
        out.extend_from_slice(&self.iterations.to_le_bytes());
        out.extend_from_slice(&(self.theta.len() as u32).to_le_bytes());
        for t in &self.theta {
            out.extend_from_slice(&t.to_le_bytes());
        }
        out
    }

    /// Parses [`Checkpoint::to_bytes`], checking the magic, the length and that it fits a
    /// network of `dim` parameters.
    pub fn from_bytes(bytes: &[u8], dim: usize) -> Result<Self, String> {
        if bytes.len() < 24 || &bytes[..8] != CHECKPOINT_MAGIC {
            return Err("not a stage-1 checkpoint (bad magic)".into());
        }
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let seed = u32_at(8);
        let iterations = u64::from_le_bytes(bytes[12..20].try_into().unwrap_or_default());
        let d = u32_at(20) as usize;
        if d != dim {
            return Err(format!(
                "checkpoint has {d} parameters, the network has {dim}"
            ));
        }
        if bytes.len() != 24 + 4 * d {
            return Err(format!(
                "checkpoint truncated or padded: {} bytes for {d} parameters",
                bytes.len()
            ));
        }
        let theta: Vec<f32> = bytes[24..]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if theta.iter().any(|t| !t.is_finite()) {
            return Err("checkpoint holds non-finite weights".into());
        }
        Ok(Checkpoint {
            seed,
            iterations,
            theta,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_round_trip_and_reject_damage() {
        let c = Checkpoint {
            seed: 3,
            iterations: 77,
            theta: vec![0.5, -1.25, 3.0],
        };
        let bytes = c.to_bytes();
        assert_eq!(Checkpoint::from_bytes(&bytes, 3).unwrap(), c);
        assert!(Checkpoint::from_bytes(&bytes, 4).unwrap_err().contains("4"));
        assert!(Checkpoint::from_bytes(&bytes[..bytes.len() - 1], 3).is_err());
        assert!(Checkpoint::from_bytes(b"garbage garbage garbage!", 3).is_err());
    }

    /// A tiny data set: 24 random 6-pixel images, 10 classes, no corruption.
    fn tiny_context(lr: f32) -> FashionContext {
        tiny_context_with(lr, false)
    }

    /// The tiny data set, or with `identical` 24 copies of one image and label (every
    /// per-sample gradient equal: SGD's covariance is exactly zero).
    fn tiny_context_with(lr: f32, identical: bool) -> FashionContext {
        let mut rng = Rng::for_stream(5, &[]);
        let pixels = |n: usize, rng: &mut Rng| -> Vec<f32> {
            (0..n * 6).map(|_| rng.normal() as f32).collect()
        };
        let labels =
            |n: usize, rng: &mut Rng| -> Vec<u8> { (0..n).map(|_| rng.index(10) as u8).collect() };
        let (train_inputs, train_labels) = if identical {
            (pixels(1, &mut rng).repeat(24), vec![3; 24])
        } else {
            (pixels(24, &mut rng), labels(24, &mut rng))
        };
        let data = FashionData {
            train_inputs,
            train_labels,
            corrupted: 0..0,
            test_inputs: pixels(8, &mut rng),
            test_labels: labels(8, &mut rng),
            input_dim: 6,
            train_pixels: vec![0; 24 * 6],
        };
        let config = FashionConfig {
            hidden: vec![5],
            lr,
            batch_size: 4,
            sharpness_draws: 2,
            ..FashionConfig::default()
        };
        FashionContext::new(config, data)
    }

    #[test]
    fn a_diverging_run_is_marked_frozen_and_finite() {
        let ctx = tiny_context(1e36);
        let start = ctx.initial_weights();
        for method in [Method::Gd, Method::Sgd, Method::GldConst] {
            let mut run = MethodRun::new(&ctx, method, &start);
            run.step(&ctx, 20);
            let at = run
                .diverged_at()
                .expect("lr 1e36 must overflow the weights");
            assert!(at <= 2, "{method:?} diverged at {at}");
            assert_eq!(run.iteration(), at);
            assert!(run.theta().iter().all(|t| t.is_finite()));
            let frozen = run.theta().to_vec();
            run.step(&ctx, 5);
            assert_eq!(run.theta(), frozen.as_slice());
            assert_eq!(run.iteration(), at);
        }
        let calm = tiny_context(0.05);
        let mut run = MethodRun::new(&calm, Method::Sgd, &calm.initial_weights());
        run.step(&calm, 20);
        assert_eq!((run.diverged_at(), run.iteration()), (None, 20));
    }

    #[test]
    fn identical_samples_give_zero_noise_and_finite_records() {
        let ctx = tiny_context_with(0.05, true);
        let start = ctx.initial_weights();
        for method in Method::ALL {
            let mut run = MethodRun::new(&ctx, method, &start);
            run.step(&ctx, 3);
            assert_eq!(run.diverged_at(), None, "{method:?}");
            assert!(run.theta().iter().all(|t| t.is_finite()), "{method:?}");
            let r = run.measure(&ctx);
            assert!(r.tr_sigma.abs() < 1e-9, "{method:?}: Tr C = {}", r.tr_sigma);
            for x in [
                r.train_loss,
                r.test_accuracy,
                r.tr_h_sigma,
                r.tr_h_sigma_iso,
                r.tr_h,
            ] {
                assert!(x.is_finite(), "{method:?}: {r:?}");
            }
            assert!(
                r.top_eigenvalues.iter().all(|x| x.is_finite()),
                "{method:?}"
            );
            assert!(r.a_hat.is_none_or(f64::is_finite), "{method:?}: {r:?}");
        }
    }

    #[test]
    fn gld_leading_is_the_leading_part_of_c_unscaled() {
        let ctx = tiny_context(0.05);
        let theta = ctx.initial_weights();
        let mut ws = ctx.network.workspace();
        let rng = Rng::for_stream(8, &[]);
        let cov = ctx.minibatch_covariance(&theta, &mut rng.clone(), &mut ws);
        let top = cov.top_eigen(ctx.config.top_k).unwrap();
        let noise = ctx.build_noise(
            Method::GldLeading,
            &theta,
            &GradientNoise::None,
            &mut rng.clone(),
            &mut ws,
        );
        let want: f64 = top.values().iter().sum();
        assert!(want > 0.0);
        let got = noise.trace(ctx.dim());
        assert!(
            (got - want).abs() <= 1e-9 * want,
            "Tr Sigma_leading = {got}, sum of the top eigenvalues of C = {want}"
        );
        // With 6 minibatches C has rank <= 5 < 20: the leading part is all of C.
        assert!(
            (got - cov.trace()).abs() <= 1e-4 * want,
            "{got} vs {}",
            cov.trace()
        );
        // GLD Hessian, by contrast, is rescaled to Tr C.
        let hess = ctx.build_noise(
            Method::GldHessian,
            &theta,
            &GradientNoise::None,
            &mut rng.clone(),
            &mut ws,
        );
        let tr_c = ctx
            .minibatch_covariance(&theta, &mut rng.clone(), &mut ws)
            .trace();
        assert!((hess.trace(ctx.dim()) - tr_c).abs() <= 1e-6 * tr_c);
    }

    #[test]
    fn gld_leading_refresh_variant_draws_only_on_refresh_iterations() {
        let mut ctx = tiny_context(0.05);
        ctx.config.refresh_slow = 3;
        let start = ctx.initial_weights();
        let mut ws = ctx.network.workspace();
        let mut grad = vec![0.0f32; ctx.dim()];
        let lr = ctx.config.lr;
        let gd_step = |theta: &[f32], grad: &mut [f32], ws: &mut NetworkWorkspace| -> Vec<f32> {
            ctx.full_gradient(theta, grad, ws);
            theta
                .iter()
                .zip(grad.iter())
                .map(|(t, g)| t - lr * g)
                .collect()
        };
        for draw in LeadingDraw::ALL {
            let mut c = ctx.clone();
            c.config.gld_leading_draw = draw;
            let mut run = MethodRun::new(&c, Method::GldLeading, &start);
            for it in 0..7u64 {
                let before = run.theta().to_vec();
                run.step(&c, 1);
                let plain = gd_step(&before, &mut grad, &mut ws);
                let noiseless = run.theta() == plain.as_slice();
                let refresh = it % 3 == 0;
                match draw {
                    LeadingDraw::Every => assert!(!noiseless, "every: iteration {it}"),
                    LeadingDraw::Refresh => {
                        assert_eq!(noiseless, !refresh, "refresh: iteration {it}")
                    }
                }
            }
        }
    }

    #[test]
    fn records_carry_the_sharpness_standard_error_with_common_draws() {
        let ctx = tiny_context(0.05);
        let start = ctx.initial_weights();
        let mut a = MethodRun::new(&ctx, Method::Gd, &start);
        let mut b = MethodRun::new(&ctx, Method::GldConst, &start);
        let (ra, rb) = (a.measure(&ctx), b.measure(&ctx));
        // Same point, same draws: the same estimate, whichever method measures it.
        assert_eq!(ra.sharpness, rb.sharpness);
        assert_eq!(ra.sharpness_std_err, rb.sharpness_std_err);
        assert!(ra.sharpness_std_err > 0.0 && ra.sharpness_std_err.is_finite());
    }

    #[test]
    fn a_resumed_run_continues_bit_for_bit() {
        let mut ctx = tiny_context(0.05);
        ctx.config.refresh_slow = 2;
        let start = ctx.initial_weights();
        for method in Method::ALL {
            let mut whole = MethodRun::new(&ctx, method, &start);
            whole.step(&ctx, 6);
            let mut first = MethodRun::new(&ctx, method, &start);
            first.step(&ctx, 3);
            assert!(
                first.snapshot(&ctx).is_none() || ctx.config.refresh_interval(method) <= 1,
                "{method:?}: iteration 3 is not a refresh of the slow methods"
            );
            first.step(&ctx, 1);
            let state = first
                .snapshot(&ctx)
                .expect("iteration 4 refreshes every noise");
            let json = serde_json::to_string(&state).unwrap();
            let back: MethodRunState = serde_json::from_str(&json).unwrap();
            let mut resumed = MethodRun::resume(&ctx, &back).unwrap();
            resumed.step(&ctx, 2);
            assert_eq!(resumed.theta(), whole.theta(), "{method:?}");
            assert_eq!(resumed.iteration(), 6);
        }
        let mut bad = MethodRun::new(&ctx, Method::Gd, &start)
            .snapshot(&ctx)
            .unwrap();
        bad.theta.pop();
        assert!(MethodRun::resume(&ctx, &bad)
            .unwrap_err()
            .contains("weights"));
    }

    #[test]
    fn the_reused_sampler_draws_what_a_fresh_pool_would() {
        let (mut a, mut b) = (Rng::for_stream(5, &[]), Rng::for_stream(5, &[]));
        let mut sampler = MinibatchSampler::new(50, 7);
        for _ in 0..20 {
            let want = {
                let mut pool: Vec<usize> = (0..50).collect();
                for i in 0..7 {
                    let j = i + b.index(50 - i);
                    pool.swap(i, j);
                }
                pool.truncate(7);
                pool
            };
            assert_eq!(sampler.draw(&mut a), &want[..]);
        }
    }

    #[test]
    fn sampling_without_replacement_is_distinct() {
        let mut rng = Rng::for_stream(1, &[]);
        let mut s = sample_without_replacement(30, 20, &mut rng);
        s.sort();
        s.dedup();
        assert_eq!(s.len(), 20);
        assert!(s.iter().all(|&i| i < 30));
    }
}
