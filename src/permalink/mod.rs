//! The URL hash of the page: every setting of the figure shown, its preset and its play
//! state as `#figure=toy&lr=0.005&methods=gd,sgd&seed=3&play=1...`. Which keys a figure's
//! link has, their order, types, ranges and defaults all come from the schema
//! ([`crate::schema`]); each figure's state is in its own file ([`toy`], [`fashion`],
//! [`one_hidden_layer`], [`sweep`]) and is set through the experiments' own setters, so a link, the JS
//! API and the CLI accept exactly the same values.
//!
//! A shared link is input from a stranger, so [`parse`] is total: it never panics, reads at
//! most [`MAX_HASH_CHARS`] characters and [`MAX_PAIRS`] pairs, ignores unknown keys with a
//! warning, and replaces a bad value by its base value (the default, or the preset's) with a
//! [`Notice`] naming the key and its allowed range. A link describes one figure: keys of
//! another figure are ignored with a warning. `seed=random` becomes a concrete fresh seed, so
//! the page writes it back. [`to_hash`] writes the canonical form; `parse(&to_hash(p))` gives
//! `p` again.

mod encoding;
pub mod fashion;
pub mod one_hidden_layer;
pub mod sweep;
pub mod toy;

use crate::config::{ConfigError, FieldValue};
use crate::noise::Method;
use crate::schema::{applies, page_key, Kind, Setting, PAGE_KEYS};
pub use crate::schema::{Figure, Preset};
pub(crate) use encoding::{cut, quote};
use encoding::{describe, link_text, list_value, number_value, percent_decode, percent_encode};
pub use fashion::FashionLink;
pub use one_hidden_layer::OneHiddenLayerLink;
use serde::Serialize;
pub use sweep::SweepLink;
pub use toy::ToyLink;

/// Longest hash read; the rest is ignored (with a notice).
pub const MAX_HASH_CHARS: usize = 16_384;
/// Most `key=value` pairs read; the rest are ignored (with a notice).
pub const MAX_PAIRS: usize = 256;
/// Most warnings about unknown keys listed one by one.
const MAX_WARNINGS: usize = 16;

/// One figure's state in a link: set key by key through the schema, written back as the
/// fields the schema's link keys pick.
pub trait FigureLink: Clone + PartialEq {
    /// The figure.
    const FIGURE: Figure;

    /// Sets one of the figure's link keys after checking the value (the experiment's setter
    /// for its settings); on error nothing changes.
    fn set(&mut self, key: &str, value: &FieldValue) -> Result<(), ConfigError>;

    /// Unsets an optional key (one whose schema default is unset: the page decides).
    fn clear(&mut self, _key: &str) {}

    /// Every value that is set, by key (settings the link does not carry included).
    fn fields(&self) -> Vec<(String, FieldValue)>;

    /// The rules that tie keys together; the error names the key to put back.
    fn check(&self) -> Result<(), ConfigError> {
        Ok(())
    }

    /// The value of `key`, if set.
    fn get(&self, key: &str) -> Option<FieldValue> {
        self.fields()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Puts `key` back to its value in `base`.
    fn restore(&mut self, key: &str, base: &Self) {
        match base.get(key) {
            Some(v) => {
                let _ = self.set(key, &v);
            }
            None => self.clear(key),
        }
    }

    /// Mends the key a failed [`FigureLink::check`] names (by default: its base value).
    fn fix(&mut self, key: &str, base: &Self) {
        self.restore(key, base);
    }
}

/// Sets every link setting of `link`'s figure to its schema default.
pub(crate) fn set_defaults<L: FigureLink>(link: &mut L) {
    for s in L::FIGURE.settings().iter().filter(|s| s.link) {
        let value = s.default.field_value();
        if value != FieldValue::Null {
            // Every default is a valid value (schema::tests), so this never fails.
            let _ = link.set(s.key, &value);
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
    /// The 2-D figure's state.
    pub toy: ToyLink,
    /// The FashionMNIST figure's state.
    pub fashion: FashionLink,
    /// The one-hidden-layer figure's state.
    pub one_hidden_layer: OneHiddenLayerLink,
    /// The sweep figure's state.
    pub sweep: SweepLink,
    /// Whether the figure plays at load.
    pub play: bool,
    /// Methods simulated but hidden in the legend.
    pub hide: Vec<Method>,
    /// The parts an embed shows (`None`: all of them).
    pub controls: Option<Vec<&'static str>>,
    /// Lecture mode (large type, high contrast, keyboard).
    pub lecture: bool,
    /// Bad values that fell back to their base values, for the page to show.
    pub notices: Vec<Notice>,
    /// Unknown or repeated keys, for the console.
    pub warnings: Vec<String>,
}

impl Default for Permalink {
    fn default() -> Self {
        Permalink {
            figure: Figure::Toy,
            preset: None,
            toy: ToyLink::default(),
            fashion: FashionLink::default(),
            one_hidden_layer: OneHiddenLayerLink::default(),
            sweep: SweepLink::default(),
            play: false,
            hide: Vec::new(),
            controls: None,
            lecture: false,
            notices: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// Every key a link may have: the page keys, then each figure's (without repeats).
pub fn all_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    let page = PAGE_KEYS
        .iter()
        .flat_map(|s| std::iter::once(s.key).chain(s.aliases.iter().copied()));
    let figures = Figure::ALL
        .iter()
        .flat_map(|f| f.settings().iter().filter(|s| s.link).map(|s| s.key));
    for k in page.chain(figures) {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

/// A link value as the setting's parser reads it.
fn value_for(s: &Setting, raw: &str) -> FieldValue {
    match s.kind {
        Kind::Methods | Kind::Parts => list_value(raw),
        Kind::Boolean | Kind::Choice => FieldValue::Text(cut(raw)),
        Kind::Seed if raw.trim() == "random" => FieldValue::Text("random".into()),
        Kind::Integer | Kind::Number | Kind::Seed => number_value(raw),
    }
}

fn parse_controls(figure: Figure, key: &str, raw: &str) -> Result<Vec<&'static str>, ConfigError> {
    let all = figure.parts();
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

/// Sets the preset's values on its figure's state.
fn apply_preset<L: FigureLink>(link: &mut L, preset: &Preset) {
    for (key, value) in preset.values {
        // Preset values are valid values of their settings (schema::tests).
        let _ = link.set(key, &value.field_value());
    }
}

/// Reads one key of the figure into `link`; on a bad value puts back the base value and
/// returns the notice's text.
fn apply_setting<L: FigureLink>(link: &mut L, base: &L, s: &Setting, raw: &str) -> Option<String> {
    match link.set(s.key, &value_for(s, raw)) {
        Ok(()) => None,
        Err(e) => {
            link.restore(s.key, base);
            Some(format!("{e}; using {}", used_text(base, s)))
        }
    }
}

/// How the notice names the value that replaces a bad one.
fn used_text<L: FigureLink>(base: &L, s: &Setting) -> String {
    base.get(s.key)
        .map_or_else(|| s.default.describe(), |v| describe(&v))
}

/// Applies the rules that tie a figure's keys together, mending what breaks them.
fn check_figure<L: FigureLink>(link: &mut L, base: &L, notices: &mut Vec<Notice>) {
    for _ in 0..3 {
        let Err(e) = link.check() else { return };
        link.fix(&e.field, base);
        let used = link
            .get(&e.field)
            .map_or_else(|| "the default".into(), |v| describe(&v));
        notices.push(Notice {
            key: e.field.clone(),
            message: format!("{e}; using {used}"),
        });
    }
    if link.check().is_err() {
        *link = base.clone();
    }
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
                match preset.figure {
                    Figure::Toy => apply_preset(&mut p.toy, &preset),
                    Figure::Fashion => apply_preset(&mut p.fashion, &preset),
                    Figure::OneHiddenLayer => apply_preset(&mut p.one_hidden_layer, &preset),
                    Figure::Sweep => apply_preset(&mut p.sweep, &preset),
                }
            }
            None => {
                let ids: Vec<&str> = Preset::all().map(|p| p.id).collect();
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
        match Figure::from_id(raw.trim()) {
            Some(f) => p.figure = f,
            None => {
                let ids: Vec<&str> = Figure::ALL.iter().map(|f| f.id()).collect();
                let e = ConfigError::new(
                    "figure",
                    &format!("one of {} (or ohl)", ids.join(", ")),
                    &quote(raw),
                );
                p.notices.push(Notice {
                    key: "figure".into(),
                    message: format!("{e}; using {}", p.figure.id()),
                });
            }
        }
    }
    let base = p.clone();
    let keys = all_keys();
    for (key, raw) in &pairs {
        if let Some(k) = keys.iter().find(|k| **k == key.as_str()) {
            if seen.contains(k) && *k != "preset" {
                warn(
                    &mut p,
                    format!("`{k}` is given more than once; the last value is used"),
                );
            }
            seen.push(k);
        }
        let figure = p.figure;
        let notice = if let Some(s) = page_key(key).filter(|s| applies(s.key, figure)) {
            apply_page_key(&mut p, s, raw)
        } else if let Ok(s) = figure.link_setting(key) {
            match figure {
                Figure::Toy => apply_setting(&mut p.toy, &base.toy, s, raw),
                Figure::Fashion => apply_setting(&mut p.fashion, &base.fashion, s, raw),
                Figure::OneHiddenLayer => {
                    apply_setting(&mut p.one_hidden_layer, &base.one_hidden_layer, s, raw)
                }
                Figure::Sweep => apply_setting(&mut p.sweep, &base.sweep, s, raw),
            }
        } else {
            let text = if keys.contains(&key.as_str()) {
                format!(
                    "ignored `{key}`: it is not a setting of the {} figure, whose keys are {}",
                    figure.id(),
                    figure.link_keys().join(", ")
                )
            } else {
                format!(
                    "ignored unknown key {}; the keys are {}",
                    quote(key),
                    keys.join(", ")
                )
            };
            warn(&mut p, text);
            None
        };
        if let Some(message) = notice {
            p.notices.push(Notice {
                key: key.clone(),
                message,
            });
        }
    }
    if unknown > MAX_WARNINGS {
        p.warnings.push(format!(
            "… and {} more unknown keys",
            unknown - MAX_WARNINGS
        ));
    }
    match p.figure {
        Figure::Toy => check_figure(&mut p.toy, &base.toy, &mut p.notices),
        Figure::Fashion => check_figure(&mut p.fashion, &base.fashion, &mut p.notices),
        Figure::OneHiddenLayer => check_figure(
            &mut p.one_hidden_layer,
            &base.one_hidden_layer,
            &mut p.notices,
        ),
        Figure::Sweep => check_figure(&mut p.sweep, &base.sweep, &mut p.notices),
    }
    p
}

/// Reads a page-level key (`figure` and `preset` were read first); the notice's text on a
/// bad value, which leaves the value as it was.
fn apply_page_key(p: &mut Permalink, s: &Setting, raw: &str) -> Option<String> {
    let result = match s.key {
        "play" => s.parse_boolean(&value_for(s, raw)).map(|b| p.play = b),
        "lecture" => s.parse_boolean(&value_for(s, raw)).map(|b| p.lecture = b),
        "hide" => s.parse_methods(&value_for(s, raw)).map(|m| p.hide = m),
        "controls" => parse_controls(p.figure, s.key, raw).map(|c| p.controls = Some(c)),
        _ => Ok(()),
    };
    result
        .err()
        .map(|e| format!("{e}; using {}", s.default.describe()))
}

/// The canonical hash (without `#`) for `p`: `figure`, `preset`, then the figure's link
/// settings in the schema's order (every one that is set, so a link keeps meaning the same
/// thing if the defaults ever change), then the page keys.
pub fn to_hash(p: &Permalink) -> String {
    let mut out = vec![("figure", p.figure.id().to_string())];
    if let Some(preset) = p.preset {
        out.push(("preset", preset.id.to_string()));
    }
    let fields = match p.figure {
        Figure::Toy => p.toy.fields(),
        Figure::Fashion => p.fashion.fields(),
        Figure::OneHiddenLayer => p.one_hidden_layer.fields(),
        Figure::Sweep => p.sweep.fields(),
    };
    for s in p.figure.settings().iter().filter(|s| s.link) {
        if let Some((_, v)) = fields.iter().find(|(k, _)| k == s.key) {
            out.push((s.key, link_text(v)));
        }
    }
    out.push(("play", u8::from(p.play).to_string()));
    if !p.hide.is_empty() && applies("hide", p.figure) {
        let ids: Vec<&str> = p.hide.iter().map(|m| m.id()).collect();
        out.push(("hide", ids.join(",")));
    }
    if let Some(controls) = &p.controls {
        out.push(("controls", controls.join(",")));
    }
    if p.lecture {
        out.push(("lecture", "1".into()));
    }
    out.iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests;
