//! The one definition of every setting of the figures (`toy`, `fashion`, `one-hidden-layer`
//! and `sweep`) and of the page-level link keys: key, type, range, default, label, help
//! text, page control, CLI flag, whether a link carries it, and the presets.
//!
//! Everything else derives from it: the URL-hash parser and writer ([`crate::permalink`]), the
//! config parsers and the experiments' setters ([`crate::config::ToyConfig::set`],
//! `FashionSettings::set`, `OneHiddenLayerConfig::set`, which check a value with
//! [`Setting::integer`], [`Setting::number`], ...), so the JS API validates with it too; the
//! CLI's flags and their help (`src/cli`); and the page's controls, through the JSON export
//! ([`export`]: `sgd-escape schema`, the committed `www/lib/schema.json`, the wasm export
//! `schema()`). docs/schema.md documents the JSON shape and how to add a setting.

mod check;
pub mod export;
mod fashion;
mod one_hidden_layer;
mod page;
mod sweep;
mod toy;

pub use check::fresh_seed;
pub use page::{applies, MAX_WORKERS, PAGE_KEYS};

use serde::Serialize;

/// Version of the exported JSON shape; bumped only when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// What kind of value a setting holds (its JSON `type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A whole number in `min..=max`.
    Integer,
    /// A finite real number in the range (bounds may be exclusive).
    Number,
    /// A seed: an integer in `0..=2^32-1`, or `random` for a fresh one.
    Seed,
    /// On or off (`1`/`0` in a link, a plain switch on the command line).
    Boolean,
    /// One of `choices`.
    Choice,
    /// A comma-separated set of method ids (`min`/`max`: how many), kept in canonical order.
    Methods,
    /// A comma-separated set of `choices` (the embed parts of `controls`).
    Parts,
}

/// Which control the page shows for a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Control {
    /// A number field.
    Number,
    /// A slider.
    Range,
    /// A seed field with a "New seed" button.
    Seed,
    /// One checkbox.
    Checkbox,
    /// A checkbox per method (the legend or the method boxes).
    MethodBoxes,
    /// A drop-down list.
    Select,
    /// No control of its own (API, CLI or link only, or shown by the page's chrome).
    None,
}

/// A value of a setting: its default, or a preset's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// A whole number (integers and seeds).
    Integer(u64),
    /// A real number.
    Number(f64),
    /// On or off.
    Bool(bool),
    /// A choice.
    Text(&'static str),
    /// A list (methods, parts).
    List(&'static [&'static str]),
    /// No value: the page decides; the text says what it does ("one per core").
    Unset(&'static str),
}

impl Value {
    /// The value as a link writes it (`"0.005"`, `"gd,sgd"`, `"1"`); `None` when unset.
    pub fn link_text(&self) -> Option<String> {
        Some(match self {
            Value::Integer(x) => x.to_string(),
            Value::Number(x) => format!("{x}"),
            Value::Bool(b) => u8::from(*b).to_string(),
            Value::Text(s) => s.to_string(),
            Value::List(items) => items.join(","),
            Value::Unset(_) => return None,
        })
    }

    /// The value as a whole number, if it is one.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Integer(x) => Some(x),
            _ => None,
        }
    }

    /// The value as the config parsers read it (what a JS object would hold); `Null` when
    /// unset.
    pub fn field_value(&self) -> crate::config::FieldValue {
        use crate::config::FieldValue;
        match *self {
            Value::Integer(x) => FieldValue::Number(x as f64),
            Value::Number(x) => FieldValue::Number(x),
            Value::Bool(b) => FieldValue::Bool(b),
            Value::Text(t) => FieldValue::Text(t.to_string()),
            Value::List(items) => FieldValue::List(
                items
                    .iter()
                    .map(|s| FieldValue::Text(s.to_string()))
                    .collect(),
            ),
            Value::Unset(_) => FieldValue::Null,
        }
    }

    /// How a message names the value ("100", "all eight", "one per core").
    pub fn describe(&self) -> String {
        match self {
            Value::List(items) if items.len() == crate::noise::Method::ALL.len() => {
                "all eight".into()
            }
            Value::List([]) => "none".into(),
            Value::Unset(text) => text.to_string(),
            other => other.link_text().unwrap_or_default(),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Integer(x) => s.serialize_u64(*x),
            Value::Number(x) => s.serialize_f64(*x),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Text(t) => s.serialize_str(t),
            Value::List(items) => items.serialize(s),
            Value::Unset(_) => s.serialize_none(),
        }
    }
}

/// Where the allowed values of a [`Kind::Choice`] or [`Kind::Parts`] setting come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choices {
    /// Not a choice.
    None,
    /// The eight method ids.
    Methods,
    /// The figure ids (the `figure` key).
    Figures,
    /// The preset ids (the `preset` key).
    Presets,
    /// The embed parts of the figure shown (the `controls` key).
    Parts,
    /// A fixed list.
    List(&'static [&'static str]),
}

/// One setting: everything the parsers, the CLI and the page need to know about it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setting {
    /// The key in links, JS config objects and JSON (camelCase).
    pub key: &'static str,
    /// Other keys a link may use for it (`autoplay` for `play`).
    pub aliases: &'static [&'static str],
    /// What kind of value it holds.
    pub kind: Kind,
    /// Lower bound (a count for lists).
    pub min: Option<f64>,
    /// Whether `min` itself is excluded.
    pub min_exclusive: bool,
    /// Upper bound (a count for lists).
    pub max: Option<f64>,
    /// Its value when nothing sets it (the page's, the API's and the link's).
    pub default: Value,
    /// The command line's default when it differs (the paper's protocol where the page runs
    /// a lighter one).
    pub cli_default: Option<Value>,
    /// The label of its control.
    pub label: &'static str,
    /// One sentence for a tooltip and `--help`.
    pub help: &'static str,
    /// The page's control for it.
    pub control: Control,
    /// Whether a link carries it.
    pub link: bool,
    /// Whether the JS API's config object (and `--config FILE`) takes it.
    pub api: bool,
    /// The command-line flag without its dashes, if the CLI has one.
    pub cli: Option<&'static str>,
    /// The allowed values of a choice.
    pub choices: Choices,
}

impl Setting {
    /// A setting of `kind` with no range, no control, no flag, not in links or the API.
    const fn new(key: &'static str, kind: Kind, default: Value) -> Setting {
        Setting {
            key,
            aliases: &[],
            kind,
            min: None,
            min_exclusive: false,
            max: None,
            default,
            cli_default: None,
            label: "",
            help: "",
            control: Control::None,
            link: false,
            api: false,
            cli: None,
            choices: Choices::None,
        }
    }

    /// An integer setting in `min..=max`.
    pub const fn integer(key: &'static str, min: u64, max: u64, default: u64) -> Setting {
        Setting {
            min: Some(min as f64),
            max: Some(max as f64),
            control: Control::Number,
            ..Setting::new(key, Kind::Integer, Value::Integer(default))
        }
    }

    /// A real setting in `[min, max]`.
    pub const fn number(key: &'static str, min: f64, max: f64, default: f64) -> Setting {
        Setting {
            min: Some(min),
            max: Some(max),
            control: Control::Number,
            ..Setting::new(key, Kind::Number, Value::Number(default))
        }
    }

    /// The seed setting with this default.
    pub const fn seed(default: u64) -> Setting {
        Setting {
            min: Some(0.0),
            max: Some(u32::MAX as f64),
            control: Control::Seed,
            label: "Seed",
            help: "Seed of every random stream; `random` draws a fresh one.",
            link: true,
            api: true,
            cli: Some("seed"),
            ..Setting::new("seed", Kind::Seed, Value::Integer(default))
        }
    }

    /// An on/off setting.
    pub const fn boolean(key: &'static str, default: bool) -> Setting {
        Setting {
            control: Control::Checkbox,
            ..Setting::new(key, Kind::Boolean, Value::Bool(default))
        }
    }

    /// A choice among `choices`.
    pub const fn choice(key: &'static str, choices: Choices, default: Value) -> Setting {
        Setting {
            choices,
            control: Control::Select,
            ..Setting::new(key, Kind::Choice, default)
        }
    }

    /// A set of methods, at least `min` of them.
    pub const fn methods(key: &'static str, min: u64, default: &'static [&'static str]) -> Setting {
        Setting {
            min: Some(min as f64),
            max: Some(8.0),
            choices: Choices::Methods,
            control: Control::MethodBoxes,
            ..Setting::new(key, Kind::Methods, Value::List(default))
        }
    }

    /// A set of parts (`controls`).
    pub const fn parts(key: &'static str, default: Value) -> Setting {
        Setting {
            choices: Choices::Parts,
            ..Setting::new(key, Kind::Parts, default)
        }
    }

    /// With a label and a help sentence.
    pub const fn text(self, label: &'static str, help: &'static str) -> Setting {
        Setting {
            label,
            help,
            ..self
        }
    }

    /// With the lower bound excluded.
    pub const fn min_exclusive(self) -> Setting {
        Setting {
            min_exclusive: true,
            ..self
        }
    }

    /// With this page control.
    pub const fn control(self, control: Control) -> Setting {
        Setting { control, ..self }
    }

    /// Carried by links.
    pub const fn link(self) -> Setting {
        Setting { link: true, ..self }
    }

    /// Taken by the JS API's config object.
    pub const fn api(self) -> Setting {
        Setting { api: true, ..self }
    }

    /// With a CLI flag (`--flag`).
    pub const fn cli(self, flag: &'static str) -> Setting {
        Setting {
            cli: Some(flag),
            ..self
        }
    }

    /// With another default on the command line.
    pub const fn cli_default(self, value: Value) -> Setting {
        Setting {
            cli_default: Some(value),
            ..self
        }
    }

    /// With no value by default: the page decides, as `text` says ("one per core").
    pub const fn unset(self, text: &'static str) -> Setting {
        Setting {
            default: Value::Unset(text),
            ..self
        }
    }

    /// With link aliases.
    pub const fn aliases(self, aliases: &'static [&'static str]) -> Setting {
        Setting { aliases, ..self }
    }

    /// Whether `key` names this setting (its key or an alias).
    pub fn is(&self, key: &str) -> bool {
        self.key == key || self.aliases.contains(&key)
    }
}

/// A named starting point for teaching (`preset=sgd-escapes`); explicit keys override it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Preset {
    /// The id used in links.
    pub id: &'static str,
    /// The title shown in the page.
    pub title: &'static str,
    /// The figure it opens.
    pub figure: Figure,
    /// The settings it changes from their defaults, as (key, value).
    pub values: &'static [(&'static str, Value)],
}

impl Preset {
    /// The preset with this id, if any.
    pub fn from_id(id: &str) -> Option<Preset> {
        Figure::ALL
            .iter()
            .flat_map(|f| f.presets())
            .find(|p| p.id == id)
            .copied()
    }

    /// All presets, in the order the page lists them (figure by figure).
    pub fn all() -> impl Iterator<Item = Preset> {
        Figure::ALL.iter().flat_map(|f| f.presets()).copied()
    }
}

/// The figures: the three experiments and the sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Figure {
    /// The 2-D two-basin experiment (paper Figure 2).
    Toy,
    /// The FashionMNIST experiment (paper Section 5.3).
    Fashion,
    /// The one-hidden-layer study (paper Figure 4).
    OneHiddenLayer,
    /// The escape fraction against the indicator while one setting of the 2-D experiment
    /// varies (src/sweep.rs).
    Sweep,
}

impl Figure {
    /// All four: the three experiments in page order, then the sweep (which the page shows
    /// after the 2-D figure).
    pub const ALL: [Figure; 4] = [
        Figure::Toy,
        Figure::Fashion,
        Figure::OneHiddenLayer,
        Figure::Sweep,
    ];

    /// The id in links, the CLI's subcommand, JSON and the page's folders.
    pub fn id(self) -> &'static str {
        match self {
            Figure::Toy => "toy",
            Figure::Fashion => "fashion",
            Figure::OneHiddenLayer => "one-hidden-layer",
            Figure::Sweep => "sweep",
        }
    }

    /// Other ids a link may use (`figure=ohl`).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Figure::OneHiddenLayer => &["ohl"],
            _ => &[],
        }
    }

    /// The figure with this id or alias.
    pub fn from_id(id: &str) -> Option<Figure> {
        Figure::ALL
            .into_iter()
            .find(|f| f.id() == id || f.aliases().contains(&id))
    }

    /// Its heading.
    pub fn title(self) -> &'static str {
        match self {
            Figure::Toy => "Escaping a sharp minimum in 2-D (paper Figure 2)",
            Figure::Fashion => "FashionMNIST with corrupted labels (paper Section 5.3)",
            Figure::OneHiddenLayer => {
                "The indicator while a one-hidden-layer net trains (paper Figure 4)"
            }
            Figure::Sweep => "The sweep: escape rate against the indicator Tr(HΣ)",
        }
    }

    /// Its settings, in the order a link writes them.
    pub fn settings(self) -> &'static [Setting] {
        match self {
            Figure::Toy => &toy::SETTINGS,
            Figure::Fashion => &fashion::SETTINGS,
            Figure::OneHiddenLayer => &one_hidden_layer::SETTINGS,
            Figure::Sweep => &sweep::SETTINGS,
        }
    }

    /// Its presets.
    pub fn presets(self) -> &'static [Preset] {
        match self {
            Figure::Toy => &toy::PRESETS,
            Figure::Fashion => &fashion::PRESETS,
            Figure::OneHiddenLayer => &one_hidden_layer::PRESETS,
            Figure::Sweep => &sweep::PRESETS,
        }
    }

    /// The parts an embed of it may show (`controls=lr,noiseTrace`).
    pub fn parts(self) -> &'static [&'static str] {
        match self {
            Figure::Toy => &toy::PARTS,
            Figure::Fashion => &fashion::PARTS,
            Figure::OneHiddenLayer => &one_hidden_layer::PARTS,
            Figure::Sweep => &sweep::PARTS,
        }
    }

    /// Its setting with this key (or alias), if any.
    pub fn setting(self, key: &str) -> Option<&'static Setting> {
        self.settings().iter().find(|s| s.is(key))
    }

    /// Its link setting `key`, or an error naming the key and listing the link's keys.
    pub fn link_setting(self, key: &str) -> Result<&'static Setting, crate::config::ConfigError> {
        self.settings()
            .iter()
            .find(|s| s.link && s.key == key)
            .ok_or_else(|| crate::config::ConfigError {
                field: key.to_string(),
                message: format!(
                    "is not a setting of the {} figure, whose keys are {}",
                    self.id(),
                    self.link_keys().join(", ")
                ),
            })
    }

    /// The keys of its settings a link carries, in link order.
    pub fn link_keys(self) -> Vec<&'static str> {
        self.settings()
            .iter()
            .filter(|s| s.link)
            .map(|s| s.key)
            .collect()
    }

    /// The keys its JS API config object takes.
    pub fn api_keys(self) -> Vec<&'static str> {
        self.settings()
            .iter()
            .filter(|s| s.api)
            .map(|s| s.key)
            .collect()
    }

    /// The error for a key its API does not take.
    pub fn unknown_api_key(self, key: &str) -> crate::config::ConfigError {
        crate::config::ConfigError {
            field: key.to_string(),
            message: format!(
                "is not a setting; the settings are {}",
                self.api_keys().join(", ")
            ),
        }
    }

    /// Its API setting `key`, or the error naming the key and listing the settings.
    pub fn api_setting(self, key: &str) -> Result<&'static Setting, crate::config::ConfigError> {
        self.settings()
            .iter()
            .find(|s| s.api && s.key == key)
            .ok_or_else(|| self.unknown_api_key(key))
    }
}

/// The page-level link key with this name (or alias), if any.
pub fn page_key(key: &str) -> Option<&'static Setting> {
    PAGE_KEYS.iter().find(|s| s.is(key))
}

#[cfg(test)]
mod tests;
