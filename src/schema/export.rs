//! The schema as JSON data for the page (`www/lib/schema.json`, the wasm export `schema()`,
//! `sgd-escape schema`). Its shape is documented in docs/schema.md and kept stable: fields are
//! only added; `schemaVersion` changes if one changes meaning or goes away.

use super::{
    applies, Choices, Control, Figure, Kind, Preset, Setting, Value, PAGE_KEYS, SCHEMA_VERSION,
};
use crate::noise::Method;
use serde::Serialize;

/// The whole schema.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaJson {
    schema_version: u32,
    /// The eight dynamics, `{ id, name }`, in the paper's order.
    methods: Vec<MethodJson>,
    figures: Vec<FigureJson>,
    page_keys: Vec<SettingJson>,
}

#[derive(Serialize)]
struct MethodJson {
    id: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FigureJson {
    id: &'static str,
    aliases: &'static [&'static str],
    title: &'static str,
    settings: Vec<SettingJson>,
    /// The parts an embed may show (`controls=`).
    parts: &'static [&'static str],
    presets: Vec<PresetJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SettingJson {
    key: &'static str,
    #[serde(rename = "type")]
    kind: Kind,
    #[serde(serialize_with = "bound")]
    min: Option<f64>,
    #[serde(serialize_with = "bound")]
    max: Option<f64>,
    min_exclusive: bool,
    max_exclusive: bool,
    default: Value,
    /// What an unset default means ("one per core"), or how a default reads in a message.
    default_text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cli_default: Option<Value>,
    label: &'static str,
    help: &'static str,
    control: Control,
    link: bool,
    api: bool,
    /// The flag with its dashes (`--noise-trace`), or null.
    cli: Option<String>,
    aliases: &'static [&'static str],
    /// The allowed values of a choice or list, or null.
    choices: Option<Vec<&'static str>>,
    /// The figures a page key applies to (page keys only).
    #[serde(skip_serializing_if = "Option::is_none")]
    figures: Option<Vec<&'static str>>,
}

#[derive(Serialize)]
struct PresetJson {
    id: &'static str,
    label: &'static str,
    values: serde_json::Map<String, serde_json::Value>,
}

fn choices(s: &Setting) -> Option<Vec<&'static str>> {
    match s.choices {
        Choices::None => None,
        Choices::Methods => Some(Method::IDS.to_vec()),
        Choices::Figures => Some(Figure::ALL.iter().map(|f| f.id()).collect()),
        Choices::Presets => Some(Preset::all().map(|p| p.id).collect()),
        // Per figure: its `parts`.
        Choices::Parts => None,
        Choices::List(items) => Some(items.to_vec()),
    }
}

fn setting(s: &Setting, figures: Option<Vec<&'static str>>) -> SettingJson {
    SettingJson {
        key: s.key,
        kind: s.kind,
        min: s.min,
        max: s.max,
        min_exclusive: s.min_exclusive,
        max_exclusive: false,
        default: s.default,
        default_text: s.default.describe(),
        cli_default: s.cli_default,
        label: s.label,
        help: s.help,
        control: s.control,
        link: s.link,
        api: s.api,
        cli: s.cli.map(|f| format!("--{f}")),
        aliases: s.aliases,
        choices: choices(s),
        figures,
    }
}

/// A bound as an integer when it is one (`1`, not `1.0`).
fn bound<S: serde::Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match *x {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => s.serialize_i64(x as i64),
        Some(x) => s.serialize_f64(x),
        None => s.serialize_none(),
    }
}

fn to_json(v: &Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// The schema as a serializable value.
pub fn schema() -> SchemaJson {
    SchemaJson {
        schema_version: SCHEMA_VERSION,
        methods: Method::ALL
            .iter()
            .map(|m| MethodJson {
                id: m.id(),
                name: m.name(),
            })
            .collect(),
        figures: Figure::ALL
            .iter()
            .map(|&f| FigureJson {
                id: f.id(),
                aliases: f.aliases(),
                title: f.title(),
                settings: f.settings().iter().map(|s| setting(s, None)).collect(),
                parts: f.parts(),
                presets: f
                    .presets()
                    .iter()
                    .map(|p| PresetJson {
                        id: p.id,
                        label: p.title,
                        values: p
                            .values
                            .iter()
                            .map(|(k, v)| (k.to_string(), to_json(v)))
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        page_keys: PAGE_KEYS
            .iter()
            .map(|s| {
                let figures = Figure::ALL
                    .iter()
                    .filter(|f| applies(s.key, **f))
                    .map(|f| f.id())
                    .collect();
                setting(s, Some(figures))
            })
            .collect(),
    }
}

/// The schema as pretty-printed JSON with a final newline: exactly `www/lib/schema.json`.
pub fn schema_json() -> String {
    serde_json::to_string_pretty(&schema()).unwrap_or_default() + "\n"
}

/// The range of a setting as a table shows it.
fn range_text(s: &Setting) -> String {
    match s.kind {
        Kind::Boolean => "`1`/`0`".into(),
        Kind::Methods => "method ids, comma-separated".into(),
        Kind::Parts => "parts, comma-separated".into(),
        Kind::Choice => match s.choices {
            Choices::Methods => "a method id".into(),
            Choices::Figures => "a figure id (`ohl`: one-hidden-layer)".into(),
            Choices::Presets => "a preset id".into(),
            _ => "a choice".into(),
        },
        Kind::Seed => "0 ..= 4294967295, or `random`".into(),
        Kind::Integer => format!(
            "{} ..= {}",
            s.min.unwrap_or(0.0) as u64,
            s.max.unwrap_or(0.0) as u64
        ),
        Kind::Number => {
            let open = if s.min_exclusive { '(' } else { '[' };
            format!("{open}{}, {}]", s.min.unwrap_or(0.0), s.max.unwrap_or(0.0))
        }
    }
}

fn markdown_rows(out: &mut String, settings: &[Setting], cli: bool) {
    for s in settings {
        let key = match s.aliases {
            [] => format!("`{}`", s.key),
            a => format!("`{}` (alias `{}`)", s.key, a.join("`, `")),
        };
        let default = match s.cli_default.filter(|_| cli) {
            Some(c) => format!("{} (CLI: {})", s.default.describe(), c.describe()),
            None => s.default.describe(),
        };
        let flag = s.cli.map_or(String::new(), |f| format!("`--{f}`"));
        out.push_str(&format!(
            "| {key} | {} | {default} | {flag} | {} |\n",
            range_text(s),
            s.help.replace('|', "\\|")
        ));
    }
}

/// The link keys of every figure and the page keys as Markdown tables (docs/API.md keeps them
/// between `<!-- schema-tables -->` markers; a test checks they are this output).
pub fn markdown() -> String {
    let head = "| key | value | default | CLI | what |\n|---|---|---|---|---|\n";
    let mut out =
        String::from("Page keys (every figure; `hide` not for one-hidden-layer nor sweep):\n\n");
    out.push_str(head);
    markdown_rows(&mut out, &PAGE_KEYS, false);
    for f in Figure::ALL {
        let aliases = match f.aliases() {
            [] => String::new(),
            a => format!(" (alias `{}`)", a.join("`, `")),
        };
        out.push_str(&format!(
            "\n`figure={}`{aliases}, link keys in the order a link writes them; embed parts \
             (`controls=`): {}.\n\n",
            f.id(),
            f.parts().join(", ")
        ));
        out.push_str(head);
        let link: Vec<Setting> = f.settings().iter().filter(|s| s.link).copied().collect();
        markdown_rows(&mut out, &link, true);
        let api: Vec<Setting> = f
            .settings()
            .iter()
            .filter(|s| s.api && !s.link)
            .copied()
            .collect();
        if !api.is_empty() {
            out.push_str(&format!(
                "\nAPI and CLI only (not in links) for `{}`:\n\n{head}",
                f.id()
            ));
            markdown_rows(&mut out, &api, true);
        }
        let presets: Vec<String> = f
            .presets()
            .iter()
            .map(|p| format!("`{}` ({})", p.id, p.title))
            .collect();
        out.push_str(&format!("\nPresets: {}.\n", presets.join("; ")));
    }
    out
}
