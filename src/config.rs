//! Validated experiment settings, parsed from loosely typed key/value input.
//!
//! The wasm facade (JS objects) and the CLI (flags) both turn their input into
//! [`FieldValue`]s and call [`ToyConfig::from_fields`], so there is one set of rules and one
//! wording of every error, which always names the field and its allowed range. Nothing is
//! clamped: a value out of range is an error.

use crate::noise::{Method, NoiseParams};
use crate::schema::Figure;
use std::fmt;

/// A loosely typed input value, as it arrives from JS or a command line.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// Any number (JS numbers, parsed flags).
    Number(f64),
    /// A string.
    Text(String),
    /// A list of values.
    List(Vec<FieldValue>),
    /// A boolean.
    Bool(bool),
    /// JS `null`.
    Null,
    /// Anything else; the string says what it was (e.g. "an object").
    Other(String),
}

impl FieldValue {
    /// How the value reads in an error message ("-1", "a string \"x\"", "null").
    pub fn describe(&self) -> String {
        match self {
            FieldValue::Number(x) => format!("{x}"),
            FieldValue::Text(s) => format!("the string {:?}", cut_for_message(s)),
            FieldValue::List(_) => "a list".to_string(),
            FieldValue::Bool(b) => format!("the boolean {b}"),
            FieldValue::Null => "null".to_string(),
            FieldValue::Other(what) => what.clone(),
        }
    }
}

/// The most characters of a string value an error message quotes: a message never grows with
/// its input (a link or a JS string can be megabytes long).
pub const MAX_MESSAGE_QUOTE_CHARS: usize = 64;

/// `s`, cut to [`MAX_MESSAGE_QUOTE_CHARS`] characters with a trailing "…" when it was longer.
fn cut_for_message(s: &str) -> String {
    let mut out: String = s.chars().take(MAX_MESSAGE_QUOTE_CHARS).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Converts a JSON value into the loosely typed form, the way the wasm facade converts a JS
/// value (objects become [`FieldValue::Other`], so a nested object is rejected by name).
pub fn field_value_from_json(value: &serde_json::Value) -> FieldValue {
    use serde_json::Value;
    match value {
        Value::Null => FieldValue::Null,
        Value::Bool(b) => FieldValue::Bool(*b),
        Value::Number(n) => FieldValue::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => FieldValue::Text(s.clone()),
        Value::Array(items) => FieldValue::List(items.iter().map(field_value_from_json).collect()),
        Value::Object(_) => FieldValue::Other("an object".to_string()),
    }
}

/// The key/value pairs of a JSON config object (as `--config FILE` and the fuzz targets read
/// it); anything but an object is an error naming `config`.
pub fn fields_from_json(text: &str) -> Result<Vec<(String, FieldValue)>, ConfigError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| ConfigError {
        field: "config".to_string(),
        message: format!("must be a JSON object, but is not valid JSON: {e}"),
    })?;
    match value {
        serde_json::Value::Object(map) => Ok(map
            .iter()
            .map(|(k, v)| (k.clone(), field_value_from_json(v)))
            .collect()),
        other => Err(ConfigError::new(
            "config",
            "a JSON object",
            &field_value_from_json(&other).describe(),
        )),
    }
}

/// A rejected input: which field, and what was wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The field (config key or argument name) that was rejected.
    pub field: String,
    /// What the field must be and what it was.
    pub message: String,
}

impl ConfigError {
    /// An error for `field` saying it `must` be something and was `got` instead.
    pub fn new(field: &str, must: &str, got: &str) -> Self {
        ConfigError {
            field: field.to_string(),
            message: format!("must be {must}, got {got}"),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A real number in a closed or half-open range, with its human-readable description.
#[derive(Clone, Copy, Debug)]
pub struct RealRange {
    /// Lower bound.
    pub min: f64,
    /// Whether the lower bound itself is allowed.
    pub min_inclusive: bool,
    /// Upper bound (inclusive).
    pub max: f64,
}

impl RealRange {
    fn describe(&self) -> String {
        let open = if self.min_inclusive { '[' } else { '(' };
        format!("a finite number in {open}{}, {}]", self.min, self.max)
    }

    /// Checks `value` for `field`.
    pub fn check(&self, field: &str, value: &FieldValue) -> Result<f64, ConfigError> {
        match *value {
            FieldValue::Number(x)
                if x.is_finite()
                    && (x > self.min || (self.min_inclusive && x == self.min))
                    && x <= self.max =>
            {
                Ok(x)
            }
            _ => Err(ConfigError::new(field, &self.describe(), &value.describe())),
        }
    }
}

/// Checks that `value` is an integer in `min..=max` for `field`.
pub fn check_integer(
    field: &str,
    value: &FieldValue,
    min: u64,
    max: u64,
) -> Result<u64, ConfigError> {
    match *value {
        FieldValue::Number(x) if x.fract() == 0.0 && x >= min as f64 && x <= max as f64 => {
            Ok(x as u64)
        }
        _ => Err(ConfigError::new(
            field,
            &format!("an integer in {min}..={max}"),
            &value.describe(),
        )),
    }
}

/// Largest runs x samples (the data of all runs is kept: 16 bytes each, so 32 MB).
pub const MAX_RUNS_TIMES_SAMPLES: u64 = 2_000_000;

/// The settings of the 2-D experiment; `Default` is the paper's protocol (PAPER.md 3.1).
#[derive(Clone, Debug, PartialEq)]
pub struct ToyConfig {
    /// The dynamics simulated, in canonical order, without duplicates.
    pub methods: Vec<Method>,
    /// Runs per method.
    pub runs: usize,
    /// Learning rate (paper: 0.005).
    pub lr: f64,
    /// Trace of the added noise of the fixed-magnitude GLD variants (paper: 0.01).
    pub noise_trace: f64,
    /// SGD's minibatch size m.
    pub batch_size: usize,
    /// Data points per run, n (paper: 100).
    pub samples: usize,
    /// Scale of the data around the minima (paper: 0.01).
    pub data_spread: f64,
    /// The seed of every random stream.
    pub seed: u32,
}

impl Default for ToyConfig {
    /// The schema's defaults (src/schema/toy.rs).
    fn default() -> Self {
        let mut c = ToyConfig {
            methods: Method::ALL.to_vec(),
            runs: 1,
            lr: 1.0,
            noise_trace: 0.0,
            batch_size: 1,
            samples: 1,
            data_spread: 0.0,
            seed: 0,
        };
        for s in Figure::Toy.settings().iter().filter(|s| s.api) {
            // Every default is a valid value (schema::tests), so this never fails.
            let _ = c.set(s.key, &s.default.field_value());
        }
        c
    }
}

/// Parses a list of method ids for `field`: known ids, no duplicates, at least one.
pub fn parse_methods(field: &str, value: &FieldValue) -> Result<Vec<Method>, ConfigError> {
    let must = format!(
        "a non-empty list of distinct method ids from {}",
        Method::id_list()
    );
    let FieldValue::List(items) = value else {
        return Err(ConfigError::new(field, &must, &value.describe()));
    };
    if items.is_empty() {
        return Err(ConfigError::new(field, &must, "an empty list"));
    }
    let mut methods = Vec::with_capacity(items.len());
    for item in items {
        let method = match item {
            FieldValue::Text(id) => Method::from_id(id),
            _ => None,
        };
        match method {
            Some(m) if !methods.contains(&m) => methods.push(m),
            Some(_) => {
                return Err(ConfigError::new(
                    field,
                    &must,
                    &format!("{} twice", item.describe()),
                ))
            }
            None => return Err(ConfigError::new(field, &must, &item.describe())),
        }
    }
    methods.sort();
    Ok(methods)
}

impl ToyConfig {
    /// Builds a config from key/value pairs; missing keys keep the paper's defaults.
    ///
    /// Unknown keys are errors (a typo must not silently fall back to a default).
    pub fn from_fields<I>(fields: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (String, FieldValue)>,
    {
        let mut c = ToyConfig::default();
        for (key, value) in fields {
            c.set(&key, &value)?;
        }
        c.validate()?;
        Ok(c)
    }

    /// Sets one key after checking its value against the schema (src/schema/toy.rs), so the
    /// JS API, links, `--config FILE` and the CLI apply the same ranges; on error nothing
    /// changes. The rules that tie fields together are [`ToyConfig::validate`]'s.
    pub fn set(&mut self, key: &str, value: &FieldValue) -> Result<(), ConfigError> {
        let s = Figure::Toy.api_setting(key)?;
        match s.key {
            "methods" => self.methods = s.parse_methods(value)?,
            "runs" => self.runs = s.parse_integer(value)? as usize,
            "lr" => self.lr = s.parse_number(value)?,
            "noiseTrace" => self.noise_trace = s.parse_number(value)?,
            "batchSize" => self.batch_size = s.parse_integer(value)? as usize,
            "samples" => self.samples = s.parse_integer(value)? as usize,
            "dataSpread" => self.data_spread = s.parse_number(value)?,
            "seed" => self.seed = s.parse_seed(value)?,
            // A key of the schema this setter does not read (schema::tests catches it).
            _ => return Err(Figure::Toy.unknown_api_key(key)),
        }
        Ok(())
    }

    /// Checks the rules that tie fields together.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.batch_size > self.samples {
            return Err(ConfigError::new(
                "batchSize",
                &format!("an integer in 1..={} (at most `samples`)", self.samples),
                &self.batch_size.to_string(),
            ));
        }
        let product = self.runs as u64 * self.samples as u64;
        if product > MAX_RUNS_TIMES_SAMPLES {
            return Err(ConfigError::new(
                "runs",
                &format!(
                    "at most {} with samples = {} (runs x samples <= {MAX_RUNS_TIMES_SAMPLES})",
                    MAX_RUNS_TIMES_SAMPLES / self.samples as u64,
                    self.samples
                ),
                &self.runs.to_string(),
            ));
        }
        Ok(())
    }

    /// The config as key/value pairs with the API's keys: `from_fields` of them gives the
    /// config back exactly (the round trip permalinks and saved configs rely on).
    pub fn to_fields(&self) -> Vec<(String, FieldValue)> {
        let number = |x: f64| FieldValue::Number(x);
        vec![
            (
                "methods".to_string(),
                FieldValue::List(
                    self.methods
                        .iter()
                        .map(|m| FieldValue::Text(m.id().to_string()))
                        .collect(),
                ),
            ),
            ("runs".to_string(), number(self.runs as f64)),
            ("lr".to_string(), number(self.lr)),
            ("noiseTrace".to_string(), number(self.noise_trace)),
            ("batchSize".to_string(), number(self.batch_size as f64)),
            ("samples".to_string(), number(self.samples as f64)),
            ("dataSpread".to_string(), number(self.data_spread)),
            ("seed".to_string(), number(self.seed as f64)),
        ]
    }

    /// The parameters the noise covariances depend on.
    pub fn noise_params(&self) -> NoiseParams {
        NoiseParams {
            lr: self.lr,
            noise_trace: self.noise_trace,
            batch_size: self.batch_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, FieldValue)]) -> Result<ToyConfig, ConfigError> {
        ToyConfig::from_fields(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())))
    }

    #[test]
    fn a_huge_string_value_is_quoted_cut_in_the_error() {
        let huge = "x".repeat(1_000_000);
        let e = parse(&[("lr", FieldValue::Text(huge))]).unwrap_err();
        assert_eq!(e.field, "lr");
        assert!(e.to_string().len() < 300, "{e}");
        assert!(
            e.to_string().contains(&format!("{}…", "x".repeat(64))),
            "{e}"
        );
    }

    #[test]
    fn empty_input_gives_the_papers_protocol() {
        assert_eq!(parse(&[]).unwrap(), ToyConfig::default());
    }

    #[test]
    fn every_field_is_read() {
        let c = parse(&[
            (
                "methods",
                FieldValue::List(vec![
                    FieldValue::Text("sgd".into()),
                    FieldValue::Text("gd".into()),
                ]),
            ),
            ("runs", FieldValue::Number(7.0)),
            ("lr", FieldValue::Number(0.01)),
            ("noiseTrace", FieldValue::Number(0.0)),
            ("batchSize", FieldValue::Number(3.0)),
            ("samples", FieldValue::Number(5.0)),
            ("dataSpread", FieldValue::Number(0.5)),
            ("seed", FieldValue::Number(4294967295.0)),
        ])
        .unwrap();
        assert_eq!(c.methods, vec![Method::Gd, Method::Sgd]);
        assert_eq!(
            (c.runs, c.batch_size, c.samples, c.seed),
            (7, 3, 5, u32::MAX)
        );
        assert_eq!((c.lr, c.noise_trace, c.data_spread), (0.01, 0.0, 0.5));
    }

    #[test]
    fn bad_values_name_their_field() {
        let cases: Vec<(&str, FieldValue)> = vec![
            ("lr", FieldValue::Number(f64::NAN)),
            ("lr", FieldValue::Number(0.0)),
            ("lr", FieldValue::Number(f64::INFINITY)),
            ("lr", FieldValue::Text("0.1".into())),
            ("noiseTrace", FieldValue::Number(-1e-9)),
            ("runs", FieldValue::Number(0.0)),
            ("runs", FieldValue::Number(1.5)),
            ("runs", FieldValue::Number(1e12)),
            ("batchSize", FieldValue::Number(101.0)),
            ("samples", FieldValue::Null),
            ("dataSpread", FieldValue::Bool(true)),
            ("seed", FieldValue::Number(-1.0)),
            ("seed", FieldValue::Number(2f64.powi(32))),
            ("methods", FieldValue::List(vec![])),
            (
                "methods",
                FieldValue::List(vec![FieldValue::Text("adam".into())]),
            ),
            (
                "methods",
                FieldValue::List(vec![
                    FieldValue::Text("gd".into()),
                    FieldValue::Text("gd".into()),
                ]),
            ),
            ("methods", FieldValue::Text("gd".into())),
            ("noise_trace", FieldValue::Number(0.1)),
        ];
        for (field, value) in cases {
            let err = parse(&[(field, value.clone())]).unwrap_err();
            assert_eq!(err.field, field, "{value:?}");
            assert!(err.to_string().starts_with(&format!("`{field}` ")), "{err}");
        }
    }

    #[test]
    fn memory_limit_is_enforced_with_a_clear_message() {
        let err = parse(&[
            ("runs", FieldValue::Number(100_000.0)),
            ("samples", FieldValue::Number(100.0)),
        ])
        .unwrap_err();
        assert_eq!(err.field, "runs");
        assert!(err.message.contains("at most 20000"), "{err}");
        assert!(parse(&[("runs", FieldValue::Number(10_000.0))]).is_ok());
    }
}
