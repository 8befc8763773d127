//! Checking a loosely typed value against a [`Setting`]: the one place its range is applied.
//! Every reader (the JS API, links, the CLI, `--config FILE`) calls these, so they accept the
//! same values and word their errors the same way, naming the field and its allowed range.

use super::{Choices, Kind, Setting};
use crate::config::{check_integer, parse_methods, ConfigError, FieldValue, RealRange};
use crate::noise::Method;

/// A fresh seed from the operating system (the browser's `crypto.getRandomValues` in wasm),
/// for `seed=random`, `--seed random` and the page's "New seed"; falls back to the clock if
/// the OS has no generator, so it never fails.
pub fn fresh_seed() -> u32 {
    let mut bytes = [0u8; 4];
    match getrandom::fill(&mut bytes) {
        Ok(()) => u32::from_le_bytes(bytes),
        Err(_) => fallback_seed(),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn fallback_seed() -> u32 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() ^ d.as_secs() as u32)
}

#[cfg(target_arch = "wasm32")]
fn fallback_seed() -> u32 {
    (js_sys::Math::random() * 4_294_967_296.0) as u32
}

impl Setting {
    /// The real range of a [`Kind::Number`] setting.
    fn real_range(&self) -> RealRange {
        RealRange {
            min: self.min.unwrap_or(f64::MIN),
            min_inclusive: !self.min_exclusive,
            max: self.max.unwrap_or(f64::MAX),
        }
    }

    /// What the value must be, as an error message says it.
    pub fn must(&self) -> String {
        let (lo, hi) = (self.min.unwrap_or(0.0), self.max.unwrap_or(0.0));
        match self.kind {
            Kind::Integer => format!("an integer in {}..={}", lo as u64, hi as u64),
            Kind::Seed => format!("an integer in {}..={} or \"random\"", lo as u64, hi as u64),
            Kind::Number => {
                let open = if self.min_exclusive { '(' } else { '[' };
                format!("a finite number in {open}{lo}, {hi}]")
            }
            Kind::Boolean => "1 or 0".into(),
            Kind::Choice | Kind::Parts => match self.choices {
                Choices::Methods => format!("one of {}", Method::id_list()),
                Choices::List(items) => format!("one of {}", items.join(", ")),
                _ => "one of the allowed values".into(),
            },
            Kind::Methods => format!(
                "a non-empty list of distinct method ids from {}",
                Method::id_list()
            ),
        }
    }

    /// Checks an integer setting's value; the error names `field` (the key, or a CLI flag).
    pub fn parse_integer_as(&self, field: &str, value: &FieldValue) -> Result<u64, ConfigError> {
        debug_assert_eq!(self.kind, Kind::Integer, "{}", self.key);
        check_integer(
            field,
            value,
            self.min.unwrap_or(0.0) as u64,
            self.max.unwrap_or(u64::MAX as f64) as u64,
        )
    }

    /// Checks an integer setting's value; the error names the key.
    pub fn parse_integer(&self, value: &FieldValue) -> Result<u64, ConfigError> {
        self.parse_integer_as(self.key, value)
    }

    /// Checks a real setting's value; the error names the key.
    pub fn parse_number(&self, value: &FieldValue) -> Result<f64, ConfigError> {
        debug_assert_eq!(self.kind, Kind::Number, "{}", self.key);
        self.real_range().check(self.key, value)
    }

    /// Checks a seed: an integer in `0..=2^32-1`, or `"random"`, which draws a fresh seed
    /// ([`fresh_seed`]) so the result is always a concrete, reproducible seed.
    pub fn parse_seed(&self, value: &FieldValue) -> Result<u32, ConfigError> {
        debug_assert_eq!(self.kind, Kind::Seed, "{}", self.key);
        match value {
            FieldValue::Text(t) if t.trim() == "random" => Ok(fresh_seed()),
            _ => {
                let max = self.max.unwrap_or(u32::MAX as f64) as u64;
                check_integer(self.key, value, 0, max)
                    .map(|s| s as u32)
                    .map_err(|_| ConfigError::new(self.key, &self.must(), &value.describe()))
            }
        }
    }

    /// Checks a set of methods (non-empty, known ids, no repeats); canonical order.
    pub fn parse_methods(&self, value: &FieldValue) -> Result<Vec<Method>, ConfigError> {
        debug_assert_eq!(self.kind, Kind::Methods, "{}", self.key);
        if self.min == Some(0.0) && matches!(value, FieldValue::List(items) if items.is_empty()) {
            return Ok(Vec::new());
        }
        parse_methods(self.key, value)
    }

    /// Checks a choice among the methods.
    pub fn parse_method(&self, value: &FieldValue) -> Result<Method, ConfigError> {
        debug_assert_eq!(self.choices, Choices::Methods, "{}", self.key);
        match value {
            FieldValue::Text(t) => Method::from_id(t.trim()),
            _ => None,
        }
        .ok_or_else(|| ConfigError::new(self.key, &self.must(), &value.describe()))
    }

    /// Checks an on/off value: a boolean, 1/0, or true/false, yes/no, on/off as text.
    pub fn parse_boolean(&self, value: &FieldValue) -> Result<bool, ConfigError> {
        debug_assert_eq!(self.kind, Kind::Boolean, "{}", self.key);
        match value {
            FieldValue::Bool(b) => Ok(*b),
            FieldValue::Number(x) if *x == 1.0 => Ok(true),
            FieldValue::Number(x) if *x == 0.0 => Ok(false),
            FieldValue::Text(t) => match t.trim() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(ConfigError::new(self.key, &self.must(), &value.describe())),
            },
            _ => Err(ConfigError::new(self.key, &self.must(), &value.describe())),
        }
    }
}
