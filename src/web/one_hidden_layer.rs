//! The one-hidden-layer study for the page: `new OneHiddenLayerStudy(config)`, `stepEpoch()`,
//! `records()`, `decisionGrid(...)`.

use super::{config_fields, field_value, js_error, to_js};
use crate::config::check_integer;
use crate::experiments::one_hidden_layer::{OneHiddenLayerConfig, OneHiddenLayerRun};
use crate::landscape::one_hidden::{output, HIDDEN, INPUTS, INPUT_RANGE, PARAMS};
use js_sys::{Float32Array, Float64Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The paper's Figure 4: Tr(H Sigma) of SGD's noise against Tr H Tr Sigma / D while a D = 300
/// network trains.
#[wasm_bindgen]
pub struct OneHiddenLayerStudy {
    run: OneHiddenLayerRun,
}

#[wasm_bindgen]
impl OneHiddenLayerStudy {
    /// A study from `{ seed, epochs, samples, lr }` (all optional; the paper's protocol).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<OneHiddenLayerStudy, JsError> {
        super::install_panic_hook();
        let config =
            OneHiddenLayerConfig::from_fields(config_fields(&config)?).map_err(js_error)?;
        Ok(OneHiddenLayerStudy {
            run: OneHiddenLayerRun::new(config),
        })
    }

    /// Back to epoch 0 with the same settings.
    pub fn reset(&mut self) {
        self.run = OneHiddenLayerRun::new(self.run.config().clone());
    }

    /// D, the trainable parameters (300).
    #[wasm_bindgen(getter)]
    pub fn parameters(&self) -> u32 {
        crate::landscape::one_hidden::PARAMS as u32
    }

    /// The protocol in use, for captions built from live state: `{ seed, samples, epochs,
    /// iterationsPerEpoch, lr, decayStart, sigmaBatches, sigmaBatchSize, inputs, hidden,
    /// parameters, inputRange }`.
    pub fn settings(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct View {
            seed: u32,
            samples: usize,
            epochs: usize,
            iterations_per_epoch: usize,
            lr: f64,
            decay_start: usize,
            sigma_batches: usize,
            sigma_batch_size: usize,
            inputs: usize,
            hidden: usize,
            parameters: usize,
            input_range: f64,
        }
        let c = self.run.config();
        to_js(&View {
            seed: c.seed,
            samples: c.samples,
            epochs: c.epochs,
            iterations_per_epoch: c.iterations_per_epoch,
            lr: c.lr,
            decay_start: c.decay_start,
            sigma_batches: c.sigma_batches,
            sigma_batch_size: c.sigma_batch_size,
            inputs: INPUTS,
            hidden: HIDDEN,
            parameters: PARAMS,
            input_range: INPUT_RANGE,
        })
    }

    /// The learning rate of epoch `e` (the paper's schedule: constant, then linear decay to 0).
    #[wasm_bindgen(js_name = learningRate)]
    pub fn learning_rate(&self, e: JsValue) -> Result<f64, JsError> {
        let e = check_integer("e", &field_value(&e), 0, self.run.config().epochs as u64)
            .map_err(js_error)?;
        Ok(self.run.learning_rate(e as usize))
    }

    /// Runs one epoch and records; false when every epoch has run (or the run diverged).
    #[wasm_bindgen(js_name = stepEpoch)]
    pub fn step_epoch(&mut self) -> bool {
        self.run.step_epoch()
    }

    /// The epoch during which the run diverged (non-finite loss or weights; `stepEpoch` then
    /// returns false for good), or null. Within the validated settings it never does.
    #[wasm_bindgen(getter, js_name = divergedAt)]
    pub fn diverged_at(&self) -> Option<u32> {
        self.run.diverged_at().map(|e| e as u32)
    }

    /// Epochs done.
    #[wasm_bindgen(getter)]
    pub fn epoch(&self) -> u32 {
        self.run.epoch() as u32
    }

    /// Epochs in the protocol.
    #[wasm_bindgen(getter)]
    pub fn epochs(&self) -> u32 {
        self.run.config().epochs as u32
    }

    /// `[{ epoch, trainLoss, trainAccuracy, trHSigma, trHSigmaIso, trH, trSigma }]`.
    pub fn records(&self) -> Result<JsValue, JsError> {
        to_js(&self.run.records())
    }

    /// The training inputs, interleaved x1, x2 (a copy).
    pub fn inputs(&self) -> Float64Array {
        let flat: Vec<f64> = self
            .run
            .data()
            .x
            .iter()
            .flat_map(|x| [x[0], x[1]])
            .collect();
        Float64Array::from(flat.as_slice())
    }

    /// The training labels, 0 or 1 (a copy).
    pub fn labels(&self) -> Float64Array {
        Float64Array::from(self.run.data().y.as_slice())
    }

    /// The network's output on an n x n grid over [-2, 2]^2 (row-major, rows along x2), for
    /// drawing the decision boundary (n in 2 ..= 512).
    #[wasm_bindgen(js_name = decisionGrid)]
    pub fn decision_grid(&self, n: JsValue) -> Result<Float32Array, JsError> {
        let n = check_integer("n", &field_value(&n), 2, 512).map_err(js_error)? as usize;
        let step = 2.0 * INPUT_RANGE / (n - 1) as f64;
        let mut grid = Vec::with_capacity(n * n);
        for j in 0..n {
            for i in 0..n {
                let x = [
                    -INPUT_RANGE + i as f64 * step,
                    -INPUT_RANGE + j as f64 * step,
                ];
                grid.push(output(self.run.theta(), x) as f32);
            }
        }
        Ok(Float32Array::from(grid.as_slice()))
    }
}
