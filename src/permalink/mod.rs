//! The URL-hash schema of the page: every control of each figure, its seed and its play
//! state as `#figure=toy&lr=0.005&methods=gd,sgd&seed=3&play=1...`; the keys of the
//! FashionMNIST and one-hidden-layer figures (`figure=fashion`, `figure=ohl`) are in [`later`].
//!
//! A shared link is input from a stranger, so [`parse`] is total: it never panics, reads at most
//! [`MAX_HASH_CHARS`] characters and [`MAX_PAIRS`] pairs, ignores unknown keys with a warning,
//! and replaces a bad value by its default with a [`Notice`] naming the key and its allowed
//! range. The simulation settings go through the same checks as [`ToyConfig::from_fields`]
//! (the ranges live in `config.rs`) and the experiments' own setters, so the link and the JS API
//! accept exactly the same values. A link describes one figure: keys of another figure are
//! ignored with a warning.
//! [`to_hash`] writes the canonical form back; `parse(&to_hash(p))` gives `p` again.

use crate::config::{
    check_integer, parse_methods, parse_seed, ConfigError, FieldValue, ToyConfig,
    DATA_SPREAD_RANGE, LR_RANGE, MAX_RUNS, MAX_SAMPLES, NOISE_TRACE_RANGE,
};
use crate::noise::Method;
use serde::Serialize;

pub mod later;

pub use later::{FashionLink, OhlLink, FASHION_CONTROLS, OHL_CONTROLS};

/// Longest hash read; the rest is ignored (with a notice).
pub const MAX_HASH_CHARS: usize = 16_384;
/// Most `key=value` pairs read; the rest are ignored (with a notice).
pub const MAX_PAIRS: usize = 256;
/// Most warnings about unknown keys listed one by one.
const MAX_WARNINGS: usize = 16;
/// Longest stretch of a value quoted back in a message.
const MAX_QUOTED_CHARS: usize = 40;
/// Largest "pause at" iteration.
pub const MAX_ITERATIONS: u64 = 10_000_000;
/// Speed range, iterations per frame.
pub const MAX_SPEED: u64 = 50;
/// Most simulation workers a link may ask for.
pub const MAX_WORKERS: u64 = 8;
/// Default "pause at" iteration: the paper's 500.
pub const DEFAULT_ITERATIONS: u64 = 500;
/// Default speed, iterations per frame.
pub const DEFAULT_SPEED: u64 = 2;

/// Which figure a link shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Figure {
    /// The 2-D two-basin experiment (paper Figure 2).
    Toy,
    /// The FashionMNIST experiment (paper Section 5.3); its keys: [`later::FASHION_LINK_KEYS`].
    Fashion,
    /// The one-hidden-layer study (paper Figure 4); its keys: [`later::OHL_LINK_KEYS`].
    Ohl,
}

impl Figure {
    const ALL: [Figure; 3] = [Figure::Toy, Figure::Fashion, Figure::Ohl];

    /// The id used in the hash.
    pub fn id(self) -> &'static str {
        match self {
            Figure::Toy => "toy",
            Figure::Fashion => "fashion",
            Figure::Ohl => "ohl",
        }
    }

    /// The parts an embed of this figure may show (`controls=...`).
    pub fn controls(self) -> &'static [&'static str] {
        match self {
            Figure::Toy => &CONTROLS,
            Figure::Fashion => &FASHION_CONTROLS,
            Figure::Ohl => &OHL_CONTROLS,
        }
    }

    /// The setting keys of this figure (besides the shared `figure`, `preset`, `play`,
    /// `autoplay`, `controls` and `lecture`).
    pub fn setting_keys(self) -> &'static [&'static str] {
        match self {
            Figure::Toy => &TOY_LINK_KEYS,
            Figure::Fashion => &later::FASHION_LINK_KEYS,
            Figure::Ohl => &later::OHL_LINK_KEYS,
        }
    }
}

/// The setting keys of the 2-D figure.
const TOY_LINK_KEYS: [&str; 13] = [
    "methods",
    "runs",
    "lr",
    "noiseTrace",
    "batchSize",
    "samples",
    "dataSpread",
    "seed",
    "iterations",
    "speed",
    "hide",
    "workers",
    "play",
];

/// The controls an embed of the 2-D figure may show (`controls=lr,noiseTrace`); the names are
/// the hash keys.
pub const CONTROLS: [&str; 14] = [
    "lr",
    "noiseTrace",
    "runs",
    "batchSize",
    "samples",
    "dataSpread",
    "seed",
    "methods",
    "speed",
    "iterations",
    "presets",
    "indicator",
    "link",
    "export",
];

/// A named starting point for teaching (`preset=sgd-escapes`); explicit keys override it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Preset {
    /// The id used in the hash.
    pub id: &'static str,
    /// The title shown in the page.
    pub title: &'static str,
    /// The figure it opens.
    pub figure: Figure,
}

/// The presets, in the order the page lists them.
pub const PRESETS: [Preset; 6] = [
    Preset {
        id: "paper-figure-2",
        title: "Paper Figure 2: eight noises, one sharp minimum",
        figure: Figure::Toy,
    },
    Preset {
        id: "sgd-escapes",
        title: "When does SGD escape? (data spread 0.1)",
        figure: Figure::Toy,
    },
    Preset {
        id: "shape-not-size",
        title: "Shape, not size: isotropic against aligned noise",
        figure: Figure::Toy,
    },
    Preset {
        id: "too-hot",
        title: "Too much noise: everything escapes",
        figure: Figure::Toy,
    },
    Preset {
        id: "paper-figure-4",
        title: "Paper Figure 4: Tr(HΣ) during training, all 31 epochs",
        figure: Figure::Ohl,
    },
    Preset {
        id: "fashion-5-3",
        title: "FashionMNIST 5.3: eight dynamics to iteration 15,000",
        figure: Figure::Fashion,
    },
];

impl Preset {
    /// The preset with this id, if any.
    pub fn from_id(id: &str) -> Option<Preset> {
        PRESETS.into_iter().find(|p| p.id == id)
    }

    /// The 2-D settings this preset starts from (the paper's for the other figures).
    pub fn toy_config(self) -> ToyConfig {
        let paper = ToyConfig::default();
        match self.id {
            // tests/toy.rs: with data spread 0.1 SGD's own noise reaches the GLD noise's size,
            // and about 45% of SGD runs escape in 500 iterations against ~3% of GLD dynamic.
            "sgd-escapes" => ToyConfig {
                methods: vec![Method::Gd, Method::GldDynamic, Method::Sgd],
                data_spread: 0.1,
                seed: 77,
                ..paper
            },
            "shape-not-size" => ToyConfig {
                methods: vec![Method::GldConst, Method::GldEigvec],
                ..paper
            },
            "too-hot" => ToyConfig {
                noise_trace: 0.1,
                ..paper
            },
            _ => paper,
        }
    }

    /// The FashionMNIST settings this preset starts from (the page's defaults for the others).
    pub fn fashion_link(self) -> FashionLink {
        match self.id {
            "fashion-5-3" => FashionLink::paper(),
            _ => FashionLink::default(),
        }
    }

    /// The one-hidden-layer settings this preset starts from (the paper's protocol at epoch 0
    /// for the others).
    pub fn ohl_link(self) -> OhlLink {
        match self.id {
            "paper-figure-4" => OhlLink::paper(),
            _ => OhlLink::default(),
        }
    }
}

/// A bad value in a link: the key, and what was wrong and what is used instead.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Notice {
    /// The hash key.
    pub key: String,
    /// A sentence naming the key, what it must be, what it was, and the value used instead.
    pub message: String,
}

/// Everything a link says, with every value valid.
#[derive(Clone, Debug, PartialEq)]
pub struct Permalink {
    /// The figure shown.
    pub figure: Figure,
    /// The preset the link started from, if any.
    pub preset: Option<Preset>,
    /// The 2-D simulation settings (validated together, as the JS API would).
    pub toy: ToyConfig,
    /// The FashionMNIST figure's settings.
    pub fashion: FashionLink,
    /// The one-hidden-layer figure's settings.
    pub ohl: OhlLink,
    /// "Pause at" iteration.
    pub iterations: u64,
    /// Iterations per animation frame.
    pub speed: u64,
    /// Whether the figure plays at load.
    pub play: bool,
    /// Methods simulated but hidden in the legend.
    pub hide: Vec<Method>,
    /// The controls an embed shows (`None`: all of them).
    pub controls: Option<Vec<&'static str>>,
    /// Lecture mode (large type, high contrast, keyboard).
    pub lecture: bool,
    /// Simulation workers (`None`: one per core, at most one per method).
    pub workers: Option<u64>,
    /// Bad values that fell back to their defaults, for the page to show.
    pub notices: Vec<Notice>,
    /// Unknown or repeated keys, for the console.
    pub warnings: Vec<String>,
}

impl Default for Permalink {
    fn default() -> Self {
        Permalink {
            figure: Figure::Toy,
            preset: None,
            toy: ToyConfig::default(),
            fashion: FashionLink::default(),
            ohl: OhlLink::default(),
            iterations: DEFAULT_ITERATIONS,
            speed: DEFAULT_SPEED,
            play: false,
            hide: Vec::new(),
            controls: None,
            lecture: false,
            workers: None,
            notices: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// The keys of the schema, every figure's (the 2-D figure's in the order [`to_hash`] writes
/// them, then those only the later figures have).
pub const KEYS: [&str; 24] = [
    "figure",
    "preset",
    "methods",
    "runs",
    "lr",
    "noiseTrace",
    "batchSize",
    "samples",
    "dataSpread",
    "seed",
    "iterations",
    "speed",
    "play",
    "autoplay",
    "hide",
    "controls",
    "lecture",
    "workers",
    "logEvery",
    "maxRecords",
    "fromScratch",
    "spectrum",
    "epochs",
    "epoch",
];

/// Decodes `%XX` escapes and `+` (as a space); bad escapes stay as they are, and invalid UTF-8
/// becomes U+FFFD.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes everything but unreserved characters and `,` (as `encodeURIComponent` would, but
/// keeping commas readable).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A value cut to [`MAX_QUOTED_CHARS`] characters for a message.
pub(crate) fn cut(s: &str) -> String {
    let mut out: String = s.chars().take(MAX_QUOTED_CHARS).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// A value quoted for a message, cut to [`MAX_QUOTED_CHARS`] characters.
pub(crate) fn quote(s: &str) -> String {
    format!("{:?}", cut(s))
}

/// A hash value as the config parser reads it: a number when it reads as one, else text.
pub(crate) fn number_value(raw: &str) -> FieldValue {
    match raw.trim().parse::<f64>() {
        Ok(x) if !raw.trim().is_empty() => FieldValue::Number(x),
        _ => FieldValue::Text(cut(raw)),
    }
}

/// A comma-separated list, as the config parser reads it.
pub(crate) fn list_value(raw: &str) -> FieldValue {
    if raw.trim().is_empty() {
        return FieldValue::List(Vec::new());
    }
    FieldValue::List(
        raw.split(',')
            .map(|s| FieldValue::Text(s.trim().to_string()))
            .collect(),
    )
}

pub(crate) fn parse_bool(key: &str, raw: &str) -> Result<bool, ConfigError> {
    match raw.trim() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::new(key, "1 or 0", &quote(raw))),
    }
}

fn parse_controls(figure: Figure, key: &str, raw: &str) -> Result<Vec<&'static str>, ConfigError> {
    let all = figure.controls();
    let mut out = Vec::new();
    for name in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match all.iter().find(|c| **c == name) {
            Some(c) if !out.contains(c) => out.push(*c),
            Some(_) => {}
            None => {
                return Err(ConfigError::new(
                    key,
                    &format!(
                        "a comma-separated list from {} (the {} figure's)",
                        all.join(", "),
                        figure.id()
                    ),
                    &quote(name),
                ))
            }
        }
    }
    Ok(out)
}

fn parse_hide(key: &str, raw: &str) -> Result<Vec<Method>, ConfigError> {
    if raw.trim().is_empty() {
        return Ok(Vec::new());
    }
    parse_methods(key, &list_value(raw))
}

fn default_text(figure: Figure, key: &str) -> String {
    let later = match figure {
        Figure::Toy => None,
        Figure::Fashion => FashionLink::default().value_text(key),
        Figure::Ohl => OhlLink::default().value_text(key),
    };
    if let Some(text) = later {
        return text;
    }
    let p = Permalink::default();
    let c = &p.toy;
    match key {
        "figure" => "toy".into(),
        "preset" => "none".into(),
        "methods" => "all eight".into(),
        "runs" => c.runs.to_string(),
        "lr" => c.lr.to_string(),
        "noiseTrace" => c.noise_trace.to_string(),
        "batchSize" => c.batch_size.to_string(),
        "samples" => c.samples.to_string(),
        "dataSpread" => c.data_spread.to_string(),
        "seed" => c.seed.to_string(),
        "iterations" => p.iterations.to_string(),
        "speed" => p.speed.to_string(),
        "play" | "autoplay" | "lecture" => "0".into(),
        "hide" => "none".into(),
        "controls" => "all".into(),
        "workers" => "one per core".into(),
        _ => "the default".into(),
    }
}

fn parse_figure(key: &str, raw: &str) -> Result<Figure, ConfigError> {
    Figure::ALL
        .into_iter()
        .find(|f| f.id() == raw.trim())
        .ok_or_else(|| ConfigError::new(key, "one of toy, fashion, ohl", &quote(raw)))
}

/// Reads one `key=value` pair into `p`; `Ok(false)` for a key that is not the figure's.
fn apply(p: &mut Permalink, key: &str, raw: &str) -> Result<bool, ConfigError> {
    match key {
        "figure" | "preset" => return Ok(true), // read first, by `parse`
        "play" | "autoplay" => p.play = parse_bool(key, raw)?,
        "lecture" => p.lecture = parse_bool(key, raw)?,
        "controls" => p.controls = Some(parse_controls(p.figure, key, raw)?),
        "hide" if p.figure != Figure::Ohl => p.hide = parse_hide(key, raw)?,
        _ => {
            return match p.figure {
                Figure::Toy => apply_toy(p, key, raw),
                Figure::Fashion => p.fashion.apply(key, raw),
                Figure::Ohl => p.ohl.apply(key, raw),
            }
        }
    }
    Ok(true)
}

/// Reads one key of the 2-D figure into `p`; `Ok(false)` for a key that is not its.
fn apply_toy(p: &mut Permalink, key: &str, raw: &str) -> Result<bool, ConfigError> {
    let t = &mut p.toy;
    match key {
        "methods" => t.methods = parse_methods(key, &list_value(raw))?,
        "runs" => t.runs = check_integer(key, &number_value(raw), 1, MAX_RUNS)? as usize,
        "lr" => t.lr = LR_RANGE.check(key, &number_value(raw))?,
        "noiseTrace" => t.noise_trace = NOISE_TRACE_RANGE.check(key, &number_value(raw))?,
        "batchSize" => {
            t.batch_size = check_integer(key, &number_value(raw), 1, MAX_SAMPLES)? as usize
        }
        "samples" => t.samples = check_integer(key, &number_value(raw), 1, MAX_SAMPLES)? as usize,
        "dataSpread" => t.data_spread = DATA_SPREAD_RANGE.check(key, &number_value(raw))?,
        "seed" => t.seed = parse_seed(key, &number_value(raw))?,
        "iterations" => p.iterations = check_integer(key, &number_value(raw), 1, MAX_ITERATIONS)?,
        "speed" => p.speed = check_integer(key, &number_value(raw), 1, MAX_SPEED)?,
        "workers" => p.workers = Some(check_integer(key, &number_value(raw), 1, MAX_WORKERS)?),
        _ => return Ok(false),
    }
    Ok(true)
}

/// Resets the 2-D setting an error names to its default.
fn reset_toy_field(c: &mut ToyConfig, field: &str, defaults: &ToyConfig) {
    match field {
        "runs" => c.runs = defaults.runs,
        "batchSize" => c.batch_size = defaults.batch_size,
        "samples" => c.samples = defaults.samples,
        _ => *c = defaults.clone(),
    }
}

/// Splits a hash (with or without its leading `#`) into decoded pairs, with notices for what
/// was cut off.
fn pairs(hash: &str, notices: &mut Vec<Notice>) -> Vec<(String, String)> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let mut text = hash;
    if hash.len() > MAX_HASH_CHARS {
        let mut end = MAX_HASH_CHARS;
        while !hash.is_char_boundary(end) {
            end -= 1;
        }
        text = &hash[..end];
        notices.push(Notice {
            key: "link".into(),
            message: format!(
                "the link is {} characters long; only the first {MAX_HASH_CHARS} were read",
                hash.len()
            ),
        });
    }
    let all: Vec<&str> = text.split('&').filter(|s| !s.is_empty()).collect();
    if all.len() > MAX_PAIRS {
        notices.push(Notice {
            key: "link".into(),
            message: format!(
                "the link has {} settings; only the first {MAX_PAIRS} were read",
                all.len()
            ),
        });
    }
    all.into_iter()
        .take(MAX_PAIRS)
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Parses a URL hash into a valid [`Permalink`]. Never panics; see the module docs.
pub fn parse(hash: &str) -> Permalink {
    let mut p = Permalink::default();
    let pairs = pairs(hash, &mut p.notices);
    let mut unknown = 0usize;
    let mut seen: Vec<&str> = Vec::new();
    let mut warn = |p: &mut Permalink, text: String| {
        unknown += 1;
        if unknown <= MAX_WARNINGS {
            p.warnings.push(text);
        }
    };
    // A preset goes first, whatever its place: explicit keys override it.
    if let Some((_, raw)) = pairs.iter().rev().find(|(k, _)| k == "preset") {
        match Preset::from_id(raw.trim()) {
            Some(preset) => {
                p.preset = Some(preset);
                p.figure = preset.figure;
                p.toy = preset.toy_config();
                p.fashion = preset.fashion_link();
                p.ohl = preset.ohl_link();
            }
            None => {
                let ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
                let e =
                    ConfigError::new("preset", &format!("one of {}", ids.join(", ")), &quote(raw));
                p.notices.push(Notice {
                    key: "preset".into(),
                    message: format!("{e}; using none"),
                });
            }
        }
    }
    // Then the figure, which decides what the other keys mean.
    if let Some((_, raw)) = pairs.iter().rev().find(|(k, _)| k == "figure") {
        match parse_figure("figure", raw) {
            Ok(f) => p.figure = f,
            Err(e) => {
                let text = format!("{e}; using {}", p.figure.id());
                p.notices.push(Notice {
                    key: "figure".into(),
                    message: text,
                });
            }
        }
    }
    let base = p.toy.clone();
    let (base_fashion, base_ohl) = (p.fashion.clone(), p.ohl.clone());
    for (key, raw) in &pairs {
        if let Some(k) = KEYS.iter().find(|k| **k == key.as_str()) {
            if seen.contains(k) && *k != "preset" {
                warn(
                    &mut p,
                    format!("`{k}` is given more than once; the last value is used"),
                );
            }
            seen.push(k);
        }
        match apply(&mut p, key, raw) {
            Ok(true) => {}
            Ok(false) if KEYS.contains(&key.as_str()) => {
                let figure = p.figure;
                warn(
                    &mut p,
                    format!(
                        "ignored `{key}`: it is not a setting of the {} figure, whose keys are {}",
                        figure.id(),
                        figure.setting_keys().join(", ")
                    ),
                )
            }
            Ok(false) => warn(
                &mut p,
                format!(
                    "ignored unknown key {}; the keys are {}",
                    quote(key),
                    KEYS.join(", ")
                ),
            ),
            Err(e) => {
                // A bad value of a later figure's key puts back the base value (the default, or
                // the preset's), even over an earlier good value of the same key.
                let later = match p.figure {
                    Figure::Toy => None,
                    Figure::Fashion => {
                        p.fashion.restore(key, &base_fashion);
                        base_fashion.value_text(key)
                    }
                    Figure::Ohl => {
                        p.ohl.restore(key, &base_ohl);
                        base_ohl.value_text(key)
                    }
                };
                let used = later.unwrap_or_else(|| default_text(p.figure, key));
                let text = format!("{e}; using {used}");
                p.notices.push(Notice {
                    key: key.clone(),
                    message: text,
                });
            }
        }
    }
    if unknown > MAX_WARNINGS {
        p.warnings.push(format!(
            "… and {} more unknown keys",
            unknown - MAX_WARNINGS
        ));
    }
    // The rules that tie settings together (batch size at most samples, a memory bound).
    for _ in 0..3 {
        match p.toy.validate() {
            Ok(()) => break,
            Err(e) => {
                let field = e.field.clone();
                reset_toy_field(&mut p.toy, &field, &base);
                p.notices.push(Notice {
                    key: field.clone(),
                    message: format!("{e}; using {}", default_text(Figure::Toy, &field)),
                });
            }
        }
    }
    if p.toy.validate().is_err() {
        p.toy = ToyConfig::default();
    }
    if let Err(e) = p.ohl.check() {
        p.notices.push(Notice {
            key: "epoch".into(),
            message: format!("{e}; using 0"),
        });
    }
    p
}

fn number_text(x: f64) -> String {
    // Rust prints the shortest string that reads back as the same f64.
    format!("{x}")
}

/// The canonical hash (without `#`) for `p`; every key is written, so a link keeps meaning the
/// same thing if the defaults ever change.
pub fn to_hash(p: &Permalink) -> String {
    let ids = |ms: &[Method]| ms.iter().map(|m| m.id()).collect::<Vec<_>>().join(",");
    let mut out = vec![("figure", p.figure.id().to_string())];
    if let Some(preset) = p.preset {
        out.push(("preset", preset.id.to_string()));
    }
    match p.figure {
        Figure::Toy => out.extend(toy_pairs(p)),
        Figure::Fashion => {
            out.extend(p.fashion.pairs());
            out.push(("play", u8::from(p.play).to_string()));
        }
        Figure::Ohl => {
            out.extend(p.ohl.pairs());
            out.push(("play", u8::from(p.play).to_string()));
        }
    }
    if !p.hide.is_empty() && p.figure != Figure::Ohl {
        out.push(("hide", ids(&p.hide)));
    }
    if let Some(controls) = &p.controls {
        out.push(("controls", controls.join(",")));
    }
    if p.lecture {
        out.push(("lecture", "1".into()));
    }
    if let (Some(w), Figure::Toy) = (p.workers, p.figure) {
        out.push(("workers", w.to_string()));
    }
    out.iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The 2-D figure's settings as `key=value` pairs (unencoded).
fn toy_pairs(p: &Permalink) -> Vec<(&'static str, String)> {
    let c = &p.toy;
    let ids = |ms: &[Method]| ms.iter().map(|m| m.id()).collect::<Vec<_>>().join(",");
    vec![
        ("methods", ids(&c.methods)),
        ("runs", c.runs.to_string()),
        ("lr", number_text(c.lr)),
        ("noiseTrace", number_text(c.noise_trace)),
        ("batchSize", c.batch_size.to_string()),
        ("samples", c.samples.to_string()),
        ("dataSpread", number_text(c.data_spread)),
        ("seed", c.seed.to_string()),
        ("iterations", p.iterations.to_string()),
        ("speed", p.speed.to_string()),
        ("play", u8::from(p.play).to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_hash_is_the_papers_protocol() {
        for h in ["", "#", "#&&", "&"] {
            let p = parse(h);
            assert_eq!(p, Permalink::default(), "{h:?}");
        }
    }

    #[test]
    fn every_key_is_read() {
        let p = parse(
            "#figure=toy&methods=sgd,gd&runs=7&lr=0.01&noiseTrace=0&batchSize=3&samples=5\
             &dataSpread=0.5&seed=4294967295&iterations=900&speed=50&play=1&hide=gd\
             &controls=lr,noiseTrace&lecture=1&workers=3",
        );
        assert!(p.notices.is_empty() && p.warnings.is_empty(), "{p:?}");
        assert_eq!(p.toy.methods, vec![Method::Gd, Method::Sgd]);
        assert_eq!((p.toy.runs, p.toy.batch_size, p.toy.samples), (7, 3, 5));
        assert_eq!(
            (p.toy.lr, p.toy.noise_trace, p.toy.data_spread),
            (0.01, 0.0, 0.5)
        );
        assert_eq!(p.toy.seed, u32::MAX);
        assert_eq!(
            (p.iterations, p.speed, p.play, p.lecture),
            (900, 50, true, true)
        );
        assert_eq!(p.hide, vec![Method::Gd]);
        assert_eq!(p.controls, Some(vec!["lr", "noiseTrace"]));
        assert_eq!(p.workers, Some(3));
    }

    #[test]
    fn hashes_round_trip() {
        let mut p = parse("#preset=sgd-escapes&lr=0.0123456789&hide=sgd&controls=lr&lecture=1");
        p.play = true;
        p.workers = Some(2);
        let again = parse(&to_hash(&p));
        assert_eq!(again, p);
        let d = Permalink::default();
        assert_eq!(parse(&to_hash(&d)), d);
    }

    #[test]
    fn bad_values_fall_back_to_the_default_with_a_notice_naming_the_key_and_range() {
        let cases = [
            ("lr", "-1", "(0, 1]"),
            ("lr", "abc", "(0, 1]"),
            ("lr", "NaN", "(0, 1]"),
            ("lr", "1e400", "(0, 1]"),
            ("noiseTrace", "11", "[0, 10]"),
            ("runs", "1.5", "1..=100000"),
            ("runs", "", "1..=100000"),
            ("seed", "-1", "0..=4294967295"),
            ("methods", "gd,adam", "gld-const"),
            ("methods", "", "non-empty"),
            ("iterations", "0", "1..=10000000"),
            ("speed", "51", "1..=50"),
            ("play", "maybe", "1 or 0"),
            ("figure", "bar", "toy, fashion, ohl"),
            ("controls", "lr,<b>", "noiseTrace"),
            ("workers", "99", "1..=8"),
            ("preset", "nope", "paper-figure-2"),
        ];
        for (key, value, range) in cases {
            let p = parse(&format!("{key}={}", percent_encode(value)));
            let d = Permalink::default();
            assert_eq!(p.toy, d.toy, "{key}={value}");
            assert_eq!(
                (p.iterations, p.speed, p.play),
                (d.iterations, d.speed, d.play)
            );
            assert_eq!(p.notices.len(), 1, "{key}={value}: {:?}", p.notices);
            let n = &p.notices[0];
            assert_eq!(n.key, key);
            assert!(n.message.contains(range), "{key}={value}: {}", n.message);
            assert!(n.message.contains("using"), "{}", n.message);
        }
    }

    #[test]
    fn settings_that_conflict_fall_back_with_a_notice() {
        let p = parse("samples=10&batchSize=20");
        assert_eq!((p.toy.samples, p.toy.batch_size), (10, 1));
        assert_eq!(p.notices[0].key, "batchSize");
        let p = parse("runs=100000&samples=10000");
        assert!(p.toy.validate().is_ok());
        assert_eq!(p.notices[0].key, "runs");
    }

    #[test]
    fn unknown_and_repeated_keys_are_warnings_and_bounded() {
        let p = parse("lr=0.01&colour=red&lr=0.02");
        assert_eq!(p.toy.lr, 0.02);
        assert!(p.notices.is_empty());
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
        let many: Vec<String> = (0..5000).map(|i| format!("k{i}=v")).collect();
        let p = parse(&many.join("&"));
        assert!(p.warnings.len() <= MAX_WARNINGS + 1);
        assert_eq!(p.notices.len(), 2, "{:?}", p.notices); // too long, too many pairs
        assert_eq!(p.toy, ToyConfig::default());
    }

    #[test]
    fn hostile_text_is_quoted_short_and_never_panics() {
        let huge = "9".repeat(100_000);
        for h in [
            format!("lr={huge}"),
            "lr=%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
            "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E=1".to_string(),
            "lr=%E2%82".to_string(),
            "lr=%".to_string(),
            "lr=%zz&seed=%ff%fe".to_string(),
            "=&==&=1&a==b".to_string(),
            "é=ü&lr=ß".repeat(3000),
        ] {
            let p = parse(&h);
            for n in &p.notices {
                assert!(n.message.chars().count() < 400, "{}", n.message);
            }
            assert!(p.toy.validate().is_ok());
        }
        assert_eq!(percent_decode("a%20b+c%zz%4"), "a b c%zz%4");
    }

    #[test]
    fn presets_expand_and_explicit_keys_override_them() {
        let p = parse("seed=5&preset=sgd-escapes");
        assert_eq!(p.preset.map(|x| x.id), Some("sgd-escapes"));
        assert_eq!(p.toy.data_spread, 0.1);
        assert_eq!(p.toy.seed, 5);
        for preset in PRESETS {
            assert!(preset.toy_config().validate().is_ok(), "{}", preset.id);
            let q = parse(&format!("preset={}", preset.id));
            assert_eq!(q.figure, preset.figure);
            assert!(q.notices.is_empty());
        }
    }

    #[test]
    fn the_sgd_escapes_preset_lets_real_sgd_escape() {
        use crate::dynamics::ToyEnsemble;
        let config = Preset::from_id("sgd-escapes").unwrap().toy_config();
        let mut e = ToyEnsemble::new(config);
        e.step(DEFAULT_ITERATIONS);
        let sgd = e.escaped_count(Method::Sgd).unwrap();
        let dynamic = e.escaped_count(Method::GldDynamic).unwrap();
        // ~45% against ~3% (tests/toy.rs); 100 runs: binomial sd about 5%.
        assert!(
            sgd >= 25 && dynamic <= 12,
            "SGD {sgd}, GLD dynamic {dynamic}"
        );
        assert_eq!(e.escaped_count(Method::Gd), Some(0));
    }

    #[test]
    fn the_page_lists_the_same_keys_and_controls() {
        // The page lays out embeds before wasm loads, so it keeps copies of these two lists;
        // this keeps them equal to the schema.
        let link = include_str!("../../www/lib/link.js");
        let toy = include_str!("../../www/figures/toy/model.js");
        let list = |text: &str, marker: &str| -> Vec<String> {
            let start = text.find(marker).expect(marker) + marker.len();
            let end = start + text[start..].find(']').unwrap();
            text[start..end]
                .split(',')
                .map(|s| s.trim().trim_matches('\'').to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        assert_eq!(list(link, "const KEYS = ["), KEYS.to_vec());
        assert_eq!(list(toy, "const CONTROL_NAMES = ["), CONTROLS.to_vec());
        let fashion = include_str!("../../www/figures/fashion/model.js");
        assert_eq!(
            list(fashion, "const FASHION_CONTROLS = ["),
            FASHION_CONTROLS.to_vec()
        );
        let ohl = include_str!("../../www/figures/one-hidden-layer/model.js");
        assert_eq!(list(ohl, "const OHL_CONTROLS = ["), OHL_CONTROLS.to_vec());
    }

    #[test]
    fn every_fashion_key_is_read_and_round_trips() {
        let p = parse(
            "#figure=fashion&methods=sgd,gd&seed=7&iterations=2500&logEvery=50&maxRecords=64\
             &workers=3&fromScratch=1&spectrum=gld-hessian&play=1&hide=gd&controls=settings,export\
             &lecture=1",
        );
        assert!(p.notices.is_empty() && p.warnings.is_empty(), "{p:?}");
        assert_eq!(p.figure, Figure::Fashion);
        let f = &p.fashion;
        assert_eq!(f.settings.methods, vec![Method::Gd, Method::Sgd]);
        assert_eq!(f.settings.config.seed, 7);
        assert_eq!((f.iterations, f.settings.log_every), (2500, 50));
        assert_eq!(f.settings.max_records, 64);
        assert_eq!((f.workers, f.from_scratch), (Some(3), true));
        assert_eq!(f.spectrum, Some(Method::GldHessian));
        assert_eq!((p.play, p.lecture), (true, true));
        assert_eq!(p.hide, vec![Method::Gd]);
        assert_eq!(p.controls, Some(vec!["settings", "export"]));
        // The 2-D settings are untouched by the shared keys of another figure.
        assert_eq!(p.toy, ToyConfig::default());
        assert_eq!(parse(&to_hash(&p)), p);
        let d = parse("figure=fashion");
        assert_eq!(d.fashion, FashionLink::default());
        assert_eq!(parse(&to_hash(&d)), d);
    }

    #[test]
    fn every_ohl_key_is_read_and_round_trips() {
        let p = parse(
            "figure=ohl&seed=9&epochs=12&samples=200&lr=0.002&epoch=5&play=1&controls=boundary",
        );
        assert!(p.notices.is_empty() && p.warnings.is_empty(), "{p:?}");
        let c = &p.ohl.config;
        assert_eq!((c.seed, c.epochs, c.samples, c.lr), (9, 12, 200, 0.002));
        assert_eq!(
            c.decay_start, 12,
            "the decay starts at the last epoch when there are fewer than 21"
        );
        assert_eq!(p.ohl.epoch, 5);
        assert_eq!(parse(&to_hash(&p)), p);
        let d = parse("figure=ohl");
        assert_eq!(d.ohl, OhlLink::default());
        assert_eq!(parse(&to_hash(&d)), d);
    }

    #[test]
    fn later_figures_use_the_experiments_ranges_and_name_key_and_range() {
        use crate::experiments::fashion_session::{MAX_LOG_EVERY, MAX_RECORDS_RANGE};
        use crate::experiments::one_hidden_layer::{MAX_EPOCHS, SAMPLES_RANGE};
        let cases = [
            (
                "fashion",
                "logEvery",
                "0".to_string(),
                format!("1..={MAX_LOG_EVERY}"),
            ),
            (
                "fashion",
                "logEvery",
                (MAX_LOG_EVERY + 1).to_string(),
                format!("1..={MAX_LOG_EVERY}"),
            ),
            (
                "fashion",
                "maxRecords",
                "2".into(),
                format!("{}..={}", MAX_RECORDS_RANGE.0, MAX_RECORDS_RANGE.1),
            ),
            ("fashion", "seed", "-3".into(), "0..=4294967295".into()),
            (
                "fashion",
                "methods",
                "gd,gd".into(),
                "distinct method ids".into(),
            ),
            (
                "fashion",
                "iterations",
                "100001".into(),
                "1..=100000".into(),
            ),
            ("fashion", "workers", "0".into(), "1..=8".into()),
            ("fashion", "fromScratch", "2".into(), "1 or 0".into()),
            ("fashion", "spectrum", "adam".into(), "gld-eigvec".into()),
            ("fashion", "controls", "lr".into(), "settings, paper".into()),
            ("ohl", "epochs", "0".into(), format!("1..={MAX_EPOCHS}")),
            (
                "ohl",
                "samples",
                "9".into(),
                format!("{}..={}", SAMPLES_RANGE.0, SAMPLES_RANGE.1),
            ),
            ("ohl", "lr", "2".into(), "(0, 1]".into()),
            ("ohl", "seed", "x".into(), "0..=4294967295".into()),
            ("ohl", "epoch", "1.5".into(), format!("0..={MAX_EPOCHS}")),
            ("ohl", "epoch", "32".into(), "0..=31".into()),
            (
                "ohl",
                "controls",
                "export,x".into(),
                "boundary, link, export".into(),
            ),
        ];
        for (figure, key, value, range) in cases {
            let p = parse(&format!("figure={figure}&{key}={}", percent_encode(&value)));
            assert_eq!(
                p.notices.len(),
                1,
                "{figure} {key}={value}: {:?}",
                p.notices
            );
            let n = &p.notices[0];
            assert_eq!(n.key, key);
            assert!(n.message.contains(&range), "{key}={value}: {}", n.message);
            assert!(n.message.contains("using"), "{}", n.message);
            assert_eq!(p.fashion, FashionLink::default(), "{key}={value}");
            assert_eq!(p.ohl, OhlLink::default(), "{key}={value}");
        }
    }

    #[test]
    fn a_bad_value_of_a_later_figure_puts_back_the_base_value_it_names() {
        let p = parse("figure=fashion&logEvery=10&logEvery=0");
        assert_eq!(p.fashion.settings.log_every, 100);
        assert!(
            p.notices[0].message.ends_with("using 100"),
            "{:?}",
            p.notices
        );
        let p = parse("preset=fashion-5-3&iterations=0");
        assert_eq!(p.fashion.iterations, 15_000);
        assert!(
            p.notices[0].message.ends_with("using 15000"),
            "{:?}",
            p.notices
        );
        let p = parse("figure=ohl&epochs=10&epochs=x&epoch=25");
        assert_eq!((p.ohl.config.epochs, p.ohl.epoch), (31, 25));
        assert_eq!(p.ohl.config.decay_start, 21);
    }

    #[test]
    fn keys_of_another_figure_are_warnings_not_changes() {
        let p = parse("figure=fashion&noiseTrace=0.5&epochs=3&runs=7");
        assert!(p.notices.is_empty());
        assert_eq!(p.warnings.len(), 3, "{:?}", p.warnings);
        assert!(p.warnings[0].contains("not a setting of the fashion figure"));
        assert_eq!(
            (p.toy.clone(), p.ohl.clone()),
            (ToyConfig::default(), OhlLink::default())
        );
        // Shared names mean the shown figure's setting: samples and lr of the study here.
        let p = parse("lr=0.5&samples=50&figure=ohl");
        assert_eq!((p.ohl.config.lr, p.ohl.config.samples), (0.5, 50));
        assert_eq!(p.toy, ToyConfig::default());
        let p = parse("figure=ohl&hide=gd");
        assert_eq!(p.warnings.len(), 1);
    }

    #[test]
    fn presets_of_the_later_figures_set_their_state() {
        let p = parse("preset=fashion-5-3");
        assert_eq!(p.figure, Figure::Fashion);
        assert_eq!(p.fashion.settings.methods, Method::ALL.to_vec());
        assert_eq!(
            (p.fashion.iterations, p.fashion.settings.log_every),
            (15_000, 500)
        );
        assert_eq!(p.fashion.settings.config.seed, 0);
        assert_eq!(parse(&to_hash(&p)), p);
        let q = parse("preset=fashion-5-3&iterations=3000");
        assert_eq!(q.fashion.iterations, 3000);
        let p = parse("preset=paper-figure-4");
        assert_eq!(p.figure, Figure::Ohl);
        assert_eq!(
            p.ohl.config,
            crate::experiments::one_hidden_layer::OneHiddenLayerConfig::default()
        );
        assert_eq!(p.ohl.epoch, 31);
        assert_eq!(parse(&to_hash(&p)), p);
    }

    #[test]
    fn random_hashes_never_panic_and_always_give_a_valid_config() {
        // A cheap stand-in for the fuzz target: 3000 random hashes built from the schema's keys,
        // numbers, separators, escapes and non-ASCII text.
        let mut rng = crate::rng::Rng::for_stream(2019, &[]);
        let atoms: Vec<String> = KEYS
            .iter()
            .map(|k| k.to_string())
            .chain(
                [
                    "=",
                    "&",
                    "#",
                    ",",
                    "%",
                    "%2",
                    "%zz",
                    "%E2%82",
                    "+",
                    "-1",
                    "0",
                    "1",
                    "1.5",
                    "1e400",
                    "NaN",
                    "inf",
                    "0.005",
                    "4294967296",
                    "gd",
                    "sgd",
                    "gld-eigvec",
                    "lr,noiseTrace",
                    "fashion",
                    "ohl",
                    "toy",
                    "figure=fashion&",
                    "figure=ohl&",
                    "fashion-5-3",
                    "paper-figure-4",
                    "settings,export",
                    "é",
                    "<script>",
                    "\u{0}",
                    "99999999999999999999",
                ]
                .iter()
                .map(|s| s.to_string()),
            )
            .collect();
        for _ in 0..3000 {
            let n = rng.index(40);
            let hash: String = (0..n)
                .map(|_| atoms[rng.index(atoms.len())].as_str())
                .collect();
            let p = parse(&hash);
            assert!(p.toy.validate().is_ok(), "{hash:?}");
            assert!((1..=MAX_ITERATIONS).contains(&p.iterations), "{hash:?}");
            assert!((1..=MAX_SPEED).contains(&p.speed), "{hash:?}");
            // What the page writes back reads back the same, with nothing to report.
            let again = parse(&to_hash(&p));
            assert!(
                again.notices.is_empty() && again.warnings.is_empty(),
                "{hash:?}"
            );
            assert_eq!(again.toy, p.toy, "{hash:?}");
            assert_eq!(again.fashion, p.fashion, "{hash:?}");
            assert_eq!(again.ohl, p.ohl, "{hash:?}");
            assert_eq!(again.figure, p.figure, "{hash:?}");
            assert!(p.ohl.epoch <= p.ohl.config.epochs as u64, "{hash:?}");
        }
    }
}
