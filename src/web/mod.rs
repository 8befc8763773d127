//! The `#[wasm_bindgen]` facade: validate, convert, delegate. No science lives here.
//!
//! Every export returns `Result<_, JsError>`, so bad input becomes a JS `Error` whose message
//! names the field; validation happens before any state changes, so a rejected call leaves the
//! instance exactly as it was. Numbers arrive as `JsValue` (not `u32`/`f64` parameters)
//! because wasm-bindgen would otherwise coerce `-1`, `1.5` or `"abc"` silently.

use crate::config::{check_integer, ConfigError, FieldValue, RealRange, ToyConfig};
use crate::dynamics::ToyEnsemble;
use crate::noise::Method;
use js_sys::{Array, Float32Array, Float64Array, Function, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

pub mod bench;
pub mod fashion;
pub mod one_hidden_layer;
pub mod panic;
pub mod theory;

pub use panic::{install_panic_hook, last_panic};

/// Largest number of iterations one `step` call may run (keeps a call short).
const MAX_STEP: u64 = 100_000;
/// Largest heatmap side for `lossGrid`.
const MAX_GRID: u64 = 2048;
/// Coordinates accepted for points and grid bounds.
const COORDINATE_RANGE: RealRange = RealRange {
    min: -1e6,
    min_inclusive: true,
    max: 1e6,
};

pub(crate) fn js_error(e: ConfigError) -> JsError {
    JsError::new(&e.to_string())
}

/// `Array.isArray(value)`, with the TypeError a revoked Proxy throws caught: js-sys binds
/// `Array::is_array` without `catch`, so it is called through `Reflect.apply`, which js-sys
/// binds with `catch` (an uncaught exception would unwind through the wasm frames).
fn is_array(value: &JsValue) -> Result<bool, JsValue> {
    let is_array: Function = Reflect::get(&Array::new().constructor(), &"isArray".into())?
        .dyn_into()
        .map_err(|_| JsValue::from_str("Array.isArray is not a function"))?;
    Ok(Reflect::apply(&is_array, &JsValue::UNDEFINED, &Array::of1(value))?.is_truthy())
}

/// The message of a caught JS exception, for an error naming a field.
fn exception_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "an exception".to_string())
}

/// Converts one JS value into the loosely typed form the config parser reads.
///
/// Never lets a JS exception through: an object whose reading throws (a getter, a Proxy)
/// becomes [`FieldValue::Other`] saying so, and is then rejected by name like any bad value.
pub(crate) fn field_value(v: &JsValue) -> FieldValue {
    if let Some(x) = v.as_f64() {
        FieldValue::Number(x)
    } else if let Some(s) = v.as_string() {
        FieldValue::Text(s)
    } else if let Some(b) = v.as_bool() {
        FieldValue::Bool(b)
    } else if v.is_null() {
        FieldValue::Null
    } else if v.is_undefined() {
        FieldValue::Other("undefined".into())
    } else {
        match is_array(v) {
            // A plain copy first (`Array.from`): an element getter that throws is caught once.
            Ok(true) => match Array::from_iterable(v.unchecked_ref::<Array>()) {
                Ok(items) => FieldValue::List(items.iter().map(|x| field_value(&x)).collect()),
                Err(e) => FieldValue::Other(format!(
                    "an array that cannot be read ({})",
                    exception_message(&e)
                )),
            },
            Ok(false) => FieldValue::Other(format!(
                "a value of type {}",
                v.js_typeof().as_string().unwrap_or_default()
            )),
            Err(e) => FieldValue::Other(format!(
                "a value that cannot be inspected ({})",
                exception_message(&e)
            )),
        }
    }
}

/// The own enumerable properties of a plain config object; `undefined` values count as absent.
pub(crate) fn config_fields(config: &JsValue) -> Result<Vec<(String, FieldValue)>, JsError> {
    if config.is_undefined() || config.is_null() {
        return Ok(Vec::new());
    }
    // Numbers, strings, lists, functions... are rejected; any other object is read.
    match field_value(config) {
        FieldValue::Other(what) if what == "a value of type object" => {}
        other => {
            return Err(JsError::new(&format!(
                "`config` must be a plain object, got {}",
                other.describe()
            )))
        }
    }
    let entries = Object::entries_typed::<JsValue>(config.unchecked_ref()).map_err(|e| {
        JsError::new(&format!(
            "`config` must be a plain object whose properties can be read, but reading them threw: {}",
            exception_message(&e)
        ))
    })?;
    let mut fields = Vec::new();
    for entry in entries.iter() {
        // Each entry is a fresh [key, value] array made by Object.entries.
        let pair: &Array = entry.unchecked_ref();
        let value = pair.get(1);
        if !value.is_undefined() {
            fields.push((
                pair.get(0).as_string().unwrap_or_default(),
                field_value(&value),
            ));
        }
    }
    Ok(fields)
}

/// The method named by a JS value, if it is one of `allowed`; else an error naming `methodId`.
pub(crate) fn method_arg(id: &JsValue, allowed: &[Method]) -> Result<Method, JsError> {
    match id.as_string().and_then(|s| Method::from_id(&s)) {
        Some(m) if allowed.contains(&m) => Ok(m),
        _ => {
            let ids: Vec<&str> = allowed.iter().map(|m| m.id()).collect();
            let must = format!("one of the methods of this instance ({})", ids.join(", "));
            Err(js_error(ConfigError::new(
                "methodId",
                &must,
                &field_value(id).describe(),
            )))
        }
    }
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// One entry of `methodInfo()`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MethodInfo {
    id: &'static str,
    name: &'static str,
    /// Whether a step needs per-sample statistics at every run's point (the costly methods;
    /// the page's worker pool balances them).
    point_stats: bool,
}

/// All eight dynamics as `{ id, name, pointStats }`, in the paper's order.
#[wasm_bindgen(js_name = methodInfo)]
pub fn method_info() -> Result<JsValue, JsError> {
    install_panic_hook();
    to_js(&Method::ALL.map(|m| MethodInfo {
        id: m.id(),
        name: m.name(),
        point_stats: m.needs_point_stats(),
    }))
}

/// The settings schema of every figure and the page's link keys, the same object as
/// `www/lib/schema.json` (shape: docs/schema.md).
#[wasm_bindgen]
pub fn schema() -> Result<JsValue, JsError> {
    install_panic_hook();
    to_js(&crate::schema::export::schema())
}

/// A fresh seed from the browser's `crypto.getRandomValues`, for the page's "New seed".
#[wasm_bindgen(js_name = freshSeed)]
pub fn fresh_seed() -> u32 {
    crate::schema::fresh_seed()
}

/// Which build this is: `{ simd, version }`.
#[wasm_bindgen(js_name = buildInfo)]
pub fn build_info() -> Result<JsValue, JsError> {
    install_panic_hook();
    #[derive(Serialize)]
    struct Info {
        simd: bool,
        version: &'static str,
    }
    to_js(&Info {
        simd: cfg!(target_feature = "simd128"),
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The config as a plain object with the API's camelCase keys.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfigView {
    methods: Vec<&'static str>,
    #[serde(flatten)]
    settings: ToySettingsView,
}

impl ConfigView {
    /// The view of a validated config.
    fn of(c: &ToyConfig) -> Self {
        ConfigView {
            methods: c.methods.iter().map(|m| m.id()).collect(),
            settings: ToySettingsView::of(c),
        }
    }
}

/// The 2-D experiment's settings other than its methods, with the API's camelCase keys: the
/// part of a toy config that the toy's config view and the sweep's link view both show
/// (flattened into each, so the keys are written once and the objects stay flat).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ToySettingsView {
    runs: usize,
    lr: f64,
    noise_trace: f64,
    batch_size: usize,
    samples: usize,
    data_spread: f64,
    seed: u32,
    sharp_lambda1: f64,
    sharp_lambda2: f64,
    sharp_angle: f64,
    flat_curvature: f64,
    minima_distance: f64,
}

impl ToySettingsView {
    /// The view of a validated config's settings.
    fn of(c: &ToyConfig) -> Self {
        ToySettingsView {
            runs: c.runs,
            lr: c.lr,
            noise_trace: c.noise_trace,
            batch_size: c.batch_size,
            samples: c.samples,
            data_spread: c.data_spread,
            seed: c.seed,
            sharp_lambda1: c.shape.sharp_lambda1,
            sharp_lambda2: c.shape.sharp_lambda2,
            sharp_angle: c.shape.sharp_angle,
            flat_curvature: c.shape.flat_curvature,
            minima_distance: c.shape.minima_distance,
        }
    }
}

/// An ensemble of runs of the paper's dynamics on the 2-D two-basin loss (Figure 2).
#[wasm_bindgen]
pub struct ToySimulation {
    ensemble: ToyEnsemble,
}

impl ToySimulation {
    /// The simulated method with id `id`, or an error naming `methodId`.
    fn method(&self, id: &JsValue) -> Result<Method, JsError> {
        method_arg(id, &self.ensemble.config().methods)
    }
}

#[wasm_bindgen]
impl ToySimulation {
    /// A new ensemble from a plain config object (all keys optional; see docs/API.md).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<ToySimulation, JsError> {
        install_panic_hook();
        let config = ToyConfig::from_fields(config_fields(&config)?).map_err(js_error)?;
        Ok(ToySimulation {
            ensemble: ToyEnsemble::new(config),
        })
    }

    /// The validated config, with the current seed.
    pub fn config(&self) -> Result<JsValue, JsError> {
        let c = self.ensemble.config();
        to_js(&ConfigView::of(c))
    }

    /// The ids of the simulated methods, in canonical order.
    pub fn methods(&self) -> Array {
        self.ensemble
            .config()
            .methods
            .iter()
            .map(|m| JsValue::from_str(m.id()))
            .collect()
    }

    /// Runs per method.
    #[wasm_bindgen(getter)]
    pub fn runs(&self) -> u32 {
        self.ensemble.config().runs as u32
    }

    /// Iterations since the last reset.
    #[wasm_bindgen(getter)]
    pub fn iteration(&self) -> f64 {
        self.ensemble.iteration() as f64
    }

    /// The curves hold iterations 0, curveStride, 2 curveStride, ...
    #[wasm_bindgen(getter, js_name = curveStride)]
    pub fn curve_stride(&self) -> f64 {
        self.ensemble.curve_stride() as f64
    }

    /// Advances `n` iterations (1 ..= 100000); returns the new iteration count.
    pub fn step(&mut self, n: JsValue) -> Result<f64, JsError> {
        let n = check_integer("n", &field_value(&n), 1, MAX_STEP).map_err(js_error)?;
        self.ensemble.step(n);
        Ok(self.ensemble.iteration() as f64)
    }

    /// Back to iteration 0 at (1, 1); with a seed, the new seed (else the current one).
    pub fn reset(&mut self, seed: JsValue) -> Result<(), JsError> {
        let seed = if seed.is_undefined() {
            self.ensemble.config().seed
        } else {
            crate::schema::Figure::Toy
                .api_setting("seed")
                .and_then(|s| s.parse_seed(&field_value(&seed)))
                .map_err(js_error)?
        };
        self.ensemble.reset(seed);
        Ok(())
    }

    /// A view of the positions (w1, w2 interleaved) of every run of a method.
    ///
    /// The view aliases wasm memory: copy it before the next call into wasm.
    pub fn positions(&self, method_id: JsValue) -> Result<Float64Array, JsError> {
        let m = self.method(&method_id)?;
        let data = self.ensemble.positions(m).unwrap_or_default();
        // SAFETY: the view is handed straight to JS; nothing in this call allocates after it.
        Ok(unsafe { Float64Array::view(data) })
    }

    /// A view of the fraction of runs in the flat basin at the kept iterations.
    #[wasm_bindgen(js_name = escapeCurve)]
    pub fn escape_curve(&self, method_id: JsValue) -> Result<Float32Array, JsError> {
        let m = self.method(&method_id)?;
        let data = self.ensemble.escape_curve(m).unwrap_or_default();
        // SAFETY: as in `positions`.
        Ok(unsafe { Float32Array::view(data) })
    }

    /// A view of the mean loss over runs at the kept iterations.
    #[wasm_bindgen(js_name = meanLossCurve)]
    pub fn mean_loss_curve(&self, method_id: JsValue) -> Result<Float32Array, JsError> {
        let m = self.method(&method_id)?;
        let data = self.ensemble.mean_loss_curve(m).unwrap_or_default();
        // SAFETY: as in `positions`.
        Ok(unsafe { Float32Array::view(data) })
    }

    /// Runs of a method that have diverged: a step took them outside |w1|, |w2| <=
    /// `divergenceBound` or made them non-finite; they are frozen there and never counted as
    /// escaped.
    #[wasm_bindgen(js_name = divergedCount)]
    pub fn diverged_count(&self, method_id: JsValue) -> Result<u32, JsError> {
        let m = self.method(&method_id)?;
        Ok(self.ensemble.diverged_count(m).unwrap_or(0) as u32)
    }

    /// `{ escaped, stayed, diverged }`: every run of a method is in exactly one of these.
    pub fn outcome(&self, method_id: JsValue) -> Result<JsValue, JsError> {
        let m = self.method(&method_id)?;
        to_js(&self.ensemble.outcome(m).unwrap_or_default())
    }

    /// Per run, the iteration at which it diverged, -1 if it has not (a copy).
    #[wasm_bindgen(js_name = divergenceTimes)]
    pub fn divergence_times(&self, method_id: JsValue) -> Result<Float64Array, JsError> {
        let m = self.method(&method_id)?;
        Ok(Float64Array::from(
            self.ensemble.divergence_times(m).unwrap_or_default(),
        ))
    }

    /// A view of the fraction of runs diverged at the kept iterations.
    #[wasm_bindgen(js_name = divergedCurve)]
    pub fn diverged_curve(&self, method_id: JsValue) -> Result<Float32Array, JsError> {
        let m = self.method(&method_id)?;
        let data = self.ensemble.diverged_curve(m).unwrap_or_default();
        // SAFETY: as in `positions`.
        Ok(unsafe { Float32Array::view(data) })
    }

    /// The bound on |w1| and |w2| beyond which a run counts as diverged (1000).
    #[wasm_bindgen(getter, js_name = divergenceBound)]
    pub fn divergence_bound(&self) -> f64 {
        crate::dynamics::DIVERGENCE_BOUND
    }

    /// Runs of a method now in the flat basin (diverged runs never count).
    #[wasm_bindgen(js_name = escapedCount)]
    pub fn escaped_count(&self, method_id: JsValue) -> Result<u32, JsError> {
        let m = self.method(&method_id)?;
        Ok(self.ensemble.escaped_count(m).unwrap_or(0) as u32)
    }

    /// Per run, the first iteration inside the flat basin, -1 if never (a copy).
    #[wasm_bindgen(js_name = firstEscapeTimes)]
    pub fn first_escape_times(&self, method_id: JsValue) -> Result<Float64Array, JsError> {
        let m = self.method(&method_id)?;
        Ok(Float64Array::from(
            self.ensemble.first_escape_times(m).unwrap_or_default(),
        ))
    }

    /// The escape indicator of a method's noise at (1, 1), or at (w1, w2) when given.
    pub fn indicator(
        &self,
        method_id: JsValue,
        w1: JsValue,
        w2: JsValue,
    ) -> Result<JsValue, JsError> {
        let m = self.method(&method_id)?;
        let w = match (w1.is_undefined(), w2.is_undefined()) {
            (true, true) => self.ensemble.landscape().sharp_minimum(),
            _ => [
                COORDINATE_RANGE
                    .check("w1", &field_value(&w1))
                    .map_err(js_error)?,
                COORDINATE_RANGE
                    .check("w2", &field_value(&w2))
                    .map_err(js_error)?,
            ],
        };
        to_js(&self.ensemble.indicator(m, w))
    }

    /// The expected mean-loss increase after `k` steps from (1, 1) (1 ..= 100000).
    #[wasm_bindgen(js_name = predictedLossIncrease)]
    pub fn predicted_loss_increase(&self, method_id: JsValue, k: JsValue) -> Result<f64, JsError> {
        let m = self.method(&method_id)?;
        let k = check_integer("k", &field_value(&k), 1, MAX_STEP).map_err(js_error)?;
        Ok(self.ensemble.predicted_loss_increase(m, k))
    }

    /// The mean loss of run 0's data on an nx x ny grid (row-major, rows along w2), for the
    /// heatmap.
    #[wasm_bindgen(js_name = lossGrid)]
    #[allow(clippy::too_many_arguments)]
    pub fn loss_grid(
        &self,
        nx: JsValue,
        ny: JsValue,
        w1_min: JsValue,
        w1_max: JsValue,
        w2_min: JsValue,
        w2_max: JsValue,
    ) -> Result<Float32Array, JsError> {
        let nx = check_integer("nx", &field_value(&nx), 2, MAX_GRID).map_err(js_error)? as usize;
        let ny = check_integer("ny", &field_value(&ny), 2, MAX_GRID).map_err(js_error)? as usize;
        let coordinate = |name: &str, v: &JsValue| {
            COORDINATE_RANGE
                .check(name, &field_value(v))
                .map_err(js_error)
        };
        let (x0, x1) = (coordinate("w1Min", &w1_min)?, coordinate("w1Max", &w1_max)?);
        let (y0, y1) = (coordinate("w2Min", &w2_min)?, coordinate("w2Max", &w2_max)?);
        if x0 >= x1 {
            return Err(js_error(ConfigError::new(
                "w1Max",
                "greater than w1Min",
                &x1.to_string(),
            )));
        }
        if y0 >= y1 {
            return Err(js_error(ConfigError::new(
                "w2Max",
                "greater than w2Min",
                &y1.to_string(),
            )));
        }
        let data = self.ensemble.run_data(0);
        let mut grid = Vec::with_capacity(nx * ny);
        for j in 0..ny {
            let w2 = y0 + (y1 - y0) * j as f64 / (ny - 1) as f64;
            for i in 0..nx {
                let w1 = x0 + (x1 - x0) * i as f64 / (nx - 1) as f64;
                grid.push(self.ensemble.landscape().mean_loss([w1, w2], data) as f32);
            }
        }
        Ok(Float32Array::from(grid.as_slice()))
    }
}

/// One preset as the page lists it.
#[derive(Serialize)]
struct PresetView {
    id: &'static str,
    title: &'static str,
    figure: crate::schema::Figure,
}

/// A parsed link as a plain object (see docs/API.md, "Permalinks").
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PermalinkView {
    figure: crate::schema::Figure,
    preset: Option<&'static str>,
    config: ConfigView,
    iterations: u64,
    /// The iteration the 2-D figure's timeline shows (`null`: the latest).
    iteration: Option<u64>,
    speed: u64,
    play: bool,
    hide: Vec<&'static str>,
    controls: Option<Vec<&'static str>>,
    lecture: bool,
    workers: Option<u64>,
    fashion: FashionLinkView,
    one_hidden_layer: OneHiddenLayerLinkView,
    sweep: SweepLinkView,
    /// The parts an embed of this figure may show.
    control_list: &'static [&'static str],
    notices: Vec<crate::permalink::Notice>,
    warnings: Vec<String>,
}

/// The FashionMNIST figure's state in a link, as the page's controller takes it
/// (the page reads these names; the keys and ranges are the schema's).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FashionLinkView {
    methods: Vec<&'static str>,
    seed: u32,
    iterations: u64,
    log_every: u64,
    max_records: usize,
    workers: Option<u64>,
    from_scratch: bool,
    spectrum: Option<&'static str>,
    network: &'static str,
}

/// The one-hidden-layer figure's state in a link.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OneHiddenLayerLinkView {
    seed: u32,
    epochs: usize,
    samples: usize,
    lr: f64,
    epoch: u64,
}

/// The sweep figure's state in a link: its settings as the JS API takes them (`from` and `to`
/// resolved to the default range when the link leaves them out) and the worker count.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SweepLinkView {
    vary: &'static str,
    points: usize,
    from: f64,
    to: f64,
    iterations: u64,
    /// The 2-D experiment's settings the points run with (the one that varies is set per point).
    #[serde(flatten)]
    toy: ToySettingsView,
    workers: Option<u64>,
}

impl SweepLinkView {
    fn of(link: &crate::permalink::SweepLink) -> Self {
        let c = link.config();
        SweepLinkView {
            vary: c.vary.id(),
            points: c.points,
            from: c.from,
            to: c.to,
            iterations: c.iterations,
            toy: ToySettingsView::of(&c.toy),
            workers: link.workers,
        }
    }
}

/// Parses a URL hash (`#figure=toy&lr=0.005...`) into valid settings, with `notices` for bad
/// values (each replaced by its default) and `warnings` for unknown keys; never throws for a
/// string. Rust owns the schema so the page, embeds and the fuzz target read links one way.
#[wasm_bindgen(js_name = parsePermalink)]
pub fn parse_permalink(hash: JsValue) -> Result<JsValue, JsError> {
    let Some(hash) = hash.as_string() else {
        return Err(js_error(ConfigError::new(
            "hash",
            "a string",
            &field_value(&hash).describe(),
        )));
    };
    let p = crate::permalink::parse(&hash);
    let c = &p.toy.config;
    let (f, o) = (&p.fashion, &p.one_hidden_layer);
    to_js(&PermalinkView {
        figure: p.figure,
        preset: p.preset.map(|x| x.id),
        config: ConfigView::of(c),
        iterations: p.toy.iterations,
        iteration: p.toy.iteration,
        speed: p.toy.speed,
        play: p.play,
        hide: p.hide.iter().map(|m| m.id()).collect(),
        controls: p.controls,
        lecture: p.lecture,
        workers: p.toy.workers,
        fashion: FashionLinkView {
            methods: f.settings.methods.iter().map(|m| m.id()).collect(),
            seed: f.settings.config.seed,
            iterations: f.iterations,
            log_every: f.settings.log_every,
            max_records: f.settings.max_records,
            workers: f.workers,
            from_scratch: f.from_scratch,
            spectrum: f.spectrum.map(|m| m.id()),
            network: f.settings.config.network.id(),
        },
        one_hidden_layer: OneHiddenLayerLinkView {
            seed: o.config.seed,
            epochs: o.config.epochs,
            samples: o.config.samples,
            lr: o.config.lr,
            epoch: o.epoch,
        },
        sweep: SweepLinkView::of(&p.sweep),
        control_list: p.figure.parts(),
        notices: p.notices,
        warnings: p.warnings,
    })
}

/// The teaching presets, `[{ id, title, figure }]`, in the order the page lists them.
#[wasm_bindgen(js_name = presetList)]
pub fn preset_list() -> Result<JsValue, JsError> {
    let presets: Vec<PresetView> = crate::schema::Preset::all()
        .map(|p| PresetView {
            id: p.id,
            title: p.title,
            figure: p.figure,
        })
        .collect();
    to_js(&presets)
}
