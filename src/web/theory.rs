//! The wasm facade of issue 13's theory: the shaped landscape's analysis, seeking in time,
//! the k-step loss prediction and the sweep's points (validate, convert, delegate).

use super::{config_fields, field_value, js_error, to_js, ToySimulation, MAX_STEP};
use crate::config::{check_integer, ConfigError};
use crate::landscape::shape::LandscapeShape;
use crate::noise::Method;
use crate::sweep::{spearman, wilson_interval, SweepConfig, Vary};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Largest iteration `seek` accepts (the CLI's bound on iterations).
const MAX_SEEK: u64 = 10_000_000;

/// The analysis of a landscape shape: `{ shape, sharpMinimum, flatMinimum, sharpHessian,
/// eigenvalues, eigenvectors, gdStableLr, barrier, escapeThreshold }` (keys of the shape all
/// optional: the paper's values).
#[wasm_bindgen(js_name = landscapeAnalysis)]
pub fn landscape_analysis(shape: JsValue) -> Result<JsValue, JsError> {
    let shape = LandscapeShape::from_fields(config_fields(&shape)?).map_err(js_error)?;
    to_js(&shape.analysis())
}

#[wasm_bindgen]
impl ToySimulation {
    /// Moves to iteration `n` (0 ..= 10000000): back by restoring the nearest checkpoint and
    /// recomputing, forward by stepping; positions are bit for bit those of an uninterrupted
    /// run. Returns the new iteration.
    pub fn seek(&mut self, n: JsValue) -> Result<f64, JsError> {
        let n = check_integer("iteration", &field_value(&n), 0, MAX_SEEK).map_err(js_error)?;
        if n > self.ensemble.iteration() && n - self.ensemble.iteration() > MAX_STEP {
            return Err(js_error(ConfigError::new(
                "iteration",
                &format!(
                    "at most {MAX_STEP} iterations ahead of the current one ({})",
                    self.ensemble.iteration()
                ),
                &n.to_string(),
            )));
        }
        self.ensemble.seek(n);
        Ok(self.ensemble.iteration() as f64)
    }

    /// The furthest iteration computed since the reset (the curves end there).
    #[wasm_bindgen(getter)]
    pub fn frontier(&self) -> f64 {
        self.ensemble.frontier() as f64
    }

    /// The landscape's analysis (as `landscapeAnalysis` of this instance's shape).
    pub fn landscape(&self) -> Result<JsValue, JsError> {
        to_js(&self.ensemble.landscape().shape().analysis())
    }

    /// `{ method, iterations, predicted, measured, measuredSd }` for iterations 0..=steps
    /// (1 ..= 100000): the indicator's predicted mean loss next to the measured mean and
    /// standard deviation over runs (null where the curves do not hold an iteration).
    #[wasm_bindgen(js_name = lossPrediction)]
    pub fn loss_prediction(&self, method_id: JsValue, steps: JsValue) -> Result<JsValue, JsError> {
        let m = super::method_arg(&method_id, &self.ensemble.config().methods)?;
        let steps = check_integer("steps", &field_value(&steps), 1, MAX_STEP).map_err(js_error)?;
        to_js(&self.ensemble.loss_prediction(m, steps))
    }

    /// The standard deviation of the loss over runs at the kept iterations (a copy).
    #[wasm_bindgen(js_name = lossSdCurve)]
    pub fn loss_sd_curve(&self, method_id: JsValue) -> Result<js_sys::Float32Array, JsError> {
        let m = super::method_arg(&method_id, &self.ensemble.config().methods)?;
        Ok(js_sys::Float32Array::from(
            self.ensemble.loss_sd_curve(m).unwrap_or_default(),
        ))
    }
}

/// One sweep as the page offers it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VaryInfo {
    id: &'static str,
    unit: &'static str,
    from: f64,
    to: f64,
}

/// The four sweeps, `[{ id, unit, from, to }]` with their default ranges.
#[wasm_bindgen(js_name = sweepList)]
pub fn sweep_list() -> Result<JsValue, JsError> {
    to_js(&Vary::ALL.map(|v| {
        let (from, to) = v.default_range();
        VaryInfo {
            id: v.id(),
            unit: v.unit(),
            from,
            to,
        }
    }))
}

/// A sweep config from `{ vary?, points?, from?, to?, iterations?, ...toy and landscape keys }`
/// (the sweep figure's API settings, checked by the schema: `SweepConfig::from_fields`).
fn sweep_config(config: &JsValue) -> Result<SweepConfig, JsError> {
    SweepConfig::from_fields(config_fields(config)?).map_err(js_error)
}

/// The values of a sweep's points (for a page that hands them out to workers).
#[wasm_bindgen(js_name = sweepValues)]
pub fn sweep_values(config: JsValue) -> Result<Vec<f64>, JsError> {
    Ok(sweep_config(&config)?.values())
}

/// Runs one point of a sweep: `{ value, trHSigma, trHSigmaIso, ratio, escaped, stayed,
/// diverged, runs, low95, high95 }`. `value` must lie within the sweep's allowed range.
#[wasm_bindgen(js_name = sweepPoint)]
pub fn sweep_point(config: JsValue, value: JsValue) -> Result<JsValue, JsError> {
    let c = sweep_config(&config)?;
    let v = c
        .vary
        .range()
        .check("value", &field_value(&value))
        .map_err(js_error)?;
    c.point_config(v).validate().map_err(|e| {
        js_error(ConfigError {
            field: "value".to_string(),
            message: format!("gives an invalid experiment: {e}"),
        })
    })?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Point {
        #[serde(flatten)]
        point: crate::sweep::SweepPoint,
        low95: f64,
        high95: f64,
    }
    let point = c.run_point(v);
    let (low95, high95) = point.interval();
    to_js(&Point {
        point,
        low95,
        high95,
    })
}

/// Where the paper's eight dynamics sit on a sweep's axes: `[{ id, name, trHSigma,
/// trHSigmaIso, ratio }]` at the sharp minimum of the config's landscape.
#[wasm_bindgen(js_name = sweepMarkers)]
pub fn sweep_markers(config: JsValue) -> Result<JsValue, JsError> {
    let c = sweep_config(&config)?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Marker {
        id: &'static str,
        name: &'static str,
        tr_h_sigma: f64,
        tr_h_sigma_iso: f64,
        ratio: Option<f64>,
    }
    to_js(&Method::ALL.map(|m| {
        let ind = crate::sweep::method_indicator(m, &c.toy);
        Marker {
            id: m.id(),
            name: m.name(),
            tr_h_sigma: ind.tr_h_sigma,
            tr_h_sigma_iso: ind.tr_h_sigma_iso,
            ratio: ind.ratio,
        }
    }))
}

/// The summary of finished points `[{ trHSigma, escaped, runs }, ...]`: Spearman's rho of
/// Tr(H Sigma) with the escape fraction (null when either is constant).
#[wasm_bindgen(js_name = sweepSpearman)]
pub fn sweep_spearman(tr_h_sigma: Vec<f64>, escape_fraction: Vec<f64>) -> Result<JsValue, JsError> {
    if tr_h_sigma.len() != escape_fraction.len() {
        return Err(js_error(ConfigError::new(
            "escapeFraction",
            &format!("as long as trHSigma ({})", tr_h_sigma.len()),
            &escape_fraction.len().to_string(),
        )));
    }
    to_js(&spearman(&tr_h_sigma, &escape_fraction))
}

/// The Wilson 95% interval `[low, high]` of `escaped` out of `runs`.
#[wasm_bindgen(js_name = wilsonInterval)]
pub fn wilson(escaped: JsValue, runs: JsValue) -> Result<Vec<f64>, JsError> {
    let n = check_integer("runs", &field_value(&runs), 1, u32::MAX as u64).map_err(js_error)?;
    let k = check_integer("escaped", &field_value(&escaped), 0, n).map_err(js_error)?;
    let (lo, hi) = wilson_interval(k as usize, n as usize);
    Ok(vec![lo, hi])
}
