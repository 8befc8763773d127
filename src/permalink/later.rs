//! The link state of the two later figures: FashionMNIST (`figure=fashion`, paper Section 5.3)
//! and the one-hidden-layer study (`figure=ohl`, paper Figure 4).
//!
//! The experiment settings are checked by the experiments' own setters
//! ([`FashionSettings::set`], [`OneHiddenLayerConfig::set`]), so a link, the JS API and the CLI
//! accept exactly the same values; only what exists in the page alone (the iteration target,
//! the worker count, stage 1 from scratch, the spectrum shown, the epoch reached) is checked
//! here. Keys shared with the 2-D figure (`methods`, `seed`, `iterations`, `workers`, `lr`,
//! `samples`) mean the same thing for the figure the link shows.

use super::{cut, list_value, number_value, parse_bool, quote, MAX_WORKERS};
use crate::config::{check_integer, ConfigError};
use crate::experiments::fashion_session::FashionSettings;
use crate::experiments::one_hidden_layer::{OneHiddenLayerConfig, MAX_EPOCHS};
use crate::noise::Method;

/// Largest stage-2 iteration target of the FashionMNIST figure (its "Stop at iteration").
pub const MAX_FASHION_ITERATIONS: u64 = 100_000;
/// Default stage-2 iteration target of the FashionMNIST figure.
pub const DEFAULT_FASHION_ITERATIONS: u64 = 1000;
/// The paper's stage 2 (docs/protocols.md 3.3): 15,000 iterations, here a record every 500.
pub const PAPER_FASHION_ITERATIONS: u64 = 15_000;
/// Record interval of the paper preset.
pub const PAPER_FASHION_LOG_EVERY: u64 = 500;

/// The setting keys of the FashionMNIST figure, in the order a hash writes them.
pub const FASHION_LINK_KEYS: [&str; 8] = [
    "methods",
    "seed",
    "iterations",
    "logEvery",
    "maxRecords",
    "workers",
    "fromScratch",
    "spectrum",
];

/// The setting keys of the one-hidden-layer figure, in the order a hash writes them.
pub const OHL_LINK_KEYS: [&str; 5] = ["seed", "epochs", "samples", "lr", "epoch"];

/// The parts of the FashionMNIST figure an embed may show (`controls=settings,spectrum`);
/// the curves, Play, Reset and the legend are always there.
pub const FASHION_CONTROLS: [&str; 6] =
    ["settings", "paper", "spectrum", "strip", "link", "export"];

/// The parts of the one-hidden-layer figure an embed may show; the traces, Play and Reset are
/// always there.
pub const OHL_CONTROLS: [&str; 3] = ["boundary", "link", "export"];

/// What a link says about the FashionMNIST figure, every value valid.
#[derive(Clone, Debug, PartialEq)]
pub struct FashionLink {
    /// The experiment's settings (methods, seed, record interval, record cap).
    pub settings: FashionSettings,
    /// The stage-2 iteration the figure runs to.
    pub iterations: u64,
    /// Worker threads (`None`: the page's default).
    pub workers: Option<u64>,
    /// Whether stage 1 runs from scratch even where a saved minimum exists.
    pub from_scratch: bool,
    /// The method whose Hessian spectrum is shown (`None`: the page's choice).
    pub spectrum: Option<Method>,
}

impl Default for FashionLink {
    fn default() -> Self {
        FashionLink {
            settings: FashionSettings::default(),
            iterations: DEFAULT_FASHION_ITERATIONS,
            workers: None,
            from_scratch: false,
            spectrum: None,
        }
    }
}

impl FashionLink {
    /// The paper's stage 2: all eight dynamics from the saved seed-0 minimum to iteration
    /// 15,000, a record every 500.
    pub fn paper() -> Self {
        let mut link = FashionLink {
            iterations: PAPER_FASHION_ITERATIONS,
            ..FashionLink::default()
        };
        link.settings.config.seed = 0;
        link.settings.methods = Method::ALL.to_vec();
        link.settings.log_every = PAPER_FASHION_LOG_EVERY;
        link
    }

    /// Reads one key; `Ok(false)` if it is not a key of this figure.
    pub(super) fn apply(&mut self, key: &str, raw: &str) -> Result<bool, ConfigError> {
        match key {
            "methods" => self.settings.set(key, &list_value(raw))?,
            "seed" | "logEvery" | "maxRecords" => self.settings.set(key, &number_value(raw))?,
            "iterations" => {
                self.iterations = check_integer(key, &number_value(raw), 1, MAX_FASHION_ITERATIONS)?
            }
            "workers" => {
                self.workers = Some(check_integer(key, &number_value(raw), 1, MAX_WORKERS)?)
            }
            "fromScratch" => self.from_scratch = parse_bool(key, raw)?,
            "spectrum" => {
                self.spectrum = Some(Method::from_id(raw.trim()).ok_or_else(|| {
                    ConfigError::new(key, &format!("one of {}", Method::id_list()), &quote(raw))
                })?)
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Puts `key` back to its value in `base` (the defaults, or the preset's) after a bad value.
    pub(super) fn restore(&mut self, key: &str, base: &FashionLink) {
        let (s, b) = (&mut self.settings, &base.settings);
        match key {
            "methods" => s.methods = b.methods.clone(),
            "seed" => s.config.seed = b.config.seed,
            "logEvery" => s.log_every = b.log_every,
            "maxRecords" => s.max_records = b.max_records,
            "iterations" => self.iterations = base.iterations,
            "workers" => self.workers = base.workers,
            "fromScratch" => self.from_scratch = base.from_scratch,
            "spectrum" => self.spectrum = base.spectrum,
            _ => {}
        }
    }

    /// What a bad value of `key` is replaced by (its value in `self`, the base), for the notice.
    pub(super) fn value_text(&self, key: &str) -> Option<String> {
        let d = self;
        Some(match key {
            "methods" if d.settings.methods.len() == Method::ALL.len() => "all eight".into(),
            "methods" => d
                .settings
                .methods
                .iter()
                .map(|m| m.id())
                .collect::<Vec<_>>()
                .join(","),
            "seed" => d.settings.config.seed.to_string(),
            "iterations" => d.iterations.to_string(),
            "logEvery" => d.settings.log_every.to_string(),
            "maxRecords" => d.settings.max_records.to_string(),
            "workers" => d
                .workers
                .map_or("the page's default".into(), |w| w.to_string()),
            "fromScratch" => u8::from(d.from_scratch).to_string(),
            "spectrum" => d
                .spectrum
                .map_or("the page's choice".into(), |m| m.id().into()),
            _ => return None,
        })
    }

    /// The canonical `key=value` pairs (unencoded), in [`FASHION_LINK_KEYS`] order.
    pub(super) fn pairs(&self) -> Vec<(&'static str, String)> {
        let s = &self.settings;
        let ids = s.methods.iter().map(|m| m.id()).collect::<Vec<_>>();
        let mut out = vec![
            ("methods", ids.join(",")),
            ("seed", s.config.seed.to_string()),
            ("iterations", self.iterations.to_string()),
            ("logEvery", s.log_every.to_string()),
            ("maxRecords", s.max_records.to_string()),
        ];
        if let Some(w) = self.workers {
            out.push(("workers", w.to_string()));
        }
        if self.from_scratch {
            out.push(("fromScratch", "1".into()));
        }
        if let Some(m) = self.spectrum {
            out.push(("spectrum", m.id().into()));
        }
        out
    }
}

/// What a link says about the one-hidden-layer figure, every value valid; the default is the
/// paper's protocol at epoch 0.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OhlLink {
    /// The study's settings (seed, epochs, samples, learning rate).
    pub config: OneHiddenLayerConfig,
    /// The epoch the figure trains to at load (0: untrained); at most `config.epochs`.
    pub epoch: u64,
}

impl OhlLink {
    /// Paper Figure 4: the paper's protocol, trained to its last epoch.
    pub fn paper() -> Self {
        let config = OneHiddenLayerConfig::default();
        OhlLink {
            epoch: config.epochs as u64,
            config,
        }
    }

    /// Reads one key; `Ok(false)` if it is not a key of this figure.
    pub(super) fn apply(&mut self, key: &str, raw: &str) -> Result<bool, ConfigError> {
        match key {
            "seed" | "epochs" | "samples" | "lr" => self.config.set(key, &number_value(raw))?,
            "epoch" => self.epoch = check_integer(key, &number_value(raw), 0, MAX_EPOCHS)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The rule that ties two keys together: the epoch reached is at most the epochs.
    pub(super) fn check(&mut self) -> Result<(), ConfigError> {
        let epochs = self.config.epochs as u64;
        if self.epoch > epochs {
            let e = ConfigError::new(
                "epoch",
                &format!("an integer in 0..={epochs} (at most `epochs`)"),
                &cut(&self.epoch.to_string()),
            );
            self.epoch = 0;
            return Err(e);
        }
        Ok(())
    }

    /// Puts `key` back to its value in `base` (the defaults, or the preset's) after a bad value.
    pub(super) fn restore(&mut self, key: &str, base: &OhlLink) {
        let b = &base.config;
        match key {
            "seed" => self.config.seed = b.seed,
            "epochs" => {
                self.config.epochs = b.epochs;
                self.config.decay_start = b.decay_start;
            }
            "samples" => self.config.samples = b.samples,
            "lr" => self.config.lr = b.lr,
            "epoch" => self.epoch = base.epoch,
            _ => {}
        }
    }

    /// What a bad value of `key` is replaced by (its value in `self`, the base), for the notice.
    pub(super) fn value_text(&self, key: &str) -> Option<String> {
        let c = &self.config;
        Some(match key {
            "seed" => c.seed.to_string(),
            "epochs" => c.epochs.to_string(),
            "samples" => c.samples.to_string(),
            "lr" => c.lr.to_string(),
            "epoch" => self.epoch.to_string(),
            _ => return None,
        })
    }

    /// The canonical `key=value` pairs (unencoded), in [`OHL_LINK_KEYS`] order.
    pub(super) fn pairs(&self) -> Vec<(&'static str, String)> {
        let c = &self.config;
        vec![
            ("seed", c.seed.to_string()),
            ("epochs", c.epochs.to_string()),
            ("samples", c.samples.to_string()),
            ("lr", format!("{}", c.lr)),
            ("epoch", self.epoch.to_string()),
        ]
    }
}
