//! The FashionMNIST experiment for the page: `new FashionExperiment(config, trainImages,
//! trainLabels, testImages, testLabels)`, then `stage1Step` (or `loadMinimum`), then `step`.

use super::{config_fields, field_value, js_error, method_arg, to_js};
use crate::config::{check_integer, ConfigError};
use crate::data::fashion::{CORRUPTED, TRAIN_SIZE};
use crate::data::idx::{FileKind, IdxError};
use crate::experiments::fashion::{DataError, FashionData};
use crate::experiments::fashion_session::{FashionSession, FashionSettings};
use crate::landscape::network::Architecture;
use crate::noise::Method;
use js_sys::Uint8Array;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Largest number of iterations one call may run.
const MAX_STEP: u64 = 100_000;

/// The bytes of a `Uint8Array` argument, or an error naming `field` for anything else (a
/// plain array, an `ArrayBuffer`, a string... would otherwise fail deep inside with a message
/// that names nothing).
fn bytes_arg(field: &str, value: &JsValue) -> Result<Vec<u8>, JsError> {
    match value.dyn_ref::<Uint8Array>() {
        Some(bytes) => Ok(bytes.to_vec()),
        None => Err(js_error(ConfigError::new(
            field,
            "a Uint8Array of IDX (or checkpoint) bytes",
            &field_value(value).describe(),
        ))),
    }
}

/// A data error naming the constructor argument it is about.
fn data_error_message(e: &DataError) -> String {
    let named = |set: &str, idx: &IdxError| {
        let which = match idx.file() {
            FileKind::Images => "Images",
            FileKind::Labels => "Labels",
        };
        format!("`{set}{which}` {idx}")
    };
    match e {
        DataError::Train(idx) => named("train", idx),
        DataError::Test(idx) => named("test", idx),
        DataError::TooFew { .. } | DataError::BadCorruptedRange { .. } => {
            format!("`trainImages` {e}")
        }
        DataError::ShapeMismatch => format!("`testImages` {e}"),
    }
}

/// FashionMNIST with corrupted labels (paper Section 5.3): stage 1 to a sharp minimum, then
/// every dynamics from it.
#[wasm_bindgen]
pub struct FashionExperiment {
    session: FashionSession,
}

/// The stage-1 progress as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stage1View {
    iteration: u64,
    train_accuracy: f64,
    done: bool,
}

impl FashionExperiment {
    fn method(&self, id: &JsValue) -> Result<Method, JsError> {
        method_arg(id, &self.session.settings().methods)
    }
}

#[wasm_bindgen]
impl FashionExperiment {
    /// An experiment on IDX bytes (gzip or raw): the first 1200 training images, the labels
    /// of images 1000..1199 replaced by random ones from the seed, and a test set.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: JsValue,
        train_images: JsValue,
        train_labels: JsValue,
        test_images: JsValue,
        test_labels: JsValue,
    ) -> Result<FashionExperiment, JsError> {
        super::install_panic_hook();
        let settings = FashionSettings::from_fields(config_fields(&config)?).map_err(js_error)?;
        let train_images = bytes_arg("trainImages", &train_images)?;
        let train_labels = bytes_arg("trainLabels", &train_labels)?;
        let test_images = bytes_arg("testImages", &test_images)?;
        let test_labels = bytes_arg("testLabels", &test_labels)?;
        let data = FashionData::from_idx(
            &train_images,
            &train_labels,
            &test_images,
            &test_labels,
            TRAIN_SIZE,
            CORRUPTED,
            settings.config.seed,
        )
        .map_err(|e| JsError::new(&data_error_message(&e)))?;
        Ok(FashionExperiment {
            session: FashionSession::new(settings, data),
        })
    }

    /// D, the number of parameters.
    #[wasm_bindgen(getter)]
    pub fn parameters(&self) -> u32 {
        self.session.context().dim() as u32
    }

    /// The layer sizes of the network.
    #[wasm_bindgen(js_name = layerSizes)]
    pub fn layer_sizes(&self) -> Vec<u32> {
        self.session
            .context()
            .network
            .sizes()
            .iter()
            .map(|&s| s as u32)
            .collect()
    }

    /// The ids of the methods of stage 2.
    pub fn methods(&self) -> js_sys::Array {
        self.session
            .settings()
            .methods
            .iter()
            .map(|m| JsValue::from_str(m.id()))
            .collect()
    }

    /// Runs up to `n` stage-1 GD iterations (1 ..= 100000): `{ iteration, trainAccuracy, done }`.
    #[wasm_bindgen(js_name = stage1Step)]
    pub fn stage1_step(&mut self, n: JsValue) -> Result<JsValue, JsError> {
        let n = check_integer("n", &field_value(&n), 1, MAX_STEP).map_err(js_error)?;
        let done = self.session.stage1_step(n);
        let s = self.session.stage1();
        to_js(&Stage1View {
            iteration: s.iteration(),
            train_accuracy: s.train_accuracy(),
            done,
        })
    }

    /// Starts stage 2 from a checkpoint of the stage-1 minimum (`sgd-escape fashion
    /// --save-start FILE` writes one) instead of running stage 1.
    #[wasm_bindgen(js_name = loadMinimum)]
    pub fn load_minimum(&mut self, bytes: JsValue) -> Result<(), JsError> {
        let bytes = bytes_arg("minimum", &bytes)?;
        self.session
            .load_minimum(&bytes)
            .map_err(|m| JsError::new(&format!("`minimum` {m}")))
    }

    /// Whether stage 2 has begun.
    #[wasm_bindgen(getter, js_name = inStage2)]
    pub fn in_stage2(&self) -> bool {
        self.session.in_stage2()
    }

    /// Advances one method by `n` stage-2 iterations (1 ..= 100000); returns its iteration.
    pub fn step(&mut self, method_id: JsValue, n: JsValue) -> Result<f64, JsError> {
        let m = self.method(&method_id)?;
        let n = check_integer("n", &field_value(&n), 1, MAX_STEP).map_err(js_error)?;
        if !self.session.in_stage2() {
            return Err(JsError::new(
                "stage 2 has not begun: run stage1Step until done, or loadMinimum",
            ));
        }
        self.session.step_method(m, n);
        Ok(self.session.iteration(m).unwrap_or(0) as f64)
    }

    /// The stage-2 iteration at which a method's run diverged (non-finite loss, gradient or
    /// weights), or `undefined` while it has not. A diverged run is frozen at its last finite weights,
    /// its last record is taken there, and `step` leaves it alone (its iteration stops).
    #[wasm_bindgen(js_name = divergedAt)]
    pub fn diverged_at(&self, method_id: JsValue) -> Result<Option<f64>, JsError> {
        let m = self.method(&method_id)?;
        Ok(self.session.diverged_at(m).flatten().map(|i| i as f64))
    }

    /// Stage-2 iterations done by a method.
    pub fn iteration(&self, method_id: JsValue) -> Result<f64, JsError> {
        let m = self.method(&method_id)?;
        Ok(self.session.iteration(m).unwrap_or(0) as f64)
    }

    /// A method's records so far: `[{ iteration, testAccuracy, sharpness, trHSigma,
    /// trHSigmaIso, topEigenvalues, aHat, ... }]`, the first at the stage-1 minimum.
    pub fn records(&self, method_id: JsValue) -> Result<JsValue, JsError> {
        let m = self.method(&method_id)?;
        to_js(&self.session.records(m).unwrap_or_default())
    }

    /// A method's records after stage-2 iteration `after` (a whole number): what a caller that
    /// has the records up to `after` is missing. The session keeps a bounded number of records
    /// per method (`maxRecords`), thinning old ones, so callers fetch only the new ones.
    #[wasm_bindgen(js_name = recordsAfter)]
    pub fn records_after(&self, method_id: JsValue, after: JsValue) -> Result<JsValue, JsError> {
        let m = self.method(&method_id)?;
        let after =
            check_integer("after", &field_value(&after), 0, (1 << 53) - 1).map_err(js_error)?;
        to_js(&self.session.records_after(m, after).unwrap_or_default())
    }

    /// The current interval between a method's records: `logEvery`, doubled each time its
    /// records were thinned to stay within `maxRecords`.
    #[wasm_bindgen(js_name = recordEvery)]
    pub fn record_every(&self, method_id: JsValue) -> Result<f64, JsError> {
        let m = self.method(&method_id)?;
        Ok(self
            .session
            .record_every(m)
            .unwrap_or(self.session.settings().log_every) as f64)
    }

    /// The settings in use, for captions built from live state: `{ seed, lr, stage1Lr,
    /// batchSize, hidden, topK, refreshFast, refreshSlow, constSd, sharpnessDelta,
    /// sharpnessDraws, traceProbes, spectrumK, logEvery, maxRecords, trainSize, corrupted:
    /// [start, end], testSize }`.
    pub fn settings(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct View<'a> {
            #[serde(flatten)]
            config: &'a crate::experiments::fashion::FashionConfig,
            log_every: u64,
            max_records: usize,
            train_size: usize,
            corrupted: [usize; 2],
            test_size: usize,
        }
        let d = &self.session.context().data;
        to_js(&View {
            config: &self.session.settings().config,
            log_every: self.session.settings().log_every,
            max_records: self.session.settings().max_records,
            train_size: d.train_len(),
            corrupted: [d.corrupted.start, d.corrupted.end],
            test_size: d.test_len(),
        })
    }

    /// The record at the stage-1 minimum, or null before stage 2.
    #[wasm_bindgen(js_name = startRecord)]
    pub fn start_record(&self) -> Result<JsValue, JsError> {
        to_js(&self.session.start_record())
    }

    /// Back to the start of stage 2 from the same minimum (or of stage 1 before it ended).
    pub fn reset(&mut self) {
        self.session.reset();
    }

    /// The escape indicator of SGD's noise at a method's current point, from its latest
    /// record: `{ iteration, trHSigma, trHSigmaIso, ratio, trH, trSigma, lambda1, aHat }`.
    pub fn indicator(&self, method_id: JsValue) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct View {
            iteration: u64,
            tr_h_sigma: f64,
            tr_h_sigma_iso: f64,
            ratio: Option<f64>,
            tr_h: f64,
            tr_sigma: f64,
            lambda1: Option<f64>,
            a_hat: Option<f64>,
        }
        let m = self.method(&method_id)?;
        let records = self.session.records(m).unwrap_or_default();
        let Some(r) = records.last() else {
            return Err(JsError::new("no record yet: stage 2 has not begun"));
        };
        to_js(&View {
            iteration: r.iteration,
            tr_h_sigma: r.tr_h_sigma,
            tr_h_sigma_iso: r.tr_h_sigma_iso,
            ratio: (r.tr_h_sigma_iso > 0.0).then(|| r.tr_h_sigma / r.tr_h_sigma_iso),
            tr_h: r.tr_h,
            tr_sigma: r.tr_sigma,
            lambda1: r.top_eigenvalues.first().copied(),
            a_hat: r.a_hat,
        })
    }

    /// The stage-1 minimum as checkpoint bytes (what `loadMinimum` reads), e.g. to start other
    /// workers' stage 2 from a minimum this one computed; an error before stage 2.
    #[wasm_bindgen(js_name = saveMinimum)]
    pub fn save_minimum(&self) -> Result<Uint8Array, JsError> {
        match self.session.minimum_checkpoint() {
            Some(cp) => Ok(Uint8Array::from(cp.to_bytes().as_slice())),
            None => Err(JsError::new("no minimum yet: stage 2 has not begun")),
        }
    }

    /// The raw pixels (784, 0..=255) of training image `i`.
    #[wasm_bindgen(js_name = trainImage)]
    pub fn train_image(&self, i: JsValue) -> Result<Uint8Array, JsError> {
        let d = &self.session.context().data;
        let i = check_integer("i", &field_value(&i), 0, d.train_len() as u64 - 1)
            .map_err(js_error)? as usize;
        Ok(Uint8Array::from(
            &d.train_pixels[i * d.input_dim..(i + 1) * d.input_dim],
        ))
    }

    /// The label trained on for image `i`, and whether it was corrupted: `{ label, corrupted }`.
    #[wasm_bindgen(js_name = trainLabel)]
    pub fn train_label(&self, i: JsValue) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Label {
            label: u8,
            corrupted: bool,
        }
        let d = &self.session.context().data;
        let i = check_integer("i", &field_value(&i), 0, d.train_len() as u64 - 1)
            .map_err(js_error)? as usize;
        to_js(&Label {
            label: d.train_labels[i],
            corrupted: d.corrupted.contains(&i),
        })
    }
}
