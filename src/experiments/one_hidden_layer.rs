//! The one-hidden-layer study (PAPER.md 3.2, paper Figure 4): train the D = 300 network with
//! full-batch Adam and, every epoch, compare SGD's noise indicator Tr(H Sigma) with its
//! isotropic reference Tr H Tr Sigma / D, with the full Hessian and Sigma the unbiased
//! covariance of 100 minibatch gradients of batch 10.
//!
//! The learning-rate schedule: `lr` for epochs 0..decay_start, then lr (epochs - e) /
//! (epochs - decay_start) in epoch e, reaching 0 after the last epoch ("decayed linearly to 0
//! after epoch 21"). The indicator is recorded before every epoch and after the last, so a
//! run of 31 epochs has 32 records.

use crate::config::{ConfigError, FieldValue};
use crate::landscape::one_hidden::{self as net, Data, PARAMS};
use crate::optim::Adam;
use crate::rng::Rng;
use crate::schema::Figure;
use serde::Serialize;

/// Stream tag of this experiment's random numbers (the 2-D ensembles use 0..=8).
const STREAM_TAG: u64 = 100;

/// The settings of the study; `Default` is the paper's protocol.
#[derive(Clone, Debug, PartialEq)]
pub struct OneHiddenLayerConfig {
    /// Seed of the data, the initialisation and the minibatch draws (paper: 123).
    pub seed: u32,
    /// Training points (paper: 1000).
    pub samples: usize,
    /// Epochs (paper: 31).
    pub epochs: usize,
    /// Full-batch Adam iterations per epoch (paper: 10).
    pub iterations_per_epoch: usize,
    /// Adam's learning rate (paper: 1e-3).
    pub lr: f64,
    /// The epoch from which the learning rate decays linearly to 0 (paper: 21).
    pub decay_start: usize,
    /// Minibatch gradients per estimate of Sigma (paper: 100).
    pub sigma_batches: usize,
    /// Their batch size (paper: 10).
    pub sigma_batch_size: usize,
}

/// The epoch from which the paper's learning rate decays (or the last epoch, if earlier).
pub const DECAY_START: usize = 21;

impl Default for OneHiddenLayerConfig {
    /// The paper's protocol; the settings' defaults come from the schema.
    fn default() -> Self {
        let mut c = OneHiddenLayerConfig {
            seed: 0,
            samples: 1000,
            epochs: 31,
            iterations_per_epoch: 10,
            lr: 1e-3,
            decay_start: DECAY_START,
            sigma_batches: 100,
            sigma_batch_size: 10,
        };
        for s in Figure::OneHiddenLayer.settings().iter().filter(|s| s.api) {
            // Every default is a valid value (schema::tests), so this never fails.
            let _ = c.set(s.key, &s.default.field_value());
        }
        c
    }
}

/// What is measured at one epoch boundary.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochRecord {
    /// Epochs completed.
    pub epoch: usize,
    /// Full-batch training loss.
    pub train_loss: f64,
    /// Training accuracy (output thresholded at 1/2).
    pub train_accuracy: f64,
    /// Tr(H Sigma).
    pub tr_h_sigma: f64,
    /// Tr H Tr Sigma / D.
    pub tr_h_sigma_iso: f64,
    /// Tr H.
    pub tr_h: f64,
    /// Tr Sigma.
    pub tr_sigma: f64,
}

/// A run of the study that advances one epoch at a time.
#[derive(Clone, Debug)]
pub struct OneHiddenLayerRun {
    config: OneHiddenLayerConfig,
    data: Data,
    theta: Vec<f64>,
    adam: Adam,
    epoch: usize,
    records: Vec<EpochRecord>,
    /// The epoch during which the run diverged, if it did (see [`OneHiddenLayerRun::diverged_at`]).
    diverged_at: Option<usize>,
}

impl OneHiddenLayerRun {
    /// A fresh run: data, initial weights, and the record of epoch 0.
    pub fn new(config: OneHiddenLayerConfig) -> Self {
        let seed = config.seed as u64;
        let data = net::draw_data(&mut Rng::for_stream(seed, &[STREAM_TAG, 0]), config.samples);
        let theta = net::init(&mut Rng::for_stream(seed, &[STREAM_TAG, 1]));
        let mut run = OneHiddenLayerRun {
            adam: Adam::new(PARAMS, config.lr),
            config,
            data,
            theta,
            epoch: 0,
            records: Vec::new(),
            diverged_at: None,
        };
        run.records.push(run.measure());
        run
    }

    /// The learning rate used during epoch `e`.
    pub fn learning_rate(&self, e: usize) -> f64 {
        let c = &self.config;
        if e < c.decay_start {
            c.lr
        } else {
            c.lr * c.epochs.saturating_sub(e) as f64 / (c.epochs - c.decay_start).max(1) as f64
        }
    }

    /// Whether every epoch has run, or the run diverged.
    pub fn finished(&self) -> bool {
        self.epoch >= self.config.epochs || self.diverged_at.is_some()
    }

    /// The epoch during which the run diverged (a non-finite loss, gradient or weight), if it
    /// did; it then keeps its last finite weights and `step_epoch` does nothing. Adam moves
    /// each weight by at most about lr per iteration, so within the validated settings this
    /// is a guard that should never trip; it keeps garbage out of the records if it does.
    pub fn diverged_at(&self) -> Option<usize> {
        self.diverged_at
    }

    /// Runs one epoch of full-batch Adam and records the indicator; false when finished.
    pub fn step_epoch(&mut self) -> bool {
        if self.finished() {
            return false;
        }
        self.adam.lr = self.learning_rate(self.epoch);
        let mut grad = vec![0.0; PARAMS];
        for _ in 0..self.config.iterations_per_epoch {
            let loss = net::loss_grad(&self.theta, &self.data, &mut grad);
            let before = self.theta.clone();
            if loss.is_finite() && grad.iter().all(|g| g.is_finite()) {
                self.adam.step(&mut self.theta, &grad);
            }
            if !loss.is_finite() || self.theta.iter().any(|t| !t.is_finite()) {
                self.theta = before;
                self.diverged_at = Some(self.epoch);
                return false;
            }
        }
        self.epoch += 1;
        self.records.push(self.measure());
        true
    }

    /// The indicator of SGD's noise at the current weights.
    fn measure(&self) -> EpochRecord {
        let c = &self.config;
        let mut rng = Rng::for_stream(c.seed as u64, &[STREAM_TAG, 2, self.epoch as u64]);
        let k = c.sigma_batches;
        // k minibatch gradients, each from sigma_batch_size distinct samples.
        let mut grads = vec![0.0; k * PARAMS];
        let mut pool: Vec<usize> = (0..self.data.len()).collect();
        for g in grads.chunks_exact_mut(PARAMS) {
            let m = c.sigma_batch_size.min(pool.len());
            for i in 0..m {
                let j = i + rng.index(pool.len() - i);
                pool.swap(i, j);
            }
            net::minibatch_grad(&self.theta, &self.data, &pool[..m], g);
        }
        let mut mean = vec![0.0; PARAMS];
        for g in grads.chunks_exact(PARAMS) {
            for (m, x) in mean.iter_mut().zip(g) {
                *m += x / k as f64;
            }
        }
        let hessian = net::hessian(&self.theta, &self.data);
        let tr_h: f64 = (0..PARAMS).map(|i| hessian[i * PARAMS + i]).sum();
        // Sigma = 1/(k-1) sum_j d_j d_j^T, so Tr(H Sigma) = 1/(k-1) sum_j d_j^T H d_j.
        let (mut tr_sigma, mut tr_h_sigma) = (0.0, 0.0);
        let mut d = vec![0.0; PARAMS];
        for g in grads.chunks_exact(PARAMS) {
            for ((di, gi), mi) in d.iter_mut().zip(g).zip(&mean) {
                *di = gi - mi;
            }
            tr_sigma += d.iter().map(|x| x * x).sum::<f64>();
            for (i, row) in hessian.chunks_exact(PARAMS).enumerate() {
                tr_h_sigma += d[i] * row.iter().zip(&d).map(|(h, x)| h * x).sum::<f64>();
            }
        }
        let denominator = (k.max(2) - 1) as f64;
        let (tr_sigma, tr_h_sigma) = (tr_sigma / denominator, tr_h_sigma / denominator);
        EpochRecord {
            epoch: self.epoch,
            train_loss: net::loss(&self.theta, &self.data),
            train_accuracy: net::accuracy(&self.theta, &self.data),
            tr_h_sigma,
            tr_h_sigma_iso: tr_h * tr_sigma / PARAMS as f64,
            tr_h,
            tr_sigma,
        }
    }

    /// The records so far, one per epoch boundary.
    pub fn records(&self) -> &[EpochRecord] {
        &self.records
    }

    /// Epochs completed.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// The settings.
    pub fn config(&self) -> &OneHiddenLayerConfig {
        &self.config
    }

    /// The current weights (layout in `landscape::one_hidden`).
    pub fn theta(&self) -> &[f64] {
        &self.theta
    }

    /// The training data.
    pub fn data(&self) -> &Data {
        &self.data
    }
}

impl OneHiddenLayerConfig {
    /// A config from key/value pairs; missing keys keep the paper's protocol.
    pub fn from_fields<I>(fields: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (String, FieldValue)>,
    {
        let mut c = OneHiddenLayerConfig::default();
        for (key, value) in fields {
            c.set(&key, &value)?;
        }
        Ok(c)
    }

    /// Sets one API key of the schema (src/schema/one_hidden_layer.rs) after checking its
    /// value against it, so the JS API, the URL hash and the CLI apply the same ranges; on
    /// error nothing changes. The decay keeps starting at the paper's epoch 21, or at the last
    /// epoch if there are fewer, whatever `epochs` was before.
    pub fn set(&mut self, key: &str, value: &FieldValue) -> Result<(), ConfigError> {
        let s = Figure::OneHiddenLayer.api_setting(key)?;
        match s.key {
            "seed" => self.seed = s.parse_seed(value)?,
            "epochs" => {
                self.epochs = s.parse_integer(value)? as usize;
                self.decay_start = DECAY_START.min(self.epochs);
            }
            "samples" => self.samples = s.parse_integer(value)? as usize,
            "lr" => self.lr = s.parse_number(value)?,
            // A key of the schema this setter does not read (schema::tests catches it).
            _ => return Err(Figure::OneHiddenLayer.unknown_api_key(key)),
        }
        Ok(())
    }

    /// The settings as key/value pairs with the API's keys, in the schema's order.
    pub fn to_fields(&self) -> Vec<(String, FieldValue)> {
        let n = |x: f64| FieldValue::Number(x);
        [
            ("seed", n(self.seed as f64)),
            ("epochs", n(self.epochs as f64)),
            ("samples", n(self.samples as f64)),
            ("lr", n(self.lr)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_decays_linearly_to_zero_after_epoch_21() {
        let run = OneHiddenLayerRun::new(OneHiddenLayerConfig {
            samples: 10,
            sigma_batches: 3,
            ..Default::default()
        });
        assert_eq!(run.learning_rate(0), 1e-3);
        assert_eq!(run.learning_rate(20), 1e-3);
        assert_eq!(run.learning_rate(21), 1e-3);
        assert!((run.learning_rate(30) - 1e-4).abs() < 1e-18);
        assert_eq!(run.learning_rate(31), 0.0);
    }

    #[test]
    fn a_non_finite_weight_stops_the_run_cleanly() {
        let mut run = OneHiddenLayerRun::new(OneHiddenLayerConfig {
            samples: 10,
            sigma_batches: 3,
            epochs: 3,
            ..Default::default()
        });
        assert!(run.step_epoch());
        assert_eq!(run.diverged_at(), None);
        run.theta[0] = f64::INFINITY;
        assert!(!run.step_epoch());
        assert_eq!(run.diverged_at(), Some(1));
        assert!(run.finished());
        assert_eq!(run.records().len(), 2, "no record of the diverged epoch");
        assert!(!run.step_epoch());
    }

    #[test]
    fn trace_formula_matches_the_dense_covariance() {
        let run = OneHiddenLayerRun::new(OneHiddenLayerConfig {
            samples: 50,
            sigma_batches: 7,
            ..Default::default()
        });
        let r = &run.records()[0];
        // The isotropic reference is Tr H Tr Sigma / D by definition; Tr(H Sigma) is bounded by
        // lambda_max Tr Sigma <= Tr H Tr Sigma (H is PSD here).
        assert!((r.tr_h_sigma_iso - r.tr_h * r.tr_sigma / PARAMS as f64).abs() < 1e-15);
        assert!(r.tr_h_sigma >= 0.0 && r.tr_h_sigma <= r.tr_h * r.tr_sigma * (1.0 + 1e-12));
    }
}
